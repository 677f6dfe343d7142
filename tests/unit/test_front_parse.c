/* The command-line parser: parse -> save round trips, normalisation, and
 * errors (message and exit code), for iptables and ip6tables.
 *
 * In `cases` and `cases6`, the expected save text (the rule as `iptables
 * -S` prints it after "-A CHAIN ") and the expected error messages were
 * all obtained by running the same command with iptables-legacy
 * (ip6tables-legacy) 1.8.9 in a scratch network namespace on a clean
 * filter table, then pasted. An empty message with exit 2 is iptables'
 * "Try" line alone (-6 given to iptables). Messages are compared
 * without iptables' "iptables v1.8.9 (legacy): " prefix and "Try" line,
 * which the CLI adds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/front_util.h"

struct parse_case {
	const char *cmd;
	int rc;
	const char *expect;
};

static const struct parse_case cases[] = {
// normalization: addresses
	{"-A INPUT -s 1.2.3.4/24 -j ACCEPT", 0, "-s 1.2.3.0/24 -j ACCEPT"},
	{"-A INPUT -s 1.2.3.4 -j ACCEPT", 0, "-s 1.2.3.4/32 -j ACCEPT"},
	{"-A INPUT -d 10.11.12.13/255.0.255.0 -j ACCEPT", 0, "-d 10.0.12.0/255.0.255.0 -j ACCEPT"},
	{"-A INPUT -s 10.11.12.13/255.128.0.0 -j ACCEPT", 0, "-s 10.0.0.0/9 -j ACCEPT"},
	{"-A INPUT -s 1.2.3.4/0 -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT ! -s 1.2.3.4/0 -j ACCEPT", 0, "! -s 0.0.0.0/0 -j ACCEPT"},
	{"-A INPUT ! -d 0.0.0.0 -j DROP", 0, "! -d 0.0.0.0/32 -j DROP"},
	{"-A INPUT -s 10 -j DROP", 0, "-s 10.0.0.0/32 -j DROP"},
	{"-A INPUT -s 10.1 -j DROP", 0, "-s 10.1.0.0/32 -j DROP"},
	{"-A INPUT -s 0x0a.1.1.1 -j DROP", 0, "-s 10.1.1.1/32 -j DROP"},
	{"-A INPUT -s 010.1.1.1 -j DROP", 0, "-s 8.1.1.1/32 -j DROP"},
	{"-A INPUT -s 1.2.3.4/0x18 -j DROP", 0, "-s 1.2.3.0/24 -j DROP"},
	{"-A INPUT -s any/0 -j DROP", 0, "-j DROP"},
	{"-A INPUT -s localhost -j DROP", 0, "-s 127.0.0.1/32 -j DROP"},
	{"-A INPUT --src 1.2.3.4 --dst 5.6.7.8 -j DROP", 0, "-s 1.2.3.4/32 -d 5.6.7.8/32 -j DROP"},
// protocols
	{"-A INPUT -p TCP -j ACCEPT", 0, "-p tcp -j ACCEPT"},
	{"-A INPUT -p 6 -j ACCEPT", 0, "-p tcp -j ACCEPT"},
	{"-A INPUT -p 0x11 -j ACCEPT", 0, "-p udp -j ACCEPT"},
	{"-A INPUT ! -p icmp -j ACCEPT", 0, "! -p icmp -j ACCEPT"},
	{"-A INPUT -p 47 -j ACCEPT", 0, "-p gre -j ACCEPT"},
	{"-A INPUT -p 58 -j ACCEPT", 0, "-p ipv6-icmp -j ACCEPT"},
	{"-A INPUT -p icmpv6 -j ACCEPT", 0, "-p ipv6-icmp -j ACCEPT"},
	{"-A INPUT -p mh -j ACCEPT", 0, "-p mobility-header -j ACCEPT"},
	{"-A INPUT -p 200 -j ACCEPT", 0, "-p 200 -j ACCEPT"},
	{"-A INPUT -p all -j ACCEPT", 0, "-j ACCEPT"},
// interfaces, fragments
	{"-A INPUT -i eth0 -j ACCEPT", 0, "-i eth0 -j ACCEPT"},
	{"-A INPUT ! -i eth+ -j ACCEPT", 0, "! -i eth+ -j ACCEPT"},
	{"-A INPUT -i + -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT ! -i + -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT -i alongifacename0 -j ACCEPT", 0, "-i alongifacename0 -j ACCEPT"},
	{"-A FORWARD -i eth0 -o eth1 -j ACCEPT", 0, "-i eth0 -o eth1 -j ACCEPT"},
	{"-A OUTPUT ! -o lo -j ACCEPT", 0, "! -o lo -j ACCEPT"},
	{"-A INPUT -f -j DROP", 0, "-f -j DROP"},
	{"-A INPUT ! -f -j DROP", 0, "! -f -j DROP"},
// option order and implicit matches
	{"-A INPUT -j ACCEPT -p tcp --dport 22 -s 1.2.3.4 -i eth0 -f", 0, "-s 1.2.3.4/32 -i eth0 -p tcp -f -m tcp --dport 22 -j ACCEPT"},
	{"-A INPUT -p tcp --dport 22 -j ACCEPT", 0, "-p tcp -m tcp --dport 22 -j ACCEPT"},
	{"-A INPUT -p tcp --sport 1024: --dport :1023 -j ACCEPT", 0, "-p tcp -m tcp --sport 1024:65535 --dport 0:1023 -j ACCEPT"},
	{"-A INPUT -p tcp --sport 1:1 -j ACCEPT", 0, "-p tcp -m tcp --sport 1 -j ACCEPT"},
	{"-A INPUT -p tcp ! --dport 80:88 ! --sport 99 -j ACCEPT", 0, "-p tcp -m tcp ! --sport 99 ! --dport 80:88 -j ACCEPT"},
	{"-A INPUT -p tcp --dport ssh -j ACCEPT", 0, "-p tcp -m tcp --dport 22 -j ACCEPT"},
	{"-A INPUT -p tcp --dport domain:http -j ACCEPT", 0, "-p tcp -m tcp --dport 53:80 -j ACCEPT"},
	{"-A INPUT -p tcp --dport 0x10 -j ACCEPT", 0, "-p tcp -m tcp --dport 16 -j ACCEPT"},
	{"-A INPUT -p tcp --dport : -j ACCEPT", 0, "-p tcp -m tcp -j ACCEPT"},
	{"-A INPUT -p tcp --destination-port 7 --source-port 8 -j ACCEPT", 0, "-p tcp -m tcp --sport 8 --dport 7 -j ACCEPT"},
	{"-A INPUT -p tcp --dpo 8 -j ACCEPT", 0, "-p tcp -m tcp --dport 8 -j ACCEPT"},
	{"-A INPUT -p tcp --sp 9 -j ACCEPT", 0, "-p tcp -m tcp --sport 9 -j ACCEPT"},
	{"-A INPUT -p tcp --so 9 -j ACCEPT", 0, "-s 9.0.0.0/32 -p tcp -j ACCEPT"},
	{"-A INPUT -p tcp --destination 7 -j ACCEPT", 0, "-d 7.0.0.0/32 -p tcp -j ACCEPT"},
	{"-A INPUT -m tcp -p tcp --dport 24 -j ACCEPT", 0, "-p tcp -m tcp --dport 24 -j ACCEPT"},
	{"-A INPUT -p tcp --dport 22 -m tcp --dport 23 -j ACCEPT", 0, "-p tcp -m tcp --dport 22 -m tcp --dport 23 -j ACCEPT"},
	{"-A INPUT -p 6 --sport 1 -j ACCEPT", 0, "-p tcp -m tcp --sport 1 -j ACCEPT"},
	{"-A INPUT -p udp --dport 53 -j ACCEPT", 0, "-p udp -m udp --dport 53 -j ACCEPT"},
	{"-A INPUT -p udp --sport 70000 -j ACCEPT", 0, "-p udp -m udp --sport 4464 -j ACCEPT"},
	{"-A INPUT -p udp --dport 5:2 -j ACCEPT", 0, "-p udp -m udp --dport 5:2 -j ACCEPT"},
	{"-A INPUT -p udp --dport '' -j ACCEPT", 0, "-p udp -m udp --dport 0 -j ACCEPT"},
	{"-A INPUT -p udp --dport 1:70000 -j ACCEPT", 0, "-p udp -m udp --dport 1:4464 -j ACCEPT"},
	{"-A INPUT -p udp ! --dport 53 --sport 1024:65535 -j ACCEPT", 0, "-p udp -m udp --sport 1024:65535 ! --dport 53 -j ACCEPT"},
	{"-A INPUT -m udp -p 17 --dport 1 -j ACCEPT", 0, "-p udp -m udp --dport 1 -j ACCEPT"},
	{"-A INPUT -p tcp --dport=26 -j ACCEPT", 0, "-p tcp -m tcp --dport 26 -j ACCEPT"},
	{"-A INPUT --proto tcp --jump ACCEPT", 0, "-p tcp -j ACCEPT"},
	{"-A INPUT -j DROP -c 5 6", 0, "-j DROP"},
	{"-A INPUT -j DROP -c 5,6", 0, "-j DROP"},
	{"-I INPUT -j DROP --set-counters=3,4", 0, "-j DROP"},
// errors: unknown options, missing arguments
	{"-A INPUT --bogus", 2, "unknown option \"--bogus\""},
	{"-A INPUT --li", 2, "unknown option \"--li\""},
	{"-A INPUT -y", 2, "unknown option \"-y\""},
	{"-A INPUT -b", 2, "Unknown arg \"(null)\""},
	{"-A INPUT -s", 2, "option \"-s\" requires an argument"},
	{"-A", 2, "option \"-A\" requires an argument"},
	{"-A INPUT -p tcp --dport", 2, "option \"--dport\" requires an argument"},
	{"-A INPUT --dport 22", 2, "unknown option \"--dport\""},
	{"-A INPUT -p all --dport 1", 2, "unknown option \"--dport\""},
	{"-A INPUT -p tcp --d 8", 2, "unknown option \"--d\""},
	{"-A INPUT -p tcp --s 8", 2, "unknown option \"--s\""},
	{"-A INPUT -p tcp -m tcp --so 9", 2, "unknown option \"--so\""},
// errors: bad values
	{"-A INPUT -s nosuchhost.invalid", 2, "host/network `nosuchhost.invalid' not found"},
	{"-A INPUT -s 1.2.3.4/33", 2, "invalid mask `33' specified"},
	{"-A INPUT -s 1.2.3.4/x", 2, "invalid mask `x' specified"},
	{"-A INPUT -s 1.2.3.4/", 2, "invalid mask `' specified"},
	{"-A INPUT -s 300.1.1.1", 2, "host/network `300.1.1.1' not found"},
	{"-A INPUT -s ' 1.2.3.4 '", 2, "host/network `1.2.3.4 ' not found"},
	{"-A INPUT -s '1.2.3.4,  '", 2, "host/network `' not found"},
	{"-A INPUT ! -s 1.2.3.4,5.6.7.8", 2, "! not allowed with multiple source or destination IP addresses"},
	{"-A INPUT -p foo", 2, "unknown protocol \"foo\" specified"},
	{"-A INPUT -p 256", 2, "unknown protocol \"256\" specified"},
	{"-A INPUT -p ''", 2, "unknown protocol \"\" specified"},
	{"-A INPUT ! -p all", 2, "rule would never match protocol"},
	{"-A INPUT -p tcp --sport 70000", 2, "invalid port/service `70000' specified"},
	{"-A INPUT -p tcp --sport -1", 2, "invalid port/service `-1' specified"},
	{"-A INPUT -p tcp --dport 5:2", 2, "invalid portrange (min > max)"},
	{"-A INPUT -p tcp --dport 1:2:3", 2, "invalid port/service `2:3' specified"},
	{"-A INPUT -p tcp --dport ''", 2, "invalid port/service `' specified"},
	{"-A INPUT -p tcp --dport HTTP", 2, "invalid port/service `HTTP' specified"},
	{"-A INPUT -p tcp --dport ! 1", 2, "invalid port/service `!' specified"},
	{"-A INPUT -p tcp --dport 1 --dport 2", 2, "Only one `--destination-port' allowed"},
	{"-A INPUT -p udp --sport foo", 2, "Port \"foo\" does not resolve to anything.\n"},
	{"-A INPUT -p udp --sport -1", 2, "Port \"-1\" does not resolve to anything.\n"},
	{"-A INPUT -p udp --dport 1:2:3", 2, "udp: Too many components for option \"--destination-port\" (max: 2)\n"},
	{"-A INPUT -p udp --dport 0x10", 2, "Port \"0x10\" does not resolve to anything.\n"},
	{"-A INPUT -p udp --sport 1 --source-port 2", 2, "udp: option \"--source-port\" can only be used once.\n"},
	{"-A INPUT -i ''", 2, "Empty interface is likely to be undesired"},
	{"-A INPUT --in-interface=", 2, "Empty interface is likely to be undesired"},
	{"-A INPUT -i thisinterfaceistoolong0", 2, "interface name `thisinterfaceistoolong0' must be shorter than IFNAMSIZ (15)"},
	{"-A INPUT -j ''", 2, "Invalid target name (too short)"},
	{"-A INPUT -j 'A B'", 2, "Invalid target name `A B'"},
	{"-A INPUT -j AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 2, "Invalid target name `AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' (28 chars max)"},
	{"-A INPUT -j FOO", 2, "Couldn't load target `FOO':No such file or directory\n"},
	{"-A INPUT -m foo", 2, "Couldn't load match `foo':No such file or directory\n"},
	{"-A INPUT -m ''", 2, "Couldn't load match `':No such file or directory\n"},
	{"-A INPUT -m AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 2, "Invalid match name \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\" (28 chars max)"},
	{"-A INPUT -ptcp -j ACCEPT", 2, "unknown protocol \"-ptcp\" specified"},
	{"-A INPUT --protocol=tcp -j ACCEPT", 2, "unknown protocol \"--protocol=tcp\" specified"},
	{"-A INPUT -s1.2.3.4 -j ACCEPT", 2, "host/network `-s1.2.3.4' not found"},
	{"-A INPUT -jDROP", 2, "Couldn't load target `-jDROP':No such file or directory\n"},
	{"-A INPUT --jump=DROP", 2, "Couldn't load target `--jump=DROP':No such file or directory\n"},
	{"-A INPUT -j DROP -c 1", 2, "-c requires packet and byte counter"},
	{"-A INPUT -j DROP -c x 2", 2, "-c packet counter not numeric"},
	{"-A INPUT -j DROP -c 1 x", 2, "-c byte counter not numeric"},
	{"-A INPUT -j DROP -c ,3", 2, "-c requires packet and byte counter"},
	{"-A INPUT -j DROP -c 1 2 -c 3 4", 2, "multiple -c flags not allowed"},
// errors: flags and ! placement
	{"-A INPUT -s 1.2.3.4 -s 2.3.4.5", 2, "multiple -s flags not allowed"},
	{"-A INPUT -p tcp -p udp", 2, "multiple -p flags not allowed"},
	{"-A INPUT -j ACCEPT -j DROP", 2, "multiple -j flags not allowed"},
	{"-A INPUT -f ! -f", 2, "multiple -f flags not allowed"},
	{"-A INPUT -i eth0 -i eth1", 2, "multiple -i flags not allowed"},
	{"-A INPUT ! ! -s 1.2.3.4", 2, "multiple consecutive ! not allowed"},
	{"-A INPUT -j ACCEPT !", 2, "nothing appropriate following !"},
	{"-A INPUT ! -j ACCEPT", 2, "cannot have ! before -j"},
	{"-A INPUT ! -m tcp", 2, "unexpected ! flag before --match"},
	{"-A INPUT ! -v", 2, "cannot have ! before -v"},
	{"-A INPUT ! -c 1 2", 2, "cannot have ! before -c"},
	{"-A INPUT -s ! 1.2.3.4", 2, "Bad argument `1.2.3.4'"},
	{"-A INPUT -p ! udp", 2, "unknown protocol \"!\" specified"},
	{"! -A INPUT", 2, "unexpected '!' flag"},
	{"! -t filter -L", 2, "unexpected ! flag before --table"},
	{"-A INPUT extra", 2, "Bad argument `extra'"},
	{"-A INPUT -j ACCEPT extra", 2, "Bad argument `extra'"},
// errors: commands and options that do not fit
	{"-A INPUT -A INPUT", 2, "Cannot use -A with -A"},
	{"-A INPUT -I INPUT", 2, "Cannot use -I with -A"},
	{"-L -S", 2, "Cannot use -S with -L"},
	{"-L -F", 2, "Cannot use -F with -L"},
	{"-F -L", 2, "Cannot use -L with -F"},
	{"-Z -Z", 2, "Cannot use -Z with -Z"},
	{"-A INPUT -L", 2, "Cannot use -L with -A"},
	{"-D INPUT 1 -s 1.1.1.1", 2, "Illegal option `-s' with this command"},
	{"-A INPUT -n -j DROP", 2, "Illegal option `-n' with this command"},
	{"-A INPUT -x -j DROP", 2, "Illegal option `-x' with this command"},
	{"-A INPUT --line-numbers -j DROP", 2, "Illegal option `-0' with this command"},
	{"-L -s 1.2.3.4", 2, "Illegal option `-s' with this command"},
	{"-L -p tcp", 2, "Illegal option `-p' with this command"},
	{"-L -c 1 2", 2, "Illegal option `-c' with this command"},
	{"-S -n", 2, "Illegal option `-n' with this command"},
	{"-Z -x", 2, "Illegal option `-x' with this command"},
	{"-F -i eth0", 2, "Illegal option `-i' with this command"},
	{"-P INPUT DROP -s 1.2.3.4", 2, "Illegal option `-s' with this command"},
	{"-D INPUT -c 1 2 -j DROP", 2, "Illegal option `-c' with this command"},
	{"-C INPUT -c 1 2", 2, "Illegal option `-c' with this command"},
	{"-A INPUT -o eth0", 2, "Can't use -o with INPUT\n"},
	{"-A OUTPUT -i eth0", 2, "Can't use -i with OUTPUT\n"},
	{"-A AAAAAAAAAAAAAAAAAAAAAAAAAAAAA -j DROP", 2, "chain name `AAAAAAAAAAAAAAAAAAAAAAAAAAAAA' too long (must be under 29 chars)"},
	{"-A AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA -o eth0", 2, "chain name `AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' too long (must be under 29 chars)"},
	{"-R INPUT 1 -s 1.1.1.1,2.2.2.2 -o eth0", 2, "Replacement rule does not specify a unique address"},
	{"-R INPUT", 2, "-R requires a rule number"},
	{"-R INPUT x", 2, "Invalid rule number `x'"},
	{"-R INPUT -1", 2, "-R requires a rule number"},
	{"-I INPUT 0", 2, "Invalid rule number `0'"},
	{"-P INPUT", 2, "-P requires a chain and a policy"},
	{"-P", 2, "option \"-P\" requires an argument"},
	{"-E INPUT", 2, "-E requires old-chain-name and new-chain-name"},
	{"-N -foo", 2, "chain name not allowed to start with `-'"},
	{"-N 'a b'", 2, "Invalid chain name `a b'"},
	{"-N DROP", 2, "chain name may not clash with target name"},
	{"-N AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 2, "chain name `AAAAAAAAAAAAAAAAAAAAAAAAAAAAA' too long (must be under 29 chars)"},
	{"-L INPUT 0", 2, "Invalid rule number `0'"},
	{"-L -- x", 2, "unknown arguments found on commandline"},
	{"-L -w x", 2, "wait seconds not numeric"},
	{"-L -W", 2, "wait interval value required"},
	/* iptables first warns "Ignoring deprecated --wait-interval option."
	 * on stderr; bpfilter uses -W, so it does not say so. */
	{"-L -W 1000", 2, "--wait-interval only makes sense with --wait\n"},
	{"-L -w -W 99999999", 2, "too long usec wait 99999999 > 999999 usec"},
	{"-L -w -Wfoo", 2, "wait interval not numeric"},
	/* iptables goes on: "... (do you need to insmod?)\nPerhaps iptables or
	 * your kernel needs to be upgraded." */
	{"-t foo -L", 3, "can't initialize iptables table `foo': Table does not exist "
			"(do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded."},

	{"-n", 2, "no command specified"},
// tcp flags and options
	{"-A INPUT -p tcp --syn", 0, "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN"},
	{"-A INPUT -p tcp ! --syn -j DROP", 0, "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP"},
	{"-A INPUT -p tcp --tcp-flags syn,ack,all ALL", 0, "-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,SYN,RST,PSH,ACK,URG"},
	{"-A INPUT -p tcp --tcp-flags NONE NONE", 0, "-p tcp -m tcp"},
	{"-A INPUT -p tcp ! --tcp-flags FIN FIN", 0, "-p tcp -m tcp ! --tcp-flags FIN FIN"},
	{"-A INPUT -p tcp --tcp-flags ACK,FIN,SYN SYN,FIN", 0, "-p tcp -m tcp --tcp-flags FIN,SYN,ACK FIN,SYN"},
	{"-A INPUT -p tcp --tcp-flags \"\" \"\"", 0, "-p tcp -m tcp"},
	{"-A INPUT -p tcp ! --tcp-flags \"\" \"\"", 0, "-p tcp -m tcp ! --tcp-flags NONE NONE"},
	{"-A INPUT -p tcp --tcp-flags ,SYN, SYN,,", 0, "-p tcp -m tcp --tcp-flags SYN SYN"},
	{"-A INPUT -p tcp --tcp-option 5", 0, "-p tcp -m tcp --tcp-option 5"},
	{"-A INPUT -p tcp ! --tcp-option 0x10 --sport 5", 0, "-p tcp -m tcp --sport 5 ! --tcp-option 16"},
	{"-A INPUT -p tcp --tcp-option 255 --dport 80 --syn", 0, "-p tcp -m tcp --dport 80 --tcp-option 255 --tcp-flags FIN,SYN,RST,ACK SYN"},
	{"-A INPUT -p tcp --tcp-fl SYN SYN", 0, "-p tcp -m tcp --tcp-flags SYN SYN"},
	{"-A INPUT -p tcp --sy", 0, "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN"},
	{"-A INPUT -p tcp --tcp-option=7", 0, "-p tcp -m tcp --tcp-option 7"},
	{"-A INPUT -p tcp --tcp-flags=ACK ACK", 0, "-p tcp -m tcp --tcp-flags ACK ACK"},
	{"-A INPUT -p 6 --syn -j ACCEPT", 0, "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT"},
	{"-A INPUT -p tcp --tcp-flags SYN SYN -s 1.2.3.4 -j DROP", 0, "-s 1.2.3.4/32 -p tcp -m tcp --tcp-flags SYN SYN -j DROP"},
	{"-A INPUT -p tcp --tcp-option 0", 2, "Bad TCP option \"0\""},
	{"-A INPUT -p tcp --tcp-option 256", 2, "Bad TCP option \"256\""},
	{"-A INPUT -p tcp --tcp-option -1", 2, "Bad TCP option \"-1\""},
	{"-A INPUT -p tcp --tcp-option x", 2, "Bad TCP option \"x\""},
	{"-A INPUT -p tcp --tcp-option \"\"", 2, "Bad TCP option \"\""},
	{"-A INPUT -p tcp --tcp-flags SYN", 2, "--tcp-flags requires two args."},
	{"-A INPUT -p tcp --tcp-flags SYN -x", 2, "--tcp-flags requires two args."},
	{"-A INPUT -p tcp --tcp-flags SYN !", 2, "--tcp-flags requires two args."},
	{"-A INPUT -p tcp --tcp-flags SYN,FOO SYN", 2, "Unknown TCP flag `FOO'"},
	{"-A INPUT -p tcp --tcp-flags SYN FOO", 2, "Unknown TCP flag `FOO'"},
	{"-A INPUT -p tcp --tcp-flags FOO BAR", 2, "Unknown TCP flag `FOO'"},
	{"-A INPUT -p tcp --syn --tcp-flags SYN SYN", 2, "Only one of `--syn' or `--tcp-flags'  allowed"},
	{"-A INPUT -p tcp --tcp-flags SYN SYN --syn", 2, "Only one of `--syn' or `--tcp-flags'  allowed"},
	{"-A INPUT -p tcp --syn --syn", 2, "Only one of `--syn' or `--tcp-flags'  allowed"},
	{"-A INPUT -p tcp --tcp-option 1 --tcp-option 2", 2, "Only one `--tcp-option' allowed"},
	{"-A INPUT --syn", 2, "unknown option \"--syn\""},
	{"-A INPUT -p udp --syn", 2, "unknown option \"--syn\""},
	{"-A INPUT -p tcp -m tcp ! --syn ! --tcp-option 3 ! --sport 1", 0, "-p tcp -m tcp ! --sport 1 ! --tcp-option 3 ! --tcp-flags FIN,SYN,RST,ACK SYN"},
// targets in the rule text
	{"-A INPUT -j RETURN", 0, "-j RETURN"},
	{"-A INPUT -s 1.2.3.4 -j RETURN -p udp", 0, "-s 1.2.3.4/32 -p udp -j RETURN"},
// iptables: -4 / -6
	{"-A INPUT -4 -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT -6 -j ACCEPT", 2, ""},
	{"-6 -A INPUT", 2, ""},
	{"-A INPUT -p 58 --icmpv6-type 1", 2, "unknown option \"--icmpv6-type\""},
	{"-A INPUT -m icmpv6", 2, "Couldn't load match `icmp6':No such file or directory\n"},
	{"-A INPUT -m ipv6-icmp", 2, "Couldn't load match `icmp6':No such file or directory\n"},
	{"-A INPUT -j HL", 2, "Couldn't load target `HL':No such file or directory\n"},
	{"-A INPUT -m frag", 2, "Couldn't load match `frag':No such file or directory\n"},
	{"-A INPUT -m eui64", 2, "Couldn't load match `eui64':No such file or directory\n"},
	{"-A INPUT -p 43 -j ACCEPT", 0, "-p ipv6-route -j ACCEPT"},
};

/* The same for ip6tables (ip6tables-legacy 1.8.9). */
static const struct parse_case cases6[] = {
// ip6tables: addresses
	{"-A INPUT -s 2001:db8::1 -j ACCEPT", 0, "-s 2001:db8::1/128 -j ACCEPT"},
	{"-A INPUT -s 2001:DB8::A/64 -j ACCEPT", 0, "-s 2001:db8::/64 -j ACCEPT"},
	{"-A INPUT -d 2001:db8:1::/48 -s ::1 -j DROP", 0, "-s ::1/128 -d 2001:db8:1::/48 -j DROP"},
	{"-A INPUT -s 2001:db8::1/ffff:ffff:0:ffff:: -j DROP", 0, "-s 2001:db8::/ffff:ffff:0:ffff:: -j DROP"},
	{"-A INPUT -s 2001:db8::1/0x40 -j DROP", 0, "-s 2001:db8::/64 -j DROP"},
	{"-A INPUT -s 2001:db8::1/0 -j DROP", 0, "-j DROP"},
	{"-A INPUT ! -s 2001:db8::1/0 -j DROP", 0, "! -s ::/0 -j DROP"},
	{"-A INPUT ! -d :: -j DROP", 0, "! -d ::/128 -j DROP"},
	{"-A INPUT -s ::ffff:1.2.3.4 -j DROP", 0, "-s ::ffff:1.2.3.4/128 -j DROP"},
	{"-A INPUT -s any/0 -j DROP", 0, "-j DROP"},
	{"-A INPUT -s 2001:db8::1/127 -j DROP", 0, "-s 2001:db8::/127 -j DROP"},
	{"-A INPUT -s 2001:db8::1/128 -j DROP", 0, "-s 2001:db8::1/128 -j DROP"},
	{"-A INPUT -s fe80::1%1 -j DROP", 0, "-s fe80::1/128 -j DROP"},
	{"-A INPUT --src 2001:db8::5 --dst 2001:db8::6 -j DROP", 0, "-s 2001:db8::5/128 -d 2001:db8::6/128 -j DROP"},
	{"-A INPUT -s 2001:db8::1/129", 2, "invalid mask `129' specified"},
	{"-A INPUT -s 2001:db8::1/", 2, "invalid mask `' specified"},
	{"-A INPUT -s 2001:db8::1/-1", 2, "invalid mask `-1' specified"},
	{"-A INPUT -s 2001:db8::1/x", 2, "invalid mask `x' specified"},
	{"-A INPUT -s 1.2.3.4", 2, "host/network `1.2.3.4' not found"},
	{"-A INPUT -s [2001:db8::1]", 2, "host/network `[2001:db8::1]' not found"},
	{"-A INPUT -s 2001:db8::1::2", 2, "host/network `2001:db8::1::2' not found"},
	{"-A INPUT -s nosuchhost.invalid", 2, "host/network `nosuchhost.invalid' not found"},
	{"-A INPUT ! -s 2001:db8::1,2001:db8::2", 2, "! not allowed with multiple source or destination IP addresses"},
// ip6tables: protocols
	{"-A INPUT -p icmpv6 -j ACCEPT", 0, "-p ipv6-icmp -j ACCEPT"},
	{"-A INPUT -p ipv6-icmp -j ACCEPT", 0, "-p ipv6-icmp -j ACCEPT"},
	{"-A INPUT -p 58 -j ACCEPT", 0, "-p ipv6-icmp -j ACCEPT"},
	{"-A INPUT -p icmp -j ACCEPT", 0, "-p icmp -j ACCEPT"},
	{"-A INPUT -p all -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT -p 0 -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT ! -p tcp -j ACCEPT", 0, "! -p tcp -j ACCEPT"},
	{"-A INPUT -p mh -j ACCEPT", 0, "-p mobility-header -j ACCEPT"},
	{"-A INPUT -p ipv6-mh -j ACCEPT", 0, "-p mobility-header -j ACCEPT"},
	{"-A INPUT -p 43 -j ACCEPT", 0, "-p ipv6-route -j ACCEPT"},
	{"-A INPUT ! -p 44 -j ACCEPT", 0, "! -p ipv6-frag -j ACCEPT"},
	{"-A INPUT -p ah -j ACCEPT", 0, "-p ah -j ACCEPT"},
	{"-A INPUT -p 60 -j ACCEPT", 0, "-p ipv6-opts -j ACCEPT"},
	{"-A INPUT -p esp -j ACCEPT", 0, "-p esp -j ACCEPT"},
	{"-A INPUT -p 200 -j ACCEPT", 0, "-p 200 -j ACCEPT"},
	{"-A INPUT ! -p all", 2, "rule would never match protocol"},
	{"-A INPUT -p icmp6", 2, "unknown protocol \"icmp6\" specified"},
	{"-A INPUT -p tcp --dport 22 -j ACCEPT", 0, "-p tcp -m tcp --dport 22 -j ACCEPT"},
	{"-A INPUT -p udp ! --sport 53 -j DROP", 0, "-p udp -m udp ! --sport 53 -j DROP"},
	{"-A INPUT -p tcp --syn -j DROP", 0, "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP"},
// ip6tables: interfaces, fragments, targets
	{"-A INPUT -i eth0 -j ACCEPT", 0, "-i eth0 -j ACCEPT"},
	{"-A FORWARD ! -i eth+ -o veth1 -j ACCEPT", 0, "! -i eth+ -o veth1 -j ACCEPT"},
	{"-A INPUT -f", 2, "`-f' is not supported in IPv6, use -m frag instead"},
	{"-A INPUT ! -f", 2, "`-f' is not supported in IPv6, use -m frag instead"},
	{"-A INPUT -j RETURN", 0, "-j RETURN"},
	{"-A INPUT -6 -j ACCEPT", 0, "-j ACCEPT"},
	{"-A INPUT -4 -j ACCEPT", 2, ""},
	{"-A INPUT -o eth0", 2, "Can't use -o with INPUT\n"},
	{"-A INPUT -j nosuch", 2, "Couldn't load target `nosuch':No such file or directory\n"},
	{"-A INPUT -j TTL", 2, "Couldn't load target `TTL':No such file or directory\n"},
	{"-A INPUT -m ttl --ttl-eq 1", 2, "Couldn't load match `ttl':No such file or directory\n"},
	{"-A INPUT -m icmp --icmp-type 1", 2, "Couldn't load match `icmp':No such file or directory\n"},
	{"-A INPUT -m frag --fragid 5", 0, "-m frag --fragid 5"},
	{"-t bogus -L", 3, "can't initialize ip6tables table `bogus': Table does not exist (do you need to insmod?)\nPerhaps ip6tables or your kernel needs to be upgraded."},
};

static int run_cases(const struct parse_case *cases, size_t n, enum bf_family family)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);
	struct bf_strbuf out = {0};
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct parse_case *c = &cases[i];

		if (c->rc == 0) {
			char *text = front_rule_text_family(c->cmd, family);

			if (!text || strcmp(text, c->expect)) {
				fprintf(stderr, "`%s': expected `%s', got `%s' (%s)\n", c->cmd,
					c->expect, text ? text : "(error)", front_errors());
				bad++;
			}
			free(text);
			continue;
		}
		/* Parse and run: some checks come only once the table is there. */
		int err = front_cmd(rs, c->cmd, &out);

		if (front_exit_code(err) != c->rc || strcmp(front_errors(), c->expect)) {
			fprintf(stderr, "`%s': expected exit %d `%s', got exit %d `%s'\n", c->cmd,
				c->rc, c->expect, front_exit_code(err), front_errors());
			bad++;
		}
	}
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
	return bad;
}

static void like_iptables(void **state)
{
	assert_int_equal(run_cases(cases, sizeof(cases) / sizeof(cases[0]), BF_FAMILY_IPV4), 0);
}

static void like_ip6tables(void **state)
{
	assert_int_equal(run_cases(cases6, sizeof(cases6) / sizeof(cases6[0]), BF_FAMILY_IPV6), 0);
}

static struct bf_command parse(const char *line, int expect_err)
{
	struct bf_command cmd;
	char **argv;
	int argc = front_split(line, &argv);

	front_log_capture();
	assert_int_equal(bf_command_parse(argc, argv, &cmd), expect_err);
	front_free_words(argc, argv);
	return cmd;
}

/* Several -s/-d addresses: one rule per pair, sources outer (iptables'
 * order, checked with iptables-legacy -S). */
static void address_expansion(void **state)
{
	static const char *const want[] = {
		"-s 1.2.3.4/32 -d 9.9.9.9/32 -j DROP",
		"-s 1.2.3.4/32 -d 8.8.8.0/24 -j DROP",
		"-s 5.6.7.0/24 -d 9.9.9.9/32 -j DROP",
		"-s 5.6.7.0/24 -d 8.8.8.0/24 -j DROP",
	};
	struct bf_command cmd = parse("-A INPUT -s 1.2.3.4,5.6.7.8/24 -d 9.9.9.9,8.8.8.8/24 -j DROP", 0);
	struct bf_strbuf out = {0};

	assert_int_equal(cmd.cmd, BF_CMD_APPEND);
	assert_int_equal(cmd.n_rules, 4);
	for (size_t i = 0; i < 4; i++) {
		bf_strbuf_reset(&out);
		bf_rule_save(&out, cmd.rules[i]);
		assert_string_equal(bf_strbuf_str(&out) + 1, want[i]);
		assert_int_equal(cmd.rules[i]->old_slot, -1);
	}
	bf_strbuf_free(&out);
	bf_command_free(&cmd);
}

/* What the command carries besides the rules. */
static void command_fields(void **state)
{
	struct bf_command cmd;

	cmd = parse("-L INPUT 3 -n -v -v -x --line-numbers -w", 0);
	assert_int_equal(cmd.cmd, BF_CMD_LIST);
	assert_string_equal(cmd.chain, "INPUT");
	assert_int_equal(cmd.rulenum, 3);
	assert_int_equal(cmd.format, BF_FMT_NUMERIC | BF_FMT_VERBOSE | BF_FMT_EXACT |
				     BF_FMT_LINENUMBERS);
	assert_int_equal(cmd.verbose, 2);
	assert_int_equal(cmd.wait_secs, 0);
	assert_false(cmd.zero_too);
	bf_command_free(&cmd);

	cmd = parse("-L", 0);
	assert_string_equal(cmd.chain, "");
	assert_int_equal(cmd.wait_secs, -1);
	bf_command_free(&cmd);
	cmd = parse("-L -w 0", 0);
	assert_int_equal(cmd.wait_secs, -1);
	bf_command_free(&cmd);
	cmd = parse("-L -w 7 -W 100", 0);
	assert_int_equal(cmd.wait_secs, 7);
	assert_int_equal(cmd.wait_interval_us, 100);
	bf_command_free(&cmd);
	cmd = parse("-L --wait=-3", 0); /* negative: forever, as iptables */
	assert_int_equal(cmd.wait_secs, 0);
	bf_command_free(&cmd);

	cmd = parse("-Z INPUT -L", 0);
	assert_int_equal(cmd.cmd, BF_CMD_LIST);
	assert_true(cmd.zero_too);
	assert_false(cmd.zero_one);
	bf_command_free(&cmd);
	cmd = parse("-Z INPUT 2 -L", 0);
	assert_true(cmd.zero_one);
	assert_int_equal(cmd.rulenum, 2);
	bf_command_free(&cmd);
	/* -Z after -L takes the chain and number: only zeroing remains. */
	cmd = parse("-L -Z INPUT 2", 0);
	assert_int_equal(cmd.cmd, BF_CMD_ZERO);
	assert_int_equal(cmd.rulenum, 2);
	bf_command_free(&cmd);

	cmd = parse("-D INPUT 4", 0);
	assert_int_equal(cmd.cmd, BF_CMD_DELETE);
	assert_int_equal(cmd.rulenum, 4);
	assert_int_equal(cmd.n_rules, 0);
	bf_command_free(&cmd);
	cmd = parse("-I INPUT -j DROP", 0);
	assert_int_equal(cmd.rulenum, 1);
	bf_command_free(&cmd);

	cmd = parse("-P INPUT DROP -c 5 6", 0);
	assert_int_equal(cmd.cmd, BF_CMD_POLICY);
	assert_int_equal(cmd.policy, BF_VERDICT_DROP);
	assert_false(cmd.bad_policy);
	assert_true(cmd.set_counters);
	assert_int_equal(cmd.counters.packets, 5);
	assert_int_equal(cmd.counters.bytes, 6);
	bf_command_free(&cmd);
	cmd = parse("-P INPUT QUEUE", 0);
	assert_true(cmd.bad_policy);
	bf_command_free(&cmd);

	cmd = parse("-A INPUT -j ACCEPT -c 10 20", 0);
	assert_int_equal(cmd.rules[0]->counters.packets, 10);
	assert_int_equal(cmd.rules[0]->counters.bytes, 20);
	bf_command_free(&cmd);

	cmd = parse("-E A B", 0);
	assert_int_equal(cmd.cmd, BF_CMD_RENAME_CHAIN);
	assert_string_equal(cmd.newname, "B");
	bf_command_free(&cmd);

	cmd = parse("-h", 0);
	assert_int_equal(cmd.cmd, BF_CMD_HELP);
	bf_command_free(&cmd);
	/* -V ends the parsing at once, as in iptables. */
	cmd = parse("-V --bogus", 0);
	assert_int_equal(cmd.cmd, BF_CMD_VERSION);
	bf_command_free(&cmd);
}

/* Valid for iptables, refused by bpfilter with a clear message (exit 2):
 * extensions it does not have, tables it does not serve. */
static void not_supported(void **state)
{
	static const char *const lines[] = {
		"-A INPUT -m string --string x --algo bm -j ACCEPT",
		"-A INPUT -m u32 --u32 0>>22&0x3C@0>>16=1 -j DROP",
		"-A INPUT -j MARK --set-mark 1",
		"-A INPUT -j QUEUE",
		"-A INPUT -j NFQUEUE --queue-num 1",
		"-t nat -A PREROUTING -j ACCEPT",
		"-t mangle -L",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct bf_command cmd = parse(lines[i], -EINVAL);

		if (!strstr(front_errors(), "not supported"))
			fail_msg("`%s': %s", lines[i], front_errors());
		(void)cmd;
	}
	/* Without the string match, its options are unknown; says why. */
	parse("-A INPUT -p string --string x -j DROP", -EINVAL);
}

/* iptables-save 1.8.9 drops an inverted full port range ("! --dport :",
 * which never matches: it prints "-p tcp -m tcp"), so that its output
 * restores to a rule that matches every packet. bpfilter's save and -S
 * print what 1.8.9 prints; its own state text keeps the range. */
static void inverted_full_port_range(void **state)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4), *back;
	char *text = front_rule_text("-A INPUT -p tcp ! --dport : -j DROP");
	struct bf_strbuf out = {0};

	assert_string_equal(text, "-p tcp -m tcp -j DROP");
	free(text);
	assert_int_equal(front_cmd(rs, "-A INPUT -p udp ! --sport 0:65535 -j DROP", &out), 0);
	bf_strbuf_reset(&out);
	bf_save_print_state(&out, rs);
	assert_non_null(strstr(bf_strbuf_str(&out), "-A INPUT -p udp -m udp ! --sport 0:65535 -j DROP\n"));
	back = bf_ruleset_new(BF_FAMILY_IPV4);
	assert_int_equal(bf_restore_state(bf_strbuf_str(&out), back), 0);
	assert_true(bf_rule_equal(rs->tables[BF_TABLE_FILTER].chains[0]->rules[0],
				  back->tables[BF_TABLE_FILTER].chains[0]->rules[0]));
	bf_ruleset_free(back);
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
}

/* ip6tables' parser leaves its marks in the IR: the family, the IPv6
 * addresses, "-p" given (even "all"), and a warning for extension
 * headers given as the protocol. */
static void ipv6_rules(void **state)
{
	struct bf_command cmd;
	char **argv;
	int argc;

	argc = front_split("-A INPUT -s 2001:db8::1/64,2001:db8:2::1 -p all -j DROP", &argv);
	front_log_capture();
	assert_int_equal(bf_command_parse_family(argc, argv, BF_FAMILY_IPV6, &cmd), 0);
	front_free_words(argc, argv);
	assert_int_equal(cmd.n_rules, 2);
	assert_int_equal(cmd.rules[0]->ip.family, BF_FAMILY_IPV6);
	assert_true(cmd.rules[0]->ip.flags & BF_F_PROTO);
	assert_int_equal(cmd.rules[1]->ip.src6.s6_addr[5], 2);
	assert_int_equal(cmd.rules[0]->ip.smsk6.s6_addr[7], 0xFF);
	assert_int_equal(cmd.rules[0]->ip.smsk6.s6_addr[8], 0);
	bf_command_free(&cmd);

	argc = front_split("-A INPUT -p 44", &argv);
	front_log_capture();
	assert_int_equal(bf_command_parse_family(argc, argv, BF_FAMILY_IPV6, &cmd), 0);
	front_free_words(argc, argv);
	/* ip6tables-legacy 1.8.9 prints this on stderr and goes on. */
	assert_string_equal(front_warnings(), "Warning: never matched protocol: 44. "
			    "use extension match instead.");
	assert_int_equal(cmd.rules[0]->ip.family, BF_FAMILY_IPV6);
	bf_command_free(&cmd);

	/* IPv4 rules carry their family too. */
	cmd = parse("-A INPUT -p all", 0);
	assert_int_equal(cmd.rules[0]->ip.family, BF_FAMILY_IPV4);
	assert_false(cmd.rules[0]->ip.flags & BF_F_PROTO);
	bf_command_free(&cmd);
}

/* Targets: a verdict, a chain (resolved by bf_command_exec), -g. */
static void targets(void **state)
{
	struct bf_command cmd = parse("-A INPUT -j RETURN", 0);

	assert_int_equal(cmd.rules[0]->target.verdict, BF_VERDICT_RETURN);
	bf_command_free(&cmd);
	cmd = parse("-A INPUT -j mychain", 0);
	assert_int_equal(cmd.rules[0]->target.verdict, BF_VERDICT_JUMP);
	assert_string_equal(cmd.rules[0]->target.chain, "mychain");
	assert_false(cmd.rules[0]->ip.flags & BF_F_GOTO);
	bf_command_free(&cmd);
	cmd = parse("-A INPUT -g ACCEPT", 0);
	assert_int_equal(cmd.rules[0]->target.verdict, BF_VERDICT_JUMP);
	assert_string_equal(cmd.rules[0]->target.chain, "ACCEPT");
	assert_true(cmd.rules[0]->ip.flags & BF_F_GOTO);
	bf_command_free(&cmd);
	cmd = parse("-A INPUT", 0);
	assert_int_equal(cmd.rules[0]->target.verdict, BF_VERDICT_NONE);
	bf_command_free(&cmd);
}

/* A warning does not stop the command, as in iptables. */
static void warnings(void **state)
{
	struct bf_command cmd = parse("-A INPUT -i a/b -j ACCEPT", 0);

	assert_string_equal(front_warnings(), "Warning: weird character in interface `a/b' "
			    "('/' and ' ' are not allowed by the kernel).");
	bf_command_free(&cmd);
}

/* The parser takes argv as it is and leaves it alone. */
static void argv_untouched(void **state)
{
	char a0[] = "iptables", a1[] = "-A", a2[] = "INPUT", a3[] = "!", a4[] = "-p",
	     a5[] = "TCP", a6[] = "-j", a7[] = "ACCEPT";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, NULL};
	struct bf_command cmd;

	assert_int_equal(bf_command_parse(8, argv, &cmd), 0);
	assert_string_equal(a3, "!");
	assert_string_equal(a5, "TCP");
	bf_command_free(&cmd);
	/* And can parse again (getopt state is reset). */
	assert_int_equal(bf_command_parse(8, argv, &cmd), 0);
	assert_int_equal(cmd.n_rules, 1);
	bf_command_free(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(like_iptables),
		cmocka_unit_test(like_ip6tables),
		cmocka_unit_test(address_expansion),
		cmocka_unit_test(command_fields),
		cmocka_unit_test(not_supported),
		cmocka_unit_test(inverted_full_port_range),
		cmocka_unit_test(ipv6_rules),
		cmocka_unit_test(targets),
		cmocka_unit_test(warnings),
		cmocka_unit_test(argv_untouched),
	};

	/* Names that do not resolve ask DNS, as iptables does: keep it short
	 * where no server answers. */
	setenv("RES_OPTIONS", "timeout:1 attempts:1", 0);
	front_log_capture();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
