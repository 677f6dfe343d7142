/* -m set compiled at XDP, run with BPF_PROG_TEST_RUN: every set type
 * (hash:ip, hash:net, hash:ip,port, hash:net,port) and direction, both
 * families, !, nomatch and --return-nomatch, counters and their tests.
 * Elements are added and deleted in the set's map while the program is
 * loaded: the next packet sees the change, with no reload. Elements that
 * expire are absent, and in a hash:net a shorter live net then holds. The
 * sets live in a run directory and a bpffs of this test's own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/set.h"
#include "core/set_elem.h"
#include "core/set_ops.h"
#include "core/state.h"
#include "lib/prog_pkt.h"
#include "lib/prog_pkt6.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "lib/prog_suites.h"

#define PASS 2
#define DROP 1

static char run_dir[256], fs_dir[256];

/* A new set, as `bpfilter set create` makes it. */
static struct bf_set mkset(const char *name, enum bf_set_type type, enum bf_family family,
			   bool timeout, bool counters)
{
	struct bf_set s = {.type = type, .family = family, .hashsize = 1024, .maxelem = 1000,
			   .with_timeout = timeout, .counters = counters}, *all, *v;
	size_t n;
	int fd;

	snprintf(s.name, sizeof(s.name), "%s", name);
	assert_int_equal(bf_sets_read(&all, &n), 0);
	s.id = (uint32_t)n;
	v = realloc(all, (n + 1) * sizeof(*v));
	assert_non_null(v);
	v[n] = s;
	assert_int_equal(bf_sets_write(v, n + 1), 0);
	free(v);
	assert_int_equal(bf_set_map_create(&s, &fd), 0);
	close(fd);
	return s;
}

struct add_ctx {
	int fd;
	const struct bf_set *s;
	struct bf_set_add_opts o;
	bool del;
};

static int add_one(const struct bf_set_elem *e, void *data)
{
	struct add_ctx *c = data;

	return c->del ? bf_set_elem_del(c->fd, c->s, e) : bf_set_elem_add(c->fd, c->s, e, &c->o);
}

/* `bpfilter set add|del` of one element text, with the add's options. */
static void elem(const struct bf_set *s, bool del, const char *text, const struct bf_set_add_opts *o)
{
	struct add_ctx c = {.s = s, .del = del};
	struct bf_set_range r;

	if (o)
		c.o = *o;
	assert_int_equal(bf_set_map_open(s, &c.fd), 0);
	assert_int_equal(bf_set_range_parse(s, text, &r), 0);
	assert_int_equal(bf_set_range_walk(s, &r, add_one, &c), 0);
	close(c.fd);
}

/* An element whose expiry is `ms` from now (negative: gone already). */
static void elem_expiring(const struct bf_set *s, const char *text, int64_t ms)
{
	struct bf_set_add_opts o = {0};
	struct bf_set_range r;
	uint8_t key[BF_SET_KEY_MAX];
	struct bf_set_val v;
	int fd;

	assert_int_equal(bf_set_range_parse(s, text, &r), 0);
	bf_set_key(s, &r.first, key);
	bf_set_val_init(s, &r.first, &o, &v);
	v.expires = (uint64_t)((int64_t)bf_set_now() + ms * 1000000);
	assert_int_equal(bf_set_map_open(s, &fd), 0);
	assert_int_equal(bpf_map_update_elem(fd, key, &v, BPF_ANY), 0);
	close(fd);
}

static struct bf_set_val value_of(const struct bf_set *s, const char *text)
{
	struct bf_set_range r;
	uint8_t key[BF_SET_KEY_MAX];
	struct bf_set_val v = {0};
	int fd;

	assert_int_equal(bf_set_range_parse(s, text, &r), 0);
	bf_set_key(s, &r.first, key);
	assert_int_equal(bf_set_map_open(s, &fd), 0);
	assert_int_equal(bpf_map_lookup_elem(fd, key, &v), 0);
	close(fd);
	return v;
}

static struct bf_ruleset *rules(enum bf_family f, const char *const *r)
{
	struct bf_ruleset *rs = prog_ruleset_raw_front(f, BF_VERDICT_ACCEPT, r);

	assert_non_null(rs);
	return rs;
}

/* The verdict and counters of a frame: raw PREROUTING's rule i (-1:
 * its policy), then filter INPUT's policy for what raw lets through. */
static void check_frame(const struct prog *p, const struct bf_ruleset *rs, const char *what,
			const uint8_t *buf, size_t len, uint64_t bytes, int ret, int rule)
{
	assert_int_equal(prog_check2(p, what, buf, len, ret,
				     rule < 0 ? prog_raw_policy_slot(rs)
					      : prog_raw_rule_slot(rs, (size_t)rule),
				     ret == PASS ? prog_policy_slot(rs) : -1, bytes),
			 0);
}

static void check(const struct prog *p, const struct bf_ruleset *rs, const char *what,
		  const struct prog_pkt *pkt, int ret, int rule)
{
	uint8_t buf[PROG_PKT_MAX];
	size_t len = prog_pkt_build(pkt, buf);

	check_frame(p, rs, what, buf, len, prog_pkt_ip_len(pkt), ret, rule);
}
#define CHECK check

static void check6(const struct prog *p, const struct bf_ruleset *rs, const char *what,
		   const struct prog_pkt6 *pkt, int ret, int rule)
{
	uint8_t buf[PROG_PKT_MAX];
	uint64_t bytes;
	size_t len = prog_pkt6_build(pkt, buf, &bytes);

	check_frame(p, rs, what, buf, len, bytes, ret, rule);
}

static void test_hash_ip(void **state)
{
	struct bf_set s = mkset("ip4", BF_SET_HASH_IP, BF_FAMILY_IPV4, false, false);
	struct bf_set d = mkset("ip4d", BF_SET_HASH_IP, BF_FAMILY_IPV4, false, false);
	const char *r[] = {"-m set --match-set ip4 src -j DROP",
			   "-m set ! --match-set ip4d dst -j DROP", NULL};
	struct bf_ruleset *rs = rules(BF_FAMILY_IPV4, r);
	struct prog_pkt a = {.src = "198.18.1.1", .dst = "198.18.0.2"};
	struct prog p;

	elem(&d, false, "198.18.0.2", NULL);
	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	CHECK(&p, rs, "src not in the set", &a, PASS, -1);
	elem(&s, false, "198.18.1.1", NULL);
	CHECK(&p, rs, "src added after load", &a, DROP, 0);
	elem(&s, true, "198.18.1.1", NULL);
	CHECK(&p, rs, "src deleted", &a, PASS, -1);
	elem(&d, true, "198.18.0.2", NULL);
	CHECK(&p, rs, "! dst: deleted from the set", &a, DROP, 1);
	elem(&s, false, "198.18.1.0/30", NULL); /* every address of the net */
	CHECK(&p, rs, "src in a /30 added as addresses", &a, DROP, 0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

static void test_hash_net(void **state)
{
	struct bf_set s = mkset("net4", BF_SET_HASH_NET, BF_FAMILY_IPV4, true, false);
	const char *r[] = {"-m set --match-set net4 dst -j DROP",
			   "-m set --match-set net4 dst --return-nomatch -j ACCEPT", NULL};
	struct bf_ruleset *rs = rules(BF_FAMILY_IPV4, r);
	struct prog_pkt in16 = {.dst = "198.18.7.2"}, in24 = {.dst = "198.18.0.2"};
	struct bf_set_add_opts nomatch = {.nomatch = true};
	struct prog p;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	CHECK(&p, rs, "empty set", &in16, PASS, -1);
	elem(&s, false, "198.18.0.0/16", NULL);
	CHECK(&p, rs, "dst in the /16", &in16, DROP, 0);
	elem(&s, false, "198.18.0.0/24", &nomatch);
	CHECK(&p, rs, "dst in a nomatch /24 within it", &in24, PASS, 1);
	CHECK(&p, rs, "dst in the /16 only", &in16, DROP, 0);
	/* The nomatch /24 expired: the /16 holds again. */
	elem(&s, true, "198.18.0.0/24", NULL);
	elem_expiring(&s, "198.18.0.0/24", -1000);
	CHECK(&p, rs, "expired nomatch /24: the /16", &in24, DROP, 0);
	/* An element that expires while loaded. */
	elem(&s, true, "198.18.0.0/16", NULL);
	elem_expiring(&s, "198.18.0.0/20", 300);
	CHECK(&p, rs, "live /20", &in24, DROP, 0);
	usleep(400000);
	CHECK(&p, rs, "the /20 expired", &in24, PASS, -1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

static void test_ports(void **state)
{
	struct bf_set ip = mkset("ipp", BF_SET_HASH_IP_PORT, BF_FAMILY_IPV4, false, true);
	struct bf_set net = mkset("netp", BF_SET_HASH_NET_PORT, BF_FAMILY_IPV4, false, false);
	const char *r[] = {"-m set --match-set ipp src,dst -j DROP",
			   "-m set --match-set netp dst,src -j DROP",
			   "-m set --match-set ipp src -j DROP", /* dimension 1 < 2: no match */
			   NULL};
	struct bf_ruleset *rs = rules(BF_FAMILY_IPV4, r);
	struct prog_pkt tcp80 = {.src = "198.18.1.1", .dport = 80};
	struct prog_pkt udp80 = {.src = "198.18.1.1", .proto = IPPROTO_UDP, .dport = 80};
	struct prog_pkt short_tcp = {.src = "198.18.1.1", .dport = 80, .l4_len = 12};
	struct prog_pkt frag = {.src = "198.18.1.1", .dport = 80, .frag = 8};
	struct prog_pkt from53 = {.dst = "198.18.0.2", .proto = IPPROTO_UDP, .sport = 53};
	struct prog_pkt gre = {.dst = "198.18.0.2", .proto = 47, .l4_len = -1};
	struct prog p;
	struct bf_set_val v;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	elem(&ip, false, "198.18.1.1,80", NULL); /* a bare port is tcp */
	CHECK(&p, rs, "tcp src,dst port 80", &tcp80, DROP, 0);
	CHECK(&p, rs, "udp: another protocol", &udp80, PASS, -1);
	CHECK(&p, rs, "tcp header cut short: no port", &short_tcp, PASS, -1);
	{
		/* raw PREROUTING only: filter INPUT judges the reassembled
		 * datagram (the netfilter stage) */
		uint8_t buf[PROG_PKT_MAX];
		size_t len = prog_pkt_build(&frag, buf);

		assert_int_equal(prog_check(&p, "later fragment: no port", buf, len, PASS,
					    prog_raw_policy_slot(rs), prog_pkt_ip_len(&frag)), 0);
	}
	v = value_of(&ip, "198.18.1.1,tcp:80");
	assert_int_equal(v.packets, 1);
	assert_int_equal(v.bytes, prog_pkt_ip_len(&tcp80));
	elem(&net, false, "198.18.0.0/24,udp:53", NULL);
	CHECK(&p, rs, "net dst, udp src port", &from53, DROP, 1);
	CHECK(&p, rs, "gre: no port", &gre, PASS, -1);
	elem(&net, false, "198.18.0.0/16,gre:0", NULL);
	CHECK(&p, rs, "gre: port 0", &gre, DROP, 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

static void test_counters(void **state)
{
	struct bf_set s = mkset("cnt", BF_SET_HASH_IP, BF_FAMILY_IPV4, false, true);
	const char *r[] = {"-m set --match-set cnt src --packets-lt 2 -j DROP",
			   "-m set --match-set cnt src ! --update-counters --bytes-gt 0 -j DROP",
			   NULL};
	struct bf_ruleset *rs = rules(BF_FAMILY_IPV4, r);
	struct prog_pkt a = {.src = "198.18.1.1"};
	struct prog p;

	elem(&s, false, "198.18.1.1", NULL);
	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	/* ip_set_match_extensions: the test before the update */
	CHECK(&p, rs, "packets 0 < 2", &a, DROP, 0);
	CHECK(&p, rs, "packets 1 < 2", &a, DROP, 0);
	CHECK(&p, rs, "packets 2: rule 2, bytes > 0", &a, DROP, 1);
	assert_int_equal(value_of(&s, "198.18.1.1").packets, 2);
	prog_close(&p);
	bf_ruleset_free(rs);
}

static void test_ipv6(void **state)
{
	struct bf_set s = mkset("ip6", BF_SET_HASH_IP, BF_FAMILY_IPV6, true, false);
	struct bf_set n = mkset("np6", BF_SET_HASH_NET_PORT, BF_FAMILY_IPV6, false, false);
	const char *r[] = {"-m set --match-set ip6 src -j DROP",
			   "-m set --match-set np6 dst,dst -j DROP", NULL};
	struct bf_ruleset *rs = rules(BF_FAMILY_IPV6, r);
	struct prog_pkt6 a = {.src = "2001:db8::7"}, udp = {.proto = IPPROTO_UDP, .dport = 53};
	struct bf_set_add_opts t = {.has_timeout = true, .timeout = 1};
	struct prog p;

	assert_int_equal(prog_load(rs, PROG_IFNAME, &p), 0);
	check6(&p, rs, "v6 src not in the set", &a, PASS, -1);
	elem(&s, false, "2001:db8::7", &t);
	check6(&p, rs, "v6 src added, 1 s", &a, DROP, 0);
	elem_expiring(&s, "2001:db8::7", -1);
	check6(&p, rs, "v6 src expired", &a, PASS, -1);
	elem(&n, false, "2001:db8::/64,udp:53", NULL);
	check6(&p, rs, "v6 net,port dst", &udp, DROP, 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_ip), cmocka_unit_test(test_hash_net),
		cmocka_unit_test(test_ports),   cmocka_unit_test(test_counters),
		cmocka_unit_test(test_ipv6),
	};
	char cmd[1024];
	int rc;

	prog_need_root();
	if (prog_tmpdir(run_dir, sizeof(run_dir), "bft-set-run") ||
	    prog_tmpdir(fs_dir, sizeof(fs_dir), "bft-set-fs") || mount("bpffs", fs_dir, "bpf", 0, "mode=0700")) {
		perror("test set-up");
		return 1;
	}
	setenv("BPFILTER_RUN_DIR", run_dir, 1);
	setenv("BPFILTER_BPFFS", fs_dir, 1);
	/* The namespace's directory, which bpfilter's commands make. */
	if (bf_state_ns_dir(cmd, sizeof(cmd)) || mkdir(cmd, 0700)) {
		perror("test set-up");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	umount(fs_dir);
	rmdir(fs_dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", run_dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", run_dir);
	return rc;
}
