/* IPv6 addresses as ip6tables reads and prints them (libxtables'
 * xtables_ip6parse_multiple, xtables_ip6mask_to_numeric and friends,
 * 1.8.9 behaviour). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "front/internal.h"

/* An address-form mask, a prefix length 0..128 (as xtables_strtoui reads
 * it, so "0x40" is 64), or all ones when there is none. */
static int parse_mask(const char *s, struct in6_addr *mask)
{
	unsigned int bits;

	memset(mask, 0xFF, sizeof(*mask));
	if (!s)
		return 0;
	if (inet_pton(AF_INET6, s, mask) == 1)
		return 0;
	if (!bf_front_strtoui(s, &bits, 0, 128))
		return bf_err(-EINVAL, "invalid mask `%s' specified", s);
	memset(mask, 0, sizeof(*mask));
	for (unsigned int i = 0; i < bits; i++)
		mask->s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return 0;
}

/* Numeric, else a host name that may stand for several addresses. */
static int parse_host(const char *name, struct in6_addr **addrs, size_t *n)
{
	struct addrinfo hints = {
		.ai_flags = AI_CANONNAME,
		.ai_family = AF_INET6,
		.ai_socktype = SOCK_RAW,
	};
	struct addrinfo *res, *p;
	struct in6_addr one;
	size_t i = 0;

	if (inet_pton(AF_INET6, name, &one) == 1) {
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
		(*addrs)[i++] = ((const struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	return 0;
}

static int grow(struct in6_addr **addrs, struct in6_addr **masks, size_t count)
{
	struct in6_addr *a = realloc(*addrs, count * sizeof(*a));

	if (a)
		*addrs = a;
	a = a ? realloc(*masks, count * sizeof(*a)) : NULL;
	if (a)
		*masks = a;
	return a ? 0 : -ENOMEM;
}

int bf_front_parse_addrs6(const char *spec, struct in6_addr **addrs,
			  struct in6_addr **masks, size_t *n)
{
	static const struct in6_addr zero;
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
		struct in6_addr *host = NULL, mask;
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
		if (!memcmp(&mask, &zero, sizeof(zero)))
			strcpy(buf, "::");
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
		for (int b = 0; b < 16; b++)
			(*addrs)[i].s6_addr[b] &= (*masks)[i].s6_addr[b];
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

int bf_front_mask6_cidr(const struct in6_addr *mask)
{
	int bits = 0, b = 0;

	while (b < 16 && mask->s6_addr[b] == 0xFF)
		b++, bits += 8;
	if (b < 16) {
		uint8_t v = mask->s6_addr[b];

		while (v & 0x80)
			v = (uint8_t)(v << 1), bits++;
		if (v)
			return -1;
		while (++b < 16)
			if (mask->s6_addr[b])
				return -1;
	}
	return bits;
}

/* getnameinfo() gives the numeric form when no name is known
 * (xtables_ip6addr_to_anyname). */
static void addr_to_anyname(char *buf, size_t size, const struct in6_addr *addr)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = *addr};
	char host[NI_MAXHOST];

	if (!getnameinfo((const struct sockaddr *)&sin6, sizeof(sin6), host,
			 sizeof(host) - 1, NULL, 0, 0))
		snprintf(buf, size, "%s", host);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)size);
}

void bf_front_addr6_list_str(char *buf, size_t size, const struct in6_addr *addr,
			     const struct in6_addr *mask, bool numeric)
{
	char name[NI_MAXHOST], m[INET6_ADDRSTRLEN];
	int cidr = bf_front_mask6_cidr(mask);

	if (!cidr && !numeric) {
		snprintf(buf, size, "anywhere");
		return;
	}
	if (numeric)
		inet_ntop(AF_INET6, addr, name, sizeof(name));
	else
		addr_to_anyname(name, sizeof(name), addr);
	if (cidr == 128)
		snprintf(buf, size, "%s", name);
	else if (cidr >= 0)
		snprintf(buf, size, "%s/%d", name, cidr);
	else
		snprintf(buf, size, "%s/%s", name, inet_ntop(AF_INET6, mask, m, sizeof(m)));
}

void bf_front_addr6_save(struct bf_strbuf *out, char letter, const struct in6_addr *addr,
			 const struct in6_addr *mask, bool invert)
{
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	int cidr = bf_front_mask6_cidr(mask);

	if (!cidr && !invert)
		return;
	bf_strbuf_printf(out, "%s -%c %s", invert ? " !" : "", letter,
			 inet_ntop(AF_INET6, addr, a, sizeof(a)));
	if (cidr < 0)
		bf_strbuf_printf(out, "/%s", inet_ntop(AF_INET6, mask, m, sizeof(m)));
	else
		bf_strbuf_printf(out, "/%d", cidr);
}
