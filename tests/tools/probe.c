/* probe: real-socket traffic for the end-to-end tests and the demo, so they
 * need neither ping nor netcat.
 *
 *   probe tcp-connect ADDR PORT [TIMEOUT_MS [await-close]]
 *       prints ok, refused or timeout; exit 0, 1 or 2 (3 on error);
 *       await-close: once connected, close only after the server has
 *       (its FIN, then ours, then its ACK: the packets the server's host
 *       sends no longer depend on which side closed first)
 *   probe tcp-listen PORT [SECONDS]
 *       accepts and closes connections (forever, or for SECONDS)
 *   probe udp-send ADDR PORT [--from ADDR] [--count N] [--interval-us N]
 *       sends datagrams (count 0: until SIGTERM/SIGINT); prints "sent N"
 *   probe udp-recv PORT SECONDS
 *       counts datagrams (IPv4 and IPv6) for SECONDS (or until
 *       SIGTERM/SIGINT); prints one line "SOURCE COUNT" per source
 *       address, then "total N"
 *   probe ping ADDR [COUNT] [TIMEOUT_MS]
 *       ICMP echo; prints "R/C replies"; exit 0 if all came back, 1 if
 *       none, 2 if some
 *   probe rst-capture IFACE SECONDS
 *       prints "ready", then the IPv4 or IPv6 and TCP headers (hex) of the
 *       first TCP reset that IFACE receives; exit 1 when none came
 *   probe icmp-capture IFACE SECONDS
 *       prints "ready", then after SECONDS the IPv4 and ICMP (or IPv6 and
 *       ICMPv6) headers (hex) of the first ICMP or ICMPv6 destination
 *       unreachable IFACE received, and "count N" of them
 *   probe udp-connect ADDR PORT [TIMEOUT_MS]
 *       sends one datagram from a connected UDP socket and prints the
 *       error the socket then reports (ECONNREFUSED, ...) or "timeout"
 */
#define _GNU_SOURCE /* strerrorname_np */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: blocking calls return EINTR and the loops end. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "probe: bad number `%s'\n", s);
		exit(3);
	}
	return v;
}

static void addr(const char *s, uint16_t port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, s, &sin->sin_addr) != 1) {
		fprintf(stderr, "probe: bad address `%s'\n", s);
		exit(3);
	}
}

/* An IPv4 or IPv6 address and port (ping is IPv4 only). */
static socklen_t addr_any(const char *s, uint16_t port, struct sockaddr_in6 *sa)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	if (!strchr(s, ':')) {
		addr(s, port, sin);
		return sizeof(*sin);
	}
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(port);
	if (inet_pton(AF_INET6, s, &sa->sin6_addr) != 1) {
		fprintf(stderr, "probe: bad address `%s'\n", s);
		exit(3);
	}
	return sizeof(*sa);
}

/* Whether the peer of the connected stream socket fd closed its side
 * (a read of 0) within timeout_ms. */
static bool peer_closed(int fd, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	char buf[256];

	for (long left; (left = deadline - now_ms()) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return true;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
	}
	return false;
}

static int tcp_connect(int argc, char **argv)
{
	struct sockaddr_in6 sa;
	long timeout = argc > 2 ? num(argv[2], 1, 600000) : 2000;
	bool await_close = argc > 3;
	socklen_t sa_len = addr_any(argv[0], (uint16_t)num(argv[1], 1, 65535), &sa);
	struct pollfd p;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	if (await_close && strcmp(argv[3], "await-close")) {
		fprintf(stderr, "probe: tcp-connect: unknown option %s\n", argv[3]);
		return 3;
	}
	fd = socket(sa.sin6_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("probe: socket");
		return 3;
	}
	if (connect(fd, (struct sockaddr *)&sa, sa_len) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto done;
		}
		p = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, (int)timeout) == 0) {
			printf("timeout\n");
			return 2;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	}
	if (!err && await_close && !peer_closed(fd, timeout)) {
		printf("timeout\n");
		return 2;
	}
done:
	close(fd);
	if (!err) {
		printf("ok\n");
		return 0;
	}
	if (err == ECONNREFUSED) {
		printf("refused\n");
		return 1;
	}
	if (err == ETIMEDOUT) {
		printf("timeout\n");
		return 2;
	}
	printf("error: %s\n", strerror(err));
	return 3;
}

/* Listens on both families (an IPv6 socket that takes IPv4 too); prints
 * "ready" once it does. */
static int tcp_listen(int argc, char **argv)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	long deadline = argc > 1 ? now_ms() + num(argv[1], 1, 86400) * 1000 : 0;
	int fd, one = 1, zero = 0;

	sa.sin6_port = htons((uint16_t)num(argv[0], 1, 65535));
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 128)) {
		perror("probe: listen");
		return 3;
	}
	printf("ready\n");
	catch_signals();
	while (!stop && (!deadline || now_ms() < deadline)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
	}
	close(fd);
	return 0;
}

static int udp_send(int argc, char **argv)
{
	struct sockaddr_in6 to, from;
	socklen_t to_len = addr_any(argv[0], (uint16_t)num(argv[1], 1, 65535), &to);
	const char *src = NULL;
	long count = 1, interval = 0, sent = 0;
	char payload[32] = "bpfilter probe";
	int fd;

	for (int i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--from"))
			src = argv[i + 1];
		else if (!strcmp(argv[i], "--count"))
			count = num(argv[i + 1], 0, 1000000000);
		else if (!strcmp(argv[i], "--interval-us"))
			interval = num(argv[i + 1], 0, 10000000);
		else
			goto usage;
	}
	fd = socket(to.sin6_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("probe: socket");
		return 3;
	}
	if (src) {
		socklen_t from_len = addr_any(src, 0, &from);

		if (from.sin6_family != to.sin6_family ||
		    bind(fd, (struct sockaddr *)&from, from_len)) {
			perror("probe: bind");
			return 3;
		}
	}
	catch_signals();
	while (!stop && (!count || sent < count)) {
		if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to, to_len) < 0) {
			/* A full queue or an unanswered ARP: try again. */
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR ||
			    errno == EHOSTUNREACH) {
				usleep(1000);
				continue;
			}
			perror("probe: sendto");
			return 3;
		}
		sent++;
		if (interval)
			usleep((useconds_t)interval);
	}
	printf("sent %ld\n", sent);
	return 0;
usage:
	fprintf(stderr, "probe: udp-send ADDR PORT [--from ADDR] [--count N] [--interval-us N]\n");
	return 3;
}

/* A packet socket on iface, every protocol; prints "ready" once bound.
 * -1 after saying why. */
static int capture_socket(const char *iface)
{
	struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	int fd;

	ll.sll_ifindex = (int)if_nametoindex(iface);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || !ll.sll_ifindex || bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		perror("probe: capture");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	printf("ready\n");
	fflush(stdout);
	return fd;
}

/* Headers of the first TCP reset IFACE receives, for comparing the
 * resets of two firewalls byte for byte. */
static int rst_capture(int argc, char **argv)
{
	long deadline = now_ms() + num(argv[1], 1, 600) * 1000;
	unsigned char f[2048];
	int fd = capture_socket(argv[0]);

	if (fd < 0)
		return 3;
	while (now_ms() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;
		size_t hl = 0;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, f, sizeof(f), 0);
		if (n >= 14 + 20 + 20 && f[12] == 0x08 && f[13] == 0x00 && f[23] == IPPROTO_TCP)
			hl = 20;
		else if (n >= 14 + 40 + 20 && f[12] == 0x86 && f[13] == 0xdd && f[20] == IPPROTO_TCP)
			hl = 40;
		if (!hl || !(f[14 + hl + 13] & 0x04))
			continue;
		for (size_t i = 14; i < 14 + hl + 20; i++)
			printf("%02x%s", f[i], i + 1 == 14 + hl ? " " : "");
		printf("\n");
		return 0;
	}
	return 1;
}

/* The length of the network and ICMP headers of an ICMP (type 3) or
 * ICMPv6 (type 1) destination unreachable in frame f, or 0. */
static size_t unreach_headers(const unsigned char *f, ssize_t n)
{
	if (n >= 14 + 20 + 8 && f[12] == 0x08 && f[13] == 0x00 && f[23] == IPPROTO_ICMP &&
	    (f[14] & 0x0f) == 5 && f[14 + 20] == 3)
		return 28;
	if (n >= 14 + 40 + 8 && f[12] == 0x86 && f[13] == 0xdd && f[20] == IPPROTO_ICMPV6 &&
	    f[14 + 40] == 1)
		return 48;
	return 0;
}

/* The destination unreachables IFACE receives: the first one's headers
 * and how many, for comparing two firewalls' answers. Stopped by a signal,
 * it still counts what was queued by then. */
static int icmp_capture(int argc, char **argv)
{
	long deadline = now_ms() + num(argv[1], 1, 600) * 1000, count = 0;
	unsigned char f[2048];
	char first[128] = "none";
	int fd = capture_socket(argv[0]);

	if (fd < 0)
		return 3;
	catch_signals();
	for (bool draining = false;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		size_t hl;
		ssize_t n;

		if (!draining && (stop || now_ms() >= deadline))
			draining = true;
		if (!draining && poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, f, sizeof(f), draining ? MSG_DONTWAIT : 0);
		if (n < 0 && draining)
			break;
		hl = unreach_headers(f, n);
		if (!hl)
			continue;
		if (!count++)
			for (size_t i = 0, o = 0; i < hl; i++)
				o += (size_t)snprintf(first + o, sizeof(first) - o, "%s%02x",
						      i == hl - 8 ? " " : "", f[14 + i]);
	}
	printf("%s\ncount %ld\n", first, count);
	return 0;
}

/* What a connected UDP socket reports after one datagram: the error an
 * ICMP answer sets on it (by name), or timeout. */
static int udp_connect(int argc, char **argv)
{
	struct sockaddr_in6 sa;
	socklen_t sa_len = addr_any(argv[0], (uint16_t)num(argv[1], 1, 65535), &sa);
	long timeout = argc > 2 ? num(argv[2], 1, 600000) : 1000;
	struct pollfd p;
	char buf[64];
	int fd;

	fd = socket(sa.sin6_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sa_len) ||
	    send(fd, "bpfilter probe", 14, 0) < 0) {
		perror("probe: udp-connect");
		return 3;
	}
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&p, 1, (int)timeout) == 0) {
		printf("timeout\n");
		return 0;
	}
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		printf("data\n");
	else
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	close(fd);
	return 0;
}

struct source {
	struct sockaddr_in6 a; /* an IPv4 source as ::ffff:a.b.c.d */
	long n;
};

/* The source as ip and ip6 print it. */
static const char *source_name(const struct sockaddr_in6 *a, char *buf, size_t len)
{
	if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
		return inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], buf, (socklen_t)len);
	return inet_ntop(AF_INET6, &a->sin6_addr, buf, (socklen_t)len);
}

static int udp_recv(int argc, char **argv)
{
	struct sockaddr_in6 sin = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	long deadline = now_ms() + num(argv[1], 1, 86400) * 1000;
	struct source srcs[64];
	size_t n_srcs = 0;
	long total = 0;
	int fd, rcvbuf = 4 << 20, v6only = 0;

	/* One socket for both families (IPv4 as mapped addresses). */
	sin.sin6_port = htons((uint16_t)num(argv[0], 1, 65535));
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("probe: bind");
		return 3;
	}
	catch_signals();
	/* Tell a waiting script that the socket is bound. */
	printf("ready\n");
	fflush(stdout);
	while (!stop && now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_in6 from;
		socklen_t len = sizeof(from);
		char buf[2048];
		size_t i;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) < 0)
			continue;
		total++;
		for (i = 0; i < n_srcs; i++)
			if (!memcmp(&srcs[i].a.sin6_addr, &from.sin6_addr, sizeof(from.sin6_addr)))
				break;
		if (i == n_srcs && n_srcs < 64)
			srcs[n_srcs++] = (struct source){ .a = from };
		if (i < n_srcs)
			srcs[i].n++;
	}
	for (size_t i = 0; i < n_srcs; i++) {
		char name[INET6_ADDRSTRLEN];

		printf("%s %ld\n", source_name(&srcs[i].a, name, sizeof(name)), srcs[i].n);
	}
	printf("total %ld\n", total);
	return 0;
}

static uint16_t icmp_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int ping(int argc, char **argv)
{
	struct sockaddr_in to;
	long count = argc > 1 ? num(argv[1], 1, 100000) : 3;
	long timeout = argc > 2 ? num(argv[2], 1, 600000) : 1000;
	uint16_t id = (uint16_t)getpid();
	long replies = 0;
	int fd;

	addr(argv[0], 0, &to);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0) {
		perror("probe: raw ICMP socket");
		return 3;
	}
	for (long seq = 0; seq < count; seq++) {
		struct icmphdr req = {
			.type = ICMP_ECHO,
			.un.echo.id = htons(id),
			.un.echo.sequence = htons((uint16_t)seq),
		};
		long deadline = now_ms() + timeout;

		req.checksum = icmp_csum(&req, sizeof(req));
		if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			perror("probe: sendto");
			return 3;
		}
		for (long left; (left = deadline - now_ms()) > 0;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			uint8_t buf[1500];
			struct icmphdr *rep;
			ssize_t n;
			size_t hl;

			if (poll(&p, 1, (int)left) <= 0)
				break;
			n = recv(fd, buf, sizeof(buf), 0);
			if (n < 20)
				continue;
			hl = (size_t)(buf[0] & 0xf) * 4;
			if ((size_t)n < hl + sizeof(*rep) ||
			    memcmp(buf + 12, &to.sin_addr, 4))
				continue;
			rep = (struct icmphdr *)(buf + hl);
			if (rep->type == ICMP_ECHOREPLY && ntohs(rep->un.echo.id) == id &&
			    ntohs(rep->un.echo.sequence) == (uint16_t)seq) {
				replies++;
				break;
			}
		}
	}
	close(fd);
	printf("%ld/%ld replies\n", replies, count);
	return replies == count ? 0 : replies ? 2 : 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int min_args, max_args;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "tcp-connect", 2, 4, tcp_connect },
		{ "tcp-listen", 1, 2, tcp_listen },
		{ "udp-send", 2, 8, udp_send },
		{ "udp-recv", 2, 2, udp_recv },
		{ "ping", 1, 3, ping },
		{ "rst-capture", 2, 2, rst_capture },
		{ "icmp-capture", 2, 2, icmp_capture },
		{ "udp-connect", 2, 3, udp_connect },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			int n = argc - 2;

			if (strcmp(argv[1], cmds[i].name))
				continue;
			if (n < cmds[i].min_args || n > cmds[i].max_args)
				break;
			return cmds[i].fn(n, argv + 2);
		}
	}
	fprintf(stderr,
		"usage: probe tcp-connect ADDR PORT [TIMEOUT_MS [await-close]]\n"
		"       probe tcp-listen PORT [SECONDS]\n"
		"       probe udp-send ADDR PORT [--from ADDR] [--count N] [--interval-us N]\n"
		"       probe udp-recv PORT SECONDS\n"
		"       probe ping ADDR [COUNT] [TIMEOUT_MS]\n"
		"       probe rst-capture IFACE SECONDS\n"
		"       probe icmp-capture IFACE SECONDS\n"
		"       probe udp-connect ADDR PORT [TIMEOUT_MS]\n");
	return 3;
}
