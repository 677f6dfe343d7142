/* -m tos: --tos VALUE[/MASK] or a symbolic name, as libxt_tos (revision
 * 1) of iptables 1.8.9 and the kernel's xt_tos_match_info. Both families
 * (IPv6: the traffic class). */
#include <errno.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_TOS };

struct match_tos {
	uint8_t value, mask;
	uint8_t invert;
};

/* A name stands for its value under this mask (revision 1). */
#define SYMBOL_MASK 0x3f

static const struct {
	const char *name;
	uint8_t value;
} symbols[] = {
	{"Minimize-Delay", 0x10},
	{"Maximize-Throughput", 0x08},
	{"Maximize-Reliability", 0x04},
	{"Minimize-Cost", 0x02},
	{"Normal-Service", 0x00},
};

#define N_SYMBOLS (sizeof(symbols) / sizeof(symbols[0]))

static const struct option tos_options[] = {
	{.name = "tos", .has_arg = 1, .val = O_TOS},
	{0},
};

static const struct bf_sl_optinfo tos_info[] = {
	[O_TOS] = {.flags = BF_XT_MAND | BF_XT_INVERT},
};

/* libxtables' XTTYPE_TOSMASK: "value[/mask]" when it starts with a number
 * up to 255 (mask 0xff by default), else a name (case-insensitive). */
static int parse_tos(const char *arg, struct match_tos *m)
{
	uintmax_t v;
	char *end;

	if (bf_xt_strtoul(arg, &end, &v, 0, UINT8_MAX)) {
		m->value = (uint8_t)v;
		m->mask = 0xff;
		if (*end == '/') {
			if (!bf_xt_strtoul(end + 1, &end, &v, 0, UINT8_MAX))
				return bf_err(-EINVAL, "Illegal value: \"%s\"", arg);
			m->mask = (uint8_t)v;
		}
		if (*end)
			return bf_err(-EINVAL, "Illegal value: \"%s\"", arg);
		return 0;
	}
	for (unsigned int i = 0; i < N_SYMBOLS; i++) {
		if (!strcasecmp(arg, symbols[i].name)) {
			m->value = symbols[i].value;
			m->mask = SYMBOL_MASK;
			return 0;
		}
	}
	return bf_err(-EINVAL, "Symbolic name \"%s\" is unknown", arg);
}

static int tos_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_tos *m = data;
	int err = bf_sl_opt_parse("tos", tos_options, tos_info, opt, invert, flags);

	if (!err)
		err = parse_tos(arg, m);
	if (!err && invert)
		m->invert = 1;
	return err;
}

static int tos_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("tos", tos_options, tos_info, flags);
}

static void tos_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_tos *m = data;

	/* sic: no blank before a number ("tos match0x10/0xff") */
	bf_strbuf_printf(out, " tos match%s", m->invert ? "!" : "");
	for (unsigned int i = 0; !numeric && m->mask == SYMBOL_MASK && i < N_SYMBOLS; i++) {
		if (symbols[i].value == m->value) {
			bf_strbuf_printf(out, " %s", symbols[i].name);
			return;
		}
	}
	bf_strbuf_printf(out, "0x%02x/0x%02x", m->value, m->mask);
}

static void tos_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_tos *m = data;

	bf_strbuf_printf(out, "%s --tos 0x%02x/0x%02x", m->invert ? " !" : "", m->value,
			 m->mask);
}

static int tos_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		    int no_match)
{
	const struct match_tos *m = data;

	/* xt_tos: (tos & mask) == value. */
	bf_emit_field_eq(cg, BPF_B, BF_PKT_TOS, m->mask, m->value, m->invert, no_match);
	return 0;
}

const struct bf_match_ops bf_match_tos = {
	.name = "tos",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_tos),
	.options = tos_options,
	.parse = tos_parse,
	.final_check = tos_final_check,
	.print = tos_print,
	.save = tos_save,
	.emit = tos_emit,
};
