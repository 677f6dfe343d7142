/* Shared by the files of src/core: files, counters, program building. */
#ifndef BF_STATE_INT_H
#define BF_STATE_INT_H

#include "core/state.h"

/* Paths under st->dir. */
#define BF_FILE_LOCK "lock"
#define BF_FILE_RULES "rules.v4"
#define BF_FILE_ATTACH "attach"

/* Writes rules.v4 (with counters) to its temp file; bf_state_publish()
 * renames it into place, bf_state_discard() drops it. */
int bf_state_stage_rules(struct bf_state *st, const struct bf_ruleset *rs);
int bf_state_publish_rules(struct bf_state *st);
void bf_state_discard_rules(struct bf_state *st);
/* Writes the attach file (temp + rename). */
int bf_state_write_attach(struct bf_state *st);

/* Slots of a ruleset: calls fn for each built-in chain's policy and each
 * rule, with its counters, its old_slot and its slot in rs's layout. */
typedef void (*bf_slot_fn)(struct bf_counter *c, int old_slot, int slot, void *data);
void bf_state_for_each_slot(struct bf_ruleset *rs, bf_slot_fn fn, void *data);

/* Counters map of rs's layout (2 entries a slot, see struct bf_state).
 * Carries start from the rules' counters (or base[old_slot] when given). */
int bf_state_new_counters(struct bf_ruleset *rs, const struct bf_counter *base,
			  size_t n_base, int *map_fd);
/* Reads a counters map of n slots (2n entries), folding both halves. */
int bf_state_read_counters(int map_fd, size_t n, struct bf_counter **out);
/* Sets st->base from st->counters_fd and copies it into st->rs. */
int bf_state_load_counters(struct bf_state *st);

/* Compiles rs for one interface and loads it against map_fd. */
int bf_state_build_prog(const struct bf_ruleset *rs, const char *ifname,
			int map_fd, int *prog_fd);

size_t bf_state_n_live(const struct bf_state *st);

#endif
