/* The netfilter LOCAL_IN program's entry point (nf.h): filter INPUT only.
 * Raw PREROUTING judged every packet at XDP already; this program sees
 * the datagrams the stack built from the fragments XDP let through, and
 * the packets XDP deferred for their conntrack state (ct.h). */
#include <errno.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/nf.h"
#include "common/log.h"

/* Emits filter INPUT of rs (its slots from slot_base). */
static int emit_input(struct bf_cgen *cg, const struct bf_ruleset *rs, int slot_base)
{
	const struct bf_table *filter = &rs->tables[BF_TABLE_FILTER];
	size_t input;

	for (input = 0; input < filter->n_chains; input++)
		if (!strcmp(filter->chains[input]->name, "INPUT"))
			break;
	if (input == filter->n_chains)
		return cg->err = bf_err(-ENOENT, "cgen: no INPUT chain in the filter table");
	cg->rs = rs;
	cg->slot_base = slot_base;
	return bf_emit_chain_flow(cg, BF_TABLE_FILTER, input, -1);
}

/* v6 is judged only where XDP defers IPv6 packets: for its conntrack
 * state (ct.h). Without it, IPv6 packets are accepted here unjudged. */
static int compile(struct bf_cgen *cg, const struct bf_ruleset *v4, const struct bf_ruleset *v6,
		   const char *ifname, const struct bf_hook_ops *hook)
{
	int err = 0;

	if (cg->err)
		return cg->err;
	if ((v4 && v4->family != BF_FAMILY_IPV4) || (v6 && v6->family != BF_FAMILY_IPV6))
		return cg->err = bf_err(-EINVAL, "cgen: a ruleset of the wrong family");
	cg->ct_needs[BF_FAMILY_IPV4] = bf_ruleset_uses_ct(v4);
	cg->ct_needs[BF_FAMILY_IPV6] = bf_ruleset_uses_ct(v6);
	if (!cg->ct_needs[BF_FAMILY_IPV6])
		v6 = NULL;
	if (v4 && hook->check)
		err = hook->check(v4);
	if (!err && v6 && hook->check)
		err = hook->check(v6);
	if (err)
		return cg->err = err;

	cg->hook = hook;
	cg->ifname = ifname;
	cg->judge_v4 = v4 != NULL;
	cg->judge_v6 = v6 != NULL;
	if (v6)
		cg->lbl_v6 = bf_label_new(cg);
	hook->prologue(cg);
	if (cg->err)
		return cg->err;
	if (v4)
		err = emit_input(cg, v4, 0);
	else
		bf_emit_verdict(cg, BF_VERDICT_ACCEPT);
	if (!err && v6) {
		/* Slots as in the XDP program: v4's first. */
		bf_label_bind(cg, cg->lbl_v6);
		err = emit_input(cg, v6, v4 ? (int)bf_ruleset_n_slots(v4) : 0);
	}
	return err ? err : bf_cgen_finish(cg);
}

int bf_cgen_compile_nf(struct bf_cgen *cg, const struct bf_ruleset *v4,
		       const struct bf_ruleset *v6, const char *ifname)
{
	return compile(cg, v4, v6, ifname, &bf_hook_nf_local_in);
}

int bf_cgen_compile_nf_hook(struct bf_cgen *cg, const struct bf_ruleset *v4, const char *ifname,
			    const struct bf_hook_ops *hook)
{
	return compile(cg, v4, NULL, ifname, hook);
}
