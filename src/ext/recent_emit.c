/* -m recent compiled: xt_recent's recent_mt on the namespace's
 * BF_MAP_RECENT (cgen/named.h), one list per name for both families. A
 * list's address mask is that of the first rule of its name in the
 * family's ruleset, as the kernel takes the mask of the rule that made
 * the list. The kernel's LRU order (the oldest entry goes when a list
 * is full, and is the one --reap looks at) is a sequence number per
 * entry, found by a walk of the map (bpf_for_each_map_elem) when
 * needed. Entries are updated without the kernel's lock. */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/named.h"
#include "ext/ext.h"
#include "ext/recent.h"

extern const struct bf_match_ops bf_match_recent;

/* Stack of the match's code (cgen.h's match scratch); the meta entry's
 * key is done with before the walk's context is written. */
enum {
	RC_CTX = BF_PKT_MATCH_LOW,  /* the walk's context, struct walk_ctx */
	RC_MKEY = BF_PKT_MATCH_LOW, /* struct bf_recent_key of the meta entry */
	RC_KEY = BF_PKT_MATCH_HIGH, /* struct bf_recent_key */
	RC_NOW = RC_KEY + 32,       /* u64 jiffies */
	RC_META = RC_NOW + 8,       /* the meta entry's address */
	RC_FLIP = RC_META + 8,      /* u64: the hit test held */
};

/* What the walk finds: the entry of the list with the smallest seq. */
struct walk_ctx {
	uint64_t list, min_seq, found, last_stamp;
	struct bf_recent_key key;
};

_Static_assert(sizeof(struct walk_ctx) <= 64 && sizeof(struct bf_recent_key) == 32 &&
	       RC_FLIP + 8 <= BF_PKT_MATCH_HIGH + 56, "recent's stack");

#define E(f) ((int16_t)offsetof(struct bf_recent_entry, f))
#define M(f) ((int16_t)offsetof(struct bf_recent_meta, f))
#define W(f) (RC_CTX + (int)offsetof(struct walk_ctx, f))

/* The walk's callback: r1 map, r2 key, r3 value, r4 ctx. */
static void emit_walk_cb(struct bf_cgen *cg, int arg)
{
	int keep = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_2, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, offsetof(struct walk_ctx, list)));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JNE, BPF_REG_5, BPF_REG_0, 0), keep);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_2, offsetof(struct bf_recent_key, family)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_5, 0, 0), keep);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_3, E(seq)));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, offsetof(struct walk_ctx, min_seq)));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, BPF_REG_5, BPF_REG_0, 0), keep);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_5, offsetof(struct walk_ctx, min_seq)));
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_4, offsetof(struct walk_ctx, found), 1));
	/* its last stamp: stamps[(index - 1) & mask] */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, E(index)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, -1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_5, BF_RECENT_STAMPS - 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_5, 3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_5, BPF_REG_3));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_5, E(stamps)));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_5, offsetof(struct walk_ctx, last_stamp)));
	for (int k = 0; k < (int)sizeof(struct bf_recent_key); k += 8) {
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_2, k));
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_5,
					(int)offsetof(struct walk_ctx, key) + k));
	}
	bf_label_bind(cg, keep);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit(cg, BPF_EXIT_INSN());
}

/* Finds the list's oldest entry into the walk context. */
static void emit_walk(struct bf_cgen *cg, uint64_t id)
{
	int cb = bf_cgen_func(cg, emit_walk_cb, 0);

	bf_emit_ld_imm64(cg, BPF_REG_1, 0, id);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, W(list)));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, -1));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, W(min_seq)));
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, W(found), 0));
	bf_emit_for_each_map(cg, BF_MAP_RECENT, cb, RC_CTX);
}

/* Deletes the entry whose key is at stack offset key_off and counts it
 * out of the list. */
static void emit_remove(struct bf_cgen *cg, int key_off)
{
	bf_emit_ld_map(cg, BPF_REG_1, BF_MAP_RECENT);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, key_off));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_delete_elem));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, RC_META));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, -1));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, M(entries)));
}

/* r3 = ++meta.seq; r1, r2 clobbered. */
static void emit_next_seq(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, RC_META));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, M(seq)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_3, M(seq)));
}

uint32_t bf_recent_stamp_mask(const struct match_recent *m)
{
	uint32_t n = 1;

	if (!m->hit_count)
		return 32 - 1;
	while (n < m->hit_count)
		n <<= 1;
	return n - 1;
}

/* recent_entry_update of the entry at r9, then its ttl: index &= the
 * list's mask (kept in its meta entry). */
static void emit_update(struct bf_cgen *cg)
{
	int more = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_9, E(index)));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, RC_META));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_2, M(stamp_mask)));
	bf_emit(cg, BPF_ALU64_REG(BPF_AND, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, BF_RECENT_STAMPS - 1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_9));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, RC_NOW));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, E(stamps)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_9, BPF_REG_1, E(index)));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_9, E(nstamps)));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BPF_REG_1, BPF_REG_3, 0), more);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_9, BPF_REG_1, E(nstamps)));
	bf_label_bind(cg, more);
	emit_next_seq(cg);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_3, E(seq)));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_TTL));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_9, BPF_REG_1, E(ttl)));
}

/* The hit test of --rcheck/--update: r4 = 1 when it holds (a stamp in
 * the window, hit_count of them with --hitcount). */
static void emit_hits(struct bf_cgen *cg, const struct match_recent *m)
{
	int end = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_9, E(nstamps)));
	if (m->seconds) {
		/* jiffies - info->seconds * HZ, the product in 32 bits */
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_10, RC_NOW));
		bf_emit_ld_imm64(cg, BPF_REG_1, 0, (uint32_t)(m->seconds * BF_KERNEL_HZ));
		bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_5, BPF_REG_1));
	}
	for (int i = 0; i < BF_RECENT_STAMPS; i++) {
		int next = bf_label_new(cg);

		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_3, i, 0), end);
		if (m->seconds) {
			/* time_after(time, stamp): too old */
			bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_9, E(stamps) + 8 * i));
			bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_5));
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BPF_REG_0, 0, 0), next);
		}
		if (m->hit_count) {
			bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_2, (int32_t)m->hit_count, 0),
				     next);
		}
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
		bf_emit_jump(cg, BPF_JMP_A(0), end);
		bf_label_bind(cg, next);
	}
	bf_label_bind(cg, end);
}

/* recent_entry_reap: the list's oldest entry goes when its last stamp is
 * older than the window, unless it is the entry about to be updated. */
static void emit_reap(struct bf_cgen *cg, const struct match_recent *m, uint64_t id)
{
	int keep = bf_label_new(cg), other = bf_label_new(cg);

	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_4, RC_FLIP));
	emit_walk(cg, id);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, W(found)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), keep);
	if (m->check_set & RECENT_UPDATE) {
		/* updated when the result (after ! ) holds */
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, RC_FLIP));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, m->invert ? 1 : 0, 0), other);
		for (int k = 0; k < (int)sizeof(struct bf_recent_key); k += 8) {
			bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, W(key) + k));
			bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, RC_KEY + k));
			bf_emit_jump(cg, BPF_JMP_REG(BPF_JNE, BPF_REG_1, BPF_REG_2, 0), other);
		}
		bf_emit_jump(cg, BPF_JMP_A(0), keep);
	}
	bf_label_bind(cg, other);
	{
		uint32_t back = (uint32_t)(m->seconds * BF_KERNEL_HZ);

		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, W(last_stamp)));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, RC_NOW));
		bf_emit_ld_imm64(cg, BPF_REG_3, 0, back);
		bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_3));
		bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_2));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSGE, BPF_REG_1, 0, 0), keep);
	}
	emit_remove(cg, W(key));
	bf_label_bind(cg, keep);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, RC_FLIP));
}

static bool same_name(const void *data, const void *arg)
{
	const struct match_recent *o = data;

	return !strcmp(o->name, arg);
}

/* The first rule of the family's ruleset that names the list: its mask. */
static const union bf_sf_addr *list_mask(const struct bf_cgen *cg, const struct match_recent *m)
{
	const struct match_recent *t = bf_sf_first_match(cg->rs, &bf_match_recent, same_name,
							 m->name);

	return t ? &t->mask : &m->mask;
}

int bf_recent_emit(struct bf_cgen *cg, const struct bf_rule *rule, const struct match_recent *m,
		   int no_match)
{
	const union bf_sf_addr *mask = list_mask(cg, m);
	bool v6 = rule->ip.family == BF_FAMILY_IPV6;
	uint64_t id = bf_named_id(BF_MAP_RECENT, m->name, 0);
	int from = v6 ? (m->side == RECENT_DEST ? BF_PKT_DADDR6 : BF_PKT_SADDR6)
		      : (m->side == RECENT_DEST ? BF_PKT_DADDR : BF_PKT_SADDR);
	int absent = bf_label_new(cg), result = bf_label_new(cg), update = bf_label_new(cg);
	int room = bf_label_new(cg);

	/* The kernel keeps at most 32 stamps for hit counts up to 32. */
	if (m->hit_count > BF_RECENT_STAMPS)
		return -EOPNOTSUPP;
	bf_emit_stack_zero(cg, RC_KEY, sizeof(struct bf_recent_key));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, id);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, RC_KEY));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, RC_KEY + (int)offsetof(struct bf_recent_key, family),
			       v6 ? 6 : 4));
	for (int w = 0; w < (v6 ? 4 : 1); w++) {
		uint32_t mk = ntohl(mask->all[w]);

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, from + 4 * w));
		if (mk != 0xffffffffu)
			bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)mk));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1,
					RC_KEY + (int)offsetof(struct bf_recent_key, addr) + 4 * w));
	}
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_jiffies64));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, RC_NOW));
	/* The list (gone: being removed, no match). */
	bf_emit_stack_zero(cg, RC_MKEY, sizeof(struct bf_recent_key));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, id);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, RC_MKEY));
	bf_emit_map_lookup(cg, BF_MAP_RECENT, RC_MKEY);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), no_match);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, RC_META));

	bf_emit_map_lookup(cg, BF_MAP_RECENT, RC_KEY);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_9, 0, 0), absent);
	if (m->check_set & RECENT_TTL) {
		int same = bf_label_new(cg);

		/* recent_entry_lookup with a ttl: equal, or either 0 */
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_9, E(ttl)));
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_TTL));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JEQ, BPF_REG_1, BPF_REG_2, 0), same);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), same);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, 0), absent);
		bf_label_bind(cg, same);
	}
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
	if (m->check_set & RECENT_SET) {
		bf_emit_jump(cg, BPF_JMP_A(0), update);
	} else if (m->check_set & RECENT_REMOVE) {
		emit_remove(cg, RC_KEY);
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
		bf_emit_jump(cg, BPF_JMP_A(0), result);
	} else {
		emit_hits(cg, m);
		if (m->check_set & RECENT_REAP)
			emit_reap(cg, m, id);
		if (!(m->check_set & RECENT_UPDATE))
			bf_emit_jump(cg, BPF_JMP_A(0), result);
		else
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_4, m->invert ? 1 : 0, 0),
				     result);
	}
	bf_label_bind(cg, update);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_4, RC_FLIP));
	emit_update(cg);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, RC_FLIP));
	bf_emit_jump(cg, BPF_JMP_A(0), result);

	/* Not in the list: --set adds it (recent_entry_init), the oldest
	 * entry going first when the list is full. */
	bf_label_bind(cg, absent);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	if (m->check_set & RECENT_SET) {
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, RC_META));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, M(entries)));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, BF_RECENT_LIST_TOT, 0), room);
		emit_walk(cg, id);
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, W(found)));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), room);
		emit_remove(cg, W(key));
		bf_label_bind(cg, room);
		/* made from the meta entry (a value of the map's size), then
		 * filled in; a failure is the kernel's failed kmalloc */
		bf_emit_ld_map(cg, BPF_REG_1, BF_MAP_RECENT);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, RC_KEY));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, RC_META));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, BPF_NOEXIST));
		bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_update_elem));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), cg->lbl_hotdrop);
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, RC_META));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 1));
		bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, M(entries)));
		bf_emit_map_lookup(cg, BF_MAP_RECENT, RC_KEY);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), cg->lbl_hotdrop);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
		emit_next_seq(cg);
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_3, E(seq)));
		bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_9, E(pad), 0));
		bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_9, E(index), 1));
		bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_9, E(nstamps), 1));
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_TTL));
		bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_9, BPF_REG_1, E(ttl)));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, RC_NOW));
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, E(stamps)));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
	}

	bf_label_bind(cg, result);
	bf_emit_jump(cg, BPF_JMP_IMM(m->invert ? BPF_JNE : BPF_JEQ, BPF_REG_4, 0, 0), no_match);
	return 0;
}
