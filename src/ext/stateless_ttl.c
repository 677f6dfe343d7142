#include "stateless_ttl.h"

#include <errno.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

#define F_ANY ((1u << BF_TTL_O_EQ) | (1u << BF_TTL_O_LT) | (1u << BF_TTL_O_GT))

/* Only "equal" can be inverted; any two options conflict. */
static const struct bf_sl_optinfo ttl_info[] = {
	[BF_TTL_O_EQ] = {.flags = BF_XT_INVERT, .excl = F_ANY},
	[BF_TTL_O_LT] = {.excl = F_ANY},
	[BF_TTL_O_GT] = {.excl = F_ANY},
};

int bf_ttl_parse(const struct bf_ttl_kind *k, int opt, const char *arg, bool invert,
		 struct bf_ttl_match *m, unsigned int *flags)
{
	uintmax_t v;
	int err = bf_sl_opt_parse(k->ext, k->options, ttl_info, opt, invert, flags);

	if (!err)
		err = bf_xt_parse_uint(k->ext, bf_sl_opt_name(k->options, opt), arg, 0,
				       UINT8_MAX, &v);
	if (err)
		return err;
	m->value = (uint8_t)v;
	if (opt == BF_TTL_O_EQ)
		m->mode = invert ? BF_TTL_NE : BF_TTL_EQ;
	else
		m->mode = opt == BF_TTL_O_LT ? BF_TTL_LT : BF_TTL_GT;
	return 0;
}

int bf_ttl_final_check(const struct bf_ttl_kind *k, unsigned int flags)
{
	if (!flags)
		return bf_err(-EINVAL, "%s", k->missing);
	return bf_sl_opt_fcheck(k->ext, k->options, ttl_info, flags);
}

void bf_ttl_print(const struct bf_ttl_kind *k, struct bf_strbuf *out,
		  const struct bf_ttl_match *m)
{
	static const char *const ops[] = {"==", "!=", "<", ">"};

	bf_strbuf_printf(out, " %s match %s %s %u", k->upper, k->upper,
			 m->mode <= BF_TTL_GT ? ops[m->mode] : "?", m->value);
}

void bf_ttl_save(const struct bf_ttl_kind *k, struct bf_strbuf *out,
		 const struct bf_ttl_match *m)
{
	static const char *const opts[] = {"eq", "eq", "lt", "gt"};

	if (m->mode > BF_TTL_GT)
		return;
	bf_strbuf_printf(out, "%s --%s-%s %u", m->mode == BF_TTL_NE ? " !" : "", k->ext,
			 opts[m->mode], m->value);
}

/* The hop limit is BF_PKT_TTL too (IPv6 prologue). */
int bf_ttl_emit(struct bf_cgen *cg, const struct bf_ttl_match *m, int no_match)
{
	switch (m->mode) {
	case BF_TTL_EQ:
	case BF_TTL_NE:
		bf_emit_field_eq(cg, BPF_B, BF_PKT_TTL, 0xffffffff, m->value,
				 m->mode == BF_TTL_NE, no_match);
		return 0;
	case BF_TTL_LT:
		/* An empty range when the value is 0: never matches. */
		bf_emit_field_range(cg, BPF_B, BF_PKT_TTL, m->value ? 0 : 1,
				    m->value ? m->value - 1u : 0, false, no_match);
		return 0;
	case BF_TTL_GT:
		bf_emit_field_range(cg, BPF_B, BF_PKT_TTL, m->value + 1u, 0xff, false, no_match);
		return 0;
	}
	return -EINVAL;
}
