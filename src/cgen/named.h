/* Named tables of the network namespace: hashlimit's buckets
 * (BF_MAP_HASHLIMIT) and recent's lists (BF_MAP_RECENT). Each map is one
 * BPF hash map per namespace, pinned (core/named.h), shared by every
 * program and kept across changes, as the kernel keeps a table while a
 * rule names it. Entries carry their table's id, a hash of its name (and
 * family for hashlimit, whose tables are per family; recent's lists are
 * shared by both); each table has one meta entry, which the loader makes
 * before a program that uses it runs and removes with the last rule that
 * names it.
 *
 * Plain hash maps, not LRU: a full hashlimit table makes the kernel
 * hotdrop, not forget another entry, and a full recent list forgets its
 * least recently updated entry, which is not the map's LRU order; an LRU
 * map shared by every table would also evict entries of other tables.
 * Memory is taken as entries come (BPF_F_NO_PREALLOC). */
#ifndef BF_CGEN_NAMED_H
#define BF_CGEN_NAMED_H

#include <stdint.h>

#include "cgen.h"

/* Both maps hold at most this many entries over all tables. */
#define BF_NAMED_MAP_ENTRIES (1u << 20)

struct bf_hl_key {
	uint64_t table;
	uint32_t src[4], dst[4]; /* masked, words in host order (IPv4: [0]) */
	uint16_t sport, dport;   /* as in the packet */
	uint32_t meta;           /* 1: the table's meta entry, the rest 0 */
};

/* An entry's rate state (xt_hashlimit's dsthash_ent): for a token bucket
 * credit, credit_cap and cost; for --hashlimit-rate-match current_rate in
 * credit, prev_window in cap. */
struct bf_hl_entry {
	uint64_t expires, prev;
	uint64_t credit, cap, cost;
};

struct bf_hl_meta {
	uint64_t count;      /* entries in the table (ht->count) */
	uint64_t last_purge; /* jiffies of the last removal of expired ones */
	uint64_t unused[3];
};

/* xt_recent's defaults: entries per list (ip_list_tot, 100) and
 * ip_pkt_list_tot 0, with which a list keeps 32 stamps per entry, or
 * its rules' largest --hitcount rounded up to a power of two (the
 * mask only grows, the list flushed when it does). Hit counts past 32
 * are not compiled. */
#define BF_RECENT_LIST_TOT 100
#define BF_RECENT_STAMPS 32
#define BF_RECENT_NAME_LEN 200

struct bf_recent_key {
	uint64_t list;
	uint32_t addr[4]; /* masked, words in host order (IPv4: [0]) */
	uint32_t family;  /* 4 or 6; 0: the list's meta entry, addr 0 */
	uint32_t pad;
};

struct bf_recent_entry {
	uint64_t seq;    /* when last set or updated: the list's LRU order */
	uint8_t ttl;
	uint8_t index;   /* the next stamp goes to index & 31, as the kernel's */
	uint16_t nstamps;
	uint32_t pad;
	uint64_t stamps[BF_RECENT_STAMPS]; /* jiffies */
};

/* The same size as an entry: a program makes a new entry from it. */
struct bf_recent_meta {
	uint64_t entries;
	uint64_t seq;
	uint32_t stamp_mask; /* the kernel's nstamps_max_mask */
	uint32_t pad;
	char name[BF_RECENT_NAME_LEN];
	uint8_t unused[sizeof(struct bf_recent_entry) - 24 - BF_RECENT_NAME_LEN];
};

/* A table a match uses (bf_match_ops.named). */
struct bf_named_ref {
	enum bf_map_id map; /* BF_MAP_HASHLIMIT or BF_MAP_RECENT */
	uint64_t id;
	const char *name;
	uint32_t stamp_mask; /* recent: the rule's nstamp_mask */
};

/* The id of the table `name` of map (family: hashlimit's, 0 for recent):
 * FNV-1a, never 0. */
uint64_t bf_named_id(enum bf_map_id map, const char *name, unsigned int family);

/* msecs_to_jiffies() at BF_KERNEL_HZ. */
uint64_t bf_ms_to_jiffies(uint64_t ms);

#endif
