#!/bin/bash
# -m recent against iptables-legacy: two twin pairs of hosts get the same
# rules and traffic — bpfilter on one receiver, iptables-legacy on the
# other — and the outcome, the rules' counters and the lists are
# compared: `bpfilter recent list NAME` against /proc/net/xt_recent/NAME
# in the iptables namespace, lines sorted and jiffies (last_seen and the
# stamps, which depend on when each side's packets came) replaced by J.
#  - the classic SSH brute-force pair: every SYN to port 22 --set, the
#    fourth within 60 s dropped by --update --seconds 60 --hitcount 4
#    (connections from real sockets: refused, then timing out);
#  - edits as writes to /proc/net/xt_recent/NAME do (+ADDR, -ADDR, /),
#    and a full list of 100 forgetting its least recently updated entry;
#  - a change of rules (in place or a reload) keeps the lists; removing
#    the last rule of a name removes its list;
#  - IPv6 (connections over IPv6) with ip6tables-legacy; a list whose only
#    rule has --hitcount 3 keeps 4 stamps per entry (the kernel's mask).
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy
need_tool probe
bf_run_dir_new
tmpdir_new W
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
hosts_new A B   # bpfilter on B
hosts_new C D   # iptables-legacy on D
failures=0

both()
{
	bf "$B" "$@" || fail "bpfilter $*"
	ipt "$D" "$@" || fail "iptables-legacy $*"
}

both6()
{
	ip netns exec "$B" "$BPFILTER6" "$@" || fail "bpfilter6 $*"
	ip netns exec "$D" ip6tables-legacy "$@" || fail "ip6tables-legacy $*"
}

# norm: sorted lines, jiffies as J.
norm()
{
	sed -E 's/last_seen: [0-9]+/last_seen: J/; s/(oldest_pkt: [0-9]+).*/\1/' |
		sort
}

# stamps: the number of stamps of each line, sorted.
stamps()
{
	awk '{ n = split($0, a, ","); print $1, n }' | sort
}

lists_equal()
{
	local name=$1 what=$2 bf_out ipt_out
	bf_out=$(bf "$B" recent list "$name") || fail "bpfilter recent list $name"
	ipt_out=$(ip netns exec "$D" cat "/proc/net/xt_recent/$name") || fail "no /proc list $name"
	check "$what: list $name" "$(norm <<<"$ipt_out")" "$(norm <<<"$bf_out")"
	check "$what: list $name, stamps" "$(stamps <<<"$ipt_out")" "$(stamps <<<"$bf_out")"
}

counts()
{
	"$@" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }'
}

# connects N: N connections to port 22, from A to B and from C to D; what
# each got, one word per connection.
connects()
{
	local i got=() want=()
	for ((i = 0; i < $1; i++)); do
		got+=("$(ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST_B" 22 300)")
		want+=("$(ip netns exec "$C" "$TOOLS/probe" tcp-connect "$HOST_B" 22 300)")
	done
	echo "${got[*]} | ${want[*]}"
}

both -A INPUT -p tcp --dport 22 --syn -m recent --name ssh --set
both -A INPUT -p tcp --dport 22 --syn -m recent --name ssh --update --seconds 60 \
	--hitcount 4 -j DROP
bf "$B" attach "$IF_B" || fail "attach"

res=$(connects 6)
check "ssh: 3 refused, then dropped" \
	"refused refused refused timeout timeout timeout | refused refused refused timeout timeout timeout" \
	"$res"
check "ssh: counters" "$(counts ipt "$D")" "$(counts bf "$B")"
lists_equal ssh "ssh"
bf "$B" recent list ssh | grep -q "^src=$HOST_A ttl: 64 " || fail "ssh entry: $(bf "$B" recent list ssh)"

# Edits: +ADDR (new, then a stamp more), -ADDR, as the /proc file.
edit()
{
	local op=$1 name=$2 addr=${3:-}
	bf "$B" recent "$op" "$name" ${addr:+"$addr"} || fail "bpfilter recent $op $name $addr"
	case $op in
	add) echo "+$addr" ;;
	del) echo "-$addr" ;;
	flush) echo / ;;
	esac | ip netns exec "$D" tee "/proc/net/xt_recent/$name" >/dev/null ||
		fail "write to /proc/net/xt_recent/$name"
}
edit add ssh 198.18.5.5
edit add ssh 198.18.5.5
edit add ssh 198.18.5.6
edit del ssh 198.18.5.6
lists_equal ssh "edits"
# a list of 100: the 101st address takes the least recently updated's place
for i in $(seq 1 100); do
	edit add ssh "198.18.6.$i"
done
lists_equal ssh "a full list"
check "a full list: 100 entries" 100 "$(bf "$B" recent list ssh | wc -l)"
bf "$B" recent list ssh | grep -q "src=$HOST_A " && fail "the oldest entry stayed"
edit flush ssh
lists_equal ssh "flushed"
check "flushed: empty" "" "$(bf "$B" recent list ssh)"

# A change keeps the lists: the source dropped before, set again 4
# times, stays dropped across a rule added (a reload) and one deleted.
res=$(connects 4)
check "ssh again" "refused refused refused timeout | refused refused refused timeout" "$res"
both -I INPUT -p udp --dport 9 -j ACCEPT
res=$(connects 1)
check "after a rule added: still dropped" "timeout | timeout" "$res"
both -D INPUT 1
res=$(connects 1)
check "after a rule deleted: still dropped" "timeout | timeout" "$res"
lists_equal ssh "after changes"
both -A INPUT -p udp --dport 9 -m recent --name other --rcheck
bf "$B" recent list | grep -q '^other:$' || fail "list other missing"
# The last rule of a name goes: its list too.
both -D INPUT -p udp --dport 9 -m recent --name other --rcheck
bf "$B" recent list other >/dev/null 2>&1 && fail "list other still there"
ip netns exec "$D" test -e /proc/net/xt_recent/other &&
	fail "iptables-legacy kept list other"

# IPv6: ip6tables rules on list v6; listed in the same format.
v6_pair "$A" "$B"
v6_pair "$C" "$D"
both6 -A INPUT -p tcp --dport 7 --syn -m recent --name v6 --rcheck --hitcount 3 -j DROP
both6 -A INPUT -p tcp --dport 7 --syn -m recent --name v6 --set
got=() want=()
for i in 1 2 3 4; do
	got+=("$(ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST6_B" 7 300)")
	want+=("$(ip netns exec "$C" "$TOOLS/probe" tcp-connect "$HOST6_B" 7 300)")
done
check "v6: 3 refused, then dropped" "refused refused refused timeout" "${got[*]}"
check "v6: as ip6tables-legacy" "${want[*]}" "${got[*]}"
check "v6: counters" \
	"$(ip netns exec "$D" ip6tables-legacy -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')" \
	"$(ip netns exec "$B" "$BPFILTER6" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')"
lists_equal v6 "v6"
check "v6 -6 list" "$(bf "$B" recent list v6)" "$(bf "$B" recent -6 list v6)"
check "v6 -4 list" "" "$(bf "$B" recent -4 list v6)"

both -A INPUT -p udp --dport 8 -m recent --name four --rcheck --hitcount 3
for i in 1 2 3 4 5 6; do
	edit add four 198.18.7.7
	edit add four 2001:db8::77
done
lists_equal four "4 stamps"
bf "$B" recent list four | grep -q "oldest_pkt: 2 [0-9]*, [0-9]*, [0-9]*, [0-9]*$" || fail "list four: $(bf "$B" recent list four)"

bf "$B" recent list nosuch >/dev/null 2>&1
check "no such list: exit 1" 1 $?
bf "$B" recent add v6 not-an-address >/dev/null 2>&1
check "a bad address: exit 2" 2 $?

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
