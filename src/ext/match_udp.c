/* -m udp (implicit with -p udp): ports, as libxt_udp and xt_tcpudp. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/xtopt.h"
#include "ext/ports.h"

struct match_udp {
	struct bf_port_pair ports;
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

	bf_port_pair_init(&m->ports);
}

/* libudp uses libxtables' guided parser (XTTYPE_PORTRC), unlike libtcp:
 * up to two colon-separated parts, an empty part keeps 0 or 65535, one
 * part is a single port (an empty one port 0), and min > max is taken
 * as it is. */
static int parse_ports(const char *arg, const char *optname, uint16_t range[2])
{
	char *copy = strdup(arg), *rest = copy, *part;
	int n = 0, port;

	if (!copy)
		return -ENOMEM;
	range[0] = 0;
	range[1] = 0xFFFF;
	while ((part = strsep(&rest, ":"))) {
		if (n == 2) {
			free(copy);
			return bf_err(-EINVAL, "udp: Too many components for option \"--%s\" "
				      "(max: 2)\n", optname);
		}
		if (*part) {
			port = bf_xt_getportbyname(part);
			if (port < 0) {
				int err = bf_err(-EINVAL, "Port \"%s\" does not resolve to "
						 "anything.\n", part);

				free(copy);
				return err;
			}
			range[n] = (uint16_t)port;
		}
		n++;
	}
	if (n == 1)
		range[1] = range[0];
	free(copy);
	return 0;
}

static int udp_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_udp *m = data;
	const char *name = opt == O_SPORT ? "source-port" : "destination-port";
	int err;

	if (*flags & (1u << opt))
		return bf_err(-EINVAL, "udp: option \"--%s\" can only be used once.\n", name);
	err = parse_ports(arg, name, opt == O_SPORT ? m->ports.spts : m->ports.dpts);
	if (err)
		return err;
	*flags |= 1u << opt;
	if (invert)
		m->ports.invflags |= opt == O_SPORT ? BF_PORTS_INV_SRC : BF_PORTS_INV_DST;
	return 0;
}

static void udp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_udp *m = data;

	bf_port_pair_print(out, &m->ports, numeric, "udp");
}

static void udp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_udp *m = data;

	bf_port_pair_save(out, &m->ports);
}

static int udp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_udp *m = data;

	bf_emit_port_pair(cg, &m->ports, false, no_match);
	return 0;
}

static int udp_classify(const struct bf_rule *rule, const void *data,
			struct bf_class_conds *conds)
{
	const struct match_udp *m = data;

	return bf_port_pair_classify(conds, &m->ports, false);
}

const struct bf_match_ops bf_match_udp = {
	.name = "udp",
	.families = BF_BOTH_FAMILIES,
	.proto = IPPROTO_UDP,
	.size = sizeof(struct match_udp),
	.options = udp_options,
	.init = udp_init,
	.parse = udp_parse,
	.print = udp_print,
	.save = udp_save,
	.emit = udp_emit,
	.classify = udp_classify,
};
