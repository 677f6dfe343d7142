/* Helpers of the stateless extensions (icmp, multiport, length, ttl...):
 * the checks and number syntax of libxtables' guided option parser
 * (xtables_option_parse, xtables_options_fcheck, xtables_strtoul), so that
 * each extension fails with iptables' own message in iptables' order. */
#ifndef BF_EXT_STATELESS_OPT_H
#define BF_EXT_STATELESS_OPT_H

#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* Option flags, as XTOPT_MAND, XTOPT_INVERT, XTOPT_MULTI. */
#define BF_SL_MAND 0x01
#define BF_SL_INVERT 0x02
#define BF_SL_MULTI 0x04

/* What the guided parser knows of one option id (an extension's options
 * table has .val = id, aliases share an id; this array is indexed by
 * id). excl and also are masks of (1 << id). */
struct bf_sl_optinfo {
	unsigned int flags;
	unsigned int excl;
	unsigned int also;
};

/* The checks xtables_option_parse makes before an option's value is read
 * (used once, inverted), then marks it in *xflags. `ext` is the match's
 * name; messages name the first option of that id. 0 or -EINVAL. */
int bf_sl_opt_parse(const char *ext, const struct option *opts,
		    const struct bf_sl_optinfo *info, int id, bool invert,
		    unsigned int *xflags);

/* xtables_options_fcheck: mandatory options, "also requires", conflicts,
 * in the order of the options table. 0 or -EINVAL. */
int bf_sl_opt_fcheck(const char *ext, const struct option *opts,
		     const struct bf_sl_optinfo *info, unsigned int xflags);

/* The first name of option `id` in opts. */
const char *bf_sl_opt_name(const struct option *opts, int id);

/* xtables_strtoul: base 0, leading blanks, no sign; with end NULL the
 * whole string must be the number, else *end is where it stopped. */
bool bf_sl_strtoul(const char *s, char **end, uintmax_t *value, uintmax_t min,
		   uintmax_t max);

/* An integer option (XTTYPE_UINT*): "EXT: bad value for option "--NAME",
 * or out of range (MIN-MAX)." when it is not a number in [min, max]. */
int bf_sl_parse_uint(const char *ext, const char *optname, const char *arg,
		     uintmax_t min, uintmax_t max, uintmax_t *value);

/* A range option (XTTYPE_UINT*RC): up to two numbers separated by ':',
 * an empty one being 0 (first) or max (second). n is set to how many
 * parts were given (1 or 2). */
int bf_sl_parse_range(const char *ext, const char *optname, const char *arg,
		      uintmax_t max, uintmax_t range[2], unsigned int *n);

/* xtables_parse_port: a number up to 65535 or a service of `proto`. */
bool bf_sl_parse_port(const char *s, const char *proto, uint16_t *port);
/* The service name of a port for `proto`, or its number. */
void bf_sl_print_port(struct bf_strbuf *out, uint16_t port, const char *proto,
		      bool numeric);

/* xtables_numeric_to_ipaddr: dotted numbers (each as strtoul base 0),
 * missing trailing parts are zero ("10.1" is 10.1.0.0). */
bool bf_sl_ipv4_numeric(const char *s, struct in_addr *addr);

#endif
