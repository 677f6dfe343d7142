/* The ttl (IPv4) and hl (IPv6) matches: one field compared with one
 * value, as libipt_ttl and libip6t_hl of iptables 1.8.9 and the kernel's
 * ipt_ttl_info / ip6t_hl_info, which differ only in their words. */
#ifndef BF_EXT_STATELESS_TTL_H
#define BF_EXT_STATELESS_TTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* Modes as IPT_TTL_* / IP6T_HL_*: ==, !=, <, >. */
enum { BF_TTL_EQ, BF_TTL_NE, BF_TTL_LT, BF_TTL_GT };

struct bf_ttl_match {
	uint8_t mode;
	uint8_t value;
};

/* Option ids: eq, lt, gt; the tables list lt, gt, eq and the old alias
 * of eq (--ttl, --hl), in iptables' order. */
enum { BF_TTL_O_EQ, BF_TTL_O_LT, BF_TTL_O_GT };

struct bf_ttl_kind {
	const char *ext;    /* "ttl", "hl" */
	const char *upper;  /* "TTL", "HL" */
	const struct option *options;
	const char *missing; /* the message when no option is given */
};

int bf_ttl_parse(const struct bf_ttl_kind *k, int opt, const char *arg, bool invert,
		 struct bf_ttl_match *m, unsigned int *flags);
int bf_ttl_final_check(const struct bf_ttl_kind *k, unsigned int flags);
void bf_ttl_print(const struct bf_ttl_kind *k, struct bf_strbuf *out,
		  const struct bf_ttl_match *m);
void bf_ttl_save(const struct bf_ttl_kind *k, struct bf_strbuf *out,
		 const struct bf_ttl_match *m);

struct bf_cgen;
/* The match as code (hl; ttl has its own copy): falls through when the
 * TTL / hop limit field matches, else jumps to no_match. */
int bf_ttl_emit(struct bf_cgen *cg, const struct bf_ttl_match *m, int no_match);

#endif
