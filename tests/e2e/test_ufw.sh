#!/bin/bash
# ufw (Debian's) with bpfilter standing in for iptables: twin host pairs,
# B judged by bpfilter (`attach --hook nf`: ufw's rules read conntrack in
# FORWARD and -m addrtype, which XDP does not compile yet), D by
# iptables-legacy. ufw calls /usr/sbin/iptables and its siblings by path
# and ufw-init calls them through PATH: each ufw command runs in a private
# mount namespace (never the host's) where /etc/alternatives points those
# names at bpfilter (at the legacy tools for the twin) and /etc/ufw and
# /etc/default/ufw are copies of the test's own. After each step — enable,
# allow 22/tcp, deny from 198.18.5.0/24, allow 9/udp, limit ssh, status
# verbose, delete, disable — both families' rules equal what ufw leaves in
# iptables-legacy, and traffic over veth gets the same verdicts.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy
need_cmd unshare
need_tool probe
command -v ufw >/dev/null || skip "ufw is not installed (scripts/install-deps.sh installs it)"
[ -d /etc/ufw ] && [ -f /etc/default/ufw ] || skip "ufw's configuration is missing"
bf_run_dir_new
tmpdir_new W
BPFILTER6=${BPFILTER6:-$(dirname "$BPFILTER")/bpfilter6}
failures=0

hosts_new A B
hosts_new C D
for ns in "$A" "$C"; do
	ip -n "$ns" addr add 198.18.5.1/32 dev "$IF_A" || fail "a second address"
done
bf "$B" attach --hook nf || fail "attach --hook nf"

# /etc/alternatives for each twin: a copy with the iptables names pointed
# at bpfilter, or at the legacy tools.
NAMES="iptables ip6tables iptables-restore ip6tables-restore iptables-save ip6tables-save"
for t in bf legacy; do
	mkdir -p "$W/alt-$t"
	for l in /etc/alternatives/*; do
		[ -L "$l" ] && ln -s "$(readlink "$l")" "$W/alt-$t/$(basename "$l")"
	done
	for n in $NAMES; do
		rm -f "$W/alt-$t/$n"
		if [ $t = bf ]; then
			ln -s "$BPFILTER" "$W/alt-$t/$n"
		else
			ln -s /usr/sbin/xtables-legacy-multi "$W/alt-$t/$n"
		fi
	done
	cp -a /etc/ufw "$W/etc-$t"
	cp /etc/default/ufw "$W/default-$t"
	# No kernel modules loaded for the test.
	sed -i 's/^IPT_MODULES=.*/IPT_MODULES=""/' "$W/default-$t"
done

# ufw_in bf|legacy ARGS...: ufw in B or D, in a private mount namespace.
ufw_in()
{
	local t=$1 ns=$B
	shift
	[ "$t" = legacy ] && ns=$D
	ip netns exec "$ns" unshare -m sh -c 'mount --bind "$1" /etc/alternatives &&
		mount --bind "$2" /etc/ufw && mount --bind "$3" /etc/default/ufw &&
		shift 3 && exec ufw "$@"' sh "$W/alt-$t" "$W/etc-$t" "$W/default-$t" "$@"
}

rules_bf() { bf "$B" save | grep -v '^#'; ip netns exec "$B" "$BPFILTER6" save | grep -v '^#'; }
rules_legacy() { ipt_save "$D"; ip netns exec "$D" ip6tables-legacy-save | grep -v '^#'; }

total() { awk '$1 == "total" { print $2 }' "$W/recv.$1"; }
# udp FROM PORT: datagrams from A / C (address FROM) to B / D:PORT, how
# many arrive at each (the two counts).
udp()
{
	local t tx rx
	for t in 1 2; do
		tx=$A rx=$B
		[ "$t" = 2 ] && tx=$C rx=$D
		recv_start "$rx" "$2" "$W/recv.$t"
		ip netns exec "$tx" "$TOOLS/probe" udp-send "$HOST_B" "$2" --from "$1" --count 3 \
			--interval-us 1000 >/dev/null
	done
	recv_stop
	echo "$(total 1) $(total 2)"
}
tcp() # PORT: what connect sees from A and from C
{
	echo "$(ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST_B" "$1" 400)" \
		"$(ip netns exec "$C" "$TOOLS/probe" tcp-connect "$HOST_B" "$1" 400)"
}
same() # NAME OUT: both twins saw the same
{
	set -- "$1" $2
	check "$1" "$3" "$2"
}

for t in bf legacy; do
	ns=$B
	[ $t = legacy ] && ns=$D
	ip netns exec "$ns" "$TOOLS/probe" tcp-listen 22 120 >"$W/listen.$t" 2>&1 &
	ip netns exec "$ns" "$TOOLS/probe" tcp-listen 80 120 >"$W/listen80.$t" 2>&1 &
done
wait_until 2 grep -q ready "$W/listen.bf" || fail "tcp-listen"
wait_until 2 grep -q ready "$W/listen.legacy" || fail "tcp-listen"

# step NAME ARGS...: the same ufw command on both, then the rules.
step()
{
	local name=$1 out_bf out_legacy
	shift
	out_bf=$(ufw_in bf "$@" 2>&1) || fail "ufw $* (bpfilter): $out_bf"
	out_legacy=$(ufw_in legacy "$@" 2>&1) || fail "ufw $* (legacy): $out_legacy"
	check "$name: ufw says the same" "$out_legacy" "$out_bf"
	check "$name: the rules as ufw leaves them in iptables-legacy" "$(rules_legacy)" "$(rules_bf)"
}

step "enable" --force enable
same "enabled: tcp 22 (default deny)" "$(tcp 22)"
check "enabled: tcp 22 dropped" timeout "$(tcp 22 | cut -d' ' -f1)"
step "allow 22/tcp" allow 22/tcp
same "allow 22/tcp: tcp 22" "$(tcp 22)"
check "allow 22/tcp: connects" ok "$(tcp 22 | cut -d' ' -f1)"
same "allow 22/tcp: tcp 80 still dropped" "$(tcp 80)"
step "deny from 198.18.5.0/24" deny from 198.18.5.0/24
step "allow 9/udp" allow 9/udp
same "udp 9 from 198.18.0.1" "$(udp "$HOST_A" 9)"
same "udp 9 from 198.18.5.1 (denied first)" "$(udp 198.18.5.1 9)"
check "udp 9: allowed from 198.18.0.1, not from 198.18.5.1" "3 0" \
	"$(udp "$HOST_A" 9 | cut -d' ' -f1) $(udp 198.18.5.1 9 | cut -d' ' -f1)"
step "limit ssh" limit ssh
# ufw's limit: the 7th new connection within 30 s is refused (REJECT).
got="" want=""
for i in $(seq 8); do
	got+=" $(ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST_B" 22 400)"
	want+=" $(ip netns exec "$C" "$TOOLS/probe" tcp-connect "$HOST_B" 22 400)"
done
check "limit ssh: 8 connections in a row" "$want" "$got"
check "limit ssh: some refused" 1 "$(grep -c refused <<<"$got")"
step "status verbose" status verbose
step "delete allow 22/tcp" delete allow 22/tcp
step "disable" disable
same "disabled: tcp 80" "$(tcp 80)"
check "disabled: tcp 80 connects" ok "$(tcp 80 | cut -d' ' -f1)"

kill %1 %2 %3 %4 2>/dev/null
wait 2>/dev/null
[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
