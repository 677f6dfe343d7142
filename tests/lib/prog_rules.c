#include "prog_rules.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "ext/ext.h"
#include "front/front.h"
#include "front_util.h"

static size_t chain_idx(const struct bf_ruleset *rs, enum bf_table_id t, const char *name)
{
	const struct bf_table *tb = &rs->tables[t];

	for (size_t i = 0; i < tb->n_chains; i++)
		if (!strcmp(tb->chains[i]->name, name))
			return i;
	abort();
}

#define input_idx(rs) chain_idx(rs, BF_TABLE_FILTER, "INPUT")
#define prerouting_idx(rs) chain_idx(rs, BF_TABLE_RAW, "PREROUTING")

struct bf_chain *prog_input(const struct bf_ruleset *rs)
{
	return rs->tables[BF_TABLE_FILTER].chains[input_idx(rs)];
}

int prog_rule_slot(const struct bf_ruleset *rs, size_t rule_idx)
{
	return bf_rule_slot(rs, BF_TABLE_FILTER, input_idx(rs), rule_idx);
}

int prog_policy_slot(const struct bf_ruleset *rs)
{
	return bf_policy_slot(rs, BF_TABLE_FILTER, input_idx(rs));
}

int prog_raw_rule_slot(const struct bf_ruleset *rs, size_t rule_idx)
{
	return bf_rule_slot(rs, BF_TABLE_RAW, prerouting_idx(rs), rule_idx);
}

int prog_raw_policy_slot(const struct bf_ruleset *rs)
{
	return bf_policy_slot(rs, BF_TABLE_RAW, prerouting_idx(rs));
}

static bool parse_addr(const char *arg, struct in_addr *addr, struct in_addr *msk)
{
	char buf[64];
	char *slash;
	long len = 32;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		len = strtol(slash + 1, NULL, 10);
	}
	if (inet_pton(AF_INET, buf, addr) != 1 || len < 0 || len > 32)
		return false;
	msk->s_addr = len ? htonl(0xffffffffu << (32 - len)) : 0;
	addr->s_addr &= msk->s_addr;
	return true;
}

static bool parse_proto(const char *arg, uint16_t *proto)
{
	static const struct { const char *name; uint16_t num; } names[] = {
		{"all", 0}, {"tcp", 6}, {"udp", 17}, {"icmp", 1},
	};
	char *end;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i].name)) {
			*proto = names[i].num;
			return true;
		}
	}
	*proto = (uint16_t)strtoul(arg, &end, 10);
	return !*end;
}

/* --sport/--dport through the extension of the rule's protocol. */
static bool add_port(struct bf_rule *r, const char *opt, const char *arg, bool inv)
{
	const char *proto = r->ip.proto == 6 ? "tcp" : r->ip.proto == 17 ? "udp" : NULL;
	const struct bf_match_ops *ops = proto ? bf_match_ops_find(proto, BF_FAMILY_IPV4) : NULL;
	struct bf_match *m;
	unsigned int flags = 0;

	if (!ops)
		return false;
	m = bf_rule_find_match(r, proto);
	if (!m)
		m = bf_rule_add_match(r, ops);
	if (!m)
		return false;
	/* Options already given: their bits, so repeats are refused. */
	for (const struct option *o = ops->options; o->name; o++) {
		if (strcmp(o->name, opt))
			continue;
		return !ops->parse(o->val, arg, inv, m->data, &flags, &r->ip);
	}
	return false;
}

struct bf_rule *prog_rule(const char *spec)
{
	struct bf_rule *r = bf_rule_new();
	char *copy = strdup(spec), *save = NULL, *tok;
	bool inv = false, ok = r && copy;

	for (tok = strtok_r(copy, " ", &save); ok && tok; tok = strtok_r(NULL, " ", &save)) {
		char *arg = NULL;

		if (!strcmp(tok, "!")) {
			inv = true;
			continue;
		}
		if (strcmp(tok, "-f")) {
			arg = strtok_r(NULL, " ", &save);
			if (!arg) {
				ok = false;
				break;
			}
		}
		if (!strcmp(tok, "-s")) {
			ok = parse_addr(arg, &r->ip.src, &r->ip.smsk);
			r->ip.invflags |= inv ? BF_INV_SRCIP : 0;
		} else if (!strcmp(tok, "-d")) {
			ok = parse_addr(arg, &r->ip.dst, &r->ip.dmsk);
			r->ip.invflags |= inv ? BF_INV_DSTIP : 0;
		} else if (!strcmp(tok, "-p")) {
			ok = parse_proto(arg, &r->ip.proto);
			r->ip.invflags |= inv ? BF_INV_PROTO : 0;
		} else if (!strcmp(tok, "-i")) {
			snprintf(r->ip.iniface, sizeof(r->ip.iniface), "%s", arg);
			r->ip.invflags |= inv ? BF_INV_VIA_IN : 0;
		} else if (!strcmp(tok, "-o")) {
			snprintf(r->ip.outiface, sizeof(r->ip.outiface), "%s", arg);
			r->ip.invflags |= inv ? BF_INV_VIA_OUT : 0;
		} else if (!strcmp(tok, "-f")) {
			r->ip.flags |= BF_F_FRAG;
			r->ip.invflags |= inv ? BF_INV_FRAG : 0;
		} else if (!strcmp(tok, "--sport") || !strcmp(tok, "--dport")) {
			ok = add_port(r, tok + 2, arg, inv);
		} else if (!strcmp(tok, "-j")) {
			ok = !bf_verdict_by_name(arg, &r->target.verdict);
		} else {
			ok = false;
		}
		inv = false;
	}
	free(copy);
	if (!ok) {
		bf_rule_free(r);
		return NULL;
	}
	return r;
}

static struct bf_ruleset *ruleset_in(enum bf_table_id t, const char *chain,
				     enum bf_verdict policy, const char *const *rules)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	struct bf_chain *c;

	if (!rs)
		abort();
	rs->tables[t].present = true;
	c = rs->tables[t].chains[chain_idx(rs, t, chain)];
	c->policy = policy;
	for (size_t i = 0; rules && rules[i]; i++) {
		struct bf_rule *r = prog_rule(rules[i]);

		if (!r) {
			fprintf(stderr, "prog_ruleset: bad rule spec \"%s\"\n", rules[i]);
			abort();
		}
		if (bf_chain_insert(c, c->n_rules, r))
			abort();
	}
	return rs;
}

struct bf_ruleset *prog_ruleset(enum bf_verdict policy, const char *const *rules)
{
	return ruleset_in(BF_TABLE_FILTER, "INPUT", policy, rules);
}

struct bf_ruleset *prog_ruleset_raw(enum bf_verdict policy, const char *const *rules)
{
	return ruleset_in(BF_TABLE_RAW, "PREROUTING", policy, rules);
}

struct bf_ruleset *prog_ruleset_raw_front(enum bf_family family, enum bf_verdict policy,
					  const char *const *rules)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);
	struct bf_strbuf text = {0};

	if (!rs)
		abort();
	bf_strbuf_printf(&text, "*raw\n:PREROUTING %s [0:0]\n", bf_verdict_name(policy));
	for (size_t i = 0; rules[i]; i++)
		bf_strbuf_printf(&text, "-A PREROUTING %s\n", rules[i]);
	bf_strbuf_puts(&text, "COMMIT\n");
	if (bf_restore_parse(text.s, rs, false, false)) {
		fprintf(stderr, "the front end refused:\n%s", text.s);
		bf_ruleset_free(rs);
		rs = NULL;
	}
	bf_strbuf_free(&text);
	return rs;
}

struct bf_ruleset *prog_ruleset_cmds(enum bf_family family, const char *const *cmds)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);
	struct bf_strbuf out = {0};

	if (!rs)
		abort();
	for (size_t i = 0; rs && cmds[i]; i++)
		if (front_cmd(rs, cmds[i], &out)) {
			fprintf(stderr, "%s: %s\n", cmds[i], front_errors());
			bf_ruleset_free(rs);
			rs = NULL;
		}
	bf_strbuf_free(&out);
	return rs;
}
