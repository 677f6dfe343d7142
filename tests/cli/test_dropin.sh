#!/bin/bash
# bpfilter as a drop-in: `make install` (DESTDIR, PREFIX) puts the binary,
# man page, bash completion, systemd unit and configuration in place, and
# no iptables name outside its own directory (install-names); called by
# iptables' and ipset's names the binary is that tool (-V as theirs; rules
# of filter and raw its own; nat handed to the system's iptables
# unchanged, by iptables, iptables-save and iptables-restore); `boot`
# restores what `save -f` wrote and attaches; 50 concurrent `iptables -w
# -A` end with 50 rules.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_iptables_legacy
need_cmd make
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0
TOP=$(cd "$TESTS/.." && pwd)

# make install into a scratch root.
make -s -C "$TOP" install install-names DESTDIR="$W/root" PREFIX=/usr >"$W/make" 2>&1 ||
	fail "make install: $(cat "$W/make")"
for f in usr/sbin/bpfilter usr/sbin/bpfilter6 usr/share/man/man8/bpfilter.8 \
	usr/share/bash-completion/completions/bpfilter usr/lib/systemd/system/bpfilter.service \
	etc/bpfilter/bpfilter.conf usr/lib/bpfilter/bin/iptables usr/lib/bpfilter/bin/ipset; do
	[ -e "$W/root/$f" ] || [ -L "$W/root/$f" ] || fail "make install: no $f"
done
check "the unit runs boot" "ExecStart=/usr/sbin/bpfilter boot" \
	"$(grep ^ExecStart "$W/root/usr/lib/systemd/system/bpfilter.service")"
check "the man page's title" ".TH BPFILTER 8" "$(head -1 "$W/root/usr/share/man/man8/bpfilter.8" | cut -c1-14)"
check "bash completion" "complete -F _bpfilter bpfilter" \
	"$(bash -c ". $W/root/usr/share/bash-completion/completions/bpfilter; complete -p bpfilter")"
check "no iptables name outside lib/bpfilter/bin" "" \
	"$(find "$W/root" -name 'iptables*' -o -name 'ip6tables*' -o -name ipset |
		grep -v "/usr/lib/bpfilter/bin/")"
echo "# mine" >>"$W/root/etc/bpfilter/bpfilter.conf"
make -s -C "$TOP" install DESTDIR="$W/root" PREFIX=/usr >/dev/null 2>&1 || fail "make install again"
check "a second install keeps the configuration" "# mine" \
	"$(tail -1 "$W/root/etc/bpfilter/bpfilter.conf")"

# The names, as symlinks to the binary under test.
N=$W/names
mkdir -p "$N"
for n in iptables ip6tables iptables-save iptables-restore ip6tables-save ipset \
	iptables-legacy iptables-legacy-save; do
	ln -s "$BPFILTER" "$N/$n"
done
as() { local ns=$1 name=$2; shift 2; ip netns exec "$ns" "$N/$name" "$@"; }

# -V as the tools' (the backend in parentheses aside).
for pair in "iptables iptables-legacy" "iptables-save iptables-legacy-save" \
	"iptables-legacy iptables-legacy" "iptables-legacy-save iptables-legacy-save"; do
	set -- $pair
	check "$1 -V" "$("$2" -V | sed 's/ (.*//')" "$("$N/$1" -V | sed 's/ (.*//')"
done
if command -v ipset >/dev/null; then
	check "ipset -v" "$(ipset -v)" "$("$N/ipset" -v)"
fi
as "$B" iptables -h >/dev/null || fail "iptables -h"

# Rules of filter are bpfilter's, whichever name.
as "$B" iptables -A INPUT -p udp --dport 9 -j DROP || fail "iptables -A"
as "$B" ip6tables -A INPUT -p udp --dport 9 -j DROP || fail "ip6tables -A"
check "iptables -A: bpfilter's" "-A INPUT -p udp -m udp --dport 9 -j DROP" \
	"$(bf "$B" -S INPUT | tail -1)"
check "ip6tables -A: bpfilter6's" "-A INPUT -p udp -m udp --dport 9 -j DROP" \
	"$(ip netns exec "$B" "$(dirname "$BPFILTER")/bpfilter6" -S INPUT | tail -1)"
bf "$B" attach "$IF_B" || fail "attach"
check "and they filter" 0 "$(udp_received 3 9)"

# nat goes to the system's iptables, unchanged.
sys_nat() { ip netns exec "$B" /usr/sbin/iptables -t nat -S POSTROUTING 2>/dev/null | tail -1; }
as "$B" iptables -t nat -A POSTROUTING -o "$IF_B" -j MASQUERADE || fail "iptables -t nat -A"
check "-t nat: the system's iptables has it" "-A POSTROUTING -o $IF_B -j MASQUERADE" "$(sys_nat)"
check "-t nat: not bpfilter's" "" "$(bf "$B" save | grep -c '^\*nat' | grep -v '^0$')"
check "iptables-save: both" "*filter *nat" \
	"$(as "$B" iptables-save | grep '^\*' | tr '\n' ' ' | sed 's/ $//')"
printf '*nat\n-A POSTROUTING -o lo -j MASQUERADE\nCOMMIT\n*filter\n-A INPUT -p udp --dport 10 -j DROP\nCOMMIT\n' |
	as "$B" iptables-restore -n || fail "iptables-restore"
check "iptables-restore: filter to bpfilter" "-A INPUT -p udp -m udp --dport 10 -j DROP" \
	"$(bf "$B" -S INPUT | tail -1)"
check "iptables-restore: nat to the system's" "-A POSTROUTING -o lo -j MASQUERADE" "$(sys_nat)"
# The input file wherever it stands among the options, as
# iptables-legacy-restore's getopt finds it (--modprobe takes an argument).
printf '*filter\n-A INPUT -p udp --dport 11 -j DROP\nCOMMIT\n' >"$W/in.rules"
ns_new L
ip netns exec "$L" iptables-legacy-restore -n "$W/in.rules" --modprobe /bin/true
want=$?
as "$B" iptables-restore -n "$W/in.rules" --modprobe /bin/true
check "iptables-restore FILE --modprobe X: exit as iptables-legacy-restore" "$want" "$?"
check "iptables-restore FILE --modprobe X: the file's rule, as iptables-legacy-restore" \
	"$(ipt "$L" -S INPUT | tail -1)" "$(bf "$B" -S INPUT | tail -1)"

# ipset's name: bpfilter's sets.
as "$B" ipset create bad hash:ip || fail "ipset create"
as "$B" ipset add bad 198.18.0.1 || fail "ipset add"
check "ipset list -n" "bad" "$(bf "$B" set list -n)"

# 50 concurrent -w adds: none lost.
for i in $(seq 50); do
	as "$B" iptables -w -A INPUT -s "198.19.1.$i" -j DROP &
done
wait
check "50 concurrent iptables -w -A" 50 "$(bf "$B" -S INPUT | grep -c '^-A INPUT -s 198.19.1.')"

# boot: what save -f wrote comes back, and the interfaces are attached.
bf "$B" save -f "$W/rules.v4" || fail "save -f"
ip netns exec "$B" "$(dirname "$BPFILTER")/bpfilter6" save -f "$W/rules.v6" || fail "bpfilter6 save -f"
bf "$B" detach "$IF_B" || fail "detach"
bf "$B" -F || fail "-F"
cat >"$W/bpfilter.conf" <<EOF
RULES_V4=$W/rules.v4
RULES_V6="$W/rules.v6"
INTERFACES="$IF_B"
MODE=auto
EOF
BPFILTER_CONF=$W/bpfilter.conf bf "$B" boot || fail "boot"
check "boot: the rules back" "$(grep -c '^-A' "$W/rules.v4")" "$(bf "$B" -S | grep -c '^-A')"
check "boot: attached" "$IF_B" "$(bf "$B" status | awk -v i="$IF_B" '$1 == i { print $1 }')"
check "boot: filtering" 0 "$(udp_received 3 9)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
