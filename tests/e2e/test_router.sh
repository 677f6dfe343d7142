#!/bin/bash
# INPUT or FORWARD at XDP (src/cgen/route.h) on a router, against
# iptables-legacy and ip6tables-legacy: two triples client -> router ->
# server (tests/lib/netns.sh router_new), bpfilter on one router (both
# interfaces attached), the legacy tools on the other, the same rules and
# the same traffic through both. Packets for the router's own addresses
# (either interface) meet INPUT, packets routed on meet FORWARD with -o
# the route's output interface (-i, -o, ! -o, a wildcard), replies from the
# server too; FORWARD sees the TTL decremented; a packet whose TTL or hop
# limit is spent goes to neither
# (the stack answers time exceeded); REJECT --reject-with tcp-reset in
# FORWARD refuses a connection, with an ICMP answer (IPv4) the error the
# kernel sends; LOG in FORWARD prints the kernel's line.
# What each server and client receives,
# what the client's connect sees, and the counters of every FORWARD rule
# and policy and of INPUT's rules are compared (INPUT's policy counts
# multicast listener reports, sent at unequal times).
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
bf "$R1" attach rc || fail "attach rc"
bf "$R1" attach rs || fail "attach rs"
# The client's veth takes the router's XDP_TX frames (the reset) only
# with an XDP program of its own.
bf "$C1" attach veth-c || fail "attach on the client"

rules=(
	"-A INPUT -p udp --dport 9 -j DROP"
	"-A INPUT -p udp --dport 10 -j ACCEPT"
	"-A FORWARD -p udp --dport 9 -j DROP"
	"-A FORWARD -i rc -o rs -p udp --dport 10 -j ACCEPT"
	"-A FORWARD -o rs -p udp --dport 11 -j DROP"
	"-A FORWARD -o r+ -p udp --dport 12 -j ACCEPT"
	"-A FORWARD ! -o rs -p udp -j ACCEPT"
	"-A FORWARD -p tcp --dport 22 -j REJECT --reject-with tcp-reset"
	"-P FORWARD DROP"
)
for r in "${rules[@]}"; do
	bf "$R1" $r || fail "bpfilter $r"
	ip netns exec "$R1" "$BPFILTER6" $r || fail "bpfilter6 $r"
	ipt "$R2" $r || fail "iptables $r"
	ip netns exec "$R2" ip6tables-legacy $r || fail "ip6tables $r"
done
# An ICMP answer from FORWARD: from the router's address on the way back,
# quoting the datagram with its TTL or hop limit decremented.
r4="-A FORWARD -p udp --dport 16 -j REJECT --reject-with icmp-host-prohibited"
r6="-A FORWARD -p udp --dport 16 -j REJECT --reject-with icmp6-adm-prohibited"
bf "$R1" $r4 && ipt "$R2" $r4 || fail "$r4"
ip netns exec "$R1" "$BPFILTER6" $r6 && ip netns exec "$R2" ip6tables-legacy $r6 || fail "$r6"
# FORWARD sees the TTL / hop limit ip_forward decremented: 64 sent, 63 seen.
r4="-A FORWARD -p udp --dport 14 -m ttl --ttl-eq 63 -j ACCEPT"
r6="-A FORWARD -p udp --dport 14 -m hl --hl-eq 63 -j ACCEPT"
bf "$R1" $r4 && ipt "$R2" $r4 || fail "$r4"
ip netns exec "$R1" "$BPFILTER6" $r6 && ip netns exec "$R2" ip6tables-legacy $r6 || fail "$r6"

for fam in 4 6; do
	if [ $fam = 4 ]; then s=$RT_S c=$RT_C rc=$RT_RC rs=$RT_RS; else
		s=$RT6_S c=$RT6_C rc=$RT6_RC rs=$RT6_RS; fi
	twins_udp C S "$s" 9 3 0   # FORWARD: dropped
	twins_udp C S "$s" 10 3 3  # -i rc -o rs: accepted
	twins_udp C S "$s" 11 2 0  # -o rs: dropped
	twins_udp C S "$s" 12 2 2  # -o r+: accepted
	twins_udp C S "$s" 14 2 2  # TTL 63 in FORWARD: accepted
	twins_udp C S "$s" 13 2 0  # policy DROP
	twins_udp S C "$c" 13 2 2  # back out of rc: ! -o rs accepts
	twins_udp C R "$rc" 9 2 0  # the router's own addresses: INPUT
	twins_udp C R "$rs" 10 2 2
	# TTL / hop limit 1: time exceeded from the stack, no FORWARD.
	for t in 1 2; do
		c_ns=C$t r_ns=R$t
		ip netns exec "${!c_ns}" "$TOOLS/pktsend" -i veth-c --dst-mac "$(ns_mac "${!r_ns}" rc)" \
			--src "$c" --dst "$s" --proto udp --dport 10 --ttl 1 >/dev/null ||
			fail "pktsend ttl 1"
		ip netns exec "${!c_ns}" "$TOOLS/probe" tcp-connect "$s" 22 700 >"$W/connect.$fam.$t"
	done
	check "IPv$fam: connect through FORWARD's tcp-reset" "$(cat "$W/connect.$fam.2")" \
		"$(cat "$W/connect.$fam.1")"
	check "IPv$fam: refused" refused "$(cat "$W/connect.$fam.1")"
done

# The ICMP errors of FORWARD's REJECT: what a connected UDP socket sees,
# and the error's headers but for the IPv4 id, the IPv6 flow label (the
# kernel's is a hash of the flow, bpfilter's 0) and the checksums.
shape()
{
	awk 'NR == 2 && length($1) == 40 { print substr($1, 1, 8) "xxxx" substr($1, 13, 8) \
		"xxxx" substr($1, 25) " " substr($2, 1, 4) "xxxx" substr($2, 9) }
		NR == 2 && length($1) == 80 { print substr($1, 1, 3) "xxxxx" substr($1, 9) " " \
			substr($2, 1, 4) "xxxx" substr($2, 9) }
		NR == 3' "$1"
}
for s in "$RT_S" "$RT6_S"; do
	for t in 1 2; do
		c_ns=C$t
		IF_A=veth-c icmp_capture_start "${!c_ns}" "$W/icmp.$t"
		ip netns exec "${!c_ns}" "$TOOLS/probe" udp-connect "$s" 16 500 >"$W/udp16.$t"
		icmp_capture_stop
	done
	check "$s: FORWARD's ICMP answer: the socket sees" "$(cat "$W/udp16.2")" \
		"$(cat "$W/udp16.1")"
	check "$s: FORWARD's ICMP answer: the error" "$(shape "$W/icmp.2")" "$(shape "$W/icmp.1")"
	grep -q "count 1" "$W/icmp.1" || fail "$s: FORWARD's ICMP answer: none captured"
done

# LOG in FORWARD: `bpfilter log` prints what the kernel's LOG writes for
# the same packets (OUT= the route's interface, the decremented TTL / hop
# limit), timestamps aside; the kernel logs from a namespace with
# net.netfilter.nf_log_all_netns=1 (set, and restored at exit).
kernel_log_all_netns
P=rt$$
for f in 4 6; do
	r="-I FORWARD 1 -p udp --dport 15 -j LOG --log-prefix $P-$f"
	if [ $f = 4 ]; then
		bf "$R1" $r && ipt "$R2" $r || fail "$r"
	else
		ip netns exec "$R1" "$BPFILTER6" $r && ip netns exec "$R2" ip6tables-legacy $r ||
			fail "$r"
	fi
done
log_follow_start "$R1" "$W/log"
sleep 0.3
# Crafted, so that both twins log the same IP id, ports and flow label.
for addrs in "$RT_C $RT_S" "$RT6_C $RT6_S"; do
	set -- $addrs
	for t in 1 2; do
		c_ns=C$t
		ip netns exec "${!c_ns}" "$TOOLS/pktsend" -i veth-c --dst-mac 02:00:00:00:01:02 \
			--src "$1" --dst "$2" --proto udp --sport 40000 --dport 15 --id 77 >/dev/null ||
			fail "pktsend"
	done
done
n_kernel() { [ "$(log_lines "$P-" | wc -l)" -ge 2 ]; }
wait_until 5 n_kernel || fail "the kernel logged $(log_lines "$P-" | wc -l) lines"
sleep 0.5
log_follow_stop
check "LOG in FORWARD: the kernel's lines" "$(log_lines "$P-")" "$(log_lines "$P-" "$W/log")"
check "LOG in FORWARD: nothing on stderr" "" "$(cat "$W/log.err")"

counters() { awk 'NR > 2 { printf "%s/%s ", $1, $2 }'; }
pol() { sed -n 's/.*policy [A-Z]* \([0-9]*\) packets.*/\1/p'; }
check "FORWARD counters as iptables-legacy" \
	"$(ipt "$R2" -L FORWARD -v -x -n | counters) $(ipt "$R2" -L FORWARD -v -x -n | pol)" \
	"$(bf "$R1" -L FORWARD -v -x -n | counters) $(bf "$R1" -L FORWARD -v -x -n | pol)"
check "INPUT rule counters as iptables-legacy" "$(ipt "$R2" -L INPUT -v -x -n | counters)" \
	"$(bf "$R1" -L INPUT -v -x -n | counters)"
check "IPv6 FORWARD counters as ip6tables-legacy" \
	"$(ip netns exec "$R2" ip6tables-legacy -L FORWARD -v -x -n | counters) $(ip netns exec "$R2" ip6tables-legacy -L FORWARD -v -x -n | pol)" \
	"$(ip netns exec "$R1" "$BPFILTER6" -L FORWARD -v -x -n | counters) $(ip netns exec "$R1" "$BPFILTER6" -L FORWARD -v -x -n | pol)"
check "IPv6 INPUT rule counters as ip6tables-legacy" \
	"$(ip netns exec "$R2" ip6tables-legacy -L INPUT -v -x -n | counters)" \
	"$(ip netns exec "$R1" "$BPFILTER6" -L INPUT -v -x -n | counters)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
