/* The conntrack state in the netfilter hook (ct.h): after conntrack,
 * from what the kernel put in the skb. */
#include <linux/bpf.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "cgen/ct.h"
#include "cgen/insn.h"
#include "cgen/nf.h"
#include "ext/stateful_ct.h"
#include "ext/stateful_util.h"

/* nf_ct_set(skb, NULL, IP_CT_UNTRACKED) (not in the UAPI header). */
#define CT_UNTRACKED 7

/* size bytes at ct_off in the conntrack (its address in BF_NF_CT) to the
 * stack at to; zeros where it cannot be read. */
static void emit_probe_field(struct bf_cgen *cg, int ct_off, int to, int size)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, to));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, size));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, BF_NF_CT));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, ct_off));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
}

static void emit_tuple_nf(struct bf_cgen *cg, const struct bf_nf_offsets *o)
{
	const int h = o->ct_tuplehash_size;

	/* Whole nf_inet_addr: IPv4's words past the first are zero. */
	emit_probe_field(cg, o->ct_src_addr, BF_PKT_CT_ORIG_SRC, 16);
	emit_probe_field(cg, o->ct_dst_addr, BF_PKT_CT_ORIG_DST, 16);
	emit_probe_field(cg, o->ct_src_addr + h, BF_PKT_CT_REPL_SRC, 16);
	emit_probe_field(cg, o->ct_dst_addr + h, BF_PKT_CT_REPL_DST, 16);
	emit_probe_field(cg, o->ct_src_port, BF_PKT_CT_ORIG_SPORT, 2);
	emit_probe_field(cg, o->ct_dst_port, BF_PKT_CT_ORIG_DPORT, 2);
	emit_probe_field(cg, o->ct_src_port + h, BF_PKT_CT_REPL_SPORT, 2);
	emit_probe_field(cg, o->ct_dst_port + h, BF_PKT_CT_REPL_DPORT, 2);
	for (int off = BF_PKT_CT_ORIG_SPORT; off <= BF_PKT_CT_REPL_DPORT; off += 2) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, off));
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
		bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, off));
	}
}

/* nf_ct_expires(ct) / HZ: the jiffies from now to ct->timeout (u32
 * arithmetic, none when past), in seconds. */
static void emit_expires_nf(struct bf_cgen *cg, const struct bf_nf_offsets *o)
{
	int past = bf_label_new(cg);

	emit_probe_field(cg, o->ct_timeout, BF_PKT_CT_EXPIRES, 4);
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_jiffies64));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_CT_EXPIRES));
	bf_emit(cg, BPF_ALU32_REG(BPF_SUB, BPF_REG_1, BPF_REG_0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JSLT, BPF_REG_1, 0, 0), past);
	bf_emit(cg, BPF_ALU32_IMM(BPF_DIV, BPF_REG_1, BF_KERNEL_HZ));
	bf_emit(cg, BPF_MOV32_REG(BPF_REG_2, BPF_REG_1));
	bf_label_bind(cg, past);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, BF_PKT_CT_EXPIRES));
}

void bf_emit_ct_nf(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb_reg,
		   unsigned int needs)
{
	int has_ct = bf_label_new(cg), done = bf_label_new(cg);
	int orig = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, skb_reg, o->skb_nfct));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 7));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, -8));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), has_ct);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_CTPROTO, 0));
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, BF_PKT_CTINFO, BF_CT_ST_INVALID));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_2, CT_UNTRACKED, 0), done);
	bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, BF_PKT_CTINFO, BF_CT_ST_UNTRACKED));
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	/* XT_CONNTRACK_STATE_BIT(ctinfo): 1 << (ctinfo % IP_CT_IS_REPLY + 1) */
	bf_label_bind(cg, has_ct);
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, BF_NF_CT));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, BF_CTI_PRESENT));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_2, IP_CT_IS_REPLY, 0), orig);
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_2, IP_CT_IS_REPLY));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, BF_CTI_PRESENT | BF_CTI_REPLY));
	bf_label_bind(cg, orig);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, 1));
	bf_emit(cg, BPF_ALU64_REG(BPF_LSH, BPF_REG_4, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_3, BPF_REG_4));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_3, BF_PKT_CTINFO));

	/* The status (its low word holds every bit read) and the protocol,
	 * read through the pointer _nfct holds. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, BF_PKT_SCRATCH));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 4));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, BF_NF_CT));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, o->ct_status));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_SCRATCH));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_CTINFO));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_3, 0xf));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, BF_CTI_STATUS_SHIFT));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_2, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, IPS_SRC_NAT | IPS_DST_NAT));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 2));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_2, BF_PKT_CTINFO));

	emit_probe_field(cg, o->ct_protonum, BF_PKT_CTPROTO, 1);
	if (needs & BF_CT_NEED_TUPLE)
		emit_tuple_nf(cg, o);
	if (needs & BF_CT_NEED_EXPIRES)
		emit_expires_nf(cg, o);
	bf_label_bind(cg, done);
}

void bf_emit_ct_deferred(struct bf_cgen *cg, const struct bf_nf_offsets *o, int skb_reg,
			 int yes)
{
	int no = bf_label_new(cg);

	/* skb_metadata_len(): skb_shinfo(skb)->meta_len, shinfo at head + end */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_3, skb_reg, o->skb_end));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, skb_reg, o->skb_head));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, o->shinfo_meta_len));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, BF_PKT_SCRATCH));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 1));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_SCRATCH));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 4, 0), no);
	/* The metadata ends where the MAC header starts. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_3, skb_reg, o->skb_mac_header));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0xffff, 0), no);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, skb_reg, o->skb_head));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_3, 4));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, BF_PKT_SCRATCH));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 4));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_SCRATCH));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, (int32_t)BF_CT_DEFER_MAGIC, 0), yes);
	bf_label_bind(cg, no);
}
