/* The rules of the packet suites (tests/lib/prog_suites.c), parsed by the
 * real front end (bf_command_parse, as `iptables -A INPUT ...`), are the
 * same IR as the test library builds by hand: so the expectations that
 * test_xdp_oracle checks against iptables-legacy hold for rules as the
 * command line makes them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/front.h"
#include "lib/prog_rules.h"
#include "lib/prog_suites.h"

static void test_same_ir(void **state)
{
	int differ = 0;

	for (size_t s = 0; s < prog_n_suites; s++) {
		for (size_t i = 0; prog_suites[s].rules[i]; i++) {
			const char *spec = prog_suites[s].rules[i];
			char *copy = strdup(spec), *argv[64] = {"iptables", "-A", "INPUT"};
			struct bf_command cmd = {0};
			struct bf_rule *mine = prog_rule(spec);
			int argc = 3, err;

			assert_non_null(copy);
			assert_non_null(mine);
			for (char *t = strtok(copy, " "); t && argc < 63; t = strtok(NULL, " "))
				argv[argc++] = t;
			err = bf_command_parse(argc, argv, &cmd);
			if (err || cmd.n_rules != 1 || !bf_rule_equal(cmd.rules[0], mine)) {
				fprintf(stderr, "%s: \"%s\": the front end makes other IR (err %d)\n",
					prog_suites[s].name, spec, err);
				differ++;
			}
			bf_command_free(&cmd);
			bf_rule_free(mine);
			free(copy);
		}
	}
	assert_int_equal(differ, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_ir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
