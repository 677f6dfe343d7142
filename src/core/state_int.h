/* Shared by the files of src/core: files, counters, program building. */
#ifndef BF_STATE_INT_H
#define BF_STATE_INT_H

#include "common/strbuf.h"
#include "cgen/cgen.h"
#include "cgen/nf_hooks.h"
#include "core/state.h"

/* Paths under st->dir. */
#define BF_FILE_LOCK "lock"
#define BF_FILE_ATTACH "attach"
/* rules.v4 / rules.v6 */
const char *bf_state_rules_file(enum bf_family family);

/* Writes one family's rules file (with counters) to its temp file;
 * bf_state_publish_rules() renames it into place,
 * bf_state_discard_rules() drops it. */
int bf_state_stage_rules(struct bf_state *st, enum bf_family family,
			 const struct bf_ruleset *rs);
int bf_state_publish_rules(struct bf_state *st, enum bf_family family);
void bf_state_discard_rules(struct bf_state *st, enum bf_family family);
/* Snapshots (snapshot.c): a binary copy of a rules file's ruleset beside
 * it (rules.v4.snap), valid for that exact text and this build only, so
 * that opening the state need not parse the text. */
uint64_t bf_snapshot_hash(const void *p, size_t len);
/* rs's snapshot for its rules text (len bytes), into a new buffer. */
int bf_snapshot_build(const struct bf_ruleset *rs, const char *text, size_t len,
		      void **buf, size_t *size);
/* The ruleset back from a snapshot, into a new *rs: -ESTALE when it is
 * not text's or this build's, -EBADMSG when corrupt. */
int bf_snapshot_load(const void *buf, size_t size, enum bf_family family,
		     const char *text, size_t len, struct bf_ruleset **rs);
/* The family's snapshot file read and loaded, as bf_snapshot_load. */
int bf_snapshot_read(const struct bf_state *st, enum bf_family family, const char *text,
		     size_t len, struct bf_ruleset **rs);
/* Beside the rules file's temp file, published and discarded with it;
 * never an error (no snapshot: the text is parsed). */
void bf_snapshot_stage(struct bf_state *st, enum bf_family family,
		       const struct bf_ruleset *rs, const char *text, size_t len);
void bf_snapshot_publish(struct bf_state *st, enum bf_family family);
void bf_snapshot_discard(struct bf_state *st, enum bf_family family);

/* The kernel's conntrack on for the families whose rules read it (and
 * off for the others where bpfilter had turned it on): commit.c. */
int bf_state_ct_sync(const struct bf_state *st, struct bf_ruleset *const rs[BF_FAMILY_MAX]);

/* Writes the attach file (temp + rename). */
int bf_state_write_attach(struct bf_state *st);

/* st->dir/file + suffix into buf. */
int bf_state_path(const struct bf_state *st, const char *file, const char *suffix, char *buf,
		  size_t len);
int bf_state_read_file(const char *path, char **text);
/* Writes b's text to tmp, then renames it to path (logged on failure);
 * frees b. */
int bf_state_replace_file(const char *tmp, const char *path, struct bf_strbuf *b);
/* Writes text to tmp (created 0600), synced. */
int bf_state_write_tmp(const char *tmp, const char *text);

/* Counter slots (slots.c): every policy and rule has one (rule->slot). */
/* Numbers them in order, IPv4's then IPv6's, from 0. */
void bf_slots_number(struct bf_ruleset *const rs[BF_FAMILY_MAX]);
/* One past the largest slot given. */
size_t bf_slots_end(struct bf_ruleset *const rs[BF_FAMILY_MAX]);
/* Slots of a new counters map for slots [0, end): with room to add. */
size_t bf_slots_capacity(size_t end);
/* Gives those without one (slot -1) unused slots past the last and from
 * `from` on, below cap; -ENOSPC when there are not enough. */
int bf_slots_assign_fresh(struct bf_ruleset *const rs[BF_FAMILY_MAX], size_t from, size_t cap);
/* Back to the slots marked (old_slot); with `added`, those the command
 * added or zeroed (old_slot -1) lose theirs. */
void bf_slots_restore(struct bf_ruleset *rs, bool added);
/* old_slot = slot, for every holder. */
void bf_slots_mark(struct bf_ruleset *rs);
/* Whether every holder of rs has a slot. */
bool bf_slots_complete(struct bf_ruleset *rs);
/* The slots line of a rules file: appends rs's; reads it back into rs
 * (-ENOENT: none, -EINVAL: not rs's). */
void bf_slots_print(struct bf_strbuf *b, struct bf_ruleset *rs);
int bf_slots_parse(struct bf_ruleset *rs, const char *text);

/* Calls fn for each built-in chain's policy and each rule of both
 * rulesets, with its counters, its slot in the attached programs
 * (old_slot, -1: a new or zeroed one) and its slot in rs (slot). */
typedef void (*bf_slot_fn)(struct bf_counter *c, int old_slot, int slot, void *data);
void bf_state_for_each_slot(struct bf_ruleset *const rs[BF_FAMILY_MAX], bf_slot_fn fn,
			    void *data);

/* Counters map of cap slots (2 entries a slot, see struct bf_state) for
 * rs's slots. Carries start from the rules' counters, or from
 * base[old slot] when base is given. */
int bf_state_new_counters(struct bf_ruleset *const rs[BF_FAMILY_MAX],
			  const struct bf_counter *base, size_t n_base, size_t cap, int *map_fd);
/* Reads a counters map of cap slots (2 cap entries), folding both halves. */
int bf_state_read_counters(int map_fd, size_t cap, struct bf_counter **out);
/* Sets st->base and st->n_base from st->counters_fd and copies it into
 * st->rs. */
int bf_state_load_counters(struct bf_state *st);
/* After st->rs changed: marks every rule's slot (old_slot). */
void bf_state_mark_slots(struct bf_state *st);

/* An interface's loaded programs, -1 for those it does not need. */
struct bf_iface_fds {
	int xdp, nf, tc;
};
void bf_iface_fds_close(struct bf_iface_fds *f);

/* Compiles both rulesets for one interface and loads its programs
 * against map_fd: the XDP one, the netfilter stage's one for reassembled
 * IPv4 datagrams and deferred packets (core/nf_stage.h), OUTPUT's at TC
 * egress (cgen/tc.h), sharing the state map state_fd (< 0: a new one of
 * their own if they need one). Nothing loaded on failure. */
int bf_state_build_prog(struct bf_ruleset *const rs[BF_FAMILY_MAX], const char *ifname,
			int map_fd, int state_fd, struct bf_iface_fds *out);

/* The netfilter hooks' programs (core/nf_hooks.h), by slot, against
 * map_fd and state_fd as bf_state_build_prog's; a family without a
 * ruleset gets programs that accept. Nothing loaded on failure. */
int bf_state_build_nf_hooks(struct bf_ruleset *const rs[BF_FAMILY_MAX], int map_fd, int state_fd,
			    int fds[BF_NF_HOOK_SLOTS]);

size_t bf_state_n_live(const struct bf_state *st);

/* A commit in flight: begun before the kernel changes, ended once the
 * rules files say what runs (or all was put back). A file left by a
 * killed command makes the next open recommit the stored rules
 * (bf_state_repair), so programs and files agree again. */
int bf_state_pending_begin(struct bf_state *st);
void bf_state_pending_end(struct bf_state *st);
int bf_state_repair(struct bf_state *st);

/* An interface's programs, compiled (commit.c): XDP, the netfilter
 * stage's when there is an IPv4 ruleset, TC egress's when OUTPUT judges;
 * the XDP one's classifier table carries their digests. */
struct bf_iface_progs {
	struct bf_cgen xdp, nf, tc;
	bool has_nf, has_tc;
};
int bf_iface_progs_compile(struct bf_ruleset *const rs[BF_FAMILY_MAX], const char *ifname,
			   struct bf_iface_progs *p);
void bf_iface_progs_free(struct bf_iface_progs *p);

/* The commit that loads no program (commit_inplace.c): when every
 * attached program compiles to what it is (digests), writes the new
 * classifier tables into their maps in place, sets the counters of new
 * and zeroed rules, and stores the rules. -EAGAIN when it cannot (then
 * nothing changed: load new programs), else 0 or an error (nothing
 * changed either). next: both families' new rulesets, the committed one
 * being family's. */
int bf_state_commit_in_place(struct bf_state *st, enum bf_family family,
			     struct bf_ruleset *const next[BF_FAMILY_MAX]);

#endif
