/* The copy of a packet's first bytes that programs without direct
 * packet access (netfilter) or with only the linear part of the skb in
 * reach (TC egress: a TCP segment's payload sits in pages) judge: see
 * skb_copy.h. */
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <stddef.h>

#include "cgen.h"
#include "cgen/insn.h"
#include "cgen/skb_copy.h"

/* Weak: builds of the code generator without src/kern (the fuzzers) link
 * without it, and then these hooks cannot compile. */
extern int bf_nf_offsets_get(struct bf_nf_offsets *o) __attribute__((weak));

bool bf_skb_offsets(struct bf_cgen *cg, struct bf_nf_offsets *o)
{
	int err = bf_nf_offsets_get ? bf_nf_offsets_get(o) : -EOPNOTSUPP;

	if (err && !cg->err)
		cg->err = err;
	return !err;
}

/* ETH_TYPE from skb->pkt_type (what the pkttype match reads); MAC_HI/LO
 * from the MAC header the skb still points at (the first fragment's),
 * zero when it has none, or without `mac`. */
void bf_emit_skb_link(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb, bool mac)
{
	int no_mac = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, skb, o->skb_pkt_type));
	if (o->skb_pkt_type_shift)
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, o->skb_pkt_type_shift));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 7));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_ETH_TYPE));
	if (!mac) {
		bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_MAC_HI, 0));
		bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, BF_PKT_MAC_LO, 0));
		return;
	}

	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, BF_NF_MAC, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, skb, o->skb_mac_header));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0xffff, 0), no_mac);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, skb, o->skb_head));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, offsetof(struct ethhdr, h_source)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, BF_NF_MAC));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, ETH_ALEN));
	/* On a fault the helper zeroes the destination: no MAC. */
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_label_bind(cg, no_mac);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_NF_MAC));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_MAC_HI));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_NF_MAC + 4));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_MAC_LO));
}

/* dst = where the network header is in the skb's dynptr, which starts
 * at skb->data (0 at LOCAL_IN, where ip_local_deliver_finish has not
 * pulled it yet): network_header - (data - head). Clobbers r1, r2. */
void bf_emit_skb_nh_offset(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb, int dst)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_H, dst, skb, o->skb_network_header));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, skb, o->skb_data));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, skb, o->skb_head));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, dst, BPF_REG_1));
}

/* Copies min(bytes from the network header, BF_NF_BUF_LEN) to BF_NF_BUF;
 * sets BF_REG_L3 to the copy and BF_REG_END to its end. Jumps to `fail`
 * when the skb cannot be read. */
void bf_emit_skb_copy(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb, int src,
		      int fail)
{
	int short_dgram = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, src));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, BF_NF_DYNPTR));
	bf_emit(cg, (struct bpf_insn){.code = BPF_JMP | BPF_CALL,
				      .src_reg = BPF_PSEUDO_KFUNC_CALL,
				      .imm = o->kfunc_dynptr_from_skb});
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), fail);

	bf_emit_skb_nh_offset(cg, o, skb, BF_REG_END);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BF_REG_END, 0, 0), fail);
	/* Bytes from there: skb->len - offset, at most the buffer. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BF_REG_L3, skb, o->skb_len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BF_REG_L3, BF_REG_END, 0), fail);
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BF_REG_L3, BF_REG_END));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BF_REG_L3, BF_NF_BUF_LEN, 0), short_dgram);
	bf_emit(cg, BPF_MOV64_IMM(BF_REG_L3, BF_NF_BUF_LEN));
	bf_label_bind(cg, short_dgram);

	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, BF_NF_BUF));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, BF_NF_DYNPTR));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BF_REG_END));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_5, 0));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_dynptr_read));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), fail);

	bf_emit(cg, BPF_MOV64_REG(BF_REG_END, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BF_REG_END, BF_NF_BUF));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BF_REG_END, BF_REG_L3));
	bf_emit(cg, BPF_MOV64_REG(BF_REG_L3, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BF_REG_L3, BF_NF_BUF));
}

/* The IPv4 prologue takes a total length beyond BF_REG_END for a
 * truncated packet. The copy is shorter than a long datagram on purpose,
 * so its header is made to say the copy's length (checksum updated as
 * RFC 1624 does it) and the real total length is kept in BF_NF_TOTLEN,
 * put back into the context after the prologue. The L4 bounds the
 * prologue derives from it are then the copy's, which is what it holds.
 * Ones' complement sums do not depend on byte order: the raw words are
 * summed as loaded. */
void bf_emit_skb_copy_shorten(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, tot_len)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, BF_NF_TOTLEN));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_END));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BF_REG_L3, offsetof(struct iphdr, check)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_3, 0xffff));
	bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_1, 0xffff));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2));
	bf_emit_csum_fold(cg, BPF_REG_3, BPF_REG_1);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_3, offsetof(struct iphdr, check)));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_2, offsetof(struct iphdr, tot_len)));
}

/* As shorten_copy, for IPv6: the copy's payload length says the copy's,
 * 40 + the real one kept in BF_NF_TOTLEN (for BF_PKT_LEN and
 * BF_PKT_IP6_PLEN, put back after the prologue). */
void bf_emit_skb_copy_shorten6(struct bf_cgen *cg)
{
	int whole = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, 4));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 40));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_NF_TOTLEN));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_END));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BF_REG_L3));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BPF_REG_1, BPF_REG_2, 0), whole);
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_2, 40));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_2, 4));
	bf_label_bind(cg, whole);
}
