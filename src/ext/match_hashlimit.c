/* -m hashlimit: token buckets per address/port group, as libxt_hashlimit
 * revision 3 (what iptables 1.8.9 uses with this kernel) and
 * xt_hashlimit; compiled by hashlimit_emit.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/named.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/hashlimit.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

enum {
	O_UPTO, O_ABOVE, O_LIMIT, O_MODE, O_SRCMASK, O_DSTMASK, O_NAME, O_BURST,
	O_HTABLE_SIZE, O_HTABLE_MAX, O_HTABLE_GCINT, O_HTABLE_EXPIRE, O_RATEMATCH,
	O_INTERVAL,
};
#define F(o) (1u << (o))

static const struct bf_xt_opt hl_opts[] = {
	{.name = "hashlimit-upto", .id = O_UPTO, .flags = BF_XT_INVERT, .excl = F(O_ABOVE)},
	{.name = "hashlimit-above", .id = O_ABOVE, .flags = BF_XT_INVERT, .excl = F(O_UPTO)},
	{.name = "hashlimit", .id = O_UPTO, .flags = BF_XT_INVERT, .excl = F(O_ABOVE)},
	{.name = "hashlimit-srcmask", .id = O_SRCMASK},
	{.name = "hashlimit-dstmask", .id = O_DSTMASK},
	{.name = "hashlimit-burst", .id = O_BURST},
	{.name = "hashlimit-htable-size", .id = O_HTABLE_SIZE},
	{.name = "hashlimit-htable-max", .id = O_HTABLE_MAX},
	{.name = "hashlimit-htable-gcinterval", .id = O_HTABLE_GCINT},
	{.name = "hashlimit-htable-expire", .id = O_HTABLE_EXPIRE},
	{.name = "hashlimit-mode", .id = O_MODE},
	{.name = "hashlimit-name", .id = O_NAME, .flags = BF_XT_MAND},
	{.name = "hashlimit-rate-match", .id = O_RATEMATCH},
	{.name = "hashlimit-rate-interval", .id = O_INTERVAL},
	{0},
};

static const struct option hl_options[] = {
	{.name = "hashlimit-upto", .has_arg = 1, .val = O_UPTO},
	{.name = "hashlimit-above", .has_arg = 1, .val = O_ABOVE},
	{.name = "hashlimit", .has_arg = 1, .val = O_UPTO},
	{.name = "hashlimit-srcmask", .has_arg = 1, .val = O_SRCMASK},
	{.name = "hashlimit-dstmask", .has_arg = 1, .val = O_DSTMASK},
	{.name = "hashlimit-burst", .has_arg = 1, .val = O_BURST},
	{.name = "hashlimit-htable-size", .has_arg = 1, .val = O_HTABLE_SIZE},
	{.name = "hashlimit-htable-max", .has_arg = 1, .val = O_HTABLE_MAX},
	{.name = "hashlimit-htable-gcinterval", .has_arg = 1, .val = O_HTABLE_GCINT},
	{.name = "hashlimit-htable-expire", .has_arg = 1, .val = O_HTABLE_EXPIRE},
	{.name = "hashlimit-mode", .has_arg = 1, .val = O_MODE},
	{.name = "hashlimit-name", .has_arg = 1, .val = O_NAME},
	{.name = "hashlimit-rate-match", .has_arg = 0, .val = O_RATEMATCH},
	{.name = "hashlimit-rate-interval", .has_arg = 1, .val = O_INTERVAL},
	{0},
};

/* The masks default to the address length, which init does not know:
 * final_check sets them when they were not given. */
static void hl_init(void *data)
{
	struct match_hashlimit *m = data;

	m->cfg.burst = HL_BURST;
	m->cfg.gc_interval = HL_GCINTERVAL;
}

static uint64_t cost_to_bytes(uint64_t cost)
{
	uint64_t r = cost ? UINT32_MAX / cost : UINT32_MAX;

	return (r - 1) << HL_BYTE_SHIFT;
}

static uint64_t bytes_to_cost(uint64_t bytes)
{
	uint32_t r = (uint32_t)(bytes >> HL_BYTE_SHIFT);

	/* iptables divides by zero here (r + 1 wraps); never a cost. */
	return r == UINT32_MAX ? 0 : UINT32_MAX / (r + 1);
}

static uint64_t factor(int c)
{
	return c == 'm' ? 1024 * 1024 : c == 'k' ? 1024 : 1;
}

/* parse_bytes: "N[k|m]b/s" (anything before "b/s" that is not k or m
 * counts as 1, as in iptables). */
static int hl_parse_bytes(struct match_hashlimit *m, const char *rate, bool *ok)
{
	const char *unit = strstr(rate, "b/s");
	uint64_t r, cost;

	*ok = false;
	if (!unit || unit == rate)
		return 0;
	r = (uint64_t)atoll(rate);
	if (!r)
		return 0;
	cost = bytes_to_cost(r * factor(unit[-1]));
	if (!cost)
		return bf_err(-EINVAL, "Rate too high \"%s\"\n", rate);
	m->mult = HL_BYTE_EXPIRE;
	m->cfg.avg = cost;
	*ok = true;
	return 0;
}

static int hl_parse_rate(struct match_hashlimit *m, const char *rate, const char *opt)
{
	uint64_t r;
	bool ok;
	int err = hl_parse_bytes(m, rate, &ok);

	if (err || ok) {
		if (ok)
			m->cfg.mode |= HL_BYTES;
		return err;
	}
	if (!bf_sf_parse_rate_unit(rate, &m->mult) || !(r = (uint64_t)atoll(rate)))
		return bf_sf_bad_value("hashlimit", opt, rate);
	m->cfg.avg = HL_SCALE * m->mult / r;
	if (!m->cfg.avg)
		return bf_err(-EINVAL, "Rate too fast \"%s\"", rate);
	return 0;
}

static int burst_error(void)
{
	return bf_err(-EINVAL, "bad value for option \"--hashlimit-burst\", or out of range "
		      "(1-%u).", HL_BURST_MAX);
}

static int hl_parse_burst(const char *arg, uint64_t *burst)
{
	uintmax_t v;
	char *end;

	if (!bf_xt_strtoul(arg, &end, &v, 1, UINT64_MAX) || (!*end && v > HL_BURST_MAX))
		return burst_error();
	*burst = v * factor(*end);
	return 0;
}

static int hl_parse_mode(const char *arg, uint32_t *mode)
{
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",|", &save); tok; tok = strtok_r(NULL, ",|", &save)) {
		if (!strcmp(tok, "dstip"))
			*mode |= HL_HASH_DIP;
		else if (!strcmp(tok, "srcip"))
			*mode |= HL_HASH_SIP;
		else if (!strcmp(tok, "srcport"))
			*mode |= HL_HASH_SPT;
		else if (!strcmp(tok, "dstport"))
			*mode |= HL_HASH_DPT;
		else {
			free(copy);
			return bf_sf_bad_value("hashlimit", "--hashlimit-mode", arg);
		}
	}
	free(copy);
	return 0;
}

static int hl_parse(int opt, const char *arg, bool invert, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	struct match_hashlimit *m = data;
	const char *name = NULL;
	size_t len;
	uint8_t hlen;
	int err;

	for (const struct bf_xt_opt *o = hl_opts; o->name && !name; o++)
		if (o->id == (unsigned int)opt)
			name = o->name;
	err = bf_xt_opt_parse("hashlimit", hl_opts, (unsigned int)opt, invert, flags);
	if (err)
		return err;
	switch (opt) {
	case O_BURST:
		return hl_parse_burst(arg, &m->cfg.burst);
	case O_UPTO:
	case O_ABOVE:
		/* "above" is the inverted "upto" */
		if ((opt == O_ABOVE) != invert)
			m->cfg.mode |= HL_INVERT;
		return hl_parse_rate(m, arg, opt == O_UPTO ? "--hashlimit-upto"
							   : "--hashlimit-above");
	case O_MODE:
		return hl_parse_mode(arg, &m->cfg.mode);
	case O_SRCMASK:
	case O_DSTMASK:
		err = bf_sf_parse_plen("hashlimit", name, arg, ip->family, &hlen);
		if (!err)
			*(opt == O_SRCMASK ? &m->cfg.srcmask : &m->cfg.dstmask) = hlen;
		return err;
	case O_NAME:
		len = strlen(arg);
		if (!len)
			return bf_err(-EINVAL, "Argument must have a minimum length of 1 "
				      "characters\n");
		if (len >= sizeof(m->name))
			len = sizeof(m->name) - 1;
		memset(m->name, 0, sizeof(m->name));
		memcpy(m->name, arg, len);
		return 0;
	case O_HTABLE_SIZE:
		return bf_xt_parse_u32("hashlimit", name, arg, 0, UINT32_MAX, &m->cfg.size);
	case O_HTABLE_MAX:
		return bf_xt_parse_u32("hashlimit", name, arg, 0, UINT32_MAX, &m->cfg.max);
	case O_HTABLE_GCINT:
		return bf_xt_parse_u32("hashlimit", name, arg, 0, UINT32_MAX, &m->cfg.gc_interval);
	case O_HTABLE_EXPIRE:
		return bf_xt_parse_u32("hashlimit", name, arg, 0, UINT32_MAX, &m->cfg.expire);
	case O_RATEMATCH:
		m->cfg.mode |= HL_RATE_MATCH;
		return 0;
	case O_INTERVAL: {
		int r = atoi(arg);

		if (r <= 0)
			return bf_sf_bad_value("hashlimit", "--hashlimit-rate-interval", arg);
		m->cfg.interval = (uint32_t)r;
		return 0;
	}
	}
	return 0;
}

static uint64_t user2credits(uint64_t user)
{
	return user * HL_CREDITS_MULT;
}

/* What xt_hashlimit's checkentry refuses: -EINVAL, or -ERANGE for a rate
 * it cannot count; iptables reports them when the table is committed. */
static int hl_kernel_check(const struct match_hashlimit *m, const struct bf_ip *ip)
{
	const char *name = m->name;
	unsigned int bits = ip->family == BF_FAMILY_IPV6 ? 128 : 32;

	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/') ||
	    !m->cfg.gc_interval || !m->cfg.expire ||
	    m->cfg.srcmask > bits || m->cfg.dstmask > bits)
		return -EINVAL;
	if (m->cfg.mode & HL_RATE_MATCH)
		return !m->cfg.avg || m->cfg.avg > UINT32_MAX ? -ERANGE : 0;
	if (m->cfg.mode & HL_BYTES)
		return 0;
	if (!m->cfg.burst || user2credits(m->cfg.avg * m->cfg.burst) < user2credits(m->cfg.avg))
		return -ERANGE;
	return 0;
}

/* hashlimit_mt_check, then the generic checks, then what the kernel
 * refuses or changes (it caps the table sizes in the rule it keeps). As
 * libxtables' fcheck, this completes the match's data, so it writes to
 * it: the parser hands over data it owns. */
static int hl_final_check(const void *cdata, unsigned int flags, const struct bf_ip *ip)
{
	struct match_hashlimit *m = (struct match_hashlimit *)cdata;
	uint32_t mult = m->mult;
	int err;

	m->mult = 0;
	if (!(flags & F(O_SRCMASK)))
		m->cfg.srcmask = ip->family == BF_FAMILY_IPV6 ? 128 : 32;
	if (!(flags & F(O_DSTMASK)))
		m->cfg.dstmask = ip->family == BF_FAMILY_IPV6 ? 128 : 32;
	if (!(flags & (F(O_UPTO) | F(O_ABOVE))))
		return bf_err(-EINVAL, "You have to specify --hashlimit");
	if (!(flags & F(O_HTABLE_EXPIRE)))
		m->cfg.expire = mult * 1000;
	if (m->cfg.mode & HL_BYTES) {
		uint64_t unit = cost_to_bytes(m->cfg.avg);
		uint32_t burst = 0;

		if (flags & F(O_BURST)) {
			/* iptables divides by zero here (and dies) */
			if (!unit)
				return bf_err(-EINVAL, "hashlimit: a byte rate of 0b/s cannot "
					      "have a burst");
			if (m->cfg.burst < unit)
				return bf_err(-EINVAL, "burst cannot be smaller than %" PRIu64 "b",
					      unit);
			burst = (uint32_t)m->cfg.burst;
			burst /= unit;
			if (m->cfg.burst % unit)
				burst++;
			if (!(flags & F(O_HTABLE_EXPIRE)))
				m->cfg.expire = HL_BYTE_EXPIRE_BURST * 1000;
		}
		m->cfg.burst = burst;
	} else if (m->cfg.burst > HL_BURST_MAX) {
		return burst_error();
	}
	if (flags & F(O_RATEMATCH)) {
		if (!(m->cfg.mode & HL_BYTES))
			m->cfg.avg /= mult;
		if (!m->cfg.interval)
			m->cfg.interval = m->cfg.mode & HL_BYTES ? 1 : mult;
	}
	err = bf_xt_opt_fcheck("hashlimit", hl_opts, flags);
	if (err)
		return err;
	err = hl_kernel_check(m, ip);
	if (err == -ERANGE)
		return bf_err(-EPROTO, "Numerical result out of range.");
	if (err)
		return bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	if (m->cfg.max > HL_MAX_SIZE)
		m->cfg.max = HL_MAX_SIZE;
	if (m->cfg.size > HL_MAX_SIZE)
		m->cfg.size = HL_MAX_SIZE;
	return 0;
}

/* print_bytes: the byte rate, then the burst in bytes; returns the
 * default expiry (ms) that goes with it. State text (lossless) writes a
 * burst in bytes exactly, where iptables rounds it down to its unit, and
 * a rate of "0b/s" (which does not parse) as 15 bytes, the same cost. */
static uint32_t hl_print_bytes(struct bf_strbuf *out, uint64_t avg, uint64_t burst,
			       const char *prefix, bool lossless)
{
	static const struct {
		const char *name;
		uint32_t thresh;
	} units[] = {{"m", 1024 * 1024}, {"k", 1024}, {"", 1}};
	uint64_t r = cost_to_bytes(avg);
	size_t i;

	/* The mask is 32 bits wide, as in iptables: it clears the top half. */
	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh &&
		    bytes_to_cost(r & (uint32_t)~(units[i].thresh - 1)) == avg)
			break;
	if (lossless && !r)
		bf_strbuf_puts(out, " 15b/s");
	else
		bf_strbuf_printf(out, " %" PRIu64 "%sb/s", r / units[i].thresh, units[i].name);
	if (!burst)
		return HL_BYTE_EXPIRE * 1000;
	r *= burst;
	bf_strbuf_printf(out, " %s", prefix);
	if (lossless) {
		bf_strbuf_printf(out, "burst %" PRIu64 "b", r);
		return HL_BYTE_EXPIRE_BURST * 1000;
	}
	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh)
			break;
	bf_strbuf_printf(out, "burst %" PRIu64 "%sb", r / units[i].thresh, units[i].name);
	return HL_BYTE_EXPIRE_BURST * 1000;
}

static void hl_print_mode(struct bf_strbuf *out, uint32_t mode, char sep)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} order[] = {
		{HL_HASH_SIP, "srcip"}, {HL_HASH_SPT, "srcport"},
		{HL_HASH_DIP, "dstip"}, {HL_HASH_DPT, "dstport"},
	};
	bool first = true;

	bf_strbuf_puts(out, " ");
	for (size_t i = 0; i < 4; i++) {
		if (!(mode & order[i].bit))
			continue;
		if (!first)
			bf_strbuf_printf(out, "%c", sep);
		bf_strbuf_puts(out, order[i].name);
		first = false;
	}
}

/* -L and save share the layout; -L prints the rate of a rate-match
 * interval (avg * interval) where save prints avg alone. */
static void hl_dump(struct bf_strbuf *out, const struct match_hashlimit *m,
		    const struct bf_ip *ip, bool save)
{
	unsigned int dmask = ip->family == BF_FAMILY_IPV6 ? 128 : 32;
	const char *pre = save ? "--hashlimit-" : "";
	bool lossless = save && bf_sf_lossless();
	uint32_t quantum;

	if (save)
		bf_strbuf_puts(out, m->cfg.mode & HL_INVERT ? " --hashlimit-above"
							    : " --hashlimit-upto");
	else
		bf_strbuf_puts(out, m->cfg.mode & HL_INVERT ? " limit: above" : " limit: up to");
	if (m->cfg.mode & HL_BYTES) {
		quantum = hl_print_bytes(out, m->cfg.avg, m->cfg.burst, pre, lossless);
	} else {
		uint64_t period = m->cfg.avg;

		if (!save && m->cfg.interval)
			period *= m->cfg.interval;
		quantum = save ? bf_sf_save_rate(out, period, HL_SCALE,
						 m->cfg.mode & HL_RATE_MATCH)
			       : bf_sf_print_rate(out, period, HL_SCALE);
		bf_strbuf_printf(out, " %sburst %" PRIu64, pre, m->cfg.burst);
	}
	if (m->cfg.mode & HL_HASH_ANY) {
		bf_strbuf_printf(out, " %smode", pre);
		hl_print_mode(out, m->cfg.mode, save ? ',' : '-');
	}
	if (save) {
		bf_strbuf_puts(out, " --hashlimit-name");
		bf_sf_save_word(out, m->name, HL_NAME_LEN);
	}
	if (m->cfg.size)
		bf_strbuf_printf(out, " %shtable-size %u", pre, m->cfg.size);
	if (m->cfg.max)
		bf_strbuf_printf(out, " %shtable-max %u", pre, m->cfg.max);
	if (m->cfg.gc_interval != HL_GCINTERVAL)
		bf_strbuf_printf(out, " %shtable-gcinterval %u", pre, m->cfg.gc_interval);
	if (m->cfg.expire != quantum)
		bf_strbuf_printf(out, " %shtable-expire %u", pre, m->cfg.expire);
	if (m->cfg.srcmask != dmask)
		bf_strbuf_printf(out, " %ssrcmask %u", pre, m->cfg.srcmask);
	if (m->cfg.dstmask != dmask)
		bf_strbuf_printf(out, " %sdstmask %u", pre, m->cfg.dstmask);
	if (m->cfg.mode & HL_RATE_MATCH) {
		bf_strbuf_printf(out, " %srate-match", pre);
		if (m->cfg.interval != 1)
			bf_strbuf_printf(out, " %srate-interval %u", pre, m->cfg.interval);
	} else if (lossless && m->cfg.interval) {
		/* iptables keeps it but does not save it without rate-match */
		bf_strbuf_printf(out, " --hashlimit-rate-interval %u", m->cfg.interval);
	}
}

static void hl_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		     bool numeric)
{
	hl_dump(out, data, ip, false);
}

static void hl_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	hl_dump(out, data, ip, true);
}

static int hl_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	return bf_hashlimit_emit(cg, rule, data, no_match);
}

static bool hl_named(const void *data, enum bf_family family, struct bf_named_ref *ref)
{
	const struct match_hashlimit *m = data;

	*ref = (struct bf_named_ref){
		.map = BF_MAP_HASHLIMIT,
		.id = bf_named_id(BF_MAP_HASHLIMIT, m->name, family),
		.name = m->name,
	};
	return true;
}

const struct bf_match_ops bf_match_hashlimit = {
	.name = "hashlimit",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_hashlimit),
	.options = hl_options,
	.init = hl_init,
	.parse = hl_parse,
	.final_check = hl_final_check,
	.print = hl_print,
	.save = hl_save,
	.emit = hl_emit,
	.named = hl_named,
};
