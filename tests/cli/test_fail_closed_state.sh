#!/bin/bash
# Fail closed when the kernel or the disk says no: a map the kernel cannot
# make (BPFILTER_FAULT=map stands for a memory limit), a state directory
# whose filesystem is full, and one that is read-only. Each change exits
# 1 with a message saying what failed; the attached program (same id),
# the stored ruleset and its counters are as before, and the old rules
# keep filtering real traffic; once the cause is gone the same change
# works.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_tool probe
bf_run_dir_new
tmpdir_new W
# The state directory on a filesystem of its own, to fill and remount.
mount -t tmpfs -o size=1m,mode=0700 bfstate "$BPFILTER_RUN_DIR" || fail "cannot mount a tmpfs"
at_exit umount "'$BPFILTER_RUN_DIR'"
hosts_new A B
failures=0

bf "$B" -A INPUT -p udp --dport 9000 -j DROP || fail "-A"
bf "$B" attach "$IF_B" || fail "attach"
udp_received 3 9000 >/dev/null # counts to keep

prog_id() { bf "$B" status | awk -v i="$IF_B" '$1 == i { print $4 }'; }
saved() { bf "$B" save -c | grep -v '^#'; }

# refused NAME WHY CMD...: exit 1, WHY in the message, nothing changed.
refused()
{
	local name=$1 why=$2 id rules out rc
	shift 2
	id=$(prog_id)
	rules=$(saved)
	out=$("$@" 2>&1)
	rc=$?
	check "$name: exit code" 1 "$rc"
	grep -q "$why" <<<"$out" || { echo "FAIL $name: message: $out"; failures=$((failures + 1)); }
	check "$name: same program" "$id" "$(prog_id)"
	check "$name: same rules and counters" "$rules" "$(saved)"
	check "$name: the old rules still filter" 0 "$(udp_received 3 9000)"
	check "$name: the new rule is not there" 3 "$(udp_received 3 9001)"
}
# A rule of another shape: new programs, hence new maps.
change=(-I INPUT 1 -p udp --dport 9001 -m length --length 20:2000 -j DROP)

refused "map creation fails" "cannot create the counters map" \
	env BPFILTER_FAULT=map ip netns exec "$B" "$BPFILTER" "${change[@]}"

dd if=/dev/zero of="$BPFILTER_RUN_DIR/fill" bs=4k >/dev/null 2>&1
refused "disk full" "No space left on device" bf "$B" "${change[@]}"
rm -f "$BPFILTER_RUN_DIR/fill"

mount -o remount,ro "$BPFILTER_RUN_DIR" || fail "remount ro"
refused "read-only state directory" "Read-only file system" bf "$B" "${change[@]}"
mount -o remount,rw "$BPFILTER_RUN_DIR" || fail "remount rw"

bf "$B" "${change[@]}" || fail "the same change, once possible"
check "then: the new rule filters" 0 "$(udp_received 3 9001)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
