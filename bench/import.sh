#!/bin/sh
# bench/import.sh - importing web leads (DESIGN.md section 11): kontora
# import leads of N rows into new books with three managers, against
# sqlite3 .import of the same CSV into a table.
#
#   make bench                     100,000 rows (after bench/run.sh)
#   ROWS=2000 sh bench/import.sh   a quick run
#
# Environment: ROWS (100000), BENCH_DIR (/tmp/kontora-bench; uses
# BENCH_DIR/import), KONTORA (./kontora), RUNS (3: each kontora run gets
# new books).  Prints a table like bench/run.sh; exits 1 if a command
# failed, never because of speed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${ROWS:-100000}
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/kontora-bench}
KONTORA=${KONTORA:-$ROOT/kontora}
DIR=$BENCH_DIR/import
CSV=$DIR/leads.csv
TIMEIT=$ROOT/bench/timeit
FAILED=0
unset KONTORA_USER KONTORA_BOOKS KONTORA_NOW 2>/dev/null || true

say() { echo "bench: $*" >&2; }

mkdir -p "$DIR" || exit 1
identity_dir=$DIR identity_name=kontora-bench identity_email=bench@example.ru
. "$ROOT/tools/git-identity.sh"
cc -O2 -o "$TIMEIT" "$ROOT/bench/timeit.c" || exit 1

# Rows as a form service exports them: name, phone in a human form,
# e-mail in mixed case, a comment; every person different.
say "writing $ROWS rows to $CSV"
awk -v n="$ROWS" 'BEGIN {
	print "Имя,Телефон,Email,Комментарий,Дата"
	for (i = 0; i < n; i++)
		printf "Клиент %d,8 (9%02d) %03d-%02d-%02d,Client%d@Example.RU,\"Нужно средство, партия %d\",2026-11-%02d 10:%02d\n",
		       i, i % 100, (i / 100) % 1000, (i / 100000) % 100, i % 97, i, i, 1 + i % 28, i % 60
}' >"$CSV" || exit 1

i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	rm -f "$DIR/sqlite.db"
	"$TIMEIT" "$DIR/sqlite.r" 600 sqlite3 "$DIR/sqlite.db" ".mode csv" ".import $CSV leads" ||
		{ say "sqlite3 .import failed"; FAILED=1; }
done

i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	rm -rf "$DIR/books"
	"$KONTORA" init "$DIR/books" >/dev/null 2>&1 || { say "kontora init failed"; exit 1; }
	for m in anna boris vera; do
		"$KONTORA" -C "$DIR/books" employee add --login $m --name $m --role manager >/dev/null || exit 1
	done
	say "kontora import leads ($ROWS rows), run $i of $RUNS"
	"$TIMEIT" "$DIR/kontora.r" 1800 "$KONTORA" -C "$DIR/books" import leads --source bench "$CSV" \
		>"$DIR/out" 2>"$DIR/err" || { say "kontora import failed:"; sed -n 1,5p "$DIR/err" >&2; FAILED=1; }
done
grep -q "^$ROWS new" "$DIR/out" || { say "expected $ROWS new leads, got: $(cat "$DIR/out")"; FAILED=1; }

median() {
	cut -d' ' -f1 "$1" | sort -n | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f\n", m / 1e9 }'
}
maxrss() { awk '$2 > m { m = $2 } END { printf "%.1f\n", m / 1024 }' "$1"; }

k=$(median "$DIR/kontora.r")
s=$(median "$DIR/sqlite.r")
echo
echo "import of $ROWS web leads (median of $RUNS; kontora adds each lead and a task for its manager):"
printf '%-34s %11s %10s %7s %6s %9s\n' measure "kontora (s)" "base (s)" ratio goal "RSS (MB)"
printf '%-34s %11s %10s %7s %6s %9s\n' "e) import leads $ROWS rows" "$k" "$s" \
	"$(awk -v a="$k" -v b="$s" 'BEGIN { printf "%.1f", a / b }')" "<=3" "$(maxrss "$DIR/kontora.r")"
printf '%-34s %11s %10s %7s %6s %9s\n' "   sqlite3 .import (baseline)" "" "$s" "" "" "$(maxrss "$DIR/sqlite.r")"
exit $FAILED
