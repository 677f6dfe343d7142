/* Crafted Ethernet frames for program tests: IPv4 with TCP, UDP or any
 * protocol, with odd parts set on purpose. Zero fields take defaults. */
#ifndef PROG_PKT_H
#define PROG_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG_PKT_MAX 2048

struct prog_pkt {
	uint16_t ethertype;   /* 0: IPv4 (0x0800) */
	const char *src, *dst; /* NULL: 198.18.0.1 -> 198.18.0.2 */
	uint8_t proto;        /* 0: TCP */
	uint16_t sport, dport; /* 0: 40000 -> 80 */
	uint8_t tcp_flags;    /* 0: SYN */
	uint16_t frag;        /* fragment offset, 8-byte units */
	bool mf;              /* more fragments */
	uint8_t opt_words;    /* IP options, 4-byte words (NOPs, end) */
	uint16_t payload;     /* bytes after the transport header */
	/* Oddities. */
	int l4_len;           /* > 0: this many transport bytes in all; -1: none */
	int ihl;              /* > 0: this IHL field instead of the real one */
	int version;          /* > 0: this version field instead of 4 */
	int tot_len_delta;    /* added to the total length field */
	bool bad_csum;        /* header checksum off by one */
	size_t cut;           /* bytes cut from the end of the frame */
	size_t pad;           /* zero bytes after the datagram (Ethernet padding) */
};

/* Builds the frame into buf (PROG_PKT_MAX bytes); returns its length. */
size_t prog_pkt_build(const struct prog_pkt *p, uint8_t *buf);

/* The IPv4 total length the frame's header says (before any cut). */
uint16_t prog_pkt_ip_len(const struct prog_pkt *p);

/* A minimal frame of another kind: ARP request, or IPv6 with UDP. */
size_t prog_pkt_arp(uint8_t *buf);
size_t prog_pkt_ipv6(uint8_t *buf);

#endif
