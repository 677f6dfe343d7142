/* The header matches (sctp, esp, ah, frag, hbh, dst, rt, ipv6header, mh)
 * and the REJECT and LOG targets: parse -> save, parse -> -L print
 * (names and numeric), and refusals with their messages, calling each
 * extension's ops directly as the parser does.
 *
 * Every row of `cases` was produced by running the rule with
 * iptables-legacy / ip6tables-legacy 1.8.9 in a scratch network
 * namespace on an empty table: `-A INPUT [-p PROTO] -m NAME OPTS` (or
 * `-j NAME OPTS`), then -S (save text after "-m NAME"/"-j NAME"), -L and
 * -L -n (text after the destination column); for refusals, its exit code
 * and message without the "iptables v1.8.9 (legacy): " prefix and the
 * "Try" line, and what it printed before (a warning). Exit code 1 is what
 * the kernel refuses ("Invalid argument"), which bpfilter reports as
 * -EPROTO. Rules the kernel refuses for lack of -p are the front end's
 * check and are not here. */
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

#include "ext/ext.h"
#include "lib/front_util.h"

struct ext_case {
	int family; /* 4 or 6 */
	char kind;  /* 'm' match, 'j' target */
	const char *name;
	const char *proto; /* -p, "" for none */
	const char *opts;
	int rc;            /* iptables' exit code */
	const char *msg;   /* its message when rc != 0 */
	const char *warn;  /* what it printed besides, or NULL */
	const char *save;  /* after "-m NAME" / "-j NAME" */
	const char *print; /* -L, after the destination column */
	const char *nprint; /* -L -n */
};

static const struct ext_case cases[] = {
// esp
	{4, 'm', "esp", "esp", "--espspi 0", 0, NULL, NULL, " --espspi 0", " esp spi:0", " esp spi:0"},
	{4, 'm', "esp", "esp", "--espspi :32", 0, NULL, NULL, " --espspi 0:32", " esp spis:0:32", " esp spis:0:32"},
	{4, 'm', "esp", "esp", "--espspi 0:4294967295", 0, NULL, NULL, "", " esp", " esp"},
	{4, 'm', "esp", "esp", "! --espspi 0:4294967294", 0, NULL, NULL, " ! --espspi 0:4294967294", " esp spis:!0:4294967294", " esp spis:!0:4294967294"},
	{4, 'm', "esp", "esp", "--espspi -1", 2, "esp: bad value for option \"--espspi\" near \"-1\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "--espspi :", 0, NULL, NULL, "", " esp", " esp"},
	{4, 'm', "esp", "esp", "! --espspi :", 0, NULL, NULL, "", " esp spis:!0:4294967295", " esp spis:!0:4294967295"},
	{4, 'm', "esp", "esp", "--espspi 4:", 0, NULL, NULL, " --espspi 4:4294967295", " esp spis:4:4294967295", " esp spis:4:4294967295"},
	{4, 'm', "esp", "esp", "--espspi 4:4", 0, NULL, NULL, " --espspi 4", " esp spi:4", " esp spi:4"},
	{4, 'm', "esp", "esp", "--espspi 4:3", 0, NULL, NULL, " --espspi 4:3", " esp spis:4:3", " esp spis:4:3"},
	{4, 'm', "esp", "esp", "--espspi 0x10:010", 0, NULL, NULL, " --espspi 16:8", " esp spis:16:8", " esp spis:16:8"},
	{4, 'm', "esp", "esp", "--espspi \" 8\"", 0, NULL, NULL, " --espspi 8", " esp spi:8", " esp spi:8"},
	{4, 'm', "esp", "esp", "--espspi \"9 \"", 2, "esp: Argument to \"--espspi\" has unexpected characters near \" \".\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "--espspi 0x", 2, "esp: Argument to \"--espspi\" has unexpected characters near \"x\".\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "--espspi +5", 0, NULL, NULL, " --espspi 5", " esp spi:5", " esp spi:5"},
	{4, 'm', "esp", "esp", "--espspi 1:2:3", 2, "esp: Too many components for option \"--espspi\" (max: 2)\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "--espspi 4294967296", 2, "esp: bad value for option \"--espspi\" near \"4294967296\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "--espspi abc", 2, "esp: bad value for option \"--espspi\" near \"abc\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "--espspi \"\"", 0, NULL, NULL, " --espspi 0", " esp spi:0", " esp spi:0"},
	{4, 'm', "esp", "esp", "--espspi 1 --espspi 2", 2, "esp: option \"--espspi\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{4, 'm', "esp", "esp", "", 0, NULL, NULL, "", " esp", " esp"},
	{6, 'm', "esp", "esp", "--espspi 7", 0, NULL, NULL, " --espspi 7", " esp spi:7", " esp spi:7"},
	{6, 'm', "esp", "esp", "! --espspi 1:2", 0, NULL, NULL, " ! --espspi 1:2", " esp spis:!1:2", " esp spis:!1:2"},
	{6, 'm', "esp", "esp", "--espspi 1:x", 2, "esp: bad value for option \"--espspi\" near \"x\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
// ah (IPv4)
	{4, 'm', "ah", "ah", "--ahspi 0", 0, NULL, NULL, " --ahspi 0", " ah spi:0", " ah spi:0"},
	{4, 'm', "ah", "ah", "--ahspi 4294967295", 0, NULL, NULL, " --ahspi 4294967295", " ah spi:4294967295", " ah spi:4294967295"},
	{4, 'm', "ah", "ah", "! --ahspi 0", 0, NULL, NULL, " ! --ahspi 0", " ah spi:!0", " ah spi:!0"},
	{4, 'm', "ah", "ah", "! --ahspi :", 0, NULL, NULL, "", " ah spis:!0:4294967295", " ah spis:!0:4294967295"},
	{4, 'm', "ah", "ah", "--ahspi 3:", 0, NULL, NULL, " --ahspi 3:4294967295", " ah spis:3:4294967295", " ah spis:3:4294967295"},
	{4, 'm', "ah", "ah", "--ahspi 4:3", 0, NULL, NULL, " --ahspi 4:3", " ah spis:4:3", " ah spis:4:3"},
	{4, 'm', "ah", "ah", "--ahspi invalid", 2, "ah: bad value for option \"--ahspi\" near \"invalid\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{4, 'm', "ah", "ah", "--ahspi 0:invalid", 2, "ah: bad value for option \"--ahspi\" near \"invalid\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{4, 'm', "ah", "ah", "--ahspi 1 --ahspi 1", 2, "ah: option \"--ahspi\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{4, 'm', "ah", "ah", "", 0, NULL, NULL, "", " ah ", " ah "},
// ah (IPv6)
	{6, 'm', "ah", "", "--ahspi 0", 0, NULL, NULL, " --ahspi 0", " ah spi:0", " ah spi:0"},
	{6, 'm', "ah", "", "! --ahspi 0", 0, NULL, NULL, " ! --ahspi 0", " ah spi:!0", " ah spi:!0"},
	{6, 'm', "ah", "", "! --ahspi :", 0, NULL, NULL, "", " ah spis:!0:4294967295", " ah spis:!0:4294967295"},
	{6, 'm', "ah", "", "--ahspi 3:3", 0, NULL, NULL, " --ahspi 3", " ah spi:3", " ah spi:3"},
	{6, 'm', "ah", "", "--ahlen 32", 0, NULL, NULL, " --ahlen 32", " ah length:32", " ah length:32"},
	{6, 'm', "ah", "", "! --ahlen 0", 0, NULL, NULL, " ! --ahlen 0", " ah length:!0", " ah length:!0"},
	{6, 'm', "ah", "", "--ahlen 0", 0, NULL, NULL, "", " ah ", " ah "},
	{6, 'm', "ah", "", "--ahres", 0, NULL, NULL, " --ahres", " ah  reserved", " ah  reserved"},
	{6, 'm', "ah", "", "! --ahres", 2, "ah: option \"--ahres\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ah", "", "--ahres --ahres", 2, "ah: option \"--ahres\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ah", "", "--ahspi 1:2 ! --ahlen 0 --ahres", 0, NULL, NULL, " --ahspi 1:2 ! --ahlen 0 --ahres", " ah spis:1:2length:!0 reserved", " ah spis:1:2length:!0 reserved"},
	{6, 'm', "ah", "", "--ahspi 16: --ahlen 0x10", 0, NULL, NULL, " --ahspi 16:4294967295 --ahlen 16", " ah spis:16:4294967295length:16", " ah spis:16:4294967295length:16"},
	{6, 'm', "ah", "", "--ahlen abc", 2, "ah: bad value for option \"--ahlen\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ah", "", "--ahlen 4294967296", 2, "ah: bad value for option \"--ahlen\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ah", "", "--ahlen \"5 \"", 2, "ah: bad value for option \"--ahlen\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ah", "", "--ahlen \" 5\"", 0, NULL, NULL, " --ahlen 5", " ah length:5", " ah length:5"},
	{6, 'm', "ah", "", "--ahlen 010", 0, NULL, NULL, " --ahlen 8", " ah length:8", " ah length:8"},
	{6, 'm', "ah", "", "--ahspi 1:2:3", 2, "ah: Too many components for option \"--ahspi\" (max: 2)\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ah", "", "", 0, NULL, NULL, "", " ah ", " ah "},
// sctp ports
	{4, 'm', "sctp", "sctp", "--sport 1", 0, NULL, NULL, " --sport 1", " sctp spt:1", " sctp spt:1"},
	{4, 'm', "sctp", "sctp", "--source-port 65535", 0, NULL, NULL, " --sport 65535", " sctp spt:65535", " sctp spt:65535"},
	{4, 'm', "sctp", "sctp", "--sport 1:65535", 0, NULL, NULL, " --sport 1:65535", " sctp spts:1:65535", " sctp spts:1:65535"},
	{4, 'm', "sctp", "sctp", "--sport :", 0, NULL, NULL, " --sport 0:65535", " sctp", " sctp"},
	{4, 'm', "sctp", "sctp", "! --sport :", 0, NULL, NULL, " ! --sport 0:65535", " sctp spts:!0:65535", " sctp spts:!0:65535"},
	{4, 'm', "sctp", "sctp", "--sport -1", 2, "invalid port/service `-1' specified", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--sport 65536", 2, "invalid port/service `65536' specified", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--dport 80:90 ! --sport 5", 0, NULL, NULL, " ! --sport 5 --dport 80:90", " sctp spt:!5 dpts:80:90", " sctp spt:!5 dpts:80:90"},
	{4, 'm', "sctp", "sctp", "--destination-port 22", 0, NULL, NULL, " --dport 22", " sctp dpt:22", " sctp dpt:22"},
	{4, 'm', "sctp", "sctp", "--dport 10:5", 2, "invalid portrange (min > max)", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--dport 5 --dport 6", 2, "Only one `--destination-port' allowed", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--sport 5 --source-port 6", 2, "Only one `--source-port' allowed", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--sport http", 2, "invalid port/service `http' specified", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--dport 1:2:3", 2, "invalid port/service `2:3' specified", NULL, NULL, NULL, NULL},
	{4, 'm', "sctp", "sctp", "--dport 0x10", 0, NULL, NULL, " --dport 16", " sctp dpt:16", " sctp dpt:16"},
	{4, 'm', "sctp", "sctp", "", 0, NULL, NULL, "", " sctp", " sctp"},
	{6, 'm', "sctp", "sctp", "--dport 7 ! --sport 8:9", 0, NULL, NULL, " ! --sport 8:9 --dport 7", " sctp spts:!8:9 dpt:7", " sctp spts:!8:9 dpt:7"},
// frag
	{6, 'm', "frag", "", "--fragid :", 0, NULL, NULL, "", " frag ", " frag "},
	{6, 'm', "frag", "", "! --fragid :", 0, NULL, NULL, "", " frag ids:!0:4294967295", " frag ids:!0:4294967295"},
	{6, 'm', "frag", "", "--fragid :42", 0, NULL, NULL, " --fragid 0:42", " frag ids:0:42", " frag ids:0:42"},
	{6, 'm', "frag", "", "--fragid 42:", 0, NULL, NULL, " --fragid 42:4294967295", " frag ids:42:4294967295", " frag ids:42:4294967295"},
	{6, 'm', "frag", "", "--fragid 1:42", 0, NULL, NULL, " --fragid 1:42", " frag ids:1:42", " frag ids:1:42"},
	{6, 'm', "frag", "", "! --fragid 5", 0, NULL, NULL, " ! --fragid 5", " frag id:!5", " frag id:!5"},
	{6, 'm', "frag", "", "--fragid 3:3", 0, NULL, NULL, " --fragid 3", " frag id:3", " frag id:3"},
	{6, 'm', "frag", "", "--fragid 4:3", 0, NULL, NULL, " --fragid 4:3", " frag ids:4:3", " frag ids:4:3"},
	{6, 'm', "frag", "", "--fraglen 42", 0, NULL, NULL, " --fraglen 42", " frag  length:42", " frag  length:42"},
	{6, 'm', "frag", "", "! --fraglen 0", 0, NULL, NULL, " ! --fraglen 0", " frag  length:!0", " frag  length:!0"},
	{6, 'm', "frag", "", "--fraglen 0", 0, NULL, NULL, " --fraglen 0", " frag  length:0", " frag  length:0"},
	{6, 'm', "frag", "", "--fraglen x", 2, "frag: bad value for option \"--fraglen\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "--fragres", 0, NULL, NULL, " --fragres", " frag  reserved", " frag  reserved"},
	{6, 'm', "frag", "", "--fragfirst", 0, NULL, NULL, " --fragfirst", " frag  first", " frag  first"},
	{6, 'm', "frag", "", "--fragmore", 0, NULL, NULL, " --fragmore", " frag  more", " frag  more"},
	{6, 'm', "frag", "", "--fraglast", 0, NULL, NULL, " --fraglast", " frag  last", " frag  last"},
	{6, 'm', "frag", "", "! --fragid 1 ! --fraglen 42 --fragres --fragfirst", 0, NULL, NULL, " ! --fragid 1 ! --fraglen 42 --fragres --fragfirst", " frag id:!1 length:!42 reserved first", " frag id:!1 length:!42 reserved first"},
	{6, 'm', "frag", "", "--fragfirst --fragmore", 0, NULL, NULL, " --fragfirst --fragmore", " frag  first more", " frag  first more"},
	{6, 'm', "frag", "", "--fraglast --fragmore", 2, "frag: option \"--fragmore\" cannot be used together with \"--fraglast\".\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "--fragmore --fraglast", 2, "frag: option \"--fragmore\" cannot be used together with \"--fraglast\".\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "! --fragres", 2, "frag: option \"--fragres\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "! --fragmore", 2, "frag: option \"--fragmore\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "--fragfirst --fragfirst", 2, "frag: option \"--fragfirst\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "--fragid 1 --fragid 2", 2, "frag: option \"--fragid\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "frag", "", "", 0, NULL, NULL, "", " frag ", " frag "},
// hbh
	{6, 'm', "hbh", "", "", 0, NULL, NULL, "", " hbh", " hbh"},
	{6, 'm', "hbh", "", "--hbh-len 42", 0, NULL, NULL, " --hbh-len 42", " hbh length:42", " hbh length:42"},
	{6, 'm', "hbh", "", "! --hbh-len 0", 0, NULL, NULL, " ! --hbh-len 0", " hbh length:!0", " hbh length:!0"},
	{6, 'm', "hbh", "", "--hbh-len 42 --hbh-opts 1:2,23:42,4:6,8:10,42,23,4:5", 0, NULL, NULL, " --hbh-len 42 --hbh-opts 1:2,23:42,4:6,8:10,42,23,4:5", " hbh length:42 opts 1:2,23:42,4:6,8:10,42,23,4:5", " hbh length:42 opts 1:2,23:42,4:6,8:10,42,23,4:5"},
	{6, 'm', "hbh", "", "--hbh-opts 0", 0, NULL, NULL, " --hbh-opts 0", " hbh opts 0", " hbh opts 0"},
	{6, 'm', "hbh", "", "--hbh-opts 0:1", 2, "PAD0 has not got length", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 256:300", 2, "PAD0 has not got length", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1:300,2:255", 0, NULL, NULL, " --hbh-opts 1:44,2", " hbh opts 1:44,2", " hbh opts 1:44,2"},
	{6, 'm', "hbh", "", "--hbh-opts 0x10:0x20,010", 0, NULL, NULL, " --hbh-opts 16:32,8", " hbh opts 16:32,8", " hbh opts 16:32,8"},
	{6, 'm', "hbh", "", "--hbh-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", 0, NULL, NULL, " --hbh-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", " hbh opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", " hbh opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"},
	{6, 'm', "hbh", "", "--hbh-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", 2, "too many addresses specified", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:1", 0, NULL, NULL, " --hbh-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:1", " hbh opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:1", " hbh opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:1"},
	{6, 'm', "hbh", "", "--hbh-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16:1", 2, "too many ports specified", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts x", 2, "hbh: no valid digits in opt `x'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1:x", 2, "hbh: no valid digits in length `x'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1x", 2, "hbh: error parsing opt `1x'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1:2x", 2, "hbh: error parsing length `2x'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts \"\"", 2, "hbh: no valid digits in opt `'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1,", 2, "hbh: no valid digits in opt `'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1:", 2, "hbh: no valid digits in length `'", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "! --hbh-opts 1", 2, "hbh: option \"--hbh-opts\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1 --hbh-opts 2", 2, "hbh: option \"--hbh-opts\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 99999999999999999999999", 2, "opt `99999999999999999999999' specified too big: would overflow", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts 1:99999999999999999999999", 2, "length `99999999999999999999999' specified too big: would overflow", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-opts -1", 0, NULL, NULL, " --hbh-opts 255", " hbh opts 255", " hbh opts 255"},
	{6, 'm', "hbh", "", "--hbh-opts 1,2 --hbh-len 3", 0, NULL, NULL, " --hbh-len 3 --hbh-opts 1,2", " hbh length:3 opts 1,2", " hbh length:3 opts 1,2"},
	{6, 'm', "hbh", "", "--hbh-len 1 --hbh-len 2", 2, "hbh: option \"--hbh-len\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "hbh", "", "--hbh-len -1", 2, "hbh: bad value for option \"--hbh-len\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
// dst
	{6, 'm', "dst", "", "--dst-len 0", 0, NULL, NULL, " --dst-len 0", " dst length:0", " dst length:0"},
	{6, 'm', "dst", "", "--dst-opts 149:92,12:12,123:12", 0, NULL, NULL, " --dst-opts 149:92,12:12,123:12", " dst opts 149:92,12:12,123:12", " dst opts 149:92,12:12,123:12"},
	{6, 'm', "dst", "", "! --dst-len 42", 0, NULL, NULL, " ! --dst-len 42", " dst length:!42", " dst length:!42"},
	{6, 'm', "dst", "", "--dst-len 42 --dst-opts 149:92,12:12,123:12", 0, NULL, NULL, " --dst-len 42 --dst-opts 149:92,12:12,123:12", " dst length:42 opts 149:92,12:12,123:12", " dst length:42 opts 149:92,12:12,123:12"},
	{6, 'm', "dst", "", "! --dst-len 42 --dst-opts 1:255,2:256", 0, NULL, NULL, " ! --dst-len 42 --dst-opts 1,2:0", " dst length:!42 opts 1,2:0", " dst length:!42 opts 1,2:0"},
	{6, 'm', "dst", "", "--dst-opts x", 2, "dst: no valid digits in opt `x'", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts 1x", 2, "dst: error parsing opt `1x'", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts 99999999999999999999999", 2, "opt `99999999999999999999999' specified too big: would overflow", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts 1,,2", 2, "dst: no valid digits in opt `'", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts \" 1: 2\"", 0, NULL, NULL, " --dst-opts 1:2", " dst opts 1:2", " dst opts 1:2"},
	{6, 'm', "dst", "", "--dst-len x", 2, "dst: bad value for option \"--dst-len\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts 0:5", 2, "PAD0 hasn't got length", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", 2, "too many addresses specified", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "--dst-opts 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16:3", 2, "too many ports specified", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "! --dst-opts 1", 2, "dst: option \"--dst-opts\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "dst", "", "", 0, NULL, NULL, "", " dst", " dst"},
// rt
	{6, 'm', "rt", "", "--rt-type 0 --rt-segsleft 1:23 --rt-len 42 --rt-0-res", 0, NULL, NULL, " --rt-type 0 --rt-segsleft 1:23 --rt-len 42 --rt-0-res", " rt type:0 segslefts:1:23 length:42 reserved", " rt type:0 segslefts:1:23 length:42 reserved"},
	{6, 'm', "rt", "", "--rt-type 0 ! --rt-segsleft 1:23 ! --rt-len 42 --rt-0-res", 0, NULL, NULL, " --rt-type 0 ! --rt-segsleft 1:23 ! --rt-len 42 --rt-0-res", " rt type:0 segslefts:!1:23 length:!42 reserved", " rt type:0 segslefts:!1:23 length:!42 reserved"},
	{6, 'm', "rt", "", "! --rt-type 1 ! --rt-segsleft 12:23 ! --rt-len 42", 0, NULL, NULL, " ! --rt-type 1 ! --rt-segsleft 12:23 ! --rt-len 42", " rt type:!1 segslefts:!12:23 length:!42", " rt type:!1 segslefts:!12:23 length:!42"},
	{6, 'm', "rt", "", "", 0, NULL, NULL, "", " rt", " rt"},
	{6, 'm', "rt", "", "--rt-segsleft :", 0, NULL, NULL, "", " rt", " rt"},
	{6, 'm', "rt", "", "! --rt-segsleft :", 0, NULL, NULL, "", " rt segslefts:!0:4294967295", " rt segslefts:!0:4294967295"},
	{6, 'm', "rt", "", "--rt-segsleft :3", 0, NULL, NULL, " --rt-segsleft 0:3", " rt segslefts:0:3", " rt segslefts:0:3"},
	{6, 'm', "rt", "", "--rt-segsleft 3:", 0, NULL, NULL, " --rt-segsleft 3:4294967295", " rt segslefts:3:4294967295", " rt segslefts:3:4294967295"},
	{6, 'm', "rt", "", "--rt-segsleft 3:3", 0, NULL, NULL, " --rt-segsleft 3", " rt segsleft:3", " rt segsleft:3"},
	{6, 'm', "rt", "", "--rt-segsleft 4:3", 0, NULL, NULL, " --rt-segsleft 4:3", " rt segslefts:4:3", " rt segslefts:4:3"},
	{6, 'm', "rt", "", "--rt-0-res", 2, "`--rt-type 0' required before `--rt-0-res'", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 1 --rt-0-res", 2, "`--rt-type 0' required before `--rt-0-res'", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "! --rt-type 0 --rt-0-res", 2, "`--rt-type 0' required before `--rt-0-res'", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-0-res --rt-type 0", 2, "`--rt-type 0' required before `--rt-0-res'", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 ! --rt-0-res", 2, "rt: option \"--rt-0-res\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs 2001:db8::1,::1", 0, NULL, NULL, " --rt-type 0 --rt-0-addrs 2001:db8::1,::1", " rt type:0 0-addrs 2001:db8::1,::1", " rt type:0 0-addrs 2001:db8::1,::1"},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs 2001:db8::1 --rt-0-not-strict", 0, NULL, NULL, " --rt-type 0 --rt-0-addrs 2001:db8::1 --rt-0-not-strict", " rt type:0 0-addrs 2001:db8::1 0-not-strict", " rt type:0 0-addrs 2001:db8::1 0-not-strict"},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-not-strict", 2, "`--rt-0-addr ...' required before `--rt-0-not-strict'", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-0-not-strict", 2, "`--rt-0-addr ...' required before `--rt-0-not-strict'", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs foo", 2, "bad address: foo", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs 1.2.3.4", 2, "bad address: 1.2.3.4", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs ::1,::2,::3,::4,::5,::6,::7,::8,::9,::a,::b,::c,::d,::e,::f,::10", 0, NULL, NULL, " --rt-type 0 --rt-0-addrs ::1,::2,::3,::4,::5,::6,::7,::8,::9,::a,::b,::c,::d,::e,::f,::10", " rt type:0 0-addrs ::1,::2,::3,::4,::5,::6,::7,::8,::9,::a,::b,::c,::d,::e,::f,::10", " rt type:0 0-addrs ::1,::2,::3,::4,::5,::6,::7,::8,::9,::a,::b,::c,::d,::e,::f,::10"},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs ::1,::2,::3,::4,::5,::6,::7,::8,::9,::a,::b,::c,::d,::e,::f,::10,::11", 2, "too many addresses specified", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs \"\"", 2, "bad address: ", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs ::1,", 2, "bad address: ", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 0 --rt-0-addrs 2001:DB8:0:0:0:0:0:1", 0, NULL, NULL, " --rt-type 0 --rt-0-addrs 2001:db8::1", " rt type:0 0-addrs 2001:db8::1", " rt type:0 0-addrs 2001:db8::1"},
	{6, 'm', "rt", "", "--rt-type 0 ! --rt-0-addrs ::1", 2, "rt: option \"--rt-0-addrs\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 256", 0, NULL, NULL, " --rt-type 256", " rt type:256", " rt type:256"},
	{6, 'm', "rt", "", "--rt-type 4294967295", 0, NULL, NULL, " --rt-type 4294967295", " rt type:-1", " rt type:-1"},
	{6, 'm', "rt", "", "--rt-type 4294967296", 2, "rt: bad value for option \"--rt-type\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-type 1 --rt-type 1", 2, "rt: option \"--rt-type\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "rt", "", "--rt-len x", 2, "rt: bad value for option \"--rt-len\", or out of range (0-4294967295).\n", NULL, NULL, NULL, NULL},
// ipv6header
	{6, 'm', "ipv6header", "", "--header hop-by-hop", 0, NULL, NULL, " --header hop-by-hop", " ipv6header flags:hop-by-hop", " ipv6header flags:0x80"},
	{6, 'm', "ipv6header", "", "--header hop-by-hop --soft", 0, NULL, NULL, " --header hop-by-hop --soft", " ipv6header flags:hop-by-hop soft", " ipv6header flags:0x80 soft"},
	{6, 'm', "ipv6header", "", "--header ipv6-nonxt", 0, NULL, NULL, " --header ipv6-nonxt", " ipv6header flags:ipv6-nonxt", " ipv6header flags:0x02"},
	{6, 'm', "ipv6header", "", "! --header hop,dst,route,frag,auth,esp,none,prot", 0, NULL, NULL, " ! --header hop-by-hop,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", " ipv6header flags:!hop-by-hop,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", " ipv6header flags:!0xFF"},
	{6, 'm', "ipv6header", "", "--header 0,60,43,44,51,50,59,255", 0, NULL, NULL, " --header hop-by-hop,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", " ipv6header flags:hop-by-hop,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", " ipv6header flags:0xFF"},
	{6, 'm', "ipv6header", "", "--header hopopt,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", 0, NULL, NULL, " --header hop-by-hop,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", " ipv6header flags:hop-by-hop,ipv6-opts,ipv6-route,ipv6-frag,ah,esp,ipv6-nonxt,protocol", " ipv6header flags:0xFF"},
	{6, 'm', "ipv6header", "", "--header route,frag --soft", 0, NULL, NULL, " --header ipv6-route,ipv6-frag --soft", " ipv6header flags:ipv6-route,ipv6-frag soft", " ipv6header flags:0x30 soft"},
	{6, 'm', "ipv6header", "", "--soft --header auth", 0, NULL, NULL, " --header ah --soft", " ipv6header flags:ah soft", " ipv6header flags:0x08 soft"},
	{6, 'm', "ipv6header", "", "--header tcp", 2, "unknown header `6' specified", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header foo", 2, "unknown header `foo' specified", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header \"\"", 2, "ip6t_ipv6header: cannot parse header names", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header ,", 2, "ip6t_ipv6header: cannot parse header names", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--soft", 2, "ipv6header: option \"--header\" must be specified\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "", 2, "ipv6header: option \"--header\" must be specified\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "! --soft --header esp", 2, "ipv6header: option \"--soft\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header esp --header ah", 2, "ipv6header: option \"--header\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header HOP", 2, "unknown header `HOP' specified", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header 6", 2, "unknown header `6' specified", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header ipv6", 2, "unknown header `41' specified", NULL, NULL, NULL, NULL},
	{6, 'm', "ipv6header", "", "--header dst,,esp", 0, NULL, NULL, " --header ipv6-opts,esp", " ipv6header flags:ipv6-opts,esp", " ipv6header flags:0x44"},
	{6, 'm', "ipv6header", "", "--header IPv6-Route", 0, NULL, NULL, " --header ipv6-route", " ipv6header flags:ipv6-route", " ipv6header flags:0x20"},
// mh
	{6, 'm', "mh", "mh", "", 0, NULL, NULL, "", " mh", " mh"},
	{6, 'm', "mh", "mh", "--mh-type 1", 0, NULL, NULL, " --mh-type 1", " mh home-test-init", " mh 1"},
	{6, 'm', "mh", "mh", "! --mh-type 4", 0, NULL, NULL, " ! --mh-type 4", " mh !careof-test", " mh !4"},
	{6, 'm', "mh", "mh", "--mh-type 4:123", 0, NULL, NULL, " --mh-type 4:123", " mh careof-test:123", " mh 4:123"},
	{6, 'm', "mh", "mh", "--mh-type :", 0, NULL, NULL, "", " mh", " mh"},
	{6, 'm', "mh", "mh", "! --mh-type :", 0, NULL, NULL, "", " mh !binding-refresh-request:255", " mh !0:255"},
	{6, 'm', "mh", "mh", "--mh-type :3", 0, NULL, NULL, " --mh-type 0:3", " mh binding-refresh-request:home-test", " mh 0:3"},
	{6, 'm', "mh", "mh", "--mh-type 3:", 0, NULL, NULL, " --mh-type 3:255", " mh home-test:255", " mh 3:255"},
	{6, 'm', "mh", "mh", "--mh-type 3:3", 0, NULL, NULL, " --mh-type 3", " mh home-test", " mh 3"},
	{6, 'm', "mh", "mh", "--mh-type 4:3", 2, "Invalid MH type range (min > max)", NULL, NULL, NULL, NULL},
	{6, 'm', "mh", "mh", "--mh-type binding-refresh-request:be", 0, NULL, NULL, " --mh-type 0:7", " mh binding-refresh-request:binding-error", " mh 0:7"},
	{6, 'm', "mh", "mh", "--mh-type brr", 0, NULL, NULL, " --mh-type 0", " mh binding-refresh-request", " mh 0"},
	{6, 'm', "mh", "mh", "--mh-type b", 0, NULL, NULL, " --mh-type 0", " mh binding-refresh-request", " mh 0"},
	{6, 'm', "mh", "mh", "--mh-type HOME-TEST", 0, NULL, NULL, " --mh-type 3", " mh home-test", " mh 3"},
	{6, 'm', "mh", "mh", "--mh-type ho", 0, NULL, NULL, " --mh-type 1", " mh home-test-init", " mh 1"},
	{6, 'm', "mh", "mh", "--mh-type careof-test-init:cot", 0, NULL, NULL, " --mh-type 2:4", " mh careof-test-init:careof-test", " mh 2:4"},
	{6, 'm', "mh", "mh", "--mh-type bu:ba", 0, NULL, NULL, " --mh-type 5:6", " mh binding-update:binding-acknowledgement", " mh 5:6"},
	{6, 'm', "mh", "mh", "--mh-type 256", 2, "Invalid MH type `256'", NULL, NULL, NULL, NULL},
	{6, 'm', "mh", "mh", "--mh-type foo", 2, "Invalid MH type `foo'", NULL, NULL, NULL, NULL},
	{6, 'm', "mh", "mh", "--mh-type 0x10", 0, NULL, NULL, " --mh-type 16", " mh 16", " mh 16"},
	{6, 'm', "mh", "mh", "--mh-type \"\"", 0, NULL, NULL, " --mh-type 0", " mh binding-refresh-request", " mh 0"},
	{6, 'm', "mh", "mh", "--mh-type 1:2:3", 2, "Invalid MH type `2:3'", NULL, NULL, NULL, NULL},
	{6, 'm', "mh", "mh", "--mh-type 1 --mh-type 2", 2, "mh: option \"--mh-type\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'm', "mh", "mh", "--mh-type 8:255", 0, NULL, NULL, " --mh-type 8:255", " mh 8:255", " mh 8:255"},
// REJECT (IPv4)
	{4, 'j', "REJECT", "", "", 0, NULL, NULL, " --reject-with icmp-port-unreachable", " reject-with icmp-port-unreachable", " reject-with icmp-port-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with icmp-net-unreachable", 0, NULL, NULL, " --reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with net-unreach", 0, NULL, NULL, " --reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with icmp-host-unreachable", 0, NULL, NULL, " --reject-with icmp-host-unreachable", " reject-with icmp-host-unreachable", " reject-with icmp-host-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with host-unreach", 0, NULL, NULL, " --reject-with icmp-host-unreachable", " reject-with icmp-host-unreachable", " reject-with icmp-host-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with icmp-proto-unreachable", 0, NULL, NULL, " --reject-with icmp-proto-unreachable", " reject-with icmp-proto-unreachable", " reject-with icmp-proto-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with proto-unreach", 0, NULL, NULL, " --reject-with icmp-proto-unreachable", " reject-with icmp-proto-unreachable", " reject-with icmp-proto-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with icmp-port-unreachable", 0, NULL, NULL, " --reject-with icmp-port-unreachable", " reject-with icmp-port-unreachable", " reject-with icmp-port-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with port-unreach", 0, NULL, NULL, " --reject-with icmp-port-unreachable", " reject-with icmp-port-unreachable", " reject-with icmp-port-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with icmp-net-prohibited", 0, NULL, NULL, " --reject-with icmp-net-prohibited", " reject-with icmp-net-prohibited", " reject-with icmp-net-prohibited"},
	{4, 'j', "REJECT", "", "--reject-with net-prohib", 0, NULL, NULL, " --reject-with icmp-net-prohibited", " reject-with icmp-net-prohibited", " reject-with icmp-net-prohibited"},
	{4, 'j', "REJECT", "", "--reject-with icmp-host-prohibited", 0, NULL, NULL, " --reject-with icmp-host-prohibited", " reject-with icmp-host-prohibited", " reject-with icmp-host-prohibited"},
	{4, 'j', "REJECT", "", "--reject-with host-prohib", 0, NULL, NULL, " --reject-with icmp-host-prohibited", " reject-with icmp-host-prohibited", " reject-with icmp-host-prohibited"},
	{4, 'j', "REJECT", "", "--reject-with icmp-admin-prohibited", 0, NULL, NULL, " --reject-with icmp-admin-prohibited", " reject-with icmp-admin-prohibited", " reject-with icmp-admin-prohibited"},
	{4, 'j', "REJECT", "", "--reject-with admin-prohib", 0, NULL, NULL, " --reject-with icmp-admin-prohibited", " reject-with icmp-admin-prohibited", " reject-with icmp-admin-prohibited"},
	{4, 'j', "REJECT", "tcp", "--reject-with tcp-reset", 0, NULL, NULL, " --reject-with tcp-reset", " reject-with tcp-reset", " reject-with tcp-reset"},
	{4, 'j', "REJECT", "tcp", "--reject-with tcp-rst", 0, NULL, NULL, " --reject-with tcp-reset", " reject-with tcp-reset", " reject-with tcp-reset"},
	{4, 'j', "REJECT", "tcp", "--reject-with tcp", 0, NULL, NULL, " --reject-with tcp-reset", " reject-with tcp-reset", " reject-with tcp-reset"},
	{4, 'j', "REJECT", "", "--reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL, NULL, NULL},
	{4, 'j', "REJECT", "udp", "--reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "--reject-with \"\"", 0, NULL, NULL, " --reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with icmp", 0, NULL, NULL, " --reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with ICMP-NET-UNREACH", 0, NULL, NULL, " --reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable", " reject-with icmp-net-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with host", 0, NULL, NULL, " --reject-with icmp-host-unreachable", " reject-with icmp-host-unreachable", " reject-with icmp-host-unreachable"},
	{4, 'j', "REJECT", "", "--reject-with a", 0, NULL, NULL, " --reject-with icmp-admin-prohibited", " reject-with icmp-admin-prohibited", " reject-with icmp-admin-prohibited"},
	{4, 'j', "REJECT", "", "--reject-with echo-reply", 2, "unknown reject type \"echo-reply\"", "--reject-with echo-reply no longer supported", NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "--reject-with echoreply", 2, "unknown reject type \"echoreply\"", "--reject-with echo-reply no longer supported", NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "--reject-with echo", 2, "unknown reject type \"echo\"", "--reject-with echo-reply no longer supported", NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "--reject-with x", 2, "unknown reject type \"x\"", NULL, NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "--reject-with icmp-port-unreachablex", 2, "unknown reject type \"icmp-port-unreachablex\"", NULL, NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "! --reject-with tcp-reset", 2, "REJECT: option \"--reject-with\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{4, 'j', "REJECT", "", "--reject-with host-prohib --reject-with net-prohib", 2, "REJECT: option \"--reject-with\" can only be used once.\n", NULL, NULL, NULL, NULL},
// REJECT (IPv6)
	{6, 'j', "REJECT", "", "", 0, NULL, NULL, " --reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-no-route", 0, NULL, NULL, " --reject-with icmp6-no-route", " reject-with icmp6-no-route", " reject-with icmp6-no-route"},
	{6, 'j', "REJECT", "", "--reject-with no-route", 0, NULL, NULL, " --reject-with icmp6-no-route", " reject-with icmp6-no-route", " reject-with icmp6-no-route"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-adm-prohibited", 0, NULL, NULL, " --reject-with icmp6-adm-prohibited", " reject-with icmp6-adm-prohibited", " reject-with icmp6-adm-prohibited"},
	{6, 'j', "REJECT", "", "--reject-with adm-prohibited", 0, NULL, NULL, " --reject-with icmp6-adm-prohibited", " reject-with icmp6-adm-prohibited", " reject-with icmp6-adm-prohibited"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-addr-unreachable", 0, NULL, NULL, " --reject-with icmp6-addr-unreachable", " reject-with icmp6-addr-unreachable", " reject-with icmp6-addr-unreachable"},
	{6, 'j', "REJECT", "", "--reject-with addr-unreach", 0, NULL, NULL, " --reject-with icmp6-addr-unreachable", " reject-with icmp6-addr-unreachable", " reject-with icmp6-addr-unreachable"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-port-unreachable", 0, NULL, NULL, " --reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable"},
	{6, 'j', "REJECT", "", "--reject-with port-unreach", 0, NULL, NULL, " --reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-policy-fail", 0, NULL, NULL, " --reject-with icmp6-policy-fail", " reject-with icmp6-policy-fail", " reject-with icmp6-policy-fail"},
	{6, 'j', "REJECT", "", "--reject-with policy-fail", 0, NULL, NULL, " --reject-with icmp6-policy-fail", " reject-with icmp6-policy-fail", " reject-with icmp6-policy-fail"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-reject-route", 0, NULL, NULL, " --reject-with icmp6-reject-route", " reject-with icmp6-reject-route", " reject-with icmp6-reject-route"},
	{6, 'j', "REJECT", "", "--reject-with reject-route", 0, NULL, NULL, " --reject-with icmp6-reject-route", " reject-with icmp6-reject-route", " reject-with icmp6-reject-route"},
	{6, 'j', "REJECT", "tcp", "--reject-with tcp-reset", 0, NULL, NULL, " --reject-with tcp-reset", " reject-with tcp-reset", " reject-with tcp-reset"},
	{6, 'j', "REJECT", "tcp", "--reject-with tcp-rst", 2, "unknown reject type \"tcp-rst\"", NULL, NULL, NULL, NULL},
	{6, 'j', "REJECT", "", "--reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL, NULL, NULL},
	{6, 'j', "REJECT", "udp", "--reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information.", NULL, NULL, NULL, NULL},
	{6, 'j', "REJECT", "", "--reject-with \"\"", 0, NULL, NULL, " --reject-with icmp6-no-route", " reject-with icmp6-no-route", " reject-with icmp6-no-route"},
	{6, 'j', "REJECT", "", "--reject-with icmp6", 0, NULL, NULL, " --reject-with icmp6-no-route", " reject-with icmp6-no-route", " reject-with icmp6-no-route"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-p", 0, NULL, NULL, " --reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable", " reject-with icmp6-port-unreachable"},
	{6, 'j', "REJECT", "", "--reject-with a", 0, NULL, NULL, " --reject-with icmp6-adm-prohibited", " reject-with icmp6-adm-prohibited", " reject-with icmp6-adm-prohibited"},
	{6, 'j', "REJECT", "", "--reject-with NO-ROUTE", 0, NULL, NULL, " --reject-with icmp6-no-route", " reject-with icmp6-no-route", " reject-with icmp6-no-route"},
	{6, 'j', "REJECT", "", "--reject-with icmp6-not-neighbour", 2, "unknown reject type \"icmp6-not-neighbour\"", NULL, NULL, NULL, NULL},
	{6, 'j', "REJECT", "", "--reject-with echo-reply", 2, "unknown reject type \"echo-reply\"", NULL, NULL, NULL, NULL},
	{6, 'j', "REJECT", "", "! --reject-with no-route", 2, "REJECT: option \"--reject-with\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{6, 'j', "REJECT", "", "--reject-with no-route --reject-with no-route", 2, "REJECT: option \"--reject-with\" can only be used once.\n", NULL, NULL, NULL, NULL},
// LOG
	{4, 'j', "LOG", "", "", 0, NULL, NULL, "", " LOG level warn", " LOG flags 0 level 4"},
	{4, 'j', "LOG", "", "--log-prefix \"test: \"", 0, NULL, NULL, " --log-prefix \"test: \"", " LOG level warn prefix \"test: \"", " LOG flags 0 level 4 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-level 1", 0, NULL, NULL, " --log-prefix \"test: \" --log-level 1", " LOG level alert prefix \"test: \"", " LOG flags 0 level 1 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-level alert", 0, NULL, NULL, " --log-prefix \"test: \" --log-level 1", " LOG level alert prefix \"test: \"", " LOG flags 0 level 1 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-tcp-sequence", 0, NULL, NULL, " --log-prefix \"test: \" --log-tcp-sequence", " LOG level warn tcp-sequence prefix \"test: \"", " LOG flags 1 level 4 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-tcp-options", 0, NULL, NULL, " --log-prefix \"test: \" --log-tcp-options", " LOG level warn tcp-options prefix \"test: \"", " LOG flags 2 level 4 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-ip-options", 0, NULL, NULL, " --log-prefix \"test: \" --log-ip-options", " LOG level warn ip-options prefix \"test: \"", " LOG flags 4 level 4 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-uid", 0, NULL, NULL, " --log-prefix \"test: \" --log-uid", " LOG level warn uid prefix \"test: \"", " LOG flags 8 level 4 prefix \"test: \""},
	{4, 'j', "LOG", "", "--log-prefix \"test: \" --log-level bad", 2, "log level \"bad\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-prefix \"\"", 2, "Argument must have a minimum length of 1 characters\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-prefix 123456789012345678901234567890", 0, NULL, NULL, " --log-prefix 12345678901234567890123456789", " LOG level warn prefix \"12345678901234567890123456789\"", " LOG flags 0 level 4 prefix \"12345678901234567890123456789\""},
	{4, 'j', "LOG", "", "--log-prefix 12345678901234567890123456789", 0, NULL, NULL, " --log-prefix 12345678901234567890123456789", " LOG level warn prefix \"12345678901234567890123456789\"", " LOG flags 0 level 4 prefix \"12345678901234567890123456789\""},
	{4, 'j', "LOG", "", "--log-prefix 'a\"b\\\\c d'", 0, NULL, NULL, " --log-prefix \"a\\\"b\\\\\\\\c d\"", " LOG level warn prefix \"a\"b\\\\c d\"", " LOG flags 0 level 4 prefix \"a\"b\\\\c d\""},
	{4, 'j', "LOG", "", "--log-prefix \"it's\"", 0, NULL, NULL, " --log-prefix \"it\\'s\"", " LOG level warn prefix \"it's\"", " LOG flags 0 level 4 prefix \"it's\""},
	{4, 'j', "LOG", "", "--log-prefix a_b-C9", 0, NULL, NULL, " --log-prefix a_b-C9", " LOG level warn prefix \"a_b-C9\"", " LOG flags 0 level 4 prefix \"a_b-C9\""},
	{4, 'j', "LOG", "", "--log-prefix a.b", 0, NULL, NULL, " --log-prefix \"a.b\"", " LOG level warn prefix \"a.b\"", " LOG flags 0 level 4 prefix \"a.b\""},
	{4, 'j', "LOG", "", "--log-prefix \" \"", 0, NULL, NULL, " --log-prefix \" \"", " LOG level warn prefix \" \"", " LOG flags 0 level 4 prefix \" \""},
	{4, 'j', "LOG", "", "--log-prefix -x", 0, NULL, NULL, " --log-prefix -x", " LOG level warn prefix \"-x\"", " LOG flags 0 level 4 prefix \"-x\""},
	{4, 'j', "LOG", "", "--log-level 4", 0, NULL, NULL, "", " LOG level warn", " LOG flags 0 level 4"},
	{4, 'j', "LOG", "", "--log-level warning", 0, NULL, NULL, "", " LOG level warn", " LOG flags 0 level 4"},
	{4, 'j', "LOG", "", "--log-level WARN", 2, "log level \"WARN\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-level warn", 2, "log level \"warn\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-level err", 2, "log level \"err\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-level error", 0, NULL, NULL, " --log-level 3", " LOG level err", " LOG flags 0 level 3"},
	{4, 'j', "LOG", "", "--log-level 8", 2, "log level \"8\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-level 0x7", 0, NULL, NULL, " --log-level 7", " LOG level debug", " LOG flags 0 level 7"},
	{4, 'j', "LOG", "", "--log-level \" 3\"", 0, NULL, NULL, " --log-level 3", " LOG level err", " LOG flags 0 level 3"},
	{4, 'j', "LOG", "", "--log-level +3", 0, NULL, NULL, " --log-level 3", " LOG level err", " LOG flags 0 level 3"},
	{4, 'j', "LOG", "", "--log-level -0", 2, "log level \"-0\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-level \"\"", 2, "log level \"\" unknown\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-level emerg", 0, NULL, NULL, " --log-level 0", " LOG level emerg", " LOG flags 0 level 0"},
	{4, 'j', "LOG", "", "--log-level crit", 0, NULL, NULL, " --log-level 2", " LOG level crit", " LOG flags 0 level 2"},
	{4, 'j', "LOG", "", "--log-level notice", 0, NULL, NULL, " --log-level 5", " LOG level notice", " LOG flags 0 level 5"},
	{4, 'j', "LOG", "", "--log-level info", 0, NULL, NULL, " --log-level 6", " LOG level info", " LOG flags 0 level 6"},
	{4, 'j', "LOG", "", "--log-level debug", 0, NULL, NULL, " --log-level 7", " LOG level debug", " LOG flags 0 level 7"},
	{4, 'j', "LOG", "", "--log-level panic --log-uid --log-macdecode --log-ip-options --log-tcp-options --log-tcp-sequence", 0, NULL, NULL, " --log-level 0 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode", " LOG level emerg tcp-sequence tcp-options ip-options uid macdecode", " LOG flags 47 level 0"},
	{4, 'j', "LOG", "", "--log-macdecode", 0, NULL, NULL, " --log-macdecode", " LOG level warn macdecode", " LOG flags 32 level 4"},
	{4, 'j', "LOG", "", "--log-level error --log-level 2", 2, "LOG: option \"--log-level\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "! --log-uid", 2, "LOG: option \"--log-uid\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "! --log-prefix x", 2, "LOG: option \"--log-prefix\" cannot be inverted.\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-uid --log-uid", 2, "LOG: option \"--log-uid\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{4, 'j', "LOG", "", "--log-prefix a --log-prefix b", 2, "LOG: option \"--log-prefix\" can only be used once.\n", NULL, NULL, NULL, NULL},
	{6, 'j', "LOG", "", "--log-prefix \"v6 \" --log-level 7 --log-tcp-options", 0, NULL, NULL, " --log-prefix \"v6 \" --log-level 7 --log-tcp-options", " LOG level debug tcp-options prefix \"v6 \"", " LOG flags 2 level 7 prefix \"v6 \""},
	{6, 'j', "LOG", "", "--log-level emerg --log-macdecode --log-uid", 0, NULL, NULL, " --log-level 0 --log-uid --log-macdecode", " LOG level emerg uid macdecode", " LOG flags 40 level 0"},
	{6, 'j', "LOG", "", "--log-level x", 2, "log level \"x\" unknown\n", NULL, NULL, NULL, NULL},
};

struct ext_ops {
	const char *name;
	const struct option *options;
	size_t size;
	void (*init)(void *data);
	int (*parse)(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip);
	int (*final_check)(const void *data, unsigned int flags, const struct bf_ip *ip);
	void (*print)(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric);
	void (*save)(struct bf_strbuf *out, const struct bf_ip *ip, const void *data);
};

static bool find_ops(const struct ext_case *c, struct ext_ops *o)
{
	enum bf_family f = c->family == 4 ? BF_FAMILY_IPV4 : BF_FAMILY_IPV6;

	if (c->kind == 'm') {
		const struct bf_match_ops *m = bf_match_ops_find(c->name, f);

		if (!m)
			return false;
		*o = (struct ext_ops){m->name, m->options, m->size, m->init, m->parse,
				      m->final_check, m->print, m->save};
	} else {
		const struct bf_target_ops *t = bf_target_ops_find(c->name, f);

		if (!t)
			return false;
		*o = (struct ext_ops){t->name, t->options, t->size, t->init, t->parse,
				      t->final_check, t->print, t->save};
	}
	return true;
}

static int exit_code(int err)
{
	return err == 0 ? 0 : err == -EINVAL ? 2 : err == -EPROTO ? 1 : 100 - err;
}

/* Options by their exact long names; "!" inverts the next one. */
static int run_opts(const struct ext_case *c, const struct ext_ops *o, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	char **argv;
	int argc = front_split(c->opts, &argv), err = 0;
	bool invert = false;

	assert_true(argc >= 1);
	for (int i = 1; i < argc && !err; i++) {
		const struct option *opt = o->options;

		if (!strcmp(argv[i], "!")) {
			invert = true;
			continue;
		}
		while (opt->name && strcmp(argv[i], "--") && strcmp(opt->name, argv[i] + 2))
			opt++;
		if (!opt->name || strncmp(argv[i], "--", 2)) {
			fail_msg("%s: no option %s", c->opts, argv[i]);
			break;
		}
		err = o->parse(opt->val, opt->has_arg ? argv[++i] : NULL, invert, data,
			       flags, ip);
		invert = false;
	}
	front_free_words(argc, argv);
	return err;
}

static int check_case(const struct ext_case *c)
{
	struct bf_ip ip = {.family = c->family == 4 ? BF_FAMILY_IPV4 : BF_FAMILY_IPV6};
	struct bf_strbuf save = {0}, print = {0}, nprint = {0};
	unsigned int flags = 0;
	struct ext_ops o;
	int err, bad = 0;
	void *data;

	if (!find_ops(c, &o)) {
		fprintf(stderr, "%s: not registered for IPv%d\n", c->name, c->family);
		return 1;
	}
	if (*c->proto) {
		const struct protoent *pe = getprotobyname(c->proto);

		/* iptables' own name for 135, not in protocols(5) */
		ip.proto = pe ? (uint16_t)pe->p_proto : !strcmp(c->proto, "mh") ? 135 : 0xFFFF;
	}
	data = calloc(1, o.size);
	assert_non_null(data);
	if (o.init)
		o.init(data);
	front_log_capture();
	err = run_opts(c, &o, data, &flags, &ip);
	if (!err && o.final_check)
		err = o.final_check(data, flags, &ip);
	if (exit_code(err) != c->rc) {
		fprintf(stderr, "IPv%d %s %s: exit %d, iptables %d (%s)\n", c->family, c->name,
			c->opts, exit_code(err), c->rc, front_errors());
		bad = 1;
	} else if (err && strcmp(front_errors(), c->msg)) {
		fprintf(stderr, "IPv%d %s %s: message\n  got  [%s]\n  want [%s]\n", c->family,
			c->name, c->opts, front_errors(), c->msg);
		bad = 1;
	} else if (strcmp(front_warnings(), c->warn ? c->warn : "")) {
		fprintf(stderr, "IPv%d %s %s: warning [%s], want [%s]\n", c->family, c->name,
			c->opts, front_warnings(), c->warn ? c->warn : "");
		bad = 1;
	} else if (!err) {
		o.save(&save, &ip, data);
		o.print(&print, &ip, data, false);
		o.print(&nprint, &ip, data, true);
		if (strcmp(bf_strbuf_str(&save), c->save) || strcmp(bf_strbuf_str(&print), c->print) ||
		    strcmp(bf_strbuf_str(&nprint), c->nprint)) {
			fprintf(stderr, "IPv%d %s %s:\n  save   [%s] want [%s]\n  print  [%s] want [%s]\n"
				"  -n     [%s] want [%s]\n", c->family, c->name, c->opts,
				bf_strbuf_str(&save), c->save, bf_strbuf_str(&print), c->print,
				bf_strbuf_str(&nprint), c->nprint);
			bad = 1;
		}
	}
	bf_strbuf_free(&save);
	bf_strbuf_free(&print);
	bf_strbuf_free(&nprint);
	free(data);
	return bad;
}

static void like_iptables(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad += check_case(&cases[i]);
	if (bad)
		fail_msg("%d of %zu cases differ from iptables", bad, sizeof(cases) / sizeof(cases[0]));
}

/* Whole commands through the parser (option abbreviations, the second
 * word of --chunk-types, matches loaded by -p, the -p the kernel wants,
 * -D by spec, -L and -S): each session starts from empty tables and every
 * row's exit code and output (its message when it fails) are
 * iptables-legacy's / ip6tables-legacy's for the same commands in that
 * order, run in a scratch network namespace. */
static const struct front_row sessions4[] = {
	{NULL, 0, NULL},
	{"-A INPUT -p sctp --chunk-types all DATA:Be,ABORT:T", 0, ""},
	{"-A INPUT -p sctp --chu any INIT,I_DATA:B --sp 5 --dp 6:7", 0, ""},
	{"-A INPUT -p 132 --dport 9 ! --chunk-types only NONE -j DROP", 0, ""},
	{"-A INPUT -p sctp --chunk-types ALL all", 0, ""},
	{"-S INPUT", 0, "-P INPUT ACCEPT\n-A INPUT -p sctp -m sctp --chunk-types all DATA:Be,ABORT:T\n-A INPUT -p sctp -m sctp --sport 5 --dport 6:7 --chunk-types any INIT,I_DATA\n-A INPUT -p sctp -m sctp --dport 9 ! --chunk-types only NONE -j DROP\n-A INPUT -p sctp -m sctp --chunk-types all ALL\n"},
	{"-L INPUT", 0, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n           sctp --  anywhere             anywhere             sctp all DATA:Be,ABORT:T\n           sctp --  anywhere             anywhere             sctp spt:5 dpts:6:7 any INIT,I_DATA\nDROP       sctp --  anywhere             anywhere             sctp dpt:9 ! only NONE\n           sctp --  anywhere             anywhere             sctp all ALL\n"},
	{"-L INPUT -n", 0, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n           132  --  0.0.0.0/0            0.0.0.0/0            sctp all 0x0000:Be,0x0006:T\n           132  --  0.0.0.0/0            0.0.0.0/0            sctp spt:5 dpts:6:7 any 0x0001,0x0040\nDROP       132  --  0.0.0.0/0            0.0.0.0/0            sctp dpt:9 ! only NONE\n           132  --  0.0.0.0/0            0.0.0.0/0            sctp all ALL\n"},
	{"-D INPUT -p sctp --chunk-types all DATA:eB,ABORT:T", 0, ""},
	{"-C INPUT -p sctp --chunk-types all ALL", 0, ""},
	{"-C INPUT -p sctp --chunk-types any ALL", 1, "Bad rule (does a matching rule exist in that chain?)."},
	{"-S INPUT", 0, "-P INPUT ACCEPT\n-A INPUT -p sctp -m sctp --sport 5 --dport 6:7 --chunk-types any INIT,I_DATA\n-A INPUT -p sctp -m sctp --dport 9 ! --chunk-types only NONE -j DROP\n-A INPUT -p sctp -m sctp --chunk-types all ALL\n"},
	{NULL, 0, NULL},
	{"-A INPUT -p sctp --chunk-types any", 2, "--chunk-types requires two args"},
	{"-A INPUT -p sctp --chunk-types any ! DATA", 2, "--chunk-types requires two args"},
	{"-A INPUT -p sctp --chunk-types any --sport 5", 2, "--chunk-types requires two args"},
	{"-A INPUT -p sctp --chunk-types foo DATA", 2, "Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\""},
	{"-A INPUT -p sctp --chunk-types any DATA:T", 2, "Invalid flags for chunk type 0"},
	{"-A INPUT -p sctp --chunk-types any PAD:X", 2, "Invalid flags for chunk type 17"},
	{"-A INPUT -p sctp --chunk-types all DATA --chunk-types any INIT", 2, "Only one `--chunk-types' allowed"},
	{"-A INPUT -p sctp --dport 5 --dport 6", 2, "Only one `--destination-port' allowed"},
	{"-A INPUT -p sctp --sport http", 2, "invalid port/service `http' specified"},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"},
	{NULL, 0, NULL},
	{"-A INPUT -p esp --esp 1:2", 0, ""},
	{"-A INPUT -p 50 ! --espspi 3", 0, ""},
	{"-A INPUT -p ah --ahspi 4:", 0, ""},
	{"-A INPUT -p ah -m ah ! --ahspi :", 0, ""},
	{"-A OUTPUT -p tcp -j REJECT --reject-with tcp-rst", 0, ""},
	{"-A OUTPUT -j REJECT --rej host", 0, ""},
	{"-A FORWARD -j LOG --log-p \"a b\" --log-l crit --log-u", 0, ""},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-A INPUT -p esp -m esp --espspi 1:2\n-A INPUT -p esp -m esp ! --espspi 3\n-A INPUT -p ah -m ah --ahspi 4:4294967295\n-A INPUT -p ah -m ah\n-A FORWARD -j LOG --log-prefix \"a b\" --log-level 2 --log-uid\n-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset\n-A OUTPUT -j REJECT --reject-with icmp-host-unreachable\n"},
	{"-L -n", 0, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n           50   --  0.0.0.0/0            0.0.0.0/0            esp spis:1:2\n           50   --  0.0.0.0/0            0.0.0.0/0            esp spi:!3\n           51   --  0.0.0.0/0            0.0.0.0/0            ah spis:4:4294967295\n           51   --  0.0.0.0/0            0.0.0.0/0            ah spis:!0:4294967295\n\nChain FORWARD (policy ACCEPT)\ntarget     prot opt source               destination         \nLOG        0    --  0.0.0.0/0            0.0.0.0/0            LOG flags 8 level 2 prefix \"a b\"\n\nChain OUTPUT (policy ACCEPT)\ntarget     prot opt source               destination         \nREJECT     6    --  0.0.0.0/0            0.0.0.0/0            reject-with tcp-reset\nREJECT     0    --  0.0.0.0/0            0.0.0.0/0            reject-with icmp-host-unreachable\n"},
	{"-L", 0, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n           esp  --  anywhere             anywhere             esp spis:1:2\n           esp  --  anywhere             anywhere             esp spi:!3\n           ah   --  anywhere             anywhere             ah spis:4:4294967295\n           ah   --  anywhere             anywhere             ah spis:!0:4294967295\n\nChain FORWARD (policy ACCEPT)\ntarget     prot opt source               destination         \nLOG        all  --  anywhere             anywhere             LOG level crit uid prefix \"a b\"\n\nChain OUTPUT (policy ACCEPT)\ntarget     prot opt source               destination         \nREJECT     tcp  --  anywhere             anywhere             reject-with tcp-reset\nREJECT     all  --  anywhere             anywhere             reject-with icmp-host-unreachable\n"},
	{"-D OUTPUT -p tcp -j REJECT --reject-with tcp-reset", 0, ""},
	{"-D FORWARD -j LOG --log-prefix \"a b\" --log-level 2 --log-uid", 0, ""},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-A INPUT -p esp -m esp --espspi 1:2\n-A INPUT -p esp -m esp ! --espspi 3\n-A INPUT -p ah -m ah --ahspi 4:4294967295\n-A INPUT -p ah -m ah\n-A OUTPUT -j REJECT --reject-with icmp-host-unreachable\n"},
	{NULL, 0, NULL},
	{"-A INPUT -p tcp ! --espspi 1", 2, "unknown option \"--espspi\""},
	{"-A INPUT -j REJECT --reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information."},
	{"-A INPUT ! -p tcp -j REJECT --reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information."},
	{"-A INPUT -j REJECT --reject-with echo", 2, "unknown reject type \"echo\""},
	{"-A INPUT -j LOG --log-level warn", 2, "log level \"warn\" unknown\n"},
	{"-A INPUT -j LOG --log-prefix", 2, "option \"--log-prefix\" requires an argument"},
	{"-A INPUT -j LOG --log-tcp 1", 2, "unknown option \"--log-tcp\""},
	{"-A INPUT -m hbh", 2, "Couldn't load match `hbh':No such file or directory\n"},
	{"-A INPUT -m mh", 2, "Couldn't load match `mh':No such file or directory\n"},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"},
};

static const struct front_row sessions6[] = {
	{NULL, 0, NULL},
	{"-A INPUT -m ah --ahs 1 --ahl 2 --ahr", 0, ""},
	{"-A INPUT -m frag --fragi 7 --fragf --fragmo", 0, ""},
	{"-A INPUT -m hbh --hbh-o 194:4 --hbh-l 2", 0, ""},
	{"-A INPUT -m dst ! --dst-len 42 --dst-opts 1:255,2:256", 0, ""},
	{"-A INPUT -m rt --rt-t 0 --rt-s 2 --rt-l 3 --rt-0-r --rt-0-a ::1 --rt-0-n", 0, ""},
	{"-A INPUT -m ipv6header --head route,frag --soft", 0, ""},
	{"-A INPUT -p mh --mh-type bu:ba -j DROP", 0, ""},
	{"-A INPUT -p sctp --chunk-types any DATA:I,INIT -j REJECT --reject-with adm", 0, ""},
	{"-A INPUT -p esp --espspi 5 -j LOG --log-level 7", 0, ""},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-A INPUT -m ah --ahspi 1 --ahlen 2 --ahres\n-A INPUT -m frag --fragid 7 --fragfirst --fragmore\n-A INPUT -m hbh --hbh-len 2 --hbh-opts 194:4\n-A INPUT -m dst ! --dst-len 42 --dst-opts 1,2:0\n-A INPUT -m rt --rt-type 0 --rt-segsleft 2 --rt-len 3 --rt-0-res --rt-0-addrs ::1 --rt-0-not-strict\n-A INPUT -m ipv6header --header ipv6-route,ipv6-frag --soft\n-A INPUT -p mobility-header -m mh --mh-type 5:6 -j DROP\n-A INPUT -p sctp -m sctp --chunk-types any DATA:I,INIT -j REJECT --reject-with icmp6-adm-prohibited\n-A INPUT -p esp -m esp --espspi 5 -j LOG --log-level 7\n"},
	{"-L INPUT", 0, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n           all  --  anywhere             anywhere             ah spi:1length:2 reserved\n           all  --  anywhere             anywhere             frag id:7 first more\n           all  --  anywhere             anywhere             hbh length:2 opts 194:4\n           all  --  anywhere             anywhere             dst length:!42 opts 1,2:0\n           all  --  anywhere             anywhere             rt type:0 segsleft:2 length:3 reserved 0-addrs ::1 0-not-strict\n           all  --  anywhere             anywhere             ipv6header flags:ipv6-route,ipv6-frag soft\nDROP       mobility-header --  anywhere             anywhere             mh binding-update:binding-acknowledgement\nREJECT     sctp --  anywhere             anywhere             sctp any DATA:I,INIT reject-with icmp6-adm-prohibited\nLOG        esp  --  anywhere             anywhere             esp spi:5 LOG level debug\n"},
	{"-L INPUT -n", 0, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n           0    --  ::/0                 ::/0                 ah spi:1length:2 reserved\n           0    --  ::/0                 ::/0                 frag id:7 first more\n           0    --  ::/0                 ::/0                 hbh length:2 opts 194:4\n           0    --  ::/0                 ::/0                 dst length:!42 opts 1,2:0\n           0    --  ::/0                 ::/0                 rt type:0 segsleft:2 length:3 reserved 0-addrs ::1 0-not-strict\n           0    --  ::/0                 ::/0                 ipv6header flags:0x30 soft\nDROP       135  --  ::/0                 ::/0                 mh 5:6\nREJECT     132  --  ::/0                 ::/0                 sctp any 0x0000:I,0x0001 reject-with icmp6-adm-prohibited\nLOG        50   --  ::/0                 ::/0                 esp spi:5 LOG flags 0 level 7\n"},
	{"-D INPUT -m rt --rt-type 0 --rt-segsleft 2 --rt-len 3 --rt-0-res --rt-0-addrs 0::1 --rt-0-not-strict", 0, ""},
	{"-D INPUT -m frag --fragid 7 --fragfirst --fragmore", 0, ""},
	{"-D INPUT -p mobility-header --mh-type 5:6 -j DROP", 2, "unknown option \"--mh-type\""},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-A INPUT -m ah --ahspi 1 --ahlen 2 --ahres\n-A INPUT -m hbh --hbh-len 2 --hbh-opts 194:4\n-A INPUT -m dst ! --dst-len 42 --dst-opts 1,2:0\n-A INPUT -m ipv6header --header ipv6-route,ipv6-frag --soft\n-A INPUT -p mobility-header -m mh --mh-type 5:6 -j DROP\n-A INPUT -p sctp -m sctp --chunk-types any DATA:I,INIT -j REJECT --reject-with icmp6-adm-prohibited\n-A INPUT -p esp -m esp --espspi 5 -j LOG --log-level 7\n"},
	{NULL, 0, NULL},
	{"-A INPUT -m frag --fragl 1", 2, "unknown option \"--fragl\""},
	{"-A INPUT -m frag --fragmore --fraglast", 2, "frag: option \"--fragmore\" cannot be used together with \"--fraglast\".\n"},
	{"-A INPUT -m ipv6header --soft", 2, "ipv6header: option \"--header\" must be specified\n"},
	{"-A INPUT -m ipv6header --so --header esp", 2, "unknown option \"--so\""},
	{"-A INPUT -m rt --rt-0-res", 2, "`--rt-type 0' required before `--rt-0-res'"},
	{"-A INPUT -p 135 --mh-type 2", 2, "unknown option \"--mh-type\""},
	{"-A INPUT -p mh --mh-type 4:3", 2, "Invalid MH type range (min > max)"},
	{"-A INPUT -j REJECT --reject-with tcp-rst", 2, "unknown reject type \"tcp-rst\""},
	{"-A INPUT -p udp -j REJECT --reject-with tcp-reset", 1, "Invalid argument. Run `dmesg' for more information."},
	{"-A INPUT -m hbh --hbh-opts 0:1", 2, "PAD0 has not got length"},
	{"-A INPUT -m dst --dst-opts 0:1", 2, "PAD0 hasn't got length"},
	{"-S", 0, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"},
};

/* The -p the kernel wants for a match (ops->proto): iptables-legacy
 * refuses these with exit 1 ("Invalid argument"), accepts the others.
 * Only the exit code is compared: the message is the front end's. */
static const struct {
	int family;
	const char *cmd;
	int rc;
} protos[] = {
	{4, "-A INPUT -m sctp --chunk-types any DATA", 1},
	{4, "-A INPUT -p tcp -m sctp", 1},
	{4, "-A INPUT ! -p sctp -m sctp", 1},
	{4, "-m esp -A INPUT --espspi 1", 1},
	{4, "-A INPUT -m esp", 1},
	{4, "-A INPUT -p udp -m ah", 1},
	{4, "-A INPUT -p 51 -m ah", 0},
	{4, "-A INPUT -p 50 -m esp", 0},
	{6, "-A INPUT -m mh --mh-type 1", 1},
	{6, "-A INPUT -p 135 -m mh --mh-type 1", 0},
	{6, "-A INPUT -m esp --espspi 1", 1},
	{6, "-A INPUT -m sctp", 1},
	{6, "-A INPUT -p sctp -m sctp", 0},
	{6, "-A INPUT -m ah", 0},
	{6, "-A INPUT -p tcp -m ah -m frag -m hbh -m dst -m rt -m ipv6header --header esp", 0},
};

static void through_parser(void **state)
{
	int bad = front_run_rows_family(sessions4, sizeof(sessions4) / sizeof(sessions4[0]),
					BF_FAMILY_IPV4);

	bad += front_run_rows_family(sessions6, sizeof(sessions6) / sizeof(sessions6[0]),
				     BF_FAMILY_IPV6);
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct bf_ruleset *rs = bf_ruleset_new(protos[i].family == 4 ? BF_FAMILY_IPV4 :
						       BF_FAMILY_IPV6);
		struct bf_strbuf out = {0};
		int rc = front_exit_code(front_cmd(rs, protos[i].cmd, &out));

		if (rc != protos[i].rc) {
			fprintf(stderr, "IPv%d `%s': exit %d, iptables %d (%s)\n", protos[i].family,
				protos[i].cmd, rc, protos[i].rc, front_errors());
			bad++;
		}
		bf_strbuf_free(&out);
		bf_ruleset_free(rs);
	}
	if (bad)
		fail_msg("%d commands differ from iptables", bad);
}

/* Each extension is registered for the families iptables has it in. */
static void families(void **state)
{
	assert_non_null(bf_match_ops_find("sctp", BF_FAMILY_IPV4));
	assert_non_null(bf_match_ops_find("sctp", BF_FAMILY_IPV6));
	assert_non_null(bf_match_ops_find("esp", BF_FAMILY_IPV6));
	assert_ptr_not_equal(bf_match_ops_find("ah", BF_FAMILY_IPV4),
			     bf_match_ops_find("ah", BF_FAMILY_IPV6));
	assert_int_equal(bf_match_ops_find("ah", BF_FAMILY_IPV4)->proto, IPPROTO_AH);
	assert_int_equal(bf_match_ops_find("ah", BF_FAMILY_IPV6)->proto, 0);
	assert_int_equal(bf_match_ops_find("mh", BF_FAMILY_IPV6)->proto, 135);
	assert_int_equal(bf_match_ops_find("sctp", BF_FAMILY_IPV4)->proto, IPPROTO_SCTP);
	assert_int_equal(bf_match_ops_find("esp", BF_FAMILY_IPV4)->proto, IPPROTO_ESP);
	for (const char *const *n = (const char *const[]){"frag", "hbh", "dst", "rt",
							  "ipv6header", "mh", NULL}; *n; n++) {
		assert_null(bf_match_ops_find(*n, BF_FAMILY_IPV4));
		assert_non_null(bf_match_ops_find(*n, BF_FAMILY_IPV6));
	}
	assert_ptr_not_equal(bf_target_ops_find("REJECT", BF_FAMILY_IPV4),
			     bf_target_ops_find("REJECT", BF_FAMILY_IPV6));
	assert_non_null(bf_target_ops_find("REJECT", BF_FAMILY_IPV6));
	assert_ptr_equal(bf_target_ops_find("LOG", BF_FAMILY_IPV4),
			 bf_target_ops_find("LOG", BF_FAMILY_IPV6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(like_iptables),
		cmocka_unit_test(through_parser),
		cmocka_unit_test(families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
