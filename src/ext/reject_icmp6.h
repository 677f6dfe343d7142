/* REJECT with an ICMPv6 destination unreachable as code (reject_icmp6.c),
 * for ip6tables' REJECT target. */
#ifndef BF_EXT_REJECT_ICMP6_H
#define BF_EXT_REJECT_ICMP6_H

#include <stdint.h>

#include "cgen/cgen.h"

/* Ends the rule: the error of ICMPv6 code `code` sent back (XDP_TX)
 * where the kernel would send one, the packet dropped. Returns cg->err. */
int bf_emit_reject_icmp6(struct bf_cgen *cg, uint8_t code);

#endif
