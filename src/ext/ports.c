#include "ports.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "front/ext_services.h"
#include "plan/classify.h"

/* xtables_parse_port: a number as xtables_strtoui reads it (base 0, so
 * "0x10" is 16; leading blanks; no sign), else a service of `proto`. */
static int parse_port(const char *s, const char *proto, uint16_t *port)
{
	const struct servent *se;
	const char *p = s;
	uintmax_t v;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '-') {
		errno = 0;
		v = strtoumax(s, &end, 0);
		if (end != s && !*end && errno != ERANGE && v <= 65535) {
			*port = (uint16_t)v;
			return 0;
		}
	}
	se = getservbyname(s, proto);
	if (!se)
		return -EINVAL;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* As libxt_tcp's parse_tcp_ports: split at the first colon only, so
 * "1:2:3" is port "2:3", which is invalid. */
int bf_ports_parse(const char *arg, const char *proto, const char *ext,
		   const char *optname, uint16_t range[2])
{
	const char *colon = strchr(arg, ':');
	char lo[256];

	if (!colon) {
		if (parse_port(arg, proto, &range[0]))
			return bf_err(-EINVAL, "invalid port/service `%s' specified", arg);
		range[1] = range[0];
		return 0;
	}
	snprintf(lo, sizeof(lo), "%.*s", (int)(colon - arg), arg);
	range[0] = 0;
	range[1] = 65535;
	if (*lo && parse_port(lo, proto, &range[0]))
		return bf_err(-EINVAL, "invalid port/service `%s' specified", lo);
	if (colon[1] && parse_port(colon + 1, proto, &range[1]))
		return bf_err(-EINVAL, "invalid port/service `%s' specified", colon + 1);
	if (range[0] > range[1])
		return bf_err(-EINVAL, "invalid portrange (min > max)");
	return 0;
}

static void print_port(struct bf_strbuf *out, uint16_t port, bool numeric, const char *proto)
{
	const struct servent *se = numeric ? NULL : getservbyport(htons(port), proto);

	if (se)
		bf_strbuf_puts(out, se->s_name);
	else
		bf_strbuf_printf(out, "%u", port);
}

void bf_ports_print(struct bf_strbuf *out, const char *name, const uint16_t range[2],
		    bool invert, bool numeric, const char *proto)
{
	const char *inv = invert ? "!" : "";

	if (range[0] == 0 && range[1] == 0xFFFF && !invert)
		return;
	bf_strbuf_printf(out, " %s", name);
	if (range[0] == range[1]) {
		bf_strbuf_printf(out, ":%s", inv);
		print_port(out, range[0], numeric, proto);
	} else {
		bf_strbuf_printf(out, "s:%s", inv);
		print_port(out, range[0], numeric, proto);
		bf_strbuf_puts(out, ":");
		print_port(out, range[1], numeric, proto);
	}
}

/* iptables-save 1.8.9 leaves out every full range, even an inverted one
 * (which never matches, while the saved rule then matches everything):
 * only bpfilter's state text keeps it. */
void bf_ports_save(struct bf_strbuf *out, const char *opt, const uint16_t range[2],
		   bool invert)
{
	if (range[0] == 0 && range[1] == 0xFFFF && (!invert || !bf_ext_save_lossless()))
		return;
	if (invert)
		bf_strbuf_puts(out, " !");
	bf_strbuf_puts(out, " --");
	bf_strbuf_puts(out, opt);
	bf_strbuf_puts(out, " ");
	bf_strbuf_putu(out, range[0]);
	if (range[0] != range[1]) {
		bf_strbuf_puts(out, ":");
		bf_strbuf_putu(out, range[1]);
	}
}

void bf_emit_l4_guard(struct bf_cgen *cg, bool hotdrop_frag1, int no_match)
{
	int first = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), first);
	if (hotdrop_frag1)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 1, 0), cg->lbl_hotdrop);
	bf_emit_jump(cg, BPF_JMP_A(0), no_match);
	bf_label_bind(cg, first);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_L4_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), cg->lbl_hotdrop);
}

/* For IPv4 it is IHL * 4, read again from the header rather than from
 * the context: the IPv4 prologue reaches the rules on one path per IHL,
 * each with L4OFF a constant the verifier knows, and a pointer made from
 * it would keep those paths apart (a walk of TCP options verified 11
 * times over); the header's byte is the same unknown on every path. */
void bf_emit_l4off(struct bf_cgen *cg, const struct bf_rule *rule, int reg)
{
	if (rule->ip.family != BF_FAMILY_IPV4) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, reg, BPF_REG_10, BF_PKT_L4OFF));
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_B, reg, BF_REG_L3, 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, reg, 0x0f));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, reg, 2));
}

void bf_emit_l4_need(struct bf_cgen *cg, const struct bf_rule *rule, int need, int no_match)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	bf_emit_l4off(cg, rule, BPF_REG_1);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, need));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_2, BPF_REG_0, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	/* Within the datagram is within the frame: for the verifier. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, need));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_2, BF_REG_END, 0), cg->lbl_hotdrop);
}

void bf_emit_port_range(struct bf_cgen *cg, int off, const uint16_t range[2],
			bool invert, int no_match)
{
	int outside = invert ? bf_label_new(cg) : no_match;

	if (range[0] == 0 && range[1] == 0xFFFF) {
		/* Every port: never matches when inverted. */
		if (invert)
			bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, off));
	if (range[0] > 0)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, range[0], 0), outside);
	if (range[1] < 0xFFFF)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_1, range[1], 0), outside);
	if (invert) {
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		bf_label_bind(cg, outside);
	}
}

void bf_port_pair_init(struct bf_port_pair *p)
{
	p->spts[1] = p->dpts[1] = 0xFFFF;
}

void bf_port_pair_print(struct bf_strbuf *out, const struct bf_port_pair *p,
			bool numeric, const char *proto)
{
	bf_strbuf_printf(out, " %s", proto);
	bf_ports_print(out, "spt", p->spts, p->invflags & BF_PORTS_INV_SRC, numeric, proto);
	bf_ports_print(out, "dpt", p->dpts, p->invflags & BF_PORTS_INV_DST, numeric, proto);
}

void bf_port_pair_save(struct bf_strbuf *out, const struct bf_port_pair *p)
{
	bf_ports_save(out, "sport", p->spts, p->invflags & BF_PORTS_INV_SRC);
	bf_ports_save(out, "dport", p->dpts, p->invflags & BF_PORTS_INV_DST);
}

void bf_emit_port_pair(struct bf_cgen *cg, const struct bf_port_pair *p,
		       bool hotdrop_frag1, int no_match)
{
	bf_emit_l4_guard(cg, hotdrop_frag1, no_match);
	bf_emit_port_range(cg, BF_PKT_SPORT, p->spts, p->invflags & BF_PORTS_INV_SRC, no_match);
	bf_emit_port_range(cg, BF_PKT_DPORT, p->dpts, p->invflags & BF_PORTS_INV_DST, no_match);
}

/* The minimal cover of [lo, hi] by aligned power-of-two blocks, as
 * (value, mask) pairs on a 16-bit port shifted left by `shift`; none for
 * an empty range (lo > hi, which never matches). */
static size_t port_blocks(uint16_t lo16, uint16_t hi16, unsigned int shift, uint32_t *vals,
			  uint32_t *masks)
{
	uint32_t lo = lo16, hi = hi16;
	size_t n = 0;

	while (lo <= hi) {
		uint32_t size = 1;

		/* The largest block aligned at lo that ends by hi. */
		while (size < 0x10000 && !(lo & size) && lo + 2 * size - 1 <= hi)
			size *= 2;
		vals[n] = lo << shift;
		masks[n] = ((0x10000 - size) & 0xffff) << shift;
		n++;
		lo += size;
	}
	return n;
}

int bf_class_port_range(struct bf_class_conds *c, const uint16_t range[2], bool invert,
			unsigned int shift)
{
	uint32_t vals[64], masks[64];
	size_t n = 0;

	if (range[0] == 0 && range[1] == 0xFFFF && !invert)
		return 0;
	if (!invert) {
		n = port_blocks(range[0], range[1], shift, vals, masks);
	} else if (range[0] <= range[1]) {
		/* Outside the range: the blocks below it and above it. */
		if (range[0] > 0)
			n = port_blocks(0, (uint16_t)(range[0] - 1), shift, vals, masks);
		if (range[1] < 0xFFFF)
			n += port_blocks((uint16_t)(range[1] + 1), 0xFFFF, shift, vals + n,
					 masks + n);
	} else {
		return 0; /* an empty range inverted: every port */
	}
	if (!n) {
		bf_class_none(c);
		return 0;
	}
	if (n == 1)
		return bf_class_and(c, BF_CF_PORTS, 0, vals[0], masks[0]);
	return bf_class_any_of(c, BF_CF_PORTS, 0, vals, masks, n);
}

int bf_port_pair_classify(struct bf_class_conds *c, const struct bf_port_pair *p,
			  bool hotdrop_frag1)
{
	/* bf_emit_l4_guard: offset 0 with the header cut short hotdrops
	 * (BAD), and offset 1 too with hotdrop_frag1 (FRAG1 = 3: the pattern
	 * 1x covers both); later fragments do not match; then L4 OK. */
	uint32_t hd_mask = hotdrop_frag1 ? 2u << BF_META_L4_SHIFT : BF_META_L4;
	int err;

	err = bf_class_hotdrop(c, BF_CF_META, 0, (uint32_t)BF_L4_BAD << BF_META_L4_SHIFT, hd_mask);
	if (!err)
		err = bf_class_and(c, BF_CF_META, 0, (uint32_t)BF_L4_OK << BF_META_L4_SHIFT,
				   BF_META_L4);
	if (!err)
		err = bf_class_port_range(c, p->spts, p->invflags & BF_PORTS_INV_SRC, 16);
	if (!err)
		err = bf_class_port_range(c, p->dpts, p->invflags & BF_PORTS_INV_DST, 0);
	return err;
}
