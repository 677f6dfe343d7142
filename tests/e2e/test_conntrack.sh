#!/bin/bash
# -m conntrack and -m state against iptables-legacy, with multi-packet
# flows over veth: TCP handshakes, data, FIN and RST (real sockets), a
# retransmitted segment and a duplicate ACK, UDP exchanges both ways, ICMP
# echo, an ICMP error about a flow (RELATED), unsolicited and out-of-window
# TCP, replies (--ctdir REPLY); IPv6 flows against ip6tables-legacy. Two twin
# pairs: bpfilter on B, iptables-legacy on D; the same flows on both; the
# INPUT counters must be equal, rule by rule. At XDP bpfilter judges what
# it can prove (UDP, a SYN without a flow, an established flow's ACK in
# conntrack's window); the rest is judged after conntrack by the
# netfilter stage: both paths are exercised here.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_tool pktsend
need_cmd python3
need_cmd nft
bf_run_dir_new
tmpdir_new W
FLOWS=$(dirname "$0")/../tools/ct_flows.py
failures=0

hosts_new A B
hosts_new C D
for ns in "$A" "$C"; do offloads_off "$ns" "$IF_A"; done
for ns in "$B" "$D"; do offloads_off "$ns" "$IF_B"; done
MAC_B=$(ns_mac "$B" "$IF_B")
MAC_D=$(ns_mac "$D" "$IF_B")

RULES='-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p udp -m conntrack --ctstate ESTABLISHED --ctorigsrc 198.18.0.2 --ctorigsrcport 6001 --ctrepldstport 6001 -j ACCEPT
-A INPUT -m conntrack --ctorigdst 198.18.0.2/32 --ctorigdstport 7777 --ctreplsrcport 7777:7778 --ctreplsrc 198.18.0.0/24 --ctstate ESTABLISHED --ctorigsrcport 41000 -j ACCEPT
-A INPUT -m conntrack ! --ctorigsrc 198.18.0.1 --ctdir REPLY -j ACCEPT
-A INPUT -m conntrack --ctrepldst 198.18.0.1 ! --ctorigdstport 5555 --ctstate NEW -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED --ctdir REPLY -j ACCEPT
-A INPUT -p tcp -m conntrack --ctstate ESTABLISHED --ctproto tcp -j ACCEPT
-A INPUT -m state --state RELATED -j ACCEPT
-A INPUT -m conntrack --ctstatus SEEN_REPLY -j ACCEPT
-A INPUT -p tcp -m tcp --dport 7777 -m conntrack --ctstate NEW --ctdir ORIGINAL -j ACCEPT
-A INPUT -p udp -m udp --dport 5555 -m conntrack --ctstate NEW -j ACCEPT
-A INPUT -p icmp -m state --state NEW -j ACCEPT
-A INPUT -m conntrack ! --ctstatus CONFIRMED -j ACCEPT
-A INPUT -m conntrack --ctstate UNTRACKED,SNAT,DNAT -j ACCEPT
-A INPUT -j DROP'

bf "$B" attach "$IF_B" >"$W/attach.out" 2>&1 || fail "attach: $(cat "$W/attach.out")"
while read -r line; do
	# shellcheck disable=SC2086
	bf "$B" $line || fail "bpfilter $line"
	# shellcheck disable=SC2086
	ipt "$D" $line || fail "iptables-legacy $line"
done <<<"$RULES"

counts()
{
	"$@" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s/%s ", $1, $2 }'
}

# on STEP CLIENT SERVER MAC [6]: the flows of STEP from CLIENT to SERVER
# (the same addresses on both pairs), over IPv6 with a 6th argument.
on()
{
	local client=$2 server=$3 out=$W/serve.$3 mac=$4 six=${5:-}
	local dst=$HOST_B src=$HOST_A
	[ -z "$six" ] || { dst=$HOST6_B; src=$HOST6_A; }
	ip netns exec "$server" python3 "$FLOWS" "serve$six" 6 >"$out" 2>&1 &
	local sp=$!
	wait_until 10 grep -qs ready "$out" || fail "$1: the server did not start: $(cat "$out")"
	case $1 in
	tcp | udp) ip netns exec "$client" python3 "$FLOWS" "$1" "$dst" || failures=$((failures + 1)) ;;
	ping) ip netns exec "$client" "$TOOLS/probe" ping "$HOST_B" 3 1000 >/dev/null ;;
	udp-out)
		rm -f "$W/answer" # no earlier run's "ready"
		ip netns exec "$client" python3 "$FLOWS" "udp-answer$six" 10 >"$W/answer" 2>&1 &
		local ap=$!
		wait_until 10 grep -qs ready "$W/answer" || fail "udp-answer did not start"
		ip netns exec "$server" python3 "$FLOWS" udp-out "$src" || failures=$((failures + 1))
		wait "$ap"
		;;
	unsolicited)
		local f
		for f in SYN,FIN RST FIN SYN,ACK ACK "ACK --payload 100" "SYN,ACK,FIN,URG,PSH" NONE; do
			# shellcheck disable=SC2086
			ip netns exec "$client" "$TOOLS/pktsend" -i "$IF_A" --dst-mac "$mac" \
				--src "$HOST_A" --dst "$HOST_B" --proto tcp --sport 42000 --dport 7777 \
				--flags $f >/dev/null || fail "pktsend"
			sleep 0.05
		done
		# A SYN to a closed port (NEW; the server answers a reset).
		ip netns exec "$client" "$TOOLS/pktsend" -i "$IF_A" --dst-mac "$mac" --src "$HOST_A" \
			--dst "$HOST_B" --proto tcp --sport 42001 --dport 8888 --flags SYN >/dev/null
		;;
	out-of-window)
		# An established flow, then an ACK of its 4-tuple with a sequence
		# number far from its window: INVALID for conntrack.
		rm -f "$W/hold" # no earlier run's "open"
		HOLD_MS=1500 ip netns exec "$client" python3 "$FLOWS" tcp "$HOST_B" >"$W/hold" 2>&1 &
		local cp=$!
		wait_until 10 grep -qs open "$W/hold" || fail "the held connection did not open"
		ip netns exec "$client" "$TOOLS/pktsend" -i "$IF_A" --dst-mac "$mac" --src "$HOST_A" \
			--dst "$HOST_B" --proto tcp --sport 41000 --dport 7777 --flags ACK \
			--seq 12345 --ack 67890 >/dev/null
		wait "$cp" || failures=$((failures + 1))
		;;
	retransmit)
		# A data segment of a connection sent again (a retransmission:
		# inside conntrack's window), a duplicate ACK, then the client
		# resets the connection.
		rm -f "$W/rst" # no earlier run's line, read before this run truncates it
		HOLD_MS=1000 ip netns exec "$client" python3 "$FLOWS" tcp-reset "$dst" >"$W/rst" 2>&1 &
		local rp=$! snd rcv
		wait_until 10 grep -qs "^seq" "$W/rst" || fail "the connection to reset did not open"
		read -r _ snd rcv < <(grep "^seq" "$W/rst")
		ip netns exec "$client" "$TOOLS/pktsend" -i "$IF_A" --dst-mac "$mac" --src "$src" \
			--dst "$dst" --proto tcp --sport 41001 --dport 7777 --flags ACK,PSH \
			--seq $(((snd - 500) & 0xffffffff)) --ack "$rcv" --payload 500 >/dev/null ||
			fail "pktsend"
		ip netns exec "$client" "$TOOLS/pktsend" -i "$IF_A" --dst-mac "$mac" --src "$src" \
			--dst "$dst" --proto tcp --sport 41001 --dport 7777 --flags ACK \
			--seq "$snd" --ack "$rcv" >/dev/null || fail "pktsend"
		wait "$rp" || failures=$((failures + 1))
		;;
	esac
	sleep 0.3
	kill "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
}

# Twice: first as sockets send over veth (checksums left to the device:
# partial on the wire, so XDP leaves TCP and UDP to the stack), then with
# checksums computed by the senders (so XDP judges what it can prove).
for csum in offloaded computed; do
	if [ $csum = computed ]; then
		for ns in "$A" "$C"; do
			ip netns exec "$ns" ethtool -K "$IF_A" tx off >/dev/null 2>&1 ||
				fail "cannot turn checksum offload off"
		done
	fi
	for step in tcp udp ping udp-out unsolicited out-of-window retransmit tcp; do
		on "$step" "$C" "$D" "$MAC_D"
		on "$step" "$A" "$B" "$MAC_B"
		check "checksums $csum, after $step: counters as iptables-legacy" \
			"$(counts ipt "$D")" "$(counts bf "$B")"
	done
done
# What conntrack's timers leave (--ctexpire: XDP then leaves every packet
# to the netfilter stage).
for r in "-I INPUT 2 -p tcp -m conntrack --ctstate ESTABLISHED --ctexpire 400000:500000 -j ACCEPT" \
	"-I INPUT 2 -m conntrack ! --ctexpire 0:25 -p udp -j ACCEPT"; do
	# shellcheck disable=SC2086
	bf "$B" $r || fail "bpfilter $r"
	# shellcheck disable=SC2086
	ipt "$D" $r || fail "iptables-legacy $r"
done
for step in tcp udp; do
	on "$step" "$C" "$D" "$MAC_D"
	on "$step" "$A" "$B" "$MAC_B"
	check "--ctexpire, after $step: counters as iptables-legacy" "$(counts ipt "$D")" \
		"$(counts bf "$B")"
done
# IPv6 (ip6tables-legacy against bpfilter6): the same flows over IPv6,
# checksums computed by the senders (offload is off since the IPv4 part),
# then left to the device. Neighbour discovery is UNTRACKED.
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
RULES6='-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -m state --state UNTRACKED -j ACCEPT
-A INPUT -p tcp -m conntrack --ctorigdst 2001:db8::2 --ctorigdstport 7777 --ctreplsrc 2001:db8::/64 --ctstate ESTABLISHED --ctorigsrcport 41000 -j ACCEPT
-A INPUT -m conntrack ! --ctorigsrc 2001:db8::1 --ctdir REPLY --ctreplsrcport 6000 -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED --ctdir REPLY -j ACCEPT
-A INPUT -p tcp -m conntrack --ctstate ESTABLISHED --ctproto tcp -j ACCEPT
-A INPUT -m state --state RELATED -j ACCEPT
-A INPUT -m conntrack --ctstatus SEEN_REPLY -j ACCEPT
-A INPUT -p tcp -m tcp --dport 7777 -m conntrack --ctstate NEW --ctdir ORIGINAL -j ACCEPT
-A INPUT -p udp -m udp --dport 5555 -m conntrack --ctstate NEW -j ACCEPT
-A INPUT -m conntrack ! --ctstatus CONFIRMED -j ACCEPT
-A INPUT -j DROP'
v6_pair "$A" "$B"
v6_pair "$C" "$D"
while read -r line; do
	# shellcheck disable=SC2086
	ip netns exec "$B" "$BPFILTER6" $line || fail "bpfilter6 $line"
	# shellcheck disable=SC2086
	ip netns exec "$D" ip6tables-legacy $line || fail "ip6tables-legacy $line"
done <<<"$RULES6"

counts6()
{
	ip netns exec "$1" "$2" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s/%s ", $1, $2 }'
}

for csum in computed offloaded; do
	if [ $csum = offloaded ]; then
		for ns in "$A" "$C"; do
			ip netns exec "$ns" ethtool -K "$IF_A" tx on >/dev/null 2>&1 ||
				fail "cannot turn checksum offload on"
		done
	fi
	for step in tcp udp udp-out tcp; do
		on "$step" "$C" "$D" "$MAC_D" 6
		on "$step" "$A" "$B" "$MAC_B" 6
		check "IPv6, checksums $csum, after $step: counters as ip6tables-legacy" \
			"$(counts6 "$D" ip6tables-legacy)" "$(counts6 "$B" "$BPFILTER6")"
	done
done
echo "IPv6 counters: $(counts6 "$B" "$BPFILTER6")"

for n in 2 3 4 5 6 7; do
	[ "$(counts ipt "$D" | awk -v n=$n '{ split($n, a, "/"); print a[1] }')" -gt 0 ] ||
		fail "no packet took rule $n: the test does not show it"
done
check "flows that failed" 0 "$failures"
echo "counters: $(counts bf "$B")"
