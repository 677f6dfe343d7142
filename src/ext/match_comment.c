/* -m comment: --comment TEXT, as libxt_comment of iptables 1.8.9 and the
 * kernel's xt_comment_info. Both families. Matches every packet. */
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/save_string.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

#define MAX_COMMENT_LEN 256 /* with the NUL, as XT_MAX_COMMENT_LEN */

enum { O_COMMENT };

struct match_comment {
	char comment[MAX_COMMENT_LEN];
};

static const struct option comment_options[] = {
	{.name = "comment", .has_arg = 1, .val = O_COMMENT},
	{0},
};

static const struct bf_sl_optinfo comment_info[] = {
	[O_COMMENT] = {.flags = BF_XT_MAND},
};

static int comment_parse(int opt, const char *arg, bool invert, void *data,
			 unsigned int *flags, const struct bf_ip *ip)
{
	struct match_comment *m = data;
	size_t len = strlen(arg);
	int err = bf_sl_opt_parse("comment", comment_options, comment_info, opt, invert, flags);

	if (err)
		return err;
	/* 1.8.9 cuts a longer comment to 255 bytes without a word */
	if (len >= MAX_COMMENT_LEN)
		len = MAX_COMMENT_LEN - 1;
	memset(m->comment, 0, sizeof(m->comment));
	memcpy(m->comment, arg, len);
	return 0;
}

static int comment_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("comment", comment_options, comment_info, flags);
}

static void comment_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			  bool numeric)
{
	const struct match_comment *m = data;

	bf_strbuf_printf(out, " /* %.*s */", MAX_COMMENT_LEN - 1, m->comment);
}

static void comment_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_comment *m = data;

	bf_strbuf_puts(out, " --comment");
	bf_ext_save_string(out, m->comment, MAX_COMMENT_LEN - 1);
}

/* A comment always matches: no code. */
static int comment_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
			int no_match)
{
	return 0;
}

/* Nor any condition. */
static int comment_classify(const struct bf_rule *rule, const void *data,
			    struct bf_class_conds *conds)
{
	return 0;
}

const struct bf_match_ops bf_match_comment = {
	.name = "comment",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_comment),
	.options = comment_options,
	.parse = comment_parse,
	.final_check = comment_final_check,
	.print = comment_print,
	.save = comment_save,
	.emit = comment_emit,
	.classify = comment_classify,
};
