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

test_done
