#!/bin/bash
# The netfilter stage (filter INPUT for reassembled IPv4 datagrams) across
# attach and detach: one pinned link per namespace, one program per
# attached interface; `status` reports it; detaching the last interface
# removes the pins and nft's table that answers REJECT (cgen/nf_reject.h);
# without a bpffs it can keep, attach is refused and
# nothing is attached.
. "$(dirname "$0")/../lib/netns.sh"

need_root
need_bpfilter
bf_run_dir_new
hosts_new A B
ip -n "$B" link add bfn0 type veth peer name bfn1 && ip -n "$B" link set bfn0 up &&
	ip -n "$B" link set bfn1 up || fail "second interface"
failures=0


stage_line() { bf "$B" status | sed -n 's/^Reassembled IPv4 datagrams: //p'; }
pins() { ls "$BPFILTER_BPFFS"/*/ 2>/dev/null | sort | tr '\n' ' '; }
STAGE_PINS="nf_input nf_input6 nf_reject nf_reject_guard nf_reject_guard6 nf_slots "
# The chains' rules, one per answer REJECT gives (tcp-reset and 10 ICMP
# codes), in family ip and ip6.
nft_rules()
{
	ip netns exec "$B" nft list ruleset 2>/dev/null |
		awk '/^table ip6? bpfilter_reject/ { t = 1 } /^}/ { t = 0 } t && /reject/' | wc -l
}

bf "$B" -A INPUT -f -j DROP || fail "-A"
check "nothing attached: no pins" "" "$(pins)"
bf "$B" attach "$IF_B" || fail "attach $IF_B"
check "pins" "$STAGE_PINS" "$(pins)"
check "nft's chains" 24 "$(nft_rules)"
# Deleted or flushed by someone: the next command puts them back.
ip netns exec "$B" nft flush chain ip6 bpfilter_reject answers || fail "nft flush"
bf "$B" -A INPUT -p udp --dport 7 -j ACCEPT || fail "-A after the flush"
check "nft's chains after a flush" 24 "$(nft_rules)"
ip netns exec "$B" nft delete table ip bpfilter_reject || fail "nft delete"
bf "$B" -D INPUT -p udp --dport 7 -j ACCEPT || fail "-D after the delete"
check "nft's chains after a delete" 24 "$(nft_rules)"
check "status, one interface" "1" "$(stage_line | sed -n 's/.*LOCAL_IN, \([0-9]*\) interface.*/\1/p')"
bf "$B" attach bfn0 || fail "attach bfn0"
check "status, two interfaces" "2" "$(stage_line | sed -n 's/.*LOCAL_IN, \([0-9]*\) interface.*/\1/p')"
link1=$(stage_line | sed -n 's/^netfilter link \([0-9]*\).*/\1/p')
bf "$B" -A INPUT -p udp -j DROP || fail "change while attached"
check "a change keeps the link (programs swap in its slots)" "$link1" \
	"$(stage_line | sed -n 's/^netfilter link \([0-9]*\).*/\1/p')"
bf "$B" detach "$IF_B" || fail "detach $IF_B"
check "status after one detach" "1" "$(stage_line | sed -n 's/.*LOCAL_IN, \([0-9]*\) interface.*/\1/p')"
bf "$B" detach bfn0 || fail "detach bfn0"
check "last detach removes the pins" "" "$(pins)"
check "last detach removes nft's chains" 0 "$(nft_rules)"
bf "$B" attach bfn0 || fail "attach again"
check "attach again: pins" "$STAGE_PINS" "$(pins)"
bf "$B" detach bfn0 || fail "detach again"

# No bpffs that outlives the command: refused, nothing attached.
notfs=$(mktemp -d "${TMPDIR:-/tmp}/bft-notfs.XXXXXX") || fail "mktemp"
at_exit rmdir "'$notfs'"
out=$(BPFILTER_BPFFS=$notfs ip netns exec "$B" "$BPFILTER" attach "$IF_B" 2>&1)
check "attach without a bpffs: exit code" 1 "$?"
grep -q "no BPF filesystem at $notfs" <<<"$out" ||
	{ echo "FAIL message: $out"; failures=$((failures + 1)); }
check "attach without a bpffs: nothing attached" "" \
	"$(ip -n "$B" -d link show "$IF_B" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
