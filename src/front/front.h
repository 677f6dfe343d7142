/* Front end: iptables syntax in, ruleset IR out, and back to text.
 * Knows iptables, not BPF. Every function here is pure (no kernel). */
#ifndef BF_FRONT_H
#define BF_FRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/strbuf.h"
#include "ir/ruleset.h"

enum bf_cmd {
	BF_CMD_NONE,    /* nothing to do (an iptables-restore line for ip6tables) */
	BF_CMD_APPEND,  /* -A */
	BF_CMD_CHECK,   /* -C */
	BF_CMD_DELETE,  /* -D */
	BF_CMD_INSERT,  /* -I */
	BF_CMD_REPLACE, /* -R */
	BF_CMD_LIST,    /* -L */
	BF_CMD_LIST_RULES, /* -S */
	BF_CMD_FLUSH,   /* -F */
	BF_CMD_ZERO,    /* -Z (may combine with -L) */
	BF_CMD_POLICY,  /* -P */
	BF_CMD_NEW_CHAIN,    /* -N */
	BF_CMD_DELETE_CHAIN, /* -X ("" = every user-defined chain) */
	BF_CMD_RENAME_CHAIN, /* -E chain newname */
	BF_CMD_HELP,    /* -h: bf_command_exec writes the usage text */
	BF_CMD_VERSION, /* -V: the caller prints its version line */
};

/* Output format flags of -L, as iptables' FMT_*. */
#define BF_FMT_NUMERIC 0x01      /* -n */
#define BF_FMT_VERBOSE 0x02      /* -v */
#define BF_FMT_EXACT 0x04        /* -x */
#define BF_FMT_LINENUMBERS 0x08  /* --line-numbers */
#define BF_FMT_JSON 0x10         /* --json (bpfilter's) */

/* One parsed iptables command line. */
struct bf_command {
	enum bf_cmd cmd;
	bool zero_too;           /* -L -Z */
	bool zero_one;           /* -Z CHAIN N -L: zero rule N only */
	enum bf_table_id table;
	bool chain_given;        /* else: every chain (-L, -F, -X...) */
	char chain[BF_CHAIN_MAXNAMELEN + 1];
	unsigned int rulenum;    /* 1-based; 0 = none given. -D N and -Z N
				  * come as BF_CMD_DELETE (no rules) and
				  * BF_CMD_ZERO with rulenum set. */
	enum bf_verdict policy;  /* -P */
	bool bad_policy;         /* -P with neither ACCEPT nor DROP: exec
				  * says so after checking the chain */
	/* -A/-I/-D/-R/-C: the rules the spec expands to (iptables expands
	 * several -s/-d addresses into several rules). A jump or goto names
	 * its chain as given: bf_command_exec resolves it in the table. */
	struct bf_rule **rules;
	size_t n_rules;
	/* An iptables-restore line cut short by -6 (-4 for ip6tables): the
	 * command runs with what came before, as iptables-restore does, but
	 * a rule command adds, deletes or checks nothing; rules[0] is there
	 * only for its target, which is still resolved. */
	bool rules_skipped;
	unsigned int format;     /* BF_FMT_* */
	int verbose;             /* count of -v */
	/* -w: -1 = not given (fail at once when busy), 0 = wait forever,
	 * else seconds; -W: interval in microseconds. */
	int wait_secs;
	unsigned int wait_interval_us;
	/* -E: as given, cut to 32 characters (libiptc refuses 32 and more,
	 * and the kernel keeps 29 of fewer) */
	char newname[33];
	/* -P with -c PKTS BYTES: the policy counters to set. (Rules carry
	 * their -c counters in rules[i]->counters.) */
	bool set_counters;
	struct bf_counter counters;
};

void bf_command_free(struct bf_command *cmd);

/* Error codes of the functions below, each returned after logging the
 * message iptables prints (the text only, without its "iptables v...: "
 * or "iptables: " prefix; a message may span lines):
 *   -EINVAL      parameter problem: iptables exits 2 with its "Try" line
 *                (with nothing logged, iptables prints that line only:
 *                `iptables -6`)
 *   -ENOENT      no such chain or rule ("No chain/target/match by that
 *                name.", "Bad rule (does a matching rule exist in that
 *                chain?).")                                      exit 1
 *   -E2BIG       index too big ("Index of deletion too big.")  exit 1
 *   -EEXIST      "Chain already exists."                        exit 1
 *   -EPROTO      what the kernel would refuse ("Bad policy name. Run
 *                `dmesg' for more information.", a tcp match without
 *                -p tcp, a jump to a built-in chain: "Invalid
 *                argument. ...")                                 exit 1
 *   -ELOOP       chains that loop, reachable from a built-in chain
 *                ("Too many levels of symbolic links.")        exit 1
 *   -ENOTEMPTY   -X of a chain with rules ("Directory not empty.")
 *   -EMLINK      -X of a chain jumped to ("Too many links.")  exit 1
 *   -EOPNOTSUPP  valid for iptables, not (yet) for bpfilter      exit 1
 *   -EBADMSG     iptables-restore input refused with exit 1 ("line N
 *                failed", "COMMIT expected at line N")           exit 1
 *   -ENODEV      no such table (`-t foo`): iptables prints the message
 *                with its version prefix, no "Try" line        exit 3
 *   -ENOMEM                                                      exit 4
 * Warnings iptables prints and goes on with (e.g. "Warning: weird
 * character in interface ...") are logged at BF_LOG_WARN. */

/* Parses an iptables command line (argv[0] is the program name). On a
 * parameter problem logs an iptables-style message and returns -EINVAL
 * (exit code 2); other errors as negative errno. argv is not modified. */
int bf_command_parse(int argc, char **argv, struct bf_command *cmd);
/* The same for iptables (BF_FAMILY_IPV4) or ip6tables (BF_FAMILY_IPV6):
 * every rule carries the family in ip.family. */
int bf_command_parse_family(int argc, char **argv, enum bf_family family,
			    struct bf_command *cmd);

/* Runs a parsed command against a ruleset (of the command's family), as
 * iptables would: changes rs (sets *changed when the rules, a policy,
 * counters, chains or the tables in use changed: a command marks its
 * table in use, as the kernel creates a table on first use) and/or
 * writes what iptables prints (-L, -S, -v, -h) into out. As iptables-legacy
 * does on every change it commits, it zeroes the policy counters of the
 * built-in chains (except one that -P -c sets). New and replaced rules get
 * old_slot -1, zeroed ones too. On failure nothing in rs has changed; the
 * error codes are the ones above. */
int bf_command_exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		    struct bf_strbuf *out, bool *changed);

/* Parses iptables-save text (as iptables-restore reads it) into rs. With
 * noflush, tables present in the input are merged into rs as
 * `iptables-restore --noflush` does; otherwise each table present is
 * replaced. with_counters takes [pkts:bytes] (restore -c). All or
 * nothing: on error rs is unchanged and the message names the line, as
 * iptables-restore does ("line N failed"; a parameter problem is followed
 * by a second message "Error occurred at line: N", which the CLI prints
 * before the "Try" line). The family is rs->family: lines starting with
 * -6 (-4 for IPv6) do nothing, as in ip(6)tables-restore. Tables filter
 * and raw; empty nat/mangle/security tables (as iptables-save prints
 * them) are accepted and ignored; rules or non-ACCEPT policies in them
 * are refused. Logs warnings as the parser does. */
int bf_restore_parse(const char *text, struct bf_ruleset *rs, bool noflush,
		     bool with_counters);
/* Reads back bf_save_print_state() text (restore -c, with the few
 * additions that text may hold to stay lossless). */
int bf_restore_state(const char *text, struct bf_ruleset *rs);

/* iptables-save text of rs (without the "# Generated" comment lines):
 * the tables in use, in the order of bf_save_tables(). */
void bf_save_print(struct bf_strbuf *out, const struct bf_ruleset *rs,
		   bool with_counters);
/* The tables iptables-save prints, in its order (the newest first, as
 * the kernel lists them); returns how many. iptables-save prints each
 * between its own "# Generated" and "# Completed" lines. */
size_t bf_save_tables(const struct bf_ruleset *rs, enum bf_table_id ids[BF_TABLE_MAX]);
/* One table, "*name" to "COMMIT" (`iptables-save -t name`, which prints
 * the table even before it was in use, as the kernel then creates it). */
void bf_save_print_table(struct bf_strbuf *out, const struct bf_ruleset *rs,
			 enum bf_table_id id, bool with_counters);

/* As bf_save_print(out, rs, true), but reads back (bf_restore_state)
 * into exactly the same ruleset: it keeps "-i +" and "! -i +" (and -o),
 * which iptables-save 1.8.9 drops ("-i +" matches any interface, only -L
 * -v shows the "+", but "! -i +" matches nothing, and without it the
 * rule matches every packet), ip6tables' "-p all", chain names that
 * iptables-save cannot quote (blanks, empty), and lists the tables
 * oldest first so that reading it back keeps their order. For
 * bpfilter's own state file. */
void bf_save_print_state(struct bf_strbuf *out, const struct bf_ruleset *rs);

/* One rule as iptables-save prints it, after "-A CHAIN" (for -S too):
 * starts with a space unless empty, no newline. */
void bf_rule_save(struct bf_strbuf *out, const struct bf_rule *r);

#endif
