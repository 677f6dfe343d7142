/* The linear walk of one chain: its rules in order, then its policy. */
#include "cgen.h"

int bf_emit_chain_linear(struct bf_cgen *cg, enum bf_table_id table, size_t chain_idx)
{
	const struct bf_chain *c = cg->rs->tables[table].chains[chain_idx];
	int slot = cg->slot_base + bf_rule_slot(cg->rs, table, chain_idx, 0);

	for (size_t i = 0; i < c->n_rules; i++) {
		int err = bf_emit_rule(cg, c->rules[i], slot + (int)i);

		if (err)
			return err;
	}
	/* Reached only when no rule took the packet (unreachable code, after
	 * a rule that always matches, is dropped by bf_cgen_finish). */
	bf_emit_count(cg, cg->slot_base + bf_policy_slot(cg->rs, table, chain_idx));
	bf_emit_verdict(cg, c->policy);
	return cg->err;
}
