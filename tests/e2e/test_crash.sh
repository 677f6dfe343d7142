#!/bin/bash
# Crash safety: `kill -9` of bpfilter at KILLS random points (default 20;
# `make check-crash` runs 100) of a restore that swaps between two
# rulesets (one drops udp 9, the other udp 10): after each, the next
# command succeeds, and what is stored and what the attached programs do
# agree — all old or all new (traffic says which port is dropped). A
# commit killed between changing the kernel and the rules files leaves a
# mark the next command finds: it commits the stored rules again.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0
KILLS=${KILLS:-20}

for p in 9 10; do
	cat >"$W/r$p" <<EOF
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p udp -m udp --dport $p -j DROP
-A INPUT -p tcp -m tcp --dport 2$p -j ACCEPT
COMMIT
EOF
done
bf "$B" restore "$W/r9" || fail "restore"
bf "$B" attach "$IF_B" || fail "attach"

stored() { bf "$B" -S INPUT | sed -n 's/.*--dport \([0-9]*\) -j DROP/\1/p'; }
# The port the programs drop: 9 or 10 (one datagram each).
judged()
{
	local p9 p10
	p9=$(udp_received 1 9)
	p10=$(udp_received 1 10)
	[ "$p9" = 0 ] && [ "$p10" = 1 ] && { echo 9; return; }
	[ "$p9" = 1 ] && [ "$p10" = 0 ] && { echo 10; return; }
	echo "9:$p9,10:$p10"
}

killed=0 repaired=0
for ((i = 0; i < KILLS; i++)); do
	f=$W/r$((i % 2 ? 10 : 9))
	ip netns exec "$B" "$BPFILTER" restore "$f" 2>/dev/null &
	pid=$!
	sleep "0.0$((RANDOM % 60 + 10))"
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null
	out=$(bf "$B" -S 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 0 ] || { echo "FAIL kill $i: the next command exited $rc: $out"; failures=$((failures + 1)); }
	grep -q "interrupted" <<<"$out" && repaired=$((repaired + 1))
	s=$(stored)
	j=$(judged)
	[ "$s" = "$j" ] || { echo "FAIL kill $i: stored drops $s, the programs drop $j"; failures=$((failures + 1)); }
done
echo "$KILLS kills ($killed during a restore, $repaired repaired by the next command)"

# The window itself, held open (BPFILTER_FAULT=slow-publish): killed with
# the XDP program swapped and the rules file not, the programs drop what
# the new ruleset drops while the file says the old; the next command
# puts them back in line with the file.
bf "$B" restore "$W/r9" || fail "restore r9"
ip netns exec "$B" env BPFILTER_FAULT=slow-publish "$BPFILTER" restore "$W/r10" 2>/dev/null &
pid=$!
sleep 1
kill -9 "$pid"
wait "$pid" 2>/dev/null
check "killed in the window: the file says" 9 "$(grep -h -- '--dport [0-9]* -j DROP' "$BPFILTER_RUN_DIR"/*/rules.v4 | sed 's/.*--dport \([0-9]*\) -j DROP/\1/')"
check "killed in the window: the XDP program drops" 10 "$(judged)"
out=$(bf "$B" -S 2>&1 >/dev/null)
check "the next command says so" "Warning: a change was interrupted: the programs follow the stored rules again" "$out"
check "then the programs drop what is stored" "$(stored)" "$(judged)"
check "a command after the kills" 0 "$(bf "$B" restore "$W/r10" >/dev/null 2>&1; echo $?)"
check "and it judges" 10 "$(judged)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
