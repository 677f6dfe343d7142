/* -m conntrack: connection tracking state, as libxt_conntrack revision 3
 * (what iptables 1.8.9 uses with this kernel) and xt_conntrack. Not
 * compiled yet: XDP sees packets before conntrack does. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_ct.h"
#include "ext/xtopt.h"

enum {
	O_CTSTATE,
	O_CTPROTO,
	O_CTORIGSRC,
	O_CTORIGDST,
	O_CTREPLSRC,
	O_CTREPLDST,
	O_CTORIGSRCPORT,
	O_CTORIGDSTPORT,
	O_CTREPLSRCPORT,
	O_CTREPLDSTPORT,
	O_CTSTATUS,
	O_CTEXPIRE,
	O_CTDIR,
};

/* In libxt_conntrack's table order, which is also the order of its
 * generic checks. */
static const struct bf_xt_opt ct_opts[] = {
	{.name = "ctstate", .id = O_CTSTATE, .flags = BF_XT_INVERT},
	{.name = "ctproto", .id = O_CTPROTO, .flags = BF_XT_INVERT},
	{.name = "ctorigsrc", .id = O_CTORIGSRC, .flags = BF_XT_INVERT},
	{.name = "ctorigdst", .id = O_CTORIGDST, .flags = BF_XT_INVERT},
	{.name = "ctreplsrc", .id = O_CTREPLSRC, .flags = BF_XT_INVERT},
	{.name = "ctrepldst", .id = O_CTREPLDST, .flags = BF_XT_INVERT},
	{.name = "ctstatus", .id = O_CTSTATUS, .flags = BF_XT_INVERT},
	{.name = "ctexpire", .id = O_CTEXPIRE, .flags = BF_XT_INVERT},
	{.name = "ctorigsrcport", .id = O_CTORIGSRCPORT, .flags = BF_XT_INVERT},
	{.name = "ctorigdstport", .id = O_CTORIGDSTPORT, .flags = BF_XT_INVERT},
	{.name = "ctreplsrcport", .id = O_CTREPLSRCPORT, .flags = BF_XT_INVERT},
	{.name = "ctrepldstport", .id = O_CTREPLDSTPORT, .flags = BF_XT_INVERT},
	{.name = "ctdir", .id = O_CTDIR},
	{0},
};

static const struct option ct_options[] = {
	{.name = "ctstate", .has_arg = 1, .val = O_CTSTATE},
	{.name = "ctproto", .has_arg = 1, .val = O_CTPROTO},
	{.name = "ctorigsrc", .has_arg = 1, .val = O_CTORIGSRC},
	{.name = "ctorigdst", .has_arg = 1, .val = O_CTORIGDST},
	{.name = "ctreplsrc", .has_arg = 1, .val = O_CTREPLSRC},
	{.name = "ctrepldst", .has_arg = 1, .val = O_CTREPLDST},
	{.name = "ctstatus", .has_arg = 1, .val = O_CTSTATUS},
	{.name = "ctexpire", .has_arg = 1, .val = O_CTEXPIRE},
	{.name = "ctorigsrcport", .has_arg = 1, .val = O_CTORIGSRCPORT},
	{.name = "ctorigdstport", .has_arg = 1, .val = O_CTORIGDSTPORT},
	{.name = "ctreplsrcport", .has_arg = 1, .val = O_CTREPLSRCPORT},
	{.name = "ctrepldstport", .has_arg = 1, .val = O_CTREPLDSTPORT},
	{.name = "ctdir", .has_arg = 1, .val = O_CTDIR},
	{0},
};

/* Names match by prefix, any case ("est" is ESTABLISHED), as iptables'
 * strncasecmp over the word's length. */
static const struct {
	const char *name;
	uint16_t bit;
} ct_states[] = {
	{"INVALID", BF_CT_ST_INVALID},
	{"NEW", BF_CT_ST_NEW},
	{"ESTABLISHED", BF_CT_ST_ESTABLISHED},
	{"RELATED", BF_CT_ST_RELATED},
	{"UNTRACKED", BF_CT_ST_UNTRACKED},
	{"SNAT", BF_CT_ST_SNAT},
	{"DNAT", BF_CT_ST_DNAT},
}, ct_statuses[] = {
	{"NONE", 0},
	{"EXPECTED", BF_CT_SS_EXPECTED},
	{"SEEN_REPLY", BF_CT_SS_SEEN_REPLY},
	{"ASSURED", BF_CT_SS_ASSURED},
	{"CONFIRMED", BF_CT_SS_CONFIRMED},
};

static bool ct_word(const char *w, size_t len, bool states, uint16_t *mask)
{
	size_t n = states ? sizeof(ct_states) / sizeof(ct_states[0])
			  : sizeof(ct_statuses) / sizeof(ct_statuses[0]);

	for (size_t i = 0; i < n; i++) {
		const char *name = states ? ct_states[i].name : ct_statuses[i].name;

		if (!strncasecmp(w, name, len)) {
			*mask |= states ? ct_states[i].bit : ct_statuses[i].bit;
			return true;
		}
	}
	return false;
}

/* conntrack_ps_states / conntrack_ps_statuses */
static int ct_words(const char *arg, bool states, uint16_t *mask)
{
	const char *what = states ? "ctstate" : "ctstatus", *comma;

	while ((comma = strchr(arg, ','))) {
		if (comma == arg || !ct_word(arg, (size_t)(comma - arg), states, mask))
			return bf_err(-EINVAL, "Bad %s \"%s\"", what, arg);
		arg = comma + 1;
	}
	if (!*arg || !ct_word(arg, strlen(arg), states, mask))
		return bf_err(-EINVAL, "Bad %s \"%s\"", what, arg);
	return 0;
}

static int ct_ports(const char *opt, const char *arg, uint16_t *lo, uint16_t *hi)
{
	unsigned int nvals;
	uint16_t range[2];
	int err = bf_sf_parse_port_range("conntrack", opt, arg, range, &nvals);

	if (err)
		return err;
	*lo = range[0];
	*hi = range[nvals >= 2];
	return 0;
}

static int ct_parse(int opt, const char *arg, bool invert, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	static const uint16_t bits[] = {
		[O_CTSTATE] = BF_CT_STATE, [O_CTPROTO] = BF_CT_PROTO,
		[O_CTORIGSRC] = BF_CT_ORIGSRC, [O_CTORIGDST] = BF_CT_ORIGDST,
		[O_CTREPLSRC] = BF_CT_REPLSRC, [O_CTREPLDST] = BF_CT_REPLDST,
		[O_CTORIGSRCPORT] = BF_CT_ORIGSRC_PORT, [O_CTORIGDSTPORT] = BF_CT_ORIGDST_PORT,
		[O_CTREPLSRCPORT] = BF_CT_REPLSRC_PORT, [O_CTREPLDSTPORT] = BF_CT_REPLDST_PORT,
		[O_CTSTATUS] = BF_CT_STATUS, [O_CTEXPIRE] = BF_CT_EXPIRES,
		[O_CTDIR] = BF_CT_DIRECTION,
	};
	struct bf_ct_info *info = data;
	const char *name = ct_opts[0].name;
	uint32_t range[2];
	unsigned int nvals;
	int err;

	for (const struct bf_xt_opt *o = ct_opts; o->name; o++)
		if (o->id == (unsigned int)opt)
			name = o->name;
	err = bf_xt_opt_parse("conntrack", ct_opts, (unsigned int)opt, invert, flags);
	if (err)
		return err;

	switch (opt) {
	case O_CTSTATE:
		err = ct_words(arg, true, &info->state_mask);
		break;
	case O_CTPROTO: {
		uint8_t proto;

		err = bf_sf_parse_proto(arg, &proto);
		if (err)
			return err;
		info->l4proto = proto;
		/* libxt_conntrack tests XT_INV_PROTO (0x40), which is the bit
		 * of an earlier inverted --ctstatus. */
		if (!proto && (info->invert_flags & 0x40))
			return bf_err(-EINVAL, "conntrack: rule would never match protocol");
		break;
	}
	case O_CTORIGSRC:
		err = bf_sf_parse_hostmask("conntrack", name, arg, ip->family,
					   &info->origsrc_addr, &info->origsrc_mask);
		break;
	case O_CTORIGDST:
		err = bf_sf_parse_hostmask("conntrack", name, arg, ip->family,
					   &info->origdst_addr, &info->origdst_mask);
		break;
	case O_CTREPLSRC:
		err = bf_sf_parse_hostmask("conntrack", name, arg, ip->family,
					   &info->replsrc_addr, &info->replsrc_mask);
		break;
	case O_CTREPLDST:
		err = bf_sf_parse_hostmask("conntrack", name, arg, ip->family,
					   &info->repldst_addr, &info->repldst_mask);
		break;
	case O_CTORIGSRCPORT:
		err = ct_ports(name, arg, &info->origsrc_port, &info->origsrc_port_high);
		break;
	case O_CTORIGDSTPORT:
		err = ct_ports(name, arg, &info->origdst_port, &info->origdst_port_high);
		break;
	case O_CTREPLSRCPORT:
		err = ct_ports(name, arg, &info->replsrc_port, &info->replsrc_port_high);
		break;
	case O_CTREPLDSTPORT:
		err = ct_ports(name, arg, &info->repldst_port, &info->repldst_port_high);
		break;
	case O_CTSTATUS:
		err = ct_words(arg, false, &info->status_mask);
		break;
	case O_CTEXPIRE:
		err = bf_xt_parse_range32("conntrack", name, arg, UINT32_MAX, range, &nvals);
		if (err)
			return err;
		info->expires_min = range[0];
		info->expires_max = nvals >= 2 ? range[1] : range[0];
		break;
	case O_CTDIR:
		/* ORIGINAL is the direction bit without inversion. */
		if (!strcasecmp(arg, "ORIGINAL"))
			info->invert_flags &= (uint16_t)~BF_CT_DIRECTION;
		else if (!strcasecmp(arg, "REPLY"))
			info->invert_flags |= BF_CT_DIRECTION;
		else
			return bf_sf_bad_value("conntrack", "--ctdir", arg);
		break;
	}
	if (err)
		return err;
	info->match_flags |= bits[opt];
	if (invert)
		info->invert_flags |= bits[opt];
	return 0;
}

static int ct_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	if (!flags)
		return bf_err(-EINVAL, "conntrack: At least one option is required");
	return bf_xt_opt_fcheck("conntrack", ct_opts, flags);
}

static void ct_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		     bool numeric)
{
	bf_ct_dump(out, data, "", ip->family, numeric);
}

static void ct_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_ct_dump(out, data, "--", ip->family, true);
}

static int ct_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	return bf_ct_emit(cg, rule, data, no_match);
}

const struct bf_match_ops bf_match_conntrack = {
	.name = "conntrack",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct bf_ct_info),
	.options = ct_options,
	.parse = ct_parse,
	.final_check = ct_final_check,
	.print = ct_print,
	.save = ct_save,
	.emit = ct_emit,
	.reads_ct = true,
};
