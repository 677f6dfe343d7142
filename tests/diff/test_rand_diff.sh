#!/bin/bash
# A fixed-seed slice of the random differential harness (rand_diff):
# random rulesets and frames through iptables-legacy and bpfilter, every
# counter compared; 2500 cases take 30-90 s here. `make diff
# SEED=... N=...` runs more; RAND_DIFF_CASES overrides the count.
cd "$(dirname "$0")/../.." || exit 1
BIN=${BUILD:-build}/tests/diff/rand_diff
[ -x "$BIN" ] || { echo "rand_diff not built (make test-bins)"; exit 77; }
exec "$BIN" --seed 20261127 --cases "${RAND_DIFF_CASES:-2500}" --family both
