/* What REJECT's answers at XDP share (reply.h). */
#include "ext/reply.h"

#include <stddef.h>
#include <stdio.h>

#include "cgen/insn.h"

void bf_emit_csum_halves(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xffff));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_1));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2));
}

int bf_reply_sysctl(const char *name, int dflt)
{
	char path[160];
	int v = dflt;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/sys/net/%s", name);
	fp = fopen(path, "r");
	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = dflt;
		fclose(fp);
	}
	return v;
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

void bf_emit_reply_group_dst4(struct bf_cgen *cg, int none)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_DADDR));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, -1, 0), none);
	bf_emit(cg, BPF_ALU32_IMM(BPF_RSH, BPF_REG_1, 28));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0xe, 0), none);
}

void bf_emit_reply_send(struct bf_cgen *cg, int none)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_xdp_adjust_tail));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), none);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_TX));
	bf_emit(cg, BPF_EXIT_INSN());
}
