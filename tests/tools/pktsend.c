/* pktsend: sends crafted Ethernet frames out of an interface (AF_PACKET).
 *
 * Test tool for the differential and end-to-end tests: builds IPv4 (or
 * basic IPv6) packets with TCP, UDP, ICMP or any protocol number, with the
 * odd parts set on purpose (fragments, IP options, wrong lengths and
 * checksums, truncation, padding), or sends raw hex frames. Run it inside
 * the sending network namespace. `--print` shows each frame as hex, so a
 * test can print a reproducer. Exit: 0 sent, 1 failure, 2 usage. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 65600
#define MAX_HEX_FRAMES 64

struct opts {
	const char *ifname;
	uint8_t src_mac[6], dst_mac[6];
	bool have_src_mac, have_dst_mac;
	int vlan; /* -1: untagged */
	int ethertype; /* -1: IP */
	int family; /* 0 unset, 4, 6 */
	struct in_addr src4, dst4;
	struct in6_addr src6, dst6;
	bool have_src, have_dst;
	int proto;
	int ttl, tos, id;
	bool df, mf;
	int frag_off; /* 8-byte units; -1: 0 */
	int ihl;      /* -1: from the options */
	int tot_len;  /* -1: computed */
	uint8_t ip_opts[40];
	size_t ip_opts_len;
	int fragment; /* payload bytes per fragment; 0: no splitting */
	int sport, dport;
	int tcp_flags;
	uint32_t seq, ack;
	int win, doff;
	int icmp_type, icmp_code;
	size_t payload_len;
	uint8_t *data; /* explicit payload bytes (--data) */
	size_t data_len;
	bool bad_ip_csum, bad_l4_csum, no_l4_csum;
	long cut;  /* -1: whole frame */
	size_t pad;
	long count;
	long interval_us;
	bool print, dry_run;
	uint8_t *hex[MAX_HEX_FRAMES];
	size_t hex_len[MAX_HEX_FRAMES];
	size_t n_hex;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: pktsend -i IFACE [options]\n"
"Ethernet:\n"
"  --src-mac MAC        default: the interface's address\n"
"  --dst-mac MAC        default: resolved by ARP for --dst\n"
"  --vlan ID            add an 802.1Q tag\n"
"  --ethertype N        send a non-IP frame of that type (payload: --payload/--data)\n"
"  --hex HEX            send this raw frame as is (repeatable; other options ignored)\n"
"IP:\n"
"  --src ADDR --dst ADDR  IPv4 (or IPv6) addresses\n"
"  --proto P            tcp, udp, icmp, icmpv6 or a number (default: udp)\n"
"  --ttl N --tos N --id N --df --mf\n"
"  --frag-off N         fragment offset field, in 8-byte units\n"
"  --fragment N         split the datagram into fragments of N payload bytes\n"
"  --ip-opts HEX        IPv4 options (padded with zeros to 4 bytes)\n"
"  --ihl N              IHL field (default: from the options)\n"
"  --tot-len N          total length field (default: the real length)\n"
"Transport:\n"
"  --sport N --dport N  ports (default 1024 and 9)\n"
"  --flags F            TCP flags: FIN,SYN,RST,PSH,ACK,URG,ECE,CWR, NONE or a number\n"
"  --seq N --ack N --win N --doff N\n"
"  --icmp-type N --icmp-code N  (default: echo request)\n"
"  --payload N          N bytes of payload after the transport header\n"
"  --data HEX           payload bytes given (instead of --payload)\n"
"Damage:\n"
"  --bad-ip-csum --bad-l4-csum --no-l4-csum\n"
"  --cut N              send only the first N bytes of the frame\n"
"  --pad N              append N zero bytes after the IP packet\n"
"Sending:\n"
"  --count N            frames (or datagrams) to send (default 1)\n"
"  --interval-us N      pause between sends\n"
"  --print              print each frame as hex on stdout\n"
"  --dry-run            print, do not send (no interface needed)\n");
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits with optional separators (space, ':', '.', '-'). */
static int parse_hex(const char *s, uint8_t **out, size_t *len)
{
	size_t n = 0, cap = strlen(s) / 2 + 1;
	uint8_t *buf = malloc(cap);
	int hi = -1;

	if (!buf)
		return -ENOMEM;
	for (; *s; s++) {
		int v = hexval(*s);

		if (v < 0) {
			if (strchr(" :.-\t\n", *s) && hi < 0)
				continue;
			free(buf);
			return -EINVAL;
		}
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static long parse_num(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "pktsend: bad value for %s: `%s'\n", opt, s);
		exit(2);
	}
	return v;
}

static int parse_addr(struct opts *o, const char *s, bool src)
{
	int fam = strchr(s, ':') ? 6 : 4;
	void *dst = fam == 4 ? (void *)(src ? &o->src4 : &o->dst4) :
			       (void *)(src ? &o->src6 : &o->dst6);

	if (inet_pton(fam == 4 ? AF_INET : AF_INET6, s, dst) != 1)
		return -EINVAL;
	if (o->family && o->family != fam)
		return -EINVAL;
	o->family = fam;
	return 0;
}

static int parse_proto(const char *s)
{
	static const struct { const char *name; int num; } names[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
		{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
		{ "ipv6-icmp", IPPROTO_ICMPV6 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].num;
	return (int)parse_num("--proto", s, 0, 255);
}

static int parse_flags(const char *s)
{
	static const char *names[] = { "FIN", "SYN", "RST", "PSH", "ACK",
				       "URG", "ECE", "CWR" };
	char *copy, *tok, *save;
	int flags = 0;

	if (s[0] >= '0' && s[0] <= '9')
		return (int)parse_num("--flags", s, 0, 255);
	copy = strdup(s);
	if (!copy)
		exit(1);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		if (!strcasecmp(tok, "NONE"))
			continue;
		if (!strcasecmp(tok, "ALL")) {
			flags |= 0x3f;
			continue;
		}
		for (i = 0; i < 8; i++)
			if (!strcasecmp(tok, names[i]))
				break;
		if (i == 8) {
			fprintf(stderr, "pktsend: unknown TCP flag `%s'\n", tok);
			exit(2);
		}
		flags |= 1 << i;
	}
	free(copy);
	return flags;
}

/* ---- building ---- */

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t pseudo_sum(const struct opts *o, int proto, size_t len)
{
	uint32_t sum = 0;

	if (o->family == 6) {
		uint8_t tail[8] = { 0 };

		sum = csum_add(sum, &o->src6, 16);
		sum = csum_add(sum, &o->dst6, 16);
		put32(tail, (uint32_t)len);
		tail[7] = (uint8_t)proto;
		return csum_add(sum, tail, 8);
	}
	sum = csum_add(sum, &o->src4, 4);
	sum = csum_add(sum, &o->dst4, 4);
	sum += (uint32_t)proto;
	sum += (uint32_t)len;
	return sum;
}

/* The transport part (header + payload) into buf; returns its length. */
static size_t build_l4(const struct opts *o, uint8_t *buf)
{
	size_t hlen = 0, len;
	uint8_t *pl;
	int csum_at = -1;

	switch (o->proto) {
	case IPPROTO_TCP: {
		int doff = o->doff >= 0 ? o->doff : 5;

		hlen = 20;
		memset(buf, 0, hlen);
		put16(buf, (uint16_t)o->sport);
		put16(buf + 2, (uint16_t)o->dport);
		put32(buf + 4, o->seq);
		put32(buf + 8, o->ack);
		buf[12] = (uint8_t)(doff << 4);
		buf[13] = (uint8_t)o->tcp_flags;
		put16(buf + 14, (uint16_t)o->win);
		csum_at = 16;
		break;
	}
	case IPPROTO_UDP:
		hlen = 8;
		memset(buf, 0, hlen);
		put16(buf, (uint16_t)o->sport);
		put16(buf + 2, (uint16_t)o->dport);
		csum_at = 6;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		hlen = 8;
		memset(buf, 0, hlen);
		buf[0] = (uint8_t)o->icmp_type;
		buf[1] = (uint8_t)o->icmp_code;
		put16(buf + 4, 0x4242); /* echo id */
		put16(buf + 6, 1);      /* echo seq */
		csum_at = 2;
		break;
	default:
		break;
	}
	pl = buf + hlen;
	if (o->data) {
		memcpy(pl, o->data, o->data_len);
		len = hlen + o->data_len;
	} else {
		for (size_t i = 0; i < o->payload_len; i++)
			pl[i] = (uint8_t)('a' + i % 26);
		len = hlen + o->payload_len;
	}
	if (o->proto == IPPROTO_UDP)
		put16(buf + 4, (uint16_t)len);
	if (csum_at >= 0 && !o->no_l4_csum) {
		uint32_t sum = 0;
		uint16_t c;

		if (o->proto != IPPROTO_ICMP)
			sum = pseudo_sum(o, o->proto, len);
		c = csum_fold(csum_add(sum, buf, len));
		if (o->proto == IPPROTO_UDP && c == 0)
			c = 0xffff;
		if (o->bad_l4_csum)
			c ^= 0x5a5a;
		put16(buf + csum_at, c);
	}
	return len;
}

/* Ethernet header (and VLAN tag) for ethertype; returns its length. */
static size_t build_eth(const struct opts *o, uint8_t *f, uint16_t ethertype)
{
	size_t n = 12;

	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, o->src_mac, 6);
	if (o->vlan >= 0) {
		put16(f + n, ETH_P_8021Q);
		put16(f + n + 2, (uint16_t)o->vlan);
		n += 4;
	}
	put16(f + n, ethertype);
	return n + 2;
}

/* One IPv4 packet carrying l4[0..len) at fragment offset off (bytes) with
 * the MF bit mf; returns the frame length. */
static size_t build_ip4(const struct opts *o, uint8_t *f, const uint8_t *l4,
			size_t len, size_t off, bool mf, bool first)
{
	size_t n = build_eth(o, f, ETH_P_IP);
	uint8_t *ip = f + n;
	size_t optlen = first ? (o->ip_opts_len + 3) / 4 * 4 : 0;
	size_t hlen = 20 + optlen;
	uint16_t frag;

	memset(ip, 0, hlen);
	ip[0] = (uint8_t)(0x40 | (o->ihl >= 0 ? o->ihl : (int)(hlen / 4)));
	ip[1] = (uint8_t)o->tos;
	put16(ip + 2, (uint16_t)(o->tot_len >= 0 ? (size_t)o->tot_len : hlen + len));
	put16(ip + 4, (uint16_t)o->id);
	frag = (uint16_t)(off / 8);
	if (o->frag_off >= 0)
		frag = (uint16_t)o->frag_off;
	if (mf)
		frag |= 0x2000;
	if (o->df)
		frag |= 0x4000;
	put16(ip + 6, frag);
	ip[8] = (uint8_t)o->ttl;
	ip[9] = (uint8_t)o->proto;
	memcpy(ip + 12, &o->src4, 4);
	memcpy(ip + 16, &o->dst4, 4);
	if (first)
		memcpy(ip + 20, o->ip_opts, o->ip_opts_len);
	put16(ip + 10, csum_fold(csum_add(0, ip, hlen)) ^ (o->bad_ip_csum ? 0x5a5a : 0));
	memcpy(ip + hlen, l4, len);
	n += hlen + len;
	memset(f + n, 0, o->pad);
	return n + o->pad;
}

static size_t build_ip6(const struct opts *o, uint8_t *f, const uint8_t *l4, size_t len)
{
	size_t n = build_eth(o, f, ETH_P_IPV6);
	uint8_t *ip = f + n;

	memset(ip, 0, 40);
	put32(ip, 0x60000000u | (uint32_t)o->tos << 20);
	put16(ip + 4, (uint16_t)(o->tot_len >= 0 ? (size_t)o->tot_len : len));
	ip[6] = (uint8_t)o->proto;
	ip[7] = (uint8_t)o->ttl;
	memcpy(ip + 8, &o->src6, 16);
	memcpy(ip + 24, &o->dst6, 16);
	memcpy(ip + 40, l4, len);
	n += 40 + len;
	memset(f + n, 0, o->pad);
	return n + o->pad;
}

/* ---- the interface and its neighbour ---- */

static int if_mac(int fd, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static bool if_addr4(const char *ifname, struct in_addr *a)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname))
			continue;
		*a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		found = true;
	}
	freeifaddrs(ifa);
	return found;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asks who has `target' with an ARP request of our own, so the tool needs
 * no address or neighbour entry in the sending namespace. */
static int arp_resolve(const struct opts *o, int ifindex, struct in_addr target,
		       uint8_t mac[6])
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};
	struct in_addr me;
	uint8_t req[42], rep[128];
	int fd, err = -ETIMEDOUT;

	if (!if_addr4(o->ifname, &me))
		me = o->src4;
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		err = -errno;
		goto out;
	}
	memset(req, 0xff, 6);
	memcpy(req + 6, o->src_mac, 6);
	put16(req + 12, ETH_P_ARP);
	put16(req + 14, 1);      /* Ethernet */
	put16(req + 16, ETH_P_IP);
	req[18] = 6;
	req[19] = 4;
	put16(req + 20, 1);      /* request */
	memcpy(req + 22, o->src_mac, 6);
	memcpy(req + 28, &me, 4);
	memset(req + 32, 0, 6);
	memcpy(req + 38, &target, 4);
	memset(sll.sll_addr, 0xff, 6);
	for (int tries = 0; tries < 3 && err == -ETIMEDOUT; tries++) {
		long deadline = now_ms() + 500;

		if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&sll,
			   sizeof(sll)) < 0) {
			err = -errno;
			break;
		}
		for (long left; (left = deadline - now_ms()) > 0;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			ssize_t r;

			if (poll(&p, 1, (int)left) <= 0)
				break;
			r = recv(fd, rep, sizeof(rep), 0);
			if (r < 42 || rep[12] != 0x08 || rep[13] != 0x06 ||
			    rep[21] != 2 || memcmp(rep + 28, &target, 4))
				continue;
			memcpy(mac, rep + 22, 6);
			err = 0;
			break;
		}
	}
out:
	close(fd);
	return err;
}

/* ---- sending ---- */

static void print_frame(const uint8_t *f, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", f[i]);
	printf("\n");
	fflush(stdout);
}

static int send_frame(const struct opts *o, int fd, int ifindex, const uint8_t *f,
		      size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};

	if (o->cut >= 0 && (size_t)o->cut < len)
		len = (size_t)o->cut;
	if (o->print || o->dry_run)
		print_frame(f, len);
	if (o->dry_run)
		return 0;
	memcpy(sll.sll_addr, f, 6);
	for (int tries = 0;; tries++) {
		if (sendto(fd, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) >= 0)
			return 0;
		if (errno != ENOBUFS || tries > 1000) {
			fprintf(stderr, "pktsend: send on %s: %s\n", o->ifname,
				strerror(errno));
			return -1;
		}
		usleep(100);
	}
}

/* Sends the datagram (as one frame or as fragments) once. */
static int send_one(const struct opts *o, int fd, int ifindex, uint8_t *frame,
		    uint8_t *l4)
{
	size_t len, n;

	if (o->ethertype >= 0) {
		n = build_eth(o, frame, (uint16_t)o->ethertype);
		if (o->data) {
			memcpy(frame + n, o->data, o->data_len);
			n += o->data_len;
		} else {
			memset(frame + n, 0x5a, o->payload_len);
			n += o->payload_len;
		}
		return send_frame(o, fd, ifindex, frame, n);
	}
	len = build_l4(o, l4);
	if (o->family == 6)
		return send_frame(o, fd, ifindex, frame, build_ip6(o, frame, l4, len));
	if (!o->fragment) {
		n = build_ip4(o, frame, l4, len, 0, o->mf, true);
		return send_frame(o, fd, ifindex, frame, n);
	}
	for (size_t off = 0; off < len; off += (size_t)o->fragment) {
		size_t chunk = len - off < (size_t)o->fragment ? len - off :
								 (size_t)o->fragment;
		bool last = off + chunk >= len;

		n = build_ip4(o, frame, l4 + off, chunk, off, !last || o->mf, off == 0);
		if (send_frame(o, fd, ifindex, frame, n))
			return -1;
	}
	return 0;
}

enum {
	O_SRC_MAC = 256, O_DST_MAC, O_VLAN, O_ETHERTYPE, O_HEX, O_SRC, O_DST,
	O_PROTO, O_TTL, O_TOS, O_ID, O_DF, O_MF, O_FRAG_OFF, O_FRAGMENT,
	O_IP_OPTS, O_IHL, O_TOT_LEN, O_SPORT, O_DPORT, O_FLAGS, O_SEQ, O_ACK,
	O_WIN, O_DOFF, O_ICMP_TYPE, O_ICMP_CODE, O_PAYLOAD, O_DATA,
	O_BAD_IP_CSUM, O_BAD_L4_CSUM, O_NO_L4_CSUM, O_CUT, O_PAD, O_COUNT,
	O_INTERVAL, O_PRINT, O_DRY_RUN,
};

static const struct option longopts[] = {
	{ "iface", required_argument, NULL, 'i' },
	{ "src-mac", required_argument, NULL, O_SRC_MAC },
	{ "dst-mac", required_argument, NULL, O_DST_MAC },
	{ "vlan", required_argument, NULL, O_VLAN },
	{ "ethertype", required_argument, NULL, O_ETHERTYPE },
	{ "hex", required_argument, NULL, O_HEX },
	{ "src", required_argument, NULL, O_SRC },
	{ "dst", required_argument, NULL, O_DST },
	{ "proto", required_argument, NULL, O_PROTO },
	{ "ttl", required_argument, NULL, O_TTL },
	{ "tos", required_argument, NULL, O_TOS },
	{ "id", required_argument, NULL, O_ID },
	{ "df", no_argument, NULL, O_DF },
	{ "mf", no_argument, NULL, O_MF },
	{ "frag-off", required_argument, NULL, O_FRAG_OFF },
	{ "fragment", required_argument, NULL, O_FRAGMENT },
	{ "ip-opts", required_argument, NULL, O_IP_OPTS },
	{ "ihl", required_argument, NULL, O_IHL },
	{ "tot-len", required_argument, NULL, O_TOT_LEN },
	{ "sport", required_argument, NULL, O_SPORT },
	{ "dport", required_argument, NULL, O_DPORT },
	{ "flags", required_argument, NULL, O_FLAGS },
	{ "seq", required_argument, NULL, O_SEQ },
	{ "ack", required_argument, NULL, O_ACK },
	{ "win", required_argument, NULL, O_WIN },
	{ "doff", required_argument, NULL, O_DOFF },
	{ "icmp-type", required_argument, NULL, O_ICMP_TYPE },
	{ "icmp-code", required_argument, NULL, O_ICMP_CODE },
	{ "payload", required_argument, NULL, O_PAYLOAD },
	{ "data", required_argument, NULL, O_DATA },
	{ "bad-ip-csum", no_argument, NULL, O_BAD_IP_CSUM },
	{ "bad-l4-csum", no_argument, NULL, O_BAD_L4_CSUM },
	{ "no-l4-csum", no_argument, NULL, O_NO_L4_CSUM },
	{ "cut", required_argument, NULL, O_CUT },
	{ "pad", required_argument, NULL, O_PAD },
	{ "count", required_argument, NULL, 'c' },
	{ "interval-us", required_argument, NULL, O_INTERVAL },
	{ "print", no_argument, NULL, O_PRINT },
	{ "dry-run", no_argument, NULL, O_DRY_RUN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){
		.vlan = -1, .ethertype = -1, .proto = IPPROTO_UDP, .ttl = 64,
		.id = 1, .frag_off = -1, .ihl = -1, .tot_len = -1, .sport = 1024,
		.dport = 9, .tcp_flags = 0x02, .seq = 1, .win = 65535, .doff = -1,
		.icmp_type = -1, .cut = -1, .count = 1,
	};
	while ((c = getopt_long(argc, argv, "i:c:h", longopts, NULL)) != -1) {
		int err = 0;

		switch (c) {
		case 'i': o->ifname = optarg; break;
		case O_SRC_MAC: err = parse_mac(optarg, o->src_mac); o->have_src_mac = true; break;
		case O_DST_MAC: err = parse_mac(optarg, o->dst_mac); o->have_dst_mac = true; break;
		case O_VLAN: o->vlan = (int)parse_num("--vlan", optarg, 0, 4095); break;
		case O_ETHERTYPE: o->ethertype = (int)parse_num("--ethertype", optarg, 0, 0xffff); break;
		case O_HEX:
			if (o->n_hex == MAX_HEX_FRAMES) {
				fprintf(stderr, "pktsend: too many --hex frames\n");
				exit(2);
			}
			err = parse_hex(optarg, &o->hex[o->n_hex], &o->hex_len[o->n_hex]);
			o->n_hex++;
			break;
		case O_SRC: err = parse_addr(o, optarg, true); o->have_src = true; break;
		case O_DST: err = parse_addr(o, optarg, false); o->have_dst = true; break;
		case O_PROTO: o->proto = parse_proto(optarg); break;
		case O_TTL: o->ttl = (int)parse_num("--ttl", optarg, 0, 255); break;
		case O_TOS: o->tos = (int)parse_num("--tos", optarg, 0, 255); break;
		case O_ID: o->id = (int)parse_num("--id", optarg, 0, 0xffff); break;
		case O_DF: o->df = true; break;
		case O_MF: o->mf = true; break;
		case O_FRAG_OFF: o->frag_off = (int)parse_num("--frag-off", optarg, 0, 0x1fff); break;
		case O_FRAGMENT: o->fragment = (int)parse_num("--fragment", optarg, 8, 65528);
			if (o->fragment % 8)
				err = -EINVAL;
			break;
		case O_IP_OPTS: {
			uint8_t *b;
			size_t n;

			err = parse_hex(optarg, &b, &n);
			if (!err && n > 40)
				err = -EINVAL;
			if (!err) {
				memcpy(o->ip_opts, b, n);
				o->ip_opts_len = n;
				free(b);
			}
			break;
		}
		case O_IHL: o->ihl = (int)parse_num("--ihl", optarg, 0, 15); break;
		case O_TOT_LEN: o->tot_len = (int)parse_num("--tot-len", optarg, 0, 0xffff); break;
		case O_SPORT: o->sport = (int)parse_num("--sport", optarg, 0, 0xffff); break;
		case O_DPORT: o->dport = (int)parse_num("--dport", optarg, 0, 0xffff); break;
		case O_FLAGS: o->tcp_flags = parse_flags(optarg); break;
		case O_SEQ: o->seq = (uint32_t)parse_num("--seq", optarg, 0, 0xffffffffL); break;
		case O_ACK: o->ack = (uint32_t)parse_num("--ack", optarg, 0, 0xffffffffL); break;
		case O_WIN: o->win = (int)parse_num("--win", optarg, 0, 0xffff); break;
		case O_DOFF: o->doff = (int)parse_num("--doff", optarg, 0, 15); break;
		case O_ICMP_TYPE: o->icmp_type = (int)parse_num("--icmp-type", optarg, 0, 255); break;
		case O_ICMP_CODE: o->icmp_code = (int)parse_num("--icmp-code", optarg, 0, 255); break;
		case O_PAYLOAD: o->payload_len = (size_t)parse_num("--payload", optarg, 0, 9000); break;
		case O_DATA: err = parse_hex(optarg, &o->data, &o->data_len);
			if (!err && o->data_len > 9000)
				err = -EINVAL;
			break;
		case O_BAD_IP_CSUM: o->bad_ip_csum = true; break;
		case O_BAD_L4_CSUM: o->bad_l4_csum = true; break;
		case O_NO_L4_CSUM: o->no_l4_csum = true; break;
		case O_CUT: o->cut = parse_num("--cut", optarg, 0, MAX_FRAME); break;
		case O_PAD: o->pad = (size_t)parse_num("--pad", optarg, 0, 1500); break;
		case 'c': o->count = parse_num("--count", optarg, 0, 100000000); break;
		case O_INTERVAL: o->interval_us = parse_num("--interval-us", optarg, 0, 100000000); break;
		case O_PRINT: o->print = true; break;
		case O_DRY_RUN: o->dry_run = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
		if (err) {
			fprintf(stderr, "pktsend: bad value `%s'\n", optarg);
			exit(2);
		}
	}
	if (optind != argc || (!o->ifname && !o->dry_run)) {
		usage(stderr);
		exit(2);
	}
	if (!o->family)
		o->family = 4;
	if (o->icmp_type < 0)
		o->icmp_type = o->proto == IPPROTO_ICMPV6 ? 128 : 8;
	if (o->fragment && o->family != 4) {
		fprintf(stderr, "pktsend: --fragment is for IPv4 only\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	uint8_t *frame, *l4;
	int fd = -1, ifindex = 0;

	parse_args(argc, argv, &o);
	frame = calloc(1, MAX_FRAME);
	l4 = calloc(1, MAX_FRAME);
	if (!frame || !l4)
		return 1;
	if (o.ifname) {
		ifindex = (int)if_nametoindex(o.ifname);
		if (!ifindex) {
			fprintf(stderr, "pktsend: no interface `%s'\n", o.ifname);
			return 1;
		}
		fd = socket(AF_PACKET, SOCK_RAW, 0);
		if (fd < 0) {
			perror("pktsend: AF_PACKET socket");
			return 1;
		}
		if (!o.have_src_mac && if_mac(fd, o.ifname, o.src_mac)) {
			perror("pktsend: interface address");
			return 1;
		}
	}
	/* Default source: the interface's own address. */
	if (o.family == 4 && !o.have_src && o.ifname)
		if_addr4(o.ifname, &o.src4);
	if (!o.n_hex && !o.have_dst_mac) {
		int err = -EINVAL;

		if (o.family == 4 && o.have_dst && fd >= 0)
			err = arp_resolve(&o, ifindex, o.dst4, o.dst_mac);
		if (err) {
			fprintf(stderr, "pktsend: no --dst-mac and cannot resolve it: %s\n",
				strerror(-err));
			return 1;
		}
	}
	for (long i = 0; i < o.count; i++) {
		int err = 0;

		if (i && o.interval_us)
			usleep((useconds_t)o.interval_us);
		for (size_t h = 0; h < o.n_hex && !err; h++)
			err = send_frame(&o, fd, ifindex, o.hex[h], o.hex_len[h]);
		if (!o.n_hex)
			err = send_one(&o, fd, ifindex, frame, l4);
		if (err)
			return 1;
	}
	return 0;
}
