#!/bin/bash
# test: alone (a flood on both cores would slow whatever ran beside it)
# Swap under traffic: A floods B with UDP from an address B's ruleset
# drops, while CHANGES commands (default 100; `make check-swap` runs
# 1,000) change B's ruleset — restore, -A, -D, -I, set add / del, attach
# and detach of a second interface — each swapping programs or tables
# while packets arrive. Not one datagram from that source reaches the
# receiver on B (counted there), every command succeeds, and the dropping
# rule counted the flood.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0
CHANGES=${CHANGES:-100}

# A second interface of B's to attach and detach.
ip link add x-b netns "$B" type veth peer name x-a netns "$A" || fail "second veth"
ip -n "$B" link set x-b up && ip -n "$A" link set x-a up || fail "second veth up"

cat >"$W/rules" <<EOF
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s $HOST_A/32 -p udp --dport 9 -j DROP
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -m set --match-set bad src -j DROP
COMMIT
EOF
bf "$B" set create bad hash:ip || fail "set create"
bf "$B" restore "$W/rules" || fail "restore"
bf "$B" attach "$IF_B" || fail "attach"

ip netns exec "$B" "$TOOLS/probe" udp-recv 9 600 >"$W/recv" 2>&1 &
receiver=$!
wait_until 2 grep -q ready "$W/recv" || fail "udp-recv did not start"
ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" 9 --count 1000000000 --interval-us 0 \
	>/dev/null 2>&1 &
sender=$!
at_exit "kill $sender $receiver"
sleep 0.2

# The changes, in one shell in B's namespace: a count of the failures.
ip netns exec "$B" env BPF="$BPFILTER" RULES="$W/rules" N="$CHANGES" IF2=x-b sh -c '
	bad=0
	for i in $(seq "$N"); do
		case $((i % 8)) in
		0) "$BPF" restore "$RULES" ;;
		1) "$BPF" -A INPUT -p udp --dport $((20000 + i)) -j DROP ;;
		2) "$BPF" -D INPUT -p udp --dport $((20000 + i - 1)) -j DROP ;;
		3) "$BPF" -I INPUT 1 -p tcp --dport $((30000 + i)) -j ACCEPT ;;
		4) "$BPF" -D INPUT 1 ;;
		5) "$BPF" set add bad 198.19.$((i % 250)).1 -exist ;;
		6) "$BPF" set del bad 198.19.$(((i - 1) % 250)).1 -exist ;;
		7) if [ $((i % 16)) = 7 ]; then "$BPF" attach "$IF2"; else "$BPF" detach "$IF2"; fi ;;
		esac || bad=$((bad + 1))
	done
	echo "$bad"' >"$W/failed" 2>"$W/errors"
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
sleep 0.3
kill -INT "$receiver" 2>/dev/null
wait "$receiver" 2>/dev/null

check "$CHANGES changes: none failed" 0 "$(cat "$W/failed")"
check "$CHANGES changes: nothing on stderr" "" "$(cat "$W/errors")"
check "from the dropped source: none received" 0 "$(awk '$1 == "total" { print $2 }' "$W/recv")"
dropped=$(bf "$B" -L INPUT -v -x -n | awk '/dpt:9$/ { print $1 }')
[ "${dropped:-0}" -gt 1000 ] || fail "the flood did not flow: the DROP rule counted ${dropped:-0}"
echo "flood: $dropped datagrams dropped during $CHANGES changes"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
