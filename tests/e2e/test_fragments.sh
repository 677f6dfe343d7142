#!/bin/bash
# Fragmented datagrams through the real command, against iptables-legacy.
# The kernel reassembles IPv4 before filter INPUT: INPUT judges and counts
# each datagram once, whole, while raw PREROUTING (no conntrack here) sees
# every fragment. bpfilter judges raw PREROUTING at XDP and filter INPUT
# for reassembled datagrams in its netfilter stage (a pinned netfilter
# link). Two twin pairs of hosts get the same ruleset and the same
# traffic — bpfilter on one receiver, iptables-legacy on the other — and
# every counter of both chains must be equal; the datagrams a rule drops
# must not arrive. Detaching removes the netfilter stage.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B   # bpfilter on B
hosts_new C D   # iptables-legacy on D
failures=0


cat >"$W/rules" <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p udp -m udp --dport 9
-A PREROUTING -f
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p udp -m udp --dport 9 -m length --length 2000:65535 -j DROP
-A INPUT -p udp -m udp --dport 9 -j ACCEPT
-A INPUT -p udp -m udp --dport 10 -j ACCEPT
-A INPUT -f -j ACCEPT
-A INPUT -p icmp -j ACCEPT
COMMIT
EOF
bf "$B" restore <"$W/rules" || fail "bpfilter restore"
ip netns exec "$D" iptables-legacy-restore <"$W/rules" || fail "iptables-legacy-restore"
bf "$B" attach "$IF_B" || fail "attach"
cookie_dirs=("$BPFILTER_BPFFS"/*/nf_input)
[ -e "${cookie_dirs[0]}" ] || fail "no netfilter stage pinned under $BPFILTER_BPFFS"
bf "$B" status | grep -q '^Reassembled IPv4 datagrams: netfilter link [0-9]* at LOCAL_IN, 1 interface$' ||
	fail "status does not show the netfilter stage: $(bf "$B" status)"

# send FROM_NS PORT BYTES: one UDP datagram from a socket (the stack
# fragments what exceeds the MTU, DF off for a datagram that does not fit).
send()
{
	ip netns exec "$1" bash -c "head -c $3 /dev/zero > /dev/udp/$HOST_B/$2" ||
		fail "cannot send to port $2"
}

# received NS PORT: datagrams delivered to a socket on B's (D's) port.
listen()
{
	ip netns exec "$1" "$TOOLS/probe" udp-recv "$2" 3 >"$W/recv.$1.$2" &
	echo $!
}

pids=()
for ns in "$B" "$D"; do
	for port in 9 10 11; do
		pids+=("$(listen "$ns" "$port")")
	done
done
for ns in "$B" "$D"; do
	for port in 9 10 11; do
		wait_until 2 grep -q ready "$W/recv.$ns.$port" || fail "udp-recv did not start"
	done
done
for pair in "$A" "$C"; do
	send "$pair" 9 100     # small: rule 2
	send "$pair" 9 3000    # fragmented, 3028 bytes whole: rule 1 drops it
	send "$pair" 9 1400    # fits: rule 2
	send "$pair" 10 5000   # three fragments: rule 3
	send "$pair" 11 4000   # fragmented: rule 4 never sees a fragment; policy
	send "$pair" 11 10     # policy
done
sleep 0.5
for p in "${pids[@]}"; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done

counters()
{
	"$@" -L "$CHAIN" -v -x -n | awk 'NR == 1 { print } NR > 2 { print $1, $2, $3 }'
}
CHAIN=INPUT
check "filter INPUT counters" "$(counters ipt "$D")" "$(counters bf "$B")"
CHAIN=PREROUTING
check "raw PREROUTING counters" "$(counters ipt "$D" -t raw)" "$(counters bf "$B" -t raw)"
for port in 9 10 11; do
	check "datagrams delivered to port $port" \
		"$(awk '$1 == "total" { print $2 }' "$W/recv.$D.$port")" \
		"$(awk '$1 == "total" { print $2 }' "$W/recv.$B.$port")"
done

# A change while attached replaces the netfilter stage's program too.
bf "$B" -I INPUT -p udp --dport 10 -j DROP || fail "bpfilter -I"
ipt "$D" -I INPUT -p udp --dport 10 -j DROP || fail "iptables-legacy -I"
for pair in "$A" "$C"; do
	send "$pair" 10 5000
done
sleep 0.3
CHAIN=INPUT
check "filter INPUT counters after a change" "$(counters ipt "$D")" "$(counters bf "$B")"

# A stage lost (its link unpinned, so gone) is reported.
rm -f "${cookie_dirs[0]}"
bf "$B" status | grep -q '^Reassembled IPv4 datagrams: NOT JUDGED' ||
	{ echo "FAIL status does not report the missing stage"; failures=$((failures + 1)); }

bf "$B" detach "$IF_B" || fail "detach"
[ ! -e "${cookie_dirs[0]}" ] || { echo "FAIL the netfilter stage is still pinned"; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
