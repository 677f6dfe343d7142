/* REJECT at XDP: the frame that comes out of the program (XDP_TX) is
 * checked field by field against what nf_send_reset / nf_send_reset6
 * (src/ext/reject_tcp.c), icmp_send (src/ext/reject_icmp.c) and
 * icmp6_send (src/ext/reject_icmp6.c) build, checksums recomputed here;
 * where the kernel sends nothing, the packet is only dropped. The same
 * answers with real sockets, against iptables-legacy and ip6tables-legacy:
 * e2e/test_reject_tcp.sh, e2e/test_reject_icmp.sh, test_reject_icmp6.sh.
 * Runs in a network namespace of its own, whose settings and routes the
 * programs are compiled with (see main). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/front_util.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "ir/ruleset.h"

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An Ethernet frame: IPv4 (or IPv6) to port 7777 with TCP `flags`, seq
 * 1000, ack_seq 2000, `payload` bytes, TCP options of 12 bytes. */
static size_t frame(uint8_t *f, bool v6, uint8_t flags, size_t payload)
{
	size_t l3 = 14, hl = v6 ? 40 : 20, l4 = l3 + hl, tl = 32, len;
	uint8_t *ip = f + l3, *tcp = f + l4;

	memset(f, 0, 256);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	len = hl + tl + payload;
	if (v6) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)((tl + payload) >> 8);
		ip[5] = (uint8_t)(tl + payload);
		ip[6] = 6;
		ip[7] = 64;
		inet_pton(AF_INET6, "2001:db8::1", ip + 8);
		inet_pton(AF_INET6, "2001:db8::2", ip + 24);
	} else {
		ip[0] = 0x45;
		ip[2] = (uint8_t)(len >> 8);
		ip[3] = (uint8_t)len;
		ip[8] = 64;
		ip[9] = 6;
		inet_pton(AF_INET, "198.18.0.1", ip + 12);
		inet_pton(AF_INET, "198.18.0.2", ip + 16);
		uint16_t c = (uint16_t)~fold(sum16(ip, 20, 0));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	tcp[0] = 0x9c; tcp[1] = 0x40; /* 40000 */
	tcp[2] = 0x1e; tcp[3] = 0x61; /* 7777 */
	tcp[4] = 0; tcp[5] = 0; tcp[6] = 0x03; tcp[7] = 0xe8; /* 1000 */
	tcp[8] = 0; tcp[9] = 0; tcp[10] = 0x07; tcp[11] = 0xd0; /* 2000 */
	tcp[12] = (uint8_t)((tl / 4) << 4);
	tcp[13] = flags;
	tcp[14] = 0xff;
	return l4 + tl + payload;
}

static struct bf_ruleset *ruleset(bool v6)
{
	struct bf_ruleset *rs = bf_ruleset_new(v6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
	struct bf_strbuf out = {0};

	assert_non_null(rs);
	assert_int_equal(front_cmd(rs, "-A INPUT -p tcp --dport 7777 -j REJECT "
				   "--reject-with tcp-reset", &out), 0);
	bf_strbuf_free(&out);
	return rs;
}

static int run(const struct prog *p, const uint8_t *in, size_t len, uint8_t *out,
	       uint32_t *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = 256);

	assert_int_equal(bpf_prog_test_run_opts(p->prog_fd, &o), 0);
	*out_len = o.data_size_out;
	return (int)o.retval;
}

/* The reset to a packet with `flags` and `payload` bytes. */
static void check_reset(bool v6, uint8_t flags, size_t payload, uint32_t seq, uint32_t ack,
			uint8_t rflags)
{
	struct bf_ruleset *rs = ruleset(v6);
	uint8_t in[256], out[256];
	size_t len = frame(in, v6, flags, payload), hl = v6 ? 40 : 20;
	const uint8_t *ip = out + 14, *tcp = out + 14 + hl;
	uint32_t out_len, s;
	struct prog p;

	assert_int_equal(prog_load(rs, "eth0", &p), 0);
	assert_int_equal(run(&p, in, len, out, &out_len), XDP_TX);
	assert_int_equal(out_len, 14 + hl + 20);
	/* Ethernet addresses swapped. */
	assert_memory_equal(out, in + 6, 6);
	assert_memory_equal(out + 6, in, 6);
	if (v6) {
		assert_int_equal(be32(ip), 0x60000000);
		assert_int_equal(ip[4] << 8 | ip[5], 20);
		assert_int_equal(ip[6], 6);
		assert_memory_equal(ip + 8, in + 14 + 24, 16);
		assert_memory_equal(ip + 24, in + 14 + 8, 16);
		s = sum16(ip + 8, 32, 6 + 20);
	} else {
		assert_memory_equal(ip, "\x45\x00\x00\x28\x00\x00\x40\x00", 8);
		assert_int_equal(ip[9], 6);
		assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
		assert_memory_equal(ip + 12, in + 14 + 16, 4);
		assert_memory_equal(ip + 16, in + 14 + 12, 4);
		s = sum16(ip + 12, 8, 6 + 20);
	}
	assert_int_equal(fold(sum16(tcp, 20, s)), 0xffff);
	assert_memory_equal(tcp, "\x1e\x61\x9c\x40", 4);
	assert_int_equal(be32(tcp + 4), seq);
	assert_int_equal(be32(tcp + 8), ack);
	assert_int_equal(tcp[12], 0x50);
	assert_int_equal(tcp[13], rflags);
	assert_int_equal(tcp[14] << 8 | tcp[15], 0); /* window */
	assert_int_equal(tcp[18] << 8 | tcp[19], 0); /* urgent pointer */
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

static void resets(void **state)
{
	for (int v6 = 0; v6 < 2; v6++) {
		/* SYN: ack = seq + 1. */
		check_reset(v6, 0x02, 0, 0, 1001, 0x14);
		/* SYN+FIN with 5 bytes: + 1 + 1 + 5. */
		check_reset(v6, 0x03, 5, 0, 1007, 0x14);
		/* ACK with data: seq = its ack_seq, RST alone. */
		check_reset(v6, 0x18, 10, 2000, 0, 0x04);
	}
}

/* To a reset, none: the packet is dropped, counted. */
static void no_reset(void **state)
{
	for (int v6 = 0; v6 < 2; v6++) {
		struct bf_ruleset *rs = ruleset(v6);
		uint8_t in[256], out[256];
		uint32_t out_len;
		struct prog p;
		size_t len;

		assert_int_equal(prog_load(rs, "eth0", &p), 0);
		len = frame(in, v6, 0x04, 0);
		assert_int_equal(run(&p, in, len, out, &out_len), XDP_DROP);
		len = frame(in, v6, 0x14, 0);
		assert_int_equal(run(&p, in, len, out, &out_len), XDP_DROP);
		assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, 2);
		prog_close(&p);
		bf_ruleset_free(rs);
	}
}

/* IPv4 with UDP to port 7777 and `payload` bytes (or ICMP of `icmp_type`
 * when >= 0), TOS 0x2c. */
static size_t frame_udp(uint8_t *f, size_t payload, int icmp_type)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;
	size_t len = 20 + 8 + payload;

	memset(f, 0, 14 + len);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	ip[0] = 0x45;
	ip[1] = 0x2c;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[4] = 0x12;
	ip[8] = 64;
	ip[9] = icmp_type >= 0 ? 1 : 17;
	inet_pton(AF_INET, "198.18.0.1", ip + 12);
	inet_pton(AF_INET, "198.18.0.2", ip + 16);
	uint16_t c = (uint16_t)~fold(sum16(ip, 20, 0));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	if (icmp_type >= 0) {
		l4[0] = (uint8_t)icmp_type;
	} else {
		l4[0] = 0x9c; l4[1] = 0x40; l4[2] = 0x1e; l4[3] = 0x61;
		l4[4] = (uint8_t)((8 + payload) >> 8);
		l4[5] = (uint8_t)(8 + payload);
	}
	for (size_t i = 0; i < payload; i++)
		l4[8 + i] = (uint8_t)i;
	return 14 + len;
}

static struct bf_ruleset *ruleset_udp(const char *with)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	struct bf_strbuf out = {0};
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "-A INPUT -p udp --dport 7777 -j REJECT%s", with);
	assert_int_equal(front_cmd(rs, cmd, &out), 0);
	assert_int_equal(front_cmd(rs, "-A INPUT -p icmp -j REJECT", &out), 0);
	bf_strbuf_free(&out);
	return rs;
}

/* The error to a datagram of `payload` bytes: its fields, checksums and
 * the quote (the datagram, up to 548 bytes). */
static void check_error(const struct prog *p, size_t payload, uint8_t code)
{
	uint8_t in[1600], out[1600];
	size_t len = frame_udp(in, payload, -1), q = len - 14 > 548 ? 548 : len - 14;
	const uint8_t *ip = out + 14, *icmp = ip + 20;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out));

	assert_int_equal(bpf_prog_test_run_opts(p->prog_fd, &o), 0);
	assert_int_equal(o.retval, XDP_TX);
	assert_int_equal(o.data_size_out, 14 + 28 + q);
	assert_memory_equal(out, in + 6, 6);
	assert_memory_equal(out + 6, in, 6);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0xc0 | (0x2c & 0x1e));
	assert_int_equal(ip[2] << 8 | ip[3], 28 + q);
	assert_int_equal(ip[6] << 8 | ip[7], 0); /* no DF, no offset */
	assert_int_equal(ip[9], 1);
	assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
	assert_memory_equal(ip + 12, in + 14 + 16, 4);
	assert_memory_equal(ip + 16, in + 14 + 12, 4);
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], code);
	assert_int_equal(be32(icmp + 4), 0);
	assert_int_equal(fold(sum16(icmp, 8 + q, 0)), 0xffff);
	assert_memory_equal(icmp + 8, in + 14, q);
}

static void errors(void **state)
{
	struct bf_ruleset *rs = ruleset_udp(" --reject-with icmp-host-prohibited");
	uint8_t in[256], out[256];
	uint32_t out_len;
	struct prog p;

	assert_int_equal(prog_load(rs, "eth0", &p), 0);
	check_error(&p, 0, 10);
	check_error(&p, 33, 10);
	check_error(&p, 1000, 10); /* quoted: 548 bytes */
	/* To an ICMP error, none; to an echo request, one (-j REJECT: port). */
	assert_int_equal(run(&p, in, frame_udp(in, 8, 3), out, &out_len), XDP_DROP);
	assert_int_equal(run(&p, in, frame_udp(in, 8, 8), out, &out_len), XDP_TX);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* The per-peer budget: 6 errors at once, then none (dropped all the same)
 * until a second has passed; a new program starts over. */
static void budget(void **state)
{
	struct bf_ruleset *rs = ruleset_udp("");
	uint8_t in[256], out[256];
	uint32_t out_len;
	size_t len = frame_udp(in, 4, -1);
	struct prog p;

	assert_int_equal(prog_load(rs, "eth0", &p), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(run(&p, in, len, out, &out_len), XDP_TX);
	assert_int_equal(run(&p, in, len, out, &out_len), XDP_DROP);
	assert_int_equal(run(&p, in, len, out, &out_len), XDP_DROP);
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, 8);
	usleep(1100000);
	assert_int_equal(run(&p, in, len, out, &out_len), XDP_TX);
	assert_int_equal(run(&p, in, len, out, &out_len), XDP_DROP);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* IPv6 from `src` to 2001:db8::2: UDP to port 7777 with `payload` bytes,
 * or ICMPv6 of `icmp_type` when >= 0; traffic class 0x2c. */
static size_t frame_udp6(uint8_t *f, const char *src, size_t payload, int icmp_type)
{
	uint8_t *ip = f + 14, *l4 = ip + 40;
	size_t plen = 8 + payload;

	memset(f, 0, 14 + 40 + plen);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd", 14);
	ip[0] = 0x62;
	ip[1] = 0xc0;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = icmp_type >= 0 ? 58 : 17;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, "2001:db8::2", ip + 24);
	if (icmp_type >= 0) {
		l4[0] = (uint8_t)icmp_type;
	} else {
		l4[0] = 0x9c; l4[1] = 0x40; l4[2] = 0x1e; l4[3] = 0x61;
		l4[4] = (uint8_t)(plen >> 8);
		l4[5] = (uint8_t)plen;
	}
	for (size_t i = 0; i < payload; i++)
		l4[8 + i] = (uint8_t)(i * 7);
	return 14 + 40 + plen;
}

static struct bf_ruleset *ruleset6(const char *rule)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV6);
	struct bf_strbuf out = {0};

	assert_non_null(rs);
	assert_int_equal(front_cmd(rs, rule, &out), 0);
	bf_strbuf_free(&out);
	return rs;
}

static int run6(const struct prog *p, const uint8_t *in, size_t len)
{
	uint8_t out[1600];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out));

	assert_int_equal(bpf_prog_test_run_opts(p->prog_fd, &o), 0);
	return (int)o.retval;
}

/* The ICMPv6 error to the frame `in`: its fields, the checksum with the
 * pseudo-header and the quote (the datagram, up to 1232 bytes). */
static void check_error6(const struct prog *p, const uint8_t *in, size_t len, uint8_t code)
{
	uint8_t out[1600];
	size_t q = len - 14 > 1232 ? 1232 : len - 14;
	const uint8_t *ip = out + 14, *icmp = ip + 40;
	uint32_t s;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out));

	assert_int_equal(bpf_prog_test_run_opts(p->prog_fd, &o), 0);
	assert_int_equal(o.retval, XDP_TX);
	assert_int_equal(o.data_size_out, 14 + 48 + q);
	assert_memory_equal(out, in + 6, 6);
	assert_memory_equal(out + 6, in, 6);
	assert_memory_equal(out + 12, "\x86\xdd", 2);
	assert_int_equal(be32(ip), 0x60000000); /* class and flow label 0 */
	assert_int_equal(ip[4] << 8 | ip[5], 8 + q);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 33); /* the interface's hop_limit (main) */
	assert_memory_equal(ip + 8, in + 14 + 24, 16);
	assert_memory_equal(ip + 24, in + 14 + 8, 16);
	assert_int_equal(icmp[0], 1);
	assert_int_equal(icmp[1], code);
	assert_int_equal(be32(icmp + 4), 0);
	s = sum16(ip + 8, 32, (uint32_t)(8 + q) + 58);
	assert_int_equal(fold(sum16(icmp, 8 + q, s)), 0xffff);
	assert_memory_equal(icmp + 8, in + 14, q);
}

/* Every type ip6tables offers, and the default: the error and its code
 * (ip6t_REJECT), quoting small, odd and larger-than-1280 datagrams. */
static void errors6(void **state)
{
	static const struct {
		const char *with;
		uint8_t code;
	} types[] = {
		{"", 4}, {" --reject-with icmp6-no-route", 0}, {" --reject-with no-route", 0},
		{" --reject-with icmp6-adm-prohibited", 1}, {" --reject-with icmp6-addr-unreachable", 3},
		{" --reject-with icmp6-port-unreachable", 4}, {" --reject-with icmp6-policy-fail", 5},
		{" --reject-with icmp6-reject-route", 6},
	};
	uint8_t in[1600];

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char rule[128];
		struct bf_ruleset *rs;
		struct prog p;

		snprintf(rule, sizeof(rule), "-A INPUT -p udp --dport 7777 -j REJECT%s", types[i].with);
		rs = ruleset6(rule);
		assert_int_equal(prog_load(rs, "bfr0", &p), 0);
		check_error6(&p, in, frame_udp6(in, "2001:db8::1", 0, -1), types[i].code);
		check_error6(&p, in, frame_udp6(in, "2001:db8::1", 33, -1), types[i].code);
		/* 1362 bytes: the quote stops at 1280 in all. */
		check_error6(&p, in, frame_udp6(in, "2001:db8::1", 1300, -1), types[i].code);
		assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, 3);
		prog_close(&p);
		bf_ruleset_free(rs);
	}
}

/* `nh` as the first next header, then an 8-byte extension header (a
 * fragment header when nh is 44, with `fragoff` and M set) before UDP. */
static size_t frame_ext6(uint8_t *f, uint8_t nh, uint16_t fragoff)
{
	size_t len = frame_udp6(f, "2001:db8::1", 16, -1);
	uint8_t *ip = f + 14;

	memmove(ip + 48, ip + 40, len - 54);
	memset(ip + 40, 0, 8);
	ip[40] = 17;
	if (nh == 44) {
		ip[42] = (uint8_t)(fragoff >> 5);
		ip[43] = (uint8_t)(fragoff << 3 | 1);
	}
	ip[6] = nh;
	ip[5] = (uint8_t)(ip[5] + 8);
	return len + 8;
}

/* Where icmp6_send and reject6_csum_ok send none: dropped, counted, no
 * answer. -j REJECT without -p: every packet reaches the target. */
static void no_error6(void **state)
{
	struct bf_ruleset *rs = ruleset6("-A INPUT -j REJECT");
	uint8_t in[256];
	struct prog p;
	size_t len;
	int n = 0;

	assert_int_equal(prog_load(rs, "bfr0", &p), 0);
	/* ICMPv6 errors: destination unreachable, packet too big; an echo
	 * request (informational) gets one, even cut to its type byte. */
	assert_int_equal(run6(&p, in, frame_udp6(in, "2001:db8::1", 8, 1)), XDP_DROP), n++;
	assert_int_equal(run6(&p, in, frame_udp6(in, "2001:db8::1", 8, 2)), XDP_DROP), n++;
	assert_int_equal(run6(&p, in, frame_udp6(in, "2001:db8::1", 8, 128)), XDP_TX), n++;
	len = frame_udp6(in, "2001:db8::1", 0, 128);
	in[14 + 5] = 1;
	assert_int_equal(run6(&p, in, len - 7), XDP_TX), n++;
	/* No byte past the headers: a next header with no payload at all. */
	len = frame_udp6(in, "2001:db8::1", 0, -1);
	in[14 + 5] = 0;
	assert_int_equal(run6(&p, in, len - 8), XDP_DROP), n++;
	/* No next header (59), after destination options. */
	len = frame_ext6(in, 60, 0);
	in[14 + 40] = 59;
	assert_int_equal(run6(&p, in, len), XDP_DROP), n++;
	/* Fragments: the first gets one, a later one none. */
	assert_int_equal(run6(&p, in, frame_ext6(in, 44, 0)), XDP_TX), n++;
	assert_int_equal(run6(&p, in, frame_ext6(in, 44, 2)), XDP_DROP), n++;
	/* A multicast destination; a frame to a multicast MAC address. */
	len = frame_udp6(in, "2001:db8::1", 8, -1);
	inet_pton(AF_INET6, "ff0e::1", in + 14 + 24);
	assert_int_equal(run6(&p, in, len), XDP_DROP), n++;
	len = frame_udp6(in, "2001:db8::1", 8, -1);
	memcpy(in, "\x33\x33\x00\x00\x00\x02", 6);
	assert_int_equal(run6(&p, in, len), XDP_DROP), n++;
	/* The unspecified and a v4-mapped source. */
	assert_int_equal(run6(&p, in, frame_udp6(in, "::", 8, -1)), XDP_DROP), n++;
	assert_int_equal(run6(&p, in, frame_udp6(in, "::ffff:198.18.0.1", 8, -1)), XDP_DROP), n++;
	/* And a plain datagram after all that: one. */
	assert_int_equal(run6(&p, in, frame_udp6(in, "2001:db8::1", 8, -1)), XDP_TX), n++;
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, n);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* icmpv6_xrlim_allow's per-peer budget: 6 errors at once, then one per
 * net.ipv6.icmp.ratelimit (1 s here), whatever the route to the peer (a
 * connected /64, or none); each peer its own. */
static void budget6(void **state)
{
	struct bf_ruleset *rs = ruleset6("-A INPUT -p udp -j REJECT");
	uint8_t near[256], far[256];
	size_t len = frame_udp6(near, "2001:db8::1", 4, -1);
	struct prog p;

	frame_udp6(far, "2001:db8:1::1", 4, -1);
	assert_int_equal(prog_load(rs, "bfr0", &p), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(run6(&p, near, len), XDP_TX);
	assert_int_equal(run6(&p, near, len), XDP_DROP);
	for (int i = 0; i < 6; i++)
		assert_int_equal(run6(&p, far, len), XDP_TX);
	assert_int_equal(run6(&p, far, len), XDP_DROP);
	usleep(400000);
	assert_int_equal(run6(&p, near, len), XDP_DROP);
	assert_int_equal(run6(&p, far, len), XDP_DROP);
	usleep(700000);
	assert_int_equal(run6(&p, near, len), XDP_TX);
	assert_int_equal(run6(&p, near, len), XDP_DROP);
	assert_int_equal(run6(&p, far, len), XDP_TX);
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, 19);
	prog_close(&p);

	/* Type 1 out of net.ipv6.icmp.ratemask, when compiled: no limit. */
	assert_int_equal(system("sysctl -qw net.ipv6.icmp.ratemask=0,3-127"), 0);
	assert_int_equal(prog_load(rs, "bfr0", &p), 0);
	assert_int_equal(system("sysctl -qw net.ipv6.icmp.ratemask=0-1,3-127"), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(run6(&p, near, len), XDP_TX);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* Many REJECT rules of different types (one classifier stage action per
 * kind with BPFILTER_CLASSIFY=always, test_classified.sh): each source
 * gets its own rule's code. */
static void many6(void **state)
{
	static const char *const with[] = {"icmp6-no-route", "icmp6-adm-prohibited",
					   "icmp6-addr-unreachable", "icmp6-port-unreachable",
					   "icmp6-policy-fail", "icmp6-reject-route"};
	static const uint8_t codes[] = {0, 1, 3, 4, 5, 6};
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV6);
	struct bf_strbuf out = {0};
	uint8_t in[256];
	struct prog p;

	assert_non_null(rs);
	for (int k = 0; k < 60; k++) {
		char rule[160];

		snprintf(rule, sizeof(rule), "-A INPUT -s 2001:db8:0:%x::/64 -j REJECT --reject-with %s",
			 k + 1, with[k % 6]);
		assert_int_equal(front_cmd(rs, rule, &out), 0);
	}
	bf_strbuf_free(&out);
	assert_int_equal(prog_load(rs, "bfr0", &p), 0);
	for (int k = 0; k < 60; k += 7) {
		char src[64];

		snprintf(src, sizeof(src), "2001:db8:0:%x::5", k + 1);
		check_error6(&p, in, frame_udp6(in, src, 10, -1), codes[k % 6]);
		assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, (size_t)k)).packets, 1);
	}
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* A namespace of its own: ICMPv6 rate limit 1 s, hop limit 33 on bfr0,
 * 2001:db8::2/64 on it (the route 2001:db8::/64). */
static void netns_setup(void)
{
	if (unshare(CLONE_NEWNET) ||
	    system("ip link add bfr0 type veth peer name bfr1 && ip link set bfr1 up && "
		   "ip link set bfr0 up && ip -6 addr add 2001:db8::2/64 dev bfr0 nodad && "
		   "sysctl -qw net.ipv6.icmp.ratelimit=1000 net.ipv6.conf.bfr0.hop_limit=33")) {
		fprintf(stderr, "cannot set up the test's network namespace\n");
		exit(1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resets),
		cmocka_unit_test(no_reset),
		cmocka_unit_test(errors),
		cmocka_unit_test(budget),
		cmocka_unit_test(errors6),
		cmocka_unit_test(no_error6),
		cmocka_unit_test(budget6),
		cmocka_unit_test(many6),
	};

	prog_need_root();
	netns_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
