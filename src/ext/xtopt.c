#include "ext/xtopt.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

int bf_xt_opt_begin(const char *ext, const char *opt, unsigned int id, bool invert,
		    bool can_invert, bool once, unsigned int *flags)
{
	if (once && (*flags & (1u << id)))
		return bf_err(-EINVAL, "%s: option \"--%s\" can only be used once.\n", ext, opt);
	if (invert && !can_invert)
		return bf_err(-EINVAL, "%s: option \"--%s\" cannot be inverted.\n", ext, opt);
	*flags |= 1u << id;
	return 0;
}

/* The first entry with that id, as xtables_option_lookup. */
static const struct bf_xt_opt *opt_find(const struct bf_xt_opt *table, unsigned int id)
{
	for (; table->name; table++)
		if (table->id == id)
			return table;
	return NULL;
}

int bf_xt_opt_parse(const char *ext, const struct bf_xt_opt *table, unsigned int id,
		    bool invert, unsigned int *flags)
{
	const struct bf_xt_opt *e = opt_find(table, id);

	if (!e)
		return bf_err(-EINVAL, "%s: unknown option id %u", ext, id);
	return bf_xt_opt_begin(ext, e->name, id, invert, e->flags & BF_XT_INVERT,
			       !(e->flags & BF_XT_MULTI) || (e->excl & (1u << id)), flags);
}

int bf_xt_opt_fcheck(const char *ext, const struct bf_xt_opt *table, unsigned int flags)
{
	for (const struct bf_xt_opt *e = table; e->name; e++) {
		if ((e->flags & BF_XT_MAND) && !(flags & (1u << e->id)))
			return bf_err(-EINVAL, "%s: option \"--%s\" must be specified\n",
				      ext, e->name);
		if (!(flags & (1u << e->id)))
			continue;
		for (unsigned int i = 0; i < 32; i++) {
			const struct bf_xt_opt *o = opt_find(table, i);

			if (i == e->id || !o)
				continue;
			if ((e->also & (1u << i)) && !(flags & (1u << i)))
				return bf_err(-EINVAL, "%s: option \"--%s\" also requires \"--%s\".\n",
					      ext, e->name, o->name);
			if ((e->excl & (1u << i)) && (flags & (1u << i)))
				return bf_err(-EINVAL, "%s: option \"--%s\" cannot be used "
					      "together with \"--%s\".\n", ext, e->name, o->name);
		}
	}
	return 0;
}

bool bf_xt_strtoul(const char *s, char **end, uintmax_t *value, uintmax_t min,
		   uintmax_t max)
{
	const char *p = s;
	char *my_end;
	uintmax_t v;

	while (isspace((unsigned char)*p))
		p++;
	/* strtoumax would take "-1" as UINTMAX_MAX */
	if (*p == '-')
		return false;
	errno = 0;
	v = strtoumax(s, &my_end, 0);
	if (my_end == s)
		return false;
	if (end)
		*end = my_end;
	if (errno == ERANGE || v < min || v > max)
		return false;
	if (value)
		*value = v;
	return end || !*my_end;
}

bool bf_xt_strtoui(const char *s, char **end, unsigned int *value, unsigned int min,
		   unsigned int max)
{
	uintmax_t v = 0;
	bool ok = bf_xt_strtoul(s, end, &v, min, max);

	if (ok && value)
		*value = (unsigned int)v;
	return ok;
}

int bf_xt_parse_uint(const char *ext, const char *opt, const char *arg, uintmax_t min,
		     uintmax_t max, uintmax_t *value)
{
	if (!bf_xt_strtoul(arg, NULL, value, min, max))
		return bf_err(-EINVAL, "%s: bad value for option \"--%s\", or out of range "
			      "(%ju-%ju).\n", ext, opt, min, max);
	return 0;
}

int bf_xt_parse_u32(const char *ext, const char *opt, const char *arg, uint32_t min,
		    uint32_t max, uint32_t *value)
{
	uintmax_t v;
	int err = bf_xt_parse_uint(ext, opt, arg, min, max, &v);

	if (!err)
		*value = (uint32_t)v;
	return err;
}

int bf_xt_parse_range(const char *ext, const char *opt, const char *arg, uintmax_t max,
		      uintmax_t range[2], unsigned int *n)
{
	char *end = (char *)arg;
	uintmax_t v;

	*n = 0;
	for (const char *p = arg;; p = end + 1) {
		if (*n == 2)
			return bf_err(-EINVAL, "%s: Too many components for option \"--%s\" "
				      "(max: 2)\n", ext, opt);
		if (!*p || *p == ':') {
			/* an empty part: the default end of the range */
			end = (char *)p;
			v = *n == 1 ? max : 0;
		} else {
			if (!bf_xt_strtoul(p, &end, &v, 0, max))
				return bf_err(-EINVAL, "%s: bad value for option \"--%s\" near "
					      "\"%s\", or out of range (0-%ju).\n",
					      ext, opt, p, max);
			if (*end && *end != ':')
				return bf_err(-EINVAL, "%s: Argument to \"--%s\" has unexpected "
					      "characters near \"%s\".\n", ext, opt, end);
		}
		range[(*n)++] = v;
		if (!*end)
			return 0;
	}
}

int bf_xt_parse_range32(const char *ext, const char *opt, const char *arg, uint32_t max,
			uint32_t range[2], unsigned int *n)
{
	uintmax_t r[2];
	int err = bf_xt_parse_range(ext, opt, arg, max, r, n);

	/* only the parts parsed, as the one-pass parsers wrote them (also
	 * before an error): callers rely on the rest being untouched */
	for (unsigned int i = 0; i < *n; i++)
		range[i] = (uint32_t)r[i];
	return err;
}

bool bf_xt_ipv4_numeric(const char *s, bool is_mask, struct in_addr *addr)
{
	/* libxtables copies the text into 20 bytes first */
	char buf[20], *p = buf, *q;
	uint8_t *b = (uint8_t *)&addr->s_addr;
	uintmax_t v;

	snprintf(buf, sizeof(buf), "%s", s);
	for (int i = 0; i < 3; i++) {
		q = strchr(p, '.');
		if (!q) {
			/* a network address: the rest is zero */
			if (is_mask || !bf_xt_strtoul(p, NULL, &v, 0, UINT8_MAX))
				return false;
			b[i] = (uint8_t)v;
			while (i < 3)
				b[++i] = 0;
			return true;
		}
		*q = '\0';
		if (!bf_xt_strtoul(p, NULL, &v, 0, UINT8_MAX))
			return false;
		b[i] = (uint8_t)v;
		p = q + 1;
	}
	if (!bf_xt_strtoul(p, NULL, &v, 0, UINT8_MAX))
		return false;
	b[3] = (uint8_t)v;
	return true;
}

int bf_xt_getportbyname(const char *name)
{
	struct addrinfo *res = NULL, *p;
	unsigned long num;
	char *end;
	int port = -1;

	/* What getaddrinfo does with a number (strtoul, then htons of the
	 * int), without the address queries its default hints make: 10,000
	 * rules would cost that many netlink dumps. */
	num = strtoul(name, &end, 10);
	/* glibc keeps the number as an int; -1 there means "a name". */
	if (!*end && (int)num != -1)
		return (uint16_t)num;
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
