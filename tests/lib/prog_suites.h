/* The packet suites: rulesets with packets and the verdict and counter
 * each must get. The same suites run against the compiled program
 * (tests/prog/test_xdp_suites.c) and against iptables-legacy itself
 * (tests/prog/test_xdp_oracle.c), so every expectation written here is
 * checked against the oracle. */
#ifndef PROG_SUITES_H
#define PROG_SUITES_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
