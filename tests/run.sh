#!/bin/bash
# Runs test groups: compiled tests from build/tests/GROUP/, scripts
# tests/GROUP/*.sh. Exit code 77 from a test means skipped (it says why);
# a skip is never a pass. Prints a summary; fails if any test failed.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export BPFILTER="$PWD/bpfilter" TOOLS="$PWD/$BUILD/tools" TESTS="$PWD/tests"
pass=0 fail=0 skip=0 failed=()
for group in "$@"; do
	tests=()
	for t in "$BUILD/tests/$group"/test_*; do
		[ -x "$t" ] && [ -f "$t" ] && tests+=("$t")
	done
	for t in tests/"$group"/*.sh; do
		[ -f "$t" ] && tests+=("$t")
	done
	for t in "${tests[@]}"; do
		name="$group/$(basename "$t")"
		start=$(date +%s)
		out=$(timeout 600 "$t" 2>&1)
		rc=$?
		secs=$(( $(date +%s) - start ))
		case $rc in
		0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
		77) skip=$((skip + 1)); echo "SKIP $name: $(echo "$out" | tail -n 1)" ;;
		*) fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc, ${secs}s)"
		   echo "$out" | tail -n 60 | sed 's/^/    /' ;;
		esac
	done
done
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
