/* REJECT --reject-with tcp-reset at XDP: the packet becomes the TCP reset
 * that nf_send_reset / nf_send_reset6 would send, and goes back out of the
 * interface it came in by (XDP_TX, the Ethernet addresses swapped and the
 * link-layer header, VLAN tags included, kept). The reset:
 *   IPv4: version 4, ihl 5, tos 0, id 0, DF, ttl ip_default_ttl,
 *   IPv6: traffic class and flow label 0, hop limit of the interface,
 *   addresses swapped; TCP: ports swapped, doff 5, window 0, no options;
 *   to a packet with ACK, seq = its ack_seq and RST alone; else ack_seq =
 *   its seq + SYN + FIN + its payload length, RST and ACK.
 * None is sent (the packet is only dropped) where the kernel sends none:
 * a fragment, a TCP header that is not all there, a reset, a multicast or
 * broadcast destination (IPv6: a source or destination that is not
 * unicast). The netfilter stage cannot send a packet: there nft sends
 * the kernel's own reset (cgen/nf_reject.h). */
#include <errno.h>
#include <stddef.h>
#include <linux/if_ether.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>

#include "cgen/cgen.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "ext/reply.h"
#include "ext/reject_tcp.h"

/* Stack between the context and the netfilter stage's buffers (XDP only). */
enum {
	RJ_SEQ = -132, /* u32, host order: the reset's seq */
	RJ_ACK = -136, /* u32, host order: its ack_seq */
	RJ_FLAGS = -140, /* u32: its flags byte */
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* *(u16 *)(r7 + off) = htons(r4). */
static void store_be16(struct bf_cgen *cg, int off)
{
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_4, (int16_t)off));
}

/* *(u32 *)(r7 + off) = htonl(the host-order u32 at r10 + from). */
static void copy_be32(struct bf_cgen *cg, int from, int off)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)from));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BF_REG_L3, BPF_REG_1, (int16_t)off));
}

/* The conditions for a reset; to `none` otherwise. */
static void emit_checks(struct bf_cgen *cg, enum bf_family f, int none)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, IPPROTO_TCP, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_L4_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_TCPFLAGS));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_1, TCP_RST, 0), none);
	if (f == BF_FAMILY_IPV4)
		bf_emit_reply_group_dst4(cg, none);
	else
		bf_emit_reply_unicast6(cg, none);
}

/* The reset's seq, ack_seq and flags (RJ_*) from the TCP header at
 * BF_REG_L3 + L4OFF; to `none` when it is not all in the frame. */
static void emit_numbers(struct bf_cgen *cg, int none)
{
	int with_ack = bf_label_new(cg), done = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xfff));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 20));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_2, BF_REG_END, 0), none);

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_TCPFLAGS));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_2, TCP_ACK, 0), with_ack);
	/* ack_seq = seq + SYN + FIN + payload (LEN - L4OFF - doff * 4). */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_3, 4));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 32));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_5, TCP_SYN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 1));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, TCP_FIN));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, 12));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 4));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_5, 2));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_4, BPF_REG_5));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, RJ_ACK));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, RJ_SEQ, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, RJ_FLAGS, TCP_RST | TCP_ACK));
	bf_emit_jump(cg, BPF_JMP_A(0), done);
	bf_label_bind(cg, with_ack);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_3, 8));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, RJ_SEQ));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, RJ_ACK, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, RJ_FLAGS, TCP_RST));
	bf_label_bind(cg, done);
}

/* The IP header at BF_REG_L3 (hl bytes) and the TCP header after it; r4
 * holds the sum of the pseudo-header's addresses. */
static void emit_tcp(struct bf_cgen *cg, int hl)
{
	/* Ports swapped: source = the packet's destination. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_DPORT));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_1, (int16_t)hl));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_SPORT));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BF_REG_L3, BPF_REG_1, (int16_t)(hl + 2)));
	copy_be32(cg, RJ_SEQ, hl + 4);
	copy_be32(cg, RJ_ACK, hl + 8);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, RJ_SEQ));
	bf_emit_csum_halves(cg);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, RJ_ACK));
	bf_emit_csum_halves(cg);
	/* doff 5, the flags; window, checksum and urgent pointer 0. */
	bf_emit(cg, BPF_ST_MEM(BPF_B, BF_REG_L3, (int16_t)(hl + 12), 0x50));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, RJ_FLAGS));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BF_REG_L3, BPF_REG_1, (int16_t)(hl + 13)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 0x5000));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BF_REG_L3, (int16_t)(hl + 14), 0));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BF_REG_L3, (int16_t)(hl + 18), 0));
	/* Pseudo-header: protocol and TCP length. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, IPPROTO_TCP + 20));
	bf_emit_csum_fold(cg, BPF_REG_4, BPF_REG_1);
	store_be16(cg, hl + 16);
}

static void emit_ipv4(struct bf_cgen *cg)
{
	int ttl = bf_reply_ttl(cg, BF_FAMILY_IPV4);

	/* TCP first: the pseudo-header's addresses, swapped. */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_SADDR));
	bf_emit_csum_halves(cg);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_DADDR));
	bf_emit_csum_halves(cg);
	emit_tcp(cg, 20);
	/* 45 00 | 00 28 | 00 00 | 40 00 | ttl 06 | csum | daddr | saddr */
	bf_emit(cg, BPF_ST_MEM(BPF_H, BF_REG_L3, 0, 0x0045));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BF_REG_L3, 2, 0x2800));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BF_REG_L3, 4, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BF_REG_L3, 6, 0x0040));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BF_REG_L3, 8, ttl));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BF_REG_L3, 9, IPPROTO_TCP));
	copy_be32(cg, BF_PKT_DADDR, 12);
	copy_be32(cg, BF_PKT_SADDR, 16);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0x4500 + 40 + 0x4000 + (ttl << 8) + IPPROTO_TCP));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_SADDR));
	bf_emit_csum_halves(cg);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_DADDR));
	bf_emit_csum_halves(cg);
	bf_emit_csum_fold(cg, BPF_REG_4, BPF_REG_1);
	store_be16(cg, 10);
}

static void emit_ipv6(struct bf_cgen *cg)
{
	int hl = bf_reply_ttl(cg, BF_FAMILY_IPV6);

	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 0));
	for (int w = 0; w < 8; w++) {
		int base = w < 4 ? BF_PKT_SADDR6 : BF_PKT_DADDR6;

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)(base + 4 * (w % 4))));
		bf_emit_csum_halves(cg);
	}
	emit_tcp(cg, 40);
	/* 6, class and flow 0 | payload 20 | next header TCP | hop limit */
	bf_emit(cg, BPF_ST_MEM(BPF_W, BF_REG_L3, 0, 0x60));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BF_REG_L3, 4, 0x1400));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BF_REG_L3, 6, IPPROTO_TCP));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BF_REG_L3, 7, hl));
	for (int w = 0; w < 4; w++) {
		copy_be32(cg, BF_PKT_DADDR6 + 4 * w, 8 + 4 * w);
		copy_be32(cg, BF_PKT_SADDR6 + 4 * w, 24 + 4 * w);
	}
}

/* The Ethernet addresses swapped, the frame cut after the reset, out. */
static void emit_send(struct bf_cgen *cg, int len, int none)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, ETH_HLEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_3, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_3, 4));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_3, 6));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_3, 10));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_3, BPF_REG_4, 0));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_3, BPF_REG_5, 4));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, 6));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_3, BPF_REG_2, 10));
	/* delta = (L3 + len) - end: 0 or less. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, len));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BF_REG_END));
	bf_emit_reply_send(cg, none);
}

/* The reset, once per program and family (a shared tail). */
static void emit_reset(struct bf_cgen *cg, int family)
{
	enum bf_family f = (enum bf_family)family;
	int none = bf_label_new(cg), len = f == BF_FAMILY_IPV4 ? 40 : 60;

	emit_checks(cg, f, none);
	emit_numbers(cg, none);
	/* The new headers are written over the old ones: all in the frame? */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BF_REG_END, 0), none);
	if (f == BF_FAMILY_IPV4)
		emit_ipv4(cg);
	else
		emit_ipv6(cg);
	emit_send(cg, len, none);
	bf_label_bind(cg, none);
	bf_emit_verdict(cg, BF_VERDICT_DROP);
}

int bf_emit_reject_tcp(struct bf_cgen *cg, enum bf_family f)
{
	/* OUTPUT's answer goes back into this host: not at TC egress yet. */
	if (cg->hook->prog_type == BPF_PROG_TYPE_SCHED_CLS)
		return -EOPNOTSUPP;
	if (cg->hook->prog_type == BF_PROG_TYPE_NETFILTER)
		return bf_emit_nf_reject(cg, (struct bf_nf_answer){NFT_REJECT_TCP_RST, 0});
	if (cg->hook != &bf_hook_xdp) {
		bf_emit_verdict(cg, BF_VERDICT_DROP);
		return cg->err;
	}
	bf_emit_goto_far(cg, bf_cgen_tail(cg, emit_reset, f));
	return cg->err;
}
