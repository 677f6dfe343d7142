/* -m connmark: the connection's ctmark, as libxt_connmark revision 1 and
 * xt_connmark. Not compiled: XDP sees packets before conntrack does. */
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

struct match_connmark {
	uint32_t mark, mask;
	uint8_t invert;
};

enum { O_MARK };

static const struct bf_xt_opt connmark_opts[] = {
	{.name = "mark", .id = O_MARK, .flags = BF_XT_MAND | BF_XT_INVERT},
	{0},
};

static const struct option connmark_options[] = {
	{.name = "mark", .has_arg = 1, .val = O_MARK},
	{0},
};

static int connmark_parse(int opt, const char *arg, bool invert, void *data,
			  unsigned int *flags, const struct bf_ip *ip)
{
	struct match_connmark *m = data;
	int err = bf_xt_opt_parse("connmark", connmark_opts, (unsigned int)opt, invert, flags);

	if (!err)
		err = bf_sf_parse_markmask("connmark", "mark", arg, &m->mark, &m->mask);
	if (!err && invert)
		m->invert = 1;
	return err;
}

static int connmark_final_check(const void *data, unsigned int flags,
				const struct bf_ip *ip)
{
	return bf_xt_opt_fcheck("connmark", connmark_opts, flags);
}

/* xtables_print_val_mask */
static void print_mark(struct bf_strbuf *out, const struct match_connmark *m)
{
	if (m->mask != UINT32_MAX)
		bf_strbuf_printf(out, " 0x%x/0x%x", m->mark, m->mask);
	else
		bf_strbuf_printf(out, " 0x%x", m->mark);
}

/* "connmark match " then "!" or nothing, then " 0x..": iptables prints
 * two spaces before a mark that is not inverted. */
static void connmark_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			   bool numeric)
{
	const struct match_connmark *m = data;

	bf_strbuf_puts(out, m->invert ? " connmark match !" : " connmark match ");
	print_mark(out, m);
}

static void connmark_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_connmark *m = data;

	bf_strbuf_puts(out, m->invert ? " ! --mark" : " --mark");
	print_mark(out, m);
}

const struct bf_match_ops bf_match_connmark = {
	.name = "connmark",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_connmark),
	.options = connmark_options,
	.parse = connmark_parse,
	.final_check = connmark_final_check,
	.print = connmark_print,
	.save = connmark_save,
};
