#!/bin/bash
# -m set with real traffic, against iptables-legacy and ipset: two twin
# pairs of hosts get the same sets (bpfilter set on B, ipset on D), the
# same rules and the same UDP datagrams; after each step the counters of
# every INPUT rule and of the sets' counters must be equal. Elements
# added and deleted while attached change the verdict of the next
# datagram (no reload: the program id stays); an element with a timeout
# stops matching when it expires; nomatch nets inside a net.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ipset
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B   # bpfilter on B
hosts_new C D   # iptables-legacy and ipset on D
failures=0

both()
{
	bf "$B" "$@" || fail "bpfilter $*"
	ipt "$D" "$@" || fail "iptables-legacy $*"
}

sets()
{
	bf "$B" set "$@" || fail "bpfilter set $*"
	ip netns exec "$D" ipset "$@" || fail "ipset $*"
}

counters()
{
	"$@" -L INPUT -v -x -n | awk 'NR > 2 { print $1, $2, $3 }'
}

# The members of set $2 with their counters, as listed in ns $1.
members()
{
	local ns=$1 name=$2
	if [ "$ns" = "$B" ]; then
		bf "$B" set list "$name"
	else
		ip netns exec "$D" ipset list "$name"
	fi | sed -n '/^Members:/,$p' | sed 's/ timeout [0-9]*//' | sort
}

step()
{
	twins_send 9 3
	twins_send 10 2
	twins_send 53 2
	check "$1: counters" "$(counters ipt "$D")" "$(counters bf "$B")"
	check "$1: set counters" "$(members "$D" ports)" "$(members "$B" ports)"
}

# received PORT: datagrams out of 5 that B receives on PORT, then D (the
# same datagrams from C).
received()
{
	local bf_got ref_got
	bf_got=$(udp_received 5 "$1")
	ref_got=$(A=$C B=$D udp_received 5 "$1")
	echo "$ref_got $bf_got"
}

xdp_id() { ip -n "$B" -d link show dev "$IF_B" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }

sets create ports hash:ip,port counters
sets create blk hash:ip timeout 60
sets create nets hash:net
both -A INPUT -p udp -m set --match-set ports src,dst -j DROP
both -A INPUT -p udp -m set --match-set blk src -j DROP
both -A INPUT -p udp -m set --match-set nets src --dport 53 -j DROP
both -A INPUT -p udp -m set ! --match-set nets src --dport 10 -j ACCEPT
both -A INPUT -p udp -m set --match-set nets src --return-nomatch -j ACCEPT
bf "$B" attach "$IF_B" || fail "attach"
id=$(xdp_id)
step "empty sets"

sets add ports "$HOST_A,udp:9"
check "port 9 dropped at once (iptables, bpfilter)" "0 0" "$(received 9)"
step "ports: $HOST_A,udp:9 added"

sets add nets 198.18.0.0/16
sets add nets 198.18.0.0/30 nomatch
step "nets: a /16 with a nomatch /30 around the sender"
sets del nets 198.18.0.0/30
step "nets: the nomatch /30 deleted"

sets add blk "$HOST_A" timeout 2
check "everything from $HOST_A dropped" "0 0" "$(received 10)"
step "blk: $HOST_A added for 2 s"
sleep 2.5
step "blk: $HOST_A expired"
check "port 10 passes again" "5 5" "$(received 10)"

sets del ports "$HOST_A,udp:9"
sets -exist add ports "$HOST_A,udp:53" packets 10 bytes 1000
step "ports: udp:9 deleted, udp:53 added with counters"

check "no reload: the same program" "$id" "$(xdp_id)"
out=$(bf "$B" set destroy ports 2>&1)
check "destroy in use: exit code 1" 1 "$?"
check "destroy in use: message" "bpfilter set v0.1.0: Set cannot be destroyed: it is in use by a kernel component" "$out"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
