/* -m limit: a token bucket, as libxt_limit and xt_limit, its state in
 * the rule's record of the state map (cgen/state_records.c). */
#include <errno.h>
#include <stdlib.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

#define LIMIT_SCALE 10000 /* XT_LIMIT_SCALE: avg is in 1/10000 s */
#define LIMIT_BURST 5
#define LIMIT_AVG (LIMIT_SCALE * 60 * 60 / 3) /* the default, 3/hour */

/* The kernel's credit arithmetic (xt_limit's user2credits) at
 * BF_KERNEL_HZ (250): CREDITS_PER_JIFFY is 128 and HZ * CREDITS_PER_JIFFY
 * 32000 (as for HZ=1000). */
#define LIMIT_CPJ 128u
#define LIMIT_HZ_CPJ (BF_KERNEL_HZ * LIMIT_CPJ)
/* Tries of the bucket's compare-and-exchange (xt_limit loops until one
 * succeeds; the verifier wants a bound): more than this many packets
 * racing on one rule's bucket at once, and the last does not match. */
#define LIMIT_TRIES 4

struct match_limit {
	uint32_t avg;   /* period between packets, 1/LIMIT_SCALE s */
	uint32_t burst;
};

enum { O_LIMIT, O_BURST };

static const struct bf_xt_opt limit_opts[] = {
	{.name = "limit", .id = O_LIMIT},
	{.name = "limit-burst", .id = O_BURST},
	{0},
};

static const struct option limit_options[] = {
	{.name = "limit", .has_arg = 1, .val = O_LIMIT},
	{.name = "limit-burst", .has_arg = 1, .val = O_BURST},
	{0},
};

static void limit_init(void *data)
{
	struct match_limit *m = data;

	m->avg = LIMIT_AVG;
	m->burst = LIMIT_BURST;
}

/* parse_rate: the count is read by atoi(), so "3x" is 3 and "-3" a huge
 * unsigned number (then "too fast"), as in iptables. */
static int limit_parse_rate(const char *rate, uint32_t *avg)
{
	uint32_t mult, r;

	if (!bf_sf_parse_rate_unit(rate, &mult))
		return bf_err(-EINVAL, "bad rate \"%s\"'", rate);
	r = (uint32_t)atoi(rate);
	if (!r)
		return bf_err(-EINVAL, "bad rate \"%s\"'", rate);
	*avg = LIMIT_SCALE * mult / r;
	if (!*avg)
		return bf_err(-EINVAL, "Rate too fast \"%s\"", rate);
	return 0;
}

static int limit_parse(int opt, const char *arg, bool invert, void *data,
		       unsigned int *flags, const struct bf_ip *ip)
{
	struct match_limit *m = data;
	int err = bf_xt_opt_parse("limit", limit_opts, (unsigned int)opt, invert, flags);

	if (err)
		return err;
	if (opt == O_LIMIT)
		return limit_parse_rate(arg, &m->avg);
	return bf_xt_parse_u32("limit", "limit-burst", arg, 0, 10000, &m->burst);
}

static uint32_t user2credits(uint32_t user)
{
	if (user > UINT32_MAX / LIMIT_HZ_CPJ)
		return (user / LIMIT_SCALE) * LIMIT_HZ_CPJ;
	return user * LIMIT_HZ_CPJ / LIMIT_SCALE;
}

/* xt_limit refuses a bucket whose size overflows (ERANGE), which
 * iptables reports only when the table is committed. */
static int limit_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	const struct match_limit *m = data;

	if (!m->burst || user2credits(m->avg * m->burst) < user2credits(m->avg))
		return bf_err(-EPROTO, "Numerical result out of range.");
	return 0;
}

static void limit_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			bool numeric)
{
	const struct match_limit *m = data;

	bf_strbuf_puts(out, " limit: avg");
	bf_sf_print_rate(out, m->avg, LIMIT_SCALE);
	bf_strbuf_printf(out, " burst %u", m->burst);
}

static void limit_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_limit *m = data;

	bf_strbuf_puts(out, " --limit");
	bf_sf_save_rate(out, m->avg, LIMIT_SCALE, false);
	if (m->burst != LIMIT_BURST)
		bf_strbuf_printf(out, " --limit-burst %u", m->burst);
}

/* xt_limit's limit_mt, with its u32 arithmetic. The record holds the
 * jiffies of the last packet (0: none yet, the bucket as the rule was
 * made) and cap - credit, so that the zeroed record is a full bucket:
 *   inc = (now - xchg(prev, now)) * CREDITS_PER_JIFFY      (u32)
 *   credit = min(credit + inc, cap); match: credit >= cost, credit -= cost
 * the credit written with a compare-and-exchange. */
static int limit_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		      int no_match)
{
	const struct match_limit *m = data;
	uint32_t cap = user2credits(m->avg * m->burst), cost = user2credits(m->avg);
	size_t slot = bf_cgen_state_record(cg, rule, data);
	int have_inc = bf_label_new(cg), done = bf_label_new(cg);

	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_jiffies64));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, (int32_t)slot));
	bf_emit_map_lookup(cg, BF_MAP_STATE, BF_PKT_SCRATCH);
	/* Never taken: the array has every slot. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), no_match);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_0, BPF_REG_1, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), have_inc);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU32_IMM(BPF_MUL, BPF_REG_2, LIMIT_CPJ));
	bf_label_bind(cg, have_inc);
	bf_emit(cg, BPF_MOV32_REG(BPF_REG_9, BPF_REG_2)); /* r9: inc */

	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, (int32_t)slot + 1));
	bf_emit_map_lookup(cg, BF_MAP_STATE, BF_PKT_SCRATCH);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), no_match);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_0)); /* r5: &(cap - credit) */
	for (int k = 0; k < LIMIT_TRIES; k++) {
		int capped = bf_label_new(cg), short_of = bf_label_new(cg);

		/* r0: what is there, r2: the credit, r4: whether it matches. */
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_5, 0));
		bf_emit(cg, BPF_MOV32_IMM(BPF_REG_2, (int32_t)cap));
		bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_2, BPF_REG_0));
		bf_emit(cg, BPF_ALU32_REG(BPF_ADD, BPF_REG_2, BPF_REG_9));
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JLE, BPF_REG_2, (int32_t)cap, 0), capped);
		bf_emit(cg, BPF_MOV32_IMM(BPF_REG_2, (int32_t)cap));
		bf_label_bind(cg, capped);
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JLT, BPF_REG_2, (int32_t)cost, 0), short_of);
		bf_emit(cg, BPF_ALU32_IMM(BPF_SUB, BPF_REG_2, (int32_t)cost));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
		bf_label_bind(cg, short_of);
		bf_emit(cg, BPF_MOV32_IMM(BPF_REG_1, (int32_t)cap));
		bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_1, BPF_REG_2));
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_0));
		bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_5, BPF_REG_1, 0));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JEQ, BPF_REG_0, BPF_REG_3, 0), done);
	}
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0)); /* every try lost a race */
	bf_label_bind(cg, done);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_4, 0, 0), no_match);
	return 0;
}

static bool limit_has_state(const void *data)
{
	return true;
}

const struct bf_match_ops bf_match_limit = {
	.name = "limit",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_limit),
	.options = limit_options,
	.init = limit_init,
	.parse = limit_parse,
	.final_check = limit_final_check,
	.print = limit_print,
	.save = limit_save,
	.emit = limit_emit,
	.has_state = limit_has_state,
};
