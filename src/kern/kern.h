/* Thin wrappers over libbpf and the kernel: load, maps, XDP attach,
 * network namespace identity, the lock. 0 or negative errno everywhere;
 * messages go through bf_log. */
#ifndef BF_KERN_H
#define BF_KERN_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgen/cgen.h"
#include "ir/ruleset.h"

/* The network namespace's cookie (SO_NETNS_COOKIE): never reused, so it
 * names the namespace's state directory. */
int bf_netns_cookie(uint64_t *cookie);

/* Loads a program; with verbose, logs the verifier log (between clear
 * markers) on failure. Programs are named `name` so they can be found
 * again through the interface. */
int bf_prog_load(const struct bf_hook_ops *hook, const struct bpf_insn *insns,
		 size_t n_insns, const char *name, int *prog_fd);
/* The same for a program with subprograms (callbacks) starting at
 * subprogs[0..n_subprogs): the kernel wants BTF func_info for them. */
int bf_prog_load_funcs(const struct bf_hook_ops *hook, const struct bpf_insn *insns,
		       size_t n_insns, const uint32_t *subprogs, size_t n_subprogs,
		       const char *name, int *prog_fd);
struct bpf_prog_load_opts;
/* Sets that BTF and func_info in opts: the main function, then one
 * static callback per subprogram. After the load, close *btf_fd and
 * free opts->func_info. */
int bf_prog_funcs_opts(const uint32_t *subprogs, size_t n_subprogs,
		       struct bpf_prog_load_opts *opts, int *btf_fd);

/* Turns the kernel's conntrack for IPv4 or IPv6 on (or off, as far as
 * bpfilter turned it on) in the current network namespace
 * (ct_register.c), for programs that read it. 0 or -errno, logged. */
int bf_ct_register(bool ipv6, bool on);
/* Per-CPU array of struct bf_counter, n_slots entries (at least 1). */
int bf_counters_create(size_t n_slots, int *map_fd);
/* Sums every CPU's value of each slot into out[0..n). */
int bf_counters_read(int map_fd, size_t n, struct bf_counter *out);
/* Sums every CPU's value of one slot. */
int bf_counters_read_one(int map_fd, size_t slot, struct bf_counter *out);
/* Sets slot to c (on one CPU, zero on the others). */
int bf_counters_write(int map_fd, size_t slot, const struct bf_counter *c);
/* The state map (BF_MAP_STATE): an array of n_slots u64, zeroed. */
int bf_state_map_create(size_t n_slots, int *map_fd);
/* Copies slot from of state map from_fd to slot to of to_fd. */
int bf_state_map_copy(int from_fd, size_t from, int to_fd, size_t to);
/* A new, empty BF_MAP_ICMP_PEERS map. */
int bf_icmp_peers_map_create(int *map_fd);
/* A new, empty BF_MAP_FRAGS map (cgen/tc.h). */
int bf_frags_map_create(int *map_fd);
/* A new LOG ring buffer (BF_MAP_LOG, BF_LOG_RING_BYTES) and its drops
 * array (BF_MAP_LOG_DROPS), unpinned. */
int bf_log_maps_create(int *ring_fd, int *drops_fd);
/* A new, empty BF_MAP_HASHLIMIT or BF_MAP_RECENT map (cgen/named.h),
 * unpinned. */
int bf_named_map_create(enum bf_map_id map, int *fd);
/* Sets n slots from `slot` on to 0. */
int bf_state_map_zero(int map_fd, size_t slot, size_t n);
/* Loads a compiled program (its map fixups still there): map_fds gives
 * the shared maps; its classifier map is made here from cg->class_table
 * when it has stages. */
int bf_prog_load_cgen(const struct bf_hook_ops *hook, struct bf_cgen *cg,
		      const int map_fds[BF_MAP_MAX], const char *name, int *prog_fd);
/* The classifier map (BF_MAP_CLASS) holding t's slots. */
int bf_class_map_create(const struct bf_class_table *t, int *map_fd);
/* The in-place update of a classifier map (plan/classify.h). check: 0
 * when its tables have t's size and its header t's digests (-ESTALE when
 * not), and how long ago its last replace flipped it (UINT64_MAX:
 * never): in-flight runs may read the other half until a grace period
 * after that. replace: writes t into the half the programs do not read,
 * then makes them read it; *old_half is the half they read before, for
 * bf_class_map_flip() to go back (until the next replace). */
int bf_class_map_check(int map_fd, const struct bf_class_table *t, uint64_t *flipped_ns_ago);
int bf_class_map_replace(int map_fd, const struct bf_class_table *t, uint32_t *old_half);
int bf_class_map_flip(int map_fd, size_t n, uint32_t half);
/* The classifier map of a loaded program, -ENOENT when it has none. */
int bf_prog_class_map(int prog_fd, int *map_fd);
/* The counters map of a loaded program, found through its map ids. */
int bf_prog_counters_map(int prog_fd, int *map_fd);
/* Its state map (BF_MAP_STATE), -ENOENT when it uses none. */
int bf_prog_state_map(int prog_fd, int *map_fd);

enum bf_xdp_mode {
	BF_XDP_NATIVE,
	BF_XDP_GENERIC,
	BF_XDP_OFFLOAD, /* in the NIC (XDP_FLAGS_HW_MODE) */
	/* Asked for only, never attached: native, else generic. */
	BF_XDP_AUTO,
};
const char *bf_xdp_mode_name(enum bf_xdp_mode m);
int bf_xdp_mode_by_name(const char *name, enum bf_xdp_mode *m);

/* Attaches prog_fd. With old_prog_fd >= 0 the swap is atomic and only
 * happens if old_prog_fd is still attached (XDP_FLAGS_REPLACE); with -1
 * it fails if any program is attached. */
int bf_xdp_attach(int ifindex, int prog_fd, enum bf_xdp_mode mode, int old_prog_fd);
/* Detaches old_prog_fd if it is still the attached program. */
int bf_xdp_detach(int ifindex, enum bf_xdp_mode mode, int old_prog_fd);
/* The id of the XDP program attached in that mode (0 when none). */
int bf_xdp_query(int ifindex, enum bf_xdp_mode mode, uint32_t *prog_id);
/* 0 when the device runs BPF programs in hardware (a program bound to
 * it loads), else -errno, logged with what to do instead. */
int bf_xdp_offload_probe(int ifindex, const char *ifname);
/* XDP programs loaded from now on are for offload to ifindex (0: not). */
void bf_prog_offload_to(int ifindex);

/* Program facts for `status`. */
struct bf_prog_facts {
	uint32_t id;
	uint32_t n_insns; /* as loaded (xlated) */
	char name[16];
};
int bf_prog_facts(int prog_fd, struct bf_prog_facts *f);

/* The state-directory lock (iptables' -w semantics): wait_secs < 0 fails
 * at once with -EWOULDBLOCK when busy, 0 waits forever, else waits that
 * many seconds, retrying every interval_us. */
int bf_lock_take(const char *path, int wait_secs, unsigned int interval_us, int *fd);
void bf_lock_drop(int fd);

#endif
