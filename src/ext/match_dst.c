/* -m dst (ip6tables): length and options of the IPv6 destination options header,
 * as libip6t_dst 1.8.9; shared with -m hbh in headers_targets_exthdr.c. */
#include "cgen/cgen.h"
#include "ext/ext.h"
#include "ext/headers_targets_exthdr.h"

static const struct option dst_options[] = {
	{.name = "dst-len", .has_arg = 1, .val = BF_HT_OPTS_O_LEN},
	{.name = "dst-opts", .has_arg = 1, .val = BF_HT_OPTS_O_OPTS},
	{0},
};

static int dst_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	return bf_ht_opts_parse("dst", opt, arg, invert, data, flags);
}

static void dst_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	bf_ht_opts_print(out, "dst", data);
}

static void dst_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_ht_opts_save(out, "dst", data);
}

static int dst_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		    int no_match)
{
	return bf_ht_opts_emit(cg, BF_PKT_HDR_DST, data, no_match);
}

const struct bf_match_ops bf_match_dst = {
	.name = "dst",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct bf_ht_opts),
	.options = dst_options,
	.parse = dst_parse,
	.print = dst_print,
	.save = dst_save,
	.emit = dst_emit,
};
