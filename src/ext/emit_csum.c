/* Internet checksums in emitted code (emit_csum.h). */
#include "ext/emit_csum.h"

#include "cgen/insn.h"

void bf_emit_csum_halves(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xffff));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2));
}

void bf_emit_csum_fold(struct bf_cgen *cg)
{
	for (int i = 0; i < 2; i++) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_4));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 16));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_4, 0xffff));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	}
	bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_4, 0xffff));
}
