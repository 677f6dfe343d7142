#!/bin/bash
# The conformance corpus: every case of tests/conformance/corpus/*.rules runs
# through iptables-legacy / ip6tables-legacy in one scratch network namespace
# and through bpfilter / bpfilter6 in another, each from an empty ruleset.
# Compared: the exit code and stdout of every command and, when all of a
# case's commands succeeded, `save -t filter`, `save -t raw` (comment lines
# removed), `-S` and `-t raw -S`. Every difference is printed with its case;
# any difference fails the test.
#
# Corpus format: one case a line, `4 ARGS...` (iptables) or `6 ARGS...`
# (ip6tables), ARGS an iptables command line without the program name,
# shell-quoted words allowed; several commands of one case are separated by
# ` ;; `. Lines starting with `#` are comments; a comment
# `# needs: SHELL COMMAND` says that the next case's oracle needs that
# set-up (e.g. `ipset -exist create ...`): it runs once in each namespace
# (bpfilter looks sets up in the kernel as iptables does, so both sides
# get the same environment), or, when its program is not installed, the
# case counts as skipped.
#
# Environment:
#   CORPUS=GLOB        corpus files to run (default: all), e.g. 'core_*'
#   CORPUS_CASE=ERE    only the cases whose text matches
#   CORPUS_SHOW=1      also print what the oracle did for every case (for
#                      writing cases: check that they test what they mean)
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_iptables_legacy
need_cmd ip6tables-legacy ip6tables-legacy-save ip6tables-legacy-restore
need_bpfilter
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
export BPFILTER BPFILTER6
RUNNER=$TESTS/conformance/corpus_run.sh
CORPUS_DIR=$TESTS/conformance/corpus

bf_run_dir_new
ns_new REF
ns_new BFN
tmpdir_new W
mkdir -p "$W/ref" "$W/bf"

set +B # corpus words: no brace expansion (and no globbing: set -f below)
shopt -s nullglob
files=()
for f in "$CORPUS_DIR"/${CORPUS:-*}.rules; do
	files+=("$f")
done
[ ${#files[@]} -gt 0 ] || fail "no corpus files in $CORPUS_DIR matching '${CORPUS:-*}.rules'"

# Parse the corpus into the plan that both sides run, remembering each
# case's origin and text for the report.
case_where=() case_text=() setup_cmd=()
declare -A setup_id=()
n_cases=0 n_lines=0 n_skipped=0 corpus_errors=0 skipped_tools=""
: >"$W/plan"
set -f
for f in "${files[@]}"; do
	lineno=0 needs=()
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		where="${f##*/}:$lineno"
		case $line in
		"# needs:"*)
			needs+=("${line#"# needs:"}")
			continue
			;;
		"" | "#"*) continue ;;
		[46]" "*) ;;
		*)
			echo "CORPUS ERROR $where: not '4 ...', '6 ...' or a comment: $line"
			corpus_errors=$((corpus_errors + 1))
			continue
			;;
		esac
		n_lines=$((n_lines + 1))
		if [ -n "${CORPUS_CASE:-}" ] && ! [[ $line =~ $CORPUS_CASE ]]; then
			needs=()
			continue
		fi
		# A set-up whose program is missing: the oracle cannot run it.
		missing=""
		for s in "${needs[@]}"; do
			read -r tool _ <<<"$s"
			command -v "$tool" >/dev/null || missing+=" $tool"
		done
		if [ -n "$missing" ]; then
			n_skipped=$((n_skipped + 1))
			[[ $skipped_tools == *"$missing"* ]] || skipped_tools+="$missing"
			echo "SKIP $where (needs$missing, not installed): $line"
			needs=()
			continue
		fi
		fam=${line:0:1}
		rest=${line:2}
		plan=("C $n_cases $fam")
		for s in "${needs[@]}"; do
			s=${s# }
			if [ -z "${setup_id[$s]:-}" ]; then
				setup_id[$s]=${#setup_cmd[@]}
				setup_cmd+=("$s")
				printf 'S %s %q\n' "${setup_id[$s]}" "$s" >>"$W/plan"
			fi
			plan+=("N ${setup_id[$s]}")
		done
		needs=()
		bad=0
		# Commands are separated by " ;; "; each is split into words as
		# the shell does, without expansions that could run anything.
		while [ -n "$rest" ]; do
			cmd=${rest%% ;; *}
			if [ "$cmd" = "$rest" ]; then rest=""; else rest=${rest#*" ;; "}; fi
			if [[ $cmd == *'$('* || $cmd == *'`'* || $cmd == *'<('* || $cmd == *'>('* ]] ||
				! eval "words=($cmd)" 2>/dev/null; then
				bad=1
				break
			fi
			plan+=("X$(printf ' %q' "${words[@]}")")
		done
		if [ "$bad" = 1 ]; then
			echo "CORPUS ERROR $where: cannot split into words: $cmd"
			corpus_errors=$((corpus_errors + 1))
			continue
		fi
		plan+=("E")
		printf '%s\n' "${plan[@]}" >>"$W/plan"
		case_where[n_cases]=$where
		case_text[n_cases]=$line
		n_cases=$((n_cases + 1))
	done <"$f"
done
set +f

start=$SECONDS
if [ ! -x "$BPFILTER6" ]; then
	echo "NOTE: $BPFILTER6 is missing (run make): every IPv6 case fails"
fi
# Both sides at once, each one bash process in its own namespace.
# A side that hangs (a command waiting forever) is stopped well before
# run.sh's limit, so that the report says which.
ip netns exec "$REF" timeout 300 bash "$RUNNER" ref "$W/plan" "$W/ref" &
ref_pid=$!
ip netns exec "$BFN" timeout 300 bash "$RUNNER" bf "$W/plan" "$W/bf" &
bf_pid=$!
wait "$ref_pid" || fail "the iptables-legacy side stopped (exit $?; 124: timed out)"
wait "$bf_pid" || fail "the bpfilter side stopped (exit $?; 124: timed out)"
run_secs=$((SECONDS - start))

# Comment lines of save output ("# Generated by ...") are not compared.
find "$W/ref" "$W/bf" -name '*.v' -exec sed -i '/^#/d' {} +

# diff -rq names the cases that differ, in one process.
declare -A differs
while IFS= read -r l; do
	if [[ $l =~ ^Only\ in\ [^:]*:\ ([0-9]+) || $l =~ /([0-9]+)(\.v)?\ and\  ]]; then
		differs[${BASH_REMATCH[1]}]=1
	else
		echo "unexpected: $l"
	fi
done < <(diff -rq -x '*.err' "$W/ref" "$W/bf" 2>&1)

show()
{
	local dir=$1 i=$2
	cat "$dir/$i" 2>/dev/null
	[ -f "$dir/$i.v" ] && cat "$dir/$i.v"
}

n_failed=0
for ((i = 0; i < n_cases; i++)); do
	if [ "${CORPUS_SHOW:-0}" = 1 ]; then
		echo "CASE ${case_where[i]}: ${case_text[i]}"
		show "$W/ref" "$i" | sed 's/^/    /'
		sed 's/^/    stderr: /' "$W/ref/$i.err"
	fi
	[ -n "${differs[$i]:-}" ] || continue
	n_failed=$((n_failed + 1))
	echo "DIFF ${case_where[i]}: ${case_text[i]}"
	echo "  --- iptables-legacy / +++ bpfilter:"
	diff -u <(show "$W/ref" "$i") <(show "$W/bf" "$i") | tail -n +3 | sed 's/^/    /'
	if [ -s "$W/ref/$i.err" ] || [ -s "$W/bf/$i.err" ]; then
		sed 's/^/  iptables-legacy stderr: /' "$W/ref/$i.err"
		sed 's/^/  bpfilter stderr: /' "$W/bf/$i.err"
	fi
done

echo "corpus: ${#files[@]} files, $n_lines case lines; $n_cases cases run in ${run_secs}s:" \
	"$((n_cases - n_failed)) passed, $n_failed failed, $n_skipped skipped${skipped_tools:+ (not installed:$skipped_tools)}"
[ "$corpus_errors" -eq 0 ] || fail "$corpus_errors corpus lines cannot be read"
[ "$n_failed" -eq 0 ] || exit 1
[ "$n_cases" -gt 0 ] || skip "no case could run"
exit 0
