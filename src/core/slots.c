/* Counter slots. Every rule and built-in chain policy of both families
 * has a slot in the counters map the attached programs share (rule->slot,
 * chain->slot). A commit that loads new programs numbers them in order
 * (IPv4's, then IPv6's); one that updates the programs' classifier maps in
 * place keeps every slot and gives new rules unused ones past the last.
 * Each rules file ends with its slots, as a comment line that
 * iptables-restore skips ("# bpfilter-slots N s1 ... sN", in the order
 * of the file), so that rules and slots are stored in one rename. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/strbuf.h"
#include "core/state_int.h"

/* Calls fn on each slot holder of rs in canonical order: per table and
 * chain, the policy (built-in chains), then the rules. */
static void walk(struct bf_ruleset *rs, void (*fn)(int *slot, int *old_slot, void *), void *data)
{
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		struct bf_table *tb = &rs->tables[t];

		for (size_t i = 0; i < tb->n_chains; i++) {
			struct bf_chain *c = tb->chains[i];

			if (c->builtin)
				fn(&c->slot, &c->old_slot, data);
			for (size_t r = 0; r < c->n_rules; r++)
				fn(&c->rules[r]->slot, &c->rules[r]->old_slot, data);
		}
	}
}

static void number_one(int *slot, int *old_slot, void *data)
{
	*slot = (*(int *)data)++;
}

void bf_slots_number(struct bf_ruleset *const rs[BF_FAMILY_MAX])
{
	int next = 0;

	for (int f = 0; f < BF_FAMILY_MAX; f++)
		if (rs[f])
			walk(rs[f], number_one, &next);
}

static void end_one(int *slot, int *old_slot, void *data)
{
	size_t *end = data;

	if (*slot >= 0 && (size_t)*slot + 1 > *end)
		*end = (size_t)*slot + 1;
}

size_t bf_slots_end(struct bf_ruleset *const rs[BF_FAMILY_MAX])
{
	size_t end = 0;

	for (int f = 0; f < BF_FAMILY_MAX; f++)
		if (rs[f])
			walk(rs[f], end_one, &end);
	return end;
}

size_t bf_slots_capacity(size_t end)
{
	/* Room for rules added in place before the next renumbering. */
	return end + (end / 4 > 64 ? end / 4 : 64);
}

struct fresh_ctx {
	size_t next, cap;
	int err;
};

static void fresh_one(int *slot, int *old_slot, void *data)
{
	struct fresh_ctx *ctx = data;

	if (*slot >= 0)
		return;
	if (ctx->next >= ctx->cap)
		ctx->err = -ENOSPC;
	else
		*slot = (int)ctx->next++;
}

int bf_slots_assign_fresh(struct bf_ruleset *const rs[BF_FAMILY_MAX], size_t from, size_t cap)
{
	size_t end = bf_slots_end(rs);
	struct fresh_ctx ctx = {.next = end > from ? end : from, .cap = cap};

	for (int f = 0; f < BF_FAMILY_MAX; f++)
		if (rs[f])
			walk(rs[f], fresh_one, &ctx);
	return ctx.err;
}

static void unassign_one(int *slot, int *old_slot, void *data)
{
	/* Back to what the attached programs use: a rule the command added
	 * or zeroed (old_slot -1) keeps the slot it came with. */
	if (*old_slot >= 0)
		*slot = *old_slot;
	else if (data)
		*slot = -1;
}

void bf_slots_restore(struct bf_ruleset *rs, bool added)
{
	walk(rs, unassign_one, added ? rs : NULL);
}

static void mark_one(int *slot, int *old_slot, void *data)
{
	*old_slot = *slot;
}

void bf_slots_mark(struct bf_ruleset *rs)
{
	walk(rs, mark_one, NULL);
}

static void complete_one(int *slot, int *old_slot, void *data)
{
	if (*slot < 0)
		*(bool *)data = false;
}

bool bf_slots_complete(struct bf_ruleset *rs)
{
	bool all = true;

	walk(rs, complete_one, &all);
	return all;
}

static void print_one(int *slot, int *old_slot, void *data)
{
	bf_strbuf_printf(data, " %d", *slot);
}

static void count_one(int *slot, int *old_slot, void *data)
{
	++*(size_t *)data;
}

static size_t n_holders(struct bf_ruleset *rs)
{
	size_t n = 0;

	walk(rs, count_one, &n);
	return n;
}

#define SLOTS_LINE "# bpfilter-slots "

void bf_slots_print(struct bf_strbuf *b, struct bf_ruleset *rs)
{
	bf_strbuf_printf(b, SLOTS_LINE "%zu", n_holders(rs));
	walk(rs, print_one, b);
	bf_strbuf_puts(b, "\n");
}

struct read_ctx {
	const char *p;
	int err;
};

static void read_one(int *slot, int *old_slot, void *data)
{
	struct read_ctx *ctx = data;
	char *end;
	long v;

	if (ctx->err)
		return;
	v = strtol(ctx->p, &end, 10);
	if (end == ctx->p || v < 0 || v > INT32_MAX)
		ctx->err = -EINVAL;
	*slot = (int)v;
	ctx->p = end;
}

int bf_slots_parse(struct bf_ruleset *rs, const char *text)
{
	const char *line = NULL, *p;
	struct read_ctx ctx;
	char *end;
	size_t n;

	/* The last such line: a rules file ends with it. */
	for (p = strstr(text, SLOTS_LINE); p; p = strstr(p + 1, SLOTS_LINE))
		if (p == text || p[-1] == '\n')
			line = p;
	if (!line)
		return -ENOENT;
	n = strtoul(line + strlen(SLOTS_LINE), &end, 10);
	if (n != n_holders(rs))
		return -EINVAL;
	ctx = (struct read_ctx){.p = end};
	walk(rs, read_one, &ctx);
	return ctx.err;
}
