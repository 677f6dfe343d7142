#!/bin/bash
# lo attached (auto: generic XDP, lo has no native XDP) against
# iptables-legacy: locally sent traffic, to 127.0.0.1 and to the host's own
# address on its veth (both over lo), meets INPUT with -i lo as iptables'
# does; the usual `-i lo -j ACCEPT` before a DROP policy lets local traffic
# through and not the same port from outside. Received datagrams and INPUT's
# counters as with iptables-legacy. Then lo detached: local traffic is not
# judged at all (README, "Interfaces that are not attached").
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
bf "$B" attach lo 2>/dev/null || fail "attach lo"
bf "$B" attach "$IF_B" || fail "attach $IF_B"
check "lo in generic mode" generic "$(bf "$B" status | awk '$1 == "lo" { print $3 }')"

rules=(
	"-A INPUT -i lo -p udp --dport 9 -j ACCEPT"
	"-A INPUT -p udp --dport 10 -j ACCEPT"
	"-P INPUT DROP"
)
for r in "${rules[@]}"; do
	bf "$B" $r || fail "bpfilter $r"
	ipt "$D" $r || fail "iptables $r"
done

total() { awk '$1 == "total" { print $2 }' "$W/recv.$1"; }

# send NAME FROM(A|B) DST PORT COUNT WANT: COUNT datagrams in each pair
# (A or B's twin C or D sending), received by B / D.
send()
{
	local name=$1 from=$2 dst=$3 port=$4 n=$5 want=$6 t
	for t in 1 2; do
		local server=$B sender=$A
		[ "$t" = 2 ] && server=$D sender=$C
		[ "$from" = B ] && sender=$server
		recv_start "$server" "$port" "$W/recv.$t"
		ip netns exec "$sender" "$TOOLS/probe" udp-send "$dst" "$port" --count "$n" \
			--interval-us 1000 >/dev/null || fail "udp-send"
	done
	recv_stop
	check "$name: received as with iptables" "$(total 2)" "$(total 1)"
	check "$name: received" "$want" "$(total 1)"
}

send "local to 127.0.0.1:9" B 127.0.0.1 9 3 3
send "local to 127.0.0.1:11" B 127.0.0.1 11 2 0
send "local to the host's address:9" B "$HOST_B" 9 2 2
send "from outside to :9" A "$HOST_B" 9 2 0
send "from outside to :10" A "$HOST_B" 10 2 2
counters() { awk 'NR > 2 { printf "%s/%s ", $1, $2 }'; }
pol() { sed -n 's/.*policy [A-Z]* \([0-9]*\) packets, \([0-9]*\) bytes.*/\1\/\2/p'; }
check "INPUT counters as iptables-legacy" \
	"$(ipt "$D" -L INPUT -v -x -n | counters) $(ipt "$D" -L INPUT -v -x -n | pol)" \
	"$(bf "$B" -L INPUT -v -x -n | counters) $(bf "$B" -L INPUT -v -x -n | pol)"

# lo not attached: its traffic passes unjudged.
bf "$B" detach lo || fail "detach lo"
recv_start "$B" 11 "$W/recv.1"
ip netns exec "$B" "$TOOLS/probe" udp-send 127.0.0.1 11 --count 2 --interval-us 1000 >/dev/null
recv_stop
check "lo detached: local traffic not judged" 2 "$(total 1)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
