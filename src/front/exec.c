/* A parsed command applied to the ruleset with iptables-legacy's
 * semantics (do_command4/do_command6 and libiptc): which rule a number or
 * a spec names, which error wins, what -v prints, what happens to
 * counters, and what the kernel refuses when the table is committed.
 * Every command checks everything before it changes anything (or undoes
 * what the kernel would refuse), so that a failure leaves the ruleset as
 * it was. */
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
#define INVALID "Invalid argument. Run `dmesg' for more information."

/* Set while bf_front_exec runs for iptables-restore, which reports what
 * libiptc and the kernel refuse only as "line N failed" (its parameter
 * problems, -EINVAL, still say why), and what the kernel refuses only at
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

/* A match valid only for one protocol (xt_match.proto), without it. */
static int rule_proto_check(const struct bf_rule *r, bool quiet)
{
	for (size_t i = 0; i < r->n_matches; i++) {
		unsigned int proto = r->matches[i].ops->proto;

		if (!proto || (r->ip.proto == proto && !(r->ip.invflags & BF_INV_PROTO)))
			continue;
		if (quiet)
			return -EPROTO;
		return bf_err(-EPROTO, "Invalid argument. %s match: only valid for protocol %u",
			      r->matches[i].ops->name, proto);
	}
	return 0;
}

/* Where the kernel allows an extension: its table, the hooks that reach
 * the rule (xt_check_match/xt_check_target), its own hook check. */
static int scope_check(const struct bf_ext_scope *s, const void *data, const struct bf_ip *ip,
		       const char *table, unsigned int hooks, bool quiet)
{
	int err = 0;

	if ((s->table && strcmp(s->table, table)) || (s->hooks && (hooks & ~s->hooks))) {
		err = -EPROTO;
		if (!quiet)
			bf_err(err, "Invalid argument. Run `dmesg' for more information.");
	} else if (s->check) {
		bf_log_mute(quiet);
		err = s->check(data, ip, hooks);
		bf_log_mute(-(int)quiet);
	}
	return err;
}

static int rule_scope_check(const struct bf_rule *r, const char *table, unsigned int hooks,
			    bool quiet)
{
	const struct bf_target *tg = &r->target;
	int err = 0;

	for (size_t i = 0; !err && i < r->n_matches; i++)
		err = scope_check(&r->matches[i].ops->scope, r->matches[i].data, &r->ip, table,
				  hooks, quiet);
	if (!err && tg->verdict == BF_VERDICT_EXT)
		err = scope_check(&tg->ops->scope, tg->data, &r->ip, table, hooks, quiet);
	return err;
}

/* The kernel's hook of a built-in chain. */
static unsigned int builtin_hooks(const struct bf_chain *c)
{
	static const char *const names[] = {
		[BF_HOOK_PREROUTING] = "PREROUTING", [BF_HOOK_INPUT] = "INPUT",
		[BF_HOOK_FORWARD] = "FORWARD", [BF_HOOK_OUTPUT] = "OUTPUT",
		[BF_HOOK_POSTROUTING] = "POSTROUTING",
	};

	for (unsigned int h = 0; c->builtin && h < sizeof(names) / sizeof(names[0]); h++)
		if (!strcmp(c->name, names[h]))
			return BF_HOOK_BIT(h);
	return 0;
}

/* Which hooks reach each chain, through jumps and gotos (the kernel's
 * mark_source_chains; the chains are known not to loop here). */
static int chain_hooks(const struct bf_table *t, unsigned int **hooks_out)
{
	unsigned int *hooks = calloc(t->n_chains ? t->n_chains : 1, sizeof(*hooks));
	bool grew = true;

	if (!hooks)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_chains; i++)
		hooks[i] = builtin_hooks(t->chains[i]);
	while (grew) {
		grew = false;
		for (size_t i = 0; i < t->n_chains; i++) {
			const struct bf_chain *c = t->chains[i];

			for (size_t j = 0; j < c->n_rules; j++) {
				const struct bf_target *tg = &c->rules[j]->target;
				const struct bf_chain *to_c = tg->verdict == BF_VERDICT_JUMP ?
							      bf_table_chain(t, tg->chain) : NULL;
				size_t to = to_c ? bf_table_chain_index(t, to_c) : 0;

				if (to_c && (hooks[i] & ~hooks[to])) {
					hooks[to] |= hooks[i];
					grew = true;
				}
			}
		}
	}
	*hooks_out = hooks;
	return 0;
}

/* In the kernel's order: the chains' loops, then each rule's checks. */
int bf_front_table_commit_check(const struct bf_table *t, bool quiet)
{
	unsigned int *hooks = NULL;
	int err = bf_front_table_loops(t);

	if (err < 0)
		return err;
	if (err)
		return quiet ? -ELOOP : bf_err(-ELOOP, "Too many levels of symbolic links.");
	err = chain_hooks(t, &hooks);
	for (size_t i = 0; !err && i < t->n_chains; i++)
		for (size_t j = 0; !err && j < t->chains[i]->n_rules; j++) {
			const struct bf_rule *r = t->chains[i]->rules[j];

			err = rule_proto_check(r, quiet);
			if (!err)
				err = rule_scope_check(r, bf_table_name(t->id), hooks[i], quiet);
		}
	free(hooks);
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

static void print_rules(struct bf_strbuf *out, const struct bf_command *cmd)
{
	if (!(cmd->format & BF_FMT_VERBOSE))
		return;
	for (size_t i = 0; i < cmd->n_rules; i++)
		bf_front_list_rule(out, cmd->rules[i], 0, BF_LFMT_PRINT_RULE);
}

/* iptables turns -j NAME into a jump only once the table is loaded: a
 * name that is no chain there is an unknown target (a parameter
 * problem, reported by iptables-restore too). */
static int resolve_target(const struct bf_command *cmd, const struct bf_table *t)
{
	const struct bf_rule *r = cmd->n_rules ? cmd->rules[0] : NULL;

	if (!r || r->target.verdict != BF_VERDICT_JUMP || bf_table_chain(t, r->target.chain))
		return 0;
	if (r->ip.flags & BF_F_GOTO)
		return bf_err(-EINVAL, "goto '%s' is not a chain", r->target.chain);
	return bf_err(-EINVAL, "Couldn't load target `%s':No such file or directory\n",
		      r->target.chain);
}

/* libiptc maps the target when it adds, deletes or checks a rule: a
 * jump to a built-in chain is refused (EINVAL). */
static int jump_check(const struct bf_command *cmd, const struct bf_table *t)
{
	const struct bf_rule *r = cmd->n_rules ? cmd->rules[0] : NULL;
	const struct bf_chain *c;

	if (!r || r->target.verdict != BF_VERDICT_JUMP)
		return 0;
	c = bf_table_chain(t, r->target.chain);
	return c && c->builtin ? fail(-EPROTO, INVALID) : 0;
}

/* After a change that adds rules: what the kernel would refuse at
 * commit (restore checks at COMMIT). */
static int commit_check(const struct bf_table *t)
{
	return restoring ? 0 : bf_front_table_commit_check(t, false);
}

/* -A, and -I at a position: iptables inserts each address combination
 * at the same position, so they end up in reverse order. */
static int add_rules(const struct bf_command *cmd, struct bf_table *t, struct bf_chain *c,
		     size_t pos, bool append, struct bf_strbuf *out)
{
	size_t done = 0;
	int err = jump_check(cmd, t);

	if (err)
		return err;
	print_rules(out, cmd);
	for (; done < cmd->n_rules; done++) {
		/* iptables-restore's caller frees the command right after: its
		 * rules are taken rather than copied (a restore adds them all). */
		struct bf_rule *r = restoring ? cmd->rules[done] : bf_rule_clone(cmd->rules[done]);

		if (restoring)
			cmd->rules[done] = NULL;
		if (!r || bf_chain_insert(c, append ? c->n_rules : pos, r)) {
			bf_rule_free(r);
			err = -ENOMEM;
			break;
		}
		r->old_slot = -1;
	}
	if (!err)
		err = commit_check(t);
	if (!err)
		return 0;
	while (done-- > 0)
		bf_chain_delete(c, append ? c->n_rules - 1 : pos);
	return err;
}

static int replace_rule(const struct bf_command *cmd, struct bf_table *t, struct bf_chain *c,
			struct bf_strbuf *out)
{
	struct bf_rule *r, *old;
	int err;

	if (cmd->rulenum > c->n_rules)
		return fail(-E2BIG, "Index of replacement too big.");
	err = jump_check(cmd, t);
	if (err)
		return err;
	r = bf_rule_clone(cmd->rules[0]);
	if (!r)
		return -ENOMEM;
	r->old_slot = -1;
	print_rules(out, cmd);
	old = c->rules[cmd->rulenum - 1];
	c->rules[cmd->rulenum - 1] = r;
	err = commit_check(t);
	if (err) {
		c->rules[cmd->rulenum - 1] = old;
		bf_rule_free(r);
		return err;
	}
	bf_rule_free(old);
	return 0;
}

/* No equal rule: libiptc's error text depends on the target (checked
 * with iptables-legacy: a chain or an extension gives ENOENT's generic
 * text, a verdict the one of -D). */
static int no_such_rule(const struct bf_command *cmd)
{
	enum bf_verdict v = cmd->rules[0]->target.verdict;

	return fail(-ENOENT, v == BF_VERDICT_JUMP || v == BF_VERDICT_EXT ? NO_CHAIN : BAD_RULE);
}

/* Each spec deletes the first equal rule still there; all must exist. */
static int delete_rules(const struct bf_command *cmd, struct bf_table *t, struct bf_chain *c,
			struct bf_strbuf *out)
{
	bool *gone;
	int err = jump_check(cmd, t);

	if (err)
		return err;
	gone = calloc(c->n_rules + 1, sizeof(*gone));
	if (!gone)
		return -ENOMEM;
	print_rules(out, cmd);
	for (size_t i = 0; i < cmd->n_rules; i++) {
		size_t j = 0;

		while (j < c->n_rules && (gone[j] || !bf_rule_equal(c->rules[j], cmd->rules[i])))
			j++;
		if (j == c->n_rules) {
			free(gone);
			return no_such_rule(cmd);
		}
		gone[j] = true;
	}
	for (size_t j = c->n_rules; j-- > 0;)
		if (gone[j])
			bf_chain_delete(c, j);
	free(gone);
	return 0;
}

static int check_rules(const struct bf_command *cmd, const struct bf_table *t,
		       const struct bf_chain *c, struct bf_strbuf *out)
{
	int err;

	print_rules(out, cmd);
	if (!c)
		return fail(-ENOENT, BAD_RULE);
	err = jump_check(cmd, t);
	if (err)
		return err;
	for (size_t i = 0; i < cmd->n_rules; i++) {
		size_t j = 0;

		while (j < c->n_rules && !bf_rule_equal(c->rules[j], cmd->rules[i]))
			j++;
		if (j == c->n_rules)
			return no_such_rule(cmd);
	}
	return 0;
}

/* -j NAME loaded the extension NAME, but the table has a chain of that
 * name (iptables-restore can make one): iptables warns and jumps to the
 * chain. Returns the rules to use: cmd's own, or copies that jump. */
static struct bf_rule **chain_over_extension(const struct bf_command *cmd,
					     const struct bf_table *t, int *err)
{
	const struct bf_rule *r = cmd->n_rules ? cmd->rules[0] : NULL;
	struct bf_rule **rules;
	const char *name;

	*err = 0;
	if (!r || r->target.verdict != BF_VERDICT_EXT ||
	    !bf_table_chain(t, r->target.ops->name))
		return cmd->rules;
	name = r->target.ops->name;
	bf_log(BF_LOG_WARN, "Warning: using chain %s, not extension", name);
	rules = calloc(cmd->n_rules, sizeof(*rules));
	for (size_t i = 0; rules && i < cmd->n_rules; i++) {
		struct bf_rule *copy = bf_rule_clone(cmd->rules[i]);

		if (!copy) {
			while (i-- > 0)
				bf_rule_free(rules[i]);
			free(rules);
			rules = NULL;
			break;
		}
		free(copy->target.data);
		copy->target = (struct bf_target){.verdict = BF_VERDICT_JUMP};
		snprintf(copy->target.chain, sizeof(copy->target.chain), "%s", name);
		rules[i] = copy;
	}
	if (!rules)
		*err = -ENOMEM;
	return rules;
}

static int rule_command_on(const struct bf_command *cmd, struct bf_table *t,
			   struct bf_strbuf *out, bool *changed);

static int rule_command(const struct bf_command *cmd, struct bf_table *t,
			struct bf_strbuf *out, bool *changed)
{
	struct bf_command local = *cmd;
	int err;

	local.rules = chain_over_extension(cmd, t, &err);
	if (err)
		return err;
	err = rule_command_on(&local, t, out, changed);
	if (local.rules != cmd->rules) {
		for (size_t i = 0; i < local.n_rules; i++)
			bf_rule_free(local.rules[i]);
		free(local.rules);
	}
	return err;
}

/* bf_table_chain, trying first where the last name was found: a restore
 * adds rule after rule to the same chain, and a table may have thousands
 * of chains. Names are unique in a table: the chain found at that index
 * is the one bf_table_chain would find. */
static struct bf_chain *rule_chain(const struct bf_table *t, const char *name)
{
	static const struct bf_table *last_t;
	static size_t last_i;

	if (t == last_t && last_i < t->n_chains && !strcmp(t->chains[last_i]->name, name))
		return t->chains[last_i];
	for (size_t i = 0; i < t->n_chains; i++) {
		if (!strcmp(t->chains[i]->name, name)) {
			last_t = t;
			last_i = i;
			return t->chains[i];
		}
	}
	return NULL;
}

static int rule_command_on(const struct bf_command *cmd, struct bf_table *t,
			   struct bf_strbuf *out, bool *changed)
{
	struct bf_chain *c = rule_chain(t, cmd->chain);
	bool by_num = cmd->cmd == BF_CMD_DELETE && cmd->rulenum;
	int err = by_num ? 0 : resolve_target(cmd, t);

	/* A line iptables-restore cut short: no rule to act on. */
	if (err || (cmd->rules_skipped && !by_num))
		return err;
	if (cmd->cmd == BF_CMD_CHECK)
		return check_rules(cmd, t, c, out);
	if (!c)
		return fail(-ENOENT, cmd->cmd == BF_CMD_DELETE && !cmd->rulenum ?
				       BAD_RULE : NO_CHAIN);

	switch (cmd->cmd) {
	case BF_CMD_APPEND:
	case BF_CMD_INSERT:
		if (cmd->cmd == BF_CMD_INSERT && cmd->rulenum - 1 > c->n_rules)
			return fail(-E2BIG, "Index of insertion too big.");
		err = add_rules(cmd, t, c, cmd->rulenum ? cmd->rulenum - 1 : 0,
				cmd->cmd == BF_CMD_APPEND, out);
		break;
	case BF_CMD_REPLACE:
		err = replace_rule(cmd, t, c, out);
		break;
	case BF_CMD_DELETE:
		if (cmd->rulenum) {
			if (cmd->rulenum > c->n_rules)
				return fail(-E2BIG, "Index of deletion too big.");
			bf_chain_delete(c, cmd->rulenum - 1);
			err = 0;
		} else {
			err = delete_rules(cmd, t, c, out);
		}
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		*changed = true;
	return err;
}

/* NULL with *err set when a named chain does not exist; NULL without
 * error when the command names no chain (all chains). */
static struct bf_chain *named_chain(const struct bf_command *cmd, struct bf_table *t, int *err)
{
	struct bf_chain *c;

	*err = 0;
	if (!cmd->chain_given)
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
		if (cmd->format & BF_FMT_JSON)
			f |= BF_LFMT_JSON;
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
	if (cmd->set_counters)
		counters = cmd->counters;
	*changed |= c->policy != cmd->policy || counters_nonzero(&c->policy_counters) ||
		    counters_nonzero(&counters);
	c->policy = cmd->policy;
	c->policy_counters = counters;
	c->old_slot = -1;
	return 0;
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
		bf_front_help(out, rs->family == BF_FAMILY_IPV6 ? "bpfilter6" : "bpfilter",
			      rs->family);
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
		return bf_front_chain_command(cmd, t, out, changed, restoring);
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

/* The commands after which iptables commits a changed table. */
static bool commits(const struct bf_command *cmd, bool changed)
{
	switch (cmd->cmd) {
	case BF_CMD_DELETE_CHAIN: /* -X of no chain at all changes nothing */
		return changed;
	case BF_CMD_APPEND:
	case BF_CMD_DELETE:
	case BF_CMD_INSERT:
	case BF_CMD_REPLACE:
	case BF_CMD_FLUSH:
	case BF_CMD_ZERO:
	case BF_CMD_POLICY:
	case BF_CMD_NEW_CHAIN:
	case BF_CMD_RENAME_CHAIN:
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
	bool counted = false, fresh;
	int err;

	if (cmd->cmd == BF_CMD_POLICY)
		keep = bf_table_chain(t, cmd->chain);
	for (size_t i = 0; i < t->n_chains; i++)
		counted |= t->chains[i] != keep && t->chains[i]->builtin &&
			   counters_nonzero(&t->chains[i]->policy_counters);
	err = exec(cmd, rs, out, changed);
	if (err || cmd->cmd == BF_CMD_HELP || cmd->cmd == BF_CMD_VERSION ||
	    cmd->cmd == BF_CMD_NONE)
		return err;
	if (!commits(cmd, *changed)) {
		/* The kernel creates the table the first time a command uses it. */
		fresh = bf_ruleset_use_table(rs, cmd->table);
		*changed |= fresh;
		return 0;
	}
	bf_ruleset_use_table(rs, cmd->table);
	*changed |= counted;
	bf_front_legacy_policy_reset(t, keep);
	t->replaced = true;
	return 0;
}
