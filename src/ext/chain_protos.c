#include "ext/chain_protos.h"

#include <netinet/in.h>

const struct bf_chain_proto bf_chain_protos[] = {
	{"tcp", IPPROTO_TCP},
	{"sctp", IPPROTO_SCTP},
	{"udp", IPPROTO_UDP},
	{"udplite", IPPROTO_UDPLITE},
	{"icmp", IPPROTO_ICMP},
	{"ipv6-icmp", IPPROTO_ICMPV6},
	{"icmpv6", IPPROTO_ICMPV6},
	{"esp", IPPROTO_ESP},
	{"ah", IPPROTO_AH},
	{"mobility-header", IPPROTO_MH},
	{"ipv6-mh", IPPROTO_MH},
	{"mh", IPPROTO_MH},
	{"all", 0},
};

const size_t bf_chain_protos_len = sizeof(bf_chain_protos) / sizeof(bf_chain_protos[0]);
