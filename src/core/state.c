/* The state of a network namespace: open (lock, read files, find the
 * attached programs and their live counters), close, and the files. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "cgen/cgen.h"
#include "common/strbuf.h"
#include "core/nf_hooks.h"
#include "core/state_int.h"
#include "front/front.h"
#include "kern/kern_int.h"

int bf_state_path(const struct bf_state *st, const char *file, const char *suffix,
		   char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s%s", st->dir, file, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* mkdir -p: the run directory may be anywhere ($BPFILTER_RUN_DIR). */
static int make_dirs(const char *dir, mode_t mode)
{
	char path[256];

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (char *p = path + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, mode) && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}

int bf_state_read_file(const char *path, char **text)
{
	struct bf_strbuf b = {0};
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	err = bf_strbuf_read(&b, f);
	fclose(f);
	if (err) {
		bf_strbuf_free(&b);
		return err;
	}
	*text = b.s ? b.s : strdup("");
	return *text ? 0 : -ENOMEM;
}

/* Never leaves a half-written file: write a temp file, then rename. */
int bf_state_write_tmp(const char *tmp, const char *text)
{
	size_t len = strlen(text);
	int fd, err = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len; ) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

const char *bf_state_rules_file(enum bf_family family)
{
	return family == BF_FAMILY_IPV6 ? "rules.v6" : "rules.v4";
}

int bf_state_stage_rules(struct bf_state *st, enum bf_family family,
			 const struct bf_ruleset *rs)
{
	struct bf_strbuf b = {0};
	char tmp[320];
	int err;

	err = bf_state_path(st, bf_state_rules_file(family), ".tmp", tmp, sizeof(tmp));
	if (err)
		return err;
	/* About 100 bytes a rule: one allocation, not one per doubling. */
	bf_strbuf_reserve(&b, 128 * bf_ruleset_n_slots(rs));
	bf_save_print_state(&b, rs);
	bf_slots_print(&b, (struct bf_ruleset *)rs);
	err = b.err ? b.err : bf_state_write_tmp(tmp, bf_strbuf_str(&b));
	if (!err)
		bf_snapshot_stage(st, family, rs, b.s, b.len);
	bf_strbuf_free(&b);
	if (err)
		return bf_err(err, "cannot write %s: %s", tmp, strerror(-err));
	return 0;
}

int bf_state_publish_rules(struct bf_state *st, enum bf_family family)
{
	const char *file = bf_state_rules_file(family);
	char tmp[320], path[320];

	if (bf_state_path(st, file, ".tmp", tmp, sizeof(tmp)) ||
	    bf_state_path(st, file, "", path, sizeof(path)))
		return -ENAMETOOLONG;
	bf_snapshot_publish(st, family);
	if (rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return bf_err(err, "cannot store %s: %s", path, strerror(-err));
	}
	return 0;
}

void bf_state_discard_rules(struct bf_state *st, enum bf_family family)
{
	char tmp[320];

	if (!bf_state_path(st, bf_state_rules_file(family), ".tmp", tmp, sizeof(tmp)))
		unlink(tmp);
	bf_snapshot_discard(st, family);
}

int bf_state_write_attach(struct bf_state *st)
{
	struct bf_strbuf b = {0};
	char tmp[320], path[320];

	if (bf_state_path(st, BF_FILE_ATTACH, ".tmp", tmp, sizeof(tmp)) ||
	    bf_state_path(st, BF_FILE_ATTACH, "", path, sizeof(path)))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < st->n_att; i++)
		bf_strbuf_printf(&b, "%s %d %s\n", st->att[i].ifname, st->att[i].ifindex,
				 bf_xdp_mode_name(st->att[i].mode));
	return bf_state_replace_file(tmp, path, &b);
}

int bf_state_replace_file(const char *tmp, const char *path, struct bf_strbuf *b)
{
	int err = b->err ? b->err : bf_state_write_tmp(tmp, bf_strbuf_str(b));

	bf_strbuf_free(b);
	if (!err && rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
	if (err)
		return bf_err(err, "cannot store %s: %s", path, strerror(-err));
	return 0;
}

/* From its snapshot when there is a valid one (any slot missing makes
 * the slots stale, as the slots line would have); else NULL. */
static struct bf_ruleset *read_snapshot(struct bf_state *st, enum bf_family family,
					const char *text)
{
	struct bf_ruleset *rs = NULL;

	if (bf_snapshot_read(st, family, text, strlen(text), &rs))
		return NULL;
	if (!bf_slots_complete(rs))
		st->slots_stale = true;
	return rs;
}

static int read_rules(struct bf_state *st, enum bf_family family)
{
	char path[320], *text = NULL;
	struct bf_ruleset *snap;
	int err;

	st->rs[family] = bf_ruleset_new(family);
	if (!st->rs[family])
		return -ENOMEM;
	err = bf_state_path(st, bf_state_rules_file(family), "", path, sizeof(path));
	if (!err)
		err = bf_state_read_file(path, &text);
	if (err == -ENOENT) {
		st->slots_stale = true;
		return 0; /* no command of this family in this namespace yet */
	}
	if (err)
		return bf_err(err, "cannot read %s: %s", path, strerror(-err));
	snap = read_snapshot(st, family, text);
	if (snap) {
		free(text);
		bf_ruleset_free(st->rs[family]);
		st->rs[family] = snap;
		return 0;
	}
	/* Its warnings were shown when it was stored; a failure is read
	 * again aloud for its message (a failed read changes nothing). */
	bf_log_mute(1);
	err = bf_restore_state(text, st->rs[family]);
	bf_log_mute(-1);
	if (err)
		err = bf_restore_state(text, st->rs[family]);
	if (!err && bf_slots_parse(st->rs[family], text))
		st->slots_stale = true;
	free(text);
	if (err)
		return bf_err(err, "the stored ruleset %s is not valid", path);
	/* Read back, not committed: no table of it is being replaced. */
	for (int t = 0; t < BF_TABLE_MAX; t++)
		st->rs[family]->tables[t].replaced = false;
	return 0;
}

/* Slots as the rules files say, unless one does not (a file written by
 * an older version, or absent) or says wrong: then every slot in order,
 * as a commit that loads programs numbers them, and the next commit
 * loads programs (st->slots_stale). */
static void read_slots(struct bf_state *st)
{
	if (st->slots_stale)
		bf_slots_number(st->rs);
}

static int read_attach(struct bf_state *st)
{
	char path[320], *text = NULL, *line, *save = NULL;
	int err;

	err = bf_state_path(st, BF_FILE_ATTACH, "", path, sizeof(path));
	if (!err)
		err = bf_state_read_file(path, &text);
	if (err == -ENOENT)
		return 0;
	if (err)
		return bf_err(err, "cannot read %s: %s", path, strerror(-err));

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct bf_attachment a = {.prog_fd = -1}, *att;
		char mode[16];

		if (sscanf(line, "%15s %d %15s", a.ifname, &a.ifindex, mode) != 3 ||
		    bf_xdp_mode_by_name(mode, &a.mode)) {
			bf_log(BF_LOG_WARN, "Warning: %s: ignoring the bad line \"%s\"", path, line);
			continue;
		}
		att = realloc(st->att, (st->n_att + 1) * sizeof(*att));
		if (!att) {
			free(text);
			return -ENOMEM;
		}
		st->att = att;
		st->att[st->n_att++] = a;
	}
	free(text);
	return 0;
}

/* Finds our program on the interface: attached in the recorded mode and
 * named as ours. Anything else leaves prog_id 0. */
static void find_prog(struct bf_attachment *a)
{
	struct bf_prog_facts f;
	char name[IF_NAMESIZE];
	uint32_t id = 0;
	int fd;

	if (!if_indextoname((unsigned int)a->ifindex, name))
		return;
	if (bf_xdp_query(a->ifindex, a->mode, &id) || !id)
		return;
	if (bf_prog_by_id(id, &fd))
		return;
	if (bf_prog_facts(fd, &f) || strcmp(f.name, BF_PROG_NAME)) {
		close(fd);
		return;
	}
	if (strcmp(name, a->ifname)) {
		/* Renamed: -i is resolved for the new name at the next build. */
		bf_log(BF_LOG_INFO, "%s is now called %s", a->ifname, name);
		snprintf(a->ifname, sizeof(a->ifname), "%s", name);
	}
	a->prog_id = id;
	a->prog_fd = fd;
}

const char *bf_state_att_gone(const struct bf_attachment *a)
{
	char name[IF_NAMESIZE];

	if (a->prog_fd >= 0)
		return NULL;
	return if_indextoname((unsigned int)a->ifindex, name) ? "program gone" : "interface gone";
}

size_t bf_state_n_live(const struct bf_state *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_att; i++)
		n += st->att[i].prog_fd >= 0;
	return n + (st->hooks_fd >= 0);
}

size_t bf_state_n_rules(const struct bf_state *st, enum bf_family family)
{
	const struct bf_ruleset *rs = st->rs[family];
	size_t n = 0;

	for (int t = 0; t < BF_TABLE_MAX; t++)
		for (size_t c = 0; c < rs->tables[t].n_chains; c++)
			n += rs->tables[t].chains[c]->n_rules;
	return n;
}

void bf_state_for_each_slot(struct bf_ruleset *const rs[BF_FAMILY_MAX], bf_slot_fn fn,
			    void *data)
{
	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		for (int t = 0; rs[f] && t < BF_TABLE_MAX; t++) {
			struct bf_table *tb = &rs[f]->tables[t];

			for (size_t i = 0; i < tb->n_chains; i++) {
				struct bf_chain *c = tb->chains[i];

				if (c->builtin)
					fn(&c->policy_counters, c->old_slot, c->slot, data);
				for (size_t r = 0; r < c->n_rules; r++)
					fn(&c->rules[r]->counters, c->rules[r]->old_slot,
					   c->rules[r]->slot, data);
			}
		}
	}
}

void bf_state_mark_slots(struct bf_state *st)
{
	for (int f = 0; f < BF_FAMILY_MAX; f++)
		bf_slots_mark(st->rs[f]);
}

int bf_state_read_counters(int map_fd, size_t cap, struct bf_counter **out)
{
	struct bf_counter *v;
	int err;

	if (!cap)
		cap = 1;
	v = calloc(2 * cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = bf_counters_read(map_fd, 2 * cap, v);
	if (err) {
		free(v);
		return err;
	}
	for (size_t i = 0; i < cap; i++) {
		v[i].packets += v[cap + i].packets;
		v[i].bytes += v[cap + i].bytes;
	}
	*out = v; /* the first cap entries are the sums */
	return 0;
}

struct init_ctx {
	int map_fd;
	size_t cap;
	const struct bf_counter *base;
	size_t n_base;
	int err;
};

static void init_slot(struct bf_counter *c, int old_slot, int slot, void *data)
{
	struct init_ctx *ctx = data;
	const struct bf_counter *v = c;

	if (ctx->base && old_slot >= 0 && (size_t)old_slot < ctx->n_base)
		v = &ctx->base[old_slot];
	if (!ctx->err && (v->packets || v->bytes))
		ctx->err = bf_counters_write(ctx->map_fd, ctx->cap + (size_t)slot, v);
}

int bf_state_new_counters(struct bf_ruleset *const rs[BF_FAMILY_MAX],
			  const struct bf_counter *base, size_t n_base, size_t cap, int *map_fd)
{
	struct init_ctx ctx = {.base = base, .n_base = n_base, .cap = cap ? cap : 1};
	int err;

	err = bf_counters_create(2 * ctx.cap, &ctx.map_fd);
	if (err)
		return err;
	bf_state_for_each_slot(rs, init_slot, &ctx);
	if (ctx.err) {
		close(ctx.map_fd);
		return ctx.err;
	}
	*map_fd = ctx.map_fd;
	return 0;
}

static void set_slot(struct bf_counter *c, int old_slot, int slot, void *data)
{
	*c = ((struct bf_counter *)data)[slot];
}

/* The counters map's capacity, st->n_base; a map that cannot be the one
 * of st->rs's slots is dropped (the stored counters are shown). */
static void check_counters(struct bf_state *st)
{
	size_t have;

	if (st->counters_fd < 0)
		return;
	if (bf_counters_size(st->counters_fd, &have) || have % 2 ||
	    have / 2 < bf_slots_end(st->rs)) {
		bf_log(BF_LOG_WARN, "Warning: the attached programs' counters do not match the stored ruleset; "
		       "showing the stored counters");
		close(st->counters_fd);
		st->counters_fd = -1;
		return;
	}
	st->n_base = have / 2;
}

int bf_state_load_counters(struct bf_state *st)
{
	struct bf_counter *v;
	size_t cap;
	int err;

	check_counters(st);
	if (st->counters_fd < 0)
		return 0;
	cap = st->n_base; /* check_counters() set it */
	err = bf_state_read_counters(st->counters_fd, cap, &v);
	if (err)
		return err;
	bf_state_for_each_slot(st->rs, set_slot, v);
	free(st->base);
	st->base = v;
	return 0;
}

static int take_lock(struct bf_state *st, int wait_secs, unsigned int interval_us)
{
	char path[320];
	int err;

	err = bf_state_path(st, BF_FILE_LOCK, "", path, sizeof(path));
	if (err)
		return err;
	err = make_dirs(st->dir, 0700);
	if (!err)
		err = bf_lock_take(path, wait_secs, interval_us, &st->lock_fd);
	switch (err) {
	case 0:
		return 0;
	case -EWOULDBLOCK:
		return bf_err(err, "Another app is currently holding the xtables lock. "
			      "Perhaps you want to use the -w option?");
	case -ETIMEDOUT:
		bf_err(err, "Can't lock %s: %s", path, strerror(EWOULDBLOCK));
		return bf_err(err, "Another app is currently holding the xtables lock. "
			      "Stopped waiting after %ds.", wait_secs);
	default:
		bf_err(err, "Fatal: can't open lock file %s: %s", path, strerror(-err));
		return -ENOLCK;
	}
}

int bf_state_ns_dir(char *dir, size_t len)
{
	const char *run = getenv("BPFILTER_RUN_DIR");
	uint64_t cookie;
	int err, n;

	if (!run || !*run)
		run = BF_RUN_DIR_DEFAULT;
	err = bf_netns_cookie(&cookie);
	if (err)
		return err;
	n = snprintf(dir, len, "%s/%" PRIu64, run, cookie);
	if (n < 0 || (size_t)n >= len)
		return bf_err(-ENAMETOOLONG, "the run directory %s is too long", run);
	return 0;
}

static int open_state(struct bf_state *st, int wait_secs, unsigned int wait_interval_us,
		      bool counters)
{
	int err;

	*st = (struct bf_state){.lock_fd = -1, .counters_fd = -1, .state_fd = -1, .hooks_fd = -1};
	err = bf_state_ns_dir(st->dir, sizeof(st->dir));
	if (err)
		return err;

	err = take_lock(st, wait_secs, wait_interval_us);
	for (int f = 0; !err && f < BF_FAMILY_MAX; f++)
		err = read_rules(st, (enum bf_family)f);
	if (!err)
		err = read_attach(st);
	if (!err)
		read_slots(st);
	if (err)
		goto fail;

	if (bf_nf_hooks_open(&st->hooks_fd))
		st->hooks_fd = -1;
	if (st->hooks_fd >= 0)
		bf_nf_hooks_maps(st->hooks_fd, &st->counters_fd, &st->state_fd);
	for (size_t i = 0; i < st->n_att; i++) {
		find_prog(&st->att[i]);
		if (st->att[i].prog_fd >= 0 && st->counters_fd < 0 &&
		    bf_prog_counters_map(st->att[i].prog_fd, &st->counters_fd))
			st->counters_fd = -1;
		if (st->att[i].prog_fd >= 0 && st->state_fd < 0 &&
		    bf_prog_state_map(st->att[i].prog_fd, &st->state_fd))
			st->state_fd = -1;
	}
	if (counters)
		err = bf_state_load_counters(st);
	else
		check_counters(st);
	if (err)
		goto fail;
	bf_state_mark_slots(st);
	/* Never fatal: the command goes on, and the next one tries again. */
	if (bf_state_repair(st))
		bf_log(BF_LOG_WARN, "Warning: could not recommit the stored rules after an "
		       "interrupted change; the next command tries again");
	return 0;

fail:
	bf_state_close(st);
	return err;
}

int bf_state_open(struct bf_state *st, int wait_secs, unsigned int wait_interval_us)
{
	return open_state(st, wait_secs, wait_interval_us, true);
}

int bf_state_open_uncounted(struct bf_state *st, int wait_secs, unsigned int wait_interval_us)
{
	return open_state(st, wait_secs, wait_interval_us, false);
}

void bf_state_close(struct bf_state *st)
{
	for (size_t i = 0; i < st->n_att; i++)
		if (st->att[i].prog_fd >= 0)
			close(st->att[i].prog_fd);
	free(st->att);
	if (st->counters_fd >= 0)
		close(st->counters_fd);
	if (st->state_fd >= 0)
		close(st->state_fd);
	if (st->hooks_fd >= 0)
		close(st->hooks_fd);
	free(st->base);
	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		bf_ruleset_free(st->rs[f]);
		st->rs[f] = NULL;
	}
	bf_lock_drop(st->lock_fd);
	st->att = NULL;
	st->n_att = 0;
	st->counters_fd = -1;
	st->state_fd = -1;
	st->hooks_fd = -1;
	st->base = NULL;
	st->lock_fd = -1;
}
