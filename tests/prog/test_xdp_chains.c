/* Chain control flow at XDP, run with BPF_PROG_TEST_RUN: -j CHAIN and
 * its return to the next rule, -g CHAIN returning where the chain that
 * did the goto would have, RETURN in user and built-in chains (the
 * policy, counted), nesting deeper than BPF-to-BPF calls allow, and the
 * raw table's PREROUTING judged before filter INPUT. Every slot is
 * checked after every packet: a rule reached twice counts twice, in its
 * one slot. Expected outcomes follow ipt_do_table (xt_tables' jump
 * stack; RETURN at the bottom takes the underflow rule). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/prog_pkt.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"

#define PASS XDP_PASS
#define DROP XDP_DROP
#define UDP 17
#define FIL BF_TABLE_FILTER
#define RAW BF_TABLE_RAW
#define POLICY -1
#define END {0, NULL, 0}

/* A slot named by table, chain and rule (POLICY: the chain's policy). */
struct where {
	enum bf_table_id t;
	const char *chain;
	int rule;
};

static struct bf_chain *get_chain(struct bf_ruleset *rs, enum bf_table_id t, const char *name)
{
	struct bf_chain *c = bf_table_chain(&rs->tables[t], name);

	if (!c)
		c = bf_table_new_chain(&rs->tables[t], name);
	assert_non_null(c);
	return c;
}

/* Appends a rule: spec in prog_rule's syntax, without -j; then the
 * target: ACCEPT, DROP, RETURN, "-j CHAIN" or "-g CHAIN". */
static void add(struct bf_ruleset *rs, enum bf_table_id t, const char *chain,
		const char *spec, const char *target)
{
	char buf[256];
	struct bf_chain *c = get_chain(rs, t, chain);
	struct bf_rule *r;

	if (!strcmp(target, "ACCEPT") || !strcmp(target, "DROP")) {
		snprintf(buf, sizeof(buf), "%s -j %s", spec, target);
		r = prog_rule(buf);
		assert_non_null(r);
	} else {
		snprintf(buf, sizeof(buf), "%s -j ACCEPT", spec);
		r = prog_rule(buf);
		assert_non_null(r);
		if (!strcmp(target, "RETURN")) {
			r->target.verdict = BF_VERDICT_RETURN;
		} else {
			r->target.verdict = BF_VERDICT_JUMP;
			if (target[1] == 'g')
				r->ip.flags |= BF_F_GOTO;
			snprintf(r->target.chain, sizeof(r->target.chain), "%s", target + 3);
		}
	}
	if (t == RAW)
		bf_ruleset_use_table(rs, RAW);
	assert_int_equal(bf_chain_insert(c, c->n_rules, r), 0);
}

static int slot_of(struct bf_ruleset *rs, const struct where *w)
{
	const struct bf_table *tb = &rs->tables[w->t];
	size_t ci = bf_table_chain_index(tb, bf_table_chain(tb, w->chain));

	assert_true(ci < tb->n_chains);
	return w->rule == POLICY ? bf_policy_slot(rs, w->t, ci) : bf_rule_slot(rs, w->t, ci, w->rule);
}

/* Runs pkt: the verdict is want, and exactly the slots in `counted`
 * (END-terminated; a slot twice: two packets) counted it. */
static void check(struct bf_ruleset *rs, const struct prog *p, const char *what,
		  const struct prog_pkt *pkt, int want, const struct where *counted)
{
	uint8_t buf[PROG_PKT_MAX];
	size_t len = prog_pkt_build(pkt, buf);
	uint64_t *before = calloc(p->n_slots, sizeof(*before));
	uint64_t *add_n = calloc(p->n_slots, sizeof(*add_n));
	int ret, bad = 0;

	assert_non_null(before);
	assert_non_null(add_n);
	for (size_t s = 0; s < p->n_slots; s++)
		before[s] = prog_counter(p, s).packets;
	for (const struct where *w = counted; w->chain; w++)
		add_n[slot_of(rs, w)]++;
	ret = prog_run(p, buf, len);
	if (ret != want) {
		fprintf(stderr, "%s: returned %d, want %d\n", what, ret, want);
		bad = 1;
	}
	for (size_t s = 0; s < p->n_slots; s++) {
		struct bf_counter c = prog_counter(p, s);

		if (c.packets - before[s] != add_n[s]) {
			fprintf(stderr, "%s: slot %zu counted %llu, want %llu\n", what, s,
				(unsigned long long)(c.packets - before[s]),
				(unsigned long long)add_n[s]);
			bad = 1;
		}
	}
	free(before);
	free(add_n);
	assert_int_equal(bad, 0);
}

#define P(...) (&(struct prog_pkt){__VA_ARGS__})
#define CHECK(what, pkt, want, ...) \
	check(rs, &p, what, pkt, want, (const struct where[]){__VA_ARGS__, END})

static void load(struct bf_ruleset *rs, struct prog *p)
{
	assert_int_equal(prog_load(rs, "veth0", p), 0);
}

/* -j returns to the next rule; RETURN and the end of a user chain
 * return; a chain jumped to twice counts its rules twice. */
static void test_jump_return(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, NULL);
	struct prog p;

	add(rs, FIL, "web", "-s 198.18.0.9", "DROP");
	add(rs, FIL, "web", "-p udp --dport 53", "RETURN");
	add(rs, FIL, "web", "-p udp --dport 54", "ACCEPT");
	add(rs, FIL, "INPUT", "-p udp", "-j web");
	add(rs, FIL, "INPUT", "-p udp", "-j web");
	add(rs, FIL, "INPUT", "-p udp --dport 53", "ACCEPT");
	load(rs, &p);
	CHECK("udp 53", P(.proto = UDP, .dport = 53), PASS,
	      {FIL, "INPUT", 0}, {FIL, "web", 1}, {FIL, "INPUT", 1}, {FIL, "web", 1},
	      {FIL, "INPUT", 2});
	CHECK("udp 54", P(.proto = UDP, .dport = 54), PASS, {FIL, "INPUT", 0}, {FIL, "web", 2});
	CHECK("udp 55", P(.proto = UDP, .dport = 55), DROP,
	      {FIL, "INPUT", 0}, {FIL, "INPUT", 1}, {FIL, "INPUT", POLICY});
	CHECK("udp from .9", P(.proto = UDP, .src = "198.18.0.9"), DROP,
	      {FIL, "INPUT", 0}, {FIL, "web", 0});
	CHECK("tcp", P(.dport = 80), DROP, {FIL, "INPUT", POLICY});
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* -g: the goto'd chain returns where its caller would have: the rule
 * after the caller's -j, or the policy when the goto is in a built-in
 * chain. */
static void test_goto(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, NULL);
	struct prog p;

	add(rs, FIL, "a", "-p udp --dport 7", "-g b");
	add(rs, FIL, "a", "-p udp", "DROP");
	add(rs, FIL, "b", "-p udp --dport 8", "DROP");
	add(rs, FIL, "c", "-p tcp --dport 1", "DROP");
	add(rs, FIL, "INPUT", "-p udp", "-j a");
	add(rs, FIL, "INPUT", "-p udp --dport 7", "ACCEPT");
	add(rs, FIL, "INPUT", "-p tcp", "-g c");
	add(rs, FIL, "INPUT", "-p tcp", "ACCEPT");
	get_chain(rs, FIL, "INPUT")->policy = BF_VERDICT_ACCEPT;
	load(rs, &p);
	CHECK("udp 7", P(.proto = UDP, .dport = 7), PASS,
	      {FIL, "INPUT", 0}, {FIL, "a", 0}, {FIL, "INPUT", 1});
	CHECK("udp 9", P(.proto = UDP, .dport = 9), DROP, {FIL, "INPUT", 0}, {FIL, "a", 1});
	/* Rule 4 (DROP... ACCEPT) is skipped: the policy decides. */
	CHECK("tcp 80", P(.dport = 80), PASS, {FIL, "INPUT", 2}, {FIL, "INPUT", POLICY});
	CHECK("tcp 1", P(.dport = 1), DROP, {FIL, "INPUT", 2}, {FIL, "c", 0});
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* RETURN in a built-in chain takes its policy, counted. */
static void test_return_builtin(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, NULL);
	struct prog p;

	add(rs, FIL, "INPUT", "-p udp", "RETURN");
	add(rs, FIL, "INPUT", "", "ACCEPT");
	load(rs, &p);
	CHECK("udp", P(.proto = UDP), DROP, {FIL, "INPUT", 0}, {FIL, "INPUT", POLICY});
	CHECK("tcp", P(.dport = 80), PASS, {FIL, "INPUT", 1});
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* 20 chains deep (BPF-to-BPF calls stop at 8 frames): the verifier
 * takes it and every level returns to the one above. */
#define DEPTH 20
static void test_nest_deep(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_ACCEPT, NULL);
	struct where w[DEPTH + 3];
	char name[16], next[24], spec[64];
	struct prog p;

	for (int k = 1; k <= DEPTH; k++) {
		snprintf(name, sizeof(name), "c%d", k);
		snprintf(spec, sizeof(spec), "-p udp --dport %d", k);
		add(rs, FIL, name, spec, "DROP");
		if (k < DEPTH) {
			snprintf(next, sizeof(next), "-j c%d", k + 1);
			add(rs, FIL, name, "", next);
		}
	}
	add(rs, FIL, "c20", "-p udp --dport 100", "RETURN");
	add(rs, FIL, "c20", "-p udp", "ACCEPT");
	add(rs, FIL, "INPUT", "", "-j c1");
	add(rs, FIL, "INPUT", "-p udp --dport 100", "DROP");
	load(rs, &p);
	printf("%d chains deep: %zu insns, %u verified\n", DEPTH, p.n_insns, p.verified_insns);

	/* dport 5: down to c5's first rule. */
	static char names[DEPTH + 1][8];
	size_t n = 0;

	for (int k = 1; k <= DEPTH; k++)
		snprintf(names[k], sizeof(names[k]), "c%d", k);
	w[n++] = (struct where){FIL, "INPUT", 0};
	for (int k = 1; k < 5; k++)
		w[n++] = (struct where){FIL, names[k], 1};
	w[n++] = (struct where){FIL, names[5], 0};
	w[n] = (struct where)END;
	check(rs, &p, "udp 5", &(struct prog_pkt){.proto = UDP, .dport = 5}, DROP, w);

	/* dport 100: RETURN at the bottom, back up every level, then DROP. */
	n = 0;
	w[n++] = (struct where){FIL, "INPUT", 0};
	for (int k = 1; k < DEPTH; k++)
		w[n++] = (struct where){FIL, names[k], 1};
	w[n++] = (struct where){FIL, "c20", 1};
	w[n++] = (struct where){FIL, "INPUT", 1};
	w[n] = (struct where)END;
	check(rs, &p, "udp 100", &(struct prog_pkt){.proto = UDP, .dport = 100}, DROP, w);

	/* dport 99: ACCEPT at the bottom. */
	w[n - 2] = (struct where){FIL, "c20", 2};
	w[n - 1] = (struct where)END;
	check(rs, &p, "udp 99", &(struct prog_pkt){.proto = UDP, .dport = 99}, PASS, w);

	/* tcp: through every level and back, then the policy. */
	w[n - 2] = (struct where){FIL, "INPUT", POLICY};
	check(rs, &p, "tcp", &(struct prog_pkt){.dport = 80}, PASS, w);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* raw PREROUTING first: its DROP drops, its ACCEPT (also from a raw
 * user chain) and its ACCEPT policy go on to filter INPUT. */
static void test_raw_then_filter(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, NULL);
	struct prog p;

	add(rs, RAW, "PREROUTING", "-s 198.18.0.9", "DROP");
	add(rs, RAW, "PREROUTING", "-p udp", "ACCEPT");
	add(rs, RAW, "PREROUTING", "-p udp", "DROP");
	add(rs, RAW, "PREROUTING", "-p tcp", "-j r");
	add(rs, RAW, "r", "-p tcp --dport 23", "DROP");
	add(rs, RAW, "r", "-p tcp --dport 24", "ACCEPT");
	add(rs, FIL, "INPUT", "-p udp", "ACCEPT");
	add(rs, FIL, "INPUT", "-p tcp --dport 80", "ACCEPT");
	load(rs, &p);
	CHECK("udp", P(.proto = UDP), PASS, {RAW, "PREROUTING", 1}, {FIL, "INPUT", 0});
	CHECK("from .9", P(.proto = UDP, .src = "198.18.0.9"), DROP, {RAW, "PREROUTING", 0});
	CHECK("tcp 80", P(.dport = 80), PASS,
	      {RAW, "PREROUTING", 3}, {RAW, "PREROUTING", POLICY}, {FIL, "INPUT", 1});
	CHECK("tcp 23", P(.dport = 23), DROP, {RAW, "PREROUTING", 3}, {RAW, "r", 0});
	CHECK("tcp 24", P(.dport = 24), DROP,
	      {RAW, "PREROUTING", 3}, {RAW, "r", 1}, {FIL, "INPUT", POLICY});
	CHECK("tcp 81", P(.dport = 81), DROP,
	      {RAW, "PREROUTING", 3}, {RAW, "PREROUTING", POLICY}, {FIL, "INPUT", POLICY});
	prog_close(&p);

	/* raw policy DROP: drops, counted, before filter. */
	get_chain(rs, RAW, "PREROUTING")->policy = BF_VERDICT_DROP;
	get_chain(rs, FIL, "INPUT")->policy = BF_VERDICT_ACCEPT;
	load(rs, &p);
	CHECK("tcp 81 raw DROP", P(.dport = 81), DROP,
	      {RAW, "PREROUTING", 3}, {RAW, "PREROUTING", POLICY});
	CHECK("udp raw DROP", P(.proto = UDP), PASS, {RAW, "PREROUTING", 1}, {FIL, "INPUT", 0});
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jump_return),
		cmocka_unit_test(test_goto),
		cmocka_unit_test(test_return_builtin),
		cmocka_unit_test(test_nest_deep),
		cmocka_unit_test(test_raw_then_filter),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
