#!/bin/bash
# REJECT of packets judged in the netfilter stage, against iptables-legacy
# and ip6tables-legacy with real traffic. With a conntrack ruleset XDP
# defers what it cannot judge (cgen/ct.h): ICMP, a TCP segment without a
# flow other than a SYN, packets with a partial checksum (a local sender
# over veth, so every packet from a socket here). Their REJECT is answered
# by the kernel's own code through nft (cgen/nf_reject.h): a ping gets the
# ICMP error, a connect to a closed port is refused, a stray ACK gets the
# reset, a UDP socket sees the port unreachable; IPv4 and IPv6. The
# answers' headers equal iptables' but for the IP id (hashed by the
# kernel) and checksums. With nft's chain deleted by someone, a REJECT
# drops (the guard): no answer, no echo reply; the next bpfilter command
# puts the chain back. Counters rule by rule equal.
# Two twin pairs of hosts: bpfilter on B, the legacy tools on D.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy
need_cmd nft
need_tool probe
need_tool pktsend
bf_run_dir_new
tmpdir_new W
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
failures=0

hosts_new A B
hosts_new C D
v6_pair "$A" "$B"
v6_pair "$C" "$D"
# One MAC for both servers: a crafted frame from either client reaches its own.
SERVER_MAC=02:00:00:00:00:02
for ns in "$B" "$D"; do
	ip -n "$ns" link set "$IF_B" address "$SERVER_MAC" || fail "server MAC"
done
bf "$B" attach "$IF_B" || fail "attach"

bf6() { ip netns exec "$B" "$BPFILTER6" "$@"; }
ipt6() { ip netns exec "$D" ip6tables-legacy "$@"; }

rules4=(
	"-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
	"-A INPUT -p icmp --icmp-type echo-request -j REJECT --reject-with icmp-host-prohibited"
	"-A INPUT -p tcp -j REJECT --reject-with tcp-reset"
	"-A INPUT -j REJECT"
)
rules6=(
	"-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
	"-A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT"
	"-A INPUT -p ipv6-icmp --icmpv6-type neighbour-advertisement -j ACCEPT"
	"-A INPUT -p ipv6-icmp --icmpv6-type echo-request -j REJECT --reject-with icmp6-adm-prohibited"
	"-A INPUT -p tcp -j REJECT --reject-with tcp-reset"
	"-A INPUT -j REJECT"
)
for r in "${rules4[@]}"; do
	bf "$B" $r || fail "bpfilter $r"
	ipt "$D" $r || fail "iptables $r"
done
for r in "${rules6[@]}"; do
	bf6 $r || fail "bpfilter6 $r"
	ipt6 $r || fail "ip6tables $r"
done

# The first error's headers, IP id (IPv4) and checksums as x; then its
# count. IPv6 headers have neither id nor checksum but the ICMPv6 one.
shape()
{
	awk 'NR == 2 && length($1) == 40 { print substr($1, 1, 8) "xxxx" substr($1, 13, 8) \
		"xxxx" substr($1, 25) " " substr($2, 1, 4) "xxxx" substr($2, 9) }
		NR == 2 && length($1) == 80 { print $1 " " substr($2, 1, 4) "xxxx" substr($2, 9) }
		NR == 3' "$1"
}

# errors NAME CMD...: runs CMD in A then C (the client of each pair, its
# host as {}), capturing the errors each receives; what each client
# printed goes to $W/NAME.{A,C}.
errors()
{
	local name=$1 pair host
	shift
	for pair in A C; do
		icmp_capture_start "${!pair}" "$W/$name.icmp.$pair"
		ip netns exec "${!pair}" "$@" >"$W/$name.$pair" 2>&1
		icmp_capture_stop
	done
	check "$name: the client sees" "$(cat "$W/$name.C")" "$(cat "$W/$name.A")"
	check "$name: the error" "$(shape "$W/$name.icmp.C")" "$(shape "$W/$name.icmp.A")"
}

# The first reset's headers, the IPv4 id and the checksums as x; with
# "client", also what a client socket makes random: its port, and the
# ack_seq (from its initial sequence number).
reset_shape()
{
	awk -v mask="${2:-}" 'NR == 2 {
		ip = $1; tcp = substr($2, 1, 32) "xxxx" substr($2, 37)
		if (length(ip) == 40)
			ip = substr(ip, 1, 8) "xxxx" substr(ip, 13, 8) "xxxx" substr(ip, 25)
		if (mask == "client")
			tcp = substr(tcp, 1, 4) "xxxx" substr(tcp, 9, 8) "xxxxxxxx" substr(tcp, 25)
		print ip " " tcp }' "$1"
}

# resets NAME MASK CMD...: as errors, for the first TCP reset each client
# gets (MASK for reset_shape).
resets()
{
	local name=$1 mask=$2 pair
	shift 2
	for pair in A C; do
		ip netns exec "${!pair}" "$TOOLS/probe" rst-capture "$IF_A" 2 \
			>"$W/$name.rst.$pair" 2>&1 &
		local cp=$!
		wait_until 2 grep -q ready "$W/$name.rst.$pair" || fail "rst-capture did not start"
		ip netns exec "${!pair}" "$@" >"$W/$name.$pair" 2>&1
		wait "$cp"
	done
	check "$name: the client sees" "$(cat "$W/$name.C")" "$(cat "$W/$name.A")"
	check "$name: the reset" "$(reset_shape "$W/$name.rst.C" "$mask")" \
		"$(reset_shape "$W/$name.rst.A" "$mask")"
	[ -n "$(reset_shape "$W/$name.rst.A")" ] || fail "$name: no reset captured"
}

budget_rest() { sleep 1.1; }

errors "ping" "$TOOLS/probe" ping "$HOST_B" 1 500
grep -q "count 1" "$W/ping.icmp.A" || fail "ping: no error from bpfilter"
check "ping: no echo reply" "0/1 replies" "$(cat "$W/ping.A")"
budget_rest
errors "udp" "$TOOLS/probe" udp-connect "$HOST_B" 9 500
check "udp: refused" "ECONNREFUSED" "$(cat "$W/udp.A")"
resets "connect" client "$TOOLS/probe" tcp-connect "$HOST_B" 7000 700
check "connect: refused" "refused" "$(cat "$W/connect.A")"
resets "stray ACK" exact "$TOOLS/pktsend" -i "$IF_A" --src "$HOST_A" --dst "$HOST_B" --proto tcp \
	--sport 40000 --dport 7000 --flags ACK --seq 1000 --ack 2000
budget_rest
errors "ping6" "$TOOLS/pktsend" -i "$IF_A" --dst-mac "$SERVER_MAC" --src "$HOST6_A" \
	--dst "$HOST6_B" --proto icmpv6
grep -q "count 1" "$W/ping6.icmp.A" || fail "ping6: no error from bpfilter"
errors "udp6" "$TOOLS/probe" udp-connect "$HOST6_B" 9 500
resets "connect6" client "$TOOLS/probe" tcp-connect "$HOST6_B" 7000 700
check "connect6: refused" "refused" "$(cat "$W/connect6.A")"

# Without nft's chain a REJECT drops: neither answer nor echo reply.
ip netns exec "$B" nft delete table ip bpfilter_reject || fail "nft delete table"
budget_rest
icmp_capture_start "$A" "$W/guard.icmp"
check "no chain: no echo reply" "0/1 replies" \
	"$(ip netns exec "$A" "$TOOLS/probe" ping "$HOST_B" 1 500)"
icmp_capture_stop
check "no chain: no error" "count 0" "$(tail -n 1 "$W/guard.icmp")"
ipt "$D" -A INPUT -p udp --dport 1 -j ACCEPT || fail "iptables -A"
bf "$B" -A INPUT -p udp --dport 1 -j ACCEPT || fail "bpfilter -A"
budget_rest
errors "ping again" "$TOOLS/probe" ping "$HOST_B" 1 500
grep -q "count 1" "$W/ping again.icmp.A" || fail "the chain did not come back"

# The guard's drop is the REJECT rule's: one more packet on each side.
ip netns exec "$C" "$TOOLS/probe" ping "$HOST_B" 1 300 >/dev/null
counters() { awk 'NR > 2 { printf "%s ", $1 }'; }
check "IPv4 counters as iptables-legacy" "$(ipt "$D" -L INPUT -v -x -n | counters)" \
	"$(bf "$B" -L INPUT -v -x -n | counters)"
check "IPv6 counters as ip6tables-legacy" "$(ipt6 -L INPUT -v -x -n | counters)" \
	"$(bf6 -L INPUT -v -x -n | counters)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
