/* The TCP or UDP checksum, verified at XDP (l4_csum.h). */
#include <linux/bpf.h>
#include <netinet/in.h>

#include "cgen/insn.h"
#include "cgen/l4_csum.h"

/* XDP scratch (below the context, XDP only). */
enum {
	CK_PTR = -208, /* the sum's next bytes (a packet pointer) */
	CK_REM = -212, /* u32: bytes left */
	CK_SUM = -216, /* u32: the sum so far (bpf_csum_diff's) */
	CK_BUF = -272, /* 40 bytes: the pseudo-header, then the tail */
};
/* Segments longer than this are left to the caller's `bad`. */
#define CK_MAX (3 * 512 + 508)

/* sum += bpf_csum_diff over `size` bytes at the pointer in CK_PTR,
 * which then moves on; to `out` when they are not all in the frame. */
static void emit_csum_chunk(struct bf_cgen *cg, int size, int out)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, CK_PTR));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, size));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), out);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, CK_PTR));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, size));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_10, CK_SUM));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_csum_diff));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, CK_SUM));
}

/* To `bad` unless the TCP or UDP checksum is right (a UDP checksum of 0
 * is none): conntrack checks it (nf_conntrack_checksum) where the device
 * did not, and says INVALID when it is wrong - which XDP cannot know, so
 * such a packet is the stack's to judge. (Over veth, locally sent
 * packets carry only a partial checksum: they all go to the stack.) */
void bf_emit_l4_csum_check(struct bf_cgen *cg, enum bf_family family, int bad)
{
	const bool v4 = family == BF_FAMILY_IPV4;
	const int addrs = v4 ? 8 : 32, ph = v4 ? 12 : 40;
	int none = bf_label_new(cg), odd_done = bf_label_new(cg), sum_it = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, BF_L4OFF_MASK(family)));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BF_REG_L3));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, CK_PTR));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, IPPROTO_UDP, 0), sum_it);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 8));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_3, BF_REG_END, 0), bad);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_1, 6));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0, 0), none);
	bf_label_bind(cg, sum_it);
	/* The pseudo-header: the addresses, then IPv4's zero, protocol and
	 * 16-bit segment length, or IPv6's 32-bit length, zeros, protocol. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_4, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_3, BPF_REG_4));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_3, CK_MAX + 3, 0), bad);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_3, CK_REM));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, CK_BUF + addrs, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, CK_BUF + addrs + 4, 0));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_3, v4 ? 16 : 32));
	bf_emit(cg, BPF_STX_MEM(v4 ? BPF_H : BPF_W, BPF_REG_10, BPF_REG_3,
				CK_BUF + addrs + (v4 ? 2 : 0)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_2, CK_BUF + addrs + (v4 ? 1 : 7)));
	for (int w = 0; w < addrs; w += 4) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BF_REG_L3, (v4 ? 12 : 8) + w));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_3, CK_BUF + w));
	}
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, CK_BUF));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, ph));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_5, 0));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_csum_diff));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, CK_SUM));
	/* The segment: 512-byte chunks, then one per bit of what is left. */
	for (int size = 512, n = 3; size >= 4; n = 1, size /= 2) {
		for (int i = 0; i < n; i++) {
			int skip = bf_label_new(cg);

			bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, CK_REM));
			if (size < 512)
				bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, size));
			bf_emit_jump(cg, BPF_JMP_IMM(size == 512 ? BPF_JLT : BPF_JEQ, BPF_REG_1,
						     size == 512 ? size : 0, 0), skip);
			if (size == 512) {
				bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, size));
				bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, CK_REM));
			}
			emit_csum_chunk(cg, size, bad);
			bf_label_bind(cg, skip);
		}
	}
	/* The last 0-3 bytes, zero-padded to 4. */
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, CK_BUF, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, CK_PTR));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, CK_REM));
	for (int i = 0; i < 3; i++) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 3));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_2, i, 0), odd_done);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_3));
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, i + 1));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BF_REG_END, 0), bad);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_3, i));
		bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_4, CK_BUF + i));
	}
	bf_label_bind(cg, odd_done);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, CK_BUF));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 4));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_10, CK_SUM));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_csum_diff));
	/* Right when the folded sum is all ones (its complement zero). */
	bf_emit_csum_fold(cg, BPF_REG_0, BPF_REG_1);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), bad);
	bf_label_bind(cg, none);
}
