/* The netfilter LOCAL_IN program's entry point (nf.h): filter INPUT only.
 * Raw PREROUTING judged every fragment at XDP already; this program sees
 * the datagram the stack built from the fragments XDP let through. */
#include <errno.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/nf.h"
#include "common/log.h"

static int compile(struct bf_cgen *cg, const struct bf_ruleset *v4, const char *ifname,
		   const struct bf_hook_ops *hook)
{
	const struct bf_table *filter;
	size_t input;
	int err;

	if (cg->err)
		return cg->err;
	if (!v4 || v4->family != BF_FAMILY_IPV4)
		return cg->err = bf_err(-EINVAL, "cgen: the netfilter hook needs an IPv4 ruleset");
	err = hook->check ? hook->check(v4) : 0;
	if (err)
		return cg->err = err;
	filter = &v4->tables[BF_TABLE_FILTER];
	for (input = 0; input < filter->n_chains; input++)
		if (!strcmp(filter->chains[input]->name, "INPUT"))
			break;
	if (input == filter->n_chains)
		return cg->err = bf_err(-ENOENT, "cgen: no INPUT chain in the filter table");

	cg->hook = hook;
	cg->uses_ct = bf_ruleset_uses_ct(v4);
	cg->ifname = ifname;
	cg->rs = v4;
	cg->slot_base = 0;
	hook->prologue(cg);
	if (cg->err)
		return cg->err;
	err = bf_emit_chain_flow(cg, BF_TABLE_FILTER, input, -1);
	if (err)
		return err;
	return bf_cgen_finish(cg);
}

int bf_cgen_compile_nf(struct bf_cgen *cg, const struct bf_ruleset *v4, const char *ifname)
{
	return compile(cg, v4, ifname, &bf_hook_nf_local_in);
}

int bf_cgen_compile_nf_hook(struct bf_cgen *cg, const struct bf_ruleset *v4, const char *ifname,
			    const struct bf_hook_ops *hook)
{
	return compile(cg, v4, ifname, hook);
}
