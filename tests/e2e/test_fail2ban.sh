#!/bin/bash
# fail2ban (Debian's) with bpfilter standing in for iptables and ipset: a
# fail2ban server in the test namespace B, iptables and ipset found first
# in its PATH as bpfilter's names (never on the host), two sshd-style
# jails on log files of the test's own, one with the iptables-multiport
# action (a chain, a -C/-I/-D rule per ban), one with iptables-ipset (a
# set, -m set). Failed logins from A's address get it banned: its
# connections are refused at XDP (REJECT's ICMP answer; the rule's counter
# moves), fail2ban-client status lists it; unbanned, they connect again;
# stopping the server removes its rules, chains and set.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_tool probe
command -v fail2ban-client >/dev/null && command -v fail2ban-server >/dev/null ||
	skip "fail2ban is not installed (scripts/install-deps.sh installs it)"
bf_run_dir_new
tmpdir_new W
failures=0

hosts_new A B
bf "$B" attach "$IF_B" || fail "attach $IF_B"
# A's veth takes REJECT's XDP_TX answers only with an XDP program.
bf "$A" attach "$IF_A" || fail "attach $IF_A"

# bpfilter's names first in the server's PATH.
N=$W/names
mkdir -p "$N"
for n in iptables ip6tables iptables-save iptables-restore ip6tables-save ip6tables-restore ipset; do
	ln -s "$BPFILTER" "$N/$n"
done

C=$W/f2b
mkdir -p "$C"
cp -r /etc/fail2ban/fail2ban.conf /etc/fail2ban/action.d /etc/fail2ban/filter.d \
	/etc/fail2ban/paths-common.conf /etc/fail2ban/paths-debian.conf "$C/" ||
	fail "no fail2ban configuration to copy"
cat >"$C/fail2ban.local" <<EOF
[Definition]
logtarget = $W/fail2ban.log
socket = $W/fail2ban.sock
pidfile = $W/fail2ban.pid
dbfile = :memory:
EOF
: >"$W/auth-mp.log"
: >"$W/auth-set.log"
cat >"$C/jail.conf" <<EOF
[INCLUDES]
before = paths-debian.conf
[DEFAULT]
backend = polling
maxretry = 2
findtime = 600
bantime = 600
[ssh-mp]
enabled = true
filter = sshd
logpath = $W/auth-mp.log
action = iptables-multiport[name=ssh-mp, port="22", protocol=tcp]
[ssh-set]
enabled = true
filter = sshd
logpath = $W/auth-set.log
action = iptables-ipset[name=ssh-set, port="23", protocol=tcp]
EOF
f2b() { ip netns exec "$B" env PATH="$N:$PATH" fail2ban-client -c "$C" "$@"; }
f2b start >"$W/start" 2>&1 || fail "fail2ban start: $(cat "$W/start") $(cat "$W/fail2ban.log")"
at_exit "ip netns exec $B env PATH=$N:$PATH fail2ban-client -c $C stop >/dev/null 2>&1"
# The actions start with the first ban (fail2ban's actionstart on demand).
running() { f2b status 2>/dev/null | grep -q "Jail list:.*ssh-mp, ssh-set"; }
wait_until 10 running || fail "the jails never ran: $(tail "$W/fail2ban.log")"

for port in 22 23; do
	ip netns exec "$B" "$TOOLS/probe" tcp-listen "$port" 60 >"$W/listen.$port" 2>&1 &
	wait_until 2 grep -q ready "$W/listen.$port" || fail "tcp-listen $port"
done
connect() { ip netns exec "$A" "$TOOLS/probe" tcp-connect "$HOST_B" "$1" 500; }
check "before: connect to 22" ok "$(connect 22)"
check "before: connect to 23" ok "$(connect 23)"

fail_login()
{
	local when
	when=$(date '+%b %e %H:%M:%S')
	for i in 1 2 3; do
		echo "$when b sshd[4242]: Failed password for root from $HOST_A port 5000$i ssh2" >>"$1"
	done
}
banned() { f2b status "$1" 2>/dev/null | grep -q "Banned IP list:.*$HOST_A"; }
# The action runs after the ban is recorded: wait for its rule or member.
rule_in() { bf "$B" -w -S f2b-ssh-mp 2>/dev/null | grep -q -- "-s $HOST_A"; }
member_in() { bf "$B" set list f2b-ssh-set 2>/dev/null | grep -q "^$HOST_A"; }

# iptables-multiport: a REJECT rule in chain f2b-ssh-mp.
fail_login "$W/auth-mp.log"
wait_until 15 banned ssh-mp || fail "ssh-mp never banned $HOST_A: $(tail "$W/fail2ban.log")"
wait_until 10 rule_in || fail "ssh-mp: no rule for the ban: $(tail "$W/fail2ban.log")"
check "ssh-mp: the ban's rule" "-A f2b-ssh-mp -s $HOST_A/32 -j REJECT --reject-with icmp-port-unreachable" \
	"$(bf "$B" -w -S f2b-ssh-mp | grep -- "-s $HOST_A")"
check "ssh-mp banned: connect to 22" refused "$(connect 22)"
check "ssh-mp banned: 23 still connects" ok "$(connect 23)"
check "ssh-mp banned: the rule counted it (XDP)" 1 \
	"$(bf "$B" -w -L f2b-ssh-mp -v -x -n | awk -v a="$HOST_A" '$8 == a { print $1 }')"
f2b set ssh-mp unbanip "$HOST_A" >/dev/null || fail "unbanip"
wait_until 10 eval '! rule_in' || fail "ssh-mp: the ban's rule stayed"
check "ssh-mp unbanned: status" "0" "$(f2b status ssh-mp | sed -n 's/.*Currently banned:[[:space:]]*//p')"
check "ssh-mp unbanned: connect to 22" ok "$(connect 22)"

# iptables-ipset: a member of set f2b-ssh-set.
fail_login "$W/auth-set.log"
wait_until 15 banned ssh-set || fail "ssh-set never banned $HOST_A: $(tail "$W/fail2ban.log")"
wait_until 10 member_in || fail "ssh-set: not in the set: $(tail "$W/fail2ban.log")"
check "ssh-set: the ban in the set" 1 "$(bf "$B" set list f2b-ssh-set | grep -c "^$HOST_A")"
check "ssh-set banned: connect to 23" refused "$(connect 23)"
check "ssh-set banned: 22 still connects" ok "$(connect 22)"
f2b set ssh-set unbanip "$HOST_A" >/dev/null || fail "unbanip"
wait_until 10 eval '! member_in' || fail "ssh-set: still in the set"
check "ssh-set unbanned: not in the set" 0 "$(bf "$B" set list f2b-ssh-set | grep -c "^$HOST_A")"
check "ssh-set unbanned: connect to 23" ok "$(connect 23)"

f2b stop >/dev/null 2>&1 || fail "fail2ban stop"
gone() { ! bf "$B" -w -S | grep -q f2b- && ! bf "$B" set list -n | grep -q f2b-; }
wait_until 10 gone || fail "fail2ban stop left: $(bf "$B" -w -S | grep f2b-) $(bf "$B" set list -n)"
kill %1 %2 2>/dev/null
wait 2>/dev/null

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
