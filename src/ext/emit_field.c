#include "emit_field.h"

#include <errno.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"

void bf_emit_field_eq(struct bf_cgen *cg, int size, int off, uint32_t mask,
		      uint32_t value, bool invert, int no_match)
{
	bf_emit(cg, BPF_LDX_MEM(size, BPF_REG_1, BPF_REG_10, off));
	if (mask != 0xffffffff)
		bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)mask));
	bf_emit_jump(cg, BPF_JMP32_IMM(invert ? BPF_JEQ : BPF_JNE, BPF_REG_1,
				       (int32_t)value, 0), no_match);
}

void bf_emit_field_range(struct bf_cgen *cg, int size, int off, uint32_t lo,
			 uint32_t hi, bool invert, int no_match)
{
	bf_emit(cg, BPF_LDX_MEM(size, BPF_REG_1, BPF_REG_10, off));
	bf_emit_reg_range(cg, BPF_REG_1, size, lo, hi, invert, no_match);
}

void bf_emit_reg_range(struct bf_cgen *cg, int reg, int size, uint32_t lo, uint32_t hi,
		       bool invert, int no_match)
{
	int outside = invert ? bf_label_new(cg) : no_match;
	uint32_t max = size == BPF_B ? 0xff : size == BPF_H ? 0xffff : 0xffffffff;

	if (lo > hi) {
		/* Never in range: never matches, or always when inverted. */
		if (!invert)
			bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		return;
	}
	if (lo == 0 && hi >= max) {
		if (invert)
			bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		return;
	}
	if (lo > 0)
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JLT, reg, (int32_t)lo, 0), outside);
	if (hi < max)
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JGT, reg, (int32_t)hi, 0), outside);
	if (invert) {
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		bf_label_bind(cg, outside);
	}
}

void bf_emit_load_pkt(struct bf_cgen *cg, int dst, int ptr_reg, int off, int size)
{
	bf_emit(cg, BPF_LDX_MEM(size, dst, ptr_reg, off));
	if (size != BPF_B)
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, dst, size == BPF_H ? 16 : 32));
}

void bf_emit_pkt_bytes(struct bf_cgen *cg, int off_reg, int len, int ptr_reg, int label)
{
	/* For the verifier: the hook's bound (cgen.h, walk_max). At XDP it
	 * takes packet ranges only below 64 KiB (BF_REG_L3 itself may be up
	 * to 62 bytes in) and no frame comes near 16 KiB; where the packet
	 * is a copy on the stack (netfilter, TC egress), within the copy. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, off_reg, cg->hook->walk_max, 0), label);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_0, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JSGT, off_reg, BPF_REG_0, 0), label);
	bf_emit(cg, BPF_MOV64_REG(ptr_reg, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, ptr_reg, off_reg));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, ptr_reg));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, BF_REG_END, 0), label);
}

void bf_emit_exthdr(struct bf_cgen *cg, int slot, int len, int no_match)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_10, slot));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, BF_EXTHDR_ABSENT, 0), no_match);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, BF_EXTHDR_BAD, 0), cg->lbl_hotdrop);
	bf_emit_pkt_bytes(cg, BPF_REG_3, len, BPF_REG_2, cg->lbl_hotdrop);
}
