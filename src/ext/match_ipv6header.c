/* -m ipv6header (ip6tables): which extension headers a packet has, as
 * libip6t_ipv6header 1.8.9 and ip6t_ipv6header. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/xtopt.h"

/* As struct ip6t_ipv6header_info. */
struct match_ipv6header {
	uint8_t matchflags;
	uint8_t invflags; /* 0xFF when inverted */
	uint8_t modeflag; /* 0xFF with --soft */
};

/* libip6t_ipv6header's own names, for when protocols(5) has none; the
 * first name of a number is the one printed. */
static const struct {
	const char *name;
	uint8_t num;
} header_names[] = {
	{"hop-by-hop", IPPROTO_HOPOPTS}, {"protocol", IPPROTO_RAW},
	{"hop", IPPROTO_HOPOPTS}, {"dst", IPPROTO_DSTOPTS},
	{"route", IPPROTO_ROUTING}, {"frag", IPPROTO_FRAGMENT},
	{"auth", IPPROTO_AH}, {"esp", IPPROTO_ESP}, {"none", IPPROTO_NONE},
	{"prot", IPPROTO_RAW}, {"0", IPPROTO_HOPOPTS}, {"60", IPPROTO_DSTOPTS},
	{"43", IPPROTO_ROUTING}, {"44", IPPROTO_FRAGMENT}, {"51", IPPROTO_AH},
	{"50", IPPROTO_ESP}, {"59", IPPROTO_NONE}, {"255", IPPROTO_RAW},
};

/* The bit of each header, in the order they print. */
static const struct {
	uint8_t proto;
	uint8_t flag;
} header_flags[] = {
	{IPPROTO_HOPOPTS, 0x80}, {IPPROTO_DSTOPTS, 0x40}, {IPPROTO_ROUTING, 0x20},
	{IPPROTO_FRAGMENT, 0x10}, {IPPROTO_AH, 0x08}, {IPPROTO_ESP, 0x04},
	{IPPROTO_NONE, 0x02}, {IPPROTO_RAW, 0x01},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum { O_HEADER = 1, O_SOFT };

static const struct option ipv6header_options[] = {
	{.name = "header", .has_arg = 1, .val = O_HEADER},
	{.name = "soft", .has_arg = 0, .val = O_SOFT},
	{0},
};

/* protocols(5) first, then the names above. */
static int header_flag(const char *name, uint8_t *flag)
{
	const struct protoent *pent = getprotobyname(name);
	unsigned int proto = 0, i;

	if (pent) {
		proto = (unsigned int)pent->p_proto;
	} else {
		for (i = 0; i < ARRAY_LEN(header_names); i++)
			if (!strcmp(name, header_names[i].name))
				break;
		if (i == ARRAY_LEN(header_names))
			return bf_err(-EINVAL, "unknown header `%s' specified", name);
		proto = header_names[i].num;
	}
	for (i = 0; i < ARRAY_LEN(header_flags); i++) {
		if (header_flags[i].proto == proto) {
			*flag = header_flags[i].flag;
			return 0;
		}
	}
	return bf_err(-EINVAL, "unknown header `%u' specified", proto);
}

static int parse_headers(const char *arg, uint8_t *flags)
{
	char *buf = strdup(arg), *save = NULL;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (char *w = strtok_r(buf, ",", &save); w && !err; w = strtok_r(NULL, ",", &save)) {
		uint8_t f = 0;

		err = header_flag(w, &f);
		*flags |= f;
	}
	free(buf);
	return err;
}

static int ipv6header_parse(int opt, const char *arg, bool invert, void *data,
			    unsigned int *flags, const struct bf_ip *ip)
{
	struct match_ipv6header *m = data;
	int err = bf_xt_opt_begin("ipv6header", ipv6header_options[opt - 1].name, opt,
				  invert, opt == O_HEADER, true, flags);

	if (err)
		return err;
	if (opt == O_SOFT) {
		m->modeflag = 0xFF;
		return 0;
	}
	err = parse_headers(arg, &m->matchflags);
	if (err)
		return err;
	if (!m->matchflags)
		return bf_err(-EINVAL, "ip6t_ipv6header: cannot parse header names");
	if (invert)
		m->invflags = 0xFF;
	return 0;
}

static int ipv6header_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	if (!(flags & (1u << O_HEADER)))
		return bf_err(-EINVAL, "ipv6header: option \"--header\" must be specified\n");
	return 0;
}

/* Names as proto_to_name(): protocols(5) except for 0, then ours. */
static void print_headers(struct bf_strbuf *out, uint8_t flags)
{
	bool first = true;

	for (unsigned int i = 0; i < ARRAY_LEN(header_flags); i++) {
		uint8_t proto = header_flags[i].proto;
		const struct protoent *pent;
		const char *name = NULL;

		if (!(flags & header_flags[i].flag))
			continue;
		pent = proto ? getprotobynumber(proto) : NULL;
		if (pent)
			name = pent->p_name;
		for (unsigned int j = 0; !name && j < ARRAY_LEN(header_names); j++)
			if (header_names[j].num == proto)
				name = header_names[j].name;
		bf_strbuf_printf(out, "%s%s", first ? "" : ",", name);
		first = false;
	}
	if (first)
		bf_strbuf_puts(out, "NONE");
}

static void ipv6header_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			     bool numeric)
{
	const struct match_ipv6header *m = data;

	bf_strbuf_puts(out, " ipv6header");
	if (m->matchflags || m->invflags) {
		bf_strbuf_printf(out, " flags:%s", m->invflags ? "!" : "");
		if (numeric)
			bf_strbuf_printf(out, "0x%02X", m->matchflags);
		else
			print_headers(out, m->matchflags);
	}
	if (m->modeflag)
		bf_strbuf_puts(out, " soft");
}

static void ipv6header_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_ipv6header *m = data;

	bf_strbuf_printf(out, "%s --header ", m->invflags ? " !" : "");
	print_headers(out, m->matchflags);
	if (m->modeflag)
		bf_strbuf_puts(out, " --soft");
}

/* Headers ipv6header_mt walks here; a chain that needs a 17th header read
 * hotdrops (fail closed: a packet that reaches such a rule is dropped
 * uncounted). */
#define IPV6HEADER_WALK_MAX 16
/* The walk keeps its bits and offset in the context's scratch word, not
 * in registers: the verifier then sees one state per step, whatever
 * headers came before, instead of one per chain. */
#define BITS (BF_PKT_SCRATCH + 1)
#define OFF (BF_PKT_SCRATCH + 2)

static void emit_is(struct bf_cgen *cg, int reg, const int *types, size_t n, int label)
{
	for (size_t i = 0; i < n; i++)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, reg, types[i], 0), label);
}

/* ipv6header_mt: its own walk from the IPv6 header, through every header
 * nf_ip6_ext_hdr() knows (past later fragments too, unlike
 * ipv6_find_hdr), collecting one bit per kind met: NONE and ESP end it
 * (ESP only with 2 bytes left, else no match), as does an offset past
 * the datagram; PROTO when it ends on anything but NONE or ESP. Then
 * --soft: every listed bit as asked; else the set equal (or not).
 * r3 holds the type. */
static int ipv6header_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
			   int no_match)
{
	static const int walked[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT,
				     IPPROTO_AH, IPPROTO_DSTOPTS};
	const struct match_ipv6header *m = data;
	int end = bf_label_new(cg), none = bf_label_new(cg), esp = bf_label_new(cg);
	int eval = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BF_REG_L3, 6));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BITS, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, OFF, 40));
	for (int k = 0; k < IPV6HEADER_WALK_MAX; k++) {
		int ext = bf_label_new(cg), frag = bf_label_new(cg), ah = bf_label_new(cg);
		int next = bf_label_new(cg);

		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_10, OFF));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_NONE, 0), none);
		emit_is(cg, BPF_REG_3, walked, sizeof(walked) / sizeof(walked[0]), ext);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_3, IPPROTO_ESP, 0), end);
		bf_label_bind(cg, ext);
		/* Fewer than 2 bytes left: no match (ESP included). */
		bf_emit_pkt_bytes(cg, BPF_REG_5, 2, BPF_REG_2, no_match);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_ESP, 0), esp);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, BITS));
		for (size_t i = 0; i < ARRAY_LEN(header_flags); i++) {
			int skip = bf_label_new(cg);

			if (header_flags[i].proto == IPPROTO_NONE || header_flags[i].proto == IPPROTO_ESP ||
			    header_flags[i].proto == IPPROTO_RAW)
				continue;
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_3, header_flags[i].proto, 0), skip);
			bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_4, header_flags[i].flag));
			bf_label_bind(cg, skip);
		}
		bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_4, BITS));
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 1));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_FRAGMENT, 0), frag);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_AH, 0), ah);
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
		bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 3));
		bf_emit_jump(cg, BPF_JMP_A(0), next);
		bf_label_bind(cg, frag);
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 8));
		bf_emit_jump(cg, BPF_JMP_A(0), next);
		bf_label_bind(cg, ah);
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 2));
		bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 2));
		bf_label_bind(cg, next);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_2, 0));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_5, BPF_REG_1));
		bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_5, OFF));
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_5, BPF_REG_1, 0), end);
	}
	/* Still walking: beyond what this match unrolls. What the loop body
	 * decides without reading a header is done as there (NONE, then
	 * fewer than 2 bytes left, then ESP); only a 17th header to read
	 * hotdrops. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_10, OFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_NONE, 0), none);
	{
		int more = bf_label_new(cg);

		emit_is(cg, BPF_REG_3, walked, sizeof(walked) / sizeof(walked[0]), more);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_3, IPPROTO_ESP, 0), end);
		bf_label_bind(cg, more);
		bf_emit_pkt_bytes(cg, BPF_REG_5, 2, BPF_REG_2, no_match);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_ESP, 0), esp);
		bf_emit_jump(cg, BPF_JMP_A(0), cg->lbl_hotdrop);
	}
	/* The end: an upper-layer header, or past the datagram with any
	 * next header (then NONE and ESP set no bit at all). */
	bf_label_bind(cg, end);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, BITS));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_NONE, 0), eval);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, IPPROTO_ESP, 0), eval);
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x01)); /* MASK_PROTO */
	bf_emit_jump(cg, BPF_JMP_A(0), eval);
	bf_label_bind(cg, none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, BITS));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x02));
	bf_emit_jump(cg, BPF_JMP_A(0), eval);
	bf_label_bind(cg, esp);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, BITS));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x04));
	bf_label_bind(cg, eval);
	if (m->modeflag) {
		/* !((temp ^ matchflags ^ invflags) & matchflags) */
		bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_4, (uint8_t)(m->matchflags ^ m->invflags)));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_4, m->matchflags));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_4, 0, 0), no_match);
	} else {
		bf_emit_jump(cg, BPF_JMP_IMM(m->invflags ? BPF_JEQ : BPF_JNE, BPF_REG_4, m->matchflags,
					     0), no_match);
	}
	return 0;
}

const struct bf_match_ops bf_match_ipv6header = {
	.name = "ipv6header",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct match_ipv6header),
	.options = ipv6header_options,
	.parse = ipv6header_parse,
	.final_check = ipv6header_final_check,
	.print = ipv6header_print,
	.save = ipv6header_save,
	.emit = ipv6header_emit,
};
