/* -m statistic: --mode random --probability P, or --mode nth --every N
 * [--packet P], as libxt_statistic of iptables 1.8.9 and the kernel's
 * xt_statistic_info and xt_statistic. Both families. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_MODE, O_PROBABILITY, O_EVERY, O_PACKET };
#define F_PROBABILITY (1u << O_PROBABILITY)
#define F_EVERY (1u << O_EVERY)
#define F_PACKET (1u << O_PACKET)

enum { MODE_RANDOM, MODE_NTH };
#define STATISTIC_INVERT 0x1

/* The kernel's layout: probability (scaled to 2^31) and every (N - 1)
 * share a word, which iptables' checks rely on. */
struct match_statistic {
	uint16_t mode;
	uint16_t flags;
	union {
		uint32_t probability;
		uint32_t every;
	};
	uint32_t packet;
	uint32_t count;
};

static const struct option statistic_options[] = {
	{.name = "mode", .has_arg = 1, .val = O_MODE},
	{.name = "probability", .has_arg = 1, .val = O_PROBABILITY},
	{.name = "every", .has_arg = 1, .val = O_EVERY},
	{.name = "packet", .has_arg = 1, .val = O_PACKET},
	{0},
};

static const struct bf_sl_optinfo statistic_info[] = {
	[O_MODE] = {.flags = BF_XT_MAND},
	[O_PROBABILITY] = {.flags = BF_XT_INVERT, .excl = F_EVERY | F_PACKET},
	[O_EVERY] = {.flags = BF_XT_INVERT, .excl = F_PROBABILITY, .also = F_PACKET},
	[O_PACKET] = {.excl = F_PROBABILITY, .also = F_EVERY},
};

/* libxtables' XTTYPE_DOUBLE with range 0-1 (NaN passes the range test). */
static int parse_probability(const char *arg, uint32_t *prob)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || v < 0 || v > 1)
		return bf_err(-EINVAL, "statistic: bad value for option \"--probability\", "
			      "or out of range (0-1).\n");
	/* iptables' lround(): v >= 0, so adding a half and truncating is
	 * the same; lround(NaN) is 0x8000000000000000 on x86-64, 0 in the
	 * kernel's 32 bits. */
	*prob = v != v ? 0 : (uint32_t)(0x80000000 * v + 0.5);
	return 0;
}

static int statistic_parse(int opt, const char *arg, bool invert, void *data,
			   unsigned int *flags, const struct bf_ip *ip)
{
	struct match_statistic *m = data;
	uintmax_t v;
	int err;

	/* iptables marks the inversion before its checks, and it is the
	 * whole match's. */
	if (invert)
		m->flags |= STATISTIC_INVERT;
	err = bf_sl_opt_parse("statistic", statistic_options, statistic_info, opt, invert,
			      flags);
	if (err)
		return err;
	switch (opt) {
	case O_MODE:
		if (!strcmp(arg, "random"))
			m->mode = MODE_RANDOM;
		else if (!strcmp(arg, "nth"))
			m->mode = MODE_NTH;
		else
			return bf_err(-EINVAL, "Bad mode \"%s\"", arg);
		return 0;
	case O_PROBABILITY:
		return parse_probability(arg, &m->probability);
	case O_EVERY:
		err = bf_xt_parse_uint("statistic", "every", arg, 1, UINT32_MAX, &v);
		m->every = (uint32_t)v - 1;
		return err;
	default:
		err = bf_xt_parse_uint("statistic", "packet", arg, 0, UINT32_MAX, &v);
		m->packet = (uint32_t)v;
		return err;
	}
}

static int statistic_final_check(const void *data, unsigned int flags,
				 const struct bf_ip *ip)
{
	const struct match_statistic *m = data;

	if (m->mode == MODE_RANDOM && !(flags & F_PROBABILITY))
		return bf_err(-EINVAL, "--probability must be specified when using random mode");
	if (m->mode == MODE_NTH && !(flags & (F_EVERY | F_PACKET)))
		return bf_err(-EINVAL, "--every and --packet must be specified when using "
			      "nth mode");
	/* every is N - 1 here, and shares its word with probability */
	if (m->packet > m->every)
		return bf_err(-EINVAL, "the --packet p must be 0 <= p <= n-1");
	return bf_sl_opt_fcheck("statistic", statistic_options, statistic_info, flags);
}

static void print_statistic(struct bf_strbuf *out, const struct match_statistic *m,
			    const char *prefix)
{
	const char *inv = m->flags & STATISTIC_INVERT ? " !" : "";

	if (m->mode == MODE_RANDOM) {
		bf_strbuf_printf(out, " %smode random%s %sprobability %.11f", prefix, inv,
				 prefix, 1.0 * m->probability / 0x80000000);
		return;
	}
	if (m->mode != MODE_NTH)
		return;
	bf_strbuf_printf(out, " %smode nth%s %severy %u", prefix, inv, prefix, m->every + 1);
	/* -L leaves out --packet 0; iptables-save always prints it */
	if (m->packet || *prefix)
		bf_strbuf_printf(out, " %spacket %u", prefix, m->packet);
}

static void statistic_print(struct bf_strbuf *out, const struct bf_ip *ip,
			    const void *data, bool numeric)
{
	bf_strbuf_puts(out, " statistic");
	print_statistic(out, data, "");
}

static void statistic_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	print_statistic(out, data, "--");
}

/* nth keeps a count (its record's first slot). */
static bool statistic_has_state(const void *data)
{
	return ((const struct match_statistic *)data)->mode == MODE_NTH;
}

/* xt_statistic's nth: the master count goes count0, count0 + 1 ... every,
 * 0, 1 ... (count0 = every - packet), and a packet matches when its
 * update makes it 0. The same as numbering the packets the rule sees in
 * the order of their atomic updates, x = 0, 1 ..., and matching x when
 * x % (every + 1) == packet. So a zeroed u64 with an atomic fetch-and-add
 * (no retry loop, which the verifier could not bound) gives the same
 * answers; a fresh map (every commit) restarts the count, as iptables-
 * legacy restarts it whenever it replaces the table. */
static void emit_nth(struct bf_cgen *cg, const struct bf_rule *rule,
		     const struct match_statistic *m, bool invert, int no_match)
{
	uint64_t n = (uint64_t)m->every + 1;
	size_t slot;

	if (!m->every) {
		/* Every packet. */
		if (invert)
			bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		return;
	}
	slot = bf_cgen_state_record(cg, rule, m);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, (int32_t)slot));
	bf_emit_map_lookup(cg, BF_MAP_STATE, BF_PKT_SCRATCH);
	/* Never taken: the array has every slot. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), no_match);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_0, BPF_REG_1, 0));
	if (n <= UINT32_MAX) {
		/* MOV32 zero-extends: n up to 2^32 - 1 as an immediate. */
		bf_emit(cg, BPF_MOV32_IMM(BPF_REG_2, (int32_t)(uint32_t)n));
		bf_emit(cg, BPF_ALU64_REG(BPF_MOD, BPF_REG_1, BPF_REG_2));
	}
	/* n = 2^32: the low 32 bits are x % n. */
	bf_emit_jump(cg, BPF_JMP32_IMM(invert ? BPF_JEQ : BPF_JNE, BPF_REG_1,
				       (int32_t)m->packet, 0), no_match);
}

/* xt_statistic's random: (get_random_u32() & 0x7FFFFFFF) < probability,
 * probability being P * 2^31 rounded: 0 never holds, 2^31 always. */
static void emit_random(struct bf_cgen *cg, const struct match_statistic *m, bool invert,
			int no_match)
{
	bool always = m->probability >= 0x80000000u, never = !m->probability;

	if (always || never) {
		if (always == invert)
			bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		return;
	}
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_get_prandom_u32));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0x7fffffff));
	bf_emit_jump(cg, BPF_JMP_IMM(invert ? BPF_JLT : BPF_JGE, BPF_REG_0,
				     (int32_t)m->probability, 0), no_match);
}

static int statistic_emit(struct bf_cgen *cg, const struct bf_rule *rule,
			  const void *data, int no_match)
{
	const struct match_statistic *m = data;
	bool invert = m->flags & STATISTIC_INVERT;

	if (m->mode == MODE_RANDOM)
		emit_random(cg, m, invert, no_match);
	else if (m->mode == MODE_NTH)
		emit_nth(cg, rule, m, invert, no_match);
	else
		return bf_err(-EOPNOTSUPP, "statistic: unknown mode %u", m->mode);
	return 0;
}

const struct bf_match_ops bf_match_statistic = {
	.name = "statistic",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_statistic),
	.options = statistic_options,
	.parse = statistic_parse,
	.final_check = statistic_final_check,
	.print = statistic_print,
	.save = statistic_save,
	.emit = statistic_emit,
	.has_state = statistic_has_state,
};
