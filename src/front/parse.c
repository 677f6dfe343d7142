/* The iptables (and ip6tables) command line, parsed and checked as
 * iptables-legacy 1.8.9 does it (its do_parse, then the checks of
 * do_command4), into a struct bf_command.
 *
 * Options are getopt_long tables. The options of an extension are merged
 * in behind the main ones when it is loaded (-m, -j, or implicitly by -p
 * when an unknown option shows up), the latest first, so that
 * abbreviations and ambiguities resolve exactly as in iptables. Each
 * message below is iptables' own; the order of the checks is iptables'
 * too. What needs the ruleset (does -j name a chain?) is left to
 * bf_command_exec, as iptables leaves it to after loading the table. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ext/ext.h"
#include "front/ext_services.h"
#include "front/front.h"
#include "front/internal.h"

/* iptables' CMD_* bits; cmd2char() maps a bit to its letter. */
enum {
	CMD_INSERT = 1 << 0,
	CMD_DELETE = 1 << 1,
	CMD_DELETE_NUM = 1 << 2,
	CMD_REPLACE = 1 << 3,
	CMD_APPEND = 1 << 4,
	CMD_LIST = 1 << 5,
	CMD_FLUSH = 1 << 6,
	CMD_ZERO = 1 << 7,
	CMD_NEW_CHAIN = 1 << 8,
	CMD_DELETE_CHAIN = 1 << 9,
	CMD_SET_POLICY = 1 << 10,
	CMD_RENAME_CHAIN = 1 << 11,
	CMD_LIST_RULES = 1 << 12,
	CMD_ZERO_NUM = 1 << 13,
	CMD_CHECK = 1 << 14,
};
static const char cmd_letters[] = "IDDRALFZNXPESZC";

/* iptables' OPT_* bits, their letters and the inversion each allows. */
enum {
	OPT_NUMERIC = 1 << 0,
	OPT_SOURCE = 1 << 1,
	OPT_DESTINATION = 1 << 2,
	OPT_PROTOCOL = 1 << 3,
	OPT_JUMP = 1 << 4,
	OPT_VERBOSE = 1 << 5,
	OPT_EXPANDED = 1 << 6,
	OPT_VIANAMEIN = 1 << 7,
	OPT_VIANAMEOUT = 1 << 8,
	OPT_LINENUMBERS = 1 << 9,
	OPT_COUNTERS = 1 << 10,
	OPT_FRAGMENT = 1 << 11,
	N_OPTS = 12,
};
static const char opt_letters[] = "nsdpjvxio0cf";
static const uint8_t opt_inversions[N_OPTS] = {
	0, BF_INV_SRCIP, BF_INV_DSTIP, BF_INV_PROTO, 0, 0, 0,
	BF_INV_VIA_IN, BF_INV_VIA_OUT, 0, 0, BF_INV_FRAG,
};

/* Which commands each option is legal with (any one of the given
 * commands makes it legal, so that -L -Z -n works). */
#define CMD_IDRAC (CMD_INSERT | CMD_DELETE | CMD_REPLACE | CMD_APPEND | CMD_CHECK)
static const unsigned int opt_commands[N_OPTS] = {
	CMD_LIST, CMD_IDRAC, CMD_IDRAC, CMD_IDRAC, CMD_IDRAC, UINT_MAX,
	CMD_LIST, CMD_IDRAC, CMD_IDRAC, CMD_LIST,
	CMD_INSERT | CMD_REPLACE | CMD_APPEND | CMD_SET_POLICY, CMD_IDRAC,
};

#define OPTSTRING "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x"

static const struct option main_options[] = {
	{"append", 1, NULL, 'A'},
	{"delete", 1, NULL, 'D'},
	{"check", 1, NULL, 'C'},
	{"insert", 1, NULL, 'I'},
	{"replace", 1, NULL, 'R'},
	{"list", 2, NULL, 'L'},
	{"list-rules", 2, NULL, 'S'},
	{"flush", 2, NULL, 'F'},
	{"zero", 2, NULL, 'Z'},
	{"new-chain", 1, NULL, 'N'},
	{"delete-chain", 2, NULL, 'X'},
	{"rename-chain", 1, NULL, 'E'},
	{"policy", 1, NULL, 'P'},
	{"source", 1, NULL, 's'},
	{"destination", 1, NULL, 'd'},
	{"src", 1, NULL, 's'},
	{"dst", 1, NULL, 'd'},
	{"protocol", 1, NULL, 'p'},
	{"in-interface", 1, NULL, 'i'},
	{"jump", 1, NULL, 'j'},
	{"table", 1, NULL, 't'},
	{"match", 1, NULL, 'm'},
	{"numeric", 0, NULL, 'n'},
	{"out-interface", 1, NULL, 'o'},
	{"verbose", 0, NULL, 'v'},
	{"wait", 2, NULL, 'w'},
	{"wait-interval", 2, NULL, 'W'},
	{"exact", 0, NULL, 'x'},
	{"fragments", 0, NULL, 'f'},
	{"version", 0, NULL, 'V'},
	{"help", 2, NULL, 'h'},
	{"line-numbers", 0, NULL, '0'},
	{"modprobe", 1, NULL, 'M'},
	{"set-counters", 1, NULL, 'c'},
	{"goto", 1, NULL, 'g'},
	{"ipv4", 0, NULL, '4'},
	{"ipv6", 0, NULL, '6'},
	/* bpfilter's: -L as JSON, for monitoring (-j stays the jump). */
	{"json", 0, NULL, 'J'},
	{NULL, 0, NULL, 0},
};

/* An extension's options get getopt values SET_SCALE * (set index + 1)
 * + own value, as iptables' option_offset. */
#define SET_SCALE 256
#define MAX_SETS 32
#define XT_EXTENSION_MAXNAMELEN BF_XT_NAMELEN

/* The options of one loaded extension: a match or the target. */
struct optset {
	const struct option *options;
	const struct bf_match_ops *match;
	const struct bf_target_ops *target;
};

/* getopt_long asks us to come back to the same argument. */
#define RETRY 1

struct parser {
	int argc;
	char **argv;
	enum bf_family family;
	bool restore;
	bool state; /* bpfilter's own state text */
	/* restore: the table so far; -j to one of its chains loads no
	 * extension (iptables-restore announces the chains it creates) */
	const struct bf_table *known;
	bool cut; /* restore: the line ended at -6 (-4) */
	unsigned int command;
	unsigned int options;
	bool invert;
	const char *chain;
	const char *newname;
	const char *policy;
	const char *table;
	bool table_set;
	const char *shost, *dhost;
	char *protocol; /* -p, lower-cased */
	bool proto_used; /* implicit loading of the -p match was tried */
	const char *jumpto;
	bool goto_set;
	unsigned int tflags; /* parse flags of the target extension */
	unsigned int rulenum;
	int wait;
	bool wait_interval_set;
	unsigned int wait_interval;
	unsigned long long pcnt, bcnt;
	int verbose;
	bool json;
	struct in_addr *saddrs, *smasks, *daddrs, *dmasks;
	struct in6_addr *saddrs6, *smasks6, *daddrs6, *dmasks6;
	size_t ns, nd;
	/* ip part, matches, target extension; addresses come later */
	struct bf_rule *tmpl;
	unsigned int *mflags; /* parse flags of tmpl->matches[i] */
	/* [MAX_SETS], n_sets of them used: outside the parser, which is
	 * zeroed for every line, while these need not be */
	struct optset *sets;
	size_t n_sets;
	const struct option *opts;
};

/* The getopt tables built for the extensions loaded, kept from one parse
 * to the next: a restore parses rule after rule with the same few
 * extensions, and building a table (over 1 KiB, which also makes malloc
 * consolidate its free lists) for each cost more than the parse itself.
 * A table depends only on the options of the sets, in order. The parser
 * is not reentrant anyway (getopt's globals). */
#define OPTS_CACHE 16
static struct opts_cache {
	const struct option *key[MAX_SETS];
	size_t n; /* 0: unused */
	struct option *opts;
} opts_cache[OPTS_CACHE];
static size_t opts_cache_next;

/* The parser an extension's parse runs under, for bf_ext_next_arg(). */
static struct parser *current;

const char *bf_ext_next_arg(void)
{
	const char *w;

	if (!current || optind >= current->argc)
		return NULL;
	w = current->argv[optind];
	if (w[0] == '-' || w[0] == '!')
		return NULL;
	optind++;
	return w;
}

static char cmd2char(unsigned int cmd)
{
	int i = 0;

	for (; cmd > 1; cmd >>= 1)
		i++;
	return cmd_letters[i];
}

static int opt_index(unsigned int opt)
{
	int i = 0;

	for (; opt > 1; opt >>= 1)
		i++;
	return i;
}

static bool has_arg(const struct parser *p)
{
	return optind < p->argc && p->argv[optind][0] != '-' &&
	       p->argv[optind][0] != '!';
}

static int add_command(struct parser *p, unsigned int cmd, unsigned int others)
{
	if (p->invert)
		return bf_err(-EINVAL, "unexpected '!' flag");
	if (p->command & ~others)
		return bf_err(-EINVAL, "Cannot use -%c with -%c", cmd2char(cmd),
			      cmd2char(p->command & ~others));
	p->command |= cmd;
	return 0;
}

static int set_option(struct parser *p, unsigned int opt)
{
	int i = opt_index(opt);

	if (p->options & opt)
		return bf_err(-EINVAL, "multiple -%c flags not allowed", opt_letters[i]);
	p->options |= opt;
	if (p->invert) {
		if (!opt_inversions[i])
			return bf_err(-EINVAL, "cannot have ! before -%c", opt_letters[i]);
		p->tmpl->ip.invflags |= opt_inversions[i];
	}
	return 0;
}

static int parse_rulenum(const char *s, unsigned int *num)
{
	if (!bf_front_strtoui(s, num, 1, INT_MAX))
		return bf_err(-EINVAL, "Invalid rule number `%s'", s);
	return 0;
}

/* Rebuilds the getopt table: main options first, then the options of
 * the extensions, the latest loaded first (xtables_merge_options). */
static int rebuild_options(struct parser *p)
{
	size_t n = sizeof(main_options) / sizeof(main_options[0]) - 1, k;
	struct opts_cache *e;
	struct option *opts;

	if (!p->n_sets) {
		p->opts = main_options;
		return 0;
	}
	for (e = opts_cache; e < opts_cache + OPTS_CACHE; e++) {
		size_t s = 0;

		while (s < p->n_sets && e->n == p->n_sets && e->key[s] == p->sets[s].options)
			s++;
		if (s == p->n_sets && e->n == p->n_sets) {
			p->opts = e->opts;
			return 0;
		}
	}
	for (size_t s = 0; s < p->n_sets; s++)
		for (const struct option *o = p->sets[s].options; o && o->name; o++)
			n++;
	opts = calloc(n + 1, sizeof(*opts));
	if (!opts)
		return -ENOMEM;
	memcpy(opts, main_options, sizeof(main_options) - sizeof(main_options[0]));
	k = sizeof(main_options) / sizeof(main_options[0]) - 1;
	for (size_t s = p->n_sets; s-- > 0;) {
		for (const struct option *o = p->sets[s].options; o && o->name; o++) {
			opts[k] = *o;
			opts[k].flag = NULL;
			opts[k].val = (int)(SET_SCALE * (s + 1)) + o->val;
			k++;
		}
	}
	/* getopt keeps no pointer into the table: the one replaced can go */
	e = &opts_cache[opts_cache_next++ % OPTS_CACHE];
	free(e->opts);
	e->opts = opts;
	e->n = p->n_sets;
	for (size_t s = 0; s < p->n_sets; s++)
		e->key[s] = p->sets[s].options;
	p->opts = opts;
	return 0;
}

/* Adds an instance of a match to the rule; its options go to the latest
 * instance of that match from now on, as in iptables. */
static int load_match(struct parser *p, const struct bf_match_ops *ops)
{
	unsigned int *mflags;
	size_t s;

	if (!bf_rule_add_match(p->tmpl, ops))
		return -ENOMEM;
	mflags = realloc(p->mflags, p->tmpl->n_matches * sizeof(*mflags));
	if (!mflags)
		return -ENOMEM;
	p->mflags = mflags;
	p->mflags[p->tmpl->n_matches - 1] = 0;
	for (s = 0; s < p->n_sets; s++)
		if (p->sets[s].match == ops)
			return 0;
	if (p->n_sets == MAX_SETS)
		return bf_err(-EINVAL, "too many matches");
	p->sets[p->n_sets++] = (struct optset){.options = ops->options, .match = ops};
	return rebuild_options(p);
}

static int load_target(struct parser *p, const struct bf_target_ops *ops)
{
	if (bf_rule_set_target_ext(p->tmpl, ops))
		return -ENOMEM;
	if (p->n_sets == MAX_SETS)
		return bf_err(-EINVAL, "too many matches");
	p->sets[p->n_sets++] = (struct optset){.options = ops->options, .target = ops};
	return rebuild_options(p);
}

static int command_match(struct parser *p, const char *name)
{
	const struct bf_match_ops *ops;

	if (p->invert)
		return bf_err(-EINVAL, "unexpected ! flag before --match");
	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return bf_err(-EINVAL, "Invalid match name \"%s\" (%u chars max)",
			      name, XT_EXTENSION_MAXNAMELEN - 1);
	name = bf_front_match_alias(name);
	ops = bf_match_ops_find(name, p->family);
	if (ops)
		return load_match(p, ops);
	if (bf_front_iptables_has_match(name, p->family))
		return bf_err(-EINVAL, "match `%s' is not supported by bpfilter", name);
	return bf_err(-EINVAL, "Couldn't load match `%s':No such file or directory\n", name);
}

/* xt_parse_target. The state text may name any chain -E can make: a
 * jump follows its chain through a rename, whatever the new name. */
static int parse_target_name(const struct parser *p, const char *name)
{
	if (p->state && strlen(name) <= BF_CHAIN_MAXNAMELEN)
		return 0;
	if (!*name)
		return bf_err(-EINVAL, "Invalid target name (too short)");
	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return bf_err(-EINVAL, "Invalid target name `%s' (%u chars max)",
			      name, XT_EXTENSION_MAXNAMELEN - 1);
	for (const char *c = name; *c; c++)
		if (isspace((unsigned char)*c))
			return bf_err(-EINVAL, "Invalid target name `%s'", name);
	return 0;
}

/* -j: a verdict, an extension (loaded now, with its options), or else
 * a chain's name, which only the table can tell. */
static int command_jump(struct parser *p, const char *name)
{
	const struct bf_target_ops *ops;
	enum bf_verdict v;
	int err = parse_target_name(p, name);

	if (err)
		return err;
	p->jumpto = name;
	if (!bf_verdict_by_name(name, &v) || (p->known && bf_table_chain(p->known, name)))
		return 0;
	ops = bf_target_ops_find(name, p->family);
	if (ops)
		return load_target(p, ops);
	/* A target bpfilter lacks fails here, before its options would. */
	if (bf_front_iptables_has_target(name, p->family))
		return bf_err(-EINVAL, "target `%s' is not supported by bpfilter", name);
	return 0;
}

/* xtables_parse_interface. Warnings were given when the rule was made:
 * reading the state again says nothing. */
static int parse_interface(const struct parser *p, const char *arg, char iface[BF_IFNAMSIZ])
{
	size_t len = strlen(arg);

	if (len + 1 > BF_IFNAMSIZ)
		return bf_err(-EINVAL, "interface name `%s' must be shorter than IFNAMSIZ (%i)",
			      arg, BF_IFNAMSIZ - 1);
	memset(iface, 0, BF_IFNAMSIZ);
	memcpy(iface, arg, len);
	if (len && arg[len - 1] != '+' && strpbrk(arg, "/ ") && !p->state)
		bf_log(BF_LOG_WARN, "Warning: weird character in interface `%s' "
		       "('/' and ' ' are not allowed by the kernel).", arg);
	return 0;
}

static int parse_wait(struct parser *p)
{
	const char *arg;
	int wait = -1;

	if (p->restore)
		return bf_err(-EINVAL, "You cannot use `-w' from bpfilter restore");
	arg = optarg ? optarg : has_arg(p) ? p->argv[optind++] : NULL;
	if (arg && sscanf(arg, "%i", &wait) != 1)
		return bf_err(-EINVAL, "wait seconds not numeric");
	p->wait = wait;
	return 0;
}

static int parse_wait_interval(struct parser *p)
{
	const char *arg;
	unsigned int usec;

	if (p->restore)
		return bf_err(-EINVAL, "You cannot use `-W' from bpfilter restore");
	arg = optarg ? optarg : has_arg(p) ? p->argv[optind++] : NULL;
	if (!arg)
		return bf_err(-EINVAL, "wait interval value required");
	if (sscanf(arg, "%u", &usec) != 1)
		return bf_err(-EINVAL, "wait interval not numeric");
	if (usec > 999999)
		return bf_err(-EINVAL, "too long usec wait %u > 999999 usec", usec);
	p->wait_interval = usec;
	p->wait_interval_set = true;
	return 0;
}

/* sscanf(s, "%llu", v) == 1, without sscanf for plain digits (the state
 * text has "-c P B" on every rule): up to 19 digits cannot overflow, and
 * sscanf ignores what follows them too. */
static bool scan_ull(const char *s, unsigned long long *v)
{
	unsigned long long n = 0;
	const char *c = s;

	while (*c >= '0' && *c <= '9' && c - s < 19)
		n = n * 10 + (unsigned long long)(*c++ - '0');
	if (c == s || (*c >= '0' && *c <= '9'))
		return sscanf(s, "%llu", v) == 1;
	*v = n;
	return true;
}

/* snprintf(dst, size, "%s", src) without the formatting machinery. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int parse_counters(struct parser *p)
{
	const char *pcnt = optarg, *bcnt;
	int err = set_option(p, OPT_COUNTERS);

	if (err)
		return err;
	/* iptables looks for the comma after the first character. */
	bcnt = *pcnt ? strchr(pcnt + 1, ',') : NULL;
	if (bcnt)
		bcnt++;
	else if (has_arg(p))
		bcnt = p->argv[optind++];
	if (!bcnt)
		return bf_err(-EINVAL, "-c requires packet and byte counter");
	if (!scan_ull(pcnt, &p->pcnt))
		return bf_err(-EINVAL, "-c packet counter not numeric");
	if (!scan_ull(bcnt, &p->bcnt))
		return bf_err(-EINVAL, "-c byte counter not numeric");
	return 0;
}

static int parse_protocol(struct parser *p, const char *arg)
{
	int err = set_option(p, OPT_PROTOCOL);

	if (err)
		return err;
	free(p->protocol);
	p->protocol = strdup(arg);
	if (!p->protocol)
		return -ENOMEM;
	for (char *c = p->protocol; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	err = bf_front_parse_proto(p->protocol, &p->tmpl->ip.proto);
	if (err)
		return err;
	if (!p->tmpl->ip.proto && (p->tmpl->ip.invflags & BF_INV_PROTO))
		return bf_err(-EINVAL, "rule would never match protocol");
	if (p->family != BF_FAMILY_IPV6)
		return 0;
	p->tmpl->ip.flags |= BF_F_PROTO;
	/* Extension headers are never the upper-layer protocol. */
	switch (p->tmpl->ip.proto) {
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_DSTOPTS:
		if (!(p->tmpl->ip.invflags & BF_INV_PROTO) && !p->state)
			bf_log(BF_LOG_WARN, "Warning: never matched protocol: %s. "
			       "use extension match instead.", p->protocol);
		break;
	}
	return 0;
}

static int ext_option(struct parser *p, int c)
{
	const struct optset *set = &p->sets[c / SET_SCALE - 1];
	const struct bf_match_ops *ops = set->match;
	size_t i = p->tmpl->n_matches;
	int err;

	current = p;
	if (set->target) {
		err = set->target->parse(c % SET_SCALE, optarg, p->invert, p->tmpl->target.data,
					 &p->tflags, &p->tmpl->ip);
	} else {
		while (i-- > 0)
			if (p->tmpl->matches[i].ops == ops)
				break;
		err = ops->parse(c % SET_SCALE, optarg, p->invert, p->tmpl->matches[i].data,
				 &p->mflags[i], &p->tmpl->ip);
	}
	current = NULL;
	return err;
}

/* iptables' command_default(): an option of a loaded match, else load
 * the match of -p and try again (once), else an error. */
static int command_default(struct parser *p, int c)
{
	const char *name = NULL, *bad;
	char buf[64], optbuf[3] = {'-', (char)optopt, '\0'};

	if (c >= SET_SCALE)
		return ext_option(p, c);
	if (p->protocol && !p->proto_used) {
		const struct bf_match_ops *ops;
		bool loaded = false;

		p->proto_used = true;
		name = bf_front_proto_match_name(p->protocol, buf, sizeof(buf));
		if (name)
			name = bf_front_match_alias(name);
		ops = name ? bf_match_ops_find(name, p->family) : NULL;
		for (size_t s = 0; ops && s < p->n_sets; s++)
			loaded |= p->sets[s].match == ops;
		if (ops && !loaded) {
			int err = load_match(p, ops);

			if (err)
				return err;
			optind--;
			return RETRY;
		}
		if (!ops && !(name && bf_front_iptables_has_match(name, p->family)))
			name = NULL;
	}
	if (c == ':')
		return bf_err(-EINVAL, "option \"%s\" requires an argument",
			      p->argv[optind - 1]);
	bad = optopt ? optbuf : p->argv[optind - 1];
	if (c == '?' && name && !bf_match_ops_find(name, p->family))
		return bf_err(-EINVAL, "unknown option \"%s\" (the %s match is not "
			      "supported by bpfilter)", bad, name);
	if (c == '?')
		return bf_err(-EINVAL, "unknown option \"%s\"", bad);
	return bf_err(-EINVAL, "Unknown arg \"%s\"", optarg ? optarg : "(null)");
}

/* The chain argument of -L/-S/-F/-Z/-X: attached, or the next word. */
static void optional_chain(struct parser *p)
{
	if (optarg)
		p->chain = optarg;
	else if (has_arg(p))
		p->chain = p->argv[optind++];
}

static int parse_option(struct parser *p, int c)
{
	/* 1.8.9 reads the argument of these from argv[optind - 1], so that
	 * an attached one ("-ptcp", "--jump=X") is taken whole. */
	const char *word = p->argv[optind - 1];
	int err = 0;

	switch (c) {
	case 'A':
		err = add_command(p, CMD_APPEND, 0);
		p->chain = optarg;
		break;
	case 'C':
		err = add_command(p, CMD_CHECK, 0);
		p->chain = optarg;
		break;
	case 'D':
		err = add_command(p, CMD_DELETE, 0);
		p->chain = optarg;
		if (!err && has_arg(p)) {
			err = parse_rulenum(p->argv[optind++], &p->rulenum);
			p->command = CMD_DELETE_NUM;
		}
		break;
	case 'R':
		err = add_command(p, CMD_REPLACE, 0);
		p->chain = optarg;
		if (!err && has_arg(p))
			err = parse_rulenum(p->argv[optind++], &p->rulenum);
		else if (!err)
			err = bf_err(-EINVAL, "-R requires a rule number");
		break;
	case 'I':
		err = add_command(p, CMD_INSERT, 0);
		p->chain = optarg;
		p->rulenum = 1;
		if (!err && has_arg(p))
			err = parse_rulenum(p->argv[optind++], &p->rulenum);
		break;
	case 'L':
		err = add_command(p, CMD_LIST, CMD_ZERO | CMD_ZERO_NUM);
		optional_chain(p);
		if (!err && has_arg(p))
			err = parse_rulenum(p->argv[optind++], &p->rulenum);
		break;
	case 'S':
		err = add_command(p, CMD_LIST_RULES, CMD_ZERO | CMD_ZERO_NUM);
		optional_chain(p);
		if (!err && has_arg(p))
			err = parse_rulenum(p->argv[optind++], &p->rulenum);
		break;
	case 'F':
		err = add_command(p, CMD_FLUSH, 0);
		optional_chain(p);
		break;
	case 'Z':
		err = add_command(p, CMD_ZERO, CMD_LIST | CMD_LIST_RULES);
		optional_chain(p);
		if (!err && has_arg(p)) {
			err = parse_rulenum(p->argv[optind++], &p->rulenum);
			p->command = CMD_ZERO_NUM;
		}
		break;
	case 'N':
		if (strlen(optarg) >= XT_EXTENSION_MAXNAMELEN)
			err = bf_err(-EINVAL, "chain name `%s' too long (must be under %u chars)",
				     optarg, XT_EXTENSION_MAXNAMELEN);
		else if (*optarg == '-' || *optarg == '!')
			err = bf_err(-EINVAL, "chain name not allowed to start with `%c'",
				     *optarg);
		else if (!*optarg || bf_front_iptables_has_target(optarg, p->family))
			err = bf_err(-EINVAL, "chain name may not clash with target name");
		else if (strpbrk(optarg, " \t\n\v\f\r"))
			err = bf_err(-EINVAL, "Invalid chain name `%s'", optarg);
		else
			err = add_command(p, CMD_NEW_CHAIN, 0);
		p->chain = optarg;
		break;
	case 'X':
		err = add_command(p, CMD_DELETE_CHAIN, 0);
		optional_chain(p);
		break;
	case 'E':
		err = add_command(p, CMD_RENAME_CHAIN, 0);
		p->chain = optarg;
		if (!err && has_arg(p))
			p->newname = p->argv[optind++];
		else if (!err)
			err = bf_err(-EINVAL, "-E requires old-chain-name and new-chain-name");
		break;
	case 'P':
		err = add_command(p, CMD_SET_POLICY, 0);
		p->chain = optarg;
		if (!err && has_arg(p))
			p->policy = p->argv[optind++];
		else if (!err)
			err = bf_err(-EINVAL, "-P requires a chain and a policy");
		break;
	case 'p':
		err = parse_protocol(p, word);
		break;
	case 's':
		err = set_option(p, OPT_SOURCE);
		p->shost = word;
		break;
	case 'd':
		err = set_option(p, OPT_DESTINATION);
		p->dhost = word;
		break;
	case 'g':
		err = set_option(p, OPT_JUMP);
		p->goto_set = true;
		if (!err)
			err = parse_target_name(p, optarg);
		p->jumpto = optarg;
		p->tmpl->ip.flags |= BF_F_GOTO;
		break;
	case 'j':
		err = set_option(p, OPT_JUMP);
		if (!err)
			err = command_jump(p, word);
		break;
	case 'i':
	case 'o':
		if (!*optarg)
			return bf_err(-EINVAL, "Empty interface is likely to be undesired");
		err = set_option(p, c == 'i' ? OPT_VIANAMEIN : OPT_VIANAMEOUT);
		if (!err)
			err = parse_interface(p, word, c == 'i' ? p->tmpl->ip.iniface
							     : p->tmpl->ip.outiface);
		break;
	case 'f':
		if (p->family == BF_FAMILY_IPV6)
			return bf_err(-EINVAL, "`-f' is not supported in IPv6, use -m frag instead");
		err = set_option(p, OPT_FRAGMENT);
		p->tmpl->ip.flags |= BF_F_FRAG;
		break;
	case 'v':
		if (!p->verbose)
			err = set_option(p, OPT_VERBOSE);
		p->verbose++;
		break;
	case 'm':
		err = command_match(p, optarg);
		break;
	case 'n':
		err = set_option(p, OPT_NUMERIC);
		break;
	case 't':
		if (p->invert)
			return bf_err(-EINVAL, "unexpected ! flag before --table");
		if (p->restore && p->table_set)
			return bf_err(-EINVAL, "The -t option cannot be used in bpfilter restore.\n");
		p->table = optarg;
		p->table_set = true;
		break;
	case 'x':
		err = set_option(p, OPT_EXPANDED);
		break;
	case 'w':
		err = parse_wait(p);
		break;
	case 'W':
		err = parse_wait_interval(p);
		break;
	case '0':
		err = set_option(p, OPT_LINENUMBERS);
		break;
	case 'M': /* --modprobe: nothing to load */
		break;
	case 'J':
		p->json = true;
		break;
	case 'c':
		err = parse_counters(p);
		break;
	default:
		err = command_default(p, c);
		break;
	}
	return err;
}

/* iptables' post_parse: the addresses (all of them, even for commands
 * that refuse -s/-d, which are told so only afterwards). */
static int parse_addresses(struct parser *p)
{
	bool rule_cmd = p->command & CMD_IDRAC, v6 = p->family == BF_FAMILY_IPV6;
	const char *any = v6 ? "::0/0" : "0.0.0.0/0";
	int err = 0;

	if (rule_cmd && !(p->options & OPT_SOURCE))
		p->shost = any;
	if (rule_cmd && !(p->options & OPT_DESTINATION))
		p->dhost = any;
	if (p->shost)
		err = v6 ? bf_front_parse_addrs6(p->shost, &p->saddrs6, &p->smasks6, &p->ns) :
			   bf_front_parse_addrs(p->shost, &p->saddrs, &p->smasks, &p->ns);
	if (!err && p->dhost)
		err = v6 ? bf_front_parse_addrs6(p->dhost, &p->daddrs6, &p->dmasks6, &p->nd) :
			   bf_front_parse_addrs(p->dhost, &p->daddrs, &p->dmasks, &p->nd);
	if (err)
		return err;
	if ((p->ns > 1 || p->nd > 1) &&
	    (p->tmpl->ip.invflags & (BF_INV_SRCIP | BF_INV_DSTIP)))
		return bf_err(-EINVAL, "! not allowed with multiple source or destination IP addresses");
	if (p->command == CMD_REPLACE && (p->ns != 1 || p->nd != 1))
		return bf_err(-EINVAL, "Replacement rule does not specify a unique address");
	return 0;
}

/* The target of the rules: a verdict, the extension loaded by -j, or a
 * chain by name (-g always names a chain, even "-g ACCEPT", which
 * bf_command_exec then refuses as iptables does). */
static void set_target(const struct parser *p, struct bf_rule *r)
{
	enum bf_verdict v;

	if (r->target.verdict == BF_VERDICT_EXT)
		return;
	r->target.verdict = BF_VERDICT_NONE;
	if (!p->jumpto)
		return;
	if (!p->goto_set && !bf_verdict_by_name(p->jumpto, &v)) {
		r->target.verdict = v;
		return;
	}
	r->target.verdict = BF_VERDICT_JUMP;
	copy_str(r->target.chain, sizeof(r->target.chain), p->jumpto);
}

/* One rule per source and destination address, in iptables' order. */
static int build_rules(struct parser *p, struct bf_command *cmd)
{
	if (!(p->command & CMD_IDRAC))
		return 0;
	set_target(p, p->tmpl);
	p->tmpl->counters.packets = p->pcnt;
	p->tmpl->counters.bytes = p->bcnt;
	p->tmpl->ip.family = (uint8_t)p->family;
	cmd->rules = calloc(p->ns * p->nd + 1, sizeof(*cmd->rules));
	if (!cmd->rules)
		return -ENOMEM;
	for (size_t i = 0; i < p->ns; i++) {
		for (size_t j = 0; j < p->nd; j++) {
			/* the last one takes the template itself: one clone less */
			bool last = i + 1 == p->ns && j + 1 == p->nd;
			struct bf_rule *r = last ? p->tmpl : bf_rule_clone(p->tmpl);

			if (last)
				p->tmpl = NULL;
			if (!r)
				return -ENOMEM;
			if (p->family == BF_FAMILY_IPV6) {
				r->ip.src6 = p->saddrs6[i];
				r->ip.smsk6 = p->smasks6[i];
				r->ip.dst6 = p->daddrs6[j];
				r->ip.dmsk6 = p->dmasks6[j];
			} else {
				r->ip.src = p->saddrs[i];
				r->ip.smsk = p->smasks[i];
				r->ip.dst = p->daddrs[j];
				r->ip.dmsk = p->dmasks[j];
			}
			cmd->rules[cmd->n_rules++] = r;
		}
	}
	return 0;
}

static int check_table(const char *name, enum bf_family family, enum bf_table_id *id)
{
	const char *prog = family == BF_FAMILY_IPV6 ? "ip6tables" : "iptables";

	static const char *const other_tables[] = {"nat", "mangle", "security", NULL};

	if (!bf_table_by_name(name, id))
		return 0;
	for (const char *const *t = other_tables; *t; t++)
		if (!strcmp(*t, name))
			return bf_err(-EINVAL, "table `%s' is not supported by bpfilter "
				      "(it serves the filter and raw tables)", name);
	/* iptables' VERSION_PROBLEM (exit 3). */
	return bf_err(-ENODEV, "can't initialize %s table `%s': Table does not exist "
		      "(do you need to insmod?)\nPerhaps %s or your kernel needs to be "
		      "upgraded.", prog, name, prog);
}

static enum bf_cmd bf_cmd_of(unsigned int command, bool *zero_too)
{
	*zero_too = command & (CMD_ZERO | CMD_ZERO_NUM);
	if (command & CMD_LIST)
		return BF_CMD_LIST;
	if (command & CMD_LIST_RULES)
		return BF_CMD_LIST_RULES;
	*zero_too = false;
	switch (command) {
	case CMD_APPEND: return BF_CMD_APPEND;
	case CMD_CHECK: return BF_CMD_CHECK;
	case CMD_DELETE:
	case CMD_DELETE_NUM: return BF_CMD_DELETE;
	case CMD_INSERT: return BF_CMD_INSERT;
	case CMD_REPLACE: return BF_CMD_REPLACE;
	case CMD_FLUSH: return BF_CMD_FLUSH;
	case CMD_ZERO:
	case CMD_ZERO_NUM: return BF_CMD_ZERO;
	case CMD_SET_POLICY: return BF_CMD_POLICY;
	case CMD_NEW_CHAIN: return BF_CMD_NEW_CHAIN;
	case CMD_DELETE_CHAIN: return BF_CMD_DELETE_CHAIN;
	case CMD_RENAME_CHAIN: return BF_CMD_RENAME_CHAIN;
	default: return BF_CMD_NONE;
	}
}

/* The command as parsed so far into cmd (no checks). */
static void fill_command(const struct parser *p, struct bf_command *cmd)
{
	cmd->cmd = bf_cmd_of(p->command, &cmd->zero_too);
	cmd->zero_one = cmd->zero_too && (p->command & CMD_ZERO_NUM);
	cmd->chain_given = p->chain != NULL;
	if (p->chain)
		copy_str(cmd->chain, sizeof(cmd->chain), p->chain);
	if (p->newname)
		copy_str(cmd->newname, sizeof(cmd->newname), p->newname);
	if (p->command & (CMD_DELETE_NUM | CMD_REPLACE | CMD_INSERT | CMD_LIST |
			  CMD_LIST_RULES | CMD_ZERO_NUM))
		cmd->rulenum = p->rulenum;
	/* Policies are ACCEPT or DROP only. */
	if (p->policy)
		cmd->bad_policy = bf_verdict_by_name(p->policy, &cmd->policy) ||
				  cmd->policy == BF_VERDICT_RETURN;
	if (p->command == CMD_SET_POLICY && (p->options & OPT_COUNTERS)) {
		cmd->set_counters = true;
		cmd->counters.packets = p->pcnt;
		cmd->counters.bytes = p->bcnt;
	}
	cmd->format = (p->options & OPT_NUMERIC ? BF_FMT_NUMERIC : 0) |
		      (p->options & OPT_VERBOSE ? BF_FMT_VERBOSE : 0) |
		      (p->options & OPT_EXPANDED ? BF_FMT_EXACT : 0) |
		      (p->options & OPT_LINENUMBERS ? BF_FMT_LINENUMBERS : 0) |
		      (p->json ? BF_FMT_JSON : 0);
	/* iptables: -w alone or a negative value waits forever, -w 0 or no
	 * -w does not wait. */
	cmd->wait_secs = p->wait < 0 ? 0 : p->wait == 0 ? -1 : p->wait;
	cmd->wait_interval_us = p->wait_interval;
	cmd->verbose = p->verbose;
}

/* iptables-restore met -6 (-4 for ip6tables): do_parse returns there, and
 * the command runs with what it has, without the checks that follow and
 * without addresses, so that a rule command acts on no rule. */
static int finish_cut(struct parser *p, struct bf_command *cmd)
{
	int err = check_table(p->table, p->family, &cmd->table);

	if (err)
		return err;
	fill_command(p, cmd);
	if (cmd->cmd == BF_CMD_REPLACE)
		cmd->cmd = BF_CMD_NONE; /* iptables-restore crashes on this one */
	if (!(p->command & CMD_IDRAC) || p->command == CMD_REPLACE)
		return 0;
	cmd->rules = calloc(1, sizeof(*cmd->rules));
	if (!cmd->rules)
		return -ENOMEM;
	/* The goto flag is set after the loop, so it is not set here: "-g X"
	 * is resolved as "-j X" would be. */
	p->goto_set = false;
	p->tmpl->ip.flags &= (uint8_t)~BF_F_GOTO;
	set_target(p, p->tmpl);
	p->tmpl->ip.family = (uint8_t)p->family;
	cmd->rules[0] = bf_rule_clone(p->tmpl);
	if (!cmd->rules[0])
		return -ENOMEM;
	cmd->n_rules = 1;
	cmd->rules_skipped = true;
	return 0;
}

/* Everything iptables checks once the options are read, in its order. */
static int finish(struct parser *p, struct bf_command *cmd)
{
	bool rule_cmd;
	int err;

	if (p->cut)
		return finish_cut(p, cmd);
	if (p->json && p->command != CMD_LIST)
		return bf_err(-EINVAL, "--json goes with -L only");
	if (!p->wait && p->wait_interval_set)
		return bf_err(-EINVAL, "--wait-interval only makes sense with --wait\n");
	for (size_t i = 0; i < p->tmpl->n_matches; i++) {
		const struct bf_match *m = &p->tmpl->matches[i];

		if (m->ops->final_check &&
		    (err = m->ops->final_check(m->data, p->mflags[i], &p->tmpl->ip)))
			return err;
	}
	if (p->tmpl->target.verdict == BF_VERDICT_EXT) {
		const struct bf_target_ops *ops = p->tmpl->target.ops;

		if (ops->final_check &&
		    (err = ops->final_check(p->tmpl->target.data, p->tflags, &p->tmpl->ip)))
			return err;
	}
	if (optind < p->argc)
		return bf_err(-EINVAL, "unknown arguments found on commandline");
	if (!p->command)
		return bf_err(-EINVAL, "no command specified");
	if (p->invert)
		return bf_err(-EINVAL, "nothing appropriate following !");
	err = parse_addresses(p);
	if (err)
		return err;
	for (int i = 0; i < N_OPTS; i++)
		if ((p->options & (1u << i)) && !(opt_commands[i] & p->command))
			return bf_err(-EINVAL, "Illegal option `-%c' with this command",
				      opt_letters[i]);
	/* -E can give a chain one more character, which the state keeps. */
	if (p->chain && strlen(p->chain) >= XT_EXTENSION_MAXNAMELEN + (size_t)p->state)
		return bf_err(-EINVAL, "chain name `%s' too long (must be under %u chars)",
			      p->chain, XT_EXTENSION_MAXNAMELEN);
	rule_cmd = p->command == CMD_APPEND || p->command == CMD_DELETE ||
		   p->command == CMD_CHECK || p->command == CMD_INSERT ||
		   p->command == CMD_REPLACE;
	if (rule_cmd && (!strcmp(p->chain, "PREROUTING") || !strcmp(p->chain, "INPUT")) &&
	    (p->options & OPT_VIANAMEOUT))
		return bf_err(-EINVAL, "Can't use -o with %s\n", p->chain);
	if (rule_cmd && (!strcmp(p->chain, "POSTROUTING") || !strcmp(p->chain, "OUTPUT")) &&
	    (p->options & OPT_VIANAMEIN))
		return bf_err(-EINVAL, "Can't use -i with %s\n", p->chain);
	err = check_table(p->table, p->family, &cmd->table);
	if (!err)
		err = build_rules(p, cmd);
	if (err)
		return err;
	fill_command(p, cmd);
	return 0;
}

/* -4 / -6: the family's own is a no-op; the other one is an error that
 * iptables reports with its "Try" line only, except in iptables-restore,
 * which ends the line there. */
static int family_option(struct parser *p, int c)
{
	if ((c == '4') == (p->family == BF_FAMILY_IPV4))
		return 0;
	if (p->restore) {
		p->cut = true;
		return 0;
	}
	return -EINVAL;
}

int bf_front_parse(int argc, char **argv, enum bf_family family, struct bf_command *cmd,
		   unsigned int mode, const struct bf_table *known)
{
	struct optset sets[MAX_SETS];
	struct parser p = {
		.sets = sets,
		.argc = argc,
		.argv = argv,
		.family = family,
		.known = known,
		.restore = mode & (BF_PARSE_RESTORE | BF_PARSE_STATE),
		.state = mode & BF_PARSE_STATE,
		.table = "filter",
	};
	int c, err = 0;

	*cmd = (struct bf_command){.wait_secs = -1};
	p.tmpl = bf_rule_new();
	if (!p.tmpl || rebuild_options(&p)) {
		err = -ENOMEM;
		goto out;
	}
	p.tmpl->ip.family = (uint8_t)family;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, p.opts, NULL)) != -1) {
		if (c == 1 && !strcmp(optarg, "!")) {
			if (p.invert) {
				err = bf_err(-EINVAL, "multiple consecutive ! not allowed");
				goto out;
			}
			p.invert = true;
			continue;
		}
		if (c == 1) {
			err = bf_err(-EINVAL, "Bad argument `%s'", optarg);
			goto out;
		}
		if (c == 'h' || c == 'V') {
			cmd->cmd = c == 'h' ? BF_CMD_HELP : BF_CMD_VERSION;
			goto out;
		}
		if (c == '4' || c == '6') {
			err = family_option(&p, c);
			if (err || p.cut)
				break;
			p.invert = false;
			continue;
		}
		err = parse_option(&p, c);
		if (err == RETRY) {
			err = 0;
			continue;
		}
		if (err)
			goto out;
		p.invert = false;
	}
	if (!err)
		err = finish(&p, cmd);
out:
	if (err)
		bf_command_free(cmd);
	free(p.mflags);
	free(p.saddrs);
	free(p.smasks);
	free(p.daddrs);
	free(p.dmasks);
	free(p.saddrs6);
	free(p.smasks6);
	free(p.daddrs6);
	free(p.dmasks6);
	free(p.protocol);
	bf_rule_free(p.tmpl);
	return err;
}

int bf_command_parse(int argc, char **argv, struct bf_command *cmd)
{
	return bf_front_parse(argc, argv, BF_FAMILY_IPV4, cmd, 0, NULL);
}

int bf_command_parse_family(int argc, char **argv, enum bf_family family,
			    struct bf_command *cmd)
{
	return bf_front_parse(argc, argv, family, cmd, 0, NULL);
}

void bf_command_free(struct bf_command *cmd)
{
	for (size_t i = 0; i < cmd->n_rules; i++)
		bf_rule_free(cmd->rules[i]);
	free(cmd->rules);
	cmd->rules = NULL;
	cmd->n_rules = 0;
	cmd->rules_skipped = false;
}
