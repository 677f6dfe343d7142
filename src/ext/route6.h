/* The IPv6 routes of this network namespace, read when a program is
 * compiled (route6.c), for what the kernel derives from the route to an
 * address (REJECT's ICMPv6 rate limit). */
#ifndef BF_EXT_ROUTE6_H
#define BF_EXT_ROUTE6_H

#include <stddef.h>
#include <stdint.h>

struct bf_route6 {
	uint32_t w[4]; /* the prefix, as 4 host-order words */
	int plen;
};

/* Up to max unicast routes of every table (/proc/net/ipv6_route), the
 * longest prefixes first, each prefix once; reject, local and anycast
 * routes and multicast prefixes left out. Returns how many (0 when the
 * file cannot be read). */
size_t bf_route6_read(struct bf_route6 *out, size_t max);

#endif
