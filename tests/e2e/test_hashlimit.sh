#!/bin/bash
# test: alone (timed trains: a busy second core shifts token boundaries)
# -m hashlimit against iptables-legacy: two twin pairs of hosts get the
# same rules, changes and UDP trains from several sources — bpfilter on
# one receiver, iptables-legacy on the other — and the rules' counters
# are compared.
#  - Rules whose rate gains no token while the test runs (1/minute, 1/hour)
#    must count exactly the same: a burst per source (srcip), per /24
#    (--hashlimit-srcmask 24), per destination port, --hashlimit-above,
#    a table full at --hashlimit-htable-max (the packets needing a new
#    entry hotdropped: counted by no rule), two rules sharing one name,
#    and the tables kept across changes (a reload; iptables-legacy
#    replaces the table, whose rules keep the name's hash table), and
#    over IPv6 (connections, one bucket per /64) with ip6tables-legacy.
#  - Timed trains (40 datagrams 10 ms apart at 20/s, burst 5; bytes at
#    600b/s; --hashlimit-rate-match at 10/s) refill while they run; the two trains run one after the other,
#    so a token boundary may fall differently: their counts may differ by
#    1 (the stated tolerance), no more.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy
need_tool probe
bf_run_dir_new
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
hosts_new A B   # bpfilter on B
hosts_new C D   # iptables-legacy on D
failures=0
for a in 198.18.1.5 198.18.0.20 198.18.0.21 198.18.1.21 198.18.0.31 198.18.0.32 \
	198.18.0.33 198.18.0.3 198.18.0.4; do
	ip -n "$A" addr add "$a/$HOSTS_PREFIX" dev "$IF_A" || fail "address $a"
	ip -n "$C" addr add "$a/$HOSTS_PREFIX" dev "$IF_A" || fail "address $a"
done

both()
{
	bf "$B" "$@" || fail "bpfilter $*"
	ipt "$D" "$@" || fail "iptables-legacy $*"
}

# train PORT COUNT INTERVAL_US [FROM]: from A to B, then from C to D.
train()
{
	local from=${4:-$HOST_A}
	ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" "$1" --count "$2" \
		--interval-us "$3" --from "$from" >/dev/null || fail "udp-send"
	ip netns exec "$C" "$TOOLS/probe" udp-send "$HOST_B" "$1" --count "$2" \
		--interval-us "$3" --from "$from" >/dev/null || fail "udp-send"
	sleep 0.1
}

counts()
{
	"$@" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }'
}

same()
{
	check "$1" "$(counts ipt "$D")" "$(counts bf "$B")"
}

H="-m hashlimit --hashlimit-htable-expire 600000"
# 1-2: per source; 3-4: per /24, above; 5-6: per destination port;
# 7-9: a table of 2 entries; 10-11: one name, two rules.
# shellcheck disable=SC2086
{
both -A INPUT -p udp --dport 9 $H --hashlimit-upto 1/min --hashlimit-burst 3 \
	--hashlimit-mode srcip --hashlimit-name src -j ACCEPT
both -A INPUT -p udp --dport 9 -j DROP
both -A INPUT -p udp --dport 10 $H --hashlimit-above 1/hour --hashlimit-burst 2 \
	--hashlimit-mode srcip --hashlimit-srcmask 24 --hashlimit-name net -j DROP
both -A INPUT -p udp --dport 10 -j ACCEPT
both -A INPUT -p udp --dport 11:12 $H --hashlimit-upto 1/min --hashlimit-burst 1 \
	--hashlimit-mode dstport --hashlimit-name port -j ACCEPT
both -A INPUT -p udp --dport 11:12 -j DROP
both -A INPUT -p udp --dport 13 $H --hashlimit-upto 1/min --hashlimit-burst 50 \
	--hashlimit-mode srcip --hashlimit-name small --hashlimit-htable-size 2 \
	--hashlimit-htable-max 2 -j ACCEPT
both -A INPUT -p udp --dport 13 -j DROP
both -A INPUT -p udp --dport 14 -s 198.18.0.3 $H --hashlimit-upto 1/min \
	--hashlimit-burst 4 --hashlimit-name one -j ACCEPT
both -A INPUT -p udp --dport 14 $H --hashlimit-upto 1/min --hashlimit-burst 4 \
	--hashlimit-name one -j ACCEPT
both -A INPUT -p udp --dport 14 -j DROP
}
bf "$B" attach "$IF_B" || fail "attach"

train 9 10 1000
train 9 10 1000 198.18.1.5
check "srcip: 3 of 10 per source" "6 14 " "$(counts bf "$B" | cut -d' ' -f1-2) "
same "srcip"

train 10 5 1000 198.18.0.20
train 10 5 1000 198.18.0.21
train 10 5 1000 198.18.1.21
check "srcmask 24, above: 2 of each /24 pass" "11 4 " "$(counts bf "$B" | cut -d' ' -f3-4) "
same "srcmask, above"

train 11 3 1000
train 12 3 1000
check "dstport: 1 per port" "2 4 " "$(counts bf "$B" | cut -d' ' -f5-6) "
same "dstport"

train 13 3 1000 198.18.0.31
train 13 3 1000 198.18.0.32
train 13 3 1000 198.18.0.33
check "htable-max 2: the third source hotdropped" "6 0 " "$(counts bf "$B" | cut -d' ' -f7-8) "
same "a full table"

train 14 3 1000 198.18.0.3
train 14 3 1000 198.18.0.4
check "one name, two rules: one bucket of 4" "3 1 2 " "$(counts bf "$B" | cut -d' ' -f9-11) "
same "a shared name"

# A reload (a rule added) keeps every table: the buckets stay empty.
both -I INPUT -p udp --dport 99 -j ACCEPT
train 9 5 1000
check "after a change: the source's bucket still empty" "6 19 " \
	"$(counts bf "$B" | cut -d' ' -f2-3) "
same "after a change"
both -D INPUT 1
train 14 1 1000 198.18.0.4
same "after a rule deleted"

# Timed trains, the tolerance stated above.
both -A INPUT -p udp --dport 20 -m hashlimit --hashlimit-upto 20/s --hashlimit-burst 5 \
	--hashlimit-mode srcip --hashlimit-name timed -j ACCEPT
both -A INPUT -p udp --dport 20 -j DROP
both -A INPUT -p udp --dport 21 -m hashlimit --hashlimit-upto 600b/s \
	--hashlimit-mode srcip --hashlimit-name bytes -j ACCEPT
both -A INPUT -p udp --dport 21 -j DROP
timed()
{
	local what=$1 col=$2 lo=$3 hi=$4 got want diff
	got=$(counts bf "$B" | cut -d' ' -f"$col")
	want=$(counts ipt "$D" | cut -d' ' -f"$col")
	diff=$((got - want))
	if [ "${diff#-}" -gt 1 ] || [ "$got" -lt "$lo" ] || [ "$got" -gt "$hi" ]; then
		echo "FAIL $what: bpfilter passed $got, iptables-legacy $want"
		failures=$((failures + 1))
	else
		echo "ok   $what: bpfilter passed $got, iptables-legacy $want"
	fi
}
train 20 40 10000
timed "timed train 20/s burst 5" 12 9 16
train 21 40 10000
timed "timed train 600b/s" 14 1 40
both -A INPUT -p udp --dport 22 -m hashlimit --hashlimit-upto 10/s --hashlimit-burst 2 \
	--hashlimit-rate-match --hashlimit-rate-interval 1 --hashlimit-name rm -j ACCEPT
both -A INPUT -p udp --dport 22 -j DROP
train 22 40 10000
timed "timed train, rate-match 10/s" 16 1 40

# IPv6: connections, a bucket per /64 of sources.
v6_pair "$A" "$B"
v6_pair "$C" "$D"
for ns in "$B" "$D"; do
	if [ "$ns" = "$B" ]; then ip6=(ip netns exec "$B" "$BPFILTER6"); else
		ip6=(ip netns exec "$D" ip6tables-legacy); fi
	"${ip6[@]}" -A INPUT -p tcp --dport 7 --syn -m hashlimit --hashlimit-upto 1/min \
		--hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-srcmask 64 \
		--hashlimit-name v6 -j ACCEPT || fail "v6 rule"
	"${ip6[@]}" -A INPUT -p tcp --dport 7 --syn -j DROP || fail "v6 rule"
done
got=() want=()
for i in 1 2 3 4; do
	got+=("$(ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST6_B" 7 300)")
	want+=("$(ip netns exec "$C" "$TOOLS/probe" tcp-connect "$HOST6_B" 7 300)")
done
check "v6: 2 refused, then dropped" "refused refused timeout timeout" "${got[*]}"
check "v6: as ip6tables-legacy" "${want[*]}" "${got[*]}"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
