#!/bin/sh
test_description='the bytes of CSV shards'
# Decisions where docs/foundation.md is silent:
# - an edit that sets a field to the value it already has exits 0 and makes
#   no commit;
# - when kontora rewrites a shard it writes every row in the canonical form
#   (so a hand-written "needless quote" disappears on the next write);
# - a row without a value for a hand-added column gets it empty.
. "$(dirname "$0")/test-lib.sh"

SHARD=data/client/2026-11.csv
HEADER=id,name,legal_name,inn,kpp,ogrn,okpo,address,shipping_address,bank,bik,corr_account,account,phone,email,site,city,group,source,manager,onec_id,sample_recipient,sample_recipient_phone,notes,created

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 for n in Один Два Три Четыре Пять Шесть
	 do
		kontora client add --name $n >/dev/null || exit 1
	 done &&
	 kontora lead add --title "Заявка, срочно" >../lead) &&
	L=$(cat lead)
'
cd books 2>/dev/null

test_expect_success 'the header is id, the schema fields, created' '
	echo "$HEADER" >expect &&
	head -n 1 $SHARD >actual &&
	test_cmp expect actual
'

test_expect_success 'rows are sorted by id in byte order' '
	test_line_count = 7 $SHARD &&
	tail -n +2 $SHARD | cut -d, -f1 >ids &&
	LC_ALL=C sort ids >sorted &&
	test_cmp sorted ids &&
	sort -u ids >uniq &&
	test_cmp sorted uniq
'

test_expect_success 'LF line endings, no BOM, a final newline' '
	! grep -q "$(printf "\r")" $SHARD &&
	test "$(head -c 3 $SHARD | od -An -tx1 | tr -d " ")" != efbbbf &&
	head -c 3 $SHARD | test_grep "^id,"  &&
	test "$(tail -c 1 $SHARD | od -An -tx1 | tr -d " ")" = 0a &&
	find data -name "*.csv" >files &&
	test_grep "^data/lead/2026-11/$(echo $L | cut -c1-2).csv\$" files &&
	for f in $(cat files)
	do
		! grep -q "$(printf "\r")" $f &&
		head -n 1 $f | grep "^id," &&
		test "$(tail -c 1 $f | od -An -tx1 | tr -d " ")" = 0a || return 1
	done
'

test_expect_success 'a row byte for byte: stored forms and quoting' '
	id=$(kontora client add --name "ООО \"Рога, копыта\"" --inn 7736207543 \
		--phone "8 495 111-11-11" --email Info@Roga.RU --city москва \
		--manager anna) &&
	echo "$id,\"ООО \"\"Рога, копыта\"\"\",,7736207543,,,,,,,,,,+74951111111,info@roga.ru,,moscow,,,anna,,,,,2026-11-23T10:00:00Z" >expect &&
	grep "^$id," $SHARD >actual &&
	test_cmp expect actual
'

test_expect_success 'a value with a newline is quoted, and reads back' '
	kontora client edit $id --set notes="первая
вторая" &&
	grep -A1 "^$id," $SHARD >actual &&
	cat >expect <<-EOF &&
	$id,"ООО ""Рога, копыта""",,7736207543,,,,,,,,,,+74951111111,info@roga.ru,,moscow,,,anna,,,,"первая
	вторая",2026-11-23T10:00:00Z
	EOF
	test_cmp expect actual &&
	kontora client show $id --record -f json >out &&
	python3 -c "
import json
r = json.load(open(\"out\"))
if isinstance(r, list): r = r[0]
assert r[\"notes\"] == \"первая\\nвторая\", r
"
'

test_expect_success 'setting a field to its current value makes no commit' '
	before=$(test_commits) &&
	kontora client edit $id --set inn=7736207543 &&
	kontora client edit $id --set phone="+7 495 111 11 11" &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success 'an edit and its undo give the same bytes' '
	cp $SHARD before.csv &&
	kontora client edit $id --set notes=другое &&
	kontora client edit $id --set "notes=первая
вторая" &&
	test_cmp before.csv $SHARD &&
	git diff --exit-code HEAD~2 HEAD -- $SHARD &&
	rm before.csv
'

test_expect_success 'reindex and check do not touch the shards' '
	head=$(git rev-parse HEAD) &&
	cp $SHARD before.csv &&
	kontora reindex &&
	kontora check &&
	test_cmp before.csv $SHARD &&
	rm before.csv &&
	test "$(git rev-parse HEAD)" = $head &&
	test_clean
'

test_expect_success 'unknown columns added by hand survive an edit' '
	python3 -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=\"\")))
rows[0].append(\"extra\")
for i, r in enumerate(rows[1:]):
    r.append(\"x%d\" % (i + 1))
csv.writer(open(sys.argv[1], \"w\", newline=\"\"), lineterminator=\"\n\").writerows(rows)
" $SHARD &&
	git commit -q -am "client: add a column by hand" &&
	cp $SHARD before.csv &&
	one=$(kontora client list --where name=Один -f csv | sed -n "2s/,.*//p") &&
	extra=$(grep "^$one," $SHARD | sed "s/.*,//") &&
	kontora client edit $one --set notes=заметка &&
	test_clean &&
	head -n 1 $SHARD >actual &&
	echo "$HEADER,extra" >expect &&
	test_cmp expect actual &&
	grep "^$one," $SHARD >actual &&
	echo "$one,Один,,,,,,,,,,,,,,,,,,,,,,заметка,2026-11-23T10:00:00Z,$extra" >expect &&
	test_cmp expect actual &&
	grep -v "^$one," before.csv >expect &&
	grep -v "^$one," $SHARD >actual &&
	test_cmp expect actual
'

test_expect_success 'a new record gets an empty unknown column' '
	new=$(kontora client add --name Новый) &&
	grep "^$new," $SHARD >actual &&
	echo "$new,Новый,,,,,,,,,,,,,,,,,,,,,,,2026-11-23T10:00:00Z," >expect &&
	test_cmp expect actual
'

test_expect_success 'a field added to the schema takes its place before created' '
	sed "s/^field notes .*/&\\
field vip                    bool   default=false label=\"VIP\"/" \
		schemas/client.schema >new &&
	mv new schemas/client.schema &&
	test_grep "^field vip" schemas/client.schema &&
	git commit -q -am "client: a vip field" &&
	kontora client edit $new --set vip=да &&
	test_clean &&
	head -n 1 $SHARD >actual &&
	echo "id,name,legal_name,inn,kpp,ogrn,okpo,address,shipping_address,bank,bik,corr_account,account,phone,email,site,city,group,source,manager,onec_id,sample_recipient,sample_recipient_phone,notes,vip,created,extra" >expect &&
	test_cmp expect actual &&
	grep "^$new," $SHARD >actual &&
	echo "$new,Новый,,,,,,,,,,,,,,,,,,,,,,,true,2026-11-23T10:00:00Z," >expect &&
	test_cmp expect actual
'

test_expect_success 'a hand-written needless quote is normalised by the next write' '
	sed "s/^\\($new\\),Новый,/\\1,\"Новый\",/" $SHARD >new.csv &&
	mv new.csv $SHARD &&
	test_grep "^$new,\"Новый\"," $SHARD &&
	git commit -q -am "quote by hand" &&
	kontora client edit $new --set notes=нет &&
	test_grep "^$new,Новый," $SHARD &&
	test_clean
'

test_expect_success 'the same records written in another order give the same bytes' '
	for n in Мыло Гель Порошок Спрей
	do
		kontora product add --name $n --price 100 >>../products || return 1
	done &&
	P=data/product/2026-11.csv &&
	cp $P ../sorted.csv &&
	{ head -n 1 ../sorted.csv && tail -n +2 ../sorted.csv | sort -r; } >$P &&
	! cmp -s ../sorted.csv $P &&
	git commit -q -am "products reversed by hand" &&
	id=$(head -n 1 ../products) &&
	kontora product edit $id --set price=200 &&
	kontora product edit $id --set price=100 &&
	test_cmp ../sorted.csv $P &&
	test_clean
'

test_expect_success 'check passes' '
	kontora check
'

test_done
