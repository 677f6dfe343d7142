/* The netfilter hooks (`attach --hook nf`): the whole ruleset where
 * iptables runs it, one BPF_PROG_TYPE_NETFILTER program per family and
 * point below, each behind a fixed dispatcher on a netfilter link that
 * tail-calls its slot of one prog_array (core/nf_hooks.h). The programs
 * judge every packet of the namespace, -i and -o tested at run time
 * against the hook state's devices; conntrack's state, fragments and
 * reassembly are the stack's own at that point, as iptables sees them. */
#ifndef BF_CGEN_NF_HOOKS_H
#define BF_CGEN_NF_HOOKS_H

#include <stdint.h>

#include "cgen.h"

/* Where iptables' chains run: hook and priority. */
enum bf_nf_point {
	BF_NF_PREROUTING_RAW, /* raw PREROUTING, NF_IP_PRI_RAW */
	BF_NF_INPUT,          /* filter INPUT, NF_IP_PRI_FILTER */
	BF_NF_FORWARD,        /* filter FORWARD */
	BF_NF_OUTPUT_RAW,     /* raw OUTPUT */
	BF_NF_OUTPUT,         /* filter OUTPUT */
	BF_NF_POINTS,
};

struct bf_nf_point_info {
	const char *name;      /* "prerouting-raw"... (pin names) */
	enum bf_table_id table;
	const char *chain;
	uint32_t hooknum;      /* NF_INET_* */
	int32_t priority;
};
extern const struct bf_nf_point_info bf_nf_points[BF_NF_POINTS];

/* The prog_array slot of a family's point. */
#define BF_NF_HOOK_SLOT(family, point) ((uint32_t)(family) * BF_NF_POINTS + (uint32_t)(point))
#define BF_NF_HOOK_SLOTS (BF_FAMILY_MAX * BF_NF_POINTS)

/* Compiles rs's chain of that point (with the user chains it reaches)
 * into a program, counting from slot_base (both families share one
 * counters map, IPv4's slots first). Refuses, as bf_cgen_compile does,
 * what these hooks cannot compile yet. Finished. */
int bf_cgen_compile_nf_point(struct bf_cgen *cg, const struct bf_ruleset *rs, int slot_base,
			     enum bf_nf_point point);
/* The fixed program on a family's point's link: tail-calls slot `slot`
 * of the prog_array slots_fd; drops when the slot is empty (fail
 * closed). At INPUT, first empties REJECT's slot of reject_fd for every
 * packet (cgen/nf_reject.h; -1 elsewhere). Finished, no fixups. */
int bf_cgen_nf_hook_dispatcher(struct bf_cgen *cg, int slots_fd, uint32_t slot, int reject_fd);
/* The hook of a point's programs. */
const struct bf_hook_ops *bf_nf_point_ops(enum bf_nf_point point);
/* What these hooks cannot compile yet: 0 or -EOPNOTSUPP, logged. */
int bf_cgen_check_nf(const struct bf_ruleset *rs);

#endif
