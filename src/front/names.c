/* Names of the extensions iptables 1.8.9 has for IPv4 (its libxt_* and
 * libipt_* plugins). bpfilter serves a subset; for the rest it must say
 * "not supported" rather than "no such extension", and a chain name must
 * not clash with a target name as in iptables. */
#include <stdbool.h>
#include <string.h>

#include "front/internal.h"

static const char *const iptables_matches[] = {
	"addrtype", "ah", "bpf", "cgroup", "cluster", "comment", "connbytes",
	"connlabel", "connlimit", "connmark", "conntrack", "cpu", "dccp",
	"devgroup", "dscp", "ecn", "esp", "hashlimit", "helper", "icmp",
	"ipcomp", "iprange", "ipvs", "length", "limit", "mac", "mark",
	"multiport", "nfacct", "osf", "owner", "physdev", "pkttype", "policy",
	"quota", "rateest", "realm", "recent", "rpfilter", "sctp", "set",
	"socket", "state", "statistic", "string", "tcp", "tcpmss", "time",
	"tos", "ttl", "u32", "udp", NULL,
};

/* The four verdicts of the standard target come first. */
static const char *const iptables_targets[] = {
	"ACCEPT", "DROP", "QUEUE", "RETURN",
	"AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK",
	"CONNSECMARK", "CT", "DNAT", "DSCP", "ECN", "HMARK", "IDLETIMER",
	"LED", "LOG", "MARK", "MASQUERADE", "NETMAP", "NFLOG", "NFQUEUE",
	"NOTRACK", "RATEEST", "REDIRECT", "REJECT", "SECMARK", "SET", "SNAT",
	"SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE",
	"TTL", "ULOG", NULL,
};

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

bool bf_front_iptables_has_match(const char *name)
{
	return in_list(iptables_matches, name);
}

bool bf_front_iptables_has_target(const char *name)
{
	return in_list(iptables_targets, name);
}
