/* Thousands of rules through the linear walk: the verifier accepts them,
 * and the first matching rule is still the one that counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/prog_pkt.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"

#define N_RULES 5000

/* Rule i in one of several shapes; none of them matches the probe
 * packets below except where the test says so. */
static void rule_spec(int i, char *buf, size_t len)
{
	switch (i % 6) {
	case 0: /* fail2ban style */
		snprintf(buf, len, "-s 198.19.%d.%d -j DROP", (i >> 8) & 0xff, i & 0xff);
		break;
	case 1:
		snprintf(buf, len, "-p tcp --dport %d -j DROP", 10000 + i);
		break;
	case 2:
		snprintf(buf, len, "-s 198.19.0.0/16 -p udp --sport %d:%d ! --dport 53 -j ACCEPT",
			 i, i + 10);
		break;
	case 3:
		snprintf(buf, len, "! -d 198.18.0.0/15 -i veth+ -f -j DROP");
		break;
	case 4:
		snprintf(buf, len, "-i veth0 -d 198.18.%d.%d -p tcp ! --sport 1:65535 -j DROP",
			 (i >> 8) & 0xff, i & 0xff);
		break;
	default:
		snprintf(buf, len, "-i eth0 -s 198.18.0.1 -j DROP"); /* never on veth0 */
		break;
	}
}

static void test_5000_rules(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_ACCEPT, NULL);
	struct bf_chain *c = prog_input(rs);
	struct prog_pkt last = {.dport = 10000 + N_RULES - 7}; /* rule N-7 is shape 1 */
	char spec[128];
	struct prog p;

	for (int i = 0; i < N_RULES; i++) {
		struct bf_rule *r;

		rule_spec(i, spec, sizeof(spec));
		r = prog_rule(spec);
		assert_non_null(r);
		assert_int_equal(bf_chain_insert(c, c->n_rules, r), 0);
	}
	assert_int_equal((N_RULES - 7) % 6, 1);
	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	printf("%d rules: %zu instructions, verifier processed %u\n", N_RULES, p.n_insns,
	       p.verified_insns);
	assert_int_equal(prog_check_pkt(&p, "last tcp rule", &last, XDP_DROP,
					prog_rule_slot(rs, N_RULES - 7)), 0);
	assert_int_equal(prog_check_pkt(&p, "fail2ban rule", &(struct prog_pkt){.src = "198.19.3.0"},
					XDP_DROP, prog_rule_slot(rs, 768)), 0);
	assert_int_equal(prog_check_pkt(&p, "none", &(struct prog_pkt){.dport = 9999},
					XDP_PASS, prog_policy_slot(rs)), 0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_5000_rules),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
