/* Small emitters for matches that compare packet-context fields
 * (cgen.h, enum bf_pkt_off): an equality under a mask, or a range. */
#ifndef BF_EXT_EMIT_FIELD_H
#define BF_EXT_EMIT_FIELD_H

#include <stdbool.h>
#include <stdint.h>

struct bf_cgen;

/* Jumps to no_match unless ((field & mask) == value) ^ invert. The field
 * has `size` BPF_B/H/W at context offset `off`. */
void bf_emit_field_eq(struct bf_cgen *cg, int size, int off, uint32_t mask,
		      uint32_t value, bool invert, int no_match);

/* Jumps to no_match unless (lo <= field <= hi) ^ invert (unsigned; an
 * empty range, lo > hi, never holds). */
void bf_emit_field_range(struct bf_cgen *cg, int size, int off, uint32_t lo,
			 uint32_t hi, bool invert, int no_match);

/* The context fields above are those of the IPv4 prologue: matches
 * whose IPv6 test differs refuse other families until IPv6 compiles.
 * 0, or -EOPNOTSUPP after logging why. */
struct bf_rule;
int bf_emit_need_ipv4(const struct bf_rule *rule, const char *match);

#endif
