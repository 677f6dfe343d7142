/* The IP part of a rule as ip_packet_match() evaluates it: each test
 * "FWINV(cond, flag)", i.e. the condition XOR the inversion flag. */
#include <arpa/inet.h>
#include <string.h>

#include "cgen.h"
#include "cgen/insn.h"

const char bf_oif_dynamic[] = "";
const char bf_iface_runtime[] = "";

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

/* An IPv6 address under a 128-bit mask, as ipv6_masked_addr_cmp(): one
 * word test per word the mask touches, grouped (cgen.h). */
static bool add_addr6(struct bf_ip_test *t, size_t *n, int off, const struct in6_addr *addr,
		      const struct in6_addr *msk, bool inv)
{
	size_t first = *n;

	for (int w = 0; w < 4; w++) {
		uint32_t a, m;

		memcpy(&a, &addr->s6_addr[4 * w], 4);
		memcpy(&m, &msk->s6_addr[4 * w], 4);
		a = ntohl(a);
		m = ntohl(m);
		if (a & ~m) {
			*n = first;
			return inv;
		}
		if (!m)
			continue;
		t[(*n)++] = (struct bf_ip_test){.off = (int16_t)(off + 4 * w), .size = BPF_W,
						.mask = m, .imm = a, .jmp_op = BPF_JNE};
	}
	if (*n == first)
		return !inv;
	t[first].group = (uint8_t)(*n - first - 1);
	if (inv)
		t[first].jmp_op = BPF_JEQ;
	return true;
}

/* ip6_packet_match(): addresses, interfaces, then, only with -p (even
 * -p all), the protocol ipv6_find_hdr() finds, hotdropping when the walk
 * fails. ip6tables has no -f. */
static bool ip6_tests(const struct bf_ip *ip, struct bf_ip_test t[BF_IP_TESTS_MAX], size_t *n)
{
	bool inv_proto = ip->invflags & BF_INV_PROTO;

	if (!add_addr6(t, n, BF_PKT_SADDR6, &ip->src6, &ip->smsk6, ip->invflags & BF_INV_SRCIP))
		return false;
	if (!add_addr6(t, n, BF_PKT_DADDR6, &ip->dst6, &ip->dmsk6, ip->invflags & BF_INV_DSTIP))
		return false;
	if (!(ip->flags & BF_F_PROTO))
		return true;
	t[(*n)++] = (struct bf_ip_test){.off = BF_PKT_PROTO_OK, .size = BPF_B, .mask = 0xffffffff,
					.imm = 0, .jmp_op = BPF_JEQ, .hotdrop = true};
	/* The walk never returns 0 (hop-by-hop is skipped): -p 0 (all)
	 * matches any protocol, inverted or not. */
	if (ip->proto > 0xff)
		return inv_proto;
	if (ip->proto)
		t[(*n)++] = (struct bf_ip_test){.off = BF_PKT_PROTO, .size = BPF_B,
						.mask = 0xffffffff, .imm = ip->proto,
						.jmp_op = inv_proto ? BPF_JEQ : BPF_JNE};
	return true;
}

bool bf_ip_tests(const struct bf_ip *ip, const char *in, const char *out,
		 struct bf_ip_test t[BF_IP_TESTS_MAX], size_t *n)
{
	bool frag = ip->flags & BF_F_FRAG, inv_frag = ip->invflags & BF_INV_FRAG;
	bool inv_proto = ip->invflags & BF_INV_PROTO;

	*n = 0;
	if (in != bf_iface_runtime &&
	    !bf_iface_match(ip->iniface, in) != !!(ip->invflags & BF_INV_VIA_IN))
		return false;
	if (out != bf_oif_dynamic && out != bf_iface_runtime &&
	    !bf_iface_match(ip->outiface, out) != !!(ip->invflags & BF_INV_VIA_OUT))
		return false;
	if (ip->family == BF_FAMILY_IPV6)
		return ip6_tests(ip, t, n);
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

static void emit_word(struct bf_cgen *cg, const struct bf_ip_test *t, uint8_t op, int label)
{
	bf_emit(cg, BPF_LDX_MEM(t->size, BPF_REG_1, BPF_REG_10, t->off));
	if (t->mask != 0xffffffff)
		bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)t->mask));
	/* 32-bit compare: a 64-bit one would sign-extend imm above 0x7fffffff. */
	bf_emit_jump(cg, BPF_JMP32_IMM(op, BPF_REG_1, (int32_t)t->imm, 0), label);
}

size_t bf_emit_ip_test(struct bf_cgen *cg, const struct bf_ip_test *t, bool on_match, int label)
{
	uint8_t op = t->jmp_op;
	size_t n = 1 + (size_t)t->group;
	bool inv = t->jmp_op == BPF_JEQ;

	if (t->hotdrop) {
		emit_word(cg, t, op, cg->lbl_hotdrop);
		return 1;
	}
	if (!t->group) {
		if (on_match)
			op = op == BPF_JEQ ? BPF_JNE : BPF_JEQ;
		emit_word(cg, t, op, label);
		return 1;
	}
	/* A 128-bit compare: "any word differs" jumps straight to label;
	 * "all equal" jumps there after the last word. */
	if (inv == on_match) {
		for (size_t i = 0; i < n; i++)
			emit_word(cg, &t[i], BPF_JNE, label);
	} else {
		/* Each equal word jumps on to the next, the last to label; a
		 * differing one falls through out. The verifier follows the
		 * fall-through first and keeps one branch pending here, not
		 * one per word (rule.c: the entry test of a rule). */
		int differ = bf_label_new(cg);

		for (size_t i = 0; i + 1 < n; i++) {
			int equal = bf_label_new(cg);

			emit_word(cg, &t[i], BPF_JEQ, equal);
			bf_emit_jump(cg, BPF_JMP_A(0), differ);
			bf_label_bind(cg, equal);
		}
		emit_word(cg, &t[n - 1], BPF_JEQ, label);
		bf_label_bind(cg, differ);
	}
	return n;
}
