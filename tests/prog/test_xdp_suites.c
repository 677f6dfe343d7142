/* Every packet suite (tests/lib/prog_suites.c) through the compiled XDP
 * program with BPF_PROG_TEST_RUN: verdicts, and exactly the right counter
 * moved by the IP total length. test_xdp_oracle checks the same suites
 * against iptables-legacy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "lib/prog_suites.h"
#include "lib/prog_run.h"

static void run_suite(void **state)
{
	const struct prog_suite *s = *state;

	assert_int_equal(prog_run_cases(s->rules, s->policy, PROG_IFNAME, s->cases, s->n_cases), 0);
}

int main(void)
{
	struct CMUnitTest *tests = calloc(prog_n_suites, sizeof(*tests));

	prog_need_root();
	if (!tests)
		return 1;
	for (size_t i = 0; i < prog_n_suites; i++) {
		tests[i].name = prog_suites[i].name;
		tests[i].test_func = run_suite;
		tests[i].initial_state = (void *)&prog_suites[i];
	}
	return _cmocka_run_group_tests("xdp_suites", tests, prog_n_suites, NULL, NULL);
}
