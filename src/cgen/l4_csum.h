/* The TCP or UDP checksum of the packet, verified at XDP (l4_csum.c),
 * with bpf_csum_diff over the pseudo-header and the segment. */
#ifndef BF_CGEN_L4_CSUM_H
#define BF_CGEN_L4_CSUM_H

#include "cgen/cgen.h"

/* Where the transport header can lie (BF_PKT_L4OFF), for the verifier:
 * an IPv4 header is at most 60 bytes; IPv6 extension headers are walked
 * in the frame. */
#define BF_L4OFF_MASK(family) ((family) == BF_FAMILY_IPV4 ? 0x3c : 0xfff)

/* To `bad` unless the TCP or UDP checksum of the packet (PROTO, L4OFF
 * and LEN of the context) is right; a UDP checksum of 0 is none. Also
 * to `bad` for a segment longer than 2047 bytes. Clobbers r0-r5. */
void bf_emit_l4_csum_check(struct bf_cgen *cg, enum bf_family family, int bad);

#endif
