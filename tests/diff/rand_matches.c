/* The table of match generators: one entry per iptables match, with the
 * families it exists for, the protocol it needs and a function writing
 * random options and recording what they test (aims). Adding a match to
 * the harness is adding one entry here; entries whose match does not
 * compile at XDP yet are switched off at start (rand_diff.c). */
#include <stdio.h>
#include <string.h>

#include "rand_matches6.h"
#include "rand_rules.h"

static const char *neg(struct rnd *r, unsigned int pct)
{
	return rnd_pct(r, pct) ? "! " : "";
}

/* A port near the interesting ones. */
static uint32_t port(struct rnd *r)
{
	static const uint16_t edge[] = {0, 1, 22, 53, 80, 443, 1023, 1024, 8080, 65534, 65535};

	if (rnd_pct(r, 40))
		return edge[rnd_below(r, sizeof(edge) / sizeof(edge[0]))];
	return rnd_pct(r, 50) ? rnd_range(r, 1000, 1100) : rnd_below(r, 65536);
}

/* "--OPT a[:b]" with its aim. */
static void port_opt(struct rnd *r, struct rr_rule *rule, const char *opt, enum rr_field f)
{
	uint32_t a = port(r), b = a;

	switch (rnd_below(r, 4)) {
	case 0:
		rr_put(rule, " %s--%s %u", neg(r, 25), opt, a);
		break;
	case 1:
		b = a + rnd_below(r, 200);
		if (b > 65535)
			b = 65535;
		rr_put(rule, " %s--%s %u:%u", neg(r, 25), opt, a, b);
		break;
	case 2:
		rr_put(rule, " %s--%s %u:", neg(r, 25), opt, a);
		b = 65535;
		break;
	default:
		rr_put(rule, " %s--%s :%u", neg(r, 25), opt, a);
		b = a;
		a = 0;
		break;
	}
	rr_aim(rule, f, a, b, 0);
}

static const char *const tcp_flag_names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};

static void flag_list(struct rnd *r, struct rr_rule *rule, uint32_t bits)
{
	bool first = true;

	if (bits == 0) {
		rr_put(rule, "NONE");
		return;
	}
	if (bits == 0x3f && rnd_pct(r, 50)) {
		rr_put(rule, "ALL");
		return;
	}
	for (int i = 0; i < 6; i++) {
		if (bits & (1u << i)) {
			rr_put(rule, "%s%s", first ? "" : ",", tcp_flag_names[i]);
			first = false;
		}
	}
}

static void gen_tcp(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	unsigned int what = rnd_range(r, 1, 15);

	rr_put(rule, " -m tcp");
	if (what & 1)
		port_opt(r, rule, "sport", RR_F_SPORT);
	if (what & 2)
		port_opt(r, rule, "dport", RR_F_DPORT);
	switch (what >> 2) {
	case 0: {
		uint32_t mask = rnd_range(r, 1, 0x3f), cmp = (uint32_t)rnd_next(r) & mask;

		rr_put(rule, " %s--tcp-flags ", neg(r, 25));
		flag_list(r, rule, mask);
		rr_put(rule, " ");
		flag_list(r, rule, cmp);
		rr_aim(rule, RR_F_TCPFLAGS, cmp, cmp, mask);
		break;
	}
	case 1:
		rr_put(rule, " %s--syn", neg(r, 30));
		rr_aim(rule, RR_F_TCPFLAGS, 0x02, 0x02, 0x17);
		break;
	default:
		if (!(what & 3))
			port_opt(r, rule, "dport", RR_F_DPORT);
		break;
	}
}

static void gen_tcp_option(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const uint8_t kinds[] = {1, 2, 3, 4, 8, 30, 254}; /* 0: iptables refuses */
	uint32_t k = kinds[rnd_below(r, sizeof(kinds))];

	rr_put(rule, " -m tcp %s--tcp-option %u", neg(r, 30), k);
	rr_aim(rule, RR_F_TCPOPT, k, k, 0);
}

static void gen_udp(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	unsigned int what = rnd_range(r, 1, 3);

	rr_put(rule, " -m udp");
	if (what & 1)
		port_opt(r, rule, "sport", RR_F_SPORT);
	if (what & 2)
		port_opt(r, rule, "dport", RR_F_DPORT);
}

static void gen_sctp(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	rr_put(rule, " -m sctp");
	port_opt(r, rule, rnd_pct(r, 50) ? "sport" : "dport", RR_F_DPORT);
}

static void gen_icmp(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const uint8_t types[] = {0, 3, 5, 8, 11, 12, 13, 255};
	uint32_t t = types[rnd_below(r, sizeof(types))], c;

	switch (rnd_below(r, 4)) {
	case 0:
		rr_put(rule, " -m icmp %s--icmp-type %u", neg(r, 25), t);
		rr_aim(rule, RR_F_ICMP, t, 256, 0);
		break;
	case 1:
		c = rnd_pct(r, 50) ? rnd_below(r, 4) : rnd_below(r, 256);
		rr_put(rule, " -m icmp %s--icmp-type %u/%u", neg(r, 25), t, c);
		rr_aim(rule, RR_F_ICMP, t, c, 0);
		break;
	case 2:
		rr_put(rule, " -m icmp %s--icmp-type any", neg(r, 25));
		rr_aim(rule, RR_F_ICMP, rnd_below(r, 256), 256, 0);
		break;
	default:
		if (rnd_pct(r, 50)) {
			rr_put(rule, " -m icmp %s--icmp-type echo-request", neg(r, 25));
			rr_aim(rule, RR_F_ICMP, 8, 256, 0);
		} else {
			rr_put(rule, " -m icmp %s--icmp-type port-unreachable", neg(r, 25));
			rr_aim(rule, RR_F_ICMP, 3, 3, 0);
		}
		break;
	}
}

static void gen_multiport(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const char *const opts[] = {"sports", "dports", "ports"};
	unsigned int which = rnd_below(r, 3), n = rnd_range(r, 1, 6), used = 0;

	rr_put(rule, " -m multiport %s--%s ", neg(r, 25), opts[which]);
	for (unsigned int i = 0; i < n && used < 14; i++) {
		uint32_t a = port(r), b;

		if (rnd_pct(r, 40) && a < 65535) {
			b = a + rnd_range(r, 1, 50);
			if (b > 65535)
				b = 65535;
			rr_put(rule, "%s%u:%u", i ? "," : "", a, b);
			used += 2;
		} else {
			b = a;
			rr_put(rule, "%s%u", i ? "," : "", a);
			used++;
		}
		if (which != 0)
			rr_aim(rule, RR_F_DPORT, a, b, 0);
		if (which != 1)
			rr_aim(rule, RR_F_SPORT, a, b, 0);
	}
}

/* An address around the test range, host order. */
static uint32_t test_addr(struct rnd *r)
{
	return 0xc6120000u | rnd_below(r, 0x20000); /* 198.18.0.0/15 */
}

static void put_addr(struct rr_rule *rule, uint32_t a)
{
	rr_put(rule, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void range_opt(struct rnd *r, struct rr_rule *rule, const char *opt, enum rr_field f)
{
	uint32_t a = test_addr(r), b = a + rnd_below(r, rnd_pct(r, 50) ? 4 : 600);

	rr_put(rule, " %s--%s ", neg(r, 25), opt);
	put_addr(rule, a);
	rr_put(rule, "-");
	put_addr(rule, b);
	rr_aim(rule, f, a, b, 0);
}

static void gen_iprange(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	unsigned int what = rnd_range(r, 1, 3);

	rr_put(rule, " -m iprange");
	if (what & 1)
		range_opt(r, rule, "src-range", RR_F_SADDR);
	if (what & 2)
		range_opt(r, rule, "dst-range", RR_F_DADDR);
}

static void gen_length(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	uint32_t a = rnd_range(r, 20, 120), b = a + rnd_below(r, 40);

	if (rnd_pct(r, 40))
		b = a;
	if (a == b)
		rr_put(rule, " -m length %s--length %u", neg(r, 25), a);
	else
		rr_put(rule, " -m length %s--length %u:%u", neg(r, 25), a, b);
	rr_aim(rule, RR_F_LEN, a, b, 0);
}

/* -m ttl and -m hl: the same options, with the match's word. */
static void gen_hop_limit(struct rnd *r, struct rr_rule *rule, const char *word)
{
	static const uint8_t vals[] = {0, 1, 2, 63, 64, 65, 128, 254, 255};
	uint32_t v = vals[rnd_below(r, sizeof(vals))];

	switch (rnd_below(r, 3)) {
	case 0:
		rr_put(rule, " -m %s %s--%s-eq %u", word, neg(r, 30), word, v);
		rr_aim(rule, RR_F_TTL, v, v, 0);
		break;
	case 1:
		rr_put(rule, " -m %s --%s-lt %u", word, word, v);
		rr_aim(rule, RR_F_TTL, 0, v ? v - 1 : 0, 0);
		break;
	default:
		rr_put(rule, " -m %s --%s-gt %u", word, word, v);
		rr_aim(rule, RR_F_TTL, v < 255 ? v + 1 : 255, 255, 0);
		break;
	}
}

static void gen_ttl(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	gen_hop_limit(r, rule, "ttl");
}

static void gen_tos(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	uint32_t mask = rnd_pct(r, 50) ? 0xff : (uint32_t)rnd_below(r, 256);
	uint32_t v = (uint32_t)rnd_below(r, 256) & mask;

	if (rnd_pct(r, 30)) {
		rr_put(rule, " -m tos %s--tos Minimize-Delay", neg(r, 25));
		rr_aim(rule, RR_F_TOS, 0x10, 0x10, 0x3f);
	} else {
		rr_put(rule, " -m tos %s--tos 0x%02x/0x%02x", neg(r, 25), v, mask);
		rr_aim(rule, RR_F_TOS, v, v, mask);
	}
}

static void gen_dscp(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	uint32_t v = rnd_below(r, 64);

	if (rnd_pct(r, 30)) {
		rr_put(rule, " -m dscp %s--dscp-class AF41", neg(r, 25));
		v = 34;
	} else {
		rr_put(rule, " -m dscp %s--dscp %u", neg(r, 25), v);
	}
	rr_aim(rule, RR_F_TOS, v << 2, v << 2, 0xfc);
}

static void gen_hl(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	gen_hop_limit(r, rule, "hl");
}

static void gen_icmp6(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const uint8_t types[] = {1, 2, 3, 4, 128, 129, 133, 135, 136, 255};
	uint32_t t = types[rnd_below(r, sizeof(types))], c;

	switch (rnd_below(r, 3)) {
	case 0:
		rr_put(rule, " -m icmp6 %s--icmpv6-type %u", neg(r, 25), t);
		rr_aim(rule, RR_F_ICMP, t, 256, 0);
		break;
	case 1:
		c = rnd_pct(r, 50) ? rnd_below(r, 4) : rnd_below(r, 256);
		rr_put(rule, " -m icmp6 %s--icmpv6-type %u/%u", neg(r, 25), t, c);
		rr_aim(rule, RR_F_ICMP, t, c, 0);
		break;
	default:
		if (rnd_pct(r, 50)) {
			rr_put(rule, " -m icmp6 %s--icmpv6-type echo-request", neg(r, 25));
			rr_aim(rule, RR_F_ICMP, 128, 256, 0);
		} else {
			rr_put(rule, " -m icmp6 %s--icmpv6-type port-unreachable", neg(r, 25));
			rr_aim(rule, RR_F_ICMP, 1, 4, 0);
		}
		break;
	}
}

static void gen_comment(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	rr_put(rule, " -m comment --comment \"rule %u here\"", rnd_below(r, 1000));
}

static void gen_pkttype(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	static const char *const names[] = {"unicast", "broadcast", "multicast"};
	uint32_t t = rnd_below(r, 3);

	rr_put(rule, " -m pkttype %s--pkt-type %s", neg(r, 30), names[t]);
	rr_aim(rule, RR_F_PKTTYPE, t, t, 0);
}

static void gen_mac(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	uint32_t last = rnd_pct(r, 60) ? 1 : rnd_below(r, 4);

	rr_put(rule, " -m mac %s--mac-source 02:00:00:00:00:%02x", neg(r, 30), last);
	rr_aim(rule, RR_F_SMAC, last, last, 0);
}

static void gen_statistic(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	if (rnd_pct(r, 70)) {
		uint32_t every = rnd_range(r, 1, 4);

		rr_put(rule, " -m statistic --mode nth --every %u --packet %u", every,
		       rnd_below(r, every));
	} else {
		rr_put(rule, " -m statistic --mode random --probability %s",
		       rnd_pct(r, 50) ? "0" : "1");
	}
}

/* A bucket that gains no token while a case runs (at most 1/minute): its
 * first --limit-burst packets match, then none, in both. */
static void gen_limit(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	/* Slower ones with a burst overflow the bucket (ERANGE, as iptables). */
	static const char *const rates[] = {"1/min", "3/hour", "1/hour"};

	rr_put(rule, " -m limit --limit %s --limit-burst %u", rates[rnd_below(r, 3)],
	       rnd_range(r, 1, 6));
}

/* hashlimit at rates that gain no token while a case runs: bursts per
 * key, every mode, masks, above, and tables so small that packets are
 * hotdropped. Rules of one name share a table whose settings come from
 * the rule that made it, which the two sides may not pick alike: the
 * name is derived from the settings, so that rules share a table only
 * when they agree (upto/above is each rule's own). */
static void gen_hashlimit(struct rnd *r, struct rr_rule *rule, unsigned int bits)
{
	static const char *const rates[] = {"1/min", "3/hour"};
	static const char *const modes[] = {"", "srcip", "dstip", "srcport", "dstport",
					    "srcip,dstport", "dstip,srcport,srcip"};
	unsigned int rate = rnd_below(r, 2), burst = rnd_range(r, 1, 4);
	unsigned int mode = rnd_below(r, 7), smask = bits, dmask = bits, max = 0;

	if (rnd_pct(r, 30))
		smask = rnd_below(r, bits + 1);
	if (rnd_pct(r, 30))
		dmask = rnd_below(r, bits + 1);
	if (rnd_pct(r, 20))
		max = rnd_range(r, 1, 3);
	rr_put(rule, " -m hashlimit --hashlimit-%s %s --hashlimit-burst %u",
	       rnd_pct(r, 30) ? "above" : "upto", rates[rate], burst);
	if (*modes[mode])
		rr_put(rule, " --hashlimit-mode %s", modes[mode]);
	if (smask != bits)
		rr_put(rule, " --hashlimit-srcmask %u", smask);
	if (dmask != bits)
		rr_put(rule, " --hashlimit-dstmask %u", dmask);
	if (max)
		rr_put(rule, " --hashlimit-htable-size %u --hashlimit-htable-max %u", max, max);
	/* rules fit RR_RULE_LEN: a short name, the settings packed */
	rr_put(rule, " --hashlimit-name h%x",
	       ((((rate * 5 + burst) * 7 + mode) * 129 + smask) * 129 + dmask) * 4 + max);
}

static void gen_hashlimit4(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	gen_hashlimit(r, rule, 32);
}

static void gen_hashlimit6(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	gen_hashlimit(r, rule, 128);
}

/* recent on two lists of fixed masks (a list's mask is its first rule's),
 * every operation; the frames of a case come within a second, so every
 * stamp is in a --seconds window and --reap finds nothing old. */
static void gen_recent(struct rnd *r, struct rr_rule *rule, const char *mask)
{
	static const char *const ops[] = {"--set", "--rcheck", "--update", "--remove"};
	unsigned int op = rnd_below(r, 4);
	bool masked = rnd_pct(r, 50);

	rr_put(rule, " -m recent %s%s", neg(r, 20), ops[op]);
	if (op == 1 || op == 2) {
		if (rnd_pct(r, 40))
			rr_put(rule, " --seconds %u%s", rnd_range(r, 1, 100),
			       rnd_pct(r, 30) ? " --reap" : "");
		if (rnd_pct(r, 50))
			rr_put(rule, " --hitcount %u", rnd_range(r, 1, 5));
		if (rnd_pct(r, 25))
			rr_put(rule, " --rttl");
	}
	rr_put(rule, " --name %s%s", masked ? "rM" : "rA", rnd_pct(r, 30) ? " --rdest" : "");
	if (masked)
		rr_put(rule, " --mask %s", mask);
}

static void gen_recent4(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	gen_recent(r, rule, "255.255.255.0");
}

static void gen_recent6(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	gen_recent(r, rule, "ffff:ffff:ffff:ffff::");
}

static void spi_opt(struct rnd *r, struct rr_rule *rule, const char *m, const char *opt)
{
	uint32_t a = rnd_pct(r, 30) ? rnd_below(r, 4) : (uint32_t)rnd_next(r), b = a;

	if (rnd_pct(r, 50) && a < 0xffffff00u) {
		b = a + rnd_below(r, 100);
		rr_put(rule, " -m %s %s--%s %u:%u", m, neg(r, 25), opt, a, b);
	} else {
		rr_put(rule, " -m %s %s--%s %u", m, neg(r, 25), opt, a);
	}
	rr_aim(rule, RR_F_SPI, a, b, 0);
}

static void gen_esp(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	spi_opt(r, rule, "esp", "espspi");
}

static void gen_ah(struct rnd *r, struct rr_rule *rule, const char *proto)
{
	spi_opt(r, rule, "ah", "ahspi");
}

/* "-p a|b": the generator's rule takes either. -p tcp and -p udp bring their own options without -m (implicit match
 * of the protocol's name), as iptables-save prints them with -m. */
struct rr_match_gen rr_match_gens[] = {
	{"tcp", 1 << 4 | 1 << 6, "tcp", gen_tcp, {true, true}},
	{"tcp-option", 1 << 4 | 1 << 6, "tcp", gen_tcp_option, {true, true}},
	{"udp", 1 << 4 | 1 << 6, "udp", gen_udp, {true, true}},
	{"sctp", 1 << 4 | 1 << 6, "sctp", gen_sctp, {true, true}},
	{"icmp", 1 << 4, "icmp", gen_icmp, {true, true}},
	{"multiport", 1 << 4 | 1 << 6, "tcp|udp", gen_multiport, {true, true}},
	{"iprange", 1 << 4, NULL, gen_iprange, {true, true}},
	{"length", 1 << 4 | 1 << 6, NULL, gen_length, {true, true}},
	{"ttl", 1 << 4, NULL, gen_ttl, {true, true}},
	{"tos", 1 << 4, NULL, gen_tos, {true, true}},
	{"dscp", 1 << 4 | 1 << 6, NULL, gen_dscp, {true, true}},
	{"comment", 1 << 4 | 1 << 6, NULL, gen_comment, {true, true}},
	{"pkttype", 1 << 4 | 1 << 6, NULL, gen_pkttype, {true, true}},
	{"mac", 1 << 4 | 1 << 6, NULL, gen_mac, {true, true}},
	{"statistic", 1 << 4 | 1 << 6, NULL, gen_statistic, {true, true}},
	{"limit", 1 << 4 | 1 << 6, NULL, gen_limit, {true, true}},
	{"hashlimit", 1 << 4, NULL, gen_hashlimit4, {true, true}},
	{"hashlimit", 1 << 6, NULL, gen_hashlimit6, {true, true}},
	{"recent", 1 << 4, NULL, gen_recent4, {true, true}},
	{"recent", 1 << 6, NULL, gen_recent6, {true, true}},
	{"esp", 1 << 4 | 1 << 6, "esp", gen_esp, {true, true}},
	{"ah", 1 << 4, "ah", gen_ah, {true, true}},
	{"hl", 1 << 6, NULL, gen_hl, {true, true}},
	{"icmp6", 1 << 6, "icmpv6", gen_icmp6, {true, true}},
	/* IPv6 extension headers (rand_matches6.c): no -p needed, except
	 * mh's (either of its names). */
	{"frag", 1 << 6, NULL, rr_gen_frag, {true, true}},
	{"hbh", 1 << 6, NULL, rr_gen_hbh, {true, true}},
	{"dst", 1 << 6, NULL, rr_gen_dst, {true, true}},
	{"rt", 1 << 6, NULL, rr_gen_rt, {true, true}},
	{"ipv6header", 1 << 6, NULL, rr_gen_ipv6header, {true, true}},
	{"mh", 1 << 6, "mh|ipv6-mh", rr_gen_mh, {true, true}},
	{"ah", 1 << 6, NULL, rr_gen_ah6, {true, true}},
};
const size_t rr_n_match_gens = sizeof(rr_match_gens) / sizeof(rr_match_gens[0]);
