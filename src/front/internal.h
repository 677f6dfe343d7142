/* Shared by the front-end files only (src/front/). Nothing here is part of
 * the library's interface. */
#ifndef BF_FRONT_INTERNAL_H
#define BF_FRONT_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "ir/ruleset.h"

/* iptables' listing format bits (FMT_* in xshared.h). */
#define BF_LFMT_NUMERIC 0x0001
#define BF_LFMT_NOCOUNTS 0x0002
#define BF_LFMT_KILOMEGAGIGA 0x0004
#define BF_LFMT_OPTIONS 0x0008
#define BF_LFMT_NOTABLE 0x0010
#define BF_LFMT_VIA 0x0040
#define BF_LFMT_LINENUMBERS 0x0200
/* One rule on one line, as -v prints what -A/-D/-I/-R/-C act on. */
#define BF_LFMT_PRINT_RULE (BF_LFMT_NOCOUNTS | BF_LFMT_OPTIONS | BF_LFMT_VIA | \
			    BF_LFMT_NUMERIC | BF_LFMT_NOTABLE)

/* num.c: an unsigned number as libxtables reads it (xtables_strtoui). */
bool bf_front_strtoui(const char *s, unsigned int *value, unsigned int min,
		      unsigned int max);

/* addr.c: iptables' host/network syntax (xtables_ipparse_multiple):
 * comma-separated "host[/mask]", each host numeric, a network name or a
 * host name (possibly several addresses). Addresses come back masked.
 * Logs iptables' message and returns -EINVAL on a bad value. */
int bf_front_parse_addrs(const char *spec, struct in_addr **addrs,
			 struct in_addr **masks, size_t *n);
/* "24", or the dotted mask when it is not a prefix (iptables-save). */
const char *bf_front_mask_str(struct in_addr mask, char buf[INET_ADDRSTRLEN]);
/* -L column text: "anywhere", "10.0.0.0/8", host names unless numeric. */
void bf_front_addr_list_str(char *buf, size_t size, struct in_addr addr,
			    struct in_addr mask, bool numeric);

/* proto.c */
int bf_front_parse_proto(const char *s, uint16_t *proto);
/* getprotobynumber()'s name (NULL if none), as iptables-save prints it. */
const char *bf_front_proto_db_name(uint16_t proto);
/* Name of a protocol as iptables' proto_to_name (NULL if it has none). */
const char *bf_front_proto_name(uint16_t proto, bool nolookup);
/* The match iptables loads implicitly for `-p NAME` (find_proto). */
const char *bf_front_proto_match_name(const char *protocol, char *buf, size_t size);

/* names.c: extensions iptables has, so that bpfilter can tell "not
 * supported" from "does not exist". */
bool bf_front_iptables_has_match(const char *name);
bool bf_front_iptables_has_target(const char *name);

/* parse.c: the command-line parser, also used by iptables-restore lines
 * (restore: -t was given by the table line, -w/-W are refused, -6 makes
 * the line a no-op). */
struct bf_command;
int bf_front_parse(int argc, char **argv, struct bf_command *cmd, bool restore);

/* save.c: one rule after "-A CHAIN"; counters < 0 adds " -c P B" before
 * the target as `iptables -S -v` does. */
void bf_front_rule_save(struct bf_strbuf *out, const struct bf_rule *r, int counters);

/* list.c */
void bf_front_list_rule(struct bf_strbuf *out, const struct bf_rule *r,
			unsigned int num, unsigned int format);
void bf_front_list(struct bf_strbuf *out, const struct bf_table *t,
		   const struct bf_chain *only, unsigned int rulenum,
		   unsigned int format);
void bf_front_list_rules(struct bf_strbuf *out, const struct bf_table *t,
			 const struct bf_chain *only, unsigned int rulenum,
			 bool counters);
void bf_front_help(struct bf_strbuf *out, const char *prog);

/* exec.c: bf_command_exec for iptables-restore: without the policy-counter
 * reset iptables-legacy does on each commit (restore commits once per
 * table), without logging what iptables-restore reports only as "line N
 * failed", and leaving bf_front_rule_commit_check to the COMMIT line. */
int bf_front_exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		  struct bf_strbuf *out, bool *changed);
/* What the kernel would refuse when the table is committed
 * (iptables reports it as "Invalid argument"); returns 0 or -EPROTO. */
int bf_front_rule_commit_check(const struct bf_rule *r);
/* The same for every rule of a table, without logging (restore). */
int bf_front_table_commit_check(const struct bf_table *t);
/* iptables-legacy zeroes every built-in chain's policy counters whenever
 * the table changes (libiptc maps them as COUNTER_MAP_ZEROED); `keep` is
 * a chain whose policy the same change set explicitly. */
void bf_front_legacy_policy_reset(struct bf_table *t, const struct bf_chain *keep);
/* Chains whose rules and policies the code generator compiles today. */
bool bf_front_chain_served(const struct bf_chain *c);

#endif
