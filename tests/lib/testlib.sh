# Shell test helpers, sourced by every tests/*/*.sh (and scripts/demo.sh).
#
# A test ends with exit 0 (pass), 77 (skipped: the reason is its last line)
# or anything else (fail). Cleanups registered with at_exit run in reverse
# order on every exit, including failures and signals.
set -u

TESTLIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BPFILTER=${BPFILTER:-$TESTLIB_ROOT/bpfilter}
TOOLS=${TOOLS:-$TESTLIB_ROOT/build/tools}
TESTS=${TESTS:-$TESTLIB_ROOT/tests}

_cleanups=()

# at_exit CMD...: run CMD (eval'd) when the script exits.
at_exit()
{
	_cleanups+=("$*")
}

_run_cleanups()
{
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[i]}" >/dev/null 2>&1
	done
	exit "$rc"
}
trap _run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

skip()
{
	echo "$*"
	exit 77
}

fail()
{
	echo "FAIL: $*"
	exit 1
}

# check WHAT WANT GOT: one comparison, reported (multi-line values
# indented); counted in $failures, which the test checks at its end.
failures=0
check()
{
	local what=$1 want=$2 got=$3
	if [ "$got" = "$want" ]; then
		echo "ok   $what"
	else
		echo "FAIL $what"
		echo "    want: ${want//$'\n'/$'\n          '}"
		echo "    got:  ${got//$'\n'/$'\n          '}"
		failures=$((failures + 1))
	fi
}

need_root()
{
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# iptables-legacy is the oracle: without it (or without the ip_tables
# module) the test cannot run, which is a skip, never a pass.
need_iptables_legacy()
{
	local c ns
	for c in iptables-legacy iptables-legacy-save iptables-legacy-restore; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
	ns=bft-probe-$$-$RANDOM
	ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace"
	if ! ip netns exec "$ns" iptables-legacy -L INPUT -n >/dev/null 2>&1; then
		ip netns del "$ns"
		skip "iptables-legacy does not work here (ip_tables module?)"
	fi
	ip netns del "$ns"
}

need_bpfilter()
{
	[ -x "$BPFILTER" ] || fail "$BPFILTER is missing: run make"
}

# need_tool NAME...: our own tools from tests/tools (built by make test-bins).
need_tool()
{
	local t
	for t in "$@"; do
		[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t is missing: run make test-bins"
	done
}

need_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
}

# A fresh bpfilter state directory for this test, removed at exit.
bf_run_dir_new()
{
	BPFILTER_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bpfilter-test.XXXXXX") ||
		fail "mktemp"
	export BPFILTER_RUN_DIR
	at_exit rm -rf "'$BPFILTER_RUN_DIR'"
	# bpfilter pins its netfilter links in a bpffs of the initial mount
	# namespace, which commands under `ip netns exec` cannot mount for
	# the ones after them: mount one here, for this test only.
	BPFILTER_BPFFS=$(mktemp -d "${TMPDIR:-/tmp}/bpfilter-bpffs.XXXXXX") || fail "mktemp"
	export BPFILTER_BPFFS
	at_exit rmdir "'$BPFILTER_BPFFS'"
	mount -t bpf -o mode=0700 bpffs "$BPFILTER_BPFFS" || fail "cannot mount a bpffs"
	at_exit umount "'$BPFILTER_BPFFS'"
}

# A scratch directory removed at exit; its path in $1's variable.
tmpdir_new()
{
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/bft.XXXXXX") || fail "mktemp"
	at_exit rm -rf "'$d'"
	printf -v "$1" '%s' "$d"
}

# bf NS ARGS...: bpfilter in network namespace NS.
bf()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$BPFILTER" "$@"
}

# ipt NS ARGS...: iptables-legacy in network namespace NS.
ipt()
{
	local ns=$1
	shift
	ip netns exec "$ns" iptables-legacy "$@"
}

# iptables-legacy-save without its comment lines.
ipt_save()
{
	local ns=$1
	shift
	ip netns exec "$ns" iptables-legacy-save "$@" | grep -v '^#'
}

# wait_until SECONDS CMD...: polls CMD every 50 ms until it succeeds or
# SECONDS (may be fractional) have passed.
wait_until()
{
	local tries
	tries=$(awk -v s="$1" 'BEGIN { print int(s * 20) + 1 }')
	shift
	until "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

# spawn VAR CMD...: runs CMD in the background, its pid in $VAR, killed at
# exit if still running.
spawn()
{
	local var=$1 pid
	shift
	"$@" &
	pid=$!
	printf -v "$var" '%s' "$pid"
	at_exit "kill $pid; wait $pid"
}
