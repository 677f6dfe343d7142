/* The conntrack match's data, shared with the state match (which
 * iptables 1.8.9 implements as an alias of conntrack revision 3). The
 * layout follows the kernel's xt_conntrack_mtinfo3. */
#ifndef BF_EXT_STATEFUL_CT_H
#define BF_EXT_STATEFUL_CT_H

#include <stdint.h>

#include "common/strbuf.h"
#include "ext/stateful_util.h"

/* match_flags / invert_flags, as XT_CONNTRACK_* */
#define BF_CT_STATE 0x0001
#define BF_CT_PROTO 0x0002
#define BF_CT_ORIGSRC 0x0004
#define BF_CT_ORIGDST 0x0008
#define BF_CT_REPLSRC 0x0010
#define BF_CT_REPLDST 0x0020
#define BF_CT_STATUS 0x0040
#define BF_CT_EXPIRES 0x0080
#define BF_CT_ORIGSRC_PORT 0x0100
#define BF_CT_ORIGDST_PORT 0x0200
#define BF_CT_REPLSRC_PORT 0x0400
#define BF_CT_REPLDST_PORT 0x0800
#define BF_CT_DIRECTION 0x1000
#define BF_CT_STATE_ALIAS 0x2000 /* -m state */
/* The options that read the conntrack's tuples. */
#define BF_CT_TUPLE_FLAGS                                                                    \
	(BF_CT_ORIGSRC | BF_CT_ORIGDST | BF_CT_REPLSRC | BF_CT_REPLDST | BF_CT_ORIGSRC_PORT |  \
	 BF_CT_ORIGDST_PORT | BF_CT_REPLSRC_PORT | BF_CT_REPLDST_PORT)

/* state_mask, as XT_CONNTRACK_STATE_* */
#define BF_CT_ST_INVALID 0x0001
#define BF_CT_ST_ESTABLISHED 0x0002
#define BF_CT_ST_RELATED 0x0004
#define BF_CT_ST_NEW 0x0008
#define BF_CT_ST_SNAT 0x0040
#define BF_CT_ST_DNAT 0x0080
#define BF_CT_ST_UNTRACKED 0x0100

/* status_mask, as IPS_* */
#define BF_CT_SS_EXPECTED 0x0001
#define BF_CT_SS_SEEN_REPLY 0x0002
#define BF_CT_SS_ASSURED 0x0004
#define BF_CT_SS_CONFIRMED 0x0008

struct bf_ct_info {
	union bf_sf_addr origsrc_addr, origsrc_mask;
	union bf_sf_addr origdst_addr, origdst_mask;
	union bf_sf_addr replsrc_addr, replsrc_mask;
	union bf_sf_addr repldst_addr, repldst_mask;
	uint32_t expires_min, expires_max;
	uint16_t l4proto;
	uint16_t origsrc_port, origdst_port, replsrc_port, repldst_port;
	uint16_t match_flags, invert_flags;
	uint16_t state_mask, status_mask;
	uint16_t origsrc_port_high, origdst_port_high;
	uint16_t replsrc_port_high, repldst_port_high;
};

/* libxt_conntrack's conntrack_dump: the -L text (prefix "") or the save
 * text (prefix "--", numeric). */
void bf_ct_dump(struct bf_strbuf *out, const struct bf_ct_info *info, const char *prefix,
		int family, bool numeric);
struct bf_cgen;
struct bf_rule;
/* The match's emit (bf_match_ops.emit) for -m conntrack and -m state. */
int bf_ct_emit(struct bf_cgen *cg, const struct bf_rule *rule, const struct bf_ct_info *info,
	       int no_match);
/* " NEW,ESTABLISHED": the states in iptables' order after one space. */
void bf_ct_dump_states(struct bf_strbuf *out, uint16_t mask);

#endif
