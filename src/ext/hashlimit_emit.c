/* -m hashlimit compiled: xt_hashlimit's hashlimit_mt_common (revision 3)
 * on the namespace's BF_MAP_HASHLIMIT (cgen/named.h). A table takes its
 * configuration (mode, masks, rate and burst of new entries, sizes and
 * expiry) from the first rule of its name and family in the ruleset, as
 * the kernel from the rule that created it; each rule keeps its own
 * inversion, byte and rate-match tests, as the kernel's rule cfg.
 *
 * Expiry: the kernel's garbage collector frees entries idle for
 * --hashlimit-htable-expire ms every --hashlimit-htable-gcinterval ms.
 * Here an entry met again after its expiry starts again as a new one
 * (what the kernel does once gc ran), and when the table is full the
 * expired entries are removed (at most once per gc interval), then, as
 * in the kernel, a packet that would need a new entry in a full table is
 * hotdropped. Entries are updated without a lock: packets of one entry
 * on several CPUs at once may each see the credit before the other's. */
#include <errno.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/named.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/hashlimit.h"
#include "ext/stateful_util.h"

extern const struct bf_match_ops bf_match_hashlimit;

/* Stack of the match's code (cgen.h's match scratch): the key, and one
 * area for the meta entry's key, then purge's context, then a new
 * entry's value, each done with before the next. */
enum {
	HL_KEY = BF_PKT_MATCH_LOW,  /* struct bf_hl_key */
	HL_TMP = BF_PKT_MATCH_HIGH, /* 48 bytes */
	HL_NOW = HL_TMP + 48,       /* u64 jiffies */
};
#define HL_MKEY HL_TMP /* struct bf_hl_key of the meta entry */
#define HL_CTX HL_TMP  /* purge's context: table, now, freed */
#define HL_NEW HL_TMP  /* struct bf_hl_entry of a new entry */
_Static_assert(sizeof(struct bf_hl_key) == 48 && sizeof(struct bf_hl_entry) <= 48 &&
	       HL_NOW + 8 <= BF_PKT_MATCH_HIGH + 56, "hashlimit's stack");

#define CPJ_SHIFT 39 /* CREDITS_PER_JIFFY (64 bits) is 2^39 at HZ 250 */
#define CPJ_BYTES_SHIFT 24 /* CREDITS_PER_JIFFY_BYTES is 2^24 at HZ 250 */
#define CAP_BYTES ((uint64_t)BF_KERNEL_HZ << CPJ_BYTES_SHIFT)

#define OFF(f) ((int16_t)offsetof(struct bf_hl_entry, f))

static uint64_t user2credits(uint64_t user)
{
	return user * HL_CREDITS_MULT;
}

static uint32_t user2credits_byte(uint32_t user)
{
	return (uint32_t)(((uint64_t)user * CAP_BYTES) >> 32);
}

/* htable_create's size and max for a table made by m. */
static uint32_t table_max(const struct match_hashlimit *m)
{
	uint64_t size = m->cfg.size, max = m->cfg.max;

	if (!size) {
		struct sysinfo si;
		uint64_t ram = 0, page = (uint64_t)sysconf(_SC_PAGESIZE);

		if (!sysinfo(&si))
			ram = (uint64_t)si.totalram * si.mem_unit;
		size = ram / 16384 / sizeof(void *);
		if (ram / page > (1u << 30) / page)
			size = 8192;
		if (size < 16)
			size = 16;
	}
	if (!max)
		max = 8 * size;
	else if (max < size)
		max = size;
	return max > BF_NAMED_MAP_ENTRIES ? BF_NAMED_MAP_ENTRIES : (uint32_t)max;
}

static bool same_name(const void *data, const void *arg)
{
	const struct match_hashlimit *o = data;

	return !strcmp(o->name, arg);
}

/* The first rule of the ruleset naming this table: its creator. */
static const struct match_hashlimit *table_cfg(const struct bf_cgen *cg,
					       const struct match_hashlimit *m)
{
	const struct match_hashlimit *t = bf_sf_first_match(cg->rs, &bf_match_hashlimit,
							    same_name, m->name);

	return t ? t : m;
}

static uint32_t mask_word(unsigned int plen, unsigned int w)
{
	unsigned int bits = plen > 32 * w ? plen - 32 * w : 0;

	return bits >= 32 ? 0xffffffffu : bits ? ~0u << (32 - bits) : 0;
}

/* key[off..] = the address at ctx offset `from` masked to plen. */
static void key_addr(struct bf_cgen *cg, enum bf_family family, int from, int off,
		     unsigned int plen)
{
	unsigned int words = family == BF_FAMILY_IPV6 ? 4 : 1;

	for (unsigned int w = 0; w < words; w++) {
		uint32_t mask = mask_word(plen, w);

		if (!mask)
			continue;
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, from + 4 * (int)w));
		if (mask != 0xffffffffu)
			bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)mask));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, off + 4 * (int)w));
	}
}

/* hashlimit_init_dst's ports: the 4 bytes proto_ports_offset() names
 * (ports, or an SPI), 0 for other protocols; a header cut short, or an
 * IPv6 chain that cannot be walked, hotdrops. */
static void key_ports(struct bf_cgen *cg, enum bf_family family, uint32_t mode)
{
	static const uint8_t at0[] = {6, 17, 33, 50, 132, 136}; /* TCP UDP DCCP ESP SCTP UDPLITE */
	int read0 = bf_label_new(cg), read4 = bf_label_new(cg), done = bf_label_new(cg);
	int read = bf_label_new(cg);

	if (family == BF_FAMILY_IPV6) {
		/* ipv6_skip_exthdr: fails on a cut chain and on "no next
		 * header", stops at a fragment header that is not the first
		 * (a protocol without ports). The prologue's walk (find_hdr)
		 * failed: on a cut chain (slots of headers not met say so), or
		 * at such a fragment followed by an extension header. */
		static const int slots[] = {BF_PKT_HDR_HBH, BF_PKT_HDR_DST, BF_PKT_HDR_RT,
					    BF_PKT_HDR_FRAG, BF_PKT_HDR_AH};
		int walked = bf_label_new(cg);

		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO_OK));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), walked);
		for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
			bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, slots[i]));
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, BF_EXTHDR_BAD, 0),
				     cg->lbl_hotdrop);
		}
		bf_emit_jump(cg, BPF_JMP_A(0), done);
		bf_label_bind(cg, walked);
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), done);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 59, 0), cg->lbl_hotdrop);
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	for (size_t i = 0; i < sizeof(at0); i++)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, at0[i], 0), read0);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 51, 0), read4); /* AH */
	bf_emit_jump(cg, BPF_JMP_A(0), done);
	bf_label_bind(cg, read4);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 4));
	bf_emit_jump(cg, BPF_JMP_A(0), read);
	bf_label_bind(cg, read0);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	bf_label_bind(cg, read);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_4));
	bf_emit_pkt_bytes(cg, BPF_REG_3, 4, BPF_REG_2, cg->lbl_hotdrop);
	if (mode & HL_HASH_SPT) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 0));
		bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1,
					HL_KEY + (int)offsetof(struct bf_hl_key, sport)));
	}
	if (mode & HL_HASH_DPT) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 2));
		bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1,
					HL_KEY + (int)offsetof(struct bf_hl_key, dport)));
	}
	bf_label_bind(cg, done);
}

/* The purge's callback (bpf_for_each_map_elem): deletes the entries of
 * ctx's table that expired by ctx's now, and counts them. */
static void emit_purge_cb(struct bf_cgen *cg, int arg)
{
	int keep = bf_label_new(cg);

	/* r1 map, r2 key, r3 value, r4 ctx {table, now, freed} */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_2, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, 0));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JNE, BPF_REG_5, BPF_REG_0, 0), keep);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_2, offsetof(struct bf_hl_key, meta)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 0, 0), keep);
	/* select_gc: time_after_eq(now, expires) */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, 8));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_3, OFF(expires)));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_5));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BPF_REG_0, 0, 0), keep);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_0, 16));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_delete_elem));
	bf_label_bind(cg, keep);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit(cg, BPF_EXIT_INSN());
}

/* rateinfo_init into the entry at r9 (prev and expires aside); r1-r3
 * clobbered. */
static void emit_init(struct bf_cgen *cg, const struct match_hashlimit *t)
{
	uint32_t mode = t->cfg.mode;

	if (mode & HL_RATE_MATCH) {
		bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_9, OFF(credit), 0));
		bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_9, OFF(cap), 0));
		return;
	}
	if (mode & HL_BYTES) {
		bf_emit_ld_imm64(cg, BPF_REG_1, 0, CAP_BYTES);
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(credit)));
		bf_emit_ld_imm64(cg, BPF_REG_1, 0, user2credits_byte((uint32_t)t->cfg.avg));
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(cost)));
		bf_emit_ld_imm64(cg, BPF_REG_1, 0, t->cfg.burst);
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(cap)));
		return;
	}
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, user2credits(t->cfg.avg * t->cfg.burst));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(credit)));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(cap)));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, user2credits(t->cfg.avg));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(cost)));
}

static uint64_t rate_of(const struct match_hashlimit *t)
{
	uint32_t avg = (uint32_t)t->cfg.avg;
	uint64_t r;

	if (!(t->cfg.mode & HL_BYTES))
		return t->cfg.avg ? HL_SCALE / t->cfg.avg : 0; /* user2rate */
	r = avg ? UINT32_MAX / avg : UINT32_MAX;               /* user2rate_bytes */
	return (r - 1) << HL_BYTE_SHIFT;
}

static uint64_t rate_burst(const struct match_hashlimit *t)
{
	uint64_t rate = rate_of(t);

	if (t->cfg.mode & HL_BYTES)
		return t->cfg.burst ? t->cfg.burst * rate : rate;
	return t->cfg.burst + rate;
}

/* rateinfo_recalc of the entry at r9, r2 = now; r1-r5 clobbered. */
static void emit_recalc(struct bf_cgen *cg, const struct match_hashlimit *t)
{
	int done = bf_label_new(cg), capped = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(prev)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_3, BPF_REG_1)); /* r3: delta */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0, 0), done);
	if (t->cfg.mode & HL_RATE_MATCH) {
		uint64_t interval = (uint64_t)t->cfg.interval * BF_KERNEL_HZ;

		bf_emit_ld_imm64(cg, BPF_REG_4, 0, interval);
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_3, BPF_REG_4, 0), done);
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_2, OFF(prev)));
		/* prev_window = current_rate * interval > delta * rate */
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_9, OFF(credit)));
		bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_5, BPF_REG_4));
		bf_emit_ld_imm64(cg, BPF_REG_4, 0, rate_of(t));
		bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_3, BPF_REG_4));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_5, BPF_REG_3, 0), capped);
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
		bf_label_bind(cg, capped);
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(cap)));
		bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_9, OFF(credit), 0));
		bf_label_bind(cg, done);
		return;
	}
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_2, OFF(prev)));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(credit)));
	if (t->cfg.mode & HL_BYTES) {
		int set_cap = bf_label_new(cg);

		bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, CPJ_BYTES_SHIFT));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
		bf_emit_ld_imm64(cg, BPF_REG_4, 0, CAP_BYTES);
		/* an overflow (old >= new) or past the cap: the cap */
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, BPF_REG_1, BPF_REG_3, 0), set_cap);
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BPF_REG_3, BPF_REG_4, 0), capped);
		bf_label_bind(cg, set_cap);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_4));
	} else {
		bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, CPJ_SHIFT));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_9, OFF(cap)));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BPF_REG_3, BPF_REG_4, 0), capped);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_4));
	}
	bf_label_bind(cg, capped);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_3, OFF(credit)));
	bf_label_bind(cg, done);
}

/* The rule's test on the entry at r9: r4 = 1 under the limit, else 0;
 * r0-r5 clobbered. */
static void emit_test(struct bf_cgen *cg, const struct match_hashlimit *m,
		      const struct match_hashlimit *t)
{
	int over = bf_label_new(cg), done = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	if (m->cfg.mode & HL_RATE_MATCH) {
		if (m->cfg.mode & HL_BYTES)
			bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
		else
			bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_9, OFF(credit)));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1));
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_2, OFF(credit)));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(cap)));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), over);
		bf_emit_ld_imm64(cg, BPF_REG_1, 0, rate_burst(t));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_2, BPF_REG_1, 0), over);
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
		bf_label_bind(cg, over);
		bf_label_bind(cg, done);
		return;
	}
	if (m->cfg.mode & HL_BYTES) {
		int capped = bf_label_new(cg), have = bf_label_new(cg);

		/* hashlimit_byte_cost: ((len >> 4) + 1) * cost, at most the
		 * cap; a credit short of it takes a refill while credit_cap
		 * lasts. */
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, BF_PKT_LEN));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_3, HL_BYTE_SHIFT));
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(cost)));
		bf_emit(cg, BPF_ALU64_REG(BPF_MUL, BPF_REG_3, BPF_REG_1));
		bf_emit_ld_imm64(cg, BPF_REG_5, 0, CAP_BYTES);
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BPF_REG_3, BPF_REG_5, 0), capped);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_5));
		bf_label_bind(cg, capped);
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_9, OFF(credit)));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, BPF_REG_2, BPF_REG_3, 0), have);
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(cap)));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), have);
		bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1));
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(cap)));
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_5));
		bf_label_bind(cg, have);
		bf_emit(cg, BPF_MOV32_REG(BPF_REG_3, BPF_REG_3)); /* (u32) tmp */
	} else {
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_9, OFF(credit)));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_9, OFF(cost)));
	}
	/* r2: credit, r3: cost */
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_2, BPF_REG_3, 0), over);
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
	bf_label_bind(cg, over);
	/* the credit as it is now (a refill may have set it) */
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_2, OFF(credit)));
	bf_label_bind(cg, done);
}

int bf_hashlimit_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		      const struct match_hashlimit *m, int no_match)
{
	const struct match_hashlimit *t = table_cfg(cg, m);
	enum bf_family family = rule->ip.family;
	uint64_t id = bf_named_id(BF_MAP_HASHLIMIT, t->name, family);
	uint64_t expire = bf_ms_to_jiffies(t->cfg.expire);
	uint64_t gc = bf_ms_to_jiffies(t->cfg.gc_interval);
	int found = bf_label_new(cg), fresh = bf_label_new(cg), live = bf_label_new(cg);
	int test = bf_label_new(cg), room = bf_label_new(cg), init = bf_label_new(cg), cb;

	/* The key, as hashlimit_init_dst makes it with the table's mode. */
	bf_emit_stack_zero(cg, HL_KEY, sizeof(struct bf_hl_key));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, id);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, HL_KEY));
	if (t->cfg.mode & HL_HASH_SIP)
		key_addr(cg, family, family == BF_FAMILY_IPV6 ? BF_PKT_SADDR6 : BF_PKT_SADDR,
			 HL_KEY + (int)offsetof(struct bf_hl_key, src), t->cfg.srcmask);
	if (t->cfg.mode & HL_HASH_DIP)
		key_addr(cg, family, family == BF_FAMILY_IPV6 ? BF_PKT_DADDR6 : BF_PKT_DADDR,
			 HL_KEY + (int)offsetof(struct bf_hl_key, dst), t->cfg.dstmask);
	if (t->cfg.mode & (HL_HASH_SPT | HL_HASH_DPT))
		key_ports(cg, family, t->cfg.mode);

	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_jiffies64));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, HL_NOW));
	bf_emit_map_lookup(cg, BF_MAP_HASHLIMIT, HL_KEY);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), found);

	/* dsthash_alloc_init: the table's meta entry (none: the table is
	 * being removed, no match), room for one more. */
	bf_emit_stack_zero(cg, HL_MKEY, sizeof(struct bf_hl_key));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, id);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, HL_MKEY));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, HL_MKEY + (int)offsetof(struct bf_hl_key, meta), 1));
	bf_emit_map_lookup(cg, BF_MAP_HASHLIMIT, HL_MKEY);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), no_match);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, offsetof(struct bf_hl_meta, count)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, (int32_t)table_max(t), 0), room);
	/* Full: remove the expired entries, once per gc interval. */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, HL_NOW));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9,
				offsetof(struct bf_hl_meta, last_purge)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_3, BPF_REG_1));
	bf_emit_ld_imm64(cg, BPF_REG_4, 0, gc);
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_3, BPF_REG_4, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_2,
				offsetof(struct bf_hl_meta, last_purge)));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, id);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, HL_CTX));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, HL_CTX + 8));
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, HL_CTX + 16, 0));
	cb = bf_cgen_func(cg, emit_purge_cb, 0);
	bf_emit_for_each_map(cg, BF_MAP_HASHLIMIT, cb, HL_CTX);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, HL_CTX + 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_NEG, BPF_REG_1, 0));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_9, BPF_REG_1,
				  offsetof(struct bf_hl_meta, count)));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, offsetof(struct bf_hl_meta, count)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGE, BPF_REG_1, (int32_t)table_max(t), 0),
		     cg->lbl_hotdrop);
	bf_label_bind(cg, room);
	/* A new entry, counted once it is in (another CPU may have put it
	 * there first: then it is that one, as the kernel's race). */
	bf_emit_stack_zero(cg, HL_NEW, sizeof(struct bf_hl_entry));
	bf_emit_map_update(cg, BF_MAP_HASHLIMIT, HL_KEY, HL_NEW, BPF_NOEXIST);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 0, 0), fresh); /* not added */
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_9, BPF_REG_1,
				  offsetof(struct bf_hl_meta, count)));
	bf_label_bind(cg, fresh);
	bf_emit_map_lookup(cg, BF_MAP_HASHLIMIT, HL_KEY);
	/* Not there: the map itself is full (kmem_cache_alloc failing). */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(prev)));
	/* Someone else's entry (prev set): as one found. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), live);
	bf_emit_jump(cg, BPF_JMP_A(0), init);

	/* Found: one gc would have removed starts again as a new one. */
	bf_label_bind(cg, found);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, HL_NOW));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, OFF(expires)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_3, BPF_REG_1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSGE, BPF_REG_3, 0, 0), init);
	bf_label_bind(cg, live);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, HL_NOW));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, expire);
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(expires)));
	emit_recalc(cg, t);
	bf_emit_jump(cg, BPF_JMP_A(0), test);

	/* rateinfo_init, prev and expires from now */
	bf_label_bind(cg, init);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, HL_NOW));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_2, OFF(prev)));
	bf_emit_ld_imm64(cg, BPF_REG_1, 0, expire);
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_9, BPF_REG_1, OFF(expires)));
	emit_init(cg, t);

	bf_label_bind(cg, test);
	emit_test(cg, m, t);
	bf_emit_jump(cg, BPF_JMP_IMM(m->cfg.mode & HL_INVERT ? BPF_JNE : BPF_JEQ, BPF_REG_4, 0, 0),
		     no_match);
	return 0;
}
