/* The recent verb: `bpfilter recent` lists recent's lists as
 * /proc/net/xt_recent/NAME shows them, and edits them as writes to that
 * file do (core/recent_lists.h):
 *
 *   bpfilter recent [-4|-6] list [NAME]   the entries (of one family)
 *   bpfilter recent add NAME ADDR         "+ADDR"
 *   bpfilter recent del NAME ADDR         "-ADDR"
 *   bpfilter recent flush NAME            "/"
 *
 * Lists exist while rules name them (and programs are attached). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/verbs.h"
#include "common/log.h"
#include "core/recent_lists.h"

static void usage(void)
{
	printf("Usage: %s recent [-4|-6] list [NAME]\n"
	       "       %s recent add|del NAME ADDRESS\n"
	       "       %s recent flush NAME\n"
	       "Shows the lists of -m recent rules as /proc/net/xt_recent/NAME does (each\n"
	       "list after a line \"NAME:\" when no NAME is given; -4 or -6: only entries\n"
	       "of that family), or edits one as writing \"+ADDRESS\", \"-ADDRESS\" or \"/\"\n"
	       "to that file does: add an address (or a time stamp to it), remove it,\n"
	       "remove every address.\n",
	       bf_prog_name, bf_prog_name, bf_prog_name);
}

/* %pI4 and %pI6 (eight groups of four hex digits). */
static void print_addr(const struct bf_recent_key *k)
{
	if (k->family == 4) {
		struct in_addr a = {.s_addr = htonl(k->addr[0])};
		char buf[INET_ADDRSTRLEN];

		printf("%s", inet_ntop(AF_INET, &a, buf, sizeof(buf)));
		return;
	}
	for (int w = 0; w < 4; w++)
		printf("%s%04x:%04x", w ? ":" : "", k->addr[w] >> 16, k->addr[w] & 0xffff);
}

struct show {
	const struct bf_recent_list *l;
	unsigned int family; /* 0: both */
};

/* recent_seq_show */
static void show(const struct bf_recent_key *k, const struct bf_recent_entry *e, void *arg)
{
	const struct show *s = arg;
	unsigned int last = (e->index - 1u) & s->l->meta.stamp_mask & (BF_RECENT_STAMPS - 1);

	if (s->family && s->family != k->family)
		return;
	printf("src=");
	print_addr(k);
	printf(" ttl: %u last_seen: %" PRIu64 " oldest_pkt: %u", e->ttl, e->stamps[last], e->index);
	for (unsigned int i = 0; i < e->nstamps && i < BF_RECENT_STAMPS; i++)
		printf("%s %" PRIu64, i ? "," : "", e->stamps[i]);
	printf("\n");
}

static int open_list(const char *name, struct bf_recent_list *l)
{
	int err = bf_recent_open(name, l);

	if (err == -ENOENT) {
		fprintf(stderr, "%s: no recent list \"%s\"\n", bf_prog_name, name);
		return BF_EXIT_OTHER;
	}
	return err ? bf_cli_fail(err) : 0;
}

static int list(const char *name, unsigned int family)
{
	char (*names)[BF_RECENT_NAME_LEN];
	size_t n;
	int err, rc = 0;

	if (name) {
		struct bf_recent_list l;
		struct show s = {.l = &l, .family = family};

		rc = open_list(name, &l);
		if (rc)
			return rc;
		bf_recent_for_each(&l, show, &s);
		bf_recent_close(&l);
		return 0;
	}
	err = bf_recent_names(&names, &n);
	if (err)
		return bf_cli_fail(err);
	for (size_t i = 0; i < n && !rc; i++) {
		struct bf_recent_list l;
		struct show s = {.l = &l, .family = family};

		if (bf_recent_open(names[i], &l))
			continue; /* removed meanwhile */
		printf("%s:\n", names[i]);
		bf_recent_for_each(&l, show, &s);
		bf_recent_close(&l);
	}
	free(names);
	return rc;
}

/* The address as recent_mt_proc_write reads it: IPv6 when it has a ':'. */
static int parse_addr(const char *s, unsigned int *family, uint32_t addr[4])
{
	unsigned char buf[16];

	memset(addr, 0, 4 * sizeof(*addr));
	*family = strchr(s, ':') ? 6 : 4;
	if (inet_pton(*family == 6 ? AF_INET6 : AF_INET, s, buf) != 1)
		return bf_cli_usage_error("illegal address `%s'", s);
	for (unsigned int w = 0; w < (*family == 6 ? 4u : 1u); w++) {
		uint32_t v;

		memcpy(&v, buf + 4 * w, sizeof(v));
		addr[w] = ntohl(v);
	}
	return 0;
}

static int edit(const char *verb, const char *name, const char *addr)
{
	struct bf_recent_list l;
	uint32_t a[4];
	unsigned int family = 0;
	uint64_t now;
	int rc = addr ? parse_addr(addr, &family, a) : 0, err = 0;

	if (rc)
		return rc;
	rc = open_list(name, &l);
	if (rc)
		return rc;
	if (!strcmp(verb, "add")) {
		err = bf_jiffies(&now);
		if (!err)
			err = bf_recent_add(&l, family, a, now);
	} else if (!strcmp(verb, "del")) {
		err = bf_recent_del(&l, family, a);
	} else {
		err = bf_recent_flush(&l);
	}
	bf_recent_close(&l);
	return err ? bf_cli_fail(err) : 0;
}

int bf_cli_recent(int argc, char **argv)
{
	unsigned int family = 0;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-4"))
			family = 4;
		else if (!strcmp(argv[i], "-6"))
			family = 6;
		else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			; /* main() counted it */
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(), 0;
		else
			return bf_cli_usage_error("Bad argument `%s'", argv[i]);
	}
	if (i == argc)
		return bf_cli_usage_error("recent: list, add, del or flush expected");
	if (!strcmp(argv[i], "list") && argc - i <= 2)
		return list(argc - i == 2 ? argv[i + 1] : NULL, family);
	if ((!strcmp(argv[i], "add") || !strcmp(argv[i], "del")) && argc - i == 3 && !family)
		return edit(argv[i], argv[i + 1], argv[i + 2]);
	if (!strcmp(argv[i], "flush") && argc - i == 2 && !family)
		return edit(argv[i], argv[i + 1], NULL);
	return bf_cli_usage_error("recent: bad arguments (see %s recent -h)", bf_prog_name);
}
