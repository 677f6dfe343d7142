/* The XDP hook: Ethernet in front of the network header, verdicts as
 * XDP return codes. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/ip.h>
#include <stddef.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/ipv4_opts.h"
#include "cgen/insn.h"
#include "cgen/log_event.h"
#include "cgen/route.h"

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

/* 802.1Q / 802.1ad tags in front of the network header. The kernel
 * untags a frame (skb_vlan_untag, dropping one too short for its tag);
 * a tag with VID 0 (priority) leaves it on this device as if untagged
 * (__netif_receive_skb_core, once per tag); with another VID it goes to
 * that VLAN's device, or is dropped as PACKET_OTHERHOST before ip_rcv:
 * not this device's to judge, it passes. More VID 0 tags than this are
 * dropped unjudged (fail closed; no sane sender stacks them). */
#define BF_VLAN_MAX 2

static void emit_is_vlan(struct bf_cgen *cg, int reg, int label)
{
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, reg, htons(ETH_P_8021Q), 0), label);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, reg, htons(ETH_P_8021AD), 0), label);
}

/* Leaves the ethertype after the VID 0 tags in r1 (network byte order)
 * and their length in r2 (bytes). */
static void skip_vlan(struct bf_cgen *cg, int pass, int drop)
{
	int untagged = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct ethhdr, h_proto)));
	for (int t = 0; t < BF_VLAN_MAX; t++) {
		int tagged = bf_label_new(cg);
		int at = ETH_HLEN + 4 * t; /* the tag's TCI, then the next type */

		emit_is_vlan(cg, BPF_REG_1, tagged);
		bf_emit_jump(cg, BPF_JMP_A(0), untagged);
		bf_label_bind(cg, tagged);
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_L3));
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, at + 4));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), pass);
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, at));
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x0fff));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), pass);
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, at + 2));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 4 * (t + 1)));
	}
	emit_is_vlan(cg, BPF_REG_1, drop);
	bf_label_bind(cg, untagged);
}

/* BF_REG_L3 += ETH_HLEN + r2 (the tags), through a stack byte: the
 * verifier then knows the offset as a range, not one constant per tag
 * count, so the untagged and tagged paths meet in one state and the
 * rules are verified once. */
static void advance_l3(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, ETH_HLEN));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_2, BF_PKT_SCRATCH + 3));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_SCRATCH + 3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 0x3e));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BF_REG_L3, BPF_REG_2));
}

static void xdp_prologue(struct bf_cgen *cg)
{
	int pass = bf_label_new(cg), drop = bf_label_new(cg), parsed = bf_label_new(cg);
	int ipv6 = bf_label_new(cg);

	/* The counters map is found through the XDP program (core/state.h):
	 * it holds it even where every rule is dead code (a ruleset with
	 * --ctexpire defers every packet, ct.h). */
	bf_emit_ld_map(cg, BPF_REG_0, BF_MAP_COUNTERS);
	bf_emit(cg, BPF_MOV64_REG(BF_REG_CTX, BPF_REG_1));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BF_REG_L3, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BF_REG_END, BF_REG_CTX, offsetof(struct xdp_md, data_end)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, ETH_HLEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), pass);
	/* IPv4, and IPv6 when there is an IPv6 ruleset; anything else (ARP)
	 * passes unjudged and uncounted. The constants are in network byte
	 * order, as the loaded field. */
	skip_vlan(cg, pass, drop);
	if (cg->judge_v6)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, htons(ETH_P_IPV6), 0), ipv6);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, htons(ETH_P_IP), 0), pass);
	fill_eth(cg);
	advance_l3(cg);
	bf_emit_ipv4_prologue(cg, pass);
	bf_emit_jump(cg, BPF_JMP_A(0), parsed);
	if (cg->judge_v6) {
		bf_label_bind(cg, ipv6);
		fill_eth(cg);
		advance_l3(cg);
		bf_emit_ipv6_prologue(cg, pass);
		/* Past every IPv4 rule: a 32-bit jump. */
		bf_emit_goto_far(cg, cg->lbl_v6);
	}
	bf_label_bind(cg, drop);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, pass);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, parsed);
}

/* What the stack does between the routing decision (route.h, which also
 * follows ip_rcv_options) and filter INPUT, for packets XDP sees first;
 * they go on to the stack unjudged and uncounted (XDP_PASS), which does
 * the rest:
 * - conntrack sees the packet (ct.h), when a rule of the family reads
 *   it: where what it will decide is not certain here, filter INPUT is
 *   left to the netfilter stage too (IPv6 fragments among them: with
 *   conntrack on, INPUT sees them reassembled);
 * - fragments reach filter INPUT only reassembled (ip_local_deliver
 *   defragments first): the netfilter stage (nf.h) judges the datagram
 *   the stack builds. IPv6 fragments reach INPUT one by one, as ip6tables
 *   sees them: judged here.
 * r7 is the IPv4 header, its 20 bytes proven by the prologue. */
static void xdp_before_input(struct bf_cgen *cg, enum bf_family family)
{
	int whole = bf_label_new(cg);
	bool ct = cg->ct_needs[family];

	if (family != BF_FAMILY_IPV4) {
		if (ct)
			bf_emit_ct_xdp(cg, family);
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, frag_off)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, htons(IP_MF | IP_OFFMASK)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), whole);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, whole);
	if (ct)
		bf_emit_ct_xdp(cg, family);
}

/* The LOG target's copy of the frame (cgen.h): from its first byte, the
 * link-layer header being everything before the network header. */
static void xdp_log_frame(struct bf_cgen *cg)
{
	int failed = bf_label_new(cg), done = bf_label_new(cg), fits = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_9, BPF_REG_2, offsetof(struct bf_log_event, l3_off)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_9, BPF_REG_2, offsetof(struct bf_log_event, mac_len)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_xdp_get_buff_len));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_0, BF_LOG_DATA, 0), fits);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_LOG_DATA));
	bf_label_bind(cg, fits);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_0, 1, 0), failed);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_9, BPF_REG_0, offsetof(struct bf_log_event, cap)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, offsetof(struct bf_log_event, data)));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_xdp_load_bytes));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), done);
	bf_label_bind(cg, failed);
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_9, offsetof(struct bf_log_event, cap), 0));
	bf_label_bind(cg, done);
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
	.check = bf_cgen_check,
	.route = bf_xdp_route,
	.before_input = xdp_before_input,
	/* Packet ranges below 64 KiB only; no XDP frame nears 16 KiB. */
	.walk_max = 0x3fff,
	.log_frame = xdp_log_frame,
};
