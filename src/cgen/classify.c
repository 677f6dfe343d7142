/* A classifier stage (plan/classify.h) as code: the packet key from the
 * context, then each tuple's cuckoo table probed (two inlined array
 * lookups) in the live half of the map, keeping the smallest prio found,
 * then that rule's counter and target. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cgen.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "common/log.h"

void bf_cgen_plans_free(struct bf_cgen *cg)
{
	for (size_t i = 0; i < cg->n_plans; i++)
		if (!cg->plans[i].borrowed)
			bf_chain_plan_free(&cg->plans[i].plan);
	free(cg->plans);
	cg->plans = NULL;
	cg->n_plans = cg->cap_plans = 0;
}

static const struct bf_cgen_plan *find_plan(const struct bf_cgen *cg,
					    const struct bf_ruleset *rs, enum bf_table_id table,
					    size_t chain_idx, bool oif_dynamic)
{
	for (size_t i = 0; i < cg->n_plans; i++) {
		const struct bf_cgen_plan *p = &cg->plans[i];

		if (p->rs == rs && p->table == table && p->chain_idx == chain_idx &&
		    p->oif_dynamic == oif_dynamic)
			return p;
	}
	return NULL;
}

/* The donor's plan of this chain, if its tables would start where ours
 * do and count into the same slots: then they are ours, slot for slot. */
static const struct bf_cgen_plan *donated(const struct bf_cgen *cg, enum bf_table_id table,
					  size_t chain_idx)
{
	const struct bf_cgen *donor = cg->plan_donor;
	const struct bf_cgen_plan *d;

	if (!donor || donor->classify != cg->classify || donor->slot_base != cg->slot_base ||
	    strcmp(donor->ifname ? donor->ifname : "", cg->ifname ? cg->ifname : ""))
		return NULL;
	d = find_plan(donor, cg->rs, table, chain_idx, cg->oif_dynamic);
	return d && d->table_start == cg->class_table.n ? d : NULL;
}

const struct bf_chain_plan *bf_cgen_chain_plan(struct bf_cgen *cg, enum bf_table_id table,
					       size_t chain_idx)
{
	const struct bf_cgen_plan *d;
	struct bf_cgen_plan *p;
	int err;

	p = (struct bf_cgen_plan *)find_plan(cg, cg->rs, table, chain_idx, cg->oif_dynamic);
	if (p)
		return &p->plan;
	if (!bf_cgen_grow(cg, (void **)&cg->plans, &cg->cap_plans, cg->n_plans, sizeof(*cg->plans)))
		return NULL;
	p = &cg->plans[cg->n_plans];
	d = donated(cg, table, chain_idx);
	if (d) {
		err = bf_class_table_append(&cg->class_table,
					    cg->plan_donor->class_table.slots + d->table_start,
					    d->table_end - d->table_start);
		if (err) {
			cg->err = err;
			return NULL;
		}
		*p = *d;
		p->borrowed = true;
		cg->n_plans++;
		return &p->plan;
	}
	*p = (struct bf_cgen_plan){.rs = cg->rs, .table = table, .chain_idx = chain_idx,
				   .oif_dynamic = cg->oif_dynamic,
				   .table_start = cg->class_table.n};
	err = bf_plan_chain(cg->rs, table, chain_idx, cg->ifname ? cg->ifname : "",
			    cg->oif_dynamic ? bf_oif_dynamic : "",
			    cg->classify, cg->slot_base, &cg->class_table, &p->plan);
	if (err == -E2BIG) {
		/* Past the map's bound: this chain stays linear. */
		bf_log(BF_LOG_WARN, "Warning: a chain is too large to classify; compiled linearly");
		err = bf_plan_chain(cg->rs, table, chain_idx, "", "", BF_CLASSIFY_OFF,
				    cg->slot_base, &cg->class_table, &p->plan);
	}
	if (err) {
		cg->err = err;
		return NULL;
	}
	p->table_end = cg->class_table.n;
	cg->n_plans++;
	return &p->plan;
}

/* Where key word w is in the context. */
static int key_word_off(enum bf_family f, unsigned int w)
{
	static const int v4[] = {BF_PKT_SADDR, BF_PKT_DADDR, BF_PKT_CLASS_META,
				 BF_PKT_CLASS_PORTS};

	if (f == BF_FAMILY_IPV4)
		return v4[w];
	if (w < 4)
		return BF_PKT_SADDR6 + 4 * (int)w;
	if (w < 8)
		return BF_PKT_DADDR6 + 4 * (int)(w - 4);
	return w == 8 ? BF_PKT_CLASS_META : BF_PKT_CLASS_PORTS;
}

/* r1 = key word w & mask. */
static void load_word(struct bf_cgen *cg, enum bf_family f, unsigned int w, uint32_t mask)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, key_word_off(f, w)));
	if (mask != 0xffffffff)
		bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)mask));
}

/* The meta and ports words (plan/classify.h) from the context. */
static void emit_key(struct bf_cgen *cg, enum bf_family f)
{
	int first = bf_label_new(cg), later = bf_label_new(cg), set = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
	if (f == BF_FAMILY_IPV6) {
		/* The header walk failed: meta 0 (only shadows of -p match). */
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_PROTO_OK));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), set);
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	bf_emit(cg, BPF_ALU32_IMM(BPF_OR, BPF_REG_1, BF_META_PROTO_OK));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), first);
	bf_emit(cg, BPF_ALU32_IMM(BPF_OR, BPF_REG_1, BF_META_FRAG));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 1, 0), later);
	bf_emit(cg, BPF_ALU32_IMM(BPF_OR, BPF_REG_1, BF_L4_FRAG1 << BF_META_L4_SHIFT));
	bf_emit_jump(cg, BPF_JMP_A(0), set);
	bf_label_bind(cg, later);
	bf_emit(cg, BPF_ALU32_IMM(BPF_OR, BPF_REG_1, BF_L4_FRAG << BF_META_L4_SHIFT));
	bf_emit_jump(cg, BPF_JMP_A(0), set);
	/* Offset 0: the TCP/UDP header (L4_OK) or the ICMP one (ICMP_OK; the
	 * protocol says which) read, with the TCP flags (0 but for TCP). */
	bf_label_bind(cg, first);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_TCPFLAGS));
	bf_emit(cg, BPF_ALU32_IMM(BPF_LSH, BPF_REG_2, BF_META_TCPFLAGS_SHIFT));
	bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_L4_OK));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_10, BF_PKT_ICMP_OK));
	bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_2, BPF_REG_3));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, 0), set);
	bf_emit(cg, BPF_ALU32_IMM(BPF_OR, BPF_REG_1, BF_L4_BAD << BF_META_L4_SHIFT));
	bf_label_bind(cg, set);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_META));

	/* sport << 16 | dport, or type << 16 | code: the prologue leaves the
	 * fields of the other protocols 0. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_SPORT));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_ICMP_TYPE));
	bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU32_IMM(BPF_LSH, BPF_REG_1, 16));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_DPORT));
	bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_ICMP_CODE));
	bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_PORTS));
}

/* One probe at the map index in r1: r0 = the slot, then to hit when it
 * holds the packet's masked key, else to miss (r0 kept). The first word
 * compared (in key order: an address when the tuple has one) leaves at
 * once on a difference, which is most misses; the rest are compared
 * without a branch each (their differences OR'ed into r3), and the meta
 * word always: an empty slot's is 0xffffffff, which no packet's is. Few
 * branches matter: the verifier keeps each one pending until the end of
 * the program, at most 8192 (rule.c). */
static void emit_probe(struct bf_cgen *cg, enum bf_family f, const struct bf_class_tuple *t,
		       int gone, int miss, int hit)
{
	unsigned int meta = bf_class_word(f, BF_CF_META);
	bool first = true;

	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_IDX));
	bf_emit_map_lookup(cg, BF_MAP_CLASS, BF_PKT_CLASS_IDX);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), gone);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, 0));
	for (unsigned int w = 0; w < bf_class_n_words(f); w++) {
		if (!t->mask[w] && w != meta)
			continue;
		if (t->mask[w])
			load_word(cg, f, w, t->mask[w]);
		else
			bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_0,
					offsetof(struct bf_class_slot, key) + 4 * w));
		if (first) {
			bf_emit_jump(cg, BPF_JMP32_REG(BPF_JNE, BPF_REG_1, BPF_REG_2, 0), miss);
			first = false;
			continue;
		}
		bf_emit(cg, BPF_ALU32_REG(BPF_XOR, BPF_REG_1, BPF_REG_2));
		bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_3, BPF_REG_1));
	}
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_3, 0, 0), miss);
	bf_emit_jump(cg, BPF_JMP_A(0), hit);
}

/* r1 = half + base + slot index of the hash in r9 (slot2: the second
 * hash). */
static void emit_slot(struct bf_cgen *cg, const struct bf_class_tuple *t, bool second)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	if (second) {
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 29));
		bf_emit(cg, BPF_ALU64_REG(BPF_XOR, BPF_REG_1, BPF_REG_9));
		bf_emit_ld_imm64(cg, BPF_REG_2, 0, BF_CLASS_MUL2);
		bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_1, BPF_REG_2));
	}
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 64 - (int)t->size_log2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, (int32_t)t->base));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_PKT_CLASS_HALF));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
}

/* Probes every tuple: none is skipped for an earlier find, so that the
 * code does not depend on where rules are in the chain (only their
 * shapes), and a change of rules is usually a change of the map alone. */
static void emit_tuple(struct bf_cgen *cg, enum bf_family f, const struct bf_class_tuple *t)
{
	int skip = bf_label_new(cg), probe2 = bf_label_new(cg), hit = bf_label_new(cg);
	unsigned int n = bf_class_n_words(f);
	bool guarded = false;

	/* The guard: one branch on the OR of the words' differences. */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, 0));
	for (unsigned int w = 0; w < n; w++) {
		if (!t->guard_mask[w])
			continue;
		load_word(cg, f, w, t->guard_mask[w]);
		bf_emit(cg, BPF_ALU32_IMM(BPF_XOR, BPF_REG_1, (int32_t)t->guard_val[w]));
		bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_3, BPF_REG_1));
		guarded = true;
	}
	if (guarded)
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_3, 0, 0), skip);
	/* bf_class_hash(): r9 = seed, then (r9 ^ word) * MUL per word. */
	bf_emit_ld_imm64(cg, BPF_REG_9, 0, t->seed);
	bf_emit_ld_imm64(cg, BPF_REG_4, 0, BF_CLASS_MUL);
	for (unsigned int w = 0; w < n; w++) {
		if (!t->mask[w])
			continue;
		load_word(cg, f, w, t->mask[w]);
		bf_emit(cg, BPF_ALU64_REG(BPF_XOR, BPF_REG_9, BPF_REG_1));
		bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_9, BPF_REG_4));
	}
	emit_slot(cg, t, false);
	emit_probe(cg, f, t, skip, probe2, hit);
	/* Not in slot 1: in slot 2 only if slot 1 says a key moved there. */
	bf_label_bind(cg, probe2);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, offsetof(struct bf_class_slot, moved)));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 0), skip);
	emit_slot(cg, t, true);
	emit_probe(cg, f, t, skip, skip, hit);

	/* r0: the slot; keep it when it is earlier than what was found. */
	bf_label_bind(cg, hit);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, offsetof(struct bf_class_slot, prio)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_PKT_CLASS_BEST));
	bf_emit_jump(cg, BPF_JMP32_REG(BPF_JGE, BPF_REG_1, BPF_REG_2, 0), skip);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_BEST));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, offsetof(struct bf_class_slot, action)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_ACTION));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, offsetof(struct bf_class_slot, slot)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_SLOT));
	bf_label_bind(cg, skip);
}

/* BF_PKT_CLASS_HALF from the map's header (plan/classify.h); a map
 * without one (cannot be) drops the packet. */
static void emit_half(struct bf_cgen *cg)
{
	int ok = bf_label_new(cg);

	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_CLASS_IDX, 0));
	bf_emit_map_lookup(cg, BF_MAP_CLASS, BF_PKT_CLASS_IDX);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), ok);
	bf_emit_verdict(cg, BF_VERDICT_DROP);
	bf_label_bind(cg, ok);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, offsetof(struct bf_class_slot, key)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_CLASS_HALF));
}

int bf_emit_class_stage(struct bf_cgen *cg, const struct bf_class_stage *st, size_t chain_idx,
			const struct bf_flow *flow)
{
	int none = bf_label_new(cg), hotdrop = bf_label_new(cg);
	int err;

	if (!st->n_tuples)
		return cg->err; /* no rule of the run matches here */
	emit_half(cg);
	emit_key(cg, st->family);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_CLASS_BEST, (int32_t)BF_CLASS_EMPTY));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_CLASS_ACTION, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_CLASS_SLOT, 0));
	for (size_t i = 0; i < st->n_tuples; i++)
		emit_tuple(cg, st->family, &st->tuples[i]);

	/* The rule found: its counter, then its action; a shadow's (action
	 * 0) is iptables' hotdrop. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_CLASS_BEST));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, (int32_t)BF_CLASS_EMPTY, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_PKT_CLASS_ACTION));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_CLASS_SLOT));
	bf_emit_count_reg(cg, BPF_REG_1);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_CLASS_ACTION));
	for (size_t a = 1; a < st->n_actions; a++) {
		int other = bf_label_new(cg);

		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, (int32_t)a, 0), other);
		/* Stage targets end the walk (a verdict, RETURN, -g): none
		 * continues to the next rule. */
		err = bf_emit_target_flow(cg, st->actions[a], none, flow);
		if (err)
			return cg->err ? cg->err : (cg->err = err);
		bf_label_bind(cg, other);
	}
	/* No such action: cannot happen; fail closed. */
	bf_emit_verdict(cg, BF_VERDICT_DROP);
	bf_label_bind(cg, hotdrop);
	bf_emit_verdict(cg, BF_VERDICT_DROP);
	bf_label_bind(cg, none);
	return cg->err;
}
