/* Set elements in ipset's text form (core/set_elem.c). */
#ifndef BF_CORE_SET_ELEM_H
#define BF_CORE_SET_ELEM_H

#include "common/strbuf.h"
#include "core/set.h"

/* What one "add" names: an element, or IPv4 address ranges (hash:ip
 * takes A-B and A/CIDR as every address in them, hash:net takes A-B as
 * the fewest nets covering it) and port ranges P-Q. */
struct bf_set_range {
	struct bf_set_elem first;
	bool range; /* ip_from .. ip_to (host order, IPv4) */
	uint32_t ip_from, ip_to;
	uint16_t port_to;
};

/* 0, or -EINVAL after logging ipset's message (-EPROTONOSUPPORT: an ICMP
 * protocol of the other family, after which ipset says more). */
int bf_set_range_parse(const struct bf_set *s, const char *text, struct bf_set_range *r);
/* Calls fn for every element of r in order, stopping at its first error. */
int bf_set_range_walk(const struct bf_set *s, const struct bf_set_range *r,
		      int (*fn)(const struct bf_set_elem *e, void *ctx), void *ctx);
/* As ipset lists it. */
void bf_set_elem_print(struct bf_strbuf *b, const struct bf_set *s, const struct bf_set_elem *e);

#endif
