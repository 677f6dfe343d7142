/* A rule as classifier conditions: its IP part (the tests the linear
 * emitter makes, bf_ip_tests) and its matches' classify ops, then its
 * target, which a stage must be able to dispatch. */
#include <errno.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/ext.h"
#include "plan/classify.h"

unsigned int bf_class_word(enum bf_family family, enum bf_class_field f)
{
	static const unsigned int v4[] = {0, 1, 2, 3}, v6[] = {0, 4, 8, 9};

	return family == BF_FAMILY_IPV6 ? v6[f] : v4[f];
}

unsigned int bf_class_n_words(enum bf_family family)
{
	return family == BF_FAMILY_IPV6 ? 10 : 4;
}

/* The key word of field f, word_off, or -1 when the family has none. */
static int word_of(enum bf_family family, enum bf_class_field f, unsigned int word_off)
{
	unsigned int width = 1;

	if ((unsigned int)f > BF_CF_PORTS)
		return -1;
	if (family == BF_FAMILY_IPV6 && (f == BF_CF_SADDR || f == BF_CF_DADDR))
		width = 4;
	if (word_off >= width)
		return -1;
	return (int)(bf_class_word(family, f) + word_off);
}

/* ANDs (key[w] & mask) == val into one conjunction: false when it can
 * never hold any more. */
static bool cond_and(struct bf_class_cond *c, int w, uint32_t val, uint32_t mask)
{
	if (val & ~mask)
		return false;
	if ((c->val[w] ^ val) & c->mask[w] & mask)
		return false;
	c->mask[w] |= mask;
	c->val[w] |= val;
	return true;
}

int bf_class_and(struct bf_class_conds *c, enum bf_class_field f, unsigned int word_off,
		 uint32_t val, uint32_t mask)
{
	int w = word_of(c->family, f, word_off);
	size_t k = 0;

	if (w < 0)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < c->n; i++) {
		struct bf_class_cond *v = &c->v[i];

		if (!v->hotdrop && !cond_and(v, w, val, mask))
			continue;
		if (k != i)
			c->v[k] = *v;
		k++;
	}
	c->n = k;
	return 0;
}

void bf_class_none(struct bf_class_conds *c)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].hotdrop)
			c->v[k++] = c->v[i];
	c->n = k;
}

int bf_class_hotdrop(struct bf_class_conds *c, enum bf_class_field f, unsigned int word_off,
		     uint32_t val, uint32_t mask)
{
	int w = word_of(c->family, f, word_off);
	size_t n = c->n;

	if (w < 0)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < n; i++) {
		struct bf_class_cond s;

		if (c->v[i].hotdrop)
			continue;
		s = c->v[i];
		if (!cond_and(&s, w, val, mask))
			continue;
		if (c->n == BF_CLASS_ALTS_MAX)
			return -EOPNOTSUPP;
		s.hotdrop = true;
		c->v[c->n++] = s;
	}
	return 0;
}

/* Replaces every alternative by its conjunction with each of alts[0..n)
 * (shadows kept as they are). */
static int and_any(struct bf_class_conds *c, const struct bf_class_cond *alts, size_t n)
{
	struct bf_class_cond out[BF_CLASS_ALTS_MAX];
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].hotdrop) {
			if (k == BF_CLASS_ALTS_MAX)
				return -EOPNOTSUPP;
			out[k++] = c->v[i];
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			bool ok = true;

			if (k == BF_CLASS_ALTS_MAX)
				return -EOPNOTSUPP;
			out[k] = c->v[i];
			for (int w = 0; w < BF_CLASS_WORDS && ok; w++)
				ok = cond_and(&out[k], w, alts[j].val[w], alts[j].mask[w]);
			k += ok;
		}
	}
	memcpy(c->v, out, k * sizeof(out[0]));
	c->n = k;
	return 0;
}

int bf_class_any_of(struct bf_class_conds *c, enum bf_class_field f, unsigned int word_off,
		    const uint32_t *vals, const uint32_t *masks, size_t n)
{
	struct bf_class_cond alts[BF_CLASS_ALTS_MAX] = {0};
	int w = word_of(c->family, f, word_off);

	if (w < 0 || n > BF_CLASS_ALTS_MAX)
		return -EOPNOTSUPP;
	for (size_t j = 0; j < n; j++) {
		alts[j].val[w] = vals[j];
		alts[j].mask[w] = masks[j];
	}
	return and_any(c, alts, n);
}

/* ANDs "(key & masks) != vals" over n_words words of field f into c: the
 * complement of a masked compare is, for each mask bit in turn, "the mask
 * bits before it equal, this one not" (one alternative each, one tuple
 * each: an inverted /8 is 8). -EOPNOTSUPP past BF_CLASS_ALTS_MAX. */
static int and_not(struct bf_class_conds *c, enum bf_class_field f, const uint32_t *vals,
		   const uint32_t *masks, unsigned int n_words)
{
	struct bf_class_cond alts[BF_CLASS_ALTS_MAX] = {0};
	int w0 = word_of(c->family, f, 0);
	size_t n = 0;

	if (w0 < 0)
		return -EOPNOTSUPP;
	for (unsigned int w = 0; w < n_words; w++) {
		for (int bit = 31; bit >= 0; bit--) {
			uint32_t b = 1u << bit, above = masks[w] & ~(b | (b - 1));

			if (!(masks[w] & b))
				continue;
			if (n == BF_CLASS_ALTS_MAX)
				return -EOPNOTSUPP;
			for (unsigned int e = 0; e < w; e++) {
				alts[n].val[w0 + (int)e] = vals[e] & masks[e];
				alts[n].mask[w0 + (int)e] = masks[e];
			}
			alts[n].val[w0 + (int)w] = (vals[w] & above) | (~vals[w] & b);
			alts[n].mask[w0 + (int)w] = above | b;
			n++;
		}
	}
	return and_any(c, alts, n);
}

/* One test of bf_ip_tests() (with its group): how many entries of t it
 * used, or -EOPNOTSUPP. */
static int ip_test(struct bf_class_conds *c, const struct bf_ip_test *t, size_t left)
{
	size_t n = 1 + (size_t)t->group;
	uint32_t vals[4] = {0}, masks[4] = {0};
	enum bf_class_field f;
	int base, err = 0;
	unsigned int w;

	if (n > left)
		return -EOPNOTSUPP;
	switch (t->off) {
	case BF_PKT_SADDR:
	case BF_PKT_DADDR:
		if (t->group)
			return -EOPNOTSUPP;
		f = t->off == BF_PKT_SADDR ? BF_CF_SADDR : BF_CF_DADDR;
		vals[0] = t->imm & t->mask;
		if (t->jmp_op == BPF_JEQ) /* inverted */
			err = and_not(c, f, vals, &t->mask, 1);
		else
			err = bf_class_and(c, f, 0, vals[0], t->mask);
		break;
	case BF_PKT_SADDR6 ... BF_PKT_SADDR6 + 12:
	case BF_PKT_DADDR6 ... BF_PKT_DADDR6 + 12:
		/* A group whose first test says JEQ is an inverted address. */
		f = t->off >= BF_PKT_SADDR6 ? BF_CF_SADDR : BF_CF_DADDR;
		base = f == BF_CF_SADDR ? BF_PKT_SADDR6 : BF_PKT_DADDR6;
		for (size_t i = 0; i < n; i++) {
			if ((i && t[i].jmp_op != BPF_JNE) || t[i].size != BPF_W ||
			    t[i].off < base || t[i].off > base + 12 || (t[i].off - base) % 4)
				return -EOPNOTSUPP;
			w = (unsigned int)(t[i].off - base) / 4;
			vals[w] = t[i].imm & t[i].mask;
			masks[w] = t[i].mask;
		}
		if (t->jmp_op == BPF_JEQ) {
			err = and_not(c, f, vals, masks, 4);
			break;
		}
		for (w = 0; w < 4 && !err; w++)
			if (masks[w])
				err = bf_class_and(c, f, w, vals[w], masks[w]);
		break;
	case BF_PKT_PROTO:
		if (t->jmp_op != BPF_JNE || t->hotdrop)
			return -EOPNOTSUPP;
		err = bf_class_and(c, BF_CF_META, 0, t->imm & BF_META_PROTO, BF_META_PROTO);
		break;
	case BF_PKT_PROTO_OK:
		/* ip6tables -p: hotdrop when the header walk failed. */
		if (!t->hotdrop || t->jmp_op != BPF_JEQ || t->imm != 0)
			return -EOPNOTSUPP;
		err = bf_class_hotdrop(c, BF_CF_META, 0, 0, BF_META_PROTO_OK);
		if (!err)
			err = bf_class_and(c, BF_CF_META, 0, BF_META_PROTO_OK, BF_META_PROTO_OK);
		break;
	case BF_PKT_FRAGOFF:
		/* -f: "no match when the offset is 0"; `! -f` the reverse. */
		if (t->imm != 0 || t->hotdrop)
			return -EOPNOTSUPP;
		err = bf_class_and(c, BF_CF_META, 0, t->jmp_op == BPF_JEQ ? BF_META_FRAG : 0,
				   BF_META_FRAG);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return err ? err : (int)n;
}

/* Targets a stage dispatches: anything else needs the linear code (a
 * jump that comes back, a target extension that may continue, none). */
static bool target_ok(const struct bf_rule *rule)
{
	switch (rule->target.verdict) {
	case BF_VERDICT_ACCEPT:
	case BF_VERDICT_DROP:
	case BF_VERDICT_RETURN:
		return true;
	case BF_VERDICT_JUMP:
		return rule->ip.flags & BF_F_GOTO;
	case BF_VERDICT_EXT:
		return rule->target.ops->ends_walk;
	default:
		return false;
	}
}

static int rule_conds(const struct bf_rule *rule, const struct bf_ip *ip, const char *in,
		      const char *out, struct bf_class_conds *c)
{
	struct bf_ip_test t[BF_IP_TESTS_MAX];
	size_t n;
	int err;

	/* Only v[0] is set: the rest is written before it is read. */
	c->family = (enum bf_family)rule->ip.family;
	c->n = 1;
	memset(&c->v[0], 0, sizeof(c->v[0]));
	if (!target_ok(rule))
		return -EOPNOTSUPP;
	/* -o tested at run time (FORWARD at XDP): not a key field. */
	if (out == bf_oif_dynamic && ip->outiface[0])
		return -EOPNOTSUPP;
	if (!bf_ip_tests(ip, in, out, t, &n)) {
		c->n = 0;
		return 0;
	}
	for (size_t i = 0; i < n;) {
		err = ip_test(c, &t[i], n - i);
		if (err < 0)
			return err;
		i += (size_t)err;
	}
	for (size_t i = 0; i < rule->n_matches; i++) {
		const struct bf_match *m = &rule->matches[i];

		if (!m->ops->classify)
			return -EOPNOTSUPP;
		err = m->ops->classify(rule, m->data, c);
		if (err)
			return err;
	}
	return 0;
}

int bf_class_rule_conds(const struct bf_rule *rule, const char *in, const char *out,
			struct bf_class_conds *c)
{
	return rule_conds(rule, &rule->ip, in ? in : "", out ? out : "", c);
}

bool bf_class_rule_classifiable(const struct bf_rule *rule)
{
	static __thread struct bf_class_conds c;
	struct bf_ip ip = rule->ip;

	if (rule->classifiable)
		return rule->classifiable > 0;
	memset(ip.iniface, 0, sizeof(ip.iniface));
	memset(ip.outiface, 0, sizeof(ip.outiface));
	ip.invflags &= (uint8_t)~(BF_INV_VIA_IN | BF_INV_VIA_OUT);
	/* A cache in the rule, which is otherwise read-only here. */
	((struct bf_rule *)rule)->classifiable = rule_conds(rule, &ip, "", "", &c) ? -1 : 1;
	return rule->classifiable > 0;
}
