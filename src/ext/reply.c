/* What REJECT's answers at XDP share (reply.h). */
#include "ext/reply.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/netfilter/nf_tables.h>

#include "cgen/flow.h"
#include "common/log.h"
#include "cgen/insn.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "cgen/route.h"
#include "ext/stateful_util.h"

void bf_emit_csum_halves(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xffff));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2));
}

static FILE *open_sysctl(const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "/proc/sys/net/%s", name);
	return fopen(path, "r");
}

int bf_reply_sysctl(const char *name, int dflt)
{
	FILE *fp = open_sysctl(name);
	int v = dflt;

	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = dflt;
		fclose(fp);
	}
	return v;
}

bool bf_reply_sysctl_bit(const char *name, int bit, bool dflt)
{
	FILE *fp = open_sysctl(name);
	char buf[512], *p = buf;
	bool set = false;

	if (!fp)
		return dflt;
	if (!fgets(buf, sizeof(buf), fp)) {
		fclose(fp);
		return dflt;
	}
	fclose(fp);
	/* proc_do_large_bitmap's form: "A" or "A-B", comma-separated. */
	while (*p && *p != '\n') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return dflt;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p)
				return dflt;
		}
		set |= bit >= lo && bit <= hi;
		p = *end == ',' ? end + 1 : end;
	}
	return set;
}

int bf_reply_ttl(const struct bf_cgen *cg, enum bf_family f)
{
	char name[96];
	int v;

	if (f == BF_FAMILY_IPV4)
		snprintf(name, sizeof(name), "ipv4/ip_default_ttl");
	else
		snprintf(name, sizeof(name), "ipv6/conf/%s/hop_limit",
			 cg->ifname && *cg->ifname ? cg->ifname : "all");
	v = bf_reply_sysctl(name, 64);
	return v < 1 || v > 255 ? 64 : v;
}

int bf_reply_jiffies(int ms)
{
	return ms <= 0 ? 0 : (int)(((int64_t)ms * BF_KERNEL_HZ + 999) / 1000);
}

void bf_emit_reply_group_dst4(struct bf_cgen *cg, int none)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_DADDR));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, -1, 0), none);
	bf_emit(cg, BPF_ALU32_IMM(BPF_RSH, BPF_REG_1, 28));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0xe, 0), none);
}

void bf_emit_reply_unicast6(struct bf_cgen *cg, int none)
{
	/* Multicast (ff00::/8) or unspecified (::). */
	for (int a = 0; a < 2; a++) {
		int base = a ? BF_PKT_DADDR6 : BF_PKT_SADDR6, unicast = bf_label_new(cg);

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, (int16_t)base));
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
		bf_emit(cg, BPF_ALU32_IMM(BPF_RSH, BPF_REG_2, 24));
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_2, 0xff, 0), none);
		for (int w = 1; w < 4; w++) {
			bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, (int16_t)(base + 4 * w)));
			bf_emit(cg, BPF_ALU32_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
		}
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0, 0), unicast);
		bf_emit_jump(cg, BPF_JMP_A(0), none);
		bf_label_bind(cg, unicast);
	}
}

void bf_emit_reply_budget(struct bf_cgen *cg, int t, int none)
{
	int have = bf_label_new(cg), capped = bf_label_new(cg), keep = bf_label_new(cg);

	/* 6 t as an immediate: past 99 days, as good as never again. */
	if (t > INT32_MAX / 6)
		t = INT32_MAX / 6;
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_jiffies64));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit_map_lookup(cg, BF_MAP_ICMP_PEERS, BF_REPLY_KEY);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), have);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 60 * BF_KERNEL_HZ));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1,
				BF_REPLY_PEER + (int)offsetof(struct bf_icmp_peer, last)));
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10,
			       BF_REPLY_PEER + (int)offsetof(struct bf_icmp_peer, tokens), 0));
	bf_emit_map_update(cg, BF_MAP_ICMP_PEERS, BF_REPLY_KEY, BF_REPLY_PEER, BPF_ANY);
	bf_emit_map_lookup(cg, BF_MAP_ICMP_PEERS, BF_REPLY_KEY);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), none);
	/* tokens += now - last, at most 6 t; enough: spend t. */
	bf_label_bind(cg, have);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, offsetof(struct bf_icmp_peer, tokens)));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_0, offsetof(struct bf_icmp_peer, last)));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_9, offsetof(struct bf_icmp_peer, last)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_1, 6 * t, 0), capped);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 6 * t));
	bf_label_bind(cg, capped);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, t, 0), keep);
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, t));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 1));
	bf_label_bind(cg, keep);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, offsetof(struct bf_icmp_peer, tokens)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), none);
}

void bf_emit_reply_quote_sum(struct bf_cgen *cg, int max, int none)
{
	int small = bf_label_new(cg), loop = bf_label_new(cg), tail = bf_label_new(cg);
	int done = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_10, BF_PKT_LEN));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_4, max, 0), small);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, max));
	bf_label_bind(cg, small);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, BF_REPLY_QLEN));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0)); /* sum */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, 0)); /* offset */
	bf_label_bind(cg, loop);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 2));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_4, 0), tail);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_5, BPF_REG_3));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, BF_REG_END, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_5, 0));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 16));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_1));
	bf_emit_jump(cg, BPF_JMP_A(0), loop);
	/* An odd last byte: the high half of a word. */
	bf_label_bind(cg, tail);
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, BPF_REG_3, BPF_REG_4, 0), done);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_5, BPF_REG_3));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, BF_REG_END, 0), none);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_5, 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 8));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_0));
	bf_label_bind(cg, done);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, BF_REPLY_SUM));
}

void bf_emit_reply_grow(struct bf_cgen *cg, int grow, int none)
{
	/* The link-layer header's length, then `grow` bytes more in front. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, BF_REPLY_L2));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, -grow));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_xdp_adjust_head));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), none);
	/* Packet pointers anew: r3 the start, r5 the network header, bounds
	 * for 22 + grow bytes of link layer and what is written after it. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BF_REG_CTX, offsetof(struct xdp_md, data_end)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_REPLY_L2));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_2, 22, 0), none);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 22 + grow));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_0, 0), none);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_5, BPF_REG_2));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, grow));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_0, 0), none);
	/* The link-layer header (22 bytes copied, tags or not) moves back in
	 * front, its addresses swapped; the network header overwrites what
	 * was copied past it. */
	for (int o = 0; o < 22; o += 2) {
		int from = o < 12 ? (o < 6 ? o + 6 : o - 6) : o;

		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_3, (int16_t)(grow + from)));
		bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_3, BPF_REG_1, (int16_t)o));
	}
}

void bf_emit_reply_icmp_header(struct bf_cgen *cg, int off, int type)
{
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_5, (int16_t)off, type));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_REPLY_CODE));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_5, BPF_REG_1, (int16_t)(off + 1)));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_5, (int16_t)(off + 4), 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xff));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, type << 8));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_REPLY_SUM));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit_csum_fold(cg, BPF_REG_4, BPF_REG_1);
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_4, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_5, BPF_REG_4, (int16_t)(off + 2)));
}

void bf_emit_reply_cut_send(struct bf_cgen *cg, int grow, int none)
{
	/* delta = (L2 + grow + quote) - frame length. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_REPLY_L2));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_REPLY_QLEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, grow));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX, offsetof(struct xdp_md, data_end)));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_1));
	bf_emit_reply_send(cg, none);
}

void bf_emit_reply_route_back(struct bf_cgen *cg, bool v6)
{
	bf_emit_fib_key_begin(cg, v6);
	for (int w = 0; w < (v6 ? 4 : 1); w++) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, (v6 ? 8 : 12) + 4 * w));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_FIB_AT(ipv6_dst) + 4 * w));
	}
	bf_emit_fib_lookup(cg, BPF_FIB_LOOKUP_OUTPUT | BPF_FIB_LOOKUP_SKIP_NEIGH |
				       BPF_FIB_LOOKUP_SRC);
}

int bf_emit_reply_error(struct bf_cgen *cg, void (*emit)(struct bf_cgen *cg, int arg),
			uint8_t code)
{
	/* OUTPUT's answer goes back into this host: not at TC egress yet. */
	if (cg->hook->prog_type == BPF_PROG_TYPE_SCHED_CLS)
		return -EOPNOTSUPP;
	if (cg->hook->prog_type == BF_PROG_TYPE_NETFILTER)
		return bf_emit_nf_reject(cg, (struct bf_nf_answer){NFT_REJECT_ICMP_UNREACH, code});
	if (cg->hook != &bf_hook_xdp) {
		bf_emit_verdict(cg, BF_VERDICT_DROP);
		return cg->err;
	}
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_REPLY_CODE, code));
	/* FORWARD's error is a tail of its own (emit's arg 1). */
	bf_emit_goto_far(cg, bf_cgen_tail(cg, emit, cg->oif_dynamic));
	return cg->err;
}

void bf_emit_reply_send(struct bf_cgen *cg, int none)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_xdp_adjust_tail));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), none);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_TX));
	bf_emit(cg, BPF_EXIT_INSN());
}
