/* Random rulesets for the differential harness: a small model of an
 * iptables-restore file (tables, chains, rules as text) that the
 * minimizer can cut down, and for each rule the values its tests turn on
 * ("aims"), so that packets can be aimed at both sides of every test. */
#ifndef RAND_RULES_H
#define RAND_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "rand_prng.h"

/* The test interface on the judged side (the oracle's veth in its
 * namespace, the interface the program is compiled for). */
#define RR_IFNAME "rdv0"

#define RR_MAX_CHAINS 12
#define RR_MAX_RULES 14
#define RR_MAX_AIMS 10
#define RR_RULE_LEN 1024

/* Packet fields a rule's tests look at. */
enum rr_field {
	RR_F_SADDR,   /* lo..hi, host order (IPv6: the low 32 bits; mask =
		       * prefix length when it is /96 or shorter) */
	RR_F_DADDR,
	RR_F_PROTO,   /* lo */
	RR_F_SPORT,   /* lo..hi */
	RR_F_DPORT,
	RR_F_TCPFLAGS, /* lo = value under mask */
	RR_F_ICMP,    /* lo = type, hi = code (256: any); ICMPv6 for IPv6 */
	RR_F_TTL,     /* lo..hi; the hop limit for IPv6 */
	RR_F_TOS,     /* lo = value under mask; the traffic class for IPv6 */
	RR_F_LEN,     /* lo..hi: IP total length (IPv6: 40 + payload length) */
	RR_F_PKTTYPE, /* lo: 0 host, 1 broadcast, 2 multicast */
	RR_F_FRAG,    /* lo: 1 = non-first fragment wanted */
	RR_F_SMAC,    /* lo: last byte of the Ethernet source */
	RR_F_SPI,     /* lo..hi: ESP/AH SPI */
	RR_F_TCPOPT,  /* lo: TCP option kind */
	/* IPv6 extension headers (rand_pkts6.c): each aim puts the header
	 * it is about into the packet's chain (most of the time). */
	RR_F_EXTHDR,  /* lo: a header type the rule looks for (-p 44...) */
	RR_F_FRAGID,  /* lo..hi: fragment identification */
	RR_F_FRAGFL,  /* lo: 0 first, 1 more, 2 last, 3 reserved bits */
	RR_F_HBHLEN,  /* lo: header length in bytes (ipv6_optlen) */
	RR_F_DSTLEN,
	RR_F_HBHOPT,  /* lo: option type, hi: its length (256: any),
		       * mask: its index in the header's list */
	RR_F_DSTOPT,
	RR_F_RTTYPE,  /* lo: routing type */
	RR_F_SEGSLEFT, /* lo..hi */
	RR_F_RTLEN,   /* lo: bytes */
	RR_F_RTADDR,  /* type 0: lo = index, hi = low 32 bits (2001:db8::/96) */
	RR_F_RTRES,   /* type 0: reserved word 0 wanted */
	RR_F_EXTMASK, /* lo: ip6t_ipv6header mask of headers */
	RR_F_MHTYPE,  /* lo..hi */
	RR_F_AHLEN,   /* lo: bytes (ipv6_authlen) */
	RR_F_AHRES,   /* reserved field 0 wanted */
	RR_F_MAX,
};

struct rr_aim {
	enum rr_field f;
	uint32_t lo, hi, mask;
};

struct rr_rule {
	char text[RR_RULE_LEN]; /* what follows "-A CHAIN " */
	struct rr_aim aims[RR_MAX_AIMS];
	size_t n_aims;
};

enum rr_table { RR_RAW, RR_FILTER, RR_NTABLES };

struct rr_chain {
	char name[32];
	enum rr_table table;
	bool builtin;
	bool drop_policy;
	struct rr_rule rules[RR_MAX_RULES];
	size_t n_rules;
};

/* What kind of case: every chain, or raw PREROUTING (and the user
 * chains it reaches) only, whose packets may be fragments by default. */
enum rr_kind { RR_KIND_FULL, RR_KIND_RAW_ONLY };

struct rr_set {
	int family; /* 4 or 6 */
	enum rr_kind kind;
	struct rr_chain chains[RR_MAX_CHAINS];
	size_t n_chains;
};

/* One match generator: writes " -m NAME OPTIONS" (or protocol options)
 * into a rule and records its aims. */
struct rr_match_gen {
	const char *name;  /* the -m name (shown when skipped) */
	unsigned int families; /* bit 4 / bit 6 */
	/* Protocol the rule needs ("-p" value, NULL: any); for "tcp|udp" the
	 * generator picks one. */
	const char *proto;
	void (*gen)(struct rnd *r, struct rr_rule *rule, const char *proto);
	/* [0] IPv4, [1] IPv6: exists and compiles today (probed at start) */
	bool enabled[2];
};

extern struct rr_match_gen rr_match_gens[];
extern const size_t rr_n_match_gens;

/* Fills rs with a random ruleset of `kind` for `family`; -f rules only
 * with frag_ok (raw PREROUTING always: it sees fragments). */
void rr_generate(struct rnd *r, struct rr_set *rs, int family, enum rr_kind kind,
		 bool frag_ok);

/* The source of IPv6 marker frames (no other frame comes from it). */
#define RR_MARKER6 "2001:db8:ffff::1"

/* The iptables-restore text of rs. With markers, the first rule of
 * raw PREROUTING and of filter INPUT accepts protocol `marker_proto`
 * (IPv6: source RR_MARKER6)
 * (the oracle's sync frames; indices shift by one there), and raw
 * OUTPUT drops everything (the oracle must not answer its packets). */
void rr_print(const struct rr_set *rs, struct bf_strbuf *out, int marker_proto);

/* Chain index by name, or -1. */
int rr_chain_find(const struct rr_set *rs, enum rr_table t, const char *name);
/* Is chain i the target of any rule? */
bool rr_chain_referenced(const struct rr_set *rs, size_t i);
void rr_rule_remove(struct rr_chain *c, size_t i);
void rr_chain_remove(struct rr_set *rs, size_t i);
const char *rr_table_name(enum rr_table t);

/* Adds an aim to a rule (silently ignored when full). */
void rr_aim(struct rr_rule *rule, enum rr_field f, uint32_t lo, uint32_t hi, uint32_t mask);
/* Appends printf text to a rule. */
void rr_put(struct rr_rule *rule, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
