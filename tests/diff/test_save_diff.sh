#!/bin/bash
# The same iptables commands through iptables-legacy (in one scratch network
# namespace) and through bpfilter (in another) must leave the same ruleset:
# `bpfilter save [-c]` equals `iptables-legacy-save [-c]` (minus comment
# lines), `-S` and `-L` in every format (-n -v -x --line-numbers) print the
# same, and every command gets the same exit code, output and error message
# (after the program-name prefix).
#
# Cases are below, one per "== name" line; each line after it is one
# iptables command (without the program name), "restore [OPTS]" followed
# by the input lines up to a line ".", or "save [-c]". Every case starts
# from an empty ruleset on both sides.
#
# DIFF_CASE=PATTERN runs only the cases whose name matches (grep -E).
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_iptables_legacy
need_bpfilter
bf_run_dir_new
ns_new REF
ns_new BFN
tmpdir_new W

CASES=$(cat <<'EOF'
== fresh state

== append addresses and masks
-A INPUT -s 198.18.5.1 -j DROP
-A INPUT -d 198.18.0.2/32 -j ACCEPT
-A INPUT -s 198.18.7.9/24 -j DROP
-A INPUT -s 10.0.0.0/8 -d 198.18.0.0/15 -j ACCEPT
-A INPUT -s 0.0.0.0/0 -j ACCEPT
-A INPUT -d 198.18.0.0/255.255.0.0 -j DROP
-A INPUT -s 198.18.0.0/255.0.255.0 -j DROP
-A INPUT -s 198.19.255.255/31 -j DROP
-A INPUT --source 198.18.1.1 --destination 198.18.2.2 --jump DROP
-A INPUT --src 198.18.1.3 --dst 198.18.2.4 -j ACCEPT
-A INPUT -s 198.18.1.1/0 -j DROP

== negations
-A INPUT ! -s 198.18.0.0/15 -j DROP
-A INPUT ! -d 198.18.0.2 -j DROP
-A INPUT ! -s 198.18.3.0/24 ! -d 198.18.4.0/24 -j ACCEPT
-A INPUT ! -p tcp -j DROP
-A INPUT ! -p udp ! -s 198.18.9.9 -j ACCEPT
-A INPUT ! -i veth-b -j DROP

== protocols
-A INPUT -p tcp -j ACCEPT
-A INPUT -p udp -j ACCEPT
-A INPUT -p icmp -j DROP
-A INPUT -p all -j ACCEPT
-A INPUT -p 0 -j DROP
-A INPUT -p 47 -j DROP
-A INPUT -p gre -j ACCEPT
-A INPUT -p TCP -j DROP
-A INPUT -p 6 -j ACCEPT
-A INPUT -p 17 -j DROP
-A INPUT -p 1 -j DROP
-A INPUT -p sctp -j ACCEPT
-A INPUT -p 255 -j DROP
--append INPUT --protocol udp --jump DROP

== ports
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -p tcp --sport 1024:65535 -j ACCEPT
-A INPUT -p tcp --dport :1023 -j DROP
-A INPUT -p udp --dport 1024: -j DROP
-A INPUT -p tcp ! --dport 80 -j DROP
-A INPUT -p tcp --dport ssh -j ACCEPT
-A INPUT -p udp --sport domain --dport 53 -j ACCEPT
-A INPUT -p tcp --sport 0:65535 -j DROP
-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT
-A INPUT -p udp -m udp ! --sport 67:68 -j DROP
-A INPUT -p tcp --destination-port 8080 --source-port 12345 -j ACCEPT
-A INPUT -p udp --dport 80:80 -j DROP
-A INPUT -p tcp --sport 0 --dport 65535 -j ACCEPT
-A INPUT -p tcp --dport 5:6 ! --sport 7:9 -j DROP
-A INPUT -p 6 --dport 22 -j ACCEPT
-A INPUT -p udp --dport http-alt -j DROP

== interfaces
-A INPUT -i veth-b -j ACCEPT
-A INPUT -i eth+ -j DROP
-A INPUT ! -i lo -s 127.0.0.0/8 -j DROP
-A INPUT -i + -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT --in-interface abcdefghijklmno -j ACCEPT
-A INPUT -i not-there-yet -p udp --dport 9 -j DROP

== several addresses expand into several rules
-A INPUT -s 198.18.1.1,198.18.2.0/24 -j DROP
-A INPUT -s 198.18.3.3,198.18.4.4 -d 198.18.0.2,198.18.0.3 -p tcp --dport 22 -j ACCEPT
-D INPUT -s 198.18.1.1,198.18.2.0/24 -j DROP
-I INPUT 2 -d 198.18.7.7,198.18.8.8 -j ACCEPT

== insert delete replace
-A INPUT -s 198.18.1.1 -j DROP
-I INPUT -s 198.18.1.2 -j DROP
-I INPUT 2 -s 198.18.1.3 -j ACCEPT
-I INPUT 4 -s 198.18.1.4 -j DROP
-I INPUT 6 -s 198.18.1.5 -j ACCEPT
-I INPUT 1 -p udp --dport 53 -j ACCEPT
-L INPUT -n --line-numbers
-D INPUT 2
-D INPUT -s 198.18.1.1 -j DROP
-D INPUT -s 198.18.1.1 -j DROP
-D INPUT -p udp --dport 53 -j DROP
-D INPUT -p udp --dport 53 -j ACCEPT
-D INPUT 9
-R INPUT 1 -s 198.18.6.6 -p tcp --dport 80 -j DROP
-R INPUT 9 -j DROP
-R INPUT 1 -s 198.18.1.1,198.18.1.2 -j DROP
--delete INPUT 1
--insert INPUT --jump DROP
--replace INPUT 1 --jump ACCEPT
-S

== delete the first of duplicates
-A INPUT -s 198.18.1.1 -j DROP
-A INPUT -s 198.18.1.2 -j DROP
-A INPUT -s 198.18.1.1 -j DROP
-D INPUT -s 198.18.1.1 -j DROP
-S INPUT

== check
-A INPUT -s 198.18.1.1 -p tcp --dport 22 -j DROP
-C INPUT -s 198.18.1.1 -p tcp --dport 22 -j DROP
-C INPUT -s 198.18.1.1/32 -p tcp -m tcp --dport 22 -j DROP
-C INPUT -s 198.18.1.1 -p tcp --dport 23 -j DROP
-C INPUT -s 198.18.1.1 -p tcp --dport 22 -j ACCEPT

== rules without a target (counting rules)
-A INPUT -p tcp
-A INPUT -s 198.18.1.1
-I INPUT 1 -i veth-b
-C INPUT -p tcp
-C INPUT -s 198.18.1.1 -j DROP
-A INPUT -s 198.18.1.1 -p tcp --dport 22 -j DROP
-C INPUT -s 198.18.1.1 -p tcp --dport 22
-D INPUT -p tcp

== flush and policy
-A INPUT -s 198.18.1.1 -j DROP
-A INPUT -p tcp --dport 22 -j ACCEPT
-P INPUT DROP
-F INPUT
-A INPUT -p icmp -j ACCEPT
-F
-P INPUT ACCEPT
-P INPUT DROP
-P OUTPUT ACCEPT
-P FORWARD ACCEPT
--policy INPUT ACCEPT
-P INPUT FOO
-P INPUT RETURN
-P INPUT
--flush INPUT

== listing single rules
-A INPUT -s 198.18.1.1 -j DROP
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -i veth-b ! -s 198.18.0.0/15 -j DROP
-L INPUT 2
-L INPUT 2 -n -v --line-numbers
-L INPUT 100
-S INPUT 1
-S INPUT 3
-S INPUT 100
-L INPUT -n
-L FORWARD -n
-S OUTPUT

== restore and counters
restore -c
*filter
:INPUT DROP [17:1234]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [3:180]
[5:300] -A INPUT -s 198.18.1.1/32 -j DROP
[123456789:98765432100] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
[99999:100000] -A INPUT -p udp -m udp --sport 53 -j ACCEPT
[1000000:1000000000] -A INPUT -i veth-b -j ACCEPT
[0:0] -A INPUT -p icmp -j ACCEPT
COMMIT
.
save -c
-L -v
-L -v -x
-L INPUT -v -n --line-numbers
-Z INPUT 2
save -c
-L -Z -n -v
save -c

== restore counters ignored without -c
restore
*filter
:INPUT DROP [17:1234]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
[5:300] -A INPUT -s 198.18.1.1/32 -j DROP
COMMIT
.
save -c

== restore replaces, noflush appends
-A INPUT -s 198.18.9.9 -j DROP
-P INPUT DROP
restore
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp --dport 22 -j ACCEPT
COMMIT
.
save
restore --noflush
*filter
-A INPUT -s 198.18.1.0/24 -j DROP
-I INPUT 1 -p icmp -j ACCEPT
COMMIT
.
restore -n
*filter
:INPUT DROP [0:0]
-A INPUT -p udp --dport 514 -j DROP
COMMIT
.

== restore comments and blank lines
restore
# a comment

*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
# another comment
-A INPUT -s 198.18.1.1 -j DROP

COMMIT
.

== restore errors leave everything unchanged
-A INPUT -s 198.18.9.9 -j DROP
restore
*filter
:INPUT ACCEPT [0:0]
-A INPUT -s 198.18.1.1 -j DROP
-A INPUT -s 300.1.1.1 -j DROP
COMMIT
.
restore
*filter
-A INPUT -p tcp --dport 22 -j ACCEPT
.
restore
*filter
-A NOCHAIN -j DROP
COMMIT
.
restore
*filter
:INPUT BOGUS [0:0]
COMMIT
.
restore
-A INPUT -j DROP
COMMIT
.
restore
*filter
-A INPUT --bogus -j DROP
COMMIT
.

== zero
restore -c
*filter
:INPUT ACCEPT [7:700]
:FORWARD ACCEPT [1:100]
:OUTPUT ACCEPT [2:200]
[1:100] -A INPUT -s 198.18.1.1/32 -j DROP
[2:200] -A INPUT -s 198.18.1.2/32 -j DROP
[3:300] -A INPUT -s 198.18.1.3/32 -j DROP
COMMIT
.
-Z INPUT 3
save -c
-Z INPUT 9
-Z INPUT
save -c
-Z FOO

== counters survive rule changes
restore -c
*filter
:INPUT ACCEPT [7:700]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
[1:100] -A INPUT -s 198.18.1.1/32 -j DROP
[2:200] -A INPUT -s 198.18.1.2/32 -j DROP
[3:300] -A INPUT -s 198.18.1.3/32 -j DROP
COMMIT
.
-I INPUT 1 -s 198.18.1.9 -j ACCEPT
-D INPUT 3
-A INPUT -p tcp --dport 22 -j DROP
-R INPUT 1 -s 198.18.1.8 -j ACCEPT
save -c
-L INPUT -v -x -n

== bad commands
-A INPUT --foo
-A INPUT -p tcp --dport
-A
-A INPUT -s
-A INPUT -s 300.1.1.1
-A INPUT -s 198.18.1.1/33
-A INPUT -d 198.18.1.1/255.255.0.300
-A INPUT -p tcp --dport 70000
-A INPUT -p tcp --dport 5:3
-A INPUT -p udp --sport foo
-A INPUT --dport 22
-A INPUT -p 256
-A INPUT -p nosuchproto
-A INPUT -j FOO
-A FOO -j DROP
-A input -j DROP
-A INPUT -A INPUT
-A INPUT -s 198.18.1.1 -s 198.18.1.2
-A INPUT -i verylonginterfacename0
-A INPUT -o eth0
-I INPUT 0 -j DROP
-I INPUT 2 -j DROP
-I INPUT x -j DROP
-D INPUT 0
-D INPUT 1
-D INPUT -s 198.18.1.1 -j DROP
-R INPUT 1 -j DROP
-F FOO
-L FOO
-S FOO
-C FOO -j DROP
-A INPUT -s ! 198.18.1.1
-A INPUT extra-argument
-A INPUT -p tcp --dport 22 --dport 23
-A INPUT -j
-P
-L -A INPUT
-X INPUT
EOF
)

# The message after the program-name prefix, with the program's own name
# in usage hints replaced, so that iptables' and bpfilter's compare.
normalize()
{
	sed -E \
		-e 's/^(iptables(-legacy)?(-restore|-save)?|bpfilter( restore| save)?)( v[0-9][0-9.]*( \([a-z_]+\))?)?: //' \
		-e 's/(iptables(-legacy)?(-restore|-save)?|bpfilter( restore| save)?) (-h|--help)/PROG \5/g'
}

# run SIDE DIR N STEP: one step on one side, outputs into DIR/N.*
run()
{
	local side=$1 out=$2/$3 step=$4 ns prog words rc
	read -ra words <<<"$step"
	if [ "$side" = ref ]; then ns=$REF; else ns=$BFN; fi
	case ${words[0]} in
	restore)
		if [ "$side" = ref ]; then
			prog=(iptables-legacy-restore "${words[@]:1}")
		else
			prog=("$BPFILTER" restore "${words[@]:1}")
		fi
		ip netns exec "$ns" "${prog[@]}" <"$W/input.$3" >"$out.out" 2>"$out.err"
		;;
	save)
		if [ "$side" = ref ]; then
			ip netns exec "$ns" iptables-legacy-save "${words[@]:1}" \
				>"$out.raw" 2>"$out.err"
			rc=$?
			grep -v '^#' "$out.raw" >"$out.out"
			(exit "$rc")
		else
			ip netns exec "$ns" "$BPFILTER" save "${words[@]:1}" \
				>"$out.raw" 2>"$out.err"
			rc=$?
			# Like iptables-save's "# Generated" lines: not compared.
			grep -v '^#' "$out.raw" >"$out.out"
			(exit "$rc")
		fi
		;;
	*)
		if [ "$side" = ref ]; then
			prog=(iptables-legacy)
		else
			prog=("$BPFILTER")
		fi
		ip netns exec "$ns" "${prog[@]}" "${words[@]}" </dev/null \
			>"$out.out" 2>"$out.err"
		;;
	esac
	rc=$?
	{
		echo "exit code $rc"
		echo "--- stdout"
		cat "$out.out"
		echo "--- stderr"
		normalize <"$out.err"
	} >"$out.all"
}

reset_sides()
{
	printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' |
		ip netns exec "$REF" iptables-legacy-restore -c ||
		fail "cannot reset iptables-legacy"
	rm -rf "${BPFILTER_RUN_DIR:?}"/*
}

# The views compared after every case: save, -S, and -L in every format.
VIEWS=("save" "save -c" "-S" "-S INPUT" "-S FORWARD" "-S OUTPUT")
for fl in "" -n -v -x --line-numbers "-n -v" "-n -x" "-n --line-numbers" \
	"-v -x" "-v --line-numbers" "-x --line-numbers" "-n -v -x" \
	"-n -v --line-numbers" "-n -x --line-numbers" "-v -x --line-numbers" \
	"-n -v -x --line-numbers"; do
	VIEWS+=("-L $fl" "-L INPUT $fl")
done
VIEWS+=("-nvL" "-L -nvx --line-numbers" "--list INPUT --numeric --verbose --exact")

failures=0
n_cases=0

# report CASE STEPS... : the difference found, with a reproducer.
report()
{
	local what=$1 f=$2
	shift 2
	failures=$((failures + 1))
	case_failures=$((case_failures + 1))
	# The first few in full; a systematic difference would drown the rest.
	[ "$case_failures" -le 3 ] || return
	echo "DIFF in case '$case_name' at: $what"
	echo "  reproducer (from an empty ruleset):"
	printf '    %s\n' "$@"
	echo "  --- iptables-legacy / +++ bpfilter:"
	diff -u "$W/ref/$f.all" "$W/bf/$f.all" | tail -n +3 | sed 's/^/    /'
}

run_case()
{
	local i v done_steps=()
	n_cases=$((n_cases + 1))
	case_failures=0
	reset_sides
	rm -rf "$W/ref" "$W/bf"
	mkdir -p "$W/ref" "$W/bf"
	for ((i = 0; i < ${#steps[@]}; i++)); do
		run ref "$W/ref" "$i" "${steps[i]}"
		run bf "$W/bf" "$i" "${steps[i]}"
		done_steps+=("${steps[i]}")
		if [ "${steps[i]%% *}" = restore ]; then
			mapfile -t input <"$W/input.$i"
			done_steps+=("${input[@]/#/  | }")
		fi
		cmp -s "$W/ref/$i.all" "$W/bf/$i.all" ||
			report "step $((i + 1)): ${steps[i]}" "$i" "${done_steps[@]}"
	done
	for ((v = 0; v < ${#VIEWS[@]}; v++)); do
		run ref "$W/ref" "v$v" "${VIEWS[v]}"
		run bf "$W/bf" "v$v" "${VIEWS[v]}"
		cmp -s "$W/ref/v$v.all" "$W/bf/v$v.all" ||
			report "final view: ${VIEWS[v]}" "v$v" "${done_steps[@]}"
	done
	[ "$case_failures" -le 3 ] ||
		echo "  ... and $((case_failures - 3)) more differences in case '$case_name'"
}

case_name=""
steps=()
in_input=0
start=$SECONDS
while IFS= read -r line <&3 || [ -n "$line" ]; do
	if [ "$in_input" = 1 ]; then
		if [ "$line" = . ]; then
			in_input=0
		else
			printf '%s\n' "$line" >>"$W/input.$((${#steps[@]} - 1))"
		fi
		continue
	fi
	case $line in
	"== "*)
		if [ -n "$case_name" ]; then
			[[ $case_name =~ ${DIFF_CASE:-.} ]] && run_case
		fi
		case_name=${line#== }
		steps=()
		rm -f "$W"/input.*
		;;
	"" | "#"*) ;;
	restore*)
		steps+=("$line")
		: >"$W/input.$((${#steps[@]} - 1))"
		in_input=1
		;;
	*) steps+=("$line") ;;
	esac
done 3<<<"$CASES"
[ -n "$case_name" ] && [[ $case_name =~ ${DIFF_CASE:-.} ]] && run_case

echo "$n_cases cases, ${#VIEWS[@]} views each, $((SECONDS - start))s: $failures differences"
[ "$failures" -eq 0 ]
