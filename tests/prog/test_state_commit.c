/* src/core: the namespace state with real programs on veths in a network
 * namespace of this process's own. Packets go through the attached
 * programs with BPF_PROG_TEST_RUN, so counts are exact: counters survive
 * reloads (also counts made between reading the state and the swap), a
 * failed commit changes nothing (also when the swap fails on the second
 * interface), attached programs share one counters map, detach stores the
 * final counters. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgen/insn.h"
#include "common/log.h"
#include "core/state.h"
#include "ext/ext.h"
#include "kern/kern_int.h"
#include "lib/prog_run.h"

static char run_dir[256];

static void log_cb(enum bf_log_level level, const char *msg, void *data)
{
	if (level <= BF_LOG_WARN)
		fprintf(stderr, "log %d: %s\n", level, msg);
}

/* An Ethernet + IPv4 + UDP frame to 198.18.0.2 port dport. */
static size_t udp_frame(uint8_t *f, uint16_t dport)
{
	uint8_t *ip = f + ETH_HLEN, *udp = ip + 20;
	uint32_t sum = 0;
	size_t len = ETH_HLEN + 20 + 8 + 4;

	memset(f, 0, len);
	memset(f, 0x02, 12);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = 32; /* total length */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, (uint8_t[]){198, 18, 0, 1, 198, 18, 0, 2}, 8);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	udp[0] = 0x04;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[5] = 12;
	return len;
}

/* Runs n packets to dport through a program; returns its verdict. */
static int run(int prog_fd, uint16_t dport, int n)
{
	uint8_t frame[64];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .repeat = 1);

	opts.data_size_in = (uint32_t)udp_frame(frame, dport);
	for (int i = 0; i < n; i++)
		assert_int_equal(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	return (int)opts.retval;
}

/* -p udp --dport PORT -j VERDICT */
static struct bf_rule *udp_rule(const char *port, enum bf_verdict v)
{
	const struct bf_match_ops *ops = bf_match_ops_find("udp", BF_FAMILY_IPV4);
	struct bf_rule *r = bf_rule_new();
	struct bf_match *m;
	unsigned int flags = 0;
	int opt = -1;

	assert_non_null(ops);
	assert_non_null(r);
	r->ip.proto = IPPROTO_UDP;
	r->target.verdict = v;
	m = bf_rule_add_match(r, ops);
	assert_non_null(m);
	for (const struct option *o = ops->options; o->name; o++)
		if (!strcmp(o->name, "dport") || !strcmp(o->name, "destination-port"))
			opt = o->val;
	assert_true(opt >= 0);
	assert_int_equal(ops->parse(opt, port, false, m->data, &flags, &r->ip), 0);
	if (ops->final_check)
		assert_int_equal(ops->final_check(m->data, flags, &r->ip), 0);
	return r;
}

static struct bf_chain *input(struct bf_ruleset *rs)
{
	struct bf_chain *c = bf_table_chain(&rs->tables[BF_TABLE_FILTER], "INPUT");

	assert_non_null(c);
	return c;
}

static struct bf_chain *in4(const struct bf_state *st)
{
	return input(st->rs[BF_FAMILY_IPV4]);
}

static struct bf_chain *in6(const struct bf_state *st)
{
	return input(st->rs[BF_FAMILY_IPV6]);
}

static void open_st(struct bf_state *st)
{
	assert_int_equal(bf_state_open(st, -1, 0), 0);
}

static uint32_t xdp_id(const char *ifname)
{
	uint32_t id = 0;

	assert_int_equal(bf_xdp_query((int)if_nametoindex(ifname), BF_XDP_NATIVE, &id), 0);
	return id;
}

static char *read_file_of(const char *name)
{
	char path[512], *buf = calloc(1, 65536);
	uint64_t cookie;
	FILE *f;

	assert_int_equal(bf_netns_cookie(&cookie), 0);
	snprintf(path, sizeof(path), "%s/%llu/%s", run_dir, (unsigned long long)cookie, name);
	f = fopen(path, "r");
	if (f) {
		size_t n = fread(buf, 1, 65535, f);

		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

static char *read_rules_file(void)
{
	return read_file_of("rules.v4");
}

/* One ordered scenario: each step builds on the previous one. */
static void scenario(void **state)
{
	struct bf_state st;
	struct bf_ruleset *rs;
	uint32_t id1, id2;
	char *before, *after;
	int old_fd;

	/* Empty at first. */
	open_st(&st);
	assert_int_equal(st.n_att, 0);
	assert_int_equal(in4(&st)->n_rules, 0);

	/* Nothing attached: commit only stores. */
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV4]);
	bf_chain_insert(input(rs), 0, udp_rule("9", BF_VERDICT_DROP));
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV4, rs), 0);
	bf_state_close(&st);

	open_st(&st);
	assert_int_equal(in4(&st)->n_rules, 1);
	assert_int_equal(bf_state_attach(&st, "nosuch0", BF_XDP_NATIVE), -ENXIO);
	assert_int_equal(st.n_att, 0);
	assert_int_equal(bf_state_attach(&st, "bfs0", BF_XDP_NATIVE), 0);
	assert_int_equal(st.n_att, 1);
	id1 = xdp_id("bfs0");
	assert_true(id1 > 0);
	assert_int_equal(st.att[0].prog_id, id1);
	bf_state_close(&st);

	/* Found again; packets counted live. */
	open_st(&st);
	assert_int_equal(st.n_att, 1);
	assert_int_equal(st.att[0].prog_id, id1);
	assert_int_equal(run(st.att[0].prog_fd, 9, 5), XDP_DROP);
	assert_int_equal(run(st.att[0].prog_fd, 10, 3), XDP_PASS);
	bf_state_close(&st);
	open_st(&st);
	assert_int_equal(in4(&st)->rules[0]->counters.packets, 5);
	assert_int_equal(in4(&st)->rules[0]->counters.bytes, 5 * 32);
	assert_int_equal(in4(&st)->policy_counters.packets, 3);

	/* A rule inserted in front moves the slot. Packets counted by the
	 * old program after the state was read still count. */
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV4]);
	bf_chain_insert(input(rs), 0, udp_rule("7", BF_VERDICT_ACCEPT));
	assert_int_equal(run(st.att[0].prog_fd, 9, 4), XDP_DROP);
	assert_int_equal(run(st.att[0].prog_fd, 11, 2), XDP_PASS);
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV4, rs), 0);
	id2 = xdp_id("bfs0");
	assert_true(id2 != id1);
	assert_int_equal(st.att[0].prog_id, id2);
	/* st->rs has the live counters after a commit. */
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 9);
	assert_int_equal(in4(&st)->policy_counters.packets, 5);
	assert_int_equal(run(st.att[0].prog_fd, 7, 1), XDP_PASS);
	bf_state_close(&st);

	open_st(&st);
	assert_int_equal(in4(&st)->n_rules, 2);
	assert_int_equal(in4(&st)->rules[0]->counters.packets, 1);
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 9);
	assert_int_equal(in4(&st)->policy_counters.packets, 5);

	/* A commit that cannot compile (-m addrtype, which needs the routing
	 * table's types) changes nothing. */
	before = read_rules_file();
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV4]);
	{
		struct bf_rule *r = udp_rule("5", BF_VERDICT_DROP);

		assert_non_null(bf_rule_add_match(r, bf_match_ops_find("addrtype",
								       BF_FAMILY_IPV4)));
		bf_chain_insert(input(rs), 0, r);
	}
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV4, rs), -EOPNOTSUPP);
	bf_ruleset_free(rs);
	assert_int_equal(xdp_id("bfs0"), id2);
	after = read_rules_file();
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* A second interface shares the counters map. */
	assert_int_equal(bf_state_attach(&st, "bfs1", BF_XDP_NATIVE), 0);
	assert_int_equal(st.n_att, 2);
	{
		int m0, m1;
		struct bpf_map_info i0 = {0}, i1 = {0};
		uint32_t l0 = sizeof(i0), l1 = sizeof(i1);

		assert_int_equal(bf_prog_counters_map(st.att[0].prog_fd, &m0), 0);
		assert_int_equal(bf_prog_counters_map(st.att[1].prog_fd, &m1), 0);
		assert_int_equal(bpf_obj_get_info_by_fd(m0, &i0, &l0), 0);
		assert_int_equal(bpf_obj_get_info_by_fd(m1, &i1, &l1), 0);
		assert_int_equal(i0.id, i1.id);
		close(m0);
		close(m1);
	}
	assert_int_equal(run(st.att[1].prog_fd, 9, 2), XDP_DROP);
	bf_state_close(&st);

	open_st(&st);
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 11);

	/* The swap fails on the second interface (someone replaced our
	 * program there): the first gets its old program back. */
	{
		const struct bpf_insn insns[] = {
			BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
			BPF_EXIT_INSN(),
		};
		int foreign;
		uint32_t id_s1;

		assert_int_equal(bf_prog_load(&bf_hook_xdp, insns, 2, "other", &foreign), 0);
		assert_int_equal(bf_xdp_attach(st.att[1].ifindex, foreign, BF_XDP_NATIVE,
					       st.att[1].prog_fd), 0);
		id_s1 = xdp_id("bfs1");
		before = read_rules_file();
		rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV4]);
		bf_chain_insert(input(rs), 0, udp_rule("6", BF_VERDICT_ACCEPT));
		assert_true(bf_state_commit(&st, BF_FAMILY_IPV4, rs) < 0);
		bf_ruleset_free(rs);
		assert_int_equal(xdp_id("bfs0"), id2);
		assert_int_equal(xdp_id("bfs1"), id_s1);
		after = read_rules_file();
		assert_string_equal(before, after);
		free(before);
		free(after);
		/* Clean up the foreign program. */
		assert_int_equal(bf_xdp_detach(st.att[1].ifindex, BF_XDP_NATIVE, foreign), 0);
		close(foreign);
	}
	bf_state_close(&st);

	/* Now bfs1 lost its program: reported, and commits skip it. */
	open_st(&st);
	assert_int_equal(st.n_att, 2);
	assert_int_equal(st.att[1].prog_id, 0);
	assert_string_equal(bf_state_att_gone(&st.att[1]), "program gone");
	assert_null(bf_state_att_gone(&st.att[0]));
	assert_int_equal(bf_state_detach(&st, "bfs1"), 0);
	assert_int_equal(st.n_att, 1);

	/* Detaching the last one stores its final counters, also those
	 * counted after the state was read. */
	old_fd = dup(st.att[0].prog_fd);
	assert_int_equal(run(old_fd, 9, 1), XDP_DROP);
	assert_int_equal(bf_state_detach(&st, "bfs0"), 0);
	assert_int_equal(xdp_id("bfs0"), 0);
	assert_int_equal(bf_state_detach(&st, "bfs0"), -ENOENT);
	bf_state_close(&st);
	close(old_fd);

	open_st(&st);
	assert_int_equal(st.n_att, 0);
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 12);
	/* Attach again: the counters go on from there. */
	assert_int_equal(bf_state_attach(&st, "bfs0", BF_XDP_NATIVE), 0);
	assert_int_equal(run(st.att[0].prog_fd, 9, 1), XDP_DROP);
	bf_state_close(&st);
	open_st(&st);
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 13);
	assert_int_equal(bf_state_detach(&st, "bfs0"), 0);
	bf_state_close(&st);
}

/* An Ethernet + IPv6 frame (only the header, no next header). */
static int run6(int prog_fd)
{
	uint8_t f[ETH_HLEN + 40] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f, .data_size_in = sizeof(f),
		    .repeat = 1);

	memset(f, 0x02, 12);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[ETH_HLEN] = 0x60;
	f[ETH_HLEN + 6] = IPPROTO_NONE;
	f[ETH_HLEN + 7] = 64;
	assert_int_equal(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	return (int)opts.retval;
}

static struct bf_chain *chain6(struct bf_ruleset *rs, const char *name)
{
	struct bf_chain *c = bf_table_chain(&rs->tables[BF_TABLE_FILTER], name);

	assert_non_null(c);
	return c;
}

/* Both families in one state and one counters map (IPv4's slots first):
 * each family's commit leaves the other's ruleset, and the counters of
 * both are carried exactly, also when an IPv4 change moves the IPv6
 * slots. Runs after scenario(): its two IPv4 rules are there. */
static void two_families(void **state)
{
	struct bf_state st;
	struct bf_ruleset *rs;
	char *before, *after, *before6, *after6;
	uint32_t id;
	int old_fd;

	/* Nothing attached: an IPv6 change is only stored, in rules.v6. */
	open_st(&st);
	assert_int_equal(st.n_att, 0);
	assert_int_equal(st.rs[BF_FAMILY_IPV6]->family, BF_FAMILY_IPV6);
	before = read_rules_file();
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV6]);
	input(rs)->policy_counters = (struct bf_counter){5, 500};
	input(rs)->old_slot = -1;
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV4, rs), -EINVAL);
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV6, rs), 0);
	after = read_rules_file();
	assert_string_equal(before, after);
	free(before);
	free(after);
	after6 = read_file_of("rules.v6");
	assert_non_null(strstr(after6, ":INPUT ACCEPT [5:500]"));
	free(after6);
	bf_state_close(&st);

	/* Attached: both families judged, the IPv6 frame (40 bytes) by the
	 * IPv6 INPUT policy. */
	open_st(&st);
	assert_int_equal(in6(&st)->policy_counters.packets, 5);
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 13);
	assert_int_equal(bf_state_attach(&st, "bfs0", BF_XDP_NATIVE), 0);
	assert_int_equal(run(st.att[0].prog_fd, 9, 3), XDP_DROP);
	assert_int_equal(run6(st.att[0].prog_fd), XDP_PASS);
	bf_state_close(&st);

	/* An IPv4 rule in front moves every IPv6 slot by one; counts made
	 * meanwhile by the old program are carried too. */
	open_st(&st);
	assert_int_equal(in4(&st)->rules[1]->counters.packets, 16);
	assert_int_equal(in6(&st)->policy_counters.packets, 6);
	assert_int_equal(in6(&st)->policy_counters.bytes, 540);
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV4]);
	bf_chain_insert(input(rs), 0, udp_rule("4", BF_VERDICT_ACCEPT));
	assert_int_equal(run(st.att[0].prog_fd, 9, 2), XDP_DROP);
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV4, rs), 0);
	assert_int_equal(in4(&st)->rules[2]->counters.packets, 18);
	assert_int_equal(in6(&st)->policy_counters.packets, 6);
	assert_int_equal(in6(&st)->policy_counters.bytes, 540);
	bf_state_close(&st);

	/* An IPv6 change: the IPv4 counters (also late ones) carried, the
	 * unchanged IPv6 counter carried, the new one set. */
	open_st(&st);
	assert_int_equal(in4(&st)->n_rules, 3);
	assert_int_equal(in4(&st)->rules[2]->counters.packets, 18);
	assert_int_equal(in6(&st)->policy_counters.packets, 6);
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV6]);
	chain6(rs, "OUTPUT")->policy_counters = (struct bf_counter){1, 100};
	chain6(rs, "OUTPUT")->old_slot = -1;
	assert_int_equal(run(st.att[0].prog_fd, 9, 1), XDP_DROP);
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV6, rs), 0);
	assert_int_equal(in4(&st)->rules[2]->counters.packets, 19);
	bf_state_close(&st);
	open_st(&st);
	assert_int_equal(in4(&st)->rules[2]->counters.packets, 19);
	assert_int_equal(in4(&st)->rules[2]->counters.bytes, 19 * 32);
	assert_int_equal(in6(&st)->policy_counters.packets, 6);
	assert_int_equal(in6(&st)->policy_counters.bytes, 540);
	assert_int_equal(chain6(st.rs[BF_FAMILY_IPV6], "OUTPUT")->policy_counters.packets, 1);
	assert_int_equal(chain6(st.rs[BF_FAMILY_IPV6], "OUTPUT")->policy_counters.bytes, 100);

	/* What cannot be compiled yet is refused while attached, and
	 * nothing changes: an IPv6 rule in OUTPUT (at TC egress) with
	 * -m addrtype. */
	id = xdp_id("bfs0");
	before = read_rules_file();
	before6 = read_file_of("rules.v6");
	rs = bf_ruleset_clone(st.rs[BF_FAMILY_IPV6]);
	{
		struct bf_rule *r = bf_rule_new();

		assert_non_null(r);
		r->ip.family = BF_FAMILY_IPV6;
		r->target.verdict = BF_VERDICT_DROP;
		assert_non_null(bf_rule_add_match(r, bf_match_ops_find("addrtype",
								       BF_FAMILY_IPV6)));
		assert_int_equal(bf_chain_insert(chain6(rs, "OUTPUT"), 0, r), 0);
	}
	assert_int_equal(bf_state_commit(&st, BF_FAMILY_IPV6, rs), -EOPNOTSUPP);
	bf_ruleset_free(rs);
	assert_int_equal(xdp_id("bfs0"), id);
	after = read_rules_file();
	after6 = read_file_of("rules.v6");
	assert_string_equal(before, after);
	assert_string_equal(before6, after6);
	free(before);
	free(after);
	free(before6);
	free(after6);
	assert_int_equal(run(st.att[0].prog_fd, 9, 1), XDP_DROP);
	bf_state_close(&st);

	/* Detaching stores the final counters of both families. */
	open_st(&st);
	old_fd = dup(st.att[0].prog_fd);
	assert_int_equal(run(old_fd, 9, 1), XDP_DROP);
	assert_int_equal(bf_state_detach(&st, "bfs0"), 0);
	close(old_fd);
	bf_state_close(&st);
	open_st(&st);
	assert_int_equal(st.n_att, 0);
	assert_int_equal(in4(&st)->rules[2]->counters.packets, 21);
	assert_int_equal(in6(&st)->policy_counters.packets, 6);
	assert_int_equal(chain6(st.rs[BF_FAMILY_IPV6], "OUTPUT")->policy_counters.bytes, 100);
	bf_state_close(&st);
}

/* The state is per namespace: a new one starts empty. */
static void per_namespace(void **state)
{
	struct bf_state st;

	assert_int_equal(unshare(CLONE_NEWNET), 0);
	open_st(&st);
	assert_int_equal(in4(&st)->n_rules, 0);
	assert_int_equal(in6(&st)->n_rules, 0);
	assert_int_equal(st.n_att, 0);
	bf_state_close(&st);
}

/* The lock: a second open fails at once without -w. */
static void lock_busy(void **state)
{
	struct bf_state a, b;

	open_st(&a);
	/* flock locks belong to the open file: a second open conflicts. */
	assert_int_equal(bf_state_open(&b, -1, 0), -EWOULDBLOCK);
	assert_int_equal(bf_state_open(&b, 1, 100000), -ETIMEDOUT);
	bf_state_close(&a);
	open_st(&b);
	bf_state_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scenario),
		cmocka_unit_test(two_families),
		cmocka_unit_test(lock_busy),
		cmocka_unit_test(per_namespace),
	};
	char cmd[1024];
	int rc;

	if (geteuid()) {
		printf("needs root (BPF, network namespaces)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return 1;
	}
	/* No IPv6 of the namespace's own (DAD, router solicitations) reaches
	 * the attached programs: IPv6 is judged and counted too. */
	if (system("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 && "
		   "sysctl -qw net.ipv6.conf.default.disable_ipv6=1 && "
		   "ip link add bfs0 type veth peer name bfp0 && "
		   "ip link add bfs1 type veth peer name bfp1 && "
		   "ip link set bfs0 up && ip link set bfp0 up && "
		   "ip link set bfs1 up && ip link set bfp1 up")) {
		printf("FAIL: cannot create the veth pairs\n");
		return 1;
	}
	if (prog_tmpdir(run_dir, sizeof(run_dir), "bf-state-test")) {
		perror("mkdtemp");
		return 1;
	}
	setenv("BPFILTER_RUN_DIR", run_dir, 1);
	/* The netfilter stage's pins: a bpffs of this test's own. */
	snprintf(cmd, sizeof(cmd), "mkdir '%s/bpffs' && mount -t bpf bpffs '%s/bpffs'", run_dir,
		 run_dir);
	if (system(cmd)) {
		printf("FAIL: cannot mount a bpffs\n");
		return 1;
	}
	bf_log_set(log_cb, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "umount '%s/bpffs'; rm -rf '%s'", run_dir, run_dir);
	if (system(cmd))
		rc = rc ? rc : 1;
	return rc;
}
