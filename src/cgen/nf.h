/* The netfilter hook: a BPF_PROG_TYPE_NETFILTER program at LOCAL_IN that
 * judges filter INPUT for the IPv4 datagrams the stack reassembled. XDP
 * sees their fragments, which filter INPUT never does (ip_local_deliver
 * reassembles first), so XDP lets fragments through to the stack and this
 * program judges the whole datagram, counting into the XDP program's
 * counters map (same slots). Everything else it accepts: XDP judged it. */
#ifndef BF_CGEN_NF_H
#define BF_CGEN_NF_H

#include "cgen.h"

/* Judges reassembled IPv4 datagrams (IPCB(skb)->frag_max_size != 0)
 * arriving on cg->ifname (every interface when it is empty); NF_ACCEPT
 * for everything else. */
extern const struct bf_hook_ops bf_hook_nf_local_in;
/* The same, judging every IPv4 packet: for BPF_PROG_TEST_RUN, whose skbs
 * are never reassembled. Not for attaching. */
extern const struct bf_hook_ops bf_hook_nf_local_in_all;

/* Its parts, for the netfilter hooks (nf_hooks.h): the prologue that
 * judges every packet (arriving on any interface when cg->ifname is
 * empty), LOG's copy, the verdicts. */
void bf_nf_prologue_all(struct bf_cgen *cg);
void bf_nf_log_frame(struct bf_cgen *cg);
int bf_nf_verdict_code(enum bf_verdict v);

/* Stack below the packet context the hook uses (offsets from r10). */
enum bf_nf_stack {
	BF_NF_BUF = -256,     /* 128 bytes: copy of the network header on */
	BF_NF_BUF_LEN = 128,
	BF_NF_DYNPTR = -272,  /* struct bpf_dynptr (16 bytes) */
	BF_NF_MAC = -280,     /* 8 bytes: Ethernet source read from the skb */
	BF_NF_TOTLEN = -284,  /* u32: the datagram's real total length */
	BF_NF_CT = -296,      /* 8 bytes: the conntrack's address (ct.c) */
};

/* Compiles filter INPUT of v4 (with the user chains it reaches) for the
 * netfilter hook: prologue, chains, bf_cgen_finish; and that of v6 when it
 * reads the conntrack state (XDP defers IPv6 packets only then). Either
 * may be NULL. Counter slots as in the XDP program (v4's from 0). ifname: the interface the XDP program
 * is attached to (resolves -i); datagrams from other interfaces are
 * accepted unjudged, as XDP leaves them unfiltered. */
int bf_cgen_compile_nf(struct bf_cgen *cg, const struct bf_ruleset *v4,
		       const struct bf_ruleset *v6, const char *ifname);
/* The same for another netfilter hook (bf_hook_nf_local_in_all in tests). */
int bf_cgen_compile_nf_hook(struct bf_cgen *cg, const struct bf_ruleset *v4, const char *ifname,
			    const struct bf_hook_ops *hook);

/* The fixed program on the netfilter links (IPv4 and IPv6): for a
 * reassembled datagram or a packet XDP deferred arriving on an interface
 * found in the hash ifmap_fd (ifindex to slot), tail-calls that slot of
 * the prog_array slots_fd, and drops it when the slot is empty (fail
 * closed); accepts everything else (XDP judged it, or the interface is
 * not attached). First, for every packet, empties the REJECT slot of
 * reject_fd (nf_reject.h). Finished, no fixups. */
int bf_cgen_nf_dispatcher(struct bf_cgen *cg, int slots_fd, int ifmap_fd, int reject_fd);

#endif
