#!/bin/sh
# bench/import.sh - importing web leads (DESIGN.md section 11, issue 16):
# kontora import leads of N rows, a Tilda export, into the benchmark's
# books (1,000,000 leads and 100,000 clients at full size), against
# sqlite3 .import of the same CSV into a table.
#
#   make bench                     100,000 rows (after bench/run.sh)
#   ROWS=2000 SIZE=small sh bench/import.sh   a quick run
#
# Environment: ROWS (100000), BENCH_DIR (/tmp/kontora-bench), SIZE (full;
# only used when BENCH_DIR/books is missing and is made here, as
# bench/run.sh makes it), KONTORA (./kontora), RUNS (3: each kontora run
# gets a fresh copy of the books, in BENCH_DIR/import).  Prints a table
# like bench/run.sh; exits 1 if a command failed, never because of speed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${ROWS:-100000}
RUNS=${RUNS:-3}
SIZE=${SIZE:-full}
BENCH_DIR=${BENCH_DIR:-/tmp/kontora-bench}
KONTORA=${KONTORA:-$ROOT/kontora}
BASE=$BENCH_DIR/books
DIR=$BENCH_DIR/import
CSV=$DIR/leads.csv
. "$ROOT/bench/common.sh"

# The books: bench/run.sh's, or made here the same way.
if [ ! -d "$BASE/.git" ] || [ ! -s "$BENCH_DIR/clients.csv" ]; then
	[ -e "$BASE" ] && [ ! -e "$BENCH_DIR/.kontora-bench" ] &&
		{ say "$BASE exists and was not made by the benchmark; not touching it"; exit 1; }
	rm -rf "$BASE"
	: >"$BENCH_DIR/.kontora-bench"
	cc -O2 -o "$ROOT/bench/gen" "$ROOT/bench/gen.c" || exit 1
	say "generating $SIZE books in $BASE"
	"$KONTORA" init "$BASE" >/dev/null 2>&1 || { say "kontora init failed"; exit 1; }
	"$ROOT/bench/gen" "$BASE" "$SIZE" "$BENCH_DIR/leads.csv" "$BENCH_DIR/clients.csv" >/dev/null ||
		{ say "the generator failed"; exit 1; }
fi
# The index up to date, and the managers' counts of the distribution kept
# in it (lib/index/count.c), as in books in use: a dry run fills them.
"$KONTORA" -C "$BASE" lead add --dry-run --name "Бенч" --phone "+79990000000" "Бенч" >/dev/null 2>&1 ||
	{ say "kontora lead add --dry-run failed in $BASE"; exit 1; }

say "writing $ROWS rows to $CSV (a third of them existing clients)"
python3 "$ROOT/bench/gen-leads.py" "$BENCH_DIR/clients.csv" "$ROWS" >"$CSV" || exit 1

# bench/timeit appends: each figure is of this run only.
rm -f "$DIR/sqlite.r" "$DIR/kontora.r" "$DIR/again.r"
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
	cp -a "$BASE" "$DIR/books" || exit 1
	say "kontora import leads ($ROWS rows), run $i of $RUNS"
	"$TIMEIT" "$DIR/kontora.r" 1800 "$KONTORA" -C "$DIR/books" import leads --source bench "$CSV" \
		>"$DIR/out" 2>"$DIR/err" || { say "kontora import failed:"; sed -n 1,5p "$DIR/err" >&2; FAILED=1; }
	grep -q "^[0-9]* new, [0-9]* linked to clients" "$DIR/out" ||
		{ say "unexpected summary: $(cat "$DIR/out")"; FAILED=1; }
	# The same file again: every row is a submission the books have.
	"$TIMEIT" "$DIR/again.r" 1800 "$KONTORA" -C "$DIR/books" import leads --source bench "$CSV" \
		>"$DIR/out2" 2>"$DIR/err2" || { say "kontora import (again) failed:"; sed -n 1,5p "$DIR/err2" >&2; FAILED=1; }
	grep -q "^0 new, 0 linked to clients, 0 merged, $ROWS duplicates skipped" "$DIR/out2" ||
		{ say "the same file again added something: $(cat "$DIR/out2")"; FAILED=1; }
done
say "first import: $(cat "$DIR/out")"

# The floor: SQLite's own cost of indexing what the import added, nothing
# of kontora.  The rows the last import added (in its index, not in the
# books' before it) put by the sqlite3 shell into a copy of the index of
# before, and their text into a copy of its full text (lower() for
# kontora's folding: the same words; rowids of types the books have not).
rm -f "$DIR/floor.r" "$DIR/new.db"
sqlite3 "$DIR/new.db" "ATTACH '$DIR/books/.git/kontora/index.db' AS i;
	ATTACH '$BASE/.git/kontora/index.db' AS b;
	CREATE TABLE lead AS SELECT * FROM i.lead WHERE id NOT IN (SELECT id FROM b.lead);
	CREATE TABLE task AS SELECT * FROM i.task WHERE id NOT IN (SELECT id FROM b.task);" ||
	{ say "the floor's rows could not be taken out"; FAILED=1; }
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	cp "$BASE/.git/kontora/index.db" "$DIR/floor.db" && cp "$BASE/.git/kontora/search.db" "$DIR/floor-search.db" ||
		exit 1
	"$TIMEIT" "$DIR/floor.r" 600 sqlite3 "$DIR/floor.db" "ATTACH '$DIR/new.db' AS n;
		ATTACH '$DIR/floor-search.db' AS s; PRAGMA cache_size = -40000; BEGIN;
		INSERT INTO main.lead SELECT * FROM n.lead; INSERT INTO main.task SELECT * FROM n.task;
		INSERT INTO s.fts(rowid, body) SELECT rowid + (60 << 40), lower(coalesce(title, '') || ' ' ||
			coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '') || ' ' ||
			coalesce(inn, '') || ' ' || coalesce(comment, '')) FROM n.lead;
		INSERT INTO s.fts(rowid, body) SELECT rowid + (61 << 40), lower(coalesce(text, '')) FROM n.task;
		COMMIT;" || { say "the floor's inserts failed"; FAILED=1; }
done
rm -f "$DIR/floor.db" "$DIR/floor-search.db" "$DIR/new.db"
# And git alone keeping what the import wrote: the shards it changed or
# made (a shard it split is gone: its parts are new),
# written as loose objects by git hash-object (zlib at level 1, as
# kontora's libgit2).  The floor is the two together.
rm -f "$DIR/git.r"
git -C "$DIR/books" diff --name-only --diff-filter=d "$(git -C "$BASE" rev-parse HEAD)" HEAD |
	sed "s|^|$DIR/books/|" >"$DIR/changed" && test -s "$DIR/changed" ||
	{ say "the shards the import wrote could not be listed"; FAILED=1; }
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	rm -rf "$DIR/git"
	git init -q "$DIR/git" || exit 1
	"$TIMEIT" "$DIR/git.r" 600 git -C "$DIR/git" -c core.looseCompression=1 hash-object -w --stdin-paths \
		<"$DIR/changed" >/dev/null || { say "git alone on the shards failed"; FAILED=1; }
done
rm -rf "$DIR/git" "$DIR/changed"

median() {
	cut -d' ' -f1 "$1" | sort -n | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f\n", m / 1e9 }'
}
maxrss() { awk '$2 > m { m = $2 } END { printf "%.1f\n", m / 1024 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

k=$(median "$DIR/kontora.r")
a=$(median "$DIR/again.r")
s=$(median "$DIR/sqlite.r")
echo
echo "import of $ROWS web leads into $(grep -c -E '^L[0-9A-Z]{7},' "$BENCH_DIR/leads.csv") leads" \
	"(median of $RUNS; kontora adds each lead and a task for its manager; load: $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '%-34s %11s %10s %7s %6s %9s\n' measure "kontora (s)" "base (s)" ratio goal "RSS (MB)"
printf '%-34s %11s %10s %7s %6s %9s\n' "e) import leads $ROWS rows" "$k" "$s" "$(ratio "$k" "$s")" "<=3" \
	"$(maxrss "$DIR/kontora.r")"
printf '%-34s %11s %10s %7s %6s %9s\n' "e) the same file again" "$a" "$s" "$(ratio "$a" "$s")" "" \
	"$(maxrss "$DIR/again.r")"
printf '%-34s %11s %10s %7s %6s %9s\n' "   sqlite3 .import (baseline)" "" "$s" "" "" "$(maxrss "$DIR/sqlite.r")"
f=$(median "$DIR/floor.r")
printf '%-34s %11s %10s %7s %6s %9s\n' "   SQLite alone indexing the rows" "$f" "$s" "$(ratio "$f" "$s")" "" \
	"$(maxrss "$DIR/floor.r")"
g=$(median "$DIR/git.r")
printf '%-34s %11s %10s %7s %6s %9s\n' "   git alone writing its shards" "$g" "$s" "$(ratio "$g" "$s")" "" \
	"$(maxrss "$DIR/git.r")"
fg=$(awk -v a="$f" -v b="$g" 'BEGIN { printf "%.3f", a + b }')
printf '%-34s %11s %10s %7s %6s %9s\n' "e) the floor: the two together" "$fg" "$s" "$(ratio "$fg" "$s")" "" ""
exit $FAILED
