/* The stateless extensions (icmp, icmp6, multiport, iprange, length, ttl,
 * hl, mac, addrtype, pkttype, dscp, tos, statistic, comment): parse ->
 * iptables-save text, parse -> -L text (names and -n), and refusals with
 * iptables' message and exit code, for both families.
 *
 * The ops are driven directly here (ext_run below: -p, then each -m with
 * its options, final_check, and the kernel's check of a match's required
 * protocol), so that IPv4 and IPv6 are tested alike whatever the command
 * parser supports. A few IPv4 rows go through the whole parser too.
 *
 * Every expected string in `cases` was obtained by running the same rule
 * (-A INPUT, then -S INPUT, -L INPUT and -L INPUT -n) with
 * iptables-legacy / ip6tables-legacy 1.8.9 in a scratch network
 * namespace, and taking what the match adds to the text of the rule
 * without it. Messages are without iptables' "iptables v1.8.9 (legacy): "
 * (or "iptables: ") prefix and "Try" line; a message that iptables ends
 * with a newline (its blank line before "Try") keeps it. */
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateless_icmp.h"
#include "lib/front_util.h"

struct ext_case {
	int family; /* 4 or 6 */
	const char *ip;    /* "", "-p NAME" or "! -p NAME" */
	const char *match; /* "-m NAME [!] --option ARG ..." */
	int rc;            /* iptables' exit code */
	const char *save;  /* rc 0: what -S adds; else the message */
	const char *print; /* what -L adds */
	const char *print_n; /* what -L -n adds */
};

static const struct ext_case cases[] = {
// icmp: names, numbers, codes, ranges and their printing
	{4, "-p icmp", "-m icmp --icmp-type echo-request", 0, " -m icmp --icmp-type 8", " icmp echo-request", " icmptype 8"},
	{4, "-p icmp", "-m icmp --icmp-type any", 0, " -m icmp --icmp-type any", " icmp any", " icmptype 255"},
	{4, "-p icmp", "-m icmp ! --icmp-type any", 0, " -m icmp ! --icmp-type any", " icmp !any", " icmp !type 255"},
	{4, "-p icmp", "-m icmp --icmp-type 255/255", 0, " -m icmp --icmp-type any", " icmptype 255 code 255", " icmptype 255 code 255"},
	{4, "-p icmp", "-m icmp --icmp-type 255/0:255", 0, " -m icmp --icmp-type any", " icmp any", " icmptype 255"},
	{4, "-p icmp", "-m icmp --icmp-type 3/4", 0, " -m icmp --icmp-type 3/4", " icmp fragmentation-needed", " icmptype 3 code 4"},
	{4, "-p icmp", "-m icmp ! --icmp-type 9/9", 0, " -m icmp ! --icmp-type 9/9", " icmp !type 9 code 9", " icmp !type 9 code 9"},
	{4, "-p icmp", "-m icmp --icmp-type port-unr", 0, " -m icmp --icmp-type 3/3", " icmp port-unreachable", " icmptype 3 code 3"},
	{4, "-p icmp", "-m icmp --icmp-type ECHO-REQUEST", 0, " -m icmp --icmp-type 8", " icmp echo-request", " icmptype 8"},
	{4, "-p icmp", "-m icmp ! --icmp-type 3", 0, " -m icmp ! --icmp-type 3", " icmp !destination-unreachable", " icmp !type 3"},
	{4, "-p icmp", "-m icmp --icmp-type 0x3", 0, " -m icmp --icmp-type 3", " icmp destination-unreachable", " icmptype 3"},
	{4, "-p icmp", "-m icmp --icmp-type pong", 0, " -m icmp --icmp-type 0", " icmp echo-reply", " icmptype 0"},
	{4, "-p icmp", "-m icmp --icmp-type 3/1:5", 0, " -m icmp --icmp-type 3/1", " icmptype 3 codes 1-5", " icmptype 3 codes 1-5"},
	{4, "-p icmp", "-m icmp --icmp-type 3/5:1", 0, " -m icmp --icmp-type 3/5", " icmptype 3 codes 5-1", " icmptype 3 codes 5-1"},
	{4, "-p icmp", "-m icmp ! --icmp-type 3/0:254", 0, " -m icmp ! --icmp-type 3/0", " icmp !type 3 codes 0-254", " icmp !type 3 codes 0-254"},
	{4, "-p icmp", "-m icmp --icmp-type 3/0:255", 0, " -m icmp --icmp-type 3", " icmp destination-unreachable", " icmptype 3"},
	{4, "-p icmp", "-m icmp --icmp-type 010", 0, " -m icmp --icmp-type 8", " icmp echo-request", " icmptype 8"},
	{4, "-p icmp", "-m icmp --icmp-type 100", 0, " -m icmp --icmp-type 100", " icmptype 100", " icmptype 100"},
	{4, "-p icmp", "-m icmp --icmp-type TOS-host-redirect", 0, " -m icmp --icmp-type 5/3", " icmp TOS-host-redirect", " icmptype 5 code 3"},
	{4, "-p icmp", "-m icmp --icmp-type 3/300", 2, "Unknown ICMP code `3/300'", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type 300", 2, "Unknown ICMP type `300'", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type echo", 2, "Ambiguous ICMP type `echo': `echo-reply' or `echo-request'?", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type \"\"", 2, "Ambiguous ICMP type `': `any' or `echo-reply'?", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type p", 2, "Ambiguous ICMP type `p': `pong' or `protocol-unreachable'?", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type 3/", 2, "Unknown ICMP code `3/'", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type /3", 2, "Unknown ICMP type `/3'", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type 3/1:", 2, "Unknown ICMP code `3/1:'", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type 3:4", 2, "ICMP type range not supported", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type 3x", 2, "unknown character x", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type 3/3/3", 2, "unknown character /", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type any/3", 2, "Unknown ICMP type `any/3'", NULL, NULL},
	{4, "-p icmp", "-m icmp --icmp-type ping --icmp-type pong", 2, "icmp: option \"--icmp-type\" can only be used once.\n", NULL, NULL},
	{4, "-p icmp", "-m icmp", 2, "icmp: option \"--icmp-type\" must be specified\n", NULL, NULL},
	{4, "", "-m icmp --icmp-type 3", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
	{4, "-p tcp", "-m icmp --icmp-type 3", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
	{4, "! -p icmp", "-m icmp --icmp-type 3", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
// icmp6
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 1/0", 0, " -m icmp6 --icmpv6-type 1/0", " ipv6-icmp no-route", " ipv6-icmptype 1 code 0"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 2", 0, " -m icmp6 --icmpv6-type 2", " ipv6-icmp packet-too-big", " ipv6-icmptype 2"},
	{6, "-p ipv6-icmp", "-m icmp6 ! --icmpv6-type no-route", 0, " -m icmp6 ! --icmpv6-type 1/0", " ipv6-icmp !no-route", " ipv6-icmp !type 1 code 0"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type echo-request", 0, " -m icmp6 --icmpv6-type 128", " ipv6-icmp echo-request", " ipv6-icmptype 128"},
	{6, "-p ipv6-icmp", "-m icmp6 ! --icmpv6-type 128", 0, " -m icmp6 ! --icmpv6-type 128", " ipv6-icmp !echo-request", " ipv6-icmp !type 128"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type neighbor-solicitation", 0, " -m icmp6 --icmpv6-type 135", " ipv6-icmp neighbour-solicitation", " ipv6-icmptype 135"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 130", 0, " -m icmp6 --icmpv6-type 130", " ipv6-icmptype 130", " ipv6-icmptype 130"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 255", 0, " -m icmp6 --icmpv6-type 255", " ipv6-icmptype 255", " ipv6-icmptype 255"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 255/255", 0, " -m icmp6 --icmpv6-type 255/255", " ipv6-icmptype 255 code 255", " ipv6-icmptype 255 code 255"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 1/1:3", 0, " -m icmp6 --icmpv6-type 1/1", " ipv6-icmptype 1 codes 1-3", " ipv6-icmptype 1 codes 1-3"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 1/0:255", 0, " -m icmp6 --icmpv6-type 1", " ipv6-icmp destination-unreachable", " ipv6-icmptype 1"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 4/2", 0, " -m icmp6 --icmpv6-type 4/2", " ipv6-icmp unknown-option", " ipv6-icmptype 4 code 2"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 3/1", 0, " -m icmp6 --icmpv6-type 3/1", " ipv6-icmp ttl-zero-during-reassembly", " ipv6-icmptype 3 code 1"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type mld-listener-query", 2, "Unknown ICMPv6 type `mld-listener-query'", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type any", 2, "Unknown ICMPv6 type `any'", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 1:3", 2, "ICMPv6 type range not supported", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 1x", 2, "unknown character x", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type 1/300", 2, "Unknown ICMPv6 code `1/300'", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type e", 2, "Ambiguous ICMPv6 type `e': `echo-request' or `echo-reply'?", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type \"\"", 2, "Ambiguous ICMPv6 type `': `destination-unreachable' or `no-route'?", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type no-route --icmpv6-type packet-too-big", 2, "icmp6: option \"--icmpv6-type\" can only be used once.\n", NULL, NULL},
	{6, "-p ipv6-icmp", "-m icmp6", 2, "icmp6: option \"--icmpv6-type\" must be specified\n", NULL, NULL},
	{6, "", "-m icmp6 --icmpv6-type 1", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
	{6, "-p tcp", "-m icmp6 --icmpv6-type 1", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
// multiport
	{4, "-p tcp", "-m multiport --sports 53,1024:65535", 0, " -m multiport --sports 53,1024:65535", " multiport sports domain,1024:65535", " multiport sports 53,1024:65535"},
	{4, "-p tcp", "-m multiport ! --dports 22,80,443", 0, " -m multiport ! --dports 22,80,443", " multiport dports  !ssh,http,https", " multiport dports  !22,80,443"},
	{4, "-p udp", "-m multiport ! --ports 53,60:70", 0, " -m multiport ! --ports 53,60:70", " multiport ports  !domain,60:70", " multiport ports  !53,60:70"},
	{4, "-p tcp", "-m multiport --dports ssh:http", 0, " -m multiport --dports 22:80", " multiport dports ssh:http", " multiport dports 22:80"},
	{4, "-p tcp", "-m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15", 0, " -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15", " multiport dports tcpmux,2,3,4,5,6,echo,8,discard,10,systat,12,daytime,14,netstat", " multiport dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"},
	{4, "-p tcp", "-m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15", 0, " -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15", " multiport dports tcpmux:2,3:4,5:6,echo:8,discard:10,systat:12,daytime:14,netstat", " multiport dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15"},
	{4, "-p tcp", "-m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", 2, "too many ports specified", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16", 2, "too many ports specified", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 5:5", 2, "invalid portrange specified", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 5:", 2, "invalid port/service `' specified", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 65536", 2, "invalid port/service `65536' specified", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 1:2:3", 2, "invalid port/service `2:3' specified", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 0x10", 0, " -m multiport --dports 16", " multiport dports 16", " multiport dports 16"},
	{4, "-p sctp", "-m multiport --dports 1", 0, " -m multiport --dports 1", " multiport dports 1", " multiport dports 1"},
	{4, "-p sctp", "-m multiport --dports http", 2, "invalid port/service `http' specified", NULL, NULL},
	{4, "-p dccp", "-m multiport --source-ports 1", 0, " -m multiport --sports 1", " multiport sports 1", " multiport sports 1"},
	{4, "-p udplite", "-m multiport --destination-ports 7", 0, " -m multiport --dports 7", " multiport dports 7", " multiport dports 7"},
	{4, "-p tcp", "-m multiport --sports 1 --dports 2", 2, "multiport: option \"--source-ports\" cannot be used together with \"--destination-ports\".\n", NULL, NULL},
	{4, "-p tcp", "-m multiport --dports 1 --dports 2", 2, "multiport: option \"--destination-ports\" can only be used once.\n", NULL, NULL},
	{4, "-p tcp", "-m multiport --ports 1 --sports 2", 2, "multiport: option \"--source-ports\" cannot be used together with \"--ports\".\n", NULL, NULL},
	{4, "", "-m multiport --dports 1", 2, "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'", NULL, NULL},
	{4, "-p icmp", "-m multiport --dports 1", 2, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP", NULL, NULL},
	{4, "! -p tcp", "-m multiport --dports 1", 2, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP", NULL, NULL},
	{4, "-p tcp", "-m multiport", 2, "multiport expection an option", NULL, NULL},
	{6, "-p tcp", "-m multiport --dports 22,80:90", 0, " -m multiport --dports 22,80:90", " multiport dports ssh,http:90", " multiport dports 22,80:90"},
	{6, "-p udp", "-m multiport ! --sports domain", 0, " -m multiport ! --sports 53", " multiport sports  !domain", " multiport sports  !53"},
	{6, "-p ipv6-icmp", "-m multiport --dports 1", 2, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP", NULL, NULL},
// iprange
	{4, "", "-m iprange --src-range 1.1.1.1-1.1.1.10", 0, " -m iprange --src-range 1.1.1.1-1.1.1.10", " source IP range 1.1.1.1-1.1.1.10", " source IP range 1.1.1.1-1.1.1.10"},
	{4, "", "-m iprange ! --src-range 1.1.1.1-1.1.1.10", 0, " -m iprange ! --src-range 1.1.1.1-1.1.1.10", " source IP range ! 1.1.1.1-1.1.1.10", " source IP range ! 1.1.1.1-1.1.1.10"},
	{4, "", "-m iprange ! --dst-range 1.1.1.1-1.1.1.10 ! --src-range 2.2.2.2-3.3.3.3", 0, " -m iprange ! --src-range 2.2.2.2-3.3.3.3 ! --dst-range 1.1.1.1-1.1.1.10", " source IP range ! 2.2.2.2-3.3.3.3 destination IP range ! 1.1.1.1-1.1.1.10", " source IP range ! 2.2.2.2-3.3.3.3 destination IP range ! 1.1.1.1-1.1.1.10"},
	{4, "", "-m iprange --src-range 1.1.1.1", 0, " -m iprange --src-range 1.1.1.1-1.1.1.1", " source IP range 1.1.1.1-1.1.1.1", " source IP range 1.1.1.1-1.1.1.1"},
	{4, "", "-m iprange --src-range 1.1.1.10-1.1.1.1", 0, " -m iprange --src-range 1.1.1.10-1.1.1.1", " source IP range 1.1.1.10-1.1.1.1", " source IP range 1.1.1.10-1.1.1.1"},
	{4, "", "-m iprange --src-range 1-2", 0, " -m iprange --src-range 1.0.0.0-2.0.0.0", " source IP range 1.0.0.0-2.0.0.0", " source IP range 1.0.0.0-2.0.0.0"},
	{4, "", "-m iprange --src-range 010.0x10.1.1-10.16.1.2", 0, " -m iprange --src-range 8.16.1.1-10.16.1.2", " source IP range 8.16.1.1-10.16.1.2", " source IP range 8.16.1.1-10.16.1.2"},
	{4, "", "-m iprange --src-range 1.1.1.1-", 2, "iprange: Bad value for \"--src-range\" option: \"\"", NULL, NULL},
	{4, "", "-m iprange --src-range 1.1.1.1/24", 2, "iprange: Bad value for \"--src-range\" option: \"1.1.1.1/24\"", NULL, NULL},
	{4, "", "-m iprange --src-range localhost", 2, "iprange: Bad value for \"--src-range\" option: \"localhost\"", NULL, NULL},
	{4, "", "-m iprange --src-range 0x01020304-1.2.3.5", 2, "iprange: Bad value for \"--src-range\" option: \"0x01020304\"", NULL, NULL},
	{4, "", "-m iprange --src-range 1.1.1.1-2.2.2.2-3.3.3.3", 2, "iprange: Bad value for \"--src-range\" option: \"2.2.2.2-3.3.3.3\"", NULL, NULL},
	{4, "", "-m iprange --src-range 1.1.1.1 --src-range 1.1.1.2", 2, "iprange: option \"--src-range\" can only be used once.\n", NULL, NULL},
	{4, "", "-m iprange", 2, "iprange match: You must specify `--src-range' or `--dst-range'", NULL, NULL},
	{6, "", "-m iprange --src-range 2001:db8::1-2001:db8::10", 0, " -m iprange --src-range 2001:db8::1-2001:db8::10", " source IP range 2001:db8::1-2001:db8::10", " source IP range 2001:db8::1-2001:db8::10"},
	{6, "", "-m iprange ! --dst-range 2001:db8::1-2001:db8::10 --src-range ::1-::2", 0, " -m iprange --src-range ::1-::2 ! --dst-range 2001:db8::1-2001:db8::10", " source IP range ::1-::2 destination IP range ! 2001:db8::1-2001:db8::10", " source IP range ::1-::2 destination IP range ! 2001:db8::1-2001:db8::10"},
	{6, "", "-m iprange --src-range 2001:DB8:0:0::1", 0, " -m iprange --src-range 2001:db8::1-2001:db8::1", " source IP range 2001:db8::1-2001:db8::1", " source IP range 2001:db8::1-2001:db8::1"},
	{6, "", "-m iprange --src-range ::ffff:1.1.1.1-::ffff:1.1.1.2", 0, " -m iprange --src-range ::ffff:1.1.1.1-::ffff:1.1.1.2", " source IP range ::ffff:1.1.1.1-::ffff:1.1.1.2", " source IP range ::ffff:1.1.1.1-::ffff:1.1.1.2"},
	{6, "", "-m iprange --src-range 1.1.1.1-1.1.1.2", 2, "iprange: Bad value for \"--src-range\" option: \"1.1.1.1\"", NULL, NULL},
	{6, "", "-m iprange --src-range 2001:db8::/64", 2, "iprange: Bad value for \"--src-range\" option: \"2001:db8::/64\"", NULL, NULL},
	{6, "", "-m iprange --dst-range fe80::1%lo-fe80::2", 2, "iprange: Bad value for \"--dst-range\" option: \"fe80::1%lo\"", NULL, NULL},
	{6, "", "-m iprange", 2, "iprange match: You must specify `--src-range' or `--dst-range'", NULL, NULL},
// length
	{4, "", "-m length --length 1", 0, " -m length --length 1", " length 1", " length 1"},
	{4, "", "-m length --length :2", 0, " -m length --length 0:2", " length 0:2", " length 0:2"},
	{4, "", "-m length --length 4:", 0, " -m length --length 4:65535", " length 4:65535", " length 4:65535"},
	{4, "", "-m length --length :", 0, " -m length --length 0:65535", " length 0:65535", " length 0:65535"},
	{4, "", "-m length ! --length 0:65535", 0, " -m length ! --length 0:65535", " length !0:65535", " length !0:65535"},
	{4, "", "-m length --length 4:4", 0, " -m length --length 4", " length 4", " length 4"},
	{4, "", "-m length --length 4:3", 0, " -m length --length 4:3", " length 4:3", " length 4:3"},
	{4, "", "-m length --length 0x10:020", 0, " -m length --length 16", " length 16", " length 16"},
	{4, "", "-m length --length \"\"", 0, " -m length --length 0", " length 0", " length 0"},
	{4, "", "-m length --length 0:65536", 2, "length: bad value for option \"--length\" near \"65536\", or out of range (0-65535).\n", NULL, NULL},
	{4, "", "-m length --length -1:65535", 2, "length: bad value for option \"--length\" near \"-1:65535\", or out of range (0-65535).\n", NULL, NULL},
	{4, "", "-m length --length 1:2:3", 2, "length: Too many components for option \"--length\" (max: 2)\n", NULL, NULL},
	{4, "", "-m length --length 1x", 2, "length: Argument to \"--length\" has unexpected characters near \"x\".\n", NULL, NULL},
	{4, "", "-m length --length 5:x", 2, "length: bad value for option \"--length\" near \"x\", or out of range (0-65535).\n", NULL, NULL},
	{4, "", "-m length --length 5 --length 6", 2, "length: option \"--length\" can only be used once.\n", NULL, NULL},
	{4, "", "-m length", 2, "length: option \"--length\" must be specified\n", NULL, NULL},
	{6, "", "-m length ! --length 40:1500", 0, " -m length ! --length 40:1500", " length !40:1500", " length !40:1500"},
// ttl, hl
	{4, "", "-m ttl --ttl-eq 0", 0, " -m ttl --ttl-eq 0", " TTL match TTL == 0", " TTL match TTL == 0"},
	{4, "", "-m ttl ! --ttl-eq 255", 0, " -m ttl ! --ttl-eq 255", " TTL match TTL != 255", " TTL match TTL != 255"},
	{4, "", "-m ttl --ttl-lt 5", 0, " -m ttl --ttl-lt 5", " TTL match TTL < 5", " TTL match TTL < 5"},
	{4, "", "-m ttl --ttl-gt 0x10", 0, " -m ttl --ttl-gt 16", " TTL match TTL > 16", " TTL match TTL > 16"},
	{4, "", "-m ttl --ttl 5", 0, " -m ttl --ttl-eq 5", " TTL match TTL == 5", " TTL match TTL == 5"},
	{4, "", "-m ttl ! --ttl 5", 0, " -m ttl ! --ttl-eq 5", " TTL match TTL != 5", " TTL match TTL != 5"},
	{4, "", "-m ttl ! --ttl-lt 5", 2, "ttl: option \"--ttl-lt\" cannot be inverted.\n", NULL, NULL},
	{4, "", "-m ttl --ttl-eq 256", 2, "ttl: bad value for option \"--ttl-eq\", or out of range (0-255).\n", NULL, NULL},
	{4, "", "-m ttl --ttl-eq -1", 2, "ttl: bad value for option \"--ttl-eq\", or out of range (0-255).\n", NULL, NULL},
	{4, "", "-m ttl --ttl-eq 5x", 2, "ttl: bad value for option \"--ttl-eq\", or out of range (0-255).\n", NULL, NULL},
	{4, "", "-m ttl", 2, "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt", NULL, NULL},
	{4, "", "-m ttl --ttl-eq 5 --ttl-gt 3", 2, "ttl: option \"--ttl-gt\" cannot be used together with \"--ttl-eq\".\n", NULL, NULL},
	{4, "", "-m ttl --ttl-lt 5 --ttl-gt 3", 2, "ttl: option \"--ttl-lt\" cannot be used together with \"--ttl-gt\".\n", NULL, NULL},
	{4, "", "-m ttl --ttl 5 --ttl-eq 5", 2, "ttl: option \"--ttl-eq\" can only be used once.\n", NULL, NULL},
	{6, "", "-m hl --hl-eq 42", 0, " -m hl --hl-eq 42", " HL match HL == 42", " HL match HL == 42"},
	{6, "", "-m hl ! --hl-eq 42", 0, " -m hl ! --hl-eq 42", " HL match HL != 42", " HL match HL != 42"},
	{6, "", "-m hl --hl-lt 42", 0, " -m hl --hl-lt 42", " HL match HL < 42", " HL match HL < 42"},
	{6, "", "-m hl --hl-gt 42", 0, " -m hl --hl-gt 42", " HL match HL > 42", " HL match HL > 42"},
	{6, "", "-m hl ! --hl 4", 0, " -m hl ! --hl-eq 4", " HL match HL != 4", " HL match HL != 4"},
	{6, "", "-m hl", 2, "HL match: You must specify one of `--hl-eq', `--hl-lt', `--hl-gt'", NULL, NULL},
	{6, "", "-m hl --hl-eq 42 --hl-gt 42", 2, "hl: option \"--hl-gt\" cannot be used together with \"--hl-eq\".\n", NULL, NULL},
	{6, "", "-m hl --hl-lt 42 --hl-gt 42", 2, "hl: option \"--hl-lt\" cannot be used together with \"--hl-gt\".\n", NULL, NULL},
	{6, "", "-m hl ! --hl-lt 4", 2, "hl: option \"--hl-lt\" cannot be inverted.\n", NULL, NULL},
	{6, "", "-m hl --hl-eq 256", 2, "hl: bad value for option \"--hl-eq\", or out of range (0-255).\n", NULL, NULL},
// mac
	{4, "", "-m mac --mac-source 42:01:02:03:04:05", 0, " -m mac --mac-source 42:01:02:03:04:05", " MAC 42:01:02:03:04:05", " MAC 42:01:02:03:04:05"},
	{4, "", "-m mac ! --mac-source AA:BB:CC:DD:EE:FF", 0, " -m mac ! --mac-source aa:bb:cc:dd:ee:ff", " MAC ! aa:bb:cc:dd:ee:ff", " MAC ! aa:bb:cc:dd:ee:ff"},
	{4, "", "-m mac --mac-source a:b:c:d:e:f", 0, " -m mac --mac-source 0a:0b:0c:0d:0e:0f", " MAC 0a:0b:0c:0d:0e:0f", " MAC 0a:0b:0c:0d:0e:0f"},
	{4, "", "-m mac --mac-source :01:02:03:04:", 0, " -m mac --mac-source 00:01:02:03:04:00", " MAC 00:01:02:03:04:00", " MAC 00:01:02:03:04:00"},
	{4, "", "-m mac --mac-source +4:01:02:03:04:05", 0, " -m mac --mac-source 04:01:02:03:04:05", " MAC 04:01:02:03:04:05", " MAC 04:01:02:03:04:05"},
	{4, "", "-m mac --mac-source 42:01:02:03:04", 2, "Invalid MAC address specified.", NULL, NULL},
	{4, "", "-m mac --mac-source 42:01:02:03:04:05:06", 2, "Invalid MAC address specified.", NULL, NULL},
	{4, "", "-m mac --mac-source 0x4:01:02:03:04:05", 2, "Invalid MAC address specified.", NULL, NULL},
	{4, "", "-m mac --mac-source \" 42:01:02:03:04:05\"", 2, "Invalid MAC address specified.", NULL, NULL},
	{4, "", "-m mac --mac-source 42:01:02:03:04:5g", 2, "Invalid MAC address specified.", NULL, NULL},
	{4, "", "-m mac", 2, "mac: option \"--mac-source\" must be specified\n", NULL, NULL},
	{6, "", "-m mac ! --mac-source 42:01:02:03:04:05", 0, " -m mac ! --mac-source 42:01:02:03:04:05", " MAC ! 42:01:02:03:04:05", " MAC ! 42:01:02:03:04:05"},
// addrtype
	{4, "", "-m addrtype --src-type UNSPEC", 0, " -m addrtype --src-type UNSPEC", " ADDRTYPE match src-type UNSPEC", " ADDRTYPE match src-type UNSPEC"},
	{4, "", "-m addrtype --src-type LOCAL --dst-type LOCAL", 0, " -m addrtype --src-type LOCAL --dst-type LOCAL", " ADDRTYPE match src-type LOCAL dst-type LOCAL", " ADDRTYPE match src-type LOCAL dst-type LOCAL"},
	{4, "", "-m addrtype --src-type local,UNI", 0, " -m addrtype --src-type UNICAST,LOCAL", " ADDRTYPE match src-type UNICAST,LOCAL", " ADDRTYPE match src-type UNICAST,LOCAL"},
	{4, "", "-m addrtype ! --src-type LOCAL ! --dst-type BROADCAST,MULTICAST", 0, " -m addrtype ! --src-type LOCAL ! --dst-type BROADCAST,MULTICAST", " ADDRTYPE match src-type !LOCAL dst-type !BROADCAST,MULTICAST", " ADDRTYPE match src-type !LOCAL dst-type !BROADCAST,MULTICAST"},
	{4, "", "-m addrtype --src-type UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE", 0, " -m addrtype --src-type UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE", " ADDRTYPE match src-type UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE", " ADDRTYPE match src-type UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE"},
	{4, "", "-m addrtype --dst-type LOCAL --limit-iface-in", 0, " -m addrtype --dst-type LOCAL --limit-iface-in", " ADDRTYPE match dst-type LOCAL limit-in", " ADDRTYPE match dst-type LOCAL limit-in"},
	{4, "", "-m addrtype --src-type wrong", 2, "addrtype: bad type \"wrong\"", NULL, NULL},
	{4, "", "-m addrtype --src-type LOCAL,", 2, "addrtype: bad type \"\"", NULL, NULL},
	{4, "", "-m addrtype --src-type FOO,LOCAL", 2, "addrtype: bad type `FOO,LOCAL'", NULL, NULL},
	{4, "", "-m addrtype --src-type LOCALx", 2, "addrtype: bad type \"LOCALx\"", NULL, NULL},
	{4, "", "-m addrtype", 2, "addrtype: you must specify --src-type or --dst-type", NULL, NULL},
	{4, "", "-m addrtype --limit-iface-in --limit-iface-out", 2, "addrtype: you must specify --src-type or --dst-type", NULL, NULL},
	{4, "", "-m addrtype --src-type LOCAL --limit-iface-out --limit-iface-in", 2, "addrtype: option \"--limit-iface-in\" cannot be used together with \"--limit-iface-out\".\n", NULL, NULL},
	{4, "", "-m addrtype ! --limit-iface-in --src-type LOCAL", 2, "addrtype: option \"--limit-iface-in\" cannot be inverted.\n", NULL, NULL},
	{4, "", "-m addrtype --src-type LOCAL --src-type LOCAL", 2, "addrtype: option \"--src-type\" can only be used once.\n", NULL, NULL},
	{6, "", "-m addrtype --dst-type ANYCAST,MULTICAST,UNSPEC,UNICAST", 0, " -m addrtype --dst-type UNSPEC,UNICAST,ANYCAST,MULTICAST", " ADDRTYPE match dst-type UNSPEC,UNICAST,ANYCAST,MULTICAST", " ADDRTYPE match dst-type UNSPEC,UNICAST,ANYCAST,MULTICAST"},
	{6, "", "-m addrtype ! --dst-type LOCAL --limit-iface-in", 0, " -m addrtype ! --dst-type LOCAL --limit-iface-in", " ADDRTYPE match dst-type !LOCAL limit-in", " ADDRTYPE match dst-type !LOCAL limit-in"},
	{6, "", "-m addrtype --src-type BLACKHOLE", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
	{6, "", "-m addrtype --src-type BROADCAST", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
	{6, "", "-m addrtype --dst-type THROW", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL},
	{6, "", "-m addrtype --dst-type UNREACHABLE", 0, " -m addrtype --dst-type UNREACHABLE", " ADDRTYPE match dst-type UNREACHABLE", " ADDRTYPE match dst-type UNREACHABLE"},
// pkttype
	{4, "", "-m pkttype --pkt-type unicast", 0, " -m pkttype --pkt-type unicast", " PKTTYPE = unicast", " PKTTYPE = unicast"},
	{4, "", "-m pkttype ! --pkt-type BROADCAST", 0, " -m pkttype ! --pkt-type broadcast", " PKTTYPE != broadcast", " PKTTYPE != broadcast"},
	{4, "", "-m pkttype --pkt-type otherhost", 0, " -m pkttype --pkt-type otherhost", " PKTTYPE = otherhost", " PKTTYPE = otherhost"},
	{4, "", "-m pkttype --pkt-type host", 0, " -m pkttype --pkt-type unicast", " PKTTYPE = unicast", " PKTTYPE = unicast"},
	{4, "", "-m pkttype --pkt-type mcast", 0, " -m pkttype --pkt-type multicast", " PKTTYPE = multicast", " PKTTYPE = multicast"},
	{4, "", "-m pkttype --pkt-type uni", 2, "Bad packet type 'uni'", NULL, NULL},
	{4, "", "-m pkttype --pkt-type 0", 2, "Bad packet type '0'", NULL, NULL},
	{4, "", "-m pkttype", 2, "pkttype: option \"--pkt-type\" must be specified\n", NULL, NULL},
	{6, "", "-m pkttype ! --pkt-type multicast", 0, " -m pkttype ! --pkt-type multicast", " PKTTYPE != multicast", " PKTTYPE != multicast"},
// dscp
	{4, "", "-m dscp --dscp 0x00", 0, " -m dscp --dscp 0x00", " DSCP match 0x00", " DSCP match 0x00"},
	{4, "", "-m dscp ! --dscp 63", 0, " -m dscp ! --dscp 0x3f", " DSCP match !0x3f", " DSCP match !0x3f"},
	{4, "", "-m dscp --dscp 010", 0, " -m dscp --dscp 0x08", " DSCP match 0x08", " DSCP match 0x08"},
	{4, "", "-m dscp --dscp-class EF", 0, " -m dscp --dscp 0x2e", " DSCP match 0x2e", " DSCP match 0x2e"},
	{4, "", "-m dscp ! --dscp-class af43", 0, " -m dscp ! --dscp 0x26", " DSCP match !0x26", " DSCP match !0x26"},
	{4, "", "-m dscp --dscp-class EFx", 0, " -m dscp --dscp 0x2e", " DSCP match 0x2e", " DSCP match 0x2e"},
	{4, "", "-m dscp --dscp 0x40", 2, "dscp: bad value for option \"--dscp\", or out of range (0-63).\n", NULL, NULL},
	{4, "", "-m dscp --dscp -1", 2, "dscp: bad value for option \"--dscp\", or out of range (0-63).\n", NULL, NULL},
	{4, "", "-m dscp --dscp-class CS8", 2, "Invalid DSCP value `CS8'", NULL, NULL},
	{4, "", "-m dscp --dscp-class AF1", 2, "Invalid DSCP value `AF1'", NULL, NULL},
	{4, "", "-m dscp --dscp 0x3f --dscp-class CS0", 2, "dscp: option \"--dscp\" cannot be used together with \"--dscp-class\".\n", NULL, NULL},
	{4, "", "-m dscp --dscp-class EF --dscp 3", 2, "dscp: option \"--dscp\" cannot be used together with \"--dscp-class\".\n", NULL, NULL},
	{4, "", "-m dscp", 2, "DSCP match: Parameter --dscp is required", NULL, NULL},
	{6, "", "-m dscp --dscp-class CS6", 0, " -m dscp --dscp 0x30", " DSCP match 0x30", " DSCP match 0x30"},
// tos
	{4, "", "-m tos --tos Minimize-Delay", 0, " -m tos --tos 0x10/0x3f", " tos match Minimize-Delay", " tos match0x10/0x3f"},
	{4, "", "-m tos ! --tos minimize-cost", 0, " -m tos ! --tos 0x02/0x3f", " tos match! Minimize-Cost", " tos match!0x02/0x3f"},
	{4, "", "-m tos --tos Normal-Service", 0, " -m tos --tos 0x00/0x3f", " tos match Normal-Service", " tos match0x00/0x3f"},
	{4, "", "-m tos --tos 0xff", 0, " -m tos --tos 0xff/0xff", " tos match0xff/0xff", " tos match0xff/0xff"},
	{4, "", "-m tos --tos 0x0f/0x0f", 0, " -m tos --tos 0x0f/0x0f", " tos match0x0f/0x0f", " tos match0x0f/0x0f"},
	{4, "", "-m tos --tos 16/0x3f", 0, " -m tos --tos 0x10/0x3f", " tos match Minimize-Delay", " tos match0x10/0x3f"},
	{4, "", "-m tos --tos 6/0x3f", 0, " -m tos --tos 0x06/0x3f", " tos match0x06/0x3f", " tos match0x06/0x3f"},
	{4, "", "-m tos --tos 0x100", 2, "Symbolic name \"0x100\" is unknown", NULL, NULL},
	{4, "", "-m tos --tos 0x10/0x100", 2, "Illegal value: \"0x10/0x100\"", NULL, NULL},
	{4, "", "-m tos --tos 0x10/", 2, "Illegal value: \"0x10/\"", NULL, NULL},
	{4, "", "-m tos --tos 0x10x", 2, "Illegal value: \"0x10x\"", NULL, NULL},
	{4, "", "-m tos --tos Normal", 2, "Symbolic name \"Normal\" is unknown", NULL, NULL},
	{4, "", "-m tos", 2, "tos: option \"--tos\" must be specified\n", NULL, NULL},
	{6, "", "-m tos ! --tos 0x10/0xf0", 0, " -m tos ! --tos 0x10/0xf0", " tos match!0x10/0xf0", " tos match!0x10/0xf0"},
	{6, "", "-m tos --tos Maximize-Throughput", 0, " -m tos --tos 0x08/0x3f", " tos match Maximize-Throughput", " tos match0x08/0x3f"},
// statistic
	{4, "", "-m statistic --mode random ! --probability 0.50000000000", 0, " -m statistic --mode random ! --probability 0.50000000000", " statistic mode random ! probability 0.50000000000", " statistic mode random ! probability 0.50000000000"},
	{4, "", "-m statistic --mode random --probability 0.1", 0, " -m statistic --mode random --probability 0.10000000009", " statistic mode random probability 0.10000000009", " statistic mode random probability 0.10000000009"},
	{4, "", "-m statistic --mode random --probability 1", 0, " -m statistic --mode random --probability 1.00000000000", " statistic mode random probability 1.00000000000", " statistic mode random probability 1.00000000000"},
	{4, "", "-m statistic --mode random --probability 0x0.8", 0, " -m statistic --mode random --probability 0.50000000000", " statistic mode random probability 0.50000000000", " statistic mode random probability 0.50000000000"},
	{4, "", "-m statistic --mode random --probability nan", 0, " -m statistic --mode random --probability 0.00000000000", " statistic mode random probability 0.00000000000", " statistic mode random probability 0.00000000000"},
	{4, "", "-m statistic --mode nth ! --every 5 --packet 2", 0, " -m statistic --mode nth ! --every 5 --packet 2", " statistic mode nth ! every 5 packet 2", " statistic mode nth ! every 5 packet 2"},
	{4, "", "-m statistic --mode nth --every 5 --packet 0", 0, " -m statistic --mode nth --every 5 --packet 0", " statistic mode nth every 5", " statistic mode nth every 5"},
	{4, "", "-m statistic --mode nth --every 4294967295 --packet 7", 0, " -m statistic --mode nth --every 4294967295 --packet 7", " statistic mode nth every 4294967295 packet 7", " statistic mode nth every 4294967295 packet 7"},
	{4, "", "-m statistic", 2, "--probability must be specified when using random mode", NULL, NULL},
	{4, "", "-m statistic --mode random --probability 1.1", 2, "statistic: bad value for option \"--probability\", or out of range (0-1).\n", NULL, NULL},
	{4, "", "-m statistic --mode random --probability inf", 2, "statistic: bad value for option \"--probability\", or out of range (0-1).\n", NULL, NULL},
	{4, "", "-m statistic --probability 1", 2, "statistic: option \"--mode\" must be specified\n", NULL, NULL},
	{4, "", "-m statistic --mode nth --every 5", 2, "statistic: option \"--every\" also requires \"--packet\".\n", NULL, NULL},
	{4, "", "-m statistic --mode nth ! --every 5 --packet 5", 2, "the --packet p must be 0 <= p <= n-1", NULL, NULL},
	{4, "", "-m statistic --mode nth --every 0", 2, "statistic: bad value for option \"--every\", or out of range (1-4294967295).\n", NULL, NULL},
	{4, "", "-m statistic --mode nth --packet 4", 2, "the --packet p must be 0 <= p <= n-1", NULL, NULL},
	{4, "", "-m statistic --mode nth --packet 0", 2, "statistic: option \"--packet\" also requires \"--every\".\n", NULL, NULL},
	{4, "", "-m statistic --mode nth", 2, "--every and --packet must be specified when using nth mode", NULL, NULL},
	{4, "", "-m statistic --mode random --probability 0.5 --every 3", 2, "statistic: option \"--probability\" cannot be used together with \"--every\".\n", NULL, NULL},
	{4, "", "-m statistic --mode random --probability 0 --packet 1", 2, "the --packet p must be 0 <= p <= n-1", NULL, NULL},
	{4, "", "-m statistic --mode foo", 2, "Bad mode \"foo\"", NULL, NULL},
	{4, "", "-m statistic ! --mode random --probability 0.5", 2, "statistic: option \"--mode\" cannot be inverted.\n", NULL, NULL},
	{4, "", "-m statistic --mode nth --every 3 ! --packet 1", 2, "statistic: option \"--packet\" cannot be inverted.\n", NULL, NULL},
	{6, "", "-m statistic --mode nth --every 3 --packet 1", 0, " -m statistic --mode nth --every 3 --packet 1", " statistic mode nth every 3 packet 1", " statistic mode nth every 3 packet 1"},
// comment
	{4, "", "-m comment --comment foo", 0, " -m comment --comment foo", " /* foo */", " /* foo */"},
	{4, "", "-m comment --comment \"foo bar\"", 0, " -m comment --comment \"foo bar\"", " /* foo bar */", " /* foo bar */"},
	{4, "", "-m comment --comment 'a\"b\\c'", 0, " -m comment --comment \"a\\\"b\\\\c\"", " /* a\"b\\c */", " /* a\"b\\c */"},
	{4, "", "-m comment --comment \"it's\"", 0, " -m comment --comment \"it\\'s\"", " /* it's */", " /* it's */"},
	{4, "", "-m comment --comment \"\"", 0, " -m comment --comment \"\"", " /*  */", " /*  */"},
	{4, "", "-m comment --comment x -m comment --comment y", 0, " -m comment --comment x -m comment --comment y", " /* x */ /* y */", " /* x */ /* y */"},
	{4, "", "-m comment --comment Aa_-09", 0, " -m comment --comment Aa_-09", " /* Aa_-09 */", " /* Aa_-09 */"},
	{4, "", "-m comment ! --comment foo", 2, "comment: option \"--comment\" cannot be inverted.\n", NULL, NULL},
	{4, "", "-m comment --comment foo --comment bar", 2, "comment: option \"--comment\" can only be used once.\n", NULL, NULL},
	{4, "", "-m comment", 2, "comment: option \"--comment\" must be specified\n", NULL, NULL},
	{6, "", "-m comment --comment \"v6 rule\"", 0, " -m comment --comment \"v6 rule\"", " /* v6 rule */", " /* v6 rule */"},
};

#define MAX_MATCHES 4

struct ext_rule {
	struct bf_ip ip;
	const struct bf_match_ops *ops[MAX_MATCHES];
	void *data[MAX_MATCHES];
	unsigned int flags[MAX_MATCHES];
	size_t n;
};

static void rule_free(struct ext_rule *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->data[i]);
	r->n = 0;
}

static int parse_ip(const char *text, struct bf_ip *ip)
{
	char **argv;
	int argc = front_split(text, &argv);
	bool inv = false;

	for (int i = 1; i < argc; i++) {
		const struct protoent *pe;

		if (!strcmp(argv[i], "!")) {
			inv = true;
			continue;
		}
		assert_string_equal(argv[i], "-p");
		assert_true(++i < argc);
		pe = getprotobyname(argv[i]);
		ip->proto = pe ? (uint16_t)pe->p_proto : (uint16_t)atoi(argv[i]);
		if (inv)
			ip->invflags |= BF_INV_PROTO;
	}
	front_free_words(argc, argv);
	return 0;
}

/* The option of ops that `word` names: exact, else a unique prefix (as
 * getopt_long takes it). */
static const struct option *find_option(const struct bf_match_ops *ops, const char *word)
{
	const struct option *found = NULL;
	size_t len = strlen(word);

	for (const struct option *o = ops->options; o->name; o++)
		if (!strcmp(o->name, word))
			return o;
	for (const struct option *o = ops->options; o->name; o++) {
		if (strncmp(o->name, word, len))
			continue;
		if (found && found->val != o->val)
			return NULL;
		if (!found)
			found = o;
	}
	return found;
}

/* Parses the rule into r as iptables would, up to its commit; 0 or the
 * first error. */
static int ext_run(const struct ext_case *c, struct ext_rule *r)
{
	char **argv;
	int argc, err = 0;
	bool invert = false;

	memset(r, 0, sizeof(*r));
	r->ip.family = c->family == 6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
	parse_ip(c->ip, &r->ip);
	argc = front_split(c->match, &argv);
	for (int i = 1; i < argc && !err; i++) {
		const struct bf_match_ops *ops = r->n ? r->ops[r->n - 1] : NULL;
		const struct option *o;

		if (!strcmp(argv[i], "!")) {
			invert = true;
			continue;
		}
		if (!strcmp(argv[i], "-m")) {
			assert_true(++i < argc && r->n < MAX_MATCHES);
			ops = bf_match_ops_find(argv[i], r->ip.family);
			assert_non_null(ops);
			r->ops[r->n] = ops;
			r->data[r->n] = calloc(1, ops->size);
			assert_non_null(r->data[r->n]);
			if (ops->init)
				ops->init(r->data[r->n]);
			r->n++;
			continue;
		}
		assert_true(ops && !strncmp(argv[i], "--", 2));
		o = find_option(ops, argv[i] + 2);
		assert_non_null(o);
		if (o->has_arg)
			assert_true(++i < argc);
		err = ops->parse(o->val, o->has_arg ? argv[i] : NULL, invert, r->data[r->n - 1],
				 &r->flags[r->n - 1], &r->ip);
		invert = false;
	}
	front_free_words(argc, argv);
	for (size_t i = 0; i < r->n && !err; i++)
		if (r->ops[i]->final_check)
			err = r->ops[i]->final_check(r->data[i], r->flags[i], &r->ip);
	/* The kernel's xt_match.proto: -p must name it, not inverted. */
	for (size_t i = 0; i < r->n && !err; i++)
		if (r->ops[i]->proto && (r->ip.proto != r->ops[i]->proto ||
					 (r->ip.invflags & BF_INV_PROTO)))
			err = bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	/* Then the match's own checkentry (no hook reaches a rule here). */
	for (size_t i = 0; i < r->n && !err; i++)
		if (r->ops[i]->scope.check)
			err = r->ops[i]->scope.check(r->data[i], &r->ip, 0);
	return err;
}

static void rule_text(const struct ext_rule *r, struct bf_strbuf *save,
		      struct bf_strbuf *print, struct bf_strbuf *print_n)
{
	for (size_t i = 0; i < r->n; i++) {
		bf_strbuf_printf(save, " -m %s", r->ops[i]->name);
		r->ops[i]->save(save, &r->ip, r->data[i]);
		r->ops[i]->print(print, &r->ip, r->data[i], false);
		r->ops[i]->print(print_n, &r->ip, r->data[i], true);
	}
}

static void test_cases(void **state)
{
	int bad = 0;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct ext_case *c = &cases[k];
		struct bf_strbuf save = {0}, print = {0}, print_n = {0};
		struct ext_rule r;
		int err, rc;

		front_log_capture();
		err = ext_run(c, &r);
		rc = front_exit_code(err);
		if (rc != c->rc || (rc && strcmp(front_errors(), c->save))) {
			fprintf(stderr, "%s %s %s: expected exit %d `%s', got %d `%s'\n",
				c->family == 6 ? "ip6tables" : "iptables", c->ip, c->match,
				c->rc, c->rc ? c->save : "", rc, front_errors());
			bad++;
		} else if (!rc) {
			rule_text(&r, &save, &print, &print_n);
			if (strcmp(bf_strbuf_str(&save), c->save) ||
			    strcmp(bf_strbuf_str(&print), c->print) ||
			    strcmp(bf_strbuf_str(&print_n), c->print_n)) {
				fprintf(stderr, "%s %s %s:\n  expected `%s' `%s' `%s'\n"
					"  got      `%s' `%s' `%s'\n",
					c->family == 6 ? "ip6tables" : "iptables", c->ip,
					c->match, c->save, c->print, c->print_n,
					bf_strbuf_str(&save), bf_strbuf_str(&print),
					bf_strbuf_str(&print_n));
				bad++;
			}
		}
		rule_free(&r);
		bf_strbuf_free(&save);
		bf_strbuf_free(&print);
		bf_strbuf_free(&print_n);
	}
	assert_int_equal(bad, 0);
}

/* Rules that iptables stores alike must have equal data: rules are
 * compared with memcmp (-D, -C). */
static const struct {
	int family;
	const char *ip, *a, *b;
} same[] = {
	{4, "-p icmp", "-m icmp --icmp-type echo-request", "-m icmp --icmp-type 8"},
	{4, "-p icmp", "-m icmp --icmp-type ping", "-m icmp --icmp-type 8/0:255"},
	{6, "-p ipv6-icmp", "-m icmp6 --icmpv6-type no-route", "-m icmp6 --icmpv6-type 1/0"},
	{4, "-p tcp", "-m multiport --sports 1,2", "-m multiport --source-ports 1,2"},
	{4, "-p tcp", "-m multiport --dports ssh", "-m multiport --destination-ports 22"},
	{4, "", "-m ttl --ttl 5", "-m ttl --ttl-eq 5"},
	{6, "", "-m hl ! --hl 5", "-m hl ! --hl-eq 5"},
	{4, "", "-m length --length 7:7", "-m length --length 7"},
	{4, "", "-m iprange --src-range 1.2.3.4", "-m iprange --src-range 1.2.3.4-1.2.3.4"},
	{6, "", "-m iprange --dst-range ::1", "-m iprange --dst-range 0::1-::1"},
	{4, "", "-m mac --mac-source a:b:c:d:e:f", "-m mac --mac-source 0A:0B:0C:0D:0E:0F"},
	{4, "", "-m addrtype --src-type LOC,UNI", "-m addrtype --src-type UNICAST,LOCAL"},
	{4, "", "-m pkttype --pkt-type host", "-m pkttype --pkt-type unicast"},
	{4, "", "-m dscp --dscp-class EF", "-m dscp --dscp 0x2e"},
	{4, "", "-m tos --tos Minimize-Delay", "-m tos --tos 0x10/0x3f"},
	{4, "", "-m statistic --mode random --probability 0.5", "-m statistic --mode random --probability 0.50000000000"},
	{4, "", "-m comment --comment x", "-m comment --comment \"x\""},
};

static void test_equal_data(void **state)
{
	for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++) {
		struct ext_case ca = {.family = same[k].family, .ip = same[k].ip, .match = same[k].a};
		struct ext_case cb = {.family = same[k].family, .ip = same[k].ip, .match = same[k].b};
		struct ext_rule ra, rb;

		assert_int_equal(ext_run(&ca, &ra), 0);
		assert_int_equal(ext_run(&cb, &rb), 0);
		assert_int_equal(ra.n, rb.n);
		for (size_t i = 0; i < ra.n; i++) {
			if (memcmp(ra.data[i], rb.data[i], ra.ops[i]->size))
				fail_msg("`%s' and `%s' differ", same[k].a, same[k].b);
		}
		rule_free(&ra);
		rule_free(&rb);
	}
}

/* What iptables-save prints of an icmp code range loses it; the state
 * form reads back into the same match. */
static void test_icmp_state_form(void **state)
{
	static const struct {
		int family;
		const char *match, *state;
	} rows[] = {
		{4, "-m icmp --icmp-type 3/1:5", " --icmp-type 3/1:5"},
		{4, "-m icmp ! --icmp-type 255/3", " ! --icmp-type 255/3:3"},
		{4, "-m icmp --icmp-type any", " --icmp-type 255"},
		{4, "-m icmp --icmp-type echo-request", " --icmp-type 8"},
		{6, "-m icmp6 --icmpv6-type 1/3:1", " --icmpv6-type 1/3:1"},
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		const struct bf_icmp_kind *kind = rows[k].family == 6 ? &bf_icmp_kind6 : &bf_icmp_kind4;
		struct ext_case c = {.family = rows[k].family,
				     .ip = rows[k].family == 6 ? "-p ipv6-icmp" : "-p icmp",
				     .match = rows[k].match};
		struct bf_strbuf out = {0}, again = {0};
		struct ext_rule r, r2;

		assert_int_equal(ext_run(&c, &r), 0);
		bf_icmp_save_state(kind, &out, r.data[0]);
		assert_string_equal(bf_strbuf_str(&out), rows[k].state);
		bf_strbuf_printf(&again, "-m %s%s", r.ops[0]->name, bf_strbuf_str(&out));
		c.match = bf_strbuf_str(&again);
		assert_int_equal(ext_run(&c, &r2), 0);
		assert_memory_equal(r.data[0], r2.data[0], r.ops[0]->size);
		rule_free(&r);
		rule_free(&r2);
		bf_strbuf_free(&out);
		bf_strbuf_free(&again);
	}
}

/* What each match requires of -p, as the kernel's xt_match.proto. */
static void test_families_and_protos(void **state)
{
	static const struct {
		const char *name;
		unsigned int families;
		uint16_t proto;
	} rows[] = {
		{"icmp", BF_IPV4_ONLY, 1}, {"icmp6", BF_IPV6_ONLY, 58},
		{"multiport", BF_BOTH_FAMILIES, 0}, {"iprange", BF_BOTH_FAMILIES, 0},
		{"length", BF_BOTH_FAMILIES, 0}, {"ttl", BF_IPV4_ONLY, 0},
		{"hl", BF_IPV6_ONLY, 0}, {"mac", BF_BOTH_FAMILIES, 0},
		{"addrtype", BF_BOTH_FAMILIES, 0}, {"pkttype", BF_BOTH_FAMILIES, 0},
		{"dscp", BF_BOTH_FAMILIES, 0}, {"tos", BF_BOTH_FAMILIES, 0},
		{"statistic", BF_BOTH_FAMILIES, 0}, {"comment", BF_BOTH_FAMILIES, 0},
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		const struct bf_match_ops *ops = NULL;

		for (size_t i = 0; (ops = bf_match_ops_at(i)); i++)
			if (!strcmp(ops->name, rows[k].name))
				break;
		assert_non_null(ops);
		assert_int_equal(ops->families, rows[k].families);
		assert_int_equal(ops->proto, rows[k].proto);
	}
}

/* Through the command parser (iptables, IPv4): implicit matches and the
 * order of options. Expected text from iptables-legacy -S as above. */
static void test_parser(void **state)
{
	static const struct {
		const char *cmd, *save;
	} rows[] = {
		{"-A INPUT -p icmp --icmp-type echo-request -j ACCEPT",
		 "-p icmp -m icmp --icmp-type 8 -j ACCEPT"},
		{"-A INPUT -p 1 ! --icmp-type 3/1", "-p icmp -m icmp ! --icmp-type 3/1"},
		{"-A INPUT -p icmp --icmp-type 3 -m icmp --icmp-type 4",
		 "-p icmp -m icmp --icmp-type 3 -m icmp --icmp-type 4"},
		{"-A INPUT -p tcp -m multiport --dport 1", "-p tcp -m multiport --dports 1"},
		{"-A INPUT -p tcp -m multiport --dports 80 -m multiport --sports 90",
		 "-p tcp -m multiport --dports 80 -m multiport --sports 90"},
		{"-A INPUT -m iprange --dst-r 1.1.1.1-1.1.1.2 --src-r 2.2.2.2",
		 "-m iprange --src-range 2.2.2.2-2.2.2.2 --dst-range 1.1.1.1-1.1.1.2"},
		{"-A INPUT -m ttl --ttl-e 5", "-m ttl --ttl-eq 5"},
		{"-A INPUT -m length --len 5 -m comment --com \"a b\"",
		 "-m length --length 5 -m comment --comment \"a b\""},
		{"-A INPUT -m addrtype --limit-iface-in --src-t LOCAL",
		 "-m addrtype --src-type LOCAL --limit-iface-in"},
		{"-A INPUT -m statistic --mode nth --every 3 --packet 1 -j DROP",
		 "-m statistic --mode nth --every 3 --packet 1 -j DROP"},
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		char *text = front_rule_text(rows[k].cmd);

		if (!text || strcmp(text, rows[k].save))
			fail_msg("`%s': expected `%s', got `%s'", rows[k].cmd, rows[k].save,
				 text ? text : "(error)");
		free(text);
	}
}

/* Through the ip6tables command parser: the icmp6 match under its other
 * names, implicit with -p. Expected text from ip6tables-legacy -S. */
static void test_parser6(void **state)
{
	static const struct {
		const char *cmd, *save;
	} rows[] = {
		{"-A INPUT -p icmpv6 --icmpv6-type echo-request -j ACCEPT",
		 "-p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT"},
		{"-A INPUT -p 58 ! --icmpv6-type no-route", "-p ipv6-icmp -m icmp6 ! --icmpv6-type 1/0"},
		{"-A INPUT -p ipv6-icmp -m ipv6-icmp --icmpv6-type 1/1:3",
		 "-p ipv6-icmp -m icmp6 --icmpv6-type 1/1"},
		{"-A INPUT -p ipv6-icmp -m icmpv6 --icmp 2", "-p ipv6-icmp -m icmp6 --icmpv6-type 2"},
		{"-A INPUT -m hl --hl 5 -m iprange --src-range ::1-::2",
		 "-m hl --hl-eq 5 -m iprange --src-range ::1-::2"},
		{"-A INPUT -p udp -m multiport ! --sports domain,123",
		 "-p udp -m multiport ! --sports 53,123"},
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct bf_strbuf out = {0};
		struct bf_command cmd;
		char **argv;
		int argc = front_split(rows[k].cmd, &argv);

		assert_int_equal(bf_command_parse_family(argc, argv, BF_FAMILY_IPV6, &cmd), 0);
		assert_int_equal(cmd.n_rules, 1);
		bf_rule_save(&out, cmd.rules[0]);
		if (strcmp(bf_strbuf_str(&out) + 1, rows[k].save))
			fail_msg("`%s': expected `%s', got `%s'", rows[k].cmd, rows[k].save,
				 bf_strbuf_str(&out));
		bf_command_free(&cmd);
		front_free_words(argc, argv);
		bf_strbuf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_equal_data),
		cmocka_unit_test(test_icmp_state_form),
		cmocka_unit_test(test_families_and_protos),
		cmocka_unit_test(test_parser),
		cmocka_unit_test(test_parser6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
