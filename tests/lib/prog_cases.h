/* Table-driven program tests: a ruleset, then packets with the verdict
 * and the rule that must count each. */
#ifndef PROG_CASES_H
#define PROG_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "ir/ruleset.h"
#include "prog_pkt.h"

#define PROG_POLICY -1   /* counted by the chain policy */
#define PROG_UNCOUNTED -2 /* counted nowhere (hotdrop, not judged) */

struct prog_case {
	const char *what;
	struct prog_pkt pkt;
	int ret;  /* XDP_PASS, XDP_DROP */
	int rule; /* index of the rule that counts it, or PROG_POLICY / PROG_UNCOUNTED */
	/* Optional: builds the frame instead of pkt (PROG_PKT_MAX bytes),
	 * returns its length and sets the bytes a counter must add. */
	size_t (*frame)(uint8_t *buf, uint64_t *bytes);
};

/* CASE("what", XDP_DROP, 2, .dport = 22): a crafted packet (struct
 * prog_pkt fields after the rule); FRAME(...) with a frame builder. */
#define CASE(WHAT, RET, RULE, ...) \
	{.what = WHAT, .ret = RET, .rule = RULE, .pkt = {__VA_ARGS__}}
#define FRAME(WHAT, RET, RULE, FN) {.what = WHAT, .ret = RET, .rule = RULE, .frame = FN}

/* The frame of a case, and the bytes a counter adds for it. */
size_t prog_case_frame(const struct prog_case *c, uint8_t *buf, uint64_t *bytes);

struct prog;
/* Runs case c through p, compiled from rs whose raw PREROUTING holds the
 * case's rules: the case's rule (or raw policy) counts it and, when raw
 * lets it on to filter INPUT (empty, ACCEPT), so does that policy
 * (except IPv4 fragments, which XDP leaves to the stack there). */
int prog_check_raw_case(const struct prog *p, const struct bf_ruleset *rs,
			const struct prog_case *c);

/* Loads rules (NULL-terminated) in raw PREROUTING with policy, compiled for ifname, runs
 * every case; returns how many failed (each printed), -1 if the program
 * did not load. */
int prog_run_cases(const char *const *rules, enum bf_verdict policy, const char *ifname,
		   const struct prog_case *cases, size_t n);

#define PROG_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
