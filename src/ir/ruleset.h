/* The ruleset IR: tables -> chains -> rules -> matches + target.
 *
 * It knows iptables semantics but neither syntax nor BPF. The IP part of a
 * rule mirrors iptables' `struct ipt_ip` so that printing and comparing
 * rules follows iptables exactly. Addresses are kept in network byte order,
 * as iptables keeps them. */
#ifndef BF_RULESET_H
#define BF_RULESET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_IFNAMSIZ 16
#define BF_CHAIN_MAXNAMELEN 29 /* as XT_EXTENSION_MAXNAMELEN - 1 */

/* Inversion flags, values as iptables' IPT_INV_*. */
#define BF_INV_VIA_IN 0x01
#define BF_INV_VIA_OUT 0x02
#define BF_INV_SRCIP 0x08
#define BF_INV_DSTIP 0x10
#define BF_INV_FRAG 0x20
#define BF_INV_PROTO 0x40

/* Flags, values as iptables' IPT_F_*. */
#define BF_F_FRAG 0x01 /* -f: non-first fragments */
#define BF_F_GOTO 0x02 /* -g instead of -j */
/* ip6tables only: -p was given, even "-p all" (IP6T_F_PROTO). Only -C
 * and -D see it: a rule made with "-p all" is not "-D CHAIN" without. */
#define BF_F_PROTO 0x04

enum bf_family {
	BF_FAMILY_IPV4, /* iptables */
	BF_FAMILY_IPV6, /* ip6tables */
	BF_FAMILY_MAX,
};

/* Tables in the order a packet meets them. */
enum bf_table_id {
	BF_TABLE_RAW,
	BF_TABLE_FILTER,
	BF_TABLE_MAX,
};

struct bf_counter {
	uint64_t packets;
	uint64_t bytes; /* bytes of the IP packet, as iptables counts them */
};

struct bf_ip {
	uint8_t family; /* enum bf_family: which addresses below count */
	struct in_addr src, smsk, dst, dmsk;         /* IPv4 */
	struct in6_addr src6, smsk6, dst6, dmsk6;    /* IPv6 */
	char iniface[BF_IFNAMSIZ];
	char outiface[BF_IFNAMSIZ];
	uint16_t proto; /* 0 = all */
	uint8_t flags;  /* BF_F_* */
	uint8_t invflags; /* BF_INV_* */
};

struct bf_match_ops;
struct bf_match {
	const struct bf_match_ops *ops;
	void *data; /* ops->size bytes, owned */
};

/* What a rule does when it matches. Policies are ACCEPT or DROP only. */
enum bf_verdict {
	BF_VERDICT_ACCEPT,
	BF_VERDICT_DROP,
	BF_VERDICT_NONE,   /* a rule without -j: counts, then the next rule */
	BF_VERDICT_RETURN, /* -j RETURN */
	BF_VERDICT_JUMP,   /* -j CHAIN, or -g CHAIN with BF_F_GOTO in ip.flags */
	BF_VERDICT_EXT,    /* a target extension (REJECT, LOG...): target.ops */
};

struct bf_target_ops;
struct bf_target {
	enum bf_verdict verdict;
	char chain[BF_CHAIN_MAXNAMELEN + 1]; /* BF_VERDICT_JUMP */
	const struct bf_target_ops *ops;     /* BF_VERDICT_EXT */
	void *data;                          /* ops->size bytes, owned */
};

struct bf_rule {
	struct bf_ip ip;
	struct bf_match *matches;
	size_t n_matches;
	struct bf_target target;
	struct bf_counter counters;
	/* Counter slot of this rule in the program attached now, or -1 for a
	 * rule that the current command added. Lets counters of unchanged
	 * rules survive a reload. */
	int old_slot;
	/* Its slot in the counters map both families share, as the state
	 * layer assigned it (core/slots.c), kept by changes that update the
	 * attached programs in place; -1: none yet (the code generator then
	 * numbers rules in order, bf_rule_slot). */
	int slot;
	/* What bf_class_rule_classifiable() found: 0 not asked yet, 1 yes,
	 * -1 no (a rule's shape does not change once built; asked for every
	 * rule at every check of a ruleset). */
	int8_t classifiable;
};

struct bf_chain {
	char name[BF_CHAIN_MAXNAMELEN + 1];
	bool builtin;
	enum bf_verdict policy; /* built-in chains only */
	struct bf_counter policy_counters;
	int old_slot; /* as bf_rule.old_slot, for the policy counter */
	int slot;     /* as bf_rule.slot, for the policy counter */
	struct bf_rule **rules;
	size_t n_rules;
	size_t cap_rules;
};

struct bf_table {
	enum bf_table_id id;
	/* As a kernel table exists in a namespace only once something used
	 * it: iptables-save shows only tables in use. */
	bool present;
	/* When it came into use (larger is later, 0 while not present):
	 * iptables-save lists the newest table first, as the kernel does. */
	unsigned int created;
	/* Set by the front end when a command or a restore commits the table:
	 * iptables-legacy then replaces it in the kernel, and what the kernel
	 * keeps per rule starts over (statistic nth counts). Not stored. */
	bool replaced;
	/* Built-ins first, in iptables' order, then user-defined chains in
	 * strcmp() order of their names, as libiptc keeps them. */
	struct bf_chain **chains;
	size_t n_chains;
};

struct bf_ruleset {
	enum bf_family family;
	struct bf_table tables[BF_TABLE_MAX];
};

const char *bf_table_name(enum bf_table_id id);
int bf_table_by_name(const char *name, enum bf_table_id *id);
/* ACCEPT, DROP, RETURN ("" for NONE); by_name knows only these three. */
const char *bf_verdict_name(enum bf_verdict v);
int bf_verdict_by_name(const char *name, enum bf_verdict *v);
/* The name iptables shows for a rule's target: a verdict, a chain or an
 * extension's name ("" when there is none). */
const char *bf_target_name(const struct bf_target *t);

/* A ruleset with every table and its built-in chains, empty, policy ACCEPT. */
struct bf_ruleset *bf_ruleset_new(enum bf_family family);
void bf_ruleset_free(struct bf_ruleset *rs);
struct bf_ruleset *bf_ruleset_clone(const struct bf_ruleset *rs);

struct bf_chain *bf_table_chain(const struct bf_table *t, const char *name);
/* Index of c in t->chains (t->n_chains if it is not there). */
size_t bf_table_chain_index(const struct bf_table *t, const struct bf_chain *c);

/* Marks table `id` in use, as the kernel creates a table on first use.
 * Returns true when it was not in use before. */
bool bf_ruleset_use_table(struct bf_ruleset *rs, enum bf_table_id id);

/* A new empty user-defined chain, in its sorted place; NULL on -ENOMEM.
 * The caller checks that the name is free. */
struct bf_chain *bf_table_new_chain(struct bf_table *t, const char *name);
/* Removes a chain (with its rules) from its table and frees it. */
void bf_table_delete_chain(struct bf_table *t, struct bf_chain *c);
/* Renames a user-defined chain, moving every jump and goto to it along
 * (libiptc's rename), and puts it in its sorted place. */
void bf_table_rename_chain(struct bf_table *t, struct bf_chain *c, const char *name);
/* How many rules of t jump or go to the chain (-L's "N references"). */
size_t bf_table_chain_refs(const struct bf_table *t, const char *name);

struct bf_rule *bf_rule_new(void);
void bf_rule_free(struct bf_rule *r);
struct bf_rule *bf_rule_clone(const struct bf_rule *r);
/* Appends a match of the given kind with its data initialised by ops->init. */
struct bf_match *bf_rule_add_match(struct bf_rule *r, const struct bf_match_ops *ops);
/* Makes the rule's target the extension `ops`, data initialised by
 * ops->init (replacing any previous target). 0 or -ENOMEM. */
int bf_rule_set_target_ext(struct bf_rule *r, const struct bf_target_ops *ops);
struct bf_match *bf_rule_find_match(const struct bf_rule *r, const char *name);
/* Same rule spec (ip part, matches, target), counters not compared: -D, -C. */
bool bf_rule_equal(const struct bf_rule *a, const struct bf_rule *b);

/* pos is 0-based; insert at n_rules appends. Takes ownership of r. */
int bf_chain_insert(struct bf_chain *c, size_t pos, struct bf_rule *r);
void bf_chain_delete(struct bf_chain *c, size_t pos);
void bf_chain_flush(struct bf_chain *c);
void bf_chain_zero(struct bf_chain *c);

/* Counter slots: each rule of each chain in table order, then one slot per
 * built-in chain for its policy. The code generator and the loader use the
 * same numbering. */
size_t bf_ruleset_n_slots(const struct bf_ruleset *rs);
int bf_rule_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx, size_t rule_idx);
int bf_policy_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx);
/* The slot a rule or policy counts into: its assigned one (rule->slot,
 * chain->slot), else slot_base + its slot in order. */
int bf_rule_count_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
		       size_t rule_idx, int slot_base);
int bf_policy_count_slot(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
			 int slot_base);
/* bf_rule_count_slot() of every rule of a chain, into slots[0 .. n_rules). */
void bf_chain_rule_slots(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
			 int slot_base, int *slots);

#endif
