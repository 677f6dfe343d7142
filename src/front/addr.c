/* IPv4 addresses as iptables reads and prints them (libxtables'
 * xtables_ipparse_multiple and friends, 1.8.9 behaviour). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "ext/xtopt.h"
#include "front/internal.h"

/* Fast paths for what rulesets are made of, read as libxtables reads
 * them (a restore of many rules spends its time here otherwise): "a.b.c.d"
 * in decimal without leading zeros, and a prefix length of one or two
 * such digits. Anything else (octal, hex, blanks, signs) is left to the
 * general parsers. */
static bool plain_number(const char **s, unsigned int max_digits, unsigned int *v)
{
	const char *p = *s;

	*v = 0;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return false;
	while (*p >= '0' && *p <= '9' && p - *s < (ptrdiff_t)max_digits)
		*v = *v * 10 + (unsigned int)(*p++ - '0');
	if (p == *s || (*p >= '0' && *p <= '9'))
		return false;
	*s = p;
	return true;
}

static bool dotted_quad(const char *s, struct in_addr *addr)
{
	uint8_t b[4];
	unsigned int v;

	for (int i = 0; i < 4; i++) {
		if (!plain_number(&s, 3, &v) || v > 255 || *s != (i < 3 ? '.' : '\0'))
			return false;
		b[i] = (uint8_t)v;
		s++;
	}
	memcpy(&addr->s_addr, b, sizeof(b));
	return true;
}

static int parse_mask(const char *s, struct in_addr *mask)
{
	const char *p = s;
	unsigned int bits;

	if (!s) {
		mask->s_addr = 0xFFFFFFFF;
		return 0;
	}
	if (plain_number(&p, 2, &bits) && !*p && bits <= 32)
		goto bits;
	/* without a dot bf_xt_ipv4_numeric refuses a mask */
	if (strchr(s, '.') && (dotted_quad(s, mask) || bf_xt_ipv4_numeric(s, true, mask)))
		return 0;
	if (!bf_front_strtoui(s, &bits, 0, 32))
		return bf_err(-EINVAL, "invalid mask `%s' specified", s);
bits:
	mask->s_addr = bits ? htonl(0xFFFFFFFFu << (32 - bits)) : 0;
	return 0;
}

/* One host or network: numeric, a name from networks(5), or a host name
 * that may stand for several addresses. */
static int parse_host(const char *name, struct in_addr **addrs, size_t *n)
{
	struct addrinfo hints = {
		.ai_flags = AI_CANONNAME,
		.ai_family = AF_INET,
		.ai_socktype = SOCK_RAW,
	};
	struct addrinfo *res, *p;
	struct netent *net;
	struct in_addr one;
	size_t i = 0;

	if (dotted_quad(name, &one) || bf_xt_ipv4_numeric(name, false, &one) ||
	    ((net = getnetbyname(name)) && net->n_addrtype == AF_INET &&
	     ((one.s_addr = htonl(net->n_net)), true))) {
		*addrs = malloc(sizeof(**addrs));
		if (!*addrs)
			return -ENOMEM;
		**addrs = one;
		*n = 1;
		return 0;
	}
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return bf_err(-EINVAL, "host/network `%s' not found", name);
	*n = 0;
	for (p = res; p; p = p->ai_next)
		++*n;
	*addrs = calloc(*n, sizeof(**addrs));
	if (!*addrs) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	for (p = res; p; p = p->ai_next)
		(*addrs)[i++] = ((const struct sockaddr_in *)p->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

static int grow(struct in_addr **addrs, struct in_addr **masks, size_t count)
{
	struct in_addr *a = realloc(*addrs, count * sizeof(*a));

	if (a)
		*addrs = a;
	a = a ? realloc(*masks, count * sizeof(*a)) : NULL;
	if (a)
		*masks = a;
	return a ? 0 : -ENOMEM;
}

int bf_front_parse_addrs(const char *spec, struct in_addr **addrs,
			 struct in_addr **masks, size_t *n)
{
	const char *loop = spec, *next;
	size_t count = 1, i;
	int err = 0;

	for (const char *c = spec; (c = strchr(c, ',')); c++)
		count++;
	*addrs = NULL;
	*masks = NULL;
	if (grow(addrs, masks, count))
		goto nomem;

	for (i = 0; i < count; i++) {
		struct in_addr *host = NULL, mask;
		char buf[256], *slash;
		size_t len, nhost = 0;

		while (isspace((unsigned char)*loop))
			loop++;
		next = strchr(loop, ',');
		len = next ? (size_t)(next - loop) : strlen(loop);
		if (len > sizeof(buf) - 1) {
			err = bf_err(-EINVAL, "Hostname too long");
			goto fail;
		}
		memcpy(buf, loop, len);
		buf[len] = '\0';
		slash = strrchr(buf, '/');
		if (slash)
			*slash = '\0';
		err = parse_mask(slash ? slash + 1 : NULL, &mask);
		if (err)
			goto fail;
		/* With a null mask the name does not matter ("any/0"). */
		if (!mask.s_addr)
			strcpy(buf, "0.0.0.0");
		/* one numeric address, the usual case: nothing to allocate */
		if (dotted_quad(buf, &(*addrs)[i])) {
			(*masks)[i] = mask;
			if (!next)
				break;
			loop = next + 1;
			continue;
		}
		err = parse_host(buf, &host, &nhost);
		if (err)
			goto fail;
		if (nhost > 1) {
			count += nhost - 1;
			if (grow(addrs, masks, count)) {
				free(host);
				goto nomem;
			}
		}
		for (size_t j = 0; j < nhost; j++) {
			(*addrs)[i + j] = host[j];
			(*masks)[i + j] = mask;
		}
		i += nhost - 1;
		free(host);
		if (!next)
			break;
		loop = next + 1;
	}
	for (i = 0; i < count; i++)
		(*addrs)[i].s_addr &= (*masks)[i].s_addr;
	*n = count;
	return 0;

nomem:
	err = -ENOMEM;
fail:
	free(*addrs);
	free(*masks);
	*addrs = *masks = NULL;
	return err;
}

static int mask_to_cidr(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr), bits = 0xFFFFFFFEu;
	int i = 32;

	if (m == 0xFFFFFFFFu)
		return 32;
	while (--i >= 0 && m != bits)
		bits <<= 1;
	return i;
}

static char *decimal(char *p, unsigned int v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *bf_front_quad(char *p, struct in_addr addr)
{
	const uint8_t *b = (const uint8_t *)&addr.s_addr;

	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = decimal(p, b[i]);
	}
	return p;
}

char *bf_front_mask(char *p, struct in_addr mask)
{
	int cidr = mask_to_cidr(mask);

	return cidr >= 0 ? decimal(p, (unsigned int)cidr) : bf_front_quad(p, mask);
}

const char *bf_front_mask_str(struct in_addr mask, char buf[INET_ADDRSTRLEN])
{
	int cidr = mask_to_cidr(mask);

	if (cidr >= 0)
		snprintf(buf, INET_ADDRSTRLEN, "%d", cidr);
	else
		inet_ntop(AF_INET, &mask, buf, INET_ADDRSTRLEN);
	return buf;
}

/* A host name by reverse lookup, else a network name, else numeric
 * (xtables_ipaddr_to_anyname). */
static void addr_to_anyname(char *buf, size_t size, struct in_addr addr)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = addr};
	char host[NI_MAXHOST];
	struct netent *net;

	if (!getnameinfo((const struct sockaddr *)&sin, sizeof(sin), host,
			 sizeof(host) - 1, NULL, 0, 0))
		snprintf(buf, size, "%s", host);
	else if ((net = getnetbyaddr(ntohl(addr.s_addr), AF_INET)))
		snprintf(buf, size, "%s", net->n_name);
	else
		inet_ntop(AF_INET, &addr, buf, (socklen_t)size);
}

void bf_front_addr_list_str(char *buf, size_t size, struct in_addr addr,
			    struct in_addr mask, bool numeric)
{
	char name[NI_MAXHOST], dotted[INET_ADDRSTRLEN];
	int cidr;

	if (!mask.s_addr && !numeric) {
		snprintf(buf, size, "anywhere");
		return;
	}
	if (numeric)
		inet_ntop(AF_INET, &addr, name, sizeof(name));
	else
		addr_to_anyname(name, sizeof(name), addr);
	cidr = mask_to_cidr(mask);
	if (cidr == 32)
		snprintf(buf, size, "%s", name);
	else if (cidr >= 0)
		snprintf(buf, size, "%s/%d", name, cidr);
	else
		snprintf(buf, size, "%s/%s", name,
			 inet_ntop(AF_INET, &mask, dotted, sizeof(dotted)));
}
