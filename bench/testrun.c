/* Section 1: BPF_PROG_TEST_RUN ns per packet of the compiled XDP program
 * against an empty XDP program (the floor), compile and load times, and
 * the kernel memory of what loads. The program is built as the library
 * builds it (front end, bf_cgen_compile for XDP) and loaded as
 * tests/lib/prog_run.c loads it, keeping the verifier's reason when the
 * kernel refuses it. */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "front/front.h"
#include "ir/ruleset.h"
#include "kern/kern.h"

#define RUNS 5
#define RUN_TARGET_NS 0.25e9 /* aim per run; repeat stays within 1e5..1e6 */

static char last_log[400];

static void log_keep(enum bf_log_level level, const char *msg, void *data)
{
	if (level <= BF_LOG_WARN)
		snprintf(last_log, sizeof(last_log), "%s", msg);
}

/* The verifier's own reason: the last non-empty lines of its log (the
 * kernel keeps the end of a log that does not fit). */
static void verifier_reason(char *log, char *out, size_t size)
{
	size_t len = strlen(log);
	int lines = 0;
	char *p;

	while (len && log[len - 1] == '\n')
		log[--len] = 0;
	for (p = log + len; p > log; p--)
		if (p[-1] == '\n' && ++lines == 2)
			break;
	snprintf(out, size, "%s", p);
	for (p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static int load(const struct bpf_insn *insns, size_t n, char *why, size_t why_size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_XDP);
	size_t log_size = 1 << 22;
	int fd, err;
	char *log;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bf_bench", "GPL", insns, n, &opts);
	if (fd >= 0)
		return fd;
	err = -errno;
	snprintf(why, why_size, "%s", strerror(-err));
	log = calloc(1, log_size);
	if (!log)
		return err;
	opts.log_buf = log;
	opts.log_size = (uint32_t)log_size;
	opts.log_level = 1;
	if (bpf_prog_load(BPF_PROG_TYPE_XDP, "bf_bench", "GPL", insns, n, &opts) < 0 && *log) {
		char reason[400];

		verifier_reason(log, reason, sizeof(reason));
		snprintf(why, why_size, "%s: %s", strerror(-err), reason);
	}
	free(log);
	return err;
}

struct run {
	int prog_fd;
	const uint8_t *frame;
	size_t len;
};

/* One BPF_PROG_TEST_RUN of `repeat`: mean ns per packet, < 0 on error. */
static double run_once(const struct run *r, unsigned repeat, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = r->frame,
		    .data_size_in = (uint32_t)r->len, .repeat = (int)repeat);

	if (bpf_prog_test_run_opts(r->prog_fd, &opts))
		return -errno;
	*retval = opts.retval;
	/* The kernel's own mean over the repeat (whole ns): the wall clock
	 * around the call carries tens of ms of fixed cost here. */
	return opts.duration;
}

/* RUNS runs, repeat calibrated from a short one. */
static int measure(const struct run *r, uint32_t want, struct bench_stat *st, unsigned *rep)
{
	double v[RUNS], ns;
	uint32_t ret = 0;
	unsigned repeat;

	ns = run_once(r, 1000, &ret);
	if (ns < 0)
		return (int)ns;
	if (ret != want) {
		fprintf(stderr, "bench: verdict %u, expected %u\n", ret, want);
		return -EPROTO;
	}
	repeat = ns > 0 ? (unsigned)(RUN_TARGET_NS / ns) : 1000000;
	repeat = repeat < 100000 ? 100000 : repeat > 1000000 ? 1000000 : repeat;
	for (unsigned i = 0; i < RUNS; i++) {
		v[i] = run_once(r, repeat, &ret);
		if (v[i] < 0)
			return (int)v[i];
	}
	*st = bench_stat(v, RUNS);
	*rep = repeat;
	return 0;
}

static void json_stat(const char *name, const struct bench_stat *s, double floor, unsigned rep)
{
	fprintf(bench_json,
		"\"%s\": {\"ns_median\": %.2f, \"ns_min\": %.2f, \"ns_max\": %.2f, "
		"\"runs\": %u, \"repeat\": %u, \"ratio_to_floor\": %.2f}",
		name, s->median, s->min, s->max, s->n, rep, s->median / floor);
}

static int floor_prog(void)
{
	struct bpf_insn insns[] = {BPF_MOV64_IMM(BPF_REG_0, XDP_PASS), BPF_EXIT_INSN()};
	char why[64];

	return load(insns, 2, why, sizeof(why));
}

/* Floor samples before and after the rulesets, pooled. */
static void floor_runs(int fd, const struct run *tmpl, double *v, unsigned *n)
{
	struct run r = *tmpl;
	uint32_t ret;

	r.prog_fd = fd;
	for (unsigned i = 0; i < RUNS; i++)
		v[(*n)++] = run_once(&r, 1000000, &ret);
}

struct result {
	bool v6, loaded;
	unsigned rules;
	size_t insns;
	double parse_ms, compile_ms, load_ms;
	char why[512];
	struct bpf_prog_info info;
	long prog_mem, maps_mem;
	struct bench_stat miss, match;
	unsigned miss_rep, match_rep;
};

static int one(struct result *res, bool v6, unsigned n, const uint8_t *fm, const uint8_t *fx,
	       size_t len)
{
	struct bf_ruleset *rs = bf_ruleset_new(v6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
	char *text = bench_rules_text(n, v6);
	int fds[BF_MAP_MAX] = {-1, -1, -1, -1}, prog_fd = -1, err;
	uint32_t info_len = sizeof(res->info);
	struct bf_cgen cg;
	double t;

	memset(res, 0, sizeof(*res));
	res->v6 = v6;
	res->rules = n;
	bf_cgen_init(&cg);
	if (!rs || !text) {
		err = -ENOMEM;
		goto out;
	}
	t = bench_now();
	err = bf_restore_parse(text, rs, false, false);
	res->parse_ms = (bench_now() - t) * 1e3;
	if (err) {
		snprintf(res->why, sizeof(res->why), "parse: %s", last_log);
		goto out;
	}
	t = bench_now();
	err = bf_cgen_compile(&cg, v6 ? NULL : rs, v6 ? rs : NULL, &bf_hook_xdp, "bench0");
	res->compile_ms = (bench_now() - t) * 1e3;
	res->insns = cg.len;
	if (err) {
		snprintf(res->why, sizeof(res->why), "compile: %s", last_log);
		goto out;
	}
	fds[BF_MAP_COUNTERS] = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bf_counters",
					      sizeof(uint32_t), sizeof(struct bf_counter),
					      (uint32_t)bf_cgen_n_slots(v6 ? NULL : rs, v6 ? rs : NULL),
					      NULL);
	if (fds[BF_MAP_COUNTERS] < 0 || cg.n_state) {
		err = fds[BF_MAP_COUNTERS] < 0 ? -errno : -EINVAL;
		snprintf(res->why, sizeof(res->why), "counters map: %s", strerror(-err));
		goto out;
	}
	if (cg.class_table.n) {
		err = bf_class_map_create(&cg.class_table, &fds[BF_MAP_CLASS]);
		if (err) {
			snprintf(res->why, sizeof(res->why), "classifier map: %s", strerror(-err));
			goto out;
		}
	}
	err = bf_cgen_patch_maps(&cg, fds);
	if (err)
		goto out;
	t = bench_now();
	prog_fd = load(cg.insns, cg.len, res->why, sizeof(res->why));
	res->load_ms = (bench_now() - t) * 1e3;
	if (prog_fd < 0) {
		err = prog_fd;
		goto out;
	}
	res->loaded = true;
	bpf_obj_get_info_by_fd(prog_fd, &res->info, &info_len);
	res->prog_mem = bench_fd_memlock(prog_fd);
	res->maps_mem = bench_fd_memlock(fds[BF_MAP_COUNTERS]) +
			(fds[BF_MAP_CLASS] >= 0 ? bench_fd_memlock(fds[BF_MAP_CLASS]) : 0);
	struct run rm = {prog_fd, fm, len}, rx = {prog_fd, fx, len};
	err = measure(&rx, XDP_PASS, &res->miss, &res->miss_rep);
	if (!err)
		err = measure(&rm, XDP_DROP, &res->match, &res->match_rep);
	if (err && !*res->why)
		snprintf(res->why, sizeof(res->why), "test run: %s", strerror(-err));
out:
	if (prog_fd >= 0)
		close(prog_fd);
	if (fds[BF_MAP_COUNTERS] >= 0)
		close(fds[BF_MAP_COUNTERS]);
	if (fds[BF_MAP_CLASS] >= 0)
		close(fds[BF_MAP_CLASS]);
	bf_cgen_free(&cg);
	bf_ruleset_free(rs);
	free(text);
	return err;
}

static const char *met(double v, double limit)
{
	return v <= limit ? "met" : "not met";
}

int bench_testrun(void)
{
	static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 1}, mac_b[6] = {2, 0, 0, 0, 0, 2};
	uint8_t f4m[128], f4x[128], f6m[128], f6x[128];
	struct result res[2 * BENCH_N_SIZES];
	double fv[4 * RUNS];
	unsigned nf = 0;
	struct bench_stat fl;
	size_t len4, len6;
	int ffd;

	bf_log_set(log_keep, NULL);
	len4 = bench_frame(f4m, false, BENCH_DPORT_MATCH, mac_b, mac_a);
	bench_frame(f4x, false, BENCH_DPORT_MISS, mac_b, mac_a);
	len6 = bench_frame(f6m, true, BENCH_DPORT_MATCH, mac_b, mac_a);
	bench_frame(f6x, true, BENCH_DPORT_MISS, mac_b, mac_a);
	ffd = floor_prog();
	if (ffd < 0) {
		fprintf(stderr, "bench: cannot load an empty XDP program: %s\n", strerror(-ffd));
		return ffd;
	}
	struct run tmpl = {ffd, f4x, len4};
	floor_runs(ffd, &tmpl, fv, &nf);
	printf("== 1. BPF_PROG_TEST_RUN (ns/packet, median of %d runs [min-max])\n", RUNS);
	for (unsigned s = 0; s < BENCH_N_SIZES; s++)
		for (int f = 0; f < 2; f++) {
			struct result *r = &res[2 * s + (unsigned)f];
			bool v6 = f;

			one(r, v6, bench_sizes[s], v6 ? f6m : f4m, v6 ? f6x : f4x,
			    v6 ? len6 : len4);
			printf("  %-4s %6u rules: %7zu insns, parse %8.1f ms, compile %8.1f ms, "
			       "verify+load %9.1f ms",
			       v6 ? "IPv6" : "IPv4", r->rules, r->insns, r->parse_ms,
			       r->compile_ms, r->load_ms);
			if (r->loaded && r->match.n)
				printf(", miss %9.1f [%.1f-%.1f], match-last %9.1f [%.1f-%.1f]\n",
				       r->miss.median, r->miss.min, r->miss.max, r->match.median,
				       r->match.min, r->match.max);
			else
				printf("\n        does not load: %s\n", r->why);
			fflush(stdout);
		}
	floor_runs(ffd, &tmpl, fv, &nf);
	close(ffd);
	fl = bench_stat(fv, nf);
	printf("  floor (empty XDP_PASS program): %.2f ns [%.2f-%.2f], %u runs\n", fl.median,
	       fl.min, fl.max, fl.n);

	fprintf(bench_json,
		"\"floor\": {\"ns_median\": %.2f, \"ns_min\": %.2f, \"ns_max\": %.2f, "
		"\"runs\": %u, \"repeat\": 1000000},\n\"testrun\": [\n",
		fl.median, fl.min, fl.max, fl.n);
	for (unsigned i = 0; i < 2 * BENCH_N_SIZES; i++) {
		struct result *r = &res[i];

		fprintf(bench_json,
			"  {\"family\": \"%s\", \"rules\": %u, \"insns\": %zu, \"parse_ms\": %.2f, "
			"\"compile_ms\": %.2f, \"load_ms\": %.2f, \"loaded\": %s, ",
			r->v6 ? "ipv6" : "ipv4", r->rules, r->insns, r->parse_ms, r->compile_ms,
			r->load_ms, r->loaded ? "true" : "false");
		if (r->loaded && r->match.n) {
			fprintf(bench_json,
				"\"verified_insns\": %u, \"xlated_bytes\": %u, \"jited_bytes\": %u, "
				"\"prog_memlock\": %ld, \"maps_memlock\": %ld, ",
				r->info.verified_insns, r->info.xlated_prog_len,
				r->info.jited_prog_len, r->prog_mem, r->maps_mem);
			json_stat("miss", &r->miss, fl.median, r->miss_rep);
			fputs(", ", bench_json);
			json_stat("match_last", &r->match, fl.median, r->match_rep);
		} else {
			fputs("\"error\": ", bench_json);
			bench_json_str(r->why);
		}
		fprintf(bench_json, "}%s\n", i + 1 < 2 * BENCH_N_SIZES ? "," : "");
	}
	FILE *d = bench_data_open("ns.dat", "w");

	if (d) {
		fputs("# rules ipv4_miss ipv4_match ipv6_miss ipv6_match (NaN: does not load)\n", d);
		for (unsigned s = 0; s < BENCH_N_SIZES; s++) {
			fprintf(d, "%u", bench_sizes[s]);
			for (int f = 0; f < 2; f++) {
				struct result *r = &res[2 * s + (unsigned)f];
				bool ok = r->loaded && r->match.n;

				fprintf(d, ok ? " %.1f %.1f" : " NaN NaN", r->miss.median,
					r->match.median);
			}
			fputc('\n', d);
		}
		fclose(d);
	}
	d = bench_data_open("lines.gp", "a");
	if (d) {
		fprintf(d, "floor = %.2f\n", fl.median);
		fclose(d);
	}
	fputs("],\n\"testrun_targets\": [\n", bench_json);
	printf("  targets (worst of miss/match-last, both families, vs floor):\n");
	static const struct {
		unsigned rules;
		double limit;
	} tg[] = {{1, 2}, {10000, 4}, {100000, 5}};
	for (unsigned t = 0; t < 3; t++) {
		double worst = 0;
		bool all = true;
		char txt[64];

		for (unsigned i = 0; i < 2 * BENCH_N_SIZES; i++) {
			if (res[i].rules != tg[t].rules)
				continue;
			if (!res[i].loaded || !res[i].match.n) {
				all = false;
				continue;
			}
			if (res[i].miss.median > worst)
				worst = res[i].miss.median;
			if (res[i].match.median > worst)
				worst = res[i].match.median;
		}
		if (all)
			snprintf(txt, sizeof(txt), "%s (%.2fx)", met(worst / fl.median, tg[t].limit),
				 worst / fl.median);
		else
			snprintf(txt, sizeof(txt), "not met (does not load)");
		printf("    %6u rules <= %.0fx floor: %s\n", tg[t].rules, tg[t].limit, txt);
		fprintf(bench_json,
			"  {\"rules\": %u, \"limit_x_floor\": %.0f, \"worst_x_floor\": %.2f, "
			"\"loads\": %s, \"met\": %s}%s\n",
			tg[t].rules, tg[t].limit, all ? worst / fl.median : -1, all ? "true" : "false",
			all && worst / fl.median <= tg[t].limit ? "true" : "false", t < 2 ? "," : "");
	}
	fputs("],\n", bench_json);
	/* Kernel memory at the largest size: program, counters and
	 * classifier maps (the classifier map holds its tables twice). */
	for (unsigned i = 2 * (BENCH_N_SIZES - 1); i < 2 * BENCH_N_SIZES; i++)
		if (res[i].loaded)
			printf("  kernel memory, %s %u rules: program %ld KiB, maps %ld KiB\n",
			       res[i].v6 ? "IPv6" : "IPv4", res[i].rules, res[i].prog_mem / 1024,
			       res[i].maps_mem / 1024);
	return 0;
}
