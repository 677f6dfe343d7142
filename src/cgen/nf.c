/* The netfilter LOCAL_IN hook (nf.h). The program cannot read the packet
 * directly: it copies the first bytes of the network header onto the
 * stack (bpf_dynptr_from_skb + bpf_dynptr_read, which also read
 * non-linear skbs, as a reassembled datagram is) and points BF_REG_L3 /
 * BF_REG_END at the copy, so the IPv4 prologue and every match emitter
 * work unchanged. sk_buff fields are read through the BTF pointer the
 * context gives, at offsets from the running kernel's BTF. */
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "cgen/log_event.h"
#include "cgen/nf.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "cgen/skb_copy.h"
#include "kern/btf_offsets.h"

#define R_SKB BPF_REG_9


/* The copy and the hook's scratch lie below the packet context. */
_Static_assert(BF_NF_BUF + BF_NF_BUF_LEN <= -BF_PKT_SIZE, "stack overlaps the context");
_Static_assert(BF_NF_TOTLEN >= -512, "beyond the BPF stack");

/* Leaves for `accept` unless state->in is the interface compiled for:
 * the name compared as two 8-byte words (names are at most 15 bytes
 * plus NUL, the rest of the array zeroed by the kernel). */
static void check_iface(struct bf_cgen *cg, const struct bf_nf_offsets *o, int accept)
{
	char name[16] = {0};
	uint64_t w[2];

	if (!cg->ifname || !*cg->ifname)
		return;
	strncpy(name, cg->ifname, sizeof(name) - 1);
	memcpy(w, name, sizeof(w));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, o->state_in));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), accept);
	for (int i = 0; i < 2; i++) {
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, o->dev_name + 8 * i));
		bf_emit_ld_imm64(cg, BPF_REG_3, 0, w[i]);
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JNE, BPF_REG_2, BPF_REG_3, 0), accept);
	}
}

/* To `yes` for the packets this stage judges: datagrams the stack
 * reassembled (ip_frag_reasm, or conntrack's IPv6 defragmentation, set
 * IPCB(skb) / IP6CB(skb)->frag_max_size, the largest fragment's size;
 * the IP layers zeroed the control block of every other packet), and
 * those XDP deferred (ct.h). r6 the context. Clobbers r0-r5. */
static void emit_ours(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb_reg, int yes)
{
	int v6 = bf_label_new(cg), marked = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_1, o->state_pf));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, BF_NFPROTO_IPV6, 0), v6);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, skb_reg, o->skb_ipcb_frag_max_size));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), yes);
	bf_emit_jump(cg, BPF_JMP_A(0), marked);
	bf_label_bind(cg, v6);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, skb_reg, o->skb_ip6cb_frag_max_size));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), yes);
	bf_label_bind(cg, marked);
	bf_emit_ct_deferred(cg, o, skb_reg, yes);
}

/* The conntrack state, once the prologue has filled the context (it took
 * r9, the skb, as scratch). */
static void emit_ct(struct bf_cgen *cg, const struct bf_nf_offsets *o, enum bf_family family)
{
	if (!cg->ct_needs[family])
		return;
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, R_SKB, BF_REG_CTX, BF_NF_CTX_SKB));
	bf_emit_ct_nf(cg, o, R_SKB, cg->ct_needs[family]);
}

static void nf_prologue_common(struct bf_cgen *cg, bool reassembled_only)
{
	int accept = bf_label_new(cg), drop = bf_label_new(cg), parsed = bf_label_new(cg);
	int ipv6 = bf_label_new(cg);
	struct bf_nf_offsets o;

	if (!bf_skb_offsets(cg, &o))
		return;
	bf_emit(cg, BPF_MOV64_REG(BF_REG_CTX, BPF_REG_1));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, R_SKB, BF_REG_CTX, BF_NF_CTX_SKB));
	if (reassembled_only) {
		int judge = bf_label_new(cg);

		emit_ours(cg, &o, R_SKB, judge);
		bf_emit_jump(cg, BPF_JMP_A(0), accept);
		bf_label_bind(cg, judge);
	}
	check_iface(cg, &o, accept);
	bf_emit_skb_link(cg, &o, R_SKB, true);
	bf_emit_skb_copy(cg, &o, R_SKB, R_SKB, drop);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_1, o.state_pf));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, BF_NFPROTO_IPV6, 0), ipv6);
	/* Without an IPv4 ruleset XDP left IPv4 alone: so does this stage. */
	if (!cg->judge_v4)
		bf_emit_jump(cg, BPF_JMP_A(0), accept);
	bf_emit_skb_copy_shorten(cg);
	/* The stack checked this header already; failing here is ours: a
	 * datagram we cannot judge is dropped, never let through unjudged. */
	bf_emit_ipv4_prologue(cg, drop);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_NF_TOTLEN));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_LEN));
	emit_ct(cg, &o, BF_FAMILY_IPV4);
	bf_emit_jump(cg, BPF_JMP_A(0), parsed);
	bf_label_bind(cg, ipv6);
	if (cg->judge_v6) {
		bf_emit_skb_copy_shorten6(cg);
		bf_emit_ipv6_prologue(cg, drop);
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_NF_TOTLEN));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_LEN));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_IP6_PLEN));
		emit_ct(cg, &o, BF_FAMILY_IPV6);
		/* Past every IPv4 rule: a 32-bit jump. */
		bf_emit_goto_far(cg, cg->lbl_v6);
	} else {
		bf_emit_jump(cg, BPF_JMP_A(0), accept);
	}
	bf_label_bind(cg, accept);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_ACCEPT));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, drop);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, parsed);
}

static void nf_prologue(struct bf_cgen *cg)
{
	nf_prologue_common(cg, true);
}

void bf_nf_prologue_all(struct bf_cgen *cg)
{
	nf_prologue_common(cg, false);
}

/* The LOG target's copy (cgen.h): the Ethernet header from the skb's MAC
 * header (the first fragment's), then the datagram from its network
 * header, read again through the prologue's dynptr (the stack copy is
 * shorter and its total length rewritten). r9 is the event; the skb is
 * read again from the context after each call. */
void bf_nf_log_frame(struct bf_cgen *cg)
{
	int no_mac = bf_label_new(cg), fits = bf_label_new(cg), failed = bf_label_new(cg);
	int done = bf_label_new(cg);
	struct bf_nf_offsets o;

	if (!bf_skb_offsets(cg, &o))
		return;
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_9, offsetof(struct bf_log_event, l3_off), ETH_HLEN));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_9, offsetof(struct bf_log_event, cap), ETH_HLEN));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_9, offsetof(struct bf_log_event, mac_len), 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BF_REG_CTX, BF_NF_CTX_SKB));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_2, o.skb_mac_header));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0xffff, 0), no_mac);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, o.skb_head));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, offsetof(struct bf_log_event, data)));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, ETH_HLEN));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), no_mac);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_9, offsetof(struct bf_log_event, mac_len), ETH_HLEN));
	bf_label_bind(cg, no_mac);

	/* r4: the network header's offset in the dynptr; r2: the bytes
	 * from there, at most what the event holds. */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_5, BF_REG_CTX, BF_NF_CTX_SKB));
	bf_emit_skb_nh_offset(cg, &o, BPF_REG_5, BPF_REG_4);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BPF_REG_4, 0, 0), failed);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_5, o.skb_len));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_4));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLE, BPF_REG_2, 0, 0), failed);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_2, BF_LOG_DATA - ETH_HLEN, 0), fits);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, BF_LOG_DATA - ETH_HLEN));
	bf_label_bind(cg, fits);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, ETH_HLEN));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_9, BPF_REG_0, offsetof(struct bf_log_event, cap)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, offsetof(struct bf_log_event, data) + ETH_HLEN));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, BF_NF_DYNPTR));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_5, 0));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_dynptr_read));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), done);
	bf_label_bind(cg, failed);
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_9, offsetof(struct bf_log_event, cap), ETH_HLEN));
	bf_label_bind(cg, done);
}

int bf_nf_verdict_code(enum bf_verdict v)
{
	return v == BF_VERDICT_ACCEPT ? BF_NF_ACCEPT : BF_NF_DROP;
}

const struct bf_hook_ops bf_hook_nf_local_in = {
	.name = "nf_local_in",
	.prog_type = BF_PROG_TYPE_NETFILTER,
	.expected_attach_type = BF_ATTACH_NETFILTER,
	.prologue = nf_prologue,
	.verdict_code = bf_nf_verdict_code,
	.check = bf_cgen_check,
	/* Within the copy of the header (BF_NF_BUF): pointers compared with
	 * BF_REG_END bound nothing for the verifier there. */
	.walk_max = BF_NF_BUF_LEN - 4,
	.log_frame = bf_nf_log_frame,
	.nf_answers = true,
};

const struct bf_hook_ops bf_hook_nf_local_in_all = {
	.name = "nf_local_in_all",
	.prog_type = BF_PROG_TYPE_NETFILTER,
	.expected_attach_type = BF_ATTACH_NETFILTER,
	.prologue = bf_nf_prologue_all,
	.verdict_code = bf_nf_verdict_code,
	.check = bf_cgen_check,
	/* Within the copy of the header (BF_NF_BUF): pointers compared with
	 * BF_REG_END bound nothing for the verifier there. */
	.walk_max = BF_NF_BUF_LEN - 4,
	.log_frame = bf_nf_log_frame,
	.nf_answers = true,
};

/* The dispatcher (nf.h). Only reassembled datagrams and deferred packets
 * concern filter INPUT here: everything else leaves after emptying the
 * REJECT slot and three instructions. */
int bf_cgen_nf_dispatcher(struct bf_cgen *cg, int slots_fd, int ifmap_fd, int reject_fd)
{
	int accept = bf_label_new(cg), ours = bf_label_new(cg);
	struct bf_nf_offsets o;

	if (!bf_skb_offsets(cg, &o))
		return cg->err;
	cg->hook = &bf_hook_nf_local_in;
	bf_emit(cg, BPF_MOV64_REG(BF_REG_CTX, BPF_REG_1));
	bf_emit_nf_reject_clear(cg, reject_fd);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_7, BF_REG_CTX, BF_NF_CTX_SKB));
	emit_ours(cg, &o, BPF_REG_7, ours);
	bf_emit_jump(cg, BPF_JMP_A(0), accept);
	bf_label_bind(cg, ours);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, o.state_in));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), accept);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_1, o.dev_ifindex));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4));
	bf_emit_ld_imm64(cg, BPF_REG_1, BPF_PSEUDO_MAP_FD, (uint32_t)ifmap_fd);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), accept);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_0, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit_ld_imm64(cg, BPF_REG_2, BPF_PSEUDO_MAP_FD, (uint32_t)slots_fd);
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_tail_call));
	/* An attached interface whose slot is empty: fail closed. */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, accept);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_ACCEPT));
	bf_emit(cg, BPF_EXIT_INSN());
	return bf_cgen_finish(cg);
}
