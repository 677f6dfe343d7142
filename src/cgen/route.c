/* The routing decision at XDP (route.h). */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "cgen/flow.h"
#include "cgen/insn.h"
#include "cgen/ipv4_opts.h"
#include "cgen/route.h"
#include "common/log.h"


int bf_cgen_oif_bit(const struct bf_cgen *cg, const char *name)
{
	for (size_t i = 0; i < cg->n_oif_names; i++)
		if (!strncmp(cg->oif_names[i], name, BF_IFNAMSIZ))
			return (int)i;
	return -1;
}

static int add_names(struct bf_cgen *cg, const struct bf_ruleset *rs)
{
	const struct bf_table *t = rs ? &rs->tables[BF_TABLE_FILTER] : NULL;

	for (size_t c = 0; t && c < t->n_chains; c++) {
		for (size_t r = 0; r < t->chains[c]->n_rules; r++) {
			const char *name = t->chains[c]->rules[r]->ip.outiface;

			if (!*name || bf_cgen_oif_bit(cg, name) >= 0)
				continue;
			if (cg->n_oif_names == sizeof(cg->oif_names) / sizeof(cg->oif_names[0]))
				return bf_err(-E2BIG, "more than %zu different -o interface names "
					      "are not supported at XDP yet", cg->n_oif_names);
			memcpy(cg->oif_names[cg->n_oif_names++], name, BF_IFNAMSIZ);
		}
	}
	return 0;
}

int bf_cgen_oif_names(struct bf_cgen *cg, const struct bf_ruleset *v4,
		      const struct bf_ruleset *v6)
{
	int err;

	cg->n_oif_names = 0;
	err = add_names(cg, v4);
	return err ? err : add_names(cg, v6);
}

/* BF_PKT_OIF_BITS from the route's output interface (r1 clobbered): the
 * namespace's interfaces now, each with the bits of the names it
 * matches. */
static void emit_oif_bits(struct bf_cgen *cg)
{
	struct if_nameindex *ifs = cg->n_oif_names ? if_nameindex() : NULL;

	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_OIF_BITS, 0));
	if (!ifs)
		return;
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_FIB_AT(ifindex)));
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		int skip = bf_label_new(cg);
		uint32_t bits = 0;

		for (size_t k = 0; k < cg->n_oif_names; k++)
			if (bf_iface_match(cg->oif_names[k], i->if_name))
				bits |= 1u << k;
		if (!bits)
			continue;
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, (int32_t)i->if_index, 0), skip);
		bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_OIF_BITS, (int32_t)bits));
		bf_label_bind(cg, skip);
	}
	if_freenameindex(ifs);
}

/* The rest of the lookup's key from the IPv4 header (r7, 20 bytes
 * proven). */
static void key_ipv4(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, protocol)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_FIB_AT(l4_protocol)));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, tot_len)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_FIB_AT(tot_len)));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, tos)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_FIB_AT(tos)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, saddr)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_FIB_AT(ipv4_src)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, daddr)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_FIB_AT(ipv4_dst)));
}

/* The same from the IPv6 header (40 bytes proven). */
static void key_ipv6(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, 6)); /* next header */
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_FIB_AT(l4_protocol)));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, 4)); /* payload length */
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 40));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_FIB_AT(tot_len)));
	/* ip6_flowinfo(): the first word but the version. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, 0));
	bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)htonl(0x0fffffff)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_FIB_AT(flowinfo)));
	for (int w = 0; w < 8; w++) {
		int to = w < 4 ? BF_FIB_AT(ipv6_src) + 4 * w : BF_FIB_AT(ipv6_dst) + 4 * (w - 4);

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, 8 + 4 * w));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, to));
	}
}

/* To `input` for a multicast destination, or IPv4's limited broadcast. */
static void not_unicast(struct bf_cgen *cg, bool v6, int input)
{
	if (v6) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, 24));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0xff, 0), input);
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, daddr)));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, -1, 0), input);
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0xf0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0xe0, 0), input);
}

/* ip6_forward's "security critical" check, for a route out of another
 * interface than the packet came in by: to `pass` for a multicast,
 * loopback or link-local source. */
static void ipv6_source_scope(struct bf_cgen *cg, int pass)
{
	int ok = bf_label_new(cg), not_lo = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX,
				offsetof(struct xdp_md, ingress_ifindex)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, BF_FIB_AT(ifindex)));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JEQ, BPF_REG_1, BPF_REG_2, 0), ok);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, 8));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0xff, 0), pass);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, 8));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, htons(0xffc0)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, htons(0xfe80), 0), pass);
	/* ::1 */
	for (int w = 0; w < 3; w++) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, 8 + 4 * w));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), not_lo);
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_L3, 20));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, (int32_t)htonl(1), 0), pass);
	bf_label_bind(cg, not_lo);
	bf_label_bind(cg, ok);
}

void bf_emit_fib_key_begin(struct bf_cgen *cg, bool v6)
{
	bf_emit_stack_zero(cg, BF_FIB_KEY, sizeof(struct bpf_fib_lookup));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_FIB_AT(family), v6 ? AF_INET6 : AF_INET));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BF_REG_CTX,
				offsetof(struct xdp_md, ingress_ifindex)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_FIB_AT(ifindex)));
}

void bf_emit_fib_lookup(struct bf_cgen *cg, uint32_t flags)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BF_REG_CTX));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, BF_FIB_KEY));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, sizeof(struct bpf_fib_lookup)));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_4, (int32_t)flags));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_fib_lookup));
}

void bf_xdp_route(struct bf_cgen *cg, enum bf_family family, int forward)
{
	int input = bf_label_new(cg), routed = bf_label_new(cg), pass = bf_label_new(cg);
	int drop = bf_label_new(cg), too_big = bf_label_new(cg);
	bool v6 = family == BF_FAMILY_IPV6;

	/* ip_rcv_options() drops before INPUT and FORWARD alike. */
	if (!v6)
		bf_emit_ipv4_opts_check(cg, pass, drop);
	if (forward < 0) {
		bf_emit_jump(cg, BPF_JMP_A(0), input);
		goto tails;
	}
	not_unicast(cg, v6, input);
	bf_emit_fib_key_begin(cg, v6);
	if (v6)
		key_ipv6(cg);
	else
		key_ipv4(cg);
	/* The neighbour does not matter: the stack resolves it. */
	bf_emit_fib_lookup(cg, BPF_FIB_LOOKUP_SKIP_NEIGH);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BPF_REG_0, 0, 0), drop);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, BPF_FIB_LKUP_RET_SUCCESS, 0), routed);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_0, BPF_FIB_LKUP_RET_PROHIBIT, 0), pass);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, BPF_FIB_LKUP_RET_NOT_FWDED, 0), input);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, BPF_FIB_LKUP_RET_FWD_DISABLED, 0), input);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, BPF_FIB_LKUP_RET_NO_NEIGH, 0), routed);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, BPF_FIB_LKUP_RET_FRAG_NEEDED, 0), too_big);
	/* The rest, an encapsulating route (UNSUPP_LWT, whose output
	 * interface the helper does not give) included: fail closed. */
	bf_emit_jump(cg, BPF_JMP_A(0), drop);

	/* Too big for the route: IPv4 without DF is fragmented after
	 * FORWARD (looked up again without the size, for the output
	 * interface); otherwise the stack answers and drops. */
	bf_label_bind(cg, too_big);
	if (!v6) {
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BF_REG_L3, offsetof(struct iphdr, frag_off)));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, htons(IP_DF)));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), pass);
		bf_emit(cg, BPF_ST_MEM(BPF_H, BPF_REG_10, BF_FIB_AT(tot_len), 0));
		bf_emit_fib_lookup(cg, BPF_FIB_LOOKUP_SKIP_NEIGH);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, BPF_FIB_LKUP_RET_SUCCESS, 0), routed);
		bf_emit_jump(cg, BPF_JMP_A(0), drop);
	} else {
		bf_emit_jump(cg, BPF_JMP_A(0), pass);
	}

	bf_label_bind(cg, routed);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ETH_TYPE));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, PACKET_HOST, 0), pass);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BF_REG_L3, v6 ? 7 : offsetof(struct iphdr, ttl)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_1, 1, 0), pass);
	if (v6)
		ipv6_source_scope(cg, pass);
	/* ip_forward / ip6_forward decrement it before FORWARD: its rules
	 * (ttl, hl, recent --rttl) see the decremented value. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_TTL));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TTL));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_FIB_AT(ifindex)));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_OIF));
	emit_oif_bits(cg);
	bf_emit_goto_far(cg, forward);

tails:
	bf_label_bind(cg, pass);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, drop);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, XDP_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, input);
}
