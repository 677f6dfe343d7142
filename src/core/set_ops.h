/* Elements in a set's map (core/set_ops.c). Errors are -errno, not
 * logged: the caller says them as ipset does (-EEXIST "already added",
 * -ENOENT "not added", -E2BIG/-ENOSPC "full"). */
#ifndef BF_CORE_SET_OPS_H
#define BF_CORE_SET_OPS_H

#include "core/set.h"

/* What an add says besides the element. */
struct bf_set_add_opts {
	bool exist;        /* -exist: an element there already is updated */
	bool has_timeout;  /* else the set's default */
	uint32_t timeout;  /* seconds, 0: never expires */
	bool nomatch;
	bool has_counters; /* packets and bytes given */
	uint64_t packets, bytes;
};

/* The value an add writes. */
void bf_set_val_init(const struct bf_set *s, const struct bf_set_elem *e,
		     const struct bf_set_add_opts *o, struct bf_set_val *v);
int bf_set_elem_add(int fd, const struct bf_set *s, const struct bf_set_elem *e,
		    const struct bf_set_add_opts *o);
int bf_set_elem_del(int fd, const struct bf_set *s, const struct bf_set_elem *e);
/* As `ipset test`: a host in a hash:net is in its longest live net. */
int bf_set_elem_test(int fd, const struct bf_set *s, const struct bf_set_elem *e, bool *in);
/* Calls fn for each live element (the expired ones are deleted). */
int bf_set_walk(int fd, const struct bf_set *s,
		int (*fn)(const struct bf_set_elem *e, const struct bf_set_val *v, void *ctx),
		void *ctx);
int bf_set_flush(int fd);

/* Adds in batches, in order: bf_set_batch_add() queues, flush writes
 * them; on an error *failed_at is the index of the add (since the last
 * flush) that failed, and the ones after it are dropped. */
#define BF_SET_BATCH_MAX 8192 /* adds queued at most: flush then */
struct bf_set_batch {
	int fd;
	const struct bf_set *set;
	struct bf_set_add_opts opts;
	uint8_t *keys;
	struct bf_set_val *vals;
	size_t n, cap;
	bool batch_ok;
};
void bf_set_batch_init(struct bf_set_batch *b, int fd, const struct bf_set *s,
		       const struct bf_set_add_opts *o);
int bf_set_batch_add(struct bf_set_batch *b, const struct bf_set_elem *e,
		     const struct bf_set_val *v);
int bf_set_batch_flush(struct bf_set_batch *b, size_t *failed_at);
void bf_set_batch_free(struct bf_set_batch *b);

#endif
