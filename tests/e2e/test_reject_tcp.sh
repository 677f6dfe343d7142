#!/bin/bash
# REJECT --reject-with tcp-reset against iptables-legacy and
# ip6tables-legacy, with real sockets: a listener on the receiver, whose
# port a rule rejects. The client sees "connection refused" (the reset
# bpfilter sends back at XDP) as with iptables, and the rules' counters
# are the same; without the rule the client connects (so the refusal
# comes from the rule, not a closed port). Two twin pairs of hosts:
# bpfilter on B, iptables-legacy on D. A veth takes its peer's XDP_TX
# frames only with an XDP program of its own (GRO on is not enough on
# this kernel): A's client runs bpfilter too, with nothing to judge.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy
need_tool probe
bf_run_dir_new
tmpdir_new W
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
A6=$HOST6_A
B6=$HOST6_B
failures=0

hosts_new A B
hosts_new C D
v6_pair "$A" "$B"
v6_pair "$C" "$D"
bf "$A" attach "$IF_A" || fail "attach on the client"

# connect CLIENT_NS SERVER_NS ADDR PORT: what the client sees (ok,
# refused, timeout) with a listener on the server; the reset the client
# received, if any, goes to $W/rst.CLIENT_NS.
connect()
{
	local out=$W/listen.$4 cap=$W/rst.$1
	ip netns exec "$2" "$TOOLS/probe" tcp-listen "$4" 3 >"$out" 2>&1 &
	local lp=$!
	ip netns exec "$1" "$TOOLS/probe" rst-capture "$IF_A" 3 >"$cap" 2>&1 &
	local cp=$!
	wait_until 2 grep -q ready "$out" || fail "tcp-listen did not start"
	wait_until 2 grep -q ready "$cap" || fail "rst-capture did not start"
	ip netns exec "$1" "$TOOLS/probe" tcp-connect "$3" "$4" 1000
	kill "$lp" "$cp" 2>/dev/null
	wait "$lp" "$cp" 2>/dev/null
}

# The resets both clients received, byte for byte, but for what depends
# on the client's connection (its port, the ack_seq from its ISN) and the
# TCP checksum: "IP-HEADER TCP-HEADER" with those as x.
rst_shape()
{
	sed -n 's/^\([0-9a-f]*\) \(.\{40\}\)$/\1 \2/p' "$W/rst.$1" |
		awk '{ t = $2; print $1, substr(t, 1, 4) "xxxx" substr(t, 9, 8) "xxxxxxxx" \
			substr(t, 25, 8) "xxxx" substr(t, 37, 4) }'
}

counts()
{
	"$@" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }'
}

bf "$B" attach "$IF_B" || fail "attach"
check "IPv4 without the rule: connects" "ok" "$(connect "$A" "$B" "$HOST_B" 7777)"

bf "$B" -A INPUT -p tcp --dport 7777 -j REJECT --reject-with tcp-reset || fail "bpfilter -A"
ipt "$D" -A INPUT -p tcp --dport 7777 -j REJECT --reject-with tcp-reset || fail "iptables -A"
check "IPv4, iptables-legacy: refused" "refused" "$(connect "$C" "$D" "$HOST_B" 7777)"
check "IPv4, bpfilter: refused" "refused" "$(connect "$A" "$B" "$HOST_B" 7777)"
check "IPv4 counters as iptables-legacy" "$(counts ipt "$D")" "$(counts bf "$B")"
check "IPv4 reset as the kernel's" "$(rst_shape "$C")" "$(rst_shape "$A")"
[ -n "$(rst_shape "$A")" ] || fail "no IPv4 reset captured"

check "IPv6 without the rule: connects" "ok" "$(connect "$A" "$B" "$B6" 7778)"
ip netns exec "$B" "$BPFILTER6" -A INPUT -p tcp --dport 7778 -j REJECT --reject-with tcp-reset ||
	fail "bpfilter6 -A"
ip netns exec "$D" ip6tables-legacy -A INPUT -p tcp --dport 7778 -j REJECT \
	--reject-with tcp-reset || fail "ip6tables -A"
check "IPv6, ip6tables-legacy: refused" "refused" "$(connect "$C" "$D" "$B6" 7778)"
check "IPv6, bpfilter: refused" "refused" "$(connect "$A" "$B" "$B6" 7778)"
check "IPv6 reset as the kernel's" "$(rst_shape "$C")" "$(rst_shape "$A")"
[ -n "$(rst_shape "$A")" ] || fail "no IPv6 reset captured"
check "IPv6 counters as ip6tables-legacy" \
	"$(ip netns exec "$D" ip6tables-legacy -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')" \
	"$(ip netns exec "$B" "$BPFILTER6" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
