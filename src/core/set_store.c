/* Where sets live: their metadata in the run directory's "sets" file, one
 * line per set in ipset's listing order,
 *   ID TYPE FAMILY HASHSIZE MAXELEM TIMEOUT|- COUNTERS INITVAL NAME
 * (the name last: ipset allows spaces in it), and each set's map pinned
 * in bpfilter's bpffs at "<netns cookie>/set<ID>" (a number: bpffs
 * refuses some characters of set names). The caller holds the
 * namespace's lock for a change. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgen/ext_maps.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "core/set.h"
#include "core/state.h"
#include "core/state_int.h"
#include "kern/bpffs.h"
#include "kern/kern_int.h"

#define SETS_FILE "sets"

static int sets_path(char *buf, size_t len, const char *suffix)
{
	char dir[256];
	int err = bf_state_ns_dir(dir, sizeof(dir));

	if (err)
		return err;
	if (snprintf(buf, len, "%s/%s%s", dir, SETS_FILE, suffix) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int parse_line(char *line, struct bf_set *s)
{
	char type[32], fam[8], timeout[16];
	unsigned int counters;
	int name_at = 0;

	memset(s, 0, sizeof(*s));
	if (sscanf(line, "%" SCNu32 " %31s %7s %" SCNu32 " %" SCNu32 " %15s %u %" SCNx32 " %n",
		   &s->id, type, fam, &s->hashsize, &s->maxelem, timeout, &counters,
		   &s->initval, &name_at) != 8 || !name_at || bf_set_type_by_name(type) < 0 ||
	    strlen(line + name_at) >= sizeof(s->name) || !line[name_at])
		return -EINVAL;
	s->type = (enum bf_set_type)bf_set_type_by_name(type);
	s->family = !strcmp(fam, "inet6") ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
	s->with_timeout = strcmp(timeout, "-") != 0;
	s->timeout = s->with_timeout ? (uint32_t)strtoul(timeout, NULL, 10) : 0;
	s->counters = counters;
	strcpy(s->name, line + name_at);
	return 0;
}

int bf_sets_read(struct bf_set **sets, size_t *n)
{
	char path[320], *text, *line, *save = NULL;
	struct bf_set *v = NULL;
	size_t len = 0;
	int err = sets_path(path, sizeof(path), "");

	*sets = NULL;
	*n = 0;
	if (!err)
		err = bf_state_read_file(path, &text);
	if (err == -ENOENT)
		return 0;
	if (err)
		return bf_err(err, "cannot read %s: %s", path, strerror(-err));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct bf_set *nv = realloc(v, (len + 1) * sizeof(*v));

		if (!nv) {
			err = -ENOMEM;
			break;
		}
		v = nv;
		if (parse_line(line, &v[len])) {
			err = bf_err(-EINVAL, "%s: bad line \"%s\"", path, line);
			break;
		}
		len++;
	}
	free(text);
	if (err) {
		free(v);
		return err;
	}
	*sets = v;
	*n = len;
	return 0;
}

int bf_sets_write(const struct bf_set *sets, size_t n)
{
	char tmp[320], path[320];
	struct bf_strbuf b = {0};
	int err = sets_path(tmp, sizeof(tmp), ".tmp");

	if (!err)
		err = sets_path(path, sizeof(path), "");
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct bf_set *s = &sets[i];

		bf_strbuf_printf(&b, "%" PRIu32 " %s %s %" PRIu32 " %" PRIu32 " ", s->id,
				 bf_set_type_name(s->type),
				 s->family == BF_FAMILY_IPV6 ? "inet6" : "inet", s->hashsize,
				 s->maxelem);
		if (s->with_timeout)
			bf_strbuf_printf(&b, "%" PRIu32, s->timeout);
		else
			bf_strbuf_puts(&b, "-");
		bf_strbuf_printf(&b, " %d %08" PRIx32 " %s\n", s->counters, s->initval, s->name);
	}
	return bf_state_replace_file(tmp, path, &b);
}

int bf_set_find(const char *name, struct bf_set *out)
{
	struct bf_set *sets;
	size_t n;
	int err = bf_sets_read(&sets, &n);

	if (err)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(sets[i].name, name)) {
			*out = sets[i];
			err = 0;
			break;
		}
	}
	free(sets);
	return err;
}

static int pin_path(const struct bf_set *s, char *buf, size_t len)
{
	char dir[256];
	const char *cookie;
	int err = bf_state_ns_dir(dir, sizeof(dir));

	if (err)
		return err;
	cookie = strrchr(dir, '/');
	cookie = cookie ? cookie + 1 : dir;
	if (snprintf(buf, len, "%s/set%" PRIu32, cookie, s->id) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int bf_set_map_create(const struct bf_set *s, int *fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	enum bpf_map_type type = bf_set_type_is_net(s->type) ? BPF_MAP_TYPE_LPM_TRIE
							      : BPF_MAP_TYPE_HASH;
	char pin[128];
	int err = pin_path(s, pin, sizeof(pin)), mfd;

	if (err)
		return err;
	bf_kern_log_init();
	mfd = bpf_map_create(type, "bf_set", (uint32_t)bf_set_key_size(s),
			     sizeof(struct bf_set_val), s->maxelem, &opts);
	if (mfd < 0)
		return bf_err(mfd, "cannot create the map of set %s: %s", s->name, strerror(-mfd));
	err = bf_bpffs_pin(mfd, pin);
	if (err) {
		close(mfd);
		return err;
	}
	*fd = mfd;
	return 0;
}

int bf_set_map_open(const struct bf_set *s, int *fd)
{
	char pin[128];
	int err = pin_path(s, pin, sizeof(pin));

	if (!err)
		err = bf_bpffs_get(pin);
	if (err < 0)
		return bf_err(err, "cannot open the map of set %s: %s", s->name, strerror(-err));
	*fd = err;
	return 0;
}

int bf_set_map_unpin(const struct bf_set *s)
{
	char pin[128];
	int err = pin_path(s, pin, sizeof(pin));

	return err ? err : bf_bpffs_unpin(pin);
}

/* A program's reference to a set (cgen/ext_maps.h): its map. */
static int open_set_map(const char *name, int *fd)
{
	struct bf_set s;
	int err = bf_set_find(name, &s);

	if (err == -ENOENT)
		return bf_err(err, "Set %s doesn't exist.", name);
	return err ? err : bf_set_map_open(&s, fd);
}

const struct bf_ext_map_kind bf_ext_map_set = {.name = "set", .open = open_set_map};
