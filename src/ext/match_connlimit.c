/* -m connlimit: connections per address group, as libxt_connlimit
 * revision 1 and xt_connlimit. Not compiled: it counts conntrack
 * entries. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

/* flags, as XT_CONNLIMIT_* */
#define CONNLIMIT_INVERT 0x1 /* --connlimit-upto: match at or below */
#define CONNLIMIT_DADDR 0x2

struct match_connlimit {
	union bf_sf_addr mask;
	uint32_t limit;
	uint32_t flags;
};

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

static const struct bf_xt_opt connlimit_opts[] = {
	{.name = "connlimit-upto", .id = O_UPTO, .flags = BF_XT_INVERT, .excl = 1u << O_ABOVE},
	{.name = "connlimit-above", .id = O_ABOVE, .flags = BF_XT_INVERT, .excl = 1u << O_UPTO},
	{.name = "connlimit-mask", .id = O_MASK},
	{.name = "connlimit-saddr", .id = O_SADDR, .excl = 1u << O_DADDR},
	{.name = "connlimit-daddr", .id = O_DADDR, .excl = 1u << O_SADDR},
	{0},
};

static const struct option connlimit_options[] = {
	{.name = "connlimit-upto", .has_arg = 1, .val = O_UPTO},
	{.name = "connlimit-above", .has_arg = 1, .val = O_ABOVE},
	{.name = "connlimit-mask", .has_arg = 1, .val = O_MASK},
	{.name = "connlimit-saddr", .has_arg = 0, .val = O_SADDR},
	{.name = "connlimit-daddr", .has_arg = 0, .val = O_DADDR},
	{0},
};

static void connlimit_init(void *data)
{
	struct match_connlimit *m = data;

	memset(&m->mask, 0xff, sizeof(m->mask));
}

static int connlimit_parse(int opt, const char *arg, bool invert, void *data,
			   unsigned int *flags, const struct bf_ip *ip)
{
	struct match_connlimit *m = data;
	uint8_t hlen;
	int err = bf_xt_opt_parse("connlimit", connlimit_opts, (unsigned int)opt, invert, flags);

	if (err)
		return err;
	switch (opt) {
	case O_UPTO:
	case O_ABOVE:
		err = bf_xt_parse_u32("connlimit", connlimit_opts[opt].name, arg, 0, UINT32_MAX, &m->limit);
		/* "upto N" is "! above N", and the other way round. */
		if (!err && (opt == O_UPTO) != invert)
			m->flags |= CONNLIMIT_INVERT;
		return err;
	case O_MASK:
		err = bf_sf_parse_plen("connlimit", "connlimit-mask", arg, ip->family, &hlen);
		if (!err)
			bf_sf_plen_mask(hlen, &m->mask);
		return err;
	case O_SADDR:
		m->flags &= ~(uint32_t)CONNLIMIT_DADDR;
		return 0;
	case O_DADDR:
		m->flags |= CONNLIMIT_DADDR;
		return 0;
	}
	return 0;
}

static int connlimit_final_check(const void *data, unsigned int flags,
				 const struct bf_ip *ip)
{
	if (!(flags & ((1u << O_UPTO) | (1u << O_ABOVE))))
		return bf_err(-EINVAL, "You must specify \"--connlimit-above\" or "
			      "\"--connlimit-upto\".");
	return bf_xt_opt_fcheck("connlimit", connlimit_opts, flags);
}

/* count_bits4/6: the length of the mask's leading ones, counting a mask
 * that is not a prefix as libxt_connlimit does. */
static unsigned int mask_bits(const struct match_connlimit *m, int family)
{
	unsigned int words = family == BF_FAMILY_IPV6 ? 4 : 1, bits = 0;

	for (unsigned int i = 0; i < words; i++)
		for (uint32_t t = ~ntohl(m->mask.all[i]); t; t >>= 1)
			bits++;
	return words * 32 - bits;
}

static void connlimit_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			    bool numeric)
{
	const struct match_connlimit *m = data;

	bf_strbuf_printf(out, " #conn %s/%u %s %u", m->flags & CONNLIMIT_DADDR ? "dst" : "src",
			 mask_bits(m, ip->family), m->flags & CONNLIMIT_INVERT ? "<=" : ">",
			 m->limit);
}

static void connlimit_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_connlimit *m = data;

	bf_strbuf_printf(out, " --connlimit-%s %u",
			 m->flags & CONNLIMIT_INVERT ? "upto" : "above", m->limit);
	/* State text leaves out a mask that was not given: an IPv4 "32"
	 * sets one word of the four, none sets them all. */
	if (!bf_sf_lossless() || !bf_sf_mask_unset(&m->mask))
		bf_strbuf_printf(out, " --connlimit-mask %u", mask_bits(m, ip->family));
	bf_strbuf_puts(out, m->flags & CONNLIMIT_DADDR ? " --connlimit-daddr"
						       : " --connlimit-saddr");
}

const struct bf_match_ops bf_match_connlimit = {
	.name = "connlimit",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_connlimit),
	.options = connlimit_options,
	.init = connlimit_init,
	.parse = connlimit_parse,
	.final_check = connlimit_final_check,
	.print = connlimit_print,
	.save = connlimit_save,
};
