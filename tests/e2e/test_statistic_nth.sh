#!/bin/bash
# statistic --mode nth across changes, against iptables-legacy: the kernel
# keeps one count per rule and starts it over when its table is replaced,
# which iptables-legacy does on every change of that table (-A, -Z, ...),
# and only then. Two twin pairs of hosts get the same rules, changes and
# UDP datagrams — bpfilter on one receiver, iptables-legacy on the other —
# and the counters of both chains must stay equal: a change of filter
# restarts filter's counts, not raw's; a change of the IPv6 ruleset
# restarts none; attaching a second interface restarts none.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
bf_run_dir_new
hosts_new A B   # bpfilter on B
hosts_new C D   # iptables-legacy on D
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
failures=0


both()
{
	bf "$B" "$@" || fail "bpfilter $*"
	ipt "$D" "$@" || fail "iptables-legacy $*"
}

# send N: N datagrams to port 9 from each sender, one at a time.
send() { twins_send 9 "$1"; }

counters()
{
	"$@" -t raw -L PREROUTING -v -x -n | awk 'NR == 1 { print } NR > 2 { print "raw", $1, $2 }'
	"$@" -L INPUT -v -x -n | awk 'NR == 1 { print } NR > 2 { print "filter", $1, $2 }'
}

# step WHAT N: N datagrams one by one, every counter compared after each
# (a count that restarted where it should not, or the reverse, shows at
# once: the matching positions move).
step()
{
	for ((k = 1; k <= $2; k++)); do
		send 1
		check "$1, datagram $k" "$(counters ipt "$D")" "$(counters bf "$B")"
	done
}

both -t raw -A PREROUTING -p udp --dport 9 -m statistic --mode nth --every 3 --packet 1
both -A INPUT -p udp --dport 9 -m statistic --mode nth --every 4 --packet 0 -j ACCEPT
both -A INPUT -p udp --dport 9 -m statistic --mode nth --every 2 --packet 1
bf "$B" attach "$IF_B" || fail "attach"
step "first datagrams" 5

both -A INPUT -p udp --dport 99 -j ACCEPT
step "after a change of filter (filter's counts restart, raw's go on)" 5

both -t raw -A PREROUTING -p udp --dport 99
step "after a change of raw (raw's counts restart, filter's go on)" 5

ip netns exec "$B" "$BPFILTER6" -A INPUT -p udp --dport 9 -j ACCEPT || fail "bpfilter6"
ip netns exec "$D" ip6tables-legacy -A INPUT -p udp --dport 9 -j ACCEPT || fail "ip6tables"
step "after a change of the IPv6 ruleset (no count restarts)" 5

ip -n "$B" link add bfx0 type veth peer name bfx1 && ip -n "$B" link set bfx0 up &&
	ip -n "$B" link set bfx1 up || fail "second interface"
bf "$B" attach bfx0 || fail "attach bfx0"
step "after attaching a second interface (no count restarts)" 5

both -Z INPUT
step "after -Z (filter's counts restart)" 5

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
