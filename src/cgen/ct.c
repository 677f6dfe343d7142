/* The packet's conntrack state at XDP (ct.h); the netfilter hook's side
 * is ct_nf.c. */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <netinet/in.h>
#include <stddef.h>

#include "cgen/ct.h"
#include "cgen/insn.h"
#include "cgen/l4_csum.h"
#include "cgen/skb_copy.h"
#include "ext/ext.h"
#include "ext/stateful_ct.h"

/* XDP scratch (below the context, XDP only): the lookup's arguments. */
enum {
	CT_TUPLE = -380, /* struct bpf_sock_tuple: 12 bytes (.ipv4), 36 (.ipv6) */
	CT_OPTS = -200,  /* struct bpf_ct_opts, its 12-byte size */
};
#define CT_OPTS_SZ 12
#define CT_OPTS_L4PROTO 8
#define CT_OPTS_DIR 9

/* tcp_in_window's MAXACKWINDOW floor. */
#define CT_MAXACKWINDOW_MIN 66000

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

/* Every match with reads_ct holds a struct bf_ct_info (conntrack, state). */
unsigned int bf_ruleset_uses_ct(const struct bf_ruleset *rs)
{
	unsigned int needs = 0;

	if (!rs)
		return 0;
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		for (size_t c = 0; c < tb->n_chains; c++)
			for (size_t r = 0; r < tb->chains[c]->n_rules; r++) {
				const struct bf_rule *rule = tb->chains[c]->rules[r];

				for (size_t m = 0; m < rule->n_matches; m++) {
					const struct bf_ct_info *info = rule->matches[m].data;

					if (!rule->matches[m].ops->reads_ct)
						continue;
					needs |= BF_CT_NEED_STATE;
					if (info->match_flags & BF_CT_TUPLE_FLAGS)
						needs |= BF_CT_NEED_TUPLE;
					if (info->match_flags & BF_CT_EXPIRES)
						needs |= BF_CT_NEED_EXPIRES;
				}
			}
	}
	return needs;
}

void bf_emit_ct_none(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, BF_PKT_CTINFO, BF_CT_ST_INVALID));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_CTPROTO, 0));
	if (!(cg->ct_needs[cg->rs->family] & BF_CT_NEED_TUPLE))
		return;
	for (int off = BF_PKT_CT_ORIG_SRC; off < BF_PKT_CT_REPL_DST + 16; off += 8)
		bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, off, 0));
	for (int off = BF_PKT_CT_EXPIRES; off < BF_PKT_CT_REPL_DPORT + 2; off += 4)
		bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, off, 0));
}

/* The context's tuple fields, in the order emit_tuple_fill takes them. */
static const struct {
	int off, size;
} tuple_fields[] = {
	{BF_PKT_CT_ORIG_SRC, BPF_W},   {BF_PKT_CT_ORIG_DST, BPF_W},
	{BF_PKT_CT_REPL_SRC, BPF_W},   {BF_PKT_CT_REPL_DST, BPF_W},
	{BF_PKT_CT_ORIG_SPORT, BPF_H}, {BF_PKT_CT_ORIG_DPORT, BPF_H},
	{BF_PKT_CT_REPL_SPORT, BPF_H}, {BF_PKT_CT_REPL_DPORT, BPF_H},
};
#define N_TUPLE_FIELDS (sizeof(tuple_fields) / sizeof(tuple_fields[0]))

/* Each tuple field from src_reg + from[i]: `words` 4-byte words of an
 * address, a port (network order) turned to host order. */
static void emit_tuple_fill(struct bf_cgen *cg, int src_reg, const int from[N_TUPLE_FIELDS],
			    int words)
{
	for (size_t i = 0; i < N_TUPLE_FIELDS; i++) {
		int size = tuple_fields[i].size;

		for (int w = 0; w < (size == BPF_W ? words : 1); w++) {
			bf_emit(cg, BPF_LDX_MEM(size, BPF_REG_1, src_reg, from[i] + 4 * w));
			if (size == BPF_H)
				bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
			bf_emit(cg, BPF_STX_MEM(size, BPF_REG_10, BPF_REG_1, tuple_fields[i].off + 4 * w));
		}
	}
}

/* The tuples from the conntrack in r9 (XDP: a pointer the verifier
 * knows), original then reply direction. */
static void emit_tuple_from_ct(struct bf_cgen *cg, const struct bf_nf_offsets *o, int words)
{
	const int h = o->ct_tuplehash_size;
	const int from[N_TUPLE_FIELDS] = {
		o->ct_src_addr, o->ct_dst_addr, o->ct_src_addr + h, o->ct_dst_addr + h,
		o->ct_src_port, o->ct_dst_port, o->ct_src_port + h, o->ct_dst_port + h,
	};

	emit_tuple_fill(cg, BPF_REG_9, from, words);
}

/* The tuples of the conntrack the stack will make for this packet: its
 * own, and the inverse (CT_TUPLE holds it, in network order: the
 * addresses, `words` words each, then the ports). */
static void emit_tuple_from_packet(struct bf_cgen *cg, int words)
{
	const int a = 4 * words, src = CT_TUPLE, dst = CT_TUPLE + a;
	const int sport = CT_TUPLE + 2 * a, dport = sport + 2;
	const int from[N_TUPLE_FIELDS] = {src, dst, dst, src, sport, dport, dport, sport};

	emit_tuple_fill(cg, BPF_REG_10, from, words);
}

static void emit_kfunc(struct bf_cgen *cg, int32_t btf_id)
{
	bf_emit(cg, (struct bpf_insn){.code = BPF_JMP | BPF_CALL,
				      .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = btf_id});
}

/* CTINFO of a conntrack, from its status (r1) and the direction (r2, 0
 * or 1), as resolve_normal_ct sets ctinfo: a reply is ESTABLISHED; else
 * ESTABLISHED once a reply was seen, RELATED for an expected one, else
 * NEW. Also the status bits and SNAT/DNAT, as xt_conntrack adds them.
 * Clobbers r3, r4. */
static void emit_info_from_status(struct bf_cgen *cg)
{
	int set = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_3, 0xf));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, BF_CTI_STATUS_SHIFT));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_3, BF_CTI_PRESENT));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, BF_CT_ST_ESTABLISHED | BF_CTI_REPLY));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, 0), set);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, BF_CT_ST_ESTABLISHED));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_1, IPS_SEEN_REPLY, 0), set);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, BF_CT_ST_RELATED));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_1, IPS_EXPECTED, 0), set);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, BF_CT_ST_NEW));
	bf_label_bind(cg, set);
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_3, BPF_REG_4));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_4, IPS_SRC_NAT | IPS_DST_NAT));
	/* SRC_NAT (0x10) -> SNAT (0x40), DST_NAT (0x20) -> DNAT (0x80). */
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_4, 2));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_3, BPF_REG_4));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_3, BF_PKT_CTINFO));
}

/* XDP_PASS, marked for the netfilter stage (a 4-byte metadata word in
 * front of the frame, which the stack keeps in the skb); dropped when the
 * driver cannot carry it: never let through unjudged. */
static void emit_defer(struct bf_cgen *cg)
{
	int drop = bf_label_new(cg);

	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, -4));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_xdp_adjust_meta));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), drop);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BF_REG_CTX, offsetof(struct xdp_md, data_meta)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BF_REG_CTX, offsetof(struct xdp_md, data)));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 4));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 0), drop);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_2, 0, (int32_t)BF_CT_DEFER_MAGIC));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, drop);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
}

/* tcp_in_window for an ACK without SYN, FIN or RST, both directions'
 * windows known (td_maxwin != 0): it accepts when
 *   I   before(seq, sender.td_maxend + 1)
 *   II  after(end, sender.td_end - receiver.td_maxwin - 1)
 *   III before(ack, receiver.td_end + 1)
 *   IV  after(ack, receiver.td_end - MAXACKWINDOW(sender) - 1)
 * (sack is ack: no SACK blocks, see the caller). Else to `out`, for the
 * stack to decide. r9 the conntrack, seq in r1, ack in r2, end in r3;
 * s/r the offsets of the sender's and receiver's ip_ct_tcp_state.
 * before(a, b) is (s32)(a - b) < 0, after(a, b) before(b, a). */
static void emit_window(struct bf_cgen *cg, const struct bf_nf_offsets *o, int s, int r,
			int out)
{
	int big = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_9, s + o->tcp_td_maxwin));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_4, 0, 0), out);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_9, r + o->tcp_td_maxwin));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_5, 0, 0), out);
	/* I */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_9, s + o->tcp_td_maxend));
	bf_emit(cg, BPF_ALU32_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_0, BPF_REG_1));
	bf_emit(cg, BPF_ALU32_IMM(BPF_NEG, BPF_REG_0, 0));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JSGE, BPF_REG_0, 0, 0), out);
	/* II: (sender.td_end - receiver.td_maxwin - 1) - end < 0 */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_9, s + o->tcp_td_end));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_0, BPF_REG_5));
	bf_emit(cg, BPF_ALU32_IMM(BPF_SUB, BPF_REG_0, 1));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_0, BPF_REG_3));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JSGE, BPF_REG_0, 0, 0), out);
	/* III: ack - (receiver.td_end + 1) < 0 */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_9, r + o->tcp_td_end));
	bf_emit(cg, BPF_MOV32_REG(BPF_REG_0, BPF_REG_2));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_0, BPF_REG_5));
	bf_emit(cg, BPF_ALU32_IMM(BPF_SUB, BPF_REG_0, 1));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JSGE, BPF_REG_0, 0, 0), out);
	/* IV: (receiver.td_end - max(sender.td_maxwin, 66000) - 1) - ack < 0 */
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JGT, BPF_REG_4, CT_MAXACKWINDOW_MIN, 0), big);
	bf_emit(cg, BPF_MOV32_IMM(BPF_REG_4, CT_MAXACKWINDOW_MIN));
	bf_label_bind(cg, big);
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_5, BPF_REG_4));
	bf_emit(cg, BPF_ALU32_IMM(BPF_SUB, BPF_REG_5, 1));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_5, BPF_REG_2));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JSGE, BPF_REG_5, 0, 0), out);
}

/* An established TCP flow's ACK (r9 the conntrack, r1 its status): to
 * `out` unless conntrack surely takes it as valid (see emit_window). The
 * TCP header must be without options or with the timestamp alone
 * (NOP, NOP, TS): no SACK blocks move sack away from ack. */
static void emit_tcp_established(struct bf_cgen *cg, const struct bf_nf_offsets *o,
				 enum bf_family family, int out)
{
	int plain = bf_label_new(cg), reply = bf_label_new(cg), ok = bf_label_new(cg);
	int s0 = o->ct_tcp_seen, s1 = o->ct_tcp_seen + o->ct_tcp_seen_size;

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSET, BPF_REG_1, IPS_SEQ_ADJUST, 0), out);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_9, o->ct_tcp_state));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, TCP_CONNTRACK_ESTABLISHED, 0), out);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_TCPFLAGS));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, TCPF_FIN | TCPF_SYN | TCPF_RST | TCPF_ACK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, TCPF_ACK, 0), out);

	/* r3: the TCP header (the prologue read its 20 bytes: L4_OK). */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_3, BF_L4OFF_MASK(family)));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BF_REG_L3));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 20));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BF_REG_END, 0), out);
	/* r5: the header's length (data offset * 4). */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, 12));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 4));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_5, 2));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_5, 20, 0), plain);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 32, 0), out);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 4));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BF_REG_END, 0), out);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_3, 20));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0x0a080101, 0), out);
	bf_label_bind(cg, plain);
	/* end = seq + IP length - up to the TCP header - TCP header */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_3, 4));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_3, 8));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 32));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_3, BPF_REG_5));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_10, BF_PKT_L4OFF));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_3, BPF_REG_5));
	bf_emit(cg, BPF_ALU32_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, CT_OPTS + CT_OPTS_DIR));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_4, 0, 0), reply);
	emit_window(cg, o, s0, s1, out);
	bf_emit_jump(cg, BPF_JMP_A(0), ok);
	bf_label_bind(cg, reply);
	emit_window(cg, o, s1, s0, out);
	bf_label_bind(cg, ok);
}

void bf_emit_ct_xdp(struct bf_cgen *cg, enum bf_family family)
{
	const bool v4 = family == BF_FAMILY_IPV4;
	const unsigned int needs = cg->ct_needs[family];
	int defer = bf_label_new(cg), release_defer = bf_label_new(cg), done = bf_label_new(cg);
	int lookup = bf_label_new(cg), found = bf_label_new(cg), is_new = bf_label_new(cg);
	int udp = bf_label_new(cg), tuple_addrs = family == BF_FAMILY_IPV4 ? 8 : 32;
	struct bf_nf_offsets o;

	if (!bf_skb_offsets(cg, &o))
		return;
	/* The time left that --ctexpire reads is what conntrack sets while it
	 * handles the packet, from its own tables: the stack's to judge. */
	if (needs & BF_CT_NEED_EXPIRES) {
		emit_defer(cg);
		return;
	}
	/* IPv6 fragments: conntrack reassembles them before INPUT. */
	if (!v4) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_HDR_FRAG));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, BF_EXTHDR_ABSENT, 0), defer);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO_OK));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), defer);
	}
	/* TCP and UDP with their whole header; the rest goes to the stack. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_L4_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), defer);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, IPPROTO_TCP, 0), lookup);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, IPPROTO_UDP, 0), defer);
	bf_label_bind(cg, lookup);
	bf_emit_l4_csum_check(cg, family, defer);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));

	/* The tuple as the packet has it (network order), original dir:
	 * the addresses, then the ports. */
	for (int w = 0; w < tuple_addrs; w += 4) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BF_REG_L3, (v4 ? 12 : 8) + w));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, CT_TUPLE + w));
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_SPORT));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_2, CT_TUPLE + tuple_addrs));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_DPORT));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_2, CT_TUPLE + tuple_addrs + 2));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, CT_OPTS, -1)); /* BPF_F_CURRENT_NETNS */
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, CT_OPTS + 4, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, CT_OPTS + 8, 0));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, CT_OPTS + CT_OPTS_L4PROTO));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_CTPROTO));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, CT_TUPLE));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, tuple_addrs + 4));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, CT_OPTS));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_5, CT_OPTS_SZ));
	emit_kfunc(cg, o.kfunc_xdp_ct_lookup);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), found);

	/* No flow: UDP's first datagram is NEW; TCP's only for a SYN
	 * (tcp_new), others (ACK pickup, RST, ...) are the stack's. The
	 * conntrack the stack will make is not confirmed yet at INPUT. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, IPPROTO_UDP, 0), is_new);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_TCPFLAGS));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, TCPF_FIN | TCPF_SYN | TCPF_RST | TCPF_ACK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, TCPF_SYN, 0), defer);
	bf_label_bind(cg, is_new);
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, BF_PKT_CTINFO, BF_CT_ST_NEW | BF_CTI_PRESENT));
	if (needs & BF_CT_NEED_TUPLE)
		emit_tuple_from_packet(cg, tuple_addrs / 8);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	/* A flow: r9 holds the reference until bpf_ct_release. */
	bf_label_bind(cg, found);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, o.ct_status));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, IPPROTO_UDP, 0), udp);
	emit_tcp_established(cg, &o, family, release_defer);
	bf_label_bind(cg, udp);
	if (needs & BF_CT_NEED_TUPLE)
		emit_tuple_from_ct(cg, &o, tuple_addrs / 8);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, o.ct_status));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, CT_OPTS + CT_OPTS_DIR));
	emit_info_from_status(cg);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	emit_kfunc(cg, o.kfunc_ct_release);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	bf_label_bind(cg, release_defer);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	emit_kfunc(cg, o.kfunc_ct_release);
	bf_label_bind(cg, defer);
	emit_defer(cg);
	bf_label_bind(cg, done);
}
