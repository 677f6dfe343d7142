#!/bin/bash
# OUTPUT's program at TC egress (src/kern/tc.h): attached with the
# interface, through tcx (no clsact qdisc made), or through a clsact
# qdisc's cls_bpf filter where tcx is missing (BPFILTER_TC=clsact stands
# for such a kernel here: tc(8) lists the filter). Each command exits and
# the program stays; a change swaps it (new id) and filters at once;
# detach removes it, and traffic is no longer judged. Traffic: datagrams
# B sends to A.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_cmd tc
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

egress() { bf "$B" status | awk -v i="$IF_B" '$1 == i { print $6 }'; }
clsact_filters() { ip netns exec "$B" tc filter show dev "$IF_B" egress 2>/dev/null; }

# Datagrams A receives on port $1 out of 5 that B sends.
from_b()
{
	recv_start "$A" "$1" "$W/recv"
	ip netns exec "$B" bash -c "for i in 1 2 3 4 5; do echo x 2>/dev/null >/dev/udp/$HOST_A/$1; done"
	recv_stop
	awk '$1 == "total" { print $2 }' "$W/recv"
}

for how in tcx clsact; do
	export BPFILTER_TC=$how
	bf "$B" -A OUTPUT -p udp --dport 9 -j DROP || fail "-A"
	bf "$B" attach "$IF_B" || fail "attach ($how)"
	first=$(egress)
	check "$how: status" "$how" "${first%/*}"
	if [ "$how" = clsact ]; then
		clsact_filters | grep -q "bpfilter_out.*direct-action" ||
			fail "$how: tc lists no bpfilter_out filter: $(clsact_filters)"
	else
		check "$how: no clsact filter" "" "$(clsact_filters)"
	fi
	check "$how: udp 9 dropped" 0 "$(from_b 9)"
	check "$how: udp 10 passes" 5 "$(from_b 10)"

	bf "$B" -A OUTPUT -p udp --dport 10 -j DROP || fail "-A 10"
	second=$(egress)
	check "$how: still $how after a change" "$how" "${second%/*}"
	[ "$second" != "$first" ] || fail "$how: the program was not swapped ($first)"
	check "$how: after the change, udp 10 dropped" 0 "$(from_b 10)"

	bf "$B" detach "$IF_B" || fail "detach ($how)"
	check "$how: detached: no clsact filter" "" "$(clsact_filters)"
	check "$how: detached: udp 9 not judged" 5 "$(from_b 9)"
	bf "$B" -F OUTPUT || fail "-F"
done

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
