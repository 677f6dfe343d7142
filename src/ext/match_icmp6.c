/* -m icmp6 (implicit with -p ipv6-icmp, -p icmpv6 or -p 58):
 * --icmpv6-type, as libip6t_icmp6 of iptables 1.8.9 and the kernel's
 * ip6t_icmp. IPv6 only. */
#include <errno.h>
#include <netinet/in.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateless_icmp.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_ICMPV6_TYPE };

static const struct option icmp6_options[] = {
	{.name = "icmpv6-type", .has_arg = 1, .val = O_ICMPV6_TYPE},
	{0},
};

static const struct bf_sl_optinfo icmp6_info[] = {
	[O_ICMPV6_TYPE] = {.flags = BF_XT_MAND | BF_XT_INVERT},
};

static void icmp6_init(void *data)
{
	struct bf_icmp_match *m = data;

	m->code[1] = 255;
}

static int icmp6_parse(int opt, const char *arg, bool invert, void *data,
		       unsigned int *flags, const struct bf_ip *ip)
{
	struct bf_icmp_match *m = data;
	int err = bf_sl_opt_parse("icmp6", icmp6_options, icmp6_info, opt, invert, flags);

	if (err)
		return err;
	err = bf_icmp_parse_type(&bf_icmp_kind6, arg, m);
	if (!err && invert)
		m->invflags |= BF_ICMP_INV;
	return err;
}

static int icmp6_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("icmp6", icmp6_options, icmp6_info, flags);
}

static void icmp6_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			bool numeric)
{
	bf_icmp_print(&bf_icmp_kind6, out, data, numeric);
}

static void icmp6_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_icmp_save(&bf_icmp_kind6, out, data);
}

/* ip6t icmp6: the type and code at thoff; no "any" type. */
static int icmp6_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		      int no_match)
{
	return bf_icmp_emit(cg, data, false, no_match);
}

static int icmp6_classify(const struct bf_rule *rule, const void *data,
			 struct bf_class_conds *conds)
{
	return bf_icmp_classify(data, false, conds);
}

const struct bf_match_ops bf_match_icmp6 = {
	.name = "icmp6",
	.families = BF_IPV6_ONLY,
	.proto = IPPROTO_ICMPV6,
	.size = sizeof(struct bf_icmp_match),
	.options = icmp6_options,
	.init = icmp6_init,
	.parse = icmp6_parse,
	.final_check = icmp6_final_check,
	.print = icmp6_print,
	.save = icmp6_save,
	.emit = icmp6_emit,
	.classify = icmp6_classify,
};
