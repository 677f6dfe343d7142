/* Code generator: the ruleset IR in, eBPF instructions out.
 *
 * Instructions are emitted straight into a `struct bpf_insn` array. The
 * emitter has a sticky error (cg->err): emit calls read straight through
 * and the error is checked once, by bf_cgen_finish(). Jumps go to labels;
 * offsets are filled in by fixups when the program is finished and are
 * range-checked there, never computed by hand. Map references are typed
 * fixups too, so a program can be compiled without privileges and the
 * loader patches the map fds in. */
#ifndef BF_CGEN_H
#define BF_CGEN_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ruleset.h"

/* Maps a program refers to. */
enum bf_map_id {
	BF_MAP_COUNTERS, /* per-CPU array of struct bf_counter, one per slot */
	BF_MAP_MAX,
};

/* The packet context: fields the prologue extracts once, in host byte
 * order, into the stack frame at these offsets from r10. Rules read them
 * from here, so matches never touch packet pointers. */
enum bf_pkt_off {
	BF_PKT_SADDR = -4,      /* u32 */
	BF_PKT_DADDR = -8,      /* u32 */
	BF_PKT_LEN = -12,       /* u32: IP total length, what iptables counts */
	BF_PKT_FRAGOFF = -14,   /* u16: fragment offset in 8-byte units */
	BF_PKT_PROTO = -15,     /* u8: IP protocol */
	BF_PKT_L4_OK = -16,     /* u8: 1 when the L4 header below was read */
	BF_PKT_SPORT = -18,     /* u16: TCP/UDP source port */
	BF_PKT_DPORT = -20,     /* u16: TCP/UDP destination port */
	BF_PKT_TCPFLAGS = -21,  /* u8: TCP flags byte (offset 13) */
	BF_PKT_SCRATCH = -32,   /* u32 scratch, e.g. a map key */
	BF_PKT_SIZE = 32,       /* bytes of stack the context uses */
};

struct bf_fixup {
	enum { BF_FIXUP_JUMP, BF_FIXUP_MAP } kind;
	size_t insn;
	int target; /* label, or enum bf_map_id */
};

struct bf_cgen {
	struct bpf_insn *insns;
	size_t len, cap;
	int err; /* sticky: first error, negative errno */

	int *labels; /* insn index a label is bound to, -1 while unbound */
	size_t n_labels, cap_labels;

	struct bf_fixup *fixups;
	size_t n_fixups, cap_fixups;

	/* Compilation context. */
	const struct bf_ruleset *rs;
	const char *ifname; /* interface compiled for: resolves -i */
	const struct bf_hook_ops *hook;
	int lbl_hotdrop; /* drop without counting, as iptables' hotdrop */
};

/* Emission primitives. */
void bf_cgen_init(struct bf_cgen *cg);
void bf_cgen_free(struct bf_cgen *cg);
void bf_emit(struct bf_cgen *cg, struct bpf_insn insn);
int bf_label_new(struct bf_cgen *cg);
void bf_label_bind(struct bf_cgen *cg, int label);
/* Emits a jump instruction (its off field ignored) to a label. */
void bf_emit_jump(struct bf_cgen *cg, struct bpf_insn insn, int label);
/* Emits BPF_LD_MAP_FD (two instructions) with a map fixup. */
void bf_emit_ld_map(struct bf_cgen *cg, int reg, enum bf_map_id map);
/* Resolves jump fixups (range-checked); returns cg->err. Map fixups stay
 * for the loader: bf_cgen_patch_maps(). */
int bf_cgen_finish(struct bf_cgen *cg);
int bf_cgen_patch_maps(struct bf_cgen *cg, const int map_fds[BF_MAP_MAX]);

/* Adds one packet to counter `slot`, with the packet length from the
 * context. Clobbers r0-r5. */
void bf_emit_count(struct bf_cgen *cg, int slot);

/* A hook: how a program for it starts, how verdicts map to return codes. */
struct bf_hook_ops {
	const char *name;
	enum bpf_prog_type prog_type;
	enum bpf_attach_type expected_attach_type;
	/* Emits the prologue: on return, the packet context is filled and r6
	 * holds the context pointer; packets the hook does not judge jump to
	 * (or return) the pass verdict. */
	void (*prologue)(struct bf_cgen *cg);
	int (*verdict_code)(enum bf_verdict v); /* e.g. ACCEPT -> XDP_PASS */
};

extern const struct bf_hook_ops bf_hook_xdp;

/* Compiles the filter table INPUT chain of `rs` for packets arriving on
 * `ifname`. The result (cg->insns, cg->len) still has map fixups. */
int bf_cgen_compile(struct bf_cgen *cg, const struct bf_ruleset *rs,
		    const struct bf_hook_ops *hook, const char *ifname);

#endif
