/* What REJECT's answers at XDP share (reject_tcp.c, reject_icmp.c):
 * checksums built in emitted code (a sum in r4, 16-bit words added as
 * host-order numbers, folded at the end by bf_emit_csum_fold), the kernel's settings they
 * follow, the destinations that get none, and the sending. */
#ifndef BF_EXT_REPLY_H
#define BF_EXT_REPLY_H

#include "cgen/cgen.h"

/* r4 += the two 16-bit halves of the u32 in r1 (clobbers r1, r2). */
void bf_emit_csum_halves(struct bf_cgen *cg);

/* The integer in /proc/sys/net/NAME (this namespace's), read when the
 * program is compiled; dflt when it cannot be read. */
int bf_reply_sysctl(const char *name, int dflt);
/* The ttl (hop limit) the kernel gives what it sends: ip_default_ttl, or
 * IPv6's hop_limit of the interface compiled for; 64 without. */
int bf_reply_ttl(const struct bf_cgen *cg, enum bf_family f);

/* To `none` when the packet's IPv4 destination is multicast or the
 * limited broadcast: the kernel answers neither. */
void bf_emit_reply_group_dst4(struct bf_cgen *cg, int none);
/* The frame cut by r2 bytes (0 or less) and sent back (XDP_TX); to
 * `none` when it cannot be cut. */
void bf_emit_reply_send(struct bf_cgen *cg, int none);

#endif
