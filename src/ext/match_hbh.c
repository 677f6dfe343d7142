/* -m hbh (ip6tables): length and options of the IPv6 hop-by-hop options header,
 * as libip6t_hbh 1.8.9; shared with -m dst in headers_targets_exthdr.c. */
#include "cgen/cgen.h"
#include "ext/ext.h"
#include "ext/headers_targets_exthdr.h"

static const struct option hbh_options[] = {
	{.name = "hbh-len", .has_arg = 1, .val = BF_HT_OPTS_O_LEN},
	{.name = "hbh-opts", .has_arg = 1, .val = BF_HT_OPTS_O_OPTS},
	{0},
};

static int hbh_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	return bf_ht_opts_parse("hbh", opt, arg, invert, data, flags);
}

static void hbh_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	bf_ht_opts_print(out, "hbh", data);
}

static void hbh_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_ht_opts_save(out, "hbh", data);
}

static int hbh_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		    int no_match)
{
	return bf_ht_opts_emit(cg, BF_PKT_HDR_HBH, data, no_match);
}

const struct bf_match_ops bf_match_hbh = {
	.name = "hbh",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct bf_ht_opts),
	.options = hbh_options,
	.parse = hbh_parse,
	.print = hbh_print,
	.save = hbh_save,
	.emit = hbh_emit,
};
