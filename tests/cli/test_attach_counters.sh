#!/bin/bash
# Counters while attached: kept across rule changes (also when slots move),
# exact under traffic while the program is swapped many times, shared by
# every attached interface, stored at detach and carried into the next
# attach; -Z zeroes them.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_tool probe
need_cmd ethtool
bf_run_dir_new
hosts_new A B
# A static neighbour: no ARP, so every datagram sent reaches the wire.
ip -n "$A" neigh replace "$HOST_B" lladdr "$(ns_mac "$B" "$IF_B")" dev "$IF_A" ||
	fail "static neighbour"

expect()
{
	local want=$1
	shift
	out=$("$@" 2>&1)
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $out"
}
# drop_count: packets of the `--dport 9 -j DROP` rule.
drop_count()
{
	bf "$B" save -c | sed -n 's/^\[\([0-9]*\):[0-9]*\] -A INPUT -p udp -m udp --dport 9 -j DROP$/\1/p'
}
drop_is()
{
	[ "$(drop_count)" = "$1" ]
}
drop_bytes()
{
	bf "$B" save -c | sed -n 's/^\[[0-9]*:\([0-9]*\)\] -A INPUT -p udp -m udp --dport 9 -j DROP$/\1/p'
}
# XDP drops the veth saw: the ground truth for what our program dropped.
xdp_drops()
{
	ip netns exec "$B" ethtool -S "$IF_B" | awk '/xdp_drops:/ { s += $2 } END { print s + 0 }'
}
send() # COUNT [INTERVAL_US]
{
	ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" 9 --count "$1" \
		--interval-us "${2:-0}" >/dev/null || fail "probe udp-send"
}

expect 0 bf "$B" -A INPUT -p udp --dport 9 -j DROP
expect 0 bf "$B" attach "$IF_B"
d0=$(xdp_drops)
send 100
wait_until 5 drop_is 100 || fail "count after 100: $(drop_count)"
[ "$(drop_bytes)" = $((100 * 60)) ] || fail "bytes (IP packet lengths): $(drop_bytes)"

# Rules inserted before it move its slot: the count stays.
expect 0 bf "$B" -I INPUT -p tcp --dport 1 -j ACCEPT
expect 0 bf "$B" -I INPUT 2 -p udp --dport 2 -j ACCEPT
[ "$(drop_count)" = 100 ] || fail "count after inserts: $(drop_count)"

# Traffic during many swaps: nothing counted twice or lost.
ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" 9 --count 20000 --interval-us 50 >/dev/null &
sender=$!
at_exit "kill $sender"
for i in $(seq 1 10); do
	expect 0 bf "$B" -I INPUT -p tcp --dport $((1000 + i)) -j ACCEPT
	expect 0 bf "$B" -D INPUT -p udp --dport 2 -j ACCEPT
	expect 0 bf "$B" -I INPUT 2 -p udp --dport 2 -j ACCEPT
done
wait "$sender" || fail "sender failed"
want=$(( $(xdp_drops) - d0 ))
[ "$want" -ge 20000 ] || echo "note: only $want of 20100 datagrams reached $IF_B"
wait_until 5 drop_is $want ||
	fail "count after traffic during swaps: $(drop_count), the veth dropped $want"

# A second interface shares the counters: lo in generic mode.
expect 0 bf "$B" attach lo --mode generic
ip netns exec "$B" "$TOOLS/probe" udp-send 127.0.0.1 9 --count 50 >/dev/null || fail "send on lo"
want=$((want + 50))
wait_until 5 drop_is $want || fail "count with lo: $(drop_count), want $want"
expect 0 bf "$B" -A INPUT -p icmp -j ACCEPT   # swaps both
[ "$(drop_count)" = "$want" ] || fail "count after a swap of two: $(drop_count)"
expect 0 bf "$B" detach lo

# -Z zeroes.
expect 0 bf "$B" -Z INPUT
[ "$(drop_count)" = 0 ] || fail "count after -Z: $(drop_count)"
send 10
wait_until 5 drop_is 10 || fail "count after -Z and 10: $(drop_count)"

# Detach stores the counters; attach starts from them.
expect 0 bf "$B" detach "$IF_B"
[ "$(drop_count)" = 10 ] || fail "count after detach: $(drop_count)"
send 5   # not filtered now: not counted
expect 0 bf "$B" attach "$IF_B"
[ "$(drop_count)" = 10 ] || fail "count after re-attach: $(drop_count)"
send 7
wait_until 5 drop_is 17 || fail "count after re-attach and 7: $(drop_count)"

# restore -c sets counters, as iptables-restore -c does.
bf "$B" save -c | sed 's/^\[[0-9]*:[0-9]*\] \(-A INPUT -p udp -m udp --dport 9 -j DROP\)$/[1000:60000] \1/' |
	ip netns exec "$B" "$BPFILTER" restore -c || fail "restore -c"
[ "$(drop_count)" = 1000 ] || fail "count after restore -c: $(drop_count)"
send 3
wait_until 5 drop_is 1003 || fail "count after restore -c and 3: $(drop_count)"
expect 0 bf "$B" detach "$IF_B"
echo ok
