/* iptables-save text read as iptables-restore (ip6tables-restore for an
 * IPv6 ruleset) 1.8.9 reads it: line by line, "*table" ... "COMMIT",
 * chain lines, and every other line an iptables command (usually -A) for
 * the current table, split into words with iptables-restore's quoting
 * rules. All or nothing: the work is done on a copy that replaces the
 * ruleset only at the end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "front/front.h"
#include "front/internal.h"

#define MAX_ARGC 255
#define MAX_PARAM 1024
#define XT_EXTENSION_MAXNAMELEN BF_XT_NAMELEN

struct restore {
	struct bf_ruleset *rs; /* the copy being changed */
	bool noflush;
	bool counters;
	bool state; /* bpfilter's own text: chain lines may quote names */
	unsigned int line;
	bool in_table;
	const char *table_name;
	struct bf_table *table; /* NULL in a table bpfilter does not serve */
	char *argv[MAX_ARGC + 1];
	int argc;
	/* Reused from line to line, not allocated per line or per word: the
	 * line being read, a copy of it for its counters, and the words of
	 * argv one after the other. */
	char *buf, *ctrs, *words;
	size_t buf_size, ctrs_size, words_size, words_len;
};

static int reserve(char **buf, size_t *size, size_t need)
{
	char *b;

	if (need <= *size)
		return 0;
	b = realloc(*buf, need);
	if (!b)
		return -ENOMEM;
	*buf = b;
	*size = need;
	return 0;
}

/* Room for every word a line of len bytes can make (each no longer than
 * the text it comes from, plus its NUL), and the few that rule_line adds
 * in front of them; reserved before argv points into it. */
static int reserve_words(struct restore *r, size_t len)
{
	return reserve(&r->words, &r->words_size, 3 * len + 64);
}

/* A parameter problem: iptables-restore adds the line to the message. */
static int param_problem(const struct restore *r, int err)
{
	if (err == -EINVAL)
		bf_log(BF_LOG_ERR, "Error occurred at line: %u", r->line);
	return err;
}

static int line_failed(const struct restore *r)
{
	return bf_err(-EBADMSG, "line %u failed", r->line);
}

/* The next word, of len bytes already at r->words + r->words_len. */
static int end_arg(struct restore *r, size_t len)
{
	if (r->argc + 1 >= MAX_ARGC)
		return bf_err(-EINVAL, "Parser cannot handle more arguments");
	r->argv[r->argc] = r->words + r->words_len;
	r->argv[r->argc][len] = '\0';
	r->words_len += len + 1;
	r->argv[++r->argc] = NULL;
	return 0;
}

static int add_arg(struct restore *r, const char *s, size_t len)
{
	if (r->argc + 1 >= MAX_ARGC)
		return bf_err(-EINVAL, "Parser cannot handle more arguments");
	memcpy(r->words + r->words_len, s, len);
	return end_arg(r, len);
}

static void free_args(struct restore *r)
{
	r->argc = 0;
	r->words_len = 0;
}

/* iptables-restore's add_param_to_argv: words split on blanks; "..."
 * quotes, where \ escapes the next character; a closing quote ends the
 * word, even an empty one. Each word is written where argv will hold it. */
static int split_words(struct restore *r, const char *s)
{
	bool quoted = false, escaped = false;
	char *param = r->words + r->words_len;
	size_t len = 0;
	int err;

	for (; *s; s++) {
		if (quoted) {
			if (escaped) {
				escaped = false;
				/* bpfilter's state text writes a newline so */
				if (r->state && *s == 'n') {
					param[len++] = '\n';
					if (len >= MAX_PARAM)
						return bf_err(-EINVAL, "Parameter too long!");
					continue;
				}
				goto add;
			}
			if (*s == '\\') {
				escaped = true;
				continue;
			}
			if (*s != '"')
				goto add;
			quoted = false;
		} else if (*s == '"') {
			quoted = true;
			continue;
		}
		if (*s != '"' && *s != ' ' && *s != '\t' && *s != '\n')
			goto add;
		if (*s != '"' && !len)
			continue;
		err = end_arg(r, len);
		if (err)
			return err;
		param = r->words + r->words_len;
		len = 0;
		continue;
add:
		param[len++] = *s;
		if (len >= MAX_PARAM)
			return bf_err(-EINVAL, "Parameter too long!");
	}
	return len ? end_arg(r, len) : 0;
}

static int table_line(struct restore *r, char *line)
{
	char *save, *name = strtok_r(line + 1, " \t\n", &save);
	static const char *const unserved[] = {"nat", "mangle", "security", NULL};
	enum bf_table_id id;

	if (!name)
		return param_problem(r, bf_err(-EINVAL, "line %u table name invalid", r->line));
	r->in_table = true;
	r->table = NULL;
	r->table_name = NULL;
	for (const char *const *t = unserved; *t; t++)
		if (!strcmp(*t, name))
			r->table_name = *t;
	if (r->table_name)
		return 0;
	if (bf_table_by_name(name, &id))
		return param_problem(r, bf_err(-EINVAL, "unable to initialize table '%s'", name));
	r->table = &r->rs->tables[id];
	r->table_name = bf_table_name(id);
	bf_ruleset_use_table(r->rs, id);
	if (!r->noflush) {
		for (size_t i = 0; i < r->table->n_chains; i++)
			bf_chain_flush(r->table->chains[i]);
		for (size_t i = r->table->n_chains; i-- > 0;)
			if (!r->table->chains[i]->builtin)
				bf_table_delete_chain(r->table, r->table->chains[i]);
	}
	/* Committing the table zeroes policy counters the input does not set. */
	bf_front_legacy_policy_reset(r->table, NULL);
	r->table->replaced = true;
	return 0;
}

/* The words of a chain line: strtok's for iptables-save text, quoted
 * words in bpfilter's state text (which quotes odd chain names). */
static int chain_words(struct restore *r, char *line, char *words[3])
{
	char *save;
	int err;

	if (!r->state) {
		words[0] = strtok_r(line + 1, " \t\n", &save);
		words[1] = words[0] ? strtok_r(NULL, " \t\n", &save) : NULL;
		words[2] = words[1] ? strtok_r(NULL, " \t\n", &save) : NULL;
		return 0;
	}
	err = reserve_words(r, strlen(line));
	if (!err)
		err = split_words(r, line + 1);
	for (int i = 0; i < 3; i++)
		words[i] = i < r->argc ? r->argv[i] : NULL;
	return err;
}

/* ":NAME POLICY [pkts:bytes]": a user-defined chain is created (flushed
 * with --noflush if it exists), a built-in one gets its policy. */
static int chain_line(struct restore *r, char *line)
{
	char *words[3], *name, *policy, *ctrs;
	struct bf_counter count = {0};
	unsigned long long p, b;
	enum bf_verdict verdict;
	struct bf_chain *c;
	int err = chain_words(r, line, words);

	if (err)
		return param_problem(r, err);
	name = words[0];
	if (!name)
		return param_problem(r, bf_err(-EINVAL, "line %u chain name invalid", r->line));
	/* The state may hold the 29 characters -E can give a name. */
	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN + (size_t)r->state)
		return param_problem(r, bf_err(-EINVAL, "Invalid chain name `%s' (%u chars max)",
					       name, XT_EXTENSION_MAXNAMELEN - 1));
	c = r->table ? bf_table_chain(r->table, name) : NULL;
	if (r->table && !(c && c->builtin)) {
		if (r->noflush && c) {
			bf_chain_flush(c);
		} else {
			err = bf_front_create_chain(r->table, name);
			if (err == -EEXIST)
				return param_problem(r, bf_err(-EINVAL, "error creating chain "
							       "'%s':File exists", name));
			if (err)
				return err;
			c = bf_table_chain(r->table, name);
		}
	}
	policy = words[1];
	if (!policy)
		return param_problem(r, bf_err(-EINVAL, "line %u policy invalid", r->line));
	if (!strcmp(policy, "-")) {
		if (!r->table)
			goto unserved;
		return 0;
	}
	if (r->counters) {
		ctrs = words[2];
		if (!ctrs || sscanf(ctrs, "[%llu:%llu]", &p, &b) != 2)
			return param_problem(r, bf_err(-EINVAL, "invalid policy counters for chain '%s'",
						       name));
		count.packets = p;
		count.bytes = b;
	}
	if (!r->table) {
		/* An empty table bpfilter does not serve changes nothing. */
		if (!strcmp(policy, "ACCEPT"))
			return 0;
		goto unserved;
	}
	if (!c->builtin)
		return bf_err(-EPROTO, "Can't set policy `%s' on `%s' line %u: Bad built-in chain name",
			      policy, name, r->line);
	if (bf_verdict_by_name(policy, &verdict) || verdict == BF_VERDICT_RETURN)
		return bf_err(-EPROTO, "Can't set policy `%s' on `%s' line %u: Bad policy name",
			      policy, name, r->line);
	c->policy = verdict;
	c->policy_counters = count;
	c->old_slot = -1;
	return 0;

unserved:
	return param_problem(r, bf_err(-EINVAL, "table `%s' is not supported by bpfilter "
				       "(it serves the filter and raw tables)", r->table_name));
}

/* "[pkts:bytes] -A ..." (iptables-restore's tokenize_rule_counters; the
 * counters are used only with -c). */
static int rule_line(struct restore *r, const char *line)
{
	struct bf_strbuf discard = {0};
	struct bf_command cmd;
	const char *start = line;
	char *save, *pcnt = NULL, *bcnt = NULL;
	size_t len = strlen(line);
	bool changed;
	int err = reserve_words(r, len);

	if (err)
		return err;
	if (line[0] == '[') {
		const char *end = strchr(line, ']');

		if (!end)
			return param_problem(r, bf_err(-EINVAL, "Bad line %u: need ]", r->line));
		/* strtok may cut the line beyond the ']': on a copy */
		if (reserve(&r->ctrs, &r->ctrs_size, len + 1))
			return -ENOMEM;
		memcpy(r->ctrs, line, len + 1);
		pcnt = strtok_r(r->ctrs + 1, ":", &save);
		bcnt = pcnt ? strtok_r(NULL, "]", &save) : NULL;
		if (!pcnt || !bcnt)
			return param_problem(r, bf_err(-EINVAL, "Bad line %u: need %s", r->line,
						       pcnt ? "]" : ":"));
		start = end + 1;
	}
	err = add_arg(r, "bpfilter", 8);
	if (!err)
		err = add_arg(r, "-t", 2);
	if (!err)
		err = add_arg(r, r->table_name, strlen(r->table_name));
	if (!err && pcnt && r->counters) {
		err = add_arg(r, "-c", 2);
		if (!err)
			err = add_arg(r, pcnt, strlen(pcnt));
		if (!err)
			err = add_arg(r, bcnt, strlen(bcnt));
	}
	if (!err)
		err = split_words(r, start);
	if (err)
		return param_problem(r, err);

	err = bf_front_parse(r->argc, r->argv, r->rs->family, &cmd,
			     r->state ? BF_PARSE_STATE : BF_PARSE_RESTORE, r->table);
	if (err)
		return err == -EINVAL ? param_problem(r, err) : line_failed(r);
	if (!r->table && cmd.cmd != BF_CMD_NONE)
		err = bf_err(-EINVAL, "table `%s' is not supported by bpfilter "
			     "(it serves the filter and raw tables)", r->table_name);
	else
		err = bf_front_exec(&cmd, r->rs, &discard, &changed);
	bf_command_free(&cmd);
	bf_strbuf_free(&discard);
	if (err == -EINVAL)
		return param_problem(r, err);
	if (err == -ENOMEM)
		return err;
	return err ? line_failed(r) : 0;
}

static int restore_line(struct restore *r, char *line)
{
	int err;

	if (line[0] == '\n' || line[0] == '#')
		return 0;
	if (r->in_table && !strcmp(line, "COMMIT\n")) {
		r->in_table = false;
		/* The kernel's checks, when iptables-restore commits. */
		err = r->table ? bf_front_table_commit_check(r->table, true) : 0;
		if (err == -ENOMEM)
			return err;
		return err ? line_failed(r) : 0;
	}
	if (line[0] == '*' && !r->in_table)
		return table_line(r, line);
	if (line[0] == ':' && r->in_table) {
		err = chain_line(r, line);
		free_args(r);
		return err;
	}
	if (!r->in_table)
		return line_failed(r);
	err = rule_line(r, line);
	free_args(r);
	return err;
}

static int restore(const char *text, struct bf_ruleset *rs, bool noflush, bool with_counters,
		   bool state)
{
	struct restore r = {.noflush = noflush, .counters = with_counters, .state = state};
	const char *s = text;
	int err = 0;

	r.rs = bf_ruleset_clone(rs);
	if (!r.rs)
		return -ENOMEM;
	while (*s && !err) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (reserve(&r.buf, &r.buf_size, len + 1)) {
			err = -ENOMEM;
			break;
		}
		memcpy(r.buf, s, len);
		r.buf[len] = '\0';
		r.line++;
		err = restore_line(&r, r.buf);
		s += len;
	}
	if (!err && r.in_table)
		err = bf_err(-EBADMSG, "COMMIT expected at line %u", r.line + 1);
	if (!err) {
		for (int t = 0; t < BF_TABLE_MAX; t++) {
			struct bf_table tmp = rs->tables[t];

			rs->tables[t] = r.rs->tables[t];
			r.rs->tables[t] = tmp;
		}
	}
	free(r.buf);
	free(r.ctrs);
	free(r.words);
	bf_ruleset_free(r.rs);
	return err;
}

int bf_restore_parse(const char *text, struct bf_ruleset *rs, bool noflush,
		     bool with_counters)
{
	return restore(text, rs, noflush, with_counters, false);
}

int bf_restore_state(const char *text, struct bf_ruleset *rs)
{
	return restore(text, rs, false, true, true);
}
