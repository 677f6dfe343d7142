# Test hosts: network namespaces joined by a veth pair, on 198.18.0.0/15.
#
#   hosts_new A B        two namespaces (names in $A and $B, unique to this
#                        run) joined by veth: $IF_A (in A, $HOST_A) <->
#                        $IF_B (in B, $HOST_B). Removed at exit.
#   ns_new VAR           one namespace with lo up.
#   offloads_off NS IF   GRO/GSO/TSO off, so the stack sees the packets
#                        that were sent (counts comparable with XDP's).
#   ns_mac NS IF         the interface's MAC address.
#
# Every pair uses the same interface names and addresses: each lives in its
# own namespaces, so parallel runs and several pairs in one test never
# collide. IPv6 is off on the veths (no neighbour discovery noise), rp_filter
# and forwarding are off, so crafted packets from any 198.18.0.0/15 source
# reach INPUT on B, and B's answers to them go to A (see hosts_new). B's
# subnet is 198.18.0.0/24 (broadcast 198.18.0.255).
#
# Receiving at XDP: frames sent into veth A arrive at veth B's XDP program
# (native mode) as they were sent; GRO on B would merge TCP segments only
# after XDP. Frames that an XDP program sends back with XDP_TX reach the
# other side only when that side has an XDP program too (or GRO on), see
# ../../../shared/DESIGN.md ("Test hosts and traffic").

# shellcheck source=testlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/testlib.sh"

IF_A=veth-a
IF_B=veth-b
HOST_A=198.18.0.1
HOST_B=198.18.0.2
# IPv6 addresses of a pair given them by v6_pair.
HOST6_A=2001:db8::1
HOST6_B=2001:db8::2
HOSTS_PREFIX=15
_ns_count=0

ns_new()
{
	local name
	_ns_count=$((_ns_count + 1))
	name=bft-$$-$_ns_count-$RANDOM
	ip netns add "$name" || fail "cannot create network namespace $name"
	at_exit ip netns del "$name"
	ip -n "$name" link set lo up || fail "lo up in $name"
	printf -v "$1" '%s' "$name"
}

_ns_sysctls()
{
	local ns=$1 k
	for k in net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.ip_forward=0 net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1; do
		ip netns exec "$ns" sysctl -qw "$k" >/dev/null 2>&1
	done
}

hosts_new()
{
	local a b
	ns_new "$1"
	ns_new "$2"
	a=${!1}
	b=${!2}
	_ns_sysctls "$a"
	_ns_sysctls "$b"
	ip link add "$IF_A" netns "$a" type veth peer name "$IF_B" netns "$b" ||
		fail "cannot create the veth pair"
	ip netns exec "$b" sysctl -qw "net.ipv4.conf.$IF_B.rp_filter=0" >/dev/null 2>&1
	ip netns exec "$a" sysctl -qw "net.ipv4.conf.$IF_A.rp_filter=0" >/dev/null 2>&1
	# B sends everything for 198.18.0.0/15 outside its /24 to A's MAC:
	# its answers to crafted sources never wait for an ARP reply that will
	# not come (a failed ARP makes the kernel deliver an ICMP error to
	# itself through lo, which iptables' INPUT would count). A drops what
	# is not its own without answering (forwarding is off). So crafted
	# sources should be outside 198.18.0.0/24, or A's own addresses.
	ip -n "$a" addr add "$HOST_A/$HOSTS_PREFIX" dev "$IF_A" &&
		ip -n "$b" addr add "$HOST_B/24" dev "$IF_B" &&
		ip -n "$a" link set "$IF_A" up &&
		ip -n "$b" link set "$IF_B" up &&
		ip -n "$b" route add "198.18.0.0/$HOSTS_PREFIX" via "$HOST_A" dev "$IF_B" ||
		fail "cannot set up the veth pair"
	# Both ends must be up before traffic flows: wait for the carrier.
	wait_until 5 _carrier_up "$a" "$IF_A" || fail "$IF_A has no carrier"
	wait_until 5 _carrier_up "$b" "$IF_B" || fail "$IF_B has no carrier"
}

_carrier_up()
{
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ]
}

offloads_off()
{
	local ns=$1 dev=$2 f
	for f in gro gso tso lro; do
		ip netns exec "$ns" ethtool -K "$dev" "$f" off >/dev/null 2>&1
	done
	ip netns exec "$ns" ethtool -k "$dev" 2>/dev/null |
		grep -q '^generic-receive-offload: off' ||
		fail "cannot turn GRO off on $dev"
}

ns_mac()
{
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

# udp_received COUNT PORT [FROM]: datagrams B (of hosts_new A B) receives on
# PORT out of COUNT sent by A (from address FROM), counted by tests/tools/
# probe; W is the test's scratch directory.
udp_received()
{
	local n=$1 port=$2 from=${3:-$HOST_A} out=$W/udp.$2
	recv_start "$B" "$port" "$out"
	ip netns exec "$A" "$TOOLS/probe" udp-send "$HOST_B" "$port" --from "$from" \
		--count "$n" --interval-us 1000 >/dev/null
	recv_stop
	recv_total "$out"
}

# v6_pair A B: IPv6 on the veths of a host pair made by hosts_new (A gets
# HOST6_A, B HOST6_B).
v6_pair()
{
	local ns
	for ns in "$1" "$2"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 >/dev/null || fail "IPv6 on in $ns"
	done
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$IF_A.disable_ipv6=0" >/dev/null &&
		ip netns exec "$2" sysctl -qw "net.ipv6.conf.$IF_B.disable_ipv6=0" >/dev/null &&
		ip -n "$1" addr add "$HOST6_A/64" dev "$IF_A" nodad &&
		ip -n "$2" addr add "$HOST6_B/64" dev "$IF_B" nodad || fail "IPv6 addresses"
}

# icmp_capture_start NS OUT: the ICMP and ICMPv6 destination unreachables
# $IF_A in NS receives (tests/tools/probe icmp-capture), into OUT, until
# icmp_capture_stop, which lets answers in flight arrive first. A capture
# ended by the test, not by a clock: a slow start of the client under load
# cannot outlast it.
icmp_capture_start()
{
	ip netns exec "$1" "$TOOLS/probe" icmp-capture "$IF_A" 60 >"$2" 2>&1 &
	_icmp_capture=$!
	wait_until 2 grep -q ready "$2" || fail "icmp-capture did not start"
}

icmp_capture_stop()
{
	sleep 0.3
	kill -TERM "$_icmp_capture" 2>/dev/null
	wait "$_icmp_capture"
}

# twins_send PORT N: N datagrams to $HOST_B:PORT from A and from C, one
# at a time, for tests that compare twin pairs (hosts_new A B, hosts_new
# C D: the same addresses, one judged by bpfilter, one by the oracle).
twins_send()
{
	for ((i = 0; i < $2; i++)); do
		ip netns exec "$A" bash -c "echo x > /dev/udp/$HOST_B/$1" || fail "send"
		ip netns exec "$C" bash -c "echo x > /dev/udp/$HOST_B/$1" || fail "send"
	done
	sleep 0.1
}

# recv_start NS PORT FILE: a UDP receiver in NS counting into FILE until
# recv_stop, not for a fixed window: a sender slow to start on a busy
# machine cannot miss it.
_recv_pids=()
recv_start()
{
	ip netns exec "$1" "$TOOLS/probe" udp-recv "$2" 120 >"$3" 2>&1 &
	_recv_pids+=($!)
	wait_until 2 grep -q ready "$3" || fail "udp-recv did not start"
}

# recv_stop: lets the last datagrams land, then ends the receivers (each
# prints its total).
recv_stop()
{
	sleep 0.2
	kill "${_recv_pids[@]}" 2>/dev/null
	wait "${_recv_pids[@]}" 2>/dev/null
	_recv_pids=()
}

# recv_total FILE: what the receiver counting into FILE received.
recv_total()
{
	awk '$1 == "total" { print $2 }' "$1"
}

# kernel_log_all_netns: the kernel's LOG writes the lines of every
# namespace (net.netfilter.nf_log_all_netns=1, the old value back at
# exit): the oracle of LOG rules in test namespaces.
kernel_log_all_netns()
{
	local knob=/proc/sys/net/netfilter/nf_log_all_netns old
	old=$(cat "$knob" 2>/dev/null) || fail "no $knob: the kernel's LOG cannot be compared"
	at_exit "echo $old > $knob"
	echo 1 >"$knob" || fail "cannot set $knob"
}

# log_lines PREFIX [FILE]: the lines whose log prefix starts with PREFIX
# (a sed pattern), timestamps cut: the kernel's (dmesg), or FILE's (what
# bpfilter log printed).
log_lines()
{
	local keep="s/^\[[^]]*\] \($1\)/\1/p"
	if [ $# -gt 1 ]; then
		sed -n "$keep" "$2"
	else
		dmesg | sed -n "$keep"
	fi
}

# log_follow_start NS FILE: `bpfilter log --follow` in NS, into FILE (its
# stderr into FILE.err); log_follow_stop ends it.
log_follow_start()
{
	ip netns exec "$1" "$BPFILTER" log --follow >"$2" 2>"$2.err" &
	_log_follower=$!
	at_exit "kill $_log_follower"
}
log_follow_stop()
{
	kill "$_log_follower"
	wait "$_log_follower" 2>/dev/null
}

# twins_udp FROM TO DST PORT COUNT WANT [SENT], on twin triples made by
# router_new (FROM1/TO1 judged by bpfilter, FROM2/TO2 by the oracle):
# COUNT datagrams from each FROM (C, R or S) to DST:PORT, counted by its
# TO; checks both counts equal, and WANT, and both senders' exit codes
# equal, and SENT (default 0; a drop in OUTPUT fails sendto with EPERM:
# probe exits 3) ($fam names the family).
twins_udp()
{
	local from=$1 to=$2 dst=$3 port=$4 n=$5 want=$6 t f d sent=()
	for t in 1 2; do
		f=$from$t d=$to$t
		recv_start "${!d}" "$port" "$W/recv.$t"
		ip netns exec "${!f}" "$TOOLS/probe" udp-send "$dst" "$port" --count "$n" \
			--interval-us 1000 >/dev/null 2>&1
		sent[t]=$?
	done
	recv_stop
	check "IPv$fam udp $from -> $to:$port: the sender's exit as with iptables" "${sent[2]}" "${sent[1]}"
	check "IPv$fam udp $from -> $to:$port: the sender's exit" "${7:-0}" "${sent[1]}"
	check "IPv$fam udp $from -> $to:$port: received as with iptables" \
		"$(recv_total "$W/recv.2")" "$(recv_total "$W/recv.1")"
	check "IPv$fam udp $from -> $to:$port: received" "$want" "$(recv_total "$W/recv.1")"
}

# router_new C R S: three namespaces, a client C and a server S on either
# side of a router R (forwarding on, both families):
#   C veth-c 198.18.1.1/24 2001:db8:1::1/64 -- rc 198.18.1.2 2001:db8:1::2  R
#   R rs 198.18.2.2 2001:db8:2::2 -- veth-s 198.18.2.1/24 2001:db8:2::1    S
# C and S route everything through R. MAC addresses are fixed, neighbours
# static (no ARP or neighbour discovery in counters).
RT_C=198.18.1.1 RT_RC=198.18.1.2 RT_RS=198.18.2.2 RT_S=198.18.2.1
RT6_C=2001:db8:1::1 RT6_RC=2001:db8:1::2 RT6_RS=2001:db8:2::2 RT6_S=2001:db8:2::1
router_new()
{
	local c r s ns
	ns_new "$1"
	ns_new "$2"
	ns_new "$3"
	c=${!1} r=${!2} s=${!3}
	for ns in "$c" "$r" "$s"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.default.accept_dad=0 \
			>/dev/null || fail "sysctls in $ns"
	done
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		>/dev/null || fail "forwarding on in the router"
	ip link add veth-c netns "$c" type veth peer name rc netns "$r" &&
		ip link add rs netns "$r" type veth peer name veth-s netns "$s" ||
		fail "cannot create the router's veths"
	ip -n "$c" addr add "$RT_C/24" dev veth-c && ip -n "$c" addr add "$RT6_C/64" dev veth-c nodad &&
		ip -n "$r" addr add "$RT_RC/24" dev rc && ip -n "$r" addr add "$RT6_RC/64" dev rc nodad &&
		ip -n "$r" addr add "$RT_RS/24" dev rs && ip -n "$r" addr add "$RT6_RS/64" dev rs nodad &&
		ip -n "$s" addr add "$RT_S/24" dev veth-s && ip -n "$s" addr add "$RT6_S/64" dev veth-s nodad &&
		ip -n "$c" link set veth-c up && ip -n "$r" link set rc up &&
		ip -n "$r" link set rs up && ip -n "$s" link set veth-s up &&
		ip -n "$c" route add default via "$RT_RC" && ip -n "$c" -6 route add default via "$RT6_RC" &&
		ip -n "$s" route add default via "$RT_RS" && ip -n "$s" -6 route add default via "$RT6_RS" ||
		fail "cannot set up the router's addresses and routes"
	# The same MAC addresses in every triple (twins log the same lines).
	local mc=02:00:00:00:01:01 mrc=02:00:00:00:01:02 mrs=02:00:00:00:02:02 ms=02:00:00:00:02:01
	ip -n "$c" link set veth-c address "$mc" && ip -n "$r" link set rc address "$mrc" &&
		ip -n "$r" link set rs address "$mrs" && ip -n "$s" link set veth-s address "$ms" ||
		fail "cannot set the router's MAC addresses"
	ip -n "$c" neigh add "$RT_RC" lladdr "$mrc" dev veth-c nud permanent &&
		ip -n "$c" -6 neigh add "$RT6_RC" lladdr "$mrc" dev veth-c nud permanent &&
		ip -n "$r" neigh add "$RT_C" lladdr "$mc" dev rc nud permanent &&
		ip -n "$r" -6 neigh add "$RT6_C" lladdr "$mc" dev rc nud permanent &&
		ip -n "$r" neigh add "$RT_S" lladdr "$ms" dev rs nud permanent &&
		ip -n "$r" -6 neigh add "$RT6_S" lladdr "$ms" dev rs nud permanent &&
		ip -n "$s" neigh add "$RT_RS" lladdr "$mrs" dev veth-s nud permanent &&
		ip -n "$s" -6 neigh add "$RT6_RS" lladdr "$mrs" dev veth-s nud permanent ||
		fail "cannot set the router's neighbours"
	wait_until 5 _carrier_up "$c" veth-c || fail "veth-c has no carrier"
	wait_until 5 _carrier_up "$s" veth-s || fail "veth-s has no carrier"
}
