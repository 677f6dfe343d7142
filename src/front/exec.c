/* A parsed command applied to the ruleset with iptables-legacy's
 * semantics (do_command4 and libiptc): which rule a number or a spec
 * names, which error wins, what -v prints, and what happens to counters.
 * Every command checks everything before it changes anything, so that a
 * failure leaves the ruleset as it was. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ext/ext.h"
#include "front/front.h"
#include "front/internal.h"

#define NO_CHAIN "No chain/target/match by that name."
#define BAD_RULE "Bad rule (does a matching rule exist in that chain?)."

/* Set while bf_front_exec runs for iptables-restore, which reports what
 * libiptc refuses only as "line N failed" (bpfilter's own refusals,
 * -EOPNOTSUPP, still say why), and what the kernel refuses only at
 * COMMIT. */
static bool restoring;

__attribute__((format(printf, 2, 3)))
static int fail(int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (restoring)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bf_err(err, "%s", msg);
}

bool bf_front_chain_served(const struct bf_chain *c)
{
	return c->builtin && !strcmp(c->name, "INPUT");
}

/* The protocol a match is only valid for (the kernel's xt_match.proto). */
static int match_proto(const struct bf_match_ops *ops)
{
	if (!strcmp(ops->name, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(ops->name, "udp"))
		return IPPROTO_UDP;
	return -1;
}

int bf_front_rule_commit_check(const struct bf_rule *r)
{
	for (size_t i = 0; i < r->n_matches; i++) {
		int proto = match_proto(r->matches[i].ops);

		if (proto >= 0 && (r->ip.proto != proto || (r->ip.invflags & BF_INV_PROTO)))
			return fail(-EPROTO, "Invalid argument. %s match: only valid for protocol %d",
				      r->matches[i].ops->name, proto);
	}
	return 0;
}

int bf_front_table_commit_check(const struct bf_table *t)
{
	bool was = restoring;
	int err = 0;

	restoring = true;
	for (size_t i = 0; i < t->n_chains && !err; i++)
		for (size_t j = 0; j < t->chains[i]->n_rules && !err; j++)
			err = bf_front_rule_commit_check(t->chains[i]->rules[j]);
	restoring = was;
	return err;
}

void bf_front_legacy_policy_reset(struct bf_table *t, const struct bf_chain *keep)
{
	for (size_t i = 0; i < t->n_chains; i++) {
		struct bf_chain *c = t->chains[i];

		if (c->builtin && c != keep) {
			c->policy_counters = (struct bf_counter){0};
			c->old_slot = -1;
		}
	}
}

static bool counters_nonzero(const struct bf_counter *c)
{
	return c->packets || c->bytes;
}

static bool chain_counted(const struct bf_chain *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		if (counters_nonzero(&c->rules[i]->counters))
			return true;
	return false;
}

static int refuse_chain(const struct bf_chain *c)
{
	return bf_err(-EOPNOTSUPP, "rules in chain `%s' are not supported by bpfilter yet "
		      "(only INPUT)", c->name);
}

static void print_rules(struct bf_strbuf *out, const struct bf_command *cmd)
{
	if (!(cmd->format & BF_FMT_VERBOSE))
		return;
	for (size_t i = 0; i < cmd->n_rules; i++)
		bf_front_list_rule(out, cmd->rules[i], 0, BF_LFMT_PRINT_RULE);
}

/* -A, and -I at a position: iptables inserts each address combination
 * at the same position, so they end up in reverse order. */
static int add_rules(const struct bf_command *cmd, struct bf_chain *c, size_t pos,
		     bool append, struct bf_strbuf *out)
{
	size_t done = 0;
	int err = 0;

	for (size_t i = 0; i < cmd->n_rules && !err && !restoring; i++)
		err = bf_front_rule_commit_check(cmd->rules[i]);
	if (err)
		return err;
	print_rules(out, cmd);
	for (; done < cmd->n_rules; done++) {
		struct bf_rule *r = bf_rule_clone(cmd->rules[done]);

		if (!r || bf_chain_insert(c, append ? c->n_rules : pos, r)) {
			bf_rule_free(r);
			break;
		}
		r->old_slot = -1;
	}
	if (done == cmd->n_rules)
		return 0;
	while (done-- > 0)
		bf_chain_delete(c, append ? c->n_rules - 1 : pos);
	return -ENOMEM;
}

static int replace_rule(const struct bf_command *cmd, struct bf_chain *c,
			struct bf_strbuf *out)
{
	struct bf_rule *r;
	int err;

	if (cmd->rulenum > c->n_rules)
		return fail(-E2BIG, "Index of replacement too big.");
	err = restoring ? 0 : bf_front_rule_commit_check(cmd->rules[0]);
	if (err)
		return err;
	r = bf_rule_clone(cmd->rules[0]);
	if (!r)
		return -ENOMEM;
	r->old_slot = -1;
	print_rules(out, cmd);
	bf_rule_free(c->rules[cmd->rulenum - 1]);
	c->rules[cmd->rulenum - 1] = r;
	return 0;
}

/* Each spec deletes the first equal rule still there; all must exist. */
static int delete_rules(const struct bf_command *cmd, struct bf_chain *c,
			struct bf_strbuf *out)
{
	bool *gone = calloc(c->n_rules + 1, sizeof(*gone));

	if (!gone)
		return -ENOMEM;
	print_rules(out, cmd);
	for (size_t i = 0; i < cmd->n_rules; i++) {
		size_t j = 0;

		while (j < c->n_rules && (gone[j] || !bf_rule_equal(c->rules[j], cmd->rules[i])))
			j++;
		if (j == c->n_rules) {
			free(gone);
			return fail(-ENOENT, BAD_RULE);
		}
		gone[j] = true;
	}
	for (size_t j = c->n_rules; j-- > 0;)
		if (gone[j])
			bf_chain_delete(c, j);
	free(gone);
	return 0;
}

static int check_rules(const struct bf_command *cmd, const struct bf_chain *c,
		       struct bf_strbuf *out)
{
	print_rules(out, cmd);
	for (size_t i = 0; i < cmd->n_rules; i++) {
		size_t j = 0;

		while (c && j < c->n_rules && !bf_rule_equal(c->rules[j], cmd->rules[i]))
			j++;
		if (!c || j == c->n_rules)
			return fail(-ENOENT, BAD_RULE);
	}
	return 0;
}

static int rule_command(const struct bf_command *cmd, struct bf_table *t,
			struct bf_strbuf *out, bool *changed)
{
	struct bf_chain *c = bf_table_chain(t, cmd->chain);
	int err;

	if (cmd->cmd == BF_CMD_CHECK)
		return check_rules(cmd, c, out);
	if (!c)
		return fail(-ENOENT, cmd->cmd == BF_CMD_DELETE && !cmd->rulenum ?
				       BAD_RULE : NO_CHAIN);

	switch (cmd->cmd) {
	case BF_CMD_APPEND:
	case BF_CMD_INSERT:
		if (cmd->cmd == BF_CMD_INSERT && cmd->rulenum - 1 > c->n_rules)
			return fail(-E2BIG, "Index of insertion too big.");
		if (!bf_front_chain_served(c))
			return refuse_chain(c);
		err = add_rules(cmd, c, cmd->rulenum ? cmd->rulenum - 1 : 0,
				cmd->cmd == BF_CMD_APPEND, out);
		break;
	case BF_CMD_REPLACE:
		if (!bf_front_chain_served(c) && cmd->rulenum <= c->n_rules)
			return refuse_chain(c);
		err = replace_rule(cmd, c, out);
		break;
	case BF_CMD_DELETE:
		if (cmd->rulenum) {
			if (cmd->rulenum > c->n_rules)
				return fail(-E2BIG, "Index of deletion too big.");
			bf_chain_delete(c, cmd->rulenum - 1);
			err = 0;
		} else {
			err = delete_rules(cmd, c, out);
		}
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		*changed = true;
	return err;
}

/* NULL with *err set when a named chain does not exist. */
static struct bf_chain *named_chain(const struct bf_command *cmd, struct bf_table *t, int *err)
{
	struct bf_chain *c;

	*err = 0;
	if (!cmd->chain[0])
		return NULL;
	c = bf_table_chain(t, cmd->chain);
	if (!c)
		*err = fail(-ENOENT, NO_CHAIN);
	return c;
}

static void verbose_chain(struct bf_strbuf *out, const struct bf_command *cmd,
			  const char *what, const struct bf_chain *c)
{
	if (cmd->format & BF_FMT_VERBOSE)
		bf_strbuf_printf(out, "%s chain `%s'\n", what, c->name);
}

/* -Z [chain [rulenum]], also after -L/-S. */
static int zero(const struct bf_command *cmd, struct bf_table *t, struct bf_chain *only,
		unsigned int rulenum, struct bf_strbuf *out, bool *changed)
{
	bool counted = false;

	if (rulenum) {
		struct bf_rule *r;

		if (!only)
			return fail(-ENOENT, NO_CHAIN);
		if (rulenum > only->n_rules)
			return fail(-E2BIG, "Index of counter too big.");
		r = only->rules[rulenum - 1];
		counted |= counters_nonzero(&r->counters);
		r->counters = (struct bf_counter){0};
		r->old_slot = -1;
	} else {
		for (size_t i = 0; i < t->n_chains; i++) {
			struct bf_chain *c = t->chains[i];

			if (only && c != only)
				continue;
			counted |= chain_counted(c);
			verbose_chain(out, cmd, "Zeroing", c);
			bf_chain_zero(c);
		}
	}
	*changed |= counted;
	return 0;
}

static int list(const struct bf_command *cmd, struct bf_table *t, struct bf_strbuf *out,
		bool *changed)
{
	unsigned int f = BF_LFMT_OPTIONS;
	struct bf_chain *c;
	int err;

	c = named_chain(cmd, t, &err);
	if (err)
		return err;
	if (cmd->cmd == BF_CMD_LIST_RULES) {
		bf_front_list_rules(out, t, c, cmd->rulenum, cmd->format & BF_FMT_VERBOSE);
	} else {
		f |= cmd->format & BF_FMT_VERBOSE ? BF_LFMT_VIA : BF_LFMT_NOCOUNTS;
		if (cmd->format & BF_FMT_NUMERIC)
			f |= BF_LFMT_NUMERIC;
		if (!(cmd->format & BF_FMT_EXACT))
			f |= BF_LFMT_KILOMEGAGIGA;
		if (cmd->format & BF_FMT_LINENUMBERS)
			f |= BF_LFMT_LINENUMBERS;
		bf_front_list(out, t, c, cmd->rulenum, f);
	}
	if (!cmd->zero_too)
		return 0;
	/* One rule only when -Z itself was given the number. */
	return zero(cmd, t, c, cmd->zero_one ? cmd->rulenum : 0, out, changed);
}

static int flush(const struct bf_command *cmd, struct bf_table *t, struct bf_strbuf *out,
		 bool *changed)
{
	struct bf_chain *only;
	int err;

	only = named_chain(cmd, t, &err);
	if (err)
		return err;
	for (size_t i = 0; i < t->n_chains; i++) {
		struct bf_chain *c = t->chains[i];

		if (only && c != only)
			continue;
		verbose_chain(out, cmd, "Flushing", c);
		*changed |= c->n_rules > 0;
		bf_chain_flush(c);
	}
	return 0;
}

static int policy(const struct bf_command *cmd, struct bf_table *t, bool *changed)
{
	struct bf_chain *c = bf_table_chain(t, cmd->chain);
	struct bf_counter counters = {0};

	if (!c || !c->builtin)
		return fail(-ENOENT, "Bad built-in chain name.");
	if (cmd->bad_policy)
		return fail(-EPROTO, "Bad policy name. Run `dmesg' for more information.");
	if (!bf_front_chain_served(c) && cmd->policy != BF_VERDICT_ACCEPT)
		return bf_err(-EOPNOTSUPP, "policy %s in chain `%s' is not supported by "
			      "bpfilter yet (only INPUT)", bf_verdict_name(cmd->policy), c->name);
	if (cmd->set_counters)
		counters = cmd->counters;
	*changed |= c->policy != cmd->policy || counters_nonzero(&c->policy_counters) ||
		    counters_nonzero(&counters);
	c->policy = cmd->policy;
	c->policy_counters = counters;
	c->old_slot = -1;
	return 0;
}

/* User-defined chains are refused for now, so there are none to delete
 * or rename: only the errors iptables gives remain. */
static int chain_command(const struct bf_command *cmd, struct bf_table *t)
{
	struct bf_chain *c = cmd->chain[0] ? bf_table_chain(t, cmd->chain) : NULL;

	switch (cmd->cmd) {
	case BF_CMD_NEW_CHAIN:
		if (c)
			return fail(-EEXIST, "Chain already exists.");
		return bf_err(-EOPNOTSUPP, "user-defined chains are not supported by bpfilter yet");
	case BF_CMD_DELETE_CHAIN:
		if (!cmd->chain[0])
			return 0;
		if (!c)
			return fail(-ENOENT, NO_CHAIN);
		return fail(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	case BF_CMD_RENAME_CHAIN:
		if (bf_table_chain(t, cmd->newname) || !strcmp(cmd->newname, "ACCEPT") ||
		    !strcmp(cmd->newname, "DROP") || !strcmp(cmd->newname, "QUEUE") ||
		    !strcmp(cmd->newname, "RETURN"))
			return fail(-EEXIST, "File exists.");
		return fail(-ENOENT, NO_CHAIN);
	default:
		return -EINVAL;
	}
}

static int exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		struct bf_strbuf *out, bool *changed)
{
	struct bf_table *t = &rs->tables[cmd->table];
	struct bf_chain *c;
	int err;

	*changed = false;
	switch (cmd->cmd) {
	case BF_CMD_NONE:
	case BF_CMD_VERSION:
		return 0;
	case BF_CMD_HELP:
		bf_front_help(out, "bpfilter");
		return 0;
	case BF_CMD_APPEND:
	case BF_CMD_CHECK:
	case BF_CMD_DELETE:
	case BF_CMD_INSERT:
	case BF_CMD_REPLACE:
		return rule_command(cmd, t, out, changed);
	case BF_CMD_LIST:
	case BF_CMD_LIST_RULES:
		return list(cmd, t, out, changed);
	case BF_CMD_FLUSH:
		return flush(cmd, t, out, changed);
	case BF_CMD_ZERO:
		c = named_chain(cmd, t, &err);
		return err ? err : zero(cmd, t, c, cmd->rulenum, out, changed);
	case BF_CMD_POLICY:
		return policy(cmd, t, changed);
	case BF_CMD_NEW_CHAIN:
	case BF_CMD_DELETE_CHAIN:
	case BF_CMD_RENAME_CHAIN:
		return chain_command(cmd, t);
	}
	return -EINVAL;
}

int bf_front_exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		  struct bf_strbuf *out, bool *changed)
{
	int err;

	restoring = true;
	err = exec(cmd, rs, out, changed);
	restoring = false;
	return err;
}

/* The commands after which iptables commits the table. */
static bool commits(const struct bf_command *cmd)
{
	switch (cmd->cmd) {
	case BF_CMD_APPEND:
	case BF_CMD_DELETE:
	case BF_CMD_INSERT:
	case BF_CMD_REPLACE:
	case BF_CMD_FLUSH:
	case BF_CMD_ZERO:
	case BF_CMD_POLICY:
		return true;
	case BF_CMD_LIST:
	case BF_CMD_LIST_RULES:
		return cmd->zero_too;
	default:
		return false;
	}
}

int bf_command_exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		    struct bf_strbuf *out, bool *changed)
{
	struct bf_table *t = &rs->tables[cmd->table];
	const struct bf_chain *keep = NULL;
	bool counted = false;
	int err;

	if (cmd->cmd == BF_CMD_POLICY)
		keep = bf_table_chain(t, cmd->chain);
	for (size_t i = 0; i < t->n_chains; i++)
		counted |= t->chains[i] != keep && t->chains[i]->builtin &&
			   counters_nonzero(&t->chains[i]->policy_counters);
	err = exec(cmd, rs, out, changed);
	if (err || !commits(cmd))
		return err;
	*changed |= counted;
	bf_front_legacy_policy_reset(t, keep);
	return 0;
}
