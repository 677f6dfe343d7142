#!/bin/sh
# Runs the benchmark (as root) and draws bench/results.png with gnuplot;
# without gnuplot it says so and skips the plot.
# Usage: bench/run.sh BENCH_BINARY
set -e
bin=$1
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
data=$(mktemp -d "${TMPDIR:-/tmp}/bfbench-data.XXXXXX")
trap 'rm -rf "$data"' EXIT
rc=0
$SUDO "$bin" bench/results.json "$data" || rc=$?
[ "$rc" -eq 0 ] || { echo "bench: failed (exit $rc)" >&2; exit "$rc"; }
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench: gnuplot is not installed (scripts/install-deps.sh): no plot" >&2
	exit 0
fi
gnuplot -e "datadir='$data'" bench/plot.gp && echo "plot: bench/results.png"
