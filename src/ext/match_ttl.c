/* -m ttl: --ttl-eq / --ttl-lt / --ttl-gt, as libipt_ttl of iptables
 * 1.8.9. IPv4 only (ip6tables has hl). */

#include "cgen/cgen.h"
#include "ext/ext.h"
#include "ext/stateless_ttl.h"

static const struct option ttl_options[] = {
	{.name = "ttl-lt", .has_arg = 1, .val = BF_TTL_O_LT},
	{.name = "ttl-gt", .has_arg = 1, .val = BF_TTL_O_GT},
	{.name = "ttl-eq", .has_arg = 1, .val = BF_TTL_O_EQ},
	{.name = "ttl", .has_arg = 1, .val = BF_TTL_O_EQ},
	{0},
};

static const struct bf_ttl_kind kind = {
	.ext = "ttl",
	.upper = "TTL",
	.options = ttl_options,
	/* sic: iptables 1.8.9 lacks the closing quote */
	.missing = "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt",
};

static int ttl_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	return bf_ttl_parse(&kind, opt, arg, invert, data, flags);
}

static int ttl_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_ttl_final_check(&kind, flags);
}

static void ttl_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	bf_ttl_print(&kind, out, data);
}

static void ttl_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_ttl_save(&kind, out, data);
}

static int ttl_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		    int no_match)
{
	return bf_ttl_emit(cg, data, no_match);
}

const struct bf_match_ops bf_match_ttl = {
	.name = "ttl",
	.families = BF_IPV4_ONLY,
	.size = sizeof(struct bf_ttl_match),
	.options = ttl_options,
	.parse = ttl_parse,
	.final_check = ttl_final_check,
	.print = ttl_print,
	.save = ttl_save,
	.emit = ttl_emit,
};
