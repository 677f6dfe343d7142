/* The part of libxtables' option machinery (xtoptions.c, 1.8.9) that the
 * header matches (sctp, esp, ah, frag, hbh/dst, rt, ipv6header, mh) and
 * the REJECT and LOG targets share: the checks every guided option gets,
 * the number and range types, and quoting for iptables-save. Messages
 * are libxtables' own, with the extension's name in front as it prints
 * them. */
#ifndef BF_EXT_HEADERS_TARGETS_OPT_H
#define BF_EXT_HEADERS_TARGETS_OPT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* xtables_option_parse's checks for option `id` (a bit in *flags): used
 * once only, `!` only where allowed. Marks the option as seen. 0 or
 * -EINVAL. */
int bf_ht_opt_begin(const char *ext, const char *opt, unsigned int id, bool invert,
		    bool can_invert, unsigned int *flags);

/* xtables_strtoui: the whole word is a number (base 0, leading blanks,
 * no sign) in 0..max. */
bool bf_ht_strtoui(const char *s, uint32_t max, uint32_t *val);

/* XTTYPE_UINT8/16/32: the whole word is a number (base 0, leading blanks,
 * no sign) in 0..max. */
int bf_ht_parse_uint(const char *ext, const char *opt, const char *arg, uint32_t max,
		     uint32_t *val);

/* XTTYPE_UINT32RC and friends: "N", "N:M", ":M", "N:", ":" or "" in
 * 0..max; an empty first part is 0, an empty second part max. A single
 * number gives range[1] = range[0]. No min <= max check (iptables has
 * none for these types). */
int bf_ht_parse_uint_range(const char *ext, const char *opt, const char *arg, uint32_t max,
			   uint32_t range[2]);

/* xtables_save_string: " word" when it is only [_-0-9A-Za-z], else
 * " \"...\"" with \, " and ' escaped. */
void bf_ht_save_string(struct bf_strbuf *out, const char *s);

#endif
