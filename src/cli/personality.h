/* Called by another name, bpfilter is that tool (personality.c):
 * iptables, ip6tables, their -save and -restore and the -legacy
 * spellings, and ipset. Tables bpfilter does not serve (nat, mangle,
 * security) go to the system's tool of the same name, unchanged
 * (delegate.c). */
#ifndef BF_CLI_PERSONALITY_H
#define BF_CLI_PERSONALITY_H

#include "ir/ruleset.h"

enum bf_tool {
	BF_TOOL_BPFILTER,
	BF_TOOL_IPTABLES,
	BF_TOOL_SAVE,
	BF_TOOL_RESTORE,
	BF_TOOL_IPSET,
};

struct bf_personality {
	const char *name; /* as called: "iptables-legacy-save" */
	enum bf_tool tool;
	enum bf_family family;
};

/* The personality of a basename; NULL for bpfilter's own names. */
const struct bf_personality *bf_personality_of(const char *name);
/* Runs the tool: 0 or an exit code. */
int bf_personality_run(const struct bf_personality *p, int argc, char **argv);

/* The version the command gives in messages and -V: "v0.1.0 (xdp)", or
 * the iptables it stands in for, "v1.8.9 (bpfilter)". */
const char *bf_cli_version(void);
/* The name and version set's messages begin with: "bpfilter set v0.1.0",
 * or "ipset v7.17". */
const char *bf_cli_set_name(void);

/* How ipset's usage line names the command: "bpfilter set" or "ipset". */
const char *bf_cli_set_command(void);
/* The version number alone ("0.1.0", or "1.8.9"): iptables-save's header. */
const char *bf_cli_version_number(void);

/* delegate.c: execs the system's `tool` (e.g. "iptables-save") with
 * argv[1..]: never returns but on failure (exit code, message printed).
 * The system's is the first of /usr/sbin, /sbin, /usr/bin that is not
 * this binary, its alternatives link, or its -nft / -legacy spelling. */
int bf_delegate_exec(const char *tool, char **argv);
/* Runs it with argv[1..], stdin from `in` (NULL: none), its stdout into
 * out (NULL: this process's): its exit code, or -errno. */
struct bf_strbuf;
int bf_delegate_run(const char *tool, char *const *argv, const char *in, struct bf_strbuf *out);

#endif
