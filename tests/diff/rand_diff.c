/* rand_diff: random differential testing of bpfilter against
 * iptables-legacy. Each case is a random ruleset (raw PREROUTING, filter
 * INPUT, user chains, every match that compiles) and 20-60 frames aimed
 * at its rules' edges; both sides run them and every rule's and policy's
 * packet and byte counters must be equal. A difference is shrunk to a
 * minimal reproducer (ruleset text, frame hex, both sides' counters).
 * Exit 0: no difference; 1: a difference (or a refusal); 77: no oracle. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rand_bpf.h"
#include "rand_min.h"
#include "rand_oracle.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rand_diff [--seed S] [--cases N] [--case I] [--from I] [--family 4|6|both]\n"
		"                 [--skip MATCH]... [--ext-max N] [--whole-ext]\n"
		"                 [--verbose]\n"
		"  --seed S         cases are a function of S (default: random, printed)\n"
		"  --cases N        run cases 0..N-1 (default 20)\n"
		"  --case I         run case I of the seed only (replay)\n"
		"  --from I         start at case I (after a difference at I - 1)\n"
		"  --family F       4 (default), 6 or both (each case one family)\n"
		"IPv6 frames carry extension header chains (hop-by-hop, routing, destination\n"
		"options, fragments, AH; ESP or NONE after them; truncated ones) and frames\n"
		"of both families 802.1Q tags (VID 0: judged as untagged; other VIDs: the\n"
		"stack drops them, both sides count nothing).\n"
		"IPv4 fragments are sent too: the kernel reassembles them before filter\n"
		"INPUT (here it never completes a datagram: reassembly is off in the\n"
		"oracle's namespace), so INPUT counts none, and XDP leaves them to the\n"
		"stack after raw PREROUTING; tests/prog/test_nf_frag.c judges whole\n"
		"datagrams against iptables.\n"
		"  --skip MATCH     generate no MATCH (a generator's name, e.g. tcp-option),\n"
		"                   to look past a known difference\n"
		"  --ext-max N      at most N IPv6 extension headers in a frame's chain as a\n"
		"                   walk meets them, transport bytes read as headers\n"
		"                   included (default 10; the XDP walk reads 8 and fails\n"
		"                   closed past them: rules with -p or an extension-header\n"
		"                   match drop such frames uncounted where ip6tables walks on)\n"
		"  --whole-ext      no truncated IPv6 extension header (a cut chain, a length\n"
		"                   past the datagram); by default there are some, which\n"
		"                   -m rt/hbh/dst/ah hotdrop on both sides\n"
		"  --verbose        print every case's ruleset and results\n"
		"Frames fit the veth's MTU (1500 bytes and the Ethernet header, 4 more with\n"
		"a VLAN tag): payload, then padding, then header lengths give way.\n");
}

/* Switches off generators whose match does not compile today (or that
 * the front end refuses: a generator bug, reported), for one family. */
static void probe_generators(int family)
{
	struct bf_strbuf text = {0};

	for (size_t i = 0; i < rr_n_match_gens; i++) {
		struct rr_match_gen *g = &rr_match_gens[i];
		struct rnd r = {.s = 0x5eed + i};
		bool parsed = true, ok = true;

		if (!(g->families & (1u << family))) {
			g->enabled[family == 6] = false;
			continue;
		}
		for (int k = 0; k < 24 && ok; k++) {
			struct rr_rule rule = {0};
			const char *proto = g->proto;
			char alt[16];


			/* "a|b": both names in turn */
			if (proto && strchr(proto, '|')) {
				snprintf(alt, sizeof(alt), "%s", proto);
				*strchr(alt, '|') = 0;
				proto = k & 1 ? strchr(g->proto, '|') + 1 : alt;
			}
			g->gen(&r, &rule, proto);
			bf_strbuf_reset(&text);
			bf_strbuf_printf(&text, "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT%s%s%s -j DROP\nCOMMIT\n",
					 proto ? " -p " : "", proto ? proto : "", rule.text);
			ok = rb_compiles(family, bf_strbuf_str(&text), &parsed);
		}
		if (!ok) {
			g->enabled[family == 6] = false;
			printf("skipped %s (IPv%d): %s\n", g->name, family,
			       parsed ? "does not compile at XDP yet" :
			       "the front end refused a generated rule (generator bug?)");
			if (!parsed)
				printf("  %s", bf_strbuf_str(&text));
		}
	}
	bf_strbuf_free(&text);
}

static uint64_t random_seed(void)
{
	uint64_t s = 0;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0 || read(fd, &s, sizeof(s)) != sizeof(s))
		s = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	if (fd >= 0)
		close(fd);
	return s % 1000000000ULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"seed", required_argument, NULL, 's'},
		{"cases", required_argument, NULL, 'n'},
		{"case", required_argument, NULL, 'c'},
		{"from", required_argument, NULL, 'F'},
		{"family", required_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"skip", required_argument, NULL, 'S'},
		{"ext-max", required_argument, NULL, 'E'},
		{"whole-ext", no_argument, NULL, 'W'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	uint64_t seed = random_seed();
	long cases = 20, only = -1, from = 0;
	bool verbose = false;
	const char *family = "4";
	struct rr_set *rs = malloc(sizeof(*rs));
	struct rp_frame *frames = calloc(RP_MAX_FRAMES, sizeof(*frames));
	struct rp_pkt pkts[RP_MAX_FRAMES];
	unsigned long n_frames = 0, n_diff = 0, by_rule = 0, by_policy = 0;
	uint16_t id = 1;
	char why[256], ext_opts[48] = "";
	int o, rc, fam_mask;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': cases = strtol(optarg, NULL, 0); break;
		case 'c': only = strtol(optarg, NULL, 0); break;
		case 'F': from = strtol(optarg, NULL, 0); break;
		case 'f': family = optarg; break;
		case 'v': verbose = true; break;
		case 'W': rp6_whole_ext = true; break;
		case 'E': rp6_ext_max = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'S':
			/* Look past a known difference; said in the output. */
			for (size_t i = 0; i < rr_n_match_gens; i++) {
				if (!strcmp(rr_match_gens[i].name, optarg)) {
					rr_match_gens[i].families = 0;
					printf("skipped %s: --skip\n", optarg);
				}
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!rs || !frames)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(family, "4") || !strcmp(family, "6") || !strcmp(family, "both")) {
		fam_mask = !strcmp(family, "4") ? 1 : !strcmp(family, "6") ? 2 : 3;
	} else {
		usage(stderr);
		return 2;
	}
	if (rp6_ext_max != 10 || rp6_whole_ext)
		snprintf(ext_opts, sizeof(ext_opts), " --ext-max %u%s", rp6_ext_max,
			 rp6_whole_ext ? " --whole-ext" : "");
	printf("rand_diff --seed %llu --cases %ld --family %s%s\n", (unsigned long long)seed, cases,
	       family, ext_opts);
	if (fam_mask & 1)
		probe_generators(4);
	if (fam_mask & 2)
		probe_generators(6);
	rc = ro_setup(fam_mask & 2, why, sizeof(why));
	if (rc == 77) {
		printf("%s\n", why);
		return 77;
	}
	if (rc) {
		fprintf(stderr, "could not set up the oracle's namespaces\n");
		return 1;
	}
	for (long c = only >= 0 ? only : from; c < (only >= 0 ? only + 1 : cases); c++) {
		struct rnd r = {.s = seed * 0x100000001b3ULL + (uint64_t)c};
		int fam = fam_mask == 3 ? (rnd_pct(&r, 50) ? 6 : 4) : fam_mask == 2 ? 6 : 4;
		enum rr_kind kind = rnd_pct(&r, 25) ? RR_KIND_RAW_ONLY : RR_KIND_FULL;
		bool frags = fam == 4;
		size_t n = rnd_range(&r, 20, 60);
		struct rc_set *ov = malloc(sizeof(*ov)), *bv = malloc(sizeof(*bv));
		struct bf_strbuf text = {0}, diff = {0};
		enum rm_result res;

		rr_generate(&r, rs, fam, kind, frags);
		id = (uint16_t)(c * 64 + 1); /* unique IP IDs: no accidental reassembly */
		rp_generate(&r, rs, pkts, n, frags, &id);
		for (size_t i = 0; i < n; i++) {
			const char *bad;

			frames[i].len = rp_build(&pkts[i], frames[i].data);
			if ((bad = rp_check(frames[i].data, frames[i].len))) {
				fprintf(stderr, "case %ld: frame %zu %s (a generator bug)\n", c, i, bad);
				return 1;
			}
		}
		n_frames += n;
		res = rm_run(rs, frames, n, ov, bv, &diff);
		if (verbose || res != RM_SAME) {
			rr_print(rs, &text, 0);
			printf("case %ld (IPv%d, %s, %zu frames): %s\n%s", c, fam,
			       kind == RR_KIND_RAW_ONLY ? "raw PREROUTING only" : "full", n,
			       res == RM_SAME ? "same" : "DIFFERENT", verbose ? bf_strbuf_str(&text) : "");
			if (res != RM_SAME)
				printf("%s", bf_strbuf_str(&diff));
			if (verbose && res == RM_SAME) {
				bf_strbuf_reset(&text);
				rc_print(ov, &text);
				printf("counted (both sides):\n%s", bf_strbuf_str(&text));
			}
		}
		for (size_t i = 0; res == RM_SAME && i < ov->n; i++) {
			/* How well the packets are aimed: rules vs policies (not
			 * the oracle's own raw OUTPUT rule, which counts the
			 * kernel's rate-limited answers). */
			if (!strcmp(ov->e[i].chain, "OUTPUT"))
				continue;
			if (ov->e[i].rule >= 0)
				by_rule += ov->e[i].pkts;
			else if (!strcmp(ov->e[i].chain, "INPUT") || !strcmp(ov->e[i].chain, "PREROUTING"))
				by_policy += ov->e[i].pkts;
		}
		bf_strbuf_free(&text);
		bf_strbuf_free(&diff);
		free(ov);
		free(bv);
		if (res == RM_ERROR) {
			fprintf(stderr, "case %ld: the harness failed\n", c);
			return 1;
		}
		if (res != RM_SAME) {
			n_diff++;
			rm_minimize(rs, frames, n, res);
			printf("replay: rand_diff --seed %llu --case %ld --family %s%s\n",
			       (unsigned long long)seed, c, family, ext_opts);
			break;
		}
	}
	printf("rand_diff: seed %llu, %ld cases, %lu frames (counted %lu times by rules, %lu by policies), %s\n",
	       (unsigned long long)seed, only >= 0 ? 1 : cases > from ? cases - from : 0, n_frames, by_rule, by_policy,
	       n_diff ? "a DIFFERENCE (above)" : "no difference");
	free(rs);
	free(frames);
	return n_diff ? 1 : 0;
}
