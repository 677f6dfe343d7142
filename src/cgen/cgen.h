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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ruleset.h"
#include "plan/classify.h"

struct bf_ext_map_ref;

/* Maps a program refers to. */
enum bf_map_id {
	BF_MAP_COUNTERS, /* per-CPU array of struct bf_counter, one per slot */
	/* Array of u64, zeroed when created: the state of matches that keep
	 * one across packets (statistic --mode nth), cg->n_state slots. */
	BF_MAP_STATE,
	/* Array of struct bf_class_slot: the classifier stages' hash tables
	 * (plan/classify.h), filled by the loader from cg->class_table. */
	BF_MAP_CLASS,
	/* LRU hash from a peer's address (16 bytes: IPv6's as 4 host-order
	 * u32 words, IPv4's as ::ffff:a.b.c.d) to its ICMP error budget
	 * (struct bf_icmp_peer): what REJECT's answers may still send there,
	 * as the kernel's per-peer limit. Made by the loader for each
	 * program that uses it. */
	BF_MAP_ICMP_PEERS,
	/* The LOG target's ring buffer of struct bf_log_event
	 * (cgen/log_event.h), one per network namespace, pinned, shared by
	 * every program of the namespace; and its array of drop counts. */
	BF_MAP_LOG,
	BF_MAP_LOG_DROPS,
	/* Hash maps of the namespace, pinned, shared by every program of it
	 * and kept across changes (cgen/named.h): hashlimit's buckets and
	 * recent's lists. */
	BF_MAP_HASHLIMIT,
	BF_MAP_RECENT,
	/* The netfilter stage's REJECT slot (cgen/nf_reject.h): a per-CPU
	 * array of one struct bf_nf_reject_slot, pinned, one per namespace. */
	BF_MAP_NF_REJECT,
	/* LRU hash of the datagrams whose first fragment TC egress accepted
	 * (struct bf_frag_key, cgen/tc.h): their other fragments follow.
	 * Made by the loader for each program that uses it. */
	BF_MAP_FRAGS,
	BF_MAP_MAX,
};
struct bf_icmp_peer {
	uint64_t last;   /* jiffies of the last error counted */
	uint64_t tokens; /* jiffies of budget (inet_peer's rate_tokens) */
};
#define BF_ICMP_PEERS_MAX 4096

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
	BF_PKT_TTL = -22,       /* u8: IP TTL */
	BF_PKT_TOS = -23,       /* u8: IP TOS byte (DSCP and ECN) */
	BF_PKT_ICMP_TYPE = -24, /* u8: ICMP type, when ICMP_OK */
	BF_PKT_ICMP_CODE = -25, /* u8: ICMP code, when ICMP_OK */
	BF_PKT_ICMP_OK = -26,   /* u8: 1 when the 8-byte ICMP header was read */
	BF_PKT_ETH_TYPE = -27,  /* u8: PACKET_HOST/BROADCAST/MULTICAST from
				 * the Ethernet destination (skb->pkt_type) */
	BF_PKT_PORTS_OK = -28,  /* u8: 1 when SPORT/DPORT were read from the
				 * 4 first bytes of a TCP, UDP, UDP-Lite, SCTP
				 * or DCCP header (as multiport reads them) */
	BF_PKT_SCRATCH = -32,   /* u32 scratch, e.g. a map key */
	BF_PKT_MAC_HI = -36,    /* u32: Ethernet source, bytes 0-3 as a
				 * big-endian number (the hook fills it) */
	BF_PKT_MAC_LO = -38,    /* u16: Ethernet source, bytes 4-5 */
	BF_PKT_L4OFF = -40,     /* u16: offset of the transport header from
				 * the network header (BF_REG_L3); the datagram
				 * ends at offset BF_PKT_LEN. Matches that read
				 * the packet (TCP options, SPI) check bounds
				 * against BF_REG_END themselves. */
	/* -41 .. -128: the IPv6 prologue's fields. There PROTO, FRAGOFF
	 * and L4OFF are what ipv6_find_hdr(skb, &thoff, -1, &fragoff)
	 * gives (fragment offset in 8-byte units, as for IPv4), read by
	 * rules with -p only (ip6_packet_match); LEN is skb->len, 40 + the
	 * payload length (or the frame for a hop-by-hop jumbo candidate,
	 * payload length 0); TTL the hop limit, TOS the traffic class. */
	BF_PKT_SADDR6 = -56,    /* 16 bytes: 4 u32 words, each in host
				 * order (word 0 = bytes 0-3) */
	BF_PKT_DADDR6 = -72,    /* 16 bytes, as SADDR6 */
	/* u16 each: where ipv6_find_hdr(skb, &off, TYPE, NULL, NULL) finds
	 * the first header of that type, as an offset from BF_REG_L3, or
	 * BF_EXTHDR_ABSENT (-ENOENT) / BF_EXTHDR_BAD (-EBADMSG: the chain is
	 * truncated, or longer than the prologue walks). */
	BF_PKT_HDR_HBH = -74,
	BF_PKT_HDR_DST = -76,
	BF_PKT_HDR_RT = -78,
	/* -80: unused. A field at a multiple of 8 keeps the range of the
	 * register stored there in the verifier's state: offsets there would
	 * split it into one state per header chain. */
	BF_PKT_HDR_FRAG = -82,
	BF_PKT_HDR_AH = -84,
	BF_PKT_PROTO_OK = -85,  /* u8: 1 when ipv6_find_hdr(-1) succeeded:
				 * PROTO, FRAGOFF (and L4OFF for a first
				 * fragment) are set; 0: a rule with -p
				 * hotdrops */
	BF_PKT_IP6_PLEN = -92,  /* u32: 40 + payload length (xt_length's
				 * IPv6 length) */
	BF_PKT_HOTDROP_LATER = -93, /* u8: a match held but set iptables'
				 * hotdrop (bf_emit_hotdrop_later); the
				 * prologues zero it */
	BF_PKT_CTPROTO = -94,   /* u8: the conntrack's protocol (ct.h) */
	BF_PKT_CTINFO = -96,    /* u16: the packet's conntrack state (ct.h),
				 * set when a rule reads it */
	/* -96 .. -128: a classifier stage's (classify.c). */
	BF_PKT_CLASS_META = -100,   /* u32: the key's meta word */
	BF_PKT_CLASS_PORTS = -104,  /* u32: the key's ports word */
	BF_PKT_CLASS_BEST = -108,   /* u32: smallest prio found so far */
	BF_PKT_CLASS_ACTION = -112, /* u32: its action */
	BF_PKT_CLASS_IDX = -116,    /* u32: the map key of a probe */
	BF_PKT_CLASS_SLOT = -120,   /* u32: the counter slot of BEST */
	BF_PKT_CLASS_HALF = -124,   /* u32: where the map's live half starts */
	BF_PKT_SIZE = 128,      /* bytes of stack the context uses */
	/* Below the context, kept while FORWARD's rules run (route.h): a
	 * bit per distinct -o name of the ruleset, set when the route's
	 * output interface matches it. Between the ICMP answer's scratch
	 * (reply.h) and conntrack's (ct.c). */
	BF_PKT_OIF_BITS = -188,
	/* u32, FORWARD at XDP: the route's output interface (its index). */
	BF_PKT_OIF = -320,
	/* Below the hooks' own scratch: the conntrack's tuples (ct.h), when
	 * a rule reads them. Addresses as in memory (network order; 16
	 * bytes, IPv4's in the first 4), ports in host order. */
	BF_PKT_CT_ORIG_SRC = -448,
	BF_PKT_CT_ORIG_DST = -432,
	BF_PKT_CT_REPL_SRC = -416,
	BF_PKT_CT_REPL_DST = -400,
	BF_PKT_CT_ORIG_SPORT = -304, /* u16 */
	BF_PKT_CT_ORIG_DPORT = -302, /* u16 */
	BF_PKT_CT_REPL_SPORT = -300, /* u16 */
	BF_PKT_CT_REPL_DPORT = -298, /* u16 */
	BF_PKT_CT_EXPIRES = -324,   /* u32: seconds left (netfilter hook) */
	/* Scratch of one match's code, not kept from a match to the next
	 * (hashlimit, recent): 64 bytes below the conntrack's tuples, and
	 * 56 between them and what the netfilter hook and conntrack keep
	 * (the conntrack lookup's scratch, ct.c's CT_TUPLE, is there only
	 * while it looks up; so is set's key). */
	BF_PKT_MATCH_LOW = -512,  /* 64 bytes */
	BF_PKT_MATCH_HIGH = -384, /* 56 bytes */
};
#define BF_EXTHDR_ABSENT 0
#define BF_EXTHDR_BAD 0xffff

struct bf_fixup {
	/* FUNC: a BPF_PSEUDO_FUNC load of the subprogram at label target */
	enum { BF_FIXUP_JUMP, BF_FIXUP_MAP, BF_FIXUP_EXT_MAP, BF_FIXUP_FUNC } kind;
	size_t insn;
	/* label, enum bf_map_id, or index in cg->ext_maps */
	int target;
};

struct bf_cgen {
	struct bpf_insn *insns;
	size_t len, cap;
	int err; /* sticky: first error, negative errno */

	int *labels; /* insn index a label is bound to, -1 while unbound */
	size_t n_labels, cap_labels;

	struct bf_fixup *fixups;
	size_t n_fixups, cap_fixups;

	/* Named maps made outside the program (cgen/ext_maps.h). */
	struct bf_ext_map_ref *ext_maps;
	size_t n_ext_maps, cap_ext_maps;

	/* Compilation context. */
	const struct bf_ruleset *rs; /* the ruleset being emitted */
	/* Where rs's counter slots start in the counters map: both families
	 * share one map, IPv4's slots first, then IPv6's. */
	int slot_base;
	const char *ifname; /* interface compiled for: resolves -i */
	const struct bf_hook_ops *hook;
	int lbl_hotdrop; /* drop without counting, as iptables' hotdrop */
	/* Blocks that end the program, emitted once at its end for all the
	 * rules that go there (bf_cgen_tail). */
	struct bf_cgen_tail {
		void (*emit)(struct bf_cgen *cg, int arg);
		int arg, label;
	} tails[16];
	size_t n_tails;
	/* Subprograms (helpers' callbacks), emitted after the tails
	 * (bf_cgen_func); their start labels. */
	struct bf_cgen_tail funcs[4];
	bool func_live[4]; /* after bf_cgen_finish: some live code loads it */
	size_t n_funcs;
	bool hotdrop_later; /* a match of the rule being emitted may set
			     * BF_PKT_HOTDROP_LATER */
	size_t n_state; /* BF_MAP_STATE slots the program uses (0: no map) */
	/* Set by bf_cgen_compile before the hook's prologue when there is an
	 * IPv6 ruleset: the prologue sends IPv6 packets, context filled
	 * (bf_emit_ipv6_prologue), to label lbl_v6; without, they pass. */
	bool judge_v6;
	int lbl_v6;
	/* The netfilter hook: there is an IPv4 ruleset to judge. */
	bool judge_v4;
	/* The rules being emitted are FORWARD's at XDP: the output
	 * interface is the route's, known only at run time (route.h), and
	 * -o tests read BF_PKT_OIF_BITS: bit i for oif_names[i]. */
	bool oif_dynamic;
	/* The rules being emitted are OUTPUT's at TC egress (tc.h): the
	 * output interface is the one compiled for; NULL elsewhere. */
	const char *oif_name;
	char oif_names[32][BF_IFNAMSIZ];
	size_t n_oif_names;
	/* What each family's rules read of the conntrack (ct.h:
	 * BF_CT_NEED_*, by enum bf_family), worked out once per compile: the
	 * hook fills it. */
	unsigned int ct_needs[BF_FAMILY_MAX];

	/* The classifier: the map's contents, and each chain's plan (made
	 * once per chain, however many places inline it). */
	enum bf_classify_mode classify;
	struct bf_class_table class_table;
	struct bf_cgen_plan *plans;
	size_t n_plans, cap_plans;
	/* Another program of the same rulesets and interface, compiled
	 * first and kept until this one is freed: a chain it planned with
	 * its tables at the same place is not planned again (the XDP
	 * program and the netfilter stage's both judge filter INPUT). */
	const struct bf_cgen *plan_donor;
};

/* A chain's classifier plan, made once per program (classify.c), and
 * where its tables are in the program's class_table. */
struct bf_cgen_plan {
	const struct bf_ruleset *rs;
	enum bf_table_id table;
	size_t chain_idx;
	bool oif_dynamic; /* planned for FORWARD at XDP (cg->oif_dynamic) */
	struct bf_chain_plan plan;
	size_t table_start, table_end;
	bool borrowed; /* plan belongs to cg->plan_donor */
};
void bf_cgen_plans_free(struct bf_cgen *cg);

/* The output interface of bf_ip_tests() when it is the route's, known
 * at run time only (FORWARD at XDP): the caller tests -o itself. */
extern const char bf_oif_dynamic[];
/* Either interface of bf_ip_tests() when the hook tests them at run time
 * (hook->iface_test): the caller emits those tests. */
extern const char bf_iface_runtime[];

/* Emission primitives. */
/* Makes room for one more element of an array of cg's (arr, *cap, len
 * used); false, with the sticky error set, on failure. */
bool bf_cgen_grow(struct bf_cgen *cg, void **arr, size_t *cap, size_t len, size_t elem);
void bf_cgen_init(struct bf_cgen *cg);
void bf_cgen_free(struct bf_cgen *cg);
/* Empties cg for another program, keeping its buffers (a zeroed cg, as
 * a static one starts, is fine). */
void bf_cgen_reset(struct bf_cgen *cg);
void bf_emit(struct bf_cgen *cg, struct bpf_insn insn);
int bf_label_new(struct bf_cgen *cg);
void bf_label_bind(struct bf_cgen *cg, int label);
/* Emits a jump instruction (its off field ignored) to a label. */
void bf_emit_jump(struct bf_cgen *cg, struct bpf_insn insn, int label);
/* Emits BPF_LD_MAP_FD (two instructions) with a map fixup. */
void bf_emit_ld_map(struct bf_cgen *cg, int reg, enum bf_map_id map);
/* Emits r0 = bpf_map_lookup_elem(map, r10 + key_off): the key is on the
 * stack there already. Clobbers r1-r5. */
void bf_emit_map_lookup(struct bf_cgen *cg, enum bf_map_id map, int key_off);
/* Emits r0 = bpf_map_update_elem(map, r10 + key_off, r10 + value_off,
 * flags). Clobbers r1-r5. */
void bf_emit_map_update(struct bf_cgen *cg, enum bf_map_id map, int key_off, int value_off,
			int flags);
/* Emits bpf_for_each_map_elem(map, the subprogram at cb_label (a
 * bf_cgen_func), r10 + ctx_off, 0). Clobbers r0-r5. */
void bf_emit_for_each_map(struct bf_cgen *cg, enum bf_map_id map, int cb_label, int ctx_off);
/* Zeroes len bytes (a multiple of 8) of stack from r10 + off. */
void bf_emit_stack_zero(struct bf_cgen *cg, int off, size_t len);
/* Emits reg = imm (BPF_LD_IMM64, two instructions), src_reg 0 or a
 * pseudo kind (BPF_PSEUDO_MAP_FD with a map fd known now). */
void bf_emit_ld_imm64(struct bf_cgen *cg, int reg, int src_reg, uint64_t imm);
/* Resolves jump fixups (range-checked); returns cg->err. Map fixups stay
 * for the loader: bf_cgen_patch_maps(). */
int bf_cgen_finish(struct bf_cgen *cg);
int bf_cgen_patch_maps(struct bf_cgen *cg, const int map_fds[BF_MAP_MAX]);
/* The label of the block emit(cg, arg) writes at the end of the program
 * (once, however many rules go there, with bf_emit_goto_far): code a
 * target shares between rules, which ends the program. -1 (cg->err set)
 * past the table's size. */
int bf_cgen_tail(struct bf_cgen *cg, void (*emit)(struct bf_cgen *cg, int arg), int arg);
/* The label of the subprogram emit(cg, arg) writes after the program and
 * its tails (once per emit and arg): a callback, which starts with its
 * arguments in r1-r5, uses no stack and ends with exit. Its code may jump
 * only to its own labels. -1 (cg->err set) past the table's size. */
int bf_cgen_func(struct bf_cgen *cg, void (*emit)(struct bf_cgen *cg, int arg), int arg);
/* Emits reg = the subprogram at label (BPF_LD_IMM64 with BPF_PSEUDO_FUNC,
 * two instructions), a helper's callback argument. */
void bf_emit_ld_func(struct bf_cgen *cg, int reg, int label);
/* The first instructions of the finished program's subprograms, in
 * order: how many (at most max written). The loader describes them with
 * BTF func_info, which the kernel wants for callbacks. */
size_t bf_cgen_subprogs(const struct bf_cgen *cg, uint32_t *starts, size_t max);
/* reg = the ones' complement of the sum in reg folded to 16 bits, an
 * Internet checksum (tmp clobbered). */
void bf_emit_csum_fold(struct bf_cgen *cg, int reg, int tmp);
/* Whether the program refers to map. */
bool bf_cgen_uses_map(const struct bf_cgen *cg, enum bf_map_id map);
/* A digest of a finished program before its maps are patched in: equal
 * digests, equal programs but for their classifier maps' contents. */
uint64_t bf_cgen_digest(const struct bf_cgen *cg);
/* bf_cgen_finish() also drops code no path reaches (the verifier refuses
 * it), renumbering labels and fixups: emitters may leave dead code, e.g.
 * the rules after one that always matches. Every jump instruction must
 * come from bf_emit_jump(); a BPF_JMP32|BPF_JA (gotol) takes a 32-bit
 * offset, every other jump is checked against the s16 range. (BPF-to-BPF
 * calls and callbacks will need a fixup kind of their own, so that their
 * targets count as reached.) */

/* True when a jump to `label` was emitted since fixup number first_fixup
 * (cg->n_fixups read before), e.g. to emit a stub only when used. */
bool bf_label_referenced(const struct bf_cgen *cg, int label, size_t first_fixup);

struct bf_strbuf;
/* Appends insns as text, one per line, in the verifier log's notation. */
void bf_cgen_dump(const struct bpf_insn *insns, size_t n, struct bf_strbuf *out);

/* Adds one packet to counter `slot`, with the packet length from the
 * context. Clobbers r0-r5. */
void bf_emit_count(struct bf_cgen *cg, int slot);
/* The same with the slot in register reg (any of r1-r5, r9). */
void bf_emit_count_reg(struct bf_cgen *cg, int reg);

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
	/* Emits the end of the program for verdict v when the hook does
	 * more than return its code (TC egress notes the first fragments it
	 * accepts). NULL: r0 = verdict_code(v); exit. */
	void (*emit_verdict)(struct bf_cgen *cg, enum bf_verdict v);
	/* What the hook cannot compile yet: 0 when it can compile rs, else
	 * -EOPNOTSUPP after logging the first refusal (bf_cgen_refuse). The
	 * one place that lists the limits, so later work lifts them one by
	 * one. NULL: no limits. */
	int (*check)(const struct bf_ruleset *rs);
	/* Emitted between raw PREROUTING and filter INPUT of a family: what
	 * the stack does in between, for packets the hook sees earlier than
	 * INPUT would (e.g. XDP passes IPv4 fragments on, unjudged, to be
	 * reassembled and judged by the netfilter stage). NULL: nothing. */
	void (*before_input)(struct bf_cgen *cg, enum bf_family family);
	/* The largest offset from BF_REG_L3 at which a match's walk (sctp
	 * chunks) may read 4 bytes, for the verifier: what this hook's
	 * packet pointers let it bound. */
	int walk_max;
	/* Emitted after raw PREROUTING, before what before_input emits: the
	 * routing decision. Falls through for a packet routed to this host
	 * (filter INPUT), jumps to `forward` for one routed on (filter
	 * FORWARD, BF_PKT_OIF_BITS set), ends the program for what the
	 * stack drops before either. forward -1: no FORWARD to go to, only
	 * what the stack does before the decision. NULL: everything goes to
	 * INPUT. */
	void (*route)(struct bf_cgen *cg, enum bf_family family, int forward);
	/* For the LOG target: with r9 pointing at a reserved struct
	 * bf_log_event, fills its l3_off, mac_len, cap and data from the
	 * packet (clobbers r0-r5). NULL: the hook cannot log. */
	void (*log_frame)(struct bf_cgen *cg);
	/* Interfaces known at run time only (the netfilter hooks): emits the
	 * test of -i (out false) or -o NAME (a trailing `+': a prefix),
	 * jumping to next when the rule does not match (inv: `!'). NULL:
	 * resolved when compiled (bf_ip_tests). */
	void (*iface_test)(struct bf_cgen *cg, bool out, const char *name, bool inv, int next);
	/* A netfilter hook after which REJECT's answer is sent (nft's chain
	 * at LOCAL_IN, cgen/nf_reject.h); at another one REJECT does not
	 * compile yet. */
	bool nf_answers;
	/* The packet holds its route (a netfilter hook after routing): the
	 * route's type answers -m addrtype --dst-type. */
	bool routed;
};

extern const struct bf_hook_ops bf_hook_xdp;
/* TC egress: raw and filter OUTPUT for the packets this host sends (tc.h). */
extern const struct bf_hook_ops bf_hook_tc;
/* The hooks' check: what XDP and TC egress cannot compile yet, each in
 * the chains it judges (limits.c). */
int bf_cgen_check(const struct bf_ruleset *rs);

/* Emits the return of verdict v: r0 = the hook's code for it; exit. */
void bf_emit_verdict(struct bf_cgen *cg, enum bf_verdict v);

/* Register conventions between a hook and the layer-3 prologues: the hook
 * sets BF_REG_L3 to the network header (a packet pointer) and BF_REG_END
 * to the end of the packet, keeps the context in BF_REG_CTX, fills the
 * link-layer fields (ETH_TYPE, MAC_HI, MAC_LO), then calls the prologue
 * of the family. The rules use only r0-r5 and the stack; r6-r8 keep
 * their values through every rule, so a match may read the packet from
 * BF_REG_L3 (bounds checked against BF_REG_END). */
#define BF_REG_CTX BPF_REG_6
#define BF_REG_L3 BPF_REG_7
#define BF_REG_END BPF_REG_8

/* Parses the IPv4 header at BF_REG_L3 and fills the packet context.
 * Packets the kernel's ip_rcv drops before any netfilter hook (short,
 * version != 4, IHL < 5, bad total length, bad header checksum) jump to
 * lbl_pass: the stack drops them, iptables never sees them. Clobbers
 * r0-r5 and r9. */
void bf_emit_ipv4_prologue(struct bf_cgen *cg, int lbl_pass);

/* Parses the IPv6 header at BF_REG_L3, walks its extension headers as
 * ipv6_find_hdr does and fills the packet context (the IPv6 fields
 * above, and the shared ones with the same meaning). Packets ipv6_rcv
 * drops before any netfilter hook jump to lbl_pass. Clobbers r0-r5, r9. */
void bf_emit_ipv6_prologue(struct bf_cgen *cg, int lbl_pass);

/* The IP part of a rule (struct bf_ip) as tests on the packet context.
 * Interfaces are resolved at compile time, so they never become tests.
 * One test: jump when (field & mask) `op` imm holds, field of `size`
 * (BPF_B/H/W) at context offset `off`; jmp_op is the jump taken when the
 * packet does NOT match. */
struct bf_ip_test {
	int16_t off;
	uint8_t size;
	uint8_t jmp_op;   /* BPF_JEQ / BPF_JNE: no-match condition */
	uint32_t mask;    /* 0xffffffff: no masking */
	uint32_t imm;
	/* The condition hotdrops instead (ip6tables -p when the header
	 * walk fails); never first-inverted (on_match), never a group. */
	bool hotdrop;
	/* IPv6 addresses: this word test and the next `group` ones form one
	 * 128-bit test, inverted as a whole when jmp_op is BPF_JEQ (each
	 * word then says JNE): bf_emit_ip_test() emits the group. */
	uint8_t group;
};
#define BF_IP_TESTS_MAX 12

/* Fills t[0..*n) for rule ip part `ip` seen on input interface `in` and
 * output interface `out` ("" for none). Returns false when the rule can
 * never match there (so it needs no code). */
bool bf_ip_tests(const struct bf_ip *ip, const char *in, const char *out,
		 struct bf_ip_test t[BF_IP_TESTS_MAX], size_t *n);
/* Does `name` as iptables stores it (`+` suffix = prefix) match `dev`? */
bool bf_iface_match(const char *name, const char *dev);
/* Emits one test (with its group, see above): jumps to `label` when the
 * packet does not match, or, with `on_match`, when it does; a hotdrop
 * test jumps to cg->lbl_hotdrop. Returns the number of entries of t
 * used (1 + t->group). */
size_t bf_emit_ip_test(struct bf_cgen *cg, const struct bf_ip_test *t, bool on_match, int label);

/* For a match that holds while setting iptables' hotdrop (an inverted
 * test whose inner one hotdropped, as xt_sctp's chunk walk can):
 * ipt_do_table still runs the rule's later matches; when they hold it
 * counts the rule (its target then ends in the hotdrop's NF_DROP), when
 * they do not it drops uncounted. Emits the mark, from where the match
 * falls through as holding; the rule does the rest. */
void bf_emit_hotdrop_later(struct bf_cgen *cg);

/* The linear reference emitter is in flow.h: each chain's rules in order,
 * user chains inlined where they are reached, then the policy. An
 * optimizing classifier replaces this walk; this one stays the reference
 * it is tested against. */
/* One rule: falls through to the next when the packet does not match. */
int bf_emit_rule(struct bf_cgen *cg, const struct bf_rule *rule, int slot);

/* Compiles both families' rulesets into one program for packets arriving
 * on `ifname` (NULL is taken as "", which no `-i NAME` matches) and
 * finishes it (bf_cgen_finish). v4 and v6 are the iptables and ip6tables
 * rulesets (NULL: none); their counters share one map, v4's slots first
 * (bf_cgen_n_slots). Refuses the whole program, -EOPNOTSUPP with a message
 * naming table, chain, rule and reason, when either holds anything the
 * hook cannot compile yet (hook->check). The result (cg->insns, cg->len)
 * still has map fixups. */
int bf_cgen_compile(struct bf_cgen *cg, const struct bf_ruleset *v4,
		    const struct bf_ruleset *v6, const struct bf_hook_ops *hook,
		    const char *ifname);

/* State records (cgen/state_records.c): each match that keeps state
 * across packets (ops->has_state) has BF_STATE_RECORD_WORDS u64 slots of
 * BF_MAP_STATE, numbered in ruleset order, IPv4's and IPv6's interleaved
 * (a family's program does not know the other's ruleset): stable whatever
 * the interface, and the same for every copy of an inlined user chain, as
 * the kernel keeps one state per rule. */
#define BF_STATE_RECORD_WORDS 2
/* BF_MAP_STATE slots a program of v4 and v6 may use (0: it needs no
 * state map); cg->n_state after compiling is at most this. */
size_t bf_cgen_n_state(const struct bf_ruleset *v4, const struct bf_ruleset *v6);
/* The first slot of the record of match data `data` of `rule` in the
 * ruleset compiled (cg->rs), and makes cg->n_state cover the record. */
size_t bf_cgen_state_record(struct bf_cgen *cg, const struct bf_rule *rule, const void *data);
/* The first slots of the records of table t of rs, in rule order: how
 * many there are; the first max go to slots. */
size_t bf_cgen_state_records(const struct bf_ruleset *rs, enum bf_table_id t, size_t *slots,
			     size_t max);

/* Counter slots of the program for v4 and v6 (NULL: none): the size of
 * its counters map. The loader lays out the counters the same way. */
size_t bf_cgen_n_slots(const struct bf_ruleset *v4, const struct bf_ruleset *v6);

/* Logs why a rule (rule_idx, 0-based) or, with rule_idx < 0, the policy
 * of chain c in table t of rs cannot be compiled, as "cannot compile rule
 * 3 of chain FORWARD (table filter): REASON" (", IPv6" after the table
 * for ip6tables), and returns -EOPNOTSUPP. */
int bf_cgen_refuse(const struct bf_ruleset *rs, enum bf_table_id t,
		   const struct bf_chain *c, long rule_idx, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Does this match compile? Emits it into a scratch program: false when
 * it has no emit or its emit says -EOPNOTSUPP (for these options). */
bool bf_cgen_match_compiles(const struct bf_hook_ops *hook, const struct bf_rule *rule,
			    const struct bf_match *m);
/* The same for the rule's target extension (BF_VERDICT_EXT). */
bool bf_cgen_target_compiles(const struct bf_hook_ops *hook, const struct bf_rule *rule);

#endif
