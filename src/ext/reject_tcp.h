/* REJECT --reject-with tcp-reset as code (reject_tcp.c), for the IPv4 and
 * IPv6 REJECT targets. */
#ifndef BF_EXT_REJECT_TCP_H
#define BF_EXT_REJECT_TCP_H

#include "cgen/cgen.h"

/* Ends the rule: the reset sent back (XDP_TX) where the kernel would send
 * one, the packet dropped. Returns 0 or cg->err. */
int bf_emit_reject_tcp(struct bf_cgen *cg, enum bf_family f);

#endif
