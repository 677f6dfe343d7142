/* -m pkttype: --pkt-type unicast|broadcast|multicast|otherhost, as
 * libxt_pkttype of iptables 1.8.9 and the kernel's xt_pkttype_info. Both
 * families. */
#include <errno.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_PKTTYPE };

struct match_pkttype {
	int32_t pkttype; /* PACKET_HOST... */
	int32_t invert;
};

/* The first name of a type is the one printed; then aliases. */
static const struct {
	const char *name;
	int32_t type;
} pkttypes[] = {
	{"unicast", 0},   /* PACKET_HOST */
	{"broadcast", 1}, /* PACKET_BROADCAST */
	{"multicast", 2}, /* PACKET_MULTICAST */
	{"otherhost", 3}, /* PACKET_OTHERHOST */
	{"bcast", 1},
	{"mcast", 2},
	{"host", 0},
};

#define N_PKTTYPES (sizeof(pkttypes) / sizeof(pkttypes[0]))

static const struct option pkttype_options[] = {
	{.name = "pkt-type", .has_arg = 1, .val = O_PKTTYPE},
	{0},
};

static const struct bf_sl_optinfo pkttype_info[] = {
	[O_PKTTYPE] = {.flags = BF_XT_MAND | BF_XT_INVERT},
};

static int pkttype_parse(int opt, const char *arg, bool invert, void *data,
			 unsigned int *flags, const struct bf_ip *ip)
{
	struct match_pkttype *m = data;
	int err = bf_sl_opt_parse("pkttype", pkttype_options, pkttype_info, opt, invert,
				  flags);

	if (err)
		return err;
	for (unsigned int i = 0; i < N_PKTTYPES; i++) {
		if (!strcasecmp(arg, pkttypes[i].name)) {
			m->pkttype = pkttypes[i].type;
			m->invert = invert;
			return 0;
		}
	}
	return bf_err(-EINVAL, "Bad packet type '%s'", arg);
}

static int pkttype_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("pkttype", pkttype_options, pkttype_info, flags);
}

static void print_type(struct bf_strbuf *out, int32_t type)
{
	for (unsigned int i = 0; i < N_PKTTYPES; i++) {
		if (pkttypes[i].type == type) {
			bf_strbuf_puts(out, pkttypes[i].name);
			return;
		}
	}
	bf_strbuf_printf(out, "%d", type);
}

static void pkttype_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			  bool numeric)
{
	const struct match_pkttype *m = data;

	bf_strbuf_puts(out, m->invert ? " PKTTYPE != " : " PKTTYPE = ");
	print_type(out, m->pkttype);
}

static void pkttype_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_pkttype *m = data;

	bf_strbuf_puts(out, m->invert ? " ! --pkt-type " : " --pkt-type ");
	print_type(out, m->pkttype);
}

/* xt_pkttype: skb->pkt_type, which the prologue takes from the Ethernet
 * destination (no loopback at XDP). Other types never match here. */
static int pkttype_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
			int no_match)
{
	const struct match_pkttype *m = data;

	bf_emit_field_eq(cg, BPF_B, BF_PKT_ETH_TYPE, 0xffffffff, (uint32_t)m->pkttype,
			 m->invert, no_match);
	return 0;
}

const struct bf_match_ops bf_match_pkttype = {
	.name = "pkttype",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_pkttype),
	.options = pkttype_options,
	.parse = pkttype_parse,
	.final_check = pkttype_final_check,
	.print = pkttype_print,
	.save = pkttype_save,
	.emit = pkttype_emit,
};
