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
#define BF_LFMT_JSON 0x10000 /* bpfilter's --json: every field, as JSON */
/* One rule on one line, as -v prints what -A/-D/-I/-R/-C act on. */
#define BF_LFMT_PRINT_RULE (BF_LFMT_NOCOUNTS | BF_LFMT_OPTIONS | BF_LFMT_VIA | \
			    BF_LFMT_NUMERIC | BF_LFMT_NOTABLE)

/* iptables' XT_EXTENSION_MAXNAMELEN: names of chains, targets, matches
 * are shorter. */
#define BF_XT_NAMELEN 29

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
/* The same written at p (room for INET_ADDRSTRLEN), returning the end:
 * an address as a.b.c.d, a mask as bf_front_mask_str does. */
char *bf_front_quad(char *p, struct in_addr addr);
char *bf_front_mask(char *p, struct in_addr mask);
/* -L column text: "anywhere", "10.0.0.0/8", host names unless numeric. */
void bf_front_addr_list_str(char *buf, size_t size, struct in_addr addr,
			    struct in_addr mask, bool numeric);

/* addr6.c: the same for ip6tables (xtables_ip6parse_multiple). */
int bf_front_parse_addrs6(const char *spec, struct in6_addr **addrs,
			  struct in6_addr **masks, size_t *n);
/* The prefix length of a mask, -1 if it is not a prefix. */
int bf_front_mask6_cidr(const struct in6_addr *mask);
/* -L column text: "anywhere", "2001:db8::/32", "::/0" (numeric). */
void bf_front_addr6_list_str(char *buf, size_t size, const struct in6_addr *addr,
			     const struct in6_addr *mask, bool numeric);
/* iptables-save text: " -s 2001:db8::/32", nothing for ::/0. */
void bf_front_addr6_save(struct bf_strbuf *out, char letter, const struct in6_addr *addr,
			 const struct in6_addr *mask, bool invert);

/* proto.c */
int bf_front_parse_proto(const char *s, uint16_t *proto);
/* getprotobynumber()'s name (NULL if none), as iptables-save prints it. */
const char *bf_front_proto_db_name(uint16_t proto);
/* Name of a protocol as iptables' proto_to_name (NULL if it has none). */
const char *bf_front_proto_name(uint16_t proto, bool nolookup);
/* The match iptables loads implicitly for `-p NAME` (find_proto). */
const char *bf_front_proto_match_name(const char *protocol, char *buf, size_t size);

/* names.c: extensions iptables/ip6tables have, so that bpfilter can tell
 * "not supported" from "does not exist", and a chain name must not clash
 * with a target name as in iptables. */
bool bf_front_iptables_has_match(const char *name, enum bf_family family);
bool bf_front_iptables_has_target(const char *name, enum bf_family family);
/* libxtables' name for a match: "icmpv6" and "ipv6-icmp" are "icmp6". */
const char *bf_front_match_alias(const char *name);

/* parse.c: the command-line parser, also used by iptables-restore lines
 * (BF_PARSE_RESTORE: -t was given by the table line, -w/-W are refused, -6
 * (-4 for ip6tables) ends the line, see bf_command.rules_skipped), and by
 * bpfilter's state text (BF_PARSE_STATE: the same, and a chain name may
 * be any that -E can make). `known`: the table so far in a restore, whose
 * chains -j names without loading an extension of that name. */
#define BF_PARSE_RESTORE 0x1
#define BF_PARSE_STATE 0x2
struct bf_command;
int bf_front_parse(int argc, char **argv, enum bf_family family,
		   struct bf_command *cmd, unsigned int mode, const struct bf_table *known);

/* save.c: one rule after "-A CHAIN"; counters < 0 adds " -c P B" before
 * the target as `iptables -S -v` does. */
void bf_front_rule_save(struct bf_strbuf *out, const struct bf_rule *r, int counters);
/* A chain name as bpfilter's state text writes it: quoted when
 * iptables-restore would not read it back as one word. */
void bf_front_save_chain_name(struct bf_strbuf *out, const char *name, bool lossless);

/* list.c */
void bf_front_list_rule(struct bf_strbuf *out, const struct bf_rule *r,
			unsigned int num, unsigned int format);
void bf_front_list(struct bf_strbuf *out, const struct bf_table *t,
		   const struct bf_chain *only, unsigned int rulenum,
		   unsigned int format);
void bf_front_list_rules(struct bf_strbuf *out, const struct bf_table *t,
			 const struct bf_chain *only, unsigned int rulenum,
			 bool counters);
void bf_front_help(struct bf_strbuf *out, const char *prog, enum bf_family family);

/* exec.c: bf_command_exec for iptables-restore: without the policy-counter
 * reset iptables-legacy does on each commit (restore commits once per
 * table), without logging what iptables-restore reports only as "line N
 * failed", and leaving bf_front_table_commit_check to the COMMIT line.
 * The rules -A/-I add are taken from cmd (their slots set to NULL), not
 * copied: the caller only frees cmd afterwards. */
int bf_front_exec(const struct bf_command *cmd, struct bf_ruleset *rs,
		  struct bf_strbuf *out, bool *changed);
/* What the kernel refuses when a table is committed (iptables reports it
 * as "Invalid argument" or ELOOP): a match without the protocol it needs,
 * chains that loop. 0, -EPROTO or -ELOOP, logged unless quiet. */
int bf_front_table_commit_check(const struct bf_table *t, bool quiet);
/* iptables-legacy zeroes every built-in chain's policy counters whenever
 * the table changes (libiptc maps them as COUNTER_MAP_ZEROED); `keep` is
 * a chain whose policy the same change set explicitly. */
void bf_front_legacy_policy_reset(struct bf_table *t, const struct bf_chain *keep);

/* chains.c: -N, -X, -E as libiptc does them (messages logged unless
 * quiet), and the kernel's loop check. */
int bf_front_chain_command(const struct bf_command *cmd, struct bf_table *t,
			   struct bf_strbuf *out, bool *changed, bool quiet);
/* libiptc's iptc_create_chain: -EEXIST for a chain that exists or a
 * verdict's name, -ENOMEM. */
int bf_front_create_chain(struct bf_table *t, const char *name);
/* 1 if some chain leads back to itself on a path from a built-in chain
 * (the kernel's mark_source_chains; loops nothing reaches are let be, as
 * the kernel does), 0 if not, -ENOMEM. */
int bf_front_table_loops(const struct bf_table *t);

#endif
