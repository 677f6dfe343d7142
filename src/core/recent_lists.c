/* recent's lists for `bpfilter recent` (recent_lists.h). */
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "core/named.h"
#include "core/recent_lists.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int bf_recent_names(char (**names)[BF_RECENT_NAME_LEN], size_t *n)
{
	struct bf_recent_key k, *prev = NULL;
	char (*v)[BF_RECENT_NAME_LEN] = NULL;
	size_t cap = 0;
	int fd, err = bf_named_open(BF_MAP_RECENT, false, &fd);

	*names = NULL;
	*n = 0;
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	while (!bpf_map_get_next_key(fd, prev, &k)) {
		struct bf_recent_meta m;

		prev = &k;
		if (k.family || bpf_map_lookup_elem(fd, &k, &m))
			continue;
		if (*n == cap) {
			void *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		memcpy(v[(*n)++], m.name, sizeof(m.name));
		v[*n - 1][BF_RECENT_NAME_LEN - 1] = '\0';
	}
	close(fd);
	if (err) {
		free(v);
		*n = 0;
		return err;
	}
	qsort(v, *n, sizeof(*v), cmp_name);
	*names = v;
	return 0;
}

int bf_recent_open(const char *name, struct bf_recent_list *l)
{
	int err = bf_named_open(BF_MAP_RECENT, false, &l->fd);

	if (err)
		return err;
	l->meta_key = (struct bf_recent_key){.list = bf_named_id(BF_MAP_RECENT, name, 0)};
	if (bpf_map_lookup_elem(l->fd, &l->meta_key, &l->meta)) {
		close(l->fd);
		l->fd = -1;
		return -ENOENT;
	}
	return 0;
}

void bf_recent_close(struct bf_recent_list *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int bf_recent_for_each(const struct bf_recent_list *l,
		       void (*fn)(const struct bf_recent_key *k, const struct bf_recent_entry *e,
				  void *arg),
		       void *arg)
{
	struct bf_recent_key k, *prev = NULL;

	while (!bpf_map_get_next_key(l->fd, prev, &k)) {
		struct bf_recent_entry e;

		prev = &k;
		if (k.list != l->meta_key.list || !k.family ||
		    bpf_map_lookup_elem(l->fd, &k, &e))
			continue;
		fn(&k, &e, arg);
	}
	return 0;
}

static int write_meta(struct bf_recent_list *l)
{
	if (bpf_map_update_elem(l->fd, &l->meta_key, &l->meta, BPF_EXIST))
		return bf_err(-errno, "cannot update the recent list: %m");
	return 0;
}

struct oldest {
	uint64_t seq;
	struct bf_recent_key key;
	bool found;
};

static void find_oldest(const struct bf_recent_key *k, const struct bf_recent_entry *e, void *arg)
{
	struct oldest *o = arg;

	if (!o->found || e->seq < o->seq) {
		o->seq = e->seq;
		o->key = *k;
		o->found = true;
	}
}

static struct bf_recent_key key_of(const struct bf_recent_list *l, unsigned int family,
				   const uint32_t addr[4])
{
	struct bf_recent_key k = {.list = l->meta_key.list, .family = family};

	memcpy(k.addr, addr, sizeof(k.addr));
	return k;
}

int bf_recent_add(struct bf_recent_list *l, unsigned int family, const uint32_t addr[4],
		  uint64_t now)
{
	struct bf_recent_key k = key_of(l, family, addr);
	struct bf_recent_entry e;

	if (!bpf_map_lookup_elem(l->fd, &k, &e)) {
		/* recent_entry_update */
		uint8_t i = e.index & l->meta.stamp_mask & (BF_RECENT_STAMPS - 1);

		e.stamps[i] = now;
		e.index = (uint8_t)(i + 1);
		if (e.index > e.nstamps)
			e.nstamps = e.index;
	} else {
		/* recent_entry_init */
		if (l->meta.entries >= BF_RECENT_LIST_TOT) {
			struct oldest o = {0};

			bf_recent_for_each(l, find_oldest, &o);
			if (o.found && !bpf_map_delete_elem(l->fd, &o.key))
				l->meta.entries--;
		}
		e = (struct bf_recent_entry){.index = 1, .nstamps = 1, .stamps = {now}};
		l->meta.entries++;
	}
	e.seq = ++l->meta.seq;
	if (bpf_map_update_elem(l->fd, &k, &e, BPF_ANY))
		return bf_err(-errno, "cannot add to the recent list: %m");
	return write_meta(l);
}

int bf_recent_del(struct bf_recent_list *l, unsigned int family, const uint32_t addr[4])
{
	struct bf_recent_key k = key_of(l, family, addr);

	if (bpf_map_delete_elem(l->fd, &k))
		return errno == ENOENT ? 0 : bf_err(-errno, "cannot remove the entry: %m");
	l->meta.entries--;
	return write_meta(l);
}

int bf_recent_flush(struct bf_recent_list *l)
{
	int err = bf_named_flush(l->fd, l->meta_key.list);

	if (err)
		return bf_err(err, "cannot flush the recent list: %s", strerror(-err));
	l->meta.entries = 0;
	return write_meta(l);
}

int bf_jiffies(uint64_t *now)
{
	FILE *f = fopen("/proc/timer_list", "r");
	char line[256];
	int err = -ENOENT;

	if (!f)
		return bf_err(-errno, "cannot read /proc/timer_list: %m");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "jiffies: %" SCNu64, now) == 1) {
			err = 0;
			break;
		}
	fclose(f);
	if (err)
		return bf_err(err, "no jiffies in /proc/timer_list");
	return 0;
}
