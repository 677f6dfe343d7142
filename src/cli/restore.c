/* `bpfilter restore [-c] [-n] [-t] [-T TABLE] [-w [S]] [FILE]`: replaces
 * the ruleset from iptables-save text, all or nothing, as
 * iptables-restore (`bpfilter6 restore`: the IPv6 one, as
 * ip6tables-restore). --test parses only. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "cli/verbs.h"
#include "common/strbuf.h"
#include "core/state.h"
#include "front/front.h"

static const struct option restore_options[] = {
	{.name = "counters", .has_arg = 0, .val = 'c'},
	{.name = "noflush", .has_arg = 0, .val = 'n'},
	{.name = "test", .has_arg = 0, .val = 't'},
	{.name = "verbose", .has_arg = 0, .val = 'v'},
	{.name = "wait", .has_arg = 2, .val = 'w'},
	{.name = "wait-interval", .has_arg = 1, .val = 'W'},
	{.name = "table", .has_arg = 1, .val = 'T'},
	{.name = "modprobe", .has_arg = 1, .val = 'M'},
	{.name = "version", .has_arg = 0, .val = 'V'},
	{.name = "help", .has_arg = 0, .val = 'h'},
	{0},
};

/* -T TABLE: iptables-restore skips the blocks of other tables unread.
 * Their lines become comment lines here, so line numbers in messages
 * stay. */
static void only_table(char *text, const char *table)
{
	bool skip = false, in_table = false;

	while (*text) {
		char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) + 1 : strlen(text);
		size_t n = len - (nl ? 1 : 0);

		if (!in_table && *text == '*') {
			size_t name = strcspn(text + 1, " \t\n");

			in_table = true;
			skip = name != strlen(table) || strncmp(text + 1, table, name);
		}
		/* iptables-restore's test: the line is "COMMIT\n". */
		if (in_table && len == 7 && !strncmp(text, "COMMIT\n", 7))
			in_table = false;
		if (skip && n) {
			memset(text, ' ', n);
			text[0] = '#';
		}
		if (!in_table)
			skip = false;
		text += len;
	}
}

/* The input as iptables-restore reads it: line by line, each as far as
 * its first NUL byte (fgets, then strlen), so that binary garbage fails
 * on the line it is on, not as a whole. */
static int read_lines(struct bf_strbuf *b, FILE *f)
{
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;

	while ((n = getline(&line, &cap, f)) > 0) {
		bf_strbuf_puts(b, line);
		if (strlen(line) < (size_t)n && line[n - 1] == '\n')
			bf_strbuf_puts(b, "\n");
	}
	free(line);
	return ferror(f) ? -EIO : b->err;
}

/* The command line, as iptables-restore's getopt reads it. */
struct restore_opts {
	bool counters, noflush, test, version, help;
	const char *table_name;
	unsigned int interval_us;
	int wait_secs;
	int file;        /* argv index of the input (0: stdin) */
	const char *bad; /* an option it does not know */
	bool extra;      /* more than one input */
};

static void parse_opts(int argc, char **argv, struct restore_opts *o)
{
	int opt;

	memset(o, 0, sizeof(*o));
	o->wait_secs = -1;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":cntvw::W:T:M:Vh", restore_options, NULL)) != -1) {
		switch (opt) {
		case 'c': o->counters = true; break;
		case 'n': o->noflush = true; break;
		case 't': o->test = true; break;
		case 'w': o->wait_secs = optarg ? atoi(optarg) : 0; break;
		case 'W': o->interval_us = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'T': o->table_name = optarg; break;
		case 'v':
		case 'M': break;
		/* iptables-restore acts on these at once, in order. */
		case 'V': o->version = true; return;
		case 'h': o->help = true; return;
		default: o->bad = argv[optind - 1]; return;
		}
	}
	o->file = optind < argc ? optind : 0;
	o->extra = optind + 1 < argc;
}

int bf_cli_restore_input(int argc, char **argv)
{
	struct restore_opts o;

	parse_opts(argc, argv, &o);
	return o.bad || o.version || o.help || o.extra ? -1 : o.file;
}

int bf_cli_restore(int argc, char **argv)
{
	struct bf_strbuf text = {0};
	struct bf_ruleset *rs = NULL;
	struct restore_opts o;
	struct bf_state st;
	FILE *in = stdin;
	int err, rc;

	parse_opts(argc, argv, &o);
	if (o.bad) { /* iptables-restore's getopt message, exit 1 */
		fprintf(stderr, "%s restore: unrecognized option '%s'\n"
			"Try `%s restore -h' for more information.\n",
			bf_prog_name, o.bad, bf_prog_name);
		return BF_EXIT_OTHER;
	}
	if (o.version) {
		printf("%s %s\n", bf_prog_name, bf_cli_version());
		return 0;
	}
	if (o.help) {
		printf("Usage: %s restore [-c] [-n] [-t] [-T table] [-w [seconds]] [file]\n",
		       bf_prog_name);
		return 0;
	}
	if (o.extra) {
		fprintf(stderr, "Unknown arguments found on commandline\n");
		return BF_EXIT_OTHER;
	}
	if (o.file && !(in = fopen(argv[o.file], "r"))) {
		fprintf(stderr, "Can't open %s: %s\n", argv[o.file], strerror(errno));
		return BF_EXIT_OTHER;
	}
	err = read_lines(&text, in);
	if (in != stdin)
		fclose(in);
	if (err) {
		bf_strbuf_free(&text);
		return bf_cli_fail(err);
	}

	if (o.table_name && text.s)
		only_table(text.s, o.table_name);

	rc = bf_cli_open_state(&st, o.wait_secs, o.interval_us, false);
	if (rc)
		goto out_text;
	rs = bf_ruleset_clone(st.rs[bf_cli_family]);
	err = rs ? bf_restore_parse(bf_strbuf_str(&text), rs, o.noflush, o.counters) : -ENOMEM;
	if (!err && !o.test) {
		err = bf_state_commit(&st, bf_cli_family, rs);
		if (!err)
			rs = NULL;
	}
	rc = err ? bf_cli_fail(err) : 0;
	bf_ruleset_free(rs);
	bf_state_close(&st);
out_text:
	bf_strbuf_free(&text);
	return rc;
}
