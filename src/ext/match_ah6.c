/* -m ah for ip6tables: SPI, header length and reserved field of an IPsec
 * AH header, as libip6t_ah and ip6t_ah. Unlike IPv4's, it finds the
 * header among the extension headers, so it needs no -p. */
#include <errno.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/headers_targets_opt.h"
#include "ext/xtopt.h"
#include "front/ext_services.h"

struct match_ah6 {
	uint32_t spis[2];
	uint32_t hdrlen;
	uint8_t hdrres;
	uint8_t invflags; /* BF_AH6_INV_* */
};
#define BF_AH6_INV_SPI 0x01
#define BF_AH6_INV_LEN 0x02

enum { O_AHSPI = 1, O_AHLEN, O_AHRES };

static const struct option ah6_options[] = {
	{.name = "ahspi", .has_arg = 1, .val = O_AHSPI},
	{.name = "ahlen", .has_arg = 1, .val = O_AHLEN},
	{.name = "ahres", .has_arg = 0, .val = O_AHRES},
	{0},
};

static void ah6_init(void *data)
{
	struct match_ah6 *m = data;

	m->spis[1] = UINT32_MAX;
}

static int ah6_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	static const char *const names[] = {
		[O_AHSPI] = "ahspi", [O_AHLEN] = "ahlen", [O_AHRES] = "ahres",
	};
	struct match_ah6 *m = data;
	int err = bf_xt_opt_begin("ah", names[opt], opt, invert, opt != O_AHRES, true, flags);

	if (err)
		return err;
	switch (opt) {
	case O_AHSPI:
		err = bf_ht_parse_uint_range("ah", "ahspi", arg, UINT32_MAX, m->spis);
		if (!err && invert)
			m->invflags |= BF_AH6_INV_SPI;
		return err;
	case O_AHLEN:
		err = bf_xt_parse_u32("ah", "ahlen", arg, 0, UINT32_MAX, &m->hdrlen);
		if (!err && invert)
			m->invflags |= BF_AH6_INV_LEN;
		return err;
	default:
		m->hdrres = 1;
		return 0;
	}
}

/* libip6t_ah's -L text: " ah " then the SPI and the length with no blank
 * between them (" ah spis:1:2length:!0 reserved"). */
static void ah6_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_ah6 *m = data;
	const char *inv = m->invflags & BF_AH6_INV_SPI ? "!" : "";

	bf_strbuf_puts(out, " ah ");
	if (m->spis[0] != 0 || m->spis[1] != UINT32_MAX || *inv) {
		if (m->spis[0] == m->spis[1])
			bf_strbuf_printf(out, "spi:%s%u", inv, m->spis[0]);
		else
			bf_strbuf_printf(out, "spis:%s%u:%u", inv, m->spis[0], m->spis[1]);
	}
	if (m->hdrlen || (m->invflags & BF_AH6_INV_LEN))
		bf_strbuf_printf(out, "length:%s%u",
				 m->invflags & BF_AH6_INV_LEN ? "!" : "", m->hdrlen);
	if (m->hdrres)
		bf_strbuf_puts(out, " reserved");
}

/* As 1.8.9: the full SPI range is not saved, even inverted (but it is in
 * bpfilter's own state, which must read back the same). */
static void ah6_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_ah6 *m = data;

	if (m->spis[0] != 0 || m->spis[1] != UINT32_MAX ||
	    (bf_ext_save_lossless() && (m->invflags & BF_AH6_INV_SPI))) {
		bf_strbuf_printf(out, "%s --ahspi ", m->invflags & BF_AH6_INV_SPI ? " !" : "");
		if (m->spis[0] != m->spis[1])
			bf_strbuf_printf(out, "%u:%u", m->spis[0], m->spis[1]);
		else
			bf_strbuf_printf(out, "%u", m->spis[0]);
	}
	if (m->hdrlen || (m->invflags & BF_AH6_INV_LEN))
		bf_strbuf_printf(out, "%s --ahlen %u",
				 m->invflags & BF_AH6_INV_LEN ? " !" : "", m->hdrlen);
	if (m->hdrres)
		bf_strbuf_puts(out, " --ahres");
}

/* ip6t_ah: the first AH header ipv6_find_hdr finds, whole (struct
 * ip_auth_hdr, 12 bytes) or hotdrop; its stated length ((hdrlen + 2) * 4)
 * past the datagram hotdrops too (kernel 6.18.44 on); then the SPI in
 * range (always tested), the length when given, the reserved field with
 * --ahres. */
static int ah6_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		    int no_match)
{
	const struct match_ah6 *m = data;

	bf_emit_exthdr(cg, BF_PKT_HDR_AH, 12, no_match);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_2, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_4, 2));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_3));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_0, BPF_REG_4, 0), cg->lbl_hotdrop);
	bf_emit_load_pkt(cg, BPF_REG_1, BPF_REG_2, 4, BPF_W);
	bf_emit_reg_range(cg, BPF_REG_1, BPF_W, m->spis[0], m->spis[1],
			  m->invflags & BF_AH6_INV_SPI, no_match);
	if (m->hdrlen)
		bf_emit_reg_range(cg, BPF_REG_4, BPF_W, m->hdrlen, m->hdrlen,
				  m->invflags & BF_AH6_INV_LEN, no_match);
	if (m->hdrres) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 2));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	}
	return 0;
}

const struct bf_match_ops bf_match_ah6 = {
	.name = "ah",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct match_ah6),
	.options = ah6_options,
	.init = ah6_init,
	.parse = ah6_parse,
	.print = ah6_print,
	.save = ah6_save,
	.emit = ah6_emit,
};
