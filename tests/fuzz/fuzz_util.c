#include "fuzz/fuzz_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"

static void quiet(enum bf_log_level level, const char *msg, void *data)
{
}

/* FUZZ_VERBOSE=1: the library's messages on stderr, to see why an input
 * fails. */
static void verbose(enum bf_log_level level, const char *msg, void *data)
{
	fprintf(stderr, "log(%d): %s\n", level, msg);
}

void fuzz_init(void)
{
	static int v = -1;

	if (v < 0)
		v = getenv("FUZZ_VERBOSE") && *getenv("FUZZ_VERBOSE") == '1';
	bf_log_set(v ? verbose : quiet, NULL);
}

/* Name resolution without the network, so that runs are fast and the same
 * everywhere: these definitions take the place of libc's (and of the
 * sanitizers' interceptors). Host names: "localhost" and "two.test" (two
 * addresses per family, so that expansion into several rules is reached);
 * anything else is not found. Services (no host) are real: /etc/services
 * is a local file. Reverse lookups find nothing, so listings print
 * numbers, as for an address without a name. */
struct fake_ai {
	struct addrinfo ai;
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
	char name[32];
};

static struct addrinfo *fake_entry(int family, const char *addr, const char *name,
				   struct addrinfo *next)
{
	struct fake_ai *f = calloc(1, sizeof(*f));

	if (!f)
		return next;
	f->ai.ai_family = family;
	f->ai.ai_socktype = SOCK_RAW;
	f->ai.ai_next = next;
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->ai.ai_canonname = f->name;
	if (family == AF_INET6) {
		f->sa.in6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &f->sa.in6.sin6_addr);
		f->ai.ai_addrlen = sizeof(f->sa.in6);
	} else {
		f->sa.in.sin_family = AF_INET;
		inet_pton(AF_INET, addr, &f->sa.in.sin_addr);
		f->ai.ai_addrlen = sizeof(f->sa.in);
	}
	f->ai.ai_addr = (struct sockaddr *)&f->sa;
	return &f->ai;
}

/* A service lookup: the port from /etc/services, through getservbyname. */
static struct addrinfo *service_entry(const char *service, const struct addrinfo *hints)
{
	const char *proto = hints && hints->ai_protocol == IPPROTO_UDP ? "udp" : "tcp";
	struct servent *se = getservbyname(service, proto);
	char *end;
	long port;
	struct addrinfo *ai;

	if (se) {
		port = ntohs((uint16_t)se->s_port);
	} else {
		port = strtol(service, &end, 10);
		if (!*service || *end || port < 0)
			return NULL;
	}
	ai = fake_entry(hints && hints->ai_family == AF_INET6 ? AF_INET6 : AF_INET,
			hints && hints->ai_family == AF_INET6 ? "::" : "0.0.0.0", "", NULL);
	if (ai && ai->ai_family == AF_INET6)
		((struct sockaddr_in6 *)ai->ai_addr)->sin6_port = htons((uint16_t)port);
	else if (ai)
		((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port);
	return ai;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	int family = hints ? hints->ai_family : AF_UNSPEC;
	struct addrinfo *list = NULL;

	*res = NULL;
	if (!node) {
		*res = service ? service_entry(service, hints) : NULL;
		return *res ? 0 : EAI_SERVICE;
	}
	if (!strcmp(node, "localhost")) {
		if (family != AF_INET)
			list = fake_entry(AF_INET6, "::1", node, list);
		if (family != AF_INET6)
			list = fake_entry(AF_INET, "127.0.0.1", node, list);
	} else if (!strcmp(node, "two.test")) {
		if (family != AF_INET)
			list = fake_entry(AF_INET6, "2001:db8::2", node,
					  fake_entry(AF_INET6, "2001:db8::1", node, list));
		if (family != AF_INET6)
			list = fake_entry(AF_INET, "198.18.0.2", node,
					  fake_entry(AF_INET, "198.18.0.1", node, list));
	} else {
		/* Numeric addresses as libc reads them (AI_NUMERICHOST). */
		struct in6_addr a6;
		struct in_addr a4;

		if (family != AF_INET && inet_pton(AF_INET6, node, &a6) == 1)
			list = fake_entry(AF_INET6, node, node, list);
		else if (family != AF_INET6 && inet_pton(AF_INET, node, &a4) == 1)
			list = fake_entry(AF_INET, node, node, list);
	}
	*res = list;
	return list ? 0 : EAI_NONAME;
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;

		free(res); /* the addrinfo is the first member of its fake_ai */
		res = next;
	}
}

int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		char *serv, socklen_t servlen, int flags)
{
	return EAI_NONAME;
}

bool fuzz_too_many_commas(const uint8_t *data, size_t size)
{
	unsigned int commas = 0;

	for (size_t i = 0; i < size; i++) {
		if (data[i] == ',') {
			if (++commas > FUZZ_MAX_COMMAS)
				return true;
		} else if (data[i] <= ' ') {
			commas = 0;
		}
	}
	return false;
}

void fuzz_fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "\n*** fuzz invariant broken: %s\n--- first:\n%s\n--- then:\n%s\n---\n",
		what, a ? a : "(none)", b ? b : "(none)");
	abort();
}

static char *state_text(const struct bf_ruleset *rs)
{
	struct bf_strbuf out = {0};
	char *s;

	bf_save_print_state(&out, rs);
	s = strdup(bf_strbuf_str(&out));
	bf_strbuf_free(&out);
	if (!s)
		abort();
	return s;
}

int fuzz_command(struct bf_ruleset *rs, int argc, char **argv, struct bf_strbuf *out)
{
	struct bf_command cmd = {0};
	bool changed = false;
	char *before, *after;
	int err;

	err = bf_command_parse_family(argc, argv, rs->family, &cmd);
	if (err)
		return err;
	before = state_text(rs);
	err = bf_command_exec(&cmd, rs, out, &changed);
	bf_command_free(&cmd);
	if (err) {
		after = state_text(rs);
		if (strcmp(before, after))
			fuzz_fail("a command that failed changed the ruleset", before, after);
		free(after);
	}
	free(before);
	return err;
}

void fuzz_views(struct bf_ruleset *rs)
{
	static const char *const views[][8] = {
		{"-L", "-v", "-x", "--line-numbers"},
		{"-L", "-n"},
		{"-L", "-n", "-v"},
		{"-S", "-v"},
		{"-t", "raw", "-L", "-n", "-v", "-x"},
		{"-t", "raw", "-S"},
	};
	struct bf_strbuf out = {0};

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		char *argv[10] = {rs->family == BF_FAMILY_IPV6 ? "ip6tables" : "iptables"};
		int argc = 1;

		for (int j = 0; views[i][j]; j++)
			argv[argc++] = (char *)views[i][j];
		fuzz_command(rs, argc, argv, &out);
		bf_strbuf_reset(&out);
	}
	bf_strbuf_free(&out);
}

static void roundtrip_state(const struct bf_ruleset *rs)
{
	struct bf_ruleset *back = bf_ruleset_new(rs->family);
	char *first = state_text(rs), *second;

	if (!back)
		abort();
	/* The state file is read with bf_restore_state, which takes the
	 * quoting bf_save_print_state writes. */
	if (bf_restore_state(first, back))
		fuzz_fail("bpfilter's state text does not read back", first, NULL);
	second = state_text(back);
	if (strcmp(first, second))
		fuzz_fail("bpfilter's state text reads back as another ruleset", first, second);
	free(first);
	free(second);
	bf_ruleset_free(back);
}

static void roundtrip_save(const struct bf_ruleset *rs)
{
	struct bf_ruleset *back = bf_ruleset_new(rs->family);
	struct bf_strbuf first = {0}, second = {0};
	char *state = state_text(rs);

	if (!back)
		abort();
	bf_save_print(&first, rs, true);
	/* iptables-save's text need not read back, in iptables neither
	 * (e.g. it prints "--hashlimit-upto 1b/s" as "0b/s", which it then
	 * refuses); when it does, it prints the same again. Names are
	 * printed as they are (interfaces, chains, some extension strings),
	 * so with a blank, a quote or a backslash in one the text reads
	 * back as another ruleset, in iptables too: checked only when the
	 * state text quotes nothing and the save text has no quote or
	 * backslash. */
	if (!strpbrk(state, "\"'") && !strpbrk(bf_strbuf_str(&first), "\"'\\") &&
	    !bf_restore_parse(bf_strbuf_str(&first), back, false, true)) {
		bf_save_print(&second, back, true);
		if (strcmp(bf_strbuf_str(&first), bf_strbuf_str(&second)))
			fuzz_fail("iptables-save text reads back as another ruleset",
				  bf_strbuf_str(&first), bf_strbuf_str(&second));
	}
	free(state);
	bf_strbuf_free(&first);
	bf_strbuf_free(&second);
	bf_ruleset_free(back);
}

void fuzz_check_roundtrip(const struct bf_ruleset *rs)
{
	static int skip_state = -1;

	if (skip_state < 0)
		skip_state = getenv("FUZZ_SKIP_STATE") && *getenv("FUZZ_SKIP_STATE") == '1';
	if (!skip_state)
		roundtrip_state(rs);
	roundtrip_save(rs);
}
