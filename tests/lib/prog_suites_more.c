/* Suites of the matches that read the packet themselves or carry state:
 * tcp --tcp-option, mac, esp, ah, statistic. Checked on the compiled
 * program by tests/prog/test_xdp_more.c and against iptables-legacy by
 * tests/prog/test_xdp_oracle.c, like prog_match_suites. */
#include "prog_suites.h"
#include "prog_pkt6.h"

#include <linux/bpf.h>
#include <string.h>

#define PASS XDP_PASS
#define DROP XDP_DROP
#define TCP 6
#define UDP 17
#define ESP 50
#define AH 51
#define POLICY PROG_POLICY
#define NONE PROG_UNCOUNTED

#define SUITE(n, p) {#n, n##_rules, p, n##_cases, sizeof(n##_cases) / sizeof(n##_cases[0])}

#define ETH_LEN 14
#define IP_LEN 20

/* A TCP frame (40000 -> dport, SYN) whose transport part is l4_len bytes:
 * the header's data offset field is doff, and `opts` (n bytes, zeros
 * elsewhere) start at TCP offset 20, within the datagram or, past it, in
 * `pad` bytes of Ethernet padding. */
static size_t tcp_opts(uint8_t *buf, uint64_t *bytes, uint16_t dport, int doff,
		       const char *opts, size_t n, int l4_len, size_t pad)
{
	struct prog_pkt p = {.dport = dport, .l4_len = l4_len, .pad = pad};
	size_t len = prog_pkt_build(&p, buf);
	uint8_t *tcp = buf + ETH_LEN + IP_LEN;

	memset(tcp + 20, 0, len - ETH_LEN - IP_LEN - 20);
	memcpy(tcp + 20, opts, n);
	tcp[12] = (uint8_t)(doff << 4);
	*bytes = prog_pkt_ip_len(&p);
	return len;
}

/* OPT(name, dport, doff, l4 length, padding, "option bytes") */
#define OPT(NAME, DPORT, DOFF, L4, PAD, BYTES) \
	static size_t NAME(uint8_t *buf, uint64_t *bytes) \
	{ \
		return tcp_opts(buf, bytes, DPORT, DOFF, BYTES, sizeof(BYTES) - 1, L4, PAD); \
	}

#define NOP8 "\x01\x01\x01\x01\x01\x01\x01\x01"

static const char *const tcp_option_rules[] = {
	"-p tcp --dport 80 --tcp-option 2 -j DROP",           /* 0: MSS */
	"-p tcp --dport 22 ! --tcp-option 8 -j DROP",         /* 1: no timestamp */
	"-p tcp --dport 23 --tcp-option 1 -j DROP",           /* 2: NOP */
	"-p tcp --dport 24 --tcp-option 255 -j DROP",         /* 3 */
	"-p tcp --sport 40000 --dport 25 --syn --tcp-option 3 -j DROP", /* 4 */
	"-p tcp --dport 80 -j ACCEPT",                        /* 5 */
	NULL,
};
OPT(o_mss, 80, 6, 24, 0, "\x02\x04\x05\xb4")
OPT(o_none, 80, 5, 20, 0, "")
OPT(o_nop_eol, 80, 6, 24, 0, "\x01\x01\x01\x00")
OPT(o_after_end, 80, 7, 28, 0, "\x00\x02\x04\x05\xb4\x00\x00\x00")
OPT(o_skipped, 80, 6, 24, 0, "\x03\x04\x02\x02")
OPT(o_len0, 80, 6, 24, 0, "\x05\x00\x02\x04")
OPT(o_len1, 80, 6, 24, 0, "\x05\x01\x02\x00")
OPT(o_len_far, 80, 6, 24, 0, "\x04\xff\x02\x04")
OPT(o_in_payload, 80, 6, 28, 0, "\x01\x01\x01\x01\x02\x04\x05\xb4")
OPT(o_last, 80, 15, 60, 0, NOP8 NOP8 NOP8 NOP8 "\x01\x01\x01\x01\x01\x01\x01\x02")
OPT(o_last_len, 80, 15, 60, 0, NOP8 NOP8 NOP8 NOP8 "\x01\x01\x01\x01\x01\x01\x03\x02")
OPT(o_doff4, 80, 4, 24, 0, "\x02\x04\x05\xb4")
OPT(o_doff0, 22, 0, 20, 0, "")
OPT(o_doff15_short, 80, 15, 56, 0, "\x02\x04\x05\xb4")
OPT(o_in_padding, 80, 6, 20, 18, "\x02\x04\x05\xb4")
OPT(o_doff4_other_port, 81, 4, 20, 0, "")
OPT(o_ts, 22, 8, 32, 0, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02")
OPT(o_no_ts, 22, 6, 24, 0, "\x01\x01\x01\x00")
OPT(o_no_opts_22, 22, 5, 20, 0, "")
OPT(o_ts_after_len, 22, 6, 24, 0, "\x01\x03\x08\x00")
OPT(o_kind_at_end, 22, 6, 24, 0, "\x01\x01\x01\x08")
OPT(o_kind_at_frame_end, 22, 6, 24, 0, "\x01\x01\x01\x03")
OPT(o_22_doff15_short, 22, 15, 40, 0, "")
OPT(o_no_nop, 23, 6, 24, 0, "\x00\x00\x00\x00")
OPT(o_nop_in_len, 23, 6, 24, 0, "\x02\x04\x01\x01")
OPT(o_255, 24, 6, 24, 0, "\x01\x01\x01\xff")
OPT(o_255_len, 24, 6, 24, 0, "\x04\x04\xff\xff")
OPT(o_wscale, 25, 6, 24, 0, "\x03\x03\x07\x01")

/* 39 END bytes, then a NOP: the walk's 40th turn finds it. */
static size_t o_nop_last(uint8_t *buf, uint64_t *bytes)
{
	size_t len = tcp_opts(buf, bytes, 23, 15, "", 0, 60, 0);

	buf[ETH_LEN + IP_LEN + 20 + 39] = 0x01;
	return len;
}

/* The flags byte set to ACK (for the --syn rule). */
static size_t o_wscale_ack(uint8_t *buf, uint64_t *bytes)
{
	size_t len = o_wscale(buf, bytes);

	buf[ETH_LEN + IP_LEN + 13] = 0x10;
	return len;
}

static const struct prog_case tcp_option_cases[] = {
	FRAME("mss", DROP, 0, o_mss),
	FRAME("no options", PASS, 5, o_none),
	FRAME("nops and end", PASS, 5, o_nop_eol),
	FRAME("mss after end", DROP, 0, o_after_end),
	FRAME("2 inside option 3", PASS, 5, o_skipped),
	FRAME("length 0 steps 1", DROP, 0, o_len0),
	FRAME("length 1 steps 1", DROP, 0, o_len1),
	FRAME("length 255 ends", PASS, 5, o_len_far),
	FRAME("mss in the payload", PASS, 5, o_in_payload),
	FRAME("mss at byte 40", DROP, 0, o_last),
	FRAME("mss as a length at byte 40", PASS, 5, o_last_len),
	FRAME("doff 4: hotdrop", DROP, NONE, o_doff4),
	FRAME("doff 4, other port", PASS, POLICY, o_doff4_other_port),
	FRAME("doff 0, inverted: hotdrop", DROP, NONE, o_doff0),
	FRAME("doff 15 past the datagram: hotdrop", DROP, NONE, o_doff15_short),
	FRAME("options in padding: hotdrop", DROP, NONE, o_in_padding),
	FRAME("timestamp", PASS, POLICY, o_ts),
	FRAME("no timestamp", DROP, 1, o_no_ts),
	FRAME("no options, inverted", DROP, 1, o_no_opts_22),
	FRAME("8 inside option 1's length", DROP, 1, o_ts_after_len),
	FRAME("8 as the last kind", PASS, POLICY, o_kind_at_end),
	FRAME("kind at frame end", DROP, 1, o_kind_at_frame_end),
	FRAME("doff 15, 40 bytes, inverted: hotdrop", DROP, NONE, o_22_doff15_short),
	FRAME("nop at byte 40 after ends", DROP, 2, o_nop_last),
	FRAME("ends only", PASS, POLICY, o_no_nop),
	FRAME("nops inside mss", PASS, POLICY, o_nop_in_len),
	FRAME("option 255", DROP, 3, o_255),
	FRAME("255 as a length", PASS, POLICY, o_255_len),
	FRAME("wscale syn", DROP, 4, o_wscale),
	FRAME("wscale ack", PASS, POLICY, o_wscale_ack),
	CASE("offset 1: hotdrop", DROP, NONE, .dport = 80, .frag = 1, .l4_len = 40),
	CASE("offset 2", PASS, POLICY, .dport = 80, .frag = 2),
	CASE("header cut: hotdrop", DROP, NONE, .dport = 80, .l4_len = 19),
	CASE("udp", PASS, POLICY, .proto = UDP, .dport = 80),
};

/* A frame with another Ethernet source (the builder's is 02:00:00:00:00:01). */
static size_t with_src_mac(uint8_t *buf, uint64_t *bytes, const struct prog_pkt *p,
			   const uint8_t mac[6])
{
	size_t len = prog_pkt_build(p, buf);

	memcpy(buf + 6, mac, 6);
	*bytes = prog_pkt_ip_len(p);
	return len;
}

#define SRC_MAC(NAME, PROTO, DPORT, ...) \
	static size_t NAME(uint8_t *buf, uint64_t *bytes) \
	{ \
		static const struct prog_pkt p = {.proto = PROTO, .dport = DPORT}; \
		static const uint8_t mac[6] = {__VA_ARGS__}; \
		return with_src_mac(buf, bytes, &p, mac); \
	}

static const char *const mac_rules[] = {
	"-p udp -m mac --mac-source 02:00:00:00:00:01 -j DROP",
	"-p tcp -m mac ! --mac-source 02:00:00:00:00:01 -j DROP",
	"-m mac --mac-source 0A:bc:DE:f0:01:23 -j DROP",
	"-p udp -m mac ! --mac-source 0a:bc:de:f0:01:23 -j ACCEPT",
	NULL,
};
SRC_MAC(m_tcp_other0, TCP, 80, 0x06, 0, 0, 0, 0, 0x01)
SRC_MAC(m_tcp_other3, TCP, 80, 0x02, 0, 0, 0x01, 0, 0x01)
SRC_MAC(m_tcp_other4, TCP, 80, 0x02, 0, 0, 0, 0x01, 0x01)
SRC_MAC(m_tcp_other5, TCP, 80, 0x02, 0, 0, 0, 0, 0x02)
SRC_MAC(m_udp_abc, UDP, 80, 0x0a, 0xbc, 0xde, 0xf0, 0x01, 0x23)
SRC_MAC(m_udp_abd, UDP, 80, 0x0a, 0xbc, 0xde, 0xf0, 0x01, 0x24)
SRC_MAC(m_udp_bbc, UDP, 80, 0x0b, 0xbc, 0xde, 0xf0, 0x01, 0x23)
SRC_MAC(m_udp_lo, UDP, 80, 0x0a, 0xbc, 0xde, 0xf0, 0x02, 0x23)
SRC_MAC(m_icmp_abc, 1, 0, 0x0a, 0xbc, 0xde, 0xf0, 0x01, 0x23)
SRC_MAC(m_icmp_other, 1, 0, 0x0a, 0xbc, 0xde, 0xf1, 0x01, 0x23)
static const struct prog_case mac_cases[] = {
	CASE("udp from ours", DROP, 0, .proto = UDP),
	CASE("tcp from ours", PASS, POLICY),
	FRAME("tcp, byte 0 differs", DROP, 1, m_tcp_other0),
	FRAME("tcp, byte 3 differs", DROP, 1, m_tcp_other3),
	FRAME("tcp, byte 4 differs", DROP, 1, m_tcp_other4),
	FRAME("tcp, byte 5 differs", DROP, 1, m_tcp_other5),
	FRAME("udp from 0a:bc:..:23", DROP, 2, m_udp_abc),
	FRAME("udp, last byte differs", PASS, 3, m_udp_abd),
	FRAME("udp, first byte differs", PASS, 3, m_udp_bbc),
	FRAME("udp, byte 4 differs", PASS, 3, m_udp_lo),
	FRAME("icmp from 0a:bc:..:23", DROP, 2, m_icmp_abc),
	FRAME("icmp, byte 3 differs", PASS, POLICY, m_icmp_other),
};

/* An ESP or AH datagram of l4_len transport bytes with `spi` where each
 * header keeps it (ESP: offset 0, AH: offset 4). */
static size_t ipsec(uint8_t *buf, uint64_t *bytes, uint8_t proto, uint32_t spi, int l4_len,
		    uint16_t frag)
{
	struct prog_pkt p = {.proto = proto, .l4_len = l4_len, .frag = frag};
	size_t len = prog_pkt_build(&p, buf), off = proto == ESP ? 0 : 4;
	uint8_t *l4 = buf + ETH_LEN + IP_LEN + off;

	/* The SPI's bytes in the datagram, and past it where cut. */
	for (int i = 0; i < 4; i++)
		l4[i] = (uint8_t)(spi >> (24 - 8 * i));
	*bytes = prog_pkt_ip_len(&p);
	return len;
}

#define IPSEC(NAME, PROTO, SPI, L4, FRAG) \
	static size_t NAME(uint8_t *buf, uint64_t *bytes) \
	{ \
		return ipsec(buf, bytes, PROTO, SPI, L4, FRAG); \
	}

static const char *const esp_rules[] = {
	"-p esp -m esp --espspi 256 -j DROP",
	"-p esp -m esp --espspi 1000:2000 -j DROP",
	"-p esp -m esp ! --espspi 0:4294967294 -j DROP",
	"-p esp -s 198.18.0.5 -m esp ! --espspi 3000:3010 -j DROP",
	"-p esp -s 198.18.0.6 -m esp --espspi 0:4294967295 -j DROP",
	"-p esp -s 198.18.0.7 -m esp --espspi 4:3 -j DROP",   /* never */
	"-p esp -s 198.18.0.7 -m esp ! --espspi 4:3 -j DROP", /* always */
	NULL,
};
IPSEC(e_256, ESP, 256, 16, 0)
IPSEC(e_257, ESP, 257, 16, 0)
IPSEC(e_1000, ESP, 1000, 16, 0)
IPSEC(e_2000, ESP, 2000, 16, 0)
IPSEC(e_2001, ESP, 2001, 16, 0)
IPSEC(e_max, ESP, 0xffffffff, 16, 0)
IPSEC(e_0x100_0000, ESP, 0x1000000, 16, 0)
IPSEC(e_8_bytes, ESP, 256, 8, 0)
IPSEC(e_7_bytes, ESP, 256, 7, 0)
IPSEC(e_4_bytes, ESP, 256, 4, 0)
IPSEC(e_frag1, ESP, 256, 16, 1)
IPSEC(e_frag1_cut, ESP, 256, 2, 1)
static size_t e_src5(uint8_t *buf, uint64_t *bytes, uint32_t spi, const char *src)
{
	struct prog_pkt p = {.proto = ESP, .l4_len = 16, .src = src};
	size_t len = prog_pkt_build(&p, buf);
	uint8_t *l4 = buf + ETH_LEN + IP_LEN;

	for (int i = 0; i < 4; i++)
		l4[i] = (uint8_t)(spi >> (24 - 8 * i));
	*bytes = prog_pkt_ip_len(&p);
	return len;
}
static size_t e_5_3005(uint8_t *buf, uint64_t *bytes) { return e_src5(buf, bytes, 3005, "198.18.0.5"); }
static size_t e_5_3011(uint8_t *buf, uint64_t *bytes) { return e_src5(buf, bytes, 3011, "198.18.0.5"); }
static size_t e_6_7(uint8_t *buf, uint64_t *bytes) { return e_src5(buf, bytes, 7, "198.18.0.6"); }
static size_t e_7_4(uint8_t *buf, uint64_t *bytes) { return e_src5(buf, bytes, 4, "198.18.0.7"); }
static const struct prog_case esp_cases[] = {
	FRAME("spi 256", DROP, 0, e_256),
	FRAME("spi 257", PASS, POLICY, e_257),
	FRAME("spi 1000", DROP, 1, e_1000),
	FRAME("spi 2000", DROP, 1, e_2000),
	FRAME("spi 2001", PASS, POLICY, e_2001),
	FRAME("spi max", DROP, 2, e_max),
	FRAME("spi 0x1000000", PASS, POLICY, e_0x100_0000),
	FRAME("8 bytes", DROP, 0, e_8_bytes),
	FRAME("7 bytes: hotdrop", DROP, NONE, e_7_bytes),
	FRAME("4 bytes: hotdrop", DROP, NONE, e_4_bytes),
	FRAME("offset 1", PASS, POLICY, e_frag1),
	FRAME("offset 1, cut", PASS, POLICY, e_frag1_cut),
	FRAME("from .5, spi 3005", PASS, POLICY, e_5_3005),
	FRAME("from .5, spi 3011", DROP, 3, e_5_3011),
	FRAME("from .6, any spi", DROP, 4, e_6_7),
	FRAME("from .7, reversed range", DROP, 6, e_7_4),
	CASE("udp", PASS, POLICY, .proto = UDP),
};

static const char *const ah_rules[] = {
	"-p ah -m ah --ahspi 256 -j DROP",
	"-p ah -m ah --ahspi 1000:2000 -j DROP",
	"-p ah -m ah ! --ahspi 0:4294967294 -j DROP",
	"-p ah -m ah ! --ahspi 500 -j ACCEPT",
	NULL,
};
IPSEC(a_256, AH, 256, 24, 0)
IPSEC(a_500, AH, 500, 24, 0)
IPSEC(a_1500, AH, 1500, 24, 0)
IPSEC(a_max, AH, 0xffffffff, 24, 0)
IPSEC(a_12_bytes, AH, 256, 12, 0)
IPSEC(a_11_bytes, AH, 256, 11, 0)
IPSEC(a_8_bytes, AH, 256, 8, 0)
IPSEC(a_frag1, AH, 256, 24, 1)
IPSEC(a_frag2_cut, AH, 256, 4, 2)
IPSEC(a_257, AH, 257, 24, 0)
static const struct prog_case ah_cases[] = {
	FRAME("spi 256", DROP, 0, a_256),
	FRAME("spi 257", PASS, 3, a_257),
	FRAME("spi 500", PASS, POLICY, a_500),
	FRAME("spi 1500", DROP, 1, a_1500),
	FRAME("spi max", DROP, 2, a_max),
	FRAME("12 bytes", DROP, 0, a_12_bytes),
	FRAME("11 bytes: hotdrop", DROP, NONE, a_11_bytes),
	FRAME("8 bytes: hotdrop", DROP, NONE, a_8_bytes),
	FRAME("offset 1", PASS, POLICY, a_frag1),
	FRAME("offset 2, cut", PASS, POLICY, a_frag2_cut),
};

/* statistic: nth counts per rule, in the order the packets reach it
 * (the cases run in order, on a fresh program / table); random at its
 * edges, 0 and 1 (test_xdp_more checks a probability in between). */
static const char *const statistic_rules[] = {
	"-p udp -s 198.18.0.9 -m statistic --mode nth --every 3000000000 --packet 1 -j DROP",
	"-p udp -m statistic --mode nth --every 3 --packet 1 -j DROP",
	"-p udp -m statistic --mode nth ! --every 2 --packet 0 -j ACCEPT",
	"-p tcp -m statistic --mode random --probability 0 -j DROP",
	"-p tcp --dport 22 -m statistic --mode random ! --probability 0 -j DROP",
	"-p tcp -m statistic --mode random --probability 1 -j ACCEPT",
	"-p icmp -m statistic --mode nth --every 4294967295 --packet 0 -j DROP",
	"-p icmp -m statistic --mode nth --every 1 --packet 0 -j ACCEPT",
	NULL,
};
#define U(what, ret, rule) CASE(what, ret, rule, .proto = UDP)
#define U9(what, ret, rule) CASE(what, ret, rule, .proto = UDP, .src = "198.18.0.9")
static const struct prog_case statistic_cases[] = {
	U("udp 0: nth 0, !nth2 0", PASS, POLICY),
	U("udp 1: nth 1", DROP, 1),
	CASE("tcp 80: probability 1", PASS, 5),
	U("udp 2: nth 2, !nth2 1", PASS, 2),
	CASE("tcp 22: ! probability 0", DROP, 4, .dport = 22),
	U("udp 3: nth 3, !nth2 2", PASS, POLICY),
	U("udp 4: nth 4", DROP, 1),
	CASE("icmp 0: every 2^32, packet 0", DROP, 6, .proto = 1),
	U("udp 5: nth 5, !nth2 3", PASS, 2),
	CASE("icmp 1: every 1", PASS, 7, .proto = 1),
	U("udp 6: nth 6, !nth2 4", PASS, POLICY),
	U("udp 7: nth 7", DROP, 1),
	U9("udp .9 0: nth 8, !nth2 5", PASS, 2),
	CASE("icmp 2: every 1", PASS, 7, .proto = 1),
	U9("udp .9 1: every 3e9, packet 1", DROP, 0),
	U9("udp .9 2: nth 9, !nth2 6", PASS, POLICY),
	CASE("tcp offset 2: random, no header needed", PASS, 5, .frag = 2),
};

const struct prog_suite prog_more_suites[] = {
	SUITE(tcp_option, BF_VERDICT_ACCEPT),
	SUITE(mac, BF_VERDICT_ACCEPT),
	SUITE(esp, BF_VERDICT_ACCEPT),
	SUITE(ah, BF_VERDICT_ACCEPT),
	SUITE(statistic, BF_VERDICT_ACCEPT),
};
const size_t prog_n_more_suites = sizeof(prog_more_suites) / sizeof(prog_more_suites[0]);

/* The same matches in ip6tables: the header found after extension
 * headers (L4OFF), a non-first fragment, a header cut short. The builder
 * writes sport and dport first in any transport header: an ESP SPI is
 * sport << 16 | dport. Its TCP header has no options (doff 5). */
#define HBH {.type = 0}
#define FRAG1 {.type = 44, .frag = 1}

static const char *const esp6_rules[] = {
	"-p esp -m esp --espspi 0x10001 -j DROP",
	"-p esp -m esp --espspi 0x20000:0x2ffff -j DROP",
	"-p esp -s 2001:db8::5 -m esp ! --espspi 0x10001 -j DROP",
	NULL,
};
static const struct prog_case6 esp6_cases[] = {
	CASE6("spi 0x10001", DROP, 0, .proto = ESP, .sport = 1, .dport = 1, .l4_len = 16),
	CASE6("spi 0x10002", PASS, POLICY, .proto = ESP, .sport = 1, .dport = 2, .l4_len = 16),
	CASE6("spi 0x20005", DROP, 1, .proto = ESP, .sport = 2, .dport = 5, .l4_len = 16),
	CASE6("after hop-by-hop", DROP, 0, .proto = ESP, .sport = 1, .dport = 1, .l4_len = 16,
	      .n_ext = 1, .ext = {HBH}),
	CASE6("8 bytes", DROP, 0, .proto = ESP, .sport = 1, .dport = 1, .l4_len = 8),
	CASE6("7 bytes: hotdrop", DROP, NONE, .proto = ESP, .sport = 1, .dport = 1, .l4_len = 7),
	CASE6("offset 1", PASS, POLICY, .proto = ESP, .sport = 1, .dport = 1, .l4_len = 16,
	      .n_ext = 1, .ext = {FRAG1}),
	CASE6("from ::5, spi 0x10001", DROP, 0, .proto = ESP, .sport = 1, .dport = 1,
	      .l4_len = 16, .src = "2001:db8::5"),
	CASE6("from ::5, spi 0x30001", DROP, 2, .proto = ESP, .sport = 3, .dport = 1,
	      .l4_len = 16, .src = "2001:db8::5"),
};

static const char *const more6_rules[] = {
	"-p tcp --dport 22 --tcp-option 2 -j DROP",
	"-p tcp --dport 22 ! --tcp-option 2 -j ACCEPT",
	"-p udp -m statistic --mode nth --every 2 --packet 1 -j DROP",
	"-p udp -m mac ! --mac-source 02:00:00:00:00:01 -j DROP",
	"-p icmpv6 -m mac --mac-source 02:00:00:00:00:01 -j DROP",
	NULL,
};
static const struct prog_case6 more6_cases[] = {
	CASE6("tcp no options", PASS, 1, .dport = 22),
	CASE6("tcp after hop-by-hop", PASS, 1, .dport = 22, .n_ext = 1, .ext = {HBH}),
	CASE6("tcp cut: hotdrop", DROP, NONE, .dport = 22, .l4_len = 12),
	CASE6("tcp offset 1 (8 bytes): no hotdrop", PASS, POLICY, .dport = 22, .n_ext = 1,
	      .ext = {FRAG1}),
	CASE6("udp 0", PASS, POLICY, .proto = UDP),
	CASE6("udp 1", DROP, 2, .proto = UDP),
	CASE6("tcp other port", PASS, POLICY, .dport = 23),
	CASE6("udp 2", PASS, POLICY, .proto = UDP),
	CASE6("udp 3", DROP, 2, .proto = UDP, .n_ext = 1, .ext = {HBH}),
	CASE6("icmpv6 from our mac", DROP, 4, .proto = 58, .icmp_type = 128),
};

#define SUITE6(n, p) {#n, BF_FAMILY_IPV6, n##_rules, NULL, p, n##_cases, \
		      sizeof(n##_cases) / sizeof(n##_cases[0])}
const struct prog_suite6 prog_more_suites6[] = {
	SUITE6(esp6, BF_VERDICT_ACCEPT),
	SUITE6(more6, BF_VERDICT_ACCEPT),
};
const size_t prog_n_more_suites6 = sizeof(prog_more_suites6) / sizeof(prog_more_suites6[0]);
