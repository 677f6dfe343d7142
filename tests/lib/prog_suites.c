#include "prog_suites.h"

#include <linux/bpf.h>
#include <string.h>

#define PASS XDP_PASS
#define DROP XDP_DROP
#define TCP 6
#define UDP 17
#define ICMP 1
#define POLICY PROG_POLICY
#define NONE PROG_UNCOUNTED

#define SUITE(n, p) {#n, n##_rules, p, n##_cases, sizeof(n##_cases) / sizeof(n##_cases[0])}

/* Rules: addresses, CIDR, negation. */
static const char *const addresses_rules[] = {
	"-s 198.18.1.0/24 -j DROP",
	"! -d 198.18.0.2 -j DROP",
	"-s 198.18.0.1 -d 198.18.0.2 -j ACCEPT",
	"-s 198.19.128.0/17 -d 198.18.0.0/15 -j ACCEPT",
	"! -s 198.18.0.0/16 ! -d 198.19.0.0/16 -j ACCEPT",
	NULL,
};
static const struct prog_case addresses_cases[] = {
	CASE("src in /24", DROP, 0, .src = "198.18.1.7"),
	CASE("src in /24, last", DROP, 0, .src = "198.18.1.255"),
	CASE("dst not .2", DROP, 1, .dst = "198.18.0.3"),
	CASE("src and dst", PASS, 2, .src = "198.18.0.1"),
	CASE("src other", DROP, POLICY, .src = "198.18.0.9"),
	CASE("src in /17", PASS, 3, .src = "198.19.200.1"),
	CASE("src below /17", PASS, 4, .src = "198.19.127.1", .dst = "198.18.0.2"),
	CASE("src and dst inverted", DROP, POLICY, .src = "198.18.2.1"),
};

/* Addresses decided at compile time; a rule that always matches makes
 * the rest dead code. */
static const char *const address_edges_rules[] = {
	"! -s 0.0.0.0/0 -j DROP",
	"-d 198.18.0.3 ! -s 198.18.0.1 -j DROP",
	"-s 0.0.0.0/0 -d 0.0.0.0/0 -p udp -j DROP",
	"-s 0.0.0.0/0 -j ACCEPT",
	"-j DROP",
	NULL,
};
static const struct prog_case address_edges_cases[] = {
	CASE("not src .1", DROP, 1, .src = "198.18.0.7", .dst = "198.18.0.3"),
	CASE("src .1", PASS, 3, .src = "198.18.0.1", .dst = "198.18.0.3"),
	CASE("udp", DROP, 2, .proto = UDP),
	CASE("anything", PASS, 3),
};

static const char *const protocols_rules[] = {
	"-p udp -j DROP",
	"-p 47 -j DROP",
	"! -p tcp -j ACCEPT",
	"-p all -j DROP",
	NULL,
};
static const struct prog_case protocols_cases[] = {
	CASE("udp", DROP, 0, .proto = UDP),
	CASE("gre", DROP, 1, .proto = 47, .l4_len = 24),
	CASE("icmp", PASS, 2, .proto = ICMP),
	CASE("255", PASS, 2, .proto = 255),
	CASE("tcp", DROP, 3, .proto = TCP),
};

static const char *const ports_rules[] = {
	"-p tcp --dport 22 -j ACCEPT",
	"-p tcp --sport 1000:2000 -j DROP",
	"-p udp --sport 53 --dport 1024: -j ACCEPT",
	"-p udp ! --dport 53 -j DROP",
	"-p tcp ! --sport 0:1023 --dport :100 -j DROP",
	"-p tcp --dport 65535 -j DROP",
	"-p udp --sport 0 -j DROP",
	"-p tcp ! --dport 1:65535 -j DROP",
	NULL,
};

/* Port 0: the builder's 0 means its default port, so patch the frame. */
static size_t udp_sport_0(uint8_t *buf, uint64_t *bytes)
{
	struct prog_pkt p = {.proto = UDP, .dport = 53};
	size_t len = prog_pkt_build(&p, buf);

	buf[14 + 20] = buf[14 + 21] = 0;
	*bytes = prog_pkt_ip_len(&p);
	return len;
}

static size_t tcp_dport_0(uint8_t *buf, uint64_t *bytes)
{
	struct prog_pkt p = {.sport = 80};
	size_t len = prog_pkt_build(&p, buf);

	buf[14 + 22] = buf[14 + 23] = 0;
	*bytes = prog_pkt_ip_len(&p);
	return len;
}

static const struct prog_case ports_cases[] = {
	CASE("tcp dport 22", PASS, 0, .sport = 40000, .dport = 22),
	CASE("tcp sport 1000", DROP, 1, .sport = 1000, .dport = 80),
	CASE("tcp sport 2000", DROP, 1, .sport = 2000, .dport = 80),
	CASE("tcp sport 999", PASS, POLICY, .sport = 999, .dport = 80),
	CASE("tcp sport 2001 dport 80", DROP, 4, .sport = 2001, .dport = 80),
	CASE("tcp sport 2001 dport 100", DROP, 4, .sport = 2001, .dport = 100),
	CASE("tcp sport 2001 dport 101", PASS, POLICY, .sport = 2001, .dport = 101),
	CASE("tcp dport 65535", DROP, 5, .sport = 80, .dport = 65535),
	CASE("udp 53 -> 2000", PASS, 2, .proto = UDP, .sport = 53, .dport = 2000),
	CASE("udp 53 -> 1024", PASS, 2, .proto = UDP, .sport = 53, .dport = 1024),
	CASE("udp 53 -> 1023", DROP, 3, .proto = UDP, .sport = 53, .dport = 1023),
	CASE("udp 5000 -> 5353", DROP, 3, .proto = UDP, .sport = 5000, .dport = 5353),
	CASE("udp 5000 -> 53", PASS, POLICY, .proto = UDP, .sport = 5000, .dport = 53),
	FRAME("udp 0 -> 53", DROP, 6, udp_sport_0),
	FRAME("tcp 80 -> 0", DROP, 7, tcp_dport_0),
};

/* -i, compiled for PROG_IFNAME (veth0). */
static const char *const iface_rules[] = {
	"-i eth0 -j DROP",                     /* 0: never on veth0 */
	"-i veth+ -p udp -j DROP",             /* 1 */
	"! -i veth0 -p tcp -j DROP",           /* 2: never on veth0 */
	"-i veth0 -p tcp --dport 22 -j DROP",  /* 3 */
	"-i + -p tcp --dport 23 -j DROP",      /* 4: any interface */
	"! -i eth+ -p tcp --dport 24 -j DROP", /* 5 */
	"-i veth0a -p tcp --dport 26 -j DROP", /* 6: exact names only */
	"-i veth -p tcp --dport 27 -j DROP",   /* 7 */
	"-i veth0+ -p tcp --dport 28 -j DROP", /* 8: a prefix that is the name */
	"! -i + -j DROP",                      /* 9: never */
	NULL,
};
static const struct prog_case iface_cases[] = {
	CASE("udp", DROP, 1, .proto = UDP),
	CASE("tcp 22", DROP, 3, .dport = 22),
	CASE("tcp 23", DROP, 4, .dport = 23),
	CASE("tcp 24", DROP, 5, .dport = 24),
	CASE("tcp 26", PASS, POLICY, .dport = 26),
	CASE("tcp 27", PASS, POLICY, .dport = 27),
	CASE("tcp 28", DROP, 8, .dport = 28),
	CASE("icmp", PASS, POLICY, .proto = ICMP),
};

/* Fragments as iptables sees them before reassembly. */
static const char *const fragments_rules[] = {
	"-p tcp --dport 22 -j ACCEPT",
	"-p udp --dport 53 -j ACCEPT",
	"-f -j DROP",
	"! -f -p icmp -j ACCEPT",
	"-p tcp -j DROP",
	NULL,
};
static const struct prog_case fragments_cases[] = {
	CASE("tcp first fragment", PASS, 0, .dport = 22, .mf = true),
	CASE("tcp offset 1: hotdrop", DROP, NONE, .dport = 22, .frag = 1, .l4_len = 40),
	CASE("tcp offset 2", DROP, 2, .dport = 22, .frag = 2),
	CASE("tcp offset 8191", DROP, 2, .dport = 22, .frag = 8191, .l4_len = 8),
	CASE("udp offset 1: no hotdrop", DROP, 2, .proto = UDP, .dport = 53, .frag = 1),
	CASE("udp first fragment", PASS, 1, .proto = UDP, .dport = 53, .mf = true),
	CASE("icmp first fragment", PASS, 3, .proto = ICMP, .mf = true),
	CASE("icmp offset 5", DROP, 2, .proto = ICMP, .frag = 5),
	CASE("tcp other port", DROP, 4, .dport = 80),
	CASE("tcp first fragment, other port", DROP, 4, .dport = 80, .mf = true),
	CASE("gre", DROP, POLICY, .proto = 47),
};

/* Hotdrop (drop at once, count nothing) happens only when the match is
 * evaluated, i.e. when the IP part of its rule matched. */
static const char *const hotdrop_rules[] = {
	"-s 198.18.9.9 -p tcp --dport 22 -j ACCEPT",
	"-p udp -d 198.18.0.9 -j ACCEPT",
	"-p tcp -s 198.18.0.7 -j ACCEPT",
	"-p tcp --dport 22 -j ACCEPT",
	"-p udp --dport 53 -j ACCEPT",
	NULL,
};
static const struct prog_case hotdrop_cases[] = {
	CASE("tcp offset 1", DROP, NONE, .frag = 1),
	CASE("tcp offset 1 from .9.9", DROP, NONE, .src = "198.18.9.9", .frag = 1),
	CASE("tcp offset 1 from .7", PASS, 2, .src = "198.18.0.7", .frag = 1),
	CASE("tcp header cut at 10", DROP, NONE, .l4_len = 10),
	CASE("tcp header cut at 19", DROP, NONE, .l4_len = 19),
	CASE("tcp header cut, in padding", DROP, NONE, .l4_len = 10, .pad = 30),
	CASE("tcp header cut, .7 first", PASS, 2, .src = "198.18.0.7", .l4_len = 4),
	CASE("tcp header cut, first frag", DROP, NONE, .l4_len = 10, .mf = true),
	CASE("tcp header, no payload", PASS, 3, .l4_len = 20, .dport = 22),
	CASE("udp header cut at 7", DROP, NONE, .proto = UDP, .l4_len = 7),
	CASE("udp header cut, to .9", PASS, 1, .proto = UDP, .dst = "198.18.0.9", .l4_len = 2),
	CASE("udp header cut at 0", DROP, NONE, .proto = UDP, .l4_len = -1),
	CASE("udp header whole", PASS, 4, .proto = UDP, .l4_len = 8, .dport = 53),
	CASE("udp other port", DROP, POLICY, .proto = UDP, .dport = 54),
};

/* Rules that can never match are no code; rules after one that always
 * matches are dead code. Both load and keep their slots. */
static const char *const dead_code_rules[] = {
	"-p udp ! --dport 0:65535 -j DROP",
	"-p tcp --dport 0:65535 -j DROP",
	"-j ACCEPT",
	"-p udp -j DROP",
	"-j DROP",
	NULL,
};
static const struct prog_case dead_code_cases[] = {
	CASE("udp", PASS, 2, .proto = UDP),
	CASE("tcp", DROP, 1),
	CASE("tcp cut: hotdrop", DROP, NONE, .l4_len = 3),
	CASE("udp cut: hotdrop", DROP, NONE, .proto = UDP, .l4_len = 3),
	CASE("icmp", PASS, 2, .proto = ICMP),
};

static const char *const policy_drop_rules[] = {NULL};
static const struct prog_case policy_drop_cases[] = {
	CASE("tcp", DROP, POLICY),
	CASE("udp", DROP, POLICY, .proto = UDP, .payload = 100),
};

static const char *const policy_accept_rules[] = {NULL};
static const struct prog_case policy_accept_cases[] = {
	CASE("tcp", PASS, POLICY, .payload = 1400),
};

/* The IPv4 prologue: what reaches the rules, and what the stack drops
 * before any netfilter hook (passed, never counted). */
static const char *const ipv4_rules[] = {
	"-p tcp --dport 22 -j ACCEPT",
	"-p udp --dport 53 -j ACCEPT",
	NULL,
};
#define ipv4_good_rules ipv4_rules
static const struct prog_case ipv4_good_cases[] = {
	CASE("tcp 22", PASS, 0, .dport = 22),
	CASE("tcp 22 with payload", PASS, 0, .dport = 22, .payload = 1000),
	CASE("udp 53", PASS, 1, .proto = UDP, .dport = 53),
	CASE("tcp 80", DROP, POLICY, .dport = 80),
	CASE("icmp", DROP, POLICY, .proto = ICMP, .payload = 56),
};

/* Options move the transport header; the checksum covers them. */
#define OPTS(n) \
	CASE("tcp 22, option words " #n, PASS, 0, .dport = 22, .opt_words = n), \
	CASE("udp 53, option words " #n, PASS, 1, .proto = UDP, .dport = 53, .opt_words = n)
#define ipv4_options_rules ipv4_rules
static const struct prog_case ipv4_options_cases[] = {
	OPTS(1), OPTS(2), OPTS(3), OPTS(4), OPTS(5), OPTS(6), OPTS(7), OPTS(8), OPTS(9), OPTS(10),
	CASE("options, bad csum", PASS, NONE, .dport = 22, .opt_words = 10, .bad_csum = true),
	CASE("options, tcp cut", DROP, NONE, .dport = 22, .opt_words = 10, .l4_len = 12),
	CASE("options, icmp", DROP, POLICY, .proto = ICMP, .opt_words = 3),
};

/* IHL 0..4 with a right checksum: the builder's 0 means "computed". */
static size_t small_ihl(uint8_t *buf, uint64_t *bytes, uint8_t ihl)
{
	struct prog_pkt p = {.dport = 22};
	size_t len = prog_pkt_build(&p, buf);
	uint32_t sum = 0;

	buf[14] = (uint8_t)(0x40 | ihl);
	buf[24] = buf[25] = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(buf[14 + i] << 8 | buf[15 + i]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	buf[24] = (uint8_t)(~sum >> 8);
	buf[25] = (uint8_t)~sum;
	*bytes = 0;
	return len;
}
#define SMALL_IHL(n) \
	static size_t small_ihl##n(uint8_t *buf, uint64_t *bytes) { return small_ihl(buf, bytes, n); }
SMALL_IHL(0)
SMALL_IHL(1)
SMALL_IHL(4)

#define ipv4_dropped_rules ipv4_rules
static const struct prog_case ipv4_dropped_cases[] = {
	CASE("bad checksum", PASS, NONE, .dport = 22, .bad_csum = true),
	CASE("bad checksum udp", PASS, NONE, .proto = UDP, .dport = 53, .bad_csum = true),
	CASE("version 6", PASS, NONE, .dport = 22, .version = 6),
	CASE("version 5", PASS, NONE, .dport = 22, .version = 5),
	FRAME("ihl 0", PASS, NONE, small_ihl0),
	FRAME("ihl 1", PASS, NONE, small_ihl1),
	FRAME("ihl 4", PASS, NONE, small_ihl4),
	CASE("ihl 15, header beyond datagram", PASS, NONE, .proto = ICMP, .ihl = 15),
	CASE("ihl 6, no option there", PASS, NONE, .dport = 22, .ihl = 6),
	CASE("total length < header", PASS, NONE, .dport = 22, .tot_len_delta = -21),
	CASE("total length 0", PASS, NONE, .dport = 22, .tot_len_delta = -40),
	CASE("total length beyond frame", PASS, NONE, .dport = 22, .tot_len_delta = 1),
	CASE("total length 65535", PASS, NONE, .dport = 22, .tot_len_delta = 65535 - 40),
	CASE("frame cut by 1", PASS, NONE, .dport = 22, .cut = 1),
	CASE("frame cut in the header", PASS, NONE, .dport = 22, .cut = 30),
	CASE("ethernet only", PASS, NONE, .dport = 22, .cut = 40),
};

/* Bytes counted are the IP total length, not the frame with padding. */
#define ipv4_padding_rules ipv4_rules
static const struct prog_case ipv4_padding_cases[] = {
	CASE("udp padded to 60", PASS, 1, .proto = UDP, .dport = 53, .pad = 18),
	CASE("tcp padded", PASS, 0, .dport = 22, .pad = 6),
	CASE("icmp padded", DROP, POLICY, .proto = ICMP, .pad = 100),
	CASE("length below the data", PASS, 0, .dport = 22, .payload = 10, .tot_len_delta = -10),
};

/* Not IPv4: passed unjudged and uncounted (IPv6 and VLANs come later). */
static size_t arp(uint8_t *buf, uint64_t *bytes)
{
	*bytes = 0;
	return prog_pkt_arp(buf);
}

static size_t ipv6(uint8_t *buf, uint64_t *bytes)
{
	*bytes = 0;
	return prog_pkt_ipv6(buf);
}

static const char *const not_ipv4_rules[] = {"-j DROP", NULL};
static const struct prog_case not_ipv4_cases[] = {
	FRAME("arp", PASS, NONE, arp),
	FRAME("ipv6", PASS, NONE, ipv6),
	CASE("vlan", PASS, NONE, .ethertype = 0x8100),
	CASE("ipv4 header as ipv6", PASS, NONE, .ethertype = 0x86dd),
	CASE("ipv4", DROP, 0),
};

/* Issue 4's matches, each against the oracle. Frames with a field the
 * builder does not set (TOS, TTL, Ethernet destination, TCP flags 0) are
 * built and patched, the header checksum made right again. */
static size_t patched(uint8_t *buf, uint64_t *bytes, const struct prog_pkt *p, int tos,
		      int ttl, const uint8_t *mac)
{
	size_t len = prog_pkt_build(p, buf), hlen = (size_t)(buf[14] & 0x0f) * 4;
	uint32_t sum = 0;

	if (tos >= 0)
		buf[15] = (uint8_t)tos;
	if (ttl >= 0)
		buf[22] = (uint8_t)ttl;
	if (mac)
		memcpy(buf, mac, 6);
	buf[24] = buf[25] = 0;
	for (size_t i = 0; i < hlen; i += 2)
		sum += (uint32_t)(buf[14 + i] << 8 | buf[15 + i]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	buf[24] = (uint8_t)(~sum >> 8);
	buf[25] = (uint8_t)~sum;
	*bytes = prog_pkt_ip_len(p);
	return len;
}

#define PATCHED(name, TOS, TTL, MAC, ...) \
	static size_t name(uint8_t *buf, uint64_t *bytes) \
	{ \
		static const struct prog_pkt p = {__VA_ARGS__}; \
		return patched(buf, bytes, &p, TOS, TTL, MAC); \
	}

static const char *const tcp_flags_rules[] = {
	"-p tcp --syn -j DROP",
	"-p tcp --tcp-flags ALL NONE -j DROP",
	"-p tcp --dport 22 ! --tcp-flags SYN,ACK SYN,ACK -j DROP",
	"-p tcp --tcp-flags FIN,PSH,URG FIN,PSH,URG -j DROP",
	"-p tcp --tcp-flags SYN NONE --sport 1000 -m comment --comment \"no syn\" -j DROP",
	"-p tcp ! --syn -j ACCEPT",
	"-p tcp --tcp-flags SYN,FIN SYN,FIN,RST -j ACCEPT", /* cmp beyond mask: never */
	NULL,
};

static size_t tcp_no_flags(uint8_t *buf, uint64_t *bytes)
{
	struct prog_pkt p = {.dport = 80};
	size_t len = prog_pkt_build(&p, buf);

	buf[14 + 20 + 13] = 0;
	*bytes = prog_pkt_ip_len(&p);
	return len;
}

static const struct prog_case tcp_flags_cases[] = {
	CASE("syn", DROP, 0),
	CASE("syn psh", DROP, 0, .tcp_flags = 0x0a),
	CASE("syn ece cwr", DROP, 0, .tcp_flags = 0xc2),
	CASE("syn ack", PASS, 5, .tcp_flags = 0x12),
	CASE("syn ack to 22", PASS, 5, .tcp_flags = 0x12, .dport = 22),
	CASE("ack to 22", DROP, 2, .tcp_flags = 0x10, .dport = 22),
	CASE("ack ece to 22", DROP, 2, .tcp_flags = 0x50, .dport = 22),
	CASE("xmas", DROP, 3, .tcp_flags = 0x29),
	CASE("ack from 1000", DROP, 4, .tcp_flags = 0x10, .sport = 1000),
	FRAME("no flags", DROP, 1, tcp_no_flags),
	CASE("offset 1: hotdrop", DROP, NONE, .frag = 1),
	CASE("header cut: hotdrop", DROP, NONE, .l4_len = 13),
	CASE("offset 2", PASS, POLICY, .frag = 2),
	CASE("udp", PASS, POLICY, .proto = UDP),
};

/* The builder puts the source port in the first two bytes of any
 * transport header: for ICMP, .sport = type << 8 | code. */
static const char *const icmp_rules[] = {
	"-p icmp --icmp-type echo-request -j DROP",
	"-p icmp --icmp-type 3/1 -j DROP",
	"-p icmp -s 198.18.0.5 ! --icmp-type 3 -j DROP",
	"-p icmp --icmp-type any -s 198.18.0.7 -j DROP",
	"-p icmp ! --icmp-type any -j DROP",
	"-p icmp --icmp-type port-unreachable -j DROP",
	"-p icmp -s 198.18.0.6 ! --icmp-type 3/1 -j DROP",
	NULL,
};
static const struct prog_case icmp_cases[] = {
	CASE("echo request", DROP, 0, .proto = ICMP, .sport = 0x0800),
	CASE("echo request, code 5", DROP, 0, .proto = ICMP, .sport = 0x0805),
	CASE("3/1", DROP, 1, .proto = ICMP, .sport = 0x0301),
	CASE("3/2", PASS, POLICY, .proto = ICMP, .sport = 0x0302),
	CASE("3/3", DROP, 5, .proto = ICMP, .sport = 0x0303),
	CASE("3/2 from .5", PASS, POLICY, .proto = ICMP, .sport = 0x0302, .src = "198.18.0.5"),
	CASE("0/1 from .5", DROP, 2, .proto = ICMP, .sport = 0x0001, .src = "198.18.0.5"),
	CASE("13/0 from .7", DROP, 3, .proto = ICMP, .sport = 0x0d00, .src = "198.18.0.7"),
	CASE("3/1 from .6", DROP, 1, .proto = ICMP, .sport = 0x0301, .src = "198.18.0.6"),
	CASE("3/2 from .6", DROP, 6, .proto = ICMP, .sport = 0x0302, .src = "198.18.0.6"),
	CASE("4/1 from .6", DROP, 6, .proto = ICMP, .sport = 0x0401, .src = "198.18.0.6"),
	CASE("3/0 from .6", DROP, 6, .proto = ICMP, .sport = 0x0300, .src = "198.18.0.6"),
	CASE("header cut at 7: hotdrop", DROP, NONE, .proto = ICMP, .sport = 0x0800, .l4_len = 7),
	CASE("no header: hotdrop", DROP, NONE, .proto = ICMP, .l4_len = -1),
	CASE("offset 1", PASS, POLICY, .proto = ICMP, .sport = 0x0800, .frag = 1),
	CASE("offset 2 from .5", PASS, POLICY, .proto = ICMP, .frag = 2, .src = "198.18.0.5"),
	CASE("first fragment", DROP, 0, .proto = ICMP, .sport = 0x0800, .mf = true),
	CASE("with options", DROP, 1, .proto = ICMP, .sport = 0x0301, .opt_words = 3),
	CASE("tcp", PASS, POLICY, .sport = 0x0800),
};

static const char *const length_rules[] = {
	"-p udp -m length --length 28 -j DROP",
	"-m length --length 100:200 -j DROP",
	"-p tcp -m length ! --length 41:65535 -j DROP",
	"-m length --length 1000: -j DROP",
	"-m length ! --length 0:65535 -j DROP",
	NULL,
};
static const struct prog_case length_cases[] = {
	CASE("udp 28", DROP, 0, .proto = UDP),
	CASE("udp 28 padded", DROP, 0, .proto = UDP, .pad = 18),
	CASE("udp 29", PASS, POLICY, .proto = UDP, .payload = 1),
	CASE("tcp 99", PASS, POLICY, .payload = 59),
	CASE("tcp 100", DROP, 1, .payload = 60),
	CASE("tcp 200", DROP, 1, .payload = 160),
	CASE("tcp 201", PASS, POLICY, .payload = 161),
	CASE("tcp 40", DROP, 2),
	CASE("tcp 41", PASS, POLICY, .payload = 1),
	CASE("tcp 1000", DROP, 3, .payload = 960),
	CASE("udp 1400", DROP, 3, .proto = UDP, .payload = 1372),
};

static const char *const ttl_rules[] = {
	"-m ttl --ttl-eq 64 -j DROP",
	"-m ttl --ttl-lt 2 -j DROP",
	"-p udp -m ttl ! --ttl-eq 200 -j DROP",
	"-m ttl --ttl-gt 254 -j DROP",
	"-m ttl --ttl-lt 0 -j DROP",
	"-m ttl --ttl-gt 255 -j DROP",
	"-m ttl --ttl-gt 99 -m ttl --ttl-lt 101 -j DROP",
	NULL,
};
PATCHED(ttl_0, -1, 0, NULL, .proto = TCP)
PATCHED(ttl_1, -1, 1, NULL, .proto = TCP)
PATCHED(ttl_2, -1, 2, NULL, .proto = TCP)
PATCHED(ttl_99, -1, 99, NULL, .proto = TCP)
PATCHED(ttl_100, -1, 100, NULL, .proto = TCP)
PATCHED(ttl_101, -1, 101, NULL, .proto = TCP)
PATCHED(ttl_254, -1, 254, NULL, .proto = TCP)
PATCHED(ttl_255, -1, 255, NULL, .proto = TCP)
PATCHED(ttl_udp_200, -1, 200, NULL, .proto = UDP)
PATCHED(ttl_udp_2, -1, 2, NULL, .proto = UDP)
static const struct prog_case ttl_cases[] = {
	CASE("ttl 64", DROP, 0),
	FRAME("ttl 0", DROP, 1, ttl_0),
	FRAME("ttl 1", DROP, 1, ttl_1),
	FRAME("ttl 2", PASS, POLICY, ttl_2),
	FRAME("ttl 99", PASS, POLICY, ttl_99),
	FRAME("ttl 100", DROP, 6, ttl_100),
	FRAME("ttl 101", PASS, POLICY, ttl_101),
	FRAME("ttl 254", PASS, POLICY, ttl_254),
	FRAME("ttl 255", DROP, 3, ttl_255),
	FRAME("udp ttl 200", PASS, POLICY, ttl_udp_200),
	FRAME("udp ttl 2", DROP, 2, ttl_udp_2),
};

static const char *const tos_rules[] = {
	"-m tos --tos 0x10 -j DROP",
	"-m tos --tos 0x0b/0xcf -j DROP",
	"-m dscp --dscp 0x2e -j DROP",
	"-p udp -m dscp ! --dscp 0 -j DROP",
	"-p tcp -m tos ! --tos Minimize-Delay -j ACCEPT",
	"-m dscp --dscp-class AF41 -j DROP",
	NULL,
};
PATCHED(tos_10, 0x10, -1, NULL, .proto = TCP)
PATCHED(tos_11, 0x11, -1, NULL, .proto = TCP)
PATCHED(tos_0b, 0x0b, -1, NULL, .proto = TCP)
PATCHED(tos_b8, 0xb8, -1, NULL, .proto = TCP)
PATCHED(tos_bb, 0xbb, -1, NULL, .proto = TCP)
PATCHED(tos_50, 0x50, -1, NULL, .proto = TCP)
PATCHED(tos_udp_03, 0x03, -1, NULL, .proto = UDP)
PATCHED(tos_udp_04, 0x04, -1, NULL, .proto = UDP)
PATCHED(tos_udp_88, 0x88, -1, NULL, .proto = UDP)
PATCHED(tos_icmp_8b, 0x8b, -1, NULL, .proto = ICMP)
static const struct prog_case tos_cases[] = {
	FRAME("tos 0x10", DROP, 0, tos_10),
	FRAME("tos 0x11", PASS, 4, tos_11),
	FRAME("tos 0x0b", DROP, 1, tos_0b),
	FRAME("tos 0xb8", DROP, 2, tos_b8),
	FRAME("tos 0xbb", DROP, 2, tos_bb),
	FRAME("tos 0x50", PASS, POLICY, tos_50),
	FRAME("udp tos 0x03", PASS, POLICY, tos_udp_03),
	FRAME("udp tos 0x04", DROP, 3, tos_udp_04),
	FRAME("udp tos 0x88", DROP, 3, tos_udp_88),
	FRAME("icmp tos 0x8b", DROP, 5, tos_icmp_8b),
	CASE("tos 0 tcp", PASS, 4),
};

static const char *const iprange_rules[] = {
	"-m iprange --src-range 198.18.1.10-198.18.1.20 -j DROP",
	"-m iprange ! --dst-range 198.18.0.2-198.18.0.3 -j DROP",
	"-m iprange --src-range 198.19.255.255 --dst-range 198.18.0.3-198.18.0.2 -j DROP",
	"-m iprange ! --src-range 198.18.0.0-198.18.255.255 -j DROP",
	NULL,
};
static const struct prog_case iprange_cases[] = {
	CASE("src .1.10", DROP, 0, .src = "198.18.1.10"),
	CASE("src .1.20", DROP, 0, .src = "198.18.1.20"),
	CASE("src .1.21", PASS, POLICY, .src = "198.18.1.21"),
	CASE("src .1.9", PASS, POLICY, .src = "198.18.1.9"),
	CASE("dst .4", DROP, 1, .dst = "198.18.0.4"),
	CASE("dst .3", PASS, POLICY, .dst = "198.18.0.3"),
	CASE("dst .1", DROP, 1, .dst = "198.18.0.1"),
	CASE("reversed range", DROP, 3, .src = "198.19.255.255", .dst = "198.18.0.3"),
	CASE("src 198.17.255.255", DROP, 3, .src = "198.17.255.255"),
	CASE("src 198.19.0.0", DROP, 3, .src = "198.19.0.0"),
};

static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
static const uint8_t mac_mcast4[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t mac_mcast6[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
static const char *const pkttype_rules[] = {
	"-m pkttype --pkt-type broadcast -j DROP",
	"-p udp -m pkttype ! --pkt-type host -j DROP",
	"-m pkttype --pkt-type multicast -p tcp -j DROP",
	"-m pkttype --pkt-type otherhost -j DROP",
	"-p icmp -m pkttype ! --pkt-type unicast -j DROP",
	"-p icmp -m pkttype --pkt-type host -j DROP",
	NULL,
};
PATCHED(pt_bcast, -1, -1, mac_bcast, .proto = TCP)
PATCHED(pt_almost, -1, -1, mac_almost, .proto = TCP)
PATCHED(pt_mcast4, -1, -1, mac_mcast4, .proto = TCP)
PATCHED(pt_udp_mcast6, -1, -1, mac_mcast6, .proto = UDP)
PATCHED(pt_udp_bcast, -1, -1, mac_bcast, .proto = UDP)
PATCHED(pt_icmp_mcast, -1, -1, mac_mcast4, .proto = ICMP)
static const struct prog_case pkttype_cases[] = {
	FRAME("tcp broadcast", DROP, 0, pt_bcast),
	FRAME("tcp ff..fe", DROP, 2, pt_almost),
	FRAME("tcp multicast", DROP, 2, pt_mcast4),
	FRAME("udp multicast", DROP, 1, pt_udp_mcast6),
	FRAME("udp broadcast", DROP, 0, pt_udp_bcast),
	FRAME("icmp multicast", DROP, 4, pt_icmp_mcast),
	CASE("tcp host", PASS, POLICY),
	CASE("udp host", PASS, POLICY, .proto = UDP),
	CASE("icmp host", DROP, 5, .proto = ICMP),
};

const struct prog_suite prog_suites[] = {
	SUITE(addresses, BF_VERDICT_DROP),
	SUITE(address_edges, BF_VERDICT_DROP),
	SUITE(protocols, BF_VERDICT_ACCEPT),
	SUITE(ports, BF_VERDICT_ACCEPT),
	SUITE(iface, BF_VERDICT_ACCEPT),
	SUITE(fragments, BF_VERDICT_DROP),
	SUITE(hotdrop, BF_VERDICT_DROP),
	SUITE(dead_code, BF_VERDICT_DROP),
	SUITE(policy_drop, BF_VERDICT_DROP),
	SUITE(policy_accept, BF_VERDICT_ACCEPT),
	SUITE(ipv4_good, BF_VERDICT_DROP),
	SUITE(ipv4_options, BF_VERDICT_DROP),
	SUITE(ipv4_dropped, BF_VERDICT_DROP),
	SUITE(ipv4_padding, BF_VERDICT_DROP),
	SUITE(not_ipv4, BF_VERDICT_DROP),
};
const size_t prog_n_suites = sizeof(prog_suites) / sizeof(prog_suites[0]);

static const char *const multiport_rules[] = {
	"-p tcp -m multiport --dports 22,80:90,443 -j DROP",
	"-p udp -m multiport --sports 53,5000:5010 -j DROP",
	"-p tcp -m multiport --ports 7000,7100:7200 -j DROP",
	"-p tcp -s 198.18.0.5 -m multiport ! --dports 1000:2000,3000 -j DROP",
	"-p sctp -m multiport --dports 9 -j DROP",
	"-p udp -s 198.18.0.6 -m multiport ! --sports 1 -j ACCEPT",
	NULL,
};
static const struct prog_case multiport_cases[] = {
	CASE("tcp 22", DROP, 0, .dport = 22),
	CASE("tcp 80", DROP, 0, .dport = 80),
	CASE("tcp 90", DROP, 0, .dport = 90),
	CASE("tcp 91", PASS, POLICY, .dport = 91),
	CASE("tcp 443", DROP, 0, .dport = 443),
	CASE("tcp 442", PASS, POLICY, .dport = 442),
	CASE("tcp from 7000", DROP, 2, .sport = 7000, .dport = 100),
	CASE("tcp 50 -> 7150", DROP, 2, .sport = 50, .dport = 7150),
	CASE("tcp 7200", DROP, 2, .dport = 7200),
	CASE("tcp 7201", PASS, POLICY, .dport = 7201),
	CASE("udp from 53", DROP, 1, .proto = UDP, .sport = 53),
	CASE("udp from 5010", DROP, 1, .proto = UDP, .sport = 5010),
	CASE("udp from 5011", PASS, POLICY, .proto = UDP, .sport = 5011),
	CASE("tcp .5 -> 1500", PASS, POLICY, .src = "198.18.0.5", .dport = 1500),
	CASE("tcp .5 -> 2001", DROP, 3, .src = "198.18.0.5", .dport = 2001),
	CASE("tcp .5 -> 3000", PASS, POLICY, .src = "198.18.0.5", .dport = 3000),
	CASE("sctp 9", DROP, 4, .proto = 132, .dport = 9),
	CASE("sctp 10", PASS, POLICY, .proto = 132, .dport = 10),
	CASE("tcp 22, header cut at 10", DROP, 0, .dport = 22, .l4_len = 10),
	CASE("tcp 22, header cut at 4", DROP, 0, .dport = 22, .l4_len = 4),
	CASE("tcp header cut at 3: hotdrop", DROP, NONE, .dport = 22, .l4_len = 3),
	CASE("tcp 22, offset 1", PASS, POLICY, .dport = 22, .frag = 1, .l4_len = 20),
	CASE("tcp .5, offset 2", PASS, POLICY, .src = "198.18.0.5", .frag = 2),
	CASE("tcp 22, first fragment", DROP, 0, .dport = 22, .mf = true),
	CASE("udp .6 from 1", PASS, POLICY, .proto = UDP, .src = "198.18.0.6", .sport = 1),
	CASE("udp .6 from 2", PASS, 5, .proto = UDP, .src = "198.18.0.6", .sport = 2),
	CASE("udp from 53, cut at 4", DROP, 1, .proto = UDP, .sport = 53, .l4_len = 4),
	CASE("udp cut at 2: hotdrop", DROP, NONE, .proto = UDP, .sport = 53, .l4_len = 2),
	CASE("sctp cut at 3: hotdrop", DROP, NONE, .proto = 132, .dport = 9, .l4_len = 3),
};

/* The suites of extension matches: tests/lib/prog_rules.c's small rule
 * parser does not read them, so test_xdp_matches compiles them through
 * the real front end (and test_xdp_oracle checks them too). Declared
 * where used (prog_suites.h is not this file's to extend). */
const struct prog_suite prog_match_suites[] = {
	SUITE(tcp_flags, BF_VERDICT_ACCEPT),
	SUITE(icmp, BF_VERDICT_ACCEPT),
	SUITE(length, BF_VERDICT_ACCEPT),
	SUITE(ttl, BF_VERDICT_ACCEPT),
	SUITE(tos, BF_VERDICT_ACCEPT),
	SUITE(iprange, BF_VERDICT_ACCEPT),
	SUITE(pkttype, BF_VERDICT_ACCEPT),
	SUITE(multiport, BF_VERDICT_ACCEPT),
};
const size_t prog_n_match_suites = sizeof(prog_match_suites) / sizeof(prog_match_suites[0]);
