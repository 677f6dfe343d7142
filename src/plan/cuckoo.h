/* Cuckoo tables of the classifier (private to src/plan). */
#ifndef BF_PLAN_CUCKOO_H
#define BF_PLAN_CUCKOO_H

#include "plan/classify.h"

/* One distinct key of a tuple: masked key, prio, action. */
struct bf_class_entry {
	uint32_t key[BF_CLASS_WORDS];
	uint32_t prio, action, slot;
};

/* Builds tuple tp's table (tp->mask set) from its n distinct entries:
 * sets size_log2, seed, base, n_entries and appends the slots to table.
 * 0, -ENOMEM or -E2BIG (the map's bound). */
int bf_cuckoo_build(struct bf_class_tuple *tp, const struct bf_class_entry *e, size_t n,
		    struct bf_class_table *table);

/* Slots the classifier map may hold at most. */
#define BF_CLASS_SLOTS_MAX (64u << 20)

#endif
