#!/bin/bash
# Bad input gets an iptables-style error and changes nothing.
#
# Each bad iptables command runs through bpfilter (with a ruleset loaded and
# attached) and through iptables-legacy (with the same ruleset): the exit
# codes must be equal, bpfilter's message must be iptables-style (program
# name prefix, same text as iptables' after it), and `bpfilter save -c`
# and `bpfilter status` (the attached program) must be unchanged. bpfilter's
# own verbs (attach, detach, save, restore) are checked for an exit code
# and a message naming the problem, and for changing nothing too.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_iptables_legacy
need_bpfilter
bf_run_dir_new
tmpdir_new W
hosts_new A B
ns_new REF

RULES='*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 198.18.1.1/32 -j DROP
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p udp -m udp --sport 53 -j ACCEPT
COMMIT'
bf "$B" restore <<<"$RULES" || fail "restore"
bf "$B" attach "$IF_B" >"$W/out" 2>&1 || fail "attach: $(cat "$W/out")"
ip netns exec "$REF" iptables-legacy-restore <<<"$RULES" || fail "iptables-legacy-restore"

# The iptables-syntax cases: the exit code must equal iptables-legacy's.
IPT_CASES=(
	"-A INPUT --foo"
	"--bogus"
	"-A INPUT -p tcp --dport"
	"-A"
	"-A INPUT -s"
	"-A INPUT -j"
	"-P"
	"-P INPUT"
	"-A INPUT -s 300.1.1.1 -j DROP"
	"-A INPUT -s 198.18.1.1/33 -j DROP"
	"-A INPUT -d 198.18.1.1/255.255.0.300 -j DROP"
	"-A INPUT -s 198.18.1.x -j DROP"
	"-A INPUT -p tcp --dport 70000 -j DROP"
	"-A INPUT -p tcp --sport 5:3 -j DROP"
	"-A INPUT -p udp --dport foo -j DROP"
	"-A INPUT -p udp --dport 1:2:3 -j DROP"
	"-A INPUT -p tcp --dport -1 -j DROP"
	"-A INPUT --dport 22 -j DROP"
	"-A INPUT -p 256 -j DROP"
	"-A INPUT -p nosuchproto -j DROP"
	"-A INPUT -j FOO"
	"-A FOO -j DROP"
	"-I NOCHAIN 1 -j DROP"
	"-D NOCHAIN 1"
	"-L NOCHAIN"
	"-S NOCHAIN"
	"-F NOCHAIN"
	"-Z NOCHAIN"
	"-P NOCHAIN DROP"
	"-A input -j DROP"
	"-P INPUT FOO"
	"-A INPUT -A INPUT"
	"-A INPUT -s 198.18.1.1 -s 198.18.1.2"
	"-A INPUT -i verylonginterfacename0"
	"-I INPUT 0 -j DROP"
	"-I INPUT 9 -j DROP"
	"-I INPUT x -j DROP"
	"-D INPUT 0"
	"-D INPUT 9"
	"-D INPUT -s 198.18.9.9 -j DROP"
	"-R INPUT 9 -j DROP"
	"-R INPUT 1 -s 198.18.1.1,198.18.1.2 -j DROP"
	"-Z INPUT 9"
	"-C INPUT -s 198.18.9.9 -j DROP"
	"-A INPUT -s ! 198.18.1.1"
	"-A INPUT extra-argument"
	"-A INPUT -p tcp --dport 22 --dport 23"
	"-L -A INPUT"
	"-t foo -L"
	"frobnicate"
)

failures=0
state()
{
	{
		bf "$B" save -c | grep -v "^#"
		bf "$B" status
	} 2>&1
}

# The message without the program-name prefix, for comparison.
normalize()
{
	sed -E \
		-e 's/^(iptables(-legacy)?(-restore|-save)?|bpfilter( restore| save)?)( v[0-9][0-9.]*( \([a-z_]+\))?)?: //' \
		-e 's/(iptables(-legacy)?(-restore|-save)?|bpfilter( restore| save)?) (-h|--help)/PROG \5/g'
}

problem()
{
	failures=$((failures + 1))
	echo "FAIL $*"
}

# expect_unchanged WHAT: the state must equal $W/before.
expect_unchanged()
{
	state >"$W/after"
	cmp -s "$W/before" "$W/after" || {
		problem "$1: changed the state"
		diff -u "$W/before" "$W/after" | tail -n +3 | sed 's/^/    /'
		# Judge the next case on its own.
		cp "$W/after" "$W/before"
	}
}

state >"$W/before"
grep -q "$IF_B" "$W/before" || fail "status does not show $IF_B: $(cat "$W/before")"

for c in "${IPT_CASES[@]}"; do
	read -ra args <<<"$c"
	ipt "$REF" "${args[@]}" >"$W/ref.out" 2>"$W/ref.err" </dev/null
	want=$?
	bf "$B" "${args[@]}" >"$W/bf.out" 2>"$W/bf.err" </dev/null
	got=$?
	if [ "$got" != "$want" ]; then
		problem "'$c': exit code $got, iptables-legacy gives $want"
		sed 's/^/    bpfilter: /' "$W/bf.err"
	elif [ "$want" -ne 0 ] && head -n 1 "$W/ref.err" | grep -q '^iptables' &&
		! head -n 1 "$W/bf.err" | grep -q '^bpfilter'; then
		problem "'$c': no iptables-style message (bpfilter: ... on stderr)"
		sed 's/^/    bpfilter: /' "$W/bf.err"
	elif ! cmp -s <(normalize <"$W/ref.err") <(normalize <"$W/bf.err"); then
		problem "'$c': message differs from iptables-legacy's"
		sed 's/^/    iptables: /' "$W/ref.err"
		sed 's/^/    bpfilter: /' "$W/bf.err"
	else
		echo "ok   '$c': exit $got, $(head -n 1 "$W/bf.err")"
	fi
	expect_unchanged "'$c'"
done

# bpfilter's own verbs: a nonzero exit code ("nz") or the one given, a
# message, no change. save and restore take the exit codes of
# iptables-legacy-save and iptables-legacy-restore (RESTORE_CASES: inputs
# fed to both, with and without --noflush).
OWN_CASES=(
	"nz|attach nosuchif0"
	"nz|attach nosuchif0 --mode generic"
	"2|attach"
	"2|attach $IF_B --mode bogus"
	"2|attach $IF_B --bogus"
	"nz|detach nosuchif0"
	"2|detach"
	"2|status --bogus"
	"save|save --bogus"
	"save|save extra"
	"restore|restore --bogus"
)
RESTORE_CASES=(
	'*filter\n-A INPUT -s 300.1.1.1 -j DROP\nCOMMIT\n'
	'*filter\n-A NOCHAIN -j DROP\nCOMMIT\n'
	'*filter\n-A INPUT -j DROP\n'
	'*nosuchtable\nCOMMIT\n'
	'garbage\n'
	'*filter\n-A INPUT -j DROP\n-A INPUT -s 1.2.3.4/99 -j DROP\nCOMMIT\n'
	'*filter\n:INPUT BOGUS [0:0]\nCOMMIT\n'
	'-A INPUT -j DROP\nCOMMIT\n'
	'*filter\n-A INPUT --bogus -j DROP\nCOMMIT\n'
	'*filter\n-A INPUT -p tcp --dport 99999 -j DROP\nCOMMIT\n'
)
# Refused while attached, with a clear error: tables bpfilter does not serve,
# and what the code generator cannot compile yet (FORWARD with conntrack,
# REJECT at TC egress, matches and targets without code).
REFUSED_CASES=(
	"-A FORWARD -m state --state NEW -j DROP"
	"-I OUTPUT -s 198.18.1.1 -j REJECT"
	"-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset"
	"-t nat -A PREROUTING -j ACCEPT"
	"-t mangle -L"
	"-A INPUT -m connmark --mark 1 -j ACCEPT"
)

for c in "${OWN_CASES[@]}"; do
	IFS='|' read -r want args <<<"$c"
	read -ra args <<<"$args"
	case $want in
	save | restore)
		ipt_args=("iptables-legacy-$want" "${args[@]:1}")
		ip netns exec "$REF" "${ipt_args[@]}" >/dev/null 2>&1 </dev/null
		want=$?
		;;
	esac
	bf "$B" "${args[@]}" >"$W/bf.out" 2>"$W/bf.err" </dev/null
	got=$?
	if [ "$want" = nz ] && [ "$got" -eq 0 ] || [ "$want" != nz ] && [ "$got" != "$want" ]; then
		problem "bpfilter ${args[*]}: exit code $got, want $want"
		sed 's/^/    /' "$W/bf.err"
	elif [ ! -s "$W/bf.err" ]; then
		problem "bpfilter ${args[*]}: no error message"
	elif [[ ${args[1]:-} == nosuchif0 ]] && ! grep -q nosuchif0 "$W/bf.err"; then
		problem "bpfilter ${args[*]}: the message does not name the interface"
		sed 's/^/    /' "$W/bf.err"
	else
		echo "ok   bpfilter ${args[*]}: exit $got, $(head -n 1 "$W/bf.err")"
	fi
	expect_unchanged "bpfilter ${args[*]}"
done

for input in "${RESTORE_CASES[@]}"; do
	for flag in "" --noflush; do
		printf '%b' "$input" | ip netns exec "$REF" iptables-legacy-restore $flag \
			>/dev/null 2>"$W/ref.err"
		want=$?
		printf '%b' "$input" | bf "$B" restore $flag >"$W/bf.out" 2>"$W/bf.err"
		got=$?
		what="restore $flag of '$input'"
		if [ "$got" != "$want" ]; then
			problem "$what: exit code $got, iptables-legacy-restore gives $want"
			sed 's/^/    /' "$W/bf.err"
		elif [ "$want" -ne 0 ] && [ ! -s "$W/bf.err" ]; then
			problem "$what: no error message"
		else
			echo "ok   $what: exit $got, $(head -n 1 "$W/bf.err")"
		fi
		expect_unchanged "$what"
	done
done

for c in "${REFUSED_CASES[@]}"; do
	read -ra args <<<"$c"
	bf "$B" "${args[@]}" >"$W/bf.out" 2>"$W/bf.err" </dev/null
	got=$?
	if [ "$got" -eq 0 ] || [ ! -s "$W/bf.err" ]; then
		problem "'$c': exit $got, want a clear refusal"
		sed 's/^/    /' "$W/bf.err"
	else
		echo "ok   '$c' refused: exit $got, $(head -n 1 "$W/bf.err")"
	fi
	expect_unchanged "'$c'"
done

# -i names an interface that may not exist yet: accepted, as iptables does.
bf "$B" -A INPUT -i notyet0 -j DROP || problem "-i with a missing interface refused"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo "all bad input refused as iptables does, nothing changed"
