#!/bin/sh
# bench/smoke.sh - the benchmark at small size as one TAP test: it must run
# and every kontora command in it must succeed (speed is not judged here).
# Prints TAP on stdout; exits 0 if ok, 1 if not.
# Environment: KONTORA (the binary, default ./kontora), as for bench/run.sh.
dir=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kontora-smoke.XXXXXX") || exit 1
SIZE=small BENCH_DIR=$tmp sh "$dir/run.sh" >"$tmp/log" 2>&1
rc=$?
echo "1..1"
if [ $rc = 0 ]; then
	echo "ok 1 - bench small runs"
else
	echo "not ok 1 - bench small runs (exit $rc)"
	sed 's/^/# /' "$tmp/log"
fi
rm -rf "$tmp"
[ $rc = 0 ]
