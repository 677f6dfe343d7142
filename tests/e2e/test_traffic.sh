#!/bin/bash
# Real traffic over veth between two test hosts: TCP connections, UDP and
# ICMP echo are accepted or dropped per the ruleset bpfilter enforces at XDP
# on the receiver, and stay filtered while rules are added and deleted: a
# continuous stream from a dropped source gets no packet through during 50
# rule changes (counted by the receiving socket), while a stream from an
# allowed source keeps flowing.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
ip -n "$A" addr add 198.18.0.3/$HOSTS_PREFIX dev "$IF_A" || fail "second address"
P="$TOOLS/probe"
failures=0


tcp() { ip netns exec "$A" "$P" tcp-connect "$HOST_B" "$1" "${2:-700}"; }
ping1() { ip netns exec "$A" "$P" ping "$HOST_B" 1 "${1:-500}"; }

# udp COUNT PORT [FROM]: datagrams received on B's port from A.
udp() { udp_received "$@"; }

for port in 22 80; do
	spawn lpid ip netns exec "$B" "$P" tcp-listen "$port"
done
sleep 0.2

# Baseline without bpfilter: everything passes.
check "no program: tcp 80" ok "$(tcp 80)"
check "no program: ping" "1/1 replies" "$(ping1)"

bf "$B" restore <<'EOF' || fail "restore"
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 198.18.0.3/32 -j DROP
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 80 -j DROP
-A INPUT -p udp -m udp --dport 5000 -j DROP
COMMIT
EOF
# A stored ruleset filters nothing until attached.
check "stored, not attached: tcp 80" ok "$(tcp 80)"
bf "$B" attach "$IF_B" >"$W/attach.out" 2>&1 || fail "attach: $(cat "$W/attach.out")"

check "tcp 22 (accepted)" ok "$(tcp 22)"
check "tcp 80 (dropped)" timeout "$(tcp 80)"
check "tcp 81 (accepted, nothing listens)" refused "$(tcp 81)"
check "ping (policy accept)" "1/1 replies" "$(ping1)"
check "udp 5000 (dropped)" 0 "$(udp 20 5000)"
check "udp 5001 (accepted)" 20 "$(udp 20 5001)"
check "udp 5001 from 198.18.0.3 (dropped)" 0 "$(udp 20 5001 198.18.0.3)"

bf "$B" -I INPUT 1 -p icmp -j DROP || fail "-I icmp"
check "ping after -I icmp DROP" "0/1 replies" "$(ping1 300)"
bf "$B" -D INPUT 1 || fail "-D 1"
check "ping after -D" "1/1 replies" "$(ping1)"
bf "$B" -R INPUT 3 -p tcp --dport 80 -j ACCEPT || fail "-R"
check "tcp 80 after -R to ACCEPT" ok "$(tcp 80)"
bf "$B" -P INPUT DROP || fail "-P"
check "tcp 81 under policy DROP" timeout "$(tcp 81)"
check "tcp 22 under policy DROP" ok "$(tcp 22)"
bf "$B" -P INPUT ACCEPT || fail "-P"
bf "$B" -F INPUT || fail "-F"
check "tcp 80 after -F" ok "$(tcp 80)"

# Continuous streams during 50 rule changes: from 198.18.0.3 (dropped by
# the first rule, which stays) and from 198.18.0.1 (accepted).
bf "$B" restore <<'EOF' || fail "restore"
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 198.18.0.3/32 -j DROP
-A INPUT -p udp -m udp --dport 6000 -j ACCEPT
COMMIT
EOF
ip netns exec "$B" "$P" udp-recv 6000 120 >"$W/stream.recv" &
rpid=$!
at_exit "kill $rpid"
wait_until 2 grep -q ready "$W/stream.recv" || fail "udp-recv did not start"
ip netns exec "$A" "$P" udp-send "$HOST_B" 6000 --from 198.18.0.3 --count 0 \
	--interval-us 200 >"$W/stream.bad" &
bad=$!
at_exit "kill $bad"
ip netns exec "$A" "$P" udp-send "$HOST_B" 6000 --from "$HOST_A" --count 0 \
	--interval-us 500 >"$W/stream.good" &
good=$!
at_exit "kill $good"
sleep 0.3
changes_failed=0
for i in $(seq 1 50); do
	case $((i % 5)) in
	0) cmd=(-I INPUT 1 -s "198.18.77.$i" -j ACCEPT) ;;
	1) cmd=(-A INPUT -p tcp --dport "$((1000 + i))" -j DROP) ;;
	2) cmd=(-D INPUT 2) ;;
	3) cmd=(-I INPUT 2 -p udp --sport "$i" -j ACCEPT) ;;
	4) cmd=(-R INPUT 2 -s "198.18.88.$i" -j DROP) ;;
	esac
	# Keep the drop rule first: -I at 1 is followed by its own -D.
	bf "$B" "${cmd[@]}" 2>>"$W/changes.err" || changes_failed=$((changes_failed + 1))
	[ "${cmd[0]} ${cmd[2]}" = "-I 1" ] && { bf "$B" -D INPUT 1 || changes_failed=$((changes_failed + 1)); }
done
sleep 0.3
kill "$bad" "$good"
wait "$bad" "$good"
sleep 0.2
kill "$rpid"
wait "$rpid"
sent_bad=$(awk '{ print $2 }' "$W/stream.bad")
sent_good=$(awk '{ print $2 }' "$W/stream.good")
got_bad=$(awk '$1 == "198.18.0.3" { n = $2 } END { print n + 0 }' "$W/stream.recv")
got_good=$(awk '$1 == "198.18.0.1" { n = $2 } END { print n + 0 }' "$W/stream.recv")
echo "stream: 198.18.0.3 sent $sent_bad, received $got_bad;" \
	"198.18.0.1 sent $sent_good, received $got_good"
check "rule changes that failed" 0 "$changes_failed"
[ "$changes_failed" -eq 0 ] || sed 's/^/    /' "$W/changes.err"
check "stream from the dropped source, received" 0 "$got_bad"
[ "${sent_bad:-0}" -gt 1000 ] || check "stream from the dropped source, sent > 1000" yes "$sent_bad"
check "stream from the accepted source, all received" "$sent_good" "$got_good"
check "the drop rule is still first" "-A INPUT -s 198.18.0.3/32 -j DROP" \
	"$(bf "$B" -S INPUT 1)"
# The drop rule stayed through every change, so its counter (carried over
# each reload) holds every packet of the stream.
drop_pkts=$(bf "$B" -L INPUT 1 -v -x -n | awk '{ print $1 }')
check "drop rule counter = packets sent from 198.18.0.3" "$sent_bad" "$drop_pkts"

bf "$B" detach "$IF_B" || fail "detach"
check "after detach: udp 6000 from 198.18.0.3 passes" 5 "$(udp 5 6000 198.18.0.3)"

[ "$failures" -eq 0 ] || fail "$failures checks failed"
echo "all checks passed"
