/* The suites of tcp options, mac, esp, ah and statistic (prog_more_suites
 * in tests/lib/prog_suites_more.c) through the compiled XDP program, as
 * test_xdp_matches runs prog_match_suites: the rules through the real
 * front end into raw PREROUTING (as the oracle judges them), each case's verdict and counter checked
 * with BPF_PROG_TEST_RUN. test_xdp_oracle checks the same suites against
 * iptables-legacy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>

#include "lib/prog_pkt6.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "lib/prog_suites.h"


static struct bf_ruleset *suite_ruleset(const struct prog_suite *s, enum bf_family family)
{
	struct bf_ruleset *rs = prog_ruleset_raw_front(family, s->policy, s->rules);

	assert_non_null(rs);
	return rs;
}

static void run_suite(void **state)
{
	const struct prog_suite *s = *state;
	struct bf_ruleset *rs = suite_ruleset(s, BF_FAMILY_IPV4);
	struct prog p;
	int failed = 0;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	printf("%s: %zu instructions, %u verified\n", s->name, p.n_insns, p.verified_insns);
	for (size_t i = 0; i < s->n_cases; i++) {
		if (prog_check_raw_case(&p, rs, &s->cases[i]))
			failed++;
	}
	prog_close(&p);
	bf_ruleset_free(rs);
	assert_int_equal(failed, 0);
}

/* The IPv6 suites (prog_more_suites6): the ip6tables ruleset compiled
 * alone, so its slots start at 0. */
static void run_suite6(void **state)
{
	const struct prog_suite6 *s = *state;
	struct prog_suite s4 = {.name = s->name, .rules = s->rules, .policy = s->policy};
	struct bf_ruleset *rs = suite_ruleset(&s4, s->family);
	struct prog p;
	int failed = 0;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	printf("%s: %zu instructions, %u verified\n", s->name, p.n_insns, p.verified_insns);
	for (size_t i = 0; i < s->n_cases; i++) {
		const struct prog_case6 *c = &s->cases[i];
		int slot = c->rule == PROG_UNCOUNTED ? -1 :
			   c->rule == PROG_POLICY ? prog_raw_policy_slot(rs) :
			   prog_raw_rule_slot(rs, (size_t)c->rule);
		uint8_t buf[PROG_PKT_MAX];
		uint64_t bytes;
		size_t len = prog_pkt6_build(&c->pkt, buf, &bytes);
		/* Raw lets it on to filter INPUT, whose ACCEPT policy counts
		 * it (IPv6 fragments too: INPUT sees them one by one). */
		int also = slot >= 0 && c->ret == XDP_PASS ? prog_policy_slot(rs) : -1;

		if (prog_check2(&p, c->what, buf, len, c->ret, slot, also, bytes))
			failed++;
	}
	prog_close(&p);
	bf_ruleset_free(rs);
	assert_int_equal(failed, 0);
}

/* statistic --mode random between its edges: RUNS runs of one frame
 * through "-p tcp -m statistic --mode random [!] --probability 0.25".
 * The matches are binomial (RUNS, p): standard deviation sqrt(RUNS p
 * (1 - p)) = 137 for p = 0.25; the tolerance, 1000, is 7.3 of them (a
 * false failure about once in 10^12 runs), while a probability off by
 * 0.01 (e.g. a wrong scaling or comparison) is already 1000 away. */
#define RUNS 100000
#define TOLERANCE 1000

static void random_count(bool invert, uint64_t want)
{
	const char *rule[] = {invert ? "-p tcp -m statistic --mode random ! --probability 0.25 -j DROP" :
				       "-p tcp -m statistic --mode random --probability 0.25 -j DROP",
			      NULL};
	struct prog_suite s = {.name = "random", .rules = rule, .policy = BF_VERDICT_ACCEPT};
	struct bf_ruleset *rs = suite_ruleset(&s, BF_FAMILY_IPV4);
	struct prog_pkt pkt = {0};
	uint8_t buf[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&pkt, buf);
	struct prog p;
	uint64_t got, policy;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	assert_true(prog_run_repeat(&p, buf, len, RUNS) >= 0);
	got = prog_counter(&p, (size_t)prog_raw_rule_slot(rs, 0)).packets;
	policy = prog_counter(&p, (size_t)prog_raw_policy_slot(rs)).packets;
	printf("random%s 0.25: %llu of %d matched (want %llu +- %d)\n", invert ? " !" : "",
	       (unsigned long long)got, RUNS, (unsigned long long)want, TOLERANCE);
	assert_int_equal(got + policy, RUNS);
	assert_true(got + TOLERANCE >= want && got <= want + TOLERANCE);
	prog_close(&p);
	bf_ruleset_free(rs);
}

static void random_quarter(void **state)
{
	random_count(false, RUNS / 4);
	random_count(true, RUNS - RUNS / 4);
}

/* limit's bucket (xt_limit's arithmetic, jiffies from the kernel):
 * --limit-burst 5 lets the first 5 of 1000 frames run back to back match;
 * at --limit 50/s a token comes every 20 ms (5 jiffies at HZ=250): over
 * 1000 more frames 200 us apart, one per 20 ms of the time they took (a
 * token more or less: where the run starts and ends between tokens). */
static void limit_bucket(void **state)
{
	const char *rule[] = {"-p tcp -m limit --limit 50/s --limit-burst 5 -j DROP", NULL};
	struct prog_suite s = {.name = "limit", .rules = rule, .policy = BF_VERDICT_ACCEPT};
	struct bf_ruleset *rs = suite_ruleset(&s, BF_FAMILY_IPV4);
	struct prog_pkt pkt = {0};
	uint8_t buf[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&pkt, buf);
	struct timespec t0, t1;
	struct prog p;
	uint64_t got, more;
	double ms;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	assert_true(prog_run_repeat(&p, buf, len, 1000) >= 0);
	got = prog_counter(&p, (size_t)prog_raw_rule_slot(rs, 0)).packets;
	printf("limit 50/s burst 5: %llu of 1000 back to back\n", (unsigned long long)got);
	/* 1000 runs take far less than a token's 20 ms. */
	assert_true(got == 5 || got == 6);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 1000; i++) {
		assert_true(prog_run(&p, buf, len) >= 0);
		usleep(200);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	more = prog_counter(&p, (size_t)prog_raw_rule_slot(rs, 0)).packets - got;
	printf("limit 50/s: %llu more over %.0f ms (a token per 20 ms)\n",
	       (unsigned long long)more, ms);
	assert_true(more + 1 >= (uint64_t)(ms / 20) && more <= (uint64_t)(ms / 20) + 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* The sctp chunk walk stops at 64 chunks: a packet that needs a 65th is
 * dropped uncounted (fail closed), where iptables would walk on. Not in
 * the suites, whose every case the oracle checks. */
static void sctp_chunk_cap(void **state)
{
	const char *rule[] = {"-p sctp --dport 3 --chunk-types any INIT,ABORT:T -j DROP", NULL};
	struct prog_suite s = {.name = "sctp cap", .rules = rule, .policy = BF_VERDICT_ACCEPT};
	struct bf_ruleset *rs = suite_ruleset(&s, BF_FAMILY_IPV4);
	uint8_t buf[PROG_PKT_MAX];
	uint64_t bytes;
	size_t len;
	struct prog p;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	len = prog_sctp_chunks(buf, &bytes, 3, 64);
	assert_int_equal(prog_check2(&p, "64 chunks: walked", buf, len, XDP_PASS,
				     prog_raw_policy_slot(rs), prog_policy_slot(rs), bytes), 0);
	len = prog_sctp_chunks(buf, &bytes, 3, 65);
	assert_int_equal(prog_check(&p, "65 chunks: dropped", buf, len, XDP_DROP, -1, 0), 0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	size_t n = prog_n_more_suites + prog_n_more_suites6 + 3;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));

	prog_need_root();
	if (!tests)
		return 1;
	for (size_t i = 0; i < prog_n_more_suites; i++) {
		tests[i].name = prog_more_suites[i].name;
		tests[i].test_func = run_suite;
		tests[i].initial_state = (void *)&prog_more_suites[i];
	}
	for (size_t i = 0; i < prog_n_more_suites6; i++) {
		tests[prog_n_more_suites + i].name = prog_more_suites6[i].name;
		tests[prog_n_more_suites + i].test_func = run_suite6;
		tests[prog_n_more_suites + i].initial_state = (void *)&prog_more_suites6[i];
	}
	tests[n - 3].name = "limit_bucket";
	tests[n - 3].test_func = limit_bucket;
	tests[n - 2].name = "statistic_random_quarter";
	tests[n - 2].test_func = random_quarter;
	tests[n - 1].name = "sctp_chunk_cap";
	tests[n - 1].test_func = sctp_chunk_cap;
	return _cmocka_run_group_tests("xdp_more", tests, n, NULL, NULL);
}
