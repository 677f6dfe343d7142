/* The compiler's entry point: what the hook cannot compile is refused as
 * a whole, then the hook's prologue, then the chains that judge packets
 * there, in netfilter's order: raw PREROUTING (when the raw table is in
 * use), whose ACCEPT goes on to filter INPUT, then filter INPUT, with the
 * user chains they reach inlined (flow.h); the IPv4 ruleset's code, then
 * the IPv6 one's, each entered from the hook's prologue. */
#include <errno.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/route.h"
#include "common/log.h"

static int chain_index(const struct bf_table *t, const char *name, size_t *idx)
{
	for (size_t i = 0; i < t->n_chains; i++) {
		if (!strcmp(t->chains[i]->name, name)) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* A chain with rules or a policy other than ACCEPT. */
static bool judges(const struct bf_chain *c)
{
	return c->n_rules || c->policy != BF_VERDICT_ACCEPT;
}

size_t bf_cgen_n_slots(const struct bf_ruleset *v4, const struct bf_ruleset *v6)
{
	return (v4 ? bf_ruleset_n_slots(v4) : 0) + (v6 ? bf_ruleset_n_slots(v6) : 0);
}

static int check_family(const struct bf_ruleset *rs, enum bf_family want,
			const struct bf_hook_ops *hook)
{
	if (!rs)
		return 0;
	if (rs->family != want)
		return bf_err(-EINVAL, "cgen: an %s ruleset where the %s one belongs",
			      rs->family == BF_FAMILY_IPV6 ? "IPv6" : "IPv4",
			      want == BF_FAMILY_IPV6 ? "IPv6" : "IPv4");
	return hook->check ? hook->check(rs) : 0;
}

/* One family's chains: raw PREROUTING (when the raw table is in use),
 * whose ACCEPT goes on to the routing decision (hook->route, route.h),
 * then for the packets routed here what the stack does in between
 * (hook->before_input) and filter INPUT; for those routed on, filter
 * FORWARD. */
static int emit_family(struct bf_cgen *cg, const struct bf_ruleset *rs, int slot_base)
{
	size_t input = 0, prerouting = 0, forward = 0;
	int err, lbl_forward = -1;

	cg->rs = rs;
	cg->slot_base = slot_base;
	if (chain_index(&rs->tables[BF_TABLE_FILTER], "INPUT", &input))
		return cg->err = bf_err(-ENOENT, "cgen: no INPUT chain in the filter table");
	/* Raw PREROUTING comes before conntrack: no state yet. */
	if (cg->ct_needs[rs->family])
		bf_emit_ct_none(cg);
	if (rs->tables[BF_TABLE_RAW].present &&
	    !chain_index(&rs->tables[BF_TABLE_RAW], "PREROUTING", &prerouting)) {
		int filter = bf_label_new(cg);

		err = bf_emit_chain_flow(cg, BF_TABLE_RAW, prerouting, filter);
		if (err)
			return err;
		bf_label_bind(cg, filter);
	}
	/* Routing: INPUT falls through, FORWARD comes after it. The lookup
	 * is left out when neither chain judges (it costs a packet ~30 ns
	 * even on a host that does not forward): then INPUT's policy counts
	 * forwarded packets too. */
	if (cg->hook->route) {
		if (!chain_index(&rs->tables[BF_TABLE_FILTER], "FORWARD", &forward) &&
		    (judges(rs->tables[BF_TABLE_FILTER].chains[input]) ||
		     judges(rs->tables[BF_TABLE_FILTER].chains[forward])))
			lbl_forward = bf_label_new(cg);
		cg->hook->route(cg, rs->family, lbl_forward);
	}
	if (cg->hook->before_input)
		cg->hook->before_input(cg, rs->family);
	err = bf_emit_chain_flow(cg, BF_TABLE_FILTER, input, -1);
	if (err || lbl_forward < 0)
		return err;
	bf_label_bind(cg, lbl_forward);
	cg->oif_dynamic = true;
	err = bf_emit_chain_flow(cg, BF_TABLE_FILTER, forward, -1);
	cg->oif_dynamic = false;
	return err;
}

int bf_cgen_compile(struct bf_cgen *cg, const struct bf_ruleset *v4,
		    const struct bf_ruleset *v6, const struct bf_hook_ops *hook,
		    const char *ifname)
{
	size_t input = 0;
	int err;

	if (cg->err)
		return cg->err;
	/* Both families first: nothing is emitted for a refused ruleset. */
	err = check_family(v4, BF_FAMILY_IPV4, hook);
	if (!err)
		err = check_family(v6, BF_FAMILY_IPV6, hook);
	if (!err && v4 && chain_index(&v4->tables[BF_TABLE_FILTER], "INPUT", &input))
		err = bf_err(-ENOENT, "cgen: no INPUT chain in the filter table");
	if (!err && v6 && chain_index(&v6->tables[BF_TABLE_FILTER], "INPUT", &input))
		err = bf_err(-ENOENT, "cgen: no INPUT chain in the IPv6 filter table");
	if (err)
		return cg->err = err;

	cg->hook = hook;
	cg->ifname = ifname;
	/* Without an IPv6 ruleset IPv6 packets pass unjudged: what an empty
	 * ruleset with ACCEPT policies would do to them. */
	cg->judge_v6 = v6 != NULL;
	cg->ct_needs[BF_FAMILY_IPV4] = bf_ruleset_uses_ct(v4);
	cg->ct_needs[BF_FAMILY_IPV6] = bf_ruleset_uses_ct(v6);
	if (v6)
		cg->lbl_v6 = bf_label_new(cg);
	if (hook->route) {
		err = bf_cgen_oif_names(cg, v4, v6);
		if (err)
			return cg->err = err;
	}
	hook->prologue(cg);
	if (v4)
		err = emit_family(cg, v4, 0);
	else
		bf_emit_verdict(cg, BF_VERDICT_ACCEPT);
	if (err)
		return err;
	if (v6) {
		/* Both families share one counters map, v4's slots first. */
		bf_label_bind(cg, cg->lbl_v6);
		err = emit_family(cg, v6, v4 ? (int)bf_ruleset_n_slots(v4) : 0);
		if (err)
			return err;
	}
	return bf_cgen_finish(cg);
}
