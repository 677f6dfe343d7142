/* -m tcp (implicit with -p tcp): ports, as libxt_tcp and xt_tcpudp. */
#include <errno.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/ports.h"

struct match_tcp {
	struct bf_port_pair ports;
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

	bf_port_pair_init(&m->ports);
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
			m->ports.invflags |= BF_PORTS_INV_SRC;
		return bf_ports_parse(arg, "tcp", "tcp", name, m->ports.spts);
	}
	if (invert)
		m->ports.invflags |= BF_PORTS_INV_DST;
	return bf_ports_parse(arg, "tcp", "tcp", name, m->ports.dpts);
}

static void tcp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_tcp *m = data;

	bf_port_pair_print(out, &m->ports, numeric, "tcp");
}

static void tcp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_tcp *m = data;

	bf_port_pair_save(out, &m->ports);
}

static int tcp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_tcp *m = data;

	bf_emit_port_pair(cg, &m->ports, true, no_match);
	return 0;
}

const struct bf_match_ops bf_match_tcp = {
	.name = "tcp",
	.families = BF_BOTH_FAMILIES,
	.proto = IPPROTO_TCP,
	.size = sizeof(struct match_tcp),
	.options = tcp_options,
	.init = tcp_init,
	.parse = tcp_parse,
	.print = tcp_print,
	.save = tcp_save,
	.emit = tcp_emit,
};
