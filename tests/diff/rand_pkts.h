/* Packets for the differential harness: a frame spec, the bytes built
 * from it, and random specs aimed at the edges of a ruleset's tests. */
#ifndef RAND_PKTS_H
#define RAND_PKTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rand_prng.h"
#include "rand_rules.h"

#define RP_MAX_FRAME 1600
/* What the sender's AF_PACKET socket takes on the veth (packet_snd):
 * the MTU and the Ethernet header, 4 bytes more with an 802.1Q tag. */
#define RP_MTU 1500
#define RP_MAX_FRAMES 64

/* Ethernet addresses: the sender's and the judged side's veth. */
#define RP_MAC_A {0x02, 0, 0, 0, 0, 0x01}
#define RP_MAC_B {0x02, 0, 0, 0, 0, 0x02}

#define RP_MAX_EXT 12
#define RP_MAX_OPTS 4
#define RP_MAX_RTADDR 4

/* One IPv6 extension header (rand_pkts6.c builds it). */
struct rp_ext {
	uint8_t type;    /* 0 hop-by-hop, 43 routing, 44 fragment, 51 AH, 60 dst */
	uint8_t hdrlen;  /* the length byte (fragment: its reserved byte) */
	uint8_t rt_type, segsleft;
	uint16_t frag;   /* fragment: offset << 3 | reserved << 1 | M */
	uint16_t ah_res; /* AH: the reserved field */
	uint32_t word;   /* fragment: id; routing: bytes 4-7 */
	/* Options written first, in order (then padding/filler): type and
	 * data length (0xff: any). */
	uint8_t opt_t[RP_MAX_OPTS], opt_l[RP_MAX_OPTS], n_opts;
	bool junk;       /* options/data of random bytes (no TLV sense) */
};

struct rp_pkt {
	uint8_t family;     /* 4 or 6 */
	/* IPv6: the upper 96 bits of source and destination (saddr and
	 * daddr are the low 32): 0 2001:db8::/96, 1 2001:db8::1:0:0/96,
	 * 2 2001:db8:1::/96, 3 2001:db9::/96, 4 2001:db8::8000:0:0:0/96,
	 * 5 2001:db8:ffff::/96 (the oracle's marker frames only). */
	uint8_t hi6_s, hi6_d;
	uint8_t l2;         /* 0: to B's MAC, 1: broadcast, 2: multicast */
	uint8_t smac_last;  /* last byte of the Ethernet source */
	uint16_t ethertype; /* 0x0800 for IPv4; others: a non-IP frame */
	uint32_t saddr, daddr;
	uint8_t proto, ttl, tos; /* IPv6: next header, hop limit, traffic class */
	uint16_t id;
	uint16_t fragoff;   /* 8-byte units */
	bool mf, df;
	uint8_t opt_words;  /* IPv4 options: NOPs and an EOL */
	uint16_t sport, dport;
	uint8_t tcpflags, tcpopt_kind; /* option kind (0: no option block) */
	uint8_t icmp_type, icmp_code;
	uint32_t spi;
	uint16_t payload;   /* bytes after the transport header */
	int l4_cut;         /* transport bytes left (> 0: truncated header) */
	/* Oddities the stack drops before any hook. */
	int ihl, version, tot_len_delta; /* IPv6: delta of the payload length */
	bool bad_csum;
	uint8_t pad;        /* Ethernet padding after the datagram */
	/* 802.1Q tag: 0 none, 1 VID 0 (priority tag), 2 a VID != 0. */
	uint8_t vlan;
	uint16_t vlan_tci;
	/* IPv6: extension headers between the fixed header and `proto`. */
	struct rp_ext ext[RP_MAX_EXT];
	uint8_t n_ext;
	uint16_t ext_cut;   /* > 0: the datagram ends this many bytes before
			     * the end of the chain (truncated, no transport) */
	uint32_t rt_addr[RP_MAX_RTADDR]; /* type 0 routing addresses (low 32) */
	uint8_t mh_type, mh_proto; /* Mobility header (proto 135) */
};

struct rp_frame {
	uint8_t data[RP_MAX_FRAME];
	size_t len;
};

/* Builds the frame; returns its length. */
size_t rp_build(const struct rp_pkt *p, uint8_t *buf);
/* NULL if a built frame keeps the bounds rp_generate keeps (size for the
 * MTU, rp6_ext_max headers in the chain), else which one it breaks. */
const char *rp_check(const uint8_t *frame, size_t len);

/* Fills specs for `n` packets of rs's family aimed at its rules (unique
 * IP IDs from *id). IPv4 fragments only with frags. */
size_t rp_generate(struct rnd *r, const struct rr_set *rs, struct rp_pkt *pkts, size_t n,
		   bool frags, uint16_t *id);

/* rand_pkts6.c: the extension header chain of p into out (its length;
 * *first: the fixed header's next header), and aims and oddities of
 * IPv6 packets (extension headers, VLAN tags). */
/* At most this many extension headers in a frame's chain as
 * rp6_walk_count counts them (default 10; the XDP walk stops at 8, see
 * src/cgen/prologue_ipv6.c). */
extern unsigned int rp6_ext_max;
/* No truncated extension header (a cut chain, a length past the frame). */
extern bool rp6_whole_ext;
size_t rp6_build_ext(const struct rp_pkt *p, uint8_t *out, uint8_t *first);
size_t rp6_ext_len(const struct rp_pkt *p);
unsigned int rp6_walk_count(const uint8_t *frame, size_t len);
bool rp6_shorten_chain(struct rp_pkt *p);
bool rp6_shrink_ext(struct rp_pkt *p, size_t bytes);
void rp6_aim(struct rnd *r, struct rp_pkt *p, const struct rr_aim *a);
void rp6_defaults(struct rnd *r, struct rp_pkt *p);
void rp6_oddities(struct rnd *r, struct rp_pkt *p);
void rp_vlan(struct rnd *r, struct rp_pkt *p);
/* Shared with rand_pkts.c. */
uint32_t rp_edge(struct rnd *r, uint32_t lo, uint32_t hi, uint32_t max);
void rp_put16(uint8_t *p, uint32_t v);
void rp_put32(uint8_t *p, uint32_t v);

/* Frame bytes as hex, 16 bytes a line. */
void rp_hex(const uint8_t *b, size_t len, struct bf_strbuf *out);

#endif
