/* IPv4 options the stack drops between raw PREROUTING and filter INPUT
 * (ip_rcv_options): bf_emit_ipv4_opts_check against the oracle.
 *
 * Each frame, with its option bytes, goes (a) to namespace B over a veth
 * pair, where iptables-legacy counts it in raw PREROUTING and, when the
 * stack keeps it, in filter INPUT; and (b) through a program made of the
 * XDP prologue and the check, which returns XDP_DROP when it falls
 * through (judged), XDP_TX when it leaves the packet to the stack and
 * XDP_ABORTED when it drops it for the configuration. Frame by frame,
 * "counted in INPUT" must equal "judged" (the oracle cannot tell the two
 * others apart: neither reaches INPUT). Every frame runs twice: with B's
 * accept_source_route as a new namespace has it (conf/all 0: source
 * routes refused), then with it on. Then, from the kernel's rules
 * (ip_options_compile refuses for the packet alone, ip_rcv_options for
 * the sysctl): a frame left to the stack under one setting is never
 * judged under the other; named cases have their outcome under each
 * setting, the source routes flipping between judged and dropped.
 *
 * A marker frame (protocol 253) after each case tells when the case has
 * been through: both chains count it in their first rule. Skips (77)
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
#include "cgen/ipv4_opts.h"
#include "lib/oracle_net.h"
#include "lib/prog_run.h"

#define MARKER_PROTO 253
#define CASE_PROTO 254
#define IFNAME "veth0"
#define N_RANDOM 300

static char ns_a[32], ns_b[32];
static struct oracle_sock sock = {.fd = -1};

/* Outcomes of ours: judged (falls through), left to the stack, dropped
 * (the configuration decides). */
enum outcome { O_NONE, O_JUDGED, O_STACK, O_DROPPED };

/* The cases. Option bytes as hex, a multiple of 4 bytes (the IHL counts
 * words); mcast: the frame goes to an Ethernet multicast address;
 * expect: the outcome with source routes refused, then accepted (O_NONE:
 * the oracle's word only). */
struct ipopt_case {
	const char *what;
	const char *hex;
	bool mcast;
	enum outcome expect[2];
};

#define J O_JUDGED
#define S O_STACK
#define D O_DROPPED

#define NOPS36 "010101010101010101010101010101010101010101010101010101010101010101010101"

static const struct ipopt_case cases[] = {
	{.what = "nops", .hex = "01010101", .expect = {J, J}},
	{.what = "eol then garbage", .hex = "00ffffff"},
	{.what = "eol at the last byte", .hex = "01010100"},
	{.what = "no eol, unknown option to the end", .hex = "fe04aabb"},
	{.what = "unknown optlen 2 ending at the last byte", .hex = "0101fe02"},
	{.what = "option type at the last byte", .hex = "010101fe"},
	{.what = "optlen 1", .hex = "fe010000", .expect = {S, S}},
	{.what = "optlen 0", .hex = "fe000000"},
	{.what = "optlen beyond the header", .hex = "fe050000"},
	{.what = "optlen beyond by one, 8 bytes", .hex = "0101fe0700000000"},
	{.what = "harness frame (issue)",
	 .hex = "03037bd805990000a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7",
	 .mcast = true},
	{.what = "40 bytes of nops", .hex = NOPS36 "01010101"},
	{.what = "unknown option of 40 bytes",
	 .hex = "fe280000000000000000000000000000000000000000000000000000000000000000000000000000"},
	{.what = "unknown option of 41 bytes",
	 .hex = "fe290000000000000000000000000000000000000000000000000000000000000000000000000000"},
	{.what = "rr optlen 2", .hex = "07020000"},
	{.what = "rr optlen 3 ptr 4 (full)", .hex = "07030400"},
	{.what = "rr optlen 3 ptr 3", .hex = "07030300"},
	{.what = "rr ptr 3", .hex = "0707030000000000", .expect = {S, S}},
	{.what = "rr ptr 4 room for one", .hex = "0707040000000000"},
	{.what = "rr ptr 5", .hex = "0707050000000000"},
	{.what = "rr ptr 8 full", .hex = "0707080000000000"},
	{.what = "rr optlen 8 ptr 8", .hex = "0708080000000000"},
	{.what = "rr optlen 8 ptr 9 full", .hex = "0708090000000000"},
	{.what = "rr ptr 0", .hex = "0707000000000000"},
	{.what = "rr ptr 255", .hex = "0707ff0000000000"},
	{.what = "two rr", .hex = "0703040107030400"},
	{.what = "rr then eol then rr", .hex = "0703040007030400"},
	{.what = "rr of 39 then nop", .hex = "07270400" NOPS36},
	{.what = "ts optlen 3", .hex = "44030500"},
	{.what = "ts optlen 4 ptr 4", .hex = "44040400"},
	{.what = "ts optlen 4 ptr 5 full", .hex = "44040500"},
	{.what = "ts full overflow 14", .hex = "440405e0"},
	{.what = "ts full overflow 15", .hex = "440405f0"},
	{.what = "ts full overflow 15 tsandaddr", .hex = "440405f1"},
	{.what = "ts full overflow 15 prespec", .hex = "440405f3"},
	{.what = "ts full overflow 15 flag 2", .hex = "440405f2"},
	{.what = "ts ptr 5 optlen 8 tsonly", .hex = "4408050000000000"},
	{.what = "ts ptr 6 optlen 8 tsonly", .hex = "4408060000000000"},
	{.what = "ts ptr 5 optlen 7 tsonly", .hex = "4407050000000000"},
	{.what = "ts ptr 5 optlen 8 tsandaddr", .hex = "4408050100000000"},
	{.what = "ts ptr 5 optlen 12 tsandaddr", .hex = "440c05010000000000000000"},
	{.what = "ts ptr 5 optlen 11 tsandaddr", .hex = "440b05010000000000000000"},
	{.what = "ts ptr 5 optlen 12 prespec", .hex = "440c0503c612000200000000"},
	{.what = "ts ptr 5 optlen 12 prespec other", .hex = "440c0503c612004d00000000"},
	{.what = "ts ptr 5 optlen 8 prespec", .hex = "4408050300000000"},
	{.what = "ts ptr 5 optlen 8 flag 2", .hex = "4408050200000000"},
	{.what = "ts ptr 5 optlen 8 flag 15", .hex = "44080f0f00000000"},
	{.what = "ts ptr 9 optlen 8 flag 2 full", .hex = "4408090200000000"},
	{.what = "two ts", .hex = "4404050044040500", .expect = {S, S}},
	{.what = "two ts flag 2", .hex = "4404050244040502"},
	{.what = "ts ptr 0", .hex = "44040000"},
	{.what = "ra optlen 4", .hex = "94040000"},
	{.what = "ra optlen 4 value 1", .hex = "94040001"},
	{.what = "ra optlen 3", .hex = "94030000"},
	{.what = "ra optlen 2", .hex = "94020000"},
	{.what = "two ra", .hex = "9404000094040000"},
	{.what = "cipso optlen 2", .hex = "86020000", .expect = {S, S}},
	{.what = "cipso optlen 8", .hex = "8608000000010000", .expect = {D, D}},
	{.what = "cipso optlen 10", .hex = "860a00000001010000000000", .expect = {D, D}},
	{.what = "security", .hex = "82040000"},
	{.what = "stream id", .hex = "88040001"},
	{.what = "unknown copied class", .hex = "9e040000"},
	{.what = "lsrr optlen 2", .hex = "83020000", .expect = {S, S}},
	{.what = "lsrr ptr 3", .hex = "83070300c612004d", .expect = {S, S}},
	{.what = "lsrr optlen 3 ptr 4 (used up)", .hex = "83030400", .expect = {D, J}},
	{.what = "lsrr ptr 8 used up", .hex = "83070800c612004d", .expect = {S, S}},
	{.what = "lsrr ptr 8 used up, multicast", .hex = "83070800c612004d", .mcast = true,
	 .expect = {S, S}},
	{.what = "lsrr used up then cipso 8", .hex = "830304018608000000010000", .expect = {D, D}},
	{.what = "cipso 8 then bad option", .hex = "8608000000010000fe010000", .expect = {D, D}},
	{.what = "lsrr used up, multicast, then cipso 8", .hex = "830304018608000000010000",
	 .mcast = true, .expect = {S, S}},
	{.what = "lsrr ptr 4 address left", .hex = "83070400c612004d", .expect = {S, S}},
	{.what = "lsrr ptr 5", .hex = "83070500c612004d", .expect = {S, S}},
	{.what = "ssrr ptr 8 used up", .hex = "89070800c612004d", .expect = {S, S}},
	{.what = "ssrr ptr 4 address left", .hex = "89070400c612004d", .expect = {S, S}},
	/* The cases above end in a type byte without its length: malformed.
	 * Well-formed routes, to 198.18.0.77 (not B's): */
	{.what = "nop, lsrr used up", .hex = "01830708c612004d", .expect = {D, J}},
	{.what = "nop, ssrr used up", .hex = "01890708c612004d", .expect = {D, J}},
	{.what = "nop, lsrr address left", .hex = "01830704c612004d", .expect = {D, D}},
	{.what = "nop, ssrr address left", .hex = "01890704c612004d", .expect = {D, D}},
	{.what = "nop, lsrr ptr 5", .hex = "01830705c612004d", .expect = {D, D}},
	{.what = "nop, lsrr used up, multicast", .hex = "01830708c612004d", .mcast = true,
	 .expect = {S, S}},
	{.what = "two lsrr used up", .hex = "8303040183030400", .expect = {S, S}},
	{.what = "lsrr then eol then lsrr", .hex = "8303040083030400"},
	{.what = "lsrr and ssrr used up", .hex = "8303040189030400", .expect = {S, S}},
	{.what = "lsrr used up then bad option", .hex = "83030401fe010000", .expect = {S, S}},
	{.what = "bad option then lsrr", .hex = "fe01000083030400", .expect = {S, S}},
	{.what = "ts, eol, then ts", .hex = "4404050000440405"},
	{.what = "ts then ssrr used up", .hex = "4404050089030401"},
	{.what = "ssrr used up then cipso", .hex = "8903040186020000", .expect = {S, S}},
	{.what = "rr, ts, ra, lsrr used up", .hex = "07030401440405009404000083030401", .expect = {D, J}},
	{.what = "rr, ts, ra", .hex = "070304014404050094040000"},
	{.what = "nop nop then rr at 2", .hex = "0101070304000000"},
	{.what = "unknown of 3 then ts at 3", .hex = "fe03004404050000"},
	{.what = "rr at 36", .hex = NOPS36 "07030400"},
	{.what = "ts at 36", .hex = NOPS36 "44040500"},
	{.what = "ts at 37 optlen 3", .hex = NOPS36 "01440305"},
	{.what = "rr at 38 optlen 2", .hex = NOPS36 "01010702"},
	{.what = "unknown at 39", .hex = NOPS36 "010101fe"},
	{.what = "unknown optlen 2 at 38", .hex = NOPS36 "0101fe02"},
	{.what = "eol at 39", .hex = NOPS36 "01010100"},
};

/* Random layouts: options of every kind with fields near their edges. */
#define OPT_BUF 40

static size_t hex_opts(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (; hex[0] && hex[1] && n < OPT_BUF + 4; hex += 2) {
		unsigned int b;

		sscanf(hex, "%2x", &b);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static uint8_t edge(unsigned int *seed, uint8_t around)
{
	int d = (int)(rand_r(seed) % 7) - 3;

	return (uint8_t)(around + d);
}

static size_t random_opts(unsigned int *seed, uint8_t *out)
{
	static const uint8_t kinds[] = {0, 1, 7, 68, 131, 137, 148, 134, 130, 136, 0xfe, 3};
	size_t len = 4 * (1 + rand_r(seed) % 10), n = 0;

	memset(out, 0, OPT_BUF);
	if (rand_r(seed) % 8 == 0) {
		for (size_t i = 0; i < len; i++)
			out[i] = (uint8_t)rand_r(seed);
		return len;
	}
	while (n < len) {
		uint8_t k = kinds[rand_r(seed) % sizeof(kinds)];
		uint8_t olen = edge(seed, (uint8_t)(4 + 4 * (rand_r(seed) % 3)));
		size_t left = len - n;

		out[n] = k;
		if (k <= 1) {
			n++;
			continue;
		}
		if (rand_r(seed) % 4 == 0)
			olen = (uint8_t)(rand_r(seed) % (left + 2));
		if (n + 1 < len)
			out[n + 1] = olen;
		if (n + 2 < len)
			out[n + 2] = rand_r(seed) % 3 ? edge(seed, 5) : edge(seed, olen + 1);
		if (n + 3 < len)
			out[n + 3] = (uint8_t)(rand_r(seed) % 3 ? edge(seed, 1) : rand_r(seed));
		for (size_t i = n + 4; i < n + olen && i < len; i++)
			out[i] = (uint8_t)rand_r(seed);
		if (olen < 2 || olen > left)
			break; /* the rest stays whatever it is */
		n += olen;
	}
	return len;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Ethernet + IPv4 (198.18.0.1 -> 198.18.0.2, the options) + 8 bytes. */
static size_t build(const uint8_t *opts, size_t olen, bool mcast, uint8_t proto, uint8_t *buf)
{
	static const uint8_t host[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t group[6] = {0x01, 0, 0x5e, 0, 0, 0x01};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
	size_t hlen = 20 + olen, len = hlen + 8;
	uint8_t *ip = buf + 14;
	uint32_t sum = 0;

	memset(buf, 0, 14 + len);
	memcpy(buf, mcast ? group : host, 6);
	memcpy(buf + 6, src, 6);
	put16(buf + 12, 0x0800);
	ip[0] = (uint8_t)(0x40 | hlen / 4);
	put16(ip + 2, (uint16_t)len);
	put16(ip + 4, 0x4242);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, "198.18.0.1", ip + 12);
	inet_pton(AF_INET, "198.18.0.2", ip + 16);
	if (olen)
		memcpy(ip + 20, opts, olen);
	for (size_t i = 0; i < hlen; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (uint16_t)~sum);
	return 14 + len;
}

/* The oracle. */
static int ipt(const char *args)
{
	return oracle_sh_in(ns_b, "iptables-legacy %s", args);
}

static int setup_netns(void)
{
	snprintf(ns_a, sizeof(ns_a), "bf-ipopt-a%d", getpid());
	snprintf(ns_b, sizeof(ns_b), "bf-ipopt-b%d", getpid());
	if (oracle_netns_add(ns_a) || oracle_netns_add(ns_b) ||
	    oracle_veth_add(ns_a, "bfo0", "02:00:00:00:00:01", ns_b, IFNAME, "02:00:00:00:00:02") ||
	    oracle_sh_in(ns_a, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1") ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1") ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv4.conf.all.rp_filter=0") ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv4.conf.default.rp_filter=0") ||
	    oracle_sh("ip -n %s link set bfo0 up", ns_a) ||
	    oracle_sh("ip -n %s addr add 198.18.0.2/15 dev %s", ns_b, IFNAME) ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv4.conf.%s.rp_filter=0", IFNAME) ||
	    oracle_sh_in(ns_b, "sysctl -qw net.ipv4.conf.%s.accept_local=1", IFNAME) ||
	    oracle_sh("ip -n %s link set %s up", ns_b, IFNAME))
		return -1;
	oracle_pin_cpu();
	return oracle_sock_open(&sock, ns_a, "bfo0");
}

/* Chains: raw PREROUTING and filter INPUT, each the marker rule then a
 * rule counting everything else; B's own errors (ICMP parameter problem)
 * are dropped in raw OUTPUT. */
static int load_rules(void)
{
	static const char *const chains[] = {"-t raw -A PREROUTING", "-t filter -A INPUT"};

	if (ipt("-t raw -F") || ipt("-t filter -F") || ipt("-t raw -A OUTPUT -j DROP"))
		return -1;
	for (size_t i = 0; i < 2; i++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "%s -p %d -j ACCEPT", chains[i], MARKER_PROTO);
		if (ipt(cmd))
			return -1;
		snprintf(cmd, sizeof(cmd), "%s -j ACCEPT", chains[i]);
		if (ipt(cmd))
			return -1;
	}
	return 0;
}

/* Packets of rules 1 and 2 of a chain. */
static int read_chain(const char *table, const char *chain, uint64_t pkts[2])
{
	struct oracle_counts c;

	if (oracle_counts_read(ns_b, "iptables-legacy", table, chain, &c) || c.n_rules < 2)
		return -1;
	pkts[0] = c.pkts[1];
	pkts[1] = c.pkts[2];
	return 0;
}

static uint64_t markers;

/* Sends a frame and a marker, waits for INPUT to count the marker, and
 * says where the frame was counted. */
static int oracle(const uint8_t *frame, size_t len, bool *raw, bool *input)
{
	static uint64_t raw_seen, input_seen;
	uint8_t m[128];
	size_t mlen = build(NULL, 0, false, MARKER_PROTO, m);
	uint64_t r[2], in[2];

	if (oracle_send(&sock, frame, len) || oracle_send(&sock, m, mlen))
		return -1;
	markers++;
	for (int i = 0;; i++) {
		if (i == 400 || read_chain("filter", "INPUT", in))
			return -1;
		if (in[0] >= markers)
			break;
		usleep(2000);
	}
	if (read_chain("raw", "PREROUTING", r))
		return -1;
	*raw = r[1] > raw_seen;
	*input = in[1] > input_seen;
	raw_seen = r[1];
	input_seen = in[1];
	return 0;
}

/* Ours: the XDP prologue, then the check. */
static int load_ours(bool accept_srr, struct prog *p)
{
	struct bf_cgen cg;
	int drops, cfg, err;

	bf_cgen_init(&cg);
	cg.ifname = IFNAME;
	bf_hook_xdp.prologue(&cg);
	drops = bf_label_new(&cg);
	cfg = bf_label_new(&cg);
	bf_emit_ipv4_opts_check_srr(&cg, drops, cfg, accept_srr);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, XDP_DROP));
	bf_emit(&cg, BPF_EXIT_INSN());
	bf_label_bind(&cg, drops);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, XDP_TX));
	bf_emit(&cg, BPF_EXIT_INSN());
	bf_label_bind(&cg, cfg);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, XDP_ABORTED));
	bf_emit(&cg, BPF_EXIT_INSN());
	err = bf_cgen_finish(&cg);
	if (!err)
		err = prog_load_cgen(&cg, 1, p);
	if (!err)
		printf("accept_source_route %d: %zu insns, %u verified\n", accept_srr, p->n_insns,
		       p->verified_insns);
	bf_cgen_free(&cg);
	return err;
}

/* Frames the oracle counted in INPUT and did not: both must occur. */
static int n_input, n_dropped;

#define N_CASES (sizeof(cases) / sizeof(cases[0]))
#define N_FRAMES (N_CASES + N_RANDOM)

/* Ours, frame by frame (cases, then random ones), per setting. */
static enum outcome outcomes[2][N_FRAMES];
static bool ran[2];

static const char *outcome_name(enum outcome o)
{
	return o == O_JUDGED ? "judged" : o == O_STACK ? "to the stack" :
	       o == O_DROPPED ? "dropped" : "?";
}

static enum outcome outcome_of(int rc)
{
	return rc == XDP_DROP ? O_JUDGED : rc == XDP_TX ? O_STACK :
	       rc == XDP_ABORTED ? O_DROPPED : O_NONE;
}

static int compare(const struct prog *p, const char *what, const uint8_t *opts, size_t olen,
		   bool mcast, enum outcome *out)
{
	uint8_t frame[256];
	size_t len = build(opts, olen, mcast, CASE_PROTO, frame);
	bool raw, input;
	int rc = prog_run(p, frame, len);

	*out = outcome_of(rc);
	if (oracle(frame, len, &raw, &input)) {
		fprintf(stderr, "%s: the oracle did not answer\n", what);
		return 1;
	}
	if (!raw || *out == O_NONE || input != (*out == O_JUDGED)) {
		fprintf(stderr, "%s: raw PREROUTING %s it, INPUT %s it; ours %s (rc %d); options",
			what, raw ? "counted" : "did not count", input ? "counted" : "did not count",
			outcome_name(*out), rc);
		for (size_t i = 0; i < olen; i++)
			fprintf(stderr, " %02x", opts[i]);
		fprintf(stderr, "\n");
		return 1;
	}
	if (input)
		n_input++;
	else
		n_dropped++;
	return 0;
}

static void run_all(bool accept_srr)
{
	struct prog p;
	unsigned int seed = 4242;
	int failed = 0;

	n_input = n_dropped = 0;
	assert_int_equal(load_ours(accept_srr, &p), 0);
	for (size_t i = 0; i < N_CASES; i++) {
		uint8_t opts[OPT_BUF + 4];
		size_t n = hex_opts(cases[i].hex, opts);

		if (n % 4 || n > OPT_BUF || strlen(cases[i].hex) != 2 * n) {
			fprintf(stderr, "%s: bad case (%zu bytes)\n", cases[i].what, n);
			failed++;
			continue;
		}
		failed += compare(&p, cases[i].what, opts, n, cases[i].mcast,
				  &outcomes[accept_srr][i]);
	}
	for (int i = 0; i < N_RANDOM; i++) {
		uint8_t opts[OPT_BUF];
		size_t n = random_opts(&seed, opts);
		char what[32];

		snprintf(what, sizeof(what), "random %d", i);
		failed += compare(&p, what, opts, n, rand_r(&seed) % 8 == 0,
				  &outcomes[accept_srr][N_CASES + i]);
	}
	prog_close(&p);
	printf("%d frames reached INPUT, %d did not\n", n_input, n_dropped);
	assert_int_equal(failed, 0);
	assert_true(n_input > 0 && n_dropped > 0);
	ran[accept_srr] = true;
}

/* bf_ipv4_accept_source_route read in B's namespace: /proc/sys/net is
 * the reader's. -1 when B cannot be entered. */
static int accept_fn(void *arg)
{
	return bf_ipv4_accept_source_route(IFNAME);
}

static int accept_in_b(void)
{
	return oracle_in_netns(ns_b, accept_fn, NULL);
}

static void defaults(void **state)
{
	/* A new namespace: conf/all 0, so IN_DEV_SOURCE_ROUTE is off. */
	assert_int_equal(accept_in_b(), 0);
	run_all(false);
}

static void source_route_on(void **state)
{
	assert_int_equal(oracle_sh_in(ns_b, "sysctl -qw net.ipv4.conf.all.accept_source_route=1 "
				      "net.ipv4.conf.%s.accept_source_route=1", IFNAME), 0);
	assert_int_equal(accept_in_b(), 1);
	run_all(true);
	/* Both must be on: conf/all alone does not do. */
	assert_int_equal(oracle_sh_in(ns_b, "sysctl -qw net.ipv4.conf.%s.accept_source_route=0",
				      IFNAME), 0);
	assert_int_equal(accept_in_b(), 0);
}

/* Which refusals the configuration decides, from both runs (each checked
 * against the oracle already): a frame the packet alone refuses (to the
 * stack) is judged under neither setting; only source routes flip, and
 * between judged and dropped; the named cases as expected. */
static void config_dependence(void **state)
{
	int failed = 0, flips = 0, n_drop[2] = {0, 0};

	assert_true(ran[0] && ran[1]);
	for (size_t i = 0; i < N_FRAMES; i++) {
		enum outcome off = outcomes[0][i], on = outcomes[1][i];
		const char *what = i < N_CASES ? cases[i].what : "random";

		n_drop[0] += off == O_DROPPED;
		n_drop[1] += on == O_DROPPED;
		if ((off == O_STACK && on == O_JUDGED) || (off == O_JUDGED && on == O_STACK) ||
		    (off != on && off != O_DROPPED && on != O_DROPPED)) {
			fprintf(stderr, "%s (frame %zu): %s with source routes refused, %s accepted\n",
				what, i, outcome_name(off), outcome_name(on));
			failed++;
		}
		flips += off == O_DROPPED && on == O_JUDGED;
		if (i >= N_CASES)
			continue;
		for (int a = 0; a < 2; a++) {
			if (cases[i].expect[a] && cases[i].expect[a] != outcomes[a][i]) {
				fprintf(stderr, "%s: %s with source routes %s, expected %s\n", what,
					outcome_name(outcomes[a][i]), a ? "accepted" : "refused",
					outcome_name(cases[i].expect[a]));
				failed++;
			}
		}
	}
	printf("%d frames flip from dropped to judged; dropped: %d refused, %d accepted\n", flips,
	       n_drop[0], n_drop[1]);
	assert_int_equal(failed, 0);
	assert_true(flips > 0 && n_drop[0] > 0 && n_drop[1] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(source_route_on),
		cmocka_unit_test(config_dependence),
	};
	int rc;

	prog_need_root();
	if (!oracle_have("iptables-legacy") || !oracle_have("ip"))
		oracle_skip("needs iptables-legacy and ip (the oracle)");
	if (setup_netns()) {
		printf("could not set up the test namespaces\n");
		oracle_cleanup();
		return 1;
	}
	if (ipt("-t raw -L PREROUTING -n >/dev/null 2>&1"))
		oracle_skip("iptables-legacy has no raw table here (iptable_raw)");
	if (load_rules()) {
		printf("could not load the oracle's rules\n");
		oracle_cleanup();
		return 1;
	}
	rc = cmocka_run_group_tests_name("xdp_ipopts", tests, NULL, NULL);
	oracle_cleanup();
	return rc;
}
