/* iptables' own extension tests: every .t file of iptables 1.8.11, read in
 * place from ../shared/iptables-tests (never copied), run through the front
 * end as iptables' test runner (iptables-test.py) runs them against the
 * legacy backend:
 *   - libipt_* with iptables, libip6t_* with ip6tables, libxt_* with both,
 *     others (iptables.t) with iptables;
 *   - for each rule line and each chain of the preceding `:CHAIN,...` line:
 *     `-A CHAIN [-t TABLE] RULE`; then the line "-A CHAIN SAVE" must be in
 *     the iptables-save text (OK) or must not (NOMATCH), or the command
 *     must be refused (FAIL); an accepted OK rule must then go away again
 *     with `-D CHAIN [-t TABLE] RULE` (-c dropped, as the runner does);
 *   - `%` lines (iptables commands) run as set-up; `@` lines run other
 *     programs that bpfilter has no equivalent for and are left out.
 *
 * A line that bpfilter refuses with a "not supported" message (a table,
 * match or target it does not serve) counts as skipped, never as passed.
 * Files are run whether bpfilter serves their extension or not: in a file
 * it does not serve, every line that needs the extension must be refused
 * with "not supported", and lines that do not need it must pass. The
 * summary marks the files whose extension is served (found by
 * bf_match_ops_find / bf_target_ops_find).
 *
 * Where iptables-legacy 1.8.9, bpfilter's oracle, differs from these 1.8.11
 * expectations, `v189` below says what 1.8.9 does, with the reason; each
 * entry was found and checked by running the line with iptables-legacy /
 * ip6tables-legacy 1.8.9 in a scratch network namespace
 * (tests/conformance/t_oracle.sh lists every disagreement). Lines for
 * extensions whose kernel module is missing here (LED, SECMARK, ipvs...)
 * are not listed: bpfilter does not serve them.
 *
 * BF_IPTABLES_TESTS=DIR reads the files elsewhere; BF_T_FILE=NAME runs one
 * file. Exit 77 (skipped) when the files are not there. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext/ext.h"
#include "front/front.h"
#include "lib/front_util.h"

/* What iptables-legacy 1.8.9 does where the 1.8.11 files expect otherwise.
 * result "OK" with save (NULL: the rule as written) or "FAIL". Every
 * family the file runs with behaves the same. */
static const struct {
	const char *file, *rule, *result, *save, *why;
} v189[] = {
#define FULL_RANGE "1.8.9 saves an inverted full range as nothing"
#define REVERSED "1.8.9's option parser takes a reversed range as given"
	{"iptables.t", "! -i +", "OK", "", "iptables-save 1.8.9 prints nothing for \"! -i +\""},
	{"libipt_standard.t", "--protocol=tcp --source=1.2.3.4 --destination=5.6.7.8/32 "
	 "--in-interface=eth0 --out-interface=eth1 --jump=ACCEPT", "FAIL", NULL,
	 "1.8.9 takes the whole word as -p's argument: protocol \"--protocol=tcp\""},
	{"libipt_standard.t", "-ptcp -s1.2.3.4 -d5.6.7.8/32 -ieth0 -oeth1 -jACCEPT", "FAIL", NULL,
	 "1.8.9 reads -ptcp as protocol \"-ptcp\""},
	{"libipt_icmp.t", "-p icmp -m icmp --icmp-type 255/255", "OK",
	 "-p icmp -m icmp --icmp-type any", "1.8.9 names type 255 codes 255-255 \"any\""},
	{"libip6t_icmp6.t", "-p ipv6-icmp -m icmp6 --icmpv6-type mld-listener-query", "FAIL", NULL,
	 "the mld-listener-* names came after 1.8.9"},
	{"libip6t_icmp6.t", "-p ipv6-icmp -m icmp6 --icmpv6-type mld-listener-report", "FAIL", NULL,
	 "the mld-listener-* names came after 1.8.9"},
	{"libip6t_icmp6.t", "-p ipv6-icmp -m icmp6 --icmpv6-type mld-listener-done", "FAIL", NULL,
	 "the mld-listener-* names came after 1.8.9"},
	{"libip6t_icmp6.t", "-p ipv6-icmp -m icmp6 --icmpv6-type mld-listener-reduction", "FAIL",
	 NULL, "the mld-listener-* names came after 1.8.9"},
	{"libipt_ah.t", "-p ah -m ah ! --ahspi :", "OK", "-p ah -m ah", FULL_RANGE},
	{"libipt_ah.t", "-p ah -m ah --ahspi 4:3", "OK", NULL, REVERSED},
	{"libip6t_ah.t", "-m ah ! --ahspi :", "OK", "-m ah", FULL_RANGE},
	{"libip6t_ah.t", "-m ah --ahspi 4:3", "OK", NULL, REVERSED},
	{"libip6t_frag.t", "-m frag ! --fragid :", "OK", "-m frag", FULL_RANGE},
	{"libip6t_frag.t", "-m frag --fragid 4:3", "OK", NULL, REVERSED},
	{"libip6t_rt.t", "-m rt ! --rt-segsleft :", "OK", "-m rt", FULL_RANGE},
	{"libip6t_rt.t", "-m rt --rt-segsleft 4:3", "OK", NULL, REVERSED},
	{"libip6t_mh.t", "-p mobility-header -m mh ! --mh-type :", "OK",
	 "-p mobility-header -m mh", FULL_RANGE},
	{"libxt_esp.t", "-p esp -m esp ! --espspi :", "OK", "-p esp -m esp", FULL_RANGE},
	{"libxt_esp.t", "-p esp -m esp --espspi 4:3", "OK", NULL, REVERSED},
	{"libxt_ipcomp.t", "-p ipcomp -m ipcomp ! --ipcompspi :", "OK", "-p ipcomp -m ipcomp",
	 FULL_RANGE},
	{"libxt_ipcomp.t", "-p ipcomp -m ipcomp --ipcompspi 4:3", "OK", NULL, REVERSED},
	{"libxt_dccp.t", "-p dccp -m dccp --sport 4:3", "OK", NULL, REVERSED},
	{"libxt_dccp.t", "-p dccp -m dccp --dport 4:3", "OK", NULL, REVERSED},
	{"libxt_length.t", "-m length --length 4:3", "OK", NULL, REVERSED},
	{"libxt_tcp.t", "-p tcp -m tcp ! --sport :", "OK", "-p tcp -m tcp", FULL_RANGE},
	{"libxt_tcp.t", "-p tcp -m tcp ! --dport :", "OK", "-p tcp -m tcp", FULL_RANGE},
	{"libxt_udp.t", "-p udp -m udp ! --sport :", "OK", "-p udp -m udp", FULL_RANGE},
	{"libxt_udp.t", "-p udp -m udp ! --dport :", "OK", "-p udp -m udp", FULL_RANGE},
	{"libxt_udp.t", "-p udp -m udp --sport 4:3", "OK", NULL, REVERSED},
	{"libxt_udp.t", "-p udp -m udp --dport 4:3", "OK", NULL, REVERSED},
	{"libxt_conntrack.t", "-m conntrack --ctexpire 4:3", "OK", NULL, REVERSED},
	{"libxt_conntrack.t", "-m conntrack --ctorigsrcport 4:3", "OK", NULL, REVERSED},
	{"libxt_conntrack.t", "-m conntrack --ctreplsrcport 4:3", "OK", NULL, REVERSED},
	{"libxt_conntrack.t", "-m conntrack --ctorigdstport 4:3", "OK", NULL, REVERSED},
	{"libxt_conntrack.t", "-m conntrack --ctrepldstport 4:3", "OK", NULL, REVERSED},
	{"libxt_conntrack.t", "-m conntrack --ctproto 0", "OK", NULL,
	 "1.8.9 takes protocol 0 for --ctproto"},
	{"libxt_conntrack.t", "-m conntrack ! --ctproto 0", "OK", NULL,
	 "1.8.9 takes protocol 0 for --ctproto"},
};

enum outcome { PASS, FAILED, SKIPPED };

struct counts {
	int pass, fail, skip;
};

static const char *family_tool(enum bf_family f)
{
	return f == BF_FAMILY_IPV6 ? "ip6tables" : "iptables";
}

/* `iptables LINE` (ip6tables for an IPv6 ruleset) against rs; 0 or the
 * error, its message in front_errors(). */
static int run_cmd(struct bf_ruleset *rs, const char *line)
{
	struct bf_strbuf out = {0};
	int err = front_cmd(rs, line, &out);

	bf_strbuf_free(&out);
	return err;
}

static bool table_empty(const struct bf_ruleset *rs)
{
	for (int t = 0; t < BF_TABLE_MAX; t++)
		for (size_t c = 0; c < rs->tables[t].n_chains; c++)
			if (rs->tables[t].chains[c]->n_rules)
				return false;
	return true;
}

/* The command without -c/--set-counters and their values, as the runner
 * deletes a rule (-D refuses -c): split on blanks, drop the option, its
 * value and, unless the value was "P,B", a following number; join again
 * with single blanks, as the runner's split()/join() does. */
static void drop_counters(char *line)
{
	char copy[4096], *words[512], *w, *ctx;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok_r(copy, " \t", &ctx); w && n < 512; w = strtok_r(NULL, " \t", &ctx))
		words[n++] = w;
	line[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(words[i], "-c") || !strcmp(words[i], "--set-counters")) {
			bool comma = i + 1 < n && strchr(words[i + 1], ',');

			i++;
			if (!comma && i + 1 < n && words[i + 1][0] &&
			    strspn(words[i + 1], "0123456789") == strlen(words[i + 1]))
				i++;
			continue;
		}
		if (line[0])
			strcat(line, " ");
		strcat(line, words[i]);
	}
}

/* One rule line in one chain, from the state `base`. */
static enum outcome run_rule(const struct bf_ruleset *base, const char *table,
			     const char *chain, const char *rule,
			     const char *want, const char *want_save, char *why, size_t why_size)
{
	struct bf_ruleset *rs = bf_ruleset_clone(base);
	char line[4096], del[4096], expect[4096], *saved = NULL;
	enum outcome r = PASS;
	const char *got;
	int err;

	snprintf(line, sizeof(line), "-A %s%s%s %s", chain, *table ? " -t " : "", table, rule);
	err = run_cmd(rs, line);
	if (err) {
		if (strstr(front_errors(), "not supported")) {
			r = SKIPPED;
		} else if (strcmp(want, "FAIL")) {
			r = FAILED;
			snprintf(why, why_size, "refused: %s", front_errors());
		}
		goto out;
	}
	if (!strcmp(want, "FAIL")) {
		r = FAILED;
		snprintf(why, why_size, "accepted, iptables refuses it");
		goto out;
	}
	saved = front_save(rs, false);
	snprintf(expect, sizeof(expect), "\n-A %s%s%s\n", chain, *want_save ? " " : "", want_save);
	got = strstr(saved, expect) ? "OK" : "NOMATCH";
	if (strcmp(got, want)) {
		r = FAILED;
		snprintf(why, why_size, "%s: save has%s `%.*s', save is:\n%s",
			 !strcmp(want, "OK") ? "not as expected" : "should not be saved like that",
			 !strcmp(want, "OK") ? " not" : "", (int)strlen(expect) - 2, expect + 1,
			 saved);
		goto out;
	}
	if (strcmp(want, "OK"))
		goto out;
	snprintf(del, sizeof(del), "-D %s%s%s %s", chain, *table ? " -t " : "", table, rule);
	drop_counters(del);
	err = run_cmd(rs, del);
	if (err || !table_empty(rs)) {
		r = FAILED;
		snprintf(why, why_size, "cannot delete it again with `%s': %s", del,
			 err ? front_errors() : "rules are left");
	}
out:
	free(saved);
	bf_ruleset_free(rs);
	return r;
}

static const char *opposite(const char *result)
{
	return !strcmp(result, "OK") ? "FAIL" : "OK"; /* FAIL->OK, NOMATCH->OK */
}

/* The extension a file is about: "tcp" from libxt_tcp.t; "" for the
 * core files (iptables.t, *_standard.t). */
static void file_extension(const char *name, char *ext, size_t size)
{
	const char *u = strchr(name, '_');

	snprintf(ext, size, "%s", u && !strncmp(name, "lib", 3) ? u + 1 : "");
	ext[strcspn(ext, ".")] = '\0';
	if (!strcmp(ext, "standard"))
		ext[0] = '\0';
}

static bool served(const char *ext, enum bf_family family)
{
	if (!*ext)
		return true;
	if (ext[0] >= 'A' && ext[0] <= 'Z')
		return bf_target_ops_find(ext, family) != NULL;
	return bf_match_ops_find(ext, family) != NULL;
}

static int run_file(const char *dir, const char *name, enum bf_family family, struct counts *total)
{
	char path[4096], buf[8192], chains[8192] = "", table[8192] = "";
	struct bf_ruleset *base = bf_ruleset_new(family);
	struct counts n = {0};
	unsigned int lineno = 0;
	char ext[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f || !base) {
		bf_ruleset_free(base);
		if (f)
			fclose(f);
		return -errno;
	}
	file_extension(name, ext, sizeof(ext));
	while (fgets(buf, sizeof(buf), f)) {
		char *fields[5] = {0}, *p = buf, *chain, *ctx, chain_list[8192];
		const char *want, *want_save;
		enum outcome line_r = PASS;
		int nf = 0;

		lineno++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!buf[0] || buf[0] == '#' || buf[0] == '@')
			continue;
		if (buf[0] == ':') {
			snprintf(chains, sizeof(chains), "%s", buf + 1);
			continue;
		}
		if (buf[0] == '*') {
			snprintf(table, sizeof(table), "%s", buf + 1);
			continue;
		}
		if (buf[0] == '%') {
			/* An iptables command: set-up for the lines after. */
			const char *cmd = buf + 1;

			if (!strncmp(cmd, "iptables ", 9))
				cmd += 9;
			else if (!strncmp(cmd, "ip6tables ", 10))
				cmd += 10;
			run_cmd(base, cmd);
			continue;
		}
		while (nf < 5 && (fields[nf] = strsep(&p, ";")))
			nf++;
		if (nf < 3)
			continue;
		want = fields[2];
		if (nf > 3 && !strcmp(fields[3], "NFT"))
			want = nf > 4 ? fields[4] : opposite(want);
		want_save = !strcmp(fields[1], "=") ? fields[0] : fields[1];
		for (size_t i = 0; i < sizeof(v189) / sizeof(v189[0]); i++) {
			if (!strcmp(v189[i].file, name) && !strcmp(v189[i].rule, fields[0])) {
				want = v189[i].result;
				want_save = v189[i].save ? v189[i].save : fields[0];
			}
		}

		snprintf(chain_list, sizeof(chain_list), "%s", chains);
		for (chain = strtok_r(chain_list, ",", &ctx); chain; chain = strtok_r(NULL, ",", &ctx)) {
			char why[16384] = "";
			enum outcome r = run_rule(base, table, chain, fields[0], want,
						  want_save, why, sizeof(why));

			if (r == FAILED) {
				printf("FAIL %s:%u (%s, %s%s%s): %s\n  expected %s%s%s%s; %s\n", name,
				       lineno, family_tool(family), *table ? table : "filter",
				       " ", chain, fields[0], want, strcmp(want, "FAIL") ? " `" : "",
				       strcmp(want, "FAIL") ? want_save : "",
				       strcmp(want, "FAIL") ? "'" : "", why);
				line_r = FAILED;
			} else if (r == SKIPPED && line_r == PASS) {
				line_r = SKIPPED;
			}
		}
		if (line_r == PASS)
			n.pass++;
		else if (line_r == FAILED)
			n.fail++;
		else
			n.skip++;
	}
	fclose(f);
	bf_ruleset_free(base);
	printf("%-24s %-9s %s: %d passed, %d failed, %d skipped\n", name, family_tool(family),
	       served(ext, family) ? "(served)    " : "(not served)", n.pass, n.fail, n.skip);
	total->pass += n.pass;
	total->fail += n.fail;
	total->skip += n.skip;
	return 0;
}

static int is_t_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);
	const char *only = getenv("BF_T_FILE");

	if (only && *only)
		return !strcmp(d->d_name, only);
	return len > 2 && !strcmp(d->d_name + len - 2, ".t");
}

int main(void)
{
	const char *dir = getenv("BF_IPTABLES_TESTS");
	struct counts n = {0};
	struct dirent **names;
	int count;

	if (!dir)
		dir = "../shared/iptables-tests";
	count = scandir(dir, &names, is_t_file, alphasort);
	if (count <= 0) {
		printf("no .t files in %s; set BF_IPTABLES_TESTS to the directory of "
		       "iptables' .t files\n", dir);
		return 77;
	}
	for (int i = 0; i < count; i++) {
		const char *name = names[i]->d_name;
		int err = 0;

		if (!strncmp(name, "libip6t_", 8)) {
			err = run_file(dir, name, BF_FAMILY_IPV6, &n);
		} else {
			err = run_file(dir, name, BF_FAMILY_IPV4, &n);
			if (!err && !strncmp(name, "libxt_", 6))
				err = run_file(dir, name, BF_FAMILY_IPV6, &n);
		}
		if (err)
			printf("cannot read %s/%s: %s\n", dir, name, strerror(-err));
		free(names[i]);
	}
	free(names);
	printf("iptables .t files: %d lines passed, %d failed, %d skipped (not supported); "
	       "%zu lines follow iptables-legacy 1.8.9 where the files expect 1.8.11\n",
	       n.pass, n.fail, n.skip, sizeof(v189) / sizeof(v189[0]));
	return n.fail ? 1 : 0;
}
