#!/bin/bash
# IPv4 and IPv6 rulesets (bpfilter and bpfilter6) live side by side in the
# namespace's state: independent of each other, kept across separate
# `ip netns exec` commands, as iptables-legacy and ip6tables-legacy keep
# them (the oracle, run with the same commands in a namespace of its own).
# Both families' counters share one map, IPv4's slots first: a change of
# either family carries the counters of both exactly, also when an IPv4
# change moves every IPv6 slot. attach/detach/status are the same verbs
# under both names.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_iptables_legacy
need_tool probe
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
[ -x "$BPFILTER6" ] || fail "$BPFILTER6 is missing: run make"
bf_run_dir_new
hosts_new A B
ns_new O # the oracle's namespace, lo down: nothing counted there
ip -n "$O" link set lo down
ip -n "$A" neigh replace "$HOST_B" lladdr "$(ns_mac "$B" "$IF_B")" dev "$IF_A" ||
	fail "static neighbour"

bf6() { local ns=$1; shift; ip netns exec "$ns" "$BPFILTER6" "$@"; }
ipt6() { local ns=$1; shift; ip netns exec "$ns" ip6tables-legacy "$@"; }

expect()
{
	local want=$1
	shift
	out=$("$@" 2>&1)
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, not $want: $out"
}

# both FAMILY ARGS...: the same command to bpfilter and to the oracle.
both()
{
	if [ "$1" = 4 ]; then
		shift
		expect 0 bf "$B" "$@"
		expect 0 ipt "$O" "$@"
	else
		shift
		expect 0 bf6 "$B" "$@"
		expect 0 ipt6 "$O" "$@"
	fi
}

# same_as_oracle WHAT: -S and save (without its comment lines) of both
# families equal the oracle's. IPv4 counters differ (only B gets
# traffic), so only the IPv6 save has them.
same_as_oracle()
{
	local got want
	got=$(bf "$B" -S) want=$(ipt "$O" -S)
	[ "$got" = "$want" ] || fail "$1: -S differs:"$'\n'"$got"$'\n'"oracle:"$'\n'"$want"
	got=$(bf6 "$B" -S) want=$(ipt6 "$O" -S)
	[ "$got" = "$want" ] || fail "$1: bpfilter6 -S differs:"$'\n'"$got"$'\n'"oracle:"$'\n'"$want"
	got=$(bf "$B" save | grep -v '^#') want=$(ipt_save "$O")
	[ "$got" = "$want" ] || fail "$1: save differs:"$'\n'"$got"$'\n'"oracle:"$'\n'"$want"
	got=$(bf6 "$B" save -c | grep -v '^#')
	want=$(ip netns exec "$O" ip6tables-legacy-save -c | grep -v '^#')
	[ "$got" = "$want" ] || fail "$1: bpfilter6 save -c differs:"$'\n'"$got"$'\n'"oracle:"$'\n'"$want"
}

# Packets counted by the IPv4 rule `-p udp --dport 9000 -j DROP`.
drop_count()
{
	bf "$B" save -c | sed -n 's/^\[\([0-9]*\):[0-9]*\] -A INPUT -p udp -m udp --dport 9000 -j DROP$/\1/p'
}
drop_is() { [ "$(drop_count)" = "$1" ]; }
send()
{
	ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" 9000 --count "$1" >/dev/null ||
		fail "probe udp-send"
}

# Called as bpfilter6 it is ip6tables, and says so by that name: the
# oracle's messages with its name and version replaced.
expect 0 bf6 "$B" -V
[ "$out" = "bpfilter6 v0.1.0 (xdp)" ] || fail "bpfilter6 -V: $out"
expect 2 bf6 "$B" -A INPUT -s 198.18.0.1 -j DROP
want=$(ipt6 "$O" -A INPUT -s 198.18.0.1 -j DROP 2>&1 |
	sed 's/ip6tables v[0-9.]* (legacy)/bpfilter6 v0.1.0 (xdp)/; s/ip6tables/bpfilter6/g')
[ "$out" = "$want" ] || fail "bpfilter6 message:"$'\n'"$out"$'\n'"want:"$'\n'"$want"

# Separate commands (each its own `ip netns exec`) build both rulesets.
both 4 -A INPUT -p udp --dport 9000 -j DROP
both 6 -A INPUT -s 2001:db8::1 -j DROP
both 4 -A INPUT -s 198.19.0.1 -j DROP
both 6 -N web6
both 6 -A OUTPUT -d 2001:db8::2 -p tcp --dport 22 -j ACCEPT
same_as_oracle "both families"
dirs=("$BPFILTER_RUN_DIR"/*)
[ "${#dirs[@]}" -eq 1 ] && [ -f "${dirs[0]}/rules.v4" ] && [ -f "${dirs[0]}/rules.v6" ] ||
	fail "expected rules.v4 and rules.v6 in one state directory: $(ls -R "$BPFILTER_RUN_DIR")"

# One family's flush, zero and chain commands leave the other alone.
both 4 -F INPUT
same_as_oracle "after an IPv4 flush"
both 6 -F
both 6 -X
same_as_oracle "after an IPv6 flush"
both 4 -A INPUT -p udp --dport 9000 -j DROP

# IPv6 counters that only a reload can lose: its policy counter, set by
# restore -c (nothing counts IPv6 frames at XDP yet).
v6rules='*filter
:INPUT ACCEPT [5:500]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [7:700]
COMMIT'
bf6 "$B" restore -c <<<"$v6rules" || fail "bpfilter6 restore -c"
ip netns exec "$O" ip6tables-legacy-restore -c <<<"$v6rules" || fail "oracle restore -c"
same_as_oracle "IPv6 counters restored"

# Attached: one program for both families, the same verbs under both names.
expect 0 bf6 "$B" attach "$IF_B"
expect 0 bf "$B" status
grep -q "^$IF_B .* native " <<<"$out" || fail "status: $out"
grep -q '^Rules: 1 (IPv4 1, IPv6 0)$' <<<"$out" || fail "status: $out"
expect 0 bf6 "$B" status
grep -q "^$IF_B .* native " <<<"$out" || fail "bpfilter6 status: $out"
send 20
wait_until 5 drop_is 20 || fail "count after 20: $(drop_count)"

# An IPv4 rule in front moves every IPv6 slot: all counters stay.
both 4 -I INPUT -p tcp --dport 1 -j ACCEPT
[ "$(drop_count)" = 20 ] || fail "IPv4 count after an IPv4 insert: $(drop_count)"
same_as_oracle "after an IPv4 insert"
send 10
wait_until 5 drop_is 30 || fail "count after 10 more: $(drop_count)"

# An IPv6 change while attached: the IPv4 counters stay, the IPv6 ones
# are what ip6tables-legacy makes of them.
both 6 -N web6
[ "$(drop_count)" = 30 ] || fail "IPv4 count after an IPv6 change: $(drop_count)"
same_as_oracle "after an IPv6 change"
both 6 -P OUTPUT ACCEPT -c 3 300
[ "$(drop_count)" = 30 ] || fail "IPv4 count after an IPv6 -P -c: $(drop_count)"
same_as_oracle "after an IPv6 -P -c"
both 6 -Z
[ "$(drop_count)" = 30 ] || fail "IPv4 count after an IPv6 -Z: $(drop_count)"
same_as_oracle "after an IPv6 -Z"
both 6 -P INPUT ACCEPT -c 9 900
send 5
wait_until 5 drop_is 35 || fail "count after 5 more: $(drop_count)"

# Detach (under the other name) stores both; attach goes on from there.
expect 0 bf6 "$B" detach "$IF_B"
[ "$(drop_count)" = 35 ] || fail "IPv4 count after detach: $(drop_count)"
same_as_oracle "after detach"
expect 0 bf "$B" attach "$IF_B"
send 5
wait_until 5 drop_is 40 || fail "count after re-attach: $(drop_count)"
same_as_oracle "after re-attach"
expect 0 bf "$B" detach "$IF_B"
echo ok
