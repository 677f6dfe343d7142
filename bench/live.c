/* Sections 2-4: live traffic over veth, restore times, kernel memory and
 * the CLI's peak RSS. Two scratch namespaces joined by a veth pair: the
 * sender runs a live-frames generator (BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES of a program returning XDP_TX on its veth),
 * the receiver judges the frames with, in turn, an XDP_DROP program,
 * bpfilter (attached and restored with the CLI), iptables-legacy and
 * iptables-nft in raw PREROUTING; each counts what it dropped. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <math.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "cgen/insn.h"
#include "lib/oracle_net.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

#define LIVE_SECONDS 2.0
#define LIVE_RUNS 3
#define IF_TX "bbtx0"
#define IF_RX "bbrx0"

static char ns_tx[32], ns_rx[32], run_dir[64], bpffs[64], bpfilter[4096];
static bool bpffs_mounted;

static void cleanup(void)
{
	oracle_cleanup();
	if (bpffs_mounted && !umount2(bpffs, MNT_DETACH))
		bpffs_mounted = false;
	if (*bpffs)
		rmdir(bpffs);
	if (*run_dir)
		oracle_sh("rm -rf '%s'", run_dir);
	*bpffs = *run_dir = 0;
}

static void on_signal(int sig)
{
	cleanup();
	_exit(128 + sig);
}

/* ---- small XDP programs: the generator, and counting receivers ---- */

static int prog_load_insns(const struct bpf_insn *insns, size_t n)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_XDP);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bf_bench", "GPL", insns, n, &opts);

	return fd < 0 ? -errno : fd;
}

/* Counts every frame in a per-CPU array slot 0, returns `verdict`. */
static int counting_prog(int map_fd, int verdict)
{
	struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		{.code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		 .src_reg = BPF_PSEUDO_MAP_FD, .imm = map_fd},
		{0},
		BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, verdict),
		BPF_EXIT_INSN(),
	};

	return prog_load_insns(insns, sizeof(insns) / sizeof(insns[0]));
}

static uint64_t percpu_sum(int map_fd)
{
	int n = libbpf_num_possible_cpus();
	uint64_t v[n > 0 ? n : 1], sum = 0;
	uint32_t key = 0;

	if (n <= 0 || bpf_map_lookup_elem(map_fd, &key, v))
		return 0;
	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum;
}

struct xdp_att {
	int fd; /* program, or -1 to detach */
};

static int xdp_att_fn(void *arg)
{
	struct xdp_att *a = arg;
	int ifindex = (int)if_nametoindex(IF_RX);

	if (!ifindex)
		return -ENODEV;
	if (a->fd < 0)
		return bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	return bpf_xdp_attach(ifindex, a->fd, XDP_FLAGS_DRV_MODE, NULL);
}

static int rx_attach(int fd)
{
	struct xdp_att a = {fd};

	return oracle_in_netns(ns_rx, xdp_att_fn, &a);
}

/* ---- the generator ---- */

struct gen {
	int prog_fd;
	const uint8_t *frame;
	size_t len;
	double seconds;
	/* out */
	double elapsed;
	uint64_t sent;
	int err;
};

static int gen_fn(void *arg)
{
	struct gen *g = arg;
	struct xdp_md ctx = {.data_end = (uint32_t)g->len,
			     .ingress_ifindex = if_nametoindex(IF_TX)};
	double t0 = bench_now(), t;
	const int repeat = 1 << 18;

	g->sent = 0;
	do {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = g->frame,
			    .data_size_in = (uint32_t)g->len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = repeat,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		if (bpf_prog_test_run_opts(g->prog_fd, &opts)) {
			g->err = -errno;
			return g->err;
		}
		g->sent += repeat;
		t = bench_now();
	} while (t - t0 < g->seconds);
	g->elapsed = t - t0;
	return 0;
}

/* ---- running commands in the receiver ---- */

struct cmd {
	const char *const *argv;
	const char *stdin_path; /* NULL: /dev/null */
	const char *out_path;   /* stdout and stderr; NULL: /dev/null */
	/* out */
	int status;
	double wall;
	long maxrss_kb;
};

static int cmd_fn(void *arg)
{
	struct cmd *c = arg;
	struct rusage ru;
	double t0 = bench_now();
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		int in = open(c->stdin_path ? c->stdin_path : "/dev/null", O_RDONLY);
		int out = open(c->out_path ? c->out_path : "/dev/null",
			       O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0)
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		execvp(c->argv[0], (char *const *)c->argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return -errno;
	c->wall = bench_now() - t0;
	c->maxrss_kb = ru.ru_maxrss;
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static int rx_cmd(struct cmd *c)
{
	return oracle_in_netns(ns_rx, cmd_fn, c);
}

/* The last line of a file (a command's message), newline dropped. */
static void last_line(const char *path, char *out, size_t size)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	*out = 0;
	while (f && fgets(line, sizeof(line), f))
		if (*line != '\n')
			snprintf(out, size, "%s", line);
	if (f)
		fclose(f);
	out[strcspn(out, "\n")] = 0;
}

/* Packets of the last rule of raw PREROUTING as `prog -t raw -L
 * PREROUTING -v -x -n` shows them (bpfilter or iptables). */
static int64_t last_rule_pkts(const char *prog)
{
	char cmd[4200], line[1024], last[1024] = "";
	unsigned long long p;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s -t raw -L PREROUTING -v -x -n 2>/dev/null", prog);
	f = oracle_popen_in(ns_rx, cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (*line != '\n')
			memcpy(last, line, sizeof(line));
	if (pclose(f) || sscanf(last, " %llu", &p) != 1)
		return -1;
	return (int64_t)p;
}

/* ---- measurements ---- */

struct live {
	struct bench_stat pps;
	uint64_t sent;
	int err;
};

/* runs runs (at most LIVE_RUNS) of LIVE_SECONDS; count() reads what the
 * receiver dropped so far. */
static void live_runs(int gen_fd, const uint8_t *frame, size_t len, unsigned runs,
		      int64_t (*count)(void *), void *arg, struct live *out)
{
	double v[LIVE_RUNS];
	unsigned n = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < runs && i < LIVE_RUNS; i++) {
		struct gen g = {.prog_fd = gen_fd, .frame = frame, .len = len, .seconds = LIVE_SECONDS};
		int64_t before = count(arg), after;

		if (before < 0 || oracle_in_netns(ns_tx, gen_fn, &g)) {
			out->err = g.err ? g.err : -EIO;
			return;
		}
		usleep(100000); /* the receiver's queue drains */
		after = count(arg);
		if (after < before) {
			out->err = -EIO;
			return;
		}
		v[n++] = (double)(after - before) / g.elapsed;
		out->sent += g.sent;
	}
	out->pps = bench_stat(v, n);
}

static void live_run(int gen_fd, const uint8_t *frame, size_t len,
		     int64_t (*count)(void *), void *arg, struct live *out)
{
	live_runs(gen_fd, frame, len, LIVE_RUNS, count, arg, out);
}

static int64_t count_map(void *arg)
{
	return (int64_t)percpu_sum(*(int *)arg);
}

static int64_t count_cli(void *arg)
{
	return last_rule_pkts(arg);
}

static void json_live(const char *name, unsigned rules, const struct live *l, bool comma)
{
	fprintf(bench_json, "    {\"receiver\": \"%s\", \"rules\": %u, ", name, rules);
	if (l->err)
		fprintf(bench_json, "\"error\": \"%s\"}", strerror(-l->err));
	else
		fprintf(bench_json,
			"\"pps_median\": %.0f, \"pps_min\": %.0f, \"pps_max\": %.0f, \"runs\": %u, "
			"\"seconds\": %.1f}",
			l->pps.median, l->pps.min, l->pps.max, l->pps.n, LIVE_SECONDS);
	fputs(comma ? ",\n" : "\n", bench_json);
	printf("  %-16s %6u rules: ", name, rules);
	if (l->err)
		printf("error: %s\n", strerror(-l->err));
	else
		printf("%12.0f pkt/s dropped [%.0f-%.0f]\n", l->pps.median, l->pps.min,
		       l->pps.max);
}

static void json_cmd(const char *name, unsigned rules, const struct cmd *c, unsigned reps,
		     const double *walls, const char *msg)
{
	double w[8];
	struct bench_stat s;

	memcpy(w, walls, reps * sizeof(*w));
	s = bench_stat(w, reps);
	fprintf(bench_json,
		"    {\"what\": \"%s\", \"rules\": %u, \"exit\": %d, \"wall_ms_median\": %.1f, "
		"\"wall_ms_min\": %.1f, \"wall_ms_max\": %.1f, \"runs\": %u, \"peak_rss_kb\": %ld",
		name, rules, c->status, s.median * 1e3, s.min * 1e3, s.max * 1e3, reps,
		c->maxrss_kb);
	if (c->status) {
		fputs(", \"message\": ", bench_json);
		bench_json_str(msg);
	}
	fputs("},\n", bench_json);
	printf("  %-28s %6u rules: exit %d, %9.1f ms [%.1f-%.1f], peak RSS %ld KiB%s%s\n", name,
	       rules, c->status, s.median * 1e3, s.min * 1e3, s.max * 1e3, c->maxrss_kb,
	       c->status ? ": " : "", c->status ? msg : "");
}

/* "key": v (null when not measured), then sep. */
static void json_ms(const char *key, double v, const char *sep)
{
	if (isnan(v))
		fprintf(bench_json, "\"%s\": null%s", key, sep);
	else
		fprintf(bench_json, "\"%s\": %.1f%s", key, v, sep);
}

/* Runs argv `reps` times in the receiver (before each run: `pre`, when
 * given), prints and records it; the exit status of the last run. */
static int timed_ms(const char *name, unsigned rules, const char *const *argv, const char *in,
		    unsigned reps, const char *const *pre, double *median_ms)
{
	char out[128], msg[1024];
	double walls[8], w[8];
	struct cmd c = {0};

	snprintf(out, sizeof(out), "%s/cmd.out", run_dir);
	for (unsigned i = 0; i < reps; i++) {
		if (pre) {
			struct cmd p = {.argv = pre};

			rx_cmd(&p);
		}
		c = (struct cmd){.argv = argv, .stdin_path = in, .out_path = out};
		if (rx_cmd(&c))
			c.status = -1;
		walls[i] = c.wall;
		if (c.status)
			reps = i + 1;
	}
	last_line(out, msg, sizeof(msg));
	json_cmd(name, rules, &c, reps, walls, msg);
	memcpy(w, walls, reps * sizeof(*w));
	if (median_ms)
		*median_ms = c.status ? NAN : bench_stat(w, reps).median * 1e3;
	return c.status;
}

static int timed(const char *name, unsigned rules, const char *const *argv, const char *in,
		 unsigned reps, const char *const *pre)
{
	return timed_ms(name, rules, argv, in, reps, pre, NULL);
}

/* This process's resident set, which a forked child starts with. */
static long self_rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	if (f)
		fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Kernel memory of the XDP program attached to the receiver and its maps. */
struct mem_arg {
	long prog, maps;
	uint32_t n_maps, xlated, jited;
};

static int mem_fn(void *arg)
{
	struct mem_arg *m = arg;
	uint32_t id = 0, map_ids[16], len;
	struct bpf_prog_info info = {0};
	int fd;

	if (bpf_xdp_query_id((int)if_nametoindex(IF_RX), XDP_FLAGS_DRV_MODE, &id) || !id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	m->prog = bench_fd_memlock(fd);
	info.nr_map_ids = 16;
	info.map_ids = (uint64_t)(uintptr_t)map_ids;
	len = sizeof(info);
	if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
		m->xlated = info.xlated_prog_len;
		m->jited = info.jited_prog_len;
		for (uint32_t i = 0; i < info.nr_map_ids && i < 16; i++) {
			int mfd = bpf_map_get_fd_by_id(map_ids[i]);

			if (mfd >= 0) {
				m->maps += bench_fd_memlock(mfd);
				m->n_maps++;
				close(mfd);
			}
		}
	}
	close(fd);
	return 0;
}

static int setup(void)
{
	char tmpl[] = "/tmp/bfbench-run.XXXXXX", tmpl2[] = "/tmp/bfbench-bpffs.XXXXXX";

	snprintf(ns_tx, sizeof(ns_tx), "bfbench-tx-%d", getpid());
	snprintf(ns_rx, sizeof(ns_rx), "bfbench-rx-%d", getpid());
	if (oracle_netns_add(ns_tx) || oracle_netns_add(ns_rx))
		return -1;
	/* After oracle_netns_add: ours also unmounts the bpffs. */
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, on_signal);
	if (!mkdtemp(tmpl) || !mkdtemp(tmpl2))
		return -1;
	snprintf(run_dir, sizeof(run_dir), "%s", tmpl);
	snprintf(bpffs, sizeof(bpffs), "%s", tmpl2);
	if (mount("bpffs", bpffs, "bpf", 0, "mode=0700"))
		return -1;
	bpffs_mounted = true;
	setenv("BPFILTER_RUN_DIR", run_dir, 1);
	setenv("BPFILTER_BPFFS", bpffs, 1);
	if (oracle_veth_add(ns_tx, IF_TX, "02:00:00:00:00:01", ns_rx, IF_RX, "02:00:00:00:00:02"))
		return -1;
	/* One sh -c each: `ip netns exec` runs only the first command of a
	 * list in the namespace. */
	if (oracle_sh_in(ns_tx, "sh -c 'ip addr add 198.18.0.1/24 dev " IF_TX
				" && ip link set " IF_TX " up && ip link set lo up'") ||
	    oracle_sh_in(ns_rx, "sh -c 'sysctl -qw net.ipv4.conf.all.rp_filter=0 "
				"net.ipv4.conf.default.rp_filter=0 && ip addr add 198.18.0.2/24 dev " IF_RX
				" && ip link set " IF_RX " up && ip link set lo up'"))
		return -1;
	return 0;
}

static const unsigned live_sizes[] = {1, 100, 1000, 10000};
#define N_LIVE (sizeof(live_sizes) / sizeof(live_sizes[0]))

/* Writes the ruleset of n rules to run_dir/rules.N; its path. */
static const char *rules_file(unsigned n, char *path, size_t size)
{
	char *text = bench_rules_text(n, false);
	FILE *f;

	snprintf(path, size, "%s/rules.%u", run_dir, n);
	f = fopen(path, "w");
	if (!f || !text || fputs(text, f) < 0) {
		free(text);
		if (f)
			fclose(f);
		return NULL;
	}
	free(text);
	fclose(f);
	return path;
}

/* The program attached to the receiver (its id; 0 for none). */
static int xdp_query_fn(void *arg)
{
	int ifindex = (int)if_nametoindex(IF_RX);

	return ifindex ? bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, arg) : -ENODEV;
}

/* bpfilter's drop rate against XDP_DROP's as the median of PAIRS ratios,
 * each of one run of XDP_DROP then one of bpfilter's own program, put
 * back on the receiver as it was: on a shared machine the rate of both
 * drifts by more than the difference measured, and runs taken side by
 * side drift together. 0 when it cannot be measured. */
#define PAIRS 3
static double paired_ratio(int gen_fd, const uint8_t *frame, size_t len, int drop_fd,
			   int *map_fd)
{
	double r[PAIRS];
	uint32_t id = 0;
	unsigned n = 0;
	int bf_fd;
	struct live d, b;

	if (oracle_in_netns(ns_rx, xdp_query_fn, &id) || !id)
		return 0;
	bf_fd = bpf_prog_get_fd_by_id(id);
	if (bf_fd < 0)
		return 0;
	for (unsigned k = 0; k < PAIRS; k++) {
		if (rx_attach(drop_fd))
			break;
		live_runs(gen_fd, frame, len, 1, count_map, map_fd, &d);
		if (rx_attach(bf_fd))
			break;
		live_runs(gen_fd, frame, len, 1, count_cli, bpfilter, &b);
		if (d.err || b.err || d.pps.median <= 0)
			break;
		r[n++] = b.pps.median / d.pps.median;
		printf("  pair %u: XDP_DROP %.0f, bpfilter %.0f pkt/s: %.3f\n", k + 1,
		       d.pps.median, b.pps.median, r[n - 1]);
	}
	/* bpfilter's program stays attached whatever happened above. */
	if (rx_attach(bf_fd))
		n = 0;
	close(bf_fd);
	return n == PAIRS ? bench_stat(r, n).median : 0;
}

struct ipt {
	const char *name, *restore, *list;
};

int bench_live(void)
{
	static const uint8_t mac_tx[6] = {2, 0, 0, 0, 0, 1}, mac_rx[6] = {2, 0, 0, 0, 0, 2};
	struct bpf_insn gen_insns[] = {BPF_MOV64_IMM(BPF_REG_0, XDP_TX), BPF_EXIT_INSN()};
	char paths[5][128], rel[4096];
	int gen_fd = -1, map_fd = -1, drop_fd = -1, pass_fd = -1, err = -1;
	uint8_t frame[128];
	size_t len = bench_frame(frame, false, BENCH_DPORT_MATCH, mac_rx, mac_tx);
	struct live l;

	snprintf(rel, sizeof(rel), "%s", getenv("BENCH_BPFILTER") ? getenv("BENCH_BPFILTER")
								  : "./bpfilter");
	if (!realpath(rel, bpfilter)) {
		fprintf(stderr, "bench: no bpfilter binary at %s (make first)\n", rel);
		return -ENOENT;
	}
	if (setup()) {
		fprintf(stderr, "bench: cannot set up the test namespaces\n");
		goto out;
	}
	for (unsigned i = 0; i < 5; i++)
		if (!rules_file(bench_sizes[i], paths[i], sizeof(paths[i])))
			goto out;
	gen_fd = prog_load_insns(gen_insns, 2);
	map_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bench_cnt", 4, 8, 1, NULL);
	if (gen_fd < 0 || map_fd < 0)
		goto out;
	drop_fd = counting_prog(map_fd, XDP_DROP);
	pass_fd = counting_prog(map_fd, XDP_PASS);
	if (drop_fd < 0 || pass_fd < 0)
		goto out;
	oracle_pin_cpu();

	printf("== 2. live traffic over veth, 64-byte UDP, %d runs of %.0f s, median [min-max]\n",
	       LIVE_RUNS, LIVE_SECONDS);
	fputs("\"live\": [\n", bench_json);
	if (rx_attach(drop_fd)) {
		fprintf(stderr, "bench: cannot attach XDP to %s\n", IF_RX);
		goto out;
	}
	live_run(gen_fd, frame, len, count_map, &map_fd, &l);
	json_live("xdp_drop", 0, &l, true);
	double xdp_drop = l.err ? 0 : l.pps.median;
	rx_attach(-1);

	/* bpfilter, through its command line: attach, then restore. */
	struct {
		double pps[N_LIVE];
		bool ok[N_LIVE];
	} bf = {0}, legacy = {0}, nft = {0};
	const char *const attach[] = {bpfilter, "attach", IF_RX, NULL};
	const char *const restore[] = {bpfilter, "restore", NULL};
	const char *const add1[] = {bpfilter, "-t", "raw", "-I", "PREROUTING", "1", "-s",
				    "10.255.255.254/32", "-j", "DROP", NULL};
	const char *const del1[] = {bpfilter, "-t", "raw", "-D", "PREROUTING", "1", NULL};
	const char *const settle[] = {"/bin/sleep", "1.1", NULL};
	double restored_ms = NAN, restore_10k = NAN, restore_100k = NAN, add_10k = NAN;
	double legacy_10k = NAN, paired_10k = 0;
	struct cmd c = {.argv = attach};
	char out_path[128], msg[1024];
	unsigned largest = 0;
	struct mem_arg mem = {0};

	snprintf(out_path, sizeof(out_path), "%s/cmd.out", run_dir);
	c.out_path = out_path;
	if (rx_cmd(&c) || c.status) {
		last_line(out_path, msg, sizeof(msg));
		fprintf(stderr, "bench: bpfilter attach failed: %s\n", msg);
		fputs("    {\"receiver\": \"bpfilter\", \"error\": ", bench_json);
		bench_json_str(msg);
		fputs("},\n", bench_json);
	}
	/* The command lines of sections 3-4 go to a second list. */
	char *cmds = NULL;
	size_t cmds_len = 0;
	FILE *live_json = bench_json;
	FILE *cmd_json = open_memstream(&cmds, &cmds_len);

	for (unsigned i = 0; !c.status && i < N_LIVE; i++) {
		unsigned n = live_sizes[i];
		int st;

		bench_json = cmd_json;
		st = timed_ms("bpfilter restore", n, restore, paths[i], n <= 1000 ? 3 : 1, NULL,
			      &restored_ms);
		bench_json = live_json;
		if (st) {
			fprintf(bench_json,
				"    {\"receiver\": \"bpfilter\", \"rules\": %u, \"error\": "
				"\"does not load (see restore)\"},\n", n);
			printf("  %-16s %6u rules: does not load\n", "bpfilter", n);
			continue;
		}
		live_run(gen_fd, frame, len, count_cli, bpfilter, &l);
		json_live("bpfilter", n, &l, true);
		bf.pps[i] = l.pps.median;
		bf.ok[i] = !l.err;
		largest = n;
		if (n == 10000 && !l.err) {
			printf("  bpfilter 10k against XDP_DROP, side by side:\n");
			paired_10k = paired_ratio(gen_fd, frame, len, drop_fd, &map_fd);
		}
		oracle_in_netns(ns_rx, mem_fn, &mem);
		bench_json = cmd_json;
		if (n == 10000)
			restore_10k = restored_ms;
		/* One change at a time (a second after the last), then three
		 * in a row: a change within a second of the last one waits
		 * for an RCU grace period (src/core/commit_inplace.c). */
		timed_ms("bpfilter add one rule", n, add1, NULL, 3, settle,
			 n == 10000 ? &add_10k : NULL);
		timed("bpfilter add one rule, in a row", n, add1, NULL, 3, NULL);
		bench_json = live_json;
		for (int k = 0; k < 6; k++) {
			struct cmd d = {.argv = del1};

			rx_cmd(&d);
		}
	}
	if (!c.status) {
		bench_json = cmd_json;
		timed_ms("bpfilter restore", 100000, restore, paths[4], 1, NULL, &restore_100k);
		bench_json = live_json;
	}
	const char *const detach[] = {bpfilter, "detach", IF_RX, NULL};
	c = (struct cmd){.argv = detach};
	rx_cmd(&c);

	/* iptables: the receiving veth takes XDP frames only with a program
	 * attached, so an XDP_PASS one is. */
	static const struct ipt ipts[] = {
		{"iptables-legacy", "iptables-legacy-restore", "iptables-legacy"},
		{"iptables-nft", "iptables-nft-restore", "iptables-nft"},
	};
	rx_attach(pass_fd);
	for (unsigned k = 0; k < 2; k++) {
		const struct ipt *ip = &ipts[k];
		const char *const rst[] = {ip->restore, NULL};
		const char *const flush[] = {ip->list, "-t", "raw", "-F", NULL};

		if (!oracle_have(ip->restore)) {
			fprintf(bench_json, "    {\"receiver\": \"%s\", \"error\": \"not installed\"},\n",
				ip->name);
			continue;
		}
		for (unsigned i = 0; i < N_LIVE; i++) {
			unsigned n = live_sizes[i];
			char name[64];
			int st;

			snprintf(name, sizeof(name), "%s", ip->restore);
			bench_json = cmd_json;
			st = timed_ms(name, n, rst, paths[i], 3, flush,
				      !k && n == 10000 ? &legacy_10k : NULL);
			bench_json = live_json;
			if (st) {
				fprintf(bench_json,
					"    {\"receiver\": \"%s\", \"rules\": %u, \"error\": "
					"\"restore failed (see restore)\"},\n",
					ip->name, n);
				printf("  %-16s %6u rules: restore failed\n", ip->name, n);
				continue;
			}
			live_run(gen_fd, frame, len, count_cli, (void *)ip->list, &l);
			json_live(ip->name, n, &l, true);
			(k ? &nft : &legacy)->pps[i] = l.pps.median;
			(k ? &nft : &legacy)->ok[i] = !l.err;
			struct cmd f = {.argv = flush};
			rx_cmd(&f);
		}
	}
	rx_attach(-1);
	fputs("    {\"receiver\": \"end\"}\n],\n", bench_json);

	/* Sections 3 and 4. */
	fclose(cmd_json);
	bench_json = live_json;
	printf("== 3. command wall times (restore, add one rule) and peak RSS\n");
	fputs("\"commands\": [\n", bench_json);
	fwrite(cmds, 1, cmds_len, bench_json);
	fputs("    {\"what\": \"end\"}\n],\n", bench_json);
	fprintf(bench_json, "\"rss_inherited_kb\": %ld,\n", self_rss_kb());
	printf("  (peak RSS includes what a child inherits at fork: this process's %ld KiB)\n",
	       self_rss_kb());
	free(cmds);
	printf("== 4. kernel memory of the attached bpfilter XDP program at %u rules: "
	       "program %ld B (xlated %u B, jited %u B), %u maps %ld B\n",
	       largest, mem.prog, mem.xlated, mem.jited, mem.n_maps, mem.maps);
	fprintf(bench_json,
		"\"memory\": {\"rules\": %u, \"prog_memlock\": %ld, \"xlated_bytes\": %u, "
		"\"jited_bytes\": %u, \"maps\": %u, \"maps_memlock\": %ld},\n",
		largest, mem.prog, mem.xlated, mem.jited, mem.n_maps, mem.maps);

	FILE *d = bench_data_open("pps.dat", "w");

	if (d) {
		fputs("# rules bpfilter iptables-legacy iptables-nft (pkt/s; NaN: none)\n", d);
		for (unsigned i = 0; i < N_LIVE; i++)
			fprintf(d, "%u %.0f %.0f %.0f\n", live_sizes[i],
				bf.ok[i] ? bf.pps[i] : NAN, legacy.ok[i] ? legacy.pps[i] : NAN,
				nft.ok[i] ? nft.pps[i] : NAN);
		fclose(d);
	}
	d = bench_data_open("lines.gp", "a");
	if (d) {
		fprintf(d, "xdpdrop = %.0f\n", xdp_drop);
		fclose(d);
	}
	/* Targets of section 2. */
	unsigned i10k = N_LIVE - 1;
	printf("  live targets: bpfilter 10k / XDP_DROP >= 0.9 (median of %d side-by-side pairs): ",
	       PAIRS);
	fputs("\"live_targets\": {", bench_json);
	if (bf.ok[i10k] && xdp_drop > 0 && paired_10k > 0) {
		double r = bf.pps[i10k] / xdp_drop;

		printf("%.3f, %s (against the first XDP_DROP run: %.3f)\n", paired_10k,
		       paired_10k >= 0.9 ? "met" : "not met", r);
		fprintf(bench_json, "\"bpfilter_10k_vs_xdp_drop\": %.3f, "
			"\"bpfilter_10k_vs_first_xdp_drop\": %.3f, ", paired_10k, r);
	} else {
		printf("not met (10k rules do not load)\n");
		fputs("\"bpfilter_10k_vs_xdp_drop\": null, ", bench_json);
	}
	printf("  live targets: bpfilter 10k / iptables-legacy 10k >= 100: ");
	if (bf.ok[i10k] && legacy.ok[i10k] && legacy.pps[i10k] > 0) {
		double r = bf.pps[i10k] / legacy.pps[i10k];

		printf("%.1f, %s\n", r, r >= 100 ? "met" : "not met");
		fprintf(bench_json, "\"bpfilter_10k_vs_legacy_10k\": %.1f", r);
	} else {
		printf("not met (10k rules do not load)\n");
		fputs("\"bpfilter_10k_vs_legacy_10k\": null", bench_json);
	}
	/* What loads, for the record: the largest size against the same. */
	if (largest) {
		unsigned j = 0;

		while (live_sizes[j] != largest)
			j++;
		if (legacy.ok[j] && xdp_drop > 0)
			printf("  at %u rules (largest that loads): bpfilter/XDP_DROP %.2f, "
			       "bpfilter/iptables-legacy %.1f\n",
			       largest, bf.pps[j] / xdp_drop, bf.pps[j] / legacy.pps[j]);
		fprintf(bench_json, ", \"largest_loaded\": %u, \"bpfilter_vs_xdp_drop_at_largest\": %.3f"
			", \"bpfilter_vs_legacy_at_largest\": %.1f",
			largest, xdp_drop > 0 ? bf.pps[j] / xdp_drop : 0,
			legacy.pps[j] > 0 ? bf.pps[j] / legacy.pps[j] : 0);
	}
	fputs("},\n", bench_json);

	/* Targets of section 3. */
	printf("  command targets: restore 10k <= 2 x iptables-legacy-restore: %.0f / %.0f ms = "
	       "%.2f, %s\n", restore_10k, legacy_10k, restore_10k / legacy_10k,
	       restore_10k <= 2 * legacy_10k ? "met" : "not met");
	printf("  command targets: restore 100k <= 1 s: %.0f ms, %s\n", restore_100k,
	       restore_100k <= 1000 ? "met" : "not met");
	printf("  command targets: add one rule to 10k <= 20 ms: %.1f ms, %s\n", add_10k,
	       add_10k <= 20 ? "met" : "not met");
	fputs("\"command_targets\": {", bench_json);
	json_ms("restore_10k_ms", restore_10k, ", ");
	json_ms("legacy_restore_10k_ms", legacy_10k, ", ");
	json_ms("restore_100k_ms", restore_100k, ", ");
	json_ms("add_one_10k_ms", add_10k, "},\n");
	err = 0;
out:
	if (gen_fd >= 0)
		close(gen_fd);
	if (drop_fd >= 0)
		close(drop_fd);
	if (pass_fd >= 0)
		close(pass_fd);
	if (map_fd >= 0)
		close(map_fd);
	cleanup();
	return err;
}
