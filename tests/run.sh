#!/bin/bash
# Runs test groups: compiled tests from build/tests/GROUP/, scripts
# tests/GROUP/*.sh. A group san/GROUP runs the compiled tests of GROUP
# built with AddressSanitizer and UndefinedBehaviorSanitizer (make
# san-bins, in build/san/): any report fails the test.
#
# Exit code 77 from a test means skipped (it says why); a skip is never a
# pass. Prints a summary; fails if any test failed.
#
# JOBS=N runs up to N tests at once (each test makes its own namespaces,
# state directory and bpffs). A test whose source says "test: alone" runs
# with nothing beside it: rates, timers and floods that a busy second core
# would disturb.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
JOBS=${JOBS:-1}
export BPFILTER="$PWD/bpfilter" TOOLS="$PWD/$BUILD/tools" TESTS="$PWD/tests"
# For san/ groups; leaks are reported (what libc and libbpf keep is not ours).
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/tests/san.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

tests=()
for group in "$@"; do
	dir=$BUILD/tests/$group scripts=1
	case $group in
	san/*) dir=$BUILD/san/tests/${group#san/} scripts=0 ;;
	esac
	for t in "$dir"/test_*; do
		[ -x "$t" ] && [ -f "$t" ] && tests+=("$group:$t")
	done
	[ "$scripts" = 1 ] || continue
	for t in tests/"$group"/*.sh; do
		[ -f "$t" ] && tests+=("$group:$t")
	done
done

# The source a test comes from: the script, or the .c of a binary.
source_of()
{
	case $2 in
	*.sh) echo "$2" ;;
	*) echo "tests/${1#san/}/$(basename "$2").c" ;;
	esac
}

out=$(mktemp -d "${TMPDIR:-/tmp}/bft-run.XXXXXX") || exit 1
# The tests' temporary directories go under this run's: a test killed (a
# sanitizer's abort, the timeout) before it unmounts its bpffs leaves
# the mount there, and the run unmounts it (and only its own).
mkdir "$out/tmp" || exit 1
export TMPDIR=$out/tmp
sweep()
{
	local m
	for m in $(awk -v d="$out/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" && echo "unmounted $m, left by a test"
	done
	rm -rf "$out"
}
trap 'kill $(jobs -p) 2>/dev/null; sweep' EXIT
pass=0 fail=0 skip=0 failed=()
n=0
declare -A running=() started=() log=()

# Waits for one running test and reports it.
reap()
{
	local pid rc name secs file
	wait -n -p pid "${!running[@]}"
	rc=$?
	name=${running[$pid]} file=${log[$pid]}
	secs=$((SECONDS - started[$pid]))
	unset "running[$pid]" "started[$pid]" "log[$pid]"
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$file")" ;;
	*) fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc, ${secs}s)"
	   tail -n 60 "$file" | sed 's/^/    /' ;;
	esac
	rm -f "$file"
}

for entry in "${tests[@]}"; do
	group=${entry%%:*} t=${entry#*:}
	alone=0
	grep -q "test: alone" "$(source_of "$group" "$t")" 2>/dev/null && alone=1
	# An alone test waits for all others; nothing starts beside it.
	limit=$JOBS
	[ "$alone" = 1 ] && limit=1
	while [ ${#running[@]} -ge "$limit" ]; do
		reap
	done
	n=$((n + 1))
	timeout 600 "$t" >"$out/$n" 2>&1 &
	pid=$!
	running[$pid]="$group/$(basename "$t")" started[$pid]=$SECONDS log[$pid]=$out/$n
	[ "$alone" = 1 ] && reap
done
while [ ${#running[@]} -gt 0 ]; do
	reap
done

# A test killed by a sanitizer's abort or the timeout cannot remove its
# network namespaces: those named bf-/bft- with the pid of a test that is
# gone (every number of 3 digits or more in the name names no process).
for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^bft?-/ { print $1 }'); do
	live=0
	for n in $(grep -oE '[0-9]{3,}' <<<"$ns"); do
		[ -d "/proc/$n" ] && live=1
	done
	[ "$live" = 0 ] && ip netns del "$ns" 2>/dev/null && echo "removed namespace $ns, left by a test"
done
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
