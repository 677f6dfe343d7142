#!/bin/bash
# Every interface: `attach --all` attaches each interface of the namespace
# (lo in generic mode, a veth natively); `watch` attaches those present,
# then each new one as it appears, reports an attached one that
# disappears and attaches it again when it comes back; the rules judge
# real traffic on what it attached; SIGTERM ends it (exit 0).
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

modes() { bf "$B" status | awk 'NR > 2 && NF == 6 { print $1 ":" $3 }' | sort | tr "\n" " "; }

bf "$B" -A INPUT -p udp --dport 9 -j DROP || fail "-A"
bf "$B" attach --all 2>"$W/err"
check "attach --all: exit code" 0 "$?"
check "attach --all: every interface" "lo:generic $IF_B:native " "$(modes)"
check "attach --all: the note for lo" "lo: its driver has no native XDP: attached in generic mode" \
	"$(cat "$W/err")"
bf "$B" attach --all "$IF_B" 2>/dev/null
check "attach --all with a name: usage error" 2 "$?"
bf "$B" detach lo && bf "$B" detach "$IF_B" || fail "detach"
check "detached" "" "$(modes)"

ip netns exec "$B" "$BPFILTER" watch >"$W/watch" 2>&1 &
wp=$!
at_exit kill "$wp"
wait_until 10 grep -q watching "$W/watch" || fail "watch did not start"
check "watch: the interfaces present" "lo:generic $IF_B:native " "$(modes)"
check "watch: dropped on $IF_B" 0 "$(udp_received 5 9)"
check "watch: passed on $IF_B" 5 "$(udp_received 5 10)"

ip -n "$B" link add w0 type veth peer name w1 || fail "new veth"
wait_until 10 grep -q "attached w1" "$W/watch" || fail "w1 not attached"
wait_until 10 grep -q "attached w0" "$W/watch" || fail "w0 not attached"
check "watch: new interfaces attached" "lo:generic $IF_B:native w0:native w1:native " "$(modes)"
ip -n "$B" link del w0 || fail "del veth"
wait_until 10 grep -q "w1 is gone" "$W/watch" || fail "w1's disappearance not reported"
grep -q "w0 is gone: it is attached again if it comes back" "$W/watch" ||
	{ echo "FAIL w0's disappearance not reported"; failures=$((failures + 1)); }
ip -n "$B" link add w0 type veth peer name w1 || fail "veth again"
twice() { [ "$(grep -c "$1" "$W/watch")" -ge 2 ]; }
wait_until 10 twice "attached w0" || fail "w0 not attached again"
wait_until 10 twice "attached w1" || fail "w1 not attached again"
check "watch: attached again" "lo:generic $IF_B:native w0:native w1:native " "$(modes)"

kill -TERM "$wp"
wait "$wp"
check "watch: SIGTERM ends it" 0 "$?"
check "watch: nothing else said" "" "$(grep -v -e '^attached ' -e ' is gone: ' -e '^watching$' \
	-e 'its driver has no native XDP' "$W/watch")"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
