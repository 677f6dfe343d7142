/* User-defined chains: -N, -X and -E as libiptc does them (its
 * iptc_create_chain, iptc_delete_chain, iptc_rename_chain, with the
 * errno each sets and the text iptables prints for it), and the loop
 * check the kernel does when a table is committed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "front/front.h"
#include "front/internal.h"

#define NO_CHAIN "No chain/target/match by that name."
#define INVALID "Invalid argument. Run `dmesg' for more information."

static int fail(bool quiet, int err, const char *msg)
{
	return quiet ? err : bf_err(err, "%s", msg);
}

static bool verdict_name(const char *name)
{
	return !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") || !strcmp(name, "QUEUE") ||
	       !strcmp(name, "RETURN");
}

int bf_front_create_chain(struct bf_table *t, const char *name)
{
	if (bf_table_chain(t, name) || verdict_name(name))
		return -EEXIST;
	return bf_table_new_chain(t, name) ? 0 : -ENOMEM;
}

/* Why libiptc would not delete c (0 if it would). */
static int cannot_delete(const struct bf_table *t, const struct bf_chain *c,
			 const char **msg)
{
	if (c->builtin) {
		*msg = INVALID;
		return -EPROTO;
	}
	if (bf_table_chain_refs(t, c->name)) {
		*msg = "Too many links.";
		return -EMLINK;
	}
	if (c->n_rules) {
		*msg = "Directory not empty.";
		return -ENOTEMPTY;
	}
	return 0;
}

/* -X without a name: iptables tries every user-defined chain and fails,
 * deleting none, with the error of the last one it could not delete. */
static int delete_all(const struct bf_command *cmd, struct bf_table *t,
		      struct bf_strbuf *out, bool *changed, bool quiet)
{
	const char *msg = NULL;
	int err = 0;

	for (size_t i = 0; i < t->n_chains; i++) {
		const struct bf_chain *c = t->chains[i];
		const char *why;
		int e;

		if (c->builtin)
			continue;
		if (cmd->format & BF_FMT_VERBOSE)
			bf_strbuf_printf(out, "Deleting chain `%s'\n", c->name);
		e = cannot_delete(t, c, &why);
		if (e) {
			err = e;
			msg = why;
		}
	}
	if (err)
		return fail(quiet, err, msg);
	for (size_t i = t->n_chains; i-- > 0;) {
		if (!t->chains[i]->builtin) {
			bf_table_delete_chain(t, t->chains[i]);
			*changed = true;
		}
	}
	return 0;
}

static int delete_chain(const struct bf_command *cmd, struct bf_table *t,
			struct bf_strbuf *out, bool *changed, bool quiet)
{
	struct bf_chain *c;
	const char *msg;
	int err;

	if (!cmd->chain_given)
		return delete_all(cmd, t, out, changed, quiet);
	if (cmd->format & BF_FMT_VERBOSE)
		bf_strbuf_printf(out, "Deleting chain `%s'\n", cmd->chain);
	c = bf_table_chain(t, cmd->chain);
	if (!c)
		return fail(quiet, -ENOENT, NO_CHAIN);
	err = cannot_delete(t, c, &msg);
	if (err)
		return fail(quiet, err, msg);
	bf_table_delete_chain(t, c);
	*changed = true;
	return 0;
}

static int rename_chain(const struct bf_command *cmd, struct bf_table *t, bool *changed,
			bool quiet)
{
	struct bf_chain *c;

	if (bf_table_chain(t, cmd->newname) || verdict_name(cmd->newname))
		return fail(quiet, -EEXIST, "File exists.");
	c = bf_table_chain(t, cmd->chain);
	if (!c || c->builtin)
		return fail(quiet, -ENOENT, NO_CHAIN);
	if (strlen(cmd->newname) >= 32)
		return fail(quiet, -EPROTO, INVALID);
	/* The kernel keeps the first 29 characters. */
	bf_table_rename_chain(t, c, cmd->newname);
	*changed = true;
	return 0;
}

int bf_front_chain_command(const struct bf_command *cmd, struct bf_table *t,
			   struct bf_strbuf *out, bool *changed, bool quiet)
{
	int err;

	switch (cmd->cmd) {
	case BF_CMD_NEW_CHAIN:
		err = bf_front_create_chain(t, cmd->chain);
		if (err == -EEXIST)
			return fail(quiet, err, "Chain already exists.");
		*changed |= !err;
		return err;
	case BF_CMD_DELETE_CHAIN:
		return delete_chain(cmd, t, out, changed, quiet);
	case BF_CMD_RENAME_CHAIN:
		return rename_chain(cmd, t, changed, quiet);
	default:
		return -EINVAL;
	}
}

/* The index of a chain by name: user-defined chains are sorted. */
static long chain_index(const struct bf_table *t, const char *name)
{
	size_t lo = 0, hi = t->n_chains;

	while (lo < t->n_chains && t->chains[lo]->builtin) {
		if (!strcmp(t->chains[lo]->name, name))
			return (long)lo;
		lo++;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(t->chains[mid]->name, name);

		if (!d)
			return (long)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

enum { WHITE, GREY, BLACK };

/* Depth-first walk with an explicit stack: a grey chain met again is on
 * the current path, which is a loop. */
static bool walk_loops(const struct bf_table *t, size_t start, unsigned char *color,
		       size_t *stack_chain, size_t *stack_rule)
{
	size_t depth = 0;

	color[start] = GREY;
	stack_chain[0] = start;
	stack_rule[0] = 0;
	while (true) {
		const struct bf_chain *c = t->chains[stack_chain[depth]];
		size_t *r = &stack_rule[depth];
		long next = -1;

		while (*r < c->n_rules && next < 0) {
			const struct bf_target *tg = &c->rules[(*r)++]->target;

			if (tg->verdict == BF_VERDICT_JUMP)
				next = chain_index(t, tg->chain);
		}
		if (next < 0) {
			color[stack_chain[depth]] = BLACK;
			if (!depth)
				return false;
			depth--;
			continue;
		}
		if (color[next] == GREY)
			return true;
		if (color[next] == BLACK)
			continue;
		color[next] = GREY;
		depth++;
		stack_chain[depth] = (size_t)next;
		stack_rule[depth] = 0;
	}
}

int bf_front_table_loops(const struct bf_table *t)
{
	unsigned char *color = calloc(t->n_chains + 1, 1);
	size_t *stack_chain = calloc(t->n_chains + 1, sizeof(size_t));
	size_t *stack_rule = calloc(t->n_chains + 1, sizeof(size_t));
	int loop = color && stack_chain && stack_rule ? 0 : -ENOMEM;

	for (size_t i = 0; !loop && i < t->n_chains; i++)
		if (t->chains[i]->builtin && color[i] == WHITE)
			loop = walk_loops(t, i, color, stack_chain, stack_rule);
	free(color);
	free(stack_chain);
	free(stack_rule);
	return loop;
}
