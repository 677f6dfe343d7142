/* Random rulesets: chains and their shape (targets, jumps, gotos, user
 * chains reached from several places, a few levels deep), and each
 * rule's IP part; the matches come from the generator table
 * (rand_matches.c). */
#include "rand_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *rr_table_name(enum rr_table t)
{
	return t == RR_RAW ? "raw" : "filter";
}

void rr_aim(struct rr_rule *rule, enum rr_field f, uint32_t lo, uint32_t hi, uint32_t mask)
{
	if (rule->n_aims < RR_MAX_AIMS)
		rule->aims[rule->n_aims++] = (struct rr_aim){.f = f, .lo = lo, .hi = hi, .mask = mask};
}

void rr_put(struct rr_rule *rule, const char *fmt, ...)
{
	size_t len = strlen(rule->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rule->text + len, sizeof(rule->text) - len, fmt, ap);
	va_end(ap);
}

static const char *neg(struct rnd *r, unsigned int pct)
{
	return rnd_pct(r, pct) ? "! " : "";
}

/* -s / -d: an address of (or next to) the test range with a prefix whose
 * edges the packets will probe. IPv6 addresses vary in their low 32 bits
 * under 2001:db8::/96 (the aims); the packets' upper 96 bits sometimes
 * leave that /96, /64 or /32 (rand_pkts.c), for the shorter prefixes. */
static void addr_opt(struct rnd *r, struct rr_rule *rule, const char *opt, enum rr_field f,
		     int family)
{
	static const uint8_t lens[] = {0, 1, 8, 14, 15, 16, 20, 24, 28, 30, 31, 32, 32};
	static const uint8_t lens6[] = {0, 16, 32, 48, 64, 96, 110, 111, 112, 120, 126, 127, 128, 128};
	uint32_t len = family == 6 ? lens6[rnd_below(r, sizeof(lens6))] : lens[rnd_below(r, sizeof(lens))];
	uint32_t a = (family == 6 ? 0 : 0xc6120000u) | rnd_below(r, 0x20000);
	uint32_t low = family == 6 ? (len > 96 ? len - 96 : 0) : len; /* prefix bits in a */
	uint32_t mask = low ? ~0u << (32 - low) : 0;

	if (family == 6) {
		rr_put(rule, " %s%s 2001:db8::%x:%x/%u", neg(r, 25), opt, a >> 16, a & 0xffff, len);
		/* Shorter than /96: the whole low part matches, the upper
		 * bits decide (RR_F_*ADDR lo = hi = ~0: "any low bits"). */
		if (len <= 96) {
			rr_aim(rule, f, 0, 0xffffffffu, len);
			return;
		}
	} else {
		rr_put(rule, " %s%s %u.%u.%u.%u/%u", neg(r, 25), opt, a >> 24, (a >> 16) & 0xff,
		       (a >> 8) & 0xff, a & 0xff, len);
	}
	rr_aim(rule, f, a & mask, (a & mask) | ~mask, 0);
}

static void iface_opt(struct rnd *r, struct rr_rule *rule, const char *opt)
{
	static const char *const names[] = {RR_IFNAME, RR_IFNAME, "rdv+", "rd+", "+", "rdv00",
					    "rdv", "eth0", "lo", "rdv0+"};

	rr_put(rule, " %s%s %s", neg(r, 30), opt, names[rnd_below(r, sizeof(names) / sizeof(names[0]))]);
}

static const char *random_proto(struct rnd *r, int family, uint32_t *num)
{
	static const struct { const char *name; uint32_t num; } protos[] = {
		{"tcp", 6}, {"tcp", 6}, {"udp", 17}, {"udp", 17}, {"icmp", 1}, {"all", 0},
		{"47", 47}, {"50", 50}, {"132", 132}, {"17", 17}, {"2", 2},
	}, protos6[] = {
		{"tcp", 6}, {"tcp", 6}, {"udp", 17}, {"udp", 17}, {"ipv6-icmp", 58}, {"icmpv6", 58},
		{"all", 0}, {"47", 47}, {"50", 50}, {"132", 132}, {"58", 58}, {"1", 1},
		/* extension headers: never what the walk returns, but NONE */
		{"43", 43}, {"ipv6-frag", 44}, {"60", 60}, {"ah", 51}, {"51", 51},
		{"59", 59}, {"ipv6-nonxt", 59}, {"esp", 50}, {"135", 135},
	};
	unsigned int i;

	if (family == 6) {
		i = rnd_below(r, sizeof(protos6) / sizeof(protos6[0]));
		*num = protos6[i].num;
		return protos6[i].name;
	}
	i = rnd_below(r, sizeof(protos) / sizeof(protos[0]));
	*num = protos[i].num;
	return protos[i].name;
}

static uint32_t proto_num(const char *p)
{
	if (!strcmp(p, "tcp"))
		return 6;
	if (!strcmp(p, "udp"))
		return 17;
	if (!strcmp(p, "icmp"))
		return 1;
	if (!strcmp(p, "icmpv6") || !strcmp(p, "ipv6-icmp"))
		return 58;
	if (!strcmp(p, "esp"))
		return 50;
	if (!strcmp(p, "ah"))
		return 51;
	if (!strcmp(p, "sctp"))
		return 132;
	if (!strcmp(p, "mh") || !strcmp(p, "ipv6-mh"))
		return 135;
	return 0;
}

/* One rule's IP part and matches (no target). */
static void gen_rule_body(struct rnd *r, struct rr_rule *rule, int family, bool user_chain,
			  bool frag_ok)
{
	struct rr_rule m = {0};
	const char *proto = NULL;
	static char alt[16];
	unsigned int n = rnd_below(r, 4);
	bool l4match = false;

	for (unsigned int i = 0; i < n; i++) {
		struct rr_match_gen *g = &rr_match_gens[rnd_below(r, (uint32_t)rr_n_match_gens)];
		const char *want = g->proto;

		if (!g->enabled[family == 6])
			continue;
		if (want && strchr(want, '|')) {
			/* Either name: keep the rule's, or pick one. */
			const char *bar = strchr(want, '|');
			size_t l1 = (size_t)(bar - want);

			if (proto && !(strlen(proto) == l1 && !strncmp(proto, want, l1)) &&
			    strcmp(proto, bar + 1))
				continue;
			if (!proto)
				snprintf(alt, sizeof(alt), "%.*s", (int)(rnd_pct(r, 50) ? l1 : strlen(want)),
					 want);
			if (!proto && strchr(alt, '|'))
				snprintf(alt, sizeof(alt), "%s", bar + 1);
			want = proto ? proto : alt;
		}
		if (want && proto && strcmp(want, proto))
			continue;
		/* One -m tcp / -m udp per rule. */
		if (!strcmp(g->name, "tcp") || !strcmp(g->name, "tcp-option") || !strcmp(g->name, "udp")) {
			if (l4match)
				continue;
			l4match = true;
		}
		if (want)
			proto = want;
		g->gen(r, &m, proto);
		for (size_t k = 0; k < m.n_aims; k++)
			rr_aim(rule, m.aims[k].f, m.aims[k].lo, m.aims[k].hi, m.aims[k].mask);
		m.n_aims = 0;
	}
	if (rnd_pct(r, 35))
		addr_opt(r, rule, "-s", RR_F_SADDR, family);
	if (rnd_pct(r, 35))
		addr_opt(r, rule, "-d", RR_F_DADDR, family);
	if (proto) {
		rr_put(rule, " -p %s", proto);
		rr_aim(rule, RR_F_PROTO, proto_num(proto), 0, 0);
	} else if (rnd_pct(r, 35)) {
		uint32_t num;
		const char *p = random_proto(r, family, &num);

		/* "! -p all": iptables refuses it (never matches) */
		rr_put(rule, " %s-p %s", num ? neg(r, 25) : "", p);
		rr_aim(rule, RR_F_PROTO, num, 0, 0);
	}
	if (rnd_pct(r, 20))
		iface_opt(r, rule, "-i");
	if (user_chain && rnd_pct(r, 15))
		iface_opt(r, rule, "-o");
	if (family == 4 && frag_ok && rnd_pct(r, 15)) { /* ip6tables has no -f */
		rr_put(rule, " %s-f", neg(r, 40));
		rr_aim(rule, RR_F_FRAG, 1, 1, 0);
	}
	rr_put(rule, "%s", m.text);
}

/* Does the rule say -p tcp (not inverted), as REJECT tcp-reset wants? */
static bool tcp_only(const struct rr_rule *rule)
{
	const char *p = strstr(rule->text, " -p tcp");

	return p && (p[7] == ' ' || !p[7]) && !strstr(rule->text, "! -p");
}

/* Target: chains[first_target..] of the same table may be jumped to. */
static void gen_target(struct rnd *r, struct rr_set *rs, size_t self, struct rr_rule *rule,
		       unsigned int *jumps)
{
	const struct rr_chain *c = &rs->chains[self];
	size_t cand[RR_MAX_CHAINS], n = 0;
	unsigned int k = rnd_below(r, 100);

	for (size_t i = 0; i < rs->n_chains; i++) {
		const struct rr_chain *o = &rs->chains[i];

		/* Jumps go only forwards among user chains: no loops. */
		if (!o->builtin && o->table == c->table && (c->builtin || i > self))
			cand[n++] = i;
	}
	if (n && *jumps < 3 && k < 35) {
		++*jumps;
		rr_put(rule, " -%c %s", rnd_pct(r, 70) ? 'j' : 'g', rs->chains[cand[rnd_below(r, (uint32_t)n)]].name);
	} else if (k < 60) {
		rr_put(rule, " -j ACCEPT");
	} else if (k < 66 && c->table == RR_FILTER && tcp_only(rule)) {
		/* The answers REJECT sends are checked by e2e/test_reject_*.sh;
		 * here that it drops, counted, where iptables' does. */
		rr_put(rule, " -j REJECT --reject-with tcp-reset");
	} else if (k < 66 && c->table == RR_FILTER) {
		static const char *const with[] = {"", " --reject-with icmp-host-prohibited",
						   " --reject-with icmp-net-unreachable"};
		static const char *const with6[] = {"", " --reject-with icmp6-adm-prohibited",
						    " --reject-with icmp6-no-route",
						    " --reject-with icmp6-reject-route"};

		if (rs->family == 4)
			rr_put(rule, " -j REJECT%s", with[rnd_below(r, 3)]);
		else
			rr_put(rule, " -j REJECT%s", with6[rnd_below(r, 4)]);
	} else if (k < 80) {
		rr_put(rule, " -j DROP");
	} else if (k < (c->builtin ? 83u : 92u)) {
		rr_put(rule, " -j RETURN");
	}
	/* else: no target, the rule only counts */
}

static struct rr_chain *add_chain(struct rr_set *rs, enum rr_table t, const char *name,
				  bool builtin)
{
	struct rr_chain *c = &rs->chains[rs->n_chains++];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->table = t;
	c->builtin = builtin;
	return c;
}

static void fill_chain(struct rnd *r, struct rr_set *rs, size_t i, unsigned int n, bool frag_ok)
{
	unsigned int jumps = 0;

	for (unsigned int k = 0; k < n && k < RR_MAX_RULES; k++) {
		struct rr_rule *rule = &rs->chains[i].rules[rs->chains[i].n_rules++];

		memset(rule, 0, sizeof(*rule));
		gen_rule_body(r, rule, rs->family, !rs->chains[i].builtin, frag_ok);
		gen_target(r, rs, i, rule, &jumps);
	}
}

void rr_generate(struct rnd *r, struct rr_set *rs, int family, enum rr_kind kind, bool frag_ok)
{
	unsigned int n_raw_user = rnd_below(r, 3), n_filter_user = kind == RR_KIND_FULL ? rnd_below(r, 5) : 0;
	char name[32];
	size_t first;

	memset(rs, 0, sizeof(*rs));
	rs->family = family;
	rs->kind = kind;
	add_chain(rs, RR_RAW, "PREROUTING", true)->drop_policy = rnd_pct(r, kind == RR_KIND_FULL ? 20 : 40);
	add_chain(rs, RR_RAW, "OUTPUT", true);
	add_chain(rs, RR_FILTER, "INPUT", true)->drop_policy = kind == RR_KIND_FULL && rnd_pct(r, 50);
	add_chain(rs, RR_FILTER, "FORWARD", true);
	add_chain(rs, RR_FILTER, "OUTPUT", true);
	first = rs->n_chains;
	for (unsigned int i = 0; i < n_raw_user; i++) {
		snprintf(name, sizeof(name), "raw_c%u", i + 1);
		add_chain(rs, RR_RAW, name, false);
	}
	for (unsigned int i = 0; i < n_filter_user; i++) {
		snprintf(name, sizeof(name), "c%u", i + 1);
		add_chain(rs, RR_FILTER, name, false);
	}
	/* User chains first, each jumping only to later ones. */
	for (size_t i = first; i < rs->n_chains; i++)
		fill_chain(r, rs, i, rnd_range(r, 1, 6), frag_ok);
	fill_chain(r, rs, 0, kind == RR_KIND_FULL ? rnd_below(r, 6) : rnd_range(r, 2, 12), true);
	if (kind == RR_KIND_FULL)
		fill_chain(r, rs, 2, rnd_range(r, 2, 12), frag_ok);
}

void rr_print(const struct rr_set *rs, struct bf_strbuf *out, int marker_proto)
{
	for (int t = 0; t < RR_NTABLES; t++) {
		bf_strbuf_printf(out, "*%s\n", rr_table_name((enum rr_table)t));
		for (size_t i = 0; i < rs->n_chains; i++) {
			const struct rr_chain *c = &rs->chains[i];

			if ((int)c->table == t)
				bf_strbuf_printf(out, ":%s %s [0:0]\n", c->name,
						 !c->builtin ? "-" : c->drop_policy ? "DROP" : "ACCEPT");
		}
		/* IPv6: by source address, as -p walks the extension
		 * headers and hotdrops a chain it cannot walk. */
		if (marker_proto && rs->family == 6)
			bf_strbuf_printf(out, "-A %s -s %s/128 -j ACCEPT\n",
					 t == RR_RAW ? "PREROUTING" : "INPUT", RR_MARKER6);
		else if (marker_proto)
			bf_strbuf_printf(out, "-A %s -p %d -j ACCEPT\n",
					 t == RR_RAW ? "PREROUTING" : "INPUT", marker_proto);
		/* The oracle's namespace answers nothing: its ICMP errors and
		 * resets would loop back through lo into PREROUTING/INPUT. */
		if (marker_proto && t == RR_RAW)
			bf_strbuf_puts(out, "-A OUTPUT -j DROP\n");
		for (size_t i = 0; i < rs->n_chains; i++) {
			const struct rr_chain *c = &rs->chains[i];

			if ((int)c->table != t)
				continue;
			for (size_t k = 0; k < c->n_rules; k++)
				bf_strbuf_printf(out, "-A %s%s\n", c->name, c->rules[k].text);
		}
		bf_strbuf_puts(out, "COMMIT\n");
	}
}

int rr_chain_find(const struct rr_set *rs, enum rr_table t, const char *name)
{
	for (size_t i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].table == t && !strcmp(rs->chains[i].name, name))
			return (int)i;
	return -1;
}

bool rr_chain_referenced(const struct rr_set *rs, size_t i)
{
	const struct rr_chain *to = &rs->chains[i];
	char j[48], g[48];

	snprintf(j, sizeof(j), " -j %s", to->name);
	snprintf(g, sizeof(g), " -g %s", to->name);
	for (size_t k = 0; k < rs->n_chains; k++) {
		const struct rr_chain *c = &rs->chains[k];

		if (c->table != to->table)
			continue;
		for (size_t n = 0; n < c->n_rules; n++) {
			const char *t = c->rules[n].text;
			size_t len = strlen(t), jl = strlen(j);

			/* The target always ends the rule text. */
			if (len >= jl && (!strcmp(t + len - jl, j) || !strcmp(t + len - jl, g)))
				return true;
		}
	}
	return false;
}

void rr_rule_remove(struct rr_chain *c, size_t i)
{
	memmove(&c->rules[i], &c->rules[i + 1], (c->n_rules - i - 1) * sizeof(c->rules[0]));
	c->n_rules--;
}

void rr_chain_remove(struct rr_set *rs, size_t i)
{
	memmove(&rs->chains[i], &rs->chains[i + 1], (rs->n_chains - i - 1) * sizeof(rs->chains[0]));
	rs->n_chains--;
}
