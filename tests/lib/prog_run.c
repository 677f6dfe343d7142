#include "prog_run.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen/ext_maps.h"
#include "common/log.h"
#include "core/named.h"
#include "kern/kern.h"
#include "prog_pkt.h"

int prog_named_shared[2] = {-1, -1};

void prog_need_root(void)
{
	if (geteuid() != 0) {
		printf("needs root (BPF_PROG_TEST_RUN)\n");
		exit(77);
	}
}

int prog_tmpdir(char *buf, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(buf, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);

	/* errno set either way: the callers perror() it. */
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -errno;
	}
	return mkdtemp(buf) ? 0 : -errno;
}

static void log_stderr(enum bf_log_level level, const char *msg, void *data)
{
	if (level <= BF_LOG_WARN)
		fprintf(stderr, "bpfilter: %s\n", msg);
}

/* As the hook the program was compiled for (XDP, or a netfilter hook);
 * XDP for instructions emitted by hand (no hook). */
static int load(const struct bf_cgen *cg, struct prog *p)
{
	const struct bf_hook_ops *hook = cg->hook ? cg->hook : &bf_hook_xdp;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = hook->expected_attach_type);
	const struct bpf_insn *insns = cg->insns;
	size_t n = cg->len;
	size_t log_size = 1 << 20;
	uint32_t subprogs[sizeof(cg->funcs) / sizeof(cg->funcs[0])];
	size_t n_sub = bf_cgen_subprogs(cg, subprogs, sizeof(subprogs) / sizeof(subprogs[0]));
	int btf_fd = -1, err;
	char *log = NULL;
	int fd;

	/* Callbacks need BTF func_info. */
	if (n_sub) {
		fd = bf_prog_funcs_opts(subprogs, n_sub, &opts, &btf_fd);
		if (fd)
			return fd;
	}
	fd = bpf_prog_load(hook->prog_type, "bf_test", "GPL", insns, n, &opts);
	/* Again with the log, growing it until it fits. */
	while (fd < 0) {
		free(log);
		log = calloc(1, log_size);
		if (!log) {
			errno = ENOMEM;
			break;
		}
		opts.log_buf = log;
		opts.log_size = (uint32_t)log_size;
		opts.log_level = 1;
		fd = bpf_prog_load(hook->prog_type, "bf_test", "GPL", insns, n, &opts);
		if (fd >= 0 || errno != ENOSPC || log_size >= (1u << 30))
			break;
		log_size *= 4;
	}
	err = errno;
	if (fd < 0 && log) {
		size_t len = strlen(log);

		/* The end of the log says why. */
		fprintf(stderr, "--- verifier log (last 8000 bytes) ---\n%s\n--- end ---\n",
			len > 8000 ? log + len - 8000 : log);
	}
	free(log);
	free((void *)opts.func_info);
	if (btf_fd >= 0)
		close(btf_fd);
	errno = err;
	return fd;
}

int prog_load_cgen(struct bf_cgen *cg, size_t n_slots, struct prog *p)
{
	int fds[BF_MAP_MAX], *ext_fds = NULL, err;
	struct bpf_prog_info info = {0};
	uint32_t info_len = sizeof(info);

	memset(p, 0, sizeof(*p));
	p->prog_fd = p->map_fd = p->state_fd = -1;
	p->n_slots = n_slots ? n_slots : 1;
	p->map_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bf_counters", sizeof(uint32_t),
				   sizeof(struct bf_counter), (uint32_t)p->n_slots, NULL);
	if (p->map_fd < 0)
		return -errno;
	fds[BF_MAP_COUNTERS] = p->map_fd;
	fds[BF_MAP_STATE] = -1;
	if (cg->n_state) {
		p->state_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bf_state", sizeof(uint32_t),
					     sizeof(uint64_t), (uint32_t)cg->n_state, NULL);
		if (p->state_fd < 0)
			return -errno;
		fds[BF_MAP_STATE] = p->state_fd;
	}
	fds[BF_MAP_CLASS] = fds[BF_MAP_ICMP_PEERS] = -1;
	fds[BF_MAP_LOG] = fds[BF_MAP_LOG_DROPS] = p->log_fd = p->log_drops_fd = -1;
	if (bf_cgen_uses_map(cg, BF_MAP_LOG)) {
		err = bf_log_maps_create(&p->log_fd, &p->log_drops_fd);
		if (err)
			return err;
		fds[BF_MAP_LOG] = p->log_fd;
		fds[BF_MAP_LOG_DROPS] = p->log_drops_fd;
	}
	if (cg->class_table.n) {
		err = bf_class_map_create(&cg->class_table, &fds[BF_MAP_CLASS]);
		if (err)
			return err;
	}
	if (bf_cgen_uses_map(cg, BF_MAP_ICMP_PEERS)) {
		err = bf_icmp_peers_map_create(&fds[BF_MAP_ICMP_PEERS]);
		if (err)
			return err;
	}
	p->hl_fd = p->recent_fd = -1;
	for (int m = BF_MAP_HASHLIMIT; m <= BF_MAP_RECENT; m++) {
		int *fd = m == BF_MAP_HASHLIMIT ? &p->hl_fd : &p->recent_fd;
		int shared = prog_named_shared[m - BF_MAP_HASHLIMIT];

		fds[m] = -1;
		if (!bf_cgen_uses_map(cg, (enum bf_map_id)m))
			continue;
		if (shared >= 0)
			*fd = shared;
		else if ((err = bf_named_map_create((enum bf_map_id)m, fd)))
			return err;
		fds[m] = *fd;
	}
	err = bf_cgen_patch_maps(cg, fds);
	if (!err)
		err = bf_cgen_ext_maps_patch(cg, &ext_fds);
	if (!err) {
		p->n_insns = cg->len;
		p->prog_fd = load(cg, p);
		if (p->prog_fd < 0)
			err = -errno;
	}
	bf_cgen_ext_maps_close(cg, ext_fds);
	/* The program holds the classifier and ICMP peers maps. */
	if (fds[BF_MAP_CLASS] >= 0)
		close(fds[BF_MAP_CLASS]);
	if (fds[BF_MAP_ICMP_PEERS] >= 0)
		close(fds[BF_MAP_ICMP_PEERS]);
	if (err)
		return err;
	if (!bpf_obj_get_info_by_fd(p->prog_fd, &info, &info_len))
		p->verified_insns = info.verified_insns;
	return 0;
}

int prog_load(const struct bf_ruleset *rs, const char *ifname, struct prog *p)
{
	struct bf_cgen cg;
	int err;

	bf_log_set(log_stderr, NULL);
	bf_cgen_init(&cg);
	if (rs->family == BF_FAMILY_IPV6)
		err = bf_cgen_compile(&cg, NULL, rs, &bf_hook_xdp, ifname);
	else
		err = bf_cgen_compile(&cg, rs, NULL, &bf_hook_xdp, ifname);
	if (!err)
		err = prog_load_cgen(&cg, bf_ruleset_n_slots(rs), p);
	else
		memset(p, 0, sizeof(*p)), p->prog_fd = p->map_fd = p->state_fd = p->log_fd =
						  p->log_drops_fd = p->hl_fd = p->recent_fd = -1;
	if (!err) {
		struct bf_ruleset *both[BF_FAMILY_MAX] = {0};

		both[rs->family] = (struct bf_ruleset *)rs;
		if (p->hl_fd >= 0)
			err = bf_named_prepare(BF_MAP_HASHLIMIT, p->hl_fd, both);
		if (!err && p->recent_fd >= 0)
			err = bf_named_prepare(BF_MAP_RECENT, p->recent_fd, both);
	}
	bf_cgen_free(&cg);
	return err;
}

void prog_close(struct prog *p)
{
	if (p->prog_fd >= 0)
		close(p->prog_fd);
	if (p->map_fd >= 0)
		close(p->map_fd);
	/* > 0: a struct prog zeroed by its user, never loaded, has 0 here. */
	if (p->state_fd > 0)
		close(p->state_fd);
	if (p->log_fd > 0)
		close(p->log_fd);
	if (p->log_drops_fd > 0)
		close(p->log_drops_fd);
	if (p->hl_fd > 0 && p->hl_fd != prog_named_shared[0])
		close(p->hl_fd);
	if (p->recent_fd > 0 && p->recent_fd != prog_named_shared[1])
		close(p->recent_fd);
	p->prog_fd = p->map_fd = p->state_fd = p->log_fd = p->log_drops_fd = -1;
	p->hl_fd = p->recent_fd = -1;
}

int prog_run(const struct prog *p, const void *frame, size_t len)
{
	return prog_run_repeat(p, frame, len, 1);
}

int prog_run_pkt(const struct prog *p, const struct prog_pkt *pkt)
{
	uint8_t frame[PROG_PKT_MAX];

	return prog_run(p, frame, prog_pkt_build(pkt, frame));
}

int prog_run_repeat(const struct prog *p, const void *frame, size_t len, uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(p->prog_fd, &opts))
		return -errno;
	return (int)opts.retval;
}

struct bf_counter prog_counter(const struct prog *p, size_t slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct bf_counter sum = {0}, *v;
	uint32_t key = (uint32_t)slot;

	if (ncpu <= 0)
		abort();
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v || bpf_map_lookup_elem(p->map_fd, &key, v))
		abort();
	for (int i = 0; i < ncpu; i++) {
		sum.packets += v[i].packets;
		sum.bytes += v[i].bytes;
	}
	free(v);
	return sum;
}

uint64_t prog_total_packets(const struct prog *p)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n_slots; i++)
		n += prog_counter(p, i).packets;
	return n;
}

const char *prog_ret_name(int ret)
{
	switch (ret) {
	case XDP_ABORTED: return "XDP_ABORTED";
	case XDP_DROP: return "XDP_DROP";
	case XDP_PASS: return "XDP_PASS";
	case XDP_TX: return "XDP_TX";
	default: return ret < 0 ? "error" : "?";
	}
}

int prog_check(const struct prog *p, const char *what, const void *frame, size_t len,
	       int want_ret, int want_slot, uint64_t want_bytes)
{
	return prog_check2(p, what, frame, len, want_ret, want_slot, -1, want_bytes);
}

int prog_check2(const struct prog *p, const char *what, const void *frame, size_t len,
		int want_ret, int want_slot, int also_slot, uint64_t want_bytes)
{
	struct bf_counter *before = calloc(p->n_slots, sizeof(*before));
	int ret, bad = 0;

	if (!before)
		abort();
	for (size_t i = 0; i < p->n_slots; i++)
		before[i] = prog_counter(p, i);
	ret = prog_run(p, frame, len);
	if (ret != want_ret) {
		fprintf(stderr, "%s: returned %d (%s), want %d (%s)\n", what, ret, prog_ret_name(ret),
			want_ret, prog_ret_name(want_ret));
		bad = 1;
	}
	for (size_t i = 0; i < p->n_slots; i++) {
		struct bf_counter c = prog_counter(p, i);
		uint64_t dp = c.packets - before[i].packets, db = c.bytes - before[i].bytes;
		uint64_t wp = ((int)i == want_slot) + ((int)i == also_slot);
		uint64_t wb = wp * want_bytes;

		if (dp != wp || db != wb) {
			fprintf(stderr, "%s: slot %zu counted %llu packets %llu bytes, want %llu/%llu\n",
				what, i, (unsigned long long)dp, (unsigned long long)db,
				(unsigned long long)wp, (unsigned long long)wb);
			bad = 1;
		}
	}
	free(before);
	return bad ? -1 : 0;
}

int prog_check_pkt(const struct prog *p, const char *what, const struct prog_pkt *pkt,
		   int want_ret, int want_slot)
{
	uint8_t buf[PROG_PKT_MAX];
	size_t len = prog_pkt_build(pkt, buf);

	return prog_check(p, what, buf, len, want_ret, want_slot, prog_pkt_ip_len(pkt));
}

/* BPFILTER_CLASSIFY=off|auto|always, as for the bpfilter command: every
 * test program built through this library compiles with that emitter, so
 * the same suites check the linear reference and the classifier. */
__attribute__((constructor)) static void classify_from_env(void)
{
	const char *m = getenv("BPFILTER_CLASSIFY");

	if (m && bf_classify_mode_parse(m, &bf_classify_mode)) {
		fprintf(stderr, "BPFILTER_CLASSIFY must be off, auto or always\n");
		exit(2);
	}
}
