/* The attach, detach and status verbs: shared by both families (one
 * program judges both). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/verbs_attach.h"
#include "common/json.h"
#include "core/nf_hooks.h"
#include "core/nf_stage.h"
#include "core/state.h"
#include "kern/tc.h"

struct verb_opts {
	const char *ifname;
	bool all; /* --all: every interface present */
	bool hooks; /* --hook nf: the netfilter hooks, not an interface */
	bool json; /* status --json */
	const char *mode;
	int wait_secs; /* -1: fail at once when the lock is busy */
	unsigned int interval_us;
};

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void usage(const char *verb)
{
	if (!strcmp(verb, "attach"))
		printf("Usage: %s attach IFACE|--all [--mode auto|native|generic|offload] "
		       "[-w [seconds]]\n"
		       "       %s attach --hook nf [-w [seconds]]\n", bf_prog_name, bf_prog_name);
	else if (!strcmp(verb, "detach"))
		printf("Usage: %s detach IFACE|--hook nf [-w [seconds]]\n", bf_prog_name);
	else
		printf("Usage: %s status [--json] [-w [seconds]]\n", bf_prog_name);
}

/* Exact words only, so no getopt_long (it takes abbreviations). Returns
 * 0, an exit code, or -1 after printing help. */
static int parse(int argc, char **argv, bool want_if, bool want_mode, struct verb_opts *o)
{
	*o = (struct verb_opts){.wait_secs = -1};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (want_mode && (!strcmp(a, "--mode") || !strncmp(a, "--mode=", 7))) {
			if (a[6] == '=')
				o->mode = a + 7;
			else if (i + 1 < argc)
				o->mode = argv[++i];
			else
				return bf_cli_usage_error("option \"--mode\" requires an argument");
		} else if (!strcmp(a, "-w") || !strcmp(a, "--wait")) {
			/* As iptables: the seconds are optional. */
			o->wait_secs = 0;
			if (i + 1 < argc && all_digits(argv[i + 1]))
				o->wait_secs = atoi(argv[++i]);
		} else if (!strncmp(a, "-w", 2) && all_digits(a + 2)) {
			o->wait_secs = atoi(a + 2);
		} else if (!strncmp(a, "--wait=", 7)) {
			if (!all_digits(a + 7))
				return bf_cli_usage_error("wait seconds not numeric");
			o->wait_secs = atoi(a + 7);
		} else if (!strcmp(a, "-W") || !strcmp(a, "--wait-interval")) {
			if (i + 1 >= argc || !all_digits(argv[i + 1]))
				return bf_cli_usage_error("wait interval not numeric");
			o->interval_us = (unsigned int)strtoul(argv[++i], NULL, 10);
		} else if (want_if && (!strcmp(a, "--hook") || !strncmp(a, "--hook=", 7))) {
			const char *h = a[6] == '=' ? a + 7 : i + 1 < argc ? argv[++i] : NULL;

			if (!h)
				return bf_cli_usage_error("option \"--hook\" requires an argument");
			if (strcmp(h, "nf") && strcmp(h, "xdp"))
				return bf_cli_usage_error("unknown hook `%s' (xdp or nf)", h);
			o->hooks = !strcmp(h, "nf");
		} else if (!want_if && !strcmp(a, "--json")) {
			o->json = true;
		} else if (want_mode && !strcmp(a, "--all")) {
			o->all = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			/* main() counted it */
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(argv[0]);
			return -1;
		} else if (a[0] == '-' && a[1]) {
			return bf_cli_usage_error("unknown option \"%s\"", a);
		} else if (want_if && !o->ifname) {
			o->ifname = a;
		} else {
			return bf_cli_usage_error("Bad argument `%s'", a);
		}
	}
	if (o->all && o->ifname)
		return bf_cli_usage_error("%s: an interface name or --all, not both", argv[0]);
	if (o->hooks && (o->ifname || o->all || o->mode))
		return bf_cli_usage_error("%s: --hook nf takes no interface, --all or --mode "
					  "(the hooks judge every interface)", argv[0]);
	if (want_if && !o->ifname && !o->all && !o->hooks)
		return bf_cli_usage_error("%s: an interface name is required", argv[0]);
	return 0;
}

int bf_cli_attach(int argc, char **argv)
{
	enum bf_xdp_mode mode = BF_XDP_AUTO;
	struct verb_opts o;
	struct bf_state st;
	int rc, err;

	rc = parse(argc, argv, true, true, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.mode && bf_xdp_mode_by_name(o.mode, &mode))
		return bf_cli_usage_error("unknown XDP mode `%s' (auto, native, generic or offload)",
					  o.mode);
	rc = bf_cli_open_state(&st, o.wait_secs, o.interval_us, true);
	if (rc)
		return rc;
	if (o.hooks)
		err = bf_state_attach_hooks(&st);
	else if (o.all)
		err = bf_state_attach_all(&st, mode);
	else
		err = bf_state_attach(&st, o.ifname, mode);
	bf_state_close(&st);
	return err ? bf_cli_fail(err) : 0;
}

int bf_cli_detach(int argc, char **argv)
{
	struct verb_opts o;
	struct bf_state st;
	int rc, err;

	rc = parse(argc, argv, true, false, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = bf_cli_open_state(&st, o.wait_secs, o.interval_us, true);
	if (rc)
		return rc;
	err = o.hooks ? bf_state_detach_hooks(&st) : bf_state_detach(&st, o.ifname);
	bf_state_close(&st);
	return err ? bf_cli_fail(err) : 0;
}

/* What status shows of an attachment, for the text and --json alike. */
struct att_view {
	const char *gone;  /* why there is no program, NULL when attached */
	uint32_t prog_id;
	char insns[16];    /* "?" when unknown */
	char egress[32];   /* OUTPUT's TC program, "tcx/123"; "-": none */
};

static void view_att(const struct bf_attachment *a, struct att_view *v)
{
	struct bf_prog_facts f;
	enum bf_tc_kind kind;
	int fd;

	*v = (struct att_view){.gone = bf_state_att_gone(a), .prog_id = a->prog_id};
	snprintf(v->insns, sizeof(v->insns), "-");
	snprintf(v->egress, sizeof(v->egress), "-");
	if (v->gone)
		return;
	if (!bf_prog_facts(a->prog_fd, &f)) {
		v->prog_id = f.id;
		snprintf(v->insns, sizeof(v->insns), "%u", f.n_insns);
	} else {
		snprintf(v->insns, sizeof(v->insns), "?");
	}
	if (bf_tc_find(a->ifindex, &fd, &kind))
		return;
	if (bf_prog_facts(fd, &f))
		snprintf(v->egress, sizeof(v->egress), "%s/?", bf_tc_kind_name(kind));
	else
		snprintf(v->egress, sizeof(v->egress), "%s/%u", bf_tc_kind_name(kind), f.id);
	close(fd);
}

static void print_att(const struct bf_attachment *a)
{
	struct att_view v;

	view_att(a, &v);
	printf("%-16s %-8d %-8s ", a->ifname, a->ifindex, bf_xdp_mode_name(a->mode));
	if (v.gone)
		printf("%-8s %-8s %-12s (%s)\n", "-", "-", "-", v.gone);
	else
		printf("%-8u %-8s %s\n", v.prog_id, v.insns, v.egress);
}

static void json_att(struct bf_strbuf *b, const struct bf_attachment *a)
{
	struct att_view v;
	bool first = true;

	view_att(a, &v);
	bf_strbuf_puts(b, "{");
	bf_json_kv_str(b, &first, "interface", a->ifname);
	bf_json_kv_u64(b, &first, "ifindex", (uint64_t)a->ifindex);
	bf_json_kv_str(b, &first, "mode", bf_xdp_mode_name(a->mode));
	bf_json_kv_str(b, &first, "state", v.gone ? v.gone : "attached");
	if (!v.gone) {
		bf_json_kv_u64(b, &first, "prog_id", v.prog_id);
		bf_json_kv_str(b, &first, "insns", v.insns);
		bf_json_kv_str(b, &first, "output", v.egress);
	}
	bf_strbuf_puts(b, "}");
}

/* The netfilter stage that judges filter INPUT for reassembled IPv4
 * datagrams (README, "How it works"): said loudly when it is missing,
 * as those datagrams then reach INPUT unjudged. */
static void print_nf_stage(const struct bf_state *st, struct bf_strbuf *json, bool *first)
{
	uint32_t link_id;
	size_t n;
	int err = bf_nf_stage_status(st, &link_id, &n);

	if (json) {
		bf_json_kv_str(json, first, "reassembled_ipv4",
			       !err ? "netfilter link" : err == -ENOENT ? "NOT JUDGED" : "unknown");
		if (!err)
			bf_json_kv_u64(json, first, "netfilter_link", link_id);
		return;
	}
	if (!err)
		printf("Reassembled IPv4 datagrams: netfilter link %u at LOCAL_IN, %zu interface%s\n",
		       link_id, n, n == 1 ? "" : "s");
	else if (err == -ENOENT)
		printf("Reassembled IPv4 datagrams: NOT JUDGED (no netfilter stage: attach again)\n");
	else
		printf("Reassembled IPv4 datagrams: unknown (%s)\n", strerror(-err));
}

/* `attach --hook nf`: the links and their programs. */
static void print_hooks(const struct bf_state *st, struct bf_strbuf *json, bool *first)
{
	uint32_t ids[BF_NF_HOOK_SLOTS];
	size_t links;

	bf_nf_hooks_status(st->hooks_fd, &links, ids);
	if (json) {
		bf_json_kv_u64(json, first, "netfilter_links", links);
		bf_json_key(json, first, "netfilter_hooks");
		bf_strbuf_puts(json, "[");
	} else {
		printf("Netfilter hooks: %zu of %d links\n", links, BF_NF_HOOK_SLOTS);
		printf("%-7s %-15s %s\n", "FAMILY", "HOOK", "PROG");
	}
	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		for (int p = 0; p < BF_NF_POINTS; p++) {
			const char *fam = f == BF_FAMILY_IPV6 ? "ipv6" : "ipv4";
			uint32_t id = ids[BF_NF_HOOK_SLOT(f, p)];
			bool one = true;

			if (!json) {
				printf("%-7s %-15s %u\n", fam, bf_nf_points[p].name, id);
				continue;
			}
			bf_strbuf_puts(json, f || p ? ",{" : "{");
			bf_json_kv_str(json, &one, "family", fam);
			bf_json_kv_str(json, &one, "hook", bf_nf_points[p].name);
			bf_json_kv_u64(json, &one, "prog_id", id);
			bf_strbuf_puts(json, "}");
		}
	}
	if (json)
		bf_strbuf_puts(json, "]");
}

/* status --json: the same facts as one object. */
static void status_json(const struct bf_state *st)
{
	struct bf_strbuf b = {0};
	bool first = true;

	bf_strbuf_puts(&b, "{");
	bf_json_kv_u64(&b, &first, "rules_ipv4", bf_state_n_rules(st, BF_FAMILY_IPV4));
	bf_json_kv_u64(&b, &first, "rules_ipv6", bf_state_n_rules(st, BF_FAMILY_IPV6));
	bf_json_key(&b, &first, "interfaces");
	bf_strbuf_puts(&b, "[");
	for (size_t i = 0; i < st->n_att; i++) {
		if (i)
			bf_strbuf_puts(&b, ",");
		json_att(&b, &st->att[i]);
	}
	bf_strbuf_puts(&b, "]");
	if (st->hooks_fd >= 0)
		print_hooks(st, &b, &first);
	else if (st->n_att)
		print_nf_stage(st, &b, &first);
	bf_strbuf_puts(&b, "}\n");
	fputs(bf_strbuf_str(&b), stdout);
	bf_strbuf_free(&b);
}

int bf_cli_status(int argc, char **argv)
{
	struct verb_opts o;
	struct bf_state st;
	int rc;

	rc = parse(argc, argv, false, false, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = bf_cli_open_state(&st, o.wait_secs, o.interval_us, true);
	if (rc)
		return rc;
	if (o.json) {
		status_json(&st);
		bf_state_close(&st);
		return 0;
	}
	printf("Rules: %zu (IPv4 %zu, IPv6 %zu)\n",
	       bf_state_n_rules(&st, BF_FAMILY_IPV4) + bf_state_n_rules(&st, BF_FAMILY_IPV6),
	       bf_state_n_rules(&st, BF_FAMILY_IPV4), bf_state_n_rules(&st, BF_FAMILY_IPV6));
	if (st.hooks_fd >= 0) {
		print_hooks(&st, NULL, NULL);
	} else if (!st.n_att) {
		printf("Not attached to any interface.\n");
	} else {
		printf("%-16s %-8s %-8s %-8s %-8s %s\n", "INTERFACE", "IFINDEX", "MODE", "PROG",
		       "INSNS", "OUTPUT");
		for (size_t i = 0; i < st.n_att; i++)
			print_att(&st.att[i]);
		print_nf_stage(&st, NULL, NULL);
	}
	bf_state_close(&st);
	return 0;
}
