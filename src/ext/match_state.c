/* -m state: iptables 1.8.9 turns it into conntrack revision 3 with the
 * state alias flag; iptables-save prints it back as "-m state --state". */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_ct.h"
#include "ext/xtopt.h"

enum { O_STATE };

static const struct bf_xt_opt state_opts[] = {
	{.name = "state", .id = O_STATE, .flags = BF_XT_MAND | BF_XT_INVERT},
	{0},
};

static const struct option state_options[] = {
	{.name = "state", .has_arg = 1, .val = O_STATE},
	{0},
};

static uint16_t state_word(const char *w, size_t len)
{
	static const struct {
		const char *name;
		uint16_t bit;
	} states[] = {
		{"INVALID", BF_CT_ST_INVALID}, {"NEW", BF_CT_ST_NEW},
		{"ESTABLISHED", BF_CT_ST_ESTABLISHED}, {"RELATED", BF_CT_ST_RELATED},
		{"UNTRACKED", BF_CT_ST_UNTRACKED},
	};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strncasecmp(w, states[i].name, len))
			return states[i].bit;
	return 0;
}

/* state_parse_states: unlike --ctstate, an empty last word has its own
 * message, and SNAT/DNAT are not states here. */
static int state_words(const char *arg, uint16_t *mask)
{
	const char *comma;
	uint16_t bit;

	while ((comma = strchr(arg, ','))) {
		if (comma == arg || !(bit = state_word(arg, (size_t)(comma - arg))))
			return bf_err(-EINVAL, "Bad state \"%s\"", arg);
		*mask |= bit;
		arg = comma + 1;
	}
	if (!*arg)
		return bf_err(-EINVAL, "\"--state\" requires a list of states with no spaces, "
			      "e.g. ESTABLISHED,RELATED");
	bit = state_word(arg, strlen(arg));
	if (!bit)
		return bf_err(-EINVAL, "Bad state \"%s\"", arg);
	*mask |= bit;
	return 0;
}

static int state_parse(int opt, const char *arg, bool invert, void *data,
		       unsigned int *flags, const struct bf_ip *ip)
{
	struct bf_ct_info *info = data;
	uint16_t mask = 0;
	int err = bf_xt_opt_parse("state", state_opts, (unsigned int)opt, invert, flags);

	if (!err)
		err = state_words(arg, &mask);
	if (err)
		return err;
	info->match_flags = BF_CT_STATE | BF_CT_STATE_ALIAS;
	info->state_mask = mask;
	if (invert)
		info->invert_flags |= BF_CT_STATE;
	return 0;
}

static int state_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_xt_opt_fcheck("state", state_opts, flags);
}

static void state_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			bool numeric)
{
	bf_ct_dump(out, data, "", ip->family, numeric);
}

static void state_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct bf_ct_info *info = data;

	if (info->invert_flags & BF_CT_STATE)
		bf_strbuf_puts(out, " !");
	bf_strbuf_puts(out, " --state");
	/* The names without their leading space come after one space. */
	bf_ct_dump_states(out, info->state_mask);
}

static int state_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		   int no_match)
{
	return bf_ct_emit(cg, rule, data, no_match);
}

const struct bf_match_ops bf_match_state = {
	.name = "state",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct bf_ct_info),
	.options = state_options,
	.parse = state_parse,
	.final_check = state_final_check,
	.print = state_print,
	.save = state_save,
	.emit = state_emit,
	.reads_ct = true,
};
