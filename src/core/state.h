/* The state of one network namespace: its ruleset and the interfaces it is
 * attached to. Kept under BF_RUN_DIR/<netns cookie>/ (a plain directory
 * every command of the namespace sees, even through `ip netns exec`):
 *   lock      serializes commands (flock)
 *   rules.v4  the canonical ruleset as `iptables-save -c` text
 *   attach    one line per attached interface: "IFNAME IFINDEX MODE"
 * The attached programs are found again through the interfaces and their
 * counters map through the program; the files say which interfaces to look
 * at and in which counter slot each rule lives (the file's rule order). */
#ifndef BF_STATE_H
#define BF_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ruleset.h"
#include "kern/kern.h"

#define BF_RUN_DIR_DEFAULT "/run/bpfilter"

struct bf_attachment {
	char ifname[BF_IFNAMSIZ];
	int ifindex;
	enum bf_xdp_mode mode;
	uint32_t prog_id; /* 0 when the program is gone (interface removed) */
};

struct bf_state {
	char dir[256];
	int lock_fd;
	struct bf_ruleset *rs; /* counters: live from the kernel when attached */
	struct bf_attachment *att;
	size_t n_att;
};

/* Takes the lock (see bf_lock_take) and reads the state, creating an empty
 * one for a namespace seen the first time. The run directory is
 * $BPFILTER_RUN_DIR or BF_RUN_DIR_DEFAULT. */
int bf_state_open(struct bf_state *st, int wait_secs, unsigned int wait_interval_us);
void bf_state_close(struct bf_state *st);

/* Makes `rs` the ruleset: compiles it for every attachment, loads, swaps
 * each atomically, carries counters of unchanged rules (rule->old_slot),
 * then stores it. On any failure the old programs stay attached, the
 * stored ruleset is unchanged, and an error is returned. On success st->rs
 * is replaced by rs (taken over). */
int bf_state_commit(struct bf_state *st, struct bf_ruleset *rs);


int bf_state_attach(struct bf_state *st, const char *ifname, enum bf_xdp_mode mode);
int bf_state_detach(struct bf_state *st, const char *ifname);

#endif
