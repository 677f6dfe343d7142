#!/bin/bash
# Wall time of commits: `bpfilter restore` of N generated IPv4 rules and
# `bpfilter -A` of one rule on top, with the ruleset attached to a veth in
# a scratch network namespace (what issue 5's update targets measure).
# Prints the median of REPS runs of each, and of `ip netns exec NS true`
# (the launcher's share of each number).
#
#   bench/profile_commit.sh [REPS] N...      e.g. bench/profile_commit.sh 9 1 1000 10000
#
# Rules: "-A INPUT -s 10.x.y.z/32 -p tcp --dport P -j DROP", all different.
# Set BPFILTER_CLASSIFY as for bpfilter to compare the emitters.
. "$(dirname "$0")/../tests/lib/netns.sh"

need_root
need_bpfilter
reps=9
if [ $# -gt 1 ]; then
	reps=$1
	shift
fi
[ $# -gt 0 ] || set -- 1 1000 10000
bf_run_dir_new
hosts_new A B
tmpdir_new dir

gen()
{
	local n=$1 i
	echo '*filter'
	echo ':INPUT ACCEPT [0:0]'
	echo ':FORWARD ACCEPT [0:0]'
	echo ':OUTPUT ACCEPT [0:0]'
	for ((i = 0; i < n; i++)); do
		echo "-A INPUT -s 10.$((i >> 16 & 255)).$((i >> 8 & 255)).$((i & 255))/32" \
			"-p tcp --dport $((1 + i % 60000)) -j DROP"
	done
	echo COMMIT
}

# ms NAME CMD...: runs CMD reps times, prints NAME and the median in ms.
ms()
{
	local name=$1 k s t times=()
	shift
	for ((k = 0; k < reps; k++)); do
		s=$(date +%s%N)
		"$@" >/dev/null || fail "$name: $*"
		t=$(($(date +%s%N) - s))
		times+=("$t")
	done
	printf '%-28s %8.1f ms\n' "$name" \
		"$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)] / 1e6}')"
}

bf "$B" attach "$IF_B" || fail "attach $IF_B"
ms "ip netns exec (launcher)" ip netns exec "$B" true
for n in "$@"; do
	gen "$n" >"$dir/rules.$n"
	ms "restore $n rules" bf "$B" restore "$dir/rules.$n"
	k=0
	add() { k=$((k + 1)); bf "$B" -A INPUT -s 10.254.$((k >> 8 & 255)).$((k & 255)) -j DROP; }
	ms "-A 1 rule onto $n" add
done
