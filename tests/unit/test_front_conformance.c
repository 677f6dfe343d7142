/* iptables' own extension tests (the .t files of iptables 1.8.11, kept in
 * ../shared/iptables-tests, read in place) against bf_command_parse and
 * bf_rule_save: each rule line is parsed as `iptables -t TABLE -A CHAIN
 * RULE` for each of its chains, must be accepted or refused as the file
 * says for the legacy backend, and must print back as the file says.
 *
 * Lines for features bpfilter does not serve yet are refused by it with a
 * "not supported" message; they count as skipped, never as passed. Rules
 * without a target, which bpfilter's IR cannot hold yet, are tried again
 * with " -j ACCEPT" added (expecting it in the saved text too), and
 * counted apart. Where
 * iptables-legacy 1.8.9, bpfilter's oracle, behaves differently from these
 * 1.8.11 files, `v189` below says what 1.8.9 does (each checked by running
 * the line with iptables-legacy 1.8.9 in a scratch network namespace), and
 * the line passes when bpfilter does the same. Exit 77 (skipped) when the
 * files are not there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/internal.h"
#include "lib/front_util.h"

static const char *const files[] = {
	"libxt_tcp.t", "libxt_udp.t", "libipt_standard.t", "iptables.t", "libxt_standard.t",
};

/* What iptables-legacy 1.8.9 does with lines whose expectation changed in
 * later versions: NULL save = refused. */
static const struct {
	const char *file, *rule, *save;
} v189[] = {
	/* libxt_udp uses the guided parser, which takes min > max as given. */
	{"libxt_udp.t", "-p udp -m udp --sport 4:3", "-p udp -m udp --sport 4:3"},
	{"libxt_udp.t", "-p udp -m udp --dport 4:3", "-p udp -m udp --dport 4:3"},
	/* 1.8.9 takes the whole word for -p/-s/-d/-i/-o/-j: "-ptcp" is
	 * protocol "-ptcp", "--protocol=tcp" protocol "--protocol=tcp". */
	{"libipt_standard.t", "--protocol=tcp --source=1.2.3.4 --destination=5.6.7.8/32 "
	 "--in-interface=eth0 --out-interface=eth1 --jump=ACCEPT", NULL},
	{"libipt_standard.t", "-ptcp -s1.2.3.4 -d5.6.7.8/32 -ieth0 -oeth1 -jACCEPT", NULL},
	/* iptables-save 1.8.9 prints nothing for "! -i +". */
	{"iptables.t", "! -i +", ""},
};

struct counts {
	int pass, pass_v189, pass_target, fail, skip; /* v189, target: of pass */
};

#define NO_TARGET "rules without a target are not supported"

static const char *tests_dir(void)
{
	const char *dir = getenv("BF_IPTABLES_TESTS");

	return dir ? dir : "../shared/iptables-tests";
}

/* Runs one rule in one chain: 1 passed, 0 failed, -1 skipped. */
static int run_rule(const char *table, const char *chain, const char *rule,
		    bool want_ok, const char *want_save, char **got_save, bool *added)
{
	struct bf_strbuf out = {0};
	struct bf_command cmd;
	char line[4096], save[4096], **argv;
	int argc, err;

	*got_save = NULL;
	snprintf(line, sizeof(line), "-t %s -A %s %s%s", table, chain, rule,
		 *added ? " -j ACCEPT" : "");
	if (*added) {
		snprintf(save, sizeof(save), "%s%s-j ACCEPT", want_save, *want_save ? " " : "");
		want_save = save;
	}
	argc = front_split(line, &argv);
	if (argc < 0)
		return 0;
	front_log_capture();
	err = bf_command_parse(argc, argv, &cmd);
	front_free_words(argc, argv);
	if (err && !*added && strstr(front_errors(), NO_TARGET)) {
		*added = true;
		return run_rule(table, chain, rule, want_ok, want_save, got_save, added);
	}
	if (err)
		return strstr(front_errors(), "not supported") ? -1 : !want_ok;
	/* What the kernel refuses when iptables commits the rule. */
	for (size_t i = 0; !err && i < cmd.n_rules; i++)
		err = bf_front_rule_commit_check(cmd.rules[i]);
	if (err) {
		bf_command_free(&cmd);
		return !want_ok;
	}
	if (cmd.n_rules == 1) {
		bf_rule_save(&out, cmd.rules[0]);
		*got_save = strdup(bf_strbuf_str(&out) + (out.len ? 1 : 0));
	}
	bf_command_free(&cmd);
	bf_strbuf_free(&out);
	return want_ok && *got_save && !strcmp(*got_save, want_save);
}

static const char *opposite(const char *result)
{
	return !strcmp(result, "OK") ? "FAIL" : "OK"; /* FAIL->OK, NOMATCH->OK */
}

static int run_file(const char *dir, const char *name, struct counts *n)
{
	char path[4096], buf[4096], chains[4096] = "INPUT,FORWARD,OUTPUT", table[4096] = "filter";
	unsigned int lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		char *fields[5] = {0}, *p = buf, *save_want, *chain, *ctx;
		const char *result, *v189_save = NULL;
		bool v189_known = false;
		int nf = 0;

		lineno++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!buf[0] || buf[0] == '#')
			continue;
		if (buf[0] == ':') {
			snprintf(chains, sizeof(chains), "%s", buf + 1);
			continue;
		}
		if (buf[0] == '*') {
			snprintf(table, sizeof(table), "%s", buf + 1);
			continue;
		}
		if (buf[0] == '@' || buf[0] == '%') {
			n->skip++;
			continue;
		}
		while (nf < 5 && (fields[nf] = strsep(&p, ";")))
			nf++;
		if (nf < 3)
			continue;
		result = fields[2];
		if (nf > 3 && strcmp(fields[3], "LEGACY"))
			result = nf > 4 ? fields[4] : opposite(result);
		save_want = !strcmp(fields[1], "=") ? fields[0] : fields[1];
		for (size_t i = 0; i < sizeof(v189) / sizeof(v189[0]); i++) {
			if (!strcmp(v189[i].file, name) && !strcmp(v189[i].rule, fields[0])) {
				v189_known = true;
				v189_save = v189[i].save;
			}
		}

		char chain_list[4096];

		snprintf(chain_list, sizeof(chain_list), "%s", chains);
		for (chain = strtok_r(chain_list, ",", &ctx); chain; chain = strtok_r(NULL, ",", &ctx)) {
			bool want_ok = v189_known ? v189_save != NULL : strcmp(result, "FAIL");
			const char *want_save = v189_known ? (v189_save ? v189_save : "") : save_want;
			bool added = false;
			char *got;
			int r = run_rule(table, chain, fields[0], want_ok, want_save, &got, &added);

			if (r < 0) {
				n->skip++;
			} else if (r) {
				n->pass++;
				n->pass_v189 += v189_known;
				n->pass_target += added;
			} else {
				n->fail++;
				printf("FAIL %s:%u [%s] %s%s: expected %s%s%s%s%s, got %s%s%s%s\n", name,
				       lineno, chain, fields[0], added ? " -j ACCEPT" : "",
				       want_ok ? "OK" : "FAIL", want_ok ? " `" : "",
				       want_ok ? want_save : "", want_ok && added ? " -j ACCEPT" : "",
				       want_ok ? "'" : "",
				       got ? "OK `" : "FAIL (", got ? got : front_errors(),
				       got ? "'" : ")", v189_known ? " (as 1.8.9)" : "");
			}
			free(got);
		}
	}
	fclose(f);
	return 0;
}

int main(void)
{
	const char *dir = tests_dir();
	struct counts n = {0};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int err = run_file(dir, files[i], &n);

		if (err) {
			printf("cannot read %s/%s (%s); set BF_IPTABLES_TESTS to the directory of "
			       "iptables' .t files\n", dir, files[i], strerror(-err));
			return 77;
		}
	}
	printf("iptables .t conformance: %d passed (%d of them as iptables-legacy 1.8.9, which "
	       "differs from these 1.8.11 files; %d with -j ACCEPT added to a rule without "
	       "target), %d failed, %d skipped (not supported yet)\n",
	       n.pass, n.pass_v189, n.pass_target, n.fail, n.skip);
	return n.fail ? 1 : 0;
}
