/* The state of one network namespace: its rulesets (iptables' and
 * ip6tables') and the interfaces it is attached to. Kept under
 * BF_RUN_DIR/<netns cookie>/ (a plain directory every command of the
 * namespace sees, even through `ip netns exec`):
 *   lock      serializes commands of both families (flock)
 *   rules.v4  the IPv4 ruleset as `iptables-save -c` text
 *   rules.v6  the IPv6 ruleset as `ip6tables-save -c` text (absent: empty)
 *   attach    one line per attached interface: "IFNAME IFINDEX MODE"
 * The attached programs are found again through the interfaces and their
 * counters map through the program; the files say which interfaces to look
 * at and in which counter slot each rule lives (the files' rule order:
 * IPv4's slots first, then IPv6's). */
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
	int prog_fd;      /* our attached program, -1 when gone */
};

struct bf_state {
	char dir[256];
	int lock_fd;
	/* The rulesets by family (enum bf_family); their counters are live
	 * from the kernel when attached. */
	struct bf_ruleset *rs[BF_FAMILY_MAX];
	struct bf_attachment *att;
	size_t n_att;
	/* The counters map the attached programs share, -1 when none. Its n
	 * slots are both families' (bf_cgen_n_slots: IPv4's, then IPv6's),
	 * two entries each: [0, n) counted by the programs, [n, 2n) a carry
	 * only user space writes (initial values, counts carried over a
	 * swap), so user space never races a program on an entry. A slot's
	 * value is the sum of both. */
	int counters_fd;
	/* The state map they share (statistic nth counts), -1 when none. */
	int state_fd;
	/* The netfilter hooks' prog_array (`attach --hook nf`,
	 * core/nf_hooks.h), -1 when they are not attached. */
	int hooks_fd;
	/* The counters read from it (folded, by slot; NULL until read): the
	 * base for carrying late counts over. n_base is the map's capacity in
	 * slots (it has 2 n_base entries), 0 without a map. */
	struct bf_counter *base;
	size_t n_base;
	/* The rules files did not give every slot: they are numbered in
	 * order, and the next commit loads new programs (core/slots.c). */
	bool slots_stale;
};

/* The namespace's run directory: $BPFILTER_RUN_DIR (or BF_RUN_DIR_DEFAULT)
 * "/<netns cookie>". */
int bf_state_ns_dir(char *dir, size_t len);

/* Takes the lock (see bf_lock_take) and reads the state, creating an empty
 * one for a namespace seen the first time. The run directory is
 * $BPFILTER_RUN_DIR or BF_RUN_DIR_DEFAULT. Lock failures are logged with
 * iptables' messages and return -EWOULDBLOCK (busy, no -w), -ETIMEDOUT
 * (waited -w seconds) or -ENOLCK (lock file cannot be created): all
 * iptables' exit code 4. An attachment whose interface or program is gone
 * is kept with prog_id 0 (see bf_state_att_gone for which). */
int bf_state_open(struct bf_state *st, int wait_secs, unsigned int wait_interval_us);
/* The same, leaving the live counters in the kernel: the rules' counters
 * are the stored ones until bf_state_load_counters() (core/state_int.h),
 * which a commit calls when it needs them. For changes that show none
 * (reading 100,000 per-CPU counters is most of a small change). */
int bf_state_open_uncounted(struct bf_state *st, int wait_secs, unsigned int wait_interval_us);
void bf_state_close(struct bf_state *st);

/* Makes `rs` the ruleset of `family` (the other family's stays): compiles
 * both for every attachment, loads, swaps each atomically, carries the
 * counters of unchanged rules of both families (rule->old_slot), then
 * stores it. On any failure (-EOPNOTSUPP with the reason logged when the
 * rulesets hold what cannot be compiled yet) the old programs stay
 * attached, the stored ruleset is unchanged, and an error is returned (rs
 * still belongs to the caller). With nothing attached nothing is compiled:
 * any valid ruleset is stored. On success st->rs[family] is replaced by rs
 * (taken over) and the counters of both are the live ones. */
int bf_state_commit(struct bf_state *st, enum bf_family family, struct bf_ruleset *rs);

/* Attaches both rulesets to an interface in that XDP mode and records it
 * (BF_XDP_AUTO: native, else generic when the driver has none, saying so;
 * an attached interface in its mode; BF_XDP_OFFLOAD: refused, saying why,
 * unless the NIC runs BPF programs in hardware).
 * Errors (nothing changes): name too long -EINVAL (a parameter problem),
 * a ruleset that cannot be compiled yet -EOPNOTSUPP (reason logged),
 * no such interface -ENXIO, another XDP program there -EEXIST, already
 * attached in the other mode -EBUSY (detach first: a mode change cannot be
 * atomic), native mode unsupported -EOPNOTSUPP. Attaching an attached
 * interface again in the same mode recompiles and swaps atomically. */
int bf_state_attach(struct bf_state *st, const char *ifname, enum bf_xdp_mode asked);
/* bf_state_attach for every interface of the network namespace, each on
 * its own: one that fails is reported and the others go on; the first
 * error (0 when none). */
int bf_state_attach_all(struct bf_state *st, enum bf_xdp_mode asked);
/* Detaches our program (only if it is still the attached one) and forgets
 * the interface; -ENOENT if it was not attached. After the last one, the
 * final counters are stored in rules.v4 and rules.v6. */
int bf_state_detach(struct bf_state *st, const char *ifname);
/* `attach --hook nf` / `detach --hook nf`: the whole ruleset on netfilter
 * links at iptables' hooks (core/nf_hooks.h) instead of XDP and TC;
 * refused while an interface is attached, and the other way round. */
int bf_state_attach_hooks(struct bf_state *st);
int bf_state_detach_hooks(struct bf_state *st);

/* Why an attachment has no program: "interface gone" or "program gone"
 * (replaced or removed by someone else); NULL when it is attached. */
const char *bf_state_att_gone(const struct bf_attachment *a);

/* Number of rules in every chain of every table of one family. */
size_t bf_state_n_rules(const struct bf_state *st, enum bf_family family);

#endif
