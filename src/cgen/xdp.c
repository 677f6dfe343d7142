/* The XDP hook: Ethernet in front of the network header, verdicts as
 * XDP return codes. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stddef.h>

#include "cgen.h"
#include "cgen/insn.h"

/* skb->pkt_type as eth_type_trans sets it from the Ethernet destination:
 * group bit set is broadcast (all ones) or multicast, else the host (a
 * frame for another host never reaches netfilter); and the source
 * address, for -m mac. BF_REG_L3 points at the Ethernet header here. */
static void fill_eth(struct bf_cgen *cg)
{
	int done = bf_label_new(cg), mcast = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, offsetof(struct ethhdr, h_source)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_MAC_HI));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct ethhdr, h_source) + 4));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_MAC_LO));

	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_ETH_TYPE, PACKET_HOST));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), done);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_ETH_TYPE, PACKET_MULTICAST));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, 0));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, -1, 0), mcast);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, 4));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0xffff, 0), mcast);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_ETH_TYPE, PACKET_BROADCAST));
	bf_label_bind(cg, mcast);
	bf_label_bind(cg, done);
}

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
	fill_eth(cg);
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
