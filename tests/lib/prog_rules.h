/* Test rulesets built by hand through the IR API, from a small subset of
 * iptables rule syntax, independently of the real front end:
 *   [!] -s|-d ADDR[/LEN]  [!] -p tcp|udp|icmp|all|N  [!] -i|-o NAME
 *   [!] -f  [!] --sport|--dport PORT[:PORT]  -j ACCEPT|DROP
 * Ports go through the tcp/udp extension's own parse op. */
#ifndef PROG_RULES_H
#define PROG_RULES_H

#include "ir/ruleset.h"

/* A new IPv4 ruleset whose filter INPUT chain holds `rules` (NULL-
 * terminated) and has `policy`. Aborts on a bad spec (a test bug). */
struct bf_ruleset *prog_ruleset(enum bf_verdict policy, const char *const *rules);

/* One rule from a spec as above. NULL on a bad spec. */
struct bf_rule *prog_rule(const char *spec);

/* The same in raw PREROUTING (filter INPUT empty, ACCEPT): where the
 * packet suites judge, as their oracle does (test_xdp_oracle) — XDP
 * judges raw PREROUTING for every packet, IPv4 fragments included, while
 * filter INPUT sees only whole datagrams. */
struct bf_ruleset *prog_ruleset_raw(enum bf_verdict policy, const char *const *rules);

/* The same through the real front end (iptables-restore syntax: any
 * match), for either family; NULL, after printing the text, when the
 * front end refuses it. */
struct bf_ruleset *prog_ruleset_raw_front(enum bf_family family, enum bf_verdict policy,
					  const char *const *rules);

/* A ruleset made by iptables commands without the program name (e.g.
 * "-A INPUT -j DROP"), through the real front end; NULL, after printing
 * the error, when it refuses one. */
struct bf_ruleset *prog_ruleset_cmds(enum bf_family family, const char *const *cmds);
/* The filter INPUT chain and the slots of its rules / policy. */
struct bf_chain *prog_input(const struct bf_ruleset *rs);
int prog_rule_slot(const struct bf_ruleset *rs, size_t rule_idx);
int prog_policy_slot(const struct bf_ruleset *rs);
/* The slots of raw PREROUTING's rules / policy. */
int prog_raw_rule_slot(const struct bf_ruleset *rs, size_t rule_idx);
int prog_raw_policy_slot(const struct bf_ruleset *rs);

#endif
