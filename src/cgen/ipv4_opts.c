/* IPv4 options as ip_rcv_options() (net/ipv4/ip_input.c) judges them on
 * a received packet, between raw PREROUTING and routing to filter INPUT:
 * ip_options_compile() (net/ipv4/ip_options.c) rejecting an option, or a
 * source-route option the interface does not accept, drops the packet.
 *
 * Two outcomes besides falling through. What the packet alone decides
 * (a malformed option: ip_options_compile() sends an ICMP parameter
 * problem and drops) goes to the stack, which does the same whatever the
 * configuration. What configuration read now decides goes to the drop
 * label (XDP_DROP): the stack would drop it today too, but once the
 * configuration changes it may accept it and deliver it to INPUT
 * unjudged; dropping fails closed. Those are:
 * - a source route refused by accept_source_route (the stack drops it
 *   silently; only a log_martians line, when that is on);
 * - a source route accepted with addresses left: the stack forwards the
 *   packet, or delivers it with the destination rewritten from the route,
 *   which XDP cannot follow route lookup by route lookup;
 * - a CIPSO option long enough to be looked up: refused because no CIPSO
 *   DOI is configured (netlabelctl; cipso_v4_validate). Here the stack
 *   sends an ICMP parameter problem, which the drop does not: dropping
 *   still wins, as a DOI configured later would make the stack accept
 *   some of these packets unjudged, while the ICMP error is a courtesy
 *   (rate limited, never guaranteed).
 * The source-route decision comes after the whole walk, as in the kernel
 * (ip_options_compile() first): a malformed option anywhere still goes to
 * the stack. CIPSO's lookup stops the kernel's walk, so it stops ours.
 *
 * The walk is unrolled over the 40 option bytes, one block per byte
 * position with constant packet offsets, so there is no loop for the
 * verifier to prove bounded. r9 holds the options' length; where the
 * next option starts and which options were seen (a second RR, timestamp
 * or source route is an error) live in scratch stack bytes that the
 * verifier cannot read back as constants (registers stored at offsets
 * not 8-byte aligned, immediates never 0): it then follows both "an option starts here" and "not"
 * at each position whatever path led there, and prunes the paths into
 * each block to the few that differ in r7's proven packet range, instead
 * of one per layout seen so far. */
#include <linux/if_packet.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>

#include "cgen/insn.h"
#include "cgen/ipv4_opts.h"

#define R_L3 BF_REG_L3
#define R_END BF_REG_END
#define R_LEN BPF_REG_9  /* options length, bytes */
#define R_NEXT BPF_REG_5 /* position of the next option */
#define R_TYPE BPF_REG_1
#define R_OLEN BPF_REG_2 /* this option's length byte */
#define R_PTR BPF_REG_3  /* its pointer byte (RR, timestamp, source route) */
#define R_TSFL BPF_REG_0 /* timestamp overflow and flags byte */

#define OPTS_MAX 40 /* 60-byte header */
#define OPTS_AT 20  /* options start after the fixed header */

/* Scratch bytes (BF_PKT_SCRATCH, free until the rules run): the next
 * option's position, and one byte per option seen at most once, SEEN or
 * UNSEEN. */
#define ST_NEXT (BF_PKT_SCRATCH + 1)
#define ST_RR (BF_PKT_SCRATCH + 2)
#define ST_TS (BF_PKT_SCRATCH + 3)
#define ST_SRR BF_PKT_SCRATCH
#define SEEN 1
#define UNSEEN 2
#define SRR_DROP 3 /* ST_SRR: seen, and the drop label decides (see above) */

/* Option types and timestamp flags (RFC 791; IPOPT_* in the kernel). */
#define OPT_RR 7
#define OPT_TS 68
#define OPT_LSRR 131
#define OPT_CIPSO 134
#define OPT_SSRR 137
#define OPT_RA 148
#define TS_TSANDADDR 1
#define TS_PRESPEC 3

struct walk {
	struct bf_cgen *cg;
	int drop;         /* the stack drops the packet */
	int cfg;          /* dropped here: the configuration decides */
	int pos[OPTS_MAX + 1]; /* pos[OPTS_MAX]: the walk is done, no drop */
	int word;         /* the word of options proven in the frame */
	bool accept_srr;
};

/* Proves option word `word` in the frame for the verifier (the prologue
 * checked the header is, on another path). Every path goes through the
 * positions in order, so the word of the current position is proven on
 * all of them. */
static void need_word(struct walk *w, int word, int tmp)
{
	struct bf_cgen *cg = w->cg;

	bf_emit(cg, BPF_MOV64_REG(tmp, R_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, tmp, OPTS_AT + 4 * (word + 1)));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, tmp, R_END, 0), w->drop);
}

/* Loads option byte `at` into reg; at >= OPTS_MAX cannot be reached (the
 * option's length was checked against the options' length first), so
 * that path just drops. Beyond the current word, a bounds check in tmp. */
static void load_opt_byte(struct walk *w, int reg, int at, int tmp)
{
	struct bf_cgen *cg = w->cg;

	if (at >= OPTS_MAX) {
		bf_emit_jump(cg, BPF_JMP_A(0), w->drop);
		return;
	}
	if (at / 4 != w->word)
		need_word(w, at / 4, tmp);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, reg, R_L3, OPTS_AT + at));
}

/* A second option of a kind allowed once is an error. The kernel checks
 * it before (RR, timestamp) or after (source route) the option's fields;
 * either way the packet drops, so it is checked first here. */
static void seen_once(struct walk *w, int slot)
{
	struct bf_cgen *cg = w->cg;

	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, slot));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, UNSEEN, 0), w->drop);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, slot, SEEN));
}

/* RR: a pointer below 4 is an error; a pointer at or before the end must
 * leave room for one address (the stack writes its own there). */
static void emit_rr(struct walk *w, int i, int next)
{
	struct bf_cgen *cg = w->cg;

	seen_once(w, ST_RR);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 3, 0), w->drop);
	load_opt_byte(w, R_PTR, i + 2, BPF_REG_0);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_PTR, 4, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_PTR, R_OLEN, 0), next);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_PTR, 3));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_PTR, R_OLEN, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), next);
}

/* Timestamp: pointer at least 5; with room left, room for a stamp (and
 * an address before it for the address flavours); full, the overflow
 * counter must not be at 15 already (prespecified ones never count). */
static void emit_ts(struct walk *w, int i, int next)
{
	struct bf_cgen *cg = w->cg;
	int full = bf_label_new(cg), addr = bf_label_new(cg);

	seen_once(w, ST_TS);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 4, 0), w->drop);
	load_opt_byte(w, R_PTR, i + 2, BPF_REG_0);
	load_opt_byte(w, R_TSFL, i + 3, BPF_REG_1);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_PTR, 5, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_PTR, R_OLEN, 0), full);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_PTR, 3));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_PTR, R_OLEN, 0), w->drop);
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, R_TSFL, 0x0f));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TSFL, TS_TSANDADDR, 0), addr);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_TSFL, TS_PRESPEC, 0), next);
	bf_label_bind(cg, addr);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_PTR, 4));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_PTR, R_OLEN, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), next);

	bf_label_bind(cg, full);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, R_TSFL));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x0f));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, TS_PRESPEC, 0), next);
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, R_TSFL, 4));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TSFL, 15, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), next);
}

/* LSRR / SSRR: checked like RR by ip_options_compile(), whatever the
 * configuration; then ip_rcv_options' decision, after the whole walk. A
 * frame not to this host is refused either way (by the sysctl, or by
 * ip_options_rcv_srr): to the stack. Otherwise the sysctl decides:
 * refused, the drop label. Accepted, the packet reaches INPUT as it is
 * only when its route is used up (pointer past the end); with addresses
 * left, the drop label (fail closed, see above). */
static void emit_srr(struct walk *w, int i, int next)
{
	struct bf_cgen *cg = w->cg;

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 3, 0), w->drop);
	load_opt_byte(w, R_PTR, i + 2, BPF_REG_0);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_PTR, 4, 0), w->drop);
	seen_once(w, ST_SRR);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ETH_TYPE));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, PACKET_HOST, 0), w->drop);
	if (w->accept_srr)
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_PTR, R_OLEN, 0), next);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, ST_SRR, SRR_DROP));
	bf_emit_jump(cg, BPF_JMP_A(0), next);
}

/* CIPSO: shorter than 8, cipso_v4_validate() refuses it before any
 * lookup (to the stack); otherwise its DOI decides (see above). A second
 * CIPSO option is never reached: the first one ends the walk. */
static void emit_cipso(struct walk *w)
{
	bf_emit_jump(w->cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 8, 0), w->drop);
	bf_emit_jump(w->cg, BPF_JMP_A(0), w->cfg);
}

/* One byte position i: when an option starts here, check it. */
static void emit_pos(struct walk *w, int i)
{
	struct bf_cgen *cg = w->cg;
	int next = w->pos[i + 1], not_nop = bf_label_new(cg);
	int rr = bf_label_new(cg), ts = bf_label_new(cg), srr = bf_label_new(cg);
	int ra = bf_label_new(cg), cipso = bf_label_new(cg);

	bf_label_bind(cg, w->pos[i]);
	if (i % 4 == 0) {
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, R_LEN, i, 0), w->pos[OPTS_MAX]);
		w->word = i / 4;
		need_word(w, w->word, BPF_REG_0);
	}
	if (i) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, R_NEXT, BPF_REG_10, ST_NEXT));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_NEXT, i, 0), next);
	}
	load_opt_byte(w, R_TYPE, i, BPF_REG_0);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, IPOPT_EOL, 0), w->pos[OPTS_MAX]);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_TYPE, IPOPT_NOP, 0), not_nop);
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, ST_NEXT, i + 1));
	bf_emit_jump(cg, BPF_JMP_A(0), next);

	/* Type and length: the length within 2 .. what is left. */
	bf_label_bind(cg, not_nop);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, R_LEN, i + 1, 0), w->drop);
	load_opt_byte(w, R_OLEN, i + 1, BPF_REG_0);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 2, 0), w->drop);
	bf_emit(cg, BPF_MOV64_REG(R_NEXT, R_LEN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, R_NEXT, i));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, R_OLEN, R_NEXT, 0), w->drop);
	bf_emit(cg, BPF_MOV64_REG(R_NEXT, R_OLEN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, R_NEXT, i));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, R_NEXT, ST_NEXT));

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, OPT_RR, 0), rr);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, OPT_TS, 0), ts);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, OPT_LSRR, 0), srr);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, OPT_SSRR, 0), srr);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, OPT_RA, 0), ra);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_TYPE, OPT_CIPSO, 0), cipso);
	/* Anything else (security, stream id, unknown) is accepted. */
	bf_emit_jump(cg, BPF_JMP_A(0), next);

	bf_label_bind(cg, rr);
	emit_rr(w, i, next);
	bf_label_bind(cg, ts);
	emit_ts(w, i, next);
	bf_label_bind(cg, srr);
	emit_srr(w, i, next);
	bf_label_bind(cg, ra);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, R_OLEN, 4, 0), w->drop);
	bf_emit_jump(cg, BPF_JMP_A(0), next);
	bf_label_bind(cg, cipso);
	emit_cipso(w);
}

void bf_emit_ipv4_opts_check_srr(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop,
				 bool accept_srr)
{
	struct walk w = {.cg = cg, .drop = lbl_stack_drops, .cfg = lbl_drop,
			 .accept_srr = accept_srr};
	int walk = bf_label_new(cg), end = bf_label_new(cg);

	for (int i = 0; i <= OPTS_MAX; i++)
		w.pos[i] = bf_label_new(cg);
	/* A header without options falls through first: the verifier walks
	 * the rules after this with r7's smallest proven range, and the
	 * walk's paths, with larger ranges, are pruned against it. */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_LEN, R_L3, 0));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, R_LEN, 0x0f));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, R_LEN, 2));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, R_LEN, OPTS_AT, 0), walk);
	bf_emit_jump(cg, BPF_JMP_A(0), end);

	bf_label_bind(cg, walk);
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, R_LEN, OPTS_AT));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, ST_RR, UNSEEN));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, ST_TS, UNSEEN));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, ST_SRR, UNSEEN));
	for (int i = 0; i < OPTS_MAX; i++)
		emit_pos(&w, i);
	/* The walk is done: now the source route's fate. */
	bf_label_bind(cg, w.pos[OPTS_MAX]);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, ST_SRR));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, SRR_DROP, 0), lbl_drop);
	bf_label_bind(cg, end);
}

static int read_sysctl(const char *dev, int *val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/accept_source_route", dev);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fscanf(f, "%d", val) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

bool bf_ipv4_accept_source_route(const char *ifname)
{
	int all = 0, dev = 0;

	if (read_sysctl("all", &all) || !all)
		return false;
	/* "." and ".." are no interface names; neither is a path. */
	if (!ifname || !*ifname || ifname[0] == '.' || strchr(ifname, '/') ||
	    read_sysctl(ifname, &dev))
		read_sysctl("default", &dev);
	return dev != 0;
}

void bf_emit_ipv4_opts_check(struct bf_cgen *cg, int lbl_stack_drops, int lbl_drop)
{
	bf_emit_ipv4_opts_check_srr(cg, lbl_stack_drops, lbl_drop,
				    bf_ipv4_accept_source_route(cg->ifname));
}
