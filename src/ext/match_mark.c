/* -m mark: the packet's nfmark, as libxt_mark revision 1 and xt_mark.
 * Never compiled for XDP, which sees packets before anything marks
 * them. */
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

struct match_mark {
	uint32_t mark, mask;
	uint8_t invert;
};

enum { O_MARK };

static const struct bf_xt_opt mark_opts[] = {
	{.name = "mark", .id = O_MARK, .flags = BF_XT_MAND | BF_XT_INVERT},
	{0},
};

static const struct option mark_options[] = {
	{.name = "mark", .has_arg = 1, .val = O_MARK},
	{0},
};

static int mark_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	struct match_mark *m = data;
	int err = bf_xt_opt_parse("mark", mark_opts, (unsigned int)opt, invert, flags);

	if (!err)
		err = bf_sf_parse_markmask("mark", "mark", arg, &m->mark, &m->mask);
	if (!err && invert)
		m->invert = 1;
	return err;
}

static int mark_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_xt_opt_fcheck("mark", mark_opts, flags);
}

/* xtables_print_val_mask */
static void print_mark(struct bf_strbuf *out, const struct match_mark *m)
{
	if (m->mask != UINT32_MAX)
		bf_strbuf_printf(out, " 0x%x/0x%x", m->mark, m->mask);
	else
		bf_strbuf_printf(out, " 0x%x", m->mark);
}

static void mark_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		       bool numeric)
{
	const struct match_mark *m = data;

	bf_strbuf_puts(out, m->invert ? " mark match !" : " mark match");
	print_mark(out, m);
}

static void mark_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_mark *m = data;

	bf_strbuf_puts(out, m->invert ? " ! --mark" : " --mark");
	print_mark(out, m);
}

const struct bf_match_ops bf_match_mark = {
	.name = "mark",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_mark),
	.options = mark_options,
	.parse = mark_parse,
	.final_check = mark_final_check,
	.print = mark_print,
	.save = mark_save,
};
