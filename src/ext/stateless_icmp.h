/* ICMP and ICMPv6 types by name and number, shared by the icmp and icmp6
 * matches as libipt_icmp and libip6t_icmp6 of iptables 1.8.9 share theirs:
 * the same syntax, names and printing, with different tables and words. */
#ifndef BF_EXT_STATELESS_ICMP_H
#define BF_EXT_STATELESS_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* The match data, laid out as the kernel's ipt_icmp / ip6t_icmp. */
struct bf_icmp_match {
	uint8_t type;
	uint8_t code[2]; /* inclusive range */
	uint8_t invflags; /* BF_ICMP_INV */
};
#define BF_ICMP_INV 0x01

struct bf_icmp_name {
	const char *name;
	uint8_t type;
	uint8_t code_min, code_max;
};

/* One family's flavour. */
struct bf_icmp_kind {
	const char *label;  /* in messages: "ICMP", "ICMPv6" */
	const char *word;   /* in -L: "icmp", "ipv6-icmp" */
	const char *option; /* "icmp-type", "icmpv6-type" */
	const struct bf_icmp_name *names;
	unsigned int n_names;
	bool any_hack; /* iptables saves type 255 as "any" */
};

extern const struct bf_icmp_kind bf_icmp_kind4, bf_icmp_kind6;

/* "name" (a unique case-insensitive prefix of one), "type",
 * "type/code" or "type/code:code". 0, or -EINVAL after iptables'
 * message. */
int bf_icmp_parse_type(const struct bf_icmp_kind *k, const char *arg,
		       struct bf_icmp_match *m);
void bf_icmp_print(const struct bf_icmp_kind *k, struct bf_strbuf *out,
		   const struct bf_icmp_match *m, bool numeric);
/* What iptables-save prints. It loses a code range ("3/1:5" is saved as
 * "3/1") and the code of type 255 ("any"): for bpfilter's own state text
 * (bf_ext_save_lossless()) it prints bf_icmp_save_state() instead. */
void bf_icmp_save(const struct bf_icmp_kind *k, struct bf_strbuf *out,
		  const struct bf_icmp_match *m);
/* A form that reads back into the same match: " --icmp-type 3/1:5". */
void bf_icmp_save_state(const struct bf_icmp_kind *k, struct bf_strbuf *out,
			const struct bf_icmp_match *m);

struct bf_cgen;
/* The match as code, reading the context's ICMP fields (ICMPv6 for an
 * IPv6 rule): xt icmp / ip6t icmp6. any_255: type 255 is any type (IPv4's
 * icmp_type_code_match; ip6tables' has no such case). */
int bf_icmp_emit(struct bf_cgen *cg, const struct bf_icmp_match *m, bool any_255, int no_match);
struct bf_class_conds;
/* The same test as classifier conditions (plan/classify.h); -EOPNOTSUPP
 * when inverted. */
int bf_icmp_classify(const struct bf_icmp_match *m, bool any_255, struct bf_class_conds *c);

#endif
