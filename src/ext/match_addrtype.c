/* -m addrtype: --src-type / --dst-type TYPE[,TYPE...], --limit-iface-in
 * / --limit-iface-out, as libxt_addrtype (revision 1) of iptables 1.8.9
 * and the kernel's xt_addrtype_info_v1. Both families; the kernel refuses
 * some types for IPv6 (checked here) and --limit-iface-in in chains that
 * OUTPUT reaches, --limit-iface-out in chains that PREROUTING or INPUT
 * reach. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/nf_uapi.h"
#include "cgen/skb_copy.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_SRC_TYPE, O_DST_TYPE, O_LIMIT_IFACE_IN, O_LIMIT_IFACE_OUT };

/* As XT_ADDRTYPE_INVERT_SOURCE... */
#define INVERT_SOURCE 0x1
#define INVERT_DEST 0x2
#define LIMIT_IFACE_IN 0x4
#define LIMIT_IFACE_OUT 0x8

/* Bit i of a type mask is route type i (RTN_UNSPEC = 0 ...). */
#define TYPE_BLACKHOLE (1u << 6)
#define TYPE_PROHIBIT (1u << 8)
#define TYPE_BROADCAST (1u << 3)

struct match_addrtype {
	uint16_t source, dest;
	uint32_t flags;
};

static const char *const type_names[] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
};

#define N_TYPES (sizeof(type_names) / sizeof(type_names[0]))

static const struct option addrtype_options[] = {
	{.name = "src-type", .has_arg = 1, .val = O_SRC_TYPE},
	{.name = "dst-type", .has_arg = 1, .val = O_DST_TYPE},
	{.name = "limit-iface-in", .has_arg = 0, .val = O_LIMIT_IFACE_IN},
	{.name = "limit-iface-out", .has_arg = 0, .val = O_LIMIT_IFACE_OUT},
	{0},
};

static const struct bf_sl_optinfo addrtype_info[] = {
	[O_SRC_TYPE] = {.flags = BF_XT_INVERT},
	[O_DST_TYPE] = {.flags = BF_XT_INVERT},
	[O_LIMIT_IFACE_IN] = {.excl = 1u << O_LIMIT_IFACE_OUT},
	[O_LIMIT_IFACE_OUT] = {.excl = 1u << O_LIMIT_IFACE_IN},
};

/* The first type whose name starts with the len characters at name
 * (case-insensitive): "loc" is LOCAL. */
static bool parse_type(const char *name, size_t len, uint16_t *mask)
{
	for (unsigned int i = 0; i < N_TYPES; i++) {
		if (!strncasecmp(name, type_names[i], len)) {
			*mask |= (uint16_t)(1u << i);
			return true;
		}
	}
	return false;
}

static int parse_types(const char *arg, uint16_t *mask)
{
	const char *comma;

	while ((comma = strchr(arg, ','))) {
		if (comma == arg || !parse_type(arg, (size_t)(comma - arg), mask))
			return bf_err(-EINVAL, "addrtype: bad type `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !parse_type(arg, strlen(arg), mask))
		return bf_err(-EINVAL, "addrtype: bad type \"%s\"", arg);
	return 0;
}

static int addrtype_parse(int opt, const char *arg, bool invert, void *data,
			  unsigned int *flags, const struct bf_ip *ip)
{
	struct match_addrtype *m = data;
	int err = bf_sl_opt_parse("addrtype", addrtype_options, addrtype_info, opt, invert,
				  flags);

	if (err)
		return err;
	switch (opt) {
	case O_SRC_TYPE:
		err = parse_types(arg, &m->source);
		if (!err && invert)
			m->flags |= INVERT_SOURCE;
		break;
	case O_DST_TYPE:
		err = parse_types(arg, &m->dest);
		if (!err && invert)
			m->flags |= INVERT_DEST;
		break;
	case O_LIMIT_IFACE_IN:
		m->flags |= LIMIT_IFACE_IN;
		break;
	case O_LIMIT_IFACE_OUT:
		m->flags |= LIMIT_IFACE_OUT;
		break;
	}
	return err;
}

static int addrtype_final_check(const void *data, unsigned int flags,
				const struct bf_ip *ip)
{
	int err;

	if (!(flags & ((1u << O_SRC_TYPE) | (1u << O_DST_TYPE))))
		return bf_err(-EINVAL, "addrtype: you must specify --src-type or --dst-type");
	err = bf_sl_opt_fcheck("addrtype", addrtype_options, addrtype_info, flags);
	if (err)
		return err;
	return 0;
}

static void print_types(struct bf_strbuf *out, uint16_t mask)
{
	const char *sep = "";

	for (unsigned int i = 0; i < N_TYPES; i++) {
		if (mask & (1u << i)) {
			bf_strbuf_printf(out, "%s%s", sep, type_names[i]);
			sep = ",";
		}
	}
}

static void addrtype_print(struct bf_strbuf *out, const struct bf_ip *ip,
			   const void *data, bool numeric)
{
	const struct match_addrtype *m = data;

	bf_strbuf_puts(out, " ADDRTYPE match");
	if (m->source) {
		bf_strbuf_puts(out, m->flags & INVERT_SOURCE ? " src-type !" : " src-type ");
		print_types(out, m->source);
	}
	if (m->dest) {
		bf_strbuf_puts(out, m->flags & INVERT_DEST ? " dst-type !" : " dst-type ");
		print_types(out, m->dest);
	}
	if (m->flags & LIMIT_IFACE_IN)
		bf_strbuf_puts(out, " limit-in");
	if (m->flags & LIMIT_IFACE_OUT)
		bf_strbuf_puts(out, " limit-out");
}

static void addrtype_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_addrtype *m = data;

	if (m->source) {
		bf_strbuf_puts(out, m->flags & INVERT_SOURCE ? " ! --src-type " : " --src-type ");
		print_types(out, m->source);
	}
	if (m->dest) {
		bf_strbuf_puts(out, m->flags & INVERT_DEST ? " ! --dst-type " : " --dst-type ");
		print_types(out, m->dest);
	}
	if (m->flags & LIMIT_IFACE_IN)
		bf_strbuf_puts(out, " --limit-iface-in");
	if (m->flags & LIMIT_IFACE_OUT)
		bf_strbuf_puts(out, " --limit-iface-out");
}

/* xt_addrtype's checkentry: an interface to limit to must exist where the
 * rule is reached, and IPv6 has no such routes. */
static int addrtype_check(const void *data, const struct bf_ip *ip, unsigned int hooks)
{
	const struct match_addrtype *m = data;
	unsigned int types = m->source | m->dest;
	unsigned int no_in = BF_HOOK_BIT(BF_HOOK_OUTPUT) | BF_HOOK_BIT(BF_HOOK_POSTROUTING);
	unsigned int no_out = BF_HOOK_BIT(BF_HOOK_PREROUTING) | BF_HOOK_BIT(BF_HOOK_INPUT);

	if (((m->flags & LIMIT_IFACE_IN) && (hooks & no_in)) ||
	    ((m->flags & LIMIT_IFACE_OUT) && (hooks & no_out)) ||
	    (ip->family == BF_FAMILY_IPV6 &&
	     ((types & TYPE_BLACKHOLE) || types >= TYPE_PROHIBIT || (types & TYPE_BROADCAST))))
		return bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	return 0;
}

/* xt_addrtype asks the FIB at run time for the type of the address
 * (inet_dev_addr_type: 0/8 and 255.255.255.255 are BROADCAST, 224/4
 * MULTICAST, else the type of the local table's route, UNICAST when there
 * is none). From XDP it cannot be asked: bpf_fib_lookup says NOT_FWDED for
 * every type but unicast and for no route alike (filter.c), and no helper
 * or kfunc returns the type; a table of local addresses taken at compile
 * time would go stale. At a netfilter hook after routing (`attach --hook
 * nf`) the packet holds its route, whose type for the destination is the
 * local table's LOCAL or BROADCAST (or MULTICAST), else a unicast one:
 * --dst-type compiles there, for IPv4. --src-type (no route says it),
 * --limit-iface-* and IPv6 stay refused. */
#define RTN_UNICAST 1
#define RTN_LOCAL 2
#define RTN_BROADCAST 3
#define RTN_MULTICAST 5

static int addrtype_emit(struct bf_cgen *cg, const struct bf_rule *rule,
			 const void *data, int no_match)
{
	const struct match_addrtype *m = data;
	int typed = bf_label_new(cg), route = bf_label_new(cg), unicast = bf_label_new(cg);
	struct bf_nf_offsets o;

	if (!cg->hook->routed || m->source || (m->flags & (LIMIT_IFACE_IN | LIMIT_IFACE_OUT)) ||
	    rule->ip.family != BF_FAMILY_IPV4)
		return bf_err(-EOPNOTSUPP, "addrtype: only --dst-type, for IPv4, at the netfilter "
			      "hooks after routing (attach --hook nf): XDP's bpf_fib_lookup does "
			      "not tell LOCAL or BROADCAST from an address without a route");
	if (!bf_skb_offsets(cg, &o))
		return cg->err;
	/* r2: the type, as inet_dev_addr_type gives it. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_DADDR));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, RTN_MULTICAST));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_1));
	bf_emit(cg, BPF_ALU32_IMM(BPF_RSH, BPF_REG_3, 28));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0xe, 0), typed);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, RTN_BROADCAST));
	bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, -1, 0), typed);
	bf_emit(cg, BPF_ALU32_IMM(BPF_RSH, BPF_REG_1, 24));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), typed);
	/* The route's type: skb->_skb_refdst without its flag bit. */
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BF_REG_CTX, BF_NF_CTX_SKB));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_3, o.skb_refdst));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_3, -2));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0, 0), unicast);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, o.rt_type));
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, BF_PKT_SCRATCH));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 2));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, BF_PKT_SCRATCH));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, RTN_LOCAL, 0), route);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, RTN_BROADCAST, 0), route);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, RTN_MULTICAST, 0), route);
	bf_label_bind(cg, unicast);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, RTN_UNICAST));
	bf_label_bind(cg, route);
	bf_label_bind(cg, typed);
	/* Bit `type` of --dst-type's mask, inverted by `!`. */
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
	bf_emit(cg, BPF_ALU64_REG(BPF_LSH, BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, m->dest));
	bf_emit_jump(cg, BPF_JMP_IMM(m->flags & INVERT_DEST ? BPF_JNE : BPF_JEQ, BPF_REG_1, 0, 0),
		     no_match);
	return cg->err;
}

const struct bf_match_ops bf_match_addrtype = {
	.name = "addrtype",
	.families = BF_BOTH_FAMILIES,
	.scope = {.check = addrtype_check},
	.size = sizeof(struct match_addrtype),
	.options = addrtype_options,
	.parse = addrtype_parse,
	.final_check = addrtype_final_check,
	.print = addrtype_print,
	.save = addrtype_save,
	.emit = addrtype_emit,
};
