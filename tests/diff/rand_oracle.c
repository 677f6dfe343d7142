/* The oracle's namespaces, its ruleset and its counters, on the shared
 * plumbing of tests/lib/oracle_net (namespaces removed at exit and on
 * fatal signals, commands in namespace B through setns() around popen()).
 * What is the harness's own: the sysctls, the save-format counters and
 * the marker. */
#define _GNU_SOURCE
#include "rand_oracle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/oracle_net.h"
#include "rand_pkts.h"

static char ns_a[32], ns_b[32];
static struct oracle_sock sock = {.fd = -1};
static uint64_t markers; /* counted since the last restore */

int ro_setup(bool ipv6, char *why, size_t len)
{
	const char *b = ns_b;

	if (geteuid()) {
		snprintf(why, len, "the oracle needs root");
		return 77;
	}
	if (!oracle_have("iptables-legacy-restore") || !oracle_have("iptables-legacy-save") ||
	    !oracle_have("ip")) {
		snprintf(why, len, "needs iptables-legacy-restore, iptables-legacy-save and ip (the oracle)");
		return 77;
	}
	if (ipv6 && (!oracle_have("ip6tables-legacy-restore") || !oracle_have("ip6tables-legacy-save"))) {
		snprintf(why, len, "needs ip6tables-legacy-restore and ip6tables-legacy-save (the oracle)");
		return 77;
	}
	snprintf(ns_a, sizeof(ns_a), "bf-rdiff-a%d", getpid());
	snprintf(ns_b, sizeof(ns_b), "bf-rdiff-b%d", getpid());
	if (oracle_netns_add(ns_a) || oracle_netns_add(b) ||
	    oracle_veth_add(ns_a, "rda0", "02:00:00:00:00:01", b, RR_IFNAME, "02:00:00:00:00:02") ||
	    oracle_sh_in(ns_a, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1") ||
	    oracle_sh_in(b, "sysctl -qw net.ipv6.conf.all.disable_ipv6=%d "
		     "net.ipv6.conf.default.disable_ipv6=%d net.ipv6.conf.all.accept_dad=0 "
		     "net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.router_solicitations=0 "
		     "net.ipv6.ip6frag_low_thresh=0 net.ipv6.ip6frag_high_thresh=0", !ipv6, !ipv6) ||
	    oracle_sh_in(b, "sh -c 'for k in all default %s; do "
		     "sysctl -qw net.ipv4.conf.$k.rp_filter=0 net.ipv4.conf.$k.accept_local=1; done'",
		     RR_IFNAME) ||
	    /* No reassembly queue: a lone fragment is dropped at once (INPUT
	     * never sees one either way), so no fragment of an earlier run
	     * completes a datagram of a later one, nor times out into an
	     * ICMP error. */
	    oracle_sh_in(b, "sysctl -qw net.ipv4.ipfrag_low_thresh=0 net.ipv4.ipfrag_high_thresh=0") ||
	    oracle_sh("ip -n %s link set lo up", b) ||
	    oracle_sh("ip -n %s route add local 0.0.0.0/0 dev lo table local", b) ||
	    (ipv6 && oracle_sh("ip -n %s -6 route add local ::/0 dev lo table local", b)) ||
	    oracle_sh("ip -n %s link set rda0 up", ns_a) ||
	    oracle_sh("ip -n %s link set %s up", b, RR_IFNAME))
		return -1;
	/* Frames one by one as sent: no GRO merging them. */
	oracle_sh_in(ns_a, "ethtool -K rda0 gro off >/dev/null 2>&1");
	oracle_sh_in(b, "ethtool -K %s gro off >/dev/null 2>&1", RR_IFNAME);
	if (oracle_sh_in(b, "iptables-legacy -t raw -L PREROUTING -n >/dev/null 2>&1")) {
		snprintf(why, len, "iptables-legacy has no raw table here (iptable_raw)");
		return 77;
	}
	if (ipv6 && oracle_sh_in(b, "ip6tables-legacy -t raw -L PREROUTING -n >/dev/null 2>&1")) {
		snprintf(why, len, "ip6tables-legacy has no raw table here (ip6table_raw)");
		return 77;
	}
	/* One CPU: frames and markers stay in order through the backlog. */
	oracle_pin_cpu();
	return oracle_sock_open(&sock, ns_a, "rda0");
}

static const char *ipt(int family)
{
	return family == 6 ? "ip6tables-legacy" : "iptables-legacy";
}

int ro_restore(int family, const char *text, struct bf_strbuf *err)
{
	char line[512];
	FILE *f;
	int rc;
	char tmp[] = "/tmp/bf-rdiff-XXXXXX";
	int fd = mkstemp(tmp);
	char cmd[320];

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	/* The kernel keeps a hashlimit or recent table while the rules
	 * replacing the old ones name it (a recent list: rules of either
	 * family): empty both families' tables first, so that each run
	 * starts from none, as bpfilter's side does. */
	snprintf(cmd, sizeof(cmd),
		 "E='*raw\\nCOMMIT\\n*filter\\nCOMMIT\\n'; "
		 "printf \"$E\" | iptables-legacy-restore -w 20; "
		 "printf \"$E\" | ip6tables-legacy-restore -w 20; "
		 "%s-restore -w 20 < %s 2>&1", ipt(family), tmp);
	if (!strstr(text, "-m hashlimit") && !strstr(text, "-m recent"))
		snprintf(cmd, sizeof(cmd), "%s-restore -w 20 < %s 2>&1", ipt(family), tmp);
	f = oracle_popen_in(ns_b, cmd, "r");
	if (!f) {
		unlink(tmp);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (err)
			bf_strbuf_puts(err, line);
	rc = pclose(f);
	unlink(tmp);
	markers = 0;
	return rc == 0 ? 0 : -1;
}

int ro_send(const uint8_t *frame, size_t len)
{
	return oracle_send(&sock, frame, len);
}

/* iptables-legacy-save -c: ":CHAIN POLICY [p:b]" and "[p:b] -A CHAIN ..." */
static int read_counts(int family, struct rc_set *out, uint64_t *marker)
{
	char cmd[128];
	char line[1024], chain[64];
	enum rr_table t = RR_FILTER;
	int idx[RC_MAX] = {0};
	char names[RC_MAX][64];
	size_t n_names = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s-save -c -t raw; %s-save -c -t filter", ipt(family), ipt(family));
	f = oracle_popen_in(ns_b, cmd, "r");
	if (!f)
		return -1;
	memset(out, 0, sizeof(*out));
	*marker = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long p, b;
		char pol[16];

		if (!strncmp(line, "*raw", 4)) {
			t = RR_RAW;
			n_names = 0;
		} else if (!strncmp(line, "*filter", 7)) {
			t = RR_FILTER;
			n_names = 0;
		} else if (sscanf(line, ":%63s %15s [%llu:%llu]", chain, pol, &p, &b) == 4) {
			if (strcmp(pol, "-"))
				rc_add(out, t, chain, -1, p, b);
		} else if (sscanf(line, "[%llu:%llu] -A %63s", &p, &b, chain) == 3) {
			size_t k;
			bool builtin_marker;

			for (k = 0; k < n_names && strcmp(names[k], chain); k++)
				;
			if (k == n_names && n_names < RC_MAX) {
				snprintf(names[n_names], sizeof(names[0]), "%s", chain);
				idx[n_names++] = 0;
			}
			builtin_marker = (t == RR_RAW && !strcmp(chain, "PREROUTING")) ||
					 (t == RR_FILTER && !strcmp(chain, "INPUT"));
			if (builtin_marker && idx[k] == 0) {
				if (t == RR_FILTER)
					*marker = p;
				idx[k]++;
				continue;
			}
			rc_add(out, t, chain, idx[k] - (builtin_marker ? 1 : 0), p, b);
			idx[k]++;
		}
	}
	return pclose(f) == 0 ? 0 : -1;
}

int ro_sync(int family, struct rc_set *out)
{
	struct rp_pkt m = {.family = (uint8_t)family, .ethertype = family == 6 ? 0x86dd : 0x0800,
			   .smac_last = 1, .saddr = family == 6 ? 1 : 0xc6120001,
			   .daddr = family == 6 ? 2 : 0xc6120002, .proto = RO_MARKER, .ttl = 64,
			   .hi6_s = family == 6 ? 5 : 0}; /* RR_MARKER6 */
	uint8_t buf[RP_MAX_FRAME];
	size_t len = rp_build(&m, buf);
	uint64_t seen;

	if (ro_send(buf, len))
		return -1;
	markers++;
	for (int i = 0; i < 400; i++) {
		if (read_counts(family, out, &seen))
			return -1;
		if (seen >= markers)
			return 0;
		usleep(i < 10 ? 1000 : 5000);
	}
	errno = ETIMEDOUT;
	return -1;
}
