#!/bin/bash
# restore's options against iptables-legacy-restore / ip6tables-legacy-restore:
# --test parses only (nothing changes, errors as the oracle's), -T TABLE
# restores one table, -4/-6 lines go to their family only, --noflush keeps
# what is there. Exit codes and the saved rulesets must equal the oracle's.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
bf_run_dir_new
tmpdir_new W
ns_new REF
ns_new BFN
BPFILTER6="$(dirname "$BPFILTER")/bpfilter6"
[ -x "$BPFILTER6" ] || fail "bpfilter6 is not built"
failures=0


# run FAMILY "RESTORE-OPTIONS" TEXT: restore on both sides, compare exit
# codes and both tables' save output afterwards.
run()
{
	local fam=$1 opts=$2 text=$3 ref_rc bf_rc ref bf ipt=iptables-legacy bpf=$BPFILTER
	[ "$fam" = 6 ] && ipt=ip6tables-legacy bpf=$BPFILTER6
	# shellcheck disable=SC2086
	printf '%b' "$text" | ip netns exec "$REF" "$ipt-restore" $opts >/dev/null 2>&1
	ref_rc=$?
	# shellcheck disable=SC2086
	printf '%b' "$text" | ip netns exec "$BFN" "$bpf" restore $opts >/dev/null 2>"$W/err"
	bf_rc=$?
	check "$fam restore $opts '$text': exit code" "$ref_rc" "$bf_rc"
	for t in filter raw; do
		ref=$(ip netns exec "$REF" "$ipt-save" -t "$t" | grep -v '^#')
		bf=$(ip netns exec "$BFN" "$bpf" save -t "$t" | grep -v '^#')
		check "$fam restore $opts: then save -t $t" "$ref" "$bf"
	done
}

BASE='*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -s 198.18.0.0/15 -j DROP\nCOMMIT\n'
run 4 "" "$BASE"
run 4 "--test" '*filter\n-A INPUT -s 198.18.7.7 -j DROP\nCOMMIT\n'
run 4 "--test" '*filter\n-A INPUT --bogus -j DROP\nCOMMIT\n'
run 4 "-t" '*filter\n-A NOCHAIN -j DROP\nCOMMIT\n'
run 4 "-T raw" '*filter\n-A INPUT -j DROP\nCOMMIT\n*raw\n-A OUTPUT -j DROP\nCOMMIT\n'
run 4 "--noflush" '*filter\n-A INPUT -s 198.18.9.9 -j DROP\nCOMMIT\n'
run 4 "" '*filter\n-4 -A INPUT -s 198.18.1.1 -j ACCEPT\n-6 -A INPUT -s 2001:db8::1 -j ACCEPT\nCOMMIT\n'
run 6 "" '*filter\n-4 -A INPUT -s 198.18.1.1 -j ACCEPT\n-6 -A INPUT -s 2001:db8::1 -j ACCEPT\nCOMMIT\n'
run 6 "-n" '*raw\n-A PREROUTING -p ipv6-icmp -j ACCEPT\nCOMMIT\n'
run 6 "--test" '*filter\n-A INPUT -s 2001:db8::/129 -j DROP\nCOMMIT\n'

[ "$failures" -eq 0 ] || fail "$failures differences"
echo "restore options as iptables-legacy-restore"
