/* REJECT with an ICMP destination unreachable at XDP (iptables): the
 * packet becomes the error icmp_send would send, and goes back out of the
 * interface it came in by (XDP_TX, Ethernet addresses swapped, VLAN tags
 * kept). The error, as __icmp_send builds it:
 *   IP: tos = (tos & 0x1e) | 0xc0, no DF, an id of its own (the kernel's
 *   comes from a hash, this one at random), ttl ip_default_ttl, addresses
 *   swapped; ICMP: type 3, the code, 4 zero bytes, then as much of the
 *   datagram as fits in 576 bytes (548).
 * None is sent (the packet is only dropped) where the kernel sends none: a
 * fragment past the first, a frame not for this host, a multicast or
 * limited broadcast destination, an ICMP error (or unknown type), and past
 * the per-peer budget: inet_peer_xrlim_allow's (6 at once, then one per
 * net.ipv4.icmp_ratelimit ms, for the types of net.ipv4.icmp_ratemask),
 * kept per program (a load starts it over). A datagram with IP options is
 * dropped without one (the kernel echoes some options). */
#include <stddef.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <arpa/inet.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/route.h"
#include "ext/reply.h"
#include "ext/reject_icmp.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_QUOTE_MAX (576 - 20 - 8)

static void emit_checks(struct bf_cgen *cg, int none)
{
	int not_icmp = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ETH_TYPE));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, PACKET_HOST, 0), none);
	bf_emit_reply_group_dst4(cg, none);
	/* IP options: the header is longer than 20 bytes. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 20, 0), none);
	/* No error about an error: types 3, 4, 5, 11, 12 and past 18. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, IPPROTO_ICMP, 0), not_icmp);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ICMP_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ICMP_TYPE));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 18, 0), none);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 1 << 3 | 1 << 4 | 1 << 5 | 1 << 11 | 1 << 12));
	bf_emit(cg, BPF_ALU64_REG(BPF_RSH, BPF_REG_2, BPF_REG_1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_2, 1, 0), none);
	bf_label_bind(cg, not_icmp);
}

/* inet_peer_xrlim_allow for the packet's source, as ::ffff:SADDR (an
 * IPv6 packet from such a source never reaches INPUT): one interval of
 * net.ipv4.icmp_ratelimit, for the types of icmp_ratemask. */
static void emit_budget(struct bf_cgen *cg, int none)
{
	int mask = bf_reply_sysctl("ipv4/icmp_ratemask", 0x1818);
	int t = bf_reply_jiffies(bf_reply_sysctl("ipv4/icmp_ratelimit", 1000));

	if (!(mask & 1 << ICMP_DEST_UNREACH) || t <= 0)
		return;
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, BF_REPLY_KEY, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_REPLY_KEY + 8, 0xffff));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_SADDR));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_REPLY_KEY + 12));
	bf_emit_reply_budget(cg, t, none);
}

/* r4 += the halves of the u32 at r10 + off (clobbers r1, r2). */
static void add_halves(struct bf_cgen *cg, int off)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)off));
	bf_emit_csum_halves(cg);
}

/* FORWARD: the error comes from the preferred source of the route back
 * to the packet's source (what __icmp_send's output route gives, its
 * icmp_errors_use_inbound_ifaddr off), into BF_REPLY_SRC; none without a
 * route back. And it quotes the datagram as FORWARD holds it: the TTL
 * decremented by ip_forward (ip_decrease_ttl's checksum update). */
static void emit_forward(struct bf_cgen *cg, int none)
{
	int folded = bf_label_new(cg);

	bf_emit_reply_route_back(cg, false);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, BPF_FIB_LKUP_RET_SUCCESS, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10,
				BF_FIB_AT(ipv4_src)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_REPLY_SRC));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, ttl)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BF_REG_L3, BPF_REG_1, offsetof(struct iphdr, ttl)));
	/* check += htons(0x0100) as the raw 16 bits; + 1 past 0xfffe. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, check)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, htons(0x0100)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 0xffff, 0), folded);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
	bf_label_bind(cg, folded);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_1, offsetof(struct iphdr, check)));
}

/* The headers, in front of the datagram: r5 = the new IP header
 * (bf_emit_reply_grow); the source at src_off (host order). */
static void emit_headers(struct bf_cgen *cg, int ttl, int src_off)
{
	/* IP: 45 tos | length | id | 0 | ttl 01 | csum | saddr | daddr */
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_5, 0, 0x45));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, BF_PKT_TOS));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_4, 0x1e));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0xc0));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_5, BPF_REG_4, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_4, 0x4500));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_REPLY_QLEN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 28));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_5, BPF_REG_1, 2));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_REPLY_ID));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xffff));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_5, BPF_REG_1, 4));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_5, 6, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_5, 8, ttl));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_5, 9, IPPROTO_ICMP));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, ttl << 8 | IPPROTO_ICMP));
	add_halves(cg, BF_PKT_SADDR);
	add_halves(cg, src_off);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)src_off));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_5, BPF_REG_1, 12));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_SADDR));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_5, BPF_REG_1, 16));
	bf_emit_csum_fold(cg, BPF_REG_4, BPF_REG_1);
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_5, BPF_REG_4, 10));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	bf_emit_reply_icmp_header(cg, 20, ICMP_DEST_UNREACH);
}

/* The error, once per program (a shared tail; the code in BF_REPLY_CODE;
 * forward: FORWARD's). */
static void emit_error(struct bf_cgen *cg, int forward)
{
	int none = bf_label_new(cg);

	emit_checks(cg, none);
	emit_budget(cg, none);
	if (forward)
		emit_forward(cg, none);
	bf_emit_reply_quote_sum(cg, ICMP_QUOTE_MAX, none);
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_get_prandom_u32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, BF_REPLY_ID));
	bf_emit_reply_grow(cg, 28, none);
	emit_headers(cg, bf_reply_ttl(cg, BF_FAMILY_IPV4), forward ? BF_REPLY_SRC : BF_PKT_DADDR);
	bf_emit_reply_cut_send(cg, 28, none);
	bf_label_bind(cg, none);
	bf_emit_verdict(cg, BF_VERDICT_DROP);
}

int bf_emit_reject_icmp(struct bf_cgen *cg, uint8_t code)
{
	return bf_emit_reply_error(cg, emit_error, code);
}
