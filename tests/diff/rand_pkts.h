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
#define RP_MAX_FRAMES 64

/* Ethernet addresses: the sender's and the judged side's veth. */
#define RP_MAC_A {0x02, 0, 0, 0, 0, 0x01}
#define RP_MAC_B {0x02, 0, 0, 0, 0, 0x02}

struct rp_pkt {
	uint8_t family;     /* 4 or 6 */
	/* IPv6: the upper 96 bits of source and destination (saddr and
	 * daddr are the low 32): 0 2001:db8::/96, 1 2001:db8::1:0:0/96,
	 * 2 2001:db8:1::/96, 3 2001:db9::/96, 4 2001:db8::8000:0:0:0/96. */
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
};

struct rp_frame {
	uint8_t data[RP_MAX_FRAME];
	size_t len;
};

/* Builds the frame; returns its length. */
size_t rp_build(const struct rp_pkt *p, uint8_t *buf);

/* Fills specs for `n` packets of rs's family aimed at its rules (unique
 * IP IDs from *id). IPv4 fragments only with frags. */
size_t rp_generate(struct rnd *r, const struct rr_set *rs, struct rp_pkt *pkts, size_t n,
		   bool frags, uint16_t *id);

/* Frame bytes as hex, 16 bytes a line. */
void rp_hex(const uint8_t *b, size_t len, struct bf_strbuf *out);

#endif
