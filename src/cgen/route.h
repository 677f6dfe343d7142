/* The routing decision at XDP: INPUT or FORWARD, as the stack's route
 * lookup (ip_route_input, ip6_route_input) and ip_forward / ip6_forward's
 * checks before the FORWARD hook decide it, with bpf_fib_lookup.
 *
 * - A destination that is multicast, or IPv4's limited broadcast: INPUT
 *   (the stack delivers it locally or hands it to a multicast router,
 *   outside the unicast FIB).
 * - Forwarding off on the ingress interface (the helper says so before
 *   looking): INPUT. The stack delivers the local packets there and drops
 *   the others before INPUT; these others are judged by INPUT here (a
 *   host never forwards, so nothing passes that INPUT would stop).
 * - A local or broadcast route: INPUT.
 * - A blackhole, unreachable or prohibit route: passed unjudged; the
 *   stack drops it (with its ICMP error) before INPUT and FORWARD.
 * - A unicast route on: FORWARD (its rules see the TTL or hop limit
 *   decremented, as the stack does before the hook), unless ip_forward / ip6_forward drop it
 *   before their hook (passed unjudged then, the stack answering as it
 *   does): TTL or hop limit spent, a frame not addressed to this host's
 *   MAC, too big for the route with DF (IPv4) or at all (IPv6), an IPv6
 *   multicast, loopback or link-local source routed out of another
 *   interface.
 * - A failure of the helper, or a route that encapsulates (the helper
 *   does not give its output interface): dropped (fail closed).
 * The lookup uses what the stack's does but for the ports (0: only an ip
 * rule on ports would tell) and the mark (0 at XDP, before mangle).
 *
 * -o: each distinct -o name of the ruleset has a bit; the interfaces of
 * the namespace when the program is compiled map to the bits of the
 * names they match, and the route's output interface sets its bits in
 * BF_PKT_OIF_BITS. An interface created later matches no -o name until
 * the next compile (any change, or attach). */
#ifndef BF_CGEN_ROUTE_H
#define BF_CGEN_ROUTE_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgen.h"

/* Where the lookups keep their struct bpf_fib_lookup: the first match
 * scratch, free when they run (the decision, before the rules; FORWARD's
 * ICMP answers, after them). */
#define BF_FIB_KEY BF_PKT_MATCH_LOW
#define BF_FIB_AT(field) (BF_FIB_KEY + (int)offsetof(struct bpf_fib_lookup, field))
#ifndef BPF_FIB_LOOKUP_SRC
#define BPF_FIB_LOOKUP_SRC (1U << 4) /* Linux 6.7, after these headers: UAPI's value */
#endif

/* The key zeroed, its family and ingress interface set (XDP's). */
void bf_emit_fib_key_begin(struct bf_cgen *cg, bool v6);
/* r0 = bpf_fib_lookup(ctx, the key, flags). Clobbers r1-r5. */
void bf_emit_fib_lookup(struct bf_cgen *cg, uint32_t flags);

/* bf_hook_ops.route for XDP (forward -1: IPv4 options only). */
void bf_xdp_route(struct bf_cgen *cg, enum bf_family family, int forward);

/* Collects the distinct -o names of v4's and v6's filter rules into
 * cg->oif_names; -E2BIG (logged) past 32. */
int bf_cgen_oif_names(struct bf_cgen *cg, const struct bf_ruleset *v4,
		      const struct bf_ruleset *v6);
/* The bit of -o name in BF_PKT_OIF_BITS. */
int bf_cgen_oif_bit(const struct bf_cgen *cg, const char *name);

#endif
