/* recent's lists as /proc/net/xt_recent/NAME shows and edits them, on the
 * namespace's pinned BF_MAP_RECENT (core/named.h, cgen/named.h): for
 * `bpfilter recent`. Edits do what writes to that file do ("+ADDR",
 * "-ADDR", "/"), without the programs' lock (as theirs, cgen/named.h). */
#ifndef BF_CORE_RECENT_LISTS_H
#define BF_CORE_RECENT_LISTS_H

#include <stddef.h>
#include <stdint.h>

#include "cgen/named.h"

struct bf_recent_list {
	int fd;
	struct bf_recent_key meta_key;
	struct bf_recent_meta meta;
};

/* The names of the namespace's lists, sorted: *names (free it), *n. No
 * map: none. */
int bf_recent_names(char (**names)[BF_RECENT_NAME_LEN], size_t *n);
/* Opens list `name`: -ENOENT (not logged) when there is none. */
int bf_recent_open(const char *name, struct bf_recent_list *l);
void bf_recent_close(struct bf_recent_list *l);
/* Calls fn for each entry of the list (the map's order). */
int bf_recent_for_each(const struct bf_recent_list *l,
		       void (*fn)(const struct bf_recent_key *k, const struct bf_recent_entry *e,
				  void *arg),
		       void *arg);
/* "+ADDR": a new entry (ttl 0; the oldest goes when the list is full),
 * or a stamp more for an existing one. family 4 or 6, addr in host-order
 * words. now: jiffies. */
int bf_recent_add(struct bf_recent_list *l, unsigned int family, const uint32_t addr[4],
		  uint64_t now);
/* "-ADDR": removes the entry (none: nothing). */
int bf_recent_del(struct bf_recent_list *l, unsigned int family, const uint32_t addr[4]);
/* "/": removes every entry. */
int bf_recent_flush(struct bf_recent_list *l);
/* The kernel's jiffies (from /proc/timer_list). */
int bf_jiffies(uint64_t *now);

#endif
