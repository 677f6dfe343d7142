/* `bpfilter watch [--mode M]`: attaches every interface of the network
 * namespace, then each new one as it appears (an rtnetlink link event),
 * until SIGINT or SIGTERM, so that no interface is left unfiltered by
 * accident. An attached interface that disappears is reported; when it
 * (or another of its name) comes back it is attached again. One line on
 * stdout per thing done; each attachment holds the state lock only while
 * it runs (waiting for it as -w does). */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/verbs_attach.h"
#include "common/log.h"
#include "core/state.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* The attachment recorded for ifname, or NULL. */
static const struct bf_attachment *recorded(const struct bf_state *st, const char *ifname)
{
	for (size_t i = 0; i < st->n_att; i++)
		if (!strcmp(st->att[i].ifname, ifname))
			return &st->att[i];
	return NULL;
}

/* Our program on ifname as it is now (same index, program there)? */
static bool attached(const struct bf_state *st, const char *ifname, int ifindex)
{
	const struct bf_attachment *a = recorded(st, ifname);

	return a && a->ifindex == ifindex && a->prog_fd >= 0;
}

/* Attaches ifname unless it is attached already; reports either way. */
static void attach_one(const char *ifname, int ifindex, enum bf_xdp_mode mode)
{
	struct bf_state st;
	int err;

	if (bf_cli_open_state(&st, 0, 0, false))
		return;
	if (!attached(&st, ifname, ifindex)) {
		err = bf_state_attach(&st, ifname, mode);
		if (err) {
			bf_cli_fail(err);
		} else {
			printf("attached %s (%s)\n", ifname,
			       bf_xdp_mode_name(recorded(&st, ifname)->mode));
		}
		fflush(stdout);
	}
	bf_cli_errors_reset();
	bf_state_close(&st);
}

static void gone(const char *ifname)
{
	struct bf_state st;

	if (bf_cli_open_state(&st, 0, 0, false))
		return;
	if (recorded(&st, ifname)) {
		printf("%s is gone: it is attached again if it comes back\n", ifname);
		fflush(stdout);
	}
	bf_state_close(&st);
}

static void attach_present(enum bf_xdp_mode mode)
{
	struct if_nameindex *ifs = if_nameindex();

	for (struct if_nameindex *i = ifs; i && i->if_index; i++)
		attach_one(i->if_name, (int)i->if_index, mode);
	if (ifs)
		if_freenameindex(ifs);
}

/* One link message: a new (or changed) link is attached if it is not;
 * a deleted one reported. */
static void on_link(const struct nlmsghdr *h, enum bf_xdp_mode mode)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	char name[IF_NAMESIZE] = "";

	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME)
			snprintf(name, sizeof(name), "%s", (const char *)RTA_DATA(a));
	if (!*name)
		return;
	if (h->nlmsg_type == RTM_DELLINK)
		gone(name);
	else if (h->nlmsg_type == RTM_NEWLINK && if_nametoindex(name) == (unsigned int)ifi->ifi_index)
		attach_one(name, ifi->ifi_index, mode);
}

int bf_cli_watch(int argc, char **argv)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
	enum bf_xdp_mode mode = BF_XDP_AUTO;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sigaction act = {.sa_handler = on_signal};
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
			if (bf_xdp_mode_by_name(argv[++i], &mode))
				return bf_cli_usage_error("unknown XDP mode `%s' (auto, native, generic "
							  "or offload)", argv[i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("Usage: %s watch [--mode auto|native|generic|offload]\n", bf_prog_name);
			return 0;
		} else if (strcmp(argv[i], "-v") && strcmp(argv[i], "--verbose")) {
			return bf_cli_usage_error("Bad argument `%s'", argv[i]);
		}
	}
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	/* Listening first: an interface made while the present ones are
	 * attached is not missed. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "%s: cannot listen for interfaces: %s\n", bf_prog_name,
			strerror(errno));
		return BF_EXIT_OTHER;
	}
	attach_present(mode);
	printf("watching\n");
	fflush(stdout);
	while (!stop) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == ENOBUFS) {
			/* Events lost: look at everything again. */
			attach_present(mode);
			continue;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; n > 0 && NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			on_link(h, mode);
	}
	close(fd);
	return 0;
}
