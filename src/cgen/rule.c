/* One rule of the linear walk: its tests, then its counter and verdict.
 *
 * Layout, for the verifier: the first test jumps *into* the rule when it
 * passes and the fall-through jumps to the next rule. The verifier walks
 * fall-throughs first and keeps the other branches on a stack (at most
 * 8192) until the rest of the program is walked; this way each rule
 * leaves one branch there, not one per test: about 8000 rules with
 * several tests load (a rule with a single test leaves none). The
 * optimizing classifier is the answer for longer rule lists.
 * The hotdrop stub is per rule so that no jump reaches far. */
#include <errno.h>

#include "cgen.h"
#include "cgen/flow.h"
#include "cgen/insn.h"
#include "cgen/route.h"
#include "common/log.h"
#include "ext/ext.h"

void bf_emit_verdict(struct bf_cgen *cg, enum bf_verdict v)
{
	if (cg->hook->emit_verdict) {
		cg->hook->emit_verdict(cg, v);
		return;
	}
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, cg->hook->verdict_code(v)));
	bf_emit(cg, BPF_EXIT_INSN());
}

/* The input interface: the one compiled for, or tested at run time. */
static const char *in_iface(const struct bf_cgen *cg)
{
	if (cg->hook->iface_test)
		return bf_iface_runtime;
	return cg->ifname ? cg->ifname : "";
}

/* No iptables output interface before routing: "" as nulldevname; in
 * FORWARD at XDP, the route's (emit_oif_test); in OUTPUT at TC egress,
 * the interface compiled for. */
static const char *out_iface(const struct bf_cgen *cg)
{
	if (cg->hook->iface_test)
		return bf_iface_runtime;
	if (cg->oif_dynamic)
		return bf_oif_dynamic;
	return cg->oif_name ? cg->oif_name : "";
}

/* -o in FORWARD at XDP: the name's bit in BF_PKT_OIF_BITS (route.h), to
 * `next` when the rule does not match. */
static void emit_oif_test(struct bf_cgen *cg, const struct bf_rule *rule, int next)
{
	int bit = bf_cgen_oif_bit(cg, rule->ip.outiface);
	bool inv = rule->ip.invflags & BF_INV_VIA_OUT;

	if (bit < 0) {
		cg->err = bf_err(-EINVAL, "cgen: -o %s has no bit", rule->ip.outiface);
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_OIF_BITS));
	bf_emit(cg, BPF_ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)(1u << bit)));
	bf_emit_jump(cg, BPF_JMP32_IMM(inv ? BPF_JNE : BPF_JEQ, BPF_REG_1, 0, 0), next);
}

/* -j CHAIN continues after the rule when the chain returns; -g CHAIN
 * where the chain holding the rule would have returned (no frame is
 * pushed, as in ipt_do_table). */
static int emit_jump(struct bf_cgen *cg, const struct bf_rule *rule, int next,
		     const struct bf_flow *flow)
{
	const struct bf_table *tb = &cg->rs->tables[flow->table];
	const struct bf_chain *c = bf_table_chain(tb, rule->target.chain);
	int entry;

	if (!c || c->builtin)
		return bf_err(-ENOENT, "cgen: no user-defined chain %s", rule->target.chain);
	entry = bf_flow_enter(cg, flow, bf_table_chain_index(tb, c),
			      rule->ip.flags & BF_F_GOTO ? flow->ret : next);
	if (entry < 0)
		return cg->err;
	bf_emit_goto_far(cg, entry);
	return 0;
}

/* The target, after the rule's counter. A target extension ends the
 * rule's code with a verdict or falls through (LOG): then the walk goes
 * on with the next rule (the jump is dead code after a verdict). Without
 * a flow (bf_emit_rule), RETURN and jumps do not compile. */
int bf_emit_target_flow(struct bf_cgen *cg, const struct bf_rule *rule, int next,
			const struct bf_flow *flow)
{
	const struct bf_target *t = &rule->target;
	int err;

	switch (t->verdict) {
	case BF_VERDICT_ACCEPT:
		/* In raw PREROUTING, ACCEPT ends the table, not the packet. */
		if (flow && flow->accept >= 0)
			bf_emit_goto_far(cg, flow->accept);
		else
			bf_emit_verdict(cg, t->verdict);
		return 0;
	case BF_VERDICT_DROP:
		bf_emit_verdict(cg, t->verdict);
		return 0;
	case BF_VERDICT_RETURN:
		if (!flow)
			break;
		bf_emit_goto_far(cg, flow->ret);
		return 0;
	case BF_VERDICT_JUMP:
		if (!flow)
			break;
		return emit_jump(cg, rule, next, flow);
	case BF_VERDICT_NONE:
		bf_emit_jump(cg, BPF_JMP_A(0), next);
		return 0;
	case BF_VERDICT_EXT:
		if (!t->ops->emit)
			break;
		err = t->ops->emit(cg, rule, t->data);
		if (err)
			return err;
		bf_emit_jump(cg, BPF_JMP_A(0), next);
		return 0;
	default:
		break;
	}
	/* hook->check refuses these before anything is emitted. */
	return bf_err(-EOPNOTSUPP, "the target %s cannot be compiled yet", bf_target_name(t));
}

void bf_emit_hotdrop_later(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_HOTDROP_LATER, 1));
	cg->hotdrop_later = true;
}

/* The no-match path of a rule whose match may set BF_PKT_HOTDROP_LATER
 * (matches jump to nomatch): dropped uncounted when the mark is set. Its
 * match path checks the mark after counting (bf_emit_rule_flow). */
static void emit_hotdrop_later_checks(struct bf_cgen *cg, int nomatch, int next)
{
	bf_label_bind(cg, nomatch);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_HOTDROP_LATER));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), next);
	bf_emit_verdict(cg, BF_VERDICT_DROP);
}

int bf_emit_rule(struct bf_cgen *cg, const struct bf_rule *rule, int slot)
{
	return bf_emit_rule_flow(cg, rule, slot, NULL);
}

int bf_emit_rule_flow(struct bf_cgen *cg, const struct bf_rule *rule, int slot,
		      const struct bf_flow *flow)
{
	struct bf_ip_test tests[BF_IP_TESTS_MAX];
	int next, body, hotdrop, nomatch, outer_hotdrop = cg->lbl_hotdrop;
	size_t n, i = 0, first_fixup = cg->n_fixups;
	int err = 0;

	if (!bf_ip_tests(&rule->ip, in_iface(cg), out_iface(cg), tests, &n))
		return 0; /* never matches here: no code, the slot stays */
	next = bf_label_new(cg);
	body = bf_label_new(cg);
	hotdrop = bf_label_new(cg);
	cg->lbl_hotdrop = hotdrop;
	if (cg->oif_dynamic && rule->ip.outiface[0])
		emit_oif_test(cg, rule, next);
	if (cg->hook->iface_test && rule->ip.iniface[0])
		cg->hook->iface_test(cg, false, rule->ip.iniface, rule->ip.invflags & BF_INV_VIA_IN,
				     next);
	if (cg->hook->iface_test && rule->ip.outiface[0])
		cg->hook->iface_test(cg, true, rule->ip.outiface,
				     rule->ip.invflags & BF_INV_VIA_OUT, next);
	if (n && tests[0].hotdrop) {
		/* ip6tables -p: the hotdrop test cannot be inverted into the
		 * entry test; split as for matches only (below). */
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0, 0), body);
		bf_emit_jump(cg, BPF_JMP_A(0), next);
	} else if (n && n == 1 + (size_t)tests[0].group && !rule->n_matches) {
		/* One test (e.g. -s ADDR, as fail2ban writes them): one branch
		 * to the next rule, explored after this rule's short body, so
		 * nothing stays on the verifier's stack. */
		i += bf_emit_ip_test(cg, &tests[i], false, next);
	} else if (n) {
		i += bf_emit_ip_test(cg, &tests[i], true, body);
		bf_emit_jump(cg, BPF_JMP_A(0), next);
	} else if (rule->n_matches) {
		/* Only matches: split on a test that always holds but that the
		 * verifier cannot decide (a total length is at least 20). */
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0, 0), body);
		bf_emit_jump(cg, BPF_JMP_A(0), next);
	}
	bf_label_bind(cg, body);
	while (i < n)
		i += bf_emit_ip_test(cg, &tests[i], false, next);
	/* The matches' no-match path: next, or a check of the mark first. */
	nomatch = bf_label_new(cg);
	cg->hotdrop_later = false;
	for (size_t k = 0; k < rule->n_matches && !err; k++) {
		const struct bf_match *m = &rule->matches[k];

		if (!m->ops->emit)
			err = bf_err(-EOPNOTSUPP, "the match \"%s\" cannot be compiled yet",
				     m->ops->name);
		else
			err = m->ops->emit(cg, rule, m->data, nomatch);
	}
	cg->lbl_hotdrop = outer_hotdrop;
	if (err)
		return cg->err ? cg->err : (cg->err = err);
	bf_emit_count(cg, slot);
	if (cg->hotdrop_later) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_HOTDROP_LATER));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), hotdrop);
	}
	err = bf_emit_target_flow(cg, rule, next, flow);
	if (err)
		return cg->err ? cg->err : (cg->err = err);

	/* iptables' hotdrop: drop at once, counting nothing. */
	if (bf_label_referenced(cg, hotdrop, first_fixup)) {
		bf_label_bind(cg, hotdrop);
		bf_emit_verdict(cg, BF_VERDICT_DROP);
	}
	if (cg->hotdrop_later)
		emit_hotdrop_later_checks(cg, nomatch, next);
	else
		bf_label_bind(cg, nomatch);
	bf_label_bind(cg, next);
	return cg->err;
}
