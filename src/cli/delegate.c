/* The system's iptables, for the tables bpfilter does not serve
 * (personality.h). Found by path, never through PATH, where bpfilter may
 * stand first under the same name. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "common/strbuf.h"

static bool is_self(const char *path)
{
	struct stat a, b;

	return !stat(path, &a) && !stat("/proc/self/exe", &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static bool usable(const char *path)
{
	return !access(path, X_OK) && !is_self(path);
}

/* "iptables-save" -> "iptables-legacy-save" (variant "legacy"). */
static void variant(const char *tool, const char *v, char *buf, size_t len)
{
	const char *dash = strchr(tool, '-');
	size_t base = dash ? (size_t)(dash - tool) : strlen(tool);

	snprintf(buf, len, "%.*s-%s%s", (int)base, tool, v, dash ? dash : "");
}

static int find_system(const char *tool, char *path, size_t len)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin"};
	static const char *const variants[] = {"nft", "legacy"};
	char alt[PATH_MAX], name[64];
	ssize_t n;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(path, len, "%s/%s", dirs[d], tool);
		if (usable(path))
			return 0;
	}
	/* Standing in for it: where update-alternatives points it. */
	snprintf(alt, sizeof(alt), "/etc/alternatives/%s", tool);
	n = readlink(alt, path, len - 1);
	if (n > 0) {
		path[n] = '\0';
		if (usable(path))
			return 0;
	}
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		variant(tool, variants[v], name, sizeof(name));
		for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
			snprintf(path, len, "%s/%s", dirs[d], name);
			if (usable(path))
				return 0;
		}
	}
	return -ENOENT;
}

int bf_delegate_exec(const char *tool, char **argv)
{
	char path[PATH_MAX];

	if (find_system(tool, path, sizeof(path))) {
		fprintf(stderr, "%s: no system %s to hand this table to (bpfilter serves filter "
			"and raw)\n", bf_prog_name, tool);
		return BF_EXIT_OTHER;
	}
	argv[0] = (char *)tool;
	execv(path, argv);
	fprintf(stderr, "%s: cannot run %s: %s\n", bf_prog_name, path, strerror(errno));
	return BF_EXIT_OTHER;
}

int bf_delegate_run(const char *tool, char *const *argv, const char *in, struct bf_strbuf *out)
{
	int to[2] = {-1, -1}, from[2] = {-1, -1}, status;
	char path[PATH_MAX];
	pid_t pid;

	if (find_system(tool, path, sizeof(path)))
		return -ENOENT;
	if ((in && pipe(to)) || (out && pipe(from)))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(in ? to[0] : null, 0);
		if (out)
			dup2(from[1], 1);
		for (int i = 0; i < 2; i++) {
			if (to[i] >= 0)
				close(to[i]);
			if (from[i] >= 0)
				close(from[i]);
		}
		execv(path, argv);
		_exit(127);
	}
	if (in) {
		size_t left = strlen(in);

		close(to[0]);
		while (left) {
			ssize_t w = write(to[1], in, left);

			if (w <= 0)
				break;
			in += w;
			left -= (size_t)w;
		}
		close(to[1]);
	}
	if (out) {
		char buf[4096];
		ssize_t r;

		close(from[1]);
		while ((r = read(from[0], buf, sizeof(buf))) > 0)
			bf_strbuf_printf(out, "%.*s", (int)r, buf);
		close(from[0]);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : BF_EXIT_OTHER;
}
