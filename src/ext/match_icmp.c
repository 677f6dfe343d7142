/* -m icmp (implicit with -p icmp): --icmp-type, as libipt_icmp of
 * iptables 1.8.9 and the kernel's ipt_icmp. IPv4 only. */
#include <errno.h>
#include <netinet/in.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateless_icmp.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_ICMP_TYPE };

static const struct option icmp_options[] = {
	{.name = "icmp-type", .has_arg = 1, .val = O_ICMP_TYPE},
	{0},
};

static const struct bf_sl_optinfo icmp_info[] = {
	[O_ICMP_TYPE] = {.flags = BF_XT_MAND | BF_XT_INVERT},
};

static void icmp_init(void *data)
{
	struct bf_icmp_match *m = data;

	/* "any", as iptables initialises it */
	m->type = 255;
	m->code[1] = 255;
}

static int icmp_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	struct bf_icmp_match *m = data;
	int err = bf_sl_opt_parse("icmp", icmp_options, icmp_info, opt, invert, flags);

	if (err)
		return err;
	err = bf_icmp_parse_type(&bf_icmp_kind4, arg, m);
	if (!err && invert)
		m->invflags |= BF_ICMP_INV;
	return err;
}

static int icmp_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("icmp", icmp_options, icmp_info, flags);
}

static void icmp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		       bool numeric)
{
	bf_icmp_print(&bf_icmp_kind4, out, data, numeric);
}

static void icmp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_icmp_save(&bf_icmp_kind4, out, data);
}

/* icmp_type_code_match: type 255 is any type (not for icmp6). */
static int icmp_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		     int no_match)
{
	return bf_icmp_emit(cg, data, true, no_match);
}

static int icmp_classify(const struct bf_rule *rule, const void *data,
			 struct bf_class_conds *conds)
{
	return bf_icmp_classify(data, true, conds);
}

const struct bf_match_ops bf_match_icmp = {
	.name = "icmp",
	.families = BF_IPV4_ONLY,
	.proto = IPPROTO_ICMP,
	.size = sizeof(struct bf_icmp_match),
	.options = icmp_options,
	.init = icmp_init,
	.parse = icmp_parse,
	.final_check = icmp_final_check,
	.print = icmp_print,
	.save = icmp_save,
	.emit = icmp_emit,
	.classify = icmp_classify,
};
