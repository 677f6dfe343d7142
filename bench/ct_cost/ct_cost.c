/* `make bench-conntrack`: what a ruleset that reads the conntrack state
 * costs a packet at XDP. In a network namespace of its own, flows are
 * made over lo (tests/lib/ct_lo.h); frames of them run through the
 * compiled program with BPF_PROG_TEST_RUN (one frame repeated: the
 * lookups hit the kernel's table), against the same frames through a
 * one-rule ruleset without conntrack. Medians of 5 runs of 10^6. (A
 * deferred packet is not measured: repeated in one buffer, its metadata
 * mark runs out of headroom.) */
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ir/ruleset.h"
#include "lib/ct_lo.h"
#include "lib/front_util.h"
#include "lib/prog_run.h"

#define RUNS 5
#define REPEAT 1000000

static const char *const with_ct[] = {
	"-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
	"-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT",
	"-P INPUT DROP",
	NULL,
};
static const char *const without_ct[] = {"-A INPUT -p tcp -j ACCEPT", NULL};

static int load(bool v6, const char *const *cmds, struct prog *p)
{
	struct bf_ruleset *rs = bf_ruleset_new(v6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
	struct bf_strbuf out = {0};
	int err = rs ? 0 : -1;

	for (size_t i = 0; !err && cmds[i]; i++)
		err = front_cmd(rs, cmds[i], &out);
	if (!err)
		err = prog_load(rs, "lo", p);
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
	return err;
}

static int cmp(const void *a, const void *b)
{
	return (int)(*(const uint32_t *)a) - (int)(*(const uint32_t *)b);
}

/* Median ns per packet of frame f through p; its return code in *ret. */
static uint32_t ns_per_packet(const struct prog *p, const uint8_t *f, size_t len, int *ret)
{
	uint32_t ns[RUNS];

	for (int r = 0; r < RUNS; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = (uint32_t)len,
			    .repeat = REPEAT);
		if (bpf_prog_test_run_opts(p->prog_fd, &o))
			return 0;
		ns[r] = o.duration;
		*ret = (int)o.retval;
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp);
	return ns[RUNS / 2];
}

static int family(bool v6)
{
	struct ct_lo_flows fl;
	struct prog ct, plain;
	uint8_t f[128];
	int ret = -1;

	if (ct_lo_flows_make(v6, &fl) || load(v6, with_ct, &ct) || load(v6, without_ct, &plain)) {
		fprintf(stderr, "bench-conntrack: cannot make the flows or load the programs\n");
		return 1;
	}
	const struct {
		const char *what;
		const struct prog *p;
		struct ct_lo_frame frame;
	} cases[] = {
		{"established ACK in the window, judged at XDP", &ct,
		 {.v6 = v6, .proto = IPPROTO_TCP, .sport = 7001, .dport = 7000, .seq = fl.snd,
		  .ack = fl.rcv, .flags = CT_TH_ACK}},
		{"UDP reply of a flow, judged at XDP", &ct,
		 {.v6 = v6, .proto = IPPROTO_UDP, .sport = 6000, .dport = 5000}},
		{"the same ACK, one rule without conntrack", &plain,
		 {.v6 = v6, .proto = IPPROTO_TCP, .sport = 7001, .dport = 7000, .seq = fl.snd,
		  .ack = fl.rcv, .flags = CT_TH_ACK}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = ct_lo_frame(f, &cases[i].frame);
		uint32_t ns = ns_per_packet(cases[i].p, f, len, &ret);

		printf("%s %-45s %4u ns/packet (XDP verdict %d)\n", v6 ? "IPv6" : "IPv4",
		       cases[i].what, ns, ret);
	}
	prog_close(&ct);
	prog_close(&plain);
	ct_lo_flows_close(&fl);
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "bench-conntrack: needs root\n");
		return 77;
	}
	if (ct_lo_enter())
		return 1;
	return family(false) || family(true);
}
