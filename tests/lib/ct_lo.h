/* Conntrack flows over lo for tests and benchmarks (ct_lo.c): a network
 * namespace of the caller's own with conntrack on, flows made with real
 * sockets (so the kernel tracks them), and frames of those flows to run
 * through a program with BPF_PROG_TEST_RUN (its lookups are in this
 * namespace). */
#ifndef CT_LO_H
#define CT_LO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CT_LO_HOST "198.18.0.1"
#define CT_LO_HOST6 "2001:db8::1"
#define CT_TH_FIN 0x01
#define CT_TH_SYN 0x02
#define CT_TH_ACK 0x10

/* Enters a new network namespace with lo up, CT_LO_HOST(6) on it, and
 * conntrack on for both families. 0, or -1 after a message. */
int ct_lo_enter(void);

/* An Ethernet frame from the host to itself: UDP (payload bytes after
 * its header), TCP (seq, ack, flags, no options) or ICMP echo (proto
 * IPPROTO_ICMP, ICMPv6's in IPv6), the transport checksum off by
 * csum_err. Returns its length. */
struct ct_lo_frame {
	bool v6;
	uint8_t proto;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	size_t payload;
	int csum_err;
};
size_t ct_lo_frame(uint8_t *f, const struct ct_lo_frame *p);

/* The flows: UDP from port 5000 to 6000 (nobody listens: tracked all the
 * same), and TCP from 7001 to 7000 with data both ways; snd and rcv are
 * the client's next sequence numbers (read in repair mode). */
struct ct_lo_flows {
	int udp, listener, client, accepted;
	uint32_t snd, rcv;
};
int ct_lo_flows_make(bool v6, struct ct_lo_flows *fl); /* 0 or -errno */
void ct_lo_flows_close(struct ct_lo_flows *fl);

#endif
