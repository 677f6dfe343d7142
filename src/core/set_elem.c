/* Elements as ipset writes them: "ADDR[/CIDR|-ADDR][,[PROTO:]PORT[-PORT]]"
 * parsed into ranges and walked element by element, and printed back as
 * ipset lists them (ICMP type and code by ipset's names). Messages are
 * ipset 7.17's. */
#include "core/set_elem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static const struct icmp_name {
	const char *name;
	uint8_t type, code;
} icmp4[] = {
	{"echo-reply", 0, 0}, {"network-unreachable", 3, 0}, {"host-unreachable", 3, 1},
	{"protocol-unreachable", 3, 2}, {"port-unreachable", 3, 3},
	{"fragmentation-needed", 3, 4}, {"source-route-failed", 3, 5},
	{"network-unknown", 3, 6}, {"host-unknown", 3, 7}, {"network-prohibited", 3, 9},
	{"host-prohibited", 3, 10}, {"TOS-network-unreachable", 3, 11},
	{"TOS-host-unreachable", 3, 12}, {"communication-prohibited", 3, 13},
	{"host-precedence-violation", 3, 14}, {"precedence-cutoff", 3, 15},
	{"source-quench", 4, 0}, {"network-redirect", 5, 0}, {"host-redirect", 5, 1},
	{"TOS-network-redirect", 5, 2}, {"TOS-host-redirect", 5, 3}, {"echo-request", 8, 0},
	{"ping", 8, 0}, {"pong", 0, 0},
	{"router-advertisement", 9, 0}, {"router-solicitation", 10, 0},
	{"ttl-zero-during-transit", 11, 0}, {"ttl-zero-during-reassembly", 11, 1},
	{"ip-header-bad", 12, 0}, {"required-option-missing", 12, 1},
	{"timestamp-request", 13, 0}, {"timestamp-reply", 14, 0},
	{"address-mask-request", 17, 0}, {"address-mask-reply", 18, 0},
}, icmp6[] = {
	{"no-route", 1, 0}, {"communication-prohibited", 1, 1}, {"address-unreachable", 1, 3},
	{"port-unreachable", 1, 4}, {"packet-too-big", 2, 0},
	{"ttl-zero-during-transit", 3, 0}, {"ttl-zero-during-reassembly", 3, 1},
	{"bad-header", 4, 0}, {"unknown-header-type", 4, 1}, {"unknown-option", 4, 2},
	{"echo-request", 128, 0}, {"echo-reply", 129, 0}, {"router-solicitation", 133, 0},
	{"router-advertisement", 134, 0}, {"neighbour-solicitation", 135, 0},
	{"neighbour-advertisement", 136, 0}, {"redirect", 137, 0},
};
#define N_ICMP4 (sizeof(icmp4) / sizeof(icmp4[0]))
#define N_ICMP6 (sizeof(icmp6) / sizeof(icmp6[0]))

static int syntax(const char *fmt, const char *a, const char *b)
{
	return bf_err(-EINVAL, fmt, a, b);
}

/* A number in [0, max], as ipset's string_to_number. */
static int number(const char *s, unsigned long max, unsigned long *v, bool quiet)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (!*s || *end || errno || *s == '-') {
		if (!quiet)
			bf_err(-EINVAL, "Syntax error: '%s' is invalid as number", s);
		return -EINVAL;
	}
	if (*v > max) {
		if (!quiet)
			bf_err(-EINVAL, "Syntax error: '%s' is out of range 0-%lu", s, max);
		return -ERANGE;
	}
	return 0;
}

static int parse_addr(const struct bf_set *s, const char *text, uint8_t *addr)
{
	int af = s->family == BF_FAMILY_IPV6 ? AF_INET6 : AF_INET;

	if (inet_pton(af, text, addr) == 1)
		return 0;
	return bf_err(-EINVAL, "Syntax error: cannot parse %s: resolving to %s address failed",
		      text, af == AF_INET6 ? "IPv6" : "IPv4");
}

static bool is_port_proto(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP || p == IPPROTO_UDPLITE;
}

static bool is_icmp(const struct bf_set *s, uint8_t p)
{
	return p == (s->family == BF_FAMILY_IPV6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
}

/* "TYPE/CODE" or a name of ipset's table. */
static int parse_icmp(const struct bf_set *s, const char *text, uint16_t *port)
{
	const struct icmp_name *t = s->family == BF_FAMILY_IPV6 ? icmp6 : icmp4;
	size_t n = s->family == BF_FAMILY_IPV6 ? N_ICMP6 : N_ICMP4;
	char buf[64], *slash;
	unsigned long type, code;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].name, text)) {
			*port = (uint16_t)(t[i].type << 8 | t[i].code);
			return 0;
		}
	}
	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (!slash)
		return syntax("Syntax error: cannot parse %s as ICMP%s type/code", text,
			      s->family == BF_FAMILY_IPV6 ? "v6" : "");
	*slash = '\0';
	if (number(buf, 255, &type, false) || number(slash + 1, 255, &code, false))
		return -EINVAL;
	*port = (uint16_t)(type << 8 | code);
	return 0;
}

/* A port of proto: a number or a service name. */
static int parse_port(const char *text, const char *proto, uint16_t *port)
{
	struct servent *se;
	unsigned long v;
	int err = number(text, 65535, &v, true);

	if (!err) {
		*port = (uint16_t)v;
		return 0;
	}
	se = getservbyname(text, proto);
	if (se) {
		*port = ntohs((uint16_t)se->s_port);
		return 0;
	}
	number(text, 65535, &v, false);
	bf_err(-EINVAL, "Syntax error: '%s' is invalid as number", proto);
	return bf_err(-EINVAL, "cannot parse '%s' as a %s port", text, proto);
}

static int parse_proto_port(const struct bf_set *s, char *text, struct bf_set_range *r)
{
	char *colon = strchr(text, ':'), *dash, *ports = text;
	const char *pname = "tcp";
	unsigned long v;

	r->first.proto = IPPROTO_TCP;
	if (colon) {
		struct protoent *pe;

		*colon = '\0';
		ports = colon + 1;
		pname = text;
		if (!number(text, 255, &v, true)) {
			r->first.proto = (uint8_t)v;
		} else if (!strcmp(text, "icmpv6")) {
			r->first.proto = IPPROTO_ICMPV6;
		} else if ((pe = getprotobyname(text))) {
			r->first.proto = (uint8_t)pe->p_proto;
		} else {
			return syntax("Syntax error: cannot parse '%s' as a protocol", text, "");
		}
	}
	/* ipset says a second, misleading line after these: the caller
	 * adds it (-EPROTONOSUPPORT) */
	if (r->first.proto == IPPROTO_ICMP && s->family == BF_FAMILY_IPV6) {
		bf_err(-EINVAL, "Syntax error: Protocol ICMP can be used with family inet only");
		return -EPROTONOSUPPORT;
	}
	if (r->first.proto == IPPROTO_ICMPV6 && s->family != BF_FAMILY_IPV6) {
		bf_err(-EINVAL, "Syntax error: Protocol ICMPv6 can be used with family inet6 only");
		return -EPROTONOSUPPORT;
	}
	if (is_icmp(s, r->first.proto)) {
		r->port_to = 0;
		if (parse_icmp(s, ports, &r->first.port))
			return -EINVAL;
		r->port_to = r->first.port;
		return 0;
	}
	if (!is_port_proto(r->first.proto)) {
		if (number(ports, 65535, &v, true) || v)
			return syntax("Syntax error: Protocol %s can be used with pseudo port value "
				      "0 only.", pname, "");
		r->first.port = r->port_to = 0;
		return 0;
	}
	dash = strchr(ports, '-');
	if (dash)
		*dash = '\0';
	if (parse_port(ports, pname, &r->first.port))
		return -EINVAL;
	r->port_to = r->first.port;
	if (dash && parse_port(dash + 1, pname, &r->port_to))
		return -EINVAL;
	if (r->port_to < r->first.port) {
		uint16_t t = r->port_to;

		r->port_to = r->first.port;
		r->first.port = t;
	}
	return 0;
}

int bf_set_range_parse(const struct bf_set *s, const char *text, struct bf_set_range *r)
{
	char buf[256], *comma, *slash, *dash = NULL;
	int bits = bf_set_addr_bits(s);
	bool v6 = s->family == BF_FAMILY_IPV6;

	memset(r, 0, sizeof(*r));
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return syntax("Syntax error: cannot parse %s%s", text, "");
	comma = strchr(buf, ',');
	if (bf_set_type_has_port(s->type)) {
		if (!comma)
			return syntax("Syntax error: Second element is missing from %s.%s", text, "");
		*comma = '\0';
		int err = parse_proto_port(s, comma + 1, r);

		if (err)
			return err;
	} else if (comma) {
		return syntax("Syntax error: Elem separator in %s, but settype %s supports none.",
			      text, bf_set_type_name(s->type));
	}
	r->first.cidr = (uint8_t)bits;
	slash = strchr(buf, '/');
	if (!slash)
		dash = strchr(buf, '-');
	if (v6 && dash)
		return syntax(bf_set_type_is_net(s->type)
			      ? "Syntax error: IP address or IP/cidr must be specified: %s%s"
			      : "Syntax error: plain IP address must be supplied: %s%s", buf, "");
	if (v6 && slash && !bf_set_type_is_net(s->type))
		return syntax("Syntax error: plain IP address must be supplied: %s%s", buf, "");
	if (slash || dash)
		*(slash ? slash : dash) = '\0';
	if (parse_addr(s, buf, r->first.addr))
		return -EINVAL;
	if (slash) {
		unsigned long c;

		if (number(slash + 1, (unsigned long)bits, &c, false))
			return -EINVAL;
		if (!c && bf_set_type_is_net(s->type))
			return bf_err(-EINVAL, "The value of the CIDR parameter of the IP address is "
				      "invalid");
		r->first.cidr = (uint8_t)c;
	}
	if (!v6) {
		uint32_t a = ntohl(*(uint32_t *)r->first.addr);
		uint32_t mask = r->first.cidr ? ~0u << (32 - r->first.cidr) : 0;

		r->ip_from = a;
		r->ip_to = a;
		if (dash) {
			uint8_t to[4];

			if (parse_addr(s, dash + 1, to))
				return -EINVAL;
			r->ip_to = ntohl(*(uint32_t *)to);
			if (r->ip_to < r->ip_from) {
				uint32_t t = r->ip_to;

				r->ip_to = r->ip_from;
				r->ip_from = t;
			}
			r->range = true;
		} else if (slash && !bf_set_type_is_net(s->type)) {
			/* hash:ip: every address of the net */
			r->ip_from = a & mask;
			r->ip_to = r->ip_from | ~mask;
			r->range = true;
		}
	}
	return 0;
}

/* The largest aligned block starting at from, within [from, to]. */
static int block_cidr(uint32_t from, uint32_t to)
{
	int c = 32;

	while (c > 0) {
		uint64_t size = 1ull << (32 - (c - 1)); /* 2^32 for /0: 64 bits */

		if (c - 1 == 0 || from & (size - 1) || (uint64_t)from + size - 1 > to)
			break;
		c--;
	}
	return c;
}

int bf_set_range_walk(const struct bf_set *s, const struct bf_set_range *r,
		      int (*fn)(const struct bf_set_elem *e, void *ctx), void *ctx)
{
	struct bf_set_elem e = r->first;
	uint64_t ip = r->ip_from;
	int err;

	if (!r->range || s->family == BF_FAMILY_IPV6) {
		for (uint32_t p = r->first.port; p <= r->port_to; p++) {
			e.port = (uint16_t)p;
			err = fn(&e, ctx);
			if (err)
				return err;
		}
		return 0;
	}
	while (ip <= r->ip_to) {
		uint32_t be;
		int cidr = bf_set_type_is_net(s->type) ? block_cidr((uint32_t)ip, r->ip_to) : 32;

		be = htonl((uint32_t)ip);
		memcpy(e.addr, &be, 4);
		e.cidr = (uint8_t)cidr;
		for (uint32_t p = r->first.port; p <= r->port_to; p++) {
			e.port = (uint16_t)p;
			err = fn(&e, ctx);
			if (err)
				return err;
		}
		ip += 1ull << (32 - cidr);
	}
	return 0;
}

void bf_set_elem_print(struct bf_strbuf *b, const struct bf_set *s, const struct bf_set_elem *e)
{
	char addr[INET6_ADDRSTRLEN];
	int bits = bf_set_addr_bits(s);

	inet_ntop(s->family == BF_FAMILY_IPV6 ? AF_INET6 : AF_INET, e->addr, addr, sizeof(addr));
	bf_strbuf_puts(b, addr);
	if (bf_set_type_is_net(s->type) && e->cidr != bits)
		bf_strbuf_printf(b, "/%u", e->cidr);
	if (!bf_set_type_has_port(s->type))
		return;
	if (is_icmp(s, e->proto)) {
		const struct icmp_name *t = s->family == BF_FAMILY_IPV6 ? icmp6 : icmp4;
		size_t n = s->family == BF_FAMILY_IPV6 ? N_ICMP6 : N_ICMP4;
		const char *pname = s->family == BF_FAMILY_IPV6 ? "ipv6-icmp" : "icmp";

		for (size_t i = 0; i < n; i++) {
			if ((t[i].type << 8 | t[i].code) == e->port) {
				bf_strbuf_printf(b, ",%s:%s", pname, t[i].name);
				return;
			}
		}
		bf_strbuf_printf(b, ",%s:%u/%u", pname, e->port >> 8, e->port & 0xff);
		return;
	}
	{
		struct protoent *pe = getprotobynumber(e->proto);

		if (pe)
			bf_strbuf_printf(b, ",%s:%u", pe->p_name, e->port);
		else
			bf_strbuf_printf(b, ",%u:%u", e->proto, e->port);
	}
}
