/* Hop-by-hop options as ipv6_parse_hopopts() / ip6_parse_tlv()
 * (net/ipv6/exthdrs.c) judge them on a received packet, before PREROUTING.
 * The first refusal met drops the packet. Refusals the packet alone
 * decides go to the stack (the caller's XDP_PASS), which drops them, with
 * an ICMP error for some:
 * - padding: more than 7 bytes in a row (Pad1 and PadN together, reset by
 *   any other option), or PadN content not zero;
 * - an option (other than Pad1) without its length byte, or longer than
 *   what is left of the header;
 * - router alert whose length byte is not 2;
 * - jumbo payload: always, in a frame (it needs a payload length of 0
 *   and a jumbo length above 65535 that the datagram holds);
 * - CALIPSO shorter than 8, or shorter than its compartment bitmap;
 * - IOAM not at a multiple of 4;
 * - an unknown option whose two high type bits are not 00 (drop, or drop
 *   and ICMP: multicast only decides the ICMP).
 * Refusals that configuration read now decides go to the drop label (the
 * caller's XDP_DROP): the kernel drops all of them silently, so dropping
 * here is the same today, and fails closed once the configuration
 * changes (the stack would then deliver them unjudged):
 * - the header longer than net.ipv6.max_hbh_length;
 * - more non-padding options than net.ipv6.max_hbh_opts_number (a
 *   negative value -N: N, and an unknown option of type 00 refused);
 * - CALIPSO otherwise: calipso_validate() wants a CALIPSO DOI configured
 *   (netlabelctl), assumed absent. Its checksum is checked first, a
 *   refusal of the packet alone, also silent: dropped here as well;
 * - IOAM with ioam6_enabled on the interface: a truncated option or
 *   pre-allocated trace header (with it off, the option is skipped).
 *
 * The walk is unrolled, one block per option met, with the option's
 * offset in a register. A valid header has at most max + 7 * (max + 1)
 * options counting each padding one (at most 7 padding bytes between two
 * other options), so for max_hbh_opts_number up to HBH_MAX_OPTS the walk
 * is exact: after that many, only a header that ends is accepted; one
 * more block says why another is refused (padding, its length, or the
 * option count). Beyond, the walk
 * stops at the same depth and lets the rest through (the packet is then
 * judged; only the counters may differ from ip6tables).
 *
 * Padding length and option count live in scratch stack bytes stored from
 * registers, never as constants, and the offset is laundered at each
 * option: the verifier meets one state per block whatever path led there. */
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "cgen/insn.h"
#include "cgen/ipv6_hbh.h"

#define R_L3 BF_REG_L3
#define R_END BF_REG_END
#define R_TYPE BPF_REG_1
#define R_P BPF_REG_2    /* the option, a packet pointer */
#define R_OLEN BPF_REG_3 /* its length, the length byte + 2 */
#define R_OFF BPF_REG_4  /* its offset from BF_REG_L3 */
#define R_HEND BPF_REG_5 /* the header's end, offset from BF_REG_L3 */

#define IP6_HLEN 40
#define IP6_NEXT 6 /* offset of the IPv6 next header field */

/* Option types (IPV6_TLV_* in linux/in6.h). */
#define TLV_PAD1 0
#define TLV_PADN 1
#define TLV_RA 5
#define TLV_CALIPSO 7
#define TLV_IOAM 49
#define TLV_JUMBO 194
#define IOAM6_TYPE_PREALLOC 0

/* Exact up to this many options allowed (see above). */
#define HBH_MAX_OPTS 16
#define HBH_MAX_PAD 7

#define ST_PAD BF_PKT_SCRATCH       /* padding bytes in a row */
#define ST_CNT (BF_PKT_SCRATCH + 1) /* non-padding options */
#define ST_LAUNDER (BF_PKT_SCRATCH + 2)

/* The kernel's defaults (IP6_DEFAULT_MAX_HBH_OPTS_*). */
#define DEFAULT_MAX_OPTS 8
#define DEFAULT_MAX_LEN INT_MAX

struct walk {
	struct bf_cgen *cg;
	int drop, ok;
	int cfg;       /* the configuration decides */
	int max;       /* non-padding options allowed */
	bool no_unknown;
	bool ioam;
};

/* *(u8 *)(r10 + off) = 0, from a register the verifier sees as any
 * scalar (a packet pointer minus itself), not as the constant. */
static void store_zero(struct bf_cgen *cg, int off)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, R_L3));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, off));
}

/* Jumps to w->drop unless the option's first n bytes are in the frame
 * (they are in the header, which is: this is for the verifier). */
static void need_opt(struct walk *w, int n)
{
	bf_emit(w->cg, BPF_MOV64_REG(BPF_REG_0, R_P));
	bf_emit(w->cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, n));
	bf_emit_jump(w->cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, R_END, 0), w->drop);
}

/* PadN: the padding run stays within 7 bytes, its content zero. The run
 * check bounds R_OLEN to 7, so content bytes are 2..6 at most. */
static void emit_padn(struct walk *w, int advance)
{
	struct bf_cgen *cg = w->cg;

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, ST_PAD));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_0, R_OLEN));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_0, HBH_MAX_PAD, 0), w->drop);
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, ST_PAD));
	for (int i = 2; i < HBH_MAX_PAD; i++) {
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, R_OLEN, i, 0), advance);
		need_opt(w, i + 1);
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, R_P, i));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), w->drop);
	}
	bf_emit_jump(cg, BPF_JMP_A(0), advance);
}

/* IOAM (ipv6_hop_ioam): 4n-aligned; when the interface enables IOAM, an
 * option header of 2 bytes at least and, for a pre-allocated trace, its
 * 8-byte header and the room it says remains (remlen, in 4-byte units). */
static void emit_ioam(struct walk *w, int advance)
{
	struct bf_cgen *cg = w->cg;

	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 3));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), w->drop);
	if (!w->ioam) {
		bf_emit_jump(cg, BPF_JMP_A(0), advance);
		return;
	}
	/* ioam6_enabled decides all that follows. */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 2 + 2, 0), w->cfg);
	need_opt(w, 4);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, R_P, 3));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, IOAM6_TYPE_PREALLOC, 0), advance);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 2 + 2 + 8, 0), w->cfg);
	need_opt(w, 4 + 4);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, R_P, 4 + 3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0x7f));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2 + 2 + 8));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, R_OLEN, 0), w->cfg);
	bf_emit_jump(cg, BPF_JMP_A(0), advance);
}

/* CALIPSO (ipv6_hop_calipso): the option's own lengths, then the DOI
 * lookup (see above). The option is 10 bytes at least there. */
static void emit_calipso(struct walk *w)
{
	struct bf_cgen *cg = w->cg;

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 8 + 2, 0), w->drop);
	need_opt(w, 7);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, R_P, 6));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 8 + 2));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, R_OLEN, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), w->cfg);
}

/* Any option but the padding ones. */
static void emit_tlv(struct walk *w, int advance)
{
	struct bf_cgen *cg = w->cg;
	int ra = bf_label_new(cg), ioam = bf_label_new(cg), calipso = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, ST_CNT));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_0, w->max, 0), w->cfg);
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, ST_CNT));
	store_zero(cg, ST_PAD);

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, TLV_RA, 0), ra);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, TLV_IOAM, 0), ioam);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, TLV_JUMBO, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, TLV_CALIPSO, 0), calipso);
	/* Unknown: the two high bits say skip (00) or drop; refused as
	 * unknown by the sysctl, one that says skip is refused by it alone. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_TYPE));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0xc0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), w->no_unknown ? w->cfg : advance);

	bf_label_bind(cg, ra);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_OLEN, 2 + 2, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), advance);
	bf_label_bind(cg, ioam);
	emit_ioam(w, advance);
	bf_label_bind(cg, calipso);
	emit_calipso(w);
}

/* One option; `next` is the next one's block. */
static void emit_opt(struct walk *w, int next)
{
	struct bf_cgen *cg = w->cg;
	int not_pad1 = bf_label_new(cg), tlv = bf_label_new(cg), advance = bf_label_new(cg);

	/* Any u16 to the verifier, bounded by the header's end below. */
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, R_OFF, ST_LAUNDER));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, R_OFF, BPF_REG_10, ST_LAUNDER));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGE, R_OFF, R_HEND, 0), w->ok);
	bf_emit(cg, BPF_MOV64_REG(R_P, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, R_P, R_OFF));
	need_opt(w, 1);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_TYPE, R_P, 0));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_TYPE, TLV_PAD1, 0), not_pad1);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, ST_PAD));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_0, HBH_MAX_PAD, 0), w->drop);
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, ST_PAD));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_OFF, 1));
	bf_emit_jump(cg, BPF_JMP_A(0), next);

	/* Type, length byte, and the option within what is left. */
	bf_label_bind(cg, not_pad1);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_OFF));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, R_HEND, 0), w->drop);
	need_opt(w, 2);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_OLEN, R_P, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_OLEN, 2));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_OFF));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_0, R_OLEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_0, R_HEND, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_TYPE, TLV_PADN, 0), tlv);
	emit_padn(w, advance);
	bf_label_bind(cg, tlv);
	emit_tlv(w, advance);

	bf_label_bind(cg, advance);
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, R_OFF, R_OLEN));
	bf_emit_jump(cg, BPF_JMP_A(0), next);
}

void bf_emit_ipv6_hbh_check_conf(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop,
				 const struct bf_ipv6_hbh_conf *conf)
{
	struct walk w = {.cg = cg, .drop = lbl_stack_drops, .ok = bf_label_new(cg),
			 .cfg = lbl_drop, .ioam = conf->ioam};
	int steps, max = conf->max_opts;
	bool exact;

	if (max < 0) {
		w.no_unknown = true;
		/* -INT_MIN stays negative in the kernel: no option passes. */
		max = max == INT_MIN ? 0 : -max;
	}
	exact = max <= HBH_MAX_OPTS;
	if (!exact)
		max = HBH_MAX_OPTS;
	w.max = max;
	steps = max + HBH_MAX_PAD * (max + 1);

	/* The header's end: 40 + (hdrlen + 1) * 8, in [48, 2088]. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_HEND, R_L3, IP6_HLEN + 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_HEND, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, R_HEND, 3));
	if (conf->max_len < 2048)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, R_HEND, conf->max_len < 0 ? 0 : conf->max_len,
					     0), lbl_drop);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_HEND, IP6_HLEN));
	store_zero(cg, ST_PAD);
	store_zero(cg, ST_CNT);
	bf_emit(cg, BPF_MOV64_IMM(R_OFF, IP6_HLEN + 2));
	for (int k = 0; k < steps; k++) {
		int next = bf_label_new(cg);

		emit_opt(&w, next);
		bf_label_bind(cg, next);
	}
	/* After the deepest valid walk, the option count is at its maximum
	 * and the padding run at 7: one more block refuses whatever comes
	 * next, for its own reason. Accepting it cannot happen; if it did,
	 * the drop label fails closed. */
	if (exact) {
		int next = bf_label_new(cg);

		emit_opt(&w, next);
		bf_label_bind(cg, next);
		bf_emit_jump(cg, BPF_JMP_A(0), lbl_drop);
	}
	bf_label_bind(cg, w.ok);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_HEND, R_L3, IP6_NEXT));
}

static int read_int(const char *path, int *val)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%d", val) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

void bf_ipv6_hbh_conf_read(const char *ifname, struct bf_ipv6_hbh_conf *conf)
{
	char path[128];
	int ioam = 0;

	if (read_int("/proc/sys/net/ipv6/max_hbh_opts_number", &conf->max_opts))
		conf->max_opts = DEFAULT_MAX_OPTS;
	if (read_int("/proc/sys/net/ipv6/max_hbh_length", &conf->max_len))
		conf->max_len = DEFAULT_MAX_LEN;
	/* "." and ".." are no interface names; neither is a path. */
	if (ifname && *ifname && ifname[0] != '.' && !strchr(ifname, '/')) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/ioam6_enabled", ifname);
		if (!read_int(path, &ioam)) {
			conf->ioam = ioam != 0;
			return;
		}
	}
	if (read_int("/proc/sys/net/ipv6/conf/default/ioam6_enabled", &ioam))
		ioam = 0;
	conf->ioam = ioam != 0;
}

void bf_emit_ipv6_hbh_check(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop)
{
	struct bf_ipv6_hbh_conf conf;

	bf_ipv6_hbh_conf_read(cg->ifname, &conf);
	bf_emit_ipv6_hbh_check_conf(cg, lbl_stack_drops, lbl_drop, &conf);
}
