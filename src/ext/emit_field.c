#include "emit_field.h"

#include <errno.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"

void bf_emit_field_eq(struct bf_cgen *cg, int size, int off, uint32_t mask,
		      uint32_t value, bool invert, int no_match)
{
	bf_emit(cg, BPF_LDX_MEM(size, BPF_REG_1, BPF_REG_10, off));
	if (mask != 0xffffffff)
		bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)mask));
	bf_emit_jump(cg, BPF_JMP32_IMM(invert ? BPF_JEQ : BPF_JNE, BPF_REG_1,
				       (int32_t)value, 0), no_match);
}

int bf_emit_need_ipv4(const struct bf_rule *rule, const char *match)
{
	if (rule->ip.family != BF_FAMILY_IPV4)
		return bf_err(-EOPNOTSUPP, "%s: IPv6 cannot be compiled yet", match);
	return 0;
}

void bf_emit_field_range(struct bf_cgen *cg, int size, int off, uint32_t lo,
			 uint32_t hi, bool invert, int no_match)
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
	bf_emit(cg, BPF_LDX_MEM(size, BPF_REG_1, BPF_REG_10, off));
	if (lo > 0)
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JLT, BPF_REG_1, (int32_t)lo, 0), outside);
	if (hi < max)
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JGT, BPF_REG_1, (int32_t)hi, 0), outside);
	if (invert) {
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		bf_label_bind(cg, outside);
	}
}
