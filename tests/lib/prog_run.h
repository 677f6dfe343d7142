/* Compiling, loading and running programs in program tests, through
 * libbpf directly: BPF_PROG_TEST_RUN with crafted frames, counters read
 * from the per-CPU array and summed. */
#ifndef PROG_RUN_H
#define PROG_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "cgen/cgen.h"
#include "ir/ruleset.h"

struct prog {
	int prog_fd;
	int map_fd;
	int state_fd; /* BF_MAP_STATE, -1 when the program has none */
	/* BF_MAP_LOG and BF_MAP_LOG_DROPS, made for the program when it has
	 * LOG rules (0 or -1 when none). */
	int log_fd, log_drops_fd;
	/* BF_MAP_HASHLIMIT and BF_MAP_RECENT (cgen/named.h) when the program
	 * uses them: prog_named_shared's, or made for the program (closed
	 * with it); 0 or -1 when none. prog_load makes the meta entries of
	 * the ruleset's tables in them. */
	int hl_fd, recent_fd;
	size_t n_slots;
	size_t n_insns;
	uint32_t verified_insns; /* instructions the verifier processed */
};

/* Named-table maps for the next programs to share (as a namespace's
 * programs do, across loads), instead of their own: -1 for none. */
extern int prog_named_shared[2]; /* [0] hashlimit, [1] recent */

/* Exits 77 (skip) when not root. Call first in main(). */
void prog_need_root(void);
/* A new directory NAME.XXXXXX under $TMPDIR (else /tmp), its path in buf
 * (tests/run.sh gives each run a TMPDIR of its own, whose bpffs mounts
 * it sweeps should a test die before it unmounts them). 0, or -errno
 * with errno set. */
int prog_tmpdir(char *buf, size_t size, const char *name);

/* Compiles rs for XDP on `ifname` and loads it; on a verifier rejection
 * prints the log to stderr. 0 or -errno. */
int prog_load(const struct bf_ruleset *rs, const char *ifname, struct prog *p);
/* Loads instructions already finished (map fixups patched here). */
int prog_load_cgen(struct bf_cgen *cg, size_t n_slots, struct prog *p);
void prog_close(struct prog *p);

/* Runs one frame; returns the program's return code, or -errno. */
int prog_run(const struct prog *p, const void *frame, size_t len);
struct prog_pkt;
/* Runs a crafted IPv4 packet (prog_pkt.h). */
int prog_run_pkt(const struct prog *p, const struct prog_pkt *pkt);
/* Runs one frame `repeat` times in one BPF_PROG_TEST_RUN; returns the
 * last return code, or -errno. */
int prog_run_repeat(const struct prog *p, const void *frame, size_t len, uint32_t repeat);

/* XDP_DROP, XDP_PASS...: a return code's name ("error" when < 0). */
const char *prog_ret_name(int ret);

/* Counter of slot, summed over CPUs. */
struct bf_counter prog_counter(const struct prog *p, size_t slot);
/* Sum of every slot's packets. */
uint64_t prog_total_packets(const struct prog *p);

/* Runs a frame and checks the outcome: return code want_ret, and exactly
 * slot want_slot (-1: none) counted it, one packet of want_bytes bytes;
 * every other slot unchanged. Prints what differs (with `what`) and
 * returns -1, or 0. */
int prog_check(const struct prog *p, const char *what, const void *frame, size_t len,
	       int want_ret, int want_slot, uint64_t want_bytes);

/* The same where slot also_slot (-1: none) counts the packet too, e.g.
 * a raw PREROUTING rule, then filter INPUT's policy. */
int prog_check2(const struct prog *p, const char *what, const void *frame, size_t len,
		int want_ret, int want_slot, int also_slot, uint64_t want_bytes);

struct prog_pkt;
/* prog_check of a crafted packet, bytes = its IP total length. */
int prog_check_pkt(const struct prog *p, const char *what, const struct prog_pkt *pkt,
		   int want_ret, int want_slot);

#endif
