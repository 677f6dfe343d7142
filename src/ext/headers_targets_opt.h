/* What the header matches (esp, ah, frag, rt) share beyond libxtables'
 * generic option handling (ext/xtopt.h): their id and length ranges. */
#ifndef BF_EXT_HEADERS_TARGETS_OPT_H
#define BF_EXT_HEADERS_TARGETS_OPT_H

#include <stdint.h>

/* XTTYPE_UINT32RC as these matches take it: bf_xt_parse_range32, and a
 * single number is the range N:N (their kernel data always holds both
 * ends). No min <= max check (iptables has none for these types). */
int bf_ht_parse_uint_range(const char *ext, const char *opt, const char *arg, uint32_t max,
			   uint32_t range[2]);

#endif
