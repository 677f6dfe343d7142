/* The IP part of a rule as ip_packet_match() evaluates it: each test
 * "FWINV(cond, flag)", i.e. the condition XOR the inversion flag. */
#include <arpa/inet.h>
#include <string.h>

#include "cgen.h"
#include "cgen/insn.h"

bool bf_iface_match(const char *name, const char *dev)
{
	size_t len = strnlen(name, BF_IFNAMSIZ);

	/* iptables' mask covers the name and its NUL, or with a trailing
	 * `+' only the characters before it; no name matches everything. */
	if (!len)
		return true;
	if (name[len - 1] == '+')
		return !strncmp(name, dev, len - 1);
	return !strncmp(name, dev, BF_IFNAMSIZ);
}

/* Adds a test, or decides the rule: returns false when it never matches. */
static bool add_addr(struct bf_ip_test *t, size_t *n, int off, struct in_addr addr,
		     struct in_addr msk, bool inv)
{
	uint32_t a = ntohl(addr.s_addr), m = ntohl(msk.s_addr);

	/* (field & m) != a: always true when a has bits outside m. */
	if (a & ~m)
		return inv;
	if (!m)
		return !inv;
	t[(*n)++] = (struct bf_ip_test){.off = off, .size = BPF_W, .mask = m, .imm = a,
					.jmp_op = inv ? BPF_JEQ : BPF_JNE};
	return true;
}

bool bf_ip_tests(const struct bf_ip *ip, const char *in, const char *out,
		 struct bf_ip_test t[BF_IP_TESTS_MAX], size_t *n)
{
	bool frag = ip->flags & BF_F_FRAG, inv_frag = ip->invflags & BF_INV_FRAG;
	bool inv_proto = ip->invflags & BF_INV_PROTO;

	*n = 0;
	if (!bf_iface_match(ip->iniface, in) != !!(ip->invflags & BF_INV_VIA_IN))
		return false;
	if (!bf_iface_match(ip->outiface, out) != !!(ip->invflags & BF_INV_VIA_OUT))
		return false;
	if (!add_addr(t, n, BF_PKT_SADDR, ip->src, ip->smsk, ip->invflags & BF_INV_SRCIP))
		return false;
	if (!add_addr(t, n, BF_PKT_DADDR, ip->dst, ip->dmsk, ip->invflags & BF_INV_DSTIP))
		return false;
	/* Protocol 0 means any, inverted or not. */
	if (ip->proto > 0xff && !inv_proto)
		return false;
	if (ip->proto && ip->proto <= 0xff)
		t[(*n)++] = (struct bf_ip_test){.off = BF_PKT_PROTO, .size = BPF_B,
						.mask = 0xffffffff, .imm = ip->proto,
						.jmp_op = inv_proto ? BPF_JEQ : BPF_JNE};
	/* FWINV(-f && !fragment, inverted): `! -f` without -f never matches. */
	if (!frag && inv_frag)
		return false;
	if (frag)
		t[(*n)++] = (struct bf_ip_test){.off = BF_PKT_FRAGOFF, .size = BPF_H,
						.mask = 0xffffffff, .imm = 0,
						.jmp_op = inv_frag ? BPF_JNE : BPF_JEQ};
	return true;
}

void bf_emit_ip_test(struct bf_cgen *cg, const struct bf_ip_test *t, bool on_match, int label)
{
	uint8_t op = t->jmp_op;

	if (on_match)
		op = op == BPF_JEQ ? BPF_JNE : BPF_JEQ;
	bf_emit(cg, BPF_LDX_MEM(t->size, BPF_REG_1, BPF_REG_10, t->off));
	if (t->mask != 0xffffffff)
		bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)t->mask));
	/* 32-bit compare: a 64-bit one would sign-extend imm above 0x7fffffff. */
	bf_emit_jump(cg, BPF_JMP32_IMM(op, BPF_REG_1, (int32_t)t->imm, 0), label);
}
