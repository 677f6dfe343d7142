#!/bin/bash
# test_counters_diff.sh with every run of classifiable rules in a
# classifier stage (BPFILTER_CLASSIFY=always): the command sequences then
# mostly update the attached programs' maps in place (src/core/
# commit_inplace.c), and every counter must still be iptables-legacy's.
export BPFILTER_CLASSIFY=always
exec "$(dirname "$0")/test_counters_diff.sh"
