#!/bin/bash
# 64 attached veths, one ruleset: -i (exact, wildcard, inverted) at XDP
# and -o (the same) in OUTPUT at TC egress judged per interface with real
# traffic; `status` lists all 64; a change swaps every attachment's
# programs (each in one atomic XDP or tcx replace) and judges at once on
# all; an interface that disappears is reported by `status`, and
# attaching it again once it is back restores its filtering.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
failures=0
N=64

ns_new A
ns_new B
# pair I: pI in A (198.19.I.1/24) <-> mI in B (198.19.I.2/24).
pair()
{
	ip link add "p$1" netns "$A" type veth peer name "m$1" netns "$B" &&
		ip -n "$A" addr add "198.19.$1.1/24" dev "p$1" &&
		ip -n "$B" addr add "198.19.$1.2/24" dev "m$1" &&
		ip -n "$A" link set "p$1" up && ip -n "$B" link set "m$1" up
}
for ((i = 0; i < N; i++)); do
	pair "$i" || fail "pair $i"
done
for ((i = 0; i < N; i++)); do
	wait_until 5 _carrier_up "$B" "m$i" || fail "m$i has no carrier"
done

for r in "-A INPUT -i m7 -p udp --dport 9 -j DROP" \
	"-A INPUT -i m4+ -p udp --dport 10 -j DROP" \
	"-A INPUT ! -i m0 -p udp --dport 11 -j DROP" \
	"-A OUTPUT -o m9 -p udp --dport 13 -j DROP" \
	"-A OUTPUT -o m3+ -p udp --dport 14 -j DROP" \
	"-A OUTPUT ! -o m1 -p udp --dport 15 -j DROP"; do
	bf "$B" $r || fail "bpfilter $r"
done
for ((i = 0; i < N; i++)); do
	bf "$B" attach "m$i" || fail "attach m$i"
done
check "status lists every interface" "$N" "$(bf "$B" status | grep -c '^m[0-9]* .* native ')"

# got I PORT: of 3 datagrams sent over pair I to PORT, how many B received.
got()
{
	recv_start "$B" "$2" "$W/recv"
	ip netns exec "$A" "$TOOLS/probe" udp-send "198.19.$1.2" "$2" --count 3 \
		--interval-us 1000 >/dev/null || fail "udp-send"
	recv_stop
	awk '$1 == "total" { print $2 }' "$W/recv"
}

# sent I PORT: of 3 datagrams B sends over pair I to PORT, how many A
# received.
sent()
{
	recv_start "$A" "$2" "$W/recv"
	ip netns exec "$B" bash -c "for i in 1 2 3; do echo x 2>/dev/null >/dev/udp/198.19.$1.1/$2; done"
	recv_stop
	awk '$1 == "total" { print $2 }' "$W/recv"
}

check "-i m7: dropped on m7" 0 "$(got 7 9)"
check "-i m7: passes on m17" 3 "$(got 17 9)"
check "-i m4+: dropped on m4" 0 "$(got 4 10)"
check "-i m4+: dropped on m45" 0 "$(got 45 10)"
check "-i m4+: passes on m5" 3 "$(got 5 10)"
check "! -i m0: passes on m0" 3 "$(got 0 11)"
check "! -i m0: dropped on m63" 0 "$(got 63 11)"
check "-o m9: dropped by m9" 0 "$(sent 9 13)"
check "-o m9: passes m19" 3 "$(sent 19 13)"
check "-o m3+: dropped by m3" 0 "$(sent 3 14)"
check "-o m3+: dropped by m38" 0 "$(sent 38 14)"
check "-o m3+: passes m2" 3 "$(sent 2 14)"
check "! -o m1: passes m1" 3 "$(sent 1 15)"
check "! -o m1: dropped by m60" 0 "$(sent 60 15)"

ids() { bf "$B" status | awk '/^m[0-9]* / { print $4; print $6 }' | sort; }
before=$(ids)
bf "$B" -A INPUT -i m63 -p udp --dport 12 -j DROP || fail "a change"
after=$(ids)
check "a change: every program swapped (XDP and TC)" "$((2 * N))" \
	"$(comm -13 <(echo "$before") <(echo "$after") | grep -c .)"
check "a change: judged on m63" 0 "$(got 63 12)"
check "a change: not on m62" 3 "$(got 62 12)"
bf "$B" -A OUTPUT -o m62 -p udp --dport 16 -j DROP || fail "a change of OUTPUT"
check "a change of OUTPUT: judged by m62" 0 "$(sent 62 16)"
check "a change of OUTPUT: not by m61" 3 "$(sent 61 16)"

ip -n "$B" link del m5 || fail "del m5"
check "a vanished interface: reported" 1 \
	"$(bf "$B" status | grep '^m5 ' | grep -c -v ' native  *[0-9]')"
pair 5 || fail "pair 5 again"
wait_until 5 _carrier_up "$B" m5 || fail "m5 has no carrier"
bf "$B" attach m5 || fail "attach m5 again"
check "back and attached again: judged" 0 "$(got 5 11)"
check "status lists every interface again" "$N" "$(bf "$B" status | grep -c '^m[0-9]* .* native ')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
