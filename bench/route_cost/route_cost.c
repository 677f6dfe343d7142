/* `make bench-route`: what the routing decision (src/cgen/route.h) costs
 * a packet at XDP. In a network namespace of its own (a veth pair, the
 * frame entering veth0), one IPv4 frame through a one-rule ruleset with
 * BPF_PROG_TEST_RUN, median of 5 runs of 10^6: the program compiled
 * without the decision (every packet to INPUT, as before it), then with
 * it: forwarding off (the helper answers before looking up), forwarding
 * on with a local destination (INPUT after a full lookup), and a routed
 * one (FORWARD). */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgen/cgen.h"
#include "ir/ruleset.h"
#include "lib/front_util.h"
#include "lib/prog_pkt.h"
#include "lib/prog_run.h"

#define RUNS 5
#define REPEAT 1000000

static int cmp(const void *a, const void *b)
{
	return (int)(*(const uint32_t *)a) - (int)(*(const uint32_t *)b);
}

/* Median ns per packet of frame f entering veth0; its verdict in *ret. */
static uint32_t ns_per_packet(const struct prog *p, const uint8_t *f, size_t len, int *ret)
{
	struct xdp_md ctx = {.data_end = (uint32_t)len, .ingress_ifindex = if_nametoindex("veth0")};
	uint32_t ns[RUNS];

	for (int r = 0; r < RUNS; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = (uint32_t)len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = REPEAT);
		if (bpf_prog_test_run_opts(p->prog_fd, &o)) {
			perror("bench-route: test run");
			return 0;
		}
		ns[r] = o.duration;
		*ret = (int)o.retval;
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp);
	return ns[RUNS / 2];
}

static int sh(const char *cmd)
{
	return system(cmd) ? (fprintf(stderr, "bench-route: `%s' failed\n", cmd), -1) : 0;
}

int main(void)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	struct bf_strbuf out = {0};
	struct bf_hook_ops no_route = bf_hook_xdp;
	struct prog p, base;
	struct bf_cgen cg;
	uint8_t f[PROG_PKT_MAX];
	int ret = -1;

	if (geteuid() != 0) {
		fprintf(stderr, "bench-route: needs root\n");
		return 77;
	}
	if (!rs || unshare(CLONE_NEWNET) || sh("ip link set lo up") ||
	    sh("ip link add veth0 type veth peer name veth1") ||
	    sh("ip addr add 198.18.0.2/24 dev veth0 && ip link set veth0 up") ||
	    sh("ip addr add 198.18.1.2/24 dev veth1 && ip link set veth1 up") ||
	    front_cmd(rs, "-A INPUT -p tcp --dport 22 -j ACCEPT", &out) ||
	    prog_load(rs, "veth0", &p)) {
		fprintf(stderr, "bench-route: cannot set up\n");
		return 1;
	}
	no_route.route = NULL;
	bf_cgen_init(&cg);
	if (bf_cgen_compile(&cg, rs, NULL, &no_route, "veth0") ||
	    prog_load_cgen(&cg, bf_ruleset_n_slots(rs), &base)) {
		fprintf(stderr, "bench-route: cannot set up\n");
		return 1;
	}
	const struct {
		const char *what, *sysctl;
		struct prog_pkt pkt;
		const struct prog *p;
	} cases[] = {
		{"no routing decision (all to INPUT)", "sysctl -qw net.ipv4.ip_forward=0",
		 {.proto = 17, .dst = "198.18.0.2"}, &base},
		{"forwarding off, to this host", "sysctl -qw net.ipv4.ip_forward=0",
		 {.proto = 17, .dst = "198.18.0.2"}, &p},
		{"forwarding on, to this host (INPUT)", "sysctl -qw net.ipv4.ip_forward=1",
		 {.proto = 17, .dst = "198.18.0.2"}, &p},
		{"forwarding on, routed on (FORWARD)", "sysctl -qw net.ipv4.ip_forward=1",
		 {.proto = 17, .dst = "198.18.1.9"}, &p},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = prog_pkt_build(&cases[i].pkt, f);
		uint32_t ns;

		if (sh(cases[i].sysctl))
			return 1;
		ns = ns_per_packet(cases[i].p, f, len, &ret);
		printf("IPv4 %-40s %4u ns/packet (XDP verdict %d)\n", cases[i].what, ns, ret);
	}
	prog_close(&p);
	prog_close(&base);
	bf_cgen_free(&cg);
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
	return 0;
}
