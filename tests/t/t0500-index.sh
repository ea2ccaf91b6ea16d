#!/bin/sh
test_description='the SQLite index: sql, refresh after git, reindex'
# Decisions where docs/foundation.md is silent:
# - `sql -f csv` prints a header row then the rows (like list -f csv);
# - the default (table) output of sql, piped, ends with the result rows,
#   so its last line is the value of a one-value query;
# - a statement that would write is refused with exit 1 and a
#   "kontora: error:" message, and the index is left as it was;
# - a new schema file committed by hand gives a new record type at once.
# Search of folded text (fts) is tested with `kontora search`, later.
. "$(dirname "$0")/test-lib.sh"

SHARD=data/client/2026-11.csv

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --name Ромашка --inn 7707083893 >../c1 &&
	 kontora client add --name Лютик >../c2 &&
	 kontora client add --name Василёк >../c3 &&
	 kontora product add --name Гель --price "1 234,50" --stock 7 >../g1) &&
	C1=$(cat c1) C2=$(cat c2) C3=$(cat c3) G1=$(cat g1)
'
cd books 2>/dev/null

test_expect_success 'the index is in .git/kontora and not versioned' '
	test -f .git/kontora/index.db &&
	! git ls-files | grep index.db &&
	test_clean
'

test_expect_success 'sql counts records' '
	kontora sql "select count(*) from client" >out &&
	test "$(tail -n 1 out)" = 3 &&
	kontora sql "select count(*) as n from client" -f csv >out &&
	printf "n\n3\n" >expect &&
	test_cmp expect out &&
	kontora sql "select count(*) from employee" >out &&
	test "$(tail -n 1 out)" = 2
'

test_expect_success 'sql sees typed columns' '
	kontora sql "select price, stock from product where id = '\''$G1'\''" -f csv >out &&
	printf "price,stock\n123450,7\n" >expect &&
	test_cmp expect out &&
	kontora sql "select name from client where id = '\''$C3'\''" -f csv >out &&
	printf "name\nВасилёк\n" >expect &&
	test_cmp expect out
'

test_expect_success 'sql -f json' '
	kontora sql "select id, name from client order by id" -f json >out &&
	test_json <out
'

test_expect_success 'sql refuses to write' '
	for q in "delete from client" "drop table client" \
		"insert into client (id, name) values ('\''CAAAAAAA'\'', '\''x'\'')" \
		"update client set name = '\''x'\''" "create table t (a)" \
		"attach database '\''x.db'\'' as x" "pragma user_version = 5" \
		"select 1; delete from client"
	do
		test_expect_code 1 kontora sql "$q" >out 2>err &&
		test_grep "^kontora: error:" err || return 1
	done &&
	kontora sql "select count(*) as n from client" -f csv >out &&
	printf "n\n3\n" >expect &&
	test_cmp expect out &&
	test ! -e x.db &&
	test_clean
'

test_expect_success 'a bad query fails with the message of SQLite' '
	test_expect_code 1 kontora sql "select nosuchcolumn from client" 2>err &&
	test_grep "^kontora: error:.*nosuchcolumn" err
'

test_expect_success 'deleting the index is safe' '
	rm .git/kontora/index.db &&
	kontora client list -f csv >out &&
	test_line_count = 4 out &&
	test_grep "^$C1,Ромашка," out &&
	test -f .git/kontora/index.db
'

test_expect_success 'a reindex removes the scratch files of a killed one, not of a running one' '
	gone=$(sh -c "echo \$\$") &&
	echo half >.git/kontora/index.db.$gone &&
	echo half >.git/kontora/search.db.$gone &&
	echo running >.git/kontora/index.db.$$ &&
	kontora reindex &&
	! test -e .git/kontora/index.db.$gone &&
	! test -e .git/kontora/search.db.$gone &&
	test -f .git/kontora/index.db.$$ &&
	rm .git/kontora/index.db.$$ &&
	kontora client list -f csv >out &&
	test_line_count = 4 out
'

test_expect_success 'a row added by a plain git commit is seen' '
	new=C1111111 &&
	grep "^$C2," $SHARD | sed "s/^$C2,Лютик,/$new,Кактус,/" >row &&
	{ head -n 1 $SHARD && { tail -n +2 $SHARD && cat row; } | LC_ALL=C sort; } >new.csv &&
	mv new.csv $SHARD && rm row &&
	git commit -q -am "a client by hand" &&
	kontora client list -f csv >out &&
	test_line_count = 5 out &&
	test "$(test_csv_get $new name <out)" = Кактус &&
	kontora client show $new >out &&
	test_grep Кактус out &&
	kontora check
'

test_expect_success 'a row changed by a plain git commit is seen' '
	sed "s/^$C2,Лютик,/$C2,Лютик Обновлённый,/" $SHARD >new.csv &&
	mv new.csv $SHARD &&
	git commit -q -am "rename by hand" &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C2 name <out)" = "Лютик Обновлённый" &&
	kontora client list --where "name~обновленный" -f csv >out &&
	test_line_count = 2 out
'

test_expect_success 'a row removed by a plain git commit disappears' '
	grep -v "^C1111111," $SHARD >new.csv &&
	mv new.csv $SHARD &&
	git commit -q -am "remove by hand" &&
	kontora client list -f csv >out &&
	test_line_count = 4 out &&
	! grep "^C1111111," out &&
	test_expect_code 1 kontora client show C1111111 >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: no client C1111111" >expect &&
	test_cmp expect err
'

test_expect_success 'a shard of another month added by git is seen' '
	head -n 1 $SHARD >data/client/2026-10.csv &&
	grep "^$C3," $SHARD | sed "s/^$C3,Василёк,/C2222222,Октябрь,/; s/,2026-11-23T10:00:00Z\$/,2026-10-01T09:00:00Z/" \
		>>data/client/2026-10.csv &&
	git add data/client/2026-10.csv &&
	git commit -q -m "an October client by hand" &&
	kontora client list -f csv >out &&
	test_line_count = 5 out &&
	test "$(test_csv_get C2222222 created <out)" = 2026-10-01T09:00:00Z &&
	kontora check
'

test_expect_success 'moving HEAD back is seen' '
	git reset -q --hard HEAD~1 &&
	kontora client list -f csv >out &&
	test_line_count = 4 out &&
	! grep "^C2222222," out
'

test_expect_success 'a kontora write after a plain commit keeps both' '
	sed "s/^$C3,Василёк,/$C3,Василёк Ручной,/" $SHARD >new.csv &&
	mv new.csv $SHARD &&
	git commit -q -am "by hand" &&
	kontora client edit $C1 --set notes=после &&
	test_clean &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C3 name <out)" = "Василёк Ручной" &&
	test "$(test_csv_get $C1 notes <out)" = после
'

test_expect_success 'a lead changed by a plain git commit in its split shard is seen' '
	L1=$(kontora lead add --title Первая --amount 100) &&
	LS=data/lead/2026-11/$(echo $L1 | cut -c1-2).csv &&
	test_grep "^$L1,Первая," $LS &&
	sed "s/^$L1,Первая,/$L1,Вторая,/" $LS >new.csv &&
	mv new.csv $LS &&
	git commit -q -am "a lead renamed by hand" &&
	kontora lead list -f csv >out &&
	test "$(test_csv_get $L1 title <out)" = Вторая &&
	kontora sql "select _shard from lead where id = '\''$L1'\''" -f csv >out &&
	printf "_shard\n$LS\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a split shard of another month added by git is seen' '
	mkdir data/lead/2026-10 &&
	head -n 1 $LS >data/lead/2026-10/L2.csv &&
	grep "^$L1," $LS | sed "s/^$L1,Вторая,/L2222222,Октябрьская,/; s/,2026-11-23T10:00:00Z\$/,2026-10-01T09:00:00Z/" \
		>>data/lead/2026-10/L2.csv &&
	test_line_count = 2 data/lead/2026-10/L2.csv &&
	git add data/lead/2026-10/L2.csv &&
	git commit -q -m "an October lead by hand" &&
	kontora lead list -f csv >out &&
	test_line_count = 3 out &&
	test "$(test_csv_get L2222222 title <out)" = Октябрьская &&
	kontora sql "select _shard from lead where id = '\''L2222222'\''" -f csv >out &&
	printf "_shard\ndata/lead/2026-10/L2.csv\n" >expect &&
	test_cmp expect out &&
	kontora check
'

test_expect_success 'a split shard removed by git disappears' '
	git rm -q data/lead/2026-10/L2.csv &&
	git commit -q -m "no October lead" &&
	kontora lead list -f csv >out &&
	test_line_count = 2 out &&
	! grep "^L2222222," out &&
	test_expect_code 1 kontora lead show L2222222 >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: no lead L2222222" >expect &&
	test_cmp expect err
'

test_expect_success 'reindex' '
	kontora client list -f csv >before &&
	kontora reindex &&
	kontora client list -f csv >after &&
	test_cmp before after &&
	kontora sql "select count(*) as n from client" -f csv >out &&
	printf "n\n3\n" >expect &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'a broken index file is rebuilt by reindex' '
	echo garbage >.git/kontora/index.db &&
	test_must_fail kontora client list 2>err &&
	test_grep "index: file is not a database; the index is only a copy of the books: kontora reindex builds it again" err &&
	kontora reindex &&
	kontora client list -f csv >after &&
	test_cmp before after
'

test_expect_success 'a new schema file gives a new record type' '
	cat >schemas/supplier.schema <<-\EOF &&
	# Suppliers, added by hand.
	type    supplier
	prefix  V
	label   "Поставщик"
	title   name
	columns name inn

	field name text required label="Название"
	field inn  inn  unique label="ИНН"
	EOF
	git add schemas/supplier.schema &&
	git commit -q -m "a supplier type" &&
	S=$(kontora supplier add --name Химторг --inn 7702070139) &&
	echo "$S" | grep -E "^V[0-9A-HJKMNP-TV-Z]{7}\$" &&
	printf "id,name,inn,created\n$S,Химторг,7702070139,2026-11-23T10:00:00Z\n" >expect &&
	test_cmp expect data/supplier/2026-11.csv &&
	kontora sql "select name from supplier" -f csv >out &&
	printf "name\nХимторг\n" >expect &&
	test_cmp expect out &&
	test_clean
'

# kt_change_add() keeps a record's arrays on its stack up to 62 fields,
# on the heap past them: a type of 100 fields takes the heap's way.
test_expect_success 'a type of 100 fields adds its records, every value in its column' '
	{
		printf "type    wide\nprefix  W\ntitle   f001\ncolumns f001\n\n" &&
		i=1 &&
		while test $i -le 100
		do
			printf "field f%03d text\n" $i &&
			i=$((i + 1)) || return 1
		done
	} >schemas/wide.schema &&
	git add schemas/wide.schema &&
	git commit -q -m "a wide type" &&
	W=$(kontora wide add --f001 first --f050 middle --f100 last) &&
	head -1 data/wide/2026-11.csv | tr , "\n" >cols &&
	test_line_count = 102 cols &&
	sed -n 2p data/wide/2026-11.csv | cut -d, -f1,2,51,101 >out &&
	echo "$W,first,middle,last" >expect &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'a field added to a schema by hand is in the index' '
	echo "field vip bool default=false label=\"VIP\"" >>schemas/client.schema &&
	git commit -q -am "client: vip" &&
	kontora client edit $C1 --set vip=yes &&
	kontora sql "select vip from client where id = '\''$C1'\''" -f csv >out &&
	printf "vip\n1\n" >expect &&
	test_cmp expect out &&
	kontora client list --where vip=true -f csv >out &&
	test_line_count = 2 out
'

# index_dump: what the index holds of clients (every column, by id) and
# the folded text search reads (without rowids, which depend on the
# order rows were loaded in)
index_dump () {
	kontora sql "select * from client order by id" -f csv &&
	kontora sql "select body from fts order by body" -f csv
}

# same_as_reindex: the index as kontora keeps it equals a fresh one (a
# search fills the full-text table when a rebuild left it empty)
same_as_reindex () {
	kontora search zzzz >/dev/null &&
	index_dump >dump.kept &&
	kontora reindex &&
	kontora search zzzz >/dev/null &&
	index_dump >dump.fresh &&
	test_cmp dump.fresh dump.kept
}

# shuffle_shard: the client shard with its rows in reverse id order
shuffle_shard () {
	{ head -n 1 $SHARD && tail -n +2 $SHARD | LC_ALL=C sort -r; } >new.csv &&
	mv new.csv $SHARD
}

test_expect_success 'a hand edit whose rows are out of id order: the index follows' '
	C4=$(kontora client add --name Пион --phone "+7 495 444-44-44") &&
	C5=$(kontora client add --name Астра) &&
	kontora search пион >out &&
	test_grep "$C4" out &&
	shuffle_shard &&
	# change one row, remove one and add one at the end, out of order
	sed -i "s/^$C4,Пион,/$C4,Пион Ручной,/; /^$C5,/d" $SHARD &&
	grep "^$C2," $SHARD | sed "s/^$C2,[^,]*,/C0000001,Гербера,/" >>$SHARD &&
	git commit -q -am "clients by hand, out of order" &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C4 name <out)" = "Пион Ручной" &&
	test "$(test_csv_get C0000001 name <out)" = Гербера &&
	! grep "^$C5," out &&
	kontora client show C0000001 >out &&
	test_grep Гербера out &&
	printf "type\tid\ttitle\nclient\t%s\tПион Ручной\n" $C4 >expect &&
	kontora search пион >out &&
	test_cmp expect out &&
	kontora lookup 84954444444 >out &&
	test_grep "$C4" out &&
	test_expect_code 1 kontora client show $C5 2>err &&
	echo "kontora: error: no client $C5" >expect &&
	test_cmp expect err &&
	same_as_reindex
'

test_expect_success 'a hand edit from one unsorted shard to another: the index follows' '
	# swap two rows and change a third, all still out of order
	first=$(sed -n 2p $SHARD) && second=$(sed -n 3p $SHARD) &&
	{ head -n 1 $SHARD && echo "$second" && echo "$first" && tail -n +4 $SHARD; } >new.csv &&
	mv new.csv $SHARD &&
	sed -i "s/^C0000001,Гербера,/C0000001,Гербера Садовая,/" $SHARD &&
	git commit -q -am "swapped by hand" &&
	kontora client list -f csv >out &&
	test "$(test_csv_get C0000001 name <out)" = "Гербера Садовая" &&
	test_line_count = 6 out &&
	kontora search садовая >out &&
	test_grep C0000001 out &&
	same_as_reindex
'

test_expect_success 'kontora edits a shard a person left out of order: sorted again, index right' '
	kontora client edit C0000001 --set notes=сорт &&
	test_clean &&
	tail -n +2 $SHARD | cut -d, -f1 >ids &&
	LC_ALL=C sort ids >sorted &&
	test_cmp sorted ids &&
	kontora check &&
	kontora client list -f csv >out &&
	test "$(test_csv_get C0000001 notes <out)" = сорт &&
	same_as_reindex
'

test_expect_success 'an index of another format is rebuilt, not trusted' '
	kontora client list -f csv >expect &&
	sqlite3 .git/kontora/index.db "UPDATE meta SET value = '\''0'\'' WHERE key = '\''format'\''; DELETE FROM client" &&
	kontora client list -f csv >out &&
	test_cmp expect out &&
	same_as_reindex
'

test_expect_success 'a schema changed by a commit rebuilds the index: the new column is there' '
	kontora client list -f csv >before &&
	echo "field tier text label=\"Уровень\"" >>schemas/client.schema &&
	git commit -q -am "client: tier, no data yet" &&
	kontora sql "select count(*) as n from client where tier is null" -f csv >out &&
	printf "n\n%s\n" $(($(wc -l <before) - 1)) >expect &&
	test_cmp expect out &&
	# a column filled by hand in the same commit as its schema line
	sed -i "s/^field tier text/field rank int/" schemas/client.schema &&
	sed -i "1s/\$/,rank/; 2,\$s/\$/,7/" $SHARD &&
	git commit -q -am "client: rank, filled by hand" &&
	kontora sql "select distinct rank from client where _shard = '\''$SHARD'\''" -f csv >out &&
	printf "rank\n7\n" >expect &&
	test_cmp expect out &&
	kontora client list --where "rank=7" -f csv >out &&
	test "$(grep -c "^C" out)" = "$(grep -c "^C" $SHARD)"
'

test_expect_success PYTHON 'quotes, commas and line breaks are indexed as written, whole or in pieces' '
	kontora client add --name "ООО \"Ромашка, плюс\"" --address "$(printf "Москва,\nул. \"Ленина\", 1")" \
		--legal-name "\"" >c4 &&
	C4=$(cat c4) &&
	test_grep "\"\"\"\"" $SHARD &&
	printf "%s\n" "ООО \"Ромашка, плюс\"" "Москва," "ул. \"Ленина\", 1" "\"" "" >expect &&
	for bytes in "" 7 64; do
		KONTORA_STREAM_BYTES=$bytes kontora reindex &&
		kontora sql "select name, address, legal_name, city from client where id = '\''$C4'\''" -f csv >out &&
		python3 -c "import csv, sys; print(\"\\n\".join(list(csv.reader(open(sys.argv[1])))[1]))" out >got &&
		test_cmp expect got &&
		test "$(kontora sql "select count(*) as n from client" -f csv | tail -n 1)" = "$(grep -c "^C" $SHARD)" ||
		return 1
	done &&
	kontora search "ромашка плюс" -f csv >out &&
	test_grep "^client,$C4," out
'

test_expect_success 'a shard whose quotes are broken by hand: the index names it and is not built' '
	cp $SHARD shard.good &&
	sed -i "s/^\\($C1,\\)Ромашка,/\\1Ром\"ашка,/" $SHARD &&
	git commit -q -am "a stray quote by hand" &&
	test_must_fail kontora reindex 2>err &&
	test_grep "$SHARD: malformed CSV (quote inside an unquoted field); run kontora check" err &&
	sed -i "s/^\\($C1,\\)Ром\"ашка,/\\1\"Ромашка\"x,/" $SHARD &&
	git commit -q -am "text after a closing quote" &&
	test_must_fail kontora client list 2>err &&
	test_grep "$SHARD: malformed CSV (unexpected character after a closing quote)" err &&
	cp shard.good $SHARD &&
	git commit -q -am "mended" &&
	kontora reindex &&
	test "$(kontora client show $C1 | grep -c Ромашка)" -ge 1
'

test_done
