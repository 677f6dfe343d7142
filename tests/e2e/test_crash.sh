#!/bin/bash
# Crash safety: `kill -9` of bpfilter at KILLS random points (default 20;
# `make check-crash` runs 100) of changes that swap the dropped UDP port
# between 9 and 10 — in turn a restore of the other ruleset, a -R of the
# DROP rule, and a -I of the new DROP rule then a -D of the old (a kill
# between those two leaves both, as it would with iptables): after each,
# the next command succeeds, and what is stored and what the attached
# programs do agree — all old or all new (traffic says which ports are
# dropped). A commit killed between changing the kernel and the rules
# files leaves a mark the next command finds: it commits the stored rules
# again.
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

# The UDP ports the stored rules drop, and those the programs drop (3
# datagrams to each of 9 and 10: all or none arrive), as "9", "10" or
# "9 10"; a port with some of its datagrams through shows as PORT:N/3.
stored() { bf "$B" -S INPUT | sed -n 's/.*--dport \([0-9]*\) -j DROP/\1/p' | sort -un | paste -sd' '; }
judged()
{
	local p n out=()
	for p in 9 10; do
		n=$(udp_received 3 "$p")
		case $n in
		0) out+=("$p") ;;
		3) ;;
		*) out+=("$p:$n/3") ;;
		esac
	done
	echo "${out[*]}"
}

# Each change starts from the other ruleset (rule 1 drops the other port).
# change_cmd I PORT: the I-th change, towards dropping PORT, into $cmd;
# into $span the milliseconds it takes here, about (a command ~100).
change_cmd()
{
	span=120
	case $(($1 / 2 % 3)) in
	0) cmd=("$BPFILTER" restore "$W/r$2") ;;
	1) cmd=("$BPFILTER" -R INPUT 1 -p udp -m udp --dport "$2" -j DROP) ;;
	2) span=240 cmd=(sh -c '"$0" -I INPUT 1 -p udp -m udp --dport "$1" -j DROP &&
		"$0" -D INPUT 2' "$BPFILTER" "$2") ;;
	esac
}

group_gone() { ! pgrep -g "$1" >/dev/null; }

killed=0 repaired=0 new=0 old=0 both=0
# Until KILLS of them land during a change (one that ends first is not
# one of them, but is checked all the same).
for ((i = 0; killed < KILLS && i < 3 * KILLS; i++)); do
	p=$((i % 2 ? 10 : 9))
	bf "$B" restore "$W/r$((19 - p))" || fail "kill $i: restore the old rules first"
	change_cmd "$i" "$p"
	# Its own process group (setsid), so that the kill takes the whole
	# change, both commands of a -I and -D.
	ip netns exec "$B" setsid "${cmd[@]}" 2>/dev/null &
	pid=$!
	sleep "$(printf '0.%03d' $((RANDOM % span + 5)))"
	pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
	[ "$pgid" = "$pid" ] && kill -9 -- "-$pgid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null
	# sh's bpfilter, killed too, may still be exiting (holding the lock).
	wait_until 5 group_gone "$pid" || fail "kill $i: the killed commands do not end"
	out=$(bf "$B" -S 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 0 ] || { echo "FAIL kill $i: the next command exited $rc: $out"; failures=$((failures + 1)); }
	grep -q "interrupted" <<<"$out" && repaired=$((repaired + 1))
	s=$(stored)
	j=$(judged)
	case $s in
	"$p") new=$((new + 1)) ;;
	"9 10") both=$((both + 1)) ;;
	*) old=$((old + 1)) ;;
	esac
	if [ "$s" != "$j" ]; then
		echo "FAIL kill $i: stored drops $s, the programs drop $j"
		bf "$B" -L INPUT -v -x -n | sed 's/^/    /'
		bf "$B" status | sed 's/^/    /'
		failures=$((failures + 1))
	fi
done
echo "$i changes, $killed killed, $repaired repaired by the next command:" \
	"$new left the new rules, $old the old, $both both DROP rules (killed between -I and -D)"
[ "$killed" = "$KILLS" ] || fail "only $killed of $i changes were killed before they ended"

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
