/* REJECT at XDP: the frame that comes out of the program (XDP_TX) is
 * checked field by field against what nf_send_reset / nf_send_reset6
 * (src/ext/reject_tcp.c) and icmp_send (src/ext/reject_icmp.c) build,
 * checksums recomputed here; where the kernel sends nothing, the packet
 * is only dropped. The same answers with real sockets, against
 * iptables-legacy: e2e/test_reject_tcp.sh, e2e/test_reject_icmp.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <stdio.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resets),
		cmocka_unit_test(no_reset),
		cmocka_unit_test(errors),
		cmocka_unit_test(budget),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
