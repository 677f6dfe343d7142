/* REJECT --reject-with tcp-reset (src/ext/reject_tcp.c): the frame that
 * comes out of the program (XDP_TX) is checked field by field against
 * what nf_send_reset / nf_send_reset6 build, checksums recomputed here;
 * the cases where the kernel sends nothing only drop. The same answer
 * with real sockets, against iptables-legacy: e2e/test_reject_tcp.sh. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resets),
		cmocka_unit_test(no_reset),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
