/* IPv4 packets the stack drops for their options after raw PREROUTING
 * and before filter INPUT (ip_rcv_finish_core -> ip_rcv_options): iptables
 * never counts them in INPUT. */
#ifndef BF_CGEN_IPV4_OPTS_H
#define BF_CGEN_IPV4_OPTS_H

#include <stdbool.h>

#include "cgen.h"

/* Emitted after raw PREROUTING (context filled, BF_REG_L3 at the IPv4
 * header, BF_REG_END the frame's end): falls through when the packet
 * reaches routing to INPUT as it is; jumps to lbl_stack_drops when
 * ip_rcv_options() refuses it for what the packet alone holds (the
 * caller leaves it to the stack, which drops it and may send an ICMP
 * error); jumps to lbl_drop when the refusal depends on configuration
 * read now (a sysctl, a CIPSO DOI) or cannot be followed (a source route
 * with addresses left): the caller drops it, so that a configuration
 * changed later never lets it reach INPUT unjudged (fail closed).
 * Source routing follows net.ipv4.conf.{all,IFACE}.accept_source_route
 * as read now (bf_ipv4_accept_source_route on cg->ifname): the program
 * keeps that value until it is compiled again. Clobbers r0-r5, r9 and BF_PKT_SCRATCH. */
void bf_emit_ipv4_opts_check(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop);

/* The same with the source-route decision given: accept_srr is
 * IN_DEV_SOURCE_ROUTE (all && the interface's accept_source_route). */
void bf_emit_ipv4_opts_check_srr(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop,
				 bool accept_srr);

/* IN_DEV_SOURCE_ROUTE of interface ifname in the caller's network
 * namespace: conf/all and conf/IFNAME (conf/default when the interface
 * has none, or for NULL / ""). An unreadable value counts as 0, the
 * kernel's default for conf/all. */
bool bf_ipv4_accept_source_route(const char *ifname);

#endif
