/* bpfilter: dispatch by the name it was called by (bpfilter6 is
 * ip6tables), then by verb; anything else is an iptables command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "cli/verbs.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "core/state.h"
#include "plan/classify.h"

const char *bf_prog_name = "bpfilter";
enum bf_family bf_cli_family = BF_FAMILY_IPV4;
int bf_verbose;

#define BF_PROG_NAME6 "bpfilter6"

static void set_name(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	if (!base || !*base)
		return;
	bf_prog_name = base;
	if (!strcmp(base, BF_PROG_NAME6))
		bf_cli_family = BF_FAMILY_IPV6;
}

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

static int count_verbose(int argc, char **argv)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--verbose"))
			n++;
		else if (a[0] == '-' && a[1] != '-')
			for (const char *p = a + 1; *p == 'v' || *p == 'n' || *p == 'x'; p++)
				n += *p == 'v';
	}
	return n;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} verbs[] = {
	{"save", bf_cli_save},
	{"restore", bf_cli_restore},
	{"attach", bf_cli_attach},
	{"detach", bf_cli_detach},
	{"status", bf_cli_status},
	{"watch", bf_cli_watch},
	{"log", bf_cli_log},
	{"recent", bf_cli_recent},
	{"set", bf_cli_set},
	{"boot", bf_cli_boot},
};

int main(int argc, char **argv)
{
	const struct bf_personality *p;
	int rc;

	set_name(argv[0]);
	bf_verbose = count_verbose(argc, argv);
	bf_log_set(log_cb, NULL);
	/* Which emitter compiles rule lists: the tests run both. */
	if (getenv("BPFILTER_CLASSIFY") &&
	    bf_classify_mode_parse(getenv("BPFILTER_CLASSIFY"), &bf_classify_mode)) {
		fprintf(stderr, "%s: BPFILTER_CLASSIFY must be off, auto or always\n", bf_prog_name);
		return 1;
	}

	/* Called as iptables, iptables-save, ipset...: that tool. */
	p = bf_personality_of(bf_prog_name);
	if (p) {
		rc = bf_personality_run(p, argc, argv);
		fflush(stdout);
		bf_strbuf_free(&errors);
		return rc;
	}
	rc = -1;
	for (size_t i = 0; argc > 1 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			rc = verbs[i].run(argc - 1, argv + 1);
	if (rc < 0)
		rc = bf_cli_iptables(argc, argv);
	fflush(stdout);
	bf_strbuf_free(&errors);
	return rc;
}
