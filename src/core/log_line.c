/* The kernel's LOG line (log_line.h), field for field as nf_log_syslog.c
 * of Linux 6.18 writes it. Offsets are from the network header, as the
 * kernel's from skb->data at a netfilter hook; "skb->len" is the event's
 * len. What the event did not capture of a packet longer than BF_LOG_DATA
 * reads as absent, as it would past the packet's end. Left out, as XDP
 * cannot know them: UID=/GID= (no socket), MARK= (no mark) and
 * PHYSIN=/PHYSOUT= (no bridge). */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/log_line.h"
#include "ir/ruleset.h"

/* The packet from its network header: len bytes, the first `have` of
 * them captured. */
struct pkt {
	const uint8_t *p;
	uint32_t len, have;
};

/* skb_header_pointer: n bytes at off, or NULL. */
static const uint8_t *hp(const struct pkt *k, uint32_t off, uint32_t n)
{
	return (uint64_t)off + n <= k->have ? k->p + off : NULL;
}

static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_hex(struct bf_strbuf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bf_strbuf_printf(b, "%02X", p[i]);
}

/* %pM */
static void put_mac(struct bf_strbuf *b, const uint8_t *m)
{
	bf_strbuf_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* %pI4 and %pI6 (every group, four digits each) */
static void put_ip4(struct bf_strbuf *b, const uint8_t *a)
{
	bf_strbuf_printf(b, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void put_ip6(struct bf_strbuf *b, const uint8_t *a)
{
	for (int i = 0; i < 8; i++)
		bf_strbuf_printf(b, "%s%02x%02x", i ? ":" : "", a[2 * i], a[2 * i + 1]);
}

static void incomplete(struct bf_strbuf *b, uint32_t n)
{
	bf_strbuf_printf(b, "INCOMPLETE [%u bytes] ", n);
}

/* nf_log_dump_tcp_header: 1 when the line ends here. */
static int dump_tcp(struct bf_strbuf *b, const struct pkt *k, int fragment, uint32_t off,
		    unsigned int flags)
{
	static const char *const names[] = {"CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"};
	const uint8_t *th, *op;
	unsigned int optsize;

	bf_strbuf_puts(b, "PROTO=TCP ");
	if (fragment)
		return 0;
	th = hp(k, off, 20);
	if (!th) {
		incomplete(b, k->len - off);
		return 1;
	}
	bf_strbuf_printf(b, "SPT=%u DPT=%u ", be16(th), be16(th + 2));
	if (flags & BF_LOG_F_TCPSEQ)
		bf_strbuf_printf(b, "SEQ=%u ACK=%u ", be32(th + 4), be32(th + 8));
	bf_strbuf_printf(b, "WINDOW=%u ", be16(th + 14));
	/* TCP_RESERVED_BITS: the three bits between the data offset and AE */
	bf_strbuf_printf(b, "RES=0x%02x ", (be32(th + 12) & 0x0E000000u) >> 22);
	if (th[12] & 1)
		bf_strbuf_puts(b, "AE ");
	for (int i = 0; i < 8; i++)
		if (th[13] & (0x80 >> i))
			bf_strbuf_printf(b, "%s ", names[i]);
	bf_strbuf_printf(b, "URGP=%u ", be16(th + 18));
	if ((flags & BF_LOG_F_TCPOPT) && (th[12] >> 4) * 4u > 20) {
		optsize = (th[12] >> 4) * 4u - 20;
		op = hp(k, off + 20, optsize);
		if (!op) {
			bf_strbuf_puts(b, "OPT (TRUNCATED)");
			return 1;
		}
		bf_strbuf_puts(b, "OPT (");
		put_hex(b, op, optsize);
		bf_strbuf_puts(b, ") ");
	}
	return 0;
}

/* nf_log_dump_udp_header */
static int dump_udp(struct bf_strbuf *b, const struct pkt *k, uint8_t proto, int fragment,
		    uint32_t off)
{
	const uint8_t *uh;

	bf_strbuf_puts(b, proto == IPPROTO_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (fragment)
		return 0;
	uh = hp(k, off, 8);
	if (!uh) {
		incomplete(b, k->len - off);
		return 1;
	}
	bf_strbuf_printf(b, "SPT=%u DPT=%u LEN=%u ", be16(uh), be16(uh + 2), be16(uh + 4));
	return 0;
}

/* The bytes an ICMP message of each type needs (dump_ipv4_packet). */
static unsigned int icmp_required(uint8_t type)
{
	switch (type) {
	case 0: case 8: return 4;                /* echo reply, echo */
	case 3: case 4: case 5: case 11: case 12: /* errors: + an IP header */
		return 8 + 20;
	case 13: case 14: return 20;             /* timestamp (reply) */
	case 17: case 18: return 12;             /* address mask (reply) */
	default: return 0;
	}
}

static void dump_icmp(struct bf_strbuf *b, const struct pkt *k, unsigned int flags,
		      uint32_t iphoff, uint32_t hl);

/* dump_ipv4_packet: iphoff 0 for the packet, else an ICMP error's quote. */
static void dump_ipv4(struct bf_strbuf *b, const struct pkt *k, unsigned int flags,
		      uint32_t iphoff)
{
	const uint8_t *ih = hp(k, iphoff, 20), *op;
	unsigned int frag, hl;

	if (!ih) {
		bf_strbuf_puts(b, "TRUNCATED");
		return;
	}
	hl = (ih[0] & 0x0f) * 4u;
	frag = be16(ih + 6);
	bf_strbuf_puts(b, "SRC=");
	put_ip4(b, ih + 12);
	bf_strbuf_puts(b, " DST=");
	put_ip4(b, ih + 16);
	bf_strbuf_printf(b, " LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", be16(ih + 2),
			 ih[1] & 0x1e, ih[1] & 0xe0, ih[8], be16(ih + 4));
	if (frag & 0x8000)
		bf_strbuf_puts(b, "CE ");
	if (frag & 0x4000)
		bf_strbuf_puts(b, "DF ");
	if (frag & 0x2000)
		bf_strbuf_puts(b, "MF ");
	if (frag & 0x1fff)
		bf_strbuf_printf(b, "FRAG:%u ", frag & 0x1fff);
	if ((flags & BF_LOG_F_IPOPT) && hl > 20) {
		op = hp(k, iphoff + 20, hl - 20);
		if (!op) {
			bf_strbuf_puts(b, "TRUNCATED");
			return;
		}
		bf_strbuf_puts(b, "OPT (");
		put_hex(b, op, hl - 20);
		bf_strbuf_puts(b, ") ");
	}
	frag &= 0x1fff;
	switch (ih[9]) {
	case IPPROTO_TCP:
		dump_tcp(b, k, frag, iphoff + hl, flags);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		dump_udp(b, k, ih[9], frag, iphoff + hl);
		break;
	case IPPROTO_ICMP:
		bf_strbuf_puts(b, "PROTO=ICMP ");
		if (!frag)
			dump_icmp(b, k, flags, iphoff, hl);
		break;
	case IPPROTO_AH:
	case IPPROTO_ESP: {
		const uint8_t *h;

		if (frag && ih[9] == IPPROTO_AH)
			break; /* the kernel says nothing, not even PROTO= */
		bf_strbuf_puts(b, ih[9] == IPPROTO_AH ? "PROTO=AH " : "PROTO=ESP ");
		if (frag)
			break;
		h = hp(k, iphoff + hl, ih[9] == IPPROTO_AH ? 12 : 8);
		if (!h)
			incomplete(b, k->len - iphoff - hl);
		else
			bf_strbuf_printf(b, "SPI=0x%x ", be32(h + (ih[9] == IPPROTO_AH ? 4 : 0)));
		break;
	}
	default:
		bf_strbuf_printf(b, "PROTO=%u ", ih[9]);
	}
}

static void dump_icmp(struct bf_strbuf *b, const struct pkt *k, unsigned int flags,
		      uint32_t iphoff, uint32_t hl)
{
	const uint8_t *ich = hp(k, iphoff + hl, 8);
	uint32_t rest = k->len - iphoff - hl;
	unsigned int need;

	if (!ich) {
		incomplete(b, rest);
		return;
	}
	bf_strbuf_printf(b, "TYPE=%u CODE=%u ", ich[0], ich[1]);
	need = ich[0] <= 18 ? icmp_required(ich[0]) : 0;
	if (need && rest < need) {
		incomplete(b, rest);
		return;
	}
	switch (ich[0]) {
	case 0:
	case 8:
		bf_strbuf_printf(b, "ID=%u SEQ=%u ", be16(ich + 4), be16(ich + 6));
		break;
	case 12:
		bf_strbuf_printf(b, "PARAMETER=%u ", ich[4]);
		break;
	case 5:
		bf_strbuf_puts(b, "GATEWAY=");
		put_ip4(b, ich + 4);
		bf_strbuf_puts(b, " ");
		/* fall through */
	case 3:
	case 4:
	case 11:
		if (!iphoff) { /* one level only */
			bf_strbuf_puts(b, "[");
			dump_ipv4(b, k, flags, iphoff + hl + 8);
			bf_strbuf_puts(b, "] ");
		}
		if (ich[0] == 3 && ich[1] == 4)
			bf_strbuf_printf(b, "MTU=%u ", be16(ich + 6));
		break;
	}
}

/* nf_ip6_ext_hdr */
static int ipv6_ext(uint8_t h)
{
	return h == 0 || h == 43 || h == 44 || h == 50 || h == 51 || h == 59 || h == 60;
}

static void dump_icmp6(struct bf_strbuf *b, const struct pkt *k, unsigned int flags,
		       uint32_t ptr, int recurse);

/* An AH or ESP header in dump_ipv6_packet's OPT ( ... ): false when the
 * line ends there (ESP's always does). */
static bool dump_spi6(struct bf_strbuf *b, const struct pkt *k, uint32_t ptr, int fragment,
		      bool ah)
{
	const uint8_t *h;

	bf_strbuf_puts(b, ah ? "AH " : "ESP ");
	if (fragment) {
		bf_strbuf_puts(b, ")");
		return false;
	}
	h = hp(k, ptr, ah ? 12 : 8);
	if (!h) {
		bf_strbuf_printf(b, "INCOMPLETE [%u bytes] )", k->len - ptr);
		return false;
	}
	bf_strbuf_printf(b, "SPI=0x%x %s", be32(h + (ah ? 4 : 0)), ah ? "" : ")");
	return ah;
}

/* dump_ipv6_packet */
static void dump_ipv6(struct bf_strbuf *b, const struct pkt *k, unsigned int flags,
		      uint32_t off, int recurse)
{
	const uint8_t *ih = hp(k, off, 40), *hdr;
	bool opt = flags & BF_LOG_F_IPOPT;
	uint32_t ptr = off + 40, hdrlen = 0, w0;
	int fragment = 0;
	uint8_t cur;

	if (!ih) {
		bf_strbuf_puts(b, "TRUNCATED");
		return;
	}
	w0 = be32(ih);
	bf_strbuf_puts(b, "SRC=");
	put_ip6(b, ih + 8);
	bf_strbuf_puts(b, " DST=");
	put_ip6(b, ih + 24);
	bf_strbuf_printf(b, " LEN=%u TC=%u HOPLIMIT=%u FLOWLBL=%u ", be16(ih + 4) + 40,
			 (w0 & 0x0ff00000) >> 20, ih[7], w0 & 0x000fffff);
	cur = ih[6];
	while (cur != 59 && ipv6_ext(cur)) {
		hdr = hp(k, ptr, 2);
		if (!hdr) {
			bf_strbuf_puts(b, "TRUNCATED");
			return;
		}
		if (opt)
			bf_strbuf_puts(b, "OPT ( ");
		switch (cur) {
		case 44: {
			const uint8_t *fh;

			bf_strbuf_puts(b, "FRAG:");
			fh = hp(k, ptr, 8);
			if (!fh) {
				bf_strbuf_puts(b, "TRUNCATED ");
				return;
			}
			bf_strbuf_printf(b, "%u ", be16(fh + 2) & 0xfff8);
			if (fh[3] & 1)
				bf_strbuf_puts(b, "INCOMPLETE ");
			bf_strbuf_printf(b, "ID:%08x ", be32(fh + 4));
			if (be16(fh + 2) & 0xfff8)
				fragment = 1;
			hdrlen = 8;
			break;
		}
		case 60:
		case 43:
		case 0:
			if (fragment) {
				if (opt)
					bf_strbuf_puts(b, ")");
				return;
			}
			hdrlen = (hdr[1] + 1u) * 8;
			break;
		case 51:
			if (opt && !dump_spi6(b, k, ptr, fragment, true))
				return;
			hdrlen = (hdr[1] + 2u) * 4;
			break;
		case 50:
			if (opt)
				dump_spi6(b, k, ptr, fragment, false);
			return; /* the rest is encrypted */
		default:
			bf_strbuf_printf(b, "Unknown Ext Hdr %u", cur);
			return;
		}
		if (opt)
			bf_strbuf_puts(b, ") ");
		cur = hdr[0];
		ptr += hdrlen;
	}
	switch (cur) {
	case IPPROTO_TCP:
		dump_tcp(b, k, fragment, ptr, flags);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		dump_udp(b, k, cur, fragment, ptr);
		break;
	case IPPROTO_ICMPV6:
		bf_strbuf_puts(b, "PROTO=ICMPv6 ");
		if (!fragment)
			dump_icmp6(b, k, flags, ptr, recurse);
		break;
	default:
		bf_strbuf_printf(b, "PROTO=%u ", cur);
	}
}

static void dump_icmp6(struct bf_strbuf *b, const struct pkt *k, unsigned int flags,
		       uint32_t ptr, int recurse)
{
	const uint8_t *ic = hp(k, ptr, 8);

	if (!ic) {
		incomplete(b, k->len - ptr);
		return;
	}
	bf_strbuf_printf(b, "TYPE=%u CODE=%u ", ic[0], ic[1]);
	switch (ic[0]) {
	case 128: /* echo request, reply */
	case 129:
		bf_strbuf_printf(b, "ID=%u SEQ=%u ", be16(ic + 4), be16(ic + 6));
		break;
	case 4: /* parameter problem */
		bf_strbuf_printf(b, "POINTER=%08x ", be32(ic + 4));
		/* fall through */
	case 1: /* destination unreachable, packet too big, time exceeded */
	case 2:
	case 3:
		if (recurse) {
			bf_strbuf_puts(b, "[");
			dump_ipv6(b, k, flags, ptr + 8, 0);
			bf_strbuf_puts(b, "] ");
		}
		if (ic[0] == 2)
			bf_strbuf_printf(b, "MTU=%u ", be32(ic + 4));
		break;
	}
}

/* dump_mac_header, for an Ethernet device. A VLAN tag the kernel took
 * off the frame (skb_vlan_untag) left the addresses and the inner type:
 * the two bytes before the network header. */
static void dump_mac(struct bf_strbuf *b, const struct bf_log_event *ev)
{
	const uint8_t *d = ev->data;
	unsigned int l3 = ev->l3_off;
	bool mac = ev->mac_len >= 14 && l3 >= 14 && l3 <= ev->cap;

	if (ev->logflags & BF_LOG_F_MACDECODE) {
		if (!mac)
			return;
		bf_strbuf_puts(b, "MACSRC=");
		put_mac(b, d + 6);
		bf_strbuf_puts(b, " MACDST=");
		put_mac(b, d);
		bf_strbuf_printf(b, " MACPROTO=%04x ", be16(d + l3 - 2));
		return;
	}
	bf_strbuf_puts(b, "MAC=");
	if (mac) {
		for (int i = 0; i < 12; i++)
			bf_strbuf_printf(b, "%s%02x", i ? ":" : "", d[i]);
		bf_strbuf_printf(b, ":%02x:%02x", d[l3 - 2], d[l3 - 1]);
	}
	bf_strbuf_puts(b, " ");
}

void bf_log_line(struct bf_strbuf *out, const struct bf_log_event *ev, size_t size)
{
	char prefix[sizeof(ev->prefix) + 1] = {0}, ifname[sizeof(ev->ifname) + 1] = {0};
	char outname[IF_NAMESIZE];
	uint8_t data[BF_LOG_DATA];
	struct pkt k = {0};

	if (size < offsetof(struct bf_log_event, data)) {
		bf_strbuf_puts(out, "TRUNCATED");
		return;
	}
	memcpy(prefix, ev->prefix, sizeof(ev->prefix));
	memcpy(ifname, ev->ifname, sizeof(ev->ifname));
	/* The route's interface in FORWARD, the one left by in OUTPUT, by
	 * its name now; none before routing. */
	if (!ev->out_ifindex || !if_indextoname(ev->out_ifindex, outname))
		snprintf(outname, sizeof(outname), "%s", ev->out_ifindex ? "?" : "");
	bf_strbuf_printf(out, "%sIN=%s OUT=%s ", prefix, ifname, outname);
	/* No input interface (OUTPUT): the kernel prints no MAC= either. */
	if (ifname[0])
		dump_mac(out, ev);
	if (ev->l3_off <= ev->cap && ev->cap <= BF_LOG_DATA &&
	    size >= offsetof(struct bf_log_event, data) + ev->cap) {
		memcpy(data, ev->data, ev->cap);
		/* Routed on: FORWARD sees the TTL / hop limit the stack
		 * decremented; the event holds the frame as received. */
		if (ifname[0] && ev->out_ifindex && !(ev->logflags & BF_LOG_F_AS_SEEN) &&
		    ev->cap > ev->l3_off + 8u)
			data[ev->l3_off + (ev->family == BF_FAMILY_IPV6 ? 7 : 8)]--;
		k.p = data + ev->l3_off;
		k.len = ev->len;
		k.have = ev->cap - ev->l3_off;
		if (k.have > k.len)
			k.have = k.len; /* Ethernet padding is not the packet's */
	}
	if (ev->family == BF_FAMILY_IPV6)
		dump_ipv6(out, &k, ev->logflags, 0, 1);
	else
		dump_ipv4(out, &k, ev->logflags, 0);
}
