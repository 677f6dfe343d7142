/* -m recent compiled (src/ext/recent_emit.c) run with BPF_PROG_TEST_RUN:
 * the SSH brute-force pair (--set, then --update --seconds --hitcount),
 * --rcheck with stamps moved out of the window through the map,
 * --remove, a full list forgetting its least recently updated entry,
 * --reap, --rttl, --rdest with --mask, and one list shared by both
 * families and by a program loaded after. The lists' contents are
 * compared with /proc/net/xt_recent in e2e/test_recent.sh. */
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

#define HZ 250

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

static struct bf_recent_key key4(const char *list, const char *addr)
{
	struct bf_recent_key k = {.list = bf_named_id(BF_MAP_RECENT, list, 0), .family = 4};
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	k.addr[0] = ntohl(a.s_addr);
	return k;
}

static bool get(const struct prog *p, const struct bf_recent_key *k, struct bf_recent_entry *e)
{
	return !bpf_map_lookup_elem(p->recent_fd, k, e);
}

static uint64_t entries(const struct prog *p, const char *list)
{
	struct bf_recent_key k = {.list = bf_named_id(BF_MAP_RECENT, list, 0)};
	struct bf_recent_meta m;

	assert_int_equal(bpf_map_lookup_elem(p->recent_fd, &k, &m), 0);
	assert_string_equal(m.name, list);
	return m.entries;
}

/* The classic: every SYN to port 22 sets the source; the fourth within
 * 60 s is dropped (and updates, so it keeps being dropped); another
 * source is not; 61 s later (stamps moved back) the source passes. */
static void ssh(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp --dport 22 -m recent --name ssh --set",
		"-A INPUT -p tcp --dport 22 -m recent --name ssh --update --seconds 60 "
		"--hitcount 4 -j DROP",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct bf_recent_key k = key4("ssh", "198.18.0.1");
	struct bf_recent_entry e;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(run4(&p, "198.18.0.1", NULL, 22), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 22), XDP_DROP);
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 22), XDP_DROP);
	assert_int_equal(run4(&p, "198.18.0.2", NULL, 22), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 80), XDP_PASS);
	assert_true(get(&p, &k, &e));
	/* set, then set + update, for the two dropped ones */
	assert_int_equal(e.nstamps, 7);
	assert_int_equal(e.index, 7);
	assert_int_equal(e.ttl, 64);
	assert_int_equal(entries(&p, "ssh"), 2);
	for (int i = 0; i < e.nstamps; i++)
		e.stamps[i] -= 61 * HZ;
	assert_int_equal(bpf_map_update_elem(p.recent_fd, &k, &e, BPF_EXIST), 0);
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 22), XDP_PASS);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* --rcheck --seconds 10: in the window or not (the stamp moved back by
 * 10 s + 1 jiffy is out); --remove takes the address out; ! inverts. */
static void rcheck_remove(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp --dport 1 -m recent --name L --set -j ACCEPT",
		"-A INPUT -p tcp --dport 2 -m recent --name L --rcheck --seconds 10 -j ACCEPT",
		"-A INPUT -p tcp --dport 3 -m recent --name L --remove -j ACCEPT",
		"-A INPUT -p tcp --dport 4 -m recent --name L ! --rcheck -j ACCEPT",
		"-A INPUT -j DROP",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct bf_recent_key k = key4("L", "198.18.0.5");
	struct bf_recent_entry e;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 2), XDP_DROP);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 4), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 1), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 2), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 4), XDP_DROP);
	assert_true(get(&p, &k, &e));
	e.stamps[0] -= 10 * HZ - 2;
	assert_int_equal(bpf_map_update_elem(p.recent_fd, &k, &e, BPF_EXIST), 0);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 2), XDP_PASS);
	e.stamps[0] -= 3;
	assert_int_equal(bpf_map_update_elem(p.recent_fd, &k, &e, BPF_EXIST), 0);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 2), XDP_DROP);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 3), XDP_PASS);
	assert_false(get(&p, &k, &e));
	assert_int_equal(entries(&p, "L"), 0);
	assert_int_equal(run4(&p, "198.18.0.5", NULL, 3), XDP_DROP);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* 101 sources in a list of 100: the least recently updated goes (the
 * first, unless it was updated since: then the second). */
static void full_list(void **state)
{
	static const char *const rules[] = {"-A INPUT -m recent --name full --set", NULL};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct bf_recent_entry e;
	struct prog p;
	char src[32];

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	for (int i = 0; i < BF_RECENT_LIST_TOT; i++) {
		snprintf(src, sizeof(src), "198.18.%d.%d", i / 200, 1 + i % 200);
		assert_int_equal(run4(&p, src, NULL, 80), XDP_PASS);
	}
	assert_int_equal(entries(&p, "full"), 100);
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 80), XDP_PASS); /* updated */
	assert_int_equal(run4(&p, "198.19.0.1", NULL, 80), XDP_PASS);
	assert_int_equal(entries(&p, "full"), 100);
	{
		struct bf_recent_key k1 = key4("full", "198.18.0.1");
		struct bf_recent_key k2 = key4("full", "198.18.0.2");
		struct bf_recent_key k3 = key4("full", "198.19.0.1");

		assert_true(get(&p, &k1, &e));
		assert_false(get(&p, &k2, &e));
		assert_true(get(&p, &k3, &e));
	}
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* --reap: the list's oldest entry goes when its last stamp is out of the
 * window; the entry being checked stays when it is the one updated. */
static void reap(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp --dport 1 -m recent --name R --set",
		"-A INPUT -p tcp --dport 2 -m recent --name R --rcheck --seconds 5 --reap",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct bf_recent_key old = key4("R", "198.18.0.1"), young = key4("R", "198.18.0.2");
	struct bf_recent_entry e;
	struct prog p;

	assert_int_equal(prog_load(rs, "veth0", &p), 0);
	assert_int_equal(run4(&p, "198.18.0.1", NULL, 1), XDP_PASS);
	assert_int_equal(run4(&p, "198.18.0.2", NULL, 1), XDP_PASS);
	assert_true(get(&p, &old, &e));
	e.stamps[0] -= 6 * HZ;
	assert_int_equal(bpf_map_update_elem(p.recent_fd, &old, &e, BPF_EXIST), 0);
	assert_int_equal(run4(&p, "198.18.0.2", NULL, 2), XDP_PASS);
	assert_false(get(&p, &old, &e));
	assert_true(get(&p, &young, &e));
	assert_int_equal(entries(&p, "R"), 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* IPv6 and IPv4 in one list (by name); --rttl wants the hop limit the
 * address was set with; --rdest --mask keys the destination's /64. A
 * second program (a reload) sees the same list. */
static void ipv6_rttl_shared(void **state)
{
	static const char *const rules6[] = {
		"-A INPUT -p tcp --dport 1 -m recent --name both --set -j ACCEPT",
		"-A INPUT -p tcp --dport 2 -m recent --name both --rcheck --rttl -j ACCEPT",
		"-A INPUT -p tcp --dport 3 -m recent --name dst --rdest --mask ffff:ffff:ffff:ffff:: "
		"--set -j ACCEPT",
		"-A INPUT -p tcp --dport 4 -m recent --name dst --rdest --rcheck -j ACCEPT",
		"-A INPUT -j DROP",
		NULL,
	};
	static const char *const rules4[] = {
		"-A INPUT -p tcp --dport 2 -m recent --name both --rcheck -j ACCEPT",
		"-A INPUT -j DROP",
		NULL,
	};
	struct bf_ruleset *rs6 = ruleset(BF_FAMILY_IPV6, rules6);
	struct bf_ruleset *rs4 = ruleset(BF_FAMILY_IPV4, rules4);
	struct prog_pkt6 pkt = {.src = "2001:db8::7", .dport = 1, .hlim = 60};
	uint8_t frame[PROG_PKT_MAX];
	uint64_t bytes;
	size_t len;
	struct prog p, q, r;

	assert_int_equal(bf_named_map_create(BF_MAP_RECENT, &prog_named_shared[1]), 0);
	assert_int_equal(prog_load(rs6, "veth0", &p), 0);
	assert_int_equal(prog_load(rs4, "veth0", &q), 0);
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&p, frame, len), XDP_PASS);
	pkt.dport = 2;
	pkt.hlim = 61;
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&p, frame, len), XDP_DROP);
	pkt.hlim = 60;
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&p, frame, len), XDP_PASS);
	/* the IPv4 program's rule on the same list: not this address */
	assert_int_equal(run4(&q, "198.18.0.7", NULL, 2), XDP_DROP);
	assert_int_equal(entries(&q, "both"), 1);

	pkt = (struct prog_pkt6){.src = "2001:db8::7", .dst = "2001:db8:0:0:1::1", .dport = 3};
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&p, frame, len), XDP_PASS);
	pkt.dst = "2001:db8::99";
	pkt.dport = 4;
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&p, frame, len), XDP_PASS);
	pkt.dst = "2001:db8:0:1::99";
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&p, frame, len), XDP_DROP);

	assert_int_equal(prog_load(rs6, "veth0", &r), 0);
	pkt = (struct prog_pkt6){.src = "2001:db8::7", .dport = 2, .hlim = 60};
	len = prog_pkt6_build(&pkt, frame, &bytes);
	assert_int_equal(prog_run(&r, frame, len), XDP_PASS);
	prog_close(&p);
	prog_close(&q);
	prog_close(&r);
	close(prog_named_shared[1]);
	prog_named_shared[1] = -1;
	bf_ruleset_free(rs6);
	bf_ruleset_free(rs4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ssh),
		cmocka_unit_test(rcheck_remove),
		cmocka_unit_test(full_list),
		cmocka_unit_test(reap),
		cmocka_unit_test(ipv6_rttl_shared),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
