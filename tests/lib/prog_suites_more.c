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

/* sctp (xt_sctp): ports, then the chunk walk. SC(name, sport, dport,
 * transport length (0: 12 + the chunk bytes), padding, fragment offset,
 * IP option words, "chunk bytes") builds a frame whose chunks (zeros
 * elsewhere) start after the 12-byte common header, within the datagram
 * or, past it, in the Ethernet padding. */
#define SCTP 132

static size_t sctp_frame(uint8_t *buf, uint64_t *bytes, uint16_t sport, uint16_t dport,
			 const uint8_t *chunks, size_t n, int l4_len, size_t pad,
			 uint16_t frag, uint8_t opt_words)
{
	struct prog_pkt p = {.proto = SCTP, .sport = sport, .dport = dport, .pad = pad,
			     .frag = frag, .opt_words = opt_words,
			     .l4_len = l4_len ? l4_len : (int)(12 + n)};
	size_t len = prog_pkt_build(&p, buf);
	uint8_t *sctp = buf + ETH_LEN + (buf[ETH_LEN] & 0x0f) * 4;
	size_t room = len - (size_t)(sctp - buf);

	if (room > 4)
		memset(sctp + 4, 0, room - 4);
	if (room > 12)
		memcpy(sctp + 12, chunks, n < room - 12 ? n : room - 12);
	*bytes = prog_pkt_ip_len(&p);
	return len;
}

#define SC(NAME, SPORT, DPORT, L4, PAD, FRAG, OPTW, BYTES) \
	static size_t NAME(uint8_t *buf, uint64_t *bytes) \
	{ \
		return sctp_frame(buf, bytes, SPORT, DPORT, (const uint8_t *)(BYTES), \
				  sizeof(BYTES) - 1, L4, PAD, FRAG, OPTW); \
	}
/* Chunks: type, flags, length (big endian). */
#define C_DATA(FL) "\x00" FL "\x00\x04"
#define C_INIT "\x01\x00\x00\x04"
#define C_SACK "\x03\x00\x00\x04"
#define C_ABORT(FL) "\x06" FL "\x00\x04"
#define C_LEN0 "\x00\x00\x00\x00"

/* n chunks of `type` (len 4), then `last` (4 bytes, or none). */
static size_t sctp_many(uint8_t *buf, uint64_t *bytes, uint16_t dport, size_t n,
			int type, const char *last)
{
	uint8_t chunks[PROG_PKT_MAX];
	size_t k = 0;

	for (size_t i = 0; i < n; i++, k += 4) {
		chunks[k] = (uint8_t)(type < 0 ? i : (size_t)type);
		chunks[k + 1] = 0;
		chunks[k + 2] = 0;
		chunks[k + 3] = 4;
	}
	if (last) {
		memcpy(chunks + k, last, 4);
		k += 4;
	}
	return sctp_frame(buf, bytes, 40000, dport, chunks, k, 0, 0, 0, 0);
}

static const char *const sctp_rules[] = {
	"-p sctp --dport 1 -j DROP",                                     /* 0 */
	"-p sctp --sport 100:200 --dport 2 -j DROP",                     /* 1 */
	"-p sctp ! --sport 100:200 --dport 2 -j ACCEPT",                 /* 2 */
	"-p sctp --dport 3 --chunk-types any INIT,ABORT:T -j DROP",      /* 3 */
	"-p sctp --dport 4 --chunk-types all DATA,SACK -j DROP",         /* 4 */
	"-p sctp --dport 5 --chunk-types only DATA:Be,SACK -j DROP",     /* 5 */
	"-p sctp --dport 6 ! --chunk-types any ABORT -j DROP",           /* 6 */
	"-p sctp --dport 7 --chunk-types all NONE -j DROP",              /* 7 */
	"-p sctp --dport 8 --chunk-types any ALL -j DROP",               /* 8 */
	"-p sctp --dport 9 --chunk-types any NONE -j DROP",              /* 9 */
	"-p sctp --dport 10 --chunk-types all I_DATA:B,ASCONF,I_FORWARD_TSN -j DROP", /* 10 */
	"-p sctp --dport 11 --chunk-types any DATA:iUbE,SHUTDOWN_COMPLETE:t -j DROP", /* 11 */
	"-p sctp --dport 12 ! --chunk-types only INIT -j DROP",          /* 12 */
	"-p sctp --dport 14 --chunk-types all ALL -j DROP",              /* 13 */
	"-p sctp ! --dport 1:99 -m sctp --sport 7 -j DROP",              /* 14 */
	"-p sctp -j ACCEPT",                                             /* 15 */
	NULL,
};
SC(s_hdr, 40000, 1, 12, 0, 0, 0, "")
SC(s_hdr11, 40000, 1, 11, 0, 0, 0, "")
SC(s_hdr4, 40000, 1, 4, 0, 0, 0, "")
SC(s_hdr_pad, 40000, 1, 8, 18, 0, 0, "")
SC(s_frag1, 40000, 1, 4, 0, 1, 0, "")
SC(s_frag1_chunks, 40000, 6, 0, 0, 1, 0, C_INIT)
SC(s_opts, 40000, 1, 12, 0, 0, 2, "")
SC(s_sp150, 150, 2, 0, 0, 0, 0, C_INIT)
SC(s_sp100, 100, 2, 0, 0, 0, 0, C_INIT)
SC(s_sp200, 200, 2, 0, 0, 0, 0, C_INIT)
SC(s_sp99, 99, 2, 0, 0, 0, 0, C_INIT)
SC(s_sp201, 201, 2, 0, 0, 0, 0, C_INIT)
SC(s_sp7, 7, 100, 0, 0, 0, 0, C_INIT)
SC(s_sp7_99, 7, 99, 0, 0, 0, 0, C_INIT)
SC(a_init, 40000, 3, 0, 0, 0, 0, C_INIT)
SC(a_init_opts, 40000, 3, 0, 0, 0, 1, C_INIT)
SC(a_data16, 40000, 3, 0, 0, 0, 0, "\x00\x03\x00\x10" "0123456789ab")
SC(a_abort_t, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x05" "xyzw" C_ABORT("\x01"))
SC(a_abort, 40000, 3, 0, 0, 0, 0, C_ABORT("\x00"))
SC(a_abort_fe, 40000, 3, 0, 0, 0, 0, C_ABORT("\xfe"))
SC(a_len0_init, 40000, 3, 0, 0, 0, 0, C_LEN0 C_INIT)
SC(a_init_len0, 40000, 3, 0, 0, 0, 0, C_INIT C_LEN0)
SC(a_none, 40000, 3, 12, 0, 0, 0, "")
SC(a_cut2, 40000, 3, 14, 0, 0, 0, C_INIT)
SC(a_cut3, 40000, 3, 15, 0, 0, 0, C_INIT)
SC(a_len3, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x03" C_INIT)
SC(a_len1, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x01" C_INIT)
SC(a_len4, 40000, 3, 0, 0, 0, 0, C_DATA("\x00") C_INIT)
SC(a_lenffff, 40000, 3, 0, 0, 0, 0, "\x00\x00\xff\xff" C_INIT)
SC(a_last_cut, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x10" "0123")
SC(a_last_cut_init, 40000, 3, 0, 0, 0, 0, "\x01\x00\x00\x10" "0123")
SC(a_in_padding, 40000, 3, 12, 18, 0, 0, C_INIT)
SC(a_tail2, 40000, 3, 0, 0, 0, 0, C_DATA("\x00") "\x01\x00")
SC(a_tail2_init, 40000, 3, 0, 0, 0, 0, C_INIT "\x01\x00")
SC(a_len6, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x06" "\x01\x00" "\x00\x04" C_DATA("\x00"))
SC(a_len5_pad, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x05" "\x00" "\x01\x00\x00\x04")
SC(a_len7_pad, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x07" "\x00\x00\x00\x00" C_INIT)
SC(a_len8, 40000, 3, 0, 0, 0, 0, "\x00\x00\x00\x08" C_INIT C_DATA("\x00"))
SC(b_data_sack, 40000, 4, 0, 0, 0, 0, C_DATA("\x00") C_SACK)
SC(b_sack_data_init, 40000, 4, 0, 0, 0, 0, C_SACK C_DATA("\xff") C_INIT)
SC(b_data, 40000, 4, 0, 0, 0, 0, C_DATA("\x00"))
SC(b_data_data, 40000, 4, 0, 0, 0, 0, C_DATA("\x00") C_DATA("\x00"))
SC(b_sack_data_len0, 40000, 4, 0, 0, 0, 0, C_SACK C_DATA("\x00") C_LEN0)
SC(b_sack_data_cut, 40000, 4, 14, 0, 0, 0, C_SACK)
SC(c_data_b_sack, 40000, 5, 0, 0, 0, 0, C_DATA("\x02") C_SACK)
SC(c_data_be, 40000, 5, 0, 0, 0, 0, C_DATA("\x03"))
SC(c_data_ub, 40000, 5, 0, 0, 0, 0, C_DATA("\x06"))
SC(c_data_0, 40000, 5, 0, 0, 0, 0, C_DATA("\x00"))
SC(c_sack_init, 40000, 5, 0, 0, 0, 0, C_SACK C_INIT)
SC(c_sack_len0, 40000, 5, 0, 0, 0, 0, C_SACK C_LEN0)
SC(c_init_len0, 40000, 5, 0, 0, 0, 0, C_INIT C_LEN0)
SC(c_sack_sack, 40000, 5, 0, 0, 0, 0, C_SACK C_SACK)
SC(d_init, 40000, 6, 0, 0, 0, 0, C_INIT)
SC(d_abort, 40000, 6, 0, 0, 0, 0, C_INIT C_ABORT("\x01"))
SC(d_init_len0, 40000, 6, 0, 0, 0, 0, C_INIT C_LEN0)
SC(d_abort_len0, 40000, 6, 0, 0, 0, 0, C_ABORT("\x00") C_LEN0)
SC(d_none, 40000, 6, 12, 0, 0, 0, "")
SC(d_cut, 40000, 6, 13, 0, 0, 0, C_INIT)
SC(d_hdr11, 40000, 6, 11, 0, 0, 0, "")
SC(e_init, 40000, 7, 0, 0, 0, 0, C_INIT)
SC(e_len0, 40000, 7, 0, 0, 0, 0, C_INIT C_LEN0)
SC(f_255, 40000, 8, 0, 0, 0, 0, "\xff\x00\x00\x04")
SC(f_len0, 40000, 8, 0, 0, 0, 0, C_LEN0)
SC(g_init, 40000, 9, 0, 0, 0, 0, C_INIT C_SACK)
SC(g_len0, 40000, 9, 0, 0, 0, 0, C_INIT C_LEN0)
SC(h_all3, 40000, 10, 0, 0, 0, 0, "\x40\x02\x00\x04" "\xc1\x00\x00\x04" "\xc2\x00\x00\x04")
SC(h_all3_noflag, 40000, 10, 0, 0, 0, 0, "\xc2\x00\x00\x04" "\x40\x00\x00\x04" "\xc1\x00\x00\x04")
SC(h_no_c2, 40000, 10, 0, 0, 0, 0, "\x40\x02\x00\x04" "\xc1\x00\x00\x04" "\xc3\x00\x00\x04")
SC(h_15, 40000, 10, 0, 0, 0, 0, "\x0f\x00\x00\x04" "\x40\x00\x00\x04" "\xc1\xff\x00\x04" \
   "\xc2\x00\x00\x04")
SC(i_data_ue, 40000, 11, 0, 0, 0, 0, C_DATA("\x05"))
SC(i_data_ue_hi, 40000, 11, 0, 0, 0, 0, C_DATA("\xf5"))
SC(i_data_ube, 40000, 11, 0, 0, 0, 0, C_DATA("\x07"))
SC(i_data_e, 40000, 11, 0, 0, 0, 0, C_DATA("\x01"))
SC(i_sc0, 40000, 11, 0, 0, 0, 0, "\x0e\x00\x00\x04")
SC(i_sc1, 40000, 11, 0, 0, 0, 0, "\x0e\x01\x00\x04")
size_t prog_sctp_chunks(uint8_t *buf, uint64_t *bytes, uint16_t dport, size_t n)
{
	return sctp_many(buf, bytes, dport, n, 0, NULL);
}

SC(i_sc_fe, 40000, 11, 0, 0, 0, 0, "\x0e\xfe\x00\x04")
SC(j_init_init, 40000, 12, 0, 0, 0, 0, C_INIT C_INIT)
SC(j_init_data, 40000, 12, 0, 0, 0, 0, C_INIT C_DATA("\x00"))
SC(j_init_len0, 40000, 12, 0, 0, 0, 0, C_INIT C_LEN0)

static size_t k_all60(uint8_t *buf, uint64_t *bytes)
{
	return sctp_many(buf, bytes, 14, 60, -1, NULL);
}

static size_t k_all63_len0(uint8_t *buf, uint64_t *bytes)
{
	return sctp_many(buf, bytes, 14, 63, -1, C_LEN0);
}

static size_t m_many_init(uint8_t *buf, uint64_t *bytes)
{
	return sctp_many(buf, bytes, 3, 63, 0, C_INIT);
}

static size_t m_many(uint8_t *buf, uint64_t *bytes)
{
	return sctp_many(buf, bytes, 3, 64, 0, NULL);
}

static size_t m_many_len0(uint8_t *buf, uint64_t *bytes)
{
	return sctp_many(buf, bytes, 4, 63, 3, C_LEN0);
}

static size_t m_many_all(uint8_t *buf, uint64_t *bytes)
{
	return sctp_many(buf, bytes, 4, 63, 3, C_DATA("\x00"));
}

/* A DATA chunk of 1000 bytes, then `last`. */
static size_t sctp_big(uint8_t *buf, uint64_t *bytes, const char *last)
{
	uint8_t chunks[1004] = {0, 0, 1000 >> 8, 1000 & 0xff};

	memcpy(chunks + 1000, last, 4);
	return sctp_frame(buf, bytes, 40000, 3, chunks, sizeof(chunks), 0, 0, 0, 0);
}

static size_t m_big_init(uint8_t *buf, uint64_t *bytes)
{
	return sctp_big(buf, bytes, C_INIT);
}

static size_t m_big_abort(uint8_t *buf, uint64_t *bytes)
{
	return sctp_big(buf, bytes, C_ABORT("\x00"));
}

static const struct prog_case sctp_cases[] = {
	FRAME("header only", DROP, 0, s_hdr),
	FRAME("11 bytes: hotdrop", DROP, NONE, s_hdr11),
	FRAME("4 bytes: hotdrop", DROP, NONE, s_hdr4),
	FRAME("header in padding: hotdrop", DROP, NONE, s_hdr_pad),
	FRAME("offset 1", PASS, 15, s_frag1),
	FRAME("offset 1, inverted chunks", PASS, 15, s_frag1_chunks),
	FRAME("ip options", DROP, 0, s_opts),
	FRAME("sport 150", DROP, 1, s_sp150),
	FRAME("sport 100", DROP, 1, s_sp100),
	FRAME("sport 200", DROP, 1, s_sp200),
	FRAME("sport 99", PASS, 2, s_sp99),
	FRAME("sport 201", PASS, 2, s_sp201),
	FRAME("sport 7 dport 100", DROP, 14, s_sp7),
	FRAME("sport 7 dport 99", PASS, 15, s_sp7_99),
	FRAME("any: init", DROP, 3, a_init),
	FRAME("any: init, ip options", DROP, 3, a_init_opts),
	FRAME("any: data", PASS, 15, a_data16),
	FRAME("any: abort T after a 5-byte chunk", DROP, 3, a_abort_t),
	FRAME("any: abort t", PASS, 15, a_abort),
	FRAME("any: abort flags fe", PASS, 15, a_abort_fe),
	FRAME("any: length 0: hotdrop", DROP, NONE, a_len0_init),
	FRAME("any: init before length 0", DROP, 3, a_init_len0),
	FRAME("any: no chunk: hotdrop", DROP, NONE, a_none),
	FRAME("any: 2 bytes of chunk: hotdrop", DROP, NONE, a_cut2),
	FRAME("any: 3 bytes of chunk: hotdrop", DROP, NONE, a_cut3),
	FRAME("any: length 3 then init", DROP, 3, a_len3),
	FRAME("any: length 1 then init", DROP, 3, a_len1),
	FRAME("any: length 4 then init", DROP, 3, a_len4),
	FRAME("any: length 65535 ends", PASS, 15, a_lenffff),
	FRAME("any: last chunk cut", PASS, 15, a_last_cut),
	FRAME("any: init cut", DROP, 3, a_last_cut_init),
	FRAME("any: chunk in padding: hotdrop", DROP, NONE, a_in_padding),
	FRAME("any: 2 bytes after data: hotdrop", DROP, NONE, a_tail2),
	FRAME("any: 2 bytes after init", DROP, 3, a_tail2_init),
	FRAME("any: length 6 pads to 8", PASS, 15, a_len6),
	FRAME("any: length 5 pads to 8: hotdrop", DROP, NONE, a_len5_pad),
	FRAME("any: length 7 then init", DROP, 3, a_len7_pad),
	FRAME("any: init inside a chunk", PASS, 15, a_len8),
	FRAME("all: data sack", DROP, 4, b_data_sack),
	FRAME("all: sack data init", DROP, 4, b_sack_data_init),
	FRAME("all: data", PASS, 15, b_data),
	FRAME("all: data data", PASS, 15, b_data_data),
	FRAME("all: then length 0: hotdrop", DROP, NONE, b_sack_data_len0),
	FRAME("all: 2 bytes of chunk: hotdrop", DROP, NONE, b_sack_data_cut),
	FRAME("only: data B, sack", DROP, 5, c_data_b_sack),
	FRAME("only: data BE", PASS, 15, c_data_be),
	FRAME("only: data UB", DROP, 5, c_data_ub),
	FRAME("only: data no flags", PASS, 15, c_data_0),
	FRAME("only: sack init", PASS, 15, c_sack_init),
	FRAME("only: sack then length 0: hotdrop", DROP, NONE, c_sack_len0),
	FRAME("only: init then length 0", PASS, 15, c_init_len0),
	FRAME("only: sack sack", DROP, 5, c_sack_sack),
	FRAME("! any: init", DROP, 6, d_init),
	FRAME("! any: abort", PASS, 15, d_abort),
	FRAME("! any: length 0: counted, dropped", DROP, 6, d_init_len0),
	FRAME("! any: abort before length 0", PASS, 15, d_abort_len0),
	FRAME("! any: no chunk: counted, dropped", DROP, 6, d_none),
	FRAME("! any: 1 byte of chunk: counted, dropped", DROP, 6, d_cut),
	FRAME("! any: 11 bytes: hotdrop", DROP, NONE, d_hdr11),
	FRAME("all NONE: init", DROP, 7, e_init),
	FRAME("all NONE: length 0: hotdrop", DROP, NONE, e_len0),
	FRAME("any ALL: 255", DROP, 8, f_255),
	FRAME("any ALL: length 0: hotdrop", DROP, NONE, f_len0),
	FRAME("any NONE", PASS, 15, g_init),
	FRAME("any NONE: length 0: hotdrop", DROP, NONE, g_len0),
	FRAME("all high types", DROP, 10, h_all3),
	FRAME("all high types, I_DATA:B is type 15's", DROP, 10, h_all3_noflag),
	FRAME("all high types, 194 missing", PASS, 15, h_no_c2),
	FRAME("all high types, type 15 without B", DROP, 10, h_15),
	FRAME("flags: data UE", DROP, 11, i_data_ue),
	FRAME("flags: data UE, high bits", DROP, 11, i_data_ue_hi),
	FRAME("flags: data UBE", PASS, 15, i_data_ube),
	FRAME("flags: data E", PASS, 15, i_data_e),
	FRAME("flags: shutdown complete t", DROP, 11, i_sc0),
	FRAME("flags: shutdown complete T", PASS, 15, i_sc1),
	FRAME("flags: shutdown complete fe", DROP, 11, i_sc_fe),
	FRAME("! only: init init", PASS, 15, j_init_init),
	FRAME("! only: init data", DROP, 12, j_init_data),
	FRAME("! only: init then length 0: counted, dropped", DROP, 12, j_init_len0),
	FRAME("all ALL: 60 types", PASS, 15, k_all60),
	FRAME("all ALL: 63 types then length 0: hotdrop", DROP, NONE, k_all63_len0),
	FRAME("63 data chunks then init", DROP, 3, m_many_init),
	FRAME("64 data chunks", PASS, 15, m_many),
	FRAME("63 sack chunks then length 0: hotdrop", DROP, NONE, m_many_len0),
	FRAME("63 sack chunks then data", DROP, 4, m_many_all),
	FRAME("1000-byte data chunk then init", DROP, 3, m_big_init),
	FRAME("1000-byte data chunk then abort", PASS, 15, m_big_abort),
};

/* sctp's inverted chunk test whose walk hotdrops holds, and the rule's
 * later matches still decide (ipt_do_table): when they hold the rule
 * counts and the packet is dropped, when not it is dropped uncounted. */
static const char *const sctp_later_rules[] = {
	"-p sctp --dport 20 ! --chunk-types any ABORT -m length --length 0:60 -j ACCEPT",
	"-p sctp --dport 20 -j ACCEPT",
	NULL,
};
SC(l_init_len0, 40000, 20, 0, 0, 0, 0, C_INIT C_LEN0)
SC(l_init_len0_long, 40000, 20, 0, 0, 0, 10, C_INIT C_LEN0)
SC(l_abort, 40000, 20, 0, 0, 0, 0, C_ABORT("\x00"))
SC(l_init, 40000, 20, 0, 0, 0, 0, C_INIT)
static const struct prog_case sctp_later_cases[] = {
	FRAME("walk hotdrops, length holds: counted, dropped", DROP, 0, l_init_len0),
	FRAME("walk hotdrops, length fails: dropped", DROP, NONE, l_init_len0_long),
	FRAME("abort: no match", PASS, 1, l_abort),
	FRAME("init: match", PASS, 0, l_init),
};

const struct prog_suite prog_more_suites[] = {
	SUITE(tcp_option, BF_VERDICT_ACCEPT),
	SUITE(mac, BF_VERDICT_ACCEPT),
	SUITE(esp, BF_VERDICT_ACCEPT),
	SUITE(ah, BF_VERDICT_ACCEPT),
	SUITE(statistic, BF_VERDICT_ACCEPT),
	SUITE(sctp, BF_VERDICT_ACCEPT),
	SUITE(sctp_later, BF_VERDICT_ACCEPT),
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

/* sctp in ip6tables. The builder's SCTP header (proto SCTP) has zeros
 * after the ports and bytes i at offsets i >= 8: its first chunk is type
 * 12 (ECN_ECNE), flags 13, length 0x0e0f (past the datagram). Other
 * chunks are written as the builder's last extension header, of type
 * SCTP (ipv6_find_hdr stops there): SCTP6(H, bytes...) is H + 1 8-byte
 * units whose source port is 0x100 + H, then the bytes from offset 2:
 * destination port, 8 bytes of tag and checksum, the chunks. */
#define SCTP6(H, ...) {.type = SCTP, .hdrlen = H, .nh = 1, .data = {__VA_ARGS__}}
#define S6HDR(DPORT) 0, DPORT, 0, 0, 0, 0, 0, 0, 0, 0

static const char *const sctp6_rules[] = {
	"-p sctp --dport 1 -j DROP",
	"-p sctp --sport 257 --dport 3 --chunk-types any INIT,ABORT:T -j DROP",
	"-p sctp --dport 4 --chunk-types all DATA,SACK -j DROP",
	"-p sctp --dport 6 ! --chunk-types any ABORT -j DROP",
	"-p sctp --dport 12 --chunk-types only ECN_ECNE -j DROP",
	"-p sctp -j ACCEPT",
	NULL,
};
static const struct prog_case6 sctp6_cases[] = {
	CASE6("header only", DROP, 0, .proto = SCTP, .dport = 1, .l4_len = 12),
	CASE6("11 bytes: hotdrop", DROP, NONE, .proto = SCTP, .dport = 1, .l4_len = 11),
	CASE6("after hop-by-hop", DROP, 0, .proto = SCTP, .dport = 1, .l4_len = 12,
	      .n_ext = 1, .ext = {HBH}),
	CASE6("offset 1", PASS, 5, .proto = SCTP, .dport = 1, .l4_len = 16, .n_ext = 1,
	      .ext = {FRAG1}),
	CASE6("offset 1, chunks", PASS, 5, .proto = SCTP, .dport = 6, .l4_len = 4, .n_ext = 1,
	      .ext = {FRAG1}),
	CASE6("only: ecne past the end", DROP, 4, .proto = SCTP, .dport = 12, .l4_len = 16),
	CASE6("only: ecne after hop-by-hop", DROP, 4, .proto = SCTP, .dport = 12, .l4_len = 16,
	      .n_ext = 1, .ext = {HBH}),
	CASE6("only: chunk cut: hotdrop", DROP, NONE, .proto = SCTP, .dport = 12, .l4_len = 14),
	CASE6("only: no chunk: hotdrop", DROP, NONE, .proto = SCTP, .dport = 12, .l4_len = 12),
	CASE6("! any: no chunk: counted, dropped", DROP, 3, .proto = SCTP, .dport = 6,
	      .l4_len = 12),
	CASE6("! any: ecne", DROP, 3, .proto = SCTP, .dport = 6, .l4_len = 16),
	CASE6("any: init", DROP, 1, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(1, S6HDR(3), 1, 0, 0, 4)}),
	CASE6("any: abort T", DROP, 1, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(1, S6HDR(3), 6, 1, 0, 4)}),
	CASE6("any: abort t", PASS, 5, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(1, S6HDR(3), 6, 0, 0, 4)}),
	CASE6("any: init, other sport", PASS, 5, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(2, S6HDR(3), 1, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4)}),
	CASE6("any: init after hop-by-hop", DROP, 1, .proto = -1, .n_ext = 2,
	      .ext = {HBH, SCTP6(1, S6HDR(3), 1, 0, 0, 4)}),
	CASE6("any: length 0: hotdrop", DROP, NONE, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(1, S6HDR(3), 1, 0, 0, 0)}),
	CASE6("all: data sack", DROP, 2, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(2, S6HDR(4), 0, 0, 0, 5, 0xaa, 0, 0, 0, 3, 0, 0, 4)}),
	CASE6("all: data then length 0: hotdrop", DROP, NONE, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(2, S6HDR(4), 0, 0, 0, 4, 3, 0, 0, 0, 3, 0, 0, 4)}),
	CASE6("all: sack", PASS, 5, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(1, S6HDR(4), 3, 0, 0, 4)}),
	CASE6("! any: abort", PASS, 5, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(1, S6HDR(6), 6, 0, 0, 4)}),
	CASE6("! any: init then length 0: counted, dropped", DROP, 3, .proto = -1, .n_ext = 1,
	      .ext = {SCTP6(2, S6HDR(6), 1, 0, 0, 4, 0, 0, 0, 0, 6, 0, 0, 4)}),
};

#define SUITE6(n, p) {#n, BF_FAMILY_IPV6, n##_rules, NULL, p, n##_cases, \
		      sizeof(n##_cases) / sizeof(n##_cases[0])}
const struct prog_suite6 prog_more_suites6[] = {
	SUITE6(esp6, BF_VERDICT_ACCEPT),
	SUITE6(more6, BF_VERDICT_ACCEPT),
	SUITE6(sctp6, BF_VERDICT_ACCEPT),
};
const size_t prog_n_more_suites6 = sizeof(prog_more_suites6) / sizeof(prog_more_suites6[0]);
