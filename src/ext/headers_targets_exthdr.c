#include "headers_targets_exthdr.h"
#include "ext/xtopt.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"

/* libip6t_hbh's parse_opts_num: strtoul base 0, so "-1" wraps. */
static int opts_num(const char *kind, const char *s, const char *what, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (end == s)
		return bf_err(-EINVAL, "%s: no valid digits in %s `%s'", kind, what, s);
	if (*v == ULONG_MAX && errno == ERANGE)
		return bf_err(-EINVAL, "%s `%s' specified too big: would overflow", what, s);
	if (*end)
		return bf_err(-EINVAL, "%s: error parsing %s `%s'", kind, what, s);
	return 0;
}

/* "TYPE[:LEN][,TYPE[:LEN]...]", checked in libip6t_hbh's order. */
static int parse_list(const char *kind, const char *arg, struct bf_ht_opts *m)
{
	char *buf = strdup(arg), *cp, *next;
	unsigned int i;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (cp = buf, i = 0; cp && i < BF_HT_OPTS_MAX && !err; cp = next, i++) {
		char *len = NULL;
		unsigned long v;

		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		len = strchr(cp, ':');
		if (len && i == BF_HT_OPTS_MAX - 1) {
			err = bf_err(-EINVAL, "too many ports specified");
			break;
		}
		if (len)
			*len++ = '\0';
		err = opts_num(kind, cp, "opt", &v);
		if (err)
			break;
		m->opts[i] = (uint16_t)((v & 0xFF) << 8);
		if (!len) {
			m->opts[i] |= 0xFF;
			continue;
		}
		if (!m->opts[i]) {
			/* sic: the two plugins word it differently */
			err = bf_err(-EINVAL, strcmp(kind, "dst") ? "PAD0 has not got length" :
				     "PAD0 hasn't got length");
			break;
		}
		err = opts_num(kind, len, "length", &v);
		m->opts[i] |= (uint16_t)(v & 0xFF);
	}
	if (!err && cp)
		err = bf_err(-EINVAL, "too many addresses specified");
	free(buf);
	m->optsnr = (uint8_t)i;
	return err;
}

int bf_ht_opts_parse(const char *kind, int opt, const char *arg, bool invert,
		     struct bf_ht_opts *m, unsigned int *flags)
{
	char name[16];
	int err;

	snprintf(name, sizeof(name), "%s-%s", kind, opt == BF_HT_OPTS_O_LEN ? "len" : "opts");
	err = bf_xt_opt_begin(kind, name, opt, invert, opt == BF_HT_OPTS_O_LEN, true, flags);
	if (err)
		return err;
	if (opt == BF_HT_OPTS_O_OPTS) {
		err = parse_list(kind, arg, m);
		m->flags |= BF_HT_OPTS_F_OPTS;
		return err;
	}
	err = bf_xt_parse_u32(kind, name, arg, 0, UINT32_MAX, &m->hdrlen);
	if (invert)
		m->invflags |= BF_HT_OPTS_INV_LEN;
	m->flags |= BF_HT_OPTS_F_LEN;
	return err;
}

static void print_list(struct bf_strbuf *out, const struct bf_ht_opts *m)
{
	for (unsigned int i = 0; i < m->optsnr; i++) {
		bf_strbuf_printf(out, "%c%u", i ? ',' : ' ', m->opts[i] >> 8);
		if ((m->opts[i] & 0xFF) != 0xFF)
			bf_strbuf_printf(out, ":%u", m->opts[i] & 0xFF);
	}
}

void bf_ht_opts_print(struct bf_strbuf *out, const char *kind, const struct bf_ht_opts *m)
{
	bf_strbuf_printf(out, " %s", kind);
	if (m->flags & BF_HT_OPTS_F_LEN)
		bf_strbuf_printf(out, " length:%s%u",
				 m->invflags & BF_HT_OPTS_INV_LEN ? "!" : "", m->hdrlen);
	if (m->flags & BF_HT_OPTS_F_OPTS)
		bf_strbuf_puts(out, " opts");
	print_list(out, m);
}

void bf_ht_opts_save(struct bf_strbuf *out, const char *kind, const struct bf_ht_opts *m)
{
	if (m->flags & BF_HT_OPTS_F_LEN)
		bf_strbuf_printf(out, "%s --%s-len %u",
				 m->invflags & BF_HT_OPTS_INV_LEN ? " !" : "", kind, m->hdrlen);
	if (m->flags & BF_HT_OPTS_F_OPTS)
		bf_strbuf_printf(out, " --%s-opts", kind);
	print_list(out, m);
}

/* hbh_mt6: the header's 2 first bytes or hotdrop; a header longer than
 * what is left of the datagram hotdrops too (kernel 6.18.44 on); --KIND-len compares the
 * length in bytes ((hdrlen + 1) * 8). --KIND-opts walks the options in
 * order: each listed type must come next (and its length byte match,
 * unless 0xFF), with room for it before the next one; any shortfall is
 * no match. Registers: r3 offset, r4 bytes left, r5 option length. */
int bf_ht_opts_emit(struct bf_cgen *cg, int slot, const struct bf_ht_opts *m, int no_match)
{
	bf_emit_exthdr(cg, slot, 2, no_match);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_2, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_4, 3));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_3));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_0, BPF_REG_4, 0), cg->lbl_hotdrop);
	if (m->flags & BF_HT_OPTS_F_LEN)
		bf_emit_reg_range(cg, BPF_REG_4, BPF_W, m->hdrlen, m->hdrlen,
				  m->invflags & BF_HT_OPTS_INV_LEN, no_match);
	if (!(m->flags & BF_HT_OPTS_F_OPTS))
		return 0;
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_4, 2));
	for (unsigned int i = 0; i < m->optsnr && i < BF_HT_OPTS_MAX; i++) {
		uint8_t type = (uint8_t)(m->opts[i] >> 8), len = (uint8_t)m->opts[i];

		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_4, 1, 0), no_match);
		bf_emit_pkt_bytes(cg, BPF_REG_3, 1, BPF_REG_2, no_match);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 0));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, type, 0), no_match);
		if (type) {
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_4, 2, 0), no_match);
			bf_emit_pkt_bytes(cg, BPF_REG_3, 2, BPF_REG_2, no_match);
			bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 1));
			if (len != 0xff)
				bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_5, len, 0), no_match);
			bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, 2));
		} else {
			bf_emit(cg, BPF_MOV64_IMM(BPF_REG_5, 1));
		}
		if (i + 1 < m->optsnr)
			bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_4, BPF_REG_5, 0), no_match);
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_5));
		bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_4, BPF_REG_5));
	}
	return 0;
}
