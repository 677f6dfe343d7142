/* REJECT in the netfilter stage (src/cgen/nf_reject.c), program by program,
 * with BPF_PROG_TEST_RUN:
 * - the stage's program (bf_hook_nf_local_in_all: every packet judged),
 *   for each kind of REJECT, accepts the packet and leaves in the slot an
 *   skb address and the answer's kind (tcp-reset, ICMP port unreachable,
 *   admin prohibited); a packet the rules accept leaves the slot alone;
 * - the dispatcher empties the slot for a packet it does not judge;
 * - the guard accepts a packet the slot does not name (empty, or another
 *   skb's) and leaves the slot; nft's match (a socket filter) does not
 *   take it either.
 * That the slot names the same skb the match and the guard see, and the
 * answers themselves, are shown with real traffic: e2e/test_reject_deferred.sh. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netfilter/nf_tables.h>

#include "cgen/nf.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "kern/kern.h"
#include "kern/nf_link.h"
#include "lib/front_util.h"
#include "lib/prog_pkt.h"

static int failures;

static void expect(const char *what, long long want, long long got)
{
	if (want != got) {
		fprintf(stderr, "FAIL %s: want %lld, got %lld\n", what, want, got);
		failures++;
	} else {
		printf("ok   %s\n", what);
	}
}

static void log_stderr(enum bf_log_level level, const char *msg, void *data)
{
	if (level <= BF_LOG_WARN)
		fprintf(stderr, "bpfilter: %s\n", msg);
}

static int ncpus;

/* The slot: the first CPU's that names an skb (the run's), else CPU 0's. */
static struct bf_nf_reject_slot slot_get(int map_fd)
{
	struct bf_nf_reject_slot *v = calloc((size_t)ncpus, sizeof(*v)), s;
	uint32_t key = 0;

	if (!v || bpf_map_lookup_elem(map_fd, &key, v))
		abort();
	s = v[0];
	for (int i = 0; i < ncpus; i++)
		if (v[i].skb) {
			s = v[i];
			break;
		}
	free(v);
	return s;
}

/* How many CPUs' slots name an skb. */
static int slots_named(int map_fd)
{
	struct bf_nf_reject_slot *v = calloc((size_t)ncpus, sizeof(*v));
	uint32_t key = 0;
	int n = 0;

	if (!v || bpf_map_lookup_elem(map_fd, &key, v))
		abort();
	for (int i = 0; i < ncpus; i++)
		n += v[i].skb != 0;
	free(v);
	return n;
}

static void slot_set(int map_fd, uint64_t skb, uint32_t kind)
{
	struct bf_nf_reject_slot *v = calloc((size_t)ncpus, sizeof(*v));
	uint32_t key = 0;

	if (!v)
		abort();
	for (int i = 0; i < ncpus; i++)
		v[i] = (struct bf_nf_reject_slot){.skb = skb, .kind = kind};
	if (bpf_map_update_elem(map_fd, &key, v, BPF_ANY))
		abort();
	free(v);
}

static int run(int prog_fd, const struct prog_pkt *pkt, bool nf)
{
	unsigned char ctx[2] = {BF_NF_INET_LOCAL_IN, BF_NFPROTO_IPV4};
	uint8_t frame[PROG_PKT_MAX];
	size_t len = prog_pkt_build(pkt, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .repeat = 1);

	if (nf) {
		opts.ctx_in = ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		fprintf(stderr, "test run: %s\n", strerror(errno));
		return -1;
	}
	return (int)opts.retval;
}

static const struct bf_hook_ops socket_filter = {
	.name = "socket_filter",
	.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
};

/* Loads what cg holds; -1 on failure (logged). */
static int load(const struct bf_hook_ops *hook, struct bf_cgen *cg, const int *fds)
{
	int fd = -1;

	if ((fds && bf_cgen_patch_maps(cg, fds)) || cg->err ||
	    bf_prog_load(hook, cg->insns, cg->len, "bf_test", &fd))
		return -1;
	return fd;
}

static int stage_prog(int counters_fd, int reject_fd)
{
	static const char *const rules[] = {
		"-A INPUT -p udp --dport 7 -j ACCEPT",
		"-A INPUT -p udp -j REJECT",
		"-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
		"-A INPUT -p icmp -j REJECT --reject-with icmp-admin-prohibited",
		NULL,
	};
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	int fds[BF_MAP_MAX], fd;
	struct bf_strbuf out = {0};
	struct bf_cgen cg;

	for (size_t i = 0; rs && rules[i]; i++)
		if (front_cmd(rs, rules[i], &out)) {
			fprintf(stderr, "`%s': %s\n", rules[i], front_errors());
			abort();
		}
	for (int m = 0; m < BF_MAP_MAX; m++)
		fds[m] = -1;
	fds[BF_MAP_COUNTERS] = counters_fd;
	fds[BF_MAP_NF_REJECT] = reject_fd;
	bf_cgen_init(&cg);
	bf_cgen_compile_nf_hook(&cg, rs, "", &bf_hook_nf_local_in_all);
	fd = load(&bf_hook_nf_local_in_all, &cg, fds);
	bf_cgen_free(&cg);
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
	return fd;
}

int main(void)
{
	struct bf_nf_answer tcp_reset = {NFT_REJECT_TCP_RST, 0};
	struct bf_nf_answer port_unreach = {NFT_REJECT_ICMP_UNREACH, 3};
	struct bf_nf_answer admin = {NFT_REJECT_ICMP_UNREACH, 13};
	const struct {
		const char *what;
		struct prog_pkt pkt;
		uint32_t kind; /* 0: accepted, slot untouched */
	} cases[] = {
		{"udp 7 (accepted)", {.proto = 17, .dport = 7}, 0},
		{"udp 9: port unreachable", {.proto = 17, .dport = 9},
		 bf_nf_reject_kind(port_unreach)},
		{"tcp: reset", {.proto = 6}, bf_nf_reject_kind(tcp_reset)},
		{"icmp: admin prohibited", {.proto = 1}, bf_nf_reject_kind(admin)},
	};
	int counters_fd, reject_fd, slots_fd, ifmap_fd, stage_fd, guard_fd, match_fd, disp_fd;
	struct bf_cgen cg;

	bf_log_set(log_stderr, NULL);
	if (geteuid()) {
		fprintf(stderr, "FAIL: needs root (BPF programs)\n");
		return 1;
	}
	ncpus = libbpf_num_possible_cpus();
	counters_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bf_counters", 4,
				     sizeof(struct bf_counter), 8, NULL);
	reject_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, BF_NF_REJECT_MAP_NAME, 4,
				   sizeof(struct bf_nf_reject_slot), 1, NULL);
	slots_fd = bf_nf_slots_create(4);
	ifmap_fd = bf_nf_ifmap_create(4);
	if (ncpus <= 0 || counters_fd < 0 || reject_fd < 0 || slots_fd < 0 || ifmap_fd < 0) {
		fprintf(stderr, "FAIL: maps: %s\n", strerror(errno));
		return 1;
	}
	stage_fd = stage_prog(counters_fd, reject_fd);
	bf_cgen_init(&cg);
	bf_cgen_nf_reject_guard(&cg, reject_fd);
	guard_fd = load(&bf_hook_nf_local_in, &cg, NULL);
	bf_cgen_reset(&cg);
	bf_cgen_nf_reject_match(&cg, reject_fd, port_unreach);
	match_fd = load(&socket_filter, &cg, NULL);
	bf_cgen_reset(&cg);
	bf_cgen_nf_dispatcher(&cg, slots_fd, ifmap_fd, reject_fd);
	disp_fd = load(&bf_hook_nf_local_in, &cg, NULL);
	bf_cgen_free(&cg);
	if (stage_fd < 0 || guard_fd < 0 || match_fd < 0 || disp_fd < 0) {
		fprintf(stderr, "FAIL: a program did not load\n");
		return 1;
	}

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bf_nf_reject_slot s;
		char what[128];

		slot_set(reject_fd, 0, 0);
		snprintf(what, sizeof(what), "%s: the stage accepts", cases[i].what);
		expect(what, BF_NF_ACCEPT, run(stage_fd, &cases[i].pkt, true));
		s = slot_get(reject_fd);
		snprintf(what, sizeof(what), "%s: the slot's kind", cases[i].what);
		expect(what, cases[i].kind, s.skb ? s.kind : 0);
		snprintf(what, sizeof(what), "%s: the slot names an skb", cases[i].what);
		expect(what, cases[i].kind != 0, s.skb != 0);
	}

	/* Another skb's REJECT in the slot. */
	{
		struct prog_pkt udp = {.proto = 17, .dport = 9};
		uint64_t other = 0xffff888000001000ULL;

		slot_set(reject_fd, other, bf_nf_reject_kind(port_unreach));
		expect("guard: another skb's slot, accepted", BF_NF_ACCEPT, run(guard_fd, &udp, true));
		expect("guard: the slot left alone", (long long)other, (long long)slot_get(reject_fd).skb);
		expect("match: another skb's slot, no match", 0, run(match_fd, &udp, false));
		expect("match: the slot left alone", (long long)other, (long long)slot_get(reject_fd).skb);
		slot_set(reject_fd, 0, 0);
		expect("guard: empty slot, accepted", BF_NF_ACCEPT, run(guard_fd, &udp, true));
		expect("match: empty slot, no match", 0, run(match_fd, &udp, false));
		slot_set(reject_fd, other, bf_nf_reject_kind(port_unreach));
		expect("dispatcher: a packet it does not judge, accepted", BF_NF_ACCEPT,
		       run(disp_fd, &udp, true));
		/* Every CPU's slot was set: the run's CPU's is emptied. */
		expect("dispatcher: the slot emptied", ncpus - 1, slots_named(reject_fd));
	}
	if (failures) {
		fprintf(stderr, "FAIL: %d problems\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
