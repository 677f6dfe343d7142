/* -m rpfilter: reverse path filtering, as libxt_rpfilter and
 * ipt_rpfilter/ip6t_rpfilter. The kernel takes it only in the raw (and
 * mangle) table's PREROUTING; not compiled yet. */
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

/* flags: bit i for option i below, as XT_RPFILTER_LOOSE, _VALID_MARK,
 * _ACCEPT_LOCAL and _INVERT */
struct match_rpfilter {
	uint8_t flags;
};

static const struct bf_xt_opt rpf_opts[] = {
	{.name = "loose", .id = 0},
	{.name = "validmark", .id = 1},
	{.name = "accept-local", .id = 2},
	{.name = "invert", .id = 3},
	{0},
};

static const struct option rpf_options[] = {
	{.name = "loose", .has_arg = 0, .val = 0},
	{.name = "validmark", .has_arg = 0, .val = 1},
	{.name = "accept-local", .has_arg = 0, .val = 2},
	{.name = "invert", .has_arg = 0, .val = 3},
	{0},
};

static int rpf_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_rpfilter *m = data;
	int err = bf_xt_opt_parse("rpfilter", rpf_opts, (unsigned int)opt, invert, flags);

	if (!err)
		m->flags |= (uint8_t)(1u << opt);
	return err;
}

static void rpf_dump(struct bf_strbuf *out, const struct match_rpfilter *m,
		     const char *prefix)
{
	for (unsigned int i = 0; rpf_opts[i].name; i++)
		if (m->flags & (1u << i))
			bf_strbuf_printf(out, " %s%s", prefix, rpf_opts[i].name);
}

static void rpf_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	bf_strbuf_puts(out, " rpfilter");
	rpf_dump(out, data, "");
}

static void rpf_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	rpf_dump(out, data, "--");
}

const struct bf_match_ops bf_match_rpfilter = {
	.name = "rpfilter",
	.families = BF_BOTH_FAMILIES,
	/* xt_rpfilter: before routing, in raw or mangle (of which bpfilter
	 * serves raw) */
	.scope = {.table = "raw", .hooks = BF_HOOK_BIT(BF_HOOK_PREROUTING)},
	.size = sizeof(struct match_rpfilter),
	.options = rpf_options,
	.parse = rpf_parse,
	.print = rpf_print,
	.save = rpf_save,
};
