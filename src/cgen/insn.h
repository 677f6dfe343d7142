/* Instruction constructors as compound literals, after the kernel's
 * filter.h. Jump offsets given here are placeholders: real jumps go
 * through bf_emit_jump() and labels. */
#ifndef BF_INSN_H
#define BF_INSN_H

#include <linux/bpf.h>

#define BPF_ALU64_REG(OP, DST, SRC) \
	((struct bpf_insn){.code = BPF_ALU64 | BPF_OP(OP) | BPF_X, .dst_reg = DST, .src_reg = SRC})
#define BPF_ALU32_REG(OP, DST, SRC) \
	((struct bpf_insn){.code = BPF_ALU | BPF_OP(OP) | BPF_X, .dst_reg = DST, .src_reg = SRC})
#define BPF_ALU64_IMM(OP, DST, IMM) \
	((struct bpf_insn){.code = BPF_ALU64 | BPF_OP(OP) | BPF_K, .dst_reg = DST, .imm = IMM})
#define BPF_ALU32_IMM(OP, DST, IMM) \
	((struct bpf_insn){.code = BPF_ALU | BPF_OP(OP) | BPF_K, .dst_reg = DST, .imm = IMM})
#define BPF_ENDIAN(TYPE, DST, LEN) \
	((struct bpf_insn){.code = BPF_ALU | BPF_END | BPF_SRC(TYPE), .dst_reg = DST, .imm = LEN})
#define BPF_MOV64_REG(DST, SRC) \
	((struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = DST, .src_reg = SRC})
#define BPF_MOV32_REG(DST, SRC) \
	((struct bpf_insn){.code = BPF_ALU | BPF_MOV | BPF_X, .dst_reg = DST, .src_reg = SRC})
#define BPF_MOV64_IMM(DST, IMM) \
	((struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = DST, .imm = IMM})
#define BPF_MOV32_IMM(DST, IMM) \
	((struct bpf_insn){.code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = DST, .imm = IMM})
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF) \
	((struct bpf_insn){.code = BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, .dst_reg = DST, .src_reg = SRC, .off = OFF})
#define BPF_STX_MEM(SIZE, DST, SRC, OFF) \
	((struct bpf_insn){.code = BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, .dst_reg = DST, .src_reg = SRC, .off = OFF})
#define BPF_ST_MEM(SIZE, DST, OFF, IMM) \
	((struct bpf_insn){.code = BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, .dst_reg = DST, .off = OFF, .imm = IMM})
#define BPF_JMP_REG(OP, DST, SRC, OFF) \
	((struct bpf_insn){.code = BPF_JMP | BPF_OP(OP) | BPF_X, .dst_reg = DST, .src_reg = SRC, .off = OFF})
#define BPF_JMP_IMM(OP, DST, IMM, OFF) \
	((struct bpf_insn){.code = BPF_JMP | BPF_OP(OP) | BPF_K, .dst_reg = DST, .off = OFF, .imm = IMM})
#define BPF_JMP32_REG(OP, DST, SRC, OFF) \
	((struct bpf_insn){.code = BPF_JMP32 | BPF_OP(OP) | BPF_X, .dst_reg = DST, .src_reg = SRC, .off = OFF})
#define BPF_JMP32_IMM(OP, DST, IMM, OFF) \
	((struct bpf_insn){.code = BPF_JMP32 | BPF_OP(OP) | BPF_K, .dst_reg = DST, .off = OFF, .imm = IMM})
#define BPF_JMP_A(OFF) ((struct bpf_insn){.code = BPF_JMP | BPF_JA, .off = OFF})
#define BPF_JMP32_A(IMM) ((struct bpf_insn){.code = BPF_JMP32 | BPF_JA, .imm = IMM}) /* gotol */
/* Atomic read-modify-write on memory, e.g. BPF_ADD: *(SIZE *)(DST + OFF) += SRC. */
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF) \
	((struct bpf_insn){.code = BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, .dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = OP})
#define BPF_CALL_HELPER(FUNC) ((struct bpf_insn){.code = BPF_JMP | BPF_CALL, .imm = FUNC})
#define BPF_EXIT_INSN() ((struct bpf_insn){.code = BPF_JMP | BPF_EXIT})

#endif
