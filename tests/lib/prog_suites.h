/* The packet suites: rulesets with packets and the verdict and counter
 * each must get. The same suites run against the compiled program
 * (tests/prog/test_xdp_suites.c) and against iptables-legacy itself
 * (tests/prog/test_xdp_oracle.c), so every expectation written here is
 * checked against the oracle. */
#ifndef PROG_SUITES_H
#define PROG_SUITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prog_cases.h"

/* The interface the suites are compiled for, and the oracle's. */
#define PROG_IFNAME "veth0"

struct prog_suite {
	const char *name;
	const char *const *rules; /* NULL-terminated */
	enum bf_verdict policy;
	const struct prog_case *cases;
	size_t n_cases;
};

extern const struct prog_suite prog_suites[];
extern const size_t prog_n_suites;
/* Suites of extension matches, whose rules need the real front end
 * (prog_rules.c reads only the IP part and ports). */
extern const struct prog_suite prog_match_suites[];
extern const size_t prog_n_match_suites;
/* tcp options, mac, esp, ah, statistic (tests/lib/prog_suites_more.c). */
/* An SCTP frame to dport carrying n DATA chunks of 4 bytes. */
size_t prog_sctp_chunks(uint8_t *buf, uint64_t *bytes, uint16_t dport, size_t n);
extern const struct prog_suite prog_more_suites[];
extern const size_t prog_n_more_suites;

/* Suites of either family whose frames need the IPv6 / VLAN builder
 * (tests/lib/prog_pkt6.h), in tests/lib/prog_suites6.c: the rules
 * (ip6tables or iptables syntax, real front end) go to the main chain,
 * `user` to user chain U. The program tests compile them with a small
 * ruleset of the other family, so the IPv6 slots follow IPv4's. */
struct prog_case6;
struct prog_suite6 {
	const char *name;
	enum bf_family family;
	const char *const *rules; /* NULL-terminated */
	const char *const *user;  /* chain U's rules, NULL: no chain U */
	enum bf_verdict policy;
	const struct prog_case6 *cases;
	size_t n_cases;
};

extern const struct prog_suite6 prog_suites6[];
extern const size_t prog_n_suites6;
/* IPv6 suites of tcp options, mac, esp, statistic (prog_suites_more.c). */
extern const struct prog_suite6 prog_more_suites6[];
extern const size_t prog_n_more_suites6;

#endif
