/* Program tests that do not fit the shared suites: hand-made IR that
 * iptables would refuse, other interfaces, every cut of a frame. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/bpf.h>

#include "lib/prog_cases.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"

#define PASS XDP_PASS
#define DROP XDP_DROP
#define UDP 17
#define ICMP 1

#define RUN(rules, policy, ifname, cases) \
	assert_int_equal(prog_run_cases(rules, policy, ifname, cases, PROG_N(cases)), 0)

/* Address bits outside the mask: (addr & mask) != src always, so the
 * rule never matches; inverted it always does (the front end masks
 * addresses, as iptables does, so only hand-made IR has them). */
static void test_address_outside_mask(void **state)
{
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_ACCEPT, NULL);
	struct bf_rule *r1 = prog_rule("-s 198.18.0.0/24 -j DROP");
	struct bf_rule *r2 = prog_rule("! -s 198.18.0.0/24 -p udp -j DROP");
	struct prog p;

	r1->ip.src.s_addr |= htonl(1);
	r2->ip.src.s_addr |= htonl(1);
	assert_int_equal(bf_chain_insert(prog_input(rs), 0, r1), 0);
	assert_int_equal(bf_chain_insert(prog_input(rs), 1, r2), 0);
	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	assert_int_equal(prog_check_pkt(&p, "src .1", &(struct prog_pkt){.src = "198.18.0.1"},
					PASS, prog_policy_slot(rs)), 0);
	assert_int_equal(prog_check_pkt(&p, "udp src .1",
					&(struct prog_pkt){.src = "198.18.0.1", .proto = UDP},
					DROP, prog_rule_slot(rs, 1)), 0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* Protocol 0 is no test even inverted; above 255 never equals. */
static void test_odd_protocols(void **state)
{
	const char *rules[] = {"-p 256 -j DROP", "! -p 300 -j ACCEPT", NULL};
	const char *any[] = {"! -p all -j DROP", NULL};
	const struct prog_case cases[] = {
		CASE("tcp", PASS, 1),
	};
	const struct prog_case any_cases[] = {
		CASE("tcp", DROP, 0),
		CASE("udp", DROP, 0, .proto = UDP),
	};

	RUN(rules, BF_VERDICT_DROP, "veth0", cases);
	RUN(any, BF_VERDICT_ACCEPT, "veth0", any_cases);
}

/* -o at INPUT (iptables refuses it there): there is no output
 * interface, as the kernel's nulldevname. */
static void test_out_iface(void **state)
{
	const char *rules[] = {
		"-o eth0 -j DROP",
		"-o + -p udp -j DROP",
		"! -o eth0 -p tcp --dport 25 -j DROP",
		"! -o + -j DROP",
		NULL,
	};
	const struct prog_case cases[] = {
		CASE("udp", DROP, 1, .proto = UDP),
		CASE("tcp 25", DROP, 2, .dport = 25),
		CASE("tcp 26", PASS, PROG_POLICY, .dport = 26),
	};

	RUN(rules, BF_VERDICT_ACCEPT, "veth0", cases);
}

/* The same -i rules on other interfaces, and on none (NULL). */
static const char *const iface_rules[] = {
	"-i eth0 -j DROP",
	"-i veth+ -p udp -j DROP",
	"! -i veth0 -p tcp -j DROP",
	"-i + -p tcp --dport 23 -j DROP",
	"! -i + -j DROP",
	NULL,
};

static void test_iface_other(void **state)
{
	const struct prog_case eth0[] = {
		CASE("icmp", DROP, 0, .proto = ICMP),
	};
	const struct prog_case eth1[] = {
		CASE("udp", PASS, PROG_POLICY, .proto = UDP),
		CASE("tcp 22", DROP, 2, .dport = 22),
	};
	const struct prog_case veth1[] = {
		CASE("udp", DROP, 1, .proto = UDP),
		CASE("tcp 23", DROP, 2, .dport = 23),
	};
	const struct prog_case none[] = {
		CASE("udp", PASS, PROG_POLICY, .proto = UDP),
		CASE("tcp 22", DROP, 2, .dport = 22),
		CASE("icmp", PASS, PROG_POLICY, .proto = ICMP),
	};

	RUN(iface_rules, BF_VERDICT_ACCEPT, "eth0", eth0);
	RUN(iface_rules, BF_VERDICT_ACCEPT, "eth1", eth1);
	RUN(iface_rules, BF_VERDICT_ACCEPT, "veth1", veth1);
	RUN(iface_rules, BF_VERDICT_ACCEPT, NULL, none);
}

/* Every length of a frame cut short of its datagram passes unjudged
 * (the test run refuses frames under the 14 bytes of Ethernet). */
static void test_every_cut(void **state)
{
	const char *all[] = {"-j DROP", NULL};
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, all);
	struct prog_pkt pkts[] = {
		{.payload = 10},
		{.proto = UDP, .opt_words = 3},
	};
	uint8_t buf[PROG_PKT_MAX];
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	for (size_t k = 0; k < PROG_N(pkts); k++) {
		size_t len = prog_pkt_build(&pkts[k], buf);

		for (size_t cut = 14; cut < len; cut++)
			assert_int_equal(prog_check(&p, "cut", buf, cut, PASS, -1, 0), 0);
		assert_int_equal(prog_check(&p, "whole", buf, len, DROP, prog_rule_slot(rs, 0),
					    prog_pkt_ip_len(&pkts[k])), 0);
	}
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* Counters add up over many packets, and survive a program run being
 * repeated (the test run's repeat counts every run). */
static void test_counts_add_up(void **state)
{
	const char *rules[] = {"-p udp -j ACCEPT", NULL};
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, rules);
	struct prog_pkt udp = {.proto = UDP, .payload = 100}, tcp = {.payload = 7};
	uint8_t buf[PROG_PKT_MAX];
	struct bf_counter c;
	struct prog p;
	size_t len;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	len = prog_pkt_build(&udp, buf);
	for (int i = 0; i < 10; i++)
		assert_int_equal(prog_run(&p, buf, len), PASS);
	len = prog_pkt_build(&tcp, buf);
	for (int i = 0; i < 3; i++)
		assert_int_equal(prog_run(&p, buf, len), DROP);
	c = prog_counter(&p, prog_rule_slot(rs, 0));
	assert_int_equal(c.packets, 10);
	assert_int_equal(c.bytes, 10 * 128);
	c = prog_counter(&p, prog_policy_slot(rs));
	assert_int_equal(c.packets, 3);
	assert_int_equal(c.bytes, 3 * 47);
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_outside_mask),
		cmocka_unit_test(test_odd_protocols),
		cmocka_unit_test(test_out_iface),
		cmocka_unit_test(test_iface_other),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_counts_add_up),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
