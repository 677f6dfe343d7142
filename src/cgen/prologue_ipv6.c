/* The IPv6 prologue: checks the header as the kernel's ipv6_rcv does,
 * walks the extension headers as ipv6_find_hdr does and fills the packet
 * context (cgen.h, enum bf_pkt_off) in host byte order.
 *
 * Packets ipv6_rcv drops before any netfilter hook go to the pass label:
 * the stack drops them, ip6tables never judges or counts them; hop-by-hop
 * option contents are checked by ipv6_hbh.c. Not checked here (such
 * packets are judged, and the stack drops them after XDP_PASS: only
 * counters differ): net.ipv6.conf.*.drop_unicast_in_l2_multicast (0 by
 * default).
 *
 * The walk is unrolled, BF_IP6_WALK_MAX headers deep. A chain still going
 * after that is taken as one that cannot be read (-EBADMSG): ip6tables
 * hotdrops a rule with -p there, and so do the extension-header matches,
 * so a rule that needs the walk drops such a packet, uncounted, instead of
 * guessing (fail closed); rules that do not need it judge it as ip6tables
 * does. */
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <stddef.h>

#include "cgen.h"
#include "cgen/insn.h"
#include "cgen/ipv6_hbh.h"

#define R_L3 BF_REG_L3
#define R_END BF_REG_END
#define R_LEN BPF_REG_9 /* skb->len after ipv6_rcv trims it */
#define R_OFF BPF_REG_4 /* offset of the header being walked */
#define R_NH BPF_REG_5  /* its type */

#define IP6_HLEN 40
/* Headers walked: hop-by-hop, destination options twice, routing,
 * fragment, AH, with room to spare; a legitimate chain is shorter. */
#define BF_IP6_WALK_MAX 16

/* Extension header types ipv6_ext_hdr() knows (NONE aside). */
static const int ext_types[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT,
				IPPROTO_AH, IPPROTO_DSTOPTS};
static const int ext_slots[] = {BF_PKT_HDR_HBH, BF_PKT_HDR_RT, BF_PKT_HDR_FRAG,
				BF_PKT_HDR_AH, BF_PKT_HDR_DST};
#define N_EXT (sizeof(ext_types) / sizeof(ext_types[0]))

/* A u16 of the scratch word, not at a multiple of 8: what goes through
 * it comes back as any u16 to the verifier (see launder()). */
#define LAUNDER (BF_PKT_SCRATCH + 2)

/* reg = reg, for the CPU; for the verifier, any value up to 0xffff: the
 * walk's offset has a range that depends on the headers met, and a
 * state per range would multiply the states the verifier walks the
 * rules with. Values stay below 0xffff (40 + 16 headers of 2 KiB). */
static void launder(struct bf_cgen *cg, int reg)
{
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, reg, LAUNDER));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, reg, BPF_REG_10, LAUNDER));
}

/* *(size *)(r10 + off) = value, through r0 = value in a form the
 * verifier cannot see through (a packet pointer minus itself: any
 * scalar, to it). A field written with a constant on one path and a
 * packet value on another would make two verifier states, and the rules
 * after the prologue would be walked once per combination of such
 * fields; so every field the prologue writes is opaque. */
static void store_opaque(struct bf_cgen *cg, int size, int off, int value)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, R_L3));
	if (value)
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, value));
	bf_emit(cg, BPF_STX_MEM(size, BPF_REG_10, BPF_REG_0, off));
}

/* The largest offset the hook's packet pointers let the verifier bound
 * (XDP's without a hook: the tests that emit the prologue alone). */
static int walk_max(const struct bf_cgen *cg)
{
	return cg->hook ? cg->hook->walk_max : 0x3fff;
}

/* L4OFF as matches use it, BF_REG_L3 + L4OFF: the verifier takes packet
 * ranges below 64 KiB only, so the offset it sees is at most the hook's
 * walk_max (0x3fff at XDP; the netfilter hook's copy of the header is
 * shorter). An offset beyond (never inside an XDP frame) becomes
 * walk_max, still past the datagram: reads there fail the same. The fall-through keeps the
 * range, so the verifier walks that state first and prunes the other. */
static void clamp_l4off(struct bf_cgen *cg)
{
	int clamp = bf_label_new(cg), done = bf_label_new(cg);

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, R_OFF, walk_max(cg), 0), clamp);
	bf_emit_jump(cg, BPF_JMP_A(0), done);
	bf_label_bind(cg, clamp);
	bf_emit(cg, BPF_MOV64_IMM(R_OFF, walk_max(cg)));
	bf_label_bind(cg, done);
	/* Extension headers are whole 8-byte (AH: 4-byte) units: this only
	 * tells the verifier, for the netfilter hook's aligned stack reads. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, R_OFF, ~3));
}

static void need_bytes(struct bf_cgen *cg, int reg, int len, int label)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, reg));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, R_END, 0), label);
}

/* Jumps to `label` unless `len` bytes at offset R_OFF lie within the
 * datagram (skb_header_pointer against skb->len) and the frame; leaves a
 * pointer to them in r2. */
static void need_at_off(struct bf_cgen *cg, int len, int label)
{
	/* For the verifier (packet ranges stay below 64 KiB): no frame
	 * reaches 16 KiB, so an offset beyond is beyond the datagram (at
	 * XDP; beyond the netfilter hook's copy, it is a datagram that hook
	 * cannot judge: dropped). */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, R_OFF, walk_max(cg), 0), label);
	/* Headers start at multiples of 4 (see clamp_l4off). */
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, R_OFF, ~3));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, R_OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, R_LEN, 0), label);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, R_OFF));
	need_bytes(cg, BPF_REG_2, len, label);
}

/* ip6_rcv_core's checks on the fixed header; sets R_LEN. */
static void check_header(struct bf_cgen *cg, int pass)
{
	int jumbo = bf_label_new(cg), lengths = bf_label_new(cg), hbh_drop;

	need_bytes(cg, R_L3, IP6_HLEN, pass);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 4));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 6, 0), pass);
	/* Multicast destination of scope 0 (reserved) or 1 (interface-local,
	 * never from the wire); multicast source. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, offsetof(struct ip6_hdr, ip6_dst)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0xff, 0), lengths);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, offsetof(struct ip6_hdr, ip6_dst) + 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x0f));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_1, 1, 0), pass);
	bf_label_bind(cg, lengths);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, offsetof(struct ip6_hdr, ip6_src)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0xff, 0), pass);
	/* The loopback address, as source or destination. */
	for (int a = 0; a < 2; a++) {
		int base = a ? offsetof(struct ip6_hdr, ip6_dst) : offsetof(struct ip6_hdr, ip6_src);
		int not_lo = bf_label_new(cg);

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3, base));
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, R_L3, base + 4));
		bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_2, R_L3, base + 8));
		bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_1, BPF_REG_2));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), not_lo);
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3, base + 12));
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 1, 0), pass);
		bf_label_bind(cg, not_lo);
	}
	/* Payload length: within the frame (the stack trims what follows),
	 * except 0 with a hop-by-hop header, a jumbogram candidate: then the
	 * whole frame stays (a real jumbo option cannot fit in a frame; the
	 * stack drops it in ipv6_parse_hopopts). */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, R_LEN, R_L3, offsetof(struct ip6_hdr, ip6_plen)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, R_LEN, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_LEN, IP6_HLEN));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, R_LEN, BF_PKT_IP6_PLEN));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_NH, R_L3, offsetof(struct ip6_hdr, ip6_nxt)));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_LEN, IP6_HLEN, 0), jumbo);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_HOPOPTS, 0), jumbo);
	bf_emit(cg, BPF_MOV64_REG(R_LEN, R_END));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, R_LEN, R_L3));
	/* Bounded for the verifier; no frame comes near. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, R_LEN, 0xffff, 0), pass);
	bf_label_bind(cg, jumbo);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, R_LEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, R_END, 0), pass);
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, R_LEN, BF_PKT_LEN));
	/* Read back (not at a multiple of 8): any u32 to the verifier. The
	 * jumbo candidate and the others had two ranges of R_LEN, and the
	 * hop-by-hop walk and the rest were verified once per range. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, R_LEN, BPF_REG_10, BF_PKT_LEN));
	/* ipv6_parse_hopopts: the hop-by-hop header must be there whole. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_HOPOPTS, 0), lengths = bf_label_new(cg));
	bf_emit(cg, BPF_MOV64_IMM(R_OFF, IP6_HLEN));
	need_at_off(cg, 8, pass);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_2, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, 3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, IP6_HLEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_3, R_LEN, 0), pass);
	/* Its options (r0-r5; R_NH reloaded, R_OFF set again by walk()).
	 * Refused by configuration: dropped, uncounted (ipv6_hbh.h). After
	 * the stack (the netfilter hook), ipv6_rcv has kept only the good. */
	if (cg->hook && cg->hook->prog_type != BPF_PROG_TYPE_XDP) {
		bf_emit_jump(cg, BPF_JMP_A(0), lengths);
		bf_label_bind(cg, lengths);
		return;
	}
	bf_emit_ipv6_hbh_check(cg, pass, hbh_drop = bf_label_new(cg));
	bf_emit_jump(cg, BPF_JMP_A(0), lengths);
	bf_label_bind(cg, hbh_drop);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, cg->hook ? cg->hook->verdict_code(BF_VERDICT_DROP)
						       : XDP_DROP));
	bf_emit(cg, BPF_EXIT_INSN());
	bf_label_bind(cg, lengths);
}

static void fill_l3(struct bf_cgen *cg)
{
	for (int w = 0; w < 8; w++) {
		int field = w < 4 ? BF_PKT_SADDR6 + 4 * w : BF_PKT_DADDR6 + 4 * (w - 4);

		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3,
					offsetof(struct ip6_hdr, ip6_src) + 4 * w));
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, field));
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, offsetof(struct ip6_hdr, ip6_hlim)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TTL));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_HOTDROP_LATER, 0));
	/* ipv6_get_dsfield: the traffic class, across the first two bytes. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, R_L3, 0));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 4));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TOS));
}

static void emit_is_ext(struct bf_cgen *cg, int reg, int yes)
{
	for (size_t i = 0; i < N_EXT; i++)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, reg, ext_types[i], 0), yes);
}

/* ipv6_find_hdr(skb, &thoff, -1, &fragoff, NULL), recording on the way
 * where each extension header type is first met (what a search for that
 * type finds). On return PROTO_OK, PROTO, FRAGOFF, L4OFF and the HDR_*
 * fields are set. */
static void walk(struct bf_cgen *cg)
{
	int upper = bf_label_new(cg), bad = bf_label_new(cg), done = bf_label_new(cg);

	for (size_t i = 0; i < N_EXT; i++)
		store_opaque(cg, BPF_H, ext_slots[i], BF_EXTHDR_ABSENT);
	store_opaque(cg, BPF_B, BF_PKT_PROTO_OK, 0);
	store_opaque(cg, BPF_B, BF_PKT_PROTO, 0);
	store_opaque(cg, BPF_H, BF_PKT_FRAGOFF, 0);
	/* L4OFF as on every path: a range (clamp_l4off), not a constant. */
	bf_emit(cg, BPF_MOV64_IMM(R_OFF, IP6_HLEN));
	launder(cg, R_OFF);
	clamp_l4off(cg);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, R_OFF, BF_PKT_L4OFF));

	for (int k = 0; k < BF_IP6_WALK_MAX; k++) {
		int ext = bf_label_new(cg), four = bf_label_new(cg), two = bf_label_new(cg);
		int not_frag = bf_label_new(cg), len = bf_label_new(cg), next = bf_label_new(cg);

		launder(cg, R_OFF);
		emit_is_ext(cg, R_NH, ext);
		bf_emit_jump(cg, BPF_JMP_A(0), upper);
		bf_label_bind(cg, ext);
		/* The 2-byte header start; 4 bytes of a routing header (struct
		 * ipv6_rt_hdr) or up to the fragment offset. */
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_NH, IPPROTO_ROUTING, 0), four);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_NH, IPPROTO_FRAGMENT, 0), four);
		need_at_off(cg, 2, bad);
		bf_emit_jump(cg, BPF_JMP_A(0), two);
		bf_label_bind(cg, four);
		need_at_off(cg, 4, bad);
		bf_label_bind(cg, two);
		for (size_t i = 0; i < N_EXT; i++) {
			int skip = bf_label_new(cg);

			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, ext_types[i], 0), skip);
			bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, ext_slots[i]));
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, BF_EXTHDR_ABSENT, 0), skip);
			bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, R_OFF, ext_slots[i]));
			bf_label_bind(cg, skip);
		}
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_2, 1)); /* hdrlen */
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_FRAGMENT, 0), not_frag);
		/* A fragment: past it only when its offset is 0. A later one
		 * ends the walk: its next header is the protocol, unless that
		 * is an extension header (then -ENOENT, fragoff still 0). */
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 2));
		bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 3));
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, 0)); /* (8 >> 3) - 1 */
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), len);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, R_NH, BPF_REG_2, 0));
		emit_is_ext(cg, R_NH, done);
		bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_FRAGOFF));
		bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, R_NH, BF_PKT_PROTO));
		store_opaque(cg, BPF_B, BF_PKT_PROTO_OK, 1);
		bf_emit_jump(cg, BPF_JMP_A(0), done);
		bf_label_bind(cg, not_frag);
		/* ipv6_authlen: (hdrlen + 2) * 4; ipv6_optlen: (hdrlen + 1) * 8. */
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_AH, 0), len);
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 2));
		bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, 2));
		bf_emit_jump(cg, BPF_JMP_A(0), next);
		bf_label_bind(cg, len);
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1));
		bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_3, 3));
		bf_label_bind(cg, next);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, R_NH, BPF_REG_2, 0));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, R_OFF, BPF_REG_3));
	}
	/* Deeper than the walk goes: as a truncated chain (see above). */
	emit_is_ext(cg, R_NH, bad);

	/* An upper-layer header (or NEXTHDR_NONE, returned as the protocol). */
	bf_label_bind(cg, upper);
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, R_NH, BF_PKT_PROTO));
	launder(cg, R_OFF);
	clamp_l4off(cg);
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, R_OFF, BF_PKT_L4OFF));
	store_opaque(cg, BPF_B, BF_PKT_PROTO_OK, 1);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	/* -EBADMSG: a search for any type not met yet fails the same way. */
	bf_label_bind(cg, bad);
	for (size_t i = 0; i < N_EXT; i++) {
		int skip = bf_label_new(cg);

		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, ext_slots[i]));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, BF_EXTHDR_ABSENT, 0), skip);
		store_opaque(cg, BPF_H, ext_slots[i], BF_EXTHDR_BAD);
		bf_label_bind(cg, skip);
	}
	bf_label_bind(cg, done);
}

/* Jumps to no_l4 unless `len` bytes of transport header at L4OFF lie
 * within skb->len and the frame; leaves a pointer to them in r2. */
static void need_l4(struct bf_cgen *cg, int len, int no_l4)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_H, R_OFF, BPF_REG_10, BF_PKT_L4OFF));
	need_at_off(cg, len, no_l4);
}

/* As the IPv4 prologue's fill_l4, for the protocol the walk found:
 * xt_tcpudp, multiport and icmp6 read their headers at thoff. */
static void fill_l4(struct bf_cgen *cg)
{
	int ports = bf_label_new(cg), not_tcp = bf_label_new(cg);
	int icmp = bf_label_new(cg), done = bf_label_new(cg);
	static const int port_protos[] = {IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP,
					  IPPROTO_DCCP};

	store_opaque(cg, BPF_B, BF_PKT_ICMP_OK, 0);
	store_opaque(cg, BPF_B, BF_PKT_ICMP_TYPE, 0);
	store_opaque(cg, BPF_B, BF_PKT_ICMP_CODE, 0);
	store_opaque(cg, BPF_B, BF_PKT_L4_OK, 0);
	store_opaque(cg, BPF_B, BF_PKT_PORTS_OK, 0);
	store_opaque(cg, BPF_H, BF_PKT_SPORT, 0);
	store_opaque(cg, BPF_H, BF_PKT_DPORT, 0);
	store_opaque(cg, BPF_B, BF_PKT_TCPFLAGS, 0);

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), done);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), done);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_NH, BPF_REG_10, BF_PKT_PROTO));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_NH, IPPROTO_ICMPV6, 0), icmp);
	for (size_t i = 0; i < sizeof(port_protos) / sizeof(port_protos[0]); i++)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_NH, port_protos[i], 0), ports);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_TCP, 0), done);

	bf_label_bind(cg, ports);
	need_l4(cg, 4, done);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 0));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_SPORT));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 2));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_DPORT));
	store_opaque(cg, BPF_B, BF_PKT_PORTS_OK, 1);

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_TCP, 0), not_tcp);
	need_l4(cg, 20, done);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 13));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TCPFLAGS));
	store_opaque(cg, BPF_B, BF_PKT_L4_OK, 1);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	bf_label_bind(cg, not_tcp);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NH, IPPROTO_UDP, 0), done);
	need_l4(cg, 8, done);
	store_opaque(cg, BPF_B, BF_PKT_L4_OK, 1);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	/* struct icmp6hdr: 8 bytes or nothing (ip6t icmp6 hotdrops). */
	bf_label_bind(cg, icmp);
	need_l4(cg, 8, done);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 0));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_ICMP_TYPE));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_ICMP_CODE));
	store_opaque(cg, BPF_B, BF_PKT_ICMP_OK, 1);
	bf_label_bind(cg, done);
}

void bf_emit_ipv6_prologue(struct bf_cgen *cg, int pass)
{
	check_header(cg, pass);
	fill_l3(cg);
	walk(cg);
	fill_l4(cg);
}
