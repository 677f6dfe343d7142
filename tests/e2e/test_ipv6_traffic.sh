#!/bin/bash
# IPv6 through the real command, against ip6tables-legacy: two twin pairs
# of hosts get the same ip6tables ruleset and the same UDP datagrams from
# sockets — bpfilter6 on one receiver, ip6tables-legacy on the other —
# small ones and ones the sender fragments. ip6tables sees IPv6 fragments
# one by one in raw PREROUTING and in filter INPUT alike (the stack
# reassembles after LOCAL_IN), so does the XDP program: every counter of
# both chains must be equal, and the datagrams delivered too.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_cmd ip6tables-legacy ip6tables-legacy-restore
need_tool probe
bf_run_dir_new
tmpdir_new W
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
A6=$HOST6_A
B6=$HOST6_B
failures=0

hosts_new A B   # bpfilter6 on B
hosts_new C D   # ip6tables-legacy on D
v6_pair "$A" "$B"
v6_pair "$C" "$D"

cat >"$W/rules" <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p ipv6-icmp -j ACCEPT
-A PREROUTING -p udp -m udp --dport 9
-A PREROUTING -m frag --fragmore
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p ipv6-icmp -j ACCEPT
-A INPUT -p udp -m udp --dport 9 -m length --length 0:500 -j ACCEPT
-A INPUT -p udp -m udp --dport 9 -j DROP
-A INPUT -m frag --fraglast -j ACCEPT
-A INPUT -p udp -m udp --dport 10 -j DROP
COMMIT
EOF
ip netns exec "$B" "$BPFILTER6" restore <"$W/rules" || fail "bpfilter6 restore"
ip netns exec "$D" ip6tables-legacy-restore <"$W/rules" || fail "ip6tables-legacy-restore"
bf "$B" attach "$IF_B" || fail "attach"

# Neighbour discovery first, so no datagram waits for it.
for pair in "$A" "$C"; do
	ip netns exec "$pair" "$TOOLS/probe" udp-send "$B6" 7 --count 1 >/dev/null 2>&1
done
sleep 0.5
ip netns exec "$B" "$BPFILTER6" -Z && ip netns exec "$B" "$BPFILTER6" -t raw -Z || fail "-Z"
ip netns exec "$D" ip6tables-legacy -Z && ip netns exec "$D" ip6tables-legacy -t raw -Z || fail "-Z"

send()
{
	ip netns exec "$1" bash -c "head -c $3 /dev/zero > /dev/udp/$B6/$2" || fail "send to $2"
}

listen()
{
	ip netns exec "$1" "$TOOLS/probe" udp-recv "$2" 3 >"$W/recv.$1.$2" &
	echo $!
}

pids=()
for ns in "$B" "$D"; do
	for port in 9 10; do
		pids+=("$(listen "$ns" "$port")")
	done
done
for ns in "$B" "$D"; do
	for port in 9 10; do
		wait_until 2 grep -q ready "$W/recv.$ns.$port" || fail "udp-recv did not start"
	done
done
for pair in "$A" "$C"; do
	send "$pair" 9 100    # small: rule 2
	send "$pair" 9 1000   # rule 3 drops it
	send "$pair" 9 3000   # fragments: the first by rule 3, the last by rule 4, others the policy
	send "$pair" 10 2000  # fragments: the first by rule 5, the last by rule 4
done
sleep 0.5
for p in "${pids[@]}"; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done

# Every counter but the ICMPv6 rules' (neighbour discovery and MLD come
# when they come: the two pairs need not see the same).
counters()
{
	"$@" -t raw -L PREROUTING -v -x -n | awk 'NR == 1 { print } NR > 3 { print "raw", $1, $2 }'
	"$@" -L INPUT -v -x -n | awk 'NR == 1 { print } NR > 3 { print "filter", $1, $2 }'
}
check "counters" "$(counters ip netns exec "$D" ip6tables-legacy)" \
	"$(counters ip netns exec "$B" "$BPFILTER6")"
for port in 9 10; do
	check "datagrams delivered to port $port" \
		"$(awk '$1 == "total" { print $2 }' "$W/recv.$D.$port")" \
		"$(awk '$1 == "total" { print $2 }' "$W/recv.$B.$port")"
done

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
