/* -m tcp (implicit with -p tcp): ports, as libxt_tcp and xt_tcpudp. */
#include <errno.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/ports.h"

#define TCP_INV_SRCPT 0x01
#define TCP_INV_DSTPT 0x02

struct match_tcp {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t invflags;
};

enum { O_SPORT = 1, O_DPORT, O_SYN, O_FLAGS, O_OPTION };

/* All of libxt_tcp's options, so that abbreviations resolve as in
 * iptables; the flag and option tests are not compiled yet. */
static const struct option tcp_options[] = {
	{.name = "source-port", .has_arg = 1, .val = O_SPORT},
	{.name = "sport", .has_arg = 1, .val = O_SPORT},
	{.name = "destination-port", .has_arg = 1, .val = O_DPORT},
	{.name = "dport", .has_arg = 1, .val = O_DPORT},
	{.name = "syn", .has_arg = 0, .val = O_SYN},
	{.name = "tcp-flags", .has_arg = 1, .val = O_FLAGS},
	{.name = "tcp-option", .has_arg = 1, .val = O_OPTION},
	{0},
};

static void tcp_init(void *data)
{
	struct match_tcp *m = data;

	m->spts[1] = m->dpts[1] = 0xFFFF;
}

static int tcp_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_tcp *m = data;
	const char *name = opt == O_SPORT ? "source-port" : "destination-port";

	if (opt >= O_SYN)
		return bf_err(-EINVAL, "tcp: option \"--%s\" is not supported by bpfilter yet",
			      opt == O_SYN ? "syn" : opt == O_FLAGS ? "tcp-flags" : "tcp-option");
	if (*flags & (1u << opt))
		return bf_err(-EINVAL, "Only one `--%s' allowed", name);
	*flags |= 1u << opt;
	if (opt == O_SPORT) {
		if (invert)
			m->invflags |= TCP_INV_SRCPT;
		return bf_ports_parse(arg, "tcp", "tcp", name, m->spts);
	}
	if (invert)
		m->invflags |= TCP_INV_DSTPT;
	return bf_ports_parse(arg, "tcp", "tcp", name, m->dpts);
}

static void tcp_print(struct bf_strbuf *out, const void *data, bool numeric)
{
	const struct match_tcp *m = data;

	bf_strbuf_puts(out, " tcp");
	bf_ports_print(out, "spt", m->spts, m->invflags & TCP_INV_SRCPT, numeric, "tcp");
	bf_ports_print(out, "dpt", m->dpts, m->invflags & TCP_INV_DSTPT, numeric, "tcp");
}

static void tcp_save(struct bf_strbuf *out, const void *data)
{
	const struct match_tcp *m = data;

	bf_ports_save(out, "sport", m->spts, m->invflags & TCP_INV_SRCPT);
	bf_ports_save(out, "dport", m->dpts, m->invflags & TCP_INV_DSTPT);
}

static int tcp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_tcp *m = data;

	bf_emit_l4_guard(cg, true, no_match);
	bf_emit_port_range(cg, BF_PKT_SPORT, m->spts, m->invflags & TCP_INV_SRCPT, no_match);
	bf_emit_port_range(cg, BF_PKT_DPORT, m->dpts, m->invflags & TCP_INV_DSTPT, no_match);
	return 0;
}

const struct bf_match_ops bf_match_tcp = {
	.name = "tcp",
	.size = sizeof(struct match_tcp),
	.options = tcp_options,
	.init = tcp_init,
	.parse = tcp_parse,
	.print = tcp_print,
	.save = tcp_save,
	.emit = tcp_emit,
};
