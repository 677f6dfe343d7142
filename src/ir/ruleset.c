#include "ruleset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext/ext.h"

static const char *const table_names[BF_TABLE_MAX] = {
	[BF_TABLE_RAW] = "raw",
	[BF_TABLE_FILTER] = "filter",
};

/* Built-in chains of each table, in the order iptables lists them. */
static const char *const raw_builtins[] = {"PREROUTING", "OUTPUT", NULL};
static const char *const filter_builtins[] = {"INPUT", "FORWARD", "OUTPUT", NULL};
static const char *const *const table_builtins[BF_TABLE_MAX] = {
	[BF_TABLE_RAW] = raw_builtins,
	[BF_TABLE_FILTER] = filter_builtins,
};

const char *bf_table_name(enum bf_table_id id)
{
	return id < BF_TABLE_MAX ? table_names[id] : "?";
}

int bf_table_by_name(const char *name, enum bf_table_id *id)
{
	for (int i = 0; i < BF_TABLE_MAX; i++) {
		if (!strcmp(table_names[i], name)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *const verdict_names[] = {
	[BF_VERDICT_ACCEPT] = "ACCEPT",
	[BF_VERDICT_DROP] = "DROP",
	[BF_VERDICT_NONE] = "",
	[BF_VERDICT_RETURN] = "RETURN",
};

const char *bf_verdict_name(enum bf_verdict v)
{
	return verdict_names[v];
}

int bf_verdict_by_name(const char *name, enum bf_verdict *v)
{
	static const enum bf_verdict named[] = {
		BF_VERDICT_ACCEPT, BF_VERDICT_DROP, BF_VERDICT_RETURN,
	};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (!strcmp(verdict_names[named[i]], name)) {
			*v = named[i];
			return 0;
		}
	}
	return -ENOENT;
}

const char *bf_target_name(const struct bf_target *t)
{
	switch (t->verdict) {
	case BF_VERDICT_JUMP:
		return t->chain;
	case BF_VERDICT_EXT:
		return t->ops->name;
	default:
		return verdict_names[t->verdict];
	}
}

static struct bf_chain *chain_new(const char *name, bool builtin)
{
	struct bf_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->builtin = builtin;
	c->policy = BF_VERDICT_ACCEPT;
	c->old_slot = c->slot = -1;
	return c;
}

static void chain_free(struct bf_chain *c)
{
	if (!c)
		return;
	bf_chain_flush(c);
	free(c->rules);
	free(c);
}

static int table_add_chain(struct bf_table *t, struct bf_chain *c)
{
	struct bf_chain **chains = realloc(t->chains, (t->n_chains + 1) * sizeof(*chains));

	if (!chains)
		return -ENOMEM;
	t->chains = chains;
	t->chains[t->n_chains++] = c;
	return 0;
}

struct bf_ruleset *bf_ruleset_new(enum bf_family family)
{
	struct bf_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->family = family;
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		rs->tables[t].id = t;
		/* The filter table is taken as in use from the start, as on
		 * any host where something listed it. */
		rs->tables[t].present = t == BF_TABLE_FILTER;
		rs->tables[t].created = t == BF_TABLE_FILTER;
		for (const char *const *n = table_builtins[t]; *n; n++) {
			struct bf_chain *c = chain_new(*n, true);

			if (!c || table_add_chain(&rs->tables[t], c)) {
				chain_free(c);
				bf_ruleset_free(rs);
				return NULL;
			}
		}
	}
	return rs;
}

void bf_ruleset_free(struct bf_ruleset *rs)
{
	if (!rs)
		return;
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		for (size_t i = 0; i < rs->tables[t].n_chains; i++)
			chain_free(rs->tables[t].chains[i]);
		free(rs->tables[t].chains);
	}
	free(rs);
}

static struct bf_chain *chain_clone(const struct bf_chain *src)
{
	struct bf_chain *c = chain_new(src->name, src->builtin);

	if (!c)
		return NULL;
	c->policy = src->policy;
	c->policy_counters = src->policy_counters;
	c->old_slot = src->old_slot;
	c->slot = src->slot;
	for (size_t i = 0; i < src->n_rules; i++) {
		struct bf_rule *r = bf_rule_clone(src->rules[i]);

		if (!r || bf_chain_insert(c, c->n_rules, r)) {
			bf_rule_free(r);
			chain_free(c);
			return NULL;
		}
	}
	return c;
}

struct bf_ruleset *bf_ruleset_clone(const struct bf_ruleset *src)
{
	struct bf_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->family = src->family;
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		rs->tables[t].id = t;
		rs->tables[t].present = src->tables[t].present;
		rs->tables[t].created = src->tables[t].created;
		for (size_t i = 0; i < src->tables[t].n_chains; i++) {
			struct bf_chain *c = chain_clone(src->tables[t].chains[i]);

			if (!c || table_add_chain(&rs->tables[t], c)) {
				chain_free(c);
				bf_ruleset_free(rs);
				return NULL;
			}
		}
	}
	return rs;
}

struct bf_chain *bf_table_chain(const struct bf_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_chains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	return NULL;
}

size_t bf_table_chain_index(const struct bf_table *t, const struct bf_chain *c)
{
	size_t i = 0;

	while (i < t->n_chains && t->chains[i] != c)
		i++;
	return i;
}

bool bf_ruleset_use_table(struct bf_ruleset *rs, enum bf_table_id id)
{
	unsigned int last = 0;

	if (rs->tables[id].present)
		return false;
	for (int t = 0; t < BF_TABLE_MAX; t++)
		if (rs->tables[t].created > last)
			last = rs->tables[t].created;
	rs->tables[id].present = true;
	rs->tables[id].created = last + 1;
	return true;
}

/* Where a user-defined chain named `name` belongs: after the built-ins
 * and the user chains that sort before it. */
static size_t sorted_pos(const struct bf_table *t, const char *name)
{
	size_t i = 0;

	while (i < t->n_chains && (t->chains[i]->builtin || strcmp(t->chains[i]->name, name) < 0))
		i++;
	return i;
}

struct bf_chain *bf_table_new_chain(struct bf_table *t, const char *name)
{
	struct bf_chain *c = chain_new(name, false);
	size_t pos;

	if (!c || table_add_chain(t, c)) {
		chain_free(c);
		return NULL;
	}
	/* Added last; move it to its place. */
	t->n_chains--;
	pos = sorted_pos(t, c->name);
	memmove(&t->chains[pos + 1], &t->chains[pos], (t->n_chains - pos) * sizeof(*t->chains));
	t->chains[pos] = c;
	t->n_chains++;
	return c;
}

static void unlink_chain(struct bf_table *t, struct bf_chain *c)
{
	size_t i = bf_table_chain_index(t, c);

	if (i == t->n_chains)
		return;
	memmove(&t->chains[i], &t->chains[i + 1], (t->n_chains - i - 1) * sizeof(*t->chains));
	t->n_chains--;
}

void bf_table_delete_chain(struct bf_table *t, struct bf_chain *c)
{
	unlink_chain(t, c);
	chain_free(c);
}

void bf_table_rename_chain(struct bf_table *t, struct bf_chain *c, const char *name)
{
	char old[sizeof(c->name)];
	size_t pos;

	snprintf(old, sizeof(old), "%s", c->name);
	for (size_t i = 0; i < t->n_chains; i++) {
		for (size_t j = 0; j < t->chains[i]->n_rules; j++) {
			struct bf_target *tg = &t->chains[i]->rules[j]->target;

			if (tg->verdict == BF_VERDICT_JUMP && !strcmp(tg->chain, old))
				snprintf(tg->chain, sizeof(tg->chain), "%s", name);
		}
	}
	unlink_chain(t, c);
	snprintf(c->name, sizeof(c->name), "%s", name);
	pos = sorted_pos(t, c->name);
	memmove(&t->chains[pos + 1], &t->chains[pos], (t->n_chains - pos) * sizeof(*t->chains));
	t->chains[pos] = c;
	t->n_chains++;
}

size_t bf_table_chain_refs(const struct bf_table *t, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_chains; i++)
		for (size_t j = 0; j < t->chains[i]->n_rules; j++)
			n += t->chains[i]->rules[j]->target.verdict == BF_VERDICT_JUMP &&
			     !strcmp(t->chains[i]->rules[j]->target.chain, name);
	return n;
}

struct bf_rule *bf_rule_new(void)
{
	struct bf_rule *r = calloc(1, sizeof(*r));

	if (r)
		r->old_slot = r->slot = -1;
	return r;
}

void bf_rule_free(struct bf_rule *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_matches; i++)
		free(r->matches[i].data);
	free(r->matches);
	free(r->target.data);
	free(r);
}

int bf_rule_set_target_ext(struct bf_rule *r, const struct bf_target_ops *ops)
{
	void *data = calloc(1, ops->size ? ops->size : 1);

	if (!data)
		return -ENOMEM;
	free(r->target.data);
	r->target = (struct bf_target){.verdict = BF_VERDICT_EXT, .ops = ops, .data = data};
	if (ops->init)
		ops->init(data);
	return 0;
}

struct bf_rule *bf_rule_clone(const struct bf_rule *src)
{
	struct bf_rule *r = bf_rule_new();

	if (!r)
		return NULL;
	r->ip = src->ip;
	r->counters = src->counters;
	if (src->target.verdict == BF_VERDICT_EXT) {
		if (bf_rule_set_target_ext(r, src->target.ops)) {
			bf_rule_free(r);
			return NULL;
		}
		memcpy(r->target.data, src->target.data, src->target.ops->size);
	} else {
		r->target = src->target;
	}
	r->old_slot = src->old_slot;
	r->slot = src->slot;
	r->classifiable = src->classifiable;
	for (size_t i = 0; i < src->n_matches; i++) {
		struct bf_match *m = bf_rule_add_match(r, src->matches[i].ops);

		if (!m) {
			bf_rule_free(r);
			return NULL;
		}
		memcpy(m->data, src->matches[i].data, m->ops->size);
	}
	return r;
}

struct bf_match *bf_rule_add_match(struct bf_rule *r, const struct bf_match_ops *ops)
{
	struct bf_match *m = realloc(r->matches, (r->n_matches + 1) * sizeof(*m));
	void *data = calloc(1, ops->size ? ops->size : 1);

	if (m)
		r->matches = m;
	if (!m || !data) {
		free(data);
		return NULL;
	}
	m = &r->matches[r->n_matches++];
	m->ops = ops;
	m->data = data;
	if (ops->init)
		ops->init(data);
	return m;
}

struct bf_match *bf_rule_find_match(const struct bf_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_matches; i++)
		if (!strcmp(r->matches[i].ops->name, name))
			return &r->matches[i];
	return NULL;
}

bool bf_rule_equal(const struct bf_rule *a, const struct bf_rule *b)
{
	if (memcmp(&a->ip, &b->ip, sizeof(a->ip)) ||
	    a->target.verdict != b->target.verdict ||
	    strcmp(a->target.chain, b->target.chain) ||
	    a->target.ops != b->target.ops ||
	    (a->target.ops && memcmp(a->target.data, b->target.data, a->target.ops->size)) ||
	    a->n_matches != b->n_matches)
		return false;
	for (size_t i = 0; i < a->n_matches; i++) {
		if (a->matches[i].ops != b->matches[i].ops ||
		    memcmp(a->matches[i].data, b->matches[i].data, a->matches[i].ops->size))
			return false;
	}
	return true;
}

int bf_chain_insert(struct bf_chain *c, size_t pos, struct bf_rule *r)
{
	if (pos > c->n_rules)
		return -E2BIG;
	if (c->n_rules == c->cap_rules) {
		size_t cap = c->cap_rules ? c->cap_rules * 2 : 8;
		struct bf_rule **rules = realloc(c->rules, cap * sizeof(*rules));

		if (!rules)
			return -ENOMEM;
		c->rules = rules;
		c->cap_rules = cap;
	}
	memmove(&c->rules[pos + 1], &c->rules[pos], (c->n_rules - pos) * sizeof(*c->rules));
	c->rules[pos] = r;
	c->n_rules++;
	return 0;
}

void bf_chain_delete(struct bf_chain *c, size_t pos)
{
	bf_rule_free(c->rules[pos]);
	memmove(&c->rules[pos], &c->rules[pos + 1], (c->n_rules - pos - 1) * sizeof(*c->rules));
	c->n_rules--;
}

void bf_chain_flush(struct bf_chain *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		bf_rule_free(c->rules[i]);
	c->n_rules = 0;
}

/* Zeroed counters must not be carried over from the live program. */
void bf_chain_zero(struct bf_chain *c)
{
	c->policy_counters = (struct bf_counter){0};
	c->old_slot = -1;
	for (size_t i = 0; i < c->n_rules; i++) {
		c->rules[i]->counters = (struct bf_counter){0};
		c->rules[i]->old_slot = -1;
	}
}

/* Slot layout: tables in order, chains in order; a built-in chain's policy
 * slot comes before its rules. */
static int walk_slots(const struct bf_ruleset *rs, enum bf_table_id t_want,
		      size_t chain_want, long rule_want)
{
	int slot = 0;

	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		for (size_t i = 0; i < tb->n_chains; i++) {
			const struct bf_chain *c = tb->chains[i];

			if ((int)t_want == t && chain_want == i)
				return rule_want < 0 ? slot : slot + c->builtin + (int)rule_want;
			slot += c->builtin + (int)c->n_rules;
		}
	}
	return slot;
}

size_t bf_ruleset_n_slots(const struct bf_ruleset *rs)
{
	return (size_t)walk_slots(rs, BF_TABLE_MAX, 0, 0);
}

int bf_rule_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx, size_t rule_idx)
{
	return walk_slots(rs, t, chain_idx, (long)rule_idx);
}

int bf_policy_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx)
{
	return walk_slots(rs, t, chain_idx, -1);
}

int bf_rule_count_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
		       size_t rule_idx, int slot_base)
{
	const struct bf_rule *r = rs->tables[t].chains[chain_idx]->rules[rule_idx];

	return r->slot >= 0 ? r->slot : slot_base + bf_rule_slot(rs, t, chain_idx, rule_idx);
}

int bf_policy_count_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
			 int slot_base)
{
	const struct bf_chain *c = rs->tables[t].chains[chain_idx];

	return c->slot >= 0 ? c->slot : slot_base + bf_policy_slot(rs, t, chain_idx);
}

void bf_chain_rule_slots(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
			 int slot_base, int *slots)
{
	const struct bf_chain *c = rs->tables[t].chains[chain_idx];
	int first = slot_base + bf_rule_slot(rs, t, chain_idx, 0);

	for (size_t i = 0; i < c->n_rules; i++)
		slots[i] = c->rules[i]->slot >= 0 ? c->rules[i]->slot : first + (int)i;
}
