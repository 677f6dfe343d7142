#!/bin/bash
# The LOG target against the kernel's own: two twin pairs of hosts, the
# same LOG rules (raw PREROUTING and filter INPUT, several option
# combinations, IPv4 and IPv6) in bpfilter on B and in iptables-legacy /
# ip6tables-legacy on D, the same crafted frames (tests/e2e/log_frames.py:
# TCP with options and odd flags, UDP, padding, ICMP echo and errors
# with their quote, fragments, a datagram filter INPUT sees reassembled
# (bpfilter's netfilter stage logs it), a priority tag, ESP, IPv6
# extension headers, AH, ICMPv6) sent to both, every interface and MAC address the
# same on both sides. What `bpfilter log --follow` prints must be, line
# for line, what the kernel logs (dmesg, from a non-initial namespace
# only with net.netfilter.nf_log_all_netns=1, restored at exit), but for
# the timestamps. Then: events logged across a change of rules reach a
# later `bpfilter log`, and `--syslog` sends the line with the rule's
# level as priority, facility kern.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_iptables_legacy
need_cmd ip6tables-legacy python3 dmesg unshare
need_tool pktsend
bf_run_dir_new
tmpdir_new W

kernel_log_all_netns

hosts_new A B
hosts_new C D
MAC_A=02:00:00:00:00:0a
MAC_B=02:00:00:00:00:0b
for pair in "$A $B" "$C $D"; do
	set -- $pair
	v6_pair "$1" "$2"
	ip -n "$1" link set "$IF_A" address "$MAC_A" &&
		ip -n "$2" link set "$IF_B" address "$MAC_B" || fail "MAC addresses"
	offloads_off "$1" "$IF_A"
	offloads_off "$2" "$IF_B"
done
bf "$B" attach "$IF_B" || fail "attach"

# A prefix of this run: the kernel's lines of other runs and tests differ.
P=L$$x$RANDOM
rules4=(
	"-t raw -A PREROUTING -s 198.19.7.1 -p tcp -m length --length 60 -j LOG --log-prefix $P-opts: --log-tcp-sequence --log-tcp-options --log-ip-options"
	"-t raw -A PREROUTING -s 198.19.7.1 -f -j LOG --log-prefix $P-frag: --log-level 5"
	"-t raw -A PREROUTING -s 198.19.7.1 -p 47 -j LOG --log-prefix $P-gre:"
	"-A INPUT -s 198.19.7.1 -p tcp -j LOG --log-prefix $P-tcp: --log-uid"
	"-A INPUT -s 198.19.7.1 -p udp -j LOG --log-prefix $P-udp: --log-macdecode"
	"-A INPUT -s 198.19.7.1 -p udp -j LOG --log-prefix $P-udp2:"
	"-A INPUT -s 198.19.7.1 -p icmp -j LOG --log-prefix $P-icmp: --log-level 7 --log-ip-options"
	"-A INPUT -s 198.19.7.1 -p esp -j LOG --log-prefix $P-esp:"
	"-A INPUT -s 198.19.7.1 -j DROP"
)
rules6=(
	"-t raw -A PREROUTING -s 2001:db8:1::7 -m frag -j LOG --log-prefix $P-f6: --log-ip-options"
	"-A INPUT -s 2001:db8:1::7 -j LOG --log-prefix $P-all6: --log-tcp-options --log-tcp-sequence --log-ip-options --log-macdecode"
	"-A INPUT -s 2001:db8:1::7 -p udp -j LOG --log-prefix $P-u6: --log-level 2"
	"-A INPUT -s 2001:db8:1::7 -j DROP"
)
for r in "${rules4[@]}"; do
	# shellcheck disable=SC2086
	ipt "$D" $r || fail "iptables $r"
	# shellcheck disable=SC2086
	bf "$B" $r || fail "bpfilter $r"
done
for r in "${rules6[@]}"; do
	# shellcheck disable=SC2086
	ip netns exec "$D" ip6tables-legacy $r || fail "ip6tables $r"
	# shellcheck disable=SC2086
	ip netns exec "$B" "${BPFILTER}6" $r || fail "bpfilter6 $r"
done

python3 "$TESTS/e2e/log_frames.py" "$MAC_B" "$MAC_A" >"$W/frames" || fail "log_frames.py"

# send NAME: the frame to D, then to B.
send()
{
	local hex
	hex=$(awk -v n="$1" '$1 == n { print $2 }' "$W/frames")
	[ -n "$hex" ] || fail "no frame $1"
	ip netns exec "$C" "$TOOLS/pktsend" -i "$IF_A" --hex "$hex" >/dev/null &&
		ip netns exec "$A" "$TOOLS/pktsend" -i "$IF_A" --hex "$hex" >/dev/null ||
		fail "pktsend $1"
}

# The kernel's lines of this run, from D; ours from a file of bpfilter
# log's output; both without timestamps.
kernel_lines() { log_lines "$P-"; }
our_lines() { log_lines "$P-" "$1"; }

log_follow_start "$B" "$W/follow"
names=$(awk '{ print $1 }' "$W/frames")
for n in $names; do
	send "$n"
done
n_kernel() { [ "$(kernel_lines | wc -l)" -ge "$1" ]; }
n_ours() { [ "$(our_lines "$W/follow" | wc -l)" -ge "$(kernel_lines | wc -l)" ]; }
n_frames=$(wc -l <"$W/frames")
wait_until 5 n_kernel "$n_frames" || fail "the kernel logged $(kernel_lines | wc -l) lines"
sleep 0.5
wait_until 5 n_ours || true
log_follow_stop
want=$(kernel_lines)
got=$(our_lines "$W/follow")
echo "$(echo "$want" | wc -l) lines from the kernel"
check "log --follow: the kernel's lines" "$want" "$got"
check "log --follow: nothing on stderr" "" "$(cat "$W/follow.err")"
# Each frame gives a line at least (several LOG rules may see it).
[ "$(wc -l <<<"$want")" -ge "$n_frames" ] || fail "the kernel logged too little: $want"

# Across a change of rules (new programs): the events of the old and the
# new program in the same buffer, read by a later `bpfilter log`.
before=$(kernel_lines | wc -l)
send udp_mac
bf "$B" -I INPUT -s 198.19.7.2 -j DROP || fail "bpfilter -I"
ipt "$D" -I INPUT -s 198.19.7.2 -j DROP || fail "iptables -I"
send icmp_echo
wait_until 5 n_kernel $((before + 3)) || fail "the kernel logged no more lines"
bf "$B" log >"$W/later" 2>&1 || fail "bpfilter log"
check "log after a change: the kernel's lines" "$(kernel_lines | tail -n +$((before + 1)))" \
	"$(our_lines "$W/later")"
check "log again: nothing left" "" "$(bf "$B" log 2>&1)"

# --syslog: to /dev/log (a socket of ours in a private mount namespace),
# priority the rule's level (7), facility kern (0).
python3 - "$W/log.sock" >"$W/syslog" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(5)
print("ready", flush=True)
print(s.recv(4096).decode(), flush=True)
PY
receiver=$!
at_exit "kill $receiver"
wait_until 2 grep -q ready "$W/syslog" || fail "syslog receiver did not start"
before=$(kernel_lines | wc -l)
send icmp_echo
wait_until 5 n_kernel $((before + 1)) || fail "the kernel logged no more lines"
ip netns exec "$B" unshare -m sh -c "mount -t tmpfs tmpfs /dev && ln -s '$W/log.sock' /dev/log &&
	'$BPFILTER' log --syslog" || fail "bpfilter log --syslog"
wait "$receiver"
msg=$(sed -n 2p "$W/syslog")
check "--syslog: priority and tag" "<7> bpfilter:" \
	"$(sed 's/^\(<[0-9]*>\).* \(bpfilter[^ ]*\) .*/\1 \2/' <<<"$msg")"
check "--syslog: the kernel's line" "$(kernel_lines | tail -n 1)" "${msg#*bpfilter: }"

[ "$failures" -eq 0 ] || fail "$failures difference(s)"
echo "LOG lines as the kernel's"
