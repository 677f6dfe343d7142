/* IPv6 extension header chains for the differential harness: random
 * chains (hop-by-hop, routing of several types, destination options,
 * fragments first/non-first/atomic, AH, up to ~10 headers, truncated),
 * the values the extension-header matches test aimed at, and 802.1Q
 * tags for both families.
 *
 * A hop-by-hop header right after the fixed header is parsed by the
 * stack before PREROUTING (ip6_parse_tlv drops bad padding and options
 * whose type says discard), so its options stay valid; every other
 * header is only read after filter INPUT and may hold anything. */
#include <string.h>

#include "rand_pkts.h"

unsigned int rp6_ext_max = 10;
bool rp6_whole_ext;

static const uint8_t skip_types[] = {0x1e, 0x08, 0x3e, 0x11}; /* unknown, "skip" action */

static size_t ext_len(const struct rp_ext *e)
{
	if (e->type == 44)
		return 8;
	if (e->type == 51)
		return ((size_t)e->hdrlen + 2) * 4;
	return ((size_t)e->hdrlen + 1) * 8;
}

size_t rp6_ext_len(const struct rp_pkt *p)
{
	size_t len = 0;

	for (size_t i = 0; i < p->n_ext; i++)
		len += ext_len(&p->ext[i]);
	return len;
}

/* A pad of n bytes (Pad1 or PadN). */
static size_t put_pad(uint8_t *o, size_t n)
{
	if (n == 1) {
		o[0] = 0;
	} else if (n >= 2) {
		o[0] = 1;
		o[1] = (uint8_t)(n - 2);
		memset(o + 2, 0, n - 2);
	}
	return n;
}

/* The TLV area of a hop-by-hop or destination options header: the
 * wanted options, then filler; strict keeps to what ip6_parse_tlv takes
 * (at most 7 bytes of padding in a row, PadN of zeros, router alert of
 * length 2, at most 8 other options): wanted padding stops at 5 bytes
 * in a row, so that up to 2 more always end the area validly.
 * Deterministic from e. */
static void put_opts(const struct rp_ext *e, uint8_t *o, size_t n, bool strict)
{
	struct rnd r = {.s = e->word ^ 0x6f707473u};
	size_t off = 0;
	unsigned int padlen = 0, count = 0;

	if (e->junk) {
		for (size_t i = 0; i < n; i++)
			o[i] = (uint8_t)rnd_next(&r);
		return;
	}
	for (size_t i = 0; i < e->n_opts; i++) {
		uint8_t t = e->opt_t[i];
		size_t l = e->opt_l[i] == 0xff ? rnd_below(&r, 5) : e->opt_l[i];

		if (t == 0) {
			if (off + 1 > n || (strict && padlen + 1 > 5))
				break;
			o[off++] = 0;
			padlen++;
			continue;
		}
		if (strict && t == 5)
			l = 2;
		if (strict && (t == 1 ? padlen + l + 2 > 5 : (t & 0xc0) || t == 7 || count >= 8))
			t = skip_types[0];
		if (off + 2 + l > n)
			break;
		o[off] = t;
		o[off + 1] = (uint8_t)l;
		for (size_t k = 0; k < l; k++)
			o[off + 2 + k] = t == 1 ? 0 : (uint8_t)rnd_next(&r);
		off += 2 + l;
		padlen = t == 1 ? padlen + (unsigned int)l + 2 : 0;
		count += t != 1;
	}
	while (off < n) {
		size_t rem = n - off, pad, l;

		if (rem < 2 || (rem <= 7 - padlen && (!strict || rnd_pct(&r, 60)))) {
			put_pad(o + off, rem);
			return;
		}
		pad = rnd_below(&r, (uint32_t)((rem - 2 < 7 - padlen ? rem - 2 : 7 - padlen) + 1));
		off += put_pad(o + off, pad);
		rem -= pad;
		/* Long areas in few options: at most 8 (max_hbh_opts_cnt),
		 * each at most 257 bytes long. */
		l = count >= 2 || rem > 257u * (7 - count) ? rem - 2 : rnd_below(&r, 7);
		if (l > rem - 2)
			l = rem - 2;
		if (l > 255)
			l = 255;
		o[off] = skip_types[rnd_below(&r, sizeof(skip_types))];
		o[off + 1] = (uint8_t)l;
		for (size_t k = 0; k < l; k++)
			o[off + 2 + k] = (uint8_t)rnd_next(&r);
		off += 2 + l;
		padlen = 0;
		count++;
	}
}

static void put_addr(uint8_t *o, uint32_t low)
{
	rp_put32(o, 0x20010db8);
	memset(o + 4, 0, 8);
	rp_put32(o + 12, low);
}

static void build_one(const struct rp_pkt *p, size_t i, uint8_t *o)
{
	const struct rp_ext *e = &p->ext[i];
	size_t len = ext_len(e);
	struct rnd r = {.s = e->word * 31 + e->type};

	memset(o, 0, len);
	o[0] = i + 1 < p->n_ext ? p->ext[i + 1].type : p->proto;
	o[1] = e->hdrlen;
	switch (e->type) {
	case 44:
		rp_put16(o + 2, e->frag);
		rp_put32(o + 4, e->word);
		break;
	case 51:
		rp_put16(o + 2, e->ah_res);
		if (len >= 8)
			rp_put32(o + 4, p->spi);
		if (len >= 12)
			rp_put32(o + 8, 1);
		for (size_t k = 12; k < len; k++)
			o[k] = (uint8_t)rnd_next(&r);
		break;
	case 43:
		o[2] = e->rt_type;
		o[3] = e->segsleft;
		rp_put32(o + 4, e->word);
		for (size_t k = 8, a = 0; k + 16 <= len; k += 16, a++)
			put_addr(o + k, a < RP_MAX_RTADDR ? p->rt_addr[a] : (uint32_t)rnd_next(&r));
		if (e->junk)
			for (size_t k = 8; k < len; k++)
				o[k] = (uint8_t)rnd_next(&r);
		break;
	default:
		put_opts(e, o + 2, len - 2, i == 0 && e->type == 0);
		break;
	}
}

size_t rp6_build_ext(const struct rp_pkt *p, uint8_t *out, uint8_t *first)
{
	size_t off = 0;

	if (p->n_ext)
		*first = p->ext[0].type;
	for (size_t i = 0; i < p->n_ext; i++) {
		if (off + ext_len(&p->ext[i]) > RP_MAX_FRAME - 200)
			break;
		build_one(p, i, out + off);
		off += ext_len(&p->ext[i]);
	}
	return off;
}

static bool is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

/* Extension headers in a built frame as a walk meets them: from the
 * fixed header's next header through every type ipv6_find_hdr steps
 * over (hop-by-hop, routing, fragment, AH, destination options), a
 * header it cannot read counted too (it was met); transport bytes read
 * as headers count (proto 51: the AH build_l4 writes). The walk goes on
 * past a non-first fragment as -m ipv6header's does (ipv6_find_hdr
 * stops there), and over the whole frame whatever the payload length
 * says: an upper bound of both walks. */
unsigned int rp6_walk_count(const uint8_t *f, size_t len)
{
	size_t l3 = len >= 18 && f[12] == 0x81 && f[13] == 0 ? 18 : 14, off = 40, hlen;
	const uint8_t *ip = f + l3;
	unsigned int n = 0;
	uint8_t nh;

	if (len < l3 + 40 || ip[-2] != 0x86 || ip[-1] != 0xdd)
		return 0;
	len -= l3;
	nh = ip[6];
	while (is_ext(nh)) {
		n++;
		if (off + 2 > len)
			break;
		hlen = nh == 44 ? 8 : nh == 51 ? ((size_t)ip[off + 1] + 2) * 4 :
		       ((size_t)ip[off + 1] + 1) * 8;
		nh = ip[off];
		off += hlen;
	}
	return n;
}

static void remove_ext(struct rp_pkt *p, size_t i)
{
	memmove(&p->ext[i], &p->ext[i + 1], (p->n_ext - i - 1) * sizeof(p->ext[0]));
	p->n_ext--;
}

/* One header less in the chain, the least aimed first: a header of a
 * type met before it (aims set the first of a type, see get_ext), the
 * last one; then transport bytes read as headers (the protocol becomes
 * NONE); then the last header. False when there is none left. */
bool rp6_shorten_chain(struct rp_pkt *p)
{
	for (size_t i = p->n_ext; i-- > 1;) {
		for (size_t k = 0; k < i; k++) {
			if (p->ext[k].type == p->ext[i].type) {
				remove_ext(p, i);
				return true;
			}
		}
	}
	if (is_ext(p->proto)) {
		p->proto = 59;
		return true;
	}
	if (!p->n_ext)
		return false;
	remove_ext(p, p->n_ext - 1);
	return true;
}

/* A frame at least `bytes` shorter, in the chain: a truncated chain is
 * cut that much more (every length byte stays); else the longest header
 * (not a fragment) loses that much, its length staying as near its aimed
 * value as the MTU allows. False when no header can shrink. */
bool rp6_shrink_ext(struct rp_pkt *p, size_t bytes)
{
	size_t total = rp6_ext_len(p), unit, cut;
	struct rp_ext *e = NULL;

	/* rp6_build_ext stops at RP_MAX_FRAME - 200: then the cut is not
	 * measured from what is built. */
	if (p->ext_cut && total <= RP_MAX_FRAME - 200 && p->ext_cut + bytes < total) {
		p->ext_cut = (uint16_t)(p->ext_cut + bytes);
		return true;
	}
	for (size_t i = 0; i < p->n_ext; i++)
		if (p->ext[i].type != 44 && p->ext[i].hdrlen &&
		    (!e || ext_len(&p->ext[i]) > ext_len(e)))
			e = &p->ext[i];
	if (!e)
		return false;
	unit = e->type == 51 ? 4 : 8;
	cut = (bytes + unit - 1) / unit;
	e->hdrlen = e->hdrlen > cut ? (uint8_t)(e->hdrlen - cut) : 0;
	return true;
}

/* Random contents for a header of `type`. */
static void fill_ext(struct rnd *r, struct rp_ext *e, uint8_t type)
{
	static const uint8_t rt_types[] = {0, 0, 2, 2, 1, 3, 4, 253};

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->word = rnd_pct(r, 30) ? rnd_below(r, 4) : (uint32_t)rnd_next(r);
	switch (type) {
	case 44:
		switch (rnd_below(r, 4)) {
		case 0: /* first */
			e->frag = 1;
			break;
		case 1: /* non-first */
			e->frag = (uint16_t)(rnd_range(r, 1, 300) << 3 | rnd_below(r, 2));
			break;
		case 2: /* atomic */
			e->frag = 0;
			break;
		default:
			e->frag = (uint16_t)rnd_next(r);
			break;
		}
		if (rnd_pct(r, 15))
			e->frag |= (uint16_t)(rnd_range(r, 1, 3) << 1);
		if (rnd_pct(r, 10))
			e->hdrlen = (uint8_t)rnd_range(r, 1, 255); /* the reserved byte */
		break;
	case 51:
		e->hdrlen = rnd_pct(r, 70) ? 1 : (uint8_t)rnd_below(r, 6);
		e->ah_res = rnd_pct(r, 80) ? 0 : (uint16_t)rnd_range(r, 1, 0xffff);
		break;
	case 43:
		e->rt_type = rt_types[rnd_below(r, sizeof(rt_types))];
		e->segsleft = rnd_pct(r, 50) ? 0 : rnd_pct(r, 70) ? (uint8_t)rnd_range(r, 1, 3) :
						   (uint8_t)rnd_below(r, 256);
		e->hdrlen = e->rt_type == 0 ? (uint8_t)(2 * rnd_below(r, 4)) :
			    e->rt_type == 2 ? 2 : (uint8_t)rnd_below(r, 4);
		if (e->rt_type == 0 && rnd_pct(r, 70))
			e->word = 0; /* the reserved word */
		e->junk = rnd_pct(r, 5);
		break;
	default:
		e->hdrlen = rnd_pct(r, 60) ? 0 : (uint8_t)rnd_range(r, 1, 4);
		e->junk = type == 60 && rnd_pct(r, 8);
		break;
	}
}

static uint8_t random_type(struct rnd *r)
{
	static const uint8_t types[] = {0, 43, 43, 44, 44, 51, 60, 60};

	return types[rnd_below(r, sizeof(types))];
}

static struct rp_ext *insert_ext(struct rnd *r, struct rp_pkt *p, uint8_t type, size_t at)
{
	if (p->n_ext >= RP_MAX_EXT || p->n_ext >= rp6_ext_max)
		return NULL;
	if (at > p->n_ext)
		at = p->n_ext;
	memmove(&p->ext[at + 1], &p->ext[at], (p->n_ext - at) * sizeof(p->ext[0]));
	p->n_ext++;
	fill_ext(r, &p->ext[at], type);
	return &p->ext[at];
}

/* The first header of `type` (what ipv6_find_hdr finds), most of the
 * time added where it is missing (hop-by-hop mostly first). */
static struct rp_ext *get_ext(struct rnd *r, struct rp_pkt *p, uint8_t type)
{
	for (size_t i = 0; i < p->n_ext; i++)
		if (p->ext[i].type == type)
			return &p->ext[i];
	if (rnd_pct(r, 15))
		return NULL;
	return insert_ext(r, p, type, type == 0 && rnd_pct(r, 85) ? 0 : rnd_below(r, p->n_ext + 1u));
}

static void random_chain(struct rnd *r, struct rp_pkt *p, unsigned int n)
{
	p->n_ext = 0;
	if (rnd_pct(r, 40))
		insert_ext(r, p, 0, 0);
	while (p->n_ext < n && insert_ext(r, p, random_type(r), p->n_ext))
		;
}

void rp6_defaults(struct rnd *r, struct rp_pkt *p)
{
	unsigned int k = rnd_below(r, 100);

	if (k < 30)
		random_chain(r, p, rnd_range(r, 1, 3));
	else if (k < 34)
		random_chain(r, p, rnd_range(r, 4, 10));
	p->mh_type = rnd_pct(r, 60) ? (uint8_t)rnd_below(r, 8) : (uint8_t)rnd_below(r, 256);
	p->mh_proto = rnd_pct(r, 90) ? 59 : (uint8_t)rnd_below(r, 256);
	if (rnd_pct(r, 3))
		p->proto = 135;
}

/* An option list position: the wanted type and length. */
static void aim_opt(struct rnd *r, struct rp_ext *e, const struct rr_aim *a)
{
	size_t i = a->mask < RP_MAX_OPTS ? a->mask : RP_MAX_OPTS - 1, need = 0;

	e->opt_t[i] = rnd_pct(r, 80) ? (uint8_t)a->lo : (uint8_t)rnd_below(r, 8);
	e->opt_l[i] = a->hi > 255 ? 0xff : rnd_pct(r, 75) ? (uint8_t)a->hi :
		      (uint8_t)rp_edge(r, a->hi, a->hi, 8);
	for (size_t k = 0; k < i; k++)
		if (k >= e->n_opts)
			e->opt_t[k] = 1, e->opt_l[k] = 0; /* PadN of 2 */
	if (e->n_opts <= i)
		e->n_opts = (uint8_t)(i + 1);
	e->junk = false;
	for (size_t k = 0; k < e->n_opts; k++)
		need += e->opt_t[k] ? 2 + (e->opt_l[k] == 0xff ? 4 : e->opt_l[k]) : 1;
	while (ext_len(e) < need + 2 && e->hdrlen < 40)
		e->hdrlen++;
}

static uint8_t len_units(struct rnd *r, uint32_t bytes, unsigned int unit, unsigned int minus)
{
	uint32_t v = bytes / unit;

	v = v >= minus ? v - minus : 0;
	if (rnd_pct(r, 25))
		v = rp_edge(r, v, v, 255);
	return (uint8_t)v;
}

static void aim_mask(struct rnd *r, struct rp_pkt *p, uint32_t mask)
{
	static const struct { uint8_t bit, type; } bits[] = {
		{0x80, 0}, {0x40, 60}, {0x20, 43}, {0x10, 44}, {0x08, 51},
	};

	if (rnd_pct(r, 40))
		mask ^= 1u << rnd_below(r, 8); /* one header more or less */
	p->n_ext = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (mask & bits[i].bit)
			insert_ext(r, p, bits[i].type, bits[i].type == 0 ? 0 : rnd_below(r, p->n_ext + 1u));
	/* ESP and NONE end the walk; with both, one of them */
	if (mask & 0x04)
		p->proto = 50;
	if ((mask & 0x02) && (!(mask & 0x04) || rnd_pct(r, 50)))
		p->proto = 59;
	if (!(mask & 0x06) && (p->proto == 50 || p->proto == 59))
		p->proto = 6;
}

void rp6_aim(struct rnd *r, struct rp_pkt *p, const struct rr_aim *a)
{
	struct rp_ext *e;

	switch (a->f) {
	case RR_F_EXTHDR:
		get_ext(r, p, (uint8_t)a->lo);
		break;
	case RR_F_FRAGID:
		if ((e = get_ext(r, p, 44)))
			e->word = rp_edge(r, a->lo, a->hi, 0xffffffffu);
		break;
	case RR_F_FRAGFL:
		if (!(e = get_ext(r, p, 44)) || rnd_pct(r, 25))
			break;
		if (a->lo == 0)
			e->frag = (uint16_t)(e->frag & 7);
		else if (a->lo == 1)
			e->frag |= 1;
		else if (a->lo == 2)
			e->frag = (uint16_t)(rnd_range(r, 1, 300) << 3);
		else
			e->hdrlen = 0, e->frag &= (uint16_t)~6;
		break;
	case RR_F_HBHLEN:
	case RR_F_DSTLEN:
		if ((e = get_ext(r, p, a->f == RR_F_HBHLEN ? 0 : 60)))
			e->hdrlen = len_units(r, a->lo, 8, 1);
		break;
	case RR_F_HBHOPT:
	case RR_F_DSTOPT:
		if ((e = get_ext(r, p, a->f == RR_F_HBHOPT ? 0 : 60)))
			aim_opt(r, e, a);
		break;
	case RR_F_RTTYPE:
		if (!(e = get_ext(r, p, 43)))
			break;
		e->rt_type = rnd_pct(r, 70) ? (uint8_t)a->lo : (uint8_t)rnd_below(r, 5);
		if (e->rt_type == 0)
			e->hdrlen &= (uint8_t)~1;
		break;
	case RR_F_SEGSLEFT:
		if ((e = get_ext(r, p, 43)))
			e->segsleft = (uint8_t)rp_edge(r, a->lo, a->hi, 255);
		break;
	case RR_F_RTLEN:
		if ((e = get_ext(r, p, 43)))
			e->hdrlen = len_units(r, a->lo, 8, 1);
		break;
	case RR_F_RTADDR:
		if (!(e = get_ext(r, p, 43)) || a->lo >= RP_MAX_RTADDR)
			break;
		if (rnd_pct(r, 80))
			e->rt_type = 0;
		if (e->hdrlen < 2 * (a->lo + 1) && rnd_pct(r, 90))
			e->hdrlen = (uint8_t)(2 * (a->lo + 1 + rnd_below(r, 2)));
		e->junk = false;
		p->rt_addr[a->lo] = rp_edge(r, a->hi, a->hi, 0xffffffffu);
		break;
	case RR_F_RTRES:
		if ((e = get_ext(r, p, 43)))
			e->word = rnd_pct(r, 50) ? 0 : (uint32_t)rnd_next(r);
		break;
	case RR_F_EXTMASK:
		aim_mask(r, p, a->lo);
		break;
	case RR_F_MHTYPE:
		p->proto = rnd_pct(r, 90) ? 135 : p->proto;
		p->mh_type = (uint8_t)rp_edge(r, a->lo, a->hi, 255);
		break;
	case RR_F_AHLEN:
		if ((e = get_ext(r, p, 51)))
			e->hdrlen = len_units(r, a->lo, 4, 2);
		break;
	case RR_F_AHRES:
		if ((e = get_ext(r, p, 51)))
			e->ah_res = rnd_pct(r, 50) ? 0 : (uint16_t)rnd_range(r, 1, 0xffff);
		break;
	default:
		break;
	}
}

void rp6_oddities(struct rnd *r, struct rp_pkt *p)
{
	unsigned int k = rnd_below(r, 100);

	if (rp6_whole_ext) {
		/* Every header whole: no cut, none longer than the frame. */
		for (size_t i = 0; i < p->n_ext; i++)
			if (p->ext[i].hdrlen > 40 && p->ext[i].type != 44)
				p->ext[i].hdrlen = 40;
		if (p->n_ext && p->tot_len_delta < 0)
			p->tot_len_delta = 0;
		if (p->proto == 43 || p->proto == 44 || p->proto == 51 || p->proto == 60)
			p->proto = 59; /* transport bytes read as a header */
		if (k < 6)
			k = 6;
	}

	if (k < 6 && p->n_ext) {
		/* A truncated chain: the datagram ends inside it. */
		p->ext_cut = (uint16_t)rnd_range(r, 1, (uint32_t)rp6_ext_len(p));
	} else if (k < 9 && p->n_ext) {
		/* NONE after the headers, with bytes after it. */
		p->proto = 59;
	} else if (k < 12) {
		/* A long chain, past the XDP walk's 8 headers at times. */
		random_chain(r, p, rnd_range(r, 6, 10));
	} else if (k < 14 && p->n_ext && p->ext[0].type == 0) {
		/* Hop-by-hop not first: read only after INPUT. */
		struct rp_ext h = p->ext[0];

		memmove(&p->ext[0], &p->ext[1], (p->n_ext - 1) * sizeof(p->ext[0]));
		p->ext[p->n_ext - 1] = h;
	}
}

void rp_vlan(struct rnd *r, struct rp_pkt *p)
{
	unsigned int k = rnd_below(r, 100);

	if (k < 6) {
		p->vlan = 1;
		p->vlan_tci = (uint16_t)(rnd_below(r, 8) << 13);
	} else if (k < 8) {
		p->vlan = 2;
		p->vlan_tci = (uint16_t)(rnd_below(r, 8) << 13 | rnd_range(r, 1, 4094));
	}
}
