/* The packet suites (tests/lib/prog_suites.c) against the oracle,
 * iptables-legacy: the same rules in the raw table's PREROUTING chain of
 * a test network namespace (PREROUTING sees packets as they arrive, before
 * reassembly, like the XDP program), the same frames sent over a veth
 * pair, and each rule's and the policy's counters compared with what the
 * suite expects (which test_xdp_suites checks on the compiled program).
 *
 * A marker rule first (protocol 253) and a marker frame after each case
 * tell when the case's frame has been through the chain. Skips (77) when
 * the oracle cannot run: not root, no iptables-legacy, no raw table. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/oracle_net.h"
#include "lib/prog_pkt6.h"
#include "lib/prog_suites.h"
#include "lib/prog_run.h"

#define MARKER_PROTO 253

static char ns_a[32], ns_b[32];
static struct oracle_sock sock = {.fd = -1};

static int setup_netns(void)
{
	snprintf(ns_a, sizeof(ns_a), "bf-oracle-a%d", getpid());
	snprintf(ns_b, sizeof(ns_b), "bf-oracle-b%d", getpid());
	if (oracle_netns_add(ns_a) || oracle_netns_add(ns_b) ||
	    oracle_veth_add(ns_a, "bfo0", "02:00:00:00:00:01", ns_b, PROG_IFNAME,
			    "02:00:00:00:00:02") ||
	    oracle_sh_in(ns_a, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1") ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1") ||
	    /* B's veth takes IPv6 (ipv6_rcv drops all of it otherwise); A
	     * sends none of its own. */
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv6.conf.%s.disable_ipv6=0", PROG_IFNAME) ||
	    oracle_sh("ip -n %s link set bfo0 up", ns_a) ||
	    oracle_sh("ip -n %s addr add 198.18.0.2/15 dev %s", ns_b, PROG_IFNAME) ||
	    oracle_sh("ip -n %s link set %s up", ns_b, PROG_IFNAME))
		return -1;
	oracle_pin_cpu();
	return oracle_sock_open(&sock, ns_a, "bfo0");
}

static const char *ipt_of(enum bf_family f)
{
	return f == BF_FAMILY_IPV6 ? "ip6tables-legacy" : "iptables-legacy";
}

/* Counters of a chain of the raw table: [0] the policy (built-in chains),
 * then each rule. */
static int read_chain(enum bf_family fam, const char *chain, struct oracle_counts *c)
{
	return oracle_counts_read(ns_b, ipt_of(fam), "raw", chain, c);
}

static int read_counts(struct oracle_counts *c)
{
	return read_chain(BF_FAMILY_IPV4, "PREROUTING", c);
}

/* Sends a marker and waits until the marker rule (chain rule 1) has
 * counted `n` of them. */
static int sync_marker(uint64_t n, struct oracle_counts *c)
{
	struct prog_pkt marker = {.proto = MARKER_PROTO, .l4_len = 8};
	uint8_t buf[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&marker, buf);

	if (oracle_send(&sock, buf, len))
		return -1;
	for (int i = 0; i < 400; i++) {
		if (read_counts(c))
			return -1;
		if (c->n_rules && c->pkts[1] >= n)
			return 0;
		usleep(5000);
	}
	return -1;
}

static int load_rules(const struct prog_suite *s)
{
	if (oracle_sh_in(ns_b, "iptables-legacy -t raw -F PREROUTING") ||
	    oracle_sh_in(ns_b, "iptables-legacy -t raw -P PREROUTING %s",
			 bf_verdict_name(s->policy)) ||
	    oracle_sh_in(ns_b, "iptables-legacy -t raw -A PREROUTING -p %d -j ACCEPT",
			 MARKER_PROTO))
		return -1;
	for (size_t i = 0; s->rules[i]; i++) {
		if (oracle_sh_in(ns_b, "iptables-legacy -t raw -A PREROUTING %s", s->rules[i])) {
			fprintf(stderr, "iptables-legacy refused: %s\n", s->rules[i]);
			return -1;
		}
	}
	return oracle_sh_in(ns_b, "iptables-legacy -t raw -Z PREROUTING");
}

static void run_suite(void **state)
{
	const struct prog_suite *s = *state;
	struct oracle_counts before, after;
	uint64_t markers = 0;
	int failed = 0;

	assert_int_equal(load_rules(s), 0);
	assert_int_equal(sync_marker(++markers, &before), 0);
	for (size_t i = 0; i < s->n_cases; i++) {
		const struct prog_case *c = &s->cases[i];
		uint8_t buf[PROG_PKT_MAX];
		uint64_t bytes;
		size_t len = prog_case_frame(c, buf, &bytes);

		assert_int_equal(oracle_send(&sock, buf, len), 0);
		assert_int_equal(sync_marker(++markers, &after), 0);
		/* Counter 0 is the policy, 1 the marker, rule k is 2 + k. */
		for (size_t j = 0; j <= after.n_rules; j++) {
			uint64_t dp, db, wp = 0, wb = 0;

			if (j == 1)
				continue;
			if ((c->rule == PROG_POLICY && j == 0) || (c->rule >= 0 && j == (size_t)c->rule + 2)) {
				wp = 1;
				wb = bytes;
			}
			dp = after.pkts[j] - before.pkts[j];
			db = after.bytes[j] - before.bytes[j];
			if (dp != wp || db != wb) {
				fprintf(stderr, "%s: %s: iptables counted %llu/%llu in %s %zu, the suite wants %llu/%llu\n",
					s->name, c->what, (unsigned long long)dp, (unsigned long long)db,
					j ? "rule" : "policy", j ? j - 2 : 0,
					(unsigned long long)wp, (unsigned long long)wb);
				failed++;
			}
		}
		before = after;
	}
	assert_int_equal(failed, 0);
}

/* The IPv6 / VLAN suites (prog_suites6): the same way, in the family's
 * raw table, with chain U there too; the marker is a frame of that
 * family. */
static bool have_ip6tables;
/* The IPv6 marker rule matches the source: with -p, ip6tables would
 * hotdrop the cases whose header chain cannot be read before the rules
 * under test see them. */
#define MARKER6_SRC "2001:db8::fd"

static int sync_marker6(enum bf_family fam, uint64_t n, struct oracle_counts *c)
{
	struct prog_pkt v4 = {.proto = MARKER_PROTO, .l4_len = 8};
	struct prog_pkt6 m = {.proto = MARKER_PROTO, .l4_len = 8, .src = MARKER6_SRC};
	uint8_t buf[PROG_PKT_MAX];
	uint64_t bytes;
	size_t len;

	if (fam == BF_FAMILY_IPV4)
		m.v4 = &v4;
	len = prog_pkt6_build(&m, buf, &bytes);
	if (oracle_send(&sock, buf, len))
		return -1;
	for (int i = 0; i < 400; i++) {
		if (read_chain(fam, "PREROUTING", c))
			return -1;
		if (c->n_rules && c->pkts[1] >= n)
			return 0;
		usleep(5000);
	}
	return -1;
}

static int load_rules6(const struct prog_suite6 *s)
{
	const char *ipt = ipt_of(s->family);

	oracle_sh_in(ns_b, "%s -t raw -F U 2>/dev/null", ipt);
	oracle_sh_in(ns_b, "%s -t raw -F PREROUTING", ipt);
	oracle_sh_in(ns_b, "%s -t raw -X U 2>/dev/null", ipt);
	if (oracle_sh_in(ns_b, "%s -t raw -P PREROUTING %s", ipt, bf_verdict_name(s->policy)) ||
	    oracle_sh_in(ns_b, "%s -t raw -A PREROUTING %s -j ACCEPT", ipt,
			 s->family == BF_FAMILY_IPV6 ? "-s " MARKER6_SRC : "-p 253"))
		return -1;
	if (s->user && oracle_sh_in(ns_b, "%s -t raw -N U", ipt))
		return -1;
	for (size_t i = 0; s->user && s->user[i]; i++) {
		if (oracle_sh_in(ns_b, "%s -t raw -A U %s", ipt, s->user[i])) {
			fprintf(stderr, "%s refused: %s\n", ipt, s->user[i]);
			return -1;
		}
	}
	for (size_t i = 0; s->rules[i]; i++) {
		if (oracle_sh_in(ns_b, "%s -t raw -A PREROUTING %s", ipt, s->rules[i])) {
			fprintf(stderr, "%s refused: %s\n", ipt, s->rules[i]);
			return -1;
		}
	}
	return oracle_sh_in(ns_b, "%s -t raw -Z", ipt);
}

/* Compares one chain's counter deltas with what the case wants: `rule`
 * (chain index, -1 the policy) and `extra` (another rule, -2 none). */
static int compare(const char *suite, const char *what, const char *chain,
		   const struct oracle_counts *before, const struct oracle_counts *after, size_t first,
		   int rule, int extra, uint64_t bytes)
{
	int failed = 0;

	for (size_t j = 0; j <= after->n_rules; j++) {
		uint64_t dp, db, wp = 0, wb = 0;
		int idx = j ? (int)(j - first) : -1;

		if (j && j < first)
			continue;
		if (!j && first == 0)
			continue; /* a user chain has no policy */
		if (idx == rule || (j && idx == extra)) {
			wp = 1;
			wb = bytes;
		}
		dp = after->pkts[j] - before->pkts[j];
		db = after->bytes[j] - before->bytes[j];
		if (dp != wp || db != wb) {
			fprintf(stderr, "%s: %s: iptables counted %llu/%llu in %s %s %d, the suite wants %llu/%llu\n",
				suite, what, (unsigned long long)dp, (unsigned long long)db, chain,
				j ? "rule" : "policy", idx, (unsigned long long)wp,
				(unsigned long long)wb);
			failed++;
		}
	}
	return failed;
}

static void run_suite6(void **state)
{
	const struct prog_suite6 *s = *state;
	struct oracle_counts before, after, ubefore = {0}, uafter = {0};
	uint64_t markers = 0;
	int failed = 0;

	if (s->family == BF_FAMILY_IPV6 && !have_ip6tables)
		skip();
	assert_int_equal(load_rules6(s), 0);
	assert_int_equal(sync_marker6(s->family, ++markers, &before), 0);
	if (s->user)
		assert_int_equal(read_chain(s->family, "U", &ubefore), 0);
	for (size_t i = 0; i < s->n_cases; i++) {
		const struct prog_case6 *c = &s->cases[i];
		uint8_t buf[PROG_PKT_MAX];
		uint64_t bytes;
		size_t len = prog_pkt6_build(&c->pkt, buf, &bytes);
		int rule = c->rule == PROG_POLICY ? -1 : c->rule;

		assert_int_equal(oracle_send(&sock, buf, len), 0);
		assert_int_equal(sync_marker6(s->family, ++markers, &after), 0);
		/* PREROUTING: 0 the policy, 1 the marker, rule k is 2 + k. */
		failed += compare(s->name, c->what, "PREROUTING", &before, &after, 2,
				  c->rule == PROG_UNCOUNTED ? -3 : rule, c->via ? c->via - 1 : -2,
				  bytes);
		if (s->user) {
			assert_int_equal(read_chain(s->family, "U", &uafter), 0);
			failed += compare(s->name, c->what, "U", &ubefore, &uafter, 1, -3,
					  c->urule ? c->urule - 1 : -2, bytes);
			ubefore = uafter;
		}
		before = after;
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	size_t n = prog_n_suites + prog_n_match_suites + prog_n_more_suites + prog_n_suites6 +
		   prog_n_more_suites6;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int rc;

	prog_need_root();
	if (!oracle_have("iptables-legacy") || !oracle_have("ip"))
		oracle_skip("needs iptables-legacy and ip (the oracle)");
	if (!tests || setup_netns()) {
		printf("could not set up the test namespaces\n");
		oracle_cleanup();
		return 1;
	}
	if (oracle_sh_in(ns_b, "iptables-legacy -t raw -L PREROUTING -n >/dev/null 2>&1"))
		oracle_skip("iptables-legacy has no raw table here (iptable_raw)");
	for (size_t i = 0; i < prog_n_suites; i++) {
		tests[i].name = prog_suites[i].name;
		tests[i].test_func = run_suite;
		tests[i].initial_state = (void *)&prog_suites[i];
	}
	for (size_t i = 0; i < prog_n_match_suites; i++) {
		tests[prog_n_suites + i].name = prog_match_suites[i].name;
		tests[prog_n_suites + i].test_func = run_suite;
		tests[prog_n_suites + i].initial_state = (void *)&prog_match_suites[i];
	}
	for (size_t i = 0, k = prog_n_suites + prog_n_match_suites; i < prog_n_more_suites; i++) {
		tests[k + i].name = prog_more_suites[i].name;
		tests[k + i].test_func = run_suite;
		tests[k + i].initial_state = (void *)&prog_more_suites[i];
	}
	have_ip6tables = oracle_have("ip6tables-legacy") &&
			 !oracle_sh_in(ns_b, "ip6tables-legacy -t raw -L PREROUTING -n >/dev/null 2>&1");
	if (!have_ip6tables)
		printf("no ip6tables-legacy with a raw table: the IPv6 suites skip\n");
	for (size_t i = 0; i < prog_n_suites6; i++) {
		size_t k = prog_n_suites + prog_n_match_suites + prog_n_more_suites + i;

		tests[k].name = prog_suites6[i].name;
		tests[k].test_func = run_suite6;
		tests[k].initial_state = (void *)&prog_suites6[i];
	}
	for (size_t i = 0, k = n - prog_n_more_suites6; i < prog_n_more_suites6; i++) {
		tests[k + i].name = prog_more_suites6[i].name;
		tests[k + i].test_func = run_suite6;
		tests[k + i].initial_state = (void *)&prog_more_suites6[i];
	}
	rc = _cmocka_run_group_tests("xdp_oracle", tests, n, NULL, NULL);
	oracle_cleanup();
	return rc;
}
