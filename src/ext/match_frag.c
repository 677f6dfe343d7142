/* -m frag (ip6tables): the IPv6 fragment header, as libip6t_frag 1.8.9
 * and ip6t_frag. */
#include <errno.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/emit_field.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/headers_targets_opt.h"
#include "ext/xtopt.h"
#include "front/ext_services.h"

/* As struct ip6t_frag. */
struct match_frag {
	uint32_t ids[2];
	uint32_t hdrlen;
	uint8_t flags;    /* FRAG_F_* */
	uint8_t invflags; /* FRAG_INV_* */
};

#define FRAG_F_IDS 0x01
#define FRAG_F_LEN 0x02
#define FRAG_F_RES 0x04
#define FRAG_F_FIRST 0x08
#define FRAG_F_MORE 0x10
#define FRAG_F_LAST 0x20
#define FRAG_INV_IDS 0x01
#define FRAG_INV_LEN 0x02

enum { O_FRAGID = 1, O_FRAGLEN, O_FRAGRES, O_FRAGFIRST, O_FRAGMORE, O_FRAGLAST };

static const struct option frag_options[] = {
	{.name = "fragid", .has_arg = 1, .val = O_FRAGID},
	{.name = "fraglen", .has_arg = 1, .val = O_FRAGLEN},
	{.name = "fragres", .has_arg = 0, .val = O_FRAGRES},
	{.name = "fragfirst", .has_arg = 0, .val = O_FRAGFIRST},
	{.name = "fragmore", .has_arg = 0, .val = O_FRAGMORE},
	{.name = "fraglast", .has_arg = 0, .val = O_FRAGLAST},
	{0},
};

static void frag_init(void *data)
{
	struct match_frag *m = data;

	m->ids[1] = UINT32_MAX;
}

static int frag_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	static const uint8_t bits[] = {
		[O_FRAGRES] = FRAG_F_RES, [O_FRAGFIRST] = FRAG_F_FIRST,
		[O_FRAGMORE] = FRAG_F_MORE, [O_FRAGLAST] = FRAG_F_LAST,
	};
	struct match_frag *m = data;
	int err = bf_xt_opt_begin("frag", frag_options[opt - 1].name, opt, invert,
				  opt <= O_FRAGLEN, true, flags);

	if (err)
		return err;
	switch (opt) {
	case O_FRAGID:
		err = bf_ht_parse_uint_range("frag", "fragid", arg, UINT32_MAX, m->ids);
		m->flags |= FRAG_F_IDS;
		if (invert)
			m->invflags |= FRAG_INV_IDS;
		return err;
	case O_FRAGLEN:
		err = bf_xt_parse_u32("frag", "fraglen", arg, 0, UINT32_MAX, &m->hdrlen);
		m->flags |= FRAG_F_LEN;
		if (invert)
			m->invflags |= FRAG_INV_LEN;
		return err;
	default:
		m->flags |= bits[opt];
		return 0;
	}
}

/* libxtables' exclusion check, in its table order. */
static int frag_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	if ((flags & (1u << O_FRAGMORE)) && (flags & (1u << O_FRAGLAST)))
		return bf_err(-EINVAL, "frag: option \"--fragmore\" cannot be used together "
			      "with \"--fraglast\".\n");
	return 0;
}

/* " frag " then the ids with no blank, then " length:..." (so a lone
 * length shows two blanks, as libip6t_frag). */
static void frag_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		       bool numeric)
{
	const struct match_frag *m = data;
	const char *inv = m->invflags & FRAG_INV_IDS ? "!" : "";

	bf_strbuf_puts(out, " frag ");
	if (m->ids[0] != 0 || m->ids[1] != UINT32_MAX || *inv) {
		if (m->ids[0] == m->ids[1])
			bf_strbuf_printf(out, "id:%s%u", inv, m->ids[0]);
		else
			bf_strbuf_printf(out, "ids:%s%u:%u", inv, m->ids[0], m->ids[1]);
	}
	if (m->flags & FRAG_F_LEN)
		bf_strbuf_printf(out, " length:%s%u", m->invflags & FRAG_INV_LEN ? "!" : "",
				 m->hdrlen);
	if (m->flags & FRAG_F_RES)
		bf_strbuf_puts(out, " reserved");
	if (m->flags & FRAG_F_FIRST)
		bf_strbuf_puts(out, " first");
	if (m->flags & FRAG_F_MORE)
		bf_strbuf_puts(out, " more");
	if (m->flags & FRAG_F_LAST)
		bf_strbuf_puts(out, " last");
}

/* As 1.8.9: the full id range is not saved, even inverted or given (but
 * it is in bpfilter's own state, which must read back the same). */
static void frag_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_frag *m = data;

	if (m->ids[0] != 0 || m->ids[1] != UINT32_MAX ||
	    (bf_ext_save_lossless() && (m->flags & FRAG_F_IDS))) {
		bf_strbuf_printf(out, "%s --fragid ", m->invflags & FRAG_INV_IDS ? " !" : "");
		if (m->ids[0] != m->ids[1])
			bf_strbuf_printf(out, "%u:%u", m->ids[0], m->ids[1]);
		else
			bf_strbuf_printf(out, "%u", m->ids[0]);
	}
	if (m->flags & FRAG_F_LEN)
		bf_strbuf_printf(out, "%s --fraglen %u", m->invflags & FRAG_INV_LEN ? " !" : "",
				 m->hdrlen);
	if (m->flags & FRAG_F_RES)
		bf_strbuf_puts(out, " --fragres");
	if (m->flags & FRAG_F_FIRST)
		bf_strbuf_puts(out, " --fragfirst");
	if (m->flags & FRAG_F_MORE)
		bf_strbuf_puts(out, " --fragmore");
	if (m->flags & FRAG_F_LAST)
		bf_strbuf_puts(out, " --fraglast");
}

/* ip6t_frag: the first fragment header ipv6_find_hdr finds (hotdrop
 * when the chain cannot be read, or its 8 bytes are not there); the id
 * in range (always tested: the range defaults to all), then each flag.
 * --fraglen is stored but the kernel never reads it. */
static int frag_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		     int no_match)
{
	const struct match_frag *m = data;

	bf_emit_exthdr(cg, BF_PKT_HDR_FRAG, 8, no_match);
	bf_emit_load_pkt(cg, BPF_REG_1, BPF_REG_2, 4, BPF_W);
	bf_emit_reg_range(cg, BPF_REG_1, BPF_W, m->ids[0], m->ids[1], m->invflags & FRAG_INV_IDS,
			  no_match);
	bf_emit_load_pkt(cg, BPF_REG_4, BPF_REG_2, 2, BPF_H); /* offset, res, M */
	if (m->flags & FRAG_F_RES) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 1));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_4));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x6));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	}
	if (m->flags & FRAG_F_FIRST) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_4));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, ~0x7));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	}
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_4, 1)); /* IP6_MF */
	if (m->flags & FRAG_F_MORE)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_4, 0, 0), no_match);
	if (m->flags & FRAG_F_LAST)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_4, 0, 0), no_match);
	return 0;
}

const struct bf_match_ops bf_match_frag = {
	.name = "frag",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct match_frag),
	.options = frag_options,
	.init = frag_init,
	.parse = frag_parse,
	.final_check = frag_final_check,
	.print = frag_print,
	.save = frag_save,
	.emit = frag_emit,
};
