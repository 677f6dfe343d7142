/* Shared by the files of src/core: files, counters, program building. */
#ifndef BF_STATE_INT_H
#define BF_STATE_INT_H

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
/* Writes the attach file (temp + rename). */
int bf_state_write_attach(struct bf_state *st);

/* The counter slots of both families' rulesets: IPv4's first, then
 * IPv6's, as the code generator lays them out (bf_cgen_n_slots). */
size_t bf_state_n_slots(struct bf_ruleset *const rs[BF_FAMILY_MAX]);
void bf_state_slot_offsets(struct bf_ruleset *const rs[BF_FAMILY_MAX],
			   size_t off[BF_FAMILY_MAX]);

/* Calls fn for each built-in chain's policy and each rule of both
 * rulesets, with its counters, its old slot in the layout where each
 * family started at old_off[family] (-1 for none: a new or zeroed one)
 * and its slot in rs's layout. */
typedef void (*bf_slot_fn)(struct bf_counter *c, int old_slot, int slot, void *data);
void bf_state_for_each_slot(struct bf_ruleset *const rs[BF_FAMILY_MAX],
			    const size_t old_off[BF_FAMILY_MAX], bf_slot_fn fn, void *data);

/* Counters map of rs's layout (2 entries a slot, see struct bf_state).
 * Carries start from the rules' counters, or from base[old slot] when
 * base is given (laid out as old_off says). */
int bf_state_new_counters(struct bf_ruleset *const rs[BF_FAMILY_MAX],
			  const struct bf_counter *base, size_t n_base,
			  const size_t old_off[BF_FAMILY_MAX], int *map_fd);
/* Reads a counters map of n slots (2n entries), folding both halves. */
int bf_state_read_counters(int map_fd, size_t n, struct bf_counter **out);
/* Sets st->base from st->counters_fd and copies it into st->rs. */
int bf_state_load_counters(struct bf_state *st);
/* After st->rs changed: marks every rule's slot (old_slot) and records
 * the layout in st->base_off. */
void bf_state_mark_slots(struct bf_state *st);

/* Compiles both rulesets for one interface and loads its programs
 * against map_fd: the XDP one, and (nf_fd not NULL) the netfilter
 * stage's one for reassembled IPv4 datagrams (core/nf_stage.h), sharing
 * the state map state_fd (< 0: a new one of their own if they need one). */
int bf_state_build_prog(struct bf_ruleset *const rs[BF_FAMILY_MAX], const char *ifname,
			int map_fd, int state_fd, int *prog_fd, int *nf_fd);

size_t bf_state_n_live(const struct bf_state *st);

#endif
