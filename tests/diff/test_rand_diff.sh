#!/bin/bash
# Fixed-seed slices of the random differential harness (rand_diff):
# random rulesets and frames through iptables-legacy and bpfilter, every
# counter compared; 1600 cases (IPv6 with extension header chains, some
# truncated, VLAN tags) take about a minute here. `make diff SEED=... N=...`
# runs more; RAND_DIFF_CASES overrides the count.
# Chains are at most 10 headers long (rand_diff's default --ext-max): the
# XDP walk reads 16 and fails closed past them (src/cgen/prologue_ipv6.c),
# a documented difference from ip6tables.
cd "$(dirname "$0")/../.." || exit 1
BIN=${BUILD:-build}/tests/diff/rand_diff
[ -x "$BIN" ] || { echo "rand_diff not built (make test-bins)"; exit 77; }
"$BIN" --seed 20261127 --cases "${RAND_DIFF_CASES:-1600}" --family both || exit
# The same harness through the classifier (a stage for every run of
# classifiable rules), on other cases.
BPFILTER_CLASSIFY=always exec "$BIN" --seed 20261128 --cases "${RAND_DIFF_CASES:-1600}" \
	--family both
