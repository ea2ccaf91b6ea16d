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

rm -f "$DIR"/*.r
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	for who in before after; do
		bin=$KONTORA
		[ $who = before ] && { [ -n "$BEFORE" ] || continue; bin=$BEFORE; }
		say "run $i of $RUNS: $who: import 1c"
		one "1c-$who" "$bin" import 1c "$DIR/1c/import.xml" "$DIR/1c/offers.xml" &&
			[ $who = after ] && rows "$DIR/books" product "$DIR/product.csv" && sed -n 1p "$DIR/err" >"$DIR/1c.out"
		say "run $i of $RUNS: $who: import bank"
		one "bank-$who" "$bin" import bank "$DIR/bank.txt" &&
			[ $who = after ] && rows "$DIR/books" payment "$DIR/payment.csv" && sed -n 1p "$DIR/err" >"$DIR/bank.out"
	done
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
exit $FAILED
