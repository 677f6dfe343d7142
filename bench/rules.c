/* The benchmark's rulesets: n rules of mixed shape, the last one matching
 * the "match" frame. Rule i takes its shape from i % 5 and its values from
 * i, so that no two rules of a shape are equal and none but the last
 * matches a benchmark frame (source 198.18.0.1 / 2001:db8::1, UDP to port
 * 9 or 10; the rules' own addresses are in 10/8 and 2001:db8:1000::/36,
 * their ports >= 1024). */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "common/strbuf.h"

const unsigned bench_sizes[BENCH_N_SIZES] = {1, 100, 1000, 10000, 100000};

static const char *const protos4[] = {"tcp", "sctp", "icmp", "gre"};
static const char *const protos6[] = {"tcp", "sctp", "ipv6-icmp", "gre"};

static void rule4(struct bf_strbuf *sb, unsigned i)
{
	unsigned a = (i >> 16) & 255, b = (i >> 8) & 255, c = i & 255;
	unsigned port = 1024 + i % 60000;

	switch (i % 5) {
	case 0:
		bf_strbuf_printf(sb, "-A PREROUTING -s 10.%u.%u.%u/32 -j DROP\n", a, b, c);
		break;
	case 1:
		bf_strbuf_printf(sb, "-A PREROUTING -p udp -m udp --dport %u -j DROP\n", port);
		break;
	case 2:
		bf_strbuf_printf(sb, "-A PREROUTING -p %s -j DROP\n", protos4[(i / 5) % 4]);
		break;
	case 3:
		bf_strbuf_printf(sb,
				 "-A PREROUTING -s 10.%u.%u.0/24 -p tcp -m tcp --dport %u -j DROP\n",
				 b, c, port);
		break;
	default:
		bf_strbuf_printf(sb,
				 "-A PREROUTING -s 10.%u.0.0/16 -d 10.%u.%u.0/24 -p udp -m udp "
				 "--sport %u --dport %u -j ACCEPT\n",
				 c, b, c, port, port);
		break;
	}
}

static void rule6(struct bf_strbuf *sb, unsigned i)
{
	unsigned hi = (i >> 16) & 0xffff, lo = i & 0xffff;
	unsigned port = 1024 + i % 60000;

	switch (i % 5) {
	case 0:
		bf_strbuf_printf(sb, "-A PREROUTING -s 2001:db8:1000::%x:%x/128 -j DROP\n", hi,
				 lo);
		break;
	case 1:
		bf_strbuf_printf(sb, "-A PREROUTING -p udp -m udp --dport %u -j DROP\n", port);
		break;
	case 2:
		bf_strbuf_printf(sb, "-A PREROUTING -p %s -j DROP\n", protos6[(i / 5) % 4]);
		break;
	case 3:
		bf_strbuf_printf(sb,
				 "-A PREROUTING -s 2001:db8:1001:%x:%x::/80 -p tcp -m tcp --dport %u "
				 "-j DROP\n",
				 hi, lo, port);
		break;
	default:
		bf_strbuf_printf(sb,
				 "-A PREROUTING -s 2001:db8:1002:%x::/64 -d 2001:db8:1003:%x::/64 "
				 "-p udp -m udp --sport %u --dport %u -j ACCEPT\n",
				 lo, lo, port, port);
		break;
	}
}

const char *bench_rules_last(bool v6)
{
	return v6 ? "-s 2001:db8::1/128 -d 2001:db8::2/128 -p udp -m udp --dport 9 -j DROP"
		  : "-s 198.18.0.1/32 -d 198.18.0.2/32 -p udp -m udp --dport 9 -j DROP";
}

char *bench_rules_text(unsigned n, bool v6)
{
	struct bf_strbuf sb = {0};

	bf_strbuf_printf(&sb, "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
	for (unsigned i = 0; i + 1 < n; i++)
		(v6 ? rule6 : rule4)(&sb, i);
	bf_strbuf_printf(&sb, "-A PREROUTING %s\nCOMMIT\n", bench_rules_last(v6));
	if (sb.err) {
		bf_strbuf_free(&sb);
		return NULL;
	}
	return sb.s;
}
