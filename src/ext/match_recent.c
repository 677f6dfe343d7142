/* -m recent: lists of recently seen addresses, as libxt_recent revision 1
 * and xt_recent; compiled by recent_emit.c. */
#include <errno.h>
#include <string.h>

#include "cgen/named.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/recent.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

enum {
	O_SET, O_RCHECK, O_UPDATE, O_REMOVE, O_SECONDS, O_REAP, O_HITCOUNT, O_RTTL,
	O_NAME, O_RSOURCE, O_RDEST, O_MASK,
};
#define F_ANY_OP ((1u << O_SET) | (1u << O_RCHECK) | (1u << O_UPDATE) | (1u << O_REMOVE))

static const struct bf_xt_opt recent_opts[] = {
	{.name = "set", .id = O_SET, .flags = BF_XT_INVERT, .excl = F_ANY_OP},
	{.name = "rcheck", .id = O_RCHECK, .flags = BF_XT_INVERT, .excl = F_ANY_OP},
	{.name = "update", .id = O_UPDATE, .flags = BF_XT_INVERT, .excl = F_ANY_OP},
	{.name = "remove", .id = O_REMOVE, .flags = BF_XT_INVERT, .excl = F_ANY_OP},
	{.name = "seconds", .id = O_SECONDS},
	{.name = "reap", .id = O_REAP, .also = 1u << O_SECONDS},
	{.name = "hitcount", .id = O_HITCOUNT},
	{.name = "rttl", .id = O_RTTL, .excl = (1u << O_SET) | (1u << O_REMOVE)},
	{.name = "name", .id = O_NAME},
	{.name = "rsource", .id = O_RSOURCE},
	{.name = "rdest", .id = O_RDEST},
	{.name = "mask", .id = O_MASK},
	{0},
};

static const struct option recent_options[] = {
	{.name = "set", .has_arg = 0, .val = O_SET},
	{.name = "rcheck", .has_arg = 0, .val = O_RCHECK},
	{.name = "update", .has_arg = 0, .val = O_UPDATE},
	{.name = "remove", .has_arg = 0, .val = O_REMOVE},
	{.name = "seconds", .has_arg = 1, .val = O_SECONDS},
	{.name = "reap", .has_arg = 0, .val = O_REAP},
	{.name = "hitcount", .has_arg = 1, .val = O_HITCOUNT},
	{.name = "rttl", .has_arg = 0, .val = O_RTTL},
	{.name = "name", .has_arg = 1, .val = O_NAME},
	{.name = "rsource", .has_arg = 0, .val = O_RSOURCE},
	{.name = "rdest", .has_arg = 0, .val = O_RDEST},
	{.name = "mask", .has_arg = 1, .val = O_MASK},
	{0},
};

static void recent_init(void *data)
{
	struct match_recent *m = data;

	strcpy(m->name, "DEFAULT");
	m->side = RECENT_SOURCE;
	memset(&m->mask, 0xff, sizeof(m->mask));
}

static int recent_parse(int opt, const char *arg, bool invert, void *data,
			unsigned int *flags, const struct bf_ip *ip)
{
	static const uint8_t ops[] = {
		[O_SET] = RECENT_SET, [O_RCHECK] = RECENT_CHECK,
		[O_UPDATE] = RECENT_UPDATE, [O_REMOVE] = RECENT_REMOVE,
	};
	struct match_recent *m = data;
	int err = bf_xt_opt_parse("recent", recent_opts, (unsigned int)opt, invert, flags);

	if (err)
		return err;
	switch (opt) {
	case O_SET:
	case O_RCHECK:
	case O_UPDATE:
	case O_REMOVE:
		m->check_set |= ops[opt];
		if (invert)
			m->invert = 1;
		return 0;
	case O_SECONDS:
		return bf_xt_parse_u32("recent", "seconds", arg, 1, UINT32_MAX, &m->seconds);
	case O_REAP:
		m->check_set |= RECENT_REAP;
		return 0;
	case O_HITCOUNT:
		return bf_xt_parse_u32("recent", "hitcount", arg, 0, UINT32_MAX, &m->hit_count);
	case O_RTTL:
		m->check_set |= RECENT_TTL;
		return 0;
	case O_NAME:
		/* Kept as far as it fits, as XTOPT_PUT does. */
		memset(m->name, 0, sizeof(m->name));
		strncpy(m->name, arg, sizeof(m->name) - 1);
		return 0;
	case O_RSOURCE:
		m->side = RECENT_SOURCE;
		return 0;
	case O_RDEST:
		m->side = RECENT_DEST;
		return 0;
	case O_MASK:
		return bf_sf_parse_host("recent", "mask", arg, ip->family, &m->mask);
	}
	return 0;
}

/* What xt_recent's checkentry refuses (EINVAL), reported by iptables
 * when the table is committed. */
static bool recent_kernel_ok(const struct match_recent *m)
{
	if ((m->check_set & (RECENT_SET | RECENT_REMOVE)) &&
	    (m->seconds || m->hit_count || (m->check_set & (RECENT_TTL | RECENT_REAP))))
		return false;
	if ((m->check_set & RECENT_REAP) && !m->seconds)
		return false;
	if (m->hit_count >= RECENT_MAX_NSTAMPS)
		return false;
	/* xt_check_proc_name: the list is a file under /proc. */
	return m->name[0] && strcmp(m->name, ".") && strcmp(m->name, "..") &&
	       !strchr(m->name, '/');
}

static int recent_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	int err;

	if (!(flags & F_ANY_OP))
		return bf_err(-EINVAL, "recent: you must specify one of `--set', `--rcheck' "
			      "`--update' or `--remove'");
	err = bf_xt_opt_fcheck("recent", recent_opts, flags);
	if (!err && !recent_kernel_ok(data))
		err = bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	return err;
}

static void recent_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			 bool numeric)
{
	const struct match_recent *m = data;
	char buf[BF_SF_ADDRSTRLEN];

	bf_strbuf_puts(out, m->invert ? " ! recent:" : " recent:");
	if (m->check_set & RECENT_SET)
		bf_strbuf_puts(out, " SET");
	if (m->check_set & RECENT_CHECK)
		bf_strbuf_puts(out, " CHECK");
	if (m->check_set & RECENT_UPDATE)
		bf_strbuf_puts(out, " UPDATE");
	if (m->check_set & RECENT_REMOVE)
		bf_strbuf_puts(out, " REMOVE");
	/* %d, as iptables prints them. */
	if (m->seconds)
		bf_strbuf_printf(out, " seconds: %d", (int)m->seconds);
	if (m->check_set & RECENT_REAP)
		bf_strbuf_puts(out, " reap");
	if (m->hit_count)
		bf_strbuf_printf(out, " hit_count: %d", (int)m->hit_count);
	if (m->check_set & RECENT_TTL)
		bf_strbuf_puts(out, " TTL-Match");
	bf_strbuf_printf(out, " name: %.*s", RECENT_NAME_LEN, m->name);
	bf_strbuf_puts(out, m->side == RECENT_DEST ? " side: dest" : " side: source");
	bf_strbuf_printf(out, " mask: %s", bf_sf_addr_numeric(ip->family, &m->mask, buf));
}

/* In bpfilter's state text, numbers are unsigned (iptables prints them
 * with %d), the name is quoted when needed and --mask is left out when
 * none was given (an IPv4 mask sets one word of the four, no mask all). */
static void recent_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_recent *m = data;
	const char *num = bf_sf_lossless() ? "%u" : "%d";
	char buf[BF_SF_ADDRSTRLEN];

	if (m->invert)
		bf_strbuf_puts(out, " !");
	if (m->check_set & RECENT_SET)
		bf_strbuf_puts(out, " --set");
	if (m->check_set & RECENT_CHECK)
		bf_strbuf_puts(out, " --rcheck");
	if (m->check_set & RECENT_UPDATE)
		bf_strbuf_puts(out, " --update");
	if (m->check_set & RECENT_REMOVE)
		bf_strbuf_puts(out, " --remove");
	if (m->seconds) {
		bf_strbuf_puts(out, " --seconds ");
		bf_strbuf_printf(out, num, m->seconds);
	}
	if (m->check_set & RECENT_REAP)
		bf_strbuf_puts(out, " --reap");
	if (m->hit_count) {
		bf_strbuf_puts(out, " --hitcount ");
		bf_strbuf_printf(out, num, m->hit_count);
	}
	if (m->check_set & RECENT_TTL)
		bf_strbuf_puts(out, " --rttl");
	bf_strbuf_puts(out, " --name");
	bf_sf_save_word(out, m->name, RECENT_NAME_LEN);
	if (!bf_sf_lossless() || !bf_sf_mask_unset(&m->mask))
		bf_strbuf_printf(out, " --mask %s",
				 bf_sf_addr_numeric(ip->family, &m->mask, buf));
	bf_strbuf_puts(out, m->side == RECENT_DEST ? " --rdest" : " --rsource");
}

static int recent_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		       int no_match)
{
	return bf_recent_emit(cg, rule, data, no_match);
}

static bool recent_named(const void *data, enum bf_family family, struct bf_named_ref *ref)
{
	const struct match_recent *m = data;

	*ref = (struct bf_named_ref){
		.map = BF_MAP_RECENT,
		.id = bf_named_id(BF_MAP_RECENT, m->name, 0),
		.name = m->name,
		.stamp_mask = bf_recent_stamp_mask(m),
	};
	return true;
}

const struct bf_match_ops bf_match_recent = {
	.name = "recent",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_recent),
	.options = recent_options,
	.init = recent_init,
	.parse = recent_parse,
	.final_check = recent_final_check,
	.print = recent_print,
	.save = recent_save,
	.emit = recent_emit,
	.named = recent_named,
};
