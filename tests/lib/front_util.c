#include "lib/front_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define MAX_WORDS 256

static struct bf_strbuf errors, warnings;

static void capture(enum bf_log_level level, const char *msg, void *data)
{
	struct bf_strbuf *b = level == BF_LOG_ERR ? &errors :
			      level == BF_LOG_WARN ? &warnings : NULL;

	if (!b)
		return;
	if (b->len)
		bf_strbuf_puts(b, "\n");
	bf_strbuf_puts(b, msg);
}

void front_log_capture(void)
{
	bf_strbuf_reset(&errors);
	bf_strbuf_reset(&warnings);
	bf_log_set(capture, NULL);
}

const char *front_errors(void)
{
	return bf_strbuf_str(&errors);
}

const char *front_warnings(void)
{
	return bf_strbuf_str(&warnings);
}

int front_split(const char *line, char ***argvp)
{
	char **argv = calloc(MAX_WORDS + 1, sizeof(*argv));
	char *word = malloc(strlen(line) + 1);
	int argc = 1;

	if (!argv || !word)
		goto fail;
	argv[0] = strdup("iptables");
	while (*line) {
		size_t len = 0;
		bool any = false;

		while (*line == ' ' || *line == '\t' || *line == '\n')
			line++;
		if (!*line)
			break;
		while (*line && *line != ' ' && *line != '\t' && *line != '\n') {
			char q = *line;

			any = true;
			if (q == '\'' || q == '"') {
				const char *end = strchr(line + 1, q);

				if (!end)
					end = line + strlen(line);
				memcpy(word + len, line + 1, (size_t)(end - line - 1));
				len += (size_t)(end - line - 1);
				line = *end ? end + 1 : end;
			} else {
				word[len++] = *line++;
			}
		}
		if (!any)
			continue;
		if (argc == MAX_WORDS)
			goto fail;
		argv[argc++] = strndup(word, len);
	}
	free(word);
	*argvp = argv;
	return argc;
fail:
	free(word);
	if (argv)
		front_free_words(argc, argv);
	return -1;
}

void front_free_words(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int front_cmd(struct bf_ruleset *rs, const char *line, struct bf_strbuf *out)
{
	struct bf_command cmd;
	bool changed;
	char **argv;
	int argc, err;

	front_log_capture();
	bf_strbuf_reset(out);
	argc = front_split(line, &argv);
	if (argc < 0)
		return -E2BIG;
	err = bf_command_parse_family(argc, argv, rs->family, &cmd);
	if (!err) {
		err = bf_command_exec(&cmd, rs, out, &changed);
		bf_command_free(&cmd);
	}
	front_free_words(argc, argv);
	return err;
}

int front_exit_code(int err)
{
	switch (err) {
	case 0:
		return 0;
	case -EINVAL:
		return 2;
	case -ENODEV:
		return 3;
	case -ENOMEM:
		return 4;
	default:
		return 1;
	}
}

char *front_rule_text(const char *line)
{
	return front_rule_text_family(line, BF_FAMILY_IPV4);
}

char *front_rule_text_family(const char *line, enum bf_family family)
{
	struct bf_strbuf out = {0};
	struct bf_command cmd;
	char **argv, *text = NULL;
	int argc;

	argc = front_split(line, &argv);
	if (argc < 0)
		return NULL;
	if (!bf_command_parse_family(argc, argv, family, &cmd)) {
		if (cmd.n_rules == 1) {
			bf_rule_save(&out, cmd.rules[0]);
			text = strdup(bf_strbuf_str(&out) + (out.len ? 1 : 0));
		}
		bf_command_free(&cmd);
	}
	front_free_words(argc, argv);
	bf_strbuf_free(&out);
	return text;
}

char *front_save(const struct bf_ruleset *rs, bool counters)
{
	struct bf_strbuf out = {0};
	char *text;

	bf_save_print(&out, rs, counters);
	text = strdup(bf_strbuf_str(&out));
	bf_strbuf_free(&out);
	return text;
}

int front_run_rows(const struct front_row *rows, size_t n)
{
	return front_run_rows_family(rows, n, BF_FAMILY_IPV4);
}

int front_run_rows_family(const struct front_row *rows, size_t n, enum bf_family family)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);
	struct bf_strbuf out = {0};
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct front_row *row = &rows[i];
		const char *got;
		int err, rc;

		if (!row->cmd) {
			bf_ruleset_free(rs);
			rs = bf_ruleset_new(family);
			continue;
		}
		err = front_cmd(rs, row->cmd, &out);
		rc = front_exit_code(err);
		if (row->rc < 0) {
			if (err) {
				fprintf(stderr, "setup `%s' failed: %s\n", row->cmd, front_errors());
				bad++;
			}
			continue;
		}
		got = rc ? front_errors() : bf_strbuf_str(&out);
		if (rc != row->rc || strcmp(got, row->expect)) {
			fprintf(stderr, "`%s %s': expected exit %d and\n%s\n-- got exit %d and\n%s\n--\n",
				family == BF_FAMILY_IPV6 ? "ip6tables" : "iptables",
				row->cmd, row->rc, row->expect, rc, got);
			bad++;
		}
	}
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
	return bad;
}
