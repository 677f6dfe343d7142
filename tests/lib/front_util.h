/* Test helpers for the front end: run iptables command lines against an
 * in-memory ruleset and look at what they print and log. */
#ifndef TESTS_FRONT_UTIL_H
#define TESTS_FRONT_UTIL_H

#include "common/strbuf.h"
#include "front/front.h"
#include "ir/ruleset.h"

/* Splits a line into words as a shell would for simple cases: blanks
 * separate, '...' and "..." quote (no escapes). Returns argc, or -1 when
 * there are too many words. argv[0] is "iptables". Free with
 * front_free_words(). */
int front_split(const char *line, char ***argv);
void front_free_words(int argc, char **argv);

/* Captures what the library logs from now on (replaces the log callback). */
void front_log_capture(void);
/* Messages logged at BF_LOG_ERR (joined by "\n") and at BF_LOG_WARN since
 * the last front_log_capture() or front_cmd(). */
const char *front_errors(void);
const char *front_warnings(void);

/* Parses and runs one command line (without the program name) against rs,
 * as `iptables LINE` would (`ip6tables LINE` for an IPv6 ruleset).
 * Returns 0 or the negative errno; out gets what -L/-S print (reset
 * first). */
int front_cmd(struct bf_ruleset *rs, const char *line, struct bf_strbuf *out);

/* The exit code iptables gives for err: 0, 1, 2, 3 or 4. */
int front_exit_code(int err);

/* bf_rule_save() of the only rule `iptables LINE` makes (e.g. "-A INPUT
 * -s 1.2.3.4 -j DROP"), without its leading space; NULL if the line does
 * not parse to exactly one rule. Caller frees. */
char *front_rule_text(const char *line);
/* The same for iptables or ip6tables. */
char *front_rule_text_family(const char *line, enum bf_family family);

/* bf_save_print() of rs. Caller frees. */
char *front_save(const struct bf_ruleset *rs, bool counters);

/* A scripted session: each row runs `iptables CMD` against one ruleset.
 *   cmd NULL   starts over with an empty ruleset
 *   rc -1      a setup step that must succeed
 *   else       the exit code iptables gives, and `expect` what it prints:
 *              stdout on success, its message on failure (without the
 *              "iptables v...: " or "iptables: " prefix and "Try" line). */
struct front_row {
	const char *cmd;
	int rc;
	const char *expect;
};

/* Runs the rows, reports each mismatch on stderr; returns how many. */
int front_run_rows(const struct front_row *rows, size_t n);
/* The same as ip6tables (BF_FAMILY_IPV6) or iptables. */
int front_run_rows_family(const struct front_row *rows, size_t n, enum bf_family family);

#endif
