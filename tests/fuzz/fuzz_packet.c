/* libFuzzer target: frames through the compiled XDP programs. At start,
 * rulesets of the differential harness's generator (tests/diff/
 * rand_rules.c, fixed seeds, both families) are each compiled twice: with a
 * classifier stage for every run of rules (BF_CLASSIFY_ALWAYS) and as the
 * linear reference (BF_CLASSIFY_OFF), the program that tests/diff's harness
 * checks against iptables-legacy. An input is one byte choosing the
 * ruleset, then the frame. Both programs run it with BPF_PROG_TEST_RUN: the
 * same return code, never XDP_ABORTED, and every rule's and policy's
 * counters equal afterwards; a difference aborts with the ruleset, the
 * frame and what differs.
 *
 * Which rules the reference counted is fed back to libFuzzer as extra
 * coverage (the programs' own branches are invisible to it), so a frame
 * that reaches a rule no kept frame reached is kept.
 *
 * Generators whose verdicts depend on time or chance (limit, hashlimit,
 * recent, statistic) are left out: two programs would differ by design.
 *
 * FUZZ_PACKET_SEEDS=DIR: first writes the harness's frames aimed at each
 * ruleset's rules there (the seeds). FUZZ_PACKET_RULESETS=N: the rulesets
 * come from seed N (default 0), for campaigns that look at other ones.
 * Needs root (BPF programs). */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff/rand_bpf.h"
#include "diff/rand_pkts.h"
#include "fuzz/fuzz_util.h"
#include "plan/classify.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_RULESETS 24 /* even: IPv4, odd: IPv6 */
#define SEEDS_PER_RULESET 24
#define ETH_HLEN 14

struct target {
	struct rr_set gen;
	char *text;
	struct rb_prog linear, staged;
	size_t n_slots;
	uint64_t *seen; /* the reference's packets per slot after the last run */
};

static struct target targets[N_RULESETS];
static uint64_t rulesets_seed;

/* libFuzzer's extra coverage: one counter per (ruleset, slot counted)
 * and per (ruleset, return code). */
#define N_FEATURES 8192
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t features[N_FEATURES];

static void feature(size_t ruleset, size_t what)
{
	uint8_t *f = &features[(ruleset * 1031 + what) % N_FEATURES];

	if (*f < 255)
		(*f)++;
}

static const char *const time_or_chance[] = {"limit", "hashlimit", "recent", "statistic"};

/* As the harness: each generator for its families only; none of those
 * whose verdicts depend on time or chance. */
static void generators_off(void)
{
	for (size_t i = 0; i < rr_n_match_gens; i++) {
		struct rr_match_gen *g = &rr_match_gens[i];

		for (size_t k = 0; k < sizeof(time_or_chance) / sizeof(*time_or_chance); k++)
			if (!strcmp(g->name, time_or_chance[k]))
				g->families = 0;
		g->enabled[0] = g->families & 1 << 4;
		g->enabled[1] = g->families & 1 << 6;
	}
}

static int load(struct target *t, int family, enum bf_classify_mode mode, struct rb_prog *p)
{
	struct bf_strbuf err = {0};
	const char *stage;
	int rc;

	bf_classify_mode = mode;
	rc = rb_load(p, family, t->text, &err, &stage);
	if (rc)
		fprintf(stderr, "fuzz_packet: %s failed (%s):\n%s%s", stage, strerror(-rc),
			bf_strbuf_str(&err), t->text);
	bf_strbuf_free(&err);
	return rc;
}

/* Ruleset i from seed i (a next seed when one does not load: a
 * generator's rule that this hook refuses). */
static void make_target(size_t i)
{
	struct target *t = &targets[i];
	int family = i % 2 ? 6 : 4;

	for (uint64_t attempt = 0;; attempt++) {
		struct rnd r = {.s = 0xf0220000ULL + rulesets_seed * 1000003 + i * 131 + attempt * 7919};
		enum rr_kind kind = rnd_pct(&r, 25) ? RR_KIND_RAW_ONLY : RR_KIND_FULL;
		struct bf_strbuf text = {0};

		rr_generate(&r, &t->gen, family, kind, family == 4);
		rr_print(&t->gen, &text, 0);
		t->text = strdup(bf_strbuf_str(&text));
		bf_strbuf_free(&text);
		if (!t->text)
			abort();
		if (!load(t, family, BF_CLASSIFY_OFF, &t->linear)) {
			if (!load(t, family, BF_CLASSIFY_ALWAYS, &t->staged))
				break;
			rb_free(&t->staged);
		}
		rb_free(&t->linear);
		free(t->text);
		if (attempt == 20) {
			fprintf(stderr, "fuzz_packet: no ruleset of seed %zu loads\n", i);
			exit(1);
		}
	}
	bf_classify_mode = BF_CLASSIFY_AUTO;
	t->n_slots = bf_ruleset_n_slots(t->linear.rs);
	t->seen = calloc(t->n_slots ? t->n_slots : 1, sizeof(*t->seen));
	if (!t->seen)
		abort();
}

/* Frames aimed at each ruleset's rules, as the harness sends them. */
static void write_seeds(const char *dir)
{
	struct rp_pkt *pkts = calloc(SEEDS_PER_RULESET, sizeof(*pkts));
	uint8_t *buf = malloc(1 + RP_MAX_FRAME);
	uint16_t id = 1;

	if (!pkts || !buf)
		abort();
	for (size_t i = 0; i < N_RULESETS; i++) {
		struct rnd r = {.s = 0x5eed0000ULL + rulesets_seed * 1000003 + i};
		size_t n = rp_generate(&r, &targets[i].gen, pkts, SEEDS_PER_RULESET, i % 2 == 0, &id);

		for (size_t k = 0; k < n; k++) {
			char path[4096];
			size_t len;
			FILE *f;

			buf[0] = (uint8_t)i;
			len = rp_build(&pkts[k], buf + 1);
			snprintf(path, sizeof(path), "%s/seed-%02zu-%02zu", dir, i, k);
			f = fopen(path, "we");
			if (!f || fwrite(buf, 1, len + 1, f) != len + 1 || fclose(f)) {
				perror(path);
				exit(1);
			}
		}
	}
	free(pkts);
	free(buf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("FUZZ_PACKET_SEEDS");
	const char *rulesets = getenv("FUZZ_PACKET_RULESETS");

	if (geteuid()) {
		fprintf(stderr, "fuzz_packet: needs root (BPF programs)\n");
		exit(1);
	}
	fuzz_init();
	if (rulesets)
		rulesets_seed = strtoull(rulesets, NULL, 0);
	generators_off();
	for (size_t i = 0; i < N_RULESETS; i++)
		make_target(i);
	if (seeds && *seeds)
		write_seeds(seeds);
	return 0;
}

static void report(const struct target *t, const uint8_t *frame, size_t len, const char *what,
		   struct bf_strbuf *detail)
{
	struct bf_strbuf hex = {0};

	rp_hex(frame, len, &hex);
	bf_strbuf_printf(detail, "frame (%zu bytes):\n%s", len, bf_strbuf_str(&hex));
	bf_strbuf_free(&hex);
	fuzz_fail(what, t->text, bf_strbuf_str(detail));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bf_strbuf detail = {0};
	struct target *t;
	const uint8_t *frame = data + 1;
	size_t len = size - 1;
	int ret_l, ret_s;
	bool differ = false;

	/* BPF_PROG_TEST_RUN wants an Ethernet header and at most a page. */
	if (size < 1 + ETH_HLEN || len > RP_MAX_FRAME)
		return -1;
	t = &targets[data[0] % N_RULESETS];
	ret_l = rb_run(&t->linear, frame, len);
	ret_s = rb_run(&t->staged, frame, len);
	if (ret_l < 0 || ret_s < 0) {
		bf_strbuf_printf(&detail, "BPF_PROG_TEST_RUN: %s / %s\n", prog_ret_name(ret_l), prog_ret_name(ret_s));
		report(t, frame, len, "a program did not run", &detail);
	}
	if (ret_l != ret_s || ret_l == XDP_ABORTED) {
		bf_strbuf_printf(&detail, "linear: %s, classified: %s\n", prog_ret_name(ret_l), prog_ret_name(ret_s));
		differ = true;
	}
	feature((size_t)(t - targets), (size_t)ret_l);
	for (size_t i = 0; i < t->n_slots; i++) {
		struct bf_counter l = prog_counter(&t->linear.p, i);
		struct bf_counter s = prog_counter(&t->staged.p, i);

		if (l.packets != s.packets || l.bytes != s.bytes) {
			bf_strbuf_printf(&detail, "slot %zu: linear %llu packets %llu bytes, classified %llu packets %llu bytes\n",
					 i, (unsigned long long)l.packets, (unsigned long long)l.bytes,
					 (unsigned long long)s.packets, (unsigned long long)s.bytes);
			differ = true;
		}
		if (l.packets != t->seen[i])
			feature((size_t)(t - targets), 16 + i);
		t->seen[i] = l.packets;
	}
	if (differ)
		report(t, frame, len, "the classified program judged otherwise than the linear reference",
		       &detail);
	bf_strbuf_free(&detail);
	return 0;
}
