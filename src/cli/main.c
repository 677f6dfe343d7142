/* bpfilter: dispatch by the name it was called by (bpfilter6 is
 * ip6tables), then by verb; anything else is an iptables command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "cli/verbs.h"
#include "plan/classify.h"

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
	bf_cli_log_start();
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
		bf_cli_log_end();
		return rc;
	}
	rc = -1;
	for (size_t i = 0; argc > 1 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			rc = verbs[i].run(argc - 1, argv + 1);
	if (rc < 0)
		rc = bf_cli_iptables(argc, argv);
	fflush(stdout);
	bf_cli_log_end();
	return rc;
}
