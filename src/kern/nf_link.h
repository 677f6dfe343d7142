/* Netfilter BPF links: a program attached to a netfilter hook of the
 * calling thread's network namespace. The hook stays while the link fd
 * (or a pin of it) lives. A netfilter link cannot be updated in place
 * (the kernel's bpf_nf_link_update says -EOPNOTSUPP): replace the program
 * atomically through a fixed dispatcher that tail-calls a prog_array slot
 * (bf_nf_dispatcher_load), updated in one map update. */
#ifndef BF_KERN_NF_LINK_H
#define BF_KERN_NF_LINK_H

#include <stdint.h>

/* BPF_LINK_CREATE on hook `hooknum` of protocol family pf (NFPROTO_*) at
 * priority; flags: BF_F_NETFILTER_IP_DEFRAG or 0. The link fd, or -errno. */
int bf_nf_link_create(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority,
		      uint32_t flags);

/* Loads the fixed dispatcher: tail-calls slot 0 of prog_array_fd (a
 * BPF_MAP_TYPE_PROG_ARRAY of netfilter programs) and returns
 * `fallback` (NF_ACCEPT / NF_DROP) when the slot is empty. The program
 * fd, or -errno. */
int bf_nf_dispatcher_load(int prog_array_fd, int fallback);

/* A prog_array of one slot for the dispatcher; the map fd or -errno. */
int bf_nf_prog_array_create(void);

#endif
