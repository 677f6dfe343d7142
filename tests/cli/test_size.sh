#!/bin/bash
# Size: a 1,000,000-rule iptables-save file and 100 MB of random bytes, as
# restore input, under an address-space limit (prlimit --as), so that the
# machine is never pushed out of memory: the rules are stored (and read
# back), the garbage fails cleanly as iptables-legacy-restore fails it
# ("line 1 failed", exit 1), each within bounded memory (peak RSS below
# 2 GiB, measured by GNU time).
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_cmd python3
need_cmd prlimit
[ -x /usr/bin/time ] || skip "GNU time (/usr/bin/time) is not installed"
bf_run_dir_new
tmpdir_new W
ns_new B
failures=0
LIMIT=$((4 << 30))
PEAK_KB=$((2 << 20))

python3 - "$W/big.rules" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n")
    for i in range(1000000):
        f.write("-A INPUT -s 10.%d.%d.%d/32 -p tcp -m tcp --dport %d -j DROP\n"
                % (i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff, 1 + i % 60000))
    f.write("COMMIT\n")
EOF
head -c 100000000 /dev/urandom >"$W/garbage"

# run NAME CMD...: CMD under the limit; its exit code in $rc, output in
# $W/out, peak RSS (KB) in $peak.
run()
{
	/usr/bin/time -o "$W/time" -f "%M" prlimit --as=$LIMIT "$@" >"$W/out" 2>&1
	rc=$?
	peak=$(tail -1 "$W/time")
}

run ip netns exec "$B" "$BPFILTER" restore "$W/big.rules"
check "1,000,000 rules: restored" 0 "$rc"
[ "$peak" -lt "$PEAK_KB" ] || fail "1,000,000 rules: peak RSS ${peak} KB"
echo "1,000,000 rules: restore peak RSS $peak KB"
check "1,000,000 rules: stored" 1000000 "$(bf "$B" -S INPUT | grep -c '^-A INPUT')"

run ip netns exec "$B" "$BPFILTER" restore "$W/garbage"
want=$(ip netns exec "$B" iptables-legacy-restore "$W/garbage" 2>&1)
want_rc=$?
check "100 MB of garbage: exit code as iptables-legacy-restore" "$want_rc" "$rc"
check "100 MB of garbage: message" "$(sed 's/^[a-z-]*restore[^:]*: //' <<<"$want")" \
	"$(sed 's/^bpfilter: //' "$W/out")"
[ "$peak" -lt "$PEAK_KB" ] || fail "100 MB of garbage: peak RSS ${peak} KB"
echo "100 MB of garbage: peak RSS $peak KB"
check "100 MB of garbage: the rules unchanged" 1000000 "$(bf "$B" -S INPUT | grep -c '^-A INPUT')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
