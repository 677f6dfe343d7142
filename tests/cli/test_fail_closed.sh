#!/bin/bash
# Fail closed: a ruleset the kernel's verifier refuses (too many rules for
# the linear code) leaves everything as it was — the attached program
# (same id), the stored ruleset and its counters — exits 1 with the
# verifier's reason, shows the verifier log between markers with -v, and
# the old rules keep filtering real traffic.
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

bf "$B" restore <<'EOF2' || fail "restore"
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p udp -m udp --dport 9000 -j DROP
COMMIT
EOF2
bf "$B" attach "$IF_B" || fail "attach"
check "before: udp 9000 dropped" 0 "$(udp 9000)"
check "before: udp 9001 passes" 20 "$(udp 9001)"

id_before=$(prog_id)
save_before=$(bf "$B" save -c | grep -v '^#')
# Rules the classifier cannot take (inverted TCP flags), with several
# tests each: beyond what the verifier takes in one linear program.
{
	echo '*filter'
	for i in $(seq 1 12000); do
		echo "-A INPUT -s 198.19.$((i / 250)).$((i % 250))/32 -p tcp -m tcp --dport $((i + 1)) ! --tcp-flags SYN SYN -j DROP"
	done
	echo COMMIT
} >"$W/big.rules"

bf "$B" restore <"$W/big.rules" >"$W/out" 2>"$W/err"
check "refused load: exit code" 1 "$?"
grep -q "the kernel refused the BPF program.*too complex" "$W/err" ||
	{ echo "FAIL message: $(cat "$W/err")"; failures=$((failures + 1)); }
grep -q "BEGIN VERIFIER LOG" "$W/err" &&
	{ echo "FAIL the verifier log was shown without -v"; failures=$((failures + 1)); }

bf "$B" restore -v <"$W/big.rules" >"$W/out" 2>"$W/err"
check "refused load with -v: exit code" 1 "$?"
check "with -v: the verifier log between markers" "1 1" \
	"$(grep -c -- '^-- BEGIN VERIFIER LOG --$' "$W/err") $(grep -c -- '^-- END VERIFIER LOG --$' "$W/err")"

check "same program attached" "$id_before" "$(prog_id)"
check "same stored ruleset and counters" "$save_before" "$(bf "$B" save -c | grep -v '^#')"
check "after: udp 9000 still dropped" 0 "$(udp 9000)"
check "after: udp 9001 still passes" 20 "$(udp 9001)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo "all checks passed"
