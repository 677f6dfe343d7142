/* Counters as both sides report them: one entry per rule and per
 * built-in chain's policy, keyed by table, chain and rule index. */
#ifndef RAND_COUNT_H
#define RAND_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "rand_rules.h"

#define RC_MAX 256

struct rc_entry {
	enum rr_table table;
	char chain[32];
	int rule; /* 0-based; -1: the policy */
	uint64_t pkts, bytes;
};

struct rc_set {
	struct rc_entry e[RC_MAX];
	size_t n;
};

/* Adds an entry (ignored when full). */
void rc_add(struct rc_set *s, enum rr_table t, const char *chain, int rule, uint64_t pkts,
	    uint64_t bytes);
/* a - b for every entry of a (entries of b matched by key). */
void rc_sub(struct rc_set *out, const struct rc_set *a, const struct rc_set *b);
/* Compares oracle and bpfilter counters (only the raw table with
 * raw_only); writes the differing entries to out (if not NULL).
 * Returns the number of differences. */
int rc_compare(const struct rc_set *oracle, const struct rc_set *bpf, bool raw_only,
	       struct bf_strbuf *out);
/* Writes the nonzero entries. */
void rc_print(const struct rc_set *s, struct bf_strbuf *out);

#endif
