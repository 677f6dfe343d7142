/* REJECT in the netfilter stage: the slot and the programs around it
 * (nf_reject.h). Pointers go into the slot and are compared as numbers:
 * the verifier allows both to a privileged loader, as bpfilter is. */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/netfilter/nf_tables.h>
#include <stddef.h>

#include "cgen/insn.h"
#include "cgen/nf.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"

const struct bf_nf_answer bf_nf_answers[] = {
	{NFT_REJECT_TCP_RST, 0},
	/* ICMP codes of ipt_REJECT's answers (net, host, protocol, port
	 * unreachable, net, host, admin prohibited) and ICMPv6 codes of
	 * ip6t_REJECT's (no route, admin prohibited, address, port
	 * unreachable, policy fail, reject route); a code both have is one
	 * rule, nft answering each family with its own protocol. */
	{NFT_REJECT_ICMP_UNREACH, 0},
	{NFT_REJECT_ICMP_UNREACH, 1},
	{NFT_REJECT_ICMP_UNREACH, 2},
	{NFT_REJECT_ICMP_UNREACH, 3},
	{NFT_REJECT_ICMP_UNREACH, 4},
	{NFT_REJECT_ICMP_UNREACH, 5},
	{NFT_REJECT_ICMP_UNREACH, 6},
	{NFT_REJECT_ICMP_UNREACH, 9},
	{NFT_REJECT_ICMP_UNREACH, 10},
	{NFT_REJECT_ICMP_UNREACH, 13},
};
const size_t bf_nf_n_answers = sizeof(bf_nf_answers) / sizeof(bf_nf_answers[0]);

uint32_t bf_nf_reject_kind(struct bf_nf_answer a)
{
	return 1 + ((uint32_t)a.type << 8 | a.code);
}

/* The key (0) of the one-entry map. In the stage's program the Ethernet
 * source's scratch, read by then. */
#define KEY_OFF BF_NF_MAC

int bf_emit_nf_reject(struct bf_cgen *cg, struct bf_nf_answer a)
{
	int fail;

	if (!cg->hook->nf_answers)
		return -EOPNOTSUPP;
	fail = bf_label_new(cg);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, KEY_OFF, 0));
	bf_emit_map_lookup(cg, BF_MAP_NF_REJECT, KEY_OFF);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), fail);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_SKB));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1,
				offsetof(struct bf_nf_reject_slot, skb)));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_0, offsetof(struct bf_nf_reject_slot, kind),
			       (int32_t)bf_nf_reject_kind(a)));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_ACCEPT));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, fail);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	return cg->err;
}

/* r0 = the slot of map_fd, or to `none` (clobbers r1-r5). */
static void lookup_slot(struct bf_cgen *cg, int map_fd, int none)
{
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0));
	bf_emit_ld_imm64(cg, BPF_REG_1, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), none);
}

void bf_emit_nf_reject_clear(struct bf_cgen *cg, int map_fd)
{
	int done = bf_label_new(cg);

	lookup_slot(cg, map_fd, done);
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_0, offsetof(struct bf_nf_reject_slot, skb), 0));
	bf_label_bind(cg, done);
}

/* To `no` unless the slot (r0) names the skb in `skb`; clobbers r1. */
static void if_named(struct bf_cgen *cg, int skb, int no)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0,
				offsetof(struct bf_nf_reject_slot, skb)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), no);
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JNE, BPF_REG_1, skb, 0), no);
}

/* Empties the slot (r0), returns ret. */
static void take(struct bf_cgen *cg, int ret)
{
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_0, offsetof(struct bf_nf_reject_slot, skb), 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, ret));
	bf_emit(cg, BPF_EXIT_INSN());
}

int bf_cgen_nf_reject_match(struct bf_cgen *cg, int map_fd, struct bf_nf_answer a)
{
	int no = bf_label_new(cg);

	/* A socket filter's context is the sk_buff itself. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1));
	lookup_slot(cg, map_fd, no);
	if_named(cg, BPF_REG_6, no);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0,
				offsetof(struct bf_nf_reject_slot, kind)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, (int32_t)bf_nf_reject_kind(a), 0), no);
	take(cg, 1);
	bf_label_bind(cg, no);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit(cg, BPF_EXIT_INSN());
	return bf_cgen_finish(cg);
}

int bf_cgen_nf_reject_guard(struct bf_cgen *cg, int map_fd)
{
	int accept = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_1, BF_NF_CTX_SKB));
	lookup_slot(cg, map_fd, accept);
	if_named(cg, BPF_REG_6, accept);
	take(cg, BF_NF_DROP);
	bf_label_bind(cg, accept);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_ACCEPT));
	bf_emit(cg, BPF_EXIT_INSN());
	return bf_cgen_finish(cg);
}
