#!/bin/bash
# Fail closed under a memory cgroup limit: the kernel charges BPF maps to
# the cgroup of the process that makes them. In a cgroup limited to
# 64 MiB, a set whose map needs 128 MiB of hash buckets (maxelem 2^23)
# cannot be made: exit 1 with the kernel's reason, and nothing changed —
# no set, no pin, the same program, rules, counters and sets, the old
# rules still filtering. A small set is made under the same limit, and
# the large one without it: the limit alone refused. (The same failure
# of a program's own map during a rule change is injected in
# test_fail_closed_state.sh.) Cgroup v1 or v2, whichever has the memory
# controller; skipped without one.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_tool probe

# The memory controller's hierarchy: v1's own mount, or a cgroup2 mount
# that has the controller (enabled for children here).
CG_ROOT='' LIMIT_FILE=''
if [ -d /sys/fs/cgroup/memory ] && [ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	CG_ROOT=/sys/fs/cgroup/memory LIMIT_FILE=memory.limit_in_bytes
else
	for m in $(awk '$3 == "cgroup2" { print $2 }' /proc/mounts); do
		if grep -qw memory "$m/cgroup.controllers" 2>/dev/null; then
			echo +memory >"$m/cgroup.subtree_control" 2>/dev/null
			CG_ROOT=$m LIMIT_FILE=memory.max
			break
		fi
	done
fi
[ -n "$CG_ROOT" ] || skip "no memory cgroup controller here"

bf_run_dir_new
tmpdir_new W
hosts_new A B
CG=$CG_ROOT/bft-memcg-$$
mkdir "$CG" || fail "cannot make a cgroup under $CG_ROOT"
at_exit rmdir "'$CG'"
echo $((64 << 20)) >"$CG/$LIMIT_FILE" || fail "cannot limit the cgroup's memory"
failures=0

# in_cgroup CMD...: bpfilter CMD in B, charged to the limited cgroup
# (joined before `ip netns exec`, whose /sys does not show cgroups).
in_cgroup()
{
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CG" \
		ip netns exec "$B" "$BPFILTER" "$@"
}

bf "$B" set create s hash:ip || fail "set create"
bf "$B" set add s "$HOST_A" || fail "set add"
bf "$B" -A INPUT -p udp --dport 9000 -m set --match-set s src -j DROP || fail "-A"
bf "$B" attach "$IF_B" || fail "attach"
check "the set's rule filters" 0 "$(udp_received 3 9000)"

prog_id() { bf "$B" status | awk -v i="$IF_B" '$1 == i { print $4 }'; }
id=$(prog_id)
rules=$(bf "$B" save -c | grep -v '^#')
sets=$(bf "$B" set save)
pins=$(find "$BPFILTER_BPFFS" | sort)

out=$(in_cgroup set create big hash:ip maxelem 8388608 2>&1)
check "under 64 MiB, a set of 2^23 buckets: exit code" 1 "$?"
check "the message says what failed" \
	"bpfilter set v0.1.0: cannot create the map of set big: Cannot allocate memory" "$out"
check "same program" "$id" "$(prog_id)"
check "same rules and counters" "$rules" "$(bf "$B" save -c | grep -v '^#')"
check "same sets" "$sets" "$(bf "$B" set save)"
check "no pin left" "$pins" "$(find "$BPFILTER_BPFFS" | sort)"
check "the old rules still filter" 0 "$(udp_received 3 9000)"

in_cgroup set create small hash:ip maxelem 65536
check "under the same limit, a small set" 0 "$?"
bf "$B" set create big hash:ip maxelem 8388608
check "without the limit, the large set" 0 "$?"
check "both listed" "s small big" "$(bf "$B" set list -n | xargs)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
