/* Running one case on both sides, and shrinking a difference to a
 * minimal reproducer. */
#ifndef RAND_MIN_H
#define RAND_MIN_H

#include <stdbool.h>
#include <stddef.h>

#include "rand_count.h"
#include "rand_pkts.h"
#include "rand_rules.h"

enum rm_result {
	RM_SAME,
	RM_DIFF,      /* counters differ */
	RM_BPF_FAIL,  /* bpfilter refused what iptables took */
	RM_ORACLE_FAIL, /* iptables-legacy refused the ruleset (a generator bug) */
	RM_ERROR,     /* the harness itself failed */
};

/* Runs frames through both sides; fills the counters and, on a
 * difference or failure, a description in why (may be NULL). */
enum rm_result rm_run(const struct rr_set *rs, const struct rp_frame *frames, size_t n,
		      struct rc_set *oracle, struct rc_set *bpf, struct bf_strbuf *why);

/* Shrinks a failing case (frames first, then rules and chains) while it
 * keeps failing the same way, and prints the reproducer to stdout. */
void rm_minimize(struct rr_set *rs, struct rp_frame *frames, size_t n, enum rm_result kind);

#endif
