/* -m recent's match data, shared by its front end (match_recent.c) and
 * its code (recent_emit.c). */
#ifndef BF_EXT_RECENT_H
#define BF_EXT_RECENT_H

#include <stdint.h>

#include "ext/stateful_util.h"

struct bf_cgen;
struct bf_rule;

#define RECENT_NAME_LEN 200 /* XT_RECENT_NAME_LEN */
#define RECENT_MAX_NSTAMPS (1u << 16) /* the kernel's largest hit count + 1 */

/* check_set, as XT_RECENT_* */
#define RECENT_CHECK 0x01
#define RECENT_SET 0x02
#define RECENT_UPDATE 0x04
#define RECENT_REMOVE 0x08
#define RECENT_TTL 0x10
#define RECENT_REAP 0x20

#define RECENT_SOURCE 0
#define RECENT_DEST 1

struct match_recent {
	uint32_t seconds;
	uint32_t hit_count;
	uint8_t check_set;
	uint8_t invert;
	char name[RECENT_NAME_LEN];
	uint8_t side;
	union bf_sf_addr mask;
};

/* recent_mt_check's nstamp_mask for the rule (ip_pkt_list_tot 0). */
uint32_t bf_recent_stamp_mask(const struct match_recent *m);

/* Emits the match (recent_emit.c): ext.h's emit. */
int bf_recent_emit(struct bf_cgen *cg, const struct bf_rule *rule, const struct match_recent *m,
		   int no_match);

#endif
