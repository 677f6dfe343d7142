/* -m udp (implicit with -p udp): ports, as libxt_udp and xt_tcpudp. */
#include <errno.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/ports.h"

#define UDP_INV_SRCPT 0x01
#define UDP_INV_DSTPT 0x02

struct match_udp {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t invflags;
};

enum { O_SPORT = 1, O_DPORT };

static const struct option udp_options[] = {
	{.name = "source-port", .has_arg = 1, .val = O_SPORT},
	{.name = "sport", .has_arg = 1, .val = O_SPORT},
	{.name = "destination-port", .has_arg = 1, .val = O_DPORT},
	{.name = "dport", .has_arg = 1, .val = O_DPORT},
	{0},
};

static void udp_init(void *data)
{
	struct match_udp *m = data;

	m->spts[1] = m->dpts[1] = 0xFFFF;
}

static int udp_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_udp *m = data;
	const char *name = opt == O_SPORT ? "source-port" : "destination-port";

	if (*flags & (1u << opt))
		return bf_err(-EINVAL, "Only one `--%s' allowed", name);
	*flags |= 1u << opt;
	if (opt == O_SPORT) {
		if (invert)
			m->invflags |= UDP_INV_SRCPT;
		return bf_ports_parse(arg, "udp", "udp", name, m->spts);
	}
	if (invert)
		m->invflags |= UDP_INV_DSTPT;
	return bf_ports_parse(arg, "udp", "udp", name, m->dpts);
}

static void udp_print(struct bf_strbuf *out, const void *data, bool numeric)
{
	const struct match_udp *m = data;

	bf_strbuf_puts(out, " udp");
	bf_ports_print(out, "spt", m->spts, m->invflags & UDP_INV_SRCPT, numeric, "udp");
	bf_ports_print(out, "dpt", m->dpts, m->invflags & UDP_INV_DSTPT, numeric, "udp");
}

static void udp_save(struct bf_strbuf *out, const void *data)
{
	const struct match_udp *m = data;

	bf_ports_save(out, "sport", m->spts, m->invflags & UDP_INV_SRCPT);
	bf_ports_save(out, "dport", m->dpts, m->invflags & UDP_INV_DSTPT);
}

static int udp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_udp *m = data;

	bf_emit_l4_guard(cg, false, no_match);
	bf_emit_port_range(cg, BF_PKT_SPORT, m->spts, m->invflags & UDP_INV_SRCPT, no_match);
	bf_emit_port_range(cg, BF_PKT_DPORT, m->dpts, m->invflags & UDP_INV_DSTPT, no_match);
	return 0;
}

const struct bf_match_ops bf_match_udp = {
	.name = "udp",
	.size = sizeof(struct match_udp),
	.options = udp_options,
	.init = udp_init,
	.parse = udp_parse,
	.print = udp_print,
	.save = udp_save,
	.emit = udp_emit,
};
