/* -m multiport: --sports, --dports, --ports with up to 15 ports, a range
 * taking two, as libxt_multiport (revision 1) of iptables 1.8.9 and the
 * kernel's xt_multiport_v1. For tcp, udp, udplite, sctp and dccp. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"
#include "plan/classify.h"

#define MULTI_PORTS 15

enum { O_SOURCE_PORTS, O_DEST_PORTS, O_SD_PORTS };
#define F_ANY ((1u << O_SOURCE_PORTS) | (1u << O_DEST_PORTS) | (1u << O_SD_PORTS))

/* Which ports a rule looks at, as XT_MULTIPORT_*. */
enum { MP_SOURCE, MP_DESTINATION, MP_EITHER };

struct match_multiport {
	uint8_t flags; /* MP_* */
	uint8_t count; /* entries of ports[] used */
	uint16_t ports[MULTI_PORTS];
	uint8_t pflags[MULTI_PORTS]; /* 1: ports[i]:ports[i + 1] is a range */
	uint8_t invert;
};

static const struct option multiport_options[] = {
	{.name = "source-ports", .has_arg = 1, .val = O_SOURCE_PORTS},
	{.name = "sports", .has_arg = 1, .val = O_SOURCE_PORTS},
	{.name = "destination-ports", .has_arg = 1, .val = O_DEST_PORTS},
	{.name = "dports", .has_arg = 1, .val = O_DEST_PORTS},
	{.name = "ports", .has_arg = 1, .val = O_SD_PORTS},
	{0},
};

static const struct bf_sl_optinfo multiport_info[] = {
	[O_SOURCE_PORTS] = {.flags = BF_XT_INVERT, .excl = F_ANY},
	[O_DEST_PORTS] = {.flags = BF_XT_INVERT, .excl = F_ANY},
	[O_SD_PORTS] = {.flags = BF_XT_INVERT, .excl = F_ANY},
};

/* The protocols multiport works with, by the names their services have. */
static const char *proto_name(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_DCCP: return "dccp";
	default: return NULL;
	}
}

static int check_proto(const struct bf_ip *ip, const char **name)
{
	*name = proto_name(ip->proto);
	if (!(ip->invflags & BF_INV_PROTO) && *name)
		return 0;
	if (!(ip->invflags & BF_INV_PROTO) && !ip->proto)
		return bf_err(-EINVAL, "multiport needs `-p tcp', `-p udp', `-p udplite', "
			      "`-p sctp' or `-p dccp'");
	return bf_err(-EINVAL, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
}

static int parse_port(const char *s, const char *proto, uint16_t *port)
{
	if (!bf_sl_parse_port(s, proto, port))
		return bf_err(-EINVAL, "invalid port/service `%s' specified", s);
	return 0;
}

/* "port[,port|,port:port]...": a range fills two entries. */
static int parse_ports(const char *arg, const char *proto, struct match_multiport *m)
{
	char *buf = strdup(arg), *cp = buf, *next, *range;
	unsigned int i;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	memset(m->pflags, 0, sizeof(m->pflags));
	for (i = 0; cp && i < MULTI_PORTS && !err; cp = next, i++) {
		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		range = strchr(cp, ':');
		if (range) {
			if (i == MULTI_PORTS - 1) {
				err = bf_err(-EINVAL, "too many ports specified");
				break;
			}
			*range++ = '\0';
		}
		err = parse_port(cp, proto, &m->ports[i]);
		if (err || !range)
			continue;
		m->pflags[i] = 1;
		err = parse_port(range, proto, &m->ports[++i]);
		if (!err && m->ports[i - 1] >= m->ports[i])
			err = bf_err(-EINVAL, "invalid portrange specified");
	}
	m->count = (uint8_t)i;
	if (!err && cp)
		err = bf_err(-EINVAL, "too many ports specified");
	free(buf);
	return err;
}

static int multiport_parse(int opt, const char *arg, bool invert, void *data,
			   unsigned int *flags, const struct bf_ip *ip)
{
	struct match_multiport *m = data;
	const char *proto;
	int err = bf_sl_opt_parse("multiport", multiport_options, multiport_info, opt,
				  invert, flags);

	if (!err)
		err = check_proto(ip, &proto);
	if (!err)
		err = parse_ports(arg, proto, m);
	if (err)
		return err;
	m->flags = opt == O_SOURCE_PORTS ? MP_SOURCE :
		   opt == O_DEST_PORTS ? MP_DESTINATION : MP_EITHER;
	if (invert)
		m->invert = 1;
	return 0;
}

static int multiport_final_check(const void *data, unsigned int flags,
				 const struct bf_ip *ip)
{
	/* sic: iptables 1.8.9's message */
	if (!flags)
		return bf_err(-EINVAL, "multiport expection an option");
	return bf_sl_opt_fcheck("multiport", multiport_options, multiport_info, flags);
}

static void print_ports(struct bf_strbuf *out, const struct match_multiport *m,
			const char *proto, bool numeric)
{
	for (unsigned int i = 0; i < m->count; i++) {
		if (i)
			bf_strbuf_puts(out, ",");
		bf_sl_print_port(out, m->ports[i], proto, numeric);
		if (m->pflags[i] && i + 1 < m->count) {
			bf_strbuf_puts(out, ":");
			bf_sl_print_port(out, m->ports[++i], proto, numeric);
		}
	}
}

static void multiport_print(struct bf_strbuf *out, const struct bf_ip *ip,
			    const void *data, bool numeric)
{
	static const char *const words[] = {"sports ", "dports ", "ports "};
	const struct match_multiport *m = data;

	bf_strbuf_printf(out, " multiport %s", m->flags <= MP_EITHER ? words[m->flags] : "ERROR ");
	if (m->invert)
		bf_strbuf_puts(out, " !");
	print_ports(out, m, proto_name(ip->proto), numeric);
}

static void multiport_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	static const char *const opts[] = {" --sports ", " --dports ", " --ports "};
	const struct match_multiport *m = data;

	if (m->invert)
		bf_strbuf_puts(out, " !");
	if (m->flags <= MP_EITHER)
		bf_strbuf_puts(out, opts[m->flags]);
	print_ports(out, m, NULL, true);
}

/* Jumps to `hit` when the port at context offset `off` is p, or in
 * [lo, hi] (never when lo > hi). */
static void emit_entry(struct bf_cgen *cg, int off, uint16_t lo, uint16_t hi, bool range,
		       int hit)
{
	int next = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, off));
	if (!range) {
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, lo, 0), hit);
		return;
	}
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, lo, 0), next);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_1, hi, 0), hit);
	bf_label_bind(cg, next);
}

/* xt_multiport_v1: a fragment never matches (inverted or not), a header
 * whose 4 first bytes are not there hotdrops; then any entry matching
 * (source, destination, or either port), inverted as a whole. */
static int multiport_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
			  int no_match)
{
	const struct match_multiport *m = data;
	int hit = bf_label_new(cg);

	if (m->flags > MP_EITHER)
		return bf_err(-EINVAL, "multiport: bad flags %u", m->flags);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PORTS_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), cg->lbl_hotdrop);
	for (unsigned int i = 0; i < m->count && i < MULTI_PORTS; i++) {
		bool range = m->pflags[i] && i + 1 < m->count;
		uint16_t lo = m->ports[i], hi = range ? m->ports[i + 1] : lo;

		if (m->flags != MP_DESTINATION)
			emit_entry(cg, BF_PKT_SPORT, lo, hi, range, hit);
		if (m->flags != MP_SOURCE)
			emit_entry(cg, BF_PKT_DPORT, lo, hi, range, hit);
		if (range)
			i++;
	}
	/* No entry: no match, or a match when inverted. */
	if (m->invert) {
		int done = bf_label_new(cg);

		bf_emit_jump(cg, BPF_JMP_A(0), done);
		bf_label_bind(cg, hit);
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		bf_label_bind(cg, done);
	} else {
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
		bf_label_bind(cg, hit);
	}
	return 0;
}

/* Multiport reads the ports whenever their 4 bytes are there (PORTS_OK),
 * while the key holds them only with the whole TCP/UDP header (l4 class
 * OK): a short header would hotdrop or match here, and the key cannot
 * tell. So only after a tcp/udp match, once every alternative already
 * requires l4 class OK (hence offset 0 and PORTS_OK): then it is just
 * "any entry", each range as its prefix blocks. Inverted: linear. */
static int multiport_classify(const struct bf_rule *rule, const void *data,
			      struct bf_class_conds *conds)
{
	const struct match_multiport *m = data;
	uint32_t vals[BF_CLASS_ALTS_MAX], masks[BF_CLASS_ALTS_MAX];
	size_t n = 0;

	if (m->invert || m->flags > MP_EITHER)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < conds->n; i++) {
		const struct bf_class_cond *v = &conds->v[i];
		unsigned int w = bf_class_word(conds->family, BF_CF_META);

		if (!v->hotdrop && ((v->mask[w] & BF_META_L4) != BF_META_L4 ||
				    (v->val[w] & BF_META_L4) != BF_L4_OK << BF_META_L4_SHIFT))
			return -EOPNOTSUPP;
	}
	for (unsigned int i = 0; i < m->count && i < MULTI_PORTS; i++) {
		bool range = m->pflags[i] && i + 1 < m->count;
		uint32_t lo = m->ports[i], hi = range ? m->ports[i + 1] : lo;

		/* The prefix blocks of [lo, hi], for each port it looks at. */
		while (lo <= hi) {
			uint32_t size = 1;

			while (size < 0x10000 && !(lo & size) && lo + 2 * size - 1 <= hi)
				size *= 2;
			for (unsigned int s = 0; s < 2; s++) {
				unsigned int shift = s ? 0 : 16;

				if ((s ? m->flags == MP_SOURCE : m->flags == MP_DESTINATION))
					continue;
				if (n == BF_CLASS_ALTS_MAX)
					return -EOPNOTSUPP;
				vals[n] = lo << shift;
				masks[n++] = ((0x10000 - size) & 0xffff) << shift;
			}
			lo += size;
		}
		if (range)
			i++;
	}
	return bf_class_any_of(conds, BF_CF_PORTS, 0, vals, masks, n);
}

const struct bf_match_ops bf_match_multiport = {
	.name = "multiport",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_multiport),
	.options = multiport_options,
	.parse = multiport_parse,
	.final_check = multiport_final_check,
	.print = multiport_print,
	.save = multiport_save,
	.emit = multiport_emit,
	.classify = multiport_classify,
};
