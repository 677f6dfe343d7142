#include "prog_pkt6.h"

#include <arpa/inet.h>
#include <string.h>

#define ETH_LEN 14

static const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Ethernet header and tags; returns where the network header goes. */
static size_t link_hdr(const struct prog_pkt6 *p, uint8_t *buf, uint16_t type)
{
	size_t n = 12;

	static const uint8_t mcast_mac[6] = {0x33, 0x33, 0, 0, 0, 1};

	memcpy(buf, p->mcast ? mcast_mac : dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	for (int i = 0; i < p->n_vlan && i < 3; i++) {
		put16(buf + n, i == 0 && p->vlan_ad ? 0x88a8 : 0x8100);
		put16(buf + n + 2, p->vlan[i]);
		n += 4;
	}
	put16(buf + n, type);
	return n + 2;
}

static size_t ext_len(const struct prog_ext *e)
{
	if (e->type == 44)
		return 8;
	if (e->type == 51)
		return ((size_t)e->hdrlen + 2) * 4;
	return ((size_t)e->hdrlen + 1) * 8;
}

static size_t l4_full(int proto)
{
	return proto == 6 ? 20 : 8;
}

size_t prog_pkt6_build(const struct prog_pkt6 *p, uint8_t *buf, uint64_t *bytes)
{
	int proto = p->proto == 0 ? 6 : p->proto;
	size_t l3, off, l4len, len;
	uint8_t *ip;
	uint8_t hdr[64] = {0};

	memset(buf, 0, PROG_PKT_MAX);
	if (p->v4) {
		uint8_t tmp[PROG_PKT_MAX];
		size_t n = prog_pkt_build(p->v4, tmp);

		l3 = link_hdr(p, buf, 0x0800);
		memcpy(buf + l3, tmp + ETH_LEN, n - ETH_LEN);
		*bytes = prog_pkt_ip_len(p->v4);
		return l3 + n - ETH_LEN;
	}
	l3 = link_hdr(p, buf, 0x86dd);
	ip = buf + l3;
	ip[0] = (uint8_t)((p->version > 0 ? p->version : 6) << 4 | p->tclass >> 4);
	ip[1] = (uint8_t)(p->tclass << 4);
	ip[2] = 0x12;
	ip[3] = 0x34;
	ip[7] = p->hlim ? p->hlim : 64;
	inet_pton(AF_INET6, p->src ? p->src : "2001:db8::1", ip + 8);
	inet_pton(AF_INET6, p->dst ? p->dst : "2001:db8::2", ip + 24);
	off = 40;
	for (int i = 0; i < p->n_ext; i++) {
		const struct prog_ext *e = &p->ext[i];
		uint8_t *h = ip + off;
		int next = i + 1 < p->n_ext ? p->ext[i + 1].type : proto < 0 ? 59 : proto;

		h[0] = (uint8_t)(e->nh > 0 ? e->nh & 0xff : next);
		if (e->type == 44) {
			h[1] = e->res;
			put16(h + 2, (uint16_t)(e->frag << 3 | (e->mf ? 1 : 0)));
			put32(h + 4, e->id ? e->id : 0xabcd);
		} else {
			h[1] = e->hdrlen;
			memcpy(h + 2, e->data, ext_len(e) - 2 < PROG_EXT_DATA ? ext_len(e) - 2 :
			       PROG_EXT_DATA);
		}
		off += ext_len(e);
	}
	ip[6] = (uint8_t)(p->n_ext ? p->ext[0].type : proto < 0 ? 59 : proto);

	if (proto < 0 || p->l4_len < 0)
		l4len = 0;
	else
		l4len = p->l4_len > 0 ? (size_t)p->l4_len : l4_full(proto) + p->payload;
	put16(hdr, p->sport ? p->sport : 40000);
	put16(hdr + 2, p->dport ? p->dport : 80);
	if (proto == 6) {
		hdr[12] = 5 << 4;
		hdr[13] = p->tcp_flags ? p->tcp_flags : 0x02;
		put16(hdr + 14, 65535);
	} else if (proto == 17) {
		put16(hdr + 4, (uint16_t)l4len);
	} else if (proto == 58) {
		memset(hdr, 0, 8);
		hdr[0] = p->icmp_type;
		hdr[1] = p->icmp_code;
	} else if (proto == 135) {
		/* Mobility header: payload proto NONE, length, type. */
		memset(hdr, 0, 8);
		hdr[0] = 59;
		hdr[2] = p->icmp_type;
	}
	for (size_t i = 0; i < l4len; i++)
		ip[off + i] = i < sizeof(hdr) && i < l4_full(proto) ? hdr[i] : (uint8_t)i;
	off += l4len;
	put16(ip + 4, (uint16_t)(p->plen > 0 ? (size_t)p->plen : p->plen < 0 ? 0 : off - 40));
	len = l3 + off + p->pad;
	if (p->plen < 0 && p->n_ext && p->ext[0].type == 0)
		*bytes = off + p->pad; /* the frame stays whole */
	else
		*bytes = 40 + (p->plen > 0 ? (uint64_t)p->plen : p->plen < 0 ? 0 : off - 40);
	return len > p->cut ? len - p->cut : 0;
}
