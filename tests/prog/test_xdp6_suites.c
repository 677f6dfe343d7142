/* The IPv6 and VLAN suites (tests/lib/prog_suites6.c) through the
 * compiled XDP program: each suite's ruleset (real front end, filter
 * INPUT and chain U) compiled together with a small ruleset of the other
 * family, so that IPv6's counter slots follow IPv4's; every case's verdict
 * and exactly the counters it must move are checked. test_xdp_oracle
 * checks the same suites against ip6tables-legacy / iptables-legacy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "front/front.h"
#include "lib/prog_pkt6.h"
#include "lib/prog_run.h"
#include "lib/prog_suites.h"

static struct bf_ruleset *ruleset(enum bf_family family, enum bf_verdict policy,
				  const char *const *rules, const char *const *user)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);
	struct bf_strbuf text = {0};

	assert_non_null(rs);
	bf_strbuf_printf(&text, "*filter\n:INPUT %s [0:0]\n", bf_verdict_name(policy));
	if (user)
		bf_strbuf_puts(&text, ":U - [0:0]\n");
	for (size_t i = 0; rules[i]; i++)
		bf_strbuf_printf(&text, "-A INPUT %s\n", rules[i]);
	for (size_t i = 0; user && user[i]; i++)
		bf_strbuf_printf(&text, "-A U %s\n", user[i]);
	bf_strbuf_puts(&text, "COMMIT\n");
	if (bf_restore_parse(text.s, rs, false, false)) {
		fprintf(stderr, "the front end refused:\n%s", text.s);
		fail();
	}
	bf_strbuf_free(&text);
	return rs;
}

static const char *const other4[] = {"-s 198.18.9.9 -j DROP", NULL};
static const char *const other6[] = {"-s 2001:db8::9:9 -j DROP", NULL};

struct loaded {
	struct bf_ruleset *rs, *other;
	size_t base; /* the suite's first slot */
	struct prog p;
};

static void load(const struct prog_suite6 *s, struct loaded *l)
{
	bool v6 = s->family == BF_FAMILY_IPV6;
	struct bf_cgen cg;

	l->rs = ruleset(s->family, s->policy, s->rules, s->user);
	l->other = ruleset(v6 ? BF_FAMILY_IPV4 : BF_FAMILY_IPV6, BF_VERDICT_ACCEPT,
			   v6 ? other4 : other6, NULL);
	l->base = v6 ? bf_ruleset_n_slots(l->other) : 0;
	bf_cgen_init(&cg);
	assert_int_equal(bf_cgen_compile(&cg, v6 ? l->other : l->rs, v6 ? l->rs : l->other,
					 &bf_hook_xdp, PROG_IFNAME), 0);
	assert_int_equal(prog_load_cgen(&cg, bf_cgen_n_slots(l->rs, l->other), &l->p), 0);
	bf_cgen_free(&cg);
}

static int slot_of(const struct loaded *l, const char *chain, int rule)
{
	const struct bf_table *t = &l->rs->tables[BF_TABLE_FILTER];
	const struct bf_chain *c = bf_table_chain(t, chain);
	size_t idx = bf_table_chain_index(t, c);

	if (rule == PROG_POLICY)
		return (int)l->base + bf_policy_slot(l->rs, BF_TABLE_FILTER, idx);
	return (int)l->base + bf_rule_slot(l->rs, BF_TABLE_FILTER, idx, (size_t)rule);
}

static int check_case(const struct loaded *l, const char *suite, const struct prog_case6 *c)
{
	size_t n = l->p.n_slots;
	struct bf_counter *before = calloc(n, sizeof(*before));
	uint8_t buf[PROG_PKT_MAX];
	uint64_t bytes;
	size_t len = prog_pkt6_build(&c->pkt, buf, &bytes);
	int want[3], n_want = 0, failed = 0, ret;

	assert_non_null(before);
	for (size_t i = 0; i < n; i++)
		before[i] = prog_counter(&l->p, i);
	if (c->rule != PROG_UNCOUNTED)
		want[n_want++] = slot_of(l, "INPUT", c->rule);
	if (c->via)
		want[n_want++] = slot_of(l, "INPUT", c->via - 1);
	if (c->urule)
		want[n_want++] = slot_of(l, "U", c->urule - 1);
	ret = prog_run(&l->p, buf, len);
	if (ret != c->ret) {
		fprintf(stderr, "%s: %s: returned %d, want %d\n", suite, c->what, ret, c->ret);
		failed = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct bf_counter now = prog_counter(&l->p, i);
		uint64_t dp = now.packets - before[i].packets, db = now.bytes - before[i].bytes;
		uint64_t wp = 0, wb = 0;

		for (int k = 0; k < n_want; k++) {
			if (want[k] == (int)i) {
				wp = 1;
				wb = bytes;
			}
		}
		if (dp != wp || db != wb) {
			fprintf(stderr, "%s: %s: slot %zu counted %llu/%llu, want %llu/%llu\n", suite,
				c->what, i, (unsigned long long)dp, (unsigned long long)db,
				(unsigned long long)wp, (unsigned long long)wb);
			failed = 1;
		}
	}
	free(before);
	return failed;
}

static void run_suite(void **state)
{
	const struct prog_suite6 *s = *state;
	struct loaded l;
	int failed = 0;

	load(s, &l);
	for (size_t i = 0; i < s->n_cases; i++)
		failed += check_case(&l, s->name, &s->cases[i]);
	prog_close(&l.p);
	bf_ruleset_free(l.rs);
	bf_ruleset_free(l.other);
	assert_int_equal(failed, 0);
}

/* Where the program knowingly differs from ip6tables (so no oracle):
 * a chain of more than 16 extension headers is not walked to its end; a
 * rule that needs the walk (-p, or an extension-header match) drops the
 * packet uncounted, as for a chain that cannot be read, while rules that
 * do not need it still judge it. ip6tables would find TCP here. A frame
 * with more than two VID 0 tags is dropped unjudged (xdp.c). */
/* Chains of destination options headers (8 bytes each). */
#define DST1 {.type = 60}
#define DST4 DST1, DST1, DST1, DST1
#define DST16 DST4, DST4, DST4, DST4

static void fail_closed(void **state)
{
	static const char *const rules[] = {
		"-s 2001:db8::99 -j ACCEPT",
		"-s 2001:db8::98 -m ipv6header --header dst --soft -j ACCEPT",
		"-s 2001:db8::98 -j ACCEPT", /* what a no-match would reach */
		"-p tcp -j ACCEPT",
		NULL,
	};
	struct prog_case6 c[] = {
		CASE6("17 headers: rule with -p drops", XDP_DROP, PROG_UNCOUNTED,
		      .ext = {DST16, DST1}, .n_ext = 17),
		CASE6("17 headers from ::99: accepted", XDP_PASS, 0, .src = "2001:db8::99",
		      .ext = {DST16, DST1}, .n_ext = 17),
		/* ipv6header walks on where the kernel would read a 17th. */
		CASE6("17 headers from ::98: ipv6header drops", XDP_DROP, PROG_UNCOUNTED,
		      .src = "2001:db8::98",
		      .ext = {DST16, DST1}, .n_ext = 17),
		CASE6("16 headers from ::98: ipv6header matches", XDP_PASS, 1, .src = "2001:db8::98",
		      .ext = {DST16}, .n_ext = 16),
		CASE6("16 headers: judged", XDP_PASS, 3,
		      .ext = {DST16}, .n_ext = 16),
		/* Three VID 0 tags (the kernel strips any number): dropped. */
		CASE6("3 priority tags: dropped", XDP_DROP, PROG_UNCOUNTED, .src = "2001:db8::99",
		      .n_vlan = 3),
	};
	const struct prog_suite6 s = {"fail_closed", BF_FAMILY_IPV6, rules, NULL,
				      BF_VERDICT_DROP, c, sizeof(c) / sizeof(c[0])};
	struct loaded l;
	int failed = 0;

	load(&s, &l);
	for (size_t i = 0; i < s.n_cases; i++)
		failed += check_case(&l, s.name, &c[i]);
	prog_close(&l.p);
	bf_ruleset_free(l.rs);
	bf_ruleset_free(l.other);
	assert_int_equal(failed, 0);
}

int main(void)
{
	struct CMUnitTest *tests = calloc(prog_n_suites6 + 1, sizeof(*tests));

	prog_need_root();
	if (!tests)
		return 1;
	for (size_t i = 0; i < prog_n_suites6; i++) {
		tests[i].name = prog_suites6[i].name;
		tests[i].test_func = run_suite;
		tests[i].initial_state = (void *)&prog_suites6[i];
	}
	tests[prog_n_suites6].name = "fail_closed";
	tests[prog_n_suites6].test_func = fail_closed;
	return _cmocka_run_group_tests("xdp6_suites", tests, prog_n_suites6 + 1, NULL, NULL);
}
