#include "headers_targets_opt.h"
#include "ext/save_string.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

int bf_ht_opt_begin(const char *ext, const char *opt, unsigned int id, bool invert,
		    bool can_invert, unsigned int *flags)
{
	if (*flags & (1u << id))
		return bf_err(-EINVAL, "%s: option \"--%s\" can only be used once.\n", ext, opt);
	if (invert && !can_invert)
		return bf_err(-EINVAL, "%s: option \"--%s\" cannot be inverted.\n", ext, opt);
	*flags |= 1u << id;
	return 0;
}

/* xtables_strtoul: false unless a number in min..max starts the string;
 * *end is where it stops. */
static bool xt_strtoul(const char *s, char **end, uintmax_t *value, uintmax_t max)
{
	const char *p = s;
	uintmax_t v;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	v = strtoumax(s, end, 0);
	if (*end == s || errno == ERANGE || v > max)
		return false;
	*value = v;
	return true;
}

bool bf_ht_strtoui(const char *s, uint32_t max, uint32_t *val)
{
	uintmax_t v;
	char *end;

	if (!xt_strtoul(s, &end, &v, max) || *end)
		return false;
	*val = (uint32_t)v;
	return true;
}

int bf_ht_parse_uint(const char *ext, const char *opt, const char *arg, uint32_t max,
		     uint32_t *val)
{
	if (!bf_ht_strtoui(arg, max, val))
		return bf_err(-EINVAL, "%s: bad value for option \"--%s\", or out of range (0-%u).\n",
			      ext, opt, max);
	return 0;
}

/* xtopt_parse_mint with two components. */
int bf_ht_parse_uint_range(const char *ext, const char *opt, const char *arg, uint32_t max,
			   uint32_t range[2])
{
	unsigned int n = 0;
	const char *p = arg;

	for (;;) {
		uintmax_t v;
		char *end;

		if (n == 2)
			return bf_err(-EINVAL, "%s: Too many components for option \"--%s\" (max: 2)\n",
				      ext, opt);
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			v = n == 1 ? max : 0;
		} else {
			if (!xt_strtoul(p, &end, &v, max))
				return bf_err(-EINVAL, "%s: bad value for option \"--%s\" near \"%s\", "
					      "or out of range (0-%u).\n", ext, opt, p, max);
			if (*end != '\0' && *end != ':')
				return bf_err(-EINVAL, "%s: Argument to \"--%s\" has unexpected "
					      "characters near \"%s\".\n", ext, opt, end);
		}
		range[n++] = (uint32_t)v;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	if (n == 1)
		range[1] = range[0];
	return 0;
}

void bf_ht_save_string(struct bf_strbuf *out, const char *s)
{
	bf_ext_save_string(out, s, strlen(s));
}
