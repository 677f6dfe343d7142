#!/bin/bash
# The program suites again, compiled by the classifier for every run of
# classifiable rules (BPFILTER_CLASSIFY=always, read by tests/lib/
# prog_run.c): the same frames, verdicts and counters as the linear
# reference, whose own run is the suites' plain one. test_xdp_oracle
# compares with iptables-legacy itself.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
suites="test_xdp_suites test_xdp_matches test_xdp_more test_xdp6_suites test_xdp_chains
	test_xdp_special test_xdp_ipopts test_xdp6_hbh test_nf_frag test_xdp_oracle test_xdp_reject"
rc=0
for s in $suites; do
	bin=$BUILD/tests/prog/$s
	[ -x "$bin" ] || { echo "$s not built (make test-bins)"; exit 1; }
	out=$(BPFILTER_CLASSIFY=always "$bin" 2>&1)
	r=$?
	case $r in
	0) echo "ok: $s" ;;
	77) echo "$out" | tail -n 1; exit 77 ;;
	*) echo "$out" | tail -n 40; echo "FAILED: $s (exit $r)"; rc=1 ;;
	esac
done
exit $rc
