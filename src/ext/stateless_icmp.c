#include "stateless_icmp.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ports.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"
#include "front/ext_services.h"
#include "plan/classify.h"

/* The names iptables 1.8.9 knows, in its order: the order decides which
 * names an ambiguous prefix reports and which name -L shows. A code range
 * 0-255 stands for the whole type. */
static const struct bf_icmp_name icmp4_names[] = {
	{"any", 255, 0, 255},
	{"echo-reply", 0, 0, 255},
	{"pong", 0, 0, 255},
	{"destination-unreachable", 3, 0, 255},
	{"network-unreachable", 3, 0, 0},
	{"host-unreachable", 3, 1, 1},
	{"protocol-unreachable", 3, 2, 2},
	{"port-unreachable", 3, 3, 3},
	{"fragmentation-needed", 3, 4, 4},
	{"source-route-failed", 3, 5, 5},
	{"network-unknown", 3, 6, 6},
	{"host-unknown", 3, 7, 7},
	{"network-prohibited", 3, 9, 9},
	{"host-prohibited", 3, 10, 10},
	{"TOS-network-unreachable", 3, 11, 11},
	{"TOS-host-unreachable", 3, 12, 12},
	{"communication-prohibited", 3, 13, 13},
	{"host-precedence-violation", 3, 14, 14},
	{"precedence-cutoff", 3, 15, 15},
	{"source-quench", 4, 0, 255},
	{"redirect", 5, 0, 255},
	{"network-redirect", 5, 0, 0},
	{"host-redirect", 5, 1, 1},
	{"TOS-network-redirect", 5, 2, 2},
	{"TOS-host-redirect", 5, 3, 3},
	{"echo-request", 8, 0, 255},
	{"ping", 8, 0, 255},
	{"router-advertisement", 9, 0, 255},
	{"router-solicitation", 10, 0, 255},
	{"time-exceeded", 11, 0, 255},
	{"ttl-exceeded", 11, 0, 255},
	{"ttl-zero-during-transit", 11, 0, 0},
	{"ttl-zero-during-reassembly", 11, 1, 1},
	{"parameter-problem", 12, 0, 255},
	{"ip-header-bad", 12, 0, 0},
	{"required-option-missing", 12, 1, 1},
	{"timestamp-request", 13, 0, 255},
	{"timestamp-reply", 14, 0, 255},
	{"address-mask-request", 17, 0, 255},
	{"address-mask-reply", 18, 0, 255},
};

/* 1.8.9 has no MLD names (1.8.11 added them). */
static const struct bf_icmp_name icmp6_names[] = {
	{"destination-unreachable", 1, 0, 255},
	{"no-route", 1, 0, 0},
	{"communication-prohibited", 1, 1, 1},
	{"beyond-scope", 1, 2, 2},
	{"address-unreachable", 1, 3, 3},
	{"port-unreachable", 1, 4, 4},
	{"failed-policy", 1, 5, 5},
	{"reject-route", 1, 6, 6},
	{"packet-too-big", 2, 0, 255},
	{"time-exceeded", 3, 0, 255},
	{"ttl-exceeded", 3, 0, 255},
	{"ttl-zero-during-transit", 3, 0, 0},
	{"ttl-zero-during-reassembly", 3, 1, 1},
	{"parameter-problem", 4, 0, 255},
	{"bad-header", 4, 0, 0},
	{"unknown-header-type", 4, 1, 1},
	{"unknown-option", 4, 2, 2},
	{"echo-request", 128, 0, 255},
	{"ping", 128, 0, 255},
	{"echo-reply", 129, 0, 255},
	{"pong", 129, 0, 255},
	{"router-solicitation", 133, 0, 255},
	{"router-advertisement", 134, 0, 255},
	{"neighbour-solicitation", 135, 0, 255},
	{"neighbor-solicitation", 135, 0, 255},
	{"neighbour-advertisement", 136, 0, 255},
	{"neighbor-advertisement", 136, 0, 255},
	{"redirect", 137, 0, 255},
};

#define N(a) (unsigned int)(sizeof(a) / sizeof((a)[0]))

const struct bf_icmp_kind bf_icmp_kind4 = {
	.label = "ICMP",
	.word = "icmp",
	.option = "icmp-type",
	.names = icmp4_names,
	.n_names = N(icmp4_names),
	.any_hack = true,
};

const struct bf_icmp_kind bf_icmp_kind6 = {
	.label = "ICMPv6",
	.word = "ipv6-icmp",
	.option = "icmpv6-type",
	.names = icmp6_names,
	.n_names = N(icmp6_names),
};

/* A number 0-255 at s; *end is set past it. */
static bool number(const char *s, char **end, uint8_t *v)
{
	uintmax_t n;

	if (!bf_xt_strtoul(s, end, &n, 0, 255))
		return false;
	*v = (uint8_t)n;
	return true;
}

static int parse_numeric(const struct bf_icmp_kind *k, const char *arg,
			 struct bf_icmp_match *m)
{
	char *end;

	if (!number(arg, &end, &m->type))
		return bf_err(-EINVAL, "Unknown %s type `%s'", k->label, arg);
	if (*end == ':')
		return bf_err(-EINVAL, "%s type range not supported", k->label);
	m->code[0] = 0;
	m->code[1] = 255;
	if (*end == '/') {
		if (!number(end + 1, &end, &m->code[0]))
			return bf_err(-EINVAL, "Unknown %s code `%s'", k->label, arg);
		m->code[1] = m->code[0];
		/* a code range, taken as given (even reversed) */
		if (*end == ':' && !number(end + 1, &end, &m->code[1]))
			return bf_err(-EINVAL, "Unknown %s code `%s'", k->label, arg);
	}
	if (*end)
		return bf_err(-EINVAL, "unknown character %c", *end);
	return 0;
}

int bf_icmp_parse_type(const struct bf_icmp_kind *k, const char *arg,
		       struct bf_icmp_match *m)
{
	size_t len = strlen(arg);
	const struct bf_icmp_name *found = NULL;

	for (unsigned int i = 0; i < k->n_names; i++) {
		const struct bf_icmp_name *n = &k->names[i];

		if (strncasecmp(n->name, arg, len))
			continue;
		if (found)
			return bf_err(-EINVAL, "Ambiguous %s type `%s': `%s' or `%s'?",
				      k->label, arg, found->name, n->name);
		found = n;
	}
	if (!found)
		return parse_numeric(k, arg, m);
	m->type = found->type;
	m->code[0] = found->code_min;
	m->code[1] = found->code_max;
	return 0;
}

void bf_icmp_print(const struct bf_icmp_kind *k, struct bf_strbuf *out,
		   const struct bf_icmp_match *m, bool numeric)
{
	bool inv = m->invflags & BF_ICMP_INV;

	bf_strbuf_printf(out, " %s", k->word);
	for (unsigned int i = 0; !numeric && i < k->n_names; i++) {
		const struct bf_icmp_name *n = &k->names[i];

		if (n->type == m->type && n->code_min == m->code[0] &&
		    n->code_max == m->code[1]) {
			bf_strbuf_printf(out, " %s%s", inv ? "!" : "", n->name);
			return;
		}
	}
	/* iptables prints no blank before "type" here ("icmptype 3"). */
	if (inv)
		bf_strbuf_puts(out, " !");
	bf_strbuf_printf(out, "type %u", m->type);
	if (m->code[0] == m->code[1])
		bf_strbuf_printf(out, " code %u", m->code[0]);
	else if (m->code[0] != 0 || m->code[1] != 255)
		bf_strbuf_printf(out, " codes %u-%u", m->code[0], m->code[1]);
}

void bf_icmp_save(const struct bf_icmp_kind *k, struct bf_strbuf *out,
		  const struct bf_icmp_match *m)
{
	if (bf_ext_save_lossless()) {
		bf_icmp_save_state(k, out, m);
		return;
	}
	if (m->invflags & BF_ICMP_INV)
		bf_strbuf_puts(out, " !");
	if (k->any_hack && m->type == 255) {
		bf_strbuf_printf(out, " --%s any", k->option);
		return;
	}
	/* Only the first code of a range is saved, as iptables does. */
	bf_strbuf_printf(out, " --%s %u", k->option, m->type);
	if (m->code[0] != 0 || m->code[1] != 255)
		bf_strbuf_printf(out, "/%u", m->code[0]);
}

void bf_icmp_save_state(const struct bf_icmp_kind *k, struct bf_strbuf *out,
			const struct bf_icmp_match *m)
{
	if (m->invflags & BF_ICMP_INV)
		bf_strbuf_puts(out, " !");
	bf_strbuf_printf(out, " --%s %u", k->option, m->type);
	if (m->code[0] != 0 || m->code[1] != 255)
		bf_strbuf_printf(out, "/%u:%u", m->code[0], m->code[1]);
}

int bf_icmp_emit(struct bf_cgen *cg, const struct bf_icmp_match *m, bool any_255, int no_match)
{
	bool inv = m->invflags & BF_ICMP_INV;
	int skip;

	/* A fragment never matches (inverted or not); a header that cannot
	 * be read (8 bytes at thoff) hotdrops. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ICMP_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), cg->lbl_hotdrop);
	if (any_255 && m->type == 0xff) {
		if (inv)
			bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		return 0;
	}
	if (!inv) {
		bf_emit_field_eq(cg, BPF_B, BF_PKT_ICMP_TYPE, 0xffffffff, m->type, false, no_match);
		bf_emit_field_range(cg, BPF_B, BF_PKT_ICMP_CODE, m->code[0], m->code[1], false,
				    no_match);
		return 0;
	}
	/* Inverted: matches when the type differs or the code is outside. */
	skip = bf_label_new(cg);
	bf_emit_field_eq(cg, BPF_B, BF_PKT_ICMP_TYPE, 0xffffffff, m->type, false, skip);
	bf_emit_field_range(cg, BPF_B, BF_PKT_ICMP_CODE, m->code[0], m->code[1], true, no_match);
	bf_label_bind(cg, skip);
	return 0;
}

int bf_icmp_classify(const struct bf_icmp_match *m, bool any_255, struct bf_class_conds *c)
{
	const uint16_t codes[2] = {m->code[0], m->code[1]};
	int err;

	if (m->invflags & BF_ICMP_INV)
		return -EOPNOTSUPP;
	/* As bf_icmp_emit: offset 0 with the header cut short hotdrops (l4
	 * class BAD), later fragments do not match; then the type and code
	 * (type << 16 | code in the ports word). */
	err = bf_class_hotdrop(c, BF_CF_META, 0, (uint32_t)BF_L4_BAD << BF_META_L4_SHIFT,
			       BF_META_L4);
	if (!err)
		err = bf_class_and(c, BF_CF_META, 0, (uint32_t)BF_L4_OK << BF_META_L4_SHIFT,
				   BF_META_L4);
	if (err || (any_255 && m->type == 0xff))
		return err;
	err = bf_class_and(c, BF_CF_PORTS, 0, (uint32_t)m->type << 16, 0xffu << 16);
	if (err)
		return err;
	if (codes[0] > codes[1]) {
		bf_class_none(c); /* no code is in the range */
		return 0;
	}
	return bf_class_port_range(c, codes, false, 0);
}
