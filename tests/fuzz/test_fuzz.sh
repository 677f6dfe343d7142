#!/bin/bash
# Runs the libFuzzer targets built by `make fuzz-bins` (tests/fuzz/fuzz_*.c):
# first every kept crash input of tests/fuzz/regressions/TARGET/ once (each
# must pass now), then FUZZ_SECONDS of fuzzing per target (default 20, the
# slice `make check` runs; `make fuzz` passes 300), starting from the seeds
# in tests/fuzz/corpus_TARGET/ (read only: new inputs go to a temporary
# directory). A crash, a sanitizer report, a leak or a broken invariant
# fails; the input is kept under $FUZZ_BUILD/crashes/ and printed with the
# stack, to be fixed and then added to tests/fuzz/regressions/TARGET/.
#
#   FUZZ_BUILD    where the targets are (default build/fuzz)
#   FUZZ_SECONDS  seconds of fuzzing per target
#   FUZZ_TARGETS  targets to run (default: argv restore set setcmd packet)
# setcmd and packet need root (BPF maps and programs); packet writes its
# seeds (frames aimed at its rulesets' rules) into its temporary corpus.
# Exit 0, 1 (a failure), or 77 (skipped: the targets are not built).
cd "$(dirname "$0")/../.." || exit 1
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
SECS=${FUZZ_SECONDS:-20}
read -ra targets <<<"${FUZZ_TARGETS:-argv restore set setcmd packet}"
declare -A max_len=([argv]=1024 [restore]=8192 [set]=256 [setcmd]=1024 [packet]=1601)
declare -A dict=([setcmd]=-dict=tests/fuzz/ipset.dict [packet]=)

# The front end must not leak; lsan.supp leaves out only what libc keeps.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

work=$(mktemp -d "${TMPDIR:-/tmp}/bft-fuzz.XXXXXX") || exit 1
# setcmd mounts a bpffs under TMPDIR: unmounted here too if it was killed.
trap 'grep -o " $work/[^ ]*" /proc/mounts | xargs -r umount; rm -rf "$work"' EXIT
export TMPDIR=$work
mkdir -p "$FUZZ_BUILD/crashes"

# What is worth reading in a libFuzzer log: the broken invariant with its
# texts, the sanitizer's report with the project's frames, the input.
report()
{
	awk '
		/^\*\*\* fuzz invariant/ { inv = 1 }
		inv { print; if ($0 == "---") inv = 0; next }
		/^Running:|ERROR: |runtime error|^SUMMARY|Test unit written/ { print; next }
		/^ *#[0-9]+ / && /\/(src|tests)\// && frames++ < 12 { print }
	' "$1" | head -n 80 | sed 's/^/    /'
}

failed=0
for t in "${targets[@]}"; do
	bin=$FUZZ_BUILD/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "$bin is missing: run make fuzz-bins"
		exit 77
	fi
	regs=()
	for f in tests/fuzz/regressions/"$t"/*; do
		[ -f "$f" ] && [ "${f##*/}" != README ] && regs+=("$f")
	done
	if [ ${#regs[@]} -gt 0 ] && ! "$bin" "${regs[@]}" >"$work/$t.reg.log" 2>&1; then
		echo "FAIL fuzz/$t: a kept input (tests/fuzz/regressions/$t) fails:"
		report "$work/$t.reg.log"
		failed=1
		continue
	fi
	mkdir -p "$work/corpus_$t"
	seeds=()
	[ -d "tests/fuzz/corpus_$t" ] && seeds=("tests/fuzz/corpus_$t")
	start=$SECONDS
	FUZZ_PACKET_SEEDS=$work/corpus_$t \
	"$bin" -max_total_time="$SECS" -timeout=10 -error_exitcode=1 -timeout_exitcode=1 -max_len="${max_len[$t]:-4096}" \
		${dict[$t]--dict=tests/fuzz/iptables.dict} -print_final_stats=1 \
		-artifact_prefix="$FUZZ_BUILD/crashes/$t-" \
		"$work/corpus_$t" "${seeds[@]}" >"$work/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	if [ "$rc" -ne 0 ]; then
		echo "FAIL fuzz/$t (exit $rc after $((SECONDS - start))s):"
		report "$work/$t.log"
		echo "    (rerun: $bin FILE; FUZZ_VERBOSE=1 shows the library's messages)"
		failed=1
	else
		echo "PASS fuzz/$t: ${#regs[@]} regression inputs, ${runs:-?} runs in $((SECONDS - start))s," \
			"$(find "tests/fuzz/corpus_$t" -type f 2>/dev/null | wc -l) seeds kept," \
			"corpus now $(find "$work/corpus_$t" -type f | wc -l)," \
			"$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/$t.log" | tail -n 1 | sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1 edges, \2 features/')"
	fi
done
exit "$failed"
