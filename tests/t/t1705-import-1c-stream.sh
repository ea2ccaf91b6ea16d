#!/bin/sh
test_description='import 1c of a catalogue whose product shard is read and written in pieces'
# A shard over kt_options.stream_bytes (4 MiB; KONTORA_STREAM_BYTES here,
# docs/testing.md) is never held whole: the commit merges the ops with its
# rows into a file hashed into git a piece at a time, the index refresh
# merges old and new rows from two readers, and reading many records keeps
# a copy in a temporary file.  With the threshold at 100 bytes, a
# generated catalogue of a megabyte (bench/gen-1c.py) takes that path, in
# pieces smaller than a row; what it commits and indexes must be what the
# whole-shard path does.
. "$(dirname "$0")/test-lib.sh"

SMALL=100
# One product file of a megabyte, kept whole whatever the split size
# (2 MiB; lowered in other tests): the shards this path is for are the
# big ones of books written before kontora split by size, or by hand.
KONTORA_SPLIT_BYTES=1073741824
export KONTORA_SPLIT_BYTES

# dump: the products as the index holds them, every column, by id.
dump () {
	kontora sql "select * from product order by id" -f csv
}

# same_as_reindex: the index kept current equals one built afresh.
same_as_reindex () {
	dump >dump.kept &&
	kontora reindex &&
	dump >dump.fresh &&
	test_cmp dump.fresh dump.kept
}

# rows_aside_ids SHARD: the rows of SHARD without their ids, sorted (ids
# are random: two imports differ in nothing else).
rows_aside_ids () {
	python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
for r in sorted(r[1:] for r in rows[1:]):
    print(repr(r))' "$1"
}

test_expect_success PYTHON 'setup: a 1 MB catalogue, its offers, and new prices' '
	python3 "$TEST_ROOT/bench/gen-1c.py" cat 1 >count &&
	test "$(cat count)" -gt 300 &&
	sed "s|<ЦенаЗаЕдиницу>\([0-9]*\)\.[0-9]*</ЦенаЗаЕдиницу>|<ЦенаЗаЕдиницу>\1.01</ЦенаЗаЕдиницу>|" \
		cat/offers.xml >cat/offers-new.xml &&
	test_books whole &&
	test_books pieces
'

test_expect_success PYTHON 'the first import in pieces: the rows of the whole path, sorted, indexed' '
	kontora -C whole import 1c cat/import.xml cat/offers.xml 2>err.whole &&
	KONTORA_STREAM_BYTES=$SMALL kontora -C pieces import 1c cat/import.xml cat/offers.xml 2>err.pieces &&
	test_cmp err.whole err.pieces &&
	shard=$(cd pieces && git ls-files data/product) &&
	test $(echo "$shard" | wc -l) = 1 &&
	test $(wc -c <pieces/$shard) -gt 500000 &&
	rows_aside_ids whole/$shard >whole.rows &&
	rows_aside_ids pieces/$shard >pieces.rows &&
	test_cmp whole.rows pieces.rows &&
	sed 1d pieces/$shard | cut -c1-8 >ids &&
	LC_ALL=C sort -c ids &&
	(cd pieces && test_clean && KONTORA_STREAM_BYTES=$SMALL kontora check &&
	 KONTORA_STREAM_BYTES=$SMALL same_as_reindex)
'

test_expect_success PYTHON 'new prices in pieces: the same commit as the whole path, the index right' '
	cd pieces &&
	before=$(git rev-parse HEAD) &&
	KONTORA_STREAM_BYTES=$SMALL kontora import 1c ../cat/import.xml ../cat/offers-new.xml 2>err &&
	test_grep "products: 0 new, [1-9][0-9]* updated" err &&
	test_clean &&
	KONTORA_STREAM_BYTES=$SMALL same_as_reindex &&
	tree=$(git rev-parse HEAD^{tree}) &&
	git reset -q --hard $before &&
	kontora import 1c ../cat/import.xml ../cat/offers-new.xml 2>err.whole &&
	test_cmp err err.whole &&
	test $(git rev-parse HEAD^{tree}) = $tree &&
	same_as_reindex
'

test_expect_success PYTHON 'a shard a person left out of order, in pieces: the index follows, an edit sorts it' '
	cd pieces &&
	shard=$(git ls-files data/product) &&
	# a product added first (the merge loads it before it meets the
	# disorder), the second and third swapped, the fourth removed
	{ head -n 1 $shard && sed -n 2p $shard | sed "s/^[^,]*,/G0000000,/" && sed -n 2p $shard &&
	  sed -n 4p $shard && sed -n 3p $shard && tail -n +6 $shard; } >new.csv &&
	! cmp -s new.csv $shard &&
	mv new.csv $shard &&
	git commit -q -am "products added, swapped and removed by hand" &&
	KONTORA_STREAM_BYTES=$SMALL same_as_reindex &&
	id=$(sed -n 2p $shard | cut -c1-8) &&
	KONTORA_STREAM_BYTES=$SMALL kontora product edit $id --set stock=7 &&
	sed 1d $shard | cut -c1-8 >ids &&
	LC_ALL=C sort -c ids &&
	test "$(kontora sql "select stock from product where id = '\''$id'\''" | sed 1d)" = 7 &&
	test_clean &&
	KONTORA_STREAM_BYTES=$SMALL same_as_reindex
'

test_expect_success PYTHON 'killed once the branch moved, in pieces: the next command writes the shard' '
	cd pieces &&
	id=$(git show HEAD:$(git ls-files data/product) | sed -n 5p | cut -c1-8) &&
	test_expect_code 137 env KONTORA_STREAM_BYTES=$SMALL KONTORA_FAULT=ref:kill \
		kontora product edit $id --set stock=8 &&
	test -e .git/kontora/pending &&
	KONTORA_STREAM_BYTES=$SMALL kontora product show $id >show &&
	test ! -e .git/kontora/pending &&
	test_clean &&
	git diff --exit-code HEAD &&
	ls .git/kontora >left && ! grep -q "^new\." left &&
	KONTORA_STREAM_BYTES=$SMALL same_as_reindex
'

test_done
