/* REJECT with an ICMPv6 destination unreachable at XDP (ip6tables): the
 * packet becomes the error nf_send_unreach6 / icmp6_send would send, and
 * goes back out of the interface it came in by (XDP_TX, Ethernet addresses
 * swapped, VLAN tags kept). The error, as icmp6_send builds it:
 *   IPv6: traffic class 0, flow label 0 (the kernel's is a hash of the
 *   flow, net.ipv6.auto_flowlabels), hop limit of the interface, source =
 *   the packet's destination (a local address: INPUT), destination = its
 *   source; ICMPv6: type 1, the code, 4 zero bytes, then as much of the
 *   datagram as fits in the minimum MTU, 1280 bytes (1232); the checksum
 *   over the pseudo-header.
 * None is sent (the packet is only dropped) where the kernel sends none:
 *   reject6_csum_ok: a fragment past the first, an extension header chain
 *   that cannot be walked or ends in no next header, no byte past it;
 *   icmp6_send: a frame not for this host, a multicast destination, a
 *   multicast or unspecified source (and a v4-mapped one, which ipv6_rcv
 *   drops), an ICMPv6 error (type below 128);
 *   icmpv6_xrlim_allow: past the per-peer budget (6 at once, then one per
 *   net.ipv6.icmp.ratelimit ms), for the types of net.ipv6.icmp.ratemask;
 *   kept per program (a load starts it over). The kernel's source shortens
 *   the interval for a peer whose route has a shorter prefix (>> (128 -
 *   plen) >> 5), but this kernel does not (measured: the same 6 errors to
 *   a train of 16 at 60 ms with a ratelimit of 1 s, for peers on a /64,
 *   behind a /48 and behind the default route), and neither does this.
 * Not checked: the transport checksum (reject6_csum_ok verifies it unless
 * the device did; XDP cannot tell a bad one from one left to offload). */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <netinet/in.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/route.h"
#include "ext/reject_icmp6.h"
#include "ext/reply.h"

#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_INFOMSG_MASK 0x80
#define ICMP6_QUOTE_MAX (1280 - 40 - 8)

static void emit_checks(struct bf_cgen *cg, int none)
{
	int not_icmp = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ETH_TYPE));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, PACKET_HOST, 0), none);
	/* ipv6_skip_exthdr fails (a chain cut short, or no next header), or
	 * finds nothing past the headers. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, IPPROTO_NONE, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x3fff));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_PKT_LEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, BPF_REG_1, BPF_REG_2, 0), none);
	bf_emit_reply_unicast6(cg, none);
	/* A v4-mapped source (::ffff:0:0/96). */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_PKT_SADDR6));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, BF_PKT_SADDR6 + 4));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, BF_PKT_SADDR6 + 8));
	bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_3, 0xffff));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_2, BPF_REG_3));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), none);
	/* is_ineligible: an ICMPv6 error, by its type byte. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, IPPROTO_ICMPV6, 0), not_icmp);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x3fff));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_3, BF_REG_END, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, ICMPV6_INFOMSG_MASK, 0), none);
	bf_label_bind(cg, not_icmp);
}

/* icmpv6_xrlim_allow for the packet's source (inet_getpeer_v6), one
 * interval of net.ipv6.icmp.ratelimit. */
static void emit_budget(struct bf_cgen *cg, int none)
{
	int t = bf_reply_jiffies(bf_reply_sysctl("ipv6/icmp/ratelimit", 1000));

	if (!bf_reply_sysctl_bit("ipv6/icmp/ratemask", ICMPV6_DEST_UNREACH, true) || t <= 0)
		return;
	for (int w = 0; w < 4; w++) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)(BF_PKT_SADDR6 + 4 * w)));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, (int16_t)(BF_REPLY_KEY + 4 * w)));
	}
	bf_emit_reply_budget(cg, t, none);
}

/* *(u32 *)(r5 + off) = htonl(the address word at r10 + from); r4 += its
 * halves (clobbers r1, r2). */
static void put_word(struct bf_cgen *cg, int from, int off)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)from));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_5, BPF_REG_1, (int16_t)off));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)from));
	bf_emit_csum_halves(cg);
}

/* The route back's preferred source, where bf_emit_reply_route_back's
 * lookup leaves it: 4 words, turned to host order there (FORWARD). */
#define FORWARD_SRC BF_FIB_AT(ipv6_src)

/* FORWARD: the error comes from the preferred source of the route back
 * to the packet's source (icmp6_send's route lookup picks it so), into
 * FORWARD_SRC; none without a route back. And it quotes the datagram as
 * FORWARD holds it: the hop limit decremented by ip6_forward. */
static void emit_forward(struct bf_cgen *cg, int none)
{
	bf_emit_reply_route_back(cg, true);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, BPF_FIB_LKUP_RET_SUCCESS, 0), none);
	for (int w = 0; w < 4; w++) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)(FORWARD_SRC + 4 * w)));
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, (int16_t)(FORWARD_SRC + 4 * w)));
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, 7));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BF_REG_L3, BPF_REG_1, 7));
}

/* The headers, in front of the datagram: r5 = the new IPv6 header
 * (bf_emit_reply_grow); the source's 4 host-order words at src_off. */
static void emit_headers(struct bf_cgen *cg, int hl, int src_off)
{
	/* 6, class and flow 0 | payload length | next header 58 | hop limit;
	 * r4 starts the checksum with the pseudo-header's length and 58. */
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_5, 0, 0x60));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_10, BF_REPLY_QLEN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 8));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_4));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_5, BPF_REG_1, 4));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_5, 6, IPPROTO_ICMPV6));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_5, 7, hl));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, IPPROTO_ICMPV6));
	for (int w = 0; w < 4; w++) {
		put_word(cg, src_off + 4 * w, 8 + 4 * w);
		put_word(cg, BF_PKT_SADDR6 + 4 * w, 24 + 4 * w);
	}
	bf_emit_reply_icmp_header(cg, 40, ICMPV6_DEST_UNREACH);
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
	bf_emit_reply_quote_sum(cg, ICMP6_QUOTE_MAX, none);
	bf_emit_reply_grow(cg, 48, none);
	emit_headers(cg, bf_reply_ttl(cg, BF_FAMILY_IPV6), forward ? FORWARD_SRC : BF_PKT_DADDR6);
	bf_emit_reply_cut_send(cg, 48, none);
	bf_label_bind(cg, none);
	bf_emit_verdict(cg, BF_VERDICT_DROP);
}

int bf_emit_reject_icmp6(struct bf_cgen *cg, uint8_t code)
{
	return bf_emit_reply_error(cg, emit_error, code);
}
