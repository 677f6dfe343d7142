/* Counter sets of both sides and their comparison. */
#include "rand_count.h"

#include <stdio.h>
#include <string.h>

void rc_add(struct rc_set *s, enum rr_table t, const char *chain, int rule, uint64_t pkts,
	    uint64_t bytes)
{
	struct rc_entry *e;

	if (s->n >= RC_MAX)
		return;
	e = &s->e[s->n++];
	e->table = t;
	snprintf(e->chain, sizeof(e->chain), "%s", chain);
	e->rule = rule;
	e->pkts = pkts;
	e->bytes = bytes;
}

static const struct rc_entry *find(const struct rc_set *s, const struct rc_entry *k)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].table == k->table && s->e[i].rule == k->rule &&
		    !strcmp(s->e[i].chain, k->chain))
			return &s->e[i];
	return NULL;
}

void rc_sub(struct rc_set *out, const struct rc_set *a, const struct rc_set *b)
{
	struct rc_set r = {0};

	for (size_t i = 0; i < a->n; i++) {
		const struct rc_entry *o = find(b, &a->e[i]);

		rc_add(&r, a->e[i].table, a->e[i].chain, a->e[i].rule,
		       a->e[i].pkts - (o ? o->pkts : 0), a->e[i].bytes - (o ? o->bytes : 0));
	}
	*out = r;
}

static void name(const struct rc_entry *e, struct bf_strbuf *out)
{
	if (e->rule < 0)
		bf_strbuf_printf(out, "%s %s policy", rr_table_name(e->table), e->chain);
	else
		bf_strbuf_printf(out, "%s %s rule %d", rr_table_name(e->table), e->chain, e->rule + 1);
}

static int one_way(const struct rc_set *a, const struct rc_set *b, bool raw_only,
		   struct bf_strbuf *out, bool a_is_oracle)
{
	int n = 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct rc_entry *e = &a->e[i], *o;

		if (raw_only && e->table != RR_RAW)
			continue;
		/* Only the chains that judge arriving packets (and the user
		 * chains) are compiled at XDP. */
		if (!strcmp(e->chain, "OUTPUT") || !strcmp(e->chain, "FORWARD"))
			continue;
		o = find(b, e);
		if (o && !a_is_oracle)
			continue; /* compared from the other side */
		if (o && o->pkts == e->pkts && o->bytes == e->bytes)
			continue;
		n++;
		if (!out)
			continue;
		bf_strbuf_puts(out, "  ");
		name(e, out);
		if (!o)
			bf_strbuf_printf(out, ": only %s has it (%llu/%llu)\n",
					 a_is_oracle ? "iptables" : "bpfilter",
					 (unsigned long long)e->pkts, (unsigned long long)e->bytes);
		else
			bf_strbuf_printf(out, ": iptables %llu pkts %llu bytes, bpfilter %llu pkts %llu bytes\n",
					 (unsigned long long)e->pkts, (unsigned long long)e->bytes,
					 (unsigned long long)o->pkts, (unsigned long long)o->bytes);
	}
	return n;
}

int rc_compare(const struct rc_set *oracle, const struct rc_set *bpf, bool raw_only,
	       struct bf_strbuf *out)
{
	return one_way(oracle, bpf, raw_only, out, true) + one_way(bpf, oracle, raw_only, out, false);
}

void rc_print(const struct rc_set *s, struct bf_strbuf *out)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!s->e[i].pkts && !s->e[i].bytes)
			continue;
		bf_strbuf_puts(out, "  ");
		name(&s->e[i], out);
		bf_strbuf_printf(out, ": %llu pkts %llu bytes\n", (unsigned long long)s->e[i].pkts,
				 (unsigned long long)s->e[i].bytes);
	}
}
