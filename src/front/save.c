/* Rules and rulesets as iptables-legacy-save and ip6tables-legacy-save
 * 1.8.9 print them (print_rule4/print_rule6 and do_output), also used by
 * `iptables -S`. */
#include <arpa/inet.h>
#include <string.h>

#include "ext/ext.h"
#include "ext/save_string.h"
#include "front/ext_services.h"
#include "front/front.h"
#include "front/internal.h"

/* Set while the state text is written, for the extensions' save. */
static bool saving_lossless;

bool bf_ext_save_lossless(void)
{
	return saving_lossless;
}

static void save_addr(struct bf_strbuf *out, char letter, struct in_addr addr,
		      struct in_addr mask, bool invert)
{
	char text[48] = " ! -", *p = text + (invert ? 4 : 2);

	if (!mask.s_addr && !addr.s_addr && !invert)
		return;
	if (!invert)
		text[1] = '-';
	/* Formatted by hand: a ruleset is saved at every change, and this is
	 * most of its text. */
	*p++ = letter;
	*p++ = ' ';
	p = bf_front_quad(p, addr);
	*p++ = '/';
	p = bf_front_mask(p, mask);
	*p = '\0';
	bf_strbuf_puts(out, text);
}

/* A word as iptables-restore reads it back: quoted where it has blanks,
 * quotes or backslashes, or is empty. */
static void save_word(struct bf_strbuf *out, const char *w, size_t len)
{
	if (len && !memchr(w, ' ', len) && !memchr(w, '\t', len) && !memchr(w, '\n', len) &&
	    !memchr(w, '"', len) && !memchr(w, '\\', len)) {
		bf_strbuf_putn(out, w, len);
		return;
	}
	bf_strbuf_puts(out, "\"");
	for (size_t i = 0; i < len; i++) {
		const char *esc = bf_ext_save_escape(w[i], "\"\\");

		if (w[i] == '\n' && *esc)
			bf_strbuf_puts(out, esc);
		else
			bf_strbuf_printf(out, "%s%c", esc, w[i]);
	}
	bf_strbuf_puts(out, "\"");
}

void bf_front_save_chain_name(struct bf_strbuf *out, const char *name, bool lossless)
{
	if (lossless)
		save_word(out, name, strlen(name));
	else
		bf_strbuf_puts(out, name);
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
	bf_strbuf_puts(out, invert ? " !" : "");
	bf_strbuf_puts(out, letter == 'i' ? " -i " : " -o ");
	if (lossless)
		save_word(out, iface, (size_t)len);
	else
		bf_strbuf_putn(out, iface, (size_t)len);
}

static void save_target(struct bf_strbuf *out, const struct bf_rule *r, bool lossless)
{
	switch (r->target.verdict) {
	case BF_VERDICT_NONE:
		return;
	case BF_VERDICT_JUMP:
		bf_strbuf_puts(out, r->ip.flags & BF_F_GOTO ? " -g " : " -j ");
		bf_front_save_chain_name(out, r->target.chain, lossless);
		return;
	case BF_VERDICT_EXT:
		bf_strbuf_puts(out, " -j ");
		bf_strbuf_puts(out, r->target.ops->name);
		if (r->target.ops->save)
			r->target.ops->save(out, &r->ip, r->target.data);
		return;
	default:
		bf_strbuf_puts(out, " -j ");
		bf_strbuf_puts(out, bf_verdict_name(r->target.verdict));
		return;
	}
}

static void rule_save(struct bf_strbuf *out, const struct bf_rule *r, int counters,
		      bool lossless)
{
	const struct bf_ip *ip = &r->ip;

	if (ip->family == BF_FAMILY_IPV6) {
		bf_front_addr6_save(out, 's', &ip->src6, &ip->smsk6, ip->invflags & BF_INV_SRCIP);
		bf_front_addr6_save(out, 'd', &ip->dst6, &ip->dmsk6, ip->invflags & BF_INV_DSTIP);
	} else {
		save_addr(out, 's', ip->src, ip->smsk, ip->invflags & BF_INV_SRCIP);
		save_addr(out, 'd', ip->dst, ip->dmsk, ip->invflags & BF_INV_DSTIP);
	}
	save_iface(out, 'i', ip->iniface, ip->invflags & BF_INV_VIA_IN, lossless);
	save_iface(out, 'o', ip->outiface, ip->invflags & BF_INV_VIA_OUT, lossless);
	if (ip->proto) {
		const char *name = bf_front_proto_db_name(ip->proto);

		if (ip->invflags & BF_INV_PROTO)
			bf_strbuf_puts(out, " !");
		bf_strbuf_puts(out, " -p ");
		if (name)
			bf_strbuf_puts(out, name);
		else
			bf_strbuf_putu(out, ip->proto);
	} else if (lossless && (ip->flags & BF_F_PROTO)) {
		/* ip6tables keeps that -p was given; -D and -C see it. */
		bf_strbuf_puts(out, " -p all");
	}
	if (ip->flags & BF_F_FRAG)
		bf_strbuf_puts(out, ip->invflags & BF_INV_FRAG ? " ! -f" : " -f");
	for (size_t i = 0; i < r->n_matches; i++) {
		bf_strbuf_puts(out, " -m ");
		bf_strbuf_puts(out, r->matches[i].ops->name);
		r->matches[i].ops->save(out, &r->ip, r->matches[i].data);
	}
	if (counters < 0)
		bf_strbuf_printf(out, " -c %llu %llu",
				 (unsigned long long)r->counters.packets,
				 (unsigned long long)r->counters.bytes);
	save_target(out, r, lossless);
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
static void save_table(struct bf_strbuf *out, const struct bf_table *tb, bool with_counters,
		       bool lossless)
{
	bf_strbuf_printf(out, "*%s\n", bf_table_name(tb->id));
	for (size_t i = 0; i < tb->n_chains; i++) {
		const struct bf_chain *c = tb->chains[i];

		bf_strbuf_puts(out, ":");
		bf_front_save_chain_name(out, c->name, lossless);
		if (c->builtin)
			bf_strbuf_printf(out, " %s [%llu:%llu]\n", bf_verdict_name(c->policy),
					 (unsigned long long)c->policy_counters.packets,
					 (unsigned long long)c->policy_counters.bytes);
		else
			bf_strbuf_puts(out, " - [0:0]\n");
	}
	for (size_t i = 0; i < tb->n_chains; i++) {
		const struct bf_chain *c = tb->chains[i];

		for (size_t j = 0; j < c->n_rules; j++) {
			const struct bf_rule *r = c->rules[j];

			if (with_counters) {
				bf_strbuf_puts(out, "[");
				bf_strbuf_putu(out, r->counters.packets);
				bf_strbuf_puts(out, ":");
				bf_strbuf_putu(out, r->counters.bytes);
				bf_strbuf_puts(out, "] ");
			}
			bf_strbuf_puts(out, "-A ");
			bf_front_save_chain_name(out, c->name, lossless);
			rule_save(out, r, 0, lossless);
			bf_strbuf_puts(out, "\n");
		}
	}
	bf_strbuf_puts(out, "COMMIT\n");
}

/* The tables in use, newest first (or oldest first). */
static size_t tables_in_order(const struct bf_ruleset *rs, enum bf_table_id ids[BF_TABLE_MAX],
			      bool newest_first)
{
	size_t n = 0;

	for (int t = 0; t < BF_TABLE_MAX; t++) {
		size_t k;

		if (!rs->tables[t].present)
			continue;
		k = n++;
		while (k > 0) {
			unsigned int a = rs->tables[ids[k - 1]].created, b = rs->tables[t].created;

			if (newest_first ? a >= b : a <= b)
				break;
			ids[k] = ids[k - 1];
			k--;
		}
		ids[k] = (enum bf_table_id)t;
	}
	return n;
}

size_t bf_save_tables(const struct bf_ruleset *rs, enum bf_table_id ids[BF_TABLE_MAX])
{
	return tables_in_order(rs, ids, true);
}

void bf_save_print_table(struct bf_strbuf *out, const struct bf_ruleset *rs,
			 enum bf_table_id id, bool with_counters)
{
	save_table(out, &rs->tables[id], with_counters, false);
}

void bf_save_print(struct bf_strbuf *out, const struct bf_ruleset *rs, bool with_counters)
{
	enum bf_table_id ids[BF_TABLE_MAX];
	size_t n = tables_in_order(rs, ids, true);

	for (size_t i = 0; i < n; i++)
		save_table(out, &rs->tables[ids[i]], with_counters, false);
}

void bf_save_print_state(struct bf_strbuf *out, const struct bf_ruleset *rs)
{
	enum bf_table_id ids[BF_TABLE_MAX];
	size_t n = tables_in_order(rs, ids, false);

	saving_lossless = true;
	for (size_t i = 0; i < n; i++)
		save_table(out, &rs->tables[ids[i]], true, true);
	saving_lossless = false;
}
