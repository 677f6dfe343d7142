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
	BF_CMD_NONE,
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
};

/* Output format flags of -L, as iptables' FMT_*. */
#define BF_FMT_NUMERIC 0x01      /* -n */
#define BF_FMT_VERBOSE 0x02      /* -v */
#define BF_FMT_EXACT 0x04        /* -x */
#define BF_FMT_LINENUMBERS 0x08  /* --line-numbers */

/* One parsed iptables command line. */
struct bf_command {
	enum bf_cmd cmd;
	bool zero_too;           /* -L -Z */
	enum bf_table_id table;
	char chain[BF_CHAIN_MAXNAMELEN + 1]; /* "" = all chains */
	unsigned int rulenum;    /* 1-based; 0 = none given */
	enum bf_verdict policy;  /* -P */
	/* -A/-I/-D/-R/-C: the rules the spec expands to (iptables expands
	 * several -s/-d addresses into several rules). */
	struct bf_rule **rules;
	size_t n_rules;
	unsigned int format;     /* BF_FMT_* */
	int verbose;             /* count of -v */
	/* -w: -1 = not given (fail at once when busy), 0 = wait forever,
	 * else seconds; -W: interval in microseconds. */
	int wait_secs;
	unsigned int wait_interval_us;
};

void bf_command_free(struct bf_command *cmd);

/* Parses an iptables command line (argv[0] is the program name). On a
 * parameter problem logs an iptables-style message and returns -EINVAL
 * (exit code 2); other errors as negative errno. */
int bf_command_parse(int argc, char **argv, struct bf_command *cmd);

/* Runs a parsed command against a ruleset, as iptables would: changes rs
 * (sets *changed) and/or writes -L/-S output into out. On failure nothing
 * in rs has changed; returns -ENOENT for a missing chain or rule and
 * -E2BIG for an index too big (exit code 1), -EINVAL for a parameter
 * problem (exit 2), each after logging iptables' message. */
int bf_command_exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		    struct bf_strbuf *out, bool *changed);

/* Parses iptables-save text (as iptables-restore reads it) into rs. With
 * noflush, tables present in the input are merged into rs as
 * `iptables-restore --noflush` does; otherwise each table present is
 * replaced. with_counters takes [pkts:bytes] (restore -c). All or
 * nothing: on error rs is unchanged and the message names the line, as
 * iptables-restore does ("line N failed"). */
int bf_restore_parse(const char *text, struct bf_ruleset *rs, bool noflush,
		     bool with_counters);

/* iptables-save text of rs (without the "# Generated" comment lines). */
void bf_save_print(struct bf_strbuf *out, const struct bf_ruleset *rs,
		   bool with_counters);

/* One rule as iptables-save prints it, after "-A CHAIN" (for -S too). */
void bf_rule_save(struct bf_strbuf *out, const struct bf_rule *r);

#endif
