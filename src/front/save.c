/* Rules and rulesets as iptables-legacy-save 1.8.9 prints them (its
 * print_rule4 and do_output), also used by `iptables -S`. */
#include <arpa/inet.h>
#include <string.h>

#include "ext/ext.h"
#include "front/front.h"
#include "front/internal.h"

static void save_addr(struct bf_strbuf *out, char letter, struct in_addr addr,
		      struct in_addr mask, bool invert)
{
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

	if (!mask.s_addr && !addr.s_addr && !invert)
		return;
	bf_strbuf_printf(out, "%s -%c %s/%s", invert ? " !" : "", letter,
			 inet_ntop(AF_INET, &addr, a, sizeof(a)), bf_front_mask_str(mask, m));
}

/* Nothing for "" and for "+" (any interface). iptables-save 1.8.9 drops
 * "! -i +" too (a rule that never matches; restoring the text makes it
 * match everything; 1.8.11 prints it). `lossless` keeps both, for state
 * that must read back the same. */
static void save_iface(struct bf_strbuf *out, char letter, const char *iface, bool invert,
		       bool lossless)
{
	int len = (int)strnlen(iface, BF_IFNAMSIZ);

	if (!len || (len == 1 && iface[0] == '+' && !lossless))
		return;
	bf_strbuf_printf(out, "%s -%c ", invert ? " !" : "", letter);
	if (!lossless || !strpbrk(iface, " \t\n\"\\")) {
		bf_strbuf_printf(out, "%.*s", len, iface);
		return;
	}
	/* Quoted as iptables-restore reads it back. */
	bf_strbuf_puts(out, "\"");
	for (int i = 0; i < len; i++)
		bf_strbuf_printf(out, "%s%c", iface[i] == '"' || iface[i] == '\\' ? "\\" : "",
				 iface[i]);
	bf_strbuf_puts(out, "\"");
}

static void rule_save(struct bf_strbuf *out, const struct bf_rule *r, int counters,
		      bool lossless)
{
	const struct bf_ip *ip = &r->ip;

	save_addr(out, 's', ip->src, ip->smsk, ip->invflags & BF_INV_SRCIP);
	save_addr(out, 'd', ip->dst, ip->dmsk, ip->invflags & BF_INV_DSTIP);
	save_iface(out, 'i', ip->iniface, ip->invflags & BF_INV_VIA_IN, lossless);
	save_iface(out, 'o', ip->outiface, ip->invflags & BF_INV_VIA_OUT, lossless);
	if (ip->proto) {
		const char *name = bf_front_proto_db_name(ip->proto);

		if (ip->invflags & BF_INV_PROTO)
			bf_strbuf_puts(out, " !");
		if (name)
			bf_strbuf_printf(out, " -p %s", name);
		else
			bf_strbuf_printf(out, " -p %u", ip->proto);
	}
	if (ip->flags & BF_F_FRAG)
		bf_strbuf_puts(out, ip->invflags & BF_INV_FRAG ? " ! -f" : " -f");
	for (size_t i = 0; i < r->n_matches; i++) {
		bf_strbuf_printf(out, " -m %s", r->matches[i].ops->name);
		r->matches[i].ops->save(out, &r->ip, r->matches[i].data);
	}
	if (counters < 0)
		bf_strbuf_printf(out, " -c %llu %llu",
				 (unsigned long long)r->counters.packets,
				 (unsigned long long)r->counters.bytes);
	if (r->target.verdict != BF_VERDICT_NONE)
		bf_strbuf_printf(out, " -j %s", bf_verdict_name(r->target.verdict));
}

void bf_front_rule_save(struct bf_strbuf *out, const struct bf_rule *r, int counters)
{
	rule_save(out, r, counters, false);
}

void bf_rule_save(struct bf_strbuf *out, const struct bf_rule *r)
{
	rule_save(out, r, 0, false);
}

/* A built-in chain's line always shows its policy counters, with or
 * without -c; rules show theirs only with -c. */
static void save(struct bf_strbuf *out, const struct bf_ruleset *rs, bool with_counters,
		 bool lossless)
{
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		if (!tb->present)
			continue;
		bf_strbuf_printf(out, "*%s\n", bf_table_name(tb->id));
		for (size_t i = 0; i < tb->n_chains; i++) {
			const struct bf_chain *c = tb->chains[i];

			if (c->builtin)
				bf_strbuf_printf(out, ":%s %s [%llu:%llu]\n", c->name,
						 bf_verdict_name(c->policy),
						 (unsigned long long)c->policy_counters.packets,
						 (unsigned long long)c->policy_counters.bytes);
			else
				bf_strbuf_printf(out, ":%s - [0:0]\n", c->name);
		}
		for (size_t i = 0; i < tb->n_chains; i++) {
			const struct bf_chain *c = tb->chains[i];

			for (size_t j = 0; j < c->n_rules; j++) {
				const struct bf_rule *r = c->rules[j];

				if (with_counters)
					bf_strbuf_printf(out, "[%llu:%llu] ",
							 (unsigned long long)r->counters.packets,
							 (unsigned long long)r->counters.bytes);
				bf_strbuf_printf(out, "-A %s", c->name);
				rule_save(out, r, 0, lossless);
				bf_strbuf_puts(out, "\n");
			}
		}
		bf_strbuf_puts(out, "COMMIT\n");
	}
}

void bf_save_print(struct bf_strbuf *out, const struct bf_ruleset *rs, bool with_counters)
{
	save(out, rs, with_counters, false);
}

void bf_save_print_state(struct bf_strbuf *out, const struct bf_ruleset *rs)
{
	save(out, rs, true, true);
}
