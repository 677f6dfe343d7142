/* The conntrack state at XDP (src/cgen/ct.c), both families, against the
 * kernel's own conntrack table: in a network namespace of its own with conntrack on
 * (bf_ct_register), flows are made over lo with real sockets (so the
 * kernel tracks them), then frames of those flows run through the
 * compiled program (BPF_PROG_TEST_RUN: its lookups are in this
 * namespace). Checked: which rule counted each frame - a reply of a
 * known flow is ESTABLISHED in the reply direction, its sender's next
 * datagram still NEW, an unknown flow or a SYN NEW, a TCP ACK of an
 * established connection inside conntrack's window ESTABLISHED (its
 * sequence numbers read from the sockets with TCP_REPAIR) - and which
 * frames are deferred to the netfilter stage: XDP_PASS, counted nowhere
 * (an ACK outside the window, an ACK without a flow, ICMP, a wrong TCP or
 * UDP checksum). The verdicts
 * the netfilter stage then gives are checked against iptables-legacy by
 * e2e/test_conntrack.sh. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/ct_lo.h"
#include "lib/front_util.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "ir/ruleset.h"
#include "kern/kern.h"

#define R_REPLY 0 /* the rules below, by index */
#define R_ESTABLISHED 1
#define R_NEW 2
#define R_INVALID 3
#define TH_FIN CT_TH_FIN
#define TH_SYN CT_TH_SYN
#define TH_ACK CT_TH_ACK

static const char *const rules[] = {
	"-A INPUT -m conntrack --ctstate ESTABLISHED --ctdir REPLY -j ACCEPT",
	"-A INPUT -m conntrack --ctstate ESTABLISHED --ctstatus CONFIRMED -j ACCEPT",
	"-A INPUT -m state --state NEW -j ACCEPT",
	"-A INPUT -m state --state INVALID -j ACCEPT",
	"-P INPUT DROP",
};

static bool v6; /* the flows and frames are IPv6's */
static int csum_err; /* frame() makes a wrong checksum when set */
static size_t payload; /* bytes after a UDP header */

static size_t frame(uint8_t *f, uint8_t proto, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t ack, uint8_t flags)
{
	struct ct_lo_frame p = {.v6 = v6, .proto = proto, .sport = sport, .dport = dport,
				.seq = seq, .ack = ack, .flags = flags, .payload = payload,
				.csum_err = csum_err};

	return ct_lo_frame(f, &p);
}

static int check(const struct prog *p, const struct bf_ruleset *rs, const char *what,
		 const uint8_t *f, size_t len, int rule)
{
	int slot = rule < 0 ? -1 : prog_rule_slot(rs, (size_t)rule);

	return prog_check(p, what, f, len, XDP_PASS, slot, len - 14);
}

static void states(void **state)
{
	struct bf_ruleset *rs = bf_ruleset_new(v6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
	struct bf_strbuf out = {0};
	struct ct_lo_flows fl;
	uint8_t f[2200];
	uint32_t snd, rcv;
	int failed = 0;
	struct prog p;
	size_t len;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		assert_int_equal(front_cmd(rs, rules[i], &out), 0);
	assert_int_equal(prog_load(rs, "lo", &p), 0);

	assert_int_equal(ct_lo_flows_make(v6, &fl), 0);
	snd = fl.snd;
	rcv = fl.rcv;

	len = frame(f, IPPROTO_UDP, 6000, 5000, 0, 0, 0);
	failed += check(&p, rs, "UDP reply of a flow", f, len, R_REPLY);
	len = frame(f, IPPROTO_UDP, 5000, 6000, 0, 0, 0);
	failed += check(&p, rs, "UDP, the flow's sender again (no reply seen)", f, len, R_NEW);
	len = frame(f, IPPROTO_UDP, 5001, 6000, 0, 0, 0);
	failed += check(&p, rs, "UDP without a flow", f, len, R_NEW);
	len = frame(f, IPPROTO_TCP, 7002, 7000, 1, 0, TH_SYN);
	failed += check(&p, rs, "TCP SYN without a flow", f, len, R_NEW);
	len = frame(f, IPPROTO_TCP, 7001, 7000, snd, rcv, TH_ACK);
	failed += check(&p, rs, "TCP ACK in the window", f, len, R_ESTABLISHED);
	len = frame(f, IPPROTO_TCP, 7000, 7001, rcv, snd, TH_ACK);
	failed += check(&p, rs, "TCP ACK in the window, reply direction", f, len, R_REPLY);
	len = frame(f, IPPROTO_TCP, 7001, 7000, snd + 0x40000000u, rcv, TH_ACK);
	failed += check(&p, rs, "TCP ACK past the window: deferred", f, len, -1);
	len = frame(f, IPPROTO_TCP, 7001, 7000, snd, rcv + 0x40000000u, TH_ACK);
	failed += check(&p, rs, "TCP ACK of unsent data: deferred", f, len, -1);
	len = frame(f, IPPROTO_TCP, 7001, 7000, snd, rcv, TH_ACK | TH_FIN);
	failed += check(&p, rs, "TCP FIN of a flow: deferred", f, len, -1);
	len = frame(f, IPPROTO_TCP, 7003, 7000, 1, 1, TH_ACK);
	failed += check(&p, rs, "TCP ACK without a flow: deferred", f, len, -1);
	len = frame(f, IPPROTO_ICMP, 0, 0, 0, 0, 0);
	failed += check(&p, rs, "ICMP: deferred", f, len, -1);
	/* The checksum over every size of what follows the header. */
	for (payload = 1; payload <= 2100; payload += payload < 40 ? 1 : 97) {
		char what[64];

		snprintf(what, sizeof(what), "UDP, %zu bytes of payload", payload);
		len = frame(f, IPPROTO_UDP, 5001, 6000, 0, 0, 0);
		failed += check(&p, rs, what, f, len, payload + 8 <= 2047 ? R_NEW : -1);
	}
	payload = 0;
	/* Where conntrack would check the checksum and find it wrong. */
	csum_err = 1;
	len = frame(f, IPPROTO_UDP, 5001, 6000, 0, 0, 0);
	failed += check(&p, rs, "UDP, wrong checksum: deferred", f, len, -1);
	len = frame(f, IPPROTO_TCP, 7002, 7000, 1, 0, TH_SYN);
	failed += check(&p, rs, "TCP SYN, wrong checksum: deferred", f, len, -1);
	len = frame(f, IPPROTO_TCP, 7001, 7000, snd, rcv, TH_ACK);
	failed += check(&p, rs, "TCP ACK in the window, wrong checksum: deferred", f, len, -1);
	csum_err = 0;

	ct_lo_flows_close(&fl);
	prog_close(&p);
	bf_ruleset_free(rs);
	bf_strbuf_free(&out);
	assert_int_equal(failed, 0);
}

/* The same with IPv6 flows and frames. */
static void states6(void **state)
{
	v6 = true;
	states(state);
	v6 = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(states),
		cmocka_unit_test(states6),
	};

	prog_need_root();
	if (ct_lo_enter())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
