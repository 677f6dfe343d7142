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

#include "lib/front_util.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "ir/ruleset.h"
#include "kern/kern.h"

#define HOST "198.18.0.1"
#define HOST6 "2001:db8::1"
#define R_REPLY 0 /* the rules below, by index */
#define R_ESTABLISHED 1
#define R_NEW 2
#define R_INVALID 3
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_ACK 0x10

static const char *const rules[] = {
	"-A INPUT -m conntrack --ctstate ESTABLISHED --ctdir REPLY -j ACCEPT",
	"-A INPUT -m conntrack --ctstate ESTABLISHED --ctstatus CONFIRMED -j ACCEPT",
	"-A INPUT -m state --state NEW -j ACCEPT",
	"-A INPUT -m state --state INVALID -j ACCEPT",
	"-P INPUT DROP",
};

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static bool v6; /* the flows and frames are IPv6's */

/* The TCP/UDP checksum at t (l4 bytes), with the pseudo-header; off by
 * `err` when asked for a wrong one. */
static void l4_csum(uint8_t *ip, uint8_t *t, size_t l4, int at, int err)
{
	uint32_t ph = (v6 ? ip[6] : ip[9]) + (uint32_t)l4;
	uint16_t c;

	for (int i = v6 ? 8 : 12; i < (v6 ? 40 : 20); i += 2)
		ph += (uint32_t)ip[i] << 8 | ip[i + 1];
	c = (uint16_t)(csum(t, l4, ph) + err);
	t[at] = (uint8_t)(c >> 8);
	t[at + 1] = (uint8_t)c;
}

/* An Ethernet frame from HOST to HOST (HOST6 to HOST6): UDP, TCP (seq,
 * ack, flags, no options) or ICMP echo. Returns its length. */
static int csum_err; /* frame() makes a wrong checksum when set */
static size_t payload; /* bytes after a UDP header */

static size_t frame(uint8_t *f, uint8_t proto, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t ack, uint8_t flags)
{
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8 + (proto == IPPROTO_UDP ? payload : 0);
	size_t len = 14 + (v6 ? 40 : 20) + l4;
	uint8_t *ip = f + 14, *t = ip + (v6 ? 40 : 20);
	uint32_t a = inet_addr(HOST);
	uint16_t c;

	memset(f, 0, len);
	if (v6) {
		f[12] = 0x86;
		f[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4 >> 8);
		ip[5] = (uint8_t)l4;
		ip[6] = proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : proto;
		ip[7] = 64;
		inet_pton(AF_INET6, HOST6, ip + 8);
		inet_pton(AF_INET6, HOST6, ip + 24);
		goto l4;
	}
	f[12] = 0x08; /* IPv4; both MACs zero (a unicast frame) */
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + l4) >> 8);
	ip[3] = (uint8_t)(20 + l4);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &a, 4);
	memcpy(ip + 16, &a, 4);
	c = csum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
l4:
	if (proto == IPPROTO_ICMP) {
		t[0] = v6 ? 128 : 8;
		return len;
	}
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	if (proto == IPPROTO_UDP) {
		t[4] = (uint8_t)(l4 >> 8);
		t[5] = (uint8_t)l4;
		for (size_t i = 8; i < l4; i++)
			t[i] = (uint8_t)(i * 7);
		l4_csum(ip, t, l4, 6, csum_err);
		return len;
	}
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff; /* window */
	l4_csum(ip, t, l4, 16, csum_err);
	return len;
}

static struct sockaddr_in6 sin_of(uint16_t port, socklen_t *len)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(port)};

	if (v6) {
		inet_pton(AF_INET6, HOST6, &s6.sin6_addr);
		*len = sizeof(s6);
		return s6;
	}
	s.sin_addr.s_addr = inet_addr(HOST);
	memcpy(&s6, &s, sizeof(s));
	*len = sizeof(s);
	return s6;
}

static int sock_at(int type, uint16_t port)
{
	socklen_t len;
	struct sockaddr_in6 s = sin_of(port, &len);
	int one = 1, fd = socket(v6 ? AF_INET6 : AF_INET, type, 0);

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&s, len), 0);
	return fd;
}

/* snd_nxt and rcv_nxt of a connected socket, read in repair mode. */
static void tcp_seqs(int fd, uint32_t *snd, uint32_t *rcv)
{
	int on = 1, q;
	socklen_t len = sizeof(*snd);

	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)), 0);
	q = TCP_SEND_QUEUE;
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)), 0);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, snd, &len), 0);
	q = TCP_RECV_QUEUE;
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)), 0);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, rcv, &len), 0);
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
	socklen_t to_len, srv_len;
	struct sockaddr_in6 to = sin_of(6000, &to_len), srv = sin_of(7000, &srv_len);
	uint8_t f[2200];
	uint32_t snd, rcv;
	int u, l, c, a, failed = 0;
	struct prog p;
	size_t len;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		assert_int_equal(front_cmd(rs, rules[i], &out), 0);
	assert_int_equal(prog_load(rs, "lo", &p), 0);

	/* A UDP flow 5000 -> 6000 (nobody listens: the datagram is still
	 * tracked, its conntrack confirmed). */
	u = sock_at(SOCK_DGRAM, 5000);
	assert_int_equal(sendto(u, "x", 1, 0, (struct sockaddr *)&to, to_len), 1);
	/* A TCP connection 7001 -> 7000, with data both ways. */
	l = sock_at(SOCK_STREAM, 7000);
	assert_int_equal(listen(l, 1), 0);
	c = sock_at(SOCK_STREAM, 7001);
	assert_int_equal(connect(c, (struct sockaddr *)&srv, srv_len), 0);
	a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(write(c, "hello", 5), 5);
	assert_int_equal(read(a, f, sizeof(f)), 5);
	assert_int_equal(write(a, "world", 5), 5);
	assert_int_equal(read(c, f, sizeof(f)), 5);
	usleep(100000); /* the last ACKs through the stack */
	tcp_seqs(c, &snd, &rcv);

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

	close(a);
	close(c);
	close(l);
	close(u);
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
	if (unshare(CLONE_NEWNET) || system("ip link set lo up && ip addr add " HOST "/32 dev lo && "
					    "ip addr add " HOST6 "/128 dev lo nodad")) {
		fprintf(stderr, "cannot make a network namespace with lo up\n");
		return 1;
	}
	if (bf_ct_register(false, true) || bf_ct_register(true, true)) {
		fprintf(stderr, "cannot turn conntrack on (nft)\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
