/* Helpers of the stateless extensions (icmp, multiport, length, ttl...):
 * their way of describing options to libxtables' checks (ext/xtopt.h),
 * and ports by number or service. */
#ifndef BF_EXT_STATELESS_OPT_H
#define BF_EXT_STATELESS_OPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* What the guided parser knows of one option id (an extension's options
 * table has .val = id, aliases share an id; this array is indexed by
 * id). excl and also are masks of (1 << id). The stateless extensions
 * describe their options this way, next to their getopt table, rather
 * than as a struct bf_xt_opt table; these adapters run xtopt's checks on
 * it. */
struct bf_sl_optinfo {
	unsigned int flags; /* BF_XT_* */
	unsigned int excl;
	unsigned int also;
};

/* bf_xt_opt_begin for option `id`; messages name the first option of
 * that id. 0 or -EINVAL. */
int bf_sl_opt_parse(const char *ext, const struct option *opts,
		    const struct bf_sl_optinfo *info, int id, bool invert,
		    unsigned int *xflags);

/* bf_xt_opt_fcheck, in the order of the options table. 0 or -EINVAL. */
int bf_sl_opt_fcheck(const char *ext, const struct option *opts,
		     const struct bf_sl_optinfo *info, unsigned int xflags);

/* The first name of option `id` in opts. */
const char *bf_sl_opt_name(const struct option *opts, int id);

/* xtables_parse_port: a number up to 65535 or a service of `proto`. */
bool bf_sl_parse_port(const char *s, const char *proto, uint16_t *port);
/* The service name of a port for `proto`, or its number. */
void bf_sl_print_port(struct bf_strbuf *out, uint16_t port, const char *proto,
		      bool numeric);

#endif
