/* `bpfilter boot`: what the systemd unit runs at boot. Reads
 * /etc/bpfilter/bpfilter.conf ($BPFILTER_CONF), KEY=VALUE lines:
 *   RULES_V4, RULES_V6  the saved rulesets (`bpfilter save -f FILE`,
 *                       `bpfilter6 save -f FILE`), restored when present
 *   INTERFACES          interfaces to attach, or "all"
 *   MODE                auto, native, generic or offload
 *   HOOK                xdp (the default) or nf (`attach --hook nf`)
 * then restores, then attaches. Exit 0, or the first failure's code
 * (the rest is still done). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/verbs.h"

#define BF_CONF_DEFAULT "/etc/bpfilter/bpfilter.conf"

struct boot_conf {
	char rules[BF_FAMILY_MAX][1024];
	char interfaces[1024];
	char mode[32];
	char hook[8];
};

/* VALUE, unquoted ("..." or '...'). */
static void set_value(char *dst, size_t len, const char *v)
{
	size_t n = strlen(v);

	while (n && (v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	snprintf(dst, len, "%.*s", (int)n, v);
}

static int read_conf(const char *path, struct boot_conf *c)
{
	char line[2048];
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "%s boot: cannot read %s: %s\n", bf_prog_name, path, strerror(errno));
		return BF_EXIT_OTHER;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq, *key = line + strspn(line, " \t");

		lineno++;
		if (*key == '#' || *key == '\n' || !*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			fprintf(stderr, "%s boot: %s:%d: not KEY=VALUE\n", bf_prog_name, path, lineno);
			fclose(f);
			return BF_EXIT_OTHER;
		}
		*eq++ = '\0';
		if (!strcmp(key, "RULES_V4"))
			set_value(c->rules[BF_FAMILY_IPV4], sizeof(c->rules[0]), eq);
		else if (!strcmp(key, "RULES_V6"))
			set_value(c->rules[BF_FAMILY_IPV6], sizeof(c->rules[0]), eq);
		else if (!strcmp(key, "INTERFACES"))
			set_value(c->interfaces, sizeof(c->interfaces), eq);
		else if (!strcmp(key, "MODE"))
			set_value(c->mode, sizeof(c->mode), eq);
		else if (!strcmp(key, "HOOK"))
			set_value(c->hook, sizeof(c->hook), eq);
		else
			fprintf(stderr, "%s boot: %s:%d: unknown key %s, ignored\n", bf_prog_name,
				path, lineno, key);
	}
	fclose(f);
	return 0;
}

static int restore_family(enum bf_family f, const char *file)
{
	char *argv[] = {"restore", (char *)file, NULL};
	enum bf_family saved = bf_cli_family;
	int rc;

	if (!*file || access(file, F_OK))
		return 0; /* nothing saved yet */
	bf_cli_family = f;
	rc = bf_cli_restore(2, argv);
	bf_cli_family = saved;
	return rc;
}

static int attach(const struct boot_conf *c)
{
	char list[sizeof(c->interfaces)], *save = NULL;
	int first = 0;

	if (!strcmp(c->hook, "nf")) {
		char *argv[] = {"attach", "--hook", "nf", NULL};

		return bf_cli_attach(3, argv);
	}
	snprintf(list, sizeof(list), "%s", c->interfaces);
	for (char *name = strtok_r(list, " \t,", &save); name; name = strtok_r(NULL, " \t,", &save)) {
		char *argv[] = {"attach", strcmp(name, "all") ? name : "--all", "--mode",
				*c->mode ? (char *)c->mode : "auto", NULL};
		int rc = bf_cli_attach(4, argv);

		if (rc && !first)
			first = rc;
	}
	return first;
}

int bf_cli_boot(int argc, char **argv)
{
	const char *path = getenv("BPFILTER_CONF") ? getenv("BPFILTER_CONF") : BF_CONF_DEFAULT;
	struct boot_conf c = {0};
	int rc, first;

	if (argc > 1) {
		printf("Usage: %s boot  (reads %s, or $BPFILTER_CONF)\n", bf_prog_name,
		       BF_CONF_DEFAULT);
		return strcmp(argv[1], "-h") && strcmp(argv[1], "--help") ? BF_EXIT_PARAMETER : 0;
	}
	rc = read_conf(path, &c);
	if (rc)
		return rc;
	first = restore_family(BF_FAMILY_IPV4, c.rules[BF_FAMILY_IPV4]);
	rc = restore_family(BF_FAMILY_IPV6, c.rules[BF_FAMILY_IPV6]);
	first = first ? first : rc;
	rc = attach(&c);
	return first ? first : rc;
}
