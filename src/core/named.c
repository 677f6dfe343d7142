/* The namespace's named tables (named.h). Commands that change them hold
 * the state lock. */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen/named.h"
#include "common/log.h"
#include "core/named.h"
#include "ext/ext.h"
#include "kern/bpffs.h"
#include "kern/kern.h"

static const char *pin_name(enum bf_map_id map)
{
	return map == BF_MAP_HASHLIMIT ? "hashlimit" : "recent";
}

int bf_named_open(enum bf_map_id map, bool create, int *fd)
{
	char rel[64];
	int err = bf_bpffs_netns_path(pin_name(map), rel, sizeof(rel));

	if (err)
		return err;
	*fd = bf_bpffs_get(rel);
	if (*fd >= 0 || *fd != -ENOENT || !create)
		return *fd < 0 ? *fd : 0;
	err = bf_named_map_create(map, fd);
	if (!err)
		err = bf_bpffs_pin(*fd, rel);
	if (err && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

/* Calls fn for each table of map that rs names. */
static int for_each_ref(enum bf_map_id map, struct bf_ruleset *const rs[BF_FAMILY_MAX],
			int (*fn)(const struct bf_named_ref *ref, void *arg), void *arg)
{
	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		for (int t = 0; rs[f] && t < BF_TABLE_MAX; t++) {
			const struct bf_table *tb = &rs[f]->tables[t];

			for (size_t c = 0; c < tb->n_chains; c++) {
				const struct bf_chain *ch = tb->chains[c];

				for (size_t r = 0; r < ch->n_rules; r++) {
					const struct bf_rule *rule = ch->rules[r];

					for (size_t k = 0; k < rule->n_matches; k++) {
						const struct bf_match *m = &rule->matches[k];
						struct bf_named_ref ref;
						int err;

						if (!m->ops->named ||
						    !m->ops->named(m->data, (enum bf_family)f, &ref) ||
						    ref.map != map)
							continue;
						err = fn(&ref, arg);
						if (err)
							return err;
					}
				}
			}
		}
	}
	return 0;
}

static int add_meta(const struct bf_named_ref *ref, void *arg)
{
	int fd = *(int *)arg, err;

	if (ref->map == BF_MAP_HASHLIMIT) {
		struct bf_hl_key k = {.table = ref->id, .meta = 1};
		struct bf_hl_entry v = {0};

		err = bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST);
	} else {
		struct bf_recent_key k = {.list = ref->id};
		struct bf_recent_meta v = {.stamp_mask = ref->stamp_mask};

		snprintf(v.name, sizeof(v.name), "%s", ref->name);
		err = bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST);
		/* An existing list grows its stamps for this rule, flushed
		 * (recent_mt_check). */
		if (err && errno == EEXIST && !bpf_map_lookup_elem(fd, &k, &v) &&
		    v.stamp_mask < ref->stamp_mask) {
			err = bf_named_flush(fd, ref->id);
			v.stamp_mask = ref->stamp_mask;
			v.entries = 0;
			if (!err && bpf_map_update_elem(fd, &k, &v, BPF_EXIST))
				err = -errno;
			if (err)
				return bf_err(err, "cannot flush the recent list %s: %s", ref->name,
					      strerror(-err));
			return 0;
		}
	}
	if (err && errno != EEXIST)
		return bf_err(-errno, "cannot make the %s table %s: %m", pin_name(ref->map),
			      ref->name);
	return 0;
}

int bf_named_prepare(enum bf_map_id map, int fd, struct bf_ruleset *const rs[BF_FAMILY_MAX])
{
	return for_each_ref(map, rs, add_meta, &fd);
}

struct ids {
	uint64_t *v;
	size_t n, cap;
};

static int add_id(const struct bf_named_ref *ref, void *arg)
{
	struct ids *ids = arg;

	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? 2 * ids->cap : 16;
		uint64_t *v = realloc(ids->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = ref->id;
	return 0;
}

static bool named(const void *arg, uint64_t id)
{
	const struct ids *ids = arg;

	for (size_t i = 0; i < ids->n; i++)
		if (ids->v[i] == id)
			return true;
	return false;
}

/* Deletes the keys `doomed` says of, collected first (deleting while
 * walking would restart the walk). Every key starts with its table's id. */
static int delete_keys(enum bf_map_id map, int fd,
		       bool (*doomed)(const void *key, const void *arg), const void *arg)
{
	size_t ksize = map == BF_MAP_HASHLIMIT ? sizeof(struct bf_hl_key)
					       : sizeof(struct bf_recent_key);
	unsigned char key[sizeof(struct bf_hl_key)], *dead = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	int err = 0;

	while (!bpf_map_get_next_key(fd, prev, key)) {
		prev = key;
		if (!doomed(key, arg))
			continue;
		if (n == cap) {
			unsigned char *d = realloc(dead, (cap = cap ? 2 * cap : 64) * ksize);

			if (!d) {
				err = -ENOMEM;
				break;
			}
			dead = d;
		}
		memcpy(dead + n++ * ksize, key, ksize);
	}
	for (size_t i = 0; !err && i < n; i++)
		if (bpf_map_delete_elem(fd, dead + i * ksize) && errno != ENOENT)
			err = -errno;
	free(dead);
	return err;
}

static bool unnamed(const void *key, const void *arg)
{
	uint64_t id;

	memcpy(&id, key, sizeof(id));
	return !named(arg, id);
}

static bool list_entry(const void *key, const void *arg)
{
	const struct bf_recent_key *k = key;

	return k->list == *(const uint64_t *)arg && k->family;
}

int bf_named_flush(int fd, uint64_t list)
{
	return delete_keys(BF_MAP_RECENT, fd, list_entry, &list);
}

void bf_named_prune(struct bf_ruleset *const rs[BF_FAMILY_MAX])
{
	static const enum bf_map_id maps[] = {BF_MAP_HASHLIMIT, BF_MAP_RECENT};

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		struct ids ids = {0};
		int fd = -1, err = bf_named_open(maps[i], false, &fd);

		if (err == -ENOENT)
			continue;
		if (!err)
			err = for_each_ref(maps[i], rs, add_id, &ids);
		if (!err)
			err = delete_keys(maps[i], fd, unnamed, &ids);
		if (fd >= 0)
			close(fd);
		free(ids.v);
		if (err)
			bf_log(BF_LOG_WARN, "Warning: could not remove the unused %s tables: %s",
			       pin_name(maps[i]), strerror(-err));
	}
}

int bf_named_remove(void)
{
	char rel[64];
	int err = bf_bpffs_netns_path(pin_name(BF_MAP_HASHLIMIT), rel, sizeof(rel));

	if (!err)
		err = bf_bpffs_unpin(rel);
	if (!err)
		err = bf_bpffs_netns_path(pin_name(BF_MAP_RECENT), rel, sizeof(rel));
	if (!err)
		err = bf_bpffs_unpin(rel);
	return err;
}
