#!/bin/bash
# A set of a million elements (`make bench-set`, root): created with
# maxelem 1000000 and filled by `bpfilter set restore` of a million adds,
# for hash:ip (batched map updates) and hash:net (an LPM trie: one update
# each); then a rule drops by it at XDP while a real sender, the last
# element added, gets nothing through, and gets through once deleted.
# Prints the times.
cd "$(dirname "$0")/.." || exit 1
export BPFILTER="$PWD/bpfilter" TOOLS="$PWD/build/tools" TESTS="$PWD/tests"
. tests/lib/netns.sh
need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B

# 10.x.y.z for the first 999,999, then A's own address.
gen()
{
	awk -v set="$1" -v suffix="$2" 'BEGIN {
		for (i = 0; i < 999999; i++)
			printf "add %s 10.%d.%d.%d%s\n", set, int(i / 65536), int(i / 256) % 256, i % 256, suffix
		printf "add %s '"$HOST_A"'%s\n", set, suffix
	}'
}

for t in hash:ip hash:net; do
	name=${t#hash:}
	bf "$B" set create "$name" "$t" maxelem 1000000 || fail "create $t"
	gen "$name" "$([ "$t" = hash:net ] && echo /32)" >"$W/$name.txt"
	start=$(date +%s.%N)
	bf "$B" set restore <"$W/$name.txt" || fail "restore $t"
	end=$(date +%s.%N)
	n=$(bf "$B" set list -t "$name" | sed -n 's/^Number of entries: //p')
	check "$t: entries" 1000000 "$n"
	printf '%s: restore of 1,000,000 adds: %.2f s\n' "$t" "$(echo "$end - $start" | bc)"
	start=$(date +%s.%N)
	bf "$B" set save "$name" | wc -l >"$W/lines"
	end=$(date +%s.%N)
	printf '%s: save: %s lines in %.2f s\n' "$t" "$(cat "$W/lines")" "$(echo "$end - $start" | bc)"
done

bf "$B" -A INPUT -m set --match-set ip src -j DROP || fail "rule"
bf "$B" attach "$IF_B" || fail "attach"
check "a sender in the million-element set: dropped" 0 "$(udp_received 5 9)"
bf "$B" set del ip "$HOST_A" || fail "del"
check "deleted: it gets through" 5 "$(udp_received 5 9)"
bf "$B" -R INPUT 1 -m set --match-set net src -j DROP || fail "rule"
check "in the million-net set: dropped" 0 "$(udp_received 5 9)"
[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
