/* The TC egress hook (tc.h): prologue, verdicts, LOG's copy. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <sys/socket.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "cgen/log_event.h"
#include "cgen/skb_copy.h"
#include "cgen/tc.h"

#define R_SKB BPF_REG_9

_Static_assert(BF_TC_SKB + 8 <= BF_PKT_CT_ORIG_SPORT && BF_TC_SKB >= BF_PKT_OIF + 4,
	       "BF_TC_SKB overlaps");

static void load_skb(struct bf_cgen *cg, int reg)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, reg, BPF_REG_10, BF_TC_SKB));
}

_Static_assert(BF_TC_FRAG + 4 <= BF_PKT_CT_EXPIRES && BF_TC_FRAG >= BF_PKT_MATCH_HIGH + 56,
	       "BF_TC_FRAG overlaps");
_Static_assert(sizeof(struct bf_frag_key) <= 64, "the key is built in BF_PKT_MATCH_LOW");

#define FAMILY_NUM(f) ((f) == BF_FAMILY_IPV6 ? 6 : 4)

/* The key of the datagram a fragment belongs to, at BF_PKT_MATCH_LOW,
 * from the context and BF_TC_FRAG_ID. */
static void emit_frag_key(struct bf_cgen *cg, enum bf_family family)
{
	const int k = BF_PKT_MATCH_LOW;
	const int words = family == BF_FAMILY_IPV6 ? 4 : 1;

	bf_emit_stack_zero(cg, k, sizeof(struct bf_frag_key));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_TC_FRAG_ID));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, k + (int)offsetof(struct bf_frag_key, id)));
	if (family == BF_FAMILY_IPV4)
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	else
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_1, FAMILY_NUM(family) << 8));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1,
				k + (int)offsetof(struct bf_frag_key, family_proto)));
	for (int w = 0; w < words; w++) {
		int src = family == BF_FAMILY_IPV6 ? BF_PKT_SADDR6 + 4 * w : BF_PKT_SADDR;
		int dst = family == BF_FAMILY_IPV6 ? BF_PKT_DADDR6 + 4 * w : BF_PKT_DADDR;

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, src));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1,
					k + (int)offsetof(struct bf_frag_key, saddr) + 4 * w));
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, dst));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1,
					k + (int)offsetof(struct bf_frag_key, daddr) + 4 * w));
	}
}

/* r1: the fragment offset (8-byte units), r2: more fragments (0 or
 * not), r3: the identification. A fragment after the first leaves here,
 * accepted (uncounted) when the first was, else dropped; the first one
 * is noted in BF_TC_FRAG, judged, and its acceptance recorded by the
 * verdict (tc_emit_verdict). */
static void emit_fragment(struct bf_cgen *cg, enum bf_family family, int whole, int pass,
			  int drop)
{
	int first = bf_label_new(cg);

	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_3, BF_TC_FRAG_ID));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), first);
	emit_frag_key(cg, family);
	bf_emit_map_lookup(cg, BF_MAP_FRAGS, BF_PKT_MATCH_LOW);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), pass);
	bf_emit_jump(cg, BPF_JMP_A(0), drop);
	bf_label_bind(cg, first);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 0), whole);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_TC_FRAG, FAMILY_NUM(family)));
}

/* IPv4: the header at BF_REG_L3 (its 20 bytes proven by the prologue). */
static void emit_fragment4(struct bf_cgen *cg, int pass, int drop)
{
	int whole = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BF_REG_L3, offsetof(struct iphdr, frag_off)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, IP_OFFMASK));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, IP_MF));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BF_REG_L3, offsetof(struct iphdr, id)));
	emit_fragment(cg, BF_FAMILY_IPV4, whole, pass, drop);
	bf_label_bind(cg, whole);
}

/* IPv6: the fragment header the prologue found (BF_PKT_HDR_FRAG), which
 * must lie within the copy: a fragment whose header cannot be read is
 * dropped. */
static void emit_fragment6(struct bf_cgen *cg, int pass, int drop)
{
	int whole = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_HDR_FRAG));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, BF_EXTHDR_ABSENT, 0), whole);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, BF_EXTHDR_BAD, 0), whole);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_1, BF_NF_BUF_LEN - 8, 0), drop);
	/* Extension headers are 8-byte multiples after the fixed 40: the
	 * mask keeps the value and tells the verifier the reads align. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, BF_NF_BUF_LEN - 8));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_4));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, 8));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_5, BF_REG_END, 0), drop);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_4, 2));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 1));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_4, 4));
	emit_fragment(cg, BF_FAMILY_IPV6, whole, pass, drop);
	bf_label_bind(cg, whole);
}

/* The end of ACCEPT: a first fragment's datagram is noted, so that its
 * other fragments follow (emit_fragment). */
static void emit_accept_tail(struct bf_cgen *cg, int family)
{
	int out = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_TC_FRAG));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), out);
	emit_frag_key(cg, (enum bf_family)family);
	bf_emit_map_update(cg, BF_MAP_FRAGS, BF_PKT_MATCH_LOW, BF_TC_FRAG, BPF_ANY);
	bf_label_bind(cg, out);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, TC_ACT_UNSPEC));
	bf_emit(cg, BPF_EXIT_INSN());
}

static void tc_emit_verdict(struct bf_cgen *cg, enum bf_verdict v)
{
	if (v != BF_VERDICT_ACCEPT || !cg->rs) {
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, v == BF_VERDICT_ACCEPT ? TC_ACT_UNSPEC
									 : TC_ACT_SHOT));
		bf_emit(cg, BPF_EXIT_INSN());
		return;
	}
	bf_emit_goto_far(cg, bf_cgen_tail(cg, emit_accept_tail, cg->rs->family));
}

/* The context filled from the copy, once a family's prologue ran: its
 * fragments (emit_fragment); the conntrack state as the skb carries it
 * (conntrack saw the packet at LOCAL_OUT, before filter OUTPUT: what
 * iptables reads there). */
static void after_prologue(struct bf_cgen *cg, const struct bf_nf_offsets *o,
			   enum bf_family family, int pass, int drop)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_NF_TOTLEN));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_LEN));
	if (family == BF_FAMILY_IPV6)
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_IP6_PLEN));
	if (family == BF_FAMILY_IPV6)
		emit_fragment6(cg, pass, drop);
	else
		emit_fragment4(cg, pass, drop);
	if (cg->ct_needs[family]) {
		load_skb(cg, R_SKB);
		bf_emit_ct_nf(cg, o, R_SKB, cg->ct_needs[family]);
	}
}

static void tc_prologue(struct bf_cgen *cg)
{
	int pass = bf_label_new(cg), drop = bf_label_new(cg), parsed = bf_label_new(cg);
	int ipv6 = bf_label_new(cg), ip = bf_label_new(cg), no_sock = bf_label_new(cg);
	struct bf_nf_offsets o;

	if (!bf_skb_offsets(cg, &o))
		return;
	/* The counters map is found through the program (core/state.h). */
	bf_emit_ld_map(cg, BPF_REG_0, BF_MAP_COUNTERS);
	bf_emit(cg, BPF_MOV64_REG(BF_REG_CTX, BPF_REG_1));
	/* Received, then routed on: FORWARD's, not OUTPUT's. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX,
				offsetof(struct __sk_buff, ingress_ifindex)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), pass);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_TC_FRAG, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX, offsetof(struct __sk_buff, protocol)));
	if (cg->judge_v4)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, htons(ETH_P_IP), 0), ip);
	if (cg->judge_v6)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, htons(ETH_P_IPV6), 0), ip);
	bf_emit_jump(cg, BPF_JMP_A(0), pass);
	bf_label_bind(cg, ip);

	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, (struct bpf_insn){.code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL,
				      .imm = o.kfunc_cast_to_kern_ctx});
	bf_emit(cg, BPF_MOV64_REG(R_SKB, BPF_REG_0));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, R_SKB, BF_TC_SKB));
	/* A packet socket's frame: around the IP layer, no OUTPUT. */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, R_SKB, o.skb_sk));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), no_sock);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_1, o.sk_family));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, AF_PACKET, 0), pass);
	bf_label_bind(cg, no_sock);

	/* -m mac is refused in OUTPUT, as by iptables: no MAC to read. */
	bf_emit_skb_link(cg, &o, R_SKB, false);
	/* What cannot be read or parsed is dropped: this host made it, and
	 * nothing leaves unjudged. */
	bf_emit_skb_copy(cg, &o, R_SKB, BF_REG_CTX, drop);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX, offsetof(struct __sk_buff, protocol)));
	if (cg->judge_v6)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, htons(ETH_P_IPV6), 0), ipv6);
	bf_emit_skb_copy_shorten(cg);
	bf_emit_ipv4_prologue(cg, drop);
	after_prologue(cg, &o, BF_FAMILY_IPV4, pass, drop);
	bf_emit_jump(cg, BPF_JMP_A(0), parsed);
	if (cg->judge_v6) {
		bf_label_bind(cg, ipv6);
		bf_emit_skb_copy_shorten6(cg);
		bf_emit_ipv6_prologue(cg, drop);
		after_prologue(cg, &o, BF_FAMILY_IPV6, pass, drop);
		/* Past every IPv4 rule: a 32-bit jump. */
		bf_emit_goto_far(cg, cg->lbl_v6);
	}
	bf_label_bind(cg, drop);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, TC_ACT_SHOT));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, pass);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, TC_ACT_UNSPEC));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, parsed);
}

/* The LOG target's copy (cgen.h): the frame from its first byte. No MAC=
 * in OUTPUT (mac_len 0), as the kernel prints none without an input
 * interface; OUT= the interface the packet leaves by. */
static void tc_log_frame(struct bf_cgen *cg)
{
	int failed = bf_label_new(cg), done = bf_label_new(cg), fits = bf_label_new(cg);
	struct bf_nf_offsets o;

	if (!bf_skb_offsets(cg, &o))
		return;
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_9, offsetof(struct bf_log_event, mac_len), 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX, offsetof(struct __sk_buff, ifindex)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_9, BPF_REG_1,
				offsetof(struct bf_log_event, out_ifindex)));
	load_skb(cg, BPF_REG_5);
	bf_emit_skb_nh_offset(cg, &o, BPF_REG_5, BPF_REG_4);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BPF_REG_4, 0, 0), failed);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_4, 64, 0), failed);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_9, BPF_REG_4, offsetof(struct bf_log_event, l3_off)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BF_REG_CTX, offsetof(struct __sk_buff, len)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_4, BF_LOG_DATA, 0), fits);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, BF_LOG_DATA));
	bf_label_bind(cg, fits);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_4, 1, 0), failed);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_9, BPF_REG_4, offsetof(struct bf_log_event, cap)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, offsetof(struct bf_log_event, data)));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_skb_load_bytes));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), done);
	bf_label_bind(cg, failed);
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_9, offsetof(struct bf_log_event, cap), 0));
	bf_label_bind(cg, done);
}

/* TC_ACT_UNSPEC goes on to the next program (tcx's TCX_NEXT; clsact's
 * next filter), then the default: the packet leaves. */
static int tc_verdict_code(enum bf_verdict v)
{
	return v == BF_VERDICT_ACCEPT ? TC_ACT_UNSPEC : TC_ACT_SHOT;
}

const struct bf_hook_ops bf_hook_tc = {
	.name = "tc_egress",
	.prog_type = BPF_PROG_TYPE_SCHED_CLS,
	.prologue = tc_prologue,
	.verdict_code = tc_verdict_code,
	.emit_verdict = tc_emit_verdict,
	.check = bf_cgen_check,
	/* Within the copy (BF_NF_BUF), as the netfilter hook. */
	.walk_max = BF_NF_BUF_LEN - 4,
	.log_frame = tc_log_frame,
};
