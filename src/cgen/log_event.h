/* The LOG target's events: what a program writes into the namespace's
 * ring buffer (BF_MAP_LOG) for each packet a LOG rule sees, and what
 * `bpfilter log` prints as the kernel's LOG target would
 * (core/log_line.h). Everything the line needs travels in the event, the
 * rule's options as constants of the program: a change of rules between
 * logging and printing cannot alter what is printed. */
#ifndef BF_CGEN_LOG_EVENT_H
#define BF_CGEN_LOG_EVENT_H

#include <stdint.h>

/* xt_log_info's logflags (XT_LOG_*). */
#define BF_LOG_F_TCPSEQ 0x01
#define BF_LOG_F_TCPOPT 0x02
#define BF_LOG_F_IPOPT 0x04
#define BF_LOG_F_UID 0x08
#define BF_LOG_F_MACDECODE 0x20
/* Ours, not xt's: the event holds the packet as the chain saw it (a
 * netfilter hook's), not the frame as received before FORWARD's TTL
 * decrement (XDP's). */
#define BF_LOG_F_AS_SEEN 0x80

#define BF_LOG_PREFIX_SIZE 30 /* xt_log_info's, with its NUL */

/* Bytes of the frame an event keeps: the link-layer header (VLAN tags
 * included) and enough of the packet for every header the kernel's line
 * shows (IPv4 or TCP options, an ICMP error's quoted header). */
#define BF_LOG_DATA 384

struct bf_log_event {
	uint64_t ts_ns;   /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	uint32_t len;     /* the packet's length from its network header, as
			   * the stack's skb->len (IPv4: the total length) */
	uint16_t cap;     /* bytes of data[] filled */
	uint16_t l3_off;  /* where the network header is in data[] */
	uint8_t family;   /* enum bf_family */
	uint8_t level;    /* --log-level, 0-7 */
	uint8_t logflags; /* BF_LOG_F_* */
	uint8_t mac_len;  /* bytes of link-layer header before l3_off (0:
			   * the skb had none) */
	uint32_t out_ifindex; /* FORWARD: the route's output interface; OUTPUT
			       * (ifname empty): the one left by; 0: none */
	char ifname[16];  /* the input interface the program serves */
	char prefix[32];  /* --log-prefix, NUL-terminated */
	uint8_t data[BF_LOG_DATA];
};

/* The ring buffer's size (a power of 2 of pages): some 2,300 events. */
#define BF_LOG_RING_BYTES (1u << 20)

/* BF_MAP_LOG_DROPS: an array of two u64, [0] the events the programs
 * could not write (the ring buffer was full), [1] how many of them
 * `bpfilter log` reported already (only user space writes it). */
#define BF_LOG_DROPS_ENTRIES 2

#endif
