/* REJECT in the netfilter stage. Its program cannot send (kern/
 * nft_reject.h says who does): it notes the skb and the answer in a
 * per-CPU slot (BF_MAP_NF_REJECT) and accepts. Then, at the same hook:
 *   priority 0: the stage's dispatcher, which empties the slot first for
 *     every packet, so the slot never outlives the packet it names;
 *   priority 1: nft's chain, a rule per answer whose match (a socket
 *     filter, bf_cgen_nf_reject_match) takes the packet the slot names
 *     with its answer, and empties the slot;
 *   priority 2: the guard (bf_cgen_nf_reject_guard), which drops a packet
 *     the slot still names: without the nft chain (deleted by someone) a
 *     REJECT still drops, never accepts. */
#ifndef BF_CGEN_NF_REJECT_H
#define BF_CGEN_NF_REJECT_H

#include <stddef.h>
#include <stdint.h>

#include "cgen.h"

#define BF_NF_REJECT_MAP_NAME "bf_nf_reject"

/* BF_MAP_NF_REJECT's one value (per CPU). */
struct bf_nf_reject_slot {
	uint64_t skb;  /* the packet, by address; 0: none */
	uint32_t kind; /* its answer: bf_nf_reject_kind */
	uint32_t pad;
};

/* An answer: nft's reject type (NFT_REJECT_ICMP_UNREACH, _TCP_RST) and
 * ICMP (IPv4) or ICMPv6 (IPv6) code; nft sends it as ipt_REJECT and
 * ip6t_REJECT do. */
struct bf_nf_answer {
	uint8_t type, code;
};

/* Every answer iptables' and ip6tables' REJECT give: the chain's rules. */
extern const struct bf_nf_answer bf_nf_answers[];
extern const size_t bf_nf_n_answers;

/* Never 0. */
uint32_t bf_nf_reject_kind(struct bf_nf_answer a);

/* REJECT at the netfilter stage's hook (cg->hook a netfilter one): the
 * slot names this packet and answer; NF_ACCEPT on to nft's chain. */
int bf_emit_nf_reject(struct bf_cgen *cg, struct bf_nf_answer a);
/* Empties the slot of map_fd (the dispatcher's first act). r6 the
 * context; clobbers r0-r5. */
void bf_emit_nf_reject_clear(struct bf_cgen *cg, int map_fd);
/* The socket filter of answer a's rule: 1 (and the slot emptied) when
 * the slot of map_fd names this skb with a, else 0. Finished. */
int bf_cgen_nf_reject_match(struct bf_cgen *cg, int map_fd, struct bf_nf_answer a);
/* The guard, a netfilter program: NF_DROP (and the slot emptied) when
 * the slot of map_fd names this skb, else NF_ACCEPT. Finished. */
int bf_cgen_nf_reject_guard(struct bf_cgen *cg, int map_fd);

#endif
