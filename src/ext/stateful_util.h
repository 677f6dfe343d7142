/* Helpers shared by the stateful extensions (conntrack, state, limit,
 * hashlimit, set, recent, connlimit, mark, connmark, owner, rpfilter):
 * the value parsers of libxtables (xtoptions.c) that only they use, and
 * its address printers, with iptables 1.8.9's messages. The generic
 * option checks and integer types are in ext/xtopt.h. */
#ifndef BF_EXT_STATEFUL_UTIL_H
#define BF_EXT_STATEFUL_UTIL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

/* An IPv4 or IPv6 address or mask, as the kernel's nf_inet_addr. */
union bf_sf_addr {
	uint32_t all[4];
	struct in_addr in;
	struct in6_addr in6;
};

/* xtables_param_act(XTF_BAD_VALUE): `opt` with its dashes. -EINVAL. */
int bf_sf_bad_value(const char *ext, const char *opt, const char *arg);

/* XTTYPE_PORTRC: port numbers or service names, "a[:b]". Host order. */
int bf_sf_parse_port_range(const char *ext, const char *opt, const char *arg,
			   uint16_t range[2], unsigned int *nvals);
/* XTTYPE_MARKMASK32: "value[/mask]"; mask 0xffffffff when absent. */
int bf_sf_parse_markmask(const char *ext, const char *opt, const char *arg,
			 uint32_t *mark, uint32_t *mask);
/* xtables_parse_protocol: number, "all", protocols(5), libxtables' names. */
int bf_sf_parse_proto(const char *s, uint8_t *proto);

/* XTTYPE_HOST: one address of the rule's family (enum bf_family),
 * resolved by getaddrinfo as iptables does. */
int bf_sf_parse_host(const char *ext, const char *opt, const char *arg, int family,
		     union bf_sf_addr *addr);
/* XTTYPE_PLEN: a prefix length, or a mask (its length; 255 when it is
 * not contiguous, as libxtables' uint8_t hlen gets it). */
int bf_sf_parse_plen(const char *ext, const char *opt, const char *arg, int family,
		     uint8_t *hlen);
/* The mask XTTYPE_PLENMASK makes of a prefix length (all ones past 128). */
void bf_sf_plen_mask(uint8_t hlen, union bf_sf_addr *mask);
/* XTTYPE_HOSTMASK: "host[/plen-or-mask]"; the address is not masked. */
int bf_sf_parse_hostmask(const char *ext, const char *opt, const char *arg, int family,
			 union bf_sf_addr *addr, union bf_sf_addr *mask);

#define BF_SF_ADDRSTRLEN 1026 /* a host name or an IPv6 address */

/* xtables_ip(6)addr_to_numeric */
const char *bf_sf_addr_numeric(int family, const union bf_sf_addr *addr,
			       char buf[BF_SF_ADDRSTRLEN]);
/* xtables_ip(6)addr_to_anyname: a host name, a network name (IPv4),
 * else numeric. */
const char *bf_sf_addr_anyname(int family, const union bf_sf_addr *addr,
			       char buf[BF_SF_ADDRSTRLEN]);
/* xtables_ip(6)mask_to_cidr: -1 for a mask that is not a prefix. */
int bf_sf_mask_cidr(int family, const union bf_sf_addr *mask);
/* xtables_ip(6)mask_to_numeric: "" for a full mask, "/24", or "/" and
 * the dotted (IPv6: colon) form of a mask that is not a prefix. */
const char *bf_sf_mask_numeric(int family, const union bf_sf_addr *mask,
			       char buf[BF_SF_ADDRSTRLEN]);

/* True while the front end writes bpfilter's own state text (see
 * front/ext_services.h): a save must then read back into the very same
 * data, even where iptables-save's text would not. */
bool bf_sf_lossless(void);
/* " WORD"; in state text quoted as iptables-restore reads it when it has
 * blanks, quotes or backslashes (or is empty). */
void bf_sf_save_word(struct bf_strbuf *out, const char *word, size_t maxlen);
/* True for the mask libxtables leaves when no mask is given: all 16
 * bytes set (an IPv4 "/32" sets only the first four). */
bool bf_sf_mask_unset(const union bf_sf_addr *mask);

struct bf_ruleset;
struct bf_match_ops;
/* The data of the first match of `ops` in rs (tables, chains and rules in
 * order) for which same(data, arg) holds: the rule that makes a named
 * table (hashlimit, recent). NULL when none, or rs is NULL. */
const void *bf_sf_first_match(const struct bf_ruleset *rs, const struct bf_match_ops *ops,
			      bool (*same)(const void *data, const void *arg), const void *arg);

/* The kernel's HZ that the jiffies arithmetic of limit, hashlimit and
 * REJECT's ICMP budget assumes: this kernel's. */
#define BF_KERNEL_HZ 250

/* libxt_limit's and libxt_hashlimit's print_rate: " 3/hour" for a
 * period in 1/`scale` seconds; returns its unit in milliseconds. */
uint32_t bf_sf_print_rate(struct bf_strbuf *out, uint64_t period, uint64_t scale);
/* The same for a save. In state text the rate is one that parses back to
 * `period` (iptables' text does not always: 30001/day saves as
 * 1250/hour); with `per_sec`, always in /sec (a rate-match rate, which
 * parsing divides by its unit). */
uint32_t bf_sf_save_rate(struct bf_strbuf *out, uint64_t period, uint64_t scale,
			 bool per_sec);
/* Their parse_rate: "N[/second|/minute|/hour|/day]" (unit prefixes,
 * any case); *mult gets the unit in seconds. False when malformed. */
bool bf_sf_parse_rate_unit(const char *rate, uint32_t *mult);

#endif
