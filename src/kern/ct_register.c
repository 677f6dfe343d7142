/* Conntrack on in the current network namespace (kern.h). The kernel
 * registers conntrack's hooks in a namespace, per family, only when
 * something there asks for it (an iptables or nft rule that uses it);
 * until then bpf_xdp_ct_lookup finds nothing and no skb carries a
 * conntrack. bpfilter asks through nft: table "ip bpfilter" (or "ip6
 * bpfilter") holds a chain that no hook reaches with one rule reading the
 * ct state. Never evaluated, it costs packets nothing; its existence
 * keeps conntrack on. For IPv6 it also has the stack reassemble
 * fragments before INPUT, as ip6tables' conntrack rules do. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/kern.h"

/* One transaction each, the same however often it runs ("add" of what
 * exists is no error, so the table can always be deleted). */
static const char *const ct_on[] = {
	"add table ip bpfilter\nadd chain ip bpfilter conntrack\n"
	"flush chain ip bpfilter conntrack\nadd rule ip bpfilter conntrack ct state new\n",
	"add table ip6 bpfilter\nadd chain ip6 bpfilter conntrack\n"
	"flush chain ip6 bpfilter conntrack\nadd rule ip6 bpfilter conntrack ct state new\n",
};
static const char *const ct_off[] = {
	"add table ip bpfilter\ndelete table ip bpfilter\n",
	"add table ip6 bpfilter\ndelete table ip6 bpfilter\n",
};

static void run_nft(int in_fd)
{
	static char *const argv[] = {"nft", "-f", "-", NULL};

	if (dup2(in_fd, STDIN_FILENO) < 0)
		_exit(127);
	execvp("nft", argv);
	/* PATH without the sbin directories (sudo, cron). */
	execv("/usr/sbin/nft", argv);
	_exit(127);
}

int bf_ct_register(bool ipv6, bool on)
{
	const char *script = (on ? ct_on : ct_off)[ipv6];
	size_t len = strlen(script);
	int pipefd[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return bf_err(-errno, "cannot turn conntrack on: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return bf_err(err, "cannot turn conntrack on: %s", strerror(-err));
	}
	if (!pid) {
		close(pipefd[1]);
		run_nft(pipefd[0]);
	}
	close(pipefd[0]);
	/* nft may die before reading it all: no SIGPIPE for us. */
	signal(SIGPIPE, SIG_IGN);
	n = write(pipefd[1], script, len);
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)len || !WIFEXITED(status) || WEXITSTATUS(status))
		return bf_err(-EPROTO, "cannot turn %s conntrack %s in this network namespace: "
			      "nft -f failed%s (rules using conntrack need the nft command, "
			      "package nftables)", ipv6 ? "IPv6" : "IPv4", on ? "on" : "off",
			      WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " to run" : "");
	return 0;
}
