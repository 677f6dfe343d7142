/* Kernel wrappers used by src/core beyond the contract in kern.h. Kept
 * apart so kern.h stays the shared interface. */
#ifndef BF_KERN_INT_H
#define BF_KERN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "kern/kern.h"

/* Names the kernel shows for our objects: how we recognise them. */
#define BF_PROG_NAME "bpfilter"
#define BF_COUNTERS_MAP_NAME "bf_counters"
#define BF_STATE_MAP_NAME "bf_state"
#define BF_ICMP_PEERS_MAP_NAME "bf_icmp_peers"
#define BF_FRAGS_MAP_NAME "bf_frags"
#define BF_CLASS_MAP_NAME "bf_class"
#define BF_LOG_RING_MAP_NAME "bf_log"
#define BF_LOG_DROPS_MAP_NAME "bf_log_drops"
#define BF_HASHLIMIT_MAP_NAME "bf_hashlimit"
#define BF_RECENT_MAP_NAME "bf_recent"

/* Entries of a counters map (after checking it is one). */
int bf_counters_size(int map_fd, size_t *n_slots);

/* Waits until no CPU can still be running a program that was detached
 * before the call (an RCU grace period), so its last counts are in. */
void bf_prog_quiesce(void);

/* Opens the program with that id; -ENOENT when it is gone. */
int bf_prog_by_id(uint32_t id, int *prog_fd);

/* Routes libbpf's messages to bf_log (idempotent) and forgets the last
 * kernel message: called before each kernel request. */
void bf_kern_log_init(void);
/* The kernel's extack message for the last failed request since
 * bf_kern_log_init, or NULL. */
const char *bf_kern_last_msg(void);

#endif
