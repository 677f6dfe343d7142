/* What the hooks (XDP and TC egress; the netfilter hooks) cannot compile
 * yet. Each function below is one limit and returns its reason, or NULL:
 * lifting a limit is deleting (or narrowing) one function. Until then a ruleset that meets a limit is
 * refused as a whole, never loaded in part: stored while nothing is
 * attached, refused when it has to be compiled. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/nf_hooks.h"
#include "ext/ext.h"

/* Which hook judges a chain's rules. By default XDP raw PREROUTING and
 * filter INPUT and FORWARD (route.h), TC egress raw and filter OUTPUT
 * (tc.h); with `attach --hook nf`, a netfilter hook each (nf_hooks.h). A
 * user chain is judged by every hook whose chains reach it. */
struct placement {
	/* The hook (a bit, an index into ops) of a built-in chain, 0 none. */
	unsigned int (*root)(enum bf_table_id t, const struct bf_chain *c);
	const struct bf_hook_ops *ops[BF_NF_POINTS];
	const char *where[BF_NF_POINTS];
	size_t n;
};

static unsigned int default_root(enum bf_table_id t, const struct bf_chain *c)
{
	if (!c->builtin)
		return 0;
	if (!strcmp(c->name, "OUTPUT"))
		return 2; /* TC */
	if (t == BF_TABLE_RAW)
		return !strcmp(c->name, "PREROUTING");
	return !strcmp(c->name, "INPUT") || !strcmp(c->name, "FORWARD");
}

static const struct placement default_placement = {
	.root = default_root,
	.ops = {&bf_hook_xdp, &bf_hook_tc},
	.where = {"", " at TC egress (OUTPUT)"},
	.n = 2,
};

static unsigned int nf_root(enum bf_table_id t, const struct bf_chain *c)
{
	for (int p = 0; c->builtin && p < BF_NF_POINTS; p++)
		if (bf_nf_points[p].table == t && !strcmp(bf_nf_points[p].chain, c->name))
			return 1u << p;
	return 0;
}

/* Marks chain i of tb and the chains it jumps to with hook. */
static void mark_reach(const struct bf_table *tb, size_t i, unsigned int hook, unsigned int *at)
{
	const struct bf_chain *c = tb->chains[i];

	if ((at[i] & hook) == hook)
		return;
	at[i] |= hook;
	for (size_t r = 0; r < c->n_rules; r++) {
		const struct bf_target *t = &c->rules[r]->target;
		const struct bf_chain *to;

		if (t->verdict != BF_VERDICT_JUMP)
			continue;
		to = bf_table_chain(tb, t->chain);
		if (to)
			mark_reach(tb, bf_table_chain_index(tb, to), hook, at);
	}
}

/* A policy other than ACCEPT only in the built-in chains some hook
 * judges: any other chain with ACCEPT and no rules lets every packet
 * through, which is what not judging them does. */
static const char *policy_limit(const struct placement *pl, enum bf_table_id t,
				const struct bf_chain *c, char *buf, size_t len)
{
	if (!c->builtin || c->policy == BF_VERDICT_ACCEPT || pl->root(t, c))
		return NULL;
	snprintf(buf, len, "policy %s in %s%s is not supported yet", bf_verdict_name(c->policy),
		 t == BF_TABLE_RAW ? "raw " : "", c->name);
	return buf;
}

static const char *target_limit(const struct bf_rule *r, const struct bf_hook_ops *ops,
				const char *where, char *buf, size_t len)
{
	switch (r->target.verdict) {
	case BF_VERDICT_ACCEPT:
	case BF_VERDICT_DROP:
	case BF_VERDICT_NONE:
		return NULL;
	case BF_VERDICT_RETURN:
	case BF_VERDICT_JUMP:
		return NULL;
	case BF_VERDICT_EXT:
		if (bf_cgen_target_compiles(ops, r))
			return NULL;
		snprintf(buf, len, "the target %s cannot be compiled%s yet", r->target.ops->name,
			 where);
		return buf;
	}
	return "unknown target";
}

static const char *match_limit(const struct bf_rule *r, const struct bf_hook_ops *ops,
			       const char *where, char *buf, size_t len)
{
	for (size_t i = 0; i < r->n_matches; i++) {
		if (!bf_cgen_match_compiles(ops, r, &r->matches[i])) {
			snprintf(buf, len, "the match \"%s\" cannot be compiled%s yet",
				 r->matches[i].ops->name, where);
			return buf;
		}
	}
	return NULL;
}

/* The first reason rule r cannot be compiled by a hook that judges it. */
static const char *rule_limit(const struct placement *pl, const struct bf_rule *r,
			      unsigned int at, char *buf, size_t len)
{
	const char *why = NULL;

	for (size_t h = 0; !why && h < pl->n; h++) {
		if (!(at & (1u << h)))
			continue;
		why = match_limit(r, pl->ops[h], pl->where[h], buf, len);
		if (!why)
			why = target_limit(r, pl->ops[h], pl->where[h], buf, len);
	}
	return why;
}

/* User chains are inlined at every rule that reaches them (flow.h): the
 * code grows with the number of paths, not of rules, so a few chains can
 * ask for an exponential program. Bounded where the verifier still takes
 * it: 16000 inlined one-test rules load (256k insns, ~45 s of verifier
 * on this kernel), 30000 do not ("sequence of 8193 jumps is too
 * complex"). Rules with several tests meet that limit sooner, inlined or
 * not (rule.c). */
#define BF_INLINED_RULES_MAX 16384

/* Marks the rules of c that a classifier stage judges (plan/classify.h):
 * they are no linear code, however many. */
static void staged_rules(const struct bf_chain *c, enum bf_classify_mode mode, bool *staged)
{
	size_t r = 0;

	while (r < c->n_rules) {
		size_t end = r;
		bool st;

		while (end < c->n_rules && bf_class_rule_classifiable(c->rules[end]))
			end++;
		st = bf_class_run_staged(mode, end - r);
		for (size_t i = r; i < end; i++)
			staged[i] = st;
		if (end == r)
			staged[end++] = false;
		r = end;
	}
}

/* Rules emitted for chain i of tb and the chains it reaches, from rule
 * `from` on; memo[i] caches whole chains (0: not yet, -1: being walked).
 * Returns the first rule where the count passes the bound (or meets a
 * loop: the front end refuses them, as the kernel does), via *bad. */
static long inlined_rules(const struct bf_table *tb, size_t i, enum bf_classify_mode mode,
			  long *memo, size_t *bad)
{
	const struct bf_chain *c = tb->chains[i];
	long n = 0;

	bool *staged;

	if (memo[i] > 0)
		return memo[i] - 1;
	if (memo[i] < 0)
		return -1;
	staged = calloc(c->n_rules + 1, sizeof(*staged));
	if (!staged) {
		*bad = 0;
		return -1;
	}
	staged_rules(c, mode, staged);
	memo[i] = -1;
	for (size_t r = 0; r < c->n_rules; r++) {
		const struct bf_target *t = &c->rules[r]->target;
		const struct bf_chain *to;
		size_t ignored;
		long sub = 0;

		if (t->verdict == BF_VERDICT_JUMP) {
			to = bf_table_chain(tb, t->chain);
			sub = to ? inlined_rules(tb, bf_table_chain_index(tb, to), mode, memo, &ignored)
				 : -1;
		}
		n += !staged[r] + sub;
		if (sub < 0 || n > BF_INLINED_RULES_MAX) {
			*bad = r;
			free(staged);
			return -1;
		}
	}
	free(staged);
	memo[i] = n + 1;
	return n;
}

static int inline_limit(const struct bf_ruleset *rs, enum bf_table_id t, const char *name,
			enum bf_classify_mode mode)
{
	const struct bf_table *tb = &rs->tables[t];
	const struct bf_chain *c = bf_table_chain(tb, name);
	size_t bad = 0;
	long *memo, n;

	if (!c)
		return 0;
	memo = calloc(tb->n_chains, sizeof(*memo));
	if (!memo)
		return -ENOMEM;
	n = inlined_rules(tb, bf_table_chain_index(tb, c), mode, memo, &bad);
	free(memo);
	if (n >= 0)
		return 0;
	return bf_cgen_refuse(rs, t, c, (long)bad,
			      "with the user-defined chains they reach, rules 1 to here inline to more than %d rules",
			      BF_INLINED_RULES_MAX);
}

/* FORWARD where conntrack is on: the stack then reassembles forwarded
 * fragments before FORWARD, and conntrack's state needs a netfilter
 * stage at FORWARD, which there is not yet. */
static int forward_ct_limit(const struct bf_ruleset *rs)
{
	const struct bf_chain *c = bf_table_chain(&rs->tables[BF_TABLE_FILTER], "FORWARD");

	if (!c || (!c->n_rules && c->policy == BF_VERDICT_ACCEPT) || !bf_ruleset_uses_ct(rs))
		return 0;
	return bf_cgen_refuse(rs, BF_TABLE_FILTER, c, c->n_rules ? 0 : -1,
			      "FORWARD rules or policy with conntrack in the same ruleset are "
			      "not supported at XDP yet");
}

/* Each table's chains and what reaches them, then every limit above. */
static int check_table(const struct placement *pl, const struct bf_ruleset *rs,
		       enum bf_table_id t)
{
	const struct bf_table *tb = &rs->tables[t];
	unsigned int *at = calloc(tb->n_chains + 1, sizeof(*at));
	char buf[160];
	const char *why;
	int err = 0;

	if (!at)
		return -ENOMEM;
	for (size_t i = 0; i < tb->n_chains; i++)
		if (pl->root(t, tb->chains[i]))
			mark_reach(tb, i, pl->root(t, tb->chains[i]), at);
	for (size_t i = 0; !err && i < tb->n_chains; i++) {
		const struct bf_chain *c = tb->chains[i];

		why = policy_limit(pl, t, c, buf, sizeof(buf));
		if (why) {
			err = bf_cgen_refuse(rs, t, c, -1, "%s", why);
			break;
		}
		for (size_t r = 0; r < c->n_rules; r++) {
			why = rule_limit(pl, c->rules[r], at[i], buf, sizeof(buf));
			if (why) {
				err = bf_cgen_refuse(rs, t, c, (long)r, "%s", why);
				break;
			}
		}
	}
	free(at);
	return err;
}

int bf_cgen_check(const struct bf_ruleset *rs)
{
	int err = 0;

	for (int t = 0; !err && t < BF_TABLE_MAX; t++)
		err = check_table(&default_placement, rs, (enum bf_table_id)t);
	if (!err)
		err = forward_ct_limit(rs);
	if (!err)
		err = inline_limit(rs, BF_TABLE_RAW, "PREROUTING", bf_classify_mode);
	if (!err)
		err = inline_limit(rs, BF_TABLE_FILTER, "INPUT", bf_classify_mode);
	if (!err)
		err = inline_limit(rs, BF_TABLE_FILTER, "FORWARD", bf_classify_mode);
	/* TC egress compiles its chains linearly (tc.h). */
	if (!err)
		err = inline_limit(rs, BF_TABLE_RAW, "OUTPUT", BF_CLASSIFY_OFF);
	return err ? err : inline_limit(rs, BF_TABLE_FILTER, "OUTPUT", BF_CLASSIFY_OFF);
}

int bf_cgen_check_nf(const struct bf_ruleset *rs)
{
	static struct placement nf;
	int err = 0;

	if (!nf.n) {
		nf.root = nf_root;
		for (int p = 0; p < BF_NF_POINTS; p++) {
			nf.ops[p] = bf_nf_point_ops((enum bf_nf_point)p);
			nf.where[p] = " at this netfilter hook";
		}
		nf.n = BF_NF_POINTS;
	}
	for (int t = 0; !err && t < BF_TABLE_MAX; t++)
		err = check_table(&nf, rs, (enum bf_table_id)t);
	/* Linear programs (nf_hooks.h). */
	for (int p = 0; !err && p < BF_NF_POINTS; p++)
		err = inline_limit(rs, bf_nf_points[p].table, bf_nf_points[p].chain,
				   BF_CLASSIFY_OFF);
	return err;
}
