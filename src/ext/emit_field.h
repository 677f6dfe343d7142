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

/* As bf_emit_field_range, on a register holding a value of `size`. */
void bf_emit_reg_range(struct bf_cgen *cg, int reg, int size, uint32_t lo, uint32_t hi,
		       bool invert, int no_match);

/* dst = the big-endian field of `size` at ptr_reg + off, in host order. */
void bf_emit_load_pkt(struct bf_cgen *cg, int dst, int ptr_reg, int off, int size);

/* The IPv6 extension-header matches: ipv6_find_hdr(skb, &ptr, TYPE, ...)
 * then skb_header_pointer(skb, ptr, len): the offset the prologue
 * recorded in context field `slot` (BF_PKT_HDR_*). Jumps to no_match when
 * there is no such header (-ENOENT), to cg->lbl_hotdrop when the chain
 * cannot be read (-EBADMSG) or `len` bytes are not there. Leaves a packet
 * pointer to the header in r2 (len bytes readable) and its offset from
 * BF_REG_L3 in r3. Clobbers r0-r5. */
void bf_emit_exthdr(struct bf_cgen *cg, int slot, int len, int no_match);

/* Jumps to `label` unless `len` bytes from offset `off_reg` (from
 * BF_REG_L3) lie within the datagram (BF_PKT_LEN) and the frame; leaves
 * a pointer to them in `ptr_reg`. Clobbers r0 (and ptr_reg). */
void bf_emit_pkt_bytes(struct bf_cgen *cg, int off_reg, int len, int ptr_reg, int label);

#endif
