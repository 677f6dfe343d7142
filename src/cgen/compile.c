/* The compiler's entry point: what the hook cannot compile is refused as
 * a whole, then the hook's prologue, then the chains that judge packets
 * there, in netfilter's order: raw PREROUTING (when the raw table is in
 * use), whose ACCEPT goes on to filter INPUT, then filter INPUT, with the
 * user chains they reach inlined (flow.h). IPv4 only for now; the IPv6
 * ruleset is only checked (IPv6 frames pass unjudged, which is what an
 * empty ruleset with ACCEPT policies would do to them). */
#include <errno.h>
#include <string.h>

#include "cgen.h"
#include "cgen/flow.h"
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

int bf_cgen_compile(struct bf_cgen *cg, const struct bf_ruleset *v4,
		    const struct bf_ruleset *v6, const struct bf_hook_ops *hook,
		    const char *ifname)
{
	size_t input = 0, prerouting = 0;
	int err;

	if (cg->err)
		return cg->err;
	/* Both families first: nothing is emitted for a refused ruleset. */
	err = check_family(v4, BF_FAMILY_IPV4, hook);
	if (!err)
		err = check_family(v6, BF_FAMILY_IPV6, hook);
	if (!err && v4 && chain_index(&v4->tables[BF_TABLE_FILTER], "INPUT", &input))
		err = bf_err(-ENOENT, "cgen: no INPUT chain in the filter table");
	if (err)
		return cg->err = err;

	cg->hook = hook;
	cg->ifname = ifname;
	hook->prologue(cg);
	if (v4) {
		cg->rs = v4;
		cg->slot_base = 0;
		if (v4->tables[BF_TABLE_RAW].present &&
		    !chain_index(&v4->tables[BF_TABLE_RAW], "PREROUTING", &prerouting)) {
			int filter = bf_label_new(cg);

			err = bf_emit_chain_flow(cg, BF_TABLE_RAW, prerouting, filter);
			if (err)
				return err;
			bf_label_bind(cg, filter);
		}
		err = bf_emit_chain_flow(cg, BF_TABLE_FILTER, input, -1);
		if (err)
			return err;
	} else {
		bf_emit_verdict(cg, BF_VERDICT_ACCEPT);
	}
	/* v6's slots start at bf_ruleset_n_slots(v4): counted by no code yet. */
	return bf_cgen_finish(cg);
}
