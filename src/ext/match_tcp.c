/* -m tcp (implicit with -p tcp): ports, flags and an option, as libxt_tcp
 * and xt_tcpudp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/ports.h"
#include "front/ext_services.h"

struct match_tcp {
	struct bf_port_pair ports;
	uint8_t option;
	uint8_t flg_mask;
	uint8_t flg_cmp;
	uint8_t invflags; /* TCP_INV_* */
};

/* xt_tcp's invflags for what bf_port_pair does not hold. */
#define TCP_INV_FLAGS 0x04
#define TCP_INV_OPTION 0x08

enum { O_SPORT = 1, O_DPORT, O_SYN, O_FLAGS, O_OPTION };
/* libxt_tcp's flags word: --syn and --tcp-flags share one bit. */
#define F_SPORT 0x01
#define F_DPORT 0x02
#define F_FLAGS 0x04
#define F_OPTION 0x08

static const struct option tcp_options[] = {
	{.name = "source-port", .has_arg = 1, .val = O_SPORT},
	{.name = "sport", .has_arg = 1, .val = O_SPORT},
	{.name = "destination-port", .has_arg = 1, .val = O_DPORT},
	{.name = "dport", .has_arg = 1, .val = O_DPORT},
	{.name = "syn", .has_arg = 0, .val = O_SYN},
	{.name = "tcp-flags", .has_arg = 1, .val = O_FLAGS},
	{.name = "tcp-option", .has_arg = 1, .val = O_OPTION},
	{0},
};

/* In libxt_tcp's order: printing takes the first name of each bit. */
static const struct {
	const char *name;
	uint8_t flag;
} tcp_flags[] = {
	{"FIN", 0x01}, {"SYN", 0x02}, {"RST", 0x04}, {"PSH", 0x08},
	{"ACK", 0x10}, {"URG", 0x20}, {"ALL", 0x3F}, {"NONE", 0},
};

#define N_TCP_FLAGS (sizeof(tcp_flags) / sizeof(tcp_flags[0]))

static void tcp_init(void *data)
{
	struct match_tcp *m = data;

	bf_port_pair_init(&m->ports);
}

/* "SYN,ACK": comma-separated names, any case; empty parts are skipped. */
static int parse_flag_list(const char *list, uint8_t *out)
{
	char buf[256], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", list);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		while (i < N_TCP_FLAGS && strcasecmp(tcp_flags[i].name, tok))
			i++;
		if (i == N_TCP_FLAGS)
			return bf_err(-EINVAL, "Unknown TCP flag `%s'", tok);
		*out |= tcp_flags[i].flag;
	}
	return 0;
}

static int parse_flags(struct match_tcp *m, const char *mask, const char *cmp, bool invert)
{
	int err = parse_flag_list(mask, &m->flg_mask);

	if (!err)
		err = parse_flag_list(cmp, &m->flg_cmp);
	if (!err && invert)
		m->invflags |= TCP_INV_FLAGS;
	return err;
}

static int parse_ports(struct match_tcp *m, int opt, const char *arg, bool invert,
		       unsigned int *flags)
{
	const char *name = opt == O_SPORT ? "source-port" : "destination-port";
	unsigned int bit = opt == O_SPORT ? F_SPORT : F_DPORT;
	int err;

	if (*flags & bit)
		return bf_err(-EINVAL, "Only one `--%s' allowed", name);
	err = bf_ports_parse(arg, "tcp", "tcp", name, opt == O_SPORT ? m->ports.spts :
							       m->ports.dpts);
	if (err)
		return err;
	if (invert)
		m->ports.invflags |= opt == O_SPORT ? BF_PORTS_INV_SRC : BF_PORTS_INV_DST;
	*flags |= bit;
	return 0;
}

static int tcp_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_tcp *m = data;
	const char *cmp;
	unsigned int v;
	char *end;
	int err;

	switch (opt) {
	case O_SPORT:
	case O_DPORT:
		return parse_ports(m, opt, arg, invert, flags);
	case O_SYN:
		if (*flags & F_FLAGS)
			return bf_err(-EINVAL, "Only one of `--syn' or `--tcp-flags'  allowed");
		err = parse_flags(m, "SYN,RST,ACK,FIN", "SYN", invert);
		break;
	case O_FLAGS:
		if (*flags & F_FLAGS)
			return bf_err(-EINVAL, "Only one of `--syn' or `--tcp-flags'  allowed");
		/* The second word is the next argument, as in libxt_tcp. */
		cmp = bf_ext_next_arg();
		if (!cmp)
			return bf_err(-EINVAL, "--tcp-flags requires two args.");
		err = parse_flags(m, arg, cmp, invert);
		break;
	case O_OPTION:
		if (*flags & F_OPTION)
			return bf_err(-EINVAL, "Only one `--tcp-option' allowed");
		/* xtables_strtoui(1..255): base 0, whole string, no sign. */
		errno = 0;
		v = (unsigned int)strtoul(arg, &end, 0);
		if (end == arg || *end || errno || strchr(arg, '-') || v < 1 || v > 255)
			return bf_err(-EINVAL, "Bad TCP option \"%s\"", arg);
		m->option = (uint8_t)v;
		if (invert)
			m->invflags |= TCP_INV_OPTION;
		*flags |= F_OPTION;
		return 0;
	default:
		return -EINVAL;
	}
	if (!err)
		*flags |= F_FLAGS;
	return err;
}

/* The names of the bits set, first name first; "NONE" for none. */
static void print_flag_list(struct bf_strbuf *out, uint8_t flags)
{
	bool any = false;

	while (flags) {
		size_t i = 0;

		while (!(flags & tcp_flags[i].flag))
			i++;
		bf_strbuf_printf(out, "%s%s", any ? "," : "", tcp_flags[i].name);
		any = true;
		flags &= (uint8_t)~tcp_flags[i].flag;
	}
	if (!any)
		bf_strbuf_puts(out, "NONE");
}

static void tcp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_tcp *m = data;

	bf_port_pair_print(out, &m->ports, numeric, "tcp");
	if (m->option || (m->invflags & TCP_INV_OPTION))
		bf_strbuf_printf(out, " option=%s%u", m->invflags & TCP_INV_OPTION ? "!" : "",
				 m->option);
	if (m->flg_mask || (m->invflags & TCP_INV_FLAGS)) {
		bf_strbuf_printf(out, " flags:%s", m->invflags & TCP_INV_FLAGS ? "!" : "");
		if (numeric) {
			bf_strbuf_printf(out, "0x%02X/0x%02X", m->flg_mask, m->flg_cmp);
		} else {
			print_flag_list(out, m->flg_mask);
			bf_strbuf_puts(out, "/");
			print_flag_list(out, m->flg_cmp);
		}
	}
}

static void tcp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_tcp *m = data;

	bf_port_pair_save(out, &m->ports);
	if (m->option || (m->invflags & TCP_INV_OPTION))
		bf_strbuf_printf(out, "%s --tcp-option %u",
				 m->invflags & TCP_INV_OPTION ? " !" : "", m->option);
	if (m->flg_mask || (m->invflags & TCP_INV_FLAGS)) {
		bf_strbuf_printf(out, "%s --tcp-flags ", m->invflags & TCP_INV_FLAGS ? " !" : "");
		print_flag_list(out, m->flg_mask);
		bf_strbuf_puts(out, " ");
		print_flag_list(out, m->flg_cmp);
	}
}

/* xt_tcpudp's tcp_find_option, after the ports and flags: a data offset
 * below 20 bytes hotdrops; options past the datagram (skb_header_pointer
 * fails) hotdrop; then the walk over the optlen = doff * 4 - 20 option
 * bytes: `if (op[i] == option) found; i += op[i] < 2 ? 1 : op[i + 1] ?: 1`
 * (END does not stop it).
 *
 * The walk is a loop whose step is computed without branches: then the
 * verifier walks it once, the step in [1, 256] so that i grows by at
 * least one per turn (each turn's state differs, no loop is suspected)
 * and the side exits (found, absent, bounds) end at once. r3 = options,
 * r4 = i, r5 = optlen. */
static void emit_tcp_option(struct bf_cgen *cg, const struct bf_rule *rule, uint8_t option,
			    bool invert, int no_match)
{
	int loop = bf_label_new(cg), found = bf_label_new(cg);
	int absent = bf_label_new(cg), done = bf_label_new(cg);

	bf_emit_l4off(cg, rule, BPF_REG_1);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	/* The fixed header is there (the L4 guard saw it): for the verifier. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 20));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_2, BF_REG_END, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, 12));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 4));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_5, 2));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_5, 20, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_5));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_PKT_LEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_2, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_5, 20));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 20));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));

	bf_label_bind(cg, loop);
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, BPF_REG_4, BPF_REG_5, 0), absent);
	/* The bounds checks are never taken (the options are within the
	 * datagram, which is within the frame), but the verifier wants them. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_4));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_2, BF_REG_END, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, option, 0), found);
	/* r0 = 1 when the kind has a length byte (>= 2), else 0. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 127));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 7));
	/* The length byte op[i + 1], or op[i] again when i + 1 == optlen
	 * (whatever the kernel reads there, the walk ends: so does it here,
	 * the kind being >= 2). r1 = i + (i + 1 < optlen). */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_4));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 63));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_4));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_2, 0));
	/* step - 1 = (len ?: 1) - 1 = ((len + 255) & 255) * (len != 0),
	 * times r0; len != 0 is (len + 255) >> 8. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 255));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 8));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 255));
	bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_2, BPF_REG_0));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1));
	bf_emit_jump(cg, BPF_JMP_A(0), loop);

	bf_label_bind(cg, found);
	bf_emit_jump(cg, BPF_JMP_A(0), invert ? no_match : done);
	bf_label_bind(cg, absent);
	if (!invert)
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
	bf_label_bind(cg, done);
}

static int tcp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_tcp *m = data;

	/* tcp_mt hotdrops at fragoff == 1, which ip6_tables gives in bytes
	 * (ipv6_find_hdr: frag_off & ~7), never 1: IPv4 only. */
	bf_emit_port_pair(cg, &m->ports, rule->ip.family == BF_FAMILY_IPV4, no_match);
	/* xt_tcp: (flags byte & mask) == cmp, after the ports. */
	if (m->flg_mask || (m->invflags & TCP_INV_FLAGS))
		bf_emit_field_eq(cg, BPF_B, BF_PKT_TCPFLAGS, m->flg_mask, m->flg_cmp,
				 m->invflags & TCP_INV_FLAGS, no_match);
	/* xt_tcp tests the option only when one is set (never 0 here). */
	if (m->option)
		emit_tcp_option(cg, rule, m->option, m->invflags & TCP_INV_OPTION, no_match);
	return 0;
}

/* The ports, then the flags (in the meta word); options are not in the
 * classifier's key. */
static int tcp_classify(const struct bf_rule *rule, const void *data,
			struct bf_class_conds *conds)
{
	const struct match_tcp *m = data;
	int err;

	if (m->option || (m->invflags & (TCP_INV_FLAGS | TCP_INV_OPTION)))
		return -EOPNOTSUPP;
	err = bf_port_pair_classify(conds, &m->ports, rule->ip.family == BF_FAMILY_IPV4);
	if (err || !m->flg_mask)
		return err;
	if (m->flg_cmp & ~m->flg_mask) {
		bf_class_none(conds); /* (flags & mask) == cmp never holds */
		return 0;
	}
	return bf_class_and(conds, BF_CF_META, 0, (uint32_t)m->flg_cmp << BF_META_TCPFLAGS_SHIFT,
			    (uint32_t)m->flg_mask << BF_META_TCPFLAGS_SHIFT);
}

const struct bf_match_ops bf_match_tcp = {
	.name = "tcp",
	.families = BF_BOTH_FAMILIES,
	.proto = IPPROTO_TCP,
	.size = sizeof(struct match_tcp),
	.options = tcp_options,
	.init = tcp_init,
	.parse = tcp_parse,
	.print = tcp_print,
	.save = tcp_save,
	.emit = tcp_emit,
	.classify = tcp_classify,
};
