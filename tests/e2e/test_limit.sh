#!/bin/bash
# test: alone (timed trains: a busy second core shifts token boundaries)
# -m limit against iptables-legacy: two twin pairs of hosts get the same
# rules, changes and UDP trains — bpfilter on one receiver, iptables-legacy
# on the other — and the rules' counters are compared. A bucket starts
# full (--limit-burst packets), refills at --limit, and starts full again
# when its table is replaced (iptables-legacy replaces the table at every
# change of it; a change of another table leaves it as it is).
# Rule 1 (1/minute, burst 3) gains no token while the test runs: its
# counts must be equal. Rule 2 (20/second, burst 5) refills during a
# timed train (40 datagrams 10 ms apart: 5 + about 8): the two trains
# run one after the other, so a token boundary may fall differently;
# their counts may differ by 1 (the stated tolerance), no more.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_tool probe
bf_run_dir_new
hosts_new A B   # bpfilter on B
hosts_new C D   # iptables-legacy on D
failures=0

both()
{
	bf "$B" "$@" || fail "bpfilter $*"
	ipt "$D" "$@" || fail "iptables-legacy $*"
}

# train PORT COUNT INTERVAL_US: from A to B, then from C to D.
train()
{
	ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" "$1" --count "$2" \
		--interval-us "$3" >/dev/null || fail "udp-send"
	ip netns exec "$C" "$TOOLS/probe" udp-send "$HOST_B" "$1" --count "$2" \
		--interval-us "$3" >/dev/null || fail "udp-send"
	sleep 0.1
}

# Packet counts of INPUT's rules, one line.
counts()
{
	"$@" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }'
}

both -A INPUT -p udp --dport 9 -m limit --limit 1/min --limit-burst 3 -j ACCEPT
both -A INPUT -p udp --dport 9 -j DROP
both -A INPUT -p udp --dport 10 -m limit --limit 20/s --limit-burst 5 -j ACCEPT
both -A INPUT -p udp --dport 10 -j DROP
bf "$B" attach "$IF_B" || fail "attach"

train 9 10 1000
check "a burst: 3 of 10 pass" "3 7 0 0 " "$(counts bf "$B")"
check "a burst: as iptables-legacy" "$(counts ipt "$D")" "$(counts bf "$B")"

train 9 10 1000
check "an empty bucket: none of 10 pass" "3 17 0 0 " "$(counts bf "$B")"
check "an empty bucket: as iptables-legacy" "$(counts ipt "$D")" "$(counts bf "$B")"

# Rule 2: a timed train, the tolerance stated above.
train 10 40 10000
read -r -a got <<<"$(counts bf "$B")"
read -r -a want <<<"$(counts ipt "$D")"
diff=$((got[2] - want[2]))
if [ "${diff#-}" -gt 1 ] || [ "${got[2]}" -lt 9 ] || [ "${got[2]}" -gt 16 ]; then
	echo "FAIL timed train: bpfilter passed ${got[2]}, iptables-legacy ${want[2]} of 40"
	failures=$((failures + 1))
else
	echo "ok   timed train: bpfilter passed ${got[2]}, iptables-legacy ${want[2]} of 40"
fi

# A change of raw leaves filter's buckets as they are: still empty.
both -t raw -A PREROUTING -p udp --dport 99
train 9 10 1000
check "a change of raw: rule 1's bucket still empty" "3 27 " \
	"$(counts bf "$B" | cut -d' ' -f1-2) "
# (Rules 3 and 4 still hold the timed train's counts, which may differ
# by the tolerance: only the rules this step exercises are compared.)
check "a change of raw: as iptables-legacy" "$(counts ipt "$D" | cut -d' ' -f1-2)" \
	"$(counts bf "$B" | cut -d' ' -f1-2)"

# -Z replaces filter (iptables-legacy writes the table back): full again.
both -Z INPUT
train 9 10 1000
check "a change of filter: rule 1's bucket full again" "3 7 " \
	"$(counts bf "$B" | cut -d' ' -f1-2) "
check "a change of filter: as iptables-legacy" "$(counts ipt "$D")" "$(counts bf "$B")"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
