/* The XDP hook: Ethernet in front of the network header, verdicts as
 * XDP return codes. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stddef.h>

#include "cgen.h"
#include "cgen/insn.h"

static void xdp_prologue(struct bf_cgen *cg)
{
	int pass = bf_label_new(cg), parsed = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_REG(BF_REG_CTX, BPF_REG_1));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BF_REG_L3, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BF_REG_END, BF_REG_CTX, offsetof(struct xdp_md, data_end)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, ETH_HLEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), pass);
	/* Only IPv4 for now; anything else (ARP, IPv6, VLAN tags) passes
	 * unjudged and uncounted. The constant is in network byte order, as
	 * the loaded field. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct ethhdr, h_proto)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, htons(ETH_P_IP), 0), pass);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BF_REG_L3, ETH_HLEN));
	bf_emit_ipv4_prologue(cg, pass);
	bf_emit_jump(cg, BPF_JMP_A(0), parsed);
	bf_label_bind(cg, pass);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, parsed);
}

static int xdp_verdict_code(enum bf_verdict v)
{
	return v == BF_VERDICT_ACCEPT ? XDP_PASS : XDP_DROP;
}

const struct bf_hook_ops bf_hook_xdp = {
	.name = "xdp",
	.prog_type = BPF_PROG_TYPE_XDP,
	.expected_attach_type = BPF_XDP,
	.prologue = xdp_prologue,
	.verdict_code = xdp_verdict_code,
	.check = bf_xdp_check,
};
