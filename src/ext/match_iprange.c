/* -m iprange: --src-range / --dst-range FROM[-TO], as libxt_iprange
 * (revision 1) of iptables 1.8.9 and the kernel's xt_iprange_mtinfo. Both
 * families; addresses are numeric only (no host names, no masks). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_SRC_RANGE, O_DST_RANGE };

/* As IPRANGE_*. */
#define IPRANGE_SRC 0x01
#define IPRANGE_DST 0x02
#define IPRANGE_SRC_INV 0x10
#define IPRANGE_DST_INV 0x20

/* An IPv4 address takes the first 4 bytes, the rest stays zero (as in
 * the kernel's union nf_inet_addr), so that ranges compare by memcmp. */
struct match_iprange {
	struct in6_addr src[2], dst[2]; /* min, max */
	uint8_t flags;
};

static const struct option iprange_options[] = {
	{.name = "src-range", .has_arg = 1, .val = O_SRC_RANGE},
	{.name = "dst-range", .has_arg = 1, .val = O_DST_RANGE},
	{0},
};

static const struct bf_sl_optinfo iprange_info[] = {
	[O_SRC_RANGE] = {.flags = BF_XT_INVERT},
	[O_DST_RANGE] = {.flags = BF_XT_INVERT},
};

static int parse_addr(const char *s, uint8_t family, const char *optname,
		      struct in6_addr *addr)
{
	bool ok;

	memset(addr, 0, sizeof(*addr));
	if (family == BF_FAMILY_IPV6)
		ok = inet_pton(AF_INET6, s, addr) == 1;
	else
		ok = bf_xt_ipv4_numeric(s, false, (struct in_addr *)addr);
	if (!ok)
		return bf_err(-EINVAL, "iprange: Bad value for \"%s\" option: \"%s\"", optname, s);
	return 0;
}

/* "A-B" splits at the first '-'; "A" alone is A-A. */
static int parse_range(const char *arg, uint8_t family, const char *optname,
		       struct in6_addr range[2])
{
	char *buf = strdup(arg), *dash;
	int err;

	if (!buf)
		return -ENOMEM;
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	err = parse_addr(buf, family, optname, &range[0]);
	if (!err)
		err = parse_addr(dash ? dash + 1 : buf, family, optname, &range[1]);
	if (!err && dash && memcmp(&range[0], &range[1], sizeof(range[0])) > 0)
		bf_log(BF_LOG_WARN, "xt_iprange: range %s-%s is reversed and will never match",
		       buf, dash + 1);
	free(buf);
	return err;
}

static int iprange_parse(int opt, const char *arg, bool invert, void *data,
			 unsigned int *flags, const struct bf_ip *ip)
{
	struct match_iprange *m = data;
	bool src = opt == O_SRC_RANGE;
	int err = bf_sl_opt_parse("iprange", iprange_options, iprange_info, opt, invert, flags);

	if (!err)
		err = parse_range(arg, ip->family, src ? "--src-range" : "--dst-range",
				  src ? m->src : m->dst);
	if (err)
		return err;
	m->flags |= src ? IPRANGE_SRC : IPRANGE_DST;
	if (invert)
		m->flags |= src ? IPRANGE_SRC_INV : IPRANGE_DST_INV;
	return 0;
}

static int iprange_final_check(const void *data, unsigned int flags,
			       const struct bf_ip *ip)
{
	if (!flags)
		return bf_err(-EINVAL, "iprange match: You must specify `--src-range' or "
			      "`--dst-range'");
	return 0;
}

static const char *addr_str(const struct in6_addr *a, uint8_t family,
			    char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(family == BF_FAMILY_IPV6 ? AF_INET6 : AF_INET, a, buf,
			 INET6_ADDRSTRLEN);
}

static void print_range(struct bf_strbuf *out, const char *prefix, bool invert,
			const struct in6_addr range[2], uint8_t family)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	bf_strbuf_printf(out, "%s%s %s-%s", prefix, invert ? " !" : "",
			 addr_str(&range[0], family, a), addr_str(&range[1], family, b));
}

static void iprange_print(struct bf_strbuf *out, const struct bf_ip *ip,
			  const void *data, bool numeric)
{
	const struct match_iprange *m = data;

	if (m->flags & IPRANGE_SRC)
		print_range(out, " source IP range", m->flags & IPRANGE_SRC_INV,
			    m->src, ip->family);
	if (m->flags & IPRANGE_DST)
		print_range(out, " destination IP range", m->flags & IPRANGE_DST_INV,
			    m->dst, ip->family);
}

static void iprange_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_iprange *m = data;

	if (m->flags & IPRANGE_SRC) {
		if (m->flags & IPRANGE_SRC_INV)
			bf_strbuf_puts(out, " !");
		print_range(out, " --src-range", false, m->src, ip->family);
	}
	if (m->flags & IPRANGE_DST) {
		if (m->flags & IPRANGE_DST_INV)
			bf_strbuf_puts(out, " !");
		print_range(out, " --dst-range", false, m->dst, ip->family);
	}
}

/* xt_iprange (IPv4): each address given is tested in host order. */
static void emit_range(struct bf_cgen *cg, int off, const struct in6_addr range[2],
		       bool invert, int no_match)
{
	uint32_t lo, hi;

	memcpy(&lo, &range[0], sizeof(lo));
	memcpy(&hi, &range[1], sizeof(hi));
	bf_emit_field_range(cg, BPF_W, off, ntohl(lo), ntohl(hi), invert, no_match);
}

/* iprange_ipv6_lt(): addresses compare as four host-order words,
 * most significant first. Jumps to `yes` when the address at context
 * offset off is below (gt: above) `bound`, falls through otherwise. */
static void emit_cmp6(struct bf_cgen *cg, int off, const struct in6_addr *bound, bool gt, int yes)
{
	int no = bf_label_new(cg);

	for (int w = 0; w < 4; w++) {
		uint32_t x;

		memcpy(&x, &bound->s6_addr[4 * w], 4);
		x = ntohl(x);
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, off + 4 * w));
		bf_emit_jump(cg, BPF_JMP32_IMM(gt ? BPF_JGT : BPF_JLT, BPF_REG_1, (int32_t)x, 0), yes);
		bf_emit_jump(cg, BPF_JMP32_IMM(gt ? BPF_JLT : BPF_JGT, BPF_REG_1, (int32_t)x, 0), no);
	}
	bf_label_bind(cg, no);
}

/* iprange_mt6: outside when below the minimum or above the maximum. */
static void emit_range6(struct bf_cgen *cg, int off, const struct in6_addr range[2],
			bool invert, int no_match)
{
	int outside = invert ? bf_label_new(cg) : no_match;

	emit_cmp6(cg, off, &range[0], false, outside);
	emit_cmp6(cg, off, &range[1], true, outside);
	if (invert) {
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		bf_label_bind(cg, outside);
	}
}

static int iprange_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
			int no_match)
{
	const struct match_iprange *m = data;

	if (rule->ip.family == BF_FAMILY_IPV6) {
		if (m->flags & IPRANGE_SRC)
			emit_range6(cg, BF_PKT_SADDR6, m->src, m->flags & IPRANGE_SRC_INV, no_match);
		if (m->flags & IPRANGE_DST)
			emit_range6(cg, BF_PKT_DADDR6, m->dst, m->flags & IPRANGE_DST_INV, no_match);
		return 0;
	}
	if (m->flags & IPRANGE_SRC)
		emit_range(cg, BF_PKT_SADDR, m->src, m->flags & IPRANGE_SRC_INV, no_match);
	if (m->flags & IPRANGE_DST)
		emit_range(cg, BF_PKT_DADDR, m->dst, m->flags & IPRANGE_DST_INV, no_match);
	return 0;
}

const struct bf_match_ops bf_match_iprange = {
	.name = "iprange",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_iprange),
	.options = iprange_options,
	.parse = iprange_parse,
	.final_check = iprange_final_check,
	.print = iprange_print,
	.save = iprange_save,
	.emit = iprange_emit,
};
