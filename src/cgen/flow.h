/* Control flow between chains. Every chain a packet can reach is
 * inlined at each place that reaches it: BPF-to-BPF calls stop at 8
 * frames and tail calls never return, while iptables nests chains as
 * deep as it likes. A reached user chain is emitted out of line, after
 * the code that reaches it, and entered and left with gotol (32-bit
 * offsets), so rules keep their short local jumps however large the
 * chains they jump to. Every copy of a rule counts into the rule's one
 * slot. */
#ifndef BF_CGEN_FLOW_H
#define BF_CGEN_FLOW_H

#include "cgen.h"

struct bf_flow_queue;

/* Where control goes from the chain being emitted. */
struct bf_flow {
	enum bf_table_id table;
	int ret;    /* label of RETURN and of the end of a user chain */
	int accept; /* label of ACCEPT, or -1: return the ACCEPT verdict */
	unsigned int depth;          /* user chains entered so far */
	struct bf_flow_queue *queue; /* user chains still to emit */
};

/* Emits the built-in chain chain_idx of table (its rules, then its
 * counted policy), then every user chain it reaches. ACCEPT (a rule's or
 * the policy's) goes to label accept, or returns the verdict when it is
 * -1. */
int bf_emit_chain_flow(struct bf_cgen *cg, enum bf_table_id table, size_t chain_idx,
		       int accept);

/* Queues user chain chain_idx of flow->table for emission, returning
 * (RETURN, end of chain) to ret; returns its entry label, or -1 with
 * cg->err set. */
int bf_flow_enter(struct bf_cgen *cg, const struct bf_flow *flow, size_t chain_idx, int ret);

/* bf_emit_rule() inside a flow: RETURN, -j and -g compile. */
int bf_emit_rule_flow(struct bf_cgen *cg, const struct bf_rule *rule, int slot,
		      const struct bf_flow *flow);

/* The target of a rule that matched, after its counter (rule.c): a
 * verdict, RETURN, or a jump into a chain; a target that continues goes
 * to label next. */
int bf_emit_target_flow(struct bf_cgen *cg, const struct bf_rule *rule, int next,
			const struct bf_flow *flow);

/* The plan of chain chain_idx of flow->table (classify.c), made on first
 * use; NULL with cg->err set on failure. */
const struct bf_chain_plan *bf_cgen_chain_plan(struct bf_cgen *cg, enum bf_table_id table,
					       size_t chain_idx);
/* A classifier stage judging rules of chain chain_idx: falls through when
 * none of them matches. */
int bf_emit_class_stage(struct bf_cgen *cg, const struct bf_class_stage *st, size_t chain_idx,
			const struct bf_flow *flow);

/* Emits a jump to label with a 32-bit offset. */
void bf_emit_goto_far(struct bf_cgen *cg, int label);

#endif
