/* -m mh (ip6tables, implicit with -p mh): the mobility header type, as
 * libip6t_mh 1.8.9 and ip6t_mh. The kernel takes it only with -p
 * mobility-header (135). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/emit_field.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/xtopt.h"
#include "front/ext_services.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

/* As struct ip6t_mh. */
struct match_mh {
	uint8_t types[2];
	uint8_t invflags; /* MH_INV_TYPE */
};
#define MH_INV_TYPE 0x01

/* libip6t_mh's names in its order: a prefix picks the first name it
 * starts, an exact name wins; a type prints as its first name. */
static const struct {
	const char *name;
	uint8_t type;
} mh_names[] = {
	{"binding-refresh-request", 0}, {"brr", 0},
	{"home-test-init", 1}, {"hoti", 1},
	{"careof-test-init", 2}, {"coti", 2},
	{"home-test", 3}, {"hot", 3},
	{"careof-test", 4}, {"cot", 4},
	{"binding-update", 5}, {"bu", 5},
	{"binding-acknowledgement", 6}, {"ba", 6},
	{"binding-error", 7}, {"be", 7},
};
#define N_MH_NAMES (sizeof(mh_names) / sizeof(mh_names[0]))

enum { O_MH_TYPE = 1 };

static const struct option mh_options[] = {
	{.name = "mh-type", .has_arg = 1, .val = O_MH_TYPE},
	{0},
};

static void mh_init(void *data)
{
	struct match_mh *m = data;

	m->types[1] = 0xFF;
}

static int name_to_type(const char *name, uint8_t *type)
{
	size_t len = strlen(name);
	unsigned int match = N_MH_NAMES;
	uint32_t num;

	for (unsigned int i = 0; i < N_MH_NAMES; i++)
		if (!strncasecmp(mh_names[i].name, name, len) &&
		    (match == N_MH_NAMES || strlen(mh_names[i].name) == len))
			match = i;
	if (match != N_MH_NAMES) {
		*type = mh_names[match].type;
		return 0;
	}
	if (!bf_xt_strtoui(name, NULL, &num, 0, UINT8_MAX))
		return bf_err(-EINVAL, "Invalid MH type `%s'", name);
	*type = (uint8_t)num;
	return 0;
}

/* Split at the first colon only, so "1:2:3" is type "2:3". */
static int parse_types(const char *arg, uint8_t types[2])
{
	const char *colon = strchr(arg, ':');
	char lo[256];
	int err;

	if (!colon) {
		err = name_to_type(arg, &types[0]);
		types[1] = types[0];
		return err;
	}
	snprintf(lo, sizeof(lo), "%.*s", (int)(colon - arg), arg);
	types[0] = 0;
	types[1] = 0xFF;
	if (*lo && (err = name_to_type(lo, &types[0])))
		return err;
	if (colon[1] && (err = name_to_type(colon + 1, &types[1])))
		return err;
	if (types[0] > types[1])
		return bf_err(-EINVAL, "Invalid MH type range (min > max)");
	return 0;
}

static int mh_parse(int opt, const char *arg, bool invert, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	struct match_mh *m = data;
	int err = bf_xt_opt_begin("mh", "mh-type", opt, invert, true, true, flags);

	if (!err)
		err = parse_types(arg, m->types);
	if (!err && invert)
		m->invflags |= MH_INV_TYPE;
	return err;
}

static void print_type(struct bf_strbuf *out, uint8_t type, bool numeric)
{
	for (unsigned int i = 0; !numeric && i < N_MH_NAMES; i++) {
		if (mh_names[i].type == type) {
			bf_strbuf_puts(out, mh_names[i].name);
			return;
		}
	}
	bf_strbuf_printf(out, "%u", type);
}

static void mh_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		     bool numeric)
{
	const struct match_mh *m = data;
	bool inv = m->invflags & MH_INV_TYPE;

	bf_strbuf_puts(out, " mh");
	if (m->types[0] == 0 && m->types[1] == 0xFF && !inv)
		return;
	bf_strbuf_printf(out, " %s", inv ? "!" : "");
	print_type(out, m->types[0], numeric);
	if (m->types[0] != m->types[1]) {
		bf_strbuf_puts(out, ":");
		print_type(out, m->types[1], numeric);
	}
}

/* As 1.8.9: the full range is not saved, even inverted (but it is in
 * bpfilter's own state, which must read back the same). */
static void mh_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_mh *m = data;

	if (m->types[0] == 0 && m->types[1] == 0xFF &&
	    !(bf_ext_save_lossless() && (m->invflags & MH_INV_TYPE)))
		return;
	if (m->invflags & MH_INV_TYPE)
		bf_strbuf_puts(out, " !");
	if (m->types[0] != m->types[1])
		bf_strbuf_printf(out, " --mh-type %u:%u", m->types[0], m->types[1]);
	else
		bf_strbuf_printf(out, " --mh-type %u", m->types[0]);
}

/* ip6t_mh: at thoff (the rule has -p mh): a fragment never matches,
 * struct ip6_mh (6 bytes) or hotdrop, a payload protocol other than
 * NONE hotdrops, then the type in range. */
static int mh_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	const struct match_mh *m = data;

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit_pkt_bytes(cg, BPF_REG_3, 6, BPF_REG_2, cg->lbl_hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, IPPROTO_NONE, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 2));
	bf_emit_reg_range(cg, BPF_REG_1, BPF_B, m->types[0], m->types[1],
			  m->invflags & MH_INV_TYPE, no_match);
	return 0;
}

const struct bf_match_ops bf_match_mh = {
	.name = "mh",
	.families = BF_IPV6_ONLY,
	.proto = IPPROTO_MH,
	.size = sizeof(struct match_mh),
	.options = mh_options,
	.init = mh_init,
	.parse = mh_parse,
	.print = mh_print,
	.save = mh_save,
	.emit = mh_emit,
};
