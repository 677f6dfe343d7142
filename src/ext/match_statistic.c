/* -m statistic: --mode random --probability P, or --mode nth --every N
 * [--packet P], as libxt_statistic of iptables 1.8.9 and the kernel's
 * xt_statistic_info. Both families. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

enum { O_MODE, O_PROBABILITY, O_EVERY, O_PACKET };
#define F_PROBABILITY (1u << O_PROBABILITY)
#define F_EVERY (1u << O_EVERY)
#define F_PACKET (1u << O_PACKET)

enum { MODE_RANDOM, MODE_NTH };
#define STATISTIC_INVERT 0x1

/* The kernel's layout: probability (scaled to 2^31) and every (N - 1)
 * share a word, which iptables' checks rely on. */
struct match_statistic {
	uint16_t mode;
	uint16_t flags;
	union {
		uint32_t probability;
		uint32_t every;
	};
	uint32_t packet;
	uint32_t count;
};

static const struct option statistic_options[] = {
	{.name = "mode", .has_arg = 1, .val = O_MODE},
	{.name = "probability", .has_arg = 1, .val = O_PROBABILITY},
	{.name = "every", .has_arg = 1, .val = O_EVERY},
	{.name = "packet", .has_arg = 1, .val = O_PACKET},
	{0},
};

static const struct bf_sl_optinfo statistic_info[] = {
	[O_MODE] = {.flags = BF_XT_MAND},
	[O_PROBABILITY] = {.flags = BF_XT_INVERT, .excl = F_EVERY | F_PACKET},
	[O_EVERY] = {.flags = BF_XT_INVERT, .excl = F_PROBABILITY, .also = F_PACKET},
	[O_PACKET] = {.excl = F_PROBABILITY, .also = F_EVERY},
};

/* libxtables' XTTYPE_DOUBLE with range 0-1 (NaN passes the range test). */
static int parse_probability(const char *arg, uint32_t *prob)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || v < 0 || v > 1)
		return bf_err(-EINVAL, "statistic: bad value for option \"--probability\", "
			      "or out of range (0-1).\n");
	/* iptables' lround(): v >= 0, so adding a half and truncating is
	 * the same; lround(NaN) is 0x8000000000000000 on x86-64, 0 in the
	 * kernel's 32 bits. */
	*prob = v != v ? 0 : (uint32_t)(0x80000000 * v + 0.5);
	return 0;
}

static int statistic_parse(int opt, const char *arg, bool invert, void *data,
			   unsigned int *flags, const struct bf_ip *ip)
{
	struct match_statistic *m = data;
	uintmax_t v;
	int err;

	/* iptables marks the inversion before its checks, and it is the
	 * whole match's. */
	if (invert)
		m->flags |= STATISTIC_INVERT;
	err = bf_sl_opt_parse("statistic", statistic_options, statistic_info, opt, invert,
			      flags);
	if (err)
		return err;
	switch (opt) {
	case O_MODE:
		if (!strcmp(arg, "random"))
			m->mode = MODE_RANDOM;
		else if (!strcmp(arg, "nth"))
			m->mode = MODE_NTH;
		else
			return bf_err(-EINVAL, "Bad mode \"%s\"", arg);
		return 0;
	case O_PROBABILITY:
		return parse_probability(arg, &m->probability);
	case O_EVERY:
		err = bf_xt_parse_uint("statistic", "every", arg, 1, UINT32_MAX, &v);
		m->every = (uint32_t)v - 1;
		return err;
	default:
		err = bf_xt_parse_uint("statistic", "packet", arg, 0, UINT32_MAX, &v);
		m->packet = (uint32_t)v;
		return err;
	}
}

static int statistic_final_check(const void *data, unsigned int flags,
				 const struct bf_ip *ip)
{
	const struct match_statistic *m = data;

	if (m->mode == MODE_RANDOM && !(flags & F_PROBABILITY))
		return bf_err(-EINVAL, "--probability must be specified when using random mode");
	if (m->mode == MODE_NTH && !(flags & (F_EVERY | F_PACKET)))
		return bf_err(-EINVAL, "--every and --packet must be specified when using "
			      "nth mode");
	/* every is N - 1 here, and shares its word with probability */
	if (m->packet > m->every)
		return bf_err(-EINVAL, "the --packet p must be 0 <= p <= n-1");
	return bf_sl_opt_fcheck("statistic", statistic_options, statistic_info, flags);
}

static void print_statistic(struct bf_strbuf *out, const struct match_statistic *m,
			    const char *prefix)
{
	const char *inv = m->flags & STATISTIC_INVERT ? " !" : "";

	if (m->mode == MODE_RANDOM) {
		bf_strbuf_printf(out, " %smode random%s %sprobability %.11f", prefix, inv,
				 prefix, 1.0 * m->probability / 0x80000000);
		return;
	}
	if (m->mode != MODE_NTH)
		return;
	bf_strbuf_printf(out, " %smode nth%s %severy %u", prefix, inv, prefix, m->every + 1);
	/* -L leaves out --packet 0; iptables-save always prints it */
	if (m->packet || *prefix)
		bf_strbuf_printf(out, " %spacket %u", prefix, m->packet);
}

static void statistic_print(struct bf_strbuf *out, const struct bf_ip *ip,
			    const void *data, bool numeric)
{
	bf_strbuf_puts(out, " statistic");
	print_statistic(out, data, "");
}

static void statistic_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	print_statistic(out, data, "--");
}

const struct bf_match_ops bf_match_statistic = {
	.name = "statistic",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_statistic),
	.options = statistic_options,
	.parse = statistic_parse,
	.final_check = statistic_final_check,
	.print = statistic_print,
	.save = statistic_save,
};
