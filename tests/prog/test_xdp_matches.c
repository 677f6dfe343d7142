/* The extension-match suites (prog_match_suites in tests/lib/prog_suites.c)
 * through the compiled XDP program: the rules go through the real front
 * end (iptables-restore syntax into raw PREROUTING, as the oracle judges them), then every case's
 * verdict and counter are checked with BPF_PROG_TEST_RUN. test_xdp_oracle
 * checks the same suites against iptables-legacy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "lib/prog_suites.h"


static struct bf_ruleset *suite_ruleset(const struct prog_suite *s)
{
	struct bf_ruleset *rs = prog_ruleset_raw_front(BF_FAMILY_IPV4, s->policy, s->rules);

	assert_non_null(rs);
	return rs;
}

static void run_suite(void **state)
{
	const struct prog_suite *s = *state;
	struct bf_ruleset *rs = suite_ruleset(s);
	struct prog p;
	int failed = 0;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	for (size_t i = 0; i < s->n_cases; i++) {
		if (prog_check_raw_case(&p, rs, &s->cases[i]))
			failed++;
	}
	prog_close(&p);
	bf_ruleset_free(rs);
	assert_int_equal(failed, 0);
}

int main(void)
{
	struct CMUnitTest *tests = calloc(prog_n_match_suites, sizeof(*tests));

	prog_need_root();
	if (!tests)
		return 1;
	for (size_t i = 0; i < prog_n_match_suites; i++) {
		tests[i].name = prog_match_suites[i].name;
		tests[i].test_func = run_suite;
		tests[i].initial_state = (void *)&prog_match_suites[i];
	}
	return _cmocka_run_group_tests("xdp_matches", tests, prog_n_match_suites, NULL, NULL);
}
