/* Rule and policy counters: one slot of a per-CPU array per rule. */
#include <stddef.h>

#include "cgen.h"
#include "cgen/insn.h"

static void count_scratch(struct bf_cgen *cg)
{
	int skip = bf_label_new(cg);

	bf_emit_map_lookup(cg, BF_MAP_COUNTERS, BF_PKT_SCRATCH);
	/* Never NULL for a slot below max_entries; the verifier wants the test. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), skip);
	/* Atomic: a program run can be preempted on a preemptible kernel
	 * (test runs, PREEMPT_RT), and a lost count would be a wrong count. */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1,
				  offsetof(struct bf_counter, packets)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1,
				  offsetof(struct bf_counter, bytes)));
	bf_label_bind(cg, skip);
}

void bf_emit_count(struct bf_cgen *cg, int slot)
{
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, slot));
	count_scratch(cg);
}

void bf_emit_count_reg(struct bf_cgen *cg, int reg)
{
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, reg, BF_PKT_SCRATCH));
	count_scratch(cg);
}
