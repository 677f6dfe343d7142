/* The netfilter hooks' programs (nf_hooks.h): the netfilter prologue
 * that judges every packet (nf.c), one chain, verdicts NF_ACCEPT /
 * NF_DROP; -i and -o read from the hook state's devices. */
#include <errno.h>
#include <string.h>

#include "cgen.h"
#include "cgen/ct.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "cgen/log_event.h"
#include "cgen/nf.h"
#include "cgen/nf_hooks.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "cgen/skb_copy.h"
#include "common/log.h"

const struct bf_nf_point_info bf_nf_points[BF_NF_POINTS] = {
	[BF_NF_PREROUTING_RAW] = {"prerouting-raw", BF_TABLE_RAW, "PREROUTING",
				  BF_NF_INET_PRE_ROUTING, BF_NF_IP_PRI_RAW},
	[BF_NF_INPUT] = {"input", BF_TABLE_FILTER, "INPUT", BF_NF_INET_LOCAL_IN,
			 BF_NF_IP_PRI_FILTER},
	[BF_NF_FORWARD] = {"forward", BF_TABLE_FILTER, "FORWARD", BF_NF_INET_FORWARD,
			   BF_NF_IP_PRI_FILTER},
	[BF_NF_OUTPUT_RAW] = {"output-raw", BF_TABLE_RAW, "OUTPUT", BF_NF_INET_LOCAL_OUT,
			      BF_NF_IP_PRI_RAW},
	[BF_NF_OUTPUT] = {"output", BF_TABLE_FILTER, "OUTPUT", BF_NF_INET_LOCAL_OUT,
			  BF_NF_IP_PRI_FILTER},
};

/* -i / -o NAME against state->in / state->out's name, compared as two
 * 8-byte words under iptables' mask (the name and its NUL, or the bytes
 * before a trailing `+'): bytes past the NUL of a renamed device's name
 * may be stale. No device (in at OUTPUT): its name reads as zeros. */
static void nf_iface_test(struct bf_cgen *cg, bool out, const char *name, bool inv, int next)
{
	size_t len = strnlen(name, BF_IFNAMSIZ);
	char want[BF_IFNAMSIZ] = {0}, mask[BF_IFNAMSIZ] = {0};
	int ok = bf_label_new(cg), differ = inv ? ok : next;
	struct bf_nf_offsets o;
	uint64_t w[2], m[2];

	if (!bf_skb_offsets(cg, &o))
		return;
	if (len && name[len - 1] == '+')
		len--;
	else if (len < BF_IFNAMSIZ)
		len++; /* the NUL */
	memcpy(want, name, len < BF_IFNAMSIZ ? len : BF_IFNAMSIZ);
	memset(mask, 0xff, len);
	memcpy(w, want, sizeof(w));
	memcpy(m, mask, sizeof(m));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, out ? o.state_out : o.state_in));
	for (int i = 0; i < 2; i++) {
		if (!m[i])
			continue;
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, o.dev_name + 8 * i));
		bf_emit_ld_imm64(cg, BPF_REG_3, 0, m[i]);
		bf_emit(cg, BPF_ALU64_REG(BPF_AND, BPF_REG_2, BPF_REG_3));
		bf_emit_ld_imm64(cg, BPF_REG_3, 0, w[i]);
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JNE, BPF_REG_2, BPF_REG_3, 0), differ);
	}
	/* All equal: a match, unless inverted. */
	if (inv)
		bf_emit_jump(cg, BPF_JMP_A(0), next);
	bf_label_bind(cg, ok);
}

/* LOG's copy as the netfilter stage's, then what the line shows of the
 * hook: IN= and OUT= the state's devices, the packet as the stack holds
 * it at this point (BF_LOG_F_AS_SEEN: its TTL already decremented in
 * FORWARD). r9 is the event. */
static void nf_hooks_log_frame(struct bf_cgen *cg)
{
	struct bf_nf_offsets o;
	int no_out = bf_label_new(cg);

	if (!bf_skb_offsets(cg, &o))
		return;
	bf_nf_log_frame(cg);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_9, offsetof(struct bf_log_event, logflags)));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_1, BF_LOG_F_AS_SEEN));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_9, BPF_REG_1, offsetof(struct bf_log_event, logflags)));
	/* The input device's name (zeros without one). */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_3, o.state_in));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, o.dev_name));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_9));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, offsetof(struct bf_log_event, ifname)));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, sizeof(((struct bf_log_event *)0)->ifname)));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel_str));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_9, offsetof(struct bf_log_event, out_ifindex), 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BF_REG_CTX, BF_NF_CTX_STATE));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, o.state_out));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), no_out);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_1, o.dev_ifindex));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_9, BPF_REG_1, offsetof(struct bf_log_event, out_ifindex)));
	bf_label_bind(cg, no_out);
}

#define NF_POINT_OPS(answers, has_route)                                                        \
	{                                                                                      \
		.name = "nf_hook", .prog_type = BF_PROG_TYPE_NETFILTER,                        \
		.expected_attach_type = BF_ATTACH_NETFILTER, .prologue = bf_nf_prologue_all,   \
		.verdict_code = bf_nf_verdict_code, .check = bf_cgen_check_nf,                 \
		.walk_max = BF_NF_BUF_LEN - 4, .log_frame = nf_hooks_log_frame,                \
		.iface_test = nf_iface_test, .nf_answers = (answers), .routed = (has_route),   \
	}

/* REJECT answers only at INPUT: nft's chain is at LOCAL_IN. Every point
 * but PREROUTING comes after routing. */
static const struct bf_hook_ops nf_point_ops[BF_NF_POINTS] = {
	[BF_NF_PREROUTING_RAW] = NF_POINT_OPS(false, false),
	[BF_NF_INPUT] = NF_POINT_OPS(true, true),
	[BF_NF_FORWARD] = NF_POINT_OPS(false, true),
	[BF_NF_OUTPUT_RAW] = NF_POINT_OPS(false, true),
	[BF_NF_OUTPUT] = NF_POINT_OPS(false, true),
};

const struct bf_hook_ops *bf_nf_point_ops(enum bf_nf_point point)
{
	return &nf_point_ops[point];
}

int bf_cgen_compile_nf_point(struct bf_cgen *cg, const struct bf_ruleset *rs, int slot_base,
			     enum bf_nf_point point)
{
	const struct bf_nf_point_info *p = &bf_nf_points[point];
	const struct bf_table *tb = &rs->tables[p->table];
	const struct bf_chain *c = bf_table_chain(tb, p->chain);
	bool v6 = rs->family == BF_FAMILY_IPV6;
	int err;

	if (cg->err)
		return cg->err;
	err = bf_cgen_check_nf(rs);
	if (err)
		return cg->err = err;
	cg->hook = &nf_point_ops[point];
	cg->ifname = "";
	cg->classify = BF_CLASSIFY_OFF;
	cg->judge_v4 = !v6;
	cg->judge_v6 = v6;
	cg->ct_needs[rs->family] = bf_ruleset_uses_ct(rs);
	if (v6)
		cg->lbl_v6 = bf_label_new(cg);
	/* Every program holds the counters map, where it is found again
	 * (core/nf_hooks.h), even one whose rules are dead code. */
	bf_emit_ld_map(cg, BPF_REG_0, BF_MAP_COUNTERS);
	cg->hook->prologue(cg);
	if (cg->err)
		return cg->err;
	if (v6)
		bf_label_bind(cg, cg->lbl_v6);
	cg->rs = rs;
	cg->slot_base = slot_base;
	/* A table not in use (raw) or a chain it does not have: accepted. */
	if (!tb->present || !c)
		bf_emit_verdict(cg, BF_VERDICT_ACCEPT);
	else
		err = bf_emit_chain_flow(cg, p->table, bf_table_chain_index(tb, c), -1);
	return err ? err : bf_cgen_finish(cg);
}

int bf_cgen_nf_hook_dispatcher(struct bf_cgen *cg, int slots_fd, uint32_t slot, int reject_fd)
{
	cg->hook = &nf_point_ops[BF_NF_INPUT];
	bf_emit(cg, BPF_MOV64_REG(BF_REG_CTX, BPF_REG_1));
	if (reject_fd >= 0)
		bf_emit_nf_reject_clear(cg, reject_fd);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit_ld_imm64(cg, BPF_REG_2, BPF_PSEUDO_MAP_FD, (uint32_t)slots_fd);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, (int32_t)slot));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_tail_call));
	/* An empty slot: fail closed. */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, BF_NF_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	return bf_cgen_finish(cg);
}
