/* What the code generator cannot compile yet is refused as a whole, with
 * a message naming table, chain, rule and reason, and nothing emitted;
 * both families compile into one program, IPv6's counter slots after
 * IPv4's. No kernel needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "ext/ext.h"
#include "lib/prog_rules.h"

static struct bf_strbuf logged;

static void log_cb(enum bf_log_level level, const char *msg, void *data)
{
	if (level == BF_LOG_ERR)
		bf_strbuf_printf(&logged, "%s\n", msg);
}

/* Extensions standing for those not compiled yet. */
static int emit_no(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	return -EOPNOTSUPP;
}

/* Compiles when its data says so: whether a match compiles may depend on
 * its options. */
static int emit_if(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	if (!*(const int *)data)
		return -EOPNOTSUPP;
	bf_emit_jump(cg, BPF_JMP_A(0), no_match);
	return 0;
}

static const struct bf_match_ops no_emit = {
	.name = "conntrack", .families = BF_BOTH_FAMILIES, .size = sizeof(int),
};
static const struct bf_match_ops says_no = {
	.name = "limit", .families = BF_BOTH_FAMILIES, .size = sizeof(int), .emit = emit_no,
};
static const struct bf_match_ops depends = {
	.name = "length", .families = BF_BOTH_FAMILIES, .size = sizeof(int), .emit = emit_if,
};
/* Compiles at XDP, not at TC egress (as REJECT does). */
static int emit_not_tc(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		       int no_match)
{
	if (cg->hook == &bf_hook_tc)
		return -EOPNOTSUPP;
	bf_emit_jump(cg, BPF_JMP_A(0), no_match);
	return 0;
}
static const struct bf_match_ops not_tc = {
	.name = "mark", .families = BF_BOTH_FAMILIES, .size = sizeof(int), .emit = emit_not_tc,
};
static const struct bf_target_ops reject = {
	.name = "REJECT", .families = BF_BOTH_FAMILIES, .size = sizeof(int),
};

static struct bf_chain *chain(struct bf_ruleset *rs, enum bf_table_id t, const char *name)
{
	struct bf_chain *c = bf_table_chain(&rs->tables[t], name);

	assert_non_null(c);
	return c;
}

/* A user-defined chain, as the front end makes one (freed with rs). */
static struct bf_chain *user_chain(struct bf_ruleset *rs, const char *name)
{
	struct bf_table *t = &rs->tables[BF_TABLE_FILTER];
	struct bf_chain *c = calloc(1, sizeof(*c)), **chains;

	assert_non_null(c);
	chains = realloc(t->chains, (t->n_chains + 1) * sizeof(*chains));
	assert_non_null(chains);
	t->chains = chains;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->old_slot = -1;
	t->chains[t->n_chains++] = c;
	return c;
}

static struct bf_rule *rule(enum bf_family f, enum bf_verdict v)
{
	struct bf_rule *r = bf_rule_new();

	assert_non_null(r);
	r->ip.family = f;
	r->target.verdict = v;
	return r;
}

static void add(struct bf_chain *c, struct bf_rule *r)
{
	assert_int_equal(bf_chain_insert(c, c->n_rules, r), 0);
}

/* Compiles v4 and v6; returns the error, the message in `logged`. */
static int compile(const struct bf_ruleset *v4, const struct bf_ruleset *v6)
{
	struct bf_cgen cg;
	int err;

	bf_strbuf_reset(&logged);
	bf_cgen_init(&cg);
	err = bf_cgen_compile(&cg, v4, v6, &bf_hook_xdp, "veth0");
	if (err)
		/* Refused before anything was emitted. */
		assert_int_equal(cg.len, 0);
	bf_cgen_free(&cg);
	return err;
}

static void refused(const struct bf_ruleset *v4, const struct bf_ruleset *v6, const char *msg)
{
	char want[512];

	assert_int_equal(compile(v4, v6), -EOPNOTSUPP);
	snprintf(want, sizeof(want), "%s\n", msg);
	assert_string_equal(bf_strbuf_str(&logged), want);
}

/* A ruleset with one INPUT rule that compiles, so that refusals below
 * come from what is added. */
static struct bf_ruleset *v4_base(void)
{
	static const char *const rules[] = {"-p tcp --dport 22 -j ACCEPT", NULL};

	return prog_ruleset(BF_VERDICT_DROP, rules);
}

static void test_compiles(void **state)
{
	struct bf_ruleset *v4 = v4_base(), *v6 = bf_ruleset_new(BF_FAMILY_IPV6);

	assert_non_null(v6);
	/* Rule without target, DROP, NONE; an empty user chain; the raw
	 * table present; ACCEPT policies everywhere else. */
	add(chain(v4, BF_TABLE_FILTER, "INPUT"), rule(BF_FAMILY_IPV4, BF_VERDICT_NONE));
	add(chain(v4, BF_TABLE_FILTER, "INPUT"), rule(BF_FAMILY_IPV4, BF_VERDICT_DROP));
	user_chain(v4, "empty");
	user_chain(v6, "empty6");
	v4->tables[BF_TABLE_RAW].present = true;
	assert_int_equal(compile(v4, v6), 0);
	assert_int_equal(compile(v4, NULL), 0);
	assert_int_equal(compile(NULL, v6), 0);
	assert_int_equal(compile(NULL, NULL), 0);
	/* Families in their places only. */
	assert_int_equal(compile(v6, NULL), -EINVAL);
	assert_int_equal(compile(v4, v4), -EINVAL);
	bf_ruleset_free(v4);
	bf_ruleset_free(v6);
}

static void test_chains(void **state)
{
	struct bf_ruleset *v4 = v4_base();

	add(chain(v4, BF_TABLE_FILTER, "INPUT"), rule(BF_FAMILY_IPV4, BF_VERDICT_ACCEPT));
	/* FORWARD compiles (the routing decision, cgen/route.h). */
	add(chain(v4, BF_TABLE_FILTER, "FORWARD"), rule(BF_FAMILY_IPV4, BF_VERDICT_DROP));
	assert_int_equal(compile(v4, NULL), 0);
	bf_chain_flush(chain(v4, BF_TABLE_FILTER, "FORWARD"));

	/* OUTPUT and raw OUTPUT compile too, for TC egress (cgen/tc.h). */
	add(chain(v4, BF_TABLE_FILTER, "OUTPUT"), rule(BF_FAMILY_IPV4, BF_VERDICT_NONE));
	add(chain(v4, BF_TABLE_RAW, "OUTPUT"), rule(BF_FAMILY_IPV4, BF_VERDICT_DROP));
	v4->tables[BF_TABLE_RAW].present = true;
	assert_int_equal(compile(v4, NULL), 0);
	bf_chain_flush(chain(v4, BF_TABLE_FILTER, "FORWARD"));
	bf_chain_flush(chain(v4, BF_TABLE_FILTER, "OUTPUT"));
	bf_chain_flush(chain(v4, BF_TABLE_RAW, "OUTPUT"));
	add(chain(v4, BF_TABLE_RAW, "PREROUTING"), rule(BF_FAMILY_IPV4, BF_VERDICT_DROP));
	assert_int_equal(compile(v4, NULL), 0);

	/* User chains compile, reached or not. */
	add(user_chain(v4, "web"), rule(BF_FAMILY_IPV4, BF_VERDICT_ACCEPT));
	assert_int_equal(compile(v4, NULL), 0);
	bf_ruleset_free(v4);
}

/* User chains are inlined at each rule that reaches them: a nest where
 * every level jumps twice to the next doubles per level, and is refused
 * at the INPUT rule that passes the bound. */
static void test_inline_bound(void **state)
{
	struct bf_ruleset *v4 = v4_base();
	char name[16];

	for (int k = 0; k < 16; k++) {
		struct bf_chain *c = user_chain(v4, (snprintf(name, sizeof(name), "c%d", k), name));

		for (int j = 0; j < 2; j++) {
			struct bf_rule *r = rule(BF_FAMILY_IPV4, BF_VERDICT_DROP);

			if (k < 15) {
				r->target.verdict = BF_VERDICT_JUMP;
				snprintf(r->target.chain, sizeof(r->target.chain), "c%d", k + 1);
			}
			add(c, r);
		}
	}
	/* From c3: 2 + 4 + ... + 2^13 rules: with INPUT's 2, just the bound. */
	{
		struct bf_rule *r = rule(BF_FAMILY_IPV4, BF_VERDICT_JUMP);

		snprintf(r->target.chain, sizeof(r->target.chain), "c3");
		add(chain(v4, BF_TABLE_FILTER, "INPUT"), r);
	}
	assert_int_equal(compile(v4, NULL), 0);
	{
		struct bf_rule *r = rule(BF_FAMILY_IPV4, BF_VERDICT_JUMP);

		snprintf(r->target.chain, sizeof(r->target.chain), "c2");
		add(chain(v4, BF_TABLE_FILTER, "INPUT"), r);
	}
	refused(v4, NULL, "cannot compile rule 3 of chain INPUT (table filter): "
		"with the user-defined chains they reach, rules 1 to here inline to "
		"more than 16384 rules");
	bf_ruleset_free(v4);
}

static void test_policies(void **state)
{
	struct bf_ruleset *v4 = v4_base(), *v6 = bf_ruleset_new(BF_FAMILY_IPV6);

	assert_non_null(v6);
	chain(v4, BF_TABLE_FILTER, "FORWARD")->policy = BF_VERDICT_DROP;
	assert_int_equal(compile(v4, NULL), 0);
	chain(v4, BF_TABLE_FILTER, "FORWARD")->policy = BF_VERDICT_ACCEPT;
	/* OUTPUT's at TC egress. */
	chain(v4, BF_TABLE_FILTER, "OUTPUT")->policy = BF_VERDICT_DROP;
	chain(v4, BF_TABLE_RAW, "OUTPUT")->policy = BF_VERDICT_DROP;
	assert_int_equal(compile(v4, NULL), 0);
	/* raw PREROUTING's policy is judged ahead of filter INPUT. */
	chain(v4, BF_TABLE_RAW, "PREROUTING")->policy = BF_VERDICT_DROP;
	v4->tables[BF_TABLE_RAW].present = true;
	assert_int_equal(compile(v4, v6), 0);

	/* IPv6 as IPv4. */
	chain(v6, BF_TABLE_FILTER, "INPUT")->policy = BF_VERDICT_DROP;
	chain(v6, BF_TABLE_FILTER, "FORWARD")->policy = BF_VERDICT_DROP;
	chain(v6, BF_TABLE_FILTER, "OUTPUT")->policy = BF_VERDICT_DROP;
	assert_int_equal(compile(v4, v6), 0);
	bf_ruleset_free(v4);
	bf_ruleset_free(v6);
}

static void test_ipv6_rules(void **state)
{
	struct bf_ruleset *v4 = v4_base(), *v6 = bf_ruleset_new(BF_FAMILY_IPV6);
	struct bf_rule *r;

	assert_non_null(v6);
	add(chain(v6, BF_TABLE_FILTER, "INPUT"), rule(BF_FAMILY_IPV6, BF_VERDICT_ACCEPT));
	assert_int_equal(compile(v4, v6), 0);
	assert_int_equal(compile(NULL, v6), 0);
	add(chain(v6, BF_TABLE_FILTER, "OUTPUT"), rule(BF_FAMILY_IPV6, BF_VERDICT_ACCEPT));
	assert_int_equal(compile(NULL, v6), 0);
	/* IPv4 is checked first. */
	r = rule(BF_FAMILY_IPV6, BF_VERDICT_DROP);
	assert_non_null(bf_rule_add_match(r, &not_tc));
	add(chain(v6, BF_TABLE_FILTER, "OUTPUT"), r);
	r = rule(BF_FAMILY_IPV4, BF_VERDICT_DROP);
	assert_non_null(bf_rule_add_match(r, &not_tc));
	add(chain(v4, BF_TABLE_FILTER, "OUTPUT"), r);
	refused(v4, v6, "cannot compile rule 1 of chain OUTPUT (table filter): "
		"the match \"mark\" cannot be compiled at TC egress (OUTPUT) yet");
	bf_ruleset_free(v4);
	bf_ruleset_free(v6);
}

/* Each hook checks the chains it judges: a match that compiles at XDP and
 * not at TC egress is refused where OUTPUT reaches it, directly or through
 * a user chain, and only there. */
static void test_reach(void **state)
{
	struct bf_ruleset *v4 = v4_base();
	struct bf_chain *web = user_chain(v4, "web"), *out = chain(v4, BF_TABLE_FILTER, "OUTPUT");
	struct bf_rule *r;

	r = rule(BF_FAMILY_IPV4, BF_VERDICT_DROP);
	assert_non_null(bf_rule_add_match(r, &not_tc));
	add(web, r);
	r = rule(BF_FAMILY_IPV4, BF_VERDICT_JUMP);
	snprintf(r->target.chain, sizeof(r->target.chain), "web");
	add(chain(v4, BF_TABLE_FILTER, "INPUT"), r);
	assert_int_equal(compile(v4, NULL), 0);
	r = rule(BF_FAMILY_IPV4, BF_VERDICT_JUMP);
	snprintf(r->target.chain, sizeof(r->target.chain), "web");
	add(out, r);
	refused(v4, NULL, "cannot compile rule 1 of chain web (table filter): "
		"the match \"mark\" cannot be compiled at TC egress (OUTPUT) yet");
	bf_chain_delete(out, 0);
	assert_int_equal(compile(v4, NULL), 0);
	bf_ruleset_free(v4);
}

static void test_targets(void **state)
{
	struct bf_ruleset *v4 = v4_base();
	struct bf_chain *in = chain(v4, BF_TABLE_FILTER, "INPUT");
	struct bf_rule *r;

	/* RETURN, -j and -g compile (inlined). */
	user_chain(v4, "web");
	add(in, rule(BF_FAMILY_IPV4, BF_VERDICT_RETURN));
	assert_int_equal(compile(v4, NULL), 0);
	bf_chain_delete(in, 1);

	r = rule(BF_FAMILY_IPV4, BF_VERDICT_JUMP);
	snprintf(r->target.chain, sizeof(r->target.chain), "web");
	add(in, r);
	assert_int_equal(compile(v4, NULL), 0);
	r->ip.flags |= BF_F_GOTO;
	assert_int_equal(compile(v4, NULL), 0);
	bf_chain_delete(in, 1);

	r = rule(BF_FAMILY_IPV4, BF_VERDICT_NONE);
	assert_int_equal(bf_rule_set_target_ext(r, &reject), 0);
	add(in, r);
	refused(v4, NULL, "cannot compile rule 2 of chain INPUT (table filter): "
		"the target REJECT cannot be compiled yet");
	bf_ruleset_free(v4);
}

static void test_matches(void **state)
{
	struct bf_ruleset *v4 = v4_base();
	struct bf_chain *in = chain(v4, BF_TABLE_FILTER, "INPUT");
	struct bf_rule *r;
	struct bf_match *m;

	r = rule(BF_FAMILY_IPV4, BF_VERDICT_DROP);
	assert_non_null(bf_rule_add_match(r, &no_emit));
	add(in, r);
	refused(v4, NULL, "cannot compile rule 2 of chain INPUT (table filter): "
		"the match \"conntrack\" cannot be compiled yet");
	bf_chain_delete(in, 1);

	r = rule(BF_FAMILY_IPV4, BF_VERDICT_DROP);
	assert_non_null(bf_rule_add_match(r, &says_no));
	add(in, r);
	refused(v4, NULL, "cannot compile rule 2 of chain INPUT (table filter): "
		"the match \"limit\" cannot be compiled yet");
	bf_chain_delete(in, 1);

	/* Refused by its options, also when the rule never matches on the
	 * interface compiled for: the same on every interface. */
	r = rule(BF_FAMILY_IPV4, BF_VERDICT_DROP);
	snprintf(r->ip.iniface, sizeof(r->ip.iniface), "other0");
	m = bf_rule_add_match(r, &depends);
	assert_non_null(m);
	add(in, r);
	refused(v4, NULL, "cannot compile rule 2 of chain INPUT (table filter): "
		"the match \"length\" cannot be compiled yet");
	*(int *)m->data = 1;
	assert_int_equal(compile(v4, NULL), 0);
	bf_ruleset_free(v4);
}

/* One counters map: IPv4's slots, then IPv6's. */
static void test_slots(void **state)
{
	struct bf_ruleset *v4 = v4_base(), *v6 = bf_ruleset_new(BF_FAMILY_IPV6);
	size_t n4 = bf_ruleset_n_slots(v4), n6;

	assert_non_null(v6);
	n6 = bf_ruleset_n_slots(v6);
	assert_int_equal(bf_cgen_n_slots(v4, v6), n4 + n6);
	assert_int_equal(bf_cgen_n_slots(v4, NULL), n4);
	assert_int_equal(bf_cgen_n_slots(NULL, v6), n6);
	assert_int_equal(bf_cgen_n_slots(NULL, NULL), 0);
	bf_ruleset_free(v4);
	bf_ruleset_free(v6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compiles),
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_inline_bound),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_ipv6_rules),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_slots),
	};
	int rc;

	bf_log_set(log_cb, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	bf_strbuf_free(&logged);
	return rc;
}
