/* `bpfilter set`: ipset's commands, syntax, messages, exit codes and
 * output formats, on bpfilter's sets (core/set.h): create, add, del,
 * test, flush, list, save, restore, destroy, help, version. Options
 * (-exist/-!, -q, -n, -t, -s, -o plain|save, -f FILE) may come anywhere,
 * as ipset takes them. Commands of the namespace serialize on its lock. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "cli/verbs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "core/set.h"
#include "core/set_elem.h"
#include "core/set_ops.h"
#include "core/state.h"
#include "ext/ext.h"

#define SET_EXIT_PARAM 2 /* ipset's PARAMETER_PROBLEM */

struct set_opts {
	bool exist, quiet, names, terse, sorted, save_fmt;
	bool json; /* list --json (bpfilter's) */
	const char *file;
};

/* One command's context: the state (lock, rulesets) and the sets. */
struct set_ctx {
	struct set_opts o;
	struct bf_state st;
	struct bf_set *sets;
	size_t n_sets;
	struct bf_strbuf out;
	int line; /* restore: the line being run, else 0 */
	bool param; /* the error is a parameter problem (exit 2) */
	/* restore: adds queued for one set */
	struct bf_set_batch batch;
	int batch_set; /* index in sets, -1: none */
	int *batch_lines;
	int batch_fd;
};

static int fail(struct set_ctx *c, const char *fmt, const char *a, const char *b)
{
	bf_log(BF_LOG_ERR, fmt, a, b);
	return -EINVAL;
}

static int param(struct set_ctx *c, const char *fmt, const char *a)
{
	c->param = true;
	bf_log(BF_LOG_ERR, fmt, a);
	return -EINVAL;
}

static struct bf_set *find(struct set_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->n_sets; i++)
		if (!strcmp(c->sets[i].name, name))
			return &c->sets[i];
	return NULL;
}

static int need_set(struct set_ctx *c, const char *name, struct bf_set **s)
{
	*s = find(c, name);
	if (!*s)
		return fail(c, "The set with the given name does not exist%s%s", "", "");
	return 0;
}

/* Rules of both families whose matches read set `name` (NULL: any). */
static size_t references(struct set_ctx *c, const char *name)
{
	size_t n = 0;

	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		const struct bf_ruleset *rs = c->st.rs[f];

		for (int t = 0; rs && t < BF_TABLE_MAX; t++)
			for (size_t ch = 0; ch < rs->tables[t].n_chains; ch++) {
				const struct bf_chain *chain = rs->tables[t].chains[ch];

				for (size_t r = 0; r < chain->n_rules; r++)
					for (size_t m = 0; m < chain->rules[r]->n_matches; m++) {
						const struct bf_match *mt = &chain->rules[r]->matches[m];
						const char *kind, *used;

						if (!mt->ops->ext_map)
							continue;
						used = mt->ops->ext_map(mt->data, &kind);
						n += used && !strcmp(kind, "set") &&
						     (!name || !strcmp(used, name));
					}
			}
	}
	return n;
}

static int parse_u32(struct set_ctx *c, const char *s, unsigned long max, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (!*s || *end || errno || *s == '-')
		return fail(c, "Syntax error: '%s' is invalid as number%s", s, "");
	if (x > max) {
		char m[24];

		snprintf(m, sizeof(m), "%lu", max);
		return fail(c, "Syntax error: '%s' is out of range 0-%s", s, m);
	}
	*v = (uint32_t)x;
	return 0;
}

/* The value of option argv[*i], which must be there. */
static int opt_arg(struct set_ctx *c, int argc, char **argv, int *i, const char **v)
{
	if (*i + 1 >= argc)
		return param(c, "Missing mandatory argument of option `%s'", argv[*i]);
	*v = argv[++*i];
	return 0;
}

static bool same_set(const struct bf_set *a, const struct bf_set *b)
{
	return a->type == b->type && a->family == b->family && a->hashsize == b->hashsize &&
	       a->maxelem == b->maxelem && a->with_timeout == b->with_timeout &&
	       a->timeout == b->timeout && a->counters == b->counters;
}

static uint32_t new_id(struct set_ctx *c)
{
	uint32_t id = 0;

	for (size_t i = 0; i < c->n_sets; i++)
		if (c->sets[i].id >= id)
			id = c->sets[i].id + 1;
	return id;
}

static int cmd_create(struct set_ctx *c, int argc, char **argv)
{
	struct bf_set s = {.hashsize = 1024, .maxelem = 65536}, *old, *v;
	bool has_initval = false;
	const char *val;
	int type, fd, err;

	if (argc < 2)
		return param(c, "Missing %s mandatory argument to command create",
			     argc < 1 ? "setname" : "typename");
	if (strlen(argv[0]) >= BF_SET_MAXNAMELEN)
		return fail(c, "Syntax error: setname '%s' is longer than 31 characters%s",
			    argv[0], "");
	type = bf_set_type_by_name(argv[1]);
	if (type < 0)
		return fail(c, "Syntax error: typename '%s' is unknown%s", argv[1], "");
	strcpy(s.name, argv[0]);
	s.type = (enum bf_set_type)type;
	s.family = BF_FAMILY_IPV4;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "family")) {
			if (opt_arg(c, argc, argv, &i, &val))
				return -EINVAL;
			if (!strcmp(val, "inet6"))
				s.family = BF_FAMILY_IPV6;
			else if (strcmp(val, "inet"))
				return fail(c, "Syntax error: unknown inet family %s%s", val, "");
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			s.family = a[1] == '6' ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
		} else if (!strcmp(a, "hashsize") || !strcmp(a, "maxelem") ||
			   !strcmp(a, "timeout") || !strcmp(a, "bucketsize")) {
			uint32_t x;

			if (opt_arg(c, argc, argv, &i, &val) ||
			    parse_u32(c, val, a[0] == 't' ? BF_SET_MAX_TIMEOUT : UINT32_MAX, &x))
				return -EINVAL;
			if (a[0] == 'h') {
				/* ipset: a power of two, at least 64 */
				s.hashsize = 64;
				while (s.hashsize < x && s.hashsize < (1u << 31))
					s.hashsize <<= 1;
			} else if (a[0] == 'm') {
				s.maxelem = x;
			} else if (a[0] == 't') {
				s.with_timeout = true;
				s.timeout = x;
			}
		} else if (!strcmp(a, "initval")) {
			/* the hash seed, as save prints it: restore keeps it */
			if (opt_arg(c, argc, argv, &i, &val) ||
			    parse_u32(c, val, UINT32_MAX, &s.initval))
				return -EINVAL;
			has_initval = true;
		} else if (!strcmp(a, "counters")) {
			s.counters = true;
		} else if (!strcmp(a, "comment") || !strcmp(a, "skbinfo") ||
			   !strcmp(a, "forceadd") || !strcmp(a, "netmask")) {
			return fail(c, "%s: not supported by bpfilter's sets%s", a, "");
		} else {
			return param(c, "Unknown argument: `%s'", a);
		}
	}
	old = find(c, s.name);
	if (old) {
		if (c->o.exist && same_set(old, &s))
			return 0;
		return fail(c, "Set cannot be created: set with the same name already exists%s%s",
			    "", "");
	}
	if (!s.maxelem)
		return fail(c, "Set cannot be created: a set of bpfilter needs maxelem 1 or more%s%s",
			    "", "");
	s.id = new_id(c);
	if (!has_initval)
		s.initval = (uint32_t)random() ^ (uint32_t)getpid() << 16;
	err = bf_set_map_create(&s, &fd);
	if (err)
		return err;
	close(fd);
	v = realloc(c->sets, (c->n_sets + 1) * sizeof(*v));
	if (!v) {
		bf_set_map_unpin(&s);
		return -ENOMEM;
	}
	c->sets = v;
	c->sets[c->n_sets++] = s;
	err = bf_sets_write(c->sets, c->n_sets);
	if (err) {
		c->n_sets--;
		bf_set_map_unpin(&s);
	}
	return err;
}

static int destroy_one(struct set_ctx *c, struct bf_set *s)
{
	size_t i = (size_t)(s - c->sets);
	struct bf_set gone = *s;
	int err;

	memmove(&c->sets[i], &c->sets[i + 1], (c->n_sets - i - 1) * sizeof(*s));
	c->n_sets--;
	err = bf_sets_write(c->sets, c->n_sets);
	if (err)
		return err;
	return bf_set_map_unpin(&gone);
}

static int cmd_destroy(struct set_ctx *c, int argc, char **argv)
{
	struct bf_set *s;

	if (argc > 1)
		return param(c, "Unknown argument %s", argv[1]);
	if (!argc) {
		if (references(c, NULL))
			return fail(c, "Set cannot be destroyed: it is in use by a kernel "
				    "component%s%s", "", "");
		while (c->n_sets) {
			int err = destroy_one(c, &c->sets[c->n_sets - 1]);

			if (err)
				return err;
		}
		return 0;
	}
	if (need_set(c, argv[0], &s))
		return -EINVAL;
	if (references(c, s->name))
		return fail(c, "Set cannot be destroyed: it is in use by a kernel component%s%s",
			    "", "");
	return destroy_one(c, s);
}

static int cmd_flush(struct set_ctx *c, int argc, char **argv)
{
	for (size_t i = 0; i < c->n_sets; i++) {
		int fd, err;

		if (argc && strcmp(c->sets[i].name, argv[0]))
			continue;
		err = bf_set_map_open(&c->sets[i], &fd);
		if (err)
			return err;
		err = bf_set_flush(fd);
		close(fd);
		if (err)
			return bf_err(err, "cannot flush set %s: %s", c->sets[i].name, strerror(-err));
		if (argc)
			return 0;
	}
	return argc ? fail(c, "The set with the given name does not exist%s%s", "", "") : 0;
}

/* The options after an element: timeout, nomatch, packets, bytes. */
static int add_opts(struct set_ctx *c, const struct bf_set *s, int argc, char **argv,
		    bool adding, struct bf_set_add_opts *o)
{
	bool packets = false, bytes = false;

	memset(o, 0, sizeof(*o));
	o->exist = c->o.exist;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val;

		if (!adding && !strcmp(a, "nomatch") && bf_set_type_is_net(s->type)) {
			continue;
		} else if (adding && !strcmp(a, "timeout")) {
			if (opt_arg(c, argc, argv, &i, &val) ||
			    parse_u32(c, val, BF_SET_MAX_TIMEOUT, &o->timeout))
				return -EINVAL;
			if (!s->with_timeout)
				return fail(c, "Timeout cannot be used: set was created without "
					    "timeout support%s%s", "", "");
			o->has_timeout = true;
		} else if (adding && !strcmp(a, "nomatch") && bf_set_type_is_net(s->type)) {
			o->nomatch = true;
		} else if (adding && (!strcmp(a, "packets") || !strcmp(a, "bytes"))) {
			char *end;
			unsigned long long x;

			if (opt_arg(c, argc, argv, &i, &val))
				return -EINVAL;
			if (!s->counters)
				return fail(c, "Packet/byte counters cannot be used: set was created "
					    "without counter support%s%s", "", "");
			errno = 0;
			x = strtoull(val, &end, 0);
			if (!*val || *end || errno)
				return fail(c, "Syntax error: '%s' is invalid as number%s", val, "");
			if (a[0] == 'p') {
				o->packets = x;
				packets = true;
			} else {
				o->bytes = x;
				bytes = true;
			}
		} else {
			return param(c, "Unknown argument: `%s'", a);
		}
	}
	o->has_counters = packets || bytes;
	return 0;
}

static const char *elem_errstr(int err, bool adding)
{
	switch (err) {
	case -EEXIST:
		return "Element cannot be added to the set: it's already added";
	case -ENOENT:
		return "Element cannot be deleted from the set: it's not added";
	case -E2BIG:
	case -ENOSPC:
		return "Hash is full, cannot add more elements";
	default:
		return NULL;
	}
}

struct elem_job {
	struct set_ctx *c;
	const struct bf_set *s;
	int fd;
	const char *cmd;
	struct bf_set_add_opts o;
};

static int elem_one(const struct bf_set_elem *e, void *data)
{
	struct elem_job *j = data;
	int err;

	if (j->cmd[0] == 'a') {
		/* restore: queued, written in batches */
		if (j->c->line) {
			struct bf_set_val v;

			bf_set_val_init(j->s, e, &j->o, &v);
			err = bf_set_batch_add(&j->c->batch, e, &v);
			if (!err) {
				int *l = j->c->batch_lines;

				l[j->c->batch.n - 1] = j->c->line;
			}
			return err;
		}
		err = bf_set_elem_add(j->fd, j->s, e, &j->o);
	} else {
		err = bf_set_elem_del(j->fd, j->s, e);
		if (err == -ENOENT && j->c->o.exist)
			err = 0;
	}
	if (err && elem_errstr(err, true))
		return fail(j->c, "%s%s", elem_errstr(err, true), "");
	return err ? bf_err(err, "%s: %s", j->s->name, strerror(-err)) : 0;
}

static int batch_flush(struct set_ctx *c);

/* Makes the batch that of set s (restore), flushing another's. */
static int batch_for(struct set_ctx *c, struct bf_set *s, const struct bf_set_add_opts *o)
{
	int idx = (int)(s - c->sets), err;

	if (c->batch_set == idx && c->batch.n < BF_SET_BATCH_MAX) {
		c->batch.opts = *o;
		return 0;
	}
	err = batch_flush(c);
	if (err)
		return err;
	if (c->batch_set != idx) {
		if (c->batch_fd >= 0)
			close(c->batch_fd);
		c->batch_fd = -1;
		c->batch_set = -1;
		err = bf_set_map_open(s, &c->batch_fd);
		if (err)
			return err;
		bf_set_batch_free(&c->batch);
		bf_set_batch_init(&c->batch, c->batch_fd, s, o);
		c->batch_set = idx;
		free(c->batch_lines);
		c->batch_lines = malloc(BF_SET_BATCH_MAX * sizeof(int));
		if (!c->batch_lines)
			return -ENOMEM;
	}
	c->batch.opts = *o;
	return 0;
}

static int batch_flush(struct set_ctx *c)
{
	size_t at = 0;
	int err;

	if (c->batch_set < 0 || !c->batch.n)
		return 0;
	err = bf_set_batch_flush(&c->batch, &at);
	if (!err)
		return 0;
	c->line = c->batch_lines[at];
	if (elem_errstr(err, true))
		return fail(c, "%s%s", elem_errstr(err, true), "");
	return bf_err(err, "%s: %s", c->sets[c->batch_set].name, strerror(-err));
}

static bool is_zero(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

static int cmd_elem(struct set_ctx *c, const char *cmd, int argc, char **argv)
{
	struct elem_job j = {.c = c, .cmd = cmd, .fd = -1};
	struct bf_set_range r;
	struct bf_set *s;
	int err;

	if (argc < 2)
		return param(c, argc ? "Missing second mandatory argument to command %s"
				     : "Missing mandatory argument to command %s", cmd);
	if (need_set(c, argv[0], &s))
		return -EINVAL;
	j.s = s;
	err = bf_set_range_parse(s, argv[1], &r);
	if (err == -EPROTONOSUPPORT)
		return fail(c, "Invalid %s command: missing setname%s", cmd, "");
	if (err || add_opts(c, s, argc - 2, argv + 2, cmd[0] == 'a', &j.o))
		return -EINVAL;
	/* ipset's hash:ip types cannot hold the all-zero address (their
	 * empty bucket): add and del refuse it, from the first element. */
	if (cmd[0] != 't' && !bf_set_type_is_net(s->type) && is_zero(r.first.addr, sizeof(r.first.addr)))
		return fail(c, "%s%s", bf_set_type_has_port(s->type) ? "Kernel error received: Invalid argument"
				: "Null-valued element, cannot be stored in a hash type of set", "");
	if (cmd[0] == 'a' && c->line)
		return batch_for(c, s, &j.o) ? -EINVAL : bf_set_range_walk(s, &r, elem_one, &j);
	err = batch_flush(c);
	if (err)
		return err;
	err = bf_set_map_open(s, &j.fd);
	if (err)
		return err;
	if (cmd[0] == 't') {
		struct bf_strbuf b = {0};
		bool in = false;

		err = r.range ? fail(c, "Syntax error: plain IP address must be supplied: %s%s",
				     argv[1], "")
			      : bf_set_elem_test(j.fd, s, &r.first, &in);
		if (!err) {
			bf_set_elem_print(&b, s, &r.first);
			if (!c->o.quiet)
				fprintf(stderr, in ? "Warning: %s is in set %s.\n"
						   : "%s is NOT in set %s.\n",
					bf_strbuf_str(&b), s->name);
			err = in ? 0 : 1;
		}
		bf_strbuf_free(&b);
	} else {
		err = bf_set_range_walk(s, &r, elem_one, &j);
	}
	close(j.fd);
	return err;
}

/* Listing. */
struct list_line {
	struct bf_set_elem e; /* what -s sorts by */
	char *text;
};

struct list_job {
	const struct bf_set *s;
	struct bf_strbuf *out;
	bool save;
	struct list_line *lines;
	size_t n, cap;
	int err;
};

static int list_elem(const struct bf_set_elem *e, const struct bf_set_val *v, void *data)
{
	struct list_job *j = data;
	struct bf_strbuf b = {0};

	if (j->save)
		bf_strbuf_printf(&b, "add %s ", j->s->name);
	bf_set_elem_print(&b, j->s, e);
	if (j->s->with_timeout) {
		uint64_t now = bf_set_now(), left = 0;

		if (v->expires) {
			left = (v->expires - now) / 1000000000ull;
			left = left ? left : 1; /* 0 would say "never" */
		}
		bf_strbuf_printf(&b, " timeout %llu", (unsigned long long)left);
	}
	if (j->s->counters)
		bf_strbuf_printf(&b, " packets %llu bytes %llu", (unsigned long long)v->packets,
				 (unsigned long long)v->bytes);
	if (v->flags & BF_SET_F_NOMATCH)
		bf_strbuf_puts(&b, " nomatch");
	if (b.err || (j->n == j->cap && !(j->lines = realloc(j->lines,
							    (j->cap = j->cap ? 2 * j->cap : 64) *
							    sizeof(*j->lines))))) {
		bf_strbuf_free(&b);
		return -ENOMEM;
	}
	j->lines[j->n].e = *e;
	j->lines[j->n++].text = b.s ? b.s : strdup("");
	return 0;
}

/* -s: by address (as ipset), then prefix, protocol and port. */
static int cmp_lines(const void *a, const void *b)
{
	const struct bf_set_elem *x = &((const struct list_line *)a)->e;
	const struct bf_set_elem *y = &((const struct list_line *)b)->e;
	int d = memcmp(x->addr, y->addr, sizeof(x->addr));

	if (!d)
		d = (int)x->cidr - (int)y->cidr;
	if (!d)
		d = (int)x->proto - (int)y->proto;
	return d ? d : (int)x->port - (int)y->port;
}

static void print_header(struct set_ctx *c, const struct bf_set *s, struct bf_strbuf *o)
{
	bf_strbuf_printf(o, "family %s hashsize %u maxelem %u",
			 s->family == BF_FAMILY_IPV6 ? "inet6" : "inet", s->hashsize, s->maxelem);
	if (s->with_timeout)
		bf_strbuf_printf(o, " timeout %u", s->timeout);
	if (s->counters)
		bf_strbuf_puts(o, " counters");
	bf_strbuf_printf(o, " bucketsize 12 initval 0x%08x", s->initval);
}

/* list --json: a set as one object, the text's fields and its members'
 * lines as strings (after a comma unless first). */
static void list_json(struct set_ctx *c, const struct bf_set *s, const struct list_job *j)
{
	struct bf_strbuf *o = &c->out, header = {0};
	bool first = true;

	print_header(c, s, &header);
	bf_strbuf_puts(o, "{");
	bf_json_kv_str(o, &first, "name", s->name);
	bf_json_kv_str(o, &first, "type", bf_set_type_name(s->type));
	bf_json_kv_u64(o, &first, "revision", (uint64_t)bf_set_type_revision(s->type));
	bf_json_kv_str(o, &first, "header", bf_strbuf_str(&header));
	bf_json_kv_u64(o, &first, "references", references(c, s->name));
	bf_json_kv_u64(o, &first, "entries", j->n);
	bf_json_key(o, &first, "members");
	bf_strbuf_puts(o, "[");
	for (size_t i = 0; i < j->n && !c->o.terse; i++) {
		if (i)
			bf_strbuf_puts(o, ",");
		bf_json_str(o, j->lines[i].text);
	}
	bf_strbuf_puts(o, "]}");
	bf_strbuf_free(&header);
}

static int list_one(struct set_ctx *c, const struct bf_set *s, bool save, bool first)
{
	struct list_job j = {.s = s, .out = &c->out, .save = save};
	struct bf_strbuf *o = &c->out;
	int fd = -1, err = 0;

	if (c->o.names && !c->o.json) {
		bf_strbuf_printf(o, "%s\n", s->name);
		return 0;
	}
	if (c->o.json && !first)
		bf_strbuf_puts(o, ",");
	{
		err = bf_set_map_open(s, &fd);
		if (!err)
			err = bf_set_walk(fd, s, list_elem, &j);
		if (fd >= 0)
			close(fd);
		if (err)
			goto out;
	}
	if (c->o.sorted && j.n)
		qsort(j.lines, j.n, sizeof(*j.lines), cmp_lines);
	if (c->o.json && !save) {
		list_json(c, s, &j);
	} else if (save) {
		bf_strbuf_printf(o, "create %s %s ", s->name, bf_set_type_name(s->type));
		print_header(c, s, o);
		bf_strbuf_puts(o, "\n");
	} else {
		if (!first)
			bf_strbuf_puts(o, "\n");
		bf_strbuf_printf(o, "Name: %s\nType: %s\nRevision: %d\nHeader: ", s->name,
				 bf_set_type_name(s->type), bf_set_type_revision(s->type));
		print_header(c, s, o);
		bf_strbuf_printf(o, "\nSize in memory: %zu\nReferences: %zu\n",
				 200 + j.n * (bf_set_key_size(s) + sizeof(struct bf_set_val)),
				 references(c, s->name));
		if (!c->o.terse)
			bf_strbuf_printf(o, "Number of entries: %zu\nMembers:\n", j.n);
		else
			bf_strbuf_printf(o, "Number of entries: %zu\n", j.n);
	}
	for (size_t i = 0; !c->o.json && i < j.n && (save || !c->o.terse); i++)
		bf_strbuf_printf(o, "%s\n", j.lines[i].text);
out:
	for (size_t i = 0; i < j.n; i++)
		free(j.lines[i].text);
	free(j.lines);
	return err;
}

static int cmd_list(struct set_ctx *c, bool save, int argc, char **argv)
{
	struct bf_set *s;
	int err;

	if (argc > 1)
		return param(c, "Unknown argument %s", argv[1]);
	err = batch_flush(c);
	if (err)
		return err;
	if (c->o.json && !save)
		bf_strbuf_puts(&c->out, "[");
	if (argc) {
		if (need_set(c, argv[0], &s))
			return -EINVAL;
		err = list_one(c, s, save || c->o.save_fmt, true);
	} else {
		for (size_t i = 0; !err && i < c->n_sets; i++)
			err = list_one(c, &c->sets[i], save || c->o.save_fmt, !i);
	}
	if (!err && c->o.json && !save)
		bf_strbuf_puts(&c->out, "]\n");
	return err;
}

static void usage(void)
{
	printf("%s set v%s\n\n"
	       "Usage: %s set [options] COMMAND\n\n"
	       "Commands:\n"
	       "create SETNAME TYPENAME [type-specific-options]\n"
	       "        Create a new set\n"
	       "add SETNAME ENTRY\n        Add entry to the named set\n"
	       "del SETNAME ENTRY\n        Delete entry from the named set\n"
	       "test SETNAME ENTRY\n        Test entry in the named set\n"
	       "destroy [SETNAME]\n        Destroy a named set or all sets\n"
	       "list [SETNAME]\n        List the entries of a named set or all sets\n"
	       "save [SETNAME]\n        Save the named set or all sets to stdout\n"
	       "restore\n        Restore a saved state\n"
	       "flush [SETNAME]\n        Flush a named set or all sets\n"
	       "help [TYPENAME]\n        Print help, and settype specific help\n"
	       "version\n        Print version information\n\n"
	       "Options:\n"
	       "-o plain|save  Specify output mode for listing sets.\n"
	       "-! -exist      Ignore errors when exactly the same set is to be created\n"
	       "               or already added entry is added or missing entry is deleted.\n"
	       "-q -quiet      Suppress any output to stdout and stderr.\n"
	       "-s -sorted     List sorted members when listing sets.\n"
	       "-n -name       List just the names of the existing sets.\n"
	       "-t -terse      List set names and headers.\n"
	       "-f FILE        Read from (restore) or write to (save) FILE.\n\n"
	       "Types: hash:ip hash:net hash:ip,port hash:net,port, families inet and inet6;\n"
	       "create options: family, hashsize, maxelem, timeout, counters.\n"
	       "Sets live in BPF maps and are matched with -m set at XDP.\n",
	       bf_prog_name, BF_VERSION, bf_prog_name);
}

static int run(struct set_ctx *c, int argc, char **argv);

static void tokenize(char *line, char ***words, int *n)
{
	static char *w[64];

	*n = 0;
	for (char *p = strtok(line, " \t\r\n"); p && *n < 64; p = strtok(NULL, " \t\r\n"))
		w[(*n)++] = p;
	*words = w;
}

static int cmd_restore(struct set_ctx *c)
{
	FILE *f = c->o.file ? fopen(c->o.file, "re") : stdin;
	char *line = NULL;
	size_t cap = 0;
	int err = 0, lineno = 0;

	if (!f)
		return fail(c, "Cannot open %s for reading: %s", c->o.file, strerror(errno));
	while (!err && getline(&line, &cap, f) >= 0) {
		char **w;
		int n;

		c->line = ++lineno;
		tokenize(line, &w, &n);
		if (!n || w[0][0] == '#' || !strcmp(w[0], "COMMIT"))
			continue;
		err = run(c, n, w);
	}
	if (!err)
		err = batch_flush(c);
	free(line);
	if (f != stdin)
		fclose(f);
	return err;
}

/* One command (argv[0]); 0, 1 for a test that says "not in", or -errno. */
static int run(struct set_ctx *c, int argc, char **argv)
{
	const char *cmd = argv[0];

	if (!strcmp(cmd, "create") || !strcmp(cmd, "n"))
		return batch_flush(c) ? -EINVAL : cmd_create(c, argc - 1, argv + 1);
	if (!strcmp(cmd, "add") || !strcmp(cmd, "del") || !strcmp(cmd, "test"))
		return cmd_elem(c, cmd, argc - 1, argv + 1);
	if (!strcmp(cmd, "destroy") || !strcmp(cmd, "x"))
		return batch_flush(c) ? -EINVAL : cmd_destroy(c, argc - 1, argv + 1);
	if (!strcmp(cmd, "flush"))
		return batch_flush(c) ? -EINVAL : cmd_flush(c, argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_list(c, false, argc - 1, argv + 1);
	if (!strcmp(cmd, "save"))
		return cmd_list(c, true, argc - 1, argv + 1);
	if (!strcmp(cmd, "restore") && !c->line)
		return cmd_restore(c);
	return param(c, "No command specified: unknown argument %s", cmd);
}

/* save -f FILE */
static int write_file(struct set_ctx *c, const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return fail(c, "Cannot open %s for writing: %s", path, strerror(errno));
	fputs(bf_strbuf_str(&c->out), f);
	return fclose(f) ? fail(c, "Cannot write %s: %s", path, strerror(errno)) : 0;
}

/* Options anywhere; the other words, in order, into words. */
static int parse_opts(struct set_ctx *c, int argc, char **argv, char **words, int *n)
{
	*n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-exist") || !strcmp(a, "-!"))
			c->o.exist = true;
		else if (!strcmp(a, "-q") || !strcmp(a, "-quiet"))
			c->o.quiet = true;
		else if (!strcmp(a, "-n") || !strcmp(a, "-name"))
			c->o.names = true;
		else if (!strcmp(a, "-t") || !strcmp(a, "-terse"))
			c->o.terse = true;
		else if (!strcmp(a, "-s") || !strcmp(a, "-sorted"))
			c->o.sorted = true;
		else if (!strcmp(a, "-r") || !strcmp(a, "-resolve"))
			;
		else if (!strcmp(a, "--json") || !strcmp(a, "-json"))
			c->o.json = true;
		else if (!strcmp(a, "-v") || !strcmp(a, "-version"))
			words[(*n)++] = "version"; /* as ipset: the version command */
		else if (!strcmp(a, "-o") || !strcmp(a, "-output")) {
			if (i + 1 >= argc)
				return param(c, "Missing mandatory argument of option `%s'", a);
			a = argv[++i];
			if (strcmp(a, "plain") && strcmp(a, "save"))
				return param(c, "Syntax error: Unknown output mode '%s'", a);
			c->o.save_fmt = !strcmp(a, "save");
		} else if (!strcmp(a, "-f") || !strcmp(a, "-file")) {
			if (i + 1 >= argc)
				return param(c, "Missing mandatory argument of option `%s'", a);
			c->o.file = argv[++i];
		} else if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9') && strcmp(a, "-4") &&
			   strcmp(a, "-6")) {
			return param(c, "Unknown argument: `%s'", a);
		} else {
			words[(*n)++] = argv[i];
		}
	}
	return 0;
}

int bf_cli_set(int argc, char **argv)
{
	struct set_ctx c = {.batch_set = -1, .batch_fd = -1};
	char **words = calloc((size_t)argc + 1, sizeof(char *));
	int n = 0, err, rc;

	if (!words)
		return BF_EXIT_RESOURCE;
	err = parse_opts(&c, argc, argv, words, &n);
	if (!err && !n)
		err = param(&c, "No command specified.%s", "");
	if (!err && (!strcmp(words[0], "help") || !strcmp(words[0], "-h"))) {
		usage();
		free(words);
		return 0;
	}
	if (!err && !strcmp(words[0], "version")) {
		if (strncmp(bf_cli_set_name(), "ipset", 5))
			printf("%s (bpfilter's sets)\n", bf_cli_set_name());
		else
			printf("%s, protocol version: 7\n", bf_cli_set_name());
		free(words);
		return 0;
	}
	if (!err) {
		/* As ipset, which never fails on a busy lock: wait for it. */
		rc = bf_cli_open_state(&c.st, 0, 0, false);
		if (rc) {
			free(words);
			return rc;
		}
		err = bf_sets_read(&c.sets, &c.n_sets);
		if (!err) {
			srandom((unsigned int)bf_set_now());
			err = run(&c, n, words);
		}
		if (!err && c.o.file && !strcmp(words[0], "save"))
			err = write_file(&c, c.o.file);
		else
			fputs(bf_strbuf_str(&c.out), stdout);
		bf_state_close(&c.st);
	}
	rc = err == 1 ? 1 : 0;
	if (err < 0) {
		const char *msg = bf_cli_errors();

		rc = c.param ? SET_EXIT_PARAM : 1;
		if (!c.o.quiet) {
			if (c.line)
				fprintf(stderr, "%s: Error in line %d: %s\n", bf_cli_set_name(),
					c.line, *msg ? msg : strerror(-err));
			else
				fprintf(stderr, "%s: %s\n", bf_cli_set_name(),
					*msg ? msg : strerror(-err));
			if (c.param)
				fprintf(stderr, "Try `%s help' for more information.\n",
					bf_cli_set_command());
		}
	}
	bf_cli_errors_reset();
	bf_set_batch_free(&c.batch);
	free(c.batch_lines);
	if (c.batch_fd >= 0)
		close(c.batch_fd);
	bf_strbuf_free(&c.out);
	free(c.sets);
	free(words);
	return rc;
}
