/* -m hashlimit compiled (src/ext/hashlimit_emit.c) run with
 * BPF_PROG_TEST_RUN: the burst, the refill after so many jiffies (the
 * entry's last-packet time moved back through the map, so that no test
 * waits and none depends on when a jiffy ticks but by one), modes and
 * masks as keys of the table, a full table hotdropping, an expired
 * entry starting again and making room, one table shared by the rules
 * of its name and by a program loaded after, IPv6 masks. What passes of
 * real traffic is compared with iptables-legacy in
 * e2e/test_hashlimit.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgen/named.h"
#include "kern/kern.h"
#include "lib/front_util.h"
#include "lib/prog_pkt.h"
#include "lib/prog_pkt6.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "ir/ruleset.h"

#define CPJ (1ull << 39)            /* credits per jiffy, revision 3 at HZ=250 */
#define COST_1S (1000000ull * 137438953ull) /* user2credits(1/s) */

static struct bf_ruleset *ruleset(enum bf_family family, const char *const *rules)
{
	struct bf_ruleset *rs = prog_ruleset_cmds(family, rules);

	assert_non_null(rs);
	return rs;
}

static int run4(const struct prog *p, const char *src, const char *dst, uint16_t dport)
{
	return prog_run_pkt(p, &(struct prog_pkt){.src = src, .dst = dst, .dport = dport});
}

/* How many of n packets from src pass (XDP_PASS). */
static int passed(const struct prog *p, const char *src, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += run4(p, src, NULL, 0) == XDP_PASS;
	return k;
}

static struct bf_hl_key key4(uint64_t table, const char *src, const char *dst)
{
	struct bf_hl_key k = {.table = table};
	struct in_addr a;

	if (src) {
		assert_int_equal(inet_pton(AF_INET, src, &a), 1);
		k.src[0] = ntohl(a.s_addr);
	}
	if (dst) {
		assert_int_equal(inet_pton(AF_INET, dst, &a), 1);
		k.dst[0] = ntohl(a.s_addr);
	}
	return k;
}

static struct bf_hl_entry entry(const struct prog *p, const struct bf_hl_key *k)
{
	struct bf_hl_entry e;

	assert_int_equal(bpf_map_lookup_elem(p->hl_fd, k, &e), 0);
	return e;
}

static void set_entry(const struct prog *p, const struct bf_hl_key *k,
		      const struct bf_hl_entry *e)
{
	assert_int_equal(bpf_map_update_elem(p->hl_fd, k, e, BPF_EXIST), 0);
}

static uint64_t table_count(const struct prog *p, uint64_t table)
{
	struct bf_hl_key k = {.table = table, .meta = 1};
	struct bf_hl_meta m;

	assert_int_equal(bpf_map_lookup_elem(p->hl_fd, &k, &m), 0);
	return m.count;
}

/* Burst 3 at 1/s: three packets of a source pass back to back, the
 * fourth does not; another source has its own bucket. Then the refill:
 * 248 jiffies after an empty bucket is not a token (1/s is 250 jiffies'
 * credit), 251 is; a long pause refills to the cap, no more. */
static void burst_and_refill(void **state)
{
	static const char *const rules[] = {
		"-P INPUT DROP",
		"-A INPUT -p tcp -m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 3 "
		"--hashlimit-mode srcip --hashlimit-name t1 -j ACCEPT",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	uint64_t id = bf_named_id(BF_MAP_HASHLIMIT, "t1", BF_FAMILY_IPV4);
	struct bf_hl_key k = key4(id, "198.18.0.1", NULL);
	struct bf_hl_entry e;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	assert_int_equal(passed(&p, "198.18.0.1", 5), 3);
	assert_int_equal(passed(&p, "198.18.0.9", 5), 3);
	assert_int_equal(table_count(&p, id), 2);
	e = entry(&p, &k);
	assert_int_equal(e.cap, 3 * COST_1S);
	assert_int_equal(e.cost, COST_1S);
	assert_true(e.credit < COST_1S);

	e.credit = 0;
	e.prev -= 248;
	set_entry(&p, &k, &e);
	assert_int_equal(passed(&p, "198.18.0.1", 1), 0);
	e = entry(&p, &k);
	assert_true(e.credit >= 248 * CPJ && e.credit < 250 * CPJ);
	e.credit = 0;
	e.prev -= 251;
	set_entry(&p, &k, &e);
	assert_int_equal(passed(&p, "198.18.0.1", 2), 1);
	e = entry(&p, &k);
	e.prev -= 100000;
	set_entry(&p, &k, &e);
	assert_int_equal(passed(&p, "198.18.0.1", 5), 3);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* --hashlimit-srcmask 24: sources of one /24 share a bucket; dstport
 * mode: one bucket per destination port; --hashlimit-above inverts. */
static void modes_and_masks(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp --dport 1:100 -m hashlimit --hashlimit-above 1/sec "
		"--hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-srcmask 24 "
		"--hashlimit-name net -j DROP",
		"-A INPUT -p tcp --dport 101:200 -m hashlimit --hashlimit-upto 1/sec "
		"--hashlimit-burst 1 --hashlimit-mode dstport,dstip --hashlimit-dstmask 16 "
		"--hashlimit-name port -j ACCEPT",
		"-A INPUT -p tcp --dport 101:200 -j DROP",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	uint64_t net = bf_named_id(BF_MAP_HASHLIMIT, "net", BF_FAMILY_IPV4);
	uint64_t port = bf_named_id(BF_MAP_HASHLIMIT, "port", BF_FAMILY_IPV4);
	struct bf_hl_key k;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	/* above: the two of the burst pass, the rest of the /24 is dropped */
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 80), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.200", NULL, 80), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.7", NULL, 80), XDP_DROP);
	assert_int_equal(run4(&p, "198.18.1.7", NULL, 80), XDP_PASS);
	k = key4(net, "198.18.0.0", NULL);
	entry(&p, &k);
	assert_int_equal(table_count(&p, net), 2);

	/* one packet per (destination /16, port) */
	assert_int_equal(run4(&p, "198.18.0.1", "198.18.0.2", 150), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.3", "198.18.9.9", 150), XDP_DROP);
	assert_int_equal(run4(&p, "198.18.0.3", "198.18.9.9", 151), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.3", "198.19.0.1", 150), XDP_PASS);
	k = key4(port, NULL, "198.18.0.0");
	k.dport = htons(150);
	entry(&p, &k);
	assert_int_equal(table_count(&p, port), 3);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* htable-max 2 (size 2): a third source finds the table full and is
 * hotdropped, counted nowhere (the policy ACCEPTs); once the entries
 * expired (moved back through the map) and a gc interval went by, they
 * are removed and the third source gets its entry. */
static void full_table(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp -m hashlimit --hashlimit-upto 10/sec --hashlimit-mode srcip "
		"--hashlimit-name full --hashlimit-htable-size 2 --hashlimit-htable-max 2 "
		"--hashlimit-htable-expire 1000 -j ACCEPT",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	uint64_t id = bf_named_id(BF_MAP_HASHLIMIT, "full", BF_FAMILY_IPV4);
	struct bf_hl_key mk = {.table = id, .meta = 1};
	struct prog_pkt pkt = {.src = "198.18.0.3"};
	uint8_t frame[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&pkt, frame);
	struct bf_hl_meta m;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	assert_int_equal(passed(&p, "198.18.0.1", 1), 1);
	assert_int_equal(passed(&p, "198.18.0.2", 1), 1);
	assert_int_equal(prog_check(&p, "full table", frame, len, XDP_DROP, -1, 0), 0);
	assert_int_equal(table_count(&p, id), 2);
	/* an existing entry still matches */
	assert_int_equal(passed(&p, "198.18.0.1", 1), 1);

	for (int i = 1; i <= 2; i++) {
		char src[32];
		struct bf_hl_key k;
		struct bf_hl_entry e;

		snprintf(src, sizeof(src), "198.18.0.%d", i);
		k = key4(id, src, NULL);
		e = entry(&p, &k);
		e.expires -= 300;
		set_entry(&p, &k, &e);
	}
	assert_int_equal(bpf_map_lookup_elem(p.hl_fd, &mk, &m), 0);
	m.last_purge -= 300;
	assert_int_equal(bpf_map_update_elem(p.hl_fd, &mk, &m, BPF_EXIST), 0);
	assert_int_equal(prog_check(&p, "room again", frame, len, XDP_PASS, prog_rule_slot(rs, 0),
				    prog_pkt_ip_len(&pkt)), 0);
	assert_int_equal(table_count(&p, id), 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* Two rules of one name share its table: with no mode, one bucket for
 * all; what the first rule took the second does not get. A program
 * loaded after (a full reload) finds the same bucket. */
static void shared_name(void **state)
{
	static const char *const rules[] = {
		"-N sub",
		"-A INPUT -s 198.18.0.1 -p tcp -m hashlimit --hashlimit-upto 1/min "
		"--hashlimit-burst 2 --hashlimit-name one -j ACCEPT",
		"-A INPUT -j sub",
		"-A INPUT -j DROP",
		"-A sub -s 198.18.0.2 -p tcp -m hashlimit --hashlimit-upto 1/min "
		"--hashlimit-burst 2 --hashlimit-name one -j ACCEPT",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	uint64_t id = bf_named_id(BF_MAP_HASHLIMIT, "one", BF_FAMILY_IPV4);
	struct prog p, q;

	assert_int_equal(bf_named_map_create(BF_MAP_HASHLIMIT, &prog_named_shared[0]), 0);
	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	assert_int_equal(passed(&p, "198.18.0.1", 1), 1);
	assert_int_equal(passed(&p, "198.18.0.2", 3), 1);
	assert_int_equal(passed(&p, "198.18.0.1", 1), 0);
	assert_int_equal(table_count(&p, id), 1);
	assert_int_equal(prog_load(rs, "veth0", &q), 0);
	assert_int_equal(passed(&q, "198.18.0.2", 1), 0);
	prog_close(&p);
	prog_close(&q);
	close(prog_named_shared[0]);
	prog_named_shared[0] = -1;
	bf_ruleset_free(rs);
}

/* IPv6: srcmask 64 shares a bucket between addresses of one /64. */
static void ipv6_mask(void **state)
{
	static const char *const rules[] = {
		"-P INPUT DROP",
		"-A INPUT -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 1 "
		"--hashlimit-mode srcip --hashlimit-srcmask 64 --hashlimit-name six -j ACCEPT",
		NULL,
	};
	static const char *const srcs[] = {"2001:db8:1:2::1", "2001:db8:1:2:ffff::9",
					   "2001:db8:1:3::1"};
	static const int want[] = {XDP_PASS, XDP_DROP, XDP_PASS};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV6, rules);
	uint64_t id = bf_named_id(BF_MAP_HASHLIMIT, "six", BF_FAMILY_IPV6);
	struct bf_hl_key k = {.table = id, .src = {0x20010db8, 0x00010002}};
	struct bf_hl_entry e;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	for (size_t i = 0; i < 3; i++) {
		struct prog_pkt6 pkt = {.src = srcs[i]};
		uint8_t frame[PROG_PKT_MAX];
		uint64_t bytes;
		size_t len = prog_pkt6_build(&pkt, frame, &bytes);

		assert_int_equal(prog_run(&p, frame, len), want[i]);
	}
	assert_int_equal(bpf_map_lookup_elem(p.hl_fd, &k, &e), 0);
	assert_int_equal(table_count(&p, id), 2);
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_and_refill),
		cmocka_unit_test(modes_and_masks),
		cmocka_unit_test(full_table),
		cmocka_unit_test(shared_name),
		cmocka_unit_test(ipv6_mask),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
