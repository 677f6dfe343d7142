/* Crafted IPv6 frames for program tests: extension header chains of any
 * kind and length, fragments, truncation, odd header fields, VLAN tags
 * (also in front of an IPv4 frame). Zero fields take defaults. */
#ifndef PROG_PKT6_H
#define PROG_PKT6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prog_pkt.h"

#define PROG_EXT_MAX 20
#define PROG_EXT_DATA 64

/* One extension header. Its bytes: next header (the chain's, or `nh`
 * when set), `hdrlen` (ipv6_optlen / ipv6_authlen units), then `data`
 * (zero-padded to the header's length); a fragment header takes offset,
 * M flag and id instead. */
struct prog_ext {
	uint8_t type;           /* 0 (HBH), 43, 44, 51, 60 or anything */
	uint8_t hdrlen;
	int nh;                 /* > 0: this next-header byte (& 0xff: 256
				 * is 0) instead of the chain's */
	uint16_t frag;          /* fragment offset, 8-byte units */
	bool mf;
	uint32_t id;            /* fragment id, or AH SPI */
	uint8_t res;            /* fragment reserved byte */
	uint8_t data[PROG_EXT_DATA]; /* bytes from offset 2 (AH: 2) */
};

struct prog_pkt6 {
	const char *src, *dst; /* NULL: 2001:db8::1 -> 2001:db8::2 */
	int proto;             /* upper layer: 0 TCP, -1 none (59 via ext) */
	uint16_t sport, dport; /* 0: 40000 -> 80 */
	uint8_t tcp_flags;     /* 0: SYN */
	uint8_t icmp_type, icmp_code; /* proto 58 */
	uint8_t hlim;          /* 0: 64 */
	uint8_t tclass;
	uint8_t n_ext;
	struct prog_ext ext[PROG_EXT_MAX];
	uint16_t payload;      /* bytes after the transport header */
	int l4_len;            /* > 0: this many transport bytes; -1: none */
	int plen;              /* > 0: this payload length field; -1: 0 */
	int version;           /* > 0: instead of 6 */
	size_t cut;            /* bytes cut from the end of the frame */
	size_t pad;            /* zero bytes after the datagram */
	/* VLAN tags in front: TCI values (VID = low 12 bits), outermost
	 * first; ad: the outer one's TPID is 802.1ad. */
	uint8_t n_vlan;
	uint16_t vlan[3];
	bool vlan_ad;
	bool mcast;            /* Ethernet destination 33:33:00:00:00:01 */
	/* An IPv4 frame (prog_pkt) instead, behind the tags above. */
	const struct prog_pkt *v4;
};

/* Builds the frame into buf (PROG_PKT_MAX bytes); returns its length and
 * sets *bytes to what ip6tables counts (40 + payload length, or the
 * frame for payload length 0 with hop-by-hop; an IPv4 frame's total
 * length). */
size_t prog_pkt6_build(const struct prog_pkt6 *p, uint8_t *buf, uint64_t *bytes);

/* A case of an IPv6 (or VLAN) suite. via, urule: 1 + the index of the
 * main chain's rule that jumped to user chain U, and of U's rule that
 * counted the packet; 0 for none. */
struct prog_case6 {
	const char *what;
	struct prog_pkt6 pkt;
	int ret;
	int rule;  /* as struct prog_case */
	int via, urule;
};

#define CASE6(WHAT, RET, RULE, ...) \
	{.what = WHAT, .ret = RET, .rule = RULE, .pkt = {__VA_ARGS__}}
/* Through chain U: VIA, UR the rule indexes, -1 for none. */
#define CASE6U(WHAT, RET, RULE, VIA, UR, ...) \
	{.what = WHAT, .ret = RET, .rule = RULE, .via = (VIA) + 1, .urule = (UR) + 1, \
	 .pkt = {__VA_ARGS__}}

#endif
