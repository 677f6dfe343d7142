/* -m hashlimit's match data, shared by its front end (match_hashlimit.c)
 * and its code (hashlimit_emit.c). */
#ifndef BF_EXT_HASHLIMIT_H
#define BF_EXT_HASHLIMIT_H

#include <stdint.h>

struct bf_cgen;
struct bf_rule;

#define HL_NAME_LEN 255 /* NAME_MAX */
#define HL_SCALE 1000000ULL /* XT_HASHLIMIT_SCALE_v2: avg is in 1/10^6 s */
#define HL_BURST 5
#define HL_BURST_MAX 1000000
#define HL_GCINTERVAL 1000 /* ms */
#define HL_BYTE_EXPIRE 15 /* s, the expiry unit of a byte rate */
#define HL_BYTE_EXPIRE_BURST 60
#define HL_BYTE_SHIFT 4
#define HL_MAX_SIZE 1048576 /* the kernel caps htable-size and -max */

/* The kernel's user2credits() factor for revisions 2 and 3 at
 * BF_KERNEL_HZ: HZ * CREDITS_PER_JIFFY (2^39) / HL_SCALE, 137438953 at 250. */
#define HL_CREDITS_MULT (BF_KERNEL_HZ * (1ULL << 39) / HL_SCALE)

/* cfg.mode, as XT_HASHLIMIT_* */
#define HL_HASH_DIP 0x01
#define HL_HASH_DPT 0x02
#define HL_HASH_SIP 0x04
#define HL_HASH_SPT 0x08
#define HL_INVERT 0x10
#define HL_BYTES 0x20
#define HL_RATE_MATCH 0x40
#define HL_HASH_ANY (HL_HASH_DIP | HL_HASH_DPT | HL_HASH_SIP | HL_HASH_SPT)

/* xt_hashlimit_mtinfo3 */
struct match_hashlimit {
	char name[HL_NAME_LEN];
	struct {
		uint64_t avg;   /* period, 1/HL_SCALE s; a cost in byte mode */
		uint64_t burst;
		uint32_t mode;
		uint32_t size, max, gc_interval, expire;
		uint32_t interval;
		uint8_t srcmask, dstmask;
	} cfg;
	/* Between parse and final_check only (libxtables' udata): the unit
	 * of the rate, in seconds. Zero in a stored rule. */
	uint32_t mult;
};

/* Emits the match (hashlimit_emit.c): ext.h's emit. */
int bf_hashlimit_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		      const struct match_hashlimit *m, int no_match);

#endif
