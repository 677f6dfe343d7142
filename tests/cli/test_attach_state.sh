#!/bin/bash
# State follows the network namespace: it survives separate `ip netns exec`
# calls (each a fresh mount namespace and /sys), namespaces are independent,
# a busy lock fails at once without -w (exit 4, iptables' message), waits
# with -w N, and a failed change leaves the stored ruleset as it was.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_cmd flock
bf_run_dir_new
hosts_new A B

expect()
{
	local want=$1
	shift
	out=$("$@" 2>&1)
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $out"
}

expect 0 bf "$B" -A INPUT -p tcp --dport 22 -j ACCEPT
dirs=("$BPFILTER_RUN_DIR"/*)
[ "${#dirs[@]}" -eq 1 ] && [ -d "${dirs[0]}" ] || fail "expected one state directory: ${dirs[*]}"
dir_b=${dirs[0]}
[[ "$(basename "$dir_b")" =~ ^[0-9]+$ ]] || fail "state directory not named by a cookie: $dir_b"
[ -f "$dir_b/rules.v4" ] && [ -f "$dir_b/lock" ] || fail "missing files in $dir_b"

# Kept across separate commands, also while attached.
expect 0 bf "$B" attach "$IF_B"
expect 0 bf "$B" -A INPUT -p udp --dport 53 -j DROP
expect 0 bf "$B" -S INPUT
grep -q -- '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT' <<<"$out" &&
	grep -q -- '-A INPUT -p udp -m udp --dport 53 -j DROP' <<<"$out" ||
	fail "rules lost between commands: $out"
grep -q "^$IF_B [0-9]* native$" "$dir_b/attach" || fail "attach file: $(cat "$dir_b/attach")"
# Files are replaced whole: no temp files left behind.
[ -z "$(ls "$dir_b" | grep -v -x -e lock -e rules.v4 -e rules.v6 -e rules.v4.snap -e rules.v6.snap -e attach)" ] ||
	fail "stray files: $(ls "$dir_b")"

# Another namespace has its own, empty state.
expect 0 bf "$A" -S INPUT
[ "$out" = "-P INPUT ACCEPT" ] || fail "A sees B's rules: $out"
expect 0 bf "$A" status
grep -q '^Rules: 0 (IPv4 0, IPv6 0)$' <<<"$out" || fail "A status: $out"
[ "$(ls "$BPFILTER_RUN_DIR" | wc -l)" -eq 2 ] || fail "expected two state directories"

# A failing change (unknown chain) leaves everything as it was.
before=$(cat "$dir_b/rules.v4")
id=$(ip -n "$B" -d link show dev "$IF_B" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
expect 1 bf "$B" -A NOSUCHCHAIN -j DROP
[ "$(cat "$dir_b/rules.v4")" = "$before" ] || fail "stored ruleset changed"
[ "$(ip -n "$B" -d link show dev "$IF_B" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" = "$id" ] ||
	fail "program changed on a failed command"

# The lock: busy without -w fails at once with exit 4.
flock "$dir_b/lock" sleep 3 &
holder=$!
at_exit "kill $holder"
sleep 0.3
start=$SECONDS
expect 4 bf "$B" status
grep -q "Another app is currently holding the xtables lock. Perhaps you want to use the -w option?" <<<"$out" ||
	fail "busy message: $out"
expect 4 bf "$B" -A INPUT -j ACCEPT
expect 4 bf "$B" attach "$IF_B"
expect 4 bf "$B" detach "$IF_B"
expect 4 bf "$B" status -w 1
grep -q "Stopped waiting after 1s." <<<"$out" || fail "timeout message: $out"
# Waiting long enough gets it; the other namespace is never blocked.
expect 0 bf "$A" status
expect 0 bf "$B" -w 10 -A INPUT -p udp --dport 54 -j DROP
[ $((SECONDS - start)) -le 6 ] || fail "lock waits took too long"
wait "$holder"
expect 0 bf "$B" status
grep -q '^Rules: 3 (IPv4 3, IPv6 0)$' <<<"$out" || fail "rule count after waiting: $out"

# Cleaning up: detach leaves the rules stored, nothing attached.
expect 0 bf "$B" detach "$IF_B"
[ ! -s "$dir_b/attach" ] || fail "attach file not emptied"
echo ok
