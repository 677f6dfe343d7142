#!/bin/bash
# attach / detach / status through ./bpfilter, each command its own
# `ip netns exec` (fresh mount namespace and /sys): errors change nothing,
# status shows what is attached, re-attach swaps, detach removes only ours.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
bf_run_dir_new
hosts_new A B

# expect RC CMD...: runs CMD, checks its exit code; output in $out.
expect()
{
	local want=$1
	shift
	out=$("$@" 2>&1)
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $out"
}
xdp_id() # NS IF MODE(xdp|xdpgeneric) -> prog id or ""
{
	local out
	out=$(ip -n "$1" -d link show dev "$2")
	# The first line names the mode (" xdp " native, " xdpgeneric ").
	head -n 1 <<<"$out" | grep -q " $3 " || return 0
	sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' <<<"$out"
}
status_line() # NS IF -> the status line of that interface
{
	bf "$1" status | awk -v i="$2" '$1 == i'
}

# A fresh namespace: no rules, nothing attached.
expect 0 bf "$B" status
grep -q '^Rules: 0 (IPv4 0, IPv6 0)$' <<<"$out" || fail "status: $out"
grep -q '^Not attached to any interface.$' <<<"$out" || fail "status: $out"

# Bad command lines: parameter problems (exit 2), nothing changes.
expect 2 bf "$B" attach
expect 2 bf "$B" attach "$IF_B" --mode
expect 2 bf "$B" attach "$IF_B" --mode hardware
grep -q "unknown XDP mode" <<<"$out" || fail "bad mode message: $out"
expect 2 bf "$B" attach "$IF_B" --mo native   # exact words only
expect 2 bf "$B" attach "$IF_B" extra
expect 2 bf "$B" attach --bogus "$IF_B"
expect 2 bf "$B" attach 0123456789abcdefg
grep -q "must be shorter than IFNAMSIZ" <<<"$out" || fail "long name message: $out"
expect 2 bf "$B" detach
expect 2 bf "$B" status extra
[ -z "$(xdp_id "$B" "$IF_B" xdp)$(xdp_id "$B" "$IF_B" xdpgeneric)" ] || fail "something got attached"

# A missing interface: an error (exit 1), nothing changes.
expect 1 bf "$B" attach nosuchif0
grep -q 'Cannot find device "nosuchif0"' <<<"$out" || fail "missing interface message: $out"
expect 0 bf "$B" status
grep -q '^Not attached to any interface.$' <<<"$out" || fail "status after failed attach: $out"

# lo has no native XDP: asked for native, said clearly, nothing attached
# (auto takes generic there: cli/test_modes.sh).
expect 1 bf "$B" attach lo --mode native
grep -q "native XDP" <<<"$out" || fail "native unsupported message: $out"
expect 0 bf "$B" status
grep -q '^Not attached to any interface.$' <<<"$out" || fail "status after lo: $out"

# Attach natively: the program the interface shows is the one status shows.
expect 0 bf "$B" attach "$IF_B"
id1=$(xdp_id "$B" "$IF_B" xdp)
[ -n "$id1" ] || fail "no native XDP program on $IF_B"
line=$(status_line "$B" "$IF_B")
read -r name ifindex mode prog insns rest <<<"$line"
[ "$mode" = native ] && [ "$prog" = "$id1" ] && [ "$insns" -gt 0 ] ||
	fail "status line: $line (attached id $id1)"
[ "$ifindex" = "$(ip netns exec "$B" cat /sys/class/net/"$IF_B"/ifindex)" ] ||
	fail "ifindex in: $line"

# A rule change swaps the program: new id, more instructions, rule count.
expect 0 bf "$B" -A INPUT -p udp --dport 9 -j DROP
id2=$(xdp_id "$B" "$IF_B" xdp)
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "program not swapped ($id1 -> $id2)"
expect 0 bf "$B" status
grep -q '^Rules: 1 (IPv4 1, IPv6 0)$' <<<"$out" || fail "rule count: $out"
read -r _ _ _ prog insns2 _ <<<"$(status_line "$B" "$IF_B")"
[ "$prog" = "$id2" ] && [ "$insns2" -gt "$insns" ] || fail "status after -A: $out"

# Same interface, other mode: refused (not atomic), native stays.
expect 1 bf "$B" attach "$IF_B" --mode generic
[ "$(xdp_id "$B" "$IF_B" xdp)" = "$id2" ] || fail "native program changed"
# Same mode again: an atomic replace.
expect 0 bf "$B" attach "$IF_B" --mode native
id3=$(xdp_id "$B" "$IF_B" xdp)
[ -n "$id3" ] && [ "$id3" != "$id2" ] || fail "re-attach did not replace ($id2 -> $id3)"

# Another state (another run directory, same namespace) must not take
# over a program that is not its own.
other=$(mktemp -d) && at_exit rm -rf "'$other'"
expect 1 env BPFILTER_RUN_DIR="$other" ip netns exec "$B" "$BPFILTER" attach "$IF_B"
grep -q "already has an XDP program" <<<"$out" || fail "foreign program message: $out"
[ "$(xdp_id "$B" "$IF_B" xdp)" = "$id3" ] || fail "foreign attach changed the program"

# Detach: our program goes, the rules stay.
expect 0 bf "$B" detach "$IF_B"
[ -z "$(xdp_id "$B" "$IF_B" xdp)" ] || fail "still attached after detach"
expect 0 bf "$B" status
grep -q '^Rules: 1 (IPv4 1, IPv6 0)$' <<<"$out" && grep -q '^Not attached' <<<"$out" || fail "status: $out"
expect 1 bf "$B" detach "$IF_B"
grep -q "is not attached" <<<"$out" || fail "detach twice message: $out"

# Generic mode.
expect 0 bf "$B" attach "$IF_B" --mode=generic
[ -n "$(xdp_id "$B" "$IF_B" xdpgeneric)" ] || fail "no generic program"
read -r _ _ mode _ <<<"$(status_line "$B" "$IF_B")"
[ "$mode" = generic ] || fail "mode in status: $mode"

# Someone else removes our program: status says so, detach forgets it.
ip -n "$B" link set dev "$IF_B" xdpgeneric off
expect 0 bf "$B" status
grep -q "(program gone)" <<<"$out" || fail "status after removal: $out"
expect 0 bf "$B" detach "$IF_B"
expect 0 bf "$B" status
grep -q '^Not attached' <<<"$out" || fail "status: $out"

# The interface disappears: status says so.
expect 0 bf "$A" attach "$IF_A"
ip -n "$A" link del "$IF_A"
expect 0 bf "$A" status
grep -q "(interface gone)" <<<"$out" || fail "status after deletion: $out"
expect 0 bf "$A" -A INPUT -j ACCEPT   # commit with a gone attachment works
expect 0 bf "$A" detach "$IF_A"
echo ok
