#!/bin/sh
# bench/intake.sh - the two intake targets of issue 16, each against
# sqlite3 .import of the rows it writes, in the same run:
#
#   l) kontora import 1c of a catalogue of about 100,000 products
#      (bench/gen-1c.py BENCH_DIR/1c MB: import.xml and offers.xml) into
#      new books;
#   m) kontora import bank of a statement of PAYMENTS payments
#      (bench/gen-bank.py) into new books.
#
# The baseline of each is `sqlite3 :memory: ".import --csv"` of the rows
# the import wrote: every shard of the type (data/product/, data/payment/)
# joined under one header, untyped, no index.  Each run imports into new
# books (kontora init); RUNS runs, the median printed, of the wall time
# and of the CPU time (user and system, bench/timeit's third figure: on a
# machine shared with other work, the steadier of the two).
#
#   sh bench/intake.sh                        MB=270 (102,771 products), 10,000 payments
#   MB=20 PAYMENTS=2000 RUNS=1 sh bench/intake.sh   a quick look
#   BEFORE=/path/to/old/kontora sh bench/intake.sh  the same rows for another
#       binary, run in turn with KONTORA (old, new, old, new...): compare the
#       two in one run on a shared machine.
#
# Environment: BENCH_DIR (/tmp/kontora-bench; this uses BENCH_DIR/intake),
# KONTORA (./kontora),
# BEFORE (none), MB (270), PAYMENTS (10000), RUNS (3).  The schemas are
# those beside KONTORA (KONTORA_DATADIR otherwise).  Exits 1 if a command
# failed, never because of speed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KONTORA=${KONTORA:-$ROOT/kontora}
BEFORE=${BEFORE:-}
DIR=${BENCH_DIR:-/tmp/kontora-bench}/intake
MB=${MB:-270}
PAYMENTS=${PAYMENTS:-10000}
RUNS=${RUNS:-3}
. "$ROOT/bench/common.sh"
# shellcheck disable=SC2046
cc -O2 -o "$ROOT/bench/xml-read" "$ROOT/bench/xml-read.c" $(pkg-config --cflags --libs libxml-2.0) || exit 1

# The inputs are deterministic: made once for a size, kept between runs.
if [ ! -s "$DIR/1c/offers.xml" ] || [ "$(cat "$DIR/1c/mb" 2>/dev/null)" != "$MB" ]; then
	say "writing a catalogue of $MB MB to $DIR/1c"
	rm -rf "$DIR/1c"
	/usr/bin/python3 "$ROOT/bench/gen-1c.py" "$DIR/1c" "$MB" >/dev/null && echo "$MB" >"$DIR/1c/mb" || exit 1
fi
if [ ! -s "$DIR/bank.txt" ] || [ "$(cat "$DIR/bank.n" 2>/dev/null)" != "$PAYMENTS" ]; then
	/usr/bin/python3 "$ROOT/bench/gen-bank.py" "$DIR/bank.txt" "$PAYMENTS" && echo "$PAYMENTS" >"$DIR/bank.n" || exit 1
fi

# rows BOOKS TYPE OUT: every row of TYPE's shards in BOOKS, under one
# header, into OUT.
rows() {
	find "$1/data/$2" -name '*.csv' | sort >"$DIR/shards"
	first=$(sed -n 1p "$DIR/shards")
	[ -n "$first" ] || { say "no $2 shards in $1"; return 1; }
	sed -n 1p "$first" >"$3"
	while read -r f; do sed 1d "$f"; done <"$DIR/shards" >>"$3"
}

# one NAME BIN ARGS...: imports into new books with BIN under timeit,
# appending to DIR/NAME.r.
one() {
	name=$1 bin=$2
	shift 2
	rm -rf "$DIR/books"
	"$bin" init "$DIR/books" >/dev/null 2>&1 || { say "kontora init failed"; FAILED=1; return 1; }
	(cd "$DIR/books" && "$TIMEIT" "$DIR/$name.r" 3600 "$bin" "$@" >"$DIR/out" 2>"$DIR/err") ||
		{ say "$name failed:"; sed -n 1,5p "$DIR/err" >&2; FAILED=1; return 1; }
}

# The index of new books, as the first command makes it: the floors put
# the rows into copies of it.
rm -rf "$DIR/fresh"
"$KONTORA" init "$DIR/fresh" >/dev/null 2>&1 && "$KONTORA" -C "$DIR/fresh" list product >/dev/null ||
	{ say "new books for the floors could not be made"; exit 1; }

# searched TYPE: the SQL of TYPE's full text, as the refresh makes it:
# its text, phone, e-mail and INN fields not marked nosearch, in the
# schema's order, joined by spaces.
searched() {
	awk '$1 == "field" && $3 ~ /^(text|phone|email|inn)$/ && !/ nosearch/ {
		printf "%scoalesce(\"%s\", '"''"')", n++ ? " || '"' '"' || " : "", $2 }' \
		"$DIR/fresh/schemas/$1.schema"
}

# floor_parts TYPE: SQLite alone and git alone on the rows of TYPE the
# import in DIR/books just wrote, appending to DIR/TYPE-index.r and
# DIR/TYPE-git.r.
floor_parts() {
	rm -f "$DIR/new.db" "$DIR/floor.db" "$DIR/floor-search.db"
	sqlite3 "$DIR/new.db" "ATTACH '$DIR/books/.git/kontora/index.db' AS i;
		CREATE TABLE \"$1\" AS SELECT * FROM i.\"$1\";" &&
		cp "$DIR/fresh/.git/kontora/index.db" "$DIR/floor.db" &&
		cp "$DIR/fresh/.git/kontora/search.db" "$DIR/floor-search.db" &&
		"$TIMEIT" "$DIR/$1-index.r" 600 sqlite3 "$DIR/floor.db" "ATTACH '$DIR/new.db' AS n;
			ATTACH '$DIR/floor-search.db' AS s; PRAGMA cache_size = -40000; BEGIN;
			INSERT INTO main.\"$1\" SELECT * FROM n.\"$1\";
			INSERT INTO s.fts(rowid, body) SELECT rowid + (62 << 40), lower($(searched "$1")) FROM n.\"$1\";
			COMMIT;" ||
		{ say "SQLite alone on the $1 rows failed"; FAILED=1; }
	rm -rf "$DIR/git" "$DIR/new.db" "$DIR/floor.db" "$DIR/floor-search.db"
	git init -q "$DIR/git" && find "$DIR/books/data/$1" -name '*.csv' >"$DIR/shards" &&
		"$TIMEIT" "$DIR/$1-git.r" 600 git -C "$DIR/git" -c core.looseCompression=1 \
			hash-object -w --stdin-paths <"$DIR/shards" >/dev/null ||
		{ say "git alone on the $1 shards failed"; FAILED=1; }
	rm -rf "$DIR/git"
}

rm -f "$DIR"/*.r
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	for who in before after; do
		bin=$KONTORA
		[ $who = before ] && { [ -n "$BEFORE" ] || continue; bin=$BEFORE; }
		say "run $i of $RUNS: $who: import 1c"
		one "1c-$who" "$bin" import 1c "$DIR/1c/import.xml" "$DIR/1c/offers.xml" &&
			[ $who = after ] && rows "$DIR/books" product "$DIR/product.csv" && sed -n 1p "$DIR/err" >"$DIR/1c.out" &&
			floor_parts product
		say "run $i of $RUNS: $who: import bank"
		one "bank-$who" "$bin" import bank "$DIR/bank.txt" &&
			[ $who = after ] && rows "$DIR/books" payment "$DIR/payment.csv" && sed -n 1p "$DIR/err" >"$DIR/bank.out" &&
			floor_parts payment
	done
	"$TIMEIT" "$DIR/xml-read.r" 600 "$ROOT/bench/xml-read" "$DIR/1c/import.xml" "$DIR/1c/offers.xml" >/dev/null ||
		{ say "bench/xml-read failed"; FAILED=1; }
	for t in product payment; do
		"$TIMEIT" "$DIR/$t-sqlite.r" 600 sqlite3 :memory: ".import --csv '$DIR/$t.csv' t" ||
			{ say "sqlite3 .import of $t failed"; FAILED=1; }
	done
done

# median FILE [FIELD]: of the wall time (field 1) or the CPU time (3).
median() {
	[ -s "$1" ] || { echo "-"; return; }
	cut -d' ' -f"${2:-1}" "$1" | sort -n | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f\n", m / 1e9 }'
}
maxrss() { [ -s "$1" ] && awk '$2 > m { m = $2 } END { printf "%.1f\n", m / 1024 }' "$1" || echo "-"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 && b + 0) printf "%.1f", a / b; else printf "-" }'; }
line() { printf '%-38s %11s %10s %7s %6s %9s %8s %9s\n' "$@"; }

sp=$(median "$DIR/product-sqlite.r")
sb=$(median "$DIR/payment-sqlite.r")
echo
echo "1C: $(sed 's/^kontora: //' "$DIR/1c.out" 2>/dev/null); $(($(wc -l <"$DIR/product.csv") - 1)) rows," \
	"$(du -m "$DIR/product.csv" | cut -f1) MB of CSV"
echo "bank: $(sed 's/^kontora: import bank: //' "$DIR/bank.out" 2>/dev/null)"
echo "(median of $RUNS; load at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
cp=$(median "$DIR/product-sqlite.r" 3)
cb=$(median "$DIR/payment-sqlite.r" 3)
line measure "kontora (s)" "base (s)" ratio goal "RSS (MB)" "CPU (s)" "CPU ratio"
for who in before after; do
	[ $who = before ] && [ -z "$BEFORE" ] && continue
	tag=
	[ -n "$BEFORE" ] && tag=" ($who)"
	k=$(median "$DIR/1c-$who.r") c=$(median "$DIR/1c-$who.r" 3)
	line "l) import 1c, ${MB} MB$tag" "$k" "$sp" "$(ratio "$k" "$sp")" "<=3" "$(maxrss "$DIR/1c-$who.r")" \
		"$c" "$(ratio "$c" "$cp")"
	k=$(median "$DIR/bank-$who.r") c=$(median "$DIR/bank-$who.r" 3)
	line "m) import bank, $PAYMENTS payments$tag" "$k" "$sb" "$(ratio "$k" "$sb")" "<=3" "$(maxrss "$DIR/bank-$who.r")" \
		"$c" "$(ratio "$c" "$cb")"
done
line "   sqlite3 .import of the products" "" "$sp" "" "" "$(maxrss "$DIR/product-sqlite.r")" "$cp"
line "   sqlite3 .import of the payments" "" "$sb" "" "" "$(maxrss "$DIR/payment-sqlite.r")" "$cb"

# part LABEL FILE BASE CPU-BASE: a part of a floor, its figures added to
# the floor's sums fw and fc.
part() {
	w=$(median "$2") c=$(median "$2" 3)
	fw=$(awk -v a="$fw" -v b="$w" 'BEGIN { printf "%.3f", a + b }')
	fc=$(awk -v a="$fc" -v b="$c" 'BEGIN { printf "%.3f", a + b }')
	line "$1" "$w" "$3" "$(ratio "$w" "$3")" "" "$(maxrss "$2")" "$c" "$(ratio "$c" "$4")"
}
echo
echo "The floors: what no importer leaving the rows in the books and the index can do without"
fw=0 fc=0
part "   libxml2's reader alone" "$DIR/xml-read.r" "$sp" "$cp"
part "   SQLite alone indexing the products" "$DIR/product-index.r" "$sp" "$cp"
part "   git alone writing their shards" "$DIR/product-git.r" "$sp" "$cp"
line "l) the floor: the three together" "$fw" "$sp" "$(ratio "$fw" "$sp")" "" "" "$fc" "$(ratio "$fc" "$cp")"
fw=0 fc=0
part "   SQLite alone indexing the payments" "$DIR/payment-index.r" "$sb" "$cb"
part "   git alone writing their shards" "$DIR/payment-git.r" "$sb" "$cb"
line "m) the floor: the two together" "$fw" "$sb" "$(ratio "$fw" "$sb")" "" "" "$fc" "$(ratio "$fc" "$cb")"
exit $FAILED
