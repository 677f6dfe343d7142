/* REJECT with an ICMP destination unreachable as code (reject_icmp.c), for
 * iptables' REJECT target. */
#ifndef BF_EXT_REJECT_ICMP_H
#define BF_EXT_REJECT_ICMP_H

#include <stdint.h>

#include "cgen/cgen.h"

/* Ends the rule: the error of ICMP code `code` sent back (XDP_TX) where
 * the kernel would send one, the packet dropped. Returns cg->err. */
int bf_emit_reject_icmp(struct bf_cgen *cg, uint8_t code);

#endif
