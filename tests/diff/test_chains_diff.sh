#!/bin/bash
# Chain control flow against iptables-legacy: user chains with -j, -g and
# RETURN (also nested 17 deep), RETURN in a built-in chain, and the raw
# table's PREROUTING ahead of filter INPUT, with raw user chains.
#
# As tests/diff/test_counters_diff.sh: a reference receiver runs each
# ruleset in iptables-legacy, another runs it in bpfilter at XDP; each
# crafted packet (tests/tools/pktsend, offloads off) goes to both, then
# the counters of raw PREROUTING, filter INPUT and every user chain
# (`save -c`, per table) must be equal. OUTPUT and FORWARD are left out:
# the reference receiver's own replies count there, and XDP judges none.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_iptables_legacy
need_bpfilter
need_tool pktsend
bf_run_dir_new
tmpdir_new W

hosts_new RA RB # reference: iptables-legacy on RB
hosts_new BA BB # bpfilter on BB
for ns in "$RA" "$BA"; do offloads_off "$ns" "$IF_A"; done
for ns in "$RB" "$BB"; do offloads_off "$ns" "$IF_B"; done
MAC_RB=$(ns_mac "$RB" "$IF_B")
MAC_BB=$(ns_mac "$BB" "$IF_B")
bf "$BB" attach "$IF_B" >"$W/attach.out" 2>&1 ||
	fail "bpfilter attach $IF_B: $(cat "$W/attach.out")"

# Every ruleset restores both tables: iptables-restore leaves a table the
# file does not name as it was.
RAW_EMPTY='*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT'
FILTER_HDR=':FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]'

# The 17-deep nest: c1 .. c17, each jumping to the next.
deep_rules()
{
	local k
	echo '*filter'
	echo ':INPUT ACCEPT [0:0]'
	echo "$FILTER_HDR"
	for k in $(seq 1 17); do echo ":c$k - [0:0]"; done
	echo '-A INPUT -j c1'
	echo '-A INPUT -p udp -m udp --dport 100 -j DROP'
	for k in $(seq 1 16); do
		echo "-A c$k -p udp -m udp --dport $k -j DROP"
		echo "-A c$k -j c$((k + 1))"
	done
	echo '-A c17 -p udp -m udp --dport 100 -j RETURN'
	echo '-A c17 -p udp -j ACCEPT'
	echo 'COMMIT'
}

# name|ruleset (raw, then filter)|packets (pktsend arguments, one a line)
RULESETS=(
"jump, RETURN, goto|$RAW_EMPTY
*filter
:INPUT DROP [0:0]
$FILTER_HDR
:a - [0:0]
:b - [0:0]
:web - [0:0]
-A INPUT -p udp -j web
-A INPUT -p udp -j web
-A INPUT -p udp -m udp --dport 53 -j ACCEPT
-A INPUT -p tcp -j a
-A INPUT -p tcp -m tcp --dport 7 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 12 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 20:29 -g b
-A INPUT -p tcp -j ACCEPT
-A INPUT -p icmp -j RETURN
-A INPUT -j ACCEPT
-A a -p tcp -m tcp --dport 7 -g b
-A a -p tcp -m tcp --dport 12 -g b
-A a -p tcp -m tcp --dport 8 -j DROP
-A a -p tcp -m tcp --dport 9 -j RETURN
-A a -p tcp -m tcp --dport 9 -j DROP
-A a -s 198.18.0.0/15 -p tcp -m tcp --dport 10 -j ACCEPT
-A b -p tcp -m tcp --dport 11 -j DROP
-A b -p tcp -m tcp --dport 12 -j RETURN
-A b -p tcp -m tcp --dport 12 -j DROP
-A b -p tcp -m tcp --dport 13 -j ACCEPT
-A b -p tcp -m tcp --dport 21 -j ACCEPT
-A web -s 198.18.0.9/32 -j DROP
-A web -p udp -m udp --dport 53 -j RETURN
-A web -p udp -m udp --dport 54 -j ACCEPT
COMMIT|
--proto udp --dport 53
--proto udp --dport 54
--proto udp --dport 55 --count 2
--proto udp --src 198.18.0.9 --dport 53
--proto tcp --dport 7
--proto tcp --dport 8
--proto tcp --dport 9
--proto tcp --dport 10
--proto tcp --dport 12
--proto tcp --dport 13
--proto tcp --dport 14
--proto tcp --dport 20
--proto tcp --dport 21
--proto icmp
--proto 47"

"17 deep|$RAW_EMPTY
$(deep_rules)|
--proto udp --dport 1
--proto udp --dport 5
--proto udp --dport 16
--proto udp --dport 17
--proto udp --dport 100
--proto udp --dport 99
--proto tcp --dport 80
--proto icmp"

"raw then filter|*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:r - [0:0]
:r2 - [0:0]
-A PREROUTING -s 198.18.0.9/32 -j DROP
-A PREROUTING -p udp -m udp --dport 9 -j ACCEPT
-A PREROUTING -p udp -m udp --dport 9 -j DROP
-A PREROUTING -p tcp -j r
-A PREROUTING -p udp -m udp --dport 10 -j RETURN
-A PREROUTING -p udp -m udp --dport 10 -j DROP
-A r -p tcp -m tcp --dport 23 -j DROP
-A r -p tcp -m tcp --dport 24 -j ACCEPT
-A r -p tcp -m tcp --dport 25:26 -g r2
-A r -p tcp -m tcp --dport 25 -j DROP
-A r2 -p tcp -m tcp --dport 26 -j DROP
COMMIT
*filter
:INPUT DROP [0:0]
$FILTER_HDR
:f - [0:0]
-A INPUT -p udp -j ACCEPT
-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
-A INPUT -p tcp -j f
-A f -p tcp -m tcp --dport 24 -j ACCEPT
-A f -p tcp -m tcp --dport 25 -j ACCEPT
COMMIT|
--proto udp --dport 9
--proto udp --dport 10
--proto udp --dport 11
--proto udp --src 198.18.0.9 --dport 11
--proto tcp --dport 23
--proto tcp --dport 24
--proto tcp --dport 25
--proto tcp --dport 26
--proto tcp --dport 80
--proto tcp --dport 81
--proto icmp"

"raw policy DROP|*raw
:PREROUTING DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p udp -j ACCEPT
-A PREROUTING -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
*filter
:INPUT ACCEPT [0:0]
$FILTER_HDR
-A INPUT -p udp -m udp --dport 9 -j DROP
COMMIT|
--proto udp --dport 9
--proto udp --dport 8
--proto tcp --dport 22
--proto tcp --dport 23
--proto icmp"
)

# "TABLE line" for the policy, chain and rule lines of raw PREROUTING,
# filter INPUT and user chains, counters included.
counters()
{
	if [ "$1" = ref ]; then
		ip netns exec "$RB" iptables-legacy-save -c
	else
		bf "$BB" save -c
	fi | awk '
		/^\*/ { t = $1 }
		/^:/ && $1 != ":OUTPUT" && $1 != ":FORWARD" { print t, $0 }
		/^\[/ && $3 != "OUTPUT" && $3 != "FORWARD" { print t, $0 }' | sort
}

counters_equal()
{
	counters ref >"$W/ref.cnt"
	counters bf >"$W/bf.cnt"
	cmp -s "$W/ref.cnt" "$W/bf.cnt"
}

zero()
{
	ipt "$RB" -t raw -Z && ipt "$RB" -t filter -Z &&
		bf "$BB" -t raw -Z && bf "$BB" -t filter -Z || fail "zeroing counters"
}

send()
{
	local side=$1 ns mac
	shift
	if [ "$side" = ref ]; then ns=$RA mac=$MAC_RB; else ns=$BA mac=$MAC_BB; fi
	ip netns exec "$ns" "$TOOLS/pktsend" -i "$IF_A" --src "$HOST_A" \
		--dst "$HOST_B" --dst-mac "$mac" "$@"
}

failures=0
n_packets=0
for set in "${RULESETS[@]}"; do
	name=${set%%|*}
	rest=${set#*|}
	ruleset=${rest%|*}
	packets=${rest##*|}
	ip netns exec "$RB" iptables-legacy-restore <<<"$ruleset" ||
		fail "iptables-legacy-restore refused ruleset '$name'"
	bf "$BB" restore <<<"$ruleset" >"$W/restore.out" 2>&1 ||
		fail "bpfilter restore refused ruleset '$name': $(cat "$W/restore.out")"
	zero
	counters_equal || fail "counters differ before any packet in '$name':" \
		"$(diff "$W/ref.cnt" "$W/bf.cnt")"
	while read -ra args <&3; do
		[ "${#args[@]}" -gt 0 ] || continue
		n_packets=$((n_packets + 1))
		send ref "${args[@]}" || fail "pktsend ${args[*]}"
		send bf "${args[@]}" || fail "pktsend ${args[*]}"
		wait_until 0.5 counters_equal && continue
		failures=$((failures + 1))
		echo "DIFF in ruleset '$name' after packet: pktsend ${args[*]}"
		echo "  reproducer: this ruleset, counters zeroed, then this one packet"
		sed 's/^/    /' <<<"$ruleset"
		echo "    packet: pktsend -i $IF_A --src $HOST_A --dst $HOST_B ${args[*]}"
		echo "  --- iptables-legacy / +++ bpfilter (counters):"
		diff -u "$W/ref.cnt" "$W/bf.cnt" | tail -n +3 | sed 's/^/    /'
		zero
	done 3<<<"$packets"
	# Counters left by the packets (zeroed only after a difference): the
	# packets must have been judged at all for the comparison to mean
	# anything.
	counted=$(grep -o '\[[0-9]*:' "$W/ref.cnt" | tr -d '[:' | awk '{ s += $1 } END { print s + 0 }')
	[ "$failures" -gt 0 ] || [ "$counted" -gt 0 ] || fail "'$name': no packet counted"
	echo "ok   '$name': $(grep -c . "$W/ref.cnt") counter lines equal, $counted counts"
	[ -n "${DIFF_VERBOSE:-}" ] && cat "$W/bf.cnt"
done

echo "${#RULESETS[@]} rulesets, $n_packets packets: $failures differences"
[ "$failures" -eq 0 ]
