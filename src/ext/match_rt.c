/* -m rt (ip6tables): the IPv6 routing header, as libip6t_rt 1.8.9 and
 * ip6t_rt. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/headers_targets_opt.h"
#include "ext/xtopt.h"
#include "front/ext_services.h"

#define RT_HOPS 16 /* IP6T_RT_HOPS */

/* As struct ip6t_rt. */
struct match_rt {
	uint32_t rt_type;
	uint32_t segsleft[2];
	uint32_t hdrlen;
	uint8_t flags;    /* RT_F_* */
	uint8_t invflags; /* RT_INV_* */
	struct in6_addr addrs[RT_HOPS];
	uint8_t addrnr;
};

#define RT_F_TYPE 0x01
#define RT_F_SEGS 0x02
#define RT_F_LEN 0x04
#define RT_F_RES 0x08
#define RT_F_ADDRS 0x10
#define RT_F_NSTRICT 0x20
#define RT_INV_TYPE 0x01
#define RT_INV_SEGS 0x02
#define RT_INV_LEN 0x04

enum { O_TYPE = 1, O_SEGSLEFT, O_LEN, O_RES, O_ADDRS, O_NSTRICT };

static const struct option rt_options[] = {
	{.name = "rt-type", .has_arg = 1, .val = O_TYPE},
	{.name = "rt-segsleft", .has_arg = 1, .val = O_SEGSLEFT},
	{.name = "rt-len", .has_arg = 1, .val = O_LEN},
	{.name = "rt-0-res", .has_arg = 0, .val = O_RES},
	{.name = "rt-0-addrs", .has_arg = 1, .val = O_ADDRS},
	{.name = "rt-0-not-strict", .has_arg = 0, .val = O_NSTRICT},
	{0},
};

static void rt_init(void *data)
{
	struct match_rt *m = data;

	m->segsleft[1] = UINT32_MAX;
}

/* Numeric IPv6 addresses only, as libip6t_rt. */
static int parse_addrs(const char *arg, struct match_rt *m)
{
	char *buf = strdup(arg), *cp, *next;
	unsigned int i;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (cp = buf, i = 0; cp && i < RT_HOPS; cp = next, i++) {
		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		if (inet_pton(AF_INET6, cp, &m->addrs[i]) != 1) {
			err = bf_err(-EINVAL, "bad address: %s", cp);
			break;
		}
	}
	if (!err && cp)
		err = bf_err(-EINVAL, "too many addresses specified");
	free(buf);
	m->addrnr = (uint8_t)i;
	return err;
}

static bool type0(const struct match_rt *m, unsigned int flags)
{
	return (flags & (1u << O_TYPE)) && m->rt_type == 0 && !(m->invflags & RT_INV_TYPE);
}

static int rt_parse(int opt, const char *arg, bool invert, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	struct match_rt *m = data;
	const char *name = rt_options[opt - 1].name;
	int err = bf_xt_opt_begin("rt", name, opt, invert, opt <= O_LEN, true, flags);

	if (err)
		return err;
	switch (opt) {
	case O_TYPE:
		err = bf_xt_parse_u32("rt", name, arg, 0, UINT32_MAX, &m->rt_type);
		if (invert)
			m->invflags |= RT_INV_TYPE;
		m->flags |= RT_F_TYPE;
		return err;
	case O_SEGSLEFT:
		err = bf_ht_parse_uint_range("rt", name, arg, UINT32_MAX, m->segsleft);
		if (invert)
			m->invflags |= RT_INV_SEGS;
		m->flags |= RT_F_SEGS;
		return err;
	case O_LEN:
		err = bf_xt_parse_u32("rt", name, arg, 0, UINT32_MAX, &m->hdrlen);
		if (invert)
			m->invflags |= RT_INV_LEN;
		m->flags |= RT_F_LEN;
		return err;
	case O_RES:
		if (!type0(m, *flags))
			return bf_err(-EINVAL, "`--rt-type 0' required before `--rt-0-res'");
		m->flags |= RT_F_RES;
		return 0;
	case O_ADDRS:
		if (!type0(m, *flags))
			return bf_err(-EINVAL, "`--rt-type 0' required before `--rt-0-addrs'");
		err = parse_addrs(arg, m);
		m->flags |= RT_F_ADDRS;
		return err;
	default:
		if (!(*flags & (1u << O_ADDRS)))
			return bf_err(-EINVAL, "`--rt-0-addr ...' required before `--rt-0-not-strict'");
		m->flags |= RT_F_NSTRICT;
		return 0;
	}
}

static void print_addrs(struct bf_strbuf *out, const struct match_rt *m)
{
	char buf[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < m->addrnr; i++)
		bf_strbuf_printf(out, "%c%s", i ? ',' : ' ',
				 inet_ntop(AF_INET6, &m->addrs[i], buf, sizeof(buf)));
}

/* The type prints signed in -L (" type:-1"), unsigned in save. */
static void rt_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		     bool numeric)
{
	const struct match_rt *m = data;
	const char *inv = m->invflags & RT_INV_SEGS ? "!" : "";

	bf_strbuf_puts(out, " rt");
	if (m->flags & RT_F_TYPE)
		bf_strbuf_printf(out, " type:%s%d", m->invflags & RT_INV_TYPE ? "!" : "",
				 (int)m->rt_type);
	if (m->segsleft[0] != 0 || m->segsleft[1] != UINT32_MAX || *inv) {
		if (m->segsleft[0] == m->segsleft[1])
			bf_strbuf_printf(out, " segsleft:%s%u", inv, m->segsleft[0]);
		else
			bf_strbuf_printf(out, " segslefts:%s%u:%u", inv, m->segsleft[0],
					 m->segsleft[1]);
	}
	if (m->flags & RT_F_LEN)
		bf_strbuf_printf(out, " length:%s%u", m->invflags & RT_INV_LEN ? "!" : "",
				 m->hdrlen);
	if (m->flags & RT_F_RES)
		bf_strbuf_puts(out, " reserved");
	if (m->flags & RT_F_ADDRS)
		bf_strbuf_puts(out, " 0-addrs");
	print_addrs(out, m);
	if (m->flags & RT_F_NSTRICT)
		bf_strbuf_puts(out, " 0-not-strict");
}

/* As 1.8.9: the full segsleft range is not saved, even inverted or given
 * (but it is in bpfilter's own state, which must read back the same). */
static void rt_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_rt *m = data;
	bool all = m->segsleft[0] == 0 && m->segsleft[1] == UINT32_MAX;

	if (m->flags & RT_F_TYPE)
		bf_strbuf_printf(out, "%s --rt-type %u", m->invflags & RT_INV_TYPE ? " !" : "",
				 m->rt_type);
	if (!all || (bf_ext_save_lossless() && (m->flags & RT_F_SEGS))) {
		bf_strbuf_printf(out, "%s --rt-segsleft ", m->invflags & RT_INV_SEGS ? " !" : "");
		if (m->segsleft[0] != m->segsleft[1])
			bf_strbuf_printf(out, "%u:%u", m->segsleft[0], m->segsleft[1]);
		else
			bf_strbuf_printf(out, "%u", m->segsleft[0]);
	}
	if (m->flags & RT_F_LEN)
		bf_strbuf_printf(out, "%s --rt-len %u", m->invflags & RT_INV_LEN ? " !" : "",
				 m->hdrlen);
	if (m->flags & RT_F_RES)
		bf_strbuf_puts(out, " --rt-0-res");
	if (m->flags & RT_F_ADDRS)
		bf_strbuf_puts(out, " --rt-0-addrs");
	print_addrs(out, m);
	if (m->flags & RT_F_NSTRICT)
		bf_strbuf_puts(out, " --rt-0-not-strict");
}

/* ip6t_rt: the first routing header ipv6_find_hdr finds (its 4 first
 * bytes or hotdrop); one longer than what is left of the datagram
 * hotdrops too (kernel 6.18.44 on, "mark malformed IPv6 extension
 * headers for hotdrop"); then
 * segments left in range (always tested), length in bytes, type, the
 * type 0 reserved word, and the type 0 address list in strict mode (the
 * header holds exactly these addresses, in order). The not-strict mode
 * (a subsequence of up to 127 addresses) is refused. */
static int rt_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	const struct match_rt *m = data;

	if ((m->flags & RT_F_ADDRS) && (m->flags & RT_F_NSTRICT))
		return bf_err(-EOPNOTSUPP, "rt: --rt-0-not-strict cannot be compiled yet");
	bf_emit_exthdr(cg, BF_PKT_HDR_RT, 4, no_match);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_4, BPF_REG_5));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_4, 3));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_3));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, BPF_REG_0, BPF_REG_4, 0), cg->lbl_hotdrop);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 3));
	bf_emit_reg_range(cg, BPF_REG_1, BPF_W, m->segsleft[0], m->segsleft[1],
			  m->invflags & RT_INV_SEGS, no_match);
	if (m->flags & RT_F_LEN)
		bf_emit_reg_range(cg, BPF_REG_4, BPF_W, m->hdrlen, m->hdrlen,
				  m->invflags & RT_INV_LEN, no_match);
	if (m->flags & RT_F_TYPE) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 2));
		bf_emit_reg_range(cg, BPF_REG_1, BPF_W, m->rt_type, m->rt_type,
				  m->invflags & RT_INV_TYPE, no_match);
	}
	/* The header is whole (at least 8 bytes) within the datagram. */
	if (m->flags & (RT_F_RES | RT_F_ADDRS))
		bf_emit_pkt_bytes(cg, BPF_REG_3, 8, BPF_REG_2, no_match);
	if (m->flags & RT_F_RES) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, 4));
		bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	}
	if (!(m->flags & RT_F_ADDRS))
		return 0;
	/* (hdrlen - 8) / 16 addresses: hdrlen field / 2. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_5, m->addrnr, 0), no_match);
	if (m->addrnr)
		bf_emit_pkt_bytes(cg, BPF_REG_3, 8 + 16 * m->addrnr, BPF_REG_2, no_match);
	for (unsigned int i = 0; i < m->addrnr && i < RT_HOPS; i++) {
		for (int w = 0; w < 4; w++) {
			uint32_t x;

			memcpy(&x, &m->addrs[i].s6_addr[4 * w], 4);
			bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, 8 + 16 * i + 4 * w));
			bf_emit_jump(cg, BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, (int32_t)x, 0), no_match);
		}
	}
	return 0;
}

const struct bf_match_ops bf_match_rt = {
	.name = "rt",
	.families = BF_IPV6_ONLY,
	.size = sizeof(struct match_rt),
	.options = rt_options,
	.init = rt_init,
	.parse = rt_parse,
	.print = rt_print,
	.save = rt_save,
	.emit = rt_emit,
};
