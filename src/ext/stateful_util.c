/* libxtables' value parsers and printers only the stateful extensions
 * need (iptables 1.8.9: xtoptions.c, xtables.c). Each message is
 * iptables' own, trailing newline included where iptables has one (it
 * then prints an empty line before its "Try" line). */
#include "ext/stateful_util.h"
#include "ext/chain_protos.h"
#include "ext/save_string.h"
#include "ext/xtopt.h"

#include <arpa/inet.h>
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

int bf_sf_bad_value(const char *ext, const char *opt, const char *arg)
{
	return bf_err(-EINVAL, "%s: Bad value for \"%s\" option: \"%s\"", ext, opt, arg);
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
		port = bf_xt_getportbyname(part);
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

	if (!bf_xt_strtoui(arg, &end, &v, 0, UINT32_MAX) ||
	    (*end == '/' && !bf_xt_strtoui(end + 1, &end, &m, 0, UINT32_MAX)))
		return bf_err(-EINVAL, "%s: bad integer value for option \"--%s\", "
			      "or out of range.\n", ext, opt);
	if (*end)
		return bf_err(-EINVAL, "%s: trailing garbage after value for option "
			      "\"--%s\".\n", ext, opt);
	*mark = v;
	*mask = m;
	return 0;
}

int bf_sf_parse_proto(const char *s, uint8_t *proto)
{
	const struct protoent *pent;
	unsigned int v;

	if (bf_xt_strtoui(s, NULL, &v, 0, UINT8_MAX)) {
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
	for (size_t i = 0; i < bf_chain_protos_len; i++) {
		if (!strcmp(s, bf_chain_protos[i].name)) {
			*proto = bf_chain_protos[i].num;
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

	if (bf_xt_strtoui(arg, NULL, &len, 0, max)) {
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

const void *bf_sf_first_match(const struct bf_ruleset *rs, const struct bf_match_ops *ops,
			      bool (*same)(const void *data, const void *arg), const void *arg)
{
	for (int t = 0; rs && t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		for (size_t c = 0; c < tb->n_chains; c++)
			for (size_t r = 0; r < tb->chains[c]->n_rules; r++) {
				const struct bf_rule *rule = tb->chains[c]->rules[r];

				for (size_t k = 0; k < rule->n_matches; k++)
					if (rule->matches[k].ops == ops &&
					    same(rule->matches[k].data, arg))
						return rule->matches[k].data;
			}
	}
	return NULL;
}
