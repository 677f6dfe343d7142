#!/bin/bash
# Where iptables-legacy 1.8.9 (the installed oracle) disagrees with the
# expectations of iptables' own 1.8.11 .t files. A maintenance tool, not a
# test: its output is what the `v189` table of
# tests/unit/test_front_conformance.c lists, each line with its reason.
#
#   tests/conformance/t_oracle.sh [FILE.t...]   (root; default: every file)
#
# Runs each rule line as iptables' own test runner (iptables-test.py) does
# for the legacy backend: `iptables -A CHAIN [-t TABLE] RULE` through the
# shell, then looks for the line "-A CHAIN SAVE" in iptables-save's output,
# then deletes the rule again. libipt_* files run with iptables-legacy,
# libip6t_* with ip6tables-legacy, libxt_* with both, others (iptables.t)
# with iptables-legacy. Each mismatch prints as
#   FILE FAMILY LINENO CHAIN | RULE | expected RESULT [SAVE] | got RESULT [SAVED LINES] | MESSAGE
# `@` and `%` lines run as they are (with the legacy tools); a missing tool
# is reported.
DIR=${BF_IPTABLES_TESTS:-$(dirname "$0")/../../../shared/iptables-tests}
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
NS=bft-toracle-$$
ip netns add "$NS" || exit 1
trap 'ip netns del "$NS"' EXIT

files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$DIR"/*.t)

ip netns exec "$NS" bash -s "${files[@]}" <<'EOF'
set +B
run_file()
{
	local file=$1 fam=$2 ipt ipts table="" chains=() lineno=0 line
	local rule save res chain cmd rc saved found got
	if [ "$fam" = 6 ]; then
		ipt=ip6tables-legacy ipts=ip6tables-legacy-save
	else
		ipt=iptables-legacy ipts=iptables-legacy-save
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case $line in
		"" | "#"*) continue ;;
		:*) IFS=, read -ra chains <<<"${line:1}"; continue ;;
		\**) table=${line:1}; continue ;;
		[@%]*)
			cmd=${line:1}
			cmd=${cmd/#iptables /$ipt }
			cmd=${cmd/#ip6tables /$ipt }
			eval "$cmd" >/dev/null 2>&1 ||
				echo "${file##*/} $fam $lineno - | external command failed: $cmd"
			continue
			;;
		esac
		IFS=';' read -ra f <<<"$line"
		res=${f[2]}
		# LEGACY-scoped results hold for legacy; NFT-scoped ones flip.
		if [ ${#f[@]} -gt 3 ] && [ "${f[3]}" = NFT ]; then
			if [ ${#f[@]} -gt 4 ]; then
				res=${f[4]}
			else
				case $res in OK) res=FAIL ;; *) res=OK ;; esac
			fi
		fi
		for chain in "${chains[@]}"; do
			if [ "${f[1]}" = "=" ]; then save="-A $chain ${f[0]}"; else save="-A $chain ${f[1]}"; fi
			if [ -n "$table" ]; then
				rule="$chain -t $table ${f[0]}"
			else
				rule="$chain ${f[0]}"
			fi
			msg=$(eval "$ipt -A $rule" 2>&1 >/dev/null)
			rc=$?
			msg=${msg%%$'\n'Try *}
			msg=${msg//$'\n'/ }
			if [ "$rc" != 0 ]; then
				got=FAIL saved=""
			else
				saved=$($ipts -t "${table:-filter}" | grep -- '^-A ')
				if grep -qxF -- "$save" <<<"$saved"; then got=OK; else got=NOMATCH; fi
				# as the runner: -c and its values dropped for -D
				del=$(sed -E 's/(^| )(-c|--set-counters) [^ ]+( [0-9]+)?( |$)/\1/' <<<"$rule")
				eval "$ipt -D $del" >/dev/null 2>&1 ||
					$ipt -t "${table:-filter}" -F "$chain" >/dev/null 2>&1
			fi
			if [ "$got" != "$res" ]; then
				echo "${file##*/} $fam $lineno $chain | ${f[0]} | expected $res ${f[1]} | got $got $(tr '\n' '~' <<<"$saved") | $msg"
			fi
		done
	done <"$file"
}

for file in "$@"; do
	case ${file##*/} in
	libip6t_*) run_file "$file" 6 ;;
	libxt_*) run_file "$file" 4; run_file "$file" 6 ;;
	*) run_file "$file" 4 ;;
	esac
done
EOF
