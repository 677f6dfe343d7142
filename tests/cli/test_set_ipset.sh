#!/bin/bash
# `bpfilter set` against ipset: the same command sequences run through
# ipset in one scratch namespace and through `bpfilter set` in another;
# every command's exit code, stdout and stderr must be equal, but for
# what cannot be: the program's prefix in messages ("ipset v7.17: " /
# "bpfilter set v0.1.0: ", and the help line's name), the random hash
# seed (initval), "Size in memory", the order of members (a hash's;
# ipset's -s sorts by address and leaves the rest in hash order: members
# and "add" lines are sorted here on both sides) and remaining timeouts,
# which may tick differently (their presence is compared). Restore input
# comes on stdin.
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_cmd ipset
bf_run_dir_new
ns_new REF
ns_new BFN
tmpdir_new W
failures=0

norm()
{
	sed -e 's/^ipset v[0-9.]*: /PFX: /' -e 's/^bpfilter set v[0-9.]*: /PFX: /' \
		-e 's/ipset help/HELP/' -e 's/bpfilter set help/HELP/' \
		-e 's/initval 0x[0-9a-f]*/initval X/' -e 's/^Size in memory: .*/Size in memory: X/' \
		-e 's/ timeout [1-9][0-9]*/ timeout N/' | sort_members
}

# Each run of member lines (after "Members:", or "add" lines) sorted.
sort_members()
{
	awk 'function flush() { if (n) { close("sort"); n = 0 } }
	     /^add / || (m && $0 != "" && $0 !~ /^exit /) { print | "sort"; n++; next }
	     { flush(); print; m = ($0 == "Members:") }
	     END { flush() }'
}

# run LINE [STDIN]: one command line (words split by the shell) on both
# sides; sorted listings (-s) so that hash order does not show.
run()
{
	local line=$1 in=${2:-} ref bf
	# shellcheck disable=SC2086
	ref=$(ip netns exec "$REF" ipset $line <<<"$in" 2>&1; echo "exit $?")
	# shellcheck disable=SC2086
	bf=$(ip netns exec "$BFN" "$BPFILTER" set $line <<<"$in" 2>&1; echo "exit $?")
	check "$line${in:+ <<< ${in//$'\n'/; }}" "$(norm <<<"$ref")" "$(norm <<<"$bf")"
}

run "create a hash:ip"
run "create a hash:ip"
run "-exist create a hash:ip"
run "-exist create a hash:net"
run "create b hash:foo"
run "create b hash:ip family inet7"
run "create b hash:ip bogus"
run "create b hash:ip hashsize"
run "create b hash:ip timeout 99999999999"
run "create verylongnameverylongnameverylongname hash:ip"
run "create h hash:ip hashsize 100 maxelem 10"
run "add a 1.2.3.4"
run "add a 1.2.3.4"
run "-exist add a 1.2.3.4"
run "-! add a 1.2.3.4"
run "add a 1.2.3.400"
run "add a 2001:db8::1"
run "add nope 1.2.3.4"
run "add a 1.2.3.0/30"
run "add a 1.2.3.10-1.2.3.12"
run "add a 1.2.3.4 timeout 5"
run "add a"
run "del a 9.9.9.9"
run "-exist del a 9.9.9.9"
run "del a 1.2.3.4"
run "test a 1.2.3.5"
run "test a 1.2.3.4"
run "-q test a 1.2.3.4"
run "-s list a"
run "-s save a"
run "list nope"
run "flush nope"
run "destroy nope"
run "flush a"
run "list a"
run "create t hash:ip timeout 10 counters"
run "add t 1.2.3.4 timeout 99999999"
run "add t 1.2.3.4 timeout 2147483 packets 5 bytes 300"
run "add t 1.2.3.5 timeout 0"
run "add t 1.2.3.6"
run "-s list t"
run "create m hash:ip maxelem 2"
run "add m 1.1.1.1"
run "add m 1.1.1.2"
run "add m 1.1.1.3"
run "create p hash:ip,port"
run "add p 1.2.3.4"
run "add p 1.2.3.4,foo:1"
run "add p 1.2.3.4,tcp:70000"
run "add p 1.2.3.4,gre:5"
run "add p 1.2.3.4,80"
run "add p 1.2.3.4,udp:53"
run "add p 1.2.3.4,icmp:8/0"
run "add p 1.2.3.4,icmp:echo-reply"
run "add p 1.2.3.4,icmp:300/0"
run "add p 1.2.3.4,icmp:100/3"
run "add p 1.2.3.4,gre:0"
run "add p 1.2.3.5,sctp:5"
run "add p 1.2.3.4,icmpv6:1/0"
run "add p 1.2.3.0/31,udp:5-6"
run "test p 1.2.3.4,tcp:80"
run "test p 1.2.3.4,udp:80"
run "-s list p"
run "create n hash:net"
run "add n 1.2.3.0/33"
run "add n 1.2.3.0/0"
run "add n 1.2.3.7/24"
run "add n 1.2.3.0/24 nomatch"
run "add n 10.0.0.0-10.0.0.5"
run "add n 10.1.0.0/16 nomatch"
run "test n 1.2.3.1"
run "test n 10.1.2.3"
run "test n 1.2.3.0/24"
run "-s list n"
run "create n6 hash:net,port family inet6 timeout 100"
run "add n6 2001:db8::/64,udp:53 nomatch timeout 20"
run "add n6 2001:db8::/129,udp:53"
run "add n6 2001:db8::1-2001:db8::3,udp:53"
run "add n6 2001:db8::1,icmpv6:echo-request"
run "add n6 2001:db8::1,icmp:8/0"
run "add n6 ::/1,udp:53"
run "create z hash:ip"
run "add z 0.0.0.0"
run "add z 0.0.0.0-0.0.0.3"
run "del z 0.0.0.0"
run "test z 0.0.0.0"
run "create z6 hash:ip,port family inet6"
run "add z6 ::,80"
run "del z6 ::,80"
run "restore" "add z 0.0.0.0"
run "-s list z"
run "-s list n6"
run "-s save n6"
run "-n list"
run "-t list n6"
run "restore" "create r hash:ip
add r 1.1.1.1
add r 1.1.1.1
add r 2.2.2.2"
run "-s list r"
run "restore" "add nope 1.1.1.1"
run "restore" "create r hash:ip"
run "-exist restore" "create r hash:ip"
run "restore" "# a comment

add r 3.3.3.3
COMMIT"
run "-s save r"
# What save prints restores (the seed and bucket size included).
run "create b hash:ip initval foo"
run "restore" "create rs hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x25c2afbe
add rs 198.18.0.0/15"
run "-s save rs"
run "destroy rs"
run "destroy r"
run ""
run "foo"
run "destroy"
run "-n list"

[ "$failures" -eq 0 ] || fail "$failures differences"
echo PASS
