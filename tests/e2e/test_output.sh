#!/bin/bash
# raw and filter OUTPUT at TC egress (src/cgen/tc.h) against iptables-legacy
# and ip6tables-legacy: twin host pairs, B judged by bpfilter (veth and lo
# attached), D by the legacy tools, the same rules and the same traffic
# sent by B and D. -o (the veth, lo, negated), raw OUTPUT before filter
# OUTPUT, a DROP policy, conntrack's state of B's own answers (a TCP
# server's SYN-ACK, the reset of a closed port: ESTABLISHED), LOG (the
# kernel's line: IN= empty, OUT= the interface, no MAC=), frames sent by a
# packet socket (never in OUTPUT), and a datagram the kernel fragments
# after OUTPUT. What A / C receive, what the clients see, and every OUTPUT
# rule and policy counter are compared.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy
need_tool probe
need_tool pktsend
bf_run_dir_new
tmpdir_new W
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
failures=0

hosts_new A B
hosts_new C D
for pair in "$A $B" "$C $D"; do
	set -- $pair
	v6_pair "$1" "$2"
	# No neighbour discovery in OUTPUT's counters.
	ip -n "$1" -6 neigh add "$HOST6_B" lladdr "$(ns_mac "$2" "$IF_B")" dev "$IF_A" \
		nud permanent &&
		ip -n "$2" -6 neigh add "$HOST6_A" lladdr "$(ns_mac "$1" "$IF_A")" dev "$IF_B" \
			nud permanent || fail "static neighbours"
done
bf "$B" attach "$IF_B" || fail "attach $IF_B"
bf "$B" attach lo 2>/dev/null || fail "attach lo"

rules=(
	"-t raw -A OUTPUT -p udp --dport 12 -j DROP"
	"-A OUTPUT -o lo -j ACCEPT"
	"-A OUTPUT -m state --state ESTABLISHED,RELATED -j ACCEPT"
	"-A OUTPUT -o $IF_B -p udp --dport 9 -j DROP"
	"-A OUTPUT ! -o $IF_B -p udp --dport 13 -j DROP"
	"-A OUTPUT -o veth+ -p udp --dport 10 -j ACCEPT"
	"-A OUTPUT -o veth+ -p udp --dport 13:15 -j ACCEPT"
	"-A OUTPUT -p icmp -j LOG --log-prefix out$$"
	"-A OUTPUT -p icmp -j ACCEPT"
	"-P OUTPUT DROP"
)
for r in "${rules[@]}"; do
	bf "$B" $r || fail "bpfilter $r"
	ipt "$D" $r || fail "iptables $r"
done
rules6=(
	"-A OUTPUT -p udp --dport 9 -j DROP"
	"-A OUTPUT -o $IF_B -p udp --dport 10 -j ACCEPT"
	"-A OUTPUT -p udp --dport 11 -j DROP"
)
for r in "${rules6[@]}"; do
	ip netns exec "$B" "$BPFILTER6" $r || fail "bpfilter6 $r"
	ip netns exec "$D" ip6tables-legacy $r || fail "ip6tables $r"
done

total() { awk '$1 == "total" { print $2 }' "$1"; }

# sent_by NAME DST PORT COUNT WANT [SIZE]: COUNT datagrams sent by B and by D to
# DST:PORT (A's or C's address, the same in each pair; or B's own), as
# many received by A / C (or B / D) as with iptables, WANT of them; SIZE
# bytes of payload each (default 2). One
# socket per datagram, errors ignored: iptables' DROP in OUTPUT fails the
# send with EPERM, TC egress's cannot (README).
sent_by()
{
	local name=$1 dst=$2 port=$3 n=$4 want=$5 size=${6:-2} t rx tx
	for t in 1 2; do
		tx=$B rx=$A
		[ "$t" = 2 ] && tx=$D rx=$C
		case $dst in "$HOST_B" | 127.*) rx=$tx ;; esac
		recv_start "$rx" "$port" "$W/recv.$t"
		ip netns exec "$tx" bash -c "for i in \$(seq $n); do
			printf '%*s' $size x 2>/dev/null >/dev/udp/$dst/$port; sleep 0.001; done"
	done
	recv_stop
	check "$name: received as with iptables" "$(total "$W/recv.2")" "$(total "$W/recv.1")"
	check "$name: received" "$want" "$(total "$W/recv.1")"
}

sent_by "udp 9 (-o veth DROP)" "$HOST_A" 9 3 0
sent_by "udp 10 (ACCEPT)" "$HOST_A" 10 3 3
sent_by "udp 11 (the DROP policy)" "$HOST_A" 11 2 0
sent_by "udp 12 (raw OUTPUT DROP)" "$HOST_A" 12 2 0
sent_by "udp 13 (! -o veth: not this one)" "$HOST_A" 13 2 2
sent_by "udp 11 over lo (-o lo ACCEPT)" 127.0.0.1 11 2 2
sent_by "udp 9 to its own address (lo)" "$HOST_B" 9 2 2
sent_by "IPv6 udp 9 (DROP)" "$HOST6_A" 9 2 0
sent_by "IPv6 udp 10 (ACCEPT)" "$HOST6_A" 10 3 3
sent_by "IPv6 udp 11 (DROP)" "$HOST6_A" 11 1 0

# B's answers: a server's SYN-ACK, a closed port's reset, both ESTABLISHED
# (reply direction) for conntrack; a connection B opens is NEW: dropped.
# The clients close after the server (await-close): B then always sends
# its FIN and a lone ACK, never the two merged, so its counters are fixed.
for t in 1 2; do
	srv=$B cli=$A
	[ "$t" = 2 ] && srv=$D cli=$C
	ip netns exec "$srv" "$TOOLS/probe" tcp-listen 7 2 >"$W/listen.$t" 2>&1 &
done
wait_until 2 grep -q ready "$W/listen.1" || fail "tcp-listen did not start"
wait_until 2 grep -q ready "$W/listen.2" || fail "tcp-listen did not start"
for port in 7 8; do
	got=$(ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST_B" "$port" 500 await-close)
	want=$(ip netns exec "$C" "$TOOLS/probe" tcp-connect "$HOST_B" "$port" 500 await-close)
	check "tcp connect to B:$port" "$want" "$got"
done
got=$(ip netns exec "$B" "$TOOLS/probe" tcp-connect "$HOST_A" 7 300)
want=$(ip netns exec "$D" "$TOOLS/probe" tcp-connect "$HOST_A" 7 300)
check "tcp connect from B (NEW: the DROP policy)" "$want" "$got"
wait

# LOG: the kernel's line for the same ping (crafted echo ids differ; the
# line is compared with the ICMP id masked). The kernel logs from a
# namespace with net.netfilter.nf_log_all_netns=1 (restored at exit).
kernel_log_all_netns
log_follow_start "$B" "$W/log"
sleep 0.3
got=$(ip netns exec "$B" "$TOOLS/probe" ping "$HOST_A" 1 500)
want=$(ip netns exec "$D" "$TOOLS/probe" ping "$HOST_A" 1 500)
check "ping from B" "$want" "$got"
n_kernel() { [ "$(log_lines "out$$" | wc -l)" -ge 1 ]; }
wait_until 5 n_kernel || fail "the kernel logged nothing"
sleep 0.5
log_follow_stop
mask() { sed 's/ ID=[0-9]*/ ID=_/g'; }
check "LOG in OUTPUT: the kernel's line" "$(log_lines "out$$" | mask)" \
	"$(log_lines "out$$" "$W/log" | mask)"
check "LOG in OUTPUT: nothing on stderr" "" "$(cat "$W/log.err")"

# A packet socket's frame never meets OUTPUT: it arrives (port 11 is the
# DROP policy's for sockets).
for t in 1 2; do
	tx=$B rx=$A
	[ "$t" = 2 ] && tx=$D rx=$C
	recv_start "$rx" 11 "$W/recv.$t"
	ip netns exec "$tx" "$TOOLS/pktsend" -i "$IF_B" --dst-mac "$(ns_mac "$rx" "$IF_A")" \
		--src "$HOST_B" --dst "$HOST_A" --dport 11 --count 2 >/dev/null || fail "pktsend"
done
recv_stop
check "packet socket: received as with iptables" "$(total "$W/recv.2")" "$(total "$W/recv.1")"
check "packet socket: received" 2 "$(total "$W/recv.1")"

counters() { awk 'NR > 2 { printf "%s/%s ", $1, $2 }'; }
pol() { sed -n 's/.*policy [A-Z]* \([0-9]*\) packets, \([0-9]*\) bytes.*/\1\/\2/p'; }
check "OUTPUT counters as iptables-legacy" \
	"$(ipt "$D" -L OUTPUT -v -x -n | counters) $(ipt "$D" -L OUTPUT -v -x -n | pol)" \
	"$(bf "$B" -L OUTPUT -v -x -n | counters) $(bf "$B" -L OUTPUT -v -x -n | pol)"
check "raw OUTPUT counters as iptables-legacy" \
	"$(ipt "$D" -t raw -L OUTPUT -v -x -n | counters) $(ipt "$D" -t raw -L OUTPUT -v -x -n | pol)" \
	"$(bf "$B" -t raw -L OUTPUT -v -x -n | counters) $(bf "$B" -t raw -L OUTPUT -v -x -n | pol)"
check "IPv6 OUTPUT rule counters as ip6tables-legacy" \
	"$(ip netns exec "$D" ip6tables-legacy -L OUTPUT -v -x -n | counters)" \
	"$(ip netns exec "$B" "$BPFILTER6" -L OUTPUT -v -x -n | counters)"

# Datagrams the kernel fragments after OUTPUT (3000 bytes, MTU 1500):
# the first fragment is judged, the others follow it. Received as with
# iptables; not counted the same (the first fragment's length only:
# README), so after the counters.
sent_by "fragmented udp 10 (ACCEPT)" "$HOST_A" 10 2 2 3000
sent_by "fragmented udp 9 (DROP)" "$HOST_A" 9 2 0 3000
sent_by "fragmented udp 11 (the DROP policy)" "$HOST_A" 11 2 0 3000
sent_by "fragmented IPv6 udp 10 (ACCEPT)" "$HOST6_A" 10 2 2 3000
sent_by "fragmented IPv6 udp 9 (DROP)" "$HOST6_A" 9 2 0 3000
check "fragmented: OUTPUT packet counts as iptables-legacy" \
	"$(ipt "$D" -L OUTPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')" \
	"$(bf "$B" -L OUTPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
