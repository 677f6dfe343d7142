#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

#include <arpa/inet.h>
#include <netdb.h>

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

	/* an option excluding itself is used once even with BF_XT_MULTI */
	return bf_xt_opt_begin(ext, bf_sl_opt_name(opts, id), (unsigned int)id, invert,
			       info[id].flags & BF_XT_INVERT,
			       !(info[id].flags & BF_XT_MULTI) || (info[id].excl & bit), xflags);
}

int bf_sl_opt_fcheck(const char *ext, const struct option *opts,
		     const struct bf_sl_optinfo *info, unsigned int xflags)
{
	size_t n = 0;

	while (opts[n].name)
		n++;
	/* the same entries in the same order (aliases included), so the
	 * same first message */
	struct bf_xt_opt table[n + 1];

	for (size_t i = 0; i < n; i++) {
		unsigned int id = (unsigned int)opts[i].val;

		table[i] = (struct bf_xt_opt){.name = opts[i].name, .id = id,
					      .flags = info[id].flags,
					      .excl = info[id].excl, .also = info[id].also};
	}
	table[n] = (struct bf_xt_opt){0};
	return bf_xt_opt_fcheck(ext, table, xflags);
}

bool bf_sl_parse_port(const char *s, const char *proto, uint16_t *port)
{
	const struct servent *se;
	uintmax_t v;

	if (bf_xt_strtoul(s, NULL, &v, 0, UINT16_MAX)) {
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
