/* -m length: --length N[:M], the IP packet's length (IPv6: payload plus
 * the fixed header), as libxt_length of iptables 1.8.9 and the kernel's
 * xt_length_info. Both families. */
#include <errno.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_LENGTH };

struct match_length {
	uint16_t min, max;
	uint8_t invert;
};

static const struct option length_options[] = {
	{.name = "length", .has_arg = 1, .val = O_LENGTH},
	{0},
};

static const struct bf_sl_optinfo length_info[] = {
	[O_LENGTH] = {.flags = BF_XT_MAND | BF_XT_INVERT},
};

static int length_parse(int opt, const char *arg, bool invert, void *data,
			unsigned int *flags, const struct bf_ip *ip)
{
	struct match_length *m = data;
	uintmax_t range[2];
	unsigned int n;
	int err = bf_sl_opt_parse("length", length_options, length_info, opt, invert, flags);

	if (!err)
		err = bf_xt_parse_range("length", "length", arg, UINT16_MAX, range, &n);
	if (err)
		return err;
	/* one number is an exact length; min > max is kept as given */
	m->min = (uint16_t)range[0];
	m->max = (uint16_t)(n >= 2 ? range[1] : range[0]);
	if (invert)
		m->invert = 1;
	return 0;
}

static int length_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("length", length_options, length_info, flags);
}

static void print_range(struct bf_strbuf *out, const struct match_length *m)
{
	if (m->min == m->max)
		bf_strbuf_printf(out, "%u", m->min);
	else
		bf_strbuf_printf(out, "%u:%u", m->min, m->max);
}

static void length_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			 bool numeric)
{
	const struct match_length *m = data;

	bf_strbuf_printf(out, " length %s", m->invert ? "!" : "");
	print_range(out, m);
}

static void length_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_length *m = data;

	bf_strbuf_printf(out, "%s --length ", m->invert ? " !" : "");
	print_range(out, m);
}

static int length_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		       int no_match)
{
	const struct match_length *m = data;

	/* xt_length: the IPv4 total length, or 40 + the IPv6 payload length
	 * (not skb->len: they differ for a payload length of 0), within
	 * [min, max]. */
	bf_emit_field_range(cg, BPF_W, rule->ip.family == BF_FAMILY_IPV6 ? BF_PKT_IP6_PLEN :
			    BF_PKT_LEN, m->min, m->max, m->invert, no_match);
	return 0;
}

const struct bf_match_ops bf_match_length = {
	.name = "length",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_length),
	.options = length_options,
	.parse = length_parse,
	.final_check = length_final_check,
	.print = length_print,
	.save = length_save,
	.emit = length_emit,
};
