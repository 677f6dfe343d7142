/* Saying why a ruleset cannot be compiled: the message names the table,
 * chain and rule, so the user finds the rule that stands in the way. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "cgen.h"
#include "common/log.h"
#include "ext/ext.h"

int bf_cgen_refuse(const struct bf_ruleset *rs, enum bf_table_id t,
		   const struct bf_chain *c, long rule_idx, const char *fmt, ...)
{
	const char *fam = rs->family == BF_FAMILY_IPV6 ? ", IPv6" : "";
	char reason[256], what[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (rule_idx < 0)
		snprintf(what, sizeof(what), "the policy");
	else
		snprintf(what, sizeof(what), "rule %ld", rule_idx + 1);
	return bf_err(-EOPNOTSUPP, "cannot compile %s of chain %s (table %s%s): %s", what,
		      c->name, bf_table_name(t), fam, reason);
}

bool bf_cgen_match_compiles(const struct bf_hook_ops *hook, const struct bf_rule *rule,
			    const struct bf_match *m)
{
	/* One scratch program for every call (100,000 rules, as many
	 * matches): its buffers are kept, emptied each time. */
	static __thread struct bf_cgen cg;
	int err, no_match;

	if (!m->ops->emit)
		return false;
	/* Whether it compiles may depend on its options, which only its
	 * emit knows: ask it, into a program that is thrown away. */
	bf_cgen_reset(&cg);
	cg.hook = hook;
	cg.ifname = "";
	cg.lbl_hotdrop = bf_label_new(&cg);
	no_match = bf_label_new(&cg);
	err = m->ops->emit(&cg, rule, m->data, no_match);
	/* Other errors (no memory) come again from the real compile. */
	return err != -EOPNOTSUPP;
}

bool bf_cgen_target_compiles(const struct bf_hook_ops *hook, const struct bf_rule *rule)
{
	static __thread struct bf_cgen cg;

	if (!rule->target.ops->emit)
		return false;
	/* As for matches: only its emit knows which options it compiles. */
	bf_cgen_reset(&cg);
	cg.hook = hook;
	cg.ifname = "";
	cg.lbl_hotdrop = bf_label_new(&cg);
	return rule->target.ops->emit(&cg, rule, rule->target.data) != -EOPNOTSUPP;
}
