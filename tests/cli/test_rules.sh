#!/bin/bash
# The bpfilter command's state: rules carry from one command to the next
# (each through its own `ip netns exec`, so a fresh mount namespace and
# /sys every time), rulesets of different network namespaces are
# independent, a change with nothing attached still updates the stored
# ruleset, attach/status/detach do what they say (checked with `ip link`),
# every change swaps the attached program, and the lock makes a command
# wait (-w) or fail with exit 4 as iptables does.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_cmd flock
bf_run_dir_new
tmpdir_new W
hosts_new A B
ns_new C
failures=0


# The ruleset; comment lines are test_save_diff's business.
save()
{
	bf "$1" save | grep -v '^#'
}

xdp_prog_id()
{
	ip -n "$B" -d link show "$IF_B" | sed -nE 's/.*prog\/xdp id ([0-9]+).*/\1/p' | head -n 1
}

EMPTY='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT'

check "fresh namespace: empty ruleset" "$EMPTY" "$(save "$B")"

# Rules carry across commands with nothing attached.
bf "$B" -A INPUT -s 198.18.1.1 -j DROP || fail "-A"
bf "$B" -A INPUT -p tcp --dport 22 -j ACCEPT || fail "-A"
bf "$B" -I INPUT 1 -p icmp -j ACCEPT || fail "-I"
bf "$B" -P INPUT DROP || fail "-P"
WANT='*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p icmp -j ACCEPT
-A INPUT -s 198.18.1.1/32 -j DROP
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT'
check "rules carry across commands (not attached)" "$WANT" "$(save "$B")"
check "other namespaces are independent" "$EMPTY" "$(save "$C")"
bf "$C" -A INPUT -s 198.18.2.2 -j DROP || fail "-A in C"
check "a change in one namespace leaves the other alone" "$WANT" "$(save "$B")"
check "-S shows the rule of the other namespace" "-A INPUT -s 198.18.2.2/32 -j DROP" \
	"$(bf "$C" -S INPUT 1)"

# Attach: the stored ruleset goes on the interface.
check "no XDP program before attach" "" "$(xdp_prog_id)"
bf "$B" attach "$IF_B" >"$W/out" 2>&1 || fail "attach: $(cat "$W/out")"
id1=$(xdp_prog_id)
[ -n "$id1" ] || fail "no XDP program on $IF_B after attach: $(ip -n "$B" -d link show "$IF_B")"
check "attach defaults to native mode" xdp \
	"$(ip -n "$B" -d link show "$IF_B" | grep -oE '\<xdp(generic|drv|offload)?\>' | head -n 1)"
bf "$B" status >"$W/status" 2>&1 || fail "status: $(cat "$W/status")"
grep -q "$IF_B" "$W/status" && grep -q "$id1" "$W/status" && grep -qi native "$W/status" ||
	check "status shows the interface, its program id and mode" "$IF_B ... $id1 ... native" "$(cat "$W/status")"
check "the ruleset is unchanged by attach" "$WANT" "$(save "$B")"

# Every change swaps the program, and the interface is never left without one.
bf "$B" -A INPUT -p udp --dport 53 -j ACCEPT || fail "-A attached"
id2=$(xdp_prog_id)
[ -n "$id2" ] && [ "$id2" != "$id1" ] ||
	check "a change replaces the program" "a new id (not $id1)" "$id2"
bf "$B" -L INPUT -n >/dev/null || fail "-L"
check "a listing does not reload" "$id2" "$(xdp_prog_id)"
bf "$B" -D INPUT 4 || fail "-D"
check "-D reloads" yes "$([ "$(xdp_prog_id)" != "$id2" ] && echo yes)"
check "ruleset after -D" "$WANT" "$(save "$B")"

# A failing command leaves the program as it was.
id3=$(xdp_prog_id)
bf "$B" -D INPUT 9 2>/dev/null && fail "-D 9 succeeded"
check "a failing command keeps the program" "$id3" "$(xdp_prog_id)"

# The lock: exit 4 at once without -w, wait with -w.
dirs=("$BPFILTER_RUN_DIR"/*/lock)
[ "${#dirs[@]}" -eq 2 ] || fail "want one state directory per namespace, got: ${dirs[*]}"
lock=""
for l in "${dirs[@]}"; do
	# B's directory is the one whose ruleset holds the icmp rule.
	grep -qs -- '-p icmp' "$(dirname "$l")"/* && lock=$l
done
[ -n "$lock" ] || fail "cannot find B's lock file among ${dirs[*]}"
flock "$lock" sleep 3 &
holder=$!
at_exit "kill $holder"
sleep 0.3
bf "$B" -A INPUT -s 198.18.3.3 -j DROP 2>"$W/err"
check "busy lock without -w: exit 4" 4 "$?"
check "busy lock message" "Another app is currently holding the xtables lock. Perhaps you want to use the -w option?" \
	"$(cat "$W/err")"
t0=$SECONDS
bf "$B" -w 1 -A INPUT -s 198.18.3.3 -j DROP 2>"$W/err"
check "busy lock with -w 1: exit 4" 4 "$?"
bf "$B" -w -A INPUT -s 198.18.3.3 -j DROP 2>"$W/err"
check "-w waits for the lock, then succeeds" 0 "$?"
check "-w waited for the holder" yes "$([ $((SECONDS - t0)) -ge 1 ] && echo yes)"
wait "$holder"
check "only the command that waited added its rule" "${WANT/COMMIT/-A INPUT -s 198.18.3.3/32 -j DROP
COMMIT}" "$(save "$B")"
check "namespace C was not locked" 0 "$(bf "$C" -A INPUT -s 198.18.4.4 -j DROP; echo $?)"

# Detach removes the program; the ruleset stays stored.
bf "$B" detach "$IF_B" || fail "detach"
check "no XDP program after detach" "" "$(xdp_prog_id)"
bf "$B" status >"$W/status" 2>&1 || fail "status"
grep -q "$IF_B" "$W/status" && check "status after detach does not list $IF_B" "" "$(cat "$W/status")"
check "ruleset kept after detach" 4 "$(bf "$B" -S INPUT | grep -c '^-A')"

# Generic mode.
bf "$B" attach "$IF_B" --mode generic >"$W/out" 2>&1 || fail "attach generic: $(cat "$W/out")"
check "generic mode shows as xdpgeneric" xdpgeneric \
	"$(ip -n "$B" -d link show "$IF_B" | grep -o 'xdpgeneric' | head -n 1)"
bf "$B" status | grep -qi generic || check "status says generic" generic "$(bf "$B" status)"
bf "$B" -F INPUT || fail "-F while attached in generic mode"
check "generic attachment follows changes" 0 "$(bf "$B" -S INPUT | grep -c '^-A')"
bf "$B" detach "$IF_B" || fail "detach generic"
check "no XDP program after detach (generic)" "" \
	"$(ip -n "$B" -d link show "$IF_B" | grep -o 'xdpgeneric' | head -n 1)"

[ "$failures" -eq 0 ] || fail "$failures checks failed"
echo "all checks passed"
