/* The linear walk of a chain: its rules in order, then its policy (a
 * built-in chain) or a return to its caller (a user chain, inlined: see
 * flow.h). */
#include <errno.h>
#include <stdlib.h>

#include "cgen.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "common/log.h"

/* Inlining never needs more: iptables refuses loops, and the check
 * bounds the inlined size (cgen/limits.c); this only stops runaway
 * recursion if a loop ever got past them. */
#define BF_FLOW_DEPTH_MAX 4096

struct bf_flow_item {
	size_t chain_idx;
	int entry;
	struct bf_flow flow;
};

struct bf_flow_queue {
	struct bf_flow_item *v;
	size_t n, cap;
};

void bf_emit_goto_far(struct bf_cgen *cg, int label)
{
	bf_emit_jump(cg, BPF_JMP32_A(0), label);
}

int bf_flow_enter(struct bf_cgen *cg, const struct bf_flow *flow, size_t chain_idx, int ret)
{
	struct bf_flow_queue *q = flow->queue;
	struct bf_flow_item *it;

	if (cg->err)
		return -1;
	if (flow->depth >= BF_FLOW_DEPTH_MAX) {
		cg->err = bf_err(-ELOOP, "cgen: user chains nested too deep");
		return -1;
	}
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 16;
		void *p = realloc(q->v, ncap * sizeof(*q->v));

		if (!p) {
			cg->err = -ENOMEM;
			return -1;
		}
		q->v = p;
		q->cap = ncap;
	}
	it = &q->v[q->n++];
	it->chain_idx = chain_idx;
	it->entry = bf_label_new(cg);
	it->flow = *flow;
	it->flow.ret = ret;
	it->flow.depth = flow->depth + 1;
	return it->entry;
}

static int emit_linear(struct bf_cgen *cg, size_t chain_idx, size_t first, size_t n,
		       const struct bf_flow *flow)
{
	const struct bf_chain *c = cg->rs->tables[flow->table].chains[chain_idx];

	for (size_t i = first; i < first + n; i++) {
		int slot = bf_rule_count_slot(cg->rs, flow->table, chain_idx, i, cg->slot_base);
		int err = bf_emit_rule_flow(cg, c->rules[i], slot, flow);

		if (err)
			return err;
	}
	return cg->err;
}

/* The chain's rules in order: the linear reference, or the plan's
 * segments, linear code and classifier stages (plan/classify.h). */
static int emit_rules(struct bf_cgen *cg, size_t chain_idx, const struct bf_flow *flow)
{
	const struct bf_chain *c = cg->rs->tables[flow->table].chains[chain_idx];
	const struct bf_chain_plan *plan;
	int err = 0;

	if (cg->classify == BF_CLASSIFY_OFF)
		return emit_linear(cg, chain_idx, 0, c->n_rules, flow);
	plan = bf_cgen_chain_plan(cg, flow->table, chain_idx);
	if (!plan)
		return cg->err;
	for (size_t i = 0; i < plan->n_segs && !err; i++) {
		const struct bf_plan_seg *seg = &plan->segs[i];

		if (seg->stage)
			err = bf_emit_class_stage(cg, seg->stage, chain_idx, flow);
		else
			err = emit_linear(cg, chain_idx, seg->first, seg->n, flow);
	}
	return err ? err : cg->err;
}

int bf_emit_chain_flow(struct bf_cgen *cg, enum bf_table_id table, size_t chain_idx,
		       int accept)
{
	const struct bf_chain *c = cg->rs->tables[table].chains[chain_idx];
	struct bf_flow_queue q = {0};
	struct bf_flow flow = {
		.table = table, .ret = bf_label_new(cg), .accept = accept, .queue = &q,
	};
	int err = emit_rules(cg, chain_idx, &flow);

	/* RETURN and the end of the chain: the policy, counted, as iptables
	 * takes its underflow rule. Reached only when no rule took the
	 * packet (unreachable code is dropped by bf_cgen_finish). */
	if (!err) {
		bf_label_bind(cg, flow.ret);
		bf_emit_count(cg, bf_policy_count_slot(cg->rs, table, chain_idx, cg->slot_base));
		if (c->policy == BF_VERDICT_ACCEPT && accept >= 0)
			bf_emit_goto_far(cg, accept);
		else
			bf_emit_verdict(cg, c->policy);
	}
	/* The queue grows while it is walked: chains reached from chains.
	 * Everything above ends in an exit or a jump, so code can follow. */
	for (size_t i = 0; i < q.n && !err; i++) {
		struct bf_flow_item it = q.v[i];

		bf_label_bind(cg, it.entry);
		err = emit_rules(cg, it.chain_idx, &it.flow);
		bf_emit_goto_far(cg, it.flow.ret);
	}
	free(q.v);
	return err ? err : cg->err;
}
