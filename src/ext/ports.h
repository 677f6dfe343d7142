/* Port ranges shared by the tcp and udp matches (and later multiport):
 * parsing, printing and compiling as libxt_tcp/libxt_udp and xt_tcpudp. */
#ifndef BF_EXT_PORTS_H
#define BF_EXT_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

struct bf_cgen;
struct bf_class_conds;

/* The ports both the tcp and the udp match start with, as xt_tcp and
 * xt_udp lay them out. */
struct bf_port_pair {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t invflags; /* BF_PORTS_INV_* */
};
#define BF_PORTS_INV_SRC 0x01
#define BF_PORTS_INV_DST 0x02

void bf_port_pair_init(struct bf_port_pair *p);
/* -L text: " tcp spt:22 dpts:1:1024" for proto "tcp". */
void bf_port_pair_print(struct bf_strbuf *out, const struct bf_port_pair *p,
			bool numeric, const char *proto);
/* iptables-save text: " --sport 1:2 ! --dport 22". */
void bf_port_pair_save(struct bf_strbuf *out, const struct bf_port_pair *p);
/* The whole xt_tcpudp port test: the guard below, then both ranges. */
void bf_emit_port_pair(struct bf_cgen *cg, const struct bf_port_pair *p,
		       bool hotdrop_frag1, int no_match);

/* The same test as classifier conditions (plan/classify.h): the guard's
 * shadow, then l4 class OK, then each range as its prefix blocks.
 * -EOPNOTSUPP for an inverted range or too many alternatives. */
/* ANDs (word >> shift & 0xffff) in range (outside it when inverted)
 * into c's alternatives, as aligned blocks (alternatives when more than
 * one). */
int bf_class_port_range(struct bf_class_conds *c, const uint16_t range[2], bool invert,
			unsigned int shift);
int bf_port_pair_classify(struct bf_class_conds *c, const struct bf_port_pair *p,
			  bool hotdrop_frag1);

/* "N", "N:M", ":M", "N:", ":" with service names of `proto` ("tcp"/"udp").
 * Logs iptables' message and returns -EINVAL on a bad value. */
int bf_ports_parse(const char *arg, const char *proto, const char *ext,
		   const char *optname, uint16_t range[2]);

/* -L text: " spt:22", " dpts:1:1024", " spt:!80"; names unless numeric. */
void bf_ports_print(struct bf_strbuf *out, const char *name, const uint16_t range[2],
		    bool invert, bool numeric, const char *proto);

/* iptables-save text: " --sport 1:2", " ! --dport 22"; nothing for 0:65535
 * (inverted too, as iptables-save 1.8.9, except in bpfilter's state text). */
void bf_ports_save(struct bf_strbuf *out, const char *opt, const uint16_t range[2],
		   bool invert);

/* The part of xt_tcpudp every tcp/udp match does first: a non-first
 * fragment never matches (offset 1 hotdrops when hotdrop_frag1, as TCP
 * does) and a header that cannot be read hotdrops. */
void bf_emit_l4_guard(struct bf_cgen *cg, bool hotdrop_frag1, int no_match);

struct bf_rule;
/* Loads the transport header's offset from BF_REG_L3 (BF_PKT_L4OFF) into
 * `reg`, for a match that reads the header itself. */
void bf_emit_l4off(struct bf_cgen *cg, const struct bf_rule *rule, int reg);

/* ESP, AH and SCTP (xt_esp, ipt_ah, xt_sctp): a non-first fragment never
 * matches; a transport header shorter than `need` bytes within the
 * datagram hotdrops (skb_header_pointer fails). Leaves a pointer to the
 * header, checked for `need` bytes in the frame, in r3. Clobbers r0-r3. */
void bf_emit_l4_need(struct bf_cgen *cg, const struct bf_rule *rule, int need, int no_match);

/* Jumps to no_match unless the u16 at packet-context offset `off` is in
 * range (or, inverted, outside it). */
void bf_emit_port_range(struct bf_cgen *cg, int off, const uint16_t range[2],
			bool invert, int no_match);

#endif
