/* IPv6 hop-by-hop options ipv6_rcv refuses before PREROUTING
 * (ipv6_parse_hopopts): the IPv6 prologue with bf_emit_ipv6_hbh_check
 * against the oracle.
 *
 * Each frame, a hop-by-hop header with its option bytes, goes (a) to
 * namespace B over a veth pair, where ip6tables-legacy counts it in raw
 * PREROUTING when the stack lets it through; and (b) through a program
 * made of the XDP prologue alone, which returns XDP_TX when the packet
 * gets to the rules, XDP_PASS when the prologue leaves it to the stack
 * (which drops it) and XDP_DROP when it drops it because the
 * configuration refuses it. Frame by frame, "counted in raw PREROUTING"
 * must equal "reaches the rules" (the oracle cannot tell the two others
 * apart). The program is compiled inside B's namespace, so it reads B's
 * sysctls; each configuration is run: the defaults, option limits (0, 2,
 * -3: unknown options refused, ...), header length limits, and
 * ioam6_enabled on the interface. Then, from the kernel's rules: a frame
 * left to the stack under one configuration (refused for the packet
 * alone) is judged under none; named frames flip between judged and
 * dropped from one configuration to another.
 *
 * A marker frame (protocol 253) after each case tells when the case has
 * been through: raw PREROUTING counts it in its first rule. Skips (77)
 * when the oracle cannot run. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen/insn.h"
#include "cgen/ipv6_hbh.h"
#include "lib/oracle_net.h"
#include "lib/prog_run.h"

#define MARKER_PROTO 253
#define CASE_PROTO 254
#define IFNAME "veth0"
#define N_RANDOM 250
#define OPT_MAX 254 /* option bytes of a 256-byte header */

static char ns_a[32], ns_b[32];
static struct oracle_sock sock = {.fd = -1};

/* Option bytes as hex: 8n - 2 bytes (the header counts 8-byte units).
 * mcast: to ff02::1; jumbo: payload length 0. */
struct hbh_case {
	const char *what;
	const char *hex;
	bool mcast, jumbo;
};

#define PAD6 "010400000000"
#define UNK2 "1e00"
#define P7 "00000000000000"
static const struct hbh_case cases[] = {
	{.what = "padn 4", .hex = PAD6},
	{.what = "pad1 x6", .hex = "000000000000"},
	{.what = "pad1 x7 then padn", .hex = "00000000000000" "01050000000000"},
	{.what = "pad1 x8", .hex = "0000000000000000" "010400000000"},
	{.what = "pad1 x7 then unknown", .hex = "00000000000000" "1e00" "0000000000"},
	{.what = "padn 7 then pad1", .hex = "01050000000000" "00" "1e0400000000"},
	{.what = "padn 8", .hex = "0106000000000000" "1e0400000000"},
	{.what = "padn content", .hex = "010400000100"},
	{.what = "padn content last", .hex = "010400000001"},
	{.what = "padn 2 x3", .hex = "010001000100"},
	{.what = "padn 2 x4", .hex = "0100010001000100" "1e0400000000"},
	{.what = "padn length past header", .hex = "010500000000"},
	{.what = "padn content beyond 7 (length 14)",
	 .hex = "010c000000000000000000000000"},
	{.what = "unknown skip", .hex = "1e0400000000"},
	{.what = "unknown 01 (discard)", .hex = "5e0400000000"},
	{.what = "unknown 10 (icmp)", .hex = "9e0400000000"},
	{.what = "unknown 11 (icmp unless mcast)", .hex = "de0400000000"},
	{.what = "unknown 11 multicast", .hex = "de0400000000", .mcast = true},
	{.what = "unknown 01 multicast", .hex = "5e0400000000", .mcast = true},
	{.what = "hao in hbh", .hex = "c90400000000"},
	{.what = "unknown 00 of 6 bytes", .hex = "3e0400000000"},
	{.what = "unknown then garbage", .hex = "1e00ffffffff"},
	{.what = "type at the last byte", .hex = "0100000000" "1e"},
	{.what = "type at the last byte pad1", .hex = "0100000000" "00"},
	{.what = "length one past", .hex = "1e0500000000"},
	{.what = "ra", .hex = "05020000" "0100"},
	{.what = "ra value 1", .hex = "05020001" "0100"},
	{.what = "ra length 0", .hex = "0500" "01020000"},
	{.what = "ra length 4", .hex = "050400000000"},
	{.what = "two ra", .hex = "050200000502000000000000" "0100"},
	{.what = "jumbo aligned", .hex = "c20400010000"},
	{.what = "jumbo aligned, payload length 0", .hex = "c20400010000", .jumbo = true},
	{.what = "jumbo small, payload length 0", .hex = "c20400000100", .jumbo = true},
	{.what = "payload length 0 without jumbo", .hex = PAD6, .jumbo = true},
	{.what = "jumbo misaligned", .hex = "00c204000100"},
	{.what = "calipso short", .hex = "070400000000"},
	{.what = "calipso 8", .hex = "0708000000010000000000000100"},
	{.what = "ioam aligned (at 44)", .hex = "0100" "31020000" "1e06000000000000"},
	{.what = "ioam misaligned", .hex = "3102000000000100"
				    "000000000000"},
	{.what = "ioam at 42", .hex = "310400000000"},
	{.what = "ioam length 0 aligned", .hex = "0100" "3100" "1e00"},
	{.what = "ioam prealloc short aligned",
	 .hex = "0100" "3106" "00000000" "0000" "1e020000"},
	{.what = "ioam prealloc aligned",
	 .hex = "0100" "310a" "0000" "00000000" "00000000"},
	{.what = "ioam prealloc remlen 1 short",
	 .hex = "0100" "310a" "0000" "00000001" "00000000"},
	{.what = "ioam prealloc remlen 1",
	 .hex = "0100" "310e" "0000" "00000001" "00000000" "00000000" "1e020000"},
	{.what = "ioam other type short",
	 .hex = "0100" "3102" "0001" "1e06000000000000"},
	{.what = "2 unknown", .hex = UNK2 UNK2 "0000"},
	{.what = "8 unknown", .hex = UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 "01040000" "0000"},
	{.what = "9 unknown", .hex = UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 UNK2 "01020000"},
	{.what = "3 unknown", .hex = UNK2 UNK2 UNK2 "0100" "000000000000"},
	{.what = "1 ra 1 unknown", .hex = "05020000" UNK2 UNK2 "010400000000"},
	{.what = "8 options, pads between",
	 .hex = UNK2 "00" UNK2 "0100" UNK2 "010100" UNK2 "00000000000000" UNK2 "01050000000000"
		UNK2 UNK2 UNK2 "0000"},
	{.what = "9 options, pads between",
	 .hex = UNK2 "00" UNK2 "0100" UNK2 "010100" UNK2 "00000000000000" UNK2 "01050000000000"
		UNK2 UNK2 UNK2 "1e06000000000000" "0000"},
	{.what = "deepest valid walk (71 options)",
	 .hex = P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7
		"1e0700000000000000" P7},
	{.what = "deepest walk plus pad1",
	 .hex = P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7
		"1e06000000000000" "00" P7},
	{.what = "deepest walk plus unknown",
	 .hex = P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7
		UNK2 "0103000000"},
	{.what = "deepest walk plus unknown too long",
	 .hex = P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7 UNK2 P7
		"1e060000000000"},
	{.what = "calipso 8, cmpt 1", .hex = "0708000000010100000000000100"},
	{.what = "unknown skip then 01", .hex = "1e00" "5e00" "0100"},
	{.what = "harness: ra length 0", .hex = "0500000000" "00a8a9aaabacadaeaf"},
};

/* Random layouts: options of every kind, lengths near their edges. */
static uint8_t edge(unsigned int *seed, int around)
{
	return (uint8_t)(around + (int)(rand_r(seed) % 5) - 2);
}

static size_t random_opts(unsigned int *seed, uint8_t *out)
{
	static const uint8_t kinds[] = {0, 0, 1, 1, 1, 5, 5, 7, 0x31, 0x31, 0xc2,
					0x1e, 0x1e, 0x3e, 0x5e, 0x9e, 0xde, 0xc9};
	size_t len = 8 * (1 + rand_r(seed) % (rand_r(seed) % 4 ? 3 : 12)) - 2, n = 0;

	memset(out, 0, OPT_MAX);
	if (rand_r(seed) % 10 == 0) {
		for (size_t i = 0; i < len; i++)
			out[i] = (uint8_t)(rand_r(seed) % 3 ? rand_r(seed) % 3 : rand_r(seed));
		return len;
	}
	while (n < len) {
		uint8_t k = kinds[rand_r(seed) % sizeof(kinds)];
		uint8_t olen = (uint8_t)(rand_r(seed) % 6);

		out[n] = k;
		if (k == 0) {
			n++;
			continue;
		}
		if (k == 5 || k == 0xc2)
			olen = rand_r(seed) % 3 ? (k == 5 ? 2 : 4) : edge(seed, 3);
		else if (k == 0x31)
			olen = rand_r(seed) % 2 ? edge(seed, 2) : edge(seed, 10 + 4 * (rand_r(seed) % 2));
		else if (k == 7)
			olen = edge(seed, 8);
		if (rand_r(seed) % 8 == 0)
			olen = (uint8_t)rand_r(seed);
		if (n + 1 < len)
			out[n + 1] = olen;
		for (size_t i = n + 2; i < n + 2 + olen && i < len; i++)
			out[i] = rand_r(seed) % 5 ? 0 : (uint8_t)rand_r(seed);
		if (k == 0x31 && n + 5 < len && rand_r(seed) % 2)
			out[n + 5] = 0; /* IOAM pre-allocated trace */
		if (k == 0x31 && n + 9 < len)
			out[n + 9] = (uint8_t)(rand_r(seed) % 3);
		if (n + 2 + olen > len)
			return len; /* the rest stays as it is */
		n += 2 + olen;
		if (len - n < 8 && rand_r(seed) % 2)
			break;
	}
	/* Mostly a valid end: padding, or an option to skip. */
	if (n < len && rand_r(seed) % 3) {
		memset(out + n, 0, len - n);
		if (len - n > 7)
			out[n] = 0x1e;
		else if (len - n > 1 && rand_r(seed) % 2)
			out[n] = 1;
		if (out[n])
			out[n + 1] = (uint8_t)(len - n - 2);
	}
	return len;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Ethernet + IPv6 (2001:db8::1 -> 2001:db8::2 or ff02::1) + a hop-by-hop
 * header with these options (none when opts is NULL) + 8 bytes. */
static size_t build(const uint8_t *opts, size_t olen, bool mcast, bool jumbo, uint8_t proto,
		    uint8_t *buf)
{
	static const uint8_t host[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t group[6] = {0x33, 0x33, 0, 0, 0, 0x01};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
	size_t hbh = opts ? 2 + olen : 0, plen = hbh + 8;
	uint8_t *ip = buf + 14;

	memset(buf, 0, 14 + 40 + plen);
	memcpy(buf, mcast ? group : host, 6);
	memcpy(buf + 6, src, 6);
	put16(buf + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, jumbo ? 0 : (uint16_t)plen);
	ip[6] = opts ? 0 : proto;
	ip[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", ip + 8);
	inet_pton(AF_INET6, mcast ? "ff02::1" : "2001:db8::2", ip + 24);
	if (opts) {
		ip[40] = proto;
		ip[41] = (uint8_t)(hbh / 8 - 1);
		memcpy(ip + 42, opts, olen);
	}
	return 14 + 40 + plen;
}

/* The oracle. */
static int ipt(const char *args)
{
	return oracle_sh_in(ns_b, "ip6tables-legacy %s", args);
}

static int setup_netns(void)
{
	snprintf(ns_a, sizeof(ns_a), "bf-hbh-a%d", getpid());
	snprintf(ns_b, sizeof(ns_b), "bf-hbh-b%d", getpid());
	if (oracle_netns_add(ns_a) || oracle_netns_add(ns_b) ||
	    oracle_veth_add(ns_a, "bfo0", "02:00:00:00:00:01", ns_b, IFNAME, "02:00:00:00:00:02") ||
	    oracle_sh_in(ns_a, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1") ||
	    oracle_sh_in(ns_a, "sysctl -qw net.ipv6.conf.default.disable_ipv6=1") ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv6.conf.all.disable_ipv6=0") ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv6.conf.%s.disable_ipv6=0", IFNAME) ||
	    oracle_sh("ip -n %s link set bfo0 up", ns_a) ||
	    oracle_sh("ip -n %s addr add 2001:db8::2/64 dev %s nodad", ns_b, IFNAME) ||
	    oracle_sh("ip -n %s link set %s up", ns_b, IFNAME))
		return -1;
	oracle_pin_cpu();
	return oracle_sock_open(&sock, ns_a, "bfo0");
}

/* raw PREROUTING: the marker rule, then a rule counting every other frame
 * from A; B's own packets (ICMP errors, MLD) are dropped in raw OUTPUT. */
static int load_rules(void)
{
	char cmd[128];

	if (ipt("-t raw -F") || ipt("-t raw -A OUTPUT -j DROP"))
		return -1;
	snprintf(cmd, sizeof(cmd), "-t raw -A PREROUTING -s 2001:db8::1 -p %d -j ACCEPT",
		 MARKER_PROTO);
	if (ipt(cmd) || ipt("-t raw -A PREROUTING -s 2001:db8::1 -j ACCEPT"))
		return -1;
	return 0;
}

static uint64_t markers, case_seen;

/* Sends a frame and a marker, waits for raw PREROUTING to count the
 * marker, and says whether it counted the frame. */
static int oracle(const uint8_t *frame, size_t len, bool *counted)
{
	uint8_t m[128];
	size_t mlen = build(NULL, 0, false, false, MARKER_PROTO, m);
	struct oracle_counts c;

	if (oracle_send(&sock, frame, len) || oracle_send(&sock, m, mlen))
		return -1;
	markers++;
	for (int i = 0;; i++) {
		if (i == 400 ||
		    oracle_counts_read(ns_b, "ip6tables-legacy", "raw", "PREROUTING", &c) ||
		    c.n_rules < 2)
			return -1;
		if (c.pkts[1] >= markers)
			break;
		usleep(2000);
	}
	*counted = c.pkts[2] > case_seen;
	case_seen = c.pkts[2];
	return 0;
}

/* Ours: the XDP prologue; IPv6 packets it judges return XDP_TX, the
 * others (left to the stack) XDP_PASS. Compiled in B, with B's sysctls. */
static int load_fn(void *arg)
{
	struct prog *p = arg;
	struct bf_cgen cg;
	int err;

	bf_cgen_init(&cg);
	cg.ifname = IFNAME;
	cg.judge_v6 = true;
	cg.lbl_v6 = bf_label_new(&cg);
	bf_hook_xdp.prologue(&cg);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, XDP_ABORTED));
	bf_emit(&cg, BPF_EXIT_INSN());
	bf_label_bind(&cg, cg.lbl_v6);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, XDP_TX));
	bf_emit(&cg, BPF_EXIT_INSN());
	err = bf_cgen_finish(&cg);
	if (!err)
		err = prog_load_cgen(&cg, 1, p);
	if (!err)
		printf("%zu insns, %u verified\n", p->n_insns, p->verified_insns);
	bf_cgen_free(&cg);
	return err;
}

static int n_counted, n_dropped;

/* Ours: judged, left to the stack, dropped (the configuration decides). */
enum outcome { O_NONE, O_JUDGED, O_STACK, O_DROPPED };

#define N_CASES (sizeof(cases) / sizeof(cases[0]))
#define N_FRAMES (N_CASES + N_RANDOM)
#define N_CONFIGS 16

/* Frame by frame (cases, then random ones), per configuration run. */
static enum outcome outcomes[N_CONFIGS][N_FRAMES];
static const char *configs[N_CONFIGS];
static int n_configs;

static const char *outcome_name(enum outcome o)
{
	return o == O_JUDGED ? "judged" : o == O_STACK ? "to the stack" :
	       o == O_DROPPED ? "dropped" : "?";
}

static int compare(const struct prog *p, const char *what, const uint8_t *opts, size_t olen,
		   bool mcast, bool jumbo, enum outcome *out)
{
	uint8_t frame[512];
	size_t len = build(opts, olen, mcast, jumbo, CASE_PROTO, frame);
	bool counted;
	int rc = prog_run(p, frame, len);

	*out = rc == XDP_TX ? O_JUDGED : rc == XDP_PASS ? O_STACK : rc == XDP_DROP ? O_DROPPED :
	       O_NONE;
	if (oracle(frame, len, &counted)) {
		fprintf(stderr, "%s: the oracle did not answer\n", what);
		return 1;
	}
	if (*out == O_NONE || counted != (*out == O_JUDGED)) {
		fprintf(stderr, "%s: raw PREROUTING %s it; ours %s (rc %d); options", what,
			counted ? "counted" : "did not count", outcome_name(*out), rc);
		for (size_t i = 0; i < olen; i++)
			fprintf(stderr, " %02x", opts[i]);
		fprintf(stderr, "%s%s\n", mcast ? " (multicast)" : "", jumbo ? " (plen 0)" : "");
		return 1;
	}
	if (counted)
		n_counted++;
	else
		n_dropped++;
	return 0;
}

static size_t hex_opts(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (; hex[0] && hex[1] && n < OPT_MAX; hex += 2) {
		unsigned int b;

		sscanf(hex, "%2x", &b);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static void run_all(const char *config)
{
	struct prog p;
	unsigned int seed = 6464;
	int failed = 0;

	printf("%s: ", config);
	assert_true(n_configs < N_CONFIGS);
	configs[n_configs] = config;
	n_counted = n_dropped = 0;
	assert_int_equal(oracle_in_netns(ns_b, load_fn, &p), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t opts[OPT_MAX];
		size_t n = hex_opts(cases[i].hex, opts);

		if ((n + 2) % 8 || strlen(cases[i].hex) != 2 * n) {
			fprintf(stderr, "%s: bad case (%zu bytes)\n", cases[i].what, n);
			failed++;
			continue;
		}
		failed += compare(&p, cases[i].what, opts, n, cases[i].mcast, cases[i].jumbo,
				  &outcomes[n_configs][i]);
	}
	for (int i = 0; i < N_RANDOM; i++) {
		uint8_t opts[OPT_MAX];
		size_t n = random_opts(&seed, opts);
		char what[32];

		snprintf(what, sizeof(what), "random %d", i);
		failed += compare(&p, what, opts, n, rand_r(&seed) % 8 == 0,
				  rand_r(&seed) % 16 == 0, &outcomes[n_configs][N_CASES + i]);
	}
	n_configs++;
	prog_close(&p);
	printf("%s: %d frames counted, %d dropped by the stack\n", config, n_counted, n_dropped);
	assert_int_equal(failed, 0);
	assert_true(n_counted > 0 && n_dropped > 0);
}

static int sysctl_b(const char *name, int val)
{
	return oracle_sh_in(ns_b, "sysctl -qw net.ipv6.%s=%d", name, val);
}

/* What bf_ipv6_hbh_conf_read sees in B. */
static int conf_fn(void *arg)
{
	bf_ipv6_hbh_conf_read(IFNAME, arg);
	return 0;
}

static void defaults(void **state)
{
	struct bf_ipv6_hbh_conf conf;

	assert_int_equal(oracle_in_netns(ns_b, conf_fn, &conf), 0);
	assert_int_equal(conf.max_opts, 8);
	assert_false(conf.ioam);
	run_all("defaults");
}

static void max_opts(void **state)
{
	static const int vals[] = {2, 0, -3, 1, -1, 16, 20, -20};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct bf_ipv6_hbh_conf conf;
		char what[64];

		assert_int_equal(sysctl_b("max_hbh_opts_number", vals[i]), 0);
		assert_int_equal(oracle_in_netns(ns_b, conf_fn, &conf), 0);
		assert_int_equal(conf.max_opts, vals[i]);
		snprintf(what, sizeof(what), "max_hbh_opts_number %d", vals[i]);
		run_all(strdup(what));
	}
	assert_int_equal(sysctl_b("max_hbh_opts_number", 8), 0);
}

static void max_len(void **state)
{
	assert_int_equal(sysctl_b("max_hbh_length", 16), 0);
	run_all("max_hbh_length 16");
	assert_int_equal(sysctl_b("max_hbh_length", 15), 0);
	run_all("max_hbh_length 15");
	assert_int_equal(sysctl_b("max_hbh_length", 2147483647), 0);
}

static void ioam_on(void **state)
{
	struct bf_ipv6_hbh_conf conf;

	assert_int_equal(sysctl_b("conf." IFNAME ".ioam6_enabled", 1), 0);
	assert_int_equal(oracle_in_netns(ns_b, conf_fn, &conf), 0);
	assert_true(conf.ioam);
	run_all("ioam6_enabled");
	assert_int_equal(sysctl_b("conf." IFNAME ".ioam6_enabled", 0), 0);
}

static int config_index(const char *name)
{
	for (int c = 0; c < n_configs; c++)
		if (!strcmp(configs[c], name))
			return c;
	return -1;
}

static int case_index(const char *what)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (!strcmp(cases[i].what, what))
			return (int)i;
	return -1;
}

/* A case's outcome under a configuration, from the kernel's rules. */
struct expect {
	const char *what, *config;
	enum outcome outcome;
};

#define DEF "defaults"
#define MAX(n) "max_hbh_opts_number " #n
static const struct expect expects[] = {
	{"padn 4", DEF, O_JUDGED},
	{"9 unknown", DEF, O_DROPPED},
	{"9 unknown", MAX(16), O_JUDGED},
	{"2 unknown", MAX(1), O_DROPPED},
	{"2 unknown", MAX(2), O_JUDGED},
	{"2 unknown", MAX(0), O_DROPPED},
	{"unknown skip", MAX(-3), O_DROPPED},
	{"unknown skip", DEF, O_JUDGED},
	{"unknown 01 (discard)", MAX(-3), O_STACK},
	{"unknown 01 (discard)", DEF, O_STACK},
	{"unknown skip then 01", MAX(-3), O_DROPPED},
	{"unknown skip then 01", DEF, O_STACK},
	{"unknown skip then 01", MAX(1), O_DROPPED}, /* the count first */
	{"8 unknown", DEF, O_JUDGED},
	{"8 unknown", "max_hbh_length 16", O_DROPPED},
	{"1 ra 1 unknown", "max_hbh_length 16", O_JUDGED},
	{"1 ra 1 unknown", "max_hbh_length 15", O_DROPPED},
	{"padn content", "max_hbh_length 15", O_STACK},
	{"deepest valid walk (71 options)", DEF, O_JUDGED},
	{"deepest walk plus pad1", DEF, O_STACK},
	{"deepest walk plus unknown", DEF, O_DROPPED},
	{"deepest walk plus unknown", MAX(16), O_JUDGED},
	{"deepest walk plus unknown too long", DEF, O_STACK},
	{"ioam length 0 aligned", DEF, O_JUDGED},
	{"ioam length 0 aligned", "ioam6_enabled", O_DROPPED},
	{"ioam prealloc remlen 1 short", "ioam6_enabled", O_DROPPED},
	{"ioam prealloc remlen 1", "ioam6_enabled", O_JUDGED},
	{"ioam misaligned", DEF, O_STACK},
	{"ioam misaligned", "ioam6_enabled", O_STACK},
	{"calipso short", DEF, O_STACK},
	{"calipso 8", DEF, O_DROPPED},
	{"calipso 8, cmpt 1", DEF, O_STACK},
	{"jumbo aligned, payload length 0", DEF, O_STACK},
	{"ra length 4", DEF, O_STACK},
};

/* Which refusals the configuration decides, from every run (each checked
 * against the oracle already). */
static void config_dependence(void **state)
{
	int failed = 0, flips = 0;

	assert_true(n_configs >= 12);
	/* Refused for the packet alone: judged under no configuration. */
	for (size_t i = 0; i < N_FRAMES; i++) {
		int stack = -1, judged = -1, dropped = -1;

		for (int c = 0; c < n_configs; c++) {
			if (outcomes[c][i] == O_STACK)
				stack = c;
			if (outcomes[c][i] == O_JUDGED)
				judged = c;
			if (outcomes[c][i] == O_DROPPED)
				dropped = c;
		}
		if (stack >= 0 && judged >= 0) {
			fprintf(stderr, "%s (frame %zu): to the stack with %s, judged with %s\n",
				i < N_CASES ? cases[i].what : "random", i, configs[stack],
				configs[judged]);
			failed++;
		}
		flips += judged >= 0 && dropped >= 0;
	}
	for (size_t e = 0; e < sizeof(expects) / sizeof(expects[0]); e++) {
		int i = case_index(expects[e].what), c = config_index(expects[e].config);

		if (i < 0 || c < 0) {
			fprintf(stderr, "expectation %zu: no case '%s' or run '%s'\n", e,
				expects[e].what, expects[e].config);
			failed++;
			continue;
		}
		if (outcomes[c][i] != expects[e].outcome) {
			fprintf(stderr, "%s with %s: %s, expected %s\n", expects[e].what,
				expects[e].config, outcome_name(outcomes[c][i]),
				outcome_name(expects[e].outcome));
			failed++;
		}
	}
	printf("%d frames flip between judged and dropped\n", flips);
	assert_int_equal(failed, 0);
	assert_true(flips > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(max_opts),
		cmocka_unit_test(max_len),
		cmocka_unit_test(ioam_on),
		cmocka_unit_test(config_dependence),
	};
	int rc;

	prog_need_root();
	if (!oracle_have("ip6tables-legacy") || !oracle_have("ip"))
		oracle_skip("needs ip6tables-legacy and ip (the oracle)");
	if (setup_netns()) {
		printf("could not set up the test namespaces\n");
		oracle_cleanup();
		return 1;
	}
	if (ipt("-t raw -L PREROUTING -n >/dev/null 2>&1"))
		oracle_skip("ip6tables-legacy has no raw table here (ip6table_raw)");
	if (load_rules()) {
		printf("could not load the oracle's rules\n");
		oracle_cleanup();
		return 1;
	}
	rc = cmocka_run_group_tests_name("xdp6_hbh", tests, NULL, NULL);
	oracle_cleanup();
	return rc;
}
