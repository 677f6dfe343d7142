/* What the XDP hook cannot compile yet. Each function below is one limit
 * and returns its reason, or NULL: lifting a limit is deleting (or
 * narrowing) one function. Until then a ruleset that meets a limit is
 * refused as a whole, never loaded in part: stored while nothing is
 * attached, refused when it has to be compiled. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgen.h"
#include "ext/ext.h"

/* Rules are compiled in the IPv4 filter INPUT chain only. */
static const char *rules_limit(const struct bf_ruleset *rs, enum bf_table_id t,
			       const struct bf_chain *c, char *buf, size_t len)
{
	if (rs->family == BF_FAMILY_IPV6)
		return "IPv6 rules are not supported at XDP yet";
	if (!c->builtin)
		return "rules in user-defined chains are not supported yet";
	if (t == BF_TABLE_RAW)
		return "rules in the raw table are not supported at XDP yet";
	if (strcmp(c->name, "INPUT")) {
		snprintf(buf, len, "rules in %s are not supported at XDP yet", c->name);
		return buf;
	}
	return NULL;
}

/* A policy other than ACCEPT only in the IPv4 filter INPUT chain: any
 * other chain with ACCEPT and no rules lets every packet through, which
 * is what not judging them does. */
static const char *policy_limit(const struct bf_ruleset *rs, enum bf_table_id t,
				const struct bf_chain *c, char *buf, size_t len)
{
	if (!c->builtin || c->policy == BF_VERDICT_ACCEPT)
		return NULL;
	if (rs->family == BF_FAMILY_IPV6) {
		snprintf(buf, len, "IPv6 policy %s is not supported at XDP yet",
			 bf_verdict_name(c->policy));
		return buf;
	}
	if (t != BF_TABLE_FILTER || strcmp(c->name, "INPUT")) {
		snprintf(buf, len, "policy %s in %s%s is not supported at XDP yet",
			 bf_verdict_name(c->policy), t == BF_TABLE_RAW ? "raw " : "", c->name);
		return buf;
	}
	return NULL;
}

static const char *target_limit(const struct bf_rule *r, char *buf, size_t len)
{
	switch (r->target.verdict) {
	case BF_VERDICT_ACCEPT:
	case BF_VERDICT_DROP:
	case BF_VERDICT_NONE:
		return NULL;
	case BF_VERDICT_RETURN:
		return "the target RETURN is not supported yet";
	case BF_VERDICT_JUMP:
		snprintf(buf, len, "%s to the user-defined chain %s is not supported yet",
			 r->ip.flags & BF_F_GOTO ? "a goto (-g)" : "a jump", r->target.chain);
		return buf;
	case BF_VERDICT_EXT:
		if (r->target.ops->emit)
			return NULL;
		snprintf(buf, len, "the target %s cannot be compiled yet", r->target.ops->name);
		return buf;
	}
	return "unknown target";
}

static const char *match_limit(const struct bf_rule *r, char *buf, size_t len)
{
	for (size_t i = 0; i < r->n_matches; i++) {
		if (!bf_cgen_match_compiles(&bf_hook_xdp, r, &r->matches[i])) {
			snprintf(buf, len, "the match \"%s\" cannot be compiled yet",
				 r->matches[i].ops->name);
			return buf;
		}
	}
	return NULL;
}

int bf_xdp_check(const struct bf_ruleset *rs)
{
	char buf[160];
	const char *why;

	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		for (size_t i = 0; i < tb->n_chains; i++) {
			const struct bf_chain *c = tb->chains[i];

			why = policy_limit(rs, (enum bf_table_id)t, c, buf, sizeof(buf));
			if (why)
				return bf_cgen_refuse(rs, (enum bf_table_id)t, c, -1, "%s", why);
			if (!c->n_rules)
				continue;
			why = rules_limit(rs, (enum bf_table_id)t, c, buf, sizeof(buf));
			if (why)
				return bf_cgen_refuse(rs, (enum bf_table_id)t, c, 0, "%s", why);
			for (size_t r = 0; r < c->n_rules; r++) {
				why = match_limit(c->rules[r], buf, sizeof(buf));
				if (!why)
					why = target_limit(c->rules[r], buf, sizeof(buf));
				if (why)
					return bf_cgen_refuse(rs, (enum bf_table_id)t, c, (long)r,
							      "%s", why);
			}
		}
	}
	return 0;
}
