/* The nft tables that send the netfilter stage's REJECT answers.
 *
 * A netfilter BPF program can only accept or drop: it cannot send a
 * packet, nor mark the skb for a later rule. So the stage's program, for
 * a REJECT, notes the skb and the answer in a per-CPU slot and accepts
 * (cgen/nf_reject.h); right after it, at LOCAL_IN, the chain "answers"
 * (priority 1) of tables ip and ip6 "bpfilter_reject" has one rule per
 * answer: an xt_bpf match (through nft_compat) running a socket filter
 * that says whether the slot names this skb with that answer, then nft's
 * reject, the
 * kernel's own code for ipt_REJECT's and ip6t_REJECT's answers
 * (nf_send_unreach, nf_send_reset and their IPv6 twins). */
#ifndef BF_KERN_NFT_REJECT_H
#define BF_KERN_NFT_REJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BF_NFT_REJECT_TABLE "bpfilter_reject"
#define BF_NFT_REJECT_CHAIN "answers"
#define BF_NFT_REJECT_PRIORITY 1

/* One rule: the socket filter that matches, nft's reject type
 * (NFT_REJECT_ICMP_UNREACH or NFT_REJECT_TCP_RST) and ICMP code. */
struct bf_nft_reject_rule {
	int match_fd;
	uint8_t type, code;
};

/* Replaces both tables with the chain of these rules, in one
 * transaction. 0 or -errno, logged. */
int bf_nft_reject_install(const struct bf_nft_reject_rule *rules, size_t n);
/* Both tables' chains are there with n rules each (someone may have
 * deleted or flushed them). */
bool bf_nft_reject_present(size_t n);
/* Deletes both tables (no error when there are none). */
int bf_nft_reject_remove(void);

#endif
