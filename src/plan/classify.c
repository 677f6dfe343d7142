/* The planner: a chain's rules cut into linear segments and classifier
 * stages (tuple space search over cuckoo tables), see classify.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext/ext.h"
#include "plan/classify.h"
#include "plan/cuckoo.h"

enum bf_classify_mode bf_classify_mode = BF_CLASSIFY_AUTO;

int bf_classify_mode_parse(const char *s, enum bf_classify_mode *mode)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "off"))
		*mode = BF_CLASSIFY_OFF;
	else if (!strcmp(s, "auto"))
		*mode = BF_CLASSIFY_AUTO;
	else if (!strcmp(s, "always"))
		*mode = BF_CLASSIFY_ALWAYS;
	else
		return -EINVAL;
	return 0;
}

bool bf_class_run_staged(enum bf_classify_mode mode, size_t n)
{
	switch (mode) {
	case BF_CLASSIFY_AUTO:
		return n >= BF_CLASS_MIN_RUN;
	case BF_CLASSIFY_ALWAYS:
		return n >= 1;
	default:
		return false;
	}
}

void bf_class_table_free(struct bf_class_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->n = t->cap = 0;
}

int bf_class_table_reserve(struct bf_class_table *t, size_t n)
{
	if (t->n + n > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		struct bf_class_slot *p;

		while (cap < t->n + n)
			cap *= 2;
		p = realloc(t->slots, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		t->slots = p;
		t->cap = cap;
	}
	return 0;
}

int bf_class_table_append(struct bf_class_table *t, const struct bf_class_slot *slots, size_t n)
{
	if (!n)
		return 0;
	if (bf_class_table_reserve(t, n))
		return -ENOMEM;
	memcpy(t->slots + t->n, slots, n * sizeof(*slots));
	t->n += n;
	return 0;
}

static void stage_free(struct bf_class_stage *s)
{
	if (!s)
		return;
	free(s->tuples);
	free(s->actions);
	free(s);
}

void bf_chain_plan_free(struct bf_chain_plan *plan)
{
	for (size_t i = 0; i < plan->n_segs; i++)
		stage_free(plan->segs[i].stage);
	free(plan->segs);
	plan->segs = NULL;
	plan->n_segs = 0;
}

/* A hash of n words, for the open-addressing maps below. */
static uint64_t words_hash(const uint32_t *w, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ w[i]) * BF_CLASS_MUL;
	return h ^ (h >> 32);
}

/* An open-addressing map to uint32 values (indices), keyed by the
 * caller: it probes from a hash and asks `eq` about each candidate. */
struct imap {
	uint32_t *v; /* value + 1, 0 empty */
	size_t cap, n;
};

static void imap_free(struct imap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int imap_grow(struct imap *m, uint64_t (*hash)(uint32_t, const void *),
		     const void *ctx)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint32_t *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t p;

		if (!m->v[i])
			continue;
		p = hash(m->v[i] - 1, ctx) & (cap - 1);
		while (v[p])
			p = (p + 1) & (cap - 1);
		v[p] = m->v[i];
	}
	free(m->v);
	m->v = v;
	m->cap = cap;
	return 0;
}

/* Where a key with hash h is or would go: *found tells. */
static size_t imap_probe(const struct imap *m, uint64_t h, bool (*eq)(uint32_t, const void *),
			 const void *key, bool *found)
{
	size_t p = h & (m->cap - 1);

	while (m->v[p]) {
		if (eq(m->v[p] - 1, key)) {
			*found = true;
			return p;
		}
		p = (p + 1) & (m->cap - 1);
	}
	*found = false;
	return p;
}

/* A tuple while a stage is built. */
struct tbuild {
	uint32_t mask[BF_CLASS_WORDS];
	struct bf_class_entry *e;
	size_t n, cap;
};

struct sbuild {
	const struct bf_rule *const *rules;
	unsigned int n_words;
	struct tbuild *t;
	size_t n_t, cap_t;
	struct imap masks; /* mask vector -> tuple */
	const struct bf_rule **actions;
	size_t n_actions, cap_actions;
	struct imap targets; /* target -> action */
};

static __thread const struct sbuild *g_sb; /* the hash callbacks' context */

static uint64_t mask_hash_of(const uint32_t *mask, const struct sbuild *sb)
{
	return words_hash(mask, sb->n_words, 0x6d61736b);
}

static uint64_t tuple_hash_cb(uint32_t i, const void *ctx)
{
	const struct sbuild *sb = ctx;

	return mask_hash_of(sb->t[i].mask, sb);
}

static bool tuple_eq_cb(uint32_t i, const void *mask)
{
	return !memcmp(g_sb->t[i].mask, mask, sizeof(uint32_t) * BF_CLASS_WORDS);
}

/* A target's identity: the verdict, and the chain of a jump, or the
 * extension and its options (REJECT's kinds are different actions). */
static uint64_t target_hash_of(const struct bf_rule *r)
{
	uint64_t h = (uint64_t)r->target.verdict * BF_CLASS_MUL;

	if (r->target.verdict == BF_VERDICT_JUMP)
		for (const char *p = r->target.chain; *p; p++)
			h = (h ^ (uint8_t)*p) * BF_CLASS_MUL;
	if (r->target.verdict == BF_VERDICT_EXT)
		for (size_t i = 0; i < r->target.ops->size; i++)
			h = (h ^ ((const uint8_t *)r->target.data)[i]) * BF_CLASS_MUL;
	return h ^ (h >> 32);
}

static int target_cmp(const struct bf_rule *a, const struct bf_rule *b)
{
	int c;

	if (a->target.verdict != b->target.verdict)
		return a->target.verdict < b->target.verdict ? -1 : 1;
	if (a->target.verdict == BF_VERDICT_JUMP)
		return strcmp(a->target.chain, b->target.chain);
	if (a->target.verdict != BF_VERDICT_EXT)
		return 0;
	c = strcmp(a->target.ops->name, b->target.ops->name);
	return c ? c : memcmp(a->target.data, b->target.data, a->target.ops->size);
}

static bool same_target(const struct bf_rule *a, const struct bf_rule *b)
{
	return !target_cmp(a, b);
}

static uint64_t target_hash_cb(uint32_t i, const void *ctx)
{
	const struct sbuild *sb = ctx;

	return target_hash_of(sb->actions[i + 1]);
}

static bool target_eq_cb(uint32_t i, const void *rule)
{
	return same_target(g_sb->actions[i + 1], rule);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, c * elem);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

/* The tuple of a mask vector, made when create. -1: none (or -ENOMEM
 * with create, as -2). */
static long tuple_of(struct sbuild *sb, const uint32_t *mask, bool create)
{
	bool found;
	size_t p;

	if (sb->masks.cap) {
		p = imap_probe(&sb->masks, mask_hash_of(mask, sb), tuple_eq_cb, mask, &found);
		if (found)
			return sb->masks.v[p] - 1;
	}
	if (!create)
		return -1;
	if (grow((void **)&sb->t, &sb->cap_t, sb->n_t + 1, sizeof(*sb->t)))
		return -2;
	if ((sb->masks.n + 1) * 2 > sb->masks.cap && imap_grow(&sb->masks, tuple_hash_cb, sb))
		return -2;
	memset(&sb->t[sb->n_t], 0, sizeof(sb->t[0]));
	memcpy(sb->t[sb->n_t].mask, mask, sizeof(sb->t[0].mask));
	p = imap_probe(&sb->masks, mask_hash_of(mask, sb), tuple_eq_cb, mask, &found);
	sb->masks.v[p] = (uint32_t)sb->n_t + 1;
	sb->masks.n++;
	return (long)sb->n_t++;
}

/* The action of rule r's target (added when new). 0 never: -1 on ENOMEM. */
static long action_of(struct sbuild *sb, const struct bf_rule *r)
{
	uint64_t h = target_hash_of(r);
	bool found = false;
	size_t p;

	if (!sb->n_actions) {
		if (grow((void **)&sb->actions, &sb->cap_actions, 1, sizeof(*sb->actions)))
			return -1;
		sb->actions[sb->n_actions++] = NULL;
	}
	if (sb->targets.cap) {
		p = imap_probe(&sb->targets, h, target_eq_cb, r, &found);
		if (found)
			return sb->targets.v[p];
	}
	if (grow((void **)&sb->actions, &sb->cap_actions, sb->n_actions + 1,
		 sizeof(*sb->actions)))
		return -1;
	if ((sb->targets.n + 1) * 2 > sb->targets.cap &&
	    imap_grow(&sb->targets, target_hash_cb, sb))
		return -1;
	p = imap_probe(&sb->targets, h, target_eq_cb, r, &found);
	/* The map holds action indices (>= 1): callbacks get index - 1. */
	sb->actions[sb->n_actions] = r;
	sb->targets.v[p] = (uint32_t)sb->n_actions;
	sb->targets.n++;
	return (long)sb->n_actions++;
}

/* How many tuples a rule's conds would add to the stage. */
static size_t new_tuples(struct sbuild *sb, const struct bf_class_cond *c, size_t n)
{
	const uint32_t *seen[BF_CLASS_ALTS_MAX];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		if (tuple_of(sb, c[i].mask, false) >= 0)
			continue;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !memcmp(seen[j], c[i].mask, sizeof(c[i].mask));
		if (!dup)
			seen[k++] = c[i].mask;
	}
	return k;
}

static int add_rule(struct sbuild *sb, const struct bf_class_cond *c, size_t n, uint32_t prio,
		    uint32_t slot, const struct bf_rule *r)
{
	long action = -2;

	for (size_t i = 0; i < n; i++) {
		long t = tuple_of(sb, c[i].mask, true);
		struct tbuild *tb;
		struct bf_class_entry *e;

		if (t < 0)
			return -ENOMEM;
		if (!c[i].hotdrop && action == -2) {
			action = action_of(sb, r);
			if (action < 0)
				return -ENOMEM;
		}
		tb = &sb->t[t];
		if (grow((void **)&tb->e, &tb->cap, tb->n + 1, sizeof(*tb->e)))
			return -ENOMEM;
		e = &tb->e[tb->n++];
		memcpy(e->key, c[i].val, sizeof(e->key));
		e->prio = prio;
		e->slot = slot;
		e->action = c[i].hotdrop ? 0 : (uint32_t)action;
	}
	return 0;
}

static __thread const struct bf_class_entry *g_entries;

static uint64_t entry_hash_cb(uint32_t i, const void *ctx)
{
	return words_hash(g_entries[i].key, BF_CLASS_WORDS, 0x6b6579);
}

static bool entry_eq_cb(uint32_t i, const void *key)
{
	return !memcmp(g_entries[i].key, key, sizeof(g_entries[i].key));
}

/* Keeps the first (smallest prio) entry of each key; at equal prio a
 * shadow wins, as the hotdrop comes before the match. Returns the
 * number kept, compacted in place; -ENOMEM. */
static long dedup(struct bf_class_entry *e, size_t n)
{
	struct imap m = {0};
	size_t k = 0;

	m.cap = 64;
	while (m.cap < n * 2)
		m.cap *= 2;
	m.v = calloc(m.cap, sizeof(*m.v));
	if (!m.v)
		return -ENOMEM;
	g_entries = e;
	for (size_t i = 0; i < n; i++) {
		bool found;
		size_t p = imap_probe(&m, entry_hash_cb((uint32_t)i, NULL), entry_eq_cb,
				      e[i].key, &found);

		if (found) {
			struct bf_class_entry *o = &e[m.v[p] - 1];

			if (o->prio == e[i].prio && !e[i].action)
				o->action = 0;
			continue;
		}
		if (k != i)
			e[k] = e[i];
		m.v[p] = (uint32_t)k + 1;
		k++;
	}
	imap_free(&m);
	return (long)k;
}

static __thread const struct tbuild *g_tb;

static int by_mask(const void *a, const void *b)
{
	return memcmp(g_tb[*(const size_t *)a].mask, g_tb[*(const size_t *)b].mask,
		      sizeof(g_tb[0].mask));
}

static __thread const struct bf_rule *const *g_actions;

static int by_target(const void *a, const void *b)
{
	return target_cmp(g_actions[*(const uint32_t *)a], g_actions[*(const uint32_t *)b]);
}

/* Puts the actions in the order of their targets (action 0, HOTDROP,
 * stays), renumbering the entries'. */
static int sort_actions(struct sbuild *sb)
{
	uint32_t *order, *to;
	const struct bf_rule **sorted;
	size_t n = sb->n_actions;

	if (n < 3)
		return 0;
	order = calloc(n, sizeof(*order));
	to = calloc(n, sizeof(*to));
	sorted = calloc(n, sizeof(*sorted));
	if (!order || !to || !sorted) {
		free(order);
		free(to);
		free(sorted);
		return -ENOMEM;
	}
	for (size_t i = 1; i < n; i++)
		order[i - 1] = (uint32_t)i;
	g_actions = sb->actions;
	qsort(order, n - 1, sizeof(*order), by_target);
	for (size_t i = 1; i < n; i++) {
		sorted[i] = sb->actions[order[i - 1]];
		to[order[i - 1]] = (uint32_t)i;
	}
	for (size_t i = 1; i < n; i++)
		sb->actions[i] = sorted[i];
	for (size_t t = 0; t < sb->n_t; t++)
		for (size_t j = 0; j < sb->t[t].n; j++)
			sb->t[t].e[j].action = to[sb->t[t].e[j].action];
	free(order);
	free(to);
	free(sorted);
	return 0;
}

static void sbuild_reset(struct sbuild *sb)
{
	for (size_t i = 0; i < sb->n_t; i++)
		free(sb->t[i].e);
	free(sb->t);
	imap_free(&sb->masks);
	imap_free(&sb->targets);
	free(sb->actions);
	sb->t = NULL;
	sb->actions = NULL;
	sb->n_t = sb->cap_t = sb->n_actions = sb->cap_actions = 0;
}

/* Turns the built tuples into a stage, their tables appended to table. */
static int finish_stage(struct sbuild *sb, enum bf_family family, struct bf_class_table *table,
			struct bf_class_stage **out)
{
	struct bf_class_stage *s = calloc(1, sizeof(*s));
	size_t *order = calloc(sb->n_t ? sb->n_t : 1, sizeof(*order));
	int err = -ENOMEM;

	if (!s || !order || sort_actions(sb))
		goto fail;
	s->family = family;
	s->tuples = calloc(sb->n_t ? sb->n_t : 1, sizeof(*s->tuples));
	if (!s->tuples)
		goto fail;
	for (size_t i = 0; i < sb->n_t; i++) {
		long k = dedup(sb->t[i].e, sb->t[i].n);

		if (k < 0)
			goto fail;
		sb->t[i].n = (size_t)k;
		order[i] = i;
	}
	g_tb = sb->t;
	qsort(order, sb->n_t, sizeof(*order), by_mask);
	for (size_t i = 0; i < sb->n_t; i++) {
		const struct tbuild *tb = &sb->t[order[i]];
		struct bf_class_tuple *tp = &s->tuples[i];

		memcpy(tp->mask, tb->mask, sizeof(tp->mask));
		memcpy(tp->guard_mask, tb->mask, sizeof(tp->mask));
		memcpy(tp->guard_val, tb->e[0].key, sizeof(tp->guard_val));
		for (size_t j = 1; j < tb->n; j++)
			for (unsigned int w = 0; w < BF_CLASS_WORDS; w++)
				tp->guard_mask[w] &= ~(tb->e[j].key[w] ^ tp->guard_val[w]);
		/* Only the meta word guards: agreement there comes from the
		 * rules' shapes (protocol, header state), which the code may
		 * depend on; addresses and ports are data, which it must not. */
		for (unsigned int w = 0; w < BF_CLASS_WORDS; w++) {
			if (w != bf_class_word(family, BF_CF_META))
				tp->guard_mask[w] = 0;
			tp->guard_val[w] &= tp->guard_mask[w];
		}
		err = bf_cuckoo_build(tp, tb->e, tb->n, table);
		if (err)
			goto fail;
	}
	s->n_tuples = sb->n_t;
	s->actions = sb->actions;
	s->n_actions = sb->n_actions;
	if (!s->n_actions) {
		/* Every stage has the HOTDROP action 0. */
		s->actions = calloc(1, sizeof(*s->actions));
		if (!s->actions)
			goto fail;
		s->n_actions = 1;
	}
	sb->actions = NULL;
	sb->n_actions = sb->cap_actions = 0;
	free(order);
	*out = s;
	return 0;
fail:
	free(order);
	stage_free(s);
	return err;
}

/* Each rule's conds, packed: rule i's are pool[off[i]..off[i] + cnt[i]),
 * cnt[i] < 0 when it is not classifiable; slot[i] its counter slot. */
struct rconds {
	struct bf_class_cond *pool;
	size_t n, cap;
	size_t *off;
	long *cnt;
	int *slot;
};

static int add_seg(struct bf_chain_plan *plan, size_t *cap, size_t first, size_t n,
		   struct bf_class_stage *stage)
{
	struct bf_plan_seg *last = plan->n_segs ? &plan->segs[plan->n_segs - 1] : NULL;

	if (!stage && last && !last->stage && last->first + last->n == first) {
		last->n += n;
		return 0;
	}
	if (grow((void **)&plan->segs, cap, plan->n_segs + 1, sizeof(*plan->segs)))
		return -ENOMEM;
	plan->segs[plan->n_segs++] = (struct bf_plan_seg){.first = first, .n = n, .stage = stage};
	return 0;
}

/* In AUTO, a stage where it costs less than the rules' linear code: a
 * tuple costs about as much per packet as 8 one-test rules, and leaves
 * as many branches pending in the verifier (classify.c in cgen). For a
 * run of more than 1024 rules linear code is no option at all. */
static bool stage_pays(enum bf_classify_mode mode, size_t run, size_t rules, size_t tuples)
{
	return mode == BF_CLASSIFY_ALWAYS || run > 1024 || tuples * 8 <= rules;
}

/* Stages for the classifiable run [a, b), split where a rule would add
 * tuple BF_CLASS_TUPLES_MAX + 1; a part where a stage does not pay is
 * linear code. */
static int plan_run(const struct bf_chain *ch, enum bf_family family, const struct rconds *rc,
		    size_t a, size_t b, enum bf_classify_mode mode, struct bf_class_table *table,
		    struct bf_chain_plan *plan, size_t *cap)
{
	struct sbuild sb = {.rules = (const struct bf_rule *const *)ch->rules,
			    .n_words = bf_class_n_words(family)};
	size_t start = a;
	int err = 0;

	g_sb = &sb;
	while (start < b && !err) {
		struct bf_class_stage *stage = NULL;
		size_t r;

		for (r = start; r < b; r++) {
			const struct bf_class_cond *c = &rc->pool[rc->off[r]];
			size_t n = (size_t)rc->cnt[r];

			if (r > start && sb.n_t + new_tuples(&sb, c, n) > BF_CLASS_TUPLES_MAX)
				break;
			err = add_rule(&sb, c, n, (uint32_t)r, (uint32_t)rc->slot[r], ch->rules[r]);
			if (err)
				break;
		}
		if (!err && !stage_pays(mode, b - a, r - start, sb.n_t)) {
			err = add_seg(plan, cap, start, r - start, NULL);
			sbuild_reset(&sb);
			start = r;
			continue;
		}
		if (!err)
			err = finish_stage(&sb, family, table, &stage);
		if (!err) {
			err = add_seg(plan, cap, start, r - start, stage);
			if (err)
				stage_free(stage);
		}
		sbuild_reset(&sb);
		start = r;
	}
	sbuild_reset(&sb);
	g_sb = NULL;
	return err;
}

static int collect(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
		   const char *in, const char *out, int slot_base, struct rconds *rc)
{
	static __thread struct bf_class_conds c;
	const struct bf_chain *ch = rs->tables[t].chains[chain_idx];

	rc->off = calloc(ch->n_rules ? ch->n_rules : 1, sizeof(*rc->off));
	rc->cnt = calloc(ch->n_rules ? ch->n_rules : 1, sizeof(*rc->cnt));
	rc->slot = calloc(ch->n_rules ? ch->n_rules : 1, sizeof(*rc->slot));
	/* A pool even when no rule has a condition: every rule points in. */
	if (!rc->off || !rc->cnt || !rc->slot || grow((void **)&rc->pool, &rc->cap, 1, sizeof(*rc->pool)))
		return -ENOMEM;
	bf_chain_rule_slots(rs, t, chain_idx, slot_base, rc->slot);
	for (size_t i = 0; i < ch->n_rules; i++) {
		if (bf_class_rule_conds(ch->rules[i], in, out, &c)) {
			rc->cnt[i] = -1;
			continue;
		}
		if (grow((void **)&rc->pool, &rc->cap, rc->n + c.n, sizeof(*rc->pool)))
			return -ENOMEM;
		if (c.n) /* c.v may be NULL then */
			memcpy(&rc->pool[rc->n], c.v, c.n * sizeof(c.v[0]));
		rc->off[i] = rc->n;
		rc->cnt[i] = (long)c.n;
		rc->n += c.n;
	}
	return 0;
}

int bf_plan_chain(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
		  const char *in, const char *out, enum bf_classify_mode mode, int slot_base,
		  struct bf_class_table *table, struct bf_chain_plan *plan)
{
	const struct bf_chain *ch = rs->tables[t].chains[chain_idx];
	struct rconds rc = {0};
	size_t cap = 0, i = 0, n0 = table->n;
	int err = 0;

	plan->segs = NULL;
	plan->n_segs = 0;
	if (mode == BF_CLASSIFY_OFF || !ch->n_rules) {
		if (ch->n_rules)
			err = add_seg(plan, &cap, 0, ch->n_rules, NULL);
		return err;
	}
	err = collect(rs, t, chain_idx, in ? in : "", out ? out : "", slot_base, &rc);
	while (!err && i < ch->n_rules) {
		size_t j = i;

		if (rc.cnt[i] < 0) {
			while (j < ch->n_rules && rc.cnt[j] < 0)
				j++;
			err = add_seg(plan, &cap, i, j - i, NULL);
		} else {
			while (j < ch->n_rules && rc.cnt[j] >= 0)
				j++;
			if (bf_class_run_staged(mode, j - i))
				err = plan_run(ch, rs->family, &rc, i, j, mode, table, plan, &cap);
			else
				err = add_seg(plan, &cap, i, j - i, NULL);
		}
		i = j;
	}
	free(rc.pool);
	free(rc.off);
	free(rc.cnt);
	free(rc.slot);
	if (err) {
		/* The slots of this chain's stages go too. */
		table->n = n0;
		bf_chain_plan_free(plan);
	}
	return err;
}
