/* The TC egress hook: raw OUTPUT then filter OUTPUT, for the packets this
 * host sends, on the interface they leave by (a SCHED_CLS program, tcx or
 * clsact: kern/tc.c). What iptables' OUTPUT sees and TC egress does not
 * tell apart is told here:
 * - a forwarded packet leaves by the same path: it was received (its
 *   skb_iif is set) and FORWARD judged it at XDP; it passes;
 * - a packet socket's frames never cross the IP layer's LOCAL_OUT; they
 *   pass;
 * - the kernel fragments after OUTPUT: the first fragment is judged
 *   (its header has the ports; counted with its own length), the others
 *   follow it: accepted when it was (BF_MAP_FRAGS), else dropped.
 * The packet is judged from a copy of its first bytes (skb_copy.h): a
 * TCP segment's payload lies in pages the program cannot point at. */
#ifndef BF_CGEN_TC_H
#define BF_CGEN_TC_H

#include <stdint.h>

#include "cgen.h"

/* Where the prologue keeps the sk_buff's BTF pointer (between the
 * netfilter hook's scratch and the conntrack tuples, cgen.h). */
#define BF_TC_SKB (-312)
/* u32: 4 or 6 for a first fragment of that family, else 0; and its
 * datagram's identification (FORWARD's BF_PKT_OIF, unused here). */
#define BF_TC_FRAG (-328)
#define BF_TC_FRAG_ID (-320)

/* BF_MAP_FRAGS's key: a datagram, as the receiver reassembles it. IPv4
 * addresses in the first words; protocol 0 for IPv6. */
struct bf_frag_key {
	uint32_t id;
	uint32_t family_proto; /* family (4 or 6) << 8 | IPv4 protocol */
	uint32_t saddr[4], daddr[4];
};
#define BF_FRAGS_MAX 4096

/* Compiles raw OUTPUT and filter OUTPUT of v4 and v6 (with the user
 * chains they reach; either may be NULL) for packets leaving by ifname:
 * prologue, chains, bf_cgen_finish. Counter slots as in the XDP program
 * (v4's from 0). Linear: no classifier stage. */
int bf_cgen_compile_tc(struct bf_cgen *cg, const struct bf_ruleset *v4,
		       const struct bf_ruleset *v6, const char *ifname);
#endif
