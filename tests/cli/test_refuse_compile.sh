#!/bin/bash
# What the code generator cannot compile yet (REJECT in OUTPUT, at TC
# egress; FORWARD with conntrack in the same family; in both families) is
# stored while nothing is attached, as
# iptables stores it; attaching then fails as a whole (exit 1, a message
# naming table, chain, rule and reason) and attaches nothing. While
# attached, a change that adds such a thing fails the same way and
# changes nothing: same program, same stored rulesets and counters, the
# old rules keep filtering real traffic.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_iptables_legacy
need_tool probe
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
[ -x "$BPFILTER6" ] || fail "$BPFILTER6 is missing: run make"
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

bf6() { local ns=$1; shift; ip netns exec "$ns" "$BPFILTER6" "$@"; }


expect()
{
	local want=$1
	shift
	out=$("$@" 2>&1)
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $out"
}

xdp_id() { ip -n "$B" -d link show dev "$IF_B" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
saves() { bf "$B" save -c | grep -v '^#'; bf6 "$B" save -c | grep -v '^#'; }

# Datagrams B receives on port $1 out of 20 sent by A.
udp() { udp_received 20 "$1"; }

# refused_attach NAME MESSAGE: attaching fails with exit 1 and that
# message, and leaves nothing attached.
refused_attach()
{
	local name=$1 msg=$2 prog=$BPFILTER
	[ "$name" = bpfilter6 ] && prog=$BPFILTER6
	ip netns exec "$B" "$prog" attach "$IF_B" >"$W/out" 2>"$W/err"
	check "$name attach refused: exit code" 1 "$?"
	check "$name attach refused: message" "$name: $msg" "$(cat "$W/err")"
	check "nothing attached to $IF_B" "" "$(xdp_id)"
	bf "$B" status >"$W/out" 2>&1
	check "status: not attached" "Not attached to any interface." "$(sed -n 2p "$W/out")"
}

# Nothing attached: every rule is stored, as iptables stores it. Each
# expected line below is iptables-legacy-save's (ip6tables-legacy-save's)
# for the same command, checked with the oracle.
expect 0 bf "$B" -A INPUT -p udp --dport 9000 -j DROP
expect 0 bf "$B" -A OUTPUT -s 198.19.0.2 -j REJECT
expect 0 bf "$B" -A INPUT -j RETURN
expect 0 bf "$B" -N web
expect 0 bf "$B" -A web -j ACCEPT
expect 0 bf "$B" -A INPUT -j web
expect 0 bf "$B" -A FORWARD -s 198.19.0.1 -j REJECT
expect 0 bf6 "$B" -A FORWARD -s 2001:db8::1 -j REJECT
saved=$(saves)
for line in '-A OUTPUT -s 198.19.0.2/32 -j REJECT --reject-with icmp-port-unreachable' \
	'-A INPUT -j RETURN' \
	'-A INPUT -j web' '-A FORWARD -s 198.19.0.1/32 -j REJECT --reject-with icmp-port-unreachable' '-A web -j ACCEPT' \
	':web - [0:0]' '-A FORWARD -s 2001:db8::1/128 -j REJECT --reject-with icmp6-port-unreachable'; do
	grep -q -x -F -e "[0:0] $line" -e "$line" <<<"$saved" ||
		{ echo "FAIL stored: $line missing from"$'\n'"$saved"; failures=$((failures + 1)); }
done

# Attaching compiles: refused while any of them is there, the first one
# named (IPv4 first; tables as a packet meets them, raw first; chains in
# order). Each removed in turn.
refused_attach bpfilter "cannot compile rule 1 of chain OUTPUT (table filter): the target REJECT cannot be compiled at TC egress (OUTPUT) yet"
expect 0 bf "$B" -D OUTPUT 1
# RETURN and the jump to web compile now (tests/prog/test_xdp_chains.c);
# removed so that the rules below judge alone.
expect 0 bf "$B" -D INPUT 2
expect 0 bf "$B" -D INPUT 2
# FORWARD compiles (tests/e2e/test_router.sh) but with conntrack in the
# same family.
expect 0 bf "$B" -F FORWARD
expect 0 bf "$B" -F web
expect 0 bf6 "$B" -D FORWARD 1
expect 0 bf6 "$B" -P FORWARD DROP
expect 0 bf6 "$B" -A INPUT -m state --state ESTABLISHED -j ACCEPT
refused_attach bpfilter6 "cannot compile the policy of chain FORWARD (table filter, IPv6): FORWARD rules or policy with conntrack in the same ruleset are not supported at XDP yet"
expect 0 bf6 "$B" -D INPUT 1
expect 0 bf6 "$B" -P FORWARD ACCEPT

# Now it compiles.
expect 0 bf "$B" attach "$IF_B"
check "before: udp 9000 dropped" 0 "$(udp 9000)"
check "before: udp 9001 passes" 20 "$(udp 9001)"

# refused_change NAME MESSAGE CMD...: a change while attached fails with
# exit 1 and that message; program, rulesets and counters unchanged.
refused_change()
{
	local name=$1 msg=$2 id before prog=$BPFILTER
	shift 2
	[ "$name" = bpfilter6 ] && prog=$BPFILTER6
	id=$(xdp_id)
	before=$(saves)
	ip netns exec "$B" "$prog" "$@" >"$W/out" 2>"$W/err"
	check "$name $*: exit code" 1 "$?"
	check "$name $*: message" "$name: $msg" "$(cat "$W/err")"
	check "$name $*: same program" "$id" "$(xdp_id)"
	check "$name $*: same rulesets and counters" "$before" "$(saves)"
}

refused_change bpfilter6 "cannot compile rule 1 of chain FORWARD (table filter, IPv6): FORWARD rules or policy with conntrack in the same ruleset are not supported at XDP yet" \
	-A FORWARD -m conntrack --ctstate INVALID -j DROP
refused_change bpfilter "cannot compile rule 1 of chain OUTPUT (table filter): the target REJECT cannot be compiled at TC egress (OUTPUT) yet" \
	-I OUTPUT -p udp -j REJECT
refused_change bpfilter "cannot compile rule 1 of chain FORWARD (table filter): FORWARD rules or policy with conntrack in the same ruleset are not supported at XDP yet" \
	-A FORWARD -m conntrack --ctstate NEW -j DROP
refused_change bpfilter6 "cannot compile rule 1 of chain OUTPUT (table filter, IPv6): the target REJECT cannot be compiled at TC egress (OUTPUT) yet" \
	-A OUTPUT -p tcp --dport 22 -j REJECT
# A whole file: refused as a whole, the rule that compiles in it too.
cat >"$W/forward.rules" <<'EOF2'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p udp -m udp --dport 9001 -j DROP
-A FORWARD -m state --state NEW -j DROP
COMMIT
EOF2
refused_change bpfilter "cannot compile rule 1 of chain FORWARD (table filter): FORWARD rules or policy with conntrack in the same ruleset are not supported at XDP yet" \
	restore "$W/forward.rules"

check "after: udp 9000 still dropped" 0 "$(udp 9000)"
check "after: udp 9001 still passes" 20 "$(udp 9001)"
expect 0 bf "$B" detach "$IF_B"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo "all checks passed"
