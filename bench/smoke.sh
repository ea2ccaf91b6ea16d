#!/bin/sh
# bench/smoke.sh - the benchmark at small size as TAP tests: it must run and
# every kontora command in it must succeed (speed is not judged here), and
# its results file must hold a number for every core measure and join with
# itself through bench/growth.sh (each ratio 1.00); then the import of web
# leads (bench/import.sh, 500 rows) with its floor, and the 1C and bank
# imports (bench/intake.sh, a catalogue of 2 MB, 200 payments) with theirs.
# Prints TAP on stdout; exits 0 if ok, 1 if not.
# Environment: KONTORA (the binary, default ./kontora), as for bench/run.sh.
dir=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kontora-smoke.XXXXXX") || exit 1
SIZE=small BENCH_DIR=$tmp sh "$dir/run.sh" >"$tmp/log" 2>&1
rc=$?
echo "1..4"
if [ $rc = 0 ]; then
	echo "ok 1 - bench small runs"
else
	echo "not ok 1 - bench small runs (exit $rc)"
	sed 's/^/# /' "$tmp/log"
fi

# the results file: the core measures each with seconds and RSS, and the
# growth table of the file against itself
res=$tmp/results.tsv
bad=
for m in "a) full reindex" "b) lead edit, end to end" "b) index refresh after a commit" \
	"c) lead list --where manager= -l 100" "c) manager: task list -l 100" \
	"c) manager: task add for another, dry" "d) lead show 5-char prefix"; do
	awk -F '\t' -v m="$m" '$1 == m && $2 ~ /^[0-9]+\.[0-9]+$/ && $3 ~ /^[0-9]+\.[0-9]$/ { ok = 1 }
		END { exit !ok }' "$res" 2>/dev/null || bad="$bad; no figure for '$m' in results.tsv"
done
grep -q '^# size	small$' "$res" 2>/dev/null || bad="$bad; no '# size<TAB>small' in results.tsv"
if sh "$dir/growth.sh" "$res" "$res" >"$tmp/growth" 2>"$tmp/growth.err"; then
	grep -q '^| a) full reindex | [0-9.]* | [0-9.]* | 1\.00 | ' "$tmp/growth" ||
		bad="$bad; growth.sh has no reindex row with ratio 1.00"
	grep -q '^| leads | 20000 | 20000 | 1\.0 |' "$tmp/growth" ||
		bad="$bad; growth.sh has no leads row"
else
	bad="$bad; growth.sh failed: $(cat "$tmp/growth.err")"
fi
if sh "$dir/growth.sh" "$res" "$tmp/log" >/dev/null 2>&1; then
	bad="$bad; growth.sh took the run's log for a results file"
fi
if [ -z "$bad" ]; then
	echo "ok 2 - bench results.tsv and growth.sh"
else
	echo "not ok 2 - bench results.tsv and growth.sh"
	echo "${bad#; }" | tr ';' '\n' | sed 's/^ */# /'
	sed 's/^/# /' "$res" "$tmp/growth" 2>/dev/null
	rc=1
fi
# the web-lead import into the same books, and its floor; shards split at
# 16 KB, so that the import splits one, as at full size, and the floor's
# git part meets a shard gone
if KONTORA_SPLIT_BYTES=16384 ROWS=500 RUNS=1 SIZE=small BENCH_DIR=$tmp sh "$dir/import.sh" >"$tmp/import.log" 2>&1 &&
	grep -q '^e) import leads 500 rows  *[0-9.]* ' "$tmp/import.log" &&
	grep -q '^   SQLite alone indexing the rows  *[0-9.]* ' "$tmp/import.log" &&
	grep -q '^   git alone writing its shards  *[0-9.]* ' "$tmp/import.log" &&
	grep -q '^e) the floor: the two together  *[0-9.]* ' "$tmp/import.log"; then
	echo "ok 3 - bench import of web leads, and its floor"
else
	echo "not ok 3 - bench import of web leads, and its floor"
	sed 's/^/# /' "$tmp/import.log"
	rc=1
fi
# the 1C catalogue and the bank statement, each with its floor's parts
if MB=2 PAYMENTS=200 RUNS=1 BENCH_DIR=$tmp sh "$dir/intake.sh" >"$tmp/intake.log" 2>&1 &&
	grep -q '^l) import 1c, 2 MB  *[0-9.]* ' "$tmp/intake.log" &&
	grep -q '^m) import bank, 200 payments  *[0-9.]* ' "$tmp/intake.log" &&
	grep -q '^   libxml2.s reader alone  *[0-9.]* ' "$tmp/intake.log" &&
	test "$(grep -c '^   SQLite alone indexing the [a-z]*  *[0-9.]* ' "$tmp/intake.log")" = 2 &&
	test "$(grep -c '^   git alone writing their shards  *[0-9.]* ' "$tmp/intake.log")" = 2 &&
	grep -q '^l) the floor: the three together  *[0-9.]* ' "$tmp/intake.log" &&
	grep -q '^m) the floor: the two together  *[0-9.]* ' "$tmp/intake.log"; then
	echo "ok 4 - bench imports of 1C and bank files, and their floors"
else
	echo "not ok 4 - bench imports of 1C and bank files, and their floors"
	sed 's/^/# /' "$tmp/intake.log"
	rc=1
fi
rm -rf "$tmp"
[ $rc = 0 ]
