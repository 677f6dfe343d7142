/* Instructions as text, in the verifier log's notation, for --dry-run,
 * -v and test failures. */
#include "cgen.h"

#include "common/strbuf.h"

static const char *const alu_ops[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=",
	"endian",
};
static const char *const jmp_ops[16] = {
	"ja", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=",
};
static const char *const sizes[4] = {"u32", "u16", "u8", "u64"};

static void alu(struct bf_strbuf *out, const struct bpf_insn *in)
{
	const char *r = BPF_CLASS(in->code) == BPF_ALU64 ? "r" : "w";
	unsigned int op = BPF_OP(in->code) >> 4;

	if (BPF_OP(in->code) == BPF_END) {
		bf_strbuf_printf(out, "r%d = %s%d r%d", in->dst_reg,
				 BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	} else if (BPF_OP(in->code) == BPF_NEG) {
		bf_strbuf_printf(out, "%s%d = -%s%d", r, in->dst_reg, r, in->dst_reg);
	} else if (BPF_SRC(in->code) == BPF_X) {
		bf_strbuf_printf(out, "%s%d %s %s%d", r, in->dst_reg, alu_ops[op], r, in->src_reg);
	} else {
		bf_strbuf_printf(out, "%s%d %s %d", r, in->dst_reg, alu_ops[op], in->imm);
	}
}

static void jmp(struct bf_strbuf *out, const struct bpf_insn *in, size_t pc)
{
	const char *r = BPF_CLASS(in->code) == BPF_JMP32 ? "w" : "r";
	unsigned int op = BPF_OP(in->code);
	long off = in->off;

	if (op == BPF_EXIT) {
		bf_strbuf_puts(out, "exit");
		return;
	}
	if (op == BPF_CALL) {
		bf_strbuf_printf(out, "call %d", in->imm);
		return;
	}
	if (op == BPF_JA) {
		if (BPF_CLASS(in->code) == BPF_JMP32)
			off = in->imm;
		bf_strbuf_printf(out, "goto %+ld (-> %ld)", off, (long)pc + off + 1);
		return;
	}
	if (BPF_SRC(in->code) == BPF_X)
		bf_strbuf_printf(out, "if %s%d %s %s%d", r, in->dst_reg, jmp_ops[op >> 4], r, in->src_reg);
	else
		bf_strbuf_printf(out, "if %s%d %s %#x", r, in->dst_reg, jmp_ops[op >> 4],
				 (unsigned int)in->imm);
	bf_strbuf_printf(out, " goto %+ld (-> %ld)", off, (long)pc + off + 1);
}

void bf_cgen_dump(const struct bpf_insn *insns, size_t n, struct bf_strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct bpf_insn *in = &insns[i];
		const char *sz = sizes[BPF_SIZE(in->code) >> 3];

		bf_strbuf_printf(out, "%zu: ", i);
		switch (BPF_CLASS(in->code)) {
		case BPF_ALU:
		case BPF_ALU64:
			alu(out, in);
			break;
		case BPF_JMP:
		case BPF_JMP32:
			jmp(out, in, i);
			break;
		case BPF_LDX:
			bf_strbuf_printf(out, "r%d = *(%s *)(r%d %+d)", in->dst_reg, sz, in->src_reg, in->off);
			break;
		case BPF_ST:
			bf_strbuf_printf(out, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg, in->off, in->imm);
			break;
		case BPF_STX:
			if (BPF_MODE(in->code) == BPF_ATOMIC)
				bf_strbuf_printf(out, "lock *(%s *)(r%d %+d) %s r%d", sz, in->dst_reg, in->off,
						 alu_ops[(in->imm & 0xf0) >> 4], in->src_reg);
			else
				bf_strbuf_printf(out, "*(%s *)(r%d %+d) = r%d", sz, in->dst_reg, in->off, in->src_reg);
			break;
		case BPF_LD:
			if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n) {
				if (in->src_reg == BPF_PSEUDO_MAP_FD)
					bf_strbuf_printf(out, "r%d = map_fd %d", in->dst_reg, in->imm);
				else
					bf_strbuf_printf(out, "r%d = %#llx", in->dst_reg,
							 (unsigned long long)(uint32_t)in->imm |
								 (unsigned long long)(uint32_t)in[1].imm << 32);
				i++;
				break;
			}
			/* fallthrough */
		default:
			bf_strbuf_printf(out, "(code %#04x)", in->code);
		}
		bf_strbuf_puts(out, "\n");
	}
}
