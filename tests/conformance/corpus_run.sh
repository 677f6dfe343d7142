#!/bin/bash
# One side of tests/diff/test_corpus.sh: runs every case of a plan file in
# the network namespace it was started in, one bash process for all of them
# (a process per command would cost more than the commands themselves).
#
#   corpus_run.sh ref|bf PLAN OUTDIR
#
# ref runs iptables-legacy / ip6tables-legacy, bf runs $BPFILTER /
# $BPFILTER6 (with $BPFILTER_RUN_DIR holding only this side's state). The
# plan has one record a line, made by test_corpus.sh:
#   S K WORD          set-up command K (a %q-quoted shell command line)
#   C IDX FAMILY      a case starts: reset that family's tables
#   N K               the case needs set-up K (run once on each side, so
#                     that both see the same environment, e.g. sets:
#                     `ipset ...` runs as `bpfilter set ...` on the bf
#                     side; they stay between cases)
#   X WORDS...        one command, %q-quoted words after the program name
#   E                 the case ends: if every command succeeded, its views
# For each case OUTDIR gets IDX (exit code and stdout of each command),
# IDX.v (the views: save and -S of filter and raw) and IDX.err (stderr, shown
# on a difference but not compared).
set -f +B
side=$1 plan=$2 out=$3

if [ "$side" = ref ]; then
	prog4=(iptables-legacy) prog6=(ip6tables-legacy)
	save4=(iptables-legacy-save) save6=(ip6tables-legacy-save)
	restore4=(iptables-legacy-restore) restore6=(ip6tables-legacy-restore)
else
	prog4=("$BPFILTER") prog6=("$BPFILTER6")
	save4=("$BPFILTER" save) save6=("$BPFILTER6" save)
fi

# Empty filter and raw tables, every policy ACCEPT: what iptables-restore
# does to a table it is given (flush, delete user chains, set policies).
RESET_INPUT='*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT'

reset_side()
{
	if [ "$side" = ref ]; then
		local -n restore=restore$1
		"${restore[@]}" <<<"$RESET_INPUT" >&4 2>&4 ||
			echo "reset failed: exit $?" >&3
	else
		# A state directory without rules is an empty ruleset; its
		# sets stay, as the kernel's ipsets do on the other side.
		find "${BPFILTER_RUN_DIR:?}" -mindepth 2 -maxdepth 2 -type f ! -name sets \
			-delete
	fi
}

declare -a setups setup_rc prog save args
idx="" fam=4 ok=1 n=0 skip_case=0

while IFS= read -r rec; do
	case $rec in
	S\ *)
		k=${rec#S }
		k=${k%% *}
		eval "setups[$k]=${rec#S "$k" }"
		;;
	C\ *)
		set -- $rec
		idx=$2 fam=$3 ok=1 n=0 skip_case=0
		if [ "$fam" = 6 ]; then
			prog=("${prog6[@]}") save=("${save6[@]}")
		else
			prog=("${prog4[@]}") save=("${save4[@]}")
		fi
		exec 3>"$out/$idx" 4>"$out/$idx.err"
		reset_side "$fam"
		;;
	N\ *)
		set -- $rec
		if [ -z "${setup_rc[$2]:-}" ]; then
			# bpfilter's sets are its own: `ipset ARGS` is
			# `bpfilter set ARGS` on this side.
			if [ "$side" = bf ] && [[ ${setups[$2]} == "ipset "* ]]; then
				setups[$2]="\"\$BPFILTER\" set ${setups[$2]#ipset }"
			fi
			eval "${setups[$2]}" </dev/null >&4 2>&4
			setup_rc[$2]=$?
		fi
		if [ "${setup_rc[$2]}" != 0 ]; then
			echo "set-up failed (exit ${setup_rc[$2]}): ${setups[$2]}" >&3
			ok=0 skip_case=1
		fi
		;;
	X\ *)
		[ "$skip_case" = 0 ] || continue
		eval "args=(${rec#X })"
		n=$((n + 1))
		echo "@@ command $n" >&3
		"${prog[@]}" "${args[@]}" </dev/null >&3 2>&4
		rc=$?
		echo "@@ exit $rc" >&3
		[ "$rc" = 0 ] || ok=0
		;;
	E)
		if [ "$ok" = 1 ]; then
			{
				echo "@@ save -t filter"
				"${save[@]}" -t filter
				echo "@@ save -t raw"
				"${save[@]}" -t raw
				echo "@@ -S"
				"${prog[@]}" -S
				echo "@@ -t raw -S"
				"${prog[@]}" -t raw -S
			} </dev/null >"$out/$idx.v" 2>&4
		fi
		exec 3>&- 4>&-
		;;
	esac
done <"$plan"
