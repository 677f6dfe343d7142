/* -m limit: a token bucket, as libxt_limit and xt_limit. Not compiled
 * yet (the bucket needs per-rule state in a map). */
#include <errno.h>
#include <stdlib.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

#define LIMIT_SCALE 10000 /* XT_LIMIT_SCALE: avg is in 1/10000 s */
#define LIMIT_BURST 5
#define LIMIT_AVG (LIMIT_SCALE * 60 * 60 / 3) /* the default, 3/hour */

/* The kernel's credit arithmetic (xt_limit's user2credits) with this
 * kernel's HZ=250, for which HZ * CREDITS_PER_JIFFY is 32000 (as for
 * HZ=1000). */
#define LIMIT_HZ_CPJ 32000u

struct match_limit {
	uint32_t avg;   /* period between packets, 1/LIMIT_SCALE s */
	uint32_t burst;
};

enum { O_LIMIT, O_BURST };

static const struct bf_xt_opt limit_opts[] = {
	{.name = "limit", .id = O_LIMIT},
	{.name = "limit-burst", .id = O_BURST},
	{0},
};

static const struct option limit_options[] = {
	{.name = "limit", .has_arg = 1, .val = O_LIMIT},
	{.name = "limit-burst", .has_arg = 1, .val = O_BURST},
	{0},
};

static void limit_init(void *data)
{
	struct match_limit *m = data;

	m->avg = LIMIT_AVG;
	m->burst = LIMIT_BURST;
}

/* parse_rate: the count is read by atoi(), so "3x" is 3 and "-3" a huge
 * unsigned number (then "too fast"), as in iptables. */
static int limit_parse_rate(const char *rate, uint32_t *avg)
{
	uint32_t mult, r;

	if (!bf_sf_parse_rate_unit(rate, &mult))
		return bf_err(-EINVAL, "bad rate \"%s\"'", rate);
	r = (uint32_t)atoi(rate);
	if (!r)
		return bf_err(-EINVAL, "bad rate \"%s\"'", rate);
	*avg = LIMIT_SCALE * mult / r;
	if (!*avg)
		return bf_err(-EINVAL, "Rate too fast \"%s\"", rate);
	return 0;
}

static int limit_parse(int opt, const char *arg, bool invert, void *data,
		       unsigned int *flags, const struct bf_ip *ip)
{
	struct match_limit *m = data;
	int err = bf_xt_opt_parse("limit", limit_opts, (unsigned int)opt, invert, flags);

	if (err)
		return err;
	if (opt == O_LIMIT)
		return limit_parse_rate(arg, &m->avg);
	return bf_xt_parse_u32("limit", "limit-burst", arg, 0, 10000, &m->burst);
}

static uint32_t user2credits(uint32_t user)
{
	if (user > UINT32_MAX / LIMIT_HZ_CPJ)
		return (user / LIMIT_SCALE) * LIMIT_HZ_CPJ;
	return user * LIMIT_HZ_CPJ / LIMIT_SCALE;
}

/* xt_limit refuses a bucket whose size overflows (ERANGE), which
 * iptables reports only when the table is committed. */
static int limit_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	const struct match_limit *m = data;

	if (!m->burst || user2credits(m->avg * m->burst) < user2credits(m->avg))
		return bf_err(-EPROTO, "Numerical result out of range.");
	return 0;
}

static void limit_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			bool numeric)
{
	const struct match_limit *m = data;

	bf_strbuf_puts(out, " limit: avg");
	bf_sf_print_rate(out, m->avg, LIMIT_SCALE);
	bf_strbuf_printf(out, " burst %u", m->burst);
}

static void limit_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_limit *m = data;

	bf_strbuf_puts(out, " --limit");
	bf_sf_save_rate(out, m->avg, LIMIT_SCALE, false);
	if (m->burst != LIMIT_BURST)
		bf_strbuf_printf(out, " --limit-burst %u", m->burst);
}

const struct bf_match_ops bf_match_limit = {
	.name = "limit",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_limit),
	.options = limit_options,
	.init = limit_init,
	.parse = limit_parse,
	.final_check = limit_final_check,
	.print = limit_print,
	.save = limit_save,
};
