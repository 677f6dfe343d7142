/* Netfilter BPF links: a program attached to a netfilter hook of the
 * calling thread's network namespace. The hook stays while the link fd
 * (or a pin of it) lives. A netfilter link cannot be updated in place
 * (the kernel's bpf_nf_link_update says -EOPNOTSUPP): the link holds a
 * fixed dispatcher (bf_cgen_nf_dispatcher) that tail-calls a prog_array
 * slot, replaced in one map update. */
#ifndef BF_KERN_NF_LINK_H
#define BF_KERN_NF_LINK_H

#include <stdint.h>

/* BPF_LINK_CREATE on hook `hooknum` of protocol family pf (NFPROTO_*) at
 * priority; flags: BF_F_NETFILTER_IP_DEFRAG or 0. The link fd, or -errno. */
int bf_nf_link_create(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority,
		      uint32_t flags);

/* Names the kernel shows for the dispatcher and its maps. */
#define BF_NF_DISPATCH_NAME "bf_nf_dispatch"
#define BF_NF_SLOTS_MAP_NAME "bf_nf_slots"
#define BF_NF_IFMAP_MAP_NAME "bf_nf_ifmap"

/* The dispatcher's maps: a prog_array of n netfilter programs (one per
 * attached interface), and a hash of n entries from an interface index
 * to its slot there. The map fd, or -errno. */
int bf_nf_slots_create(uint32_t n);
int bf_nf_ifmap_create(uint32_t n);

#endif
