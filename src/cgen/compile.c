/* The compiler's entry point: a hook's prologue, then the chains that
 * judge packets there. For now the filter table's INPUT chain at XDP. */
#include <errno.h>
#include <string.h>

#include "cgen.h"
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

int bf_cgen_compile(struct bf_cgen *cg, const struct bf_ruleset *rs,
		    const struct bf_hook_ops *hook, const char *ifname)
{
	size_t input;
	int err;

	if (cg->err)
		return cg->err;
	if (rs->family != BF_FAMILY_IPV4)
		return cg->err = bf_err(-EAFNOSUPPORT, "cgen: only IPv4 rulesets compile yet");
	if (chain_index(&rs->tables[BF_TABLE_FILTER], "INPUT", &input))
		return cg->err = bf_err(-ENOENT, "cgen: no INPUT chain in the filter table");
	cg->rs = rs;
	cg->hook = hook;
	cg->ifname = ifname;
	hook->prologue(cg);
	err = bf_emit_chain_linear(cg, BF_TABLE_FILTER, input);
	if (err)
		return err;
	return bf_cgen_finish(cg);
}
