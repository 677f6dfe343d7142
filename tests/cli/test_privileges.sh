#!/bin/bash
# Without privileges bpfilter changes nothing and says why, as
# iptables-legacy does: a user that cannot open the lock file (exit 4,
# "Fatal: can't open lock file ..."); root without CAP_NET_ADMIN, or
# without CAP_BPF and CAP_SYS_ADMIN (exit 3, "can't initialize iptables
# table `filter': Permission denied (you must be root)"). The stored
# rulesets and the attachment are as before. The state directory is 0700,
# its files 0600; the BPF filesystem 0700, its pins not writable by others.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_iptables_legacy
need_cmd capsh
need_cmd setpriv
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

bf "$B" -A INPUT -p udp --dport 9 -j DROP || fail "-A"
bf "$B" attach "$IF_B" || fail "attach"
before=$(bf "$B" save | grep -v '^#')
prog=$(bf "$B" status | awk -v i="$IF_B" '$1 == i { print $4 }')

# as_user CMD...: CMD as nobody; as_nocap CAPS CMD...: as root without CAPS.
as_user() { ip netns exec "$B" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nocap() { local caps=$1; shift; ip netns exec "$B" capsh --drop="$caps" -- -c "$*"; }
# The message without the program's name and version.
msg() { sed 's/^[a-z0-9-]* v[0-9.]* ([a-z]*): //; s|lock file [^:]*:|lock file LOCK:|'; }

out=$(as_user "$BPFILTER" -A INPUT -j ACCEPT 2>&1)
rc=$?
want=$(as_user iptables-legacy -A INPUT -j ACCEPT 2>&1)
want_rc=$?
check "as nobody: exit code" "$want_rc" "$rc"
check "as nobody: message" "$(msg <<<"$want")" "$(msg <<<"$out")"

for caps in cap_net_admin cap_bpf,cap_sys_admin; do
	for cmd in "-A INPUT -j ACCEPT" "-L" "-t raw -I PREROUTING -j DROP"; do
		out=$(as_nocap "$caps" "$BPFILTER $cmd" 2>&1)
		rc=$?
		check "without $caps, $cmd: exit code" 3 "$rc"
		check "without $caps, $cmd: message" \
			"$(as_nocap cap_net_admin "iptables-legacy $cmd" 2>&1 | msg)" "$(msg <<<"$out")"
	done
	out=$(as_nocap "$caps" "$BPFILTER detach $IF_B" 2>&1)
	check "without $caps, detach: exit code" 3 "$?"
done
check "nothing changed: the rules" "$before" "$(bf "$B" save | grep -v '^#')"
check "nothing changed: the program" "$prog" "$(bf "$B" status | awk -v i="$IF_B" '$1 == i { print $4 }')"

dir=$(find "$BPFILTER_RUN_DIR" -mindepth 1 -maxdepth 1 -type d | head -1)
check "state directory 0700" 700 "$(stat -c %a "$dir")"
check "state files 0600" "" "$(find "$dir" -type f ! -perm 600)"
check "bpffs: no access for group or others" 0 "$((0$(stat -c %a "$BPFILTER_BPFFS") & 077))"
check "pins: none writable by group or others" "" "$(find "$BPFILTER_BPFFS" -perm /022)"
check "pins: some" 1 "$([ "$(find "$BPFILTER_BPFFS" -type f | wc -l)" -gt 0 ] && echo 1)"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
