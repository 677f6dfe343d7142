/* Cuckoo hashing of one tuple's keys: each key in one of its two slots
 * (bf_class_slot1/2 of bf_class_hash, as the emitter computes them), so
 * that a lookup reads two map elements at most; a slot 1 marks whether
 * a key of its own lives in its slot 2, so that most misses read one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/cuckoo.h"

#define MAX_KICKS 500
#define SEEDS_PER_SIZE 8
#define NONE UINT32_MAX

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Places every entry into idx[] (1 << lg slots, entry numbers): false
 * when some key cannot be placed within MAX_KICKS evictions. */
static bool place_all(const struct bf_class_tuple *tp, const struct bf_class_entry *e,
		      size_t n, unsigned int lg, uint64_t seed, uint32_t *idx)
{
	memset(idx, 0xff, sizeof(*idx) << lg);
	for (size_t i = 0; i < n; i++) {
		uint32_t cur = (uint32_t)i;
		uint64_t h = bf_class_hash(e[cur].key, tp->mask, seed);
		uint32_t s1 = bf_class_slot1(h, lg), s2 = bf_class_slot2(h, lg), pos;

		if (idx[s1] == NONE) {
			idx[s1] = cur;
			continue;
		}
		if (idx[s2] == NONE) {
			idx[s2] = cur;
			continue;
		}
		pos = s1;
		for (int k = 0;; k++) {
			uint32_t out = idx[pos];

			idx[pos] = cur;
			if (out == NONE)
				break;
			if (k == MAX_KICKS)
				return false;
			/* The evicted key goes to its other slot. */
			cur = out;
			h = bf_class_hash(e[cur].key, tp->mask, seed);
			s1 = bf_class_slot1(h, lg);
			s2 = bf_class_slot2(h, lg);
			pos = pos == s1 ? s2 : s1;
		}
	}
	return true;
}

int bf_cuckoo_build(struct bf_class_tuple *tp, const struct bf_class_entry *e, size_t n,
		    struct bf_class_table *table)
{
	size_t need = n * 2 < 2 ? 2 : n * 2, size;
	uint64_t state = 0x62706669;  /* deterministic: same plan, same map */
	unsigned int lg = 1, tries = 0;
	uint32_t *idx = NULL;
	uint64_t seed;

	/* Sizes of 64 slots and up, in steps of 4: rules added or deleted
	 * seldom cross one, and the size is in the code (an in-place update
	 * needs the same size). */
	lg = 6;
	while (((size_t)1 << lg) < need)
		lg += 2;
	for (;;) {
		size = (size_t)1 << lg;
		if (size > BF_CLASS_SLOTS_MAX || table->n + size > BF_CLASS_SLOTS_MAX) {
			free(idx);
			return -E2BIG;
		}
		if (!tries) {
			uint32_t *p = realloc(idx, sizeof(*idx) * size);

			if (!p) {
				free(idx);
				return -ENOMEM;
			}
			idx = p;
		}
		seed = splitmix64(&state);
		if (place_all(tp, e, n, lg, seed, idx))
			break;
		if (++tries == SEEDS_PER_SIZE) {
			tries = 0;
			lg++;
		}
	}
	if (bf_class_table_reserve(table, size)) {
		free(idx);
		return -ENOMEM;
	}
	tp->base = (uint32_t)table->n;
	tp->size_log2 = lg;
	tp->seed = seed;
	tp->n_entries = n;
	for (size_t i = 0; i < size; i++) {
		struct bf_class_slot *s = &table->slots[table->n + i];

		if (idx[i] == NONE) {
			memset(s->key, 0xff, sizeof(s->key));
			s->prio = BF_CLASS_EMPTY;
			s->action = s->slot = s->moved = 0;
			continue;
		}
		memcpy(s->key, e[idx[i]].key, sizeof(s->key));
		s->prio = e[idx[i]].prio;
		s->action = e[idx[i]].action;
		s->slot = e[idx[i]].slot;
		s->moved = 0;
	}
	for (size_t i = 0; i < size; i++) {
		uint64_t h;
		uint32_t s1;

		if (idx[i] == NONE)
			continue;
		h = bf_class_hash(e[idx[i]].key, tp->mask, seed);
		s1 = bf_class_slot1(h, lg);
		if (s1 != i)
			table->slots[table->n + s1].moved = 1;
	}
	table->n += size;
	free(idx);
	return 0;
}
