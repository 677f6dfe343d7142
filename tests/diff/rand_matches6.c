/* Generators of the ip6tables extension-header matches (frag, hbh, dst,
 * rt, ipv6header, mh, ah for IPv6); their entries are in the table of
 * rand_matches.c. Each records the header it needs (RR_F_EXTHDR) and the
 * values it tests, which rand_pkts6.c aims frames at. */
#include <stdio.h>
#include <string.h>

#include "rand_matches6.h"

static const char *neg(struct rnd *r, unsigned int pct)
{
	return rnd_pct(r, pct) ? "! " : "";
}

/* A 32-bit value near the ones frames use (fragment ids, SPIs). */
static uint32_t id32(struct rnd *r)
{
	return rnd_pct(r, 40) ? rnd_below(r, 4) : rnd_pct(r, 30) ? 0xffffffffu - rnd_below(r, 3) :
	       (uint32_t)rnd_next(r);
}

/* " [!] --OPT a[:b]" of 32-bit values, with its aim. */
static void range32(struct rnd *r, struct rr_rule *rule, const char *opt, enum rr_field f,
		    uint32_t max)
{
	uint32_t a = id32(r) % ((uint64_t)max + 1), b = a;

	if (rnd_pct(r, 50) && a < max - 300) {
		b = a + rnd_below(r, 100);
		rr_put(rule, " %s--%s %u:%u", neg(r, 25), opt, a, b);
	} else {
		rr_put(rule, " %s--%s %u", neg(r, 25), opt, a);
	}
	rr_aim(rule, f, a, b, 0);
}

void rr_gen_frag(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	unsigned int what = rnd_range(r, 1, 31);

	rr_put(rule, " -m frag");
	rr_aim(rule, RR_F_EXTHDR, 44, 44, 0);
	if (what & 1)
		range32(r, rule, "fragid", RR_F_FRAGID, 0xffffffffu);
	if (what & 2) /* ip6t_frag ignores it */
		rr_put(rule, " %s--fraglen %u", neg(r, 25), rnd_pct(r, 50) ? 8 : rnd_below(r, 64));
	if (what & 4) {
		rr_put(rule, " --fragres");
		rr_aim(rule, RR_F_FRAGFL, 3, 3, 0);
	}
	if (what & 8) {
		rr_put(rule, " --fragfirst");
		rr_aim(rule, RR_F_FRAGFL, 0, 0, 0);
	}
	if (what & 16) {
		bool more = rnd_pct(r, 50);

		rr_put(rule, more ? " --fragmore" : " --fraglast");
		rr_aim(rule, RR_F_FRAGFL, more ? 1 : 2, 0, 0);
	}
}

/* --hbh-len / --dst-len and --hbh-opts / --dst-opts. */
static void opts(struct rnd *r, struct rr_rule *rule, const char *m, bool hbh)
{
	/* Hop-by-hop: types the stack takes there (pad, router alert,
	 * unknown of the "skip" kind); destination options: any. */
	static const uint8_t t_hbh[] = {0, 1, 1, 5, 0x1e, 0x08, 0x3e};
	static const uint8_t t_dst[] = {0, 1, 1, 4, 0x1e, 0x80, 0xc9, 0xff};
	unsigned int what = rnd_range(r, 1, 3);
	uint8_t type = hbh ? 0 : 60;

	rr_put(rule, " -m %s", m);
	rr_aim(rule, RR_F_EXTHDR, type, type, 0);
	if (what & 1) {
		uint32_t len = rnd_pct(r, 70) ? 8 * rnd_range(r, 1, 3) : rnd_below(r, 40);

		rr_put(rule, " %s--%s-len %u", neg(r, 25), m, len);
		rr_aim(rule, hbh ? RR_F_HBHLEN : RR_F_DSTLEN, len, len, 0);
	}
	if (what & 2) {
		unsigned int n = rnd_range(r, 1, 3);

		rr_put(rule, " --%s-opts ", m);
		for (unsigned int i = 0; i < n; i++) {
			uint32_t t = hbh ? t_hbh[rnd_below(r, sizeof(t_hbh))] :
				     t_dst[rnd_below(r, sizeof(t_dst))];
			uint32_t l = 256;

			if (t == 5 && rnd_pct(r, 70))
				l = 2;
			else if (t == 1)
				l = rnd_pct(r, 60) ? rnd_below(r, hbh ? 4 : 8) : 256;
			else if (t && rnd_pct(r, 60))
				l = rnd_below(r, 7);
			rr_put(rule, "%s%u", i ? "," : "", t);
			if (l < 256)
				rr_put(rule, ":%u", l);
			rr_aim(rule, hbh ? RR_F_HBHOPT : RR_F_DSTOPT, t, l, i);
		}
	}
}

void rr_gen_hbh(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	opts(r, rule, "hbh", true);
}

void rr_gen_dst(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	opts(r, rule, "dst", false);
}

void rr_gen_rt(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const uint8_t types[] = {0, 0, 2, 1, 3, 4, 253};
	unsigned int what = rnd_range(r, 1, 15);
	uint32_t t = types[rnd_below(r, sizeof(types))];
	const char *n = neg(r, 20);

	rr_put(rule, " -m rt");
	rr_aim(rule, RR_F_EXTHDR, 43, 43, 0);
	if (what & 1) {
		rr_put(rule, " %s--rt-type %u", n, t);
		rr_aim(rule, RR_F_RTTYPE, t, t, 0);
	}
	if (what & 2) {
		uint32_t a = rnd_pct(r, 60) ? rnd_below(r, 4) : rnd_below(r, 256), b = a;

		if (rnd_pct(r, 40)) {
			b = a + rnd_below(r, 4);
			rr_put(rule, " %s--rt-segsleft %u:%u", neg(r, 25), a, b > 255 ? 255 : b);
		} else {
			rr_put(rule, " %s--rt-segsleft %u", neg(r, 25), a);
		}
		rr_aim(rule, RR_F_SEGSLEFT, a, b > 255 ? 255 : b, 0);
	}
	if (what & 4) {
		uint32_t len = rnd_pct(r, 70) ? 8 * rnd_range(r, 1, 7) : rnd_below(r, 64);

		rr_put(rule, " %s--rt-len %u", neg(r, 25), len);
		rr_aim(rule, RR_F_RTLEN, len, len, 0);
	}
	/* Type 0's own options need --rt-type 0 (not negated) before them;
	 * --rt-0-not-strict is refused at compile time: left out. */
	if ((what & 1) && t == 0 && !*n && (what & 8)) {
		if (rnd_pct(r, 50)) {
			rr_put(rule, " --rt-0-res");
			rr_aim(rule, RR_F_RTRES, 0, 0, 0);
		}
		if (rnd_pct(r, 70)) {
			unsigned int k = rnd_range(r, 1, 3);

			rr_put(rule, " --rt-0-addrs ");
			for (unsigned int i = 0; i < k; i++) {
				uint32_t low = rnd_pct(r, 50) ? rnd_below(r, 4) : (uint32_t)rnd_next(r);

				rr_put(rule, "%s2001:db8::%x:%x", i ? "," : "", low >> 16, low & 0xffff);
				rr_aim(rule, RR_F_RTADDR, i, low, 0);
			}
		}
	}
}

void rr_gen_ipv6header(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const struct { const char *name; uint8_t bit; } names[] = {
		{"hop-by-hop", 0x80}, {"hop", 0x80}, {"0", 0x80}, {"ipv6-opts", 0x40},
		{"dst", 0x40}, {"60", 0x40}, {"ipv6-route", 0x20}, {"route", 0x20},
		{"43", 0x20}, {"ipv6-frag", 0x10}, {"frag", 0x10}, {"44", 0x10},
		{"ah", 0x08}, {"auth", 0x08}, {"51", 0x08}, {"esp", 0x04}, {"50", 0x04},
		{"ipv6-nonxt", 0x02}, {"none", 0x02}, {"59", 0x02}, {"prot", 0x01},
		{"protocol", 0x01},
	};
	unsigned int n = rnd_range(r, 1, 4);
	uint32_t mask = 0;

	rr_put(rule, " -m ipv6header %s--header ", neg(r, 25));
	for (unsigned int i = 0; i < n; i++) {
		unsigned int k = rnd_below(r, sizeof(names) / sizeof(names[0]));

		rr_put(rule, "%s%s", i ? "," : "", names[k].name);
		mask |= names[k].bit;
	}
	if (rnd_pct(r, 40))
		rr_put(rule, " --soft");
	rr_aim(rule, RR_F_EXTMASK, mask, mask, 0);
}

void rr_gen_mh(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const char *const names[] = {"brr", "home-test-init", "coti", "hot",
					    "careof-test", "bu", "ba", "binding-error"};
	uint32_t a = rnd_below(r, 10), b = a;

	if (a < 8 && rnd_pct(r, 30)) {
		rr_put(rule, " -m mh %s--mh-type %s", neg(r, 25), names[a]);
	} else if (rnd_pct(r, 40)) {
		b = a + rnd_below(r, rnd_pct(r, 80) ? 4 : 256);
		if (b > 255)
			b = 255;
		rr_put(rule, " -m mh %s--mh-type %u:%u", neg(r, 25), a, b);
	} else {
		rr_put(rule, " -m mh %s--mh-type %u", neg(r, 25), a);
	}
	rr_aim(rule, RR_F_MHTYPE, a, b, 0);
}

void rr_gen_ah6(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	unsigned int what = rnd_range(r, 1, 7);

	rr_put(rule, " -m ah");
	rr_aim(rule, RR_F_EXTHDR, 51, 51, 0);
	if (what & 1) {
		uint32_t a = rnd_pct(r, 40) ? rnd_below(r, 300) : id32(r), b = a;

		if (rnd_pct(r, 50) && a < 0xffffff00u) {
			b = a + rnd_below(r, 100);
			rr_put(rule, " %s--ahspi %u:%u", neg(r, 25), a, b);
		} else {
			rr_put(rule, " %s--ahspi %u", neg(r, 25), a);
		}
		rr_aim(rule, RR_F_SPI, a, b, 0);
	}
	if (what & 2) {
		uint32_t len = rnd_pct(r, 70) ? 4 * rnd_range(r, 2, 5) : rnd_below(r, 32);

		rr_put(rule, " %s--ahlen %u", neg(r, 25), len);
		rr_aim(rule, RR_F_AHLEN, len, len, 0);
	}
	if (what & 4) {
		rr_put(rule, " --ahres");
		rr_aim(rule, RR_F_AHRES, 0, 0, 0);
	}
}
