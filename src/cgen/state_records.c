/* Where matches that keep state across packets (statistic nth, limit)
 * keep it: a record of BF_STATE_RECORD_WORDS u64 slots of the state map
 * per such match, numbered in ruleset order (cgen.h). */
#include "cgen.h"
#include "ext/ext.h"

static bool has_state(const struct bf_match *m)
{
	return m->ops->has_state && m->ops->has_state(m->data);
}

/* Calls fn(index, arg) for each stateful match of rs (of table t only, or
 * of all tables with t = BF_TABLE_MAX), numbered over the whole ruleset;
 * stops when fn returns true. Returns how many were seen. */
static size_t walk(const struct bf_ruleset *rs, int t_only,
		   bool (*fn)(const struct bf_match *m, size_t idx, void *arg), void *arg)
{
	size_t n = 0;

	for (int t = 0; rs && t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		for (size_t c = 0; c < tb->n_chains; c++) {
			const struct bf_chain *ch = tb->chains[c];

			for (size_t r = 0; r < ch->n_rules; r++) {
				const struct bf_rule *rule = ch->rules[r];

				for (size_t k = 0; k < rule->n_matches; k++) {
					if (!has_state(&rule->matches[k]))
						continue;
					if ((t_only == BF_TABLE_MAX || t == t_only) && fn &&
					    fn(&rule->matches[k], n, arg))
						return n;
					n++;
				}
			}
		}
	}
	return n;
}

static size_t first_slot(unsigned int family, size_t idx)
{
	return BF_STATE_RECORD_WORDS * (2 * idx + (family == BF_FAMILY_IPV6));
}

size_t bf_cgen_n_state(const struct bf_ruleset *v4, const struct bf_ruleset *v6)
{
	size_t n4 = walk(v4, BF_TABLE_MAX, NULL, NULL), n6 = walk(v6, BF_TABLE_MAX, NULL, NULL);

	return BF_STATE_RECORD_WORDS * 2 * (n4 > n6 ? n4 : n6);
}

static bool is_data(const struct bf_match *m, size_t idx, void *arg)
{
	return m->data == arg;
}

size_t bf_cgen_state_record(struct bf_cgen *cg, const struct bf_rule *rule, const void *data)
{
	/* cg->rs is NULL when a match is only tried (refuse.c): slot 0. */
	size_t slot = first_slot(rule->ip.family, walk(cg->rs, BF_TABLE_MAX, is_data, (void *)data));

	if (slot + BF_STATE_RECORD_WORDS > cg->n_state)
		cg->n_state = slot + BF_STATE_RECORD_WORDS;
	return slot;
}

struct collect {
	const struct bf_ruleset *rs;
	size_t *slots, max, n;
};

static bool collect(const struct bf_match *m, size_t idx, void *arg)
{
	struct collect *c = arg;

	if (c->n < c->max)
		c->slots[c->n] = first_slot(c->rs->family, idx);
	c->n++;
	return false;
}

size_t bf_cgen_state_records(const struct bf_ruleset *rs, enum bf_table_id t, size_t *slots,
			     size_t max)
{
	struct collect c = {.rs = rs, .slots = slots, .max = max};

	walk(rs, (int)t, collect, &c);
	return c.n;
}
