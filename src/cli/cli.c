/* What every command shares: the name it was called by and its family,
 * error messages kept and printed as iptables prints them, and opening
 * the namespace's state with iptables' checks. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "core/state.h"

const char *bf_prog_name = "bpfilter";
enum bf_family bf_cli_family = BF_FAMILY_IPV4;
int bf_verbose;

/* Error messages are kept until the command ends: how iptables prints
 * them depends on the kind of failure. */
static struct bf_strbuf errors;

static void log_cb(enum bf_log_level level, const char *msg, void *data)
{
	switch (level) {
	case BF_LOG_ERR:
		if (errors.len)
			bf_strbuf_puts(&errors, "\n");
		bf_strbuf_puts(&errors, msg);
		break;
	case BF_LOG_WARN: /* as iptables: bare, most start with "Warning: " */
		fprintf(stderr, "%s\n", msg);
		break;
	default:
		if (bf_verbose)
			fprintf(stderr, "%s\n", msg);
		break;
	}
}

const char *bf_cli_errors(void)
{
	return bf_strbuf_str(&errors);
}

void bf_cli_errors_reset(void)
{
	bf_strbuf_reset(&errors);
}

int bf_cli_fail(int err)
{
	const char *msg = bf_strbuf_str(&errors);

	switch (err) {
	case -EINVAL:
		/* iptables prints this one without its version prefix */
		if (!strncmp(msg, "Bad argument", 12))
			fprintf(stderr, "%s\n", msg);
		else if (*msg) /* with none, iptables prints only the Try line */
			fprintf(stderr, "%s %s: %s\n", bf_prog_name, bf_cli_version(), msg);
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n",
			bf_prog_name, bf_prog_name);
		return BF_EXIT_PARAMETER;
	case -EWOULDBLOCK: /* the lock: iptables prints these bare */
	case -ETIMEDOUT:
	case -ENOLCK:
		fprintf(stderr, "%s\n", *msg ? msg : strerror(-err));
		return BF_EXIT_RESOURCE;
	case -ENODEV: /* no such table: iptables' VERSION_PROBLEM */
		fprintf(stderr, "%s %s: %s\n", bf_prog_name, bf_cli_version(), msg);
		return BF_EXIT_VERSION;
	default:
		fprintf(stderr, "%s: %s\n", bf_prog_name, *msg ? msg : strerror(-err));
		return BF_EXIT_OTHER;
	}
}

int bf_cli_usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bf_log(BF_LOG_ERR, "%s", msg);
	return bf_cli_fail(-EINVAL);
}

const char *bf_cli_table = "filter";

/* CAP_NET_ADMIN, and CAP_BPF or CAP_SYS_ADMIN, in the effective set:
 * what loading, attaching and reading the programs' maps take. */
static bool privileged(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};

	if (syscall(SYS_capget, &h, d))
		return false;
#define HAS(cap) (d[(cap) / 32].effective & (1u << ((cap) % 32)))
	return HAS(CAP_NET_ADMIN) && (HAS(39 /* CAP_BPF */) || HAS(CAP_SYS_ADMIN));
#undef HAS
}

int bf_cli_open_state(struct bf_state *st, int wait_secs, unsigned int interval_us,
		      bool counters)
{
	int err = counters ? bf_state_open(st, wait_secs, interval_us)
			   : bf_state_open_uncounted(st, wait_secs, interval_us);

	if (err)
		return bf_cli_fail(err);
	/* As iptables-legacy without CAP_NET_ADMIN: after the lock, before
	 * anything is read or changed. */
	if (!privileged()) {
		bf_state_close(st);
		fprintf(stderr, "%s %s: can't initialize iptables table `%s': Permission denied "
			"(you must be root)\nPerhaps iptables or your kernel needs to be upgraded.\n",
			bf_prog_name, bf_cli_version(), bf_cli_table);
		return BF_EXIT_VERSION;
	}
	return 0;
}

void bf_cli_log_start(void)
{
	bf_log_set(log_cb, NULL);
}

void bf_cli_log_end(void)
{
	bf_strbuf_free(&errors);
}
