#include "prog_pkt.h"

#include <arpa/inet.h>
#include <string.h>

#define ETH_LEN 14

static const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

static size_t eth(uint8_t *buf, uint16_t type)
{
	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	buf[12] = type >> 8;
	buf[13] = type & 0xff;
	return ETH_LEN;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
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

static size_t l4_full_len(uint8_t proto)
{
	return proto == 6 ? 20 : 8;
}

static size_t l4_len(const struct prog_pkt *p)
{
	if (p->l4_len < 0)
		return 0;
	return p->l4_len > 0 ? (size_t)p->l4_len : l4_full_len(p->proto ? p->proto : 6) + p->payload;
}

uint16_t prog_pkt_ip_len(const struct prog_pkt *p)
{
	return (uint16_t)(20 + 4 * p->opt_words + l4_len(p) + p->tot_len_delta);
}

size_t prog_pkt_build(const struct prog_pkt *p, uint8_t *buf)
{
	uint8_t proto = p->proto ? p->proto : 6;
	size_t hlen = 20 + 4 * (size_t)p->opt_words, len = hlen + l4_len(p);
	uint8_t *ip = buf + ETH_LEN, *l4 = ip + hlen;
	uint8_t hdr[64] = {0};
	struct in_addr a;
	size_t n;

	memset(buf, 0, PROG_PKT_MAX);
	eth(buf, p->ethertype ? p->ethertype : 0x0800);
	ip[0] = (uint8_t)((p->version > 0 ? p->version : 4) << 4 |
			  (p->ihl > 0 ? p->ihl : (int)(hlen / 4)));
	put16(ip + 2, prog_pkt_ip_len(p));
	put16(ip + 4, 0x1234);
	put16(ip + 6, (uint16_t)((p->mf ? 0x2000 : 0) | (p->frag & 0x1fff)));
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, p->src ? p->src : "198.18.0.1", &a);
	memcpy(ip + 12, &a, 4);
	inet_pton(AF_INET, p->dst ? p->dst : "198.18.0.2", &a);
	memcpy(ip + 16, &a, 4);
	/* Options: NOPs then End of Option List. */
	for (size_t i = 20; i < hlen; i++)
		ip[i] = i + 1 == hlen ? 0 : 1;
	put16(ip + 10, csum(ip, hlen) + (p->bad_csum ? 1 : 0));

	/* The transport header, whole, then cut to l4_len. */
	put16(hdr, p->sport ? p->sport : 40000);
	put16(hdr + 2, p->dport ? p->dport : 80);
	if (proto == 6) {
		hdr[12] = 5 << 4;
		hdr[13] = p->tcp_flags ? p->tcp_flags : 0x02;
		put16(hdr + 14, 65535);
	} else if (proto == 17) {
		put16(hdr + 4, (uint16_t)(l4_len(p)));
	}
	n = l4_len(p) < l4_full_len(proto) ? l4_len(p) : l4_full_len(proto);
	memcpy(l4, hdr, n);
	for (size_t i = n; i < l4_len(p); i++)
		l4[i] = (uint8_t)i;
	len += ETH_LEN + p->pad;
	return len > p->cut ? len - p->cut : 0;
}

size_t prog_pkt_arp(uint8_t *buf)
{
	size_t n = eth(buf, 0x0806);
	static const uint8_t arp[28] = {
		0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 198, 18, 0, 1,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
	};

	memcpy(buf + n, arp, sizeof(arp));
	return n + sizeof(arp) + 18; /* padded to 60 */
}

size_t prog_pkt_ipv6(uint8_t *buf)
{
	size_t n = eth(buf, 0x86dd);
	uint8_t *ip6 = buf + n;

	memset(ip6, 0, 48);
	ip6[0] = 0x60;
	put16(ip6 + 4, 8);
	ip6[6] = 17;
	ip6[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", ip6 + 8);
	inet_pton(AF_INET6, "2001:db8::2", ip6 + 24);
	put16(ip6 + 40, 40000);
	put16(ip6 + 42, 53);
	put16(ip6 + 44, 8);
	return n + 48;
}
