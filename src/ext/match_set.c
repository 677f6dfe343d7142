/* -m set: membership in an ipset, as libxt_set revision 4 and xt_set.
 * As iptables, the set must exist in the kernel (looked up by name in the
 * current network namespace) when the rule is parsed. Not compiled: XDP
 * cannot read ipsets. */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_ipset.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

#define SET_DIM_MAX 6 /* IPSET_DIM_MAX */
#define SET_NFPROTO_UNSPEC 0
#define SET_NFPROTO_IPV4 2
#define SET_NFPROTO_IPV6 10

/* flags: bit 0 inverts, bit i (1..dim) makes dimension i "src". */
#define SET_INV_MATCH 0x01
/* match_flags, as IPSET_FLAG_* (their bit numbers) */
#define SET_RETURN_NOMATCH (1u << 7)
#define SET_SKIP_COUNTER_UPDATE (1u << 8)
#define SET_SKIP_SUBCOUNTER_UPDATE (1u << 9)

enum { CNT_NONE, CNT_EQ, CNT_NE, CNT_LT, CNT_GT }; /* IPSET_COUNTER_* */

struct set_counter {
	uint64_t value;
	uint8_t op;
};

struct match_set {
	/* The name, where the kernel keeps the set's index: iptables-save
	 * prints the name of the set at that index. */
	char name[BF_SF_IPSET_MAXNAMELEN];
	uint8_t dim;
	uint8_t flags;
	uint32_t match_flags;
	struct set_counter packets, bytes;
};

enum {
	O_MATCH_SET, O_SET, O_RETURN_NOMATCH, O_UPDATE_COUNTERS, O_PACKETS_EQ,
	O_PACKETS_LT, O_PACKETS_GT, O_BYTES_EQ, O_BYTES_LT, O_BYTES_GT,
	O_UPDATE_SUBCOUNTERS,
};

static const struct option set_options[] = {
	{.name = "match-set", .has_arg = 1, .val = O_MATCH_SET},
	{.name = "set", .has_arg = 1, .val = O_SET},
	{.name = "return-nomatch", .has_arg = 0, .val = O_RETURN_NOMATCH},
	{.name = "update-counters", .has_arg = 0, .val = O_UPDATE_COUNTERS},
	{.name = "packets-eq", .has_arg = 1, .val = O_PACKETS_EQ},
	{.name = "packets-lt", .has_arg = 1, .val = O_PACKETS_LT},
	{.name = "packets-gt", .has_arg = 1, .val = O_PACKETS_GT},
	{.name = "bytes-eq", .has_arg = 1, .val = O_BYTES_EQ},
	{.name = "bytes-lt", .has_arg = 1, .val = O_BYTES_LT},
	{.name = "bytes-gt", .has_arg = 1, .val = O_BYTES_GT},
	{.name = "update-subcounters", .has_arg = 0, .val = O_UPDATE_SUBCOUNTERS},
	{0},
};

/* The second word of --match-set, from the front end's parser (see
 * front/ext_services.h); weak so that the extension links without it. */
extern const char *bf_ext_next_arg(void) __attribute__((weak));

/* parse_dirs: "src,dst,..." (only the first three letters count). */
static int set_parse_dirs(struct match_set *m, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');

		if (++m->dim > SET_DIM_MAX)
			return bf_err(-EINVAL, "Can't be more src/dst options than %d.",
				      SET_DIM_MAX);
		if (!strncmp(p, "src", 3))
			m->flags |= (uint8_t)(1u << m->dim);
		else if (strncmp(p, "dst", 3))
			return bf_err(-EINVAL, "You must spefify (the comma separated list of) "
				      "'src' or 'dst'.");
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int set_parse_match_set(struct match_set *m, const char *name, bool invert,
			       const struct bf_ip *ip)
{
	unsigned int family;
	const char *dirs;
	int err;

	if (m->dim)
		return bf_err(-EINVAL, "--match-set can be specified only once");
	if (invert)
		m->flags |= SET_INV_MATCH;
	dirs = bf_ext_next_arg ? bf_ext_next_arg() : NULL;
	if (!dirs)
		return bf_err(-EINVAL, "--match-set requires two args.");
	if (strlen(name) > BF_SF_IPSET_MAXNAMELEN - 1)
		return bf_err(-EINVAL, "setname `%s' too long, max %d characters.", name,
			      BF_SF_IPSET_MAXNAMELEN - 1);
	err = bf_sf_ipset_family(name, &family);
	if (err)
		return err;
	if (family != SET_NFPROTO_UNSPEC &&
	    family != (ip->family == BF_FAMILY_IPV6 ? SET_NFPROTO_IPV6 : SET_NFPROTO_IPV4))
		return bf_err(-EINVAL, "The protocol family of set %s is %s, which is not "
			      "applicable.\n", name, family == SET_NFPROTO_IPV4 ? "IPv4" : "IPv6");
	strcpy(m->name, name);
	return set_parse_dirs(m, dirs);
}

static int set_parse_counter(struct set_counter *c, const char *what, const char *cmp,
			     const char *arg, bool invert)
{
	uintmax_t v;

	if (c->op != CNT_NONE)
		return bf_err(-EINVAL, "only one of the --%s-[eq|lt|gt] is allowed", what);
	if (invert && strcmp(cmp, "eq"))
		return bf_err(-EINVAL, "--%s-%s option cannot be inverted", what, cmp);
	if (!bf_xt_strtoul(arg, NULL, &v, 0, UINT64_MAX))
		return bf_err(-EINVAL, "Cannot parse %s as a counter value", arg);
	c->op = !strcmp(cmp, "eq") ? (invert ? CNT_NE : CNT_EQ) :
		!strcmp(cmp, "lt") ? CNT_LT : CNT_GT;
	c->value = v;
	return 0;
}

/* libxt_set parses the old way: no generic checks, options other than
 * --match-set and the counter tests may repeat, and "--update-counters"
 * without "!" does nothing. */
static int set_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_set *m = data;

	switch (opt) {
	case O_SET:
		bf_log(BF_LOG_WARN, "--set option deprecated, please use --match-set");
		/* fall through */
	case O_MATCH_SET:
		*flags = 1;
		return set_parse_match_set(m, arg, invert, ip);
	case O_RETURN_NOMATCH:
		if (invert)
			return bf_err(-EINVAL, "--return-nomatch flag cannot be inverted");
		m->match_flags |= SET_RETURN_NOMATCH;
		return 0;
	case O_UPDATE_COUNTERS:
		if (invert)
			m->match_flags |= SET_SKIP_COUNTER_UPDATE;
		return 0;
	case O_UPDATE_SUBCOUNTERS:
		if (invert)
			m->match_flags |= SET_SKIP_SUBCOUNTER_UPDATE;
		return 0;
	case O_PACKETS_EQ:
		return set_parse_counter(&m->packets, "packets", "eq", arg, invert);
	case O_PACKETS_LT:
		return set_parse_counter(&m->packets, "packets", "lt", arg, invert);
	case O_PACKETS_GT:
		return set_parse_counter(&m->packets, "packets", "gt", arg, invert);
	case O_BYTES_EQ:
		return set_parse_counter(&m->bytes, "bytes", "eq", arg, invert);
	case O_BYTES_LT:
		return set_parse_counter(&m->bytes, "bytes", "lt", arg, invert);
	case O_BYTES_GT:
		return set_parse_counter(&m->bytes, "bytes", "gt", arg, invert);
	}
	return 0;
}

static int set_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	if (!flags)
		return bf_err(-EINVAL, "You must specify `--match-set' with proper arguments");
	return 0;
}

static void set_counter_dump(struct bf_strbuf *out, const struct set_counter *c,
			     const char *name, const char *sep)
{
	static const char *const ops[] = {
		[CNT_EQ] = "eq", [CNT_NE] = "eq", [CNT_LT] = "lt", [CNT_GT] = "gt",
	};

	if (c->op == CNT_NONE || c->op > CNT_GT)
		return;
	bf_strbuf_printf(out, "%s %s%s-%s %llu", c->op == CNT_NE ? " !" : "", sep, name,
			 ops[c->op], (unsigned long long)c->value);
}

static void set_dump(struct bf_strbuf *out, const struct match_set *m, const char *opt,
		     const char *sep)
{
	bf_strbuf_printf(out, "%s %s", m->flags & SET_INV_MATCH ? " !" : "", opt);
	if (*sep)
		bf_sf_save_word(out, m->name, BF_SF_IPSET_MAXNAMELEN);
	else
		bf_strbuf_printf(out, " %.*s", BF_SF_IPSET_MAXNAMELEN, m->name);
	for (unsigned int i = 1; i <= m->dim; i++)
		bf_strbuf_printf(out, "%s%s", i == 1 ? " " : ",",
				 m->flags & (1u << i) ? "src" : "dst");
	if (m->match_flags & SET_RETURN_NOMATCH)
		bf_strbuf_printf(out, " %sreturn-nomatch", sep);
	if (m->match_flags & SET_SKIP_COUNTER_UPDATE)
		bf_strbuf_printf(out, " ! %supdate-counters", sep);
	if (m->match_flags & SET_SKIP_SUBCOUNTER_UPDATE)
		bf_strbuf_printf(out, " ! %supdate-subcounters", sep);
	set_counter_dump(out, &m->packets, "packets", sep);
	set_counter_dump(out, &m->bytes, "bytes", sep);
}

static void set_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	set_dump(out, data, "match-set", "");
}

static void set_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	set_dump(out, data, "--match-set", "--");
}

const struct bf_match_ops bf_match_set = {
	.name = "set",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_set),
	.options = set_options,
	.parse = set_parse,
	.final_check = set_final_check,
	.print = set_print,
	.save = set_save,
};
