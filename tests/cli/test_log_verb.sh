#!/bin/bash
# `bpfilter log`: its options (exact words; others are a parameter
# problem, exit 2); nothing to print in a namespace without LOG rules;
# the ring buffer is pinned by the first program with a LOG rule, shared
# by later ones and removed with the last attachment; `--follow` goes on
# reading the new buffer of a later attachment. (What the lines say is
# compared with the kernel's in e2e/test_log.sh.)
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
need_tool pktsend
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

pins() { ls "$BPFILTER_BPFFS"/*/ 2>/dev/null | sort | tr '\n' ' '; }
ping_b() { ip netns exec "$A" "$TOOLS/pktsend" -i "$IF_A" --src "$HOST_A" --dst "$HOST_B" --proto icmp >/dev/null; }

bf "$B" log --bogus >"$W/out" 2>"$W/err"
check "unknown option: exit 2" "2" "$?"
check "unknown option: the message" "Bad argument \`--bogus'" "$(head -n 1 "$W/err" | sed 's/^.*: //')"
bf "$B" log --foll >/dev/null 2>&1
check "no abbreviations" "2" "$?"
check "--help" "Usage: bpfilter log [--follow] [--syslog]" "$(bf "$B" log --help | head -n 1)"
check "nothing logged yet: no output, exit 0" "0:" "$(bf "$B" log 2>&1; echo "$?:")" 

bf "$B" -A INPUT -p icmp -j LOG --log-prefix "ping: " || fail "-A LOG"
bf "$B" attach "$IF_B" || fail "attach"
check "pins" "log_drops log_ring nf_input nf_input6 nf_reject nf_reject_guard nf_reject_guard6 nf_slots " "$(pins)"
ping_b || fail "ping"
check "one line" "1" "$(bf "$B" log | grep -c ' ping: IN=veth-b OUT= ')"
bf "$B" -I INPUT -p udp -j DROP || fail "-I"
ping_b || fail "ping"
check "after new programs, the same buffer" "1" "$(bf "$B" log | grep -c ' ping: IN=veth-b ')"

bf "$B" log --follow >"$W/follow" 2>&1 &
follower=$!
at_exit "kill $follower"
bf "$B" detach "$IF_B" || fail "detach"
check "the last detach removes the pins" "" "$(pins)"
bf "$B" attach "$IF_B" || fail "attach again"
ping_b || fail "ping"
wait_until 5 grep -q ' ping: ' "$W/follow"
check "--follow reads the new buffer" "1" "$(grep -c ' ping: IN=veth-b ' "$W/follow")"
kill "$follower"

[ "$failures" -eq 0 ] || fail "$failures difference(s)"
