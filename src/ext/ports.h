/* Port ranges shared by the tcp and udp matches (and later multiport):
 * parsing, printing and compiling as libxt_tcp/libxt_udp and xt_tcpudp. */
#ifndef BF_EXT_PORTS_H
#define BF_EXT_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

struct bf_cgen;

/* "N", "N:M", ":M", "N:", ":" with service names of `proto` ("tcp"/"udp").
 * Logs iptables' message and returns -EINVAL on a bad value. */
int bf_ports_parse(const char *arg, const char *proto, const char *ext,
		   const char *optname, uint16_t range[2]);

/* -L text: " spt:22", " dpts:1:1024", " spt:!80"; names unless numeric. */
void bf_ports_print(struct bf_strbuf *out, const char *name, const uint16_t range[2],
		    bool invert, bool numeric, const char *proto);

/* iptables-save text: " --sport 1:2", " ! --dport 22"; nothing for 0:65535
 * without inversion. */
void bf_ports_save(struct bf_strbuf *out, const char *opt, const uint16_t range[2],
		   bool invert);

/* The part of xt_tcpudp every tcp/udp match does first: a non-first
 * fragment never matches (offset 1 hotdrops when hotdrop_frag1, as TCP
 * does) and a header that cannot be read hotdrops. */
void bf_emit_l4_guard(struct bf_cgen *cg, bool hotdrop_frag1, int no_match);

/* Jumps to no_match unless the u16 at packet-context offset `off` is in
 * range (or, inverted, outside it). */
void bf_emit_port_range(struct bf_cgen *cg, int off, const uint16_t range[2],
			bool invert, int no_match);

#endif
