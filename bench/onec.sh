#!/bin/sh
# bench/onec.sh - kontora import 1c of a generated catalogue (bench/gen-1c.py,
# MB megabytes, 200 by default) into new books: wall time and peak RSS of
# the first import, of the same files again (nothing to change), and of
# offers whose every price changed (an edit of every product).
# Environment: BENCH_DIR (default /tmp/kontora-bench-1c), KONTORA, MB.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KONTORA=${KONTORA:-$ROOT/kontora}
DIR=${BENCH_DIR:-/tmp/kontora-bench-1c}
MB=${MB:-200}
TIMEIT=$ROOT/bench/timeit
cc -O2 -o "$TIMEIT" "$ROOT/bench/timeit.c" || exit 1
rm -rf "$DIR/books" && mkdir -p "$DIR" || exit 1
n=$(/usr/bin/python3 "$ROOT/bench/gen-1c.py" "$DIR" "$MB") || exit 1
"$KONTORA" init "$DIR/books" >/dev/null || exit 1
: >"$DIR/times"
cd "$DIR/books" &&
"$TIMEIT" "$DIR/times" 3600 "$KONTORA" import 1c "$DIR/import.xml" "$DIR/offers.xml" &&
"$TIMEIT" "$DIR/times" 3600 "$KONTORA" import 1c "$DIR/import.xml" "$DIR/offers.xml" &&
sed 's|<ЦенаЗаЕдиницу>\([0-9]*\)\.[0-9]*</ЦенаЗаЕдиницу>|<ЦенаЗаЕдиницу>\1.01</ЦенаЗаЕдиницу>|' \
	"$DIR/offers.xml" >"$DIR/offers-new.xml" &&
"$TIMEIT" "$DIR/times" 3600 "$KONTORA" import 1c "$DIR/import.xml" "$DIR/offers-new.xml" || exit 1
ls -l "$DIR/import.xml" "$DIR/offers.xml"
echo "products: $n"
awk '{ printf "%-14s %8.1f s  peak RSS %6.1f MB\n", NR == 1 ? "first import" : NR == 2 ? "again" : "new prices", $1 / 1e9, $2 / 1024 }' "$DIR/times"
du -sh "$DIR/books/data/product" "$DIR/books/.git"
