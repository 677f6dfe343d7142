/* iptables extensions: `-m NAME` matches and `-j NAME` targets. Each lives
 * in one file behind one ops table and is found by name from the registry
 * in ext.c, so that adding `-m foo` is one new file and one registration
 * line.
 *
 * An extension knows the iptables syntax of its options, how iptables
 * prints them (-L) and saves them (iptables-save, -S), and how to compile
 * itself (emit). One without emit is parsed, stored and printed, but a
 * ruleset that holds it is refused when it has to be compiled. */
#ifndef BF_EXT_H
#define BF_EXT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "ir/ruleset.h"

struct bf_cgen;
struct bf_class_conds;
struct bf_named_ref;

#define BF_FAMILY_BIT(f) (1u << (f))
#define BF_IPV4_ONLY BF_FAMILY_BIT(BF_FAMILY_IPV4)
#define BF_IPV6_ONLY BF_FAMILY_BIT(BF_FAMILY_IPV6)
#define BF_BOTH_FAMILIES (BF_IPV4_ONLY | BF_IPV6_ONLY)

/* The kernel's netfilter hooks (NF_INET_*): the built-in chains a rule is
 * reachable from, as a mask of BF_HOOK_BIT()s. */
enum bf_hook_id {
	BF_HOOK_PREROUTING,
	BF_HOOK_INPUT,
	BF_HOOK_FORWARD,
	BF_HOOK_OUTPUT,
	BF_HOOK_POSTROUTING,
};
#define BF_HOOK_BIT(h) (1u << (h))

/* Where the kernel allows an extension (xt_match/xt_target .table and
 * .hooks, checked when a table is committed, exit 1 in iptables). */
struct bf_ext_scope {
	const char *table; /* NULL: any table */
	unsigned int hooks; /* BF_HOOK_BIT()s; 0: any hook */
	/* The extension's own checkentry, which the kernel runs when the
	 * table is committed (so after every parameter problem of the
	 * command): e.g. an option only valid on input, given the hooks that
	 * reach the rule. 0 or -EPROTO after logging iptables' message.
	 * NULL: none. */
	int (*check)(const void *data, const struct bf_ip *ip, unsigned int hook_mask);
};

struct bf_match_ops {
	const char *name;
	unsigned int families; /* BF_FAMILY_BIT()s it exists for */
	struct bf_ext_scope scope;
	/* The protocol the rule must name with -p (not inverted), as the
	 * kernel's xt_match.proto; 0 for any. */
	uint16_t proto;
	size_t size; /* of the match data, zeroed before init */
	/* Long options, NULL-terminated; .val values are the extension's own
	 * (the parser maps them into a private range). */
	const struct option *options;
	void (*init)(void *data);
	/* One option of this match. `flags` is the extension's scratch word,
	 * zero before the first option (iptables' xt_option_call flags); ip is
	 * the rule's IP part so far (ip->family says iptables or ip6tables).
	 * Returns 0, or -EINVAL after logging iptables' message. */
	int (*parse)(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip);
	/* After all options: cross-checks with the IP part. 0 or -EINVAL. */
	int (*final_check)(const void *data, unsigned int flags,
			   const struct bf_ip *ip);
	/* `iptables -L` text, starting with a space, e.g. " tcp dpt:22". */
	void (*print)(struct bf_strbuf *out, const struct bf_ip *ip,
		      const void *data, bool numeric);
	/* iptables-save text after "-m NAME", starting with a space. */
	void (*save)(struct bf_strbuf *out, const struct bf_ip *ip, const void *data);
	/* Emits the test of this match: falls through when the packet
	 * matches, jumps to label `no_match` otherwise (or to the hotdrop
	 * label, cg->lbl_hotdrop, where iptables hotdrops). 0 or -errno.
	 * NULL: not compiled yet. */
	int (*emit)(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match);
	/* Whether this match keeps state across packets: then it has a record
	 * of BF_STATE_RECORD_WORDS u64 in the state map, zeroed by each load
	 * (cgen/state_records.c). NULL: never. */
	bool (*has_state)(const void *data);
	/* The namespace's named table this match uses (cgen/named.h), which
	 * the loader makes before and keeps while a rule names it: fills ref
	 * and returns true. NULL: none. */
	bool (*named)(const void *data, enum bf_family family, struct bf_named_ref *ref);
	/* The named map (cgen/ext_maps.h) this match reads, e.g. its set:
	 * the name, *kind set; NULL: none. Such a map cannot go while a
	 * rule refers to it. */
	const char *(*ext_map)(const void *data, const char **kind);
	/* Describes this match as classifier conditions (plan/classify.h),
	 * the same test as emit: ANDs its tests into conds, adds the shadows
	 * of its hotdrops before them, or splits alternatives. -EOPNOTSUPP
	 * when these options do not fit (the rule stays in the linear code).
	 * NULL: never classified. */
	int (*classify)(const struct bf_rule *rule, const void *data,
			struct bf_class_conds *conds);
	/* Reads the packet's conntrack state (BF_PKT_CTINFO, cgen/ct.h),
	 * which the hook then works out before filter INPUT. */
	bool reads_ct;
};

/* `-j NAME` targets other than the standard verdicts and chains. */
struct bf_target_ops {
	const char *name;
	unsigned int families;
	struct bf_ext_scope scope;
	size_t size;
	const struct option *options;
	void (*init)(void *data);
	int (*parse)(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip);
	int (*final_check)(const void *data, unsigned int flags,
			   const struct bf_ip *ip);
	/* `iptables -L` text after the addresses, starting with a space,
	 * e.g. " reject-with icmp-port-unreachable". */
	void (*print)(struct bf_strbuf *out, const struct bf_ip *ip,
		      const void *data, bool numeric);
	/* iptables-save text after "-j NAME", starting with a space. */
	void (*save)(struct bf_strbuf *out, const struct bf_ip *ip, const void *data);
	/* Emits what the target does; ends the rule's code (a verdict), or
	 * falls through for a target that continues (LOG). NULL: not
	 * compiled yet. */
	int (*emit)(struct bf_cgen *cg, const struct bf_rule *rule, const void *data);
	/* The target always ends the walk (REJECT): a classifier stage may
	 * dispatch it (plan/classify.h). */
	bool ends_walk;
};

const struct bf_match_ops *bf_match_ops_find(const char *name, enum bf_family family);
const struct bf_target_ops *bf_target_ops_find(const char *name, enum bf_family family);

/* Iterate the registries: NULL past the end. */
const struct bf_match_ops *bf_match_ops_at(size_t i);
const struct bf_target_ops *bf_target_ops_at(size_t i);

#endif
