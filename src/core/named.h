/* The namespace's named tables (cgen/named.h): hashlimit's and recent's
 * maps, pinned in bpfilter's bpffs (kern/bpffs.h) at "<netns
 * cookie>/hashlimit" and "<netns cookie>/recent", made by the first
 * command that loads a program using one and shared by every program of
 * the namespace through every change, as the kernel keeps a table while
 * rules name it. Before programs load, each table the rulesets name gets
 * its meta entry; after a change, the tables no rule names are removed.
 * The maps go with the last attachment, as the LOG ring buffer. */
#ifndef BF_CORE_NAMED_H
#define BF_CORE_NAMED_H

#include <stdbool.h>

#include "cgen/cgen.h"
#include "ir/ruleset.h"

/* Opens map's pin (BF_MAP_HASHLIMIT or BF_MAP_RECENT); when missing,
 * creates and pins it if create is set, else -ENOENT (not logged). */
int bf_named_open(enum bf_map_id map, bool create, int *fd);
/* Makes the meta entry of each table of map that rs names (in the map
 * at fd; rs entries may be NULL). */
int bf_named_prepare(enum bf_map_id map, int fd, struct bf_ruleset *const rs[BF_FAMILY_MAX]);
/* Removes from the pinned maps every table no rule of rs names. Logs a
 * warning on failure. */
void bf_named_prune(struct bf_ruleset *const rs[BF_FAMILY_MAX]);
/* Removes every entry of the recent list `list` (its meta entry stays;
 * its count is the caller's). */
int bf_named_flush(int fd, uint64_t list);
/* Unpins both maps; 0 when they were not there. */
int bf_named_remove(void);

#endif
