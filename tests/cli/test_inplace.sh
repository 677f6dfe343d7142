#!/bin/bash
# Changes that keep the rules' shapes update the attached programs'
# classifier maps in place (src/core/commit_inplace.c): the program stays
# (same id), the new verdicts hold at once for real traffic, counters of
# untouched rules go on, a new rule counts from zero, -Z zeroes. A change
# of shape loads a new program and keeps the counters too. (Counters of
# command sequences against iptables-legacy with every run classified:
# tests/diff/test_counters_classified.sh.)
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

# Datagrams B receives on port $1 out of 20 sent by A.
udp() { udp_received 20 "$1"; }

prog_id() { bf "$B" status | awk -v i="$IF_B" '$1 == i { print $4 }'; }
# Packets counted by the rule for UDP port $1 (save -c), "none" without.
count() { bf "$B" save -c | sed -n "s/^\[\([0-9]*\):[0-9]*\] .*--dport $1 -j DROP$/\1/p" | grep . || echo none; }

# 100 rules the classifier takes (one stage: fail2ban-like bans and a port).
{
	echo '*filter'
	for i in $(seq 1 99); do echo "-A INPUT -s 198.19.$((i / 200)).$((i % 200))/32 -j DROP"; done
	echo '-A INPUT -p udp -m udp --dport 9000 -j DROP'
	echo COMMIT
} >"$W/rules"
bf "$B" restore <"$W/rules" || fail "restore"
bf "$B" attach "$IF_B" || fail "attach"
check "udp 9000 dropped" 0 "$(udp 9000)"
check "udp 9001 passes" 20 "$(udp 9001)"
id=$(prog_id)
[ -n "$id" ] || fail "no program id in status"

bf "$B" -A INPUT -p udp -m udp --dport 9001 -j DROP || fail "-A"
check "-A: same program" "$id" "$(prog_id)"
check "-A: udp 9001 dropped at once" 0 "$(udp 9001)"
check "-A: the new rule counted" 20 "$(count 9001)"
check "-A: the old rule's count kept" 20 "$(count 9000)"

bf "$B" -I INPUT 1 -p udp -m udp --dport 9002 -j DROP || fail "-I"
check "-I: same program" "$id" "$(prog_id)"
check "-I: udp 9002 dropped" 0 "$(udp 9002)"
check "-I: counted" 20 "$(count 9002)"
check "-I: the others' counts kept" "20 20" "$(count 9000) $(count 9001)"

bf "$B" -D INPUT -p udp -m udp --dport 9001 -j DROP || fail "-D"
check "-D: same program" "$id" "$(prog_id)"
check "-D: udp 9001 passes again" 20 "$(udp 9001)"
check "-D: rule gone" none "$(count 9001)"

bf "$B" -R INPUT 1 -p udp -m udp --dport 9003 -j DROP || fail "-R"
check "-R: same program" "$id" "$(prog_id)"
check "-R: udp 9002 passes" 20 "$(udp 9002)"
check "-R: udp 9003 dropped" 0 "$(udp 9003)"
check "-R: the replacement counts from zero" 20 "$(count 9003)"

# New rules count in slots no running program counts into: from zero.
bf "$B" -A INPUT -p udp -m udp --dport 9004 -j DROP || fail "-A again"
check "-A again: same program" "$id" "$(prog_id)"
check "-A again: a new rule starts at zero" 0 "$(count 9004)"

bf "$B" -Z INPUT || fail "-Z"
check "-Z: same program" "$id" "$(prog_id)"
check "-Z: zeroed" "0 0" "$(count 9000) $(count 9003)"
check "-Z: udp 9000 still dropped" 0 "$(udp 9000)"
check "-Z: counting again" 20 "$(count 9000)"

# A rule the classifier cannot take: new code, a new program; counts kept.
bf "$B" -A INPUT -p tcp -m tcp ! --tcp-flags SYN SYN -j DROP || fail "-A linear"
[ "$(prog_id)" != "$id" ] || { echo "FAIL a change of shape loads a new program"; failures=$((failures + 1)); }
check "new program: counts kept" "20 0" "$(count 9000) $(count 9003)"
check "new program: udp 9003 dropped" 0 "$(udp 9003)"
check "new program: udp 9002 passes" 20 "$(udp 9002)"

# IPv6 (the same programs judge it): a rule added among 100 /128 bans.
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
bf6() { local ns=$1; shift; ip netns exec "$ns" "$BPFILTER6" "$@"; }
{
	echo '*filter'
	for i in $(seq 1 100); do echo "-A INPUT -s 2001:db8:9::$i/128 -j DROP"; done
	echo COMMIT
} >"$W/rules6"
bf6 "$B" restore <"$W/rules6" || fail "restore IPv6"
id6=$(prog_id)
bf6 "$B" -A INPUT -s 2001:db8:9::ffff -j DROP || fail "-A IPv6"
check "IPv6 -A: same program" "$id6" "$(prog_id)"
check "IPv6 -A: stored" "-A INPUT -s 2001:db8:9::ffff/128 -j DROP" "$(bf6 "$B" -S INPUT | tail -n 1)"
check "IPv4 rules untouched" "20" "$(count 9000)"

# A limit rule after the stage: its bucket restarts when a change applied
# in place replaces its table (filter), as iptables-legacy's does, and
# goes on when the change is in another table (raw).
{
	echo '*raw'
	for i in $(seq 1 40); do echo "-A PREROUTING -s 198.19.9.$i/32 -j DROP"; done
	echo COMMIT
	echo '*filter'
	for i in $(seq 1 99); do echo "-A INPUT -s 198.19.$((i / 200)).$((i % 200))/32 -j DROP"; done
	echo '-A INPUT -p udp -m udp --dport 9100 -m limit --limit 1/min --limit-burst 3 -j ACCEPT'
	echo '-A INPUT -p udp -m udp --dport 9100 -j DROP'
	echo COMMIT
} >"$W/rules_limit"
bf "$B" restore <"$W/rules_limit" || fail "restore with limit"
id=$(prog_id)
check "limit: 3 of 10 pass" 3 "$(udp_received 10 9100)"
check "limit: then none" 0 "$(udp_received 10 9100)"
bf "$B" -t raw -I PREROUTING 1 -s 198.19.9.99/32 -j DROP || fail "-I raw"
check "limit, raw changed in place: same program" "$id" "$(prog_id)"
check "limit, raw changed: the bucket goes on (empty)" 0 "$(udp_received 10 9100)"
bf "$B" -I INPUT 1 -s 198.19.8.99/32 -j DROP || fail "-I filter"
check "limit, filter changed in place: same program" "$id" "$(prog_id)"
check "limit, filter changed: the bucket restarts (full)" 3 "$(udp_received 10 9100)"

# hashlimit's tables and recent's lists belong to the namespace, not to a
# program: a change in place and a reload keep them (as iptables-legacy
# keeps a name's table while rules name it), the last rule of a name gone
# removes its list.
{
	echo '*filter'
	for i in $(seq 1 99); do echo "-A INPUT -s 198.19.$((i / 200)).$((i % 200))/32 -j DROP"; done
	echo '-A INPUT -p udp -m udp --dport 9200 -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 3 --hashlimit-name keep -j ACCEPT'
	echo '-A INPUT -p udp -m udp --dport 9200 -j DROP'
	echo '-A INPUT -p udp -m udp --dport 9300 -m recent --set --name keep'
	echo COMMIT
} >"$W/rules_named"
bf "$B" restore <"$W/rules_named" || fail "restore with hashlimit and recent"
id=$(prog_id)
check "hashlimit: 3 of 10 pass" 3 "$(udp_received 10 9200)"
udp_received 5 9300 >/dev/null
stamps() { bf "$B" recent list keep | awk -v a="src=$HOST_A" '$1 == a { print split($0, s, ",") }'; }
check "recent: 5 stamps" 5 "$(stamps)"
bf "$B" -I INPUT 1 -s 198.19.8.99/32 -j DROP || fail "-I filter"
check "hashlimit, changed in place: same program" "$id" "$(prog_id)"
check "hashlimit, changed in place: the bucket goes on (empty)" 0 "$(udp_received 10 9200)"
check "recent, changed in place: the list goes on" 5 "$(stamps)"
bf "$B" -A INPUT -p tcp --dport 1 -m length --length 1:2 -j DROP || fail "-A of a new shape"
[ "$id" != "$(prog_id)" ] || fail "a new shape loaded no program"
check "hashlimit, reloaded: the bucket goes on (empty)" 0 "$(udp_received 10 9200)"
check "recent, reloaded: the list goes on" 5 "$(stamps)"
bf "$B" -D INPUT -p udp -m udp --dport 9300 -m recent --set --name keep || fail "-D recent"
bf "$B" recent list keep >/dev/null 2>&1
check "recent: the list goes with its last rule" 1 $?

[ "$failures" -eq 0 ] || fail "$failures problems"
echo "all checks passed"
