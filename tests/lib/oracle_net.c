#define _GNU_SOURCE
#include "oracle_net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NS 8

static char made[MAX_NS][64];
static size_t n_made;

/* system() without its ignoring SIGINT and SIGQUIT while the command
 * runs: an interrupt then still reaches on_signal() and the cleanup. */
static int run(const char *cmd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int oracle_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return run(cmd);
}

int oracle_sh_in(const char *ns, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n = snprintf(cmd, sizeof(cmd), "ip netns exec %s ", ns);

	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	return run(cmd);
}

bool oracle_have(const char *cmd)
{
	return oracle_sh("command -v %s >/dev/null 2>&1", cmd) == 0;
}

void oracle_cleanup(void)
{
	/* Last made first; n_made drops before the command so that a signal
	 * arriving meanwhile does not delete the same one twice. */
	while (n_made) {
		n_made--;
		oracle_sh("ip netns del %s 2>/dev/null", made[n_made]);
	}
}

static void on_signal(int sig)
{
	oracle_cleanup();
	_exit(128 + sig);
}

/* A crash: the heap may be broken, so the namespaces go with system
 * calls only (fork, execve, waitpid), then the signal does what it
 * would have done (a core, the status a test runner reports). */
static void on_fault(int sig)
{
	static char *const envp[] = {NULL};

	while (n_made) {
		char *argv[] = {"ip", "netns", "del", made[--n_made], NULL};
		pid_t pid = fork();

		if (pid == 0) {
			execve("/usr/sbin/ip", argv, envp);
			execve("/sbin/ip", argv, envp);
			execve("/usr/bin/ip", argv, envp);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int oracle_netns_add(const char *name)
{
	static bool armed;

	if (n_made == MAX_NS || strlen(name) >= sizeof(made[0]))
		return -1;
	if (!armed) {
		atexit(oracle_cleanup);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		signal(SIGPIPE, on_signal);
		signal(SIGSEGV, on_fault);
		signal(SIGBUS, on_fault);
		signal(SIGABRT, on_fault);
		signal(SIGFPE, on_fault);
		signal(SIGILL, on_fault);
		armed = true;
	}
	if (oracle_sh("ip netns add %s", name))
		return -1;
	strcpy(made[n_made++], name);
	return 0;
}

void oracle_skip(const char *why)
{
	printf("%s\n", why);
	oracle_cleanup();
	exit(77);
}

int oracle_veth_add(const char *ns_a, const char *if_a, const char *mac_a, const char *ns_b,
		    const char *if_b, const char *mac_b)
{
	return oracle_sh("ip -n %s link add %s%s%s type veth peer name %s netns %s%s%s", ns_a, if_a,
			 mac_a ? " address " : "", mac_a ? mac_a : "", if_b, ns_b,
			 mac_b ? " address " : "", mac_b ? mac_b : "") ? -1 : 0;
}

int oracle_in_netns(const char *ns, int (*fn)(void *), void *arg)
{
	char path[96];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd, rc = -1;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self >= 0 && fd >= 0 && !setns(fd, CLONE_NEWNET)) {
		rc = fn(arg);
		if (setns(self, CLONE_NEWNET))
			abort();
	}
	if (fd >= 0)
		close(fd);
	if (self >= 0)
		close(self);
	return rc;
}

struct popen_args {
	const char *cmd, *mode;
	FILE *f;
};

static int popen_fn(void *arg)
{
	struct popen_args *a = arg;

	a->f = popen(a->cmd, a->mode);
	return 0;
}

FILE *oracle_popen_in(const char *ns, const char *cmd, const char *mode)
{
	struct popen_args a = {.cmd = cmd, .mode = mode};

	oracle_in_netns(ns, popen_fn, &a);
	return a.f;
}

void oracle_pin_cpu(void)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

static int sock_fn(void *arg)
{
	struct oracle_sock *s = arg;

	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	return 0;
}

static int ifindex_fn(void *arg)
{
	return (int)if_nametoindex(arg);
}

int oracle_sock_open(struct oracle_sock *s, const char *ns, const char *ifname)
{
	s->fd = -1;
	if (oracle_in_netns(ns, sock_fn, s))
		return -1;
	s->ifindex = oracle_in_netns(ns, ifindex_fn, (void *)ifname);
	if (s->fd >= 0 && s->ifindex > 0)
		return 0;
	oracle_sock_close(s);
	return -1;
}

int oracle_send(const struct oracle_sock *s, const void *frame, size_t len)
{
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = s->ifindex,
				 .sll_halen = 6};

	return sendto(s->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len
		       ? 0
		       : -1;
}

void oracle_sock_close(struct oracle_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int oracle_counts_read(const char *ns, const char *ipt, const char *table, const char *chain,
		       struct oracle_counts *c)
{
	char cmd[256], line[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s -t %s -L %s -v -x -n", ipt, table, chain);
	f = oracle_popen_in(ns, cmd, "r");
	if (!f)
		return -1;
	memset(c, 0, sizeof(*c));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long p, b;

		/* "Chain X (policy P n packets, m bytes)", the column titles,
		 * then one line per rule starting with its counters. */
		if (sscanf(line, "Chain %*s (policy %*s %llu packets, %llu bytes)", &p, &b) == 2) {
			c->pkts[0] = p;
			c->bytes[0] = b;
		} else if (sscanf(line, " %llu %llu", &p, &b) == 2 &&
			   c->n_rules < ORACLE_MAX_RULES) {
			c->n_rules++;
			c->pkts[c->n_rules] = p;
			c->bytes[c->n_rules] = b;
		}
	}
	return pclose(f) == 0 ? 0 : -1;
}
