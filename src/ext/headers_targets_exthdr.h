/* The hop-by-hop and destination options matches (-m hbh, -m dst) share
 * their data, syntax and printing (libip6t_hbh and libip6t_dst 1.8.9,
 * ip6t_hbh.c in the kernel); only the word "hbh" or "dst" differs. */
#ifndef BF_EXT_HEADERS_TARGETS_EXTHDR_H
#define BF_EXT_HEADERS_TARGETS_EXTHDR_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

#define BF_HT_OPTS_MAX 16 /* IP6T_OPTS_OPTSNR */

/* As struct ip6t_opts. An option is type << 8 | length, with 0xFF for
 * "any length". */
struct bf_ht_opts {
	uint32_t hdrlen;
	uint8_t flags;    /* BF_HT_OPTS_F_* */
	uint8_t invflags; /* BF_HT_OPTS_INV_LEN */
	uint8_t optsnr;
	uint16_t opts[BF_HT_OPTS_MAX];
};
#define BF_HT_OPTS_F_LEN 0x01
#define BF_HT_OPTS_F_OPTS 0x02
#define BF_HT_OPTS_INV_LEN 0x01

/* Option values of both matches: --KIND-len, --KIND-opts. */
enum { BF_HT_OPTS_O_LEN = 1, BF_HT_OPTS_O_OPTS };

/* One option of -m KIND ("hbh" or "dst"). */
int bf_ht_opts_parse(const char *kind, int opt, const char *arg, bool invert,
		     struct bf_ht_opts *m, unsigned int *flags);
void bf_ht_opts_print(struct bf_strbuf *out, const char *kind, const struct bf_ht_opts *m);
void bf_ht_opts_save(struct bf_strbuf *out, const char *kind, const struct bf_ht_opts *m);

struct bf_cgen;
/* ip6t_hbh for -m hbh and -m dst: the first header of that kind
 * (context field `slot`, BF_PKT_HDR_HBH or _DST). */
int bf_ht_opts_emit(struct bf_cgen *cg, int slot, const struct bf_ht_opts *m, int no_match);

#endif
