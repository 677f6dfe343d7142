/* The classifier planner: a chain's rule list becomes a sequence of
 * segments, each either rules for the linear code (in order, as the
 * reference emitter does them) or a classifier stage that finds, for a
 * run of consecutive rules, the FIRST rule that matches the packet with a
 * few hash lookups, whatever the run's length.
 *
 * Tuple space search. Each classifiable rule becomes one or more entries:
 * conditions "(key word & mask) == value" on a small packet key (below),
 * all of which must hold. Entries with the same masks form a tuple; a
 * tuple is one hash table keyed by the masked key, whose value is the
 * smallest rule index (prio) with that key, and that rule's action. Per
 * packet: for each tuple, hash the masked packet key and look it up; the
 * answer is the smallest prio found. First-match order holds because a
 * rule matches exactly when one of its entries' masked keys equals the
 * packet's; a later rule with the same key in the same tuple can never
 * be first, so only the smallest prio is kept.
 *
 * iptables' hotdrop (a match that drops the packet at once, uncounted,
 * when it cannot read what it needs) becomes a "shadow" entry of the
 * same rule and prio whose conditions are those tested before the
 * hotdropping one plus the hotdrop's own condition, with the action
 * HOTDROP. E.g. `-p tcp --dport 22` is {proto=6, l4=OK, dport=22} plus
 * the shadow {proto=6, l4=BAD or frag 1} -> hotdrop.
 *
 * The hash tables are cuckoo tables in one BPF array map per program
 * (struct bf_class_slot per element): a key lives in one of its two
 * slots, so a lookup reads at most two elements (inlined array lookups);
 * a key not in its slot 1 is looked for in its slot 2 only when slot 1
 * says that some key was moved from it (most misses read one element).
 * The hash is bf_class_hash(), computed the same way by the emitter. */
#ifndef BF_PLAN_CLASSIFY_H
#define BF_PLAN_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ruleset.h"

/* The packet key, in u32 words (host byte order, as the context holds
 * them). IPv4: saddr, daddr, meta, ports. IPv6: saddr6 (4 words, word 0
 * = bytes 0-3), daddr6 (4), meta, ports. bf_class_word() gives a field's
 * first word for a family. */
#define BF_CLASS_WORDS 10
enum bf_class_field {
	BF_CF_SADDR,
	BF_CF_DADDR,
	BF_CF_META,
	BF_CF_PORTS,
};
unsigned int bf_class_word(enum bf_family family, enum bf_class_field f);
/* Key words a family uses: 4 (IPv4) or 10 (IPv6). */
unsigned int bf_class_n_words(enum bf_family family);

/* The meta word. */
#define BF_META_PROTO 0xffu          /* the protocol (IPv6: ipv6_find_hdr's) */
#define BF_META_PROTO_OK (1u << 8)   /* IPv4: always; IPv6: the header walk
				      * succeeded (else meta is 0) */
#define BF_META_FRAG (1u << 9)       /* fragment offset != 0 (iptables -f) */
#define BF_META_L4_SHIFT 10          /* 2 bits: enum bf_l4_class */
#define BF_META_L4 (3u << BF_META_L4_SHIFT)
/* What xt_tcpudp sees of the transport header: */
enum bf_l4_class {
	BF_L4_OK = 0,    /* offset 0 and the whole TCP/UDP header read
			  * (context L4_OK), or the ICMP header (ICMP_OK):
			  * ports, or type and code, in the ports word */
	BF_L4_FRAG = 1,  /* a later fragment (offset > 1): tcp/udp matches do
			  * not match */
	BF_L4_BAD = 2,   /* offset 0 and the header is cut short: they hotdrop */
	BF_L4_FRAG1 = 3, /* offset 1 (8-byte units): IPv4 tcp hotdrops (the
			  * "evil" fragment: bf_emit_l4_guard's hotdrop_frag1),
			  * the others do not match */
};
#define BF_META_TCPFLAGS_SHIFT 16     /* 8 bits: the TCP flags byte when the
				      * l4 class is OK (else 0) */
/* Bits 24-31 stay 0: an empty slot's meta word, 0xffffffff, is no
 * packet's.
 *
 * The ports word: sport << 16 | dport for TCP and UDP, type << 16 | code
 * for ICMP (ICMPv6 in IPv6), when the l4 class is OK (else 0). */

/* A rule's conditions while the planner builds them: alternatives (the
 * rule matches when one of them holds; e.g. multiport's ports), and
 * shadows (hotdrop entries), each a conjunction of masked compares. */
struct bf_class_cond {
	uint32_t val[BF_CLASS_WORDS];
	uint32_t mask[BF_CLASS_WORDS]; /* val has no bit outside mask */
	bool hotdrop;                  /* a shadow: frozen, action HOTDROP */
};
#define BF_CLASS_ALTS_MAX 64
struct bf_class_conds {
	enum bf_family family;
	struct bf_class_cond v[BF_CLASS_ALTS_MAX];
	size_t n; /* alternatives and shadows; 0 with the rule never matching */
};
/* ANDs (word & mask) == val into every alternative (not the shadows);
 * an alternative that contradicts it is removed (it can never hold).
 * Returns 0, or -EOPNOTSUPP (field unknown to the family). */
int bf_class_and(struct bf_class_conds *c, enum bf_class_field f, unsigned int word_off,
		 uint32_t val, uint32_t mask);
/* Removes every alternative (not the shadows): what follows can never
 * hold (e.g. TCP flags compared outside their mask). */
void bf_class_none(struct bf_class_conds *c);
/* Adds, for every alternative, a shadow: the alternative AND
 * (word & mask) == val, hotdropping. -EOPNOTSUPP past BF_CLASS_ALTS_MAX. */
int bf_class_hotdrop(struct bf_class_conds *c, enum bf_class_field f, unsigned int word_off,
		     uint32_t val, uint32_t mask);
/* Replaces every alternative by n copies, copy i ANDed with
 * (word & masks[i]) == vals[i] (e.g. multiport's ports, or a port range
 * as prefix blocks). -EOPNOTSUPP past BF_CLASS_ALTS_MAX. */
int bf_class_any_of(struct bf_class_conds *c, enum bf_class_field f, unsigned int word_off,
		    const uint32_t *vals, const uint32_t *masks, size_t n);

/* A rule's conditions: its IP part (bf_ip_tests() on interfaces in/out,
 * "" for none) and its matches' classify ops. 0 (c->n may be 0: never
 * matches there), or -EOPNOTSUPP when the rule cannot be put into a
 * stage (an inverted address or protocol, a match without a classify
 * op or whose op refuses these options) or its target is not one a
 * stage dispatches (ACCEPT, DROP, RETURN, -g CHAIN, a target that ends the
 * walk: REJECT). */
int bf_class_rule_conds(const struct bf_rule *rule, const char *in, const char *out,
			struct bf_class_conds *c);
/* Whether a rule can go into a stage on some interface (interfaces
 * ignored): what cgen/limits.c counts as costing no linear code. */
bool bf_class_rule_classifiable(const struct bf_rule *rule);

/* One element of the classifier map. An empty slot has prio EMPTY and
 * every key word 0xffffffff: no packet's meta word is, so the emitter
 * finds it empty by comparing the meta word, always, with the key. */
struct bf_class_slot {
	uint32_t key[BF_CLASS_WORDS]; /* masked key; unused words 0 */
	uint32_t prio;                /* rule index in its chain, or EMPTY */
	uint32_t action;              /* index into the stage's actions */
	uint32_t slot;                /* the rule's counter slot */
	uint32_t moved;               /* nonzero: some key whose slot 1 this
				       * is lives in its slot 2 */
};
#define BF_CLASS_EMPTY 0xffffffffu

/* The classifier map of a program holds these tables twice: element 0
 * is a header whose key[0] says where the half the program reads starts
 * (1, or 1 + n for n slots), the halves are [1, 1 + n) and
 * [1 + n, 1 + 2n), tuple bases counting from the half's start. A change
 * that leaves the program as it is writes the other half, then flips the
 * header (one aligned 4-byte store): packets see the old tables or the
 * new ones, never a mix. */
#define BF_CLASS_MAP_ENTRIES(n) (1 + 2 * (n))

/* The classifier map's contents for one program, tuples appended. The
 * header also keeps `digest` (key[1..4], low word first): what the
 * programs of the interface were compiled to (bf_cgen_digest), so that
 * an in-place update checks it against the programs attached; and when
 * it last flipped (key[5..6], CLOCK_BOOTTIME ns). */
struct bf_class_table {
	struct bf_class_slot *slots;
	size_t n, cap;
	uint64_t digest[2];
};
void bf_class_table_free(struct bf_class_table *t);
/* Makes room for n more slots in t; appends n slots to t. 0 or -ENOMEM. */
int bf_class_table_reserve(struct bf_class_table *t, size_t n);
int bf_class_table_append(struct bf_class_table *t, const struct bf_class_slot *slots, size_t n);

/* One hash table of a stage. What the code of a stage holds (tuples,
 * their order, guards, seeds, sizes, bases; the actions) depends on the
 * shapes of the rules, not on their order or count within a size class,
 * so that a changed rule usually changes only the map's contents (the
 * commit's in-place update). */
struct bf_class_tuple {
	uint32_t mask[BF_CLASS_WORDS];
	/* Bits of the meta word on which every entry of the tuple agrees
	 * (within mask): a packet that differs there skips the tuple without
	 * hashing (e.g. a tuple of shadows needs l4 class BAD). */
	uint32_t guard_mask[BF_CLASS_WORDS], guard_val[BF_CLASS_WORDS];
	uint32_t base;      /* its first slot in the map */
	unsigned int size_log2; /* 1 << size_log2 slots, size_log2 >= 1 */
	uint64_t seed;
	size_t n_entries;   /* distinct keys stored */
};

/* A stage's actions: action 0 is always HOTDROP (drop, uncounted);
 * action i > 0 is the target of rules[i] (ACCEPT, DROP, RETURN, REJECT or
 * -g CHAIN: every rule of the run with that same target shares it), in
 * the order of the targets (verdict, then chain name or extension and
 * options). Tuples are in the
 * order of their masks. */
struct bf_class_stage {
	enum bf_family family;
	struct bf_class_tuple *tuples;
	size_t n_tuples;
	const struct bf_rule **actions; /* actions[0] NULL */
	size_t n_actions;
};

/* A run of rules [first, first + n) of the chain: linear code when
 * stage is NULL, else judged by the stage. */
struct bf_plan_seg {
	size_t first, n;
	struct bf_class_stage *stage;
};
struct bf_chain_plan {
	struct bf_plan_seg *segs;
	size_t n_segs;
};

enum bf_classify_mode {
	BF_CLASSIFY_AUTO,   /* stages for runs of BF_CLASS_MIN_RUN rules or more */
	BF_CLASSIFY_OFF,    /* the linear reference: no stage at all */
	BF_CLASSIFY_ALWAYS, /* a stage for every run, even of one rule */
};
#define BF_CLASS_MIN_RUN 32
#define BF_CLASS_TUPLES_MAX 64 /* a longer run is split into stages */
/* The process's mode (default AUTO): the CLI sets it from
 * BPFILTER_CLASSIFY=off|auto|always so tests can run both emitters. */
extern enum bf_classify_mode bf_classify_mode;
int bf_classify_mode_parse(const char *s, enum bf_classify_mode *mode);
/* Does a run of n classifiable rules get a stage in this mode? */
bool bf_class_run_staged(enum bf_classify_mode mode, size_t n);

/* Plans chain chain_idx of table t of rs for packets arriving on in
 * (out: ""), appending the stages' hash tables to table. The segments
 * cover the chain's rules in order; entries count into
 * bf_rule_count_slot(..., slot_base). 0, -ENOMEM, or -E2BIG when the map
 * would pass its bound (then plan with BF_CLASSIFY_OFF). */
int bf_plan_chain(const struct bf_ruleset *rs, enum bf_table_id t, size_t chain_idx,
		  const char *in, const char *out, enum bf_classify_mode mode, int slot_base,
		  struct bf_class_table *table, struct bf_chain_plan *plan);
void bf_chain_plan_free(struct bf_chain_plan *plan);

/* The hash of a key under a tuple's mask: seed, then for each word w
 * with mask[w] != 0, in order, h = (h ^ (key[w] & mask[w])) * MUL
 * (64-bit, wrapping). Slot 1 is h >> (64 - size_log2); slot 2 is
 * ((h ^ (h >> 29)) * MUL2) >> (64 - size_log2). */
#define BF_CLASS_MUL 0x9e3779b97f4a7c15ull
#define BF_CLASS_MUL2 0xc2b2ae3d27d4eb4full
static inline uint64_t bf_class_hash(const uint32_t *key, const uint32_t *mask, uint64_t seed)
{
	uint64_t h = seed;

	for (unsigned int w = 0; w < BF_CLASS_WORDS; w++)
		if (mask[w])
			h = (h ^ (uint64_t)(key[w] & mask[w])) * BF_CLASS_MUL;
	return h;
}
static inline uint32_t bf_class_slot1(uint64_t h, unsigned int size_log2)
{
	return (uint32_t)(h >> (64 - size_log2));
}
static inline uint32_t bf_class_slot2(uint64_t h, unsigned int size_log2)
{
	return (uint32_t)(((h ^ (h >> 29)) * BF_CLASS_MUL2) >> (64 - size_log2));
}

#endif
