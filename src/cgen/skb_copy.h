/* A packet judged from a copy of its first bytes on the stack
 * (BF_NF_BUF, nf.h), read through a dynptr of the skb: for hooks whose
 * context is an sk_buff they can read only through the kernel's BTF
 * pointer (netfilter) or whose packet may be non-linear (TC egress). The
 * IPv4/IPv6 prologues and every match then work on the copy unchanged. */
#ifndef BF_CGEN_SKB_COPY_H
#define BF_CGEN_SKB_COPY_H

#include "cgen.h"
#include "cgen/nf.h"
#include "kern/btf_offsets.h"

/* The running kernel's sk_buff offsets; false (cg->err set) without. */
bool bf_skb_offsets(struct bf_cgen *cg, struct bf_nf_offsets *o);
/* BF_PKT_ETH_TYPE from skb->pkt_type (what the pkttype match reads);
 * MAC_HI/LO from the MAC header the skb points at (uses BF_NF_MAC), zero
 * without one or without `mac` (where -m mac is not allowed: OUTPUT). */
void bf_emit_skb_link(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb, bool mac);
/* dst = where the network header is in the skb's dynptr (which starts at
 * skb->data): network_header - (data - head). skb: the register holding
 * the sk_buff's BTF pointer. Clobbers r1, r2. */
void bf_emit_skb_nh_offset(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb, int dst);
/* Copies min(bytes from the network header, BF_NF_BUF_LEN) to BF_NF_BUF
 * through a dynptr (at BF_NF_DYNPTR) made from register src: what
 * bpf_dynptr_from_skb takes in this program type (the netfilter hook's
 * skb pointer, TC's context). BF_REG_L3 = the copy, BF_REG_END = its end.
 * Jumps to fail when the skb cannot be read. */
void bf_emit_skb_copy(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb, int src,
		      int fail);
/* The copy's IPv4 total length made the copy's (the real one kept in
 * BF_NF_TOTLEN, put back into BF_PKT_LEN after the prologue); the IPv6
 * payload length likewise (BF_NF_TOTLEN = 40 + the real one). */
void bf_emit_skb_copy_shorten(struct bf_cgen *cg);
void bf_emit_skb_copy_shorten6(struct bf_cgen *cg);

#endif
