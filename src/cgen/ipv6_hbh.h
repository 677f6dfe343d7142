/* IPv6 hop-by-hop options ipv6_rcv refuses before PREROUTING
 * (ip6_rcv_core -> ipv6_parse_hopopts -> ip6_parse_tlv): ip6tables never
 * sees or counts such a packet. */
#ifndef BF_CGEN_IPV6_HBH_H
#define BF_CGEN_IPV6_HBH_H

#include <stdbool.h>

#include "cgen.h"

/* What the check depends on, read from /proc/sys at compile time: the
 * program keeps these values until it is compiled again. */
struct bf_ipv6_hbh_conf {
	int max_opts; /* net.ipv6.max_hbh_opts_number: < 0 also refuses unknown options */
	int max_len;  /* net.ipv6.max_hbh_length, bytes of the whole header */
	bool ioam;    /* net.ipv6.conf.IFACE.ioam6_enabled */
};

/* The values in the caller's network namespace, for interface ifname
 * (conf/default when it has none, or for NULL / ""). Unreadable ones
 * take the kernel's defaults: 8, INT_MAX, off. */
void bf_ipv6_hbh_conf_read(const char *ifname, struct bf_ipv6_hbh_conf *conf);

/* Emitted in the IPv6 prologue once the hop-by-hop header is known to be
 * whole, within the frame and the datagram (BF_REG_L3 at the IPv6 header,
 * the hop-by-hop header at 40): falls through when ip6_parse_tlv /
 * ipv6_parse_hopopts let the packet on; otherwise jumps to
 * lbl_stack_drops when the packet alone makes them refuse it (the caller
 * leaves it to the stack, which drops it, with an ICMP error for some),
 * or to lbl_drop when conf decides (the caller drops it: the kernel does
 * so silently with conf as it is, and a conf changed later cannot let it
 * reach the rules unjudged). Clobbers r0-r5 (r5 = BF_REG_L3[6], the next
 * header, on the fall-through) and BF_PKT_SCRATCH. */
void bf_emit_ipv6_hbh_check_conf(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop,
				 const struct bf_ipv6_hbh_conf *conf);

/* The same with the configuration read for cg->ifname now. */
void bf_emit_ipv6_hbh_check(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop);

#endif
