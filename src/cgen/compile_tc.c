/* The TC egress program's entry point (tc.h): for each family, raw
 * OUTPUT (when the raw table is in use), whose ACCEPT goes on to filter
 * OUTPUT, with the user chains they reach inlined (flow.h). */
#include <errno.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/tc.h"
#include "common/log.h"

static const struct bf_chain *output_of(const struct bf_ruleset *rs, enum bf_table_id t,
					size_t *idx)
{
	const struct bf_table *tb = &rs->tables[t];
	const struct bf_chain *c = tb->present ? bf_table_chain(tb, "OUTPUT") : NULL;

	if (c)
		*idx = bf_table_chain_index(tb, c);
	return c;
}

static int emit_family(struct bf_cgen *cg, const struct bf_ruleset *rs, int slot_base)
{
	size_t raw = 0, filter = 0;
	int err;

	cg->rs = rs;
	cg->slot_base = slot_base;
	if (output_of(rs, BF_TABLE_RAW, &raw)) {
		int next = bf_label_new(cg);

		err = bf_emit_chain_flow(cg, BF_TABLE_RAW, raw, next);
		if (err)
			return err;
		bf_label_bind(cg, next);
	}
	if (!output_of(rs, BF_TABLE_FILTER, &filter))
		return cg->err = bf_err(-ENOENT, "cgen: no OUTPUT chain in the filter table");
	return bf_emit_chain_flow(cg, BF_TABLE_FILTER, filter, -1);
}

int bf_cgen_compile_tc(struct bf_cgen *cg, const struct bf_ruleset *v4,
		       const struct bf_ruleset *v6, const char *ifname)
{
	int err = 0;

	if (cg->err)
		return cg->err;
	if ((v4 && v4->family != BF_FAMILY_IPV4) || (v6 && v6->family != BF_FAMILY_IPV6))
		return cg->err = bf_err(-EINVAL, "cgen: a ruleset of the wrong family");
	if (v4)
		err = bf_cgen_check(v4);
	if (!err && v6)
		err = bf_cgen_check(v6);
	if (err)
		return cg->err = err;

	cg->hook = &bf_hook_tc;
	cg->ifname = "";
	cg->oif_name = ifname ? ifname : "";
	cg->classify = BF_CLASSIFY_OFF;
	cg->judge_v4 = v4 != NULL;
	cg->judge_v6 = v6 != NULL;
	cg->ct_needs[BF_FAMILY_IPV4] = bf_ruleset_uses_ct(v4);
	cg->ct_needs[BF_FAMILY_IPV6] = bf_ruleset_uses_ct(v6);
	if (v6)
		cg->lbl_v6 = bf_label_new(cg);
	cg->hook->prologue(cg);
	if (cg->err)
		return cg->err;
	/* Without an IPv4 ruleset the prologue passes IPv4 packets. */
	if (v4)
		err = emit_family(cg, v4, 0);
	if (!err && v6) {
		/* Slots as in the XDP program: v4's first. */
		bf_label_bind(cg, cg->lbl_v6);
		err = emit_family(cg, v6, v4 ? (int)bf_ruleset_n_slots(v4) : 0);
	}
	return err ? err : bf_cgen_finish(cg);
}
