/* Names of the extensions iptables 1.8.9 and ip6tables 1.8.9 load (each
 * list checked with `-m NAME` and `-j NAME` against iptables-legacy and
 * ip6tables-legacy). bpfilter serves a subset; for the rest it must say
 * "not supported" rather than "no such extension", and a chain name must
 * not clash with a target name as in iptables. */
#include <stdbool.h>
#include <string.h>

#include "front/internal.h"

/* Both families (libxt_*). */
static const char *const matches_both[] = {
	"addrtype", "ah", "bpf", "cgroup", "cluster", "comment", "connbytes",
	"connlabel", "connlimit", "connmark", "conntrack", "cpu", "dccp",
	"devgroup", "dscp", "ecn", "esp", "hashlimit", "helper", "ipcomp",
	"iprange", "ipvs", "length", "limit", "mac", "mark", "multiport",
	"nfacct", "owner", "physdev", "pkttype", "policy", "quota", "rateest",
	"recent", "rpfilter", "sctp", "set", "socket", "state", "statistic",
	"string", "tcp", "tcpmss", "time", "tos", "u32", "udp", NULL,
};
static const char *const matches_ipv4[] = {"icmp", "osf", "realm", "ttl", NULL};
static const char *const matches_ipv6[] = {
	"dst", "eui64", "frag", "hbh", "hl", "icmp6", "ipv6header", "mh", "rt",
	"srh", NULL,
};

/* The standard target's names come first: a chain may not take them. */
static const char *const targets_both[] = {
	"ACCEPT", "DROP", "QUEUE", "RETURN", "standard",
	"AUDIT", "CHECKSUM", "CLASSIFY", "CONNMARK", "CONNSECMARK", "CT",
	"DNAT", "DSCP", "HMARK", "IDLETIMER", "LED", "LOG", "MARK",
	"MASQUERADE", "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK", "RATEEST",
	"REDIRECT", "REJECT", "SECMARK", "SET", "SNAT", "SYNPROXY", "TCPMSS",
	"TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", NULL,
};
static const char *const targets_ipv4[] = {"CLUSTERIP", "ECN", "TTL", "ULOG", NULL};
static const char *const targets_ipv6[] = {"DNPT", "HL", "SNPT", NULL};

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

bool bf_front_iptables_has_match(const char *name, enum bf_family family)
{
	return in_list(matches_both, name) ||
	       in_list(family == BF_FAMILY_IPV6 ? matches_ipv6 : matches_ipv4, name);
}

bool bf_front_iptables_has_target(const char *name, enum bf_family family)
{
	return in_list(targets_both, name) ||
	       in_list(family == BF_FAMILY_IPV6 ? targets_ipv6 : targets_ipv4, name);
}

/* As xtables_find_match does for either family ("iptables -m icmpv6"
 * says it cannot load `icmp6'). */
const char *bf_front_match_alias(const char *name)
{
	if (!strcmp(name, "icmpv6") || !strcmp(name, "ipv6-icmp"))
		return "icmp6";
	return name;
}
