/* -m dscp: --dscp VALUE or --dscp-class CLASS, as libxt_dscp of iptables
 * 1.8.9 and the kernel's xt_dscp_info. Both families (IPv6: the traffic
 * class' upper six bits). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_DSCP, O_DSCP_CLASS };

struct match_dscp {
	uint8_t dscp;
	uint8_t invert;
};

/* The DiffServ classes iptables knows, in its order. */
static const struct {
	const char *name;
	uint8_t dscp;
} classes[] = {
	{"CS0", 0x00}, {"CS1", 0x08}, {"CS2", 0x10}, {"CS3", 0x18},
	{"CS4", 0x20}, {"CS5", 0x28}, {"CS6", 0x30}, {"CS7", 0x38},
	{"BE", 0x00},
	{"AF11", 0x0a}, {"AF12", 0x0c}, {"AF13", 0x0e},
	{"AF21", 0x12}, {"AF22", 0x14}, {"AF23", 0x16},
	{"AF31", 0x1a}, {"AF32", 0x1c}, {"AF33", 0x1e},
	{"AF41", 0x22}, {"AF42", 0x24}, {"AF43", 0x26},
	{"EF", 0x2e},
};

static const struct option dscp_options[] = {
	{.name = "dscp", .has_arg = 1, .val = O_DSCP},
	{.name = "dscp-class", .has_arg = 1, .val = O_DSCP_CLASS},
	{0},
};

static const struct bf_sl_optinfo dscp_info[] = {
	[O_DSCP] = {.flags = BF_XT_INVERT, .excl = 1u << O_DSCP_CLASS},
	[O_DSCP_CLASS] = {.flags = BF_XT_INVERT, .excl = 1u << O_DSCP},
};

/* iptables compares only the length of each class name: "EFx" is EF. */
static int parse_class(const char *arg, uint8_t *dscp)
{
	for (unsigned int i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (!strncasecmp(arg, classes[i].name, strlen(classes[i].name))) {
			*dscp = classes[i].dscp;
			return 0;
		}
	}
	return bf_err(-EINVAL, "Invalid DSCP value `%s'", arg);
}

static int dscp_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	struct match_dscp *m = data;
	uintmax_t v;
	int err = bf_sl_opt_parse("dscp", dscp_options, dscp_info, opt, invert, flags);

	if (err)
		return err;
	if (opt == O_DSCP) {
		err = bf_xt_parse_uint("dscp", "dscp", arg, 0, 0x3f, &v);
		m->dscp = (uint8_t)v;
	} else {
		err = parse_class(arg, &m->dscp);
	}
	if (!err && invert)
		m->invert = 1;
	return err;
}

static int dscp_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	if (!flags)
		return bf_err(-EINVAL, "DSCP match: Parameter --dscp is required");
	return bf_sl_opt_fcheck("dscp", dscp_options, dscp_info, flags);
}

static void dscp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		       bool numeric)
{
	const struct match_dscp *m = data;

	bf_strbuf_printf(out, " DSCP match %s0x%02x", m->invert ? "!" : "", m->dscp);
}

static void dscp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_dscp *m = data;

	bf_strbuf_printf(out, "%s --dscp 0x%02x", m->invert ? " !" : "", m->dscp);
}

static int dscp_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		     int no_match)
{
	const struct match_dscp *m = data;

	/* xt_dscp: the TOS byte's upper six bits. */
	bf_emit_field_eq(cg, BPF_B, BF_PKT_TOS, 0xfc, (uint32_t)m->dscp << 2, m->invert,
			 no_match);
	return 0;
}

const struct bf_match_ops bf_match_dscp = {
	.name = "dscp",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_dscp),
	.options = dscp_options,
	.parse = dscp_parse,
	.final_check = dscp_final_check,
	.print = dscp_print,
	.save = dscp_save,
	.emit = dscp_emit,
};
