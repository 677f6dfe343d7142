#!/bin/bash
# A fixed-seed slice of the random differential harness (rand_diff):
# random rulesets and frames through iptables-legacy and bpfilter, every
# counter compared; 2000 cases (IPv6 with extension header chains, VLAN
# tags) take 40-70 s here. `make diff SEED=... N=...` runs more;
# RAND_DIFF_CASES overrides the count.
#
# Two known differences are left out here (reported, to be fixed in the
# compiler; rand_diff without these options finds them in a few hundred
# cases):
#  --ext-max 7: the XDP walk reads 8 extension headers and fails closed
#   past them (src/cgen/prologue_ipv6.c), and -m ipv6header hotdrops 8
#   headers followed by ESP or NONE, where ip6tables walks on;
#  --whole-ext: no truncated extension header: this kernel's ip6t_rt,
#   ip6t_hbh (hbh, dst) and ip6t_ah hotdrop a header longer than the
#   datagram ("netfilter: ip6tables: mark malformed IPv6 extension
#   headers for hotdrop"); bpfilter's matches do not match it instead.
cd "$(dirname "$0")/../.." || exit 1
BIN=${BUILD:-build}/tests/diff/rand_diff
[ -x "$BIN" ] || { echo "rand_diff not built (make test-bins)"; exit 77; }
exec "$BIN" --seed 20261127 --cases "${RAND_DIFF_CASES:-2000}" --family both --ext-max 7 --whole-ext
