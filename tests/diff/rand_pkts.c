/* Frames aimed at a ruleset's edges: each packet starts from random
 * defaults, then takes the values one or two rules test, on or just
 * beside each edge (first/last address of a prefix and its neighbours,
 * ends of port ranges +-1, flags under and off the mask...), then maybe
 * an oddity: fragment, IP options, truncated transport header, bad
 * header fields the stack drops, padding, a non-IP frame. */
#include "rand_pkts.h"

#include <stdio.h>
#include <string.h>

void rp_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void rp_put32(uint8_t *p, uint32_t v)
{
	rp_put16(p, v >> 16);
	rp_put16(p + 2, v & 0xffff);
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Transport header bytes written for a protocol. */
static size_t l4_hdr_len(const struct rp_pkt *p)
{
	switch (p->proto) {
	case 6:
		return p->tcpopt_kind ? 24 : 20;
	case 51:
		return 12;
	case 132:
		return 12;
	case 135:
		return 8; /* struct ip6_mh: a Binding Refresh Request */
	default:
		return 8;
	}
}

static void build_l4(const struct rp_pkt *p, uint8_t *l4, size_t len)
{
	switch (p->proto) {
	case 6:
		rp_put16(l4, p->sport);
		rp_put16(l4 + 2, p->dport);
		rp_put32(l4 + 4, 0x01020304);
		l4[12] = (uint8_t)((p->tcpopt_kind ? 6 : 5) << 4);
		l4[13] = p->tcpflags;
		rp_put16(l4 + 14, 8192);
		if (p->tcpopt_kind >= 2) {
			l4[20] = p->tcpopt_kind;
			l4[21] = 4;
		} else if (p->tcpopt_kind == 1) {
			l4[20] = l4[21] = l4[22] = 1; /* NOPs, then EOL */
		}
		break;
	case 17:
		rp_put16(l4, p->sport);
		rp_put16(l4 + 2, p->dport);
		rp_put16(l4 + 4, (uint32_t)len);
		break;
	case 1:
		l4[0] = p->icmp_type;
		l4[1] = p->icmp_code;
		rp_put16(l4 + 4, p->id);
		rp_put16(l4 + 2, csum(l4, len));
		break;
	case 50:
		rp_put32(l4, p->spi);
		rp_put32(l4 + 4, 1);
		break;
	case 51:
		l4[0] = 59;
		l4[1] = 1; /* (1 + 2) * 4 = 12 bytes */
		rp_put32(l4 + 4, p->spi);
		rp_put32(l4 + 8, 1);
		break;
	case 132:
		rp_put16(l4, p->sport);
		rp_put16(l4 + 2, p->dport);
		rp_put32(l4 + 4, 0xdeadbeef);
		break;
	case 135:
		if (p->family != 6)
			goto ports;
		l4[0] = p->mh_proto;
		l4[1] = (uint8_t)((len - 8) / 8);
		l4[2] = p->mh_type;
		break;
	default:
	ports:
		rp_put16(l4, p->sport);
		rp_put16(l4 + 2, p->dport);
		break;
	}
}

static void put_addr6(uint8_t *p, uint8_t hi, uint32_t low)
{
	rp_put32(p, hi == 3 ? 0x20010db9 : 0x20010db8);
	rp_put32(p + 4, hi == 2 ? 0x00010000 : hi == 5 ? 0xffff0000u : 0);
	rp_put32(p + 8, hi == 1 ? 1 : hi == 4 ? 0x80000000u : 0);
	rp_put32(p + 12, low);
}

static size_t build6(const struct rp_pkt *p, uint8_t *ip)
{
	uint8_t l4[RP_MAX_FRAME] = {0}, ext[RP_MAX_FRAME], first = p->proto;
	size_t full = l4_hdr_len(p) + p->payload, l4len = p->l4_cut > 0 ? (size_t)p->l4_cut : full;
	size_t elen = rp6_build_ext(p, ext, &first), plen;

	if (p->ext_cut && p->ext_cut < elen) {
		elen -= p->ext_cut;
		l4len = 0;
	}
	plen = elen + l4len;
	ip[0] = (uint8_t)((p->version ? p->version : 6) << 4 | p->tos >> 4);
	ip[1] = (uint8_t)(p->tos << 4);
	rp_put16(ip + 4, (uint32_t)((int)plen + p->tot_len_delta));
	ip[6] = first;
	ip[7] = p->ttl;
	put_addr6(ip + 8, p->hi6_s, p->saddr);
	put_addr6(ip + 24, p->hi6_d, p->daddr);
	for (size_t i = l4_hdr_len(p); i < full; i++)
		l4[i] = (uint8_t)(0xa0 + i);
	build_l4(p, l4, full);
	memcpy(ip + 40, ext, elen);
	memcpy(ip + 40 + elen, l4, l4len);
	return 40 + plen;
}

/* Inserts the 802.1Q tag after the Ethernet addresses. */
static size_t add_vlan(const struct rp_pkt *p, uint8_t *buf, size_t len)
{
	if (!p->vlan || len + 4 > RP_MAX_FRAME)
		return len;
	memmove(buf + 16, buf + 12, len - 12);
	rp_put16(buf + 12, 0x8100);
	rp_put16(buf + 14, p->vlan_tci);
	return len + 4;
}

static size_t build(const struct rp_pkt *p, uint8_t *buf)
{
	static const uint8_t mac_b[6] = RP_MAC_B;
	size_t hlen = 20 + 4 * (size_t)p->opt_words, l4len, len;
	uint8_t *ip = buf + 14;

	memset(buf, 0, RP_MAX_FRAME);
	if (p->l2 == 0)
		memcpy(buf, mac_b, 6);
	else if (p->l2 == 1)
		memset(buf, 0xff, 6);
	else if (p->family == 6)
		memcpy(buf, (uint8_t[6]){0x33, 0x33, 0, 0, 0, 0x01}, 6);
	else
		memcpy(buf, (uint8_t[6]){0x01, 0, 0x5e, 0, 0, 0x01}, 6);
	memcpy(buf + 6, (uint8_t[6])RP_MAC_A, 6);
	buf[11] = p->smac_last;
	rp_put16(buf + 12, p->ethertype);
	if (p->ethertype == 0x86dd)
		return 14 + build6(p, ip) + p->pad;
	if (p->ethertype != 0x0800) {
		for (int i = 0; i < 28; i++)
			ip[i] = (uint8_t)(i * 7);
		return 14 + 28;
	}
	l4len = l4_hdr_len(p) + p->payload;
	if (p->fragoff)
		l4len = (size_t)p->payload + 8; /* no transport header, just data */
	else if (p->l4_cut > 0)
		l4len = (size_t)p->l4_cut;
	len = hlen + l4len;
	ip[0] = (uint8_t)((p->version ? p->version : 4) << 4 | (p->ihl ? p->ihl : (int)hlen / 4));
	ip[1] = p->tos;
	rp_put16(ip + 2, (uint32_t)((int)len + p->tot_len_delta));
	rp_put16(ip + 4, p->id);
	rp_put16(ip + 6, (uint32_t)(p->fragoff & 0x1fff) | (p->mf ? 0x2000 : 0) | (p->df ? 0x4000 : 0));
	ip[8] = p->ttl;
	ip[9] = p->proto;
	rp_put32(ip + 12, p->saddr);
	rp_put32(ip + 16, p->daddr);
	for (size_t i = 20; i < hlen; i++)
		ip[i] = i + 1 == hlen ? 0 : 1; /* NOPs, then EOL */
	{
		uint8_t l4[RP_MAX_FRAME] = {0};
		size_t full = l4_hdr_len(p) + p->payload;

		for (size_t i = l4_hdr_len(p); i < full; i++)
			l4[i] = (uint8_t)(0xa0 + i);
		if (!p->fragoff)
			build_l4(p, l4, full);
		else
			for (size_t i = 0; i < l4len; i++)
				l4[i] = (uint8_t)(0x30 + i);
		memcpy(ip + hlen, l4, l4len);
	}
	rp_put16(ip + 10, (uint32_t)csum(ip, hlen) + (p->bad_csum ? 1 : 0));
	return 14 + len + p->pad;
}

size_t rp_build(const struct rp_pkt *p, uint8_t *buf)
{
	return add_vlan(p, buf, build(p, buf));
}

static size_t wire_max(const uint8_t *frame, size_t len)
{
	bool tagged = len >= 14 && frame[12] == 0x81 && frame[13] == 0;

	return 14 + RP_MTU + (tagged ? 4 : 0);
}

const char *rp_check(const uint8_t *frame, size_t len)
{
	if (len > wire_max(frame, len))
		return "longer than the MTU allows";
	if (rp6_walk_count(frame, len) > rp6_ext_max)
		return "more extension headers than --ext-max";
	return NULL;
}

/* Keeps the frame within what the veth sends, giving up what is least
 * aimed first (payload bytes, Ethernet padding, then extension header
 * length), then its chain within rp6_ext_max headers. Takes no random
 * numbers: the rest of the case is as without it. */
static void bound(struct rp_pkt *p)
{
	static uint8_t buf[RP_MAX_FRAME];
	size_t len, over;

	/* rp6_build_ext leaves out headers past RP_MAX_FRAME - 200 bytes:
	 * the chain would name a header that is not there (transport bytes
	 * read as one). */
	while (p->family == 6 && rp6_ext_len(p) > RP_MAX_FRAME - 200 &&
	       rp6_shrink_ext(p, rp6_ext_len(p) - (RP_MAX_FRAME - 200)))
		;
	for (;;) {
		len = rp_build(p, buf);
		if (len <= wire_max(buf, len))
			break;
		over = len - wire_max(buf, len);
		if (p->payload)
			p->payload = (uint16_t)(p->payload > over ? p->payload - over : 0);
		else if (p->pad)
			p->pad = (uint8_t)(p->pad > over ? p->pad - over : 0);
		else if (p->family != 6 || !rp6_shrink_ext(p, over))
			break; /* rp_check says so */
	}
	while (p->family == 6 && rp6_walk_count(buf, len) > rp6_ext_max && rp6_shorten_chain(p))
		len = rp_build(p, buf);
}

/* A value on or beside the edges of [lo, hi] within [0, max]. */
uint32_t rp_edge(struct rnd *r, uint32_t lo, uint32_t hi, uint32_t max)
{
	switch (rnd_below(r, 7)) {
	case 0:
		return lo;
	case 1:
		return hi;
	case 2:
		return lo ? lo - 1 : hi;
	case 3:
		return hi < max ? hi + 1 : lo;
	case 4:
		return rnd_range(r, 0, max);
	default:
		return rnd_range(r, lo, hi);
	}
}

/* Keeps addresses out of what the stack drops before any hook. */
static uint32_t unmartian(struct rnd *r, uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	if (top == 0 || top == 127 || top >= 224)
		return 0xc6120000u | rnd_below(r, 0x20000);
	return a;
}

static uint32_t bits_near(struct rnd *r, uint32_t want, uint32_t mask, uint32_t width)
{
	uint32_t v = ((uint32_t)rnd_next(r) & ~mask & width) | (want & mask);

	if (mask && rnd_pct(r, 35)) {
		uint32_t bit;

		do
			bit = 1u << rnd_below(r, 8);
		while (!(bit & mask & width));
		v ^= bit;
	}
	return v;
}

static void aim(struct rnd *r, struct rp_pkt *p, const struct rr_aim *a, int *len_want, bool frags)
{
	switch (a->f) {
	case RR_F_SADDR:
		if (p->family == 6 && a->mask)
			p->hi6_s = rnd_pct(r, 40) ? 0 : (uint8_t)rnd_range(r, 1, 4);
		else
			p->saddr = rp_edge(r, a->lo, a->hi, 0xffffffffu);
		break;
	case RR_F_DADDR:
		if (p->family == 6 && a->mask)
			p->hi6_d = rnd_pct(r, 40) ? 0 : (uint8_t)rnd_range(r, 1, 4);
		else
			p->daddr = rp_edge(r, a->lo, a->hi, 0xffffffffu);
		break;
	case RR_F_PROTO:
		if (p->family == 6 && (a->lo == 43 || a->lo == 44 || a->lo == 51 || a->lo == 60)) {
			/* -p of an extension header: one in the chain */
			rp6_aim(r, p, &(struct rr_aim){.f = RR_F_EXTHDR, .lo = a->lo});
			if (rnd_pct(r, 70))
				break;
		}
		if (a->lo && a->lo != 253)
			p->proto = (uint8_t)a->lo;
		break;
	case RR_F_SPORT:
		p->sport = (uint16_t)rp_edge(r, a->lo, a->hi, 65535);
		break;
	case RR_F_DPORT:
		p->dport = (uint16_t)rp_edge(r, a->lo, a->hi, 65535);
		break;
	case RR_F_TCPFLAGS:
		p->tcpflags = (uint8_t)bits_near(r, a->lo, a->mask, 0x3f) | (p->tcpflags & 0xc0);
		break;
	case RR_F_ICMP:
		p->icmp_type = (uint8_t)rp_edge(r, a->lo, a->lo, 255);
		p->icmp_code = a->hi > 255 ? (uint8_t)rnd_below(r, 256) : (uint8_t)rp_edge(r, a->hi, a->hi, 255);
		break;
	case RR_F_TTL:
		p->ttl = (uint8_t)rp_edge(r, a->lo, a->hi, 255);
		break;
	case RR_F_TOS:
		p->tos = (uint8_t)bits_near(r, a->lo, a->mask, 0xff);
		break;
	case RR_F_LEN:
		*len_want = (int)rp_edge(r, a->lo, a->hi, 1400); /* stays under the MTU */
		break;
	case RR_F_PKTTYPE:
		p->l2 = rnd_pct(r, 60) ? (uint8_t)a->lo : (uint8_t)rnd_below(r, 3);
		break;
	case RR_F_FRAG:
		if (frags && rnd_pct(r, 50))
			p->fragoff = (uint16_t)rnd_range(r, 1, 200);
		break;
	case RR_F_SMAC:
		p->smac_last = (uint8_t)rp_edge(r, a->lo, a->lo, 255);
		break;
	case RR_F_SPI:
		p->spi = rp_edge(r, a->lo, a->hi, 0xffffffffu);
		break;
	case RR_F_TCPOPT:
		p->tcpopt_kind = rnd_pct(r, 60) ? (uint8_t)a->lo : (uint8_t)rnd_below(r, 9);
		break;
	default:
		if (p->family == 6)
			rp6_aim(r, p, a);
		break;
	}
}

static const struct rr_rule *random_rule(struct rnd *r, const struct rr_set *rs)
{
	size_t total = 0, k;

	for (size_t i = 0; i < rs->n_chains; i++)
		total += rs->chains[i].n_rules;
	if (!total)
		return NULL;
	k = rnd_below(r, (uint32_t)total);
	for (size_t i = 0; i < rs->n_chains; i++) {
		if (k < rs->chains[i].n_rules)
			return &rs->chains[i].rules[k];
		k -= rs->chains[i].n_rules;
	}
	return NULL;
}

static void defaults(struct rnd *r, struct rp_pkt *p, int family)
{
	static const uint8_t protos[] = {6, 6, 6, 6, 17, 17, 17, 1, 1, 47, 50, 51, 132, 2};
	static const uint8_t protos6[] = {6, 6, 6, 6, 17, 17, 17, 58, 58, 47, 50, 132, 1, 59};
	static const uint8_t flags[] = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x01, 0x00, 0x3f};

	memset(p, 0, sizeof(*p));
	p->family = (uint8_t)family;
	p->ethertype = family == 6 ? 0x86dd : 0x0800;
	p->smac_last = 1;
	p->saddr = (family == 6 ? 0 : 0xc6120000u) | rnd_below(r, 0x20000);
	p->daddr = (family == 6 ? 0 : 0xc6120000u) | rnd_below(r, 0x20000);
	p->proto = family == 6 ? protos6[rnd_below(r, sizeof(protos6))] : protos[rnd_below(r, sizeof(protos))];
	p->ttl = rnd_pct(r, 70) ? 64 : (uint8_t)rnd_below(r, 256);
	p->tos = rnd_pct(r, 70) ? 0 : (uint8_t)rnd_below(r, 256);
	p->sport = (uint16_t)rnd_range(r, 1024, 65535);
	p->dport = rnd_pct(r, 50) ? 80 : (uint16_t)rnd_below(r, 65536);
	p->tcpflags = rnd_pct(r, 70) ? flags[rnd_below(r, sizeof(flags))] : (uint8_t)rnd_below(r, 256);
	if (family == 6)
		p->icmp_type = rnd_pct(r, 50) ? 128 : (uint8_t)rnd_below(r, 256);
	else
		p->icmp_type = rnd_pct(r, 50) ? 8 : (uint8_t)rnd_below(r, 20);
	p->icmp_code = rnd_pct(r, 70) ? 0 : (uint8_t)rnd_below(r, 16);
	p->spi = rnd_below(r, 300);
	p->payload = (uint16_t)rnd_below(r, 64);
	p->df = rnd_pct(r, 50);
	if (family == 6)
		rp6_defaults(r, p);
}

static void oddities6(struct rnd *r, struct rp_pkt *p)
{
	unsigned int k = rnd_below(r, 100);

	if (k < 8) {
		p->l4_cut = (int)rnd_range(r, 1, (uint32_t)l4_hdr_len(p) - 1);
	} else if (k < 11) {
		/* Longer than the frame (dropped); shorter (trimmed); 0
		 * without hop-by-hop: trimmed to the bare header. */
		p->tot_len_delta = rnd_pct(r, 50) ? (int)rnd_range(r, 1, 8) : -(int)rnd_range(r, 1, 8);
	} else if (k < 13) {
		p->tot_len_delta = -(int)(l4_hdr_len(p) + p->payload);
	} else if (k < 14) {
		p->version = 4;
	} else if (k < 17) {
		p->ethertype = rnd_pct(r, 50) ? 0x0800 : 0x88b5;
	}
	if (p->ethertype == 0x0800)
		p->ethertype = 0x0806; /* not an IPv4 frame with an IPv6 header */
	if (rnd_pct(r, 8))
		p->pad = (uint8_t)rnd_range(r, 1, 20);
	if (rnd_pct(r, 8))
		p->l2 = (uint8_t)rnd_range(r, 1, 2);
	rp6_oddities(r, p);
}

static void oddities(struct rnd *r, struct rp_pkt *p, bool frags)
{
	unsigned int k = rnd_below(r, 100);

	if (p->family == 6) {
		oddities6(r, p);
		return;
	}

	if (frags && k < 20) {
		/* First fragment (header there), non-first, or offset 1. */
		switch (rnd_below(r, 3)) {
		case 0:
			p->mf = true;
			break;
		case 1:
			p->fragoff = (uint16_t)rnd_range(r, 1, 300);
			p->mf = rnd_pct(r, 50);
			break;
		default:
			p->fragoff = 1;
			p->mf = true;
			break;
		}
		p->df = false;
	} else if (k < 28) {
		p->opt_words = (uint8_t)rnd_range(r, 1, 4);
	} else if (k < 36) {
		p->l4_cut = (int)rnd_range(r, 1, (uint32_t)l4_hdr_len(p) - 1);
	} else if (k < 39) {
		p->ihl = (int)rnd_range(r, 0, 4) ?: 15;
	} else if (k < 42) {
		p->tot_len_delta = rnd_pct(r, 50) ? (int)rnd_range(r, 1, 8) : -(int)rnd_range(r, 1, 30);
	} else if (k < 44) {
		p->bad_csum = true;
	} else if (k < 45) {
		p->version = 6;
	} else if (k < 48) {
		p->ethertype = rnd_pct(r, 50) ? 0x0806 : 0x88b5;
	}
	if (rnd_pct(r, 8))
		p->pad = (uint8_t)rnd_range(r, 1, 20);
	if (rnd_pct(r, 8))
		p->l2 = (uint8_t)rnd_range(r, 1, 2);
}

size_t rp_generate(struct rnd *r, const struct rr_set *rs, struct rp_pkt *pkts, size_t n,
		   bool frags, uint16_t *id)
{
	for (size_t i = 0; i < n; i++) {
		struct rp_pkt *p = &pkts[i];
		int len_want = -1;

		defaults(r, p, rs->family);
		for (int k = 0; k < 2; k++) {
			const struct rr_rule *rule = random_rule(r, rs);

			if (!rule || (k && rnd_pct(r, 50)))
				continue;
			for (size_t a = 0; a < rule->n_aims; a++)
				if (rnd_pct(r, 85))
					aim(r, p, &rule->aims[a], &len_want, frags);
		}
		if (!frags)
			p->fragoff = 0;
		if (rs->family == 4) {
			p->saddr = unmartian(r, p->saddr);
			p->daddr = unmartian(r, p->daddr);
		}
		oddities(r, p, frags);
		rp_vlan(r, p);
		if (len_want >= 0 && !p->fragoff && !p->l4_cut && !p->ext_cut) {
			int fixed = (rs->family == 6 ? 40 + (int)rp6_ext_len(p) : 20 + 4 * p->opt_words) +
				    (int)l4_hdr_len(p);

			if (len_want >= fixed)
				p->payload = (uint16_t)(len_want - fixed);
		}
		p->id = (*id)++;
		if (p->proto == 253)
			p->proto = 254; /* the oracle's marker */
		bound(p);
	}
	return n;
}

void rp_hex(const uint8_t *b, size_t len, struct bf_strbuf *out)
{
	for (size_t i = 0; i < len; i++)
		bf_strbuf_printf(out, "%02x%s", b[i], (i % 16 == 15 || i + 1 == len) ? "\n" : " ");
}
