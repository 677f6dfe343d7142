/* The netfilter LOCAL_IN program (src/cgen/nf.c) judging filter INPUT for
 * reassembled IPv4 datagrams.
 * (a) BPF_PROG_TEST_RUN: crafted frames through the program compiled with
 *     bf_hook_nf_local_in_all (test-run skbs are never reassembled) give
 *     the verdicts and counters filter INPUT gives; the attachable program
 *     (bf_hook_nf_local_in) accepts them unjudged and uncounted.
 * (b) Real traffic: two twin namespace pairs A -> B over veth. B1 has the
 *     ruleset in iptables-legacy's filter INPUT (the oracle), B2 has our
 *     program on a netfilter link. Unfragmented traffic must leave our
 *     counters untouched (XDP judges it); fragmented datagrams must be
 *     counted exactly as filter INPUT counts them, and get its verdicts
 *     (B1's and B2's UDP and ICMP statistics move alike). */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cgen/nf.h"
#include "cgen/nf_uapi.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "kern/kern.h"
#include "kern/nf_link.h"
#include "lib/front_util.h"
#include "lib/oracle_net.h"
#include "lib/prog_pkt.h"
#include "lib/prog_run.h"

static const char *const rules[] = {
	"-A INPUT -p icmp -m length --length 2000:65535 -j DROP",
	"-A INPUT -s 198.18.0.1/32 -p udp -m udp --dport 9 -j ACCEPT",
	"-A INPUT -p icmp -j ACCEPT",
	"-A INPUT -p tcp -m tcp --dport 22 --tcp-flags SYN,ACK SYN -j ACCEPT",
	/* Link-layer fields of a reassembled datagram (the first fragment's). */
	"-A INPUT -p udp -m udp --dport 11 -m mac --mac-source 02:00:00:00:0a:01 "
	"-m pkttype --pkt-type unicast -j ACCEPT",
	NULL,
};
#define N_RULES 5

static void log_stderr(enum bf_log_level level, const char *msg, void *data)
{
	if (level <= BF_LOG_WARN)
		fprintf(stderr, "bpfilter: %s\n", msg);
}

static struct bf_ruleset *ruleset(void)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	struct bf_strbuf out = {0};

	if (!rs)
		abort();
	for (size_t i = 0; rules[i]; i++) {
		if (front_cmd(rs, rules[i], &out)) {
			fprintf(stderr, "`%s': %s\n", rules[i], front_errors());
			abort();
		}
	}
	if (front_cmd(rs, "-P INPUT DROP", &out))
		abort();
	bf_strbuf_free(&out);
	return rs;
}

/* Compiles rs for a netfilter hook and loads it (log on failure). */
static int load_nf(const struct bf_ruleset *rs, const struct bf_hook_ops *hook,
		   const char *ifname, struct prog *p)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BF_ATTACH_NETFILTER);
	int fds[BF_MAP_MAX], err;
	struct bf_cgen cg;
	static char log[4 << 20];

	memset(p, 0, sizeof(*p));
	p->prog_fd = -1;
	p->n_slots = bf_ruleset_n_slots(rs);
	p->map_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bf_counters", sizeof(uint32_t),
				   sizeof(struct bf_counter), (uint32_t)p->n_slots, NULL);
	if (p->map_fd < 0)
		return -errno;
	bf_cgen_init(&cg);
	err = bf_cgen_compile_nf_hook(&cg, rs, ifname, hook);
	fds[BF_MAP_COUNTERS] = p->map_fd;
	fds[BF_MAP_STATE] = fds[BF_MAP_CLASS] = fds[BF_MAP_ICMP_PEERS] = -1;
	if (!err && cg.class_table.n)
		err = bf_class_map_create(&cg.class_table, &fds[BF_MAP_CLASS]);
	if (!err)
		err = bf_cgen_patch_maps(&cg, fds);
	if (!err) {
		p->prog_fd = bpf_prog_load(BF_PROG_TYPE_NETFILTER, "bf_nf_test", "GPL", cg.insns,
					   cg.len, &opts);
		if (p->prog_fd < 0) {
			opts.log_buf = log;
			opts.log_size = sizeof(log);
			opts.log_level = 1;
			p->prog_fd = bpf_prog_load(BF_PROG_TYPE_NETFILTER, "bf_nf_test", "GPL",
						   cg.insns, cg.len, &opts);
			err = -errno;
			if (p->prog_fd < 0) {
				size_t len = strlen(log);

				fprintf(stderr, "--- verifier log (end) ---\n%s\n--- end ---\n",
					len > 6000 ? log + len - 6000 : log);
			}
		}
	}
	if (fds[BF_MAP_CLASS] >= 0)
		close(fds[BF_MAP_CLASS]);
	bf_cgen_free(&cg);
	return p->prog_fd < 0 ? (err ? err : -EINVAL) : 0;
}

/* Runs one frame through a netfilter program at LOCAL_IN. */
static int nf_run(const struct prog *p, const void *frame, size_t len)
{
	unsigned char ctx[2] = {BF_NF_INET_LOCAL_IN, BF_NFPROTO_IPV4}; /* nf_hook_state hook, pf */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .ctx_in = ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(p->prog_fd, &opts))
		return -errno;
	return (int)opts.retval;
}

static int slot_of(const struct bf_ruleset *rs, int rule)
{
	size_t input = 0;

	while (strcmp(rs->tables[BF_TABLE_FILTER].chains[input]->name, "INPUT"))
		input++;
	return rule < 0 ? bf_policy_slot(rs, BF_TABLE_FILTER, input)
			: bf_rule_slot(rs, BF_TABLE_FILTER, input, (size_t)rule);
}

struct tcase {
	const char *what;
	struct prog_pkt pkt;
	int ret;  /* BF_NF_ACCEPT / BF_NF_DROP */
	int rule; /* -1: policy */
};

static const struct tcase tcases[] = {
	{"small ping", {.proto = 1, .payload = 56}, BF_NF_ACCEPT, 2},
	{"big ping (one datagram)", {.proto = 1, .payload = 1400}, BF_NF_ACCEPT, 2},
	{"udp 9", {.proto = 17, .dport = 9, .payload = 1000}, BF_NF_ACCEPT, 1},
	{"udp 9 other source", {.proto = 17, .dport = 9, .src = "198.18.0.3"}, BF_NF_DROP, -1},
	{"udp 9, IP options, long", {.proto = 17, .dport = 9, .opt_words = 10, .payload = 1200},
	 BF_NF_ACCEPT, 1},
	{"udp 10", {.proto = 17, .dport = 10}, BF_NF_DROP, -1},
	{"tcp 22 syn, IP options, long", {.proto = 6, .dport = 22, .opt_words = 10, .payload = 900},
	 BF_NF_ACCEPT, 3},
	{"tcp 22 syn", {.proto = 6, .dport = 22}, BF_NF_ACCEPT, 3},
	{"tcp 22 syn, options", {.proto = 6, .dport = 22, .opt_words = 10}, BF_NF_ACCEPT, 3},
	{"tcp 22 ack", {.proto = 6, .dport = 22, .tcp_flags = 0x10}, BF_NF_DROP, -1},
	{"tcp 80", {.proto = 6}, BF_NF_DROP, -1},
};

static int part_a(const struct bf_ruleset *rs)
{
	struct prog all, attachable;
	uint8_t frame[PROG_PKT_MAX];
	int bad = 0, err;

	err = load_nf(rs, &bf_hook_nf_local_in_all, "", &all);
	if (!err)
		err = load_nf(rs, &bf_hook_nf_local_in, "", &attachable);
	if (err) {
		fprintf(stderr, "netfilter program did not load: %s\n", strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		const struct tcase *c = &tcases[i];
		size_t len = prog_pkt_build(&c->pkt, frame);
		int slot = slot_of(rs, c->rule), ret;
		struct bf_counter before = prog_counter(&all, (size_t)slot), after;
		uint64_t total = prog_total_packets(&all);

		ret = nf_run(&all, frame, len);
		after = prog_counter(&all, (size_t)slot);
		if (ret != c->ret || after.packets != before.packets + 1 ||
		    after.bytes != before.bytes + prog_pkt_ip_len(&c->pkt) ||
		    prog_total_packets(&all) != total + 1) {
			fprintf(stderr, "%s: returned %d, want %d; slot %d +%llu packets +%llu bytes, "
				"want +1/+%u\n", c->what, ret, c->ret, slot,
				(unsigned long long)(after.packets - before.packets),
				(unsigned long long)(after.bytes - before.bytes),
				prog_pkt_ip_len(&c->pkt));
			bad++;
		}
		ret = nf_run(&attachable, frame, len);
		if (ret != BF_NF_ACCEPT || prog_total_packets(&attachable)) {
			fprintf(stderr, "%s: not reassembled, yet judged (%d) or counted\n", c->what,
				ret);
			bad++;
		}
	}
	printf("test-run: %zu frames, %d failures\n", sizeof(tcases) / sizeof(tcases[0]), bad);
	prog_close(&all);
	prog_close(&attachable);
	return bad;
}

/* ---- (b) real fragments, against the oracle ---- */

static char ns[4][32]; /* A1 B1 (oracle) A2 B2 (ours) */

static int setup_pair(int a, int b)
{
	return oracle_netns_add(ns[a]) || oracle_netns_add(ns[b]) ||
	       oracle_veth_add(ns[a], "bfn0", "02:00:00:00:0a:01", ns[b], "bfn1", NULL) ||
	       oracle_sh("ip -n %s addr add 198.18.0.1/24 dev bfn0", ns[a]) ||
	       oracle_sh("ip -n %s addr add 198.18.0.2/24 dev bfn1", ns[b]) ||
	       oracle_sh("ip -n %s link set bfn0 up", ns[a]) ||
	       oracle_sh("ip -n %s link set bfn1 up", ns[b]) ||
	       oracle_sh("ip -n %s link set lo up", ns[b]) ? -1 : 0;
}

/* Sends `len` bytes of payload to 198.18.0.2 on a socket of that type;
 * the stack fragments what exceeds the MTU (DF off). */
static int send_one(int type, int proto, uint16_t port, size_t len, bool ip_opts)
{
	static const uint8_t opts[8] = {1, 1, 1, 1, 1, 1, 1, 0}; /* NOPs, EOL */
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, type, proto), pmtu = IP_PMTUDISC_DONT, rc;
	static uint8_t buf[4000];

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
	memset(buf, 0x5a, sizeof(buf));
	if (proto == IPPROTO_ICMP) {
		/* Echo request, checksum over the whole message. */
		uint32_t sum = 0;

		buf[0] = 8, buf[1] = 0, buf[2] = buf[3] = 0;
		for (size_t i = 0; i + 1 < len; i += 2)
			sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
		if (len & 1)
			sum += (uint32_t)buf[len - 1] << 8;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		buf[2] = (uint8_t)(~sum >> 8), buf[3] = (uint8_t)~sum;
	}
	setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	if (ip_opts && setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opts, sizeof(opts))) {
		close(fd);
		return -1;
	}
	rc = sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len ? 0 : -1;
	close(fd);
	return rc;
}

static int send_traffic(void *arg)
{
	size_t size = *(size_t *)arg;
	int rc = 0;

	for (int i = 0; i < 2; i++)
		rc |= send_one(SOCK_RAW, IPPROTO_ICMP, 0, size + 8, false);
	/* The second with IP options: a longer header in the copy. */
	for (int i = 0; i < 2; i++)
		rc |= send_one(SOCK_DGRAM, IPPROTO_UDP, 9, size, i == 1);
	rc |= send_one(SOCK_DGRAM, IPPROTO_UDP, 10, size, false);
	rc |= send_one(SOCK_DGRAM, IPPROTO_UDP, 11, size, false);
	return rc;
}

/* The same traffic from A: unfragmented or fragmented (3000 bytes). */
static int traffic(int a, bool frag)
{
	size_t size = frag ? 3000 : 100;
	int rc = oracle_in_netns(ns[a], send_traffic, &size);

	usleep(300000);
	return rc;
}

/* filter INPUT counters: [0] policy, then rules. */
static int oracle_counts(int b, struct bf_counter c[N_RULES + 1])
{
	struct oracle_counts oc;

	if (oracle_counts_read(ns[b], "iptables-legacy", "filter", "INPUT", &oc) ||
	    oc.n_rules < N_RULES)
		return -1;
	for (int i = 0; i <= N_RULES; i++) {
		c[i].packets = oc.pkts[i];
		c[i].bytes = oc.bytes[i];
	}
	return 0;
}

static void our_counts(const struct bf_ruleset *rs, const struct prog *p,
		       struct bf_counter c[N_RULES + 1])
{
	for (int i = -1; i < N_RULES; i++)
		c[i + 1] = prog_counter(p, (size_t)slot_of(rs, i));
}

/* Udp InDatagrams, NoPorts and Icmp InEchos of namespace b: what became
 * of the datagrams the verdicts let through. */
static int snmp(int b, unsigned long long v[3])
{
	char cmd[256];
	FILE *f;
	int n;

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s awk '/^Udp: [0-9]/ {u=$2\" \"$3} /^Icmp: [0-9]/ {e=$9} "
		 "END {print u, e}' /proc/net/snmp", ns[b]);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%llu %llu %llu", &v[0], &v[1], &v[2]);
	pclose(f);
	return n == 3 ? 0 : -1;
}

static int ifindex_fn(void *arg)
{
	return (int)if_nametoindex((const char *)arg);
}

static int attach_fn(void *arg)
{
	return bf_nf_link_create(*(int *)arg, BF_NFPROTO_IPV4, BF_NF_INET_LOCAL_IN,
				 BF_NF_IP_PRI_FILTER, 0);
}

static void print_counts(const char *who, const struct bf_counter c[N_RULES + 1])
{
	fprintf(stderr, "%s:", who);
	for (int i = 0; i <= N_RULES; i++)
		fprintf(stderr, " %s%llu/%llu", i ? "" : "policy ", (unsigned long long)c[i].packets,
			(unsigned long long)c[i].bytes);
	fprintf(stderr, "\n");
}

static int part_b(const struct bf_ruleset *rs)
{
	struct bf_counter o0[N_RULES + 1], o1[N_RULES + 1], ours[N_RULES + 1];
	unsigned long long s1a[3], s1b[3], s2a[3], s2b[3];
	struct prog p;
	int link, arr, ifmap, reject, disp, bad = 0;
	uint32_t key = 0, ifindex;
	struct bf_cgen cg;

	if (!oracle_have("iptables-legacy")) {
		printf("SKIP: iptables-legacy missing: no oracle\n");
		return 77;
	}
	for (int i = 0; i < 4; i++)
		snprintf(ns[i], sizeof(ns[i]), "bf-nf-%c%d-%d", i & 1 ? 'b' : 'a', i / 2 + 1,
			 getpid());
	if (setup_pair(0, 1) || setup_pair(2, 3)) {
		printf("SKIP: cannot make the test namespaces\n");
		return 77;
	}
	/* The oracle. */
	for (size_t i = 0; rules[i]; i++)
		if (oracle_sh_in(ns[1], "iptables-legacy %s", rules[i])) {
			printf("SKIP: iptables-legacy refused `%s'\n", rules[i]);
			return 77;
		}
	if (oracle_sh_in(ns[1], "iptables-legacy -P INPUT DROP"))
		return 77;
	/* Ours, on filter's priority at LOCAL_IN of B2, for bfn1. */
	if (load_nf(rs, &bf_hook_nf_local_in, "bfn1", &p)) {
		fprintf(stderr, "netfilter program did not load\n");
		return 1;
	}
	/* Attached as bpfilter swaps it: a fixed dispatcher on the link
	 * tail-calls the interface's slot of a prog_array. */
	ifindex = (uint32_t)oracle_in_netns(ns[3], ifindex_fn, "bfn1");
	arr = bf_nf_slots_create(4);
	ifmap = bf_nf_ifmap_create(4);
	reject = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bf_nf_reject", 4, 16, 1, NULL);
	disp = -1;
	bf_cgen_init(&cg);
	if (arr >= 0 && ifmap >= 0 && reject >= 0 &&
	    !bf_cgen_nf_dispatcher(&cg, arr, ifmap, reject))
		bf_prog_load(&bf_hook_nf_local_in, cg.insns, cg.len, "bf_nf_dispatch", &disp);
	bf_cgen_free(&cg);
	if (disp < 0 || !ifindex || bpf_map_update_elem(arr, &key, &p.prog_fd, BPF_ANY) ||
	    bpf_map_update_elem(ifmap, &ifindex, &key, BPF_ANY)) {
		fprintf(stderr, "netfilter dispatcher failed\n");
		return 1;
	}
	link = oracle_in_netns(ns[3], attach_fn, &disp);
	if (link < 0) {
		fprintf(stderr, "netfilter link failed\n");
		return 1;
	}

	/* Unfragmented: only XDP's business. */
	if (traffic(0, false) || traffic(2, false)) {
		fprintf(stderr, "cannot send the test traffic\n");
		return 1;
	}
	if (oracle_counts(1, o0))
		return 1;
	if (o0[0].packets != 1 || o0[2].packets != 2 || o0[3].packets != 2) {
		print_counts("oracle after unfragmented traffic (want 1, 0, 2, 2, 0)", o0);
		bad++;
	}
	our_counts(rs, &p, ours);
	for (int i = 0; i <= N_RULES; i++)
		if (ours[i].packets || ours[i].bytes) {
			print_counts("ours after unfragmented traffic (want 0)", ours);
			bad++;
			break;
		}
	/* Fragmented: filter INPUT sees whole datagrams. */
	if (snmp(1, s1a) || snmp(3, s2a))
		return 1;
	if (traffic(0, true) || traffic(2, true)) {
		fprintf(stderr, "cannot send the test traffic\n");
		return 1;
	}
	if (oracle_counts(1, o1) || snmp(1, s1b) || snmp(3, s2b))
		return 1;
	our_counts(rs, &p, ours);
	for (int i = 0; i <= N_RULES; i++) {
		o1[i].packets -= o0[i].packets;
		o1[i].bytes -= o0[i].bytes;
	}
	print_counts("oracle (fragmented traffic)", o1);
	print_counts("ours                       ", ours);
	if (memcmp(o1, ours, sizeof(ours))) {
		fprintf(stderr, "counters differ\n");
		bad++;
	}
	if (!o1[1].packets || !o1[2].packets || !o1[0].packets || !o1[5].packets) {
		fprintf(stderr, "the oracle saw no fragmented datagram: traffic did not flow\n");
		bad++;
	}
	fprintf(stderr, "B1 udp in/noports/icmp echos +%llu +%llu +%llu, B2 +%llu +%llu +%llu\n",
		s1b[0] - s1a[0], s1b[1] - s1a[1], s1b[2] - s1a[2], s2b[0] - s2a[0],
		s2b[1] - s2a[1], s2b[2] - s2a[2]);
	for (int i = 0; i < 3; i++)
		if (s1b[i] - s1a[i] != s2b[i] - s2a[i]) {
			fprintf(stderr, "verdicts differ (snmp field %d)\n", i);
			bad++;
		}
	close(link);
	close(disp);
	close(arr);
	close(ifmap);
	prog_close(&p);
	oracle_cleanup();
	return bad ? 1 : 0;
}

int main(void)
{
	struct bf_ruleset *rs;
	int bad, rc;

	prog_need_root();
	bf_log_set(log_stderr, NULL);
	rs = ruleset();
	bad = part_a(rs);
	rc = part_b(rs);
	bf_ruleset_free(rs);
	if (bad || rc == 1) {
		printf("FAIL\n");
		return 1;
	}
	if (rc == 77)
		return 77;
	printf("PASS\n");
	return 0;
}
