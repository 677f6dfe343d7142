/* libxtables' guided option handling (xtoptions.c, iptables 1.8.9) and
 * its number syntax, shared by every extension so that each fails with
 * iptables' own message in iptables' order: the per-option checks
 * (xtables_option_parse), the final ones (xtables_options_fcheck),
 * xtables_strtoul and the integer and integer-range types. */
#ifndef BF_EXT_XTOPT_H
#define BF_EXT_XTOPT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* One option, as libxtables' xt_option_entry describes it for the
 * generic checks. `id` is the option's bit number in the flags word the
 * parser keeps per match (its `*flags`). Aliases share an id; messages
 * name the first entry of an id. */
struct bf_xt_opt {
	const char *name; /* without "--"; NULL ends a table */
	unsigned int id;
	unsigned int flags; /* BF_XT_* */
	unsigned int excl;  /* 1 << id of the options it excludes */
	unsigned int also;  /* 1 << id of the options it needs */
};
#define BF_XT_INVERT 0x1 /* takes `!` (XTOPT_INVERT) */
#define BF_XT_MAND 0x2   /* must be given (XTOPT_MAND) */
#define BF_XT_MULTI 0x4  /* may be given more than once (XTOPT_MULTI) */

/* The checks xtables_option_parse makes before an option's value is read:
 * "can only be used once" (when `once` and already in *flags), then
 * "cannot be inverted". Marks bit `id` in *flags. 0 or -EINVAL. */
int bf_xt_opt_begin(const char *ext, const char *opt, unsigned int id, bool invert,
		    bool can_invert, bool once, unsigned int *flags);
/* bf_xt_opt_begin for option `id` of a table (an option excluding itself
 * is used once even with BF_XT_MULTI, as in libxtables). */
int bf_xt_opt_parse(const char *ext, const struct bf_xt_opt *table, unsigned int id,
		    bool invert, unsigned int *flags);
/* xtables_options_fcheck: "must be specified", "also requires",
 * "cannot be used together with", in the table's order. 0 or -EINVAL. */
int bf_xt_opt_fcheck(const char *ext, const struct bf_xt_opt *table, unsigned int flags);

/* xtables_strtoul: base 0, leading blanks, no sign, in min..max. With end
 * NULL the whole string must be the number, else *end is where it stopped
 * (set once a number was read, even out of range). value may be NULL. */
bool bf_xt_strtoul(const char *s, char **end, uintmax_t *value, uintmax_t min,
		   uintmax_t max);
/* xtables_strtoui: the same into an unsigned int. */
bool bf_xt_strtoui(const char *s, char **end, unsigned int *value, unsigned int min,
		   unsigned int max);

/* An integer option (XTTYPE_UINT*): "EXT: bad value for option "--NAME",
 * or out of range (MIN-MAX)." when it is not a number in [min, max]. */
int bf_xt_parse_uint(const char *ext, const char *opt, const char *arg, uintmax_t min,
		     uintmax_t max, uintmax_t *value);
int bf_xt_parse_u32(const char *ext, const char *opt, const char *arg, uint32_t min,
		    uint32_t max, uint32_t *value);

/* A range option (XTTYPE_UINT*RC, xtopt_parse_mint): up to two numbers
 * in 0..max separated by ':', an empty one being 0 (first) or max
 * (second); *n is how many parts were given (1 or 2), range[1] is left
 * alone with one. No lo <= hi check (libxtables has none). */
int bf_xt_parse_range(const char *ext, const char *opt, const char *arg, uintmax_t max,
		      uintmax_t range[2], unsigned int *n);
int bf_xt_parse_range32(const char *ext, const char *opt, const char *arg, uint32_t max,
			uint32_t range[2], unsigned int *n);

/* xtables_numeric_to_ipaddr (is_mask false) and xtables_numeric_to_ipmask
 * (true): dotted numbers, each as bf_xt_strtoul, of which only the first
 * 19 characters count. An address may leave out trailing parts ("10.1"
 * is 10.1.0.0), a mask may not. */
bool bf_xt_ipv4_numeric(const char *s, bool is_mask, struct in_addr *addr);

/* xtables_getportbyname: getaddrinfo(NULL, name, NULL): a decimal number
 * (cut to 16 bits, as glibc does: 70000 is 4464) or any protocol's
 * service name. -1 when it resolves to nothing. */
int bf_xt_getportbyname(const char *name);

#endif
