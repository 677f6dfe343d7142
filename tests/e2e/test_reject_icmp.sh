#!/bin/bash
# REJECT with ICMP answers (iptables) against iptables-legacy, with real
# sockets: for every --reject-with type, a TCP client to a port with a
# listener sees what it sees with iptables-legacy (refused, unreachable,
# or a timeout for the kinds TCP takes as soft errors), and the error
# that reaches it has the kernel's IP and ICMP headers but for the IP id
# and checksums (this one's id is random, the kernel's hashed). A burst of
# UDP datagrams gets as many errors as the kernel's per-peer limit lets
# through (6). Two twin pairs of hosts: bpfilter on B, iptables-legacy on
# D; A runs bpfilter with nothing to judge (a veth takes its peer's XDP_TX
# frames only with an XDP program of its own).
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_tool probe
bf_run_dir_new
tmpdir_new W
failures=0

hosts_new A B
hosts_new C D
bf "$A" attach "$IF_A" || fail "attach on the client"
bf "$B" attach "$IF_B" || fail "attach"

# connect CLIENT_NS SERVER_NS PORT: what the client sees.
connect()
{
	ip netns exec "$2" "$TOOLS/probe" tcp-listen "$3" 3 >"$W/listen.$3" 2>&1 &
	local lp=$!
	wait_until 2 grep -q ready "$W/listen.$3" || fail "tcp-listen did not start"
	icmp_capture_start "$1" "$W/icmp.$1"
	ip netns exec "$1" "$TOOLS/probe" tcp-connect "$HOST_B" "$3" 700
	icmp_capture_stop
	kill "$lp" 2>/dev/null
	wait
}

# The first error's headers, IP id and checksums as x; then its count.
shape()
{
	awk 'NR == 2 { print substr($1, 1, 8) "xxxx" substr($1, 13, 8) "xxxx" substr($1, 25) \
		" " substr($2, 1, 4) "xxxx" substr($2, 9) } NR == 3' "$W/icmp.$1"
}

port=7000
for with in "" icmp-net-unreachable icmp-host-unreachable icmp-proto-unreachable \
	icmp-port-unreachable icmp-net-prohibited icmp-host-prohibited icmp-admin-prohibited; do
	port=$((port + 1))
	rule="-A INPUT -p tcp --dport $port -j REJECT${with:+ --reject-with $with}"
	bf "$B" $rule || fail "bpfilter $rule"
	ipt "$D" $rule || fail "iptables $rule"
	want=$(connect "$C" "$D" "$port")
	got=$(connect "$A" "$B" "$port")
	check "REJECT ${with:-(default)}: the client sees" "$want" "$got"
	check "REJECT ${with:-(default)}: the error" "$(shape "$C")" "$(shape "$A")"
	[ -n "$(shape "$A")" ] && grep -q "count [1-9]" "$W/icmp.$A" ||
		fail "REJECT ${with:-(default)}: no error captured"
done

# A burst: the kernel's per-peer limit lets 6 errors through, once the
# peer's budget is whole again after the errors above (one interval, 1 s).
sleep 1.2
bf "$B" -A INPUT -p udp --dport 9 -j REJECT || fail "bpfilter -A udp"
ipt "$D" -A INPUT -p udp --dport 9 -j REJECT || fail "iptables -A udp"
for pair in "$A" "$C"; do
	icmp_capture_start "$pair" "$W/icmp.$pair"
	ip netns exec "$pair" "$TOOLS/probe" udp-send "$HOST_B" 9 --count 10 \
		--interval-us 1000 >/dev/null || fail "udp-send"
	icmp_capture_stop
done
check "a burst of 10: errors as iptables-legacy" "$(shape "$C")" "$(shape "$A")"
check "a burst of 10: 6 errors" "count 6" "$(tail -n 1 "$W/icmp.$A")"
check "counters as iptables-legacy" \
	"$(ipt "$D" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')" \
	"$(bf "$B" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
