#!/bin/bash
# `attach --hook nf` (src/cgen/nf_hooks.h): the whole ruleset on netfilter
# links at iptables' hooks, against iptables-legacy and ip6tables-legacy
# on twin routers (tests/lib/netns.sh router_new): raw PREROUTING, INPUT,
# FORWARD with -i/-o tested at run time and conntrack's state (which XDP
# refuses in FORWARD), OUTPUT with -o, REJECT in INPUT (the kernel's
# answer), LOG in FORWARD (the kernel's line). What the servers and
# clients receive and every rule and policy counter of IPv4 are compared
# (IPv6's rules' too; its policies count listener reports sent at unequal
# times). Then a swap under traffic: a stream through FORWARD while the
# ruleset changes 30 times: every datagram arrives and is counted once by
# its rule (none judged twice, none missed). Then detach: nothing judged.
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

router_new C1 R1 S1
router_new C2 R2 S2

rules=(
	"-t raw -A PREROUTING -p udp --dport 8 -j DROP"
	"-A INPUT -p udp --dport 9 -j DROP"
	"-A INPUT -i rc -p udp --dport 10 -j ACCEPT"
	"-A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset"
	"-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
	"-A FORWARD -p udp --dport 9 -j DROP"
	"-A FORWARD -i rc -o rs -p udp --dport 10 -j ACCEPT"
	"-A FORWARD -o rs -p udp --dport 11 -j DROP"
	"-A FORWARD -o r+ -p udp --dport 12 -j ACCEPT"
	"-A FORWARD -i rc -p udp --dport 20 -j ACCEPT"
	"-A FORWARD -p tcp --dport 7 -m conntrack --ctstate NEW -j ACCEPT"
	"-A OUTPUT -o rc -p udp --dport 9 -j DROP"
	"-P FORWARD DROP"
)
for r in "${rules[@]}"; do
	bf "$R1" $r || fail "bpfilter $r"
	ip netns exec "$R1" "$BPFILTER6" $r || fail "bpfilter6 $r"
	ipt "$R2" $r || fail "iptables $r"
	ip netns exec "$R2" ip6tables-legacy $r || fail "ip6tables $r"
done
bf "$R1" attach --hook nf || fail "attach --hook nf"
check "status" "Netfilter hooks: 10 of 10 links" "$(bf "$R1" status | sed -n 2p)"
out=$(bf "$R1" attach rc 2>&1)
check "no XDP beside the hooks" "bpfilter: the netfilter hooks judge this namespace's packets (attach --hook nf): detach --hook nf first" "$out"

total() { awk '$1 == "total" { print $2 }' "$W/recv.$1"; }

for fam in 4 6; do
	if [ $fam = 4 ]; then s=$RT_S c=$RT_C rc=$RT_RC; else
		s=$RT6_S c=$RT6_C rc=$RT6_RC; fi
	twins_udp C S "$s" 8 2 0   # raw PREROUTING: dropped
	twins_udp C S "$s" 9 3 0   # FORWARD: dropped
	twins_udp C S "$s" 10 3 3  # -i rc -o rs
	twins_udp C S "$s" 11 2 0  # -o rs: dropped
	twins_udp C S "$s" 12 2 2  # -o r+
	twins_udp C S "$s" 13 2 0  # the DROP policy
	twins_udp C R "$rc" 9 2 0  # INPUT
	twins_udp C R "$rc" 10 2 2 # INPUT -i rc
	twins_udp R C "$c" 9 2 0 3 # OUTPUT -o rc: sendto fails
	twins_udp R C "$c" 11 2 2
	# conntrack in FORWARD: a connection to S:7 (NEW, then ESTABLISHED
	# both ways; no listener: S's reset comes back ESTABLISHED).
	for t in 1 2; do
		c_ns=C$t
		ip netns exec "${!c_ns}" "$TOOLS/probe" tcp-connect "$s" 7 700 >"$W/connect.$t"
		ip netns exec "${!c_ns}" "$TOOLS/probe" tcp-connect "$rc" 23 700 >"$W/reject.$t"
	done
	check "IPv$fam: connect to S:7 through FORWARD" "$(cat "$W/connect.2")" "$(cat "$W/connect.1")"
	check "IPv$fam: refused by S" refused "$(cat "$W/connect.1")"
	check "IPv$fam: INPUT's tcp-reset" "$(cat "$W/reject.2")" "$(cat "$W/reject.1")"
	check "IPv$fam: refused by R" refused "$(cat "$W/reject.1")"
done

# LOG in FORWARD: the kernel's line (TTL already decremented there).
kernel_log_all_netns
P=nfh$$
r="-I FORWARD 1 -p udp --dport 15 -j LOG --log-prefix $P"
bf "$R1" $r && ipt "$R2" $r || fail "$r"
log_follow_start "$R1" "$W/log"
sleep 0.3
for t in 1 2; do
	c_ns=C$t
	ip netns exec "${!c_ns}" "$TOOLS/pktsend" -i veth-c --dst-mac 02:00:00:00:01:02 \
		--src "$RT_C" --dst "$RT_S" --proto udp --sport 40000 --dport 15 --id 77 >/dev/null ||
		fail "pktsend"
done
n_kernel() { [ "$(log_lines "$P" | wc -l)" -ge 1 ]; }
wait_until 5 n_kernel || fail "the kernel logged nothing"
sleep 0.5
log_follow_stop
check "LOG in FORWARD: the kernel's line" "$(log_lines "$P")" "$(log_lines "$P" "$W/log")"
check "LOG: nothing on stderr" "" "$(cat "$W/log.err")"

counters() { awk 'NR > 2 { printf "%s/%s ", $1, $2 }'; }
pol() { sed -n 's/.*policy [A-Z]* \([0-9]*\) packets, \([0-9]*\) bytes.*/\1\/\2/p'; }
for c in "-t raw -L PREROUTING" "-L INPUT" "-L FORWARD" "-L OUTPUT"; do
	check "IPv4 $c counters as iptables-legacy" \
		"$(ipt "$R2" $c -v -x -n | counters) $(ipt "$R2" $c -v -x -n | pol)" \
		"$(bf "$R1" $c -v -x -n | counters) $(bf "$R1" $c -v -x -n | pol)"
	check "IPv6 $c rule counters as ip6tables-legacy" \
		"$(ip netns exec "$R2" ip6tables-legacy $c -v -x -n | counters)" \
		"$(ip netns exec "$R1" "$BPFILTER6" $c -v -x -n | counters)"
done

# A swap under traffic: 2000 datagrams C -> S:20, 1 ms apart, while 30
# changes replace every program; each arrives, and rule -i rc --dport 20
# counts each once.
before=$(bf "$R1" -L FORWARD -v -x -n | awk '/dpt:20/ { print $1 }')
ip netns exec "$S1" "$TOOLS/probe" udp-recv 20 6 >"$W/recv.1" 2>&1 &
wait_until 2 grep -q ready "$W/recv.1" || fail "udp-recv did not start"
ip netns exec "$C1" "$TOOLS/probe" udp-send "$RT_S" 20 --count 2000 --interval-us 1000 \
	>/dev/null &
sender=$!
for i in $(seq 15); do
	bf "$R1" -A FORWARD -p udp --dport $((30000 + i)) -j DROP || fail "change $i"
	bf "$R1" -D FORWARD -p udp --dport $((30000 + i)) -j DROP || fail "change $i (delete)"
done
wait "$sender"
wait
after=$(bf "$R1" -L FORWARD -v -x -n | awk '/dpt:20/ { print $1 }')
check "swap under traffic: received" 2000 "$(total 1)"
check "swap under traffic: counted once each" 2000 "$((after - before))"

# Detached: the links go, nothing is judged.
bf "$R1" detach --hook nf || fail "detach --hook nf"
check "status after detach" "Not attached to any interface." "$(bf "$R1" status | sed -n 2p)"
fam=4
for t in 1; do
	recv_start "$S1" 9 "$W/recv.1"
	ip netns exec "$C1" bash -c "echo x >/dev/udp/$RT_S/9"
	recv_stop
done
check "detached: udp 9 not judged" 1 "$(total 1)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
