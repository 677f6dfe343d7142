/* libxtables' generic option handling and printers, as the stateful
 * extensions need them (iptables 1.8.9: xtoptions.c, xtables.c). Each
 * message is iptables' own, trailing newline included where iptables has
 * one (it then prints an empty line before its "Try" line). */
#include "ext/stateful_util.h"
#include "ext/save_string.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/log.h"
#include "ir/ruleset.h"

/* The first entry with that id, as xtables_option_lookup. */
static const struct bf_sf_opt *opt_find(const struct bf_sf_opt *table, unsigned int id)
{
	for (; table->name; table++)
		if (table->id == id)
			return table;
	return NULL;
}

int bf_sf_opt_parse(const char *ext, const struct bf_sf_opt *table, unsigned int id,
		    bool invert, unsigned int *flags)
{
	const struct bf_sf_opt *e = opt_find(table, id);
	unsigned int bit = 1u << id;

	if (!e)
		return bf_err(-EINVAL, "%s: unknown option id %u", ext, id);
	if ((!(e->flags & BF_SF_MULTI) || (e->excl & bit)) && (*flags & bit))
		return bf_err(-EINVAL, "%s: option \"--%s\" can only be used once.\n",
			      ext, e->name);
	if (invert && !(e->flags & BF_SF_INVERT))
		return bf_err(-EINVAL, "%s: option \"--%s\" cannot be inverted.\n", ext, e->name);
	*flags |= bit;
	return 0;
}

int bf_sf_opt_fcheck(const char *ext, const struct bf_sf_opt *table, unsigned int flags)
{
	for (const struct bf_sf_opt *e = table; e->name; e++) {
		if ((e->flags & BF_SF_MAND) && !(flags & (1u << e->id)))
			return bf_err(-EINVAL, "%s: option \"--%s\" must be specified\n",
				      ext, e->name);
		if (!(flags & (1u << e->id)))
			continue;
		for (unsigned int i = 0; i < 32; i++) {
			const struct bf_sf_opt *o = opt_find(table, i);
			unsigned int both = (1u << e->id) | (1u << i);

			if (i == e->id || !o)
				continue;
			if ((e->also & (1u << i)) && !(flags & (1u << i)))
				return bf_err(-EINVAL, "%s: option \"--%s\" also requires \"--%s\".\n",
					      ext, e->name, o->name);
			if ((e->excl & (1u << i)) && (flags & both) == both)
				return bf_err(-EINVAL, "%s: option \"--%s\" cannot be used "
					      "together with \"--%s\".\n", ext, e->name, o->name);
		}
	}
	return 0;
}

int bf_sf_bad_value(const char *ext, const char *opt, const char *arg)
{
	return bf_err(-EINVAL, "%s: Bad value for \"%s\" option: \"%s\"", ext, opt, arg);
}

bool bf_sf_strtoul(const char *s, char **end, uintmax_t *value, uintmax_t min,
		   uintmax_t max)
{
	const char *p = s;
	char *my_end;
	uintmax_t v;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	v = strtoumax(s, &my_end, 0);
	if (my_end == s)
		return false;
	if (end)
		*end = my_end;
	if (errno == ERANGE || v < min || (max && v > max))
		return false;
	if (value)
		*value = v;
	return end || !*my_end;
}

bool bf_sf_strtoui(const char *s, char **end, unsigned int *value, unsigned int min,
		   unsigned int max)
{
	uintmax_t v = 0;
	bool ok = bf_sf_strtoul(s, end, &v, min, max);

	if (ok && value)
		*value = (unsigned int)v;
	return ok;
}

int bf_sf_parse_u32(const char *ext, const char *opt, const char *arg, uint32_t min,
		    uint32_t max, uint32_t *value)
{
	uintmax_t v;

	if (!max)
		max = UINT32_MAX;
	if (!bf_sf_strtoul(arg, NULL, &v, min, max))
		return bf_err(-EINVAL, "%s: bad value for option \"--%s\", or out of range "
			      "(%" PRIu32 "-%" PRIu32 ").\n", ext, opt, min, max);
	*value = (uint32_t)v;
	return 0;
}

int bf_sf_parse_u32_range(const char *ext, const char *opt, const char *arg,
			  uint32_t range[2], unsigned int *nvals)
{
	const char *p = arg;
	char *end;

	*nvals = 0;
	for (;;) {
		uintmax_t v;

		if (*nvals == 2)
			return bf_err(-EINVAL, "%s: Too many components for option \"--%s\" "
				      "(max: 2)\n", ext, opt);
		if (!*p || *p == ':') {
			/* An empty part: 0 before the colon, the maximum after. */
			end = (char *)p;
			v = *nvals == 1 ? UINT32_MAX : 0;
		} else {
			if (!bf_sf_strtoul(p, &end, &v, 0, UINT32_MAX))
				return bf_err(-EINVAL, "%s: bad value for option \"--%s\" near "
					      "\"%s\", or out of range (0-%" PRIu32 ").\n",
					      ext, opt, p, UINT32_MAX);
			if (*end && *end != ':')
				return bf_err(-EINVAL, "%s: Argument to \"--%s\" has unexpected "
					      "characters near \"%s\".\n", ext, opt, end);
		}
		range[(*nvals)++] = (uint32_t)v;
		if (!*end)
			break;
		p = end + 1;
	}
	return 0;
}

/* xtables_getportbyname: a number or a service name, via getaddrinfo. */
static int port_by_name(const char *name)
{
	struct addrinfo *res = NULL, *p;
	int port = -1;

	if (getaddrinfo(NULL, name, NULL, &res))
		return -1;
	for (p = res; p; p = p->ai_next) {
		if (p->ai_family == AF_INET6) {
			port = ntohs(((const struct sockaddr_in6 *)p->ai_addr)->sin6_port);
			break;
		}
		if (p->ai_family == AF_INET) {
			port = ntohs(((const struct sockaddr_in *)p->ai_addr)->sin_port);
			break;
		}
	}
	freeaddrinfo(res);
	return port;
}

int bf_sf_parse_port_range(const char *ext, const char *opt, const char *arg,
			   uint16_t range[2], unsigned int *nvals)
{
	char *copy = strdup(arg), *work = copy, *part;

	if (!copy)
		return -ENOMEM;
	range[0] = 0;
	range[1] = UINT16_MAX;
	*nvals = 0;
	while ((part = strsep(&work, ":"))) {
		int port;

		if (*nvals == 2) {
			free(copy);
			return bf_err(-EINVAL, "%s: Too many components for option \"--%s\" "
				      "(max: 2)\n", ext, opt);
		}
		if (!*part) {
			++*nvals;
			continue;
		}
		port = port_by_name(part);
		if (port < 0) {
			bf_err(-EINVAL, "Port \"%s\" does not resolve to anything.\n", part);
			free(copy);
			return -EINVAL;
		}
		range[(*nvals)++] = (uint16_t)port;
	}
	if (*nvals == 1) {
		range[1] = range[0];
		++*nvals;
	}
	free(copy);
	return 0;
}

int bf_sf_parse_markmask(const char *ext, const char *opt, const char *arg,
			 uint32_t *mark, uint32_t *mask)
{
	unsigned int v, m = UINT32_MAX;
	char *end;

	if (!bf_sf_strtoui(arg, &end, &v, 0, UINT32_MAX) ||
	    (*end == '/' && !bf_sf_strtoui(end + 1, &end, &m, 0, UINT32_MAX)))
		return bf_err(-EINVAL, "%s: bad integer value for option \"--%s\", "
			      "or out of range.\n", ext, opt);
	if (*end)
		return bf_err(-EINVAL, "%s: trailing garbage after value for option "
			      "\"--%s\".\n", ext, opt);
	*mark = v;
	*mask = m;
	return 0;
}

/* libxtables' xtables_chain_protos */
static const struct {
	const char *name;
	uint8_t num;
} chain_protos[] = {
	{"tcp", IPPROTO_TCP},
	{"sctp", IPPROTO_SCTP},
	{"udp", IPPROTO_UDP},
	{"udplite", IPPROTO_UDPLITE},
	{"icmp", IPPROTO_ICMP},
	{"ipv6-icmp", IPPROTO_ICMPV6},
	{"icmpv6", IPPROTO_ICMPV6},
	{"esp", IPPROTO_ESP},
	{"ah", IPPROTO_AH},
	{"mobility-header", IPPROTO_MH},
	{"ipv6-mh", IPPROTO_MH},
	{"mh", IPPROTO_MH},
	{"all", 0},
};

int bf_sf_parse_proto(const char *s, uint8_t *proto)
{
	const struct protoent *pent;
	unsigned int v;

	if (bf_sf_strtoui(s, NULL, &v, 0, UINT8_MAX)) {
		*proto = (uint8_t)v;
		return 0;
	}
	if (!strcmp(s, "all")) {
		*proto = 0;
		return 0;
	}
	pent = getprotobyname(s);
	if (pent) {
		*proto = (uint8_t)pent->p_proto;
		return 0;
	}
	for (size_t i = 0; i < sizeof(chain_protos) / sizeof(chain_protos[0]); i++) {
		if (!strcmp(s, chain_protos[i].name)) {
			*proto = chain_protos[i].num;
			return 0;
		}
	}
	return bf_err(-EINVAL, "unknown protocol \"%s\" specified", s);
}

static int af_of(int family)
{
	return family == BF_FAMILY_IPV6 ? AF_INET6 : AF_INET;
}

static unsigned int addr_bits(int family)
{
	return family == BF_FAMILY_IPV6 ? 128 : 32;
}

int bf_sf_parse_host(const char *ext, const char *opt, const char *arg, int family,
		     union bf_sf_addr *addr)
{
	struct addrinfo hints = {.ai_family = af_of(family)}, *res, *p;
	size_t len = family == BF_FAMILY_IPV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
	bool first = true;
	int ret;

	ret = getaddrinfo(arg, NULL, &hints, &res);
	if (ret)
		return bf_err(-EINVAL, "getaddrinfo: %s\n", gai_strerror(ret));
	for (p = res; p; p = p->ai_next) {
		const void *a = p->ai_family == AF_INET6 ?
			(const void *)&((const struct sockaddr_in6 *)p->ai_addr)->sin6_addr :
			(const void *)&((const struct sockaddr_in *)p->ai_addr)->sin_addr;

		if (first) {
			memset(addr, 0, sizeof(*addr));
			memcpy(addr, a, len);
			first = false;
		} else if (memcmp(addr, a, len)) {
			freeaddrinfo(res);
			return bf_err(-EINVAL, "%s resolves to more than one address\n", arg);
		}
	}
	freeaddrinfo(res);
	return 0;
}

int bf_sf_mask_cidr(int family, const union bf_sf_addr *mask)
{
	unsigned int words = family == BF_FAMILY_IPV6 ? 4 : 1, bits = 0;
	bool ended = false;

	for (unsigned int w = 0; w < words; w++) {
		uint32_t m = ntohl(mask->all[w]);

		for (int b = 31; b >= 0; b--) {
			if (m & (1u << b)) {
				if (ended)
					return -1;
				bits++;
			} else {
				ended = true;
			}
		}
	}
	return (int)bits;
}

int bf_sf_parse_plen(const char *ext, const char *opt, const char *arg, int family,
		     uint8_t *hlen)
{
	struct addrinfo hints = {.ai_family = af_of(family), .ai_flags = AI_NUMERICHOST};
	unsigned int max = addr_bits(family), len;
	struct addrinfo *res;
	union bf_sf_addr mask = {0};

	if (bf_sf_strtoui(arg, NULL, &len, 0, max)) {
		*hlen = (uint8_t)len;
		return 0;
	}
	/* A mask in full ("255.255.255.0"); libxtables keeps its length in a
	 * uint8_t, so a mask that is no prefix becomes 255. */
	if (getaddrinfo(arg, NULL, &hints, &res))
		return bf_err(-EINVAL, "%s: bad value for option \"--%s\", neither a valid "
			      "network mask nor valid CIDR (0-%u).\n", ext, opt, max);
	if (res->ai_family == AF_INET6)
		mask.in6 = ((const struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	else
		mask.in = ((const struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	*hlen = (uint8_t)bf_sf_mask_cidr(family, &mask);
	return 0;
}

void bf_sf_plen_mask(uint8_t hlen, union bf_sf_addr *mask)
{
	for (unsigned int w = 0; w < 4; w++) {
		unsigned int lo = w * 32;
		uint32_t m;

		if (hlen > 128 || hlen >= lo + 32)
			m = UINT32_MAX;
		else if (hlen <= lo)
			m = 0;
		else
			m = UINT32_MAX << (32 - (hlen - lo));
		mask->all[w] = htonl(m);
	}
}

int bf_sf_parse_hostmask(const char *ext, const char *opt, const char *arg, int family,
			 union bf_sf_addr *addr, union bf_sf_addr *mask)
{
	const char *slash = strchr(arg, '/');
	uint8_t hlen;
	char *host;
	int err;

	if (!slash) {
		memset(mask, 0xff, sizeof(*mask));
		return bf_sf_parse_host(ext, opt, arg, family, addr);
	}
	host = strndup(arg, (size_t)(slash - arg));
	if (!host)
		return -ENOMEM;
	err = bf_sf_parse_host(ext, opt, host, family, addr);
	free(host);
	if (!err)
		err = bf_sf_parse_plen(ext, opt, slash + 1, family, &hlen);
	if (!err)
		bf_sf_plen_mask(hlen, mask);
	return err;
}

const char *bf_sf_addr_numeric(int family, const union bf_sf_addr *addr,
			       char buf[BF_SF_ADDRSTRLEN])
{
	return inet_ntop(af_of(family), addr, buf, BF_SF_ADDRSTRLEN);
}

const char *bf_sf_addr_anyname(int family, const union bf_sf_addr *addr,
			       char buf[BF_SF_ADDRSTRLEN])
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = addr->in6};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = addr->in};
	const struct sockaddr *sa = family == BF_FAMILY_IPV6 ?
		(const struct sockaddr *)&sin6 : (const struct sockaddr *)&sin;
	socklen_t len = family == BF_FAMILY_IPV6 ? sizeof(sin6) : sizeof(sin);
	struct netent *net;

	if (!getnameinfo(sa, len, buf, BF_SF_ADDRSTRLEN - 1, NULL, 0, NI_NAMEREQD))
		return buf;
	if (family == BF_FAMILY_IPV4 &&
	    (net = getnetbyaddr(ntohl(addr->in.s_addr), AF_INET))) {
		snprintf(buf, BF_SF_ADDRSTRLEN, "%s", net->n_name);
		return buf;
	}
	return bf_sf_addr_numeric(family, addr, buf);
}

const char *bf_sf_mask_numeric(int family, const union bf_sf_addr *mask,
			       char buf[BF_SF_ADDRSTRLEN])
{
	char tmp[BF_SF_ADDRSTRLEN];
	int cidr = bf_sf_mask_cidr(family, mask);

	if (cidr < 0)
		snprintf(buf, BF_SF_ADDRSTRLEN, "/%s", bf_sf_addr_numeric(family, mask, tmp));
	else if ((unsigned int)cidr == addr_bits(family))
		buf[0] = '\0';
	else
		snprintf(buf, BF_SF_ADDRSTRLEN, "/%d", cidr);
	return buf;
}

uint32_t bf_sf_print_rate(struct bf_strbuf *out, uint64_t period, uint64_t scale)
{
	static const struct {
		const char *name;
		uint64_t secs;
	} rates[] = {{"day", 24 * 60 * 60}, {"hour", 60 * 60}, {"min", 60}, {"sec", 1}};
	size_t i;

	if (!period) {
		bf_strbuf_printf(out, " %f", INFINITY);
		return 0;
	}
	for (i = 1; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t mult = rates[i].secs * scale;

		if (period > mult || mult / period < mult % period)
			break;
	}
	bf_strbuf_printf(out, " %" PRIu64 "/%s", rates[i - 1].secs * scale / period,
			 rates[i - 1].name);
	return (uint32_t)(rates[i - 1].secs * 1000);
}

/* Defined by the front end (front/ext_services.h); weak, so that the
 * extensions link without it. */
extern bool bf_ext_save_lossless(void) __attribute__((weak));

bool bf_sf_lossless(void)
{
	return bf_ext_save_lossless && bf_ext_save_lossless();
}

void bf_sf_save_word(struct bf_strbuf *out, const char *word, size_t maxlen)
{
	size_t len = strnlen(word, maxlen);

	if (!bf_sf_lossless() || (len && !strpbrk(word, " \t\n\"\\"))) {
		bf_strbuf_printf(out, " %.*s", (int)len, word);
		return;
	}
	bf_strbuf_puts(out, " \"");
	for (size_t i = 0; i < len; i++) {
		const char *esc = bf_ext_save_escape(word[i], "\"\\");

		if (word[i] == '\n' && *esc)
			bf_strbuf_puts(out, esc);
		else
			bf_strbuf_printf(out, "%s%c", esc, word[i]);
	}
	bf_strbuf_puts(out, "\"");
}

bool bf_sf_mask_unset(const union bf_sf_addr *mask)
{
	for (int i = 0; i < 4; i++)
		if (mask->all[i] != UINT32_MAX)
			return false;
	return true;
}

uint32_t bf_sf_save_rate(struct bf_strbuf *out, uint64_t period, uint64_t scale,
			 bool per_sec)
{
	struct bf_strbuf tmp = {0};
	uint32_t quantum;
	uint64_t n, secs;

	if (!bf_sf_lossless() || !period || (per_sec && period > scale))
		return bf_sf_print_rate(out, period, scale);
	if (!per_sec) {
		/* iptables' text when it reads back the same */
		quantum = bf_sf_print_rate(&tmp, period, scale);
		secs = quantum / 1000;
		n = secs * scale / period;
		bf_strbuf_free(&tmp);
		if (n && secs * scale / n == period)
			return bf_sf_print_rate(out, period, scale);
		/* Any rate is a whole number per day. */
		bf_strbuf_printf(out, " %" PRIu64 "/day", 24 * 60 * 60 * scale / period);
		return 24 * 60 * 60 * 1000;
	}
	bf_strbuf_printf(out, " %" PRIu64 "/sec", scale / period);
	return 1000;
}

bool bf_sf_parse_rate_unit(const char *rate, uint32_t *mult)
{
	static const struct {
		const char *name;
		uint32_t secs;
	} units[] = {{"second", 1}, {"minute", 60}, {"hour", 60 * 60}, {"day", 24 * 60 * 60}};
	const char *delim = strchr(rate, '/');
	size_t len;

	*mult = 1;
	if (!delim)
		return true;
	len = strlen(delim + 1);
	if (!len)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strncasecmp(delim + 1, units[i].name, len)) {
			*mult = units[i].secs;
			return true;
		}
	}
	return false;
}
