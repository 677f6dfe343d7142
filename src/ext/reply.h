/* What REJECT's answers at XDP share (reject_tcp.c, reject_icmp.c,
 * reject_icmp6.c): checksums built in emitted code (a sum in r4, 16-bit
 * words added as host-order numbers, folded at the end by
 * bf_emit_csum_fold), the kernel's settings they follow, the destinations
 * that get none, the per-peer budget of the ICMP errors, the quote, and
 * the sending. */
#ifndef BF_EXT_REPLY_H
#define BF_EXT_REPLY_H

#include "cgen/cgen.h"

/* The ICMP errors' stack, between the context and the netfilter stage's
 * buffers (XDP only; each answer is a tail of its own, so the ICMP and
 * ICMPv6 errors share it). */
enum bf_reply_stack {
	BF_REPLY_QLEN = -132, /* u32: bytes of the datagram quoted */
	BF_REPLY_SUM = -136,  /* u32: their ones' complement sum, unfolded */
	BF_REPLY_L2 = -140,   /* u32: link-layer header length */
	BF_REPLY_CODE = -144, /* u32: the ICMP code, set by the rule */
	BF_REPLY_ID = -148,   /* u32: the IPv4 id */
	BF_REPLY_SRC = -152,  /* u32: FORWARD's IPv4 error source, host order */
	BF_REPLY_PEER = -168, /* struct bf_icmp_peer: a new peer's budget */
	BF_REPLY_KEY = -184,  /* 16 bytes: the peer (BF_MAP_ICMP_PEERS) */
};

/* r4 += the two 16-bit halves of the u32 in r1 (clobbers r1, r2). */
void bf_emit_csum_halves(struct bf_cgen *cg);

/* The integer in /proc/sys/net/NAME (this namespace's), read when the
 * program is compiled; dflt when it cannot be read. */
int bf_reply_sysctl(const char *name, int dflt);
/* Whether bit is set in the bitmap /proc/sys/net/NAME shows as a list
 * ("0-1,3-127"); dflt when it cannot be read. */
bool bf_reply_sysctl_bit(const char *name, int bit, bool dflt);
/* The ttl (hop limit) the kernel gives what it sends: ip_default_ttl, or
 * IPv6's hop_limit of the interface compiled for; 64 without. */
int bf_reply_ttl(const struct bf_cgen *cg, enum bf_family f);
/* msecs_to_jiffies for the kernel's HZ. */
int bf_reply_jiffies(int ms);

/* To `none` when the packet's IPv4 destination is multicast or the
 * limited broadcast: the kernel answers neither. */
void bf_emit_reply_group_dst4(struct bf_cgen *cg, int none);
/* To `none` when the packet's IPv6 source or destination is not unicast
 * (multicast or unspecified). */
void bf_emit_reply_unicast6(struct bf_cgen *cg, int none);

/* inet_peer_xrlim_allow for the peer at BF_REPLY_KEY with an interval
 * of t jiffies (t > 0): an error is allowed while the peer's tokens
 * (at most 6 t, one more per jiffy) hold t, which it spends; to `none`
 * otherwise. A new peer starts as inet_getpeer makes it: no tokens, its
 * last error 60 s back. Clobbers r0-r5, r9. */
void bf_emit_reply_budget(struct bf_cgen *cg, int t, int none);
/* BF_REPLY_QLEN = min(the datagram's length, max); BF_REPLY_SUM = the sum
 * of those first bytes as big-endian 16-bit words (a bounded loop). */
void bf_emit_reply_quote_sum(struct bf_cgen *cg, int max, int none);
/* `grow` bytes more in front of the frame, for the error's headers, the
 * link-layer header (up to 22 bytes with tags) moved back to the front
 * with its addresses swapped: r3 = the frame, r5 = where the network
 * header goes (r3 + BF_REPLY_L2), `grow` bytes writable there. */
void bf_emit_reply_grow(struct bf_cgen *cg, int grow, int none);
/* The ICMP (ICMPv6) header at r5 + off, in front of the quote: type, the
 * code at BF_REPLY_CODE, 4 zero bytes, and the checksum of r4 (0, or
 * ICMPv6's pseudo-header sum), the header and BF_REPLY_SUM. */
void bf_emit_reply_icmp_header(struct bf_cgen *cg, int off, int type);
/* The frame cut after the error (link layer, `grow` bytes of headers,
 * the quote) and sent back. */
void bf_emit_reply_cut_send(struct bf_cgen *cg, int grow, int none);
/* FORWARD at XDP: r0 = bpf_fib_lookup of the route back to the packet's
 * source from the ingress interface, with its preferred source address
 * (BPF_FIB_LOOKUP_OUTPUT | SRC) in the key (cgen/route.h's BF_FIB_AT).
 * Clobbers r1-r5. */
void bf_emit_reply_route_back(struct bf_cgen *cg, bool v6);
/* Ends the rule with an ICMP error of code `code`: emit(cg, arg), the
 * error's block, is a tail shared by the program's rules (bf_cgen_tail),
 * which finds the code at BF_REPLY_CODE; arg is 1 in FORWARD (cg's
 * oif_dynamic), else 0. In the netfilter stage nft answers
 * (cgen/nf_reject.h); elsewhere the packet is only dropped. Returns
 * cg->err. */
int bf_emit_reply_error(struct bf_cgen *cg, void (*emit)(struct bf_cgen *cg, int arg),
			uint8_t code);
/* The frame cut by r2 bytes (0 or less) and sent back (XDP_TX); to
 * `none` when it cannot be cut. */
void bf_emit_reply_send(struct bf_cgen *cg, int none);

#endif
