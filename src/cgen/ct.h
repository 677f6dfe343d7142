/* The packet's conntrack state, for -m conntrack and -m state (ct.c):
 * what xt_conntrack reads from skb->_nfct, put in the packet context
 * (BF_PKT_CTINFO, BF_PKT_CTPROTO) once, before filter INPUT, so that each
 * match only tests bits.
 *
 * At XDP the kernel's conntrack has not seen the packet yet: the program
 * looks its flow up (bpf_xdp_ct_lookup) and works out what nf_conntrack_in
 * will make of it, where that is certain - a UDP datagram, a TCP SYN
 * without a flow, a TCP ACK of an established flow inside conntrack's
 * window. Any other packet is deferred: XDP lets it through to the stack
 * unjudged (only raw PREROUTING judged it), marked in its XDP metadata,
 * and the netfilter stage judges filter INPUT after conntrack, reading the
 * state the kernel set (nf.h). */
#ifndef BF_CGEN_CT_H
#define BF_CGEN_CT_H

#include <stdbool.h>

#include "cgen.h"
#include "kern/btf_offsets.h"

/* BF_PKT_CTINFO bits: xt_conntrack's state bits (BF_CT_ST_*, with SNAT and
 * DNAT from the status), then these. */
#define BF_CTI_REPLY 0x0200   /* CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY */
#define BF_CTI_PRESENT 0x0400 /* nf_ct_get() gives a conntrack */
#define BF_CTI_STATUS_SHIFT 12 /* status & 0xf (EXPECTED .. CONFIRMED) */

/* The XDP metadata word of a deferred packet. */
#define BF_CT_DEFER_MAGIC 0xbf1dfe44u

/* What the rules of rs read of the conntrack: 0 or BF_CT_NEED_* bits. */
#define BF_CT_NEED_STATE 0x1  /* BF_PKT_CTINFO, BF_PKT_CTPROTO */
#define BF_CT_NEED_TUPLE 0x2  /* BF_PKT_CT_ORIG_SRC .. BF_PKT_CT_REPL_DPORT */
#define BF_CT_NEED_EXPIRES 0x4 /* BF_PKT_CT_EXPIRES: XDP then defers all */
unsigned int bf_ruleset_uses_ct(const struct bf_ruleset *rs);

/* CTINFO before conntrack has seen the packet (raw PREROUTING): no
 * conntrack, INVALID (the other fields zero). */
void bf_emit_ct_none(struct bf_cgen *cg);
/* XDP, before filter INPUT (r6 the context, r7 the network header):
 * CTINFO where it is certain, else the packet deferred (XDP_PASS with
 * the metadata mark; XDP_DROP where the driver keeps no metadata). */
void bf_emit_ct_xdp(struct bf_cgen *cg, enum bf_family family);
/* Netfilter hook: CTINFO from skb->_nfct (skb in register skb_reg), and
 * what else `needs` (BF_CT_NEED_*) asks. */
void bf_emit_ct_nf(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb_reg,
		   unsigned int needs);
/* Netfilter hook: to `yes` when the skb (in skb_reg) carries the mark of
 * a deferred packet; clobbers r0-r5. */
void bf_emit_ct_deferred(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb_reg,
			 int yes);

#endif
