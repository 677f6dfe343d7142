#!/bin/bash
# attach --mode: auto (the default) takes native XDP, else generic when
# the driver has none, and says so (lo); native refuses such a driver;
# offload asks the NIC to run the program and, where it cannot (veth),
# refuses with a message that says why and what to use instead, exit 1,
# nothing attached; an unknown mode is a usage error (exit 2).
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

# The kernel's word for what is attached: xdp (native), xdpgeneric, or none.
xdp_of() { ip -n "$B" link show dev "$1" | head -n 1 | grep -o ' xdp[a-z]* ' | tr -d ' '; }
mode_of() { bf "$B" status | awk -v i="$1" '$1 == i { print $3 }'; }

# run NAME WANT_RC WANT_ERR ARGS...: exit code and stderr of bpfilter ARGS.
run()
{
	local name=$1 rc=$2 err=$3
	shift 3
	bf "$B" "$@" >"$W/out" 2>"$W/err"
	check "$name: exit code" "$rc" "$?"
	check "$name: message" "$err" "$(cat "$W/err")"
}

run "offload on veth" 1 "bpfilter: $IF_B: cannot offload XDP: its driver does not run BPF programs in hardware (Invalid argument); offload needs a NIC that does (such as Netronome Agilio SmartNICs): use --mode native or generic" \
	attach "$IF_B" --mode offload
check "offload on veth: nothing attached" "" "$(xdp_of "$IF_B")"
check "offload on veth: not recorded" "" "$(mode_of "$IF_B")"

run "native on lo" 1 "bpfilter: lo: its driver does not support native XDP (use --mode generic)" \
	attach lo --mode native
check "native on lo: nothing attached" "" "$(xdp_of lo)"

run "auto on lo" 0 "lo: its driver has no native XDP: attached in generic mode" attach lo
check "auto on lo: generic" generic "$(mode_of lo)"
check "auto on lo: the program" xdpgeneric "$(xdp_of lo)"
run "auto on lo again (its mode)" 0 "" attach lo
run "native on lo attached" 1 "bpfilter: lo is attached in generic mode: detach it first" \
	attach lo --mode native

run "auto on veth" 0 "" attach "$IF_B"
check "auto on veth: native" native "$(mode_of "$IF_B")"
check "auto on veth: the program" xdp "$(xdp_of "$IF_B")"

run "unknown mode" 2 "bpfilter v0.1.0 (xdp): unknown XDP mode \`bogus' (auto, native, generic or offload)
Try \`bpfilter -h' or 'bpfilter --help' for more information." attach "$IF_B" --mode bogus

run "detach lo" 0 "" detach lo
run "generic on lo" 0 "" attach lo --mode generic
check "generic on lo: generic" generic "$(mode_of lo)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
