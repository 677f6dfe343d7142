/* The LOG target's ring buffer of a network namespace and its drop
 * counts (cgen/log_event.h): created by the first command that loads a
 * program with a LOG rule, pinned in bpfilter's bpffs (kern/bpffs.h) at
 * "<netns cookie>/log_ring" and "<netns cookie>/log_drops", so that
 * every program of the namespace, through every change, writes into the
 * same buffer, and `bpfilter log` finds it without the lock. Removed
 * with the last attachment, as the netfilter stage's pins. */
#ifndef BF_CORE_LOG_RING_H
#define BF_CORE_LOG_RING_H

#include <stdbool.h>
#include <stdint.h>

struct bf_log_ring {
	int ring_fd, drops_fd;
	uint32_t ring_id; /* the ring buffer map's id: a new one after removal */
};

/* Opens the namespace's maps through their pins; when missing, creates
 * and pins them if create is set, else -ENOENT (not logged). */
int bf_log_ring_open(bool create, struct bf_log_ring *r);
void bf_log_ring_close(struct bf_log_ring *r);
/* Unpins them; 0 when they were not there. */
int bf_log_ring_remove(void);
/* Events lost (ring buffer full) since the last call, which are then
 * reported: *n. */
int bf_log_ring_take_drops(const struct bf_log_ring *r, uint64_t *n);

#endif
