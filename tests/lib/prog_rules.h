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

/* The filter INPUT chain and the slots of its rules / policy. */
struct bf_chain *prog_input(const struct bf_ruleset *rs);
int prog_rule_slot(const struct bf_ruleset *rs, size_t rule_idx);
int prog_policy_slot(const struct bf_ruleset *rs);

#endif
