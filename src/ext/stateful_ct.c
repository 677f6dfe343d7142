/* Printing the conntrack match's data, for -m conntrack and -m state
 * (libxt_conntrack's conntrack_dump and friends). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/ct.h"
#include "cgen/insn.h"

#include "ext/ext.h"
#include "ext/stateful_ct.h"

void bf_ct_dump_states(struct bf_strbuf *out, uint16_t mask)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} order[] = {
		{BF_CT_ST_INVALID, "INVALID"}, {BF_CT_ST_NEW, "NEW"},
		{BF_CT_ST_RELATED, "RELATED"}, {BF_CT_ST_ESTABLISHED, "ESTABLISHED"},
		{BF_CT_ST_UNTRACKED, "UNTRACKED"}, {BF_CT_ST_SNAT, "SNAT"},
		{BF_CT_ST_DNAT, "DNAT"},
	};
	const char *sep = " ";

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (mask & order[i].bit) {
			bf_strbuf_printf(out, "%s%s", sep, order[i].name);
			sep = ",";
		}
	}
}

static void dump_statuses(struct bf_strbuf *out, uint16_t mask)
{
	static const char *const names[] = {"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"};
	const char *sep = " ";

	for (int i = 0; i < 4; i++) {
		if (mask & (1u << i)) {
			bf_strbuf_printf(out, "%s%s", sep, names[i]);
			sep = ",";
		}
	}
	if (!mask)
		bf_strbuf_printf(out, "%sNONE", sep);
}

/* In bpfilter's state text (lossless) an IPv4 "/32" is written out: it
 * sets only the first word of the mask, where no mask sets all four. */
static void dump_addr(struct bf_strbuf *out, const union bf_sf_addr *addr,
		      const union bf_sf_addr *mask, int family, bool numeric, bool lossless)
{
	char a[BF_SF_ADDRSTRLEN], m[BF_SF_ADDRSTRLEN];
	static const union bf_sf_addr zero;
	size_t len = family == BF_FAMILY_IPV6 ? 16 : 4;

	/* "anywhere" is an address of zero, whatever the mask. */
	if (!numeric && !memcmp(addr, &zero, len)) {
		bf_strbuf_puts(out, " anywhere");
		return;
	}
	bf_sf_mask_numeric(family, mask, m);
	if (lossless && !m[0] && !bf_sf_mask_unset(mask))
		snprintf(m, sizeof(m), "/%d", bf_sf_mask_cidr(family, mask));
	bf_strbuf_printf(out, " %s%s", numeric ? bf_sf_addr_numeric(family, addr, a)
					       : bf_sf_addr_anyname(family, addr, a), m);
}

/* A range ending at 0 prints as its start alone, which reads back as a
 * one-port range: state text keeps it whole. */
static void dump_ports(struct bf_strbuf *out, const char *prefix, const char *opt,
		       uint16_t lo, uint16_t hi, bool lossless)
{
	if ((!hi && !(lossless && lo)) || lo == hi)
		bf_strbuf_printf(out, " %s%s %u", prefix, opt, lo);
	else
		bf_strbuf_printf(out, " %s%s %u:%u", prefix, opt, lo, hi);
}

void bf_ct_dump(struct bf_strbuf *out, const struct bf_ct_info *info, const char *prefix,
		int family, bool numeric)
{
	const struct {
		uint16_t bit;
		const char *name;
		const union bf_sf_addr *addr, *mask;
	} addrs[] = {
		{BF_CT_ORIGSRC, "ctorigsrc", &info->origsrc_addr, &info->origsrc_mask},
		{BF_CT_ORIGDST, "ctorigdst", &info->origdst_addr, &info->origdst_mask},
		{BF_CT_REPLSRC, "ctreplsrc", &info->replsrc_addr, &info->replsrc_mask},
		{BF_CT_REPLDST, "ctrepldst", &info->repldst_addr, &info->repldst_mask},
	};
	const struct {
		uint16_t bit;
		const char *name;
		uint16_t lo, hi;
	} ports[] = {
		{BF_CT_ORIGSRC_PORT, "ctorigsrcport", info->origsrc_port, info->origsrc_port_high},
		{BF_CT_ORIGDST_PORT, "ctorigdstport", info->origdst_port, info->origdst_port_high},
		{BF_CT_REPLSRC_PORT, "ctreplsrcport", info->replsrc_port, info->replsrc_port_high},
		{BF_CT_REPLDST_PORT, "ctrepldstport", info->repldst_port, info->repldst_port_high},
	};
	uint16_t mf = info->match_flags, inv = info->invert_flags;
	bool lossless = prefix[0] && bf_sf_lossless();

	if (mf & BF_CT_STATE) {
		bf_strbuf_printf(out, "%s %s%s", inv & BF_CT_STATE ? " !" : "", prefix,
				 mf & BF_CT_STATE_ALIAS ? "state" : "ctstate");
		bf_ct_dump_states(out, info->state_mask);
	}
	if (mf & BF_CT_PROTO)
		bf_strbuf_printf(out, "%s %sctproto %u", inv & BF_CT_PROTO ? " !" : "", prefix,
				 info->l4proto);
	for (size_t i = 0; i < 4; i++) {
		if (!(mf & addrs[i].bit))
			continue;
		bf_strbuf_printf(out, "%s %s%s", inv & addrs[i].bit ? " !" : "", prefix,
				 addrs[i].name);
		dump_addr(out, addrs[i].addr, addrs[i].mask, family, numeric, lossless);
	}
	for (size_t i = 0; i < 4; i++) {
		if (!(mf & ports[i].bit))
			continue;
		if (inv & ports[i].bit)
			bf_strbuf_puts(out, " !");
		dump_ports(out, prefix, ports[i].name, ports[i].lo, ports[i].hi, lossless);
	}
	if (mf & BF_CT_STATUS) {
		bf_strbuf_printf(out, "%s %sctstatus", inv & BF_CT_STATUS ? " !" : "", prefix);
		dump_statuses(out, info->status_mask);
	}
	if (mf & BF_CT_EXPIRES) {
		bf_strbuf_printf(out, "%s %sctexpire ", inv & BF_CT_EXPIRES ? " !" : "", prefix);
		if (info->expires_max == info->expires_min)
			bf_strbuf_printf(out, "%u", info->expires_min);
		else
			bf_strbuf_printf(out, "%u:%u", info->expires_min, info->expires_max);
	}
	if (mf & BF_CT_DIRECTION)
		bf_strbuf_printf(out, " %sctdir %s", prefix,
				 inv & BF_CT_DIRECTION ? "REPLY" : "ORIGINAL");
}

/* Address test: (field ^ addr) & mask == 0 over the family's words,
 * "^ !inverted: no match". */
static void emit_addr(struct bf_cgen *cg, const struct bf_ct_info *info, uint16_t flag, int off,
		      const union bf_sf_addr *addr, const union bf_sf_addr *mask, int words,
		      int no_match)
{
	if (!(info->match_flags & flag))
		return;
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, 0));
	for (int w = 0; w < words; w++) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, off + 4 * w));
		bf_emit(cg, BPF_ALU32_IMM(BPF_XOR, BPF_REG_2, (int32_t)addr->all[w]));
		bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_2, (int32_t)mask->all[w]));
		bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_3, BPF_REG_2));
	}
	bf_emit_jump(cg, BPF_JMP_IMM((info->invert_flags & flag) ? BPF_JEQ : BPF_JNE, BPF_REG_3, 0,
				     0), no_match);
}

/* A u16 or u32 field at off within [lo, hi], or outside when inverted
 * (port_match, and the expiry test: the same once its "^ !" is undone). */
static void emit_range(struct bf_cgen *cg, const struct bf_ct_info *info, uint16_t flag, int off,
		       int size, uint32_t lo, uint32_t hi, int no_match)
{
	int in = bf_label_new(cg), out = bf_label_new(cg);
	bool inv = info->invert_flags & flag;

	if (!(info->match_flags & flag))
		return;
	bf_emit(cg, BPF_LDX_MEM(size, BPF_REG_2, BPF_REG_10, off));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_2, (int32_t)lo, 0), inv ? out : no_match);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_2, (int32_t)hi, 0), inv ? out : no_match);
	bf_emit_jump(cg, BPF_JMP_A(0), inv ? no_match : in);
	bf_label_bind(cg, out);
	bf_label_bind(cg, in);
}

/* conntrack_mt, on what the hook put in the context (cgen/ct.h): the
 * state test (SNAT/DNAT included); without a conntrack the rule then
 * matches only through a state test; else direction, addresses,
 * protocol and ports (revision 3), status and expiry. */
int bf_ct_emit(struct bf_cgen *cg, const struct bf_rule *rule, const struct bf_ct_info *info,
	       int no_match)
{
	uint16_t f = info->match_flags, inv = info->invert_flags;
	int present = bf_label_new(cg), matched = bf_label_new(cg);

	const int words = rule->ip.family == BF_FAMILY_IPV6 ? 4 : 1;
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_CTINFO));
	if (f & BF_CT_STATE) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, info->state_mask));
		bf_emit_jump(cg, BPF_JMP_IMM((inv & BF_CT_STATE) ? BPF_JNE : BPF_JEQ, BPF_REG_2, 0, 0),
			     no_match);
	}
	if (!(f & ~(BF_CT_STATE | BF_CT_STATE_ALIAS)))
		return 0;
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_1, BF_CTI_PRESENT, 0), present);
	bf_emit_jump(cg, BPF_JMP_A(0), (f & BF_CT_STATE) ? matched : no_match);
	bf_label_bind(cg, present);
	/* Each test as the kernel's "(x == y) ^ !inverted: no match". */
	if ((f & BF_CT_DIRECTION) && (inv & BF_CT_DIRECTION)) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, BF_CTI_REPLY));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), no_match);
	} else if (f & BF_CT_DIRECTION) {
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_1, BF_CTI_REPLY, 0), no_match);
	}
	emit_addr(cg, info, BF_CT_ORIGSRC, BF_PKT_CT_ORIG_SRC, &info->origsrc_addr,
		  &info->origsrc_mask, words, no_match);
	emit_addr(cg, info, BF_CT_ORIGDST, BF_PKT_CT_ORIG_DST, &info->origdst_addr,
		  &info->origdst_mask, words, no_match);
	emit_addr(cg, info, BF_CT_REPLSRC, BF_PKT_CT_REPL_SRC, &info->replsrc_addr,
		  &info->replsrc_mask, words, no_match);
	emit_addr(cg, info, BF_CT_REPLDST, BF_PKT_CT_REPL_DST, &info->repldst_addr,
		  &info->repldst_mask, words, no_match);
	if (f & BF_CT_PROTO) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_CTPROTO));
		bf_emit_jump(cg, BPF_JMP_IMM((inv & BF_CT_PROTO) ? BPF_JEQ : BPF_JNE, BPF_REG_2,
					     info->l4proto, 0), no_match);
	}
	emit_range(cg, info, BF_CT_ORIGSRC_PORT, BF_PKT_CT_ORIG_SPORT, BPF_H, info->origsrc_port,
		   info->origsrc_port_high, no_match);
	emit_range(cg, info, BF_CT_ORIGDST_PORT, BF_PKT_CT_ORIG_DPORT, BPF_H, info->origdst_port,
		   info->origdst_port_high, no_match);
	emit_range(cg, info, BF_CT_REPLSRC_PORT, BF_PKT_CT_REPL_SPORT, BPF_H, info->replsrc_port,
		   info->replsrc_port_high, no_match);
	emit_range(cg, info, BF_CT_REPLDST_PORT, BF_PKT_CT_REPL_DPORT, BPF_H, info->repldst_port,
		   info->repldst_port_high, no_match);
	if (f & BF_CT_STATUS) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_CTINFO));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, BF_CTI_STATUS_SHIFT));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, info->status_mask));
		bf_emit_jump(cg, BPF_JMP_IMM((inv & BF_CT_STATUS) ? BPF_JNE : BPF_JEQ, BPF_REG_2, 0,
					     0), no_match);
	}
	emit_range(cg, info, BF_CT_EXPIRES, BF_PKT_CT_EXPIRES, BPF_W, info->expires_min,
		   info->expires_max, no_match);
	bf_label_bind(cg, matched);
	return 0;
}
