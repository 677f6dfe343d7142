/* Conntrack flows over lo (ct_lo.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kern/kern.h"
#include "lib/ct_lo.h"

int ct_lo_enter(void)
{
	if (unshare(CLONE_NEWNET) ||
	    system("ip link set lo up && ip addr add " CT_LO_HOST "/32 dev lo && "
		   "ip addr add " CT_LO_HOST6 "/128 dev lo nodad")) {
		fprintf(stderr, "cannot make a network namespace with lo up\n");
		return -1;
	}
	if (bf_ct_register(false, true) || bf_ct_register(true, true)) {
		fprintf(stderr, "cannot turn conntrack on (nft)\n");
		return -1;
	}
	return 0;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The TCP/UDP checksum at t (l4 bytes), with the pseudo-header; off by
 * `err` when asked for a wrong one. */
static void l4_csum(bool v6, uint8_t *ip, uint8_t *t, size_t l4, int at, int err)
{
	uint32_t ph = (v6 ? ip[6] : ip[9]) + (uint32_t)l4;
	uint16_t c;

	for (int i = v6 ? 8 : 12; i < (v6 ? 40 : 20); i += 2)
		ph += (uint32_t)ip[i] << 8 | ip[i + 1];
	c = (uint16_t)(csum(t, l4, ph) + err);
	t[at] = (uint8_t)(c >> 8);
	t[at + 1] = (uint8_t)c;
}

size_t ct_lo_frame(uint8_t *f, const struct ct_lo_frame *p)
{
	const bool v6 = p->v6;
	size_t l4 = p->proto == IPPROTO_TCP ? 20 : 8 + (p->proto == IPPROTO_UDP ? p->payload : 0);
	size_t len = 14 + (v6 ? 40 : 20) + l4;
	uint8_t *ip = f + 14, *t = ip + (v6 ? 40 : 20);
	uint32_t a = inet_addr(CT_LO_HOST);
	uint16_t c;

	memset(f, 0, len);
	if (v6) {
		f[12] = 0x86;
		f[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4 >> 8);
		ip[5] = (uint8_t)l4;
		ip[6] = p->proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : p->proto;
		ip[7] = 64;
		inet_pton(AF_INET6, CT_LO_HOST6, ip + 8);
		inet_pton(AF_INET6, CT_LO_HOST6, ip + 24);
	} else {
		f[12] = 0x08; /* IPv4; both MACs zero (a unicast frame) */
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + l4) >> 8);
		ip[3] = (uint8_t)(20 + l4);
		ip[8] = 64;
		ip[9] = p->proto;
		memcpy(ip + 12, &a, 4);
		memcpy(ip + 16, &a, 4);
		c = csum(ip, 20, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	if (p->proto == IPPROTO_ICMP) {
		t[0] = v6 ? 128 : 8;
		return len;
	}
	t[0] = (uint8_t)(p->sport >> 8);
	t[1] = (uint8_t)p->sport;
	t[2] = (uint8_t)(p->dport >> 8);
	t[3] = (uint8_t)p->dport;
	if (p->proto == IPPROTO_UDP) {
		t[4] = (uint8_t)(l4 >> 8);
		t[5] = (uint8_t)l4;
		for (size_t i = 8; i < l4; i++)
			t[i] = (uint8_t)(i * 7);
		l4_csum(v6, ip, t, l4, 6, p->csum_err);
		return len;
	}
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(p->seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(p->ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = p->flags;
	t[14] = 0xff; /* window */
	l4_csum(v6, ip, t, l4, 16, p->csum_err);
	return len;
}

static socklen_t sin_of(bool v6, uint16_t port, struct sockaddr_in6 *s6)
{
	struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(port)};

	memset(s6, 0, sizeof(*s6));
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, CT_LO_HOST6, &s6->sin6_addr);
		return sizeof(*s6);
	}
	s.sin_addr.s_addr = inet_addr(CT_LO_HOST);
	memcpy(s6, &s, sizeof(s));
	return sizeof(s);
}

static int sock_at(bool v6, int type, uint16_t port)
{
	struct sockaddr_in6 s;
	socklen_t len = sin_of(v6, port, &s);
	int one = 1, fd = socket(v6 ? AF_INET6 : AF_INET, type, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&s, len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* snd_nxt and rcv_nxt of a connected socket, read in repair mode. */
static int tcp_seqs(int fd, uint32_t *snd, uint32_t *rcv)
{
	int on = 1, q[2] = {TCP_SEND_QUEUE, TCP_RECV_QUEUE};
	uint32_t *out[2] = {snd, rcv};
	socklen_t len = sizeof(*snd);

	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)))
		return -errno;
	for (int i = 0; i < 2; i++)
		if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q[i], sizeof(q[i])) ||
		    getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, out[i], &len))
			return -errno;
	return 0;
}

int ct_lo_flows_make(bool v6, struct ct_lo_flows *fl)
{
	struct sockaddr_in6 to, srv;
	socklen_t to_len = sin_of(v6, 6000, &to), srv_len = sin_of(v6, 7000, &srv);
	char buf[16];

	fl->udp = sock_at(v6, SOCK_DGRAM, 5000);
	fl->listener = sock_at(v6, SOCK_STREAM, 7000);
	fl->client = sock_at(v6, SOCK_STREAM, 7001);
	fl->accepted = -1;
	if (fl->udp < 0 || fl->listener < 0 || fl->client < 0)
		goto fail;
	if (sendto(fl->udp, "x", 1, 0, (struct sockaddr *)&to, to_len) != 1 ||
	    listen(fl->listener, 1) ||
	    connect(fl->client, (struct sockaddr *)&srv, srv_len))
		goto fail;
	fl->accepted = accept(fl->listener, NULL, NULL);
	if (fl->accepted < 0 || write(fl->client, "hello", 5) != 5 ||
	    read(fl->accepted, buf, sizeof(buf)) != 5 || write(fl->accepted, "world", 5) != 5 ||
	    read(fl->client, buf, sizeof(buf)) != 5)
		goto fail;
	usleep(100000); /* the last ACKs through the stack */
	if (!tcp_seqs(fl->client, &fl->snd, &fl->rcv))
		return 0;
fail:
	ct_lo_flows_close(fl);
	return -EIO;
}

void ct_lo_flows_close(struct ct_lo_flows *fl)
{
	int *fds[] = {&fl->accepted, &fl->client, &fl->listener, &fl->udp};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
