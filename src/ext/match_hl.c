/* -m hl: --hl-eq / --hl-lt / --hl-gt, the hop limit, as libip6t_hl of
 * iptables 1.8.9. IPv6 only (iptables has ttl). */
#include "ext/ext.h"
#include "ext/stateless_ttl.h"

static const struct option hl_options[] = {
	{.name = "hl-lt", .has_arg = 1, .val = BF_TTL_O_LT},
	{.name = "hl-gt", .has_arg = 1, .val = BF_TTL_O_GT},
	{.name = "hl-eq", .has_arg = 1, .val = BF_TTL_O_EQ},
	{.name = "hl", .has_arg = 1, .val = BF_TTL_O_EQ},
	{0},
};

static const struct bf_ttl_kind kind = {
	.ext = "hl",
	.upper = "HL",
	.options = hl_options,
	.missing = "HL match: You must specify one of `--hl-eq', `--hl-lt', `--hl-gt'",
};

static int hl_parse(int opt, const char *arg, bool invert, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	return bf_ttl_parse(&kind, opt, arg, invert, data, flags);
}

static int hl_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_ttl_final_check(&kind, flags);
}

static void hl_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		     bool numeric)
{
	bf_ttl_print(&kind, out, data);
}

static void hl_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_ttl_save(&kind, out, data);
}

/* ip6t_hl: the hop limit, which the IPv6 prologue puts in BF_PKT_TTL. */
static int hl_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	return bf_ttl_emit(cg, data, no_match);
}

const struct bf_match_ops bf_match_hl = {
	.name = "hl",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct bf_ttl_match),
	.options = hl_options,
	.parse = hl_parse,
	.final_check = hl_final_check,
	.print = hl_print,
	.save = hl_save,
	.emit = hl_emit,
};
