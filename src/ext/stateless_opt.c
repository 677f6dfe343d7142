#include "stateless_opt.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

const char *bf_sl_opt_name(const struct option *opts, int id)
{
	for (; opts->name; opts++)
		if (opts->val == id)
			return opts->name;
	return "?";
}

int bf_sl_opt_parse(const char *ext, const struct option *opts,
		    const struct bf_sl_optinfo *info, int id, bool invert,
		    unsigned int *xflags)
{
	unsigned int bit = 1u << id;

	if ((!(info[id].flags & BF_SL_MULTI) || (info[id].excl & bit)) && (*xflags & bit))
		return bf_err(-EINVAL, "%s: option \"--%s\" can only be used once.\n",
			      ext, bf_sl_opt_name(opts, id));
	if (invert && !(info[id].flags & BF_SL_INVERT))
		return bf_err(-EINVAL, "%s: option \"--%s\" cannot be inverted.\n",
			      ext, bf_sl_opt_name(opts, id));
	*xflags |= bit;
	return 0;
}

/* Whether opts has an option of this id. */
static bool has_id(const struct option *opts, int id)
{
	for (; opts->name; opts++)
		if (opts->val == id)
			return true;
	return false;
}

int bf_sl_opt_fcheck(const char *ext, const struct option *opts,
		     const struct bf_sl_optinfo *info, unsigned int xflags)
{
	for (const struct option *e = opts; e->name; e++) {
		unsigned int id = (unsigned int)e->val;

		if ((info[id].flags & BF_SL_MAND) && !(xflags & (1u << id)))
			return bf_err(-EINVAL, "%s: option \"--%s\" must be specified\n",
				      ext, e->name);
		if (!(xflags & (1u << id)))
			continue;
		for (unsigned int i = 0; i < sizeof(unsigned int) * CHAR_BIT; i++) {
			unsigned int of = 1u << i;

			if (i == id || !has_id(opts, (int)i))
				continue;
			if ((info[id].also & of) && !(xflags & of))
				return bf_err(-EINVAL, "%s: option \"--%s\" also requires "
					      "\"--%s\".\n", ext, e->name,
					      bf_sl_opt_name(opts, (int)i));
			if ((info[id].excl & of) && (xflags & of))
				return bf_err(-EINVAL, "%s: option \"--%s\" cannot be used "
					      "together with \"--%s\".\n", ext, e->name,
					      bf_sl_opt_name(opts, (int)i));
		}
	}
	return 0;
}

bool bf_sl_strtoul(const char *s, char **end, uintmax_t *value, uintmax_t min,
		   uintmax_t max)
{
	const char *p = s;
	uintmax_t v;
	char *my_end;

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
	if (errno == ERANGE || v < min || v > max)
		return false;
	*value = v;
	return end ? true : !*my_end;
}

int bf_sl_parse_uint(const char *ext, const char *optname, const char *arg,
		     uintmax_t min, uintmax_t max, uintmax_t *value)
{
	if (!bf_sl_strtoul(arg, NULL, value, min, max))
		return bf_err(-EINVAL, "%s: bad value for option \"--%s\", or out of range "
			      "(%ju-%ju).\n", ext, optname, min, max);
	return 0;
}

int bf_sl_parse_range(const char *ext, const char *optname, const char *arg,
		      uintmax_t max, uintmax_t range[2], unsigned int *n)
{
	char *end = (char *)arg;
	uintmax_t v;

	*n = 0;
	for (const char *p = arg;; p = end + 1) {
		if (*n == 2)
			return bf_err(-EINVAL, "%s: Too many components for option \"--%s\" "
				      "(max: 2)\n", ext, optname);
		if (!*p || *p == ':') {
			/* an empty part: the default end of the range */
			end = (char *)p;
			v = *n == 1 ? max : 0;
		} else {
			if (!bf_sl_strtoul(p, &end, &v, 0, max))
				return bf_err(-EINVAL, "%s: bad value for option \"--%s\" near "
					      "\"%s\", or out of range (0-%ju).\n",
					      ext, optname, p, max);
			if (*end && *end != ':')
				return bf_err(-EINVAL, "%s: Argument to \"--%s\" has unexpected "
					      "characters near \"%s\".\n", ext, optname, end);
		}
		range[(*n)++] = v;
		if (!*end)
			return 0;
	}
}

bool bf_sl_parse_port(const char *s, const char *proto, uint16_t *port)
{
	const struct servent *se;
	uintmax_t v;

	if (bf_sl_strtoul(s, NULL, &v, 0, UINT16_MAX)) {
		*port = (uint16_t)v;
		return true;
	}
	se = proto ? getservbyname(s, proto) : NULL;
	if (!se)
		return false;
	*port = ntohs((uint16_t)se->s_port);
	return true;
}

void bf_sl_print_port(struct bf_strbuf *out, uint16_t port, const char *proto,
		      bool numeric)
{
	const struct servent *se = numeric || !proto ? NULL : getservbyport(htons(port), proto);

	if (se)
		bf_strbuf_puts(out, se->s_name);
	else
		bf_strbuf_printf(out, "%u", port);
}

bool bf_sl_ipv4_numeric(const char *s, struct in_addr *addr)
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
			if (!bf_sl_strtoul(p, NULL, &v, 0, UINT8_MAX))
				return false;
			b[i] = (uint8_t)v;
			while (i < 3)
				b[++i] = 0;
			return true;
		}
		*q = '\0';
		if (!bf_sl_strtoul(p, NULL, &v, 0, UINT8_MAX))
			return false;
		b[i] = (uint8_t)v;
		p = q + 1;
	}
	if (!bf_sl_strtoul(p, NULL, &v, 0, UINT8_MAX))
		return false;
	b[3] = (uint8_t)v;
	return true;
}
