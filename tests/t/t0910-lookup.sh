#!/bin/sh
test_description='kontora lookup PHONE: whose number it is, for screen-pop scripts'
# See kontora-lookup(1).  Expected outputs are written by hand.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 KONTORA_NOW=2026-11-20T09:00:00Z kontora client add --name "Торговый дом Ромашка" \
		--phone +74951234567 >../c1 &&
	 KONTORA_NOW=2026-11-21T09:00:00Z kontora lead add --title "Гель для посуды" \
		--phone "8 495 123 45 67" >../l1 &&
	 KONTORA_NOW=2026-11-22T09:00:00Z kontora contact add --name "Иван Петров" \
		--client $(cat ../c1) --phone "(495) 123-45-67" >../p1 &&
	 KONTORA_NOW=2026-11-23T09:00:00Z kontora lead add --title "Моющее средство" \
		--phone 74951234567 >../l2 &&
	 kontora client add --name Лютик --phone "+7 812 555-12-34" \
		--sample-recipient-phone "8 (916) 555-01-02" >../c2) &&
	C1=$(cat c1) L1=$(cat l1) P1=$(cat p1) L2=$(cat l2) C2=$(cat c2)
'
cd books 2>/dev/null

test_expect_success 'phone fields are indexed, by a new index format' '
	kontora sql "select name from sqlite_master where type = \"index\" and name like \"%phone\" order by name" -f csv >out &&
	cat >expect <<-\EOF &&
	name
	client_phone
	client_sample_recipient_phone
	contact_phone
	employee_phone
	lead_phone
	sample_request_recipient_phone
	EOF
	test_cmp expect out &&
	kontora sql "select value from meta where key = \"format\"" -f csv >out &&
	printf "value\n16\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the default order is indexed with the id, as lists order ties' '
	kontora sql "select sql from sqlite_master where name = \"lead__order\"" -f tsv >out &&
	test_grep "ON \"lead\"(\"created\", id)" out &&
	kontora sql "explain query plan select id from lead order by created, id" -f tsv >out &&
	test_grep "lead__order" out &&
	! grep "TEMP B-TREE" out
'

test_expect_success 'a client by 8 (495) 123-45-67, stored as +74951234567' '
	C=$(kontora client add --name Ёлка --phone +74957654321) &&
	printf "type\tid\ttitle\tfield\nclient\t%s\tЁлка\tphone\n" $C >expect &&
	kontora lookup "8 (495) 765-43-21" >out &&
	test_cmp expect out &&
	kontora lookup "+7 495 7654321" >out &&
	test_cmp expect out &&
	kontora lookup 4957654321 >out &&
	test_cmp expect out &&
	kontora lookup 8 495 765-43-21 >out &&
	test_cmp expect out
'

test_expect_success 'clients, then contacts, then leads, each newest first' '
	{ printf "type\tid\ttitle\tfield\n" &&
	  printf "client\t%s\tТорговый дом Ромашка\tphone\n" $C1 &&
	  printf "contact\t%s\tИван Петров\tphone\n" $P1 &&
	  printf "lead\t%s\tМоющее средство\tphone\n" $L2 &&
	  printf "lead\t%s\tГель для посуды\tphone\n" $L1; } >expect &&
	kontora lookup "8 (495) 123-45-67" >out &&
	test_cmp expect out &&
	kontora lookup -f tsv +74951234567 >out &&
	test_cmp expect out
'

test_expect_success 'a client by the phone of its sample recipient' '
	printf "type\tid\ttitle\tfield\nclient\t%s\tЛютик\tsample_recipient_phone\n" $C2 >expect &&
	kontora lookup 89165550102 >out &&
	test_cmp expect out &&
	printf "type\tid\ttitle\tfield\nclient\t%s\tЛютик\tphone\n" $C2 >expect &&
	kontora lookup 8125551234 >out &&
	test_cmp expect out
'

test_expect_success 'a record with the number in two fields is one row' '
	kontora client edit $C2 --set sample_recipient_phone=88125551234 &&
	printf "type\tid\ttitle\tfield\nclient\t%s\tЛютик\tphone\n" $C2 >expect &&
	kontora lookup 8125551234 >out &&
	test_cmp expect out
'

test_expect_success 'an employee is found after clients, contacts and leads' '
	kontora employee edit anna --phone "+7 495 123-45-67" &&
	kontora lookup 4951234567 >out &&
	test_line_count = 6 out &&
	tail -n 1 out >last &&
	printf "employee\t%s\tАнна Петрова\tphone\n" \
		"$(kontora employee list -f csv --where login=anna | tail -n 1 | cut -d, -f1)" >expect &&
	test_cmp expect last
'

test_expect_success 'only the exact number: another number finds nothing' '
	test_expect_code 1 kontora lookup 4951234560 >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test_expect_code 1 kontora lookup 495123456 >out 2>err &&
	test_line_count = 0 out &&
	test_grep "\"495123456\" is not a phone number" err
'

test_expect_success 'an unknown number: exit 1, nothing on stdout or stderr' '
	for f in table tsv csv json
	do
		test_expect_code 1 kontora lookup -f $f "+7 999 000-00-00" >out 2>err &&
		test_line_count = 0 out &&
		test_line_count = 0 err || return 1
	done
'

test_expect_success 'not a phone number: exit 1 with a message naming it' '
	test_expect_code 1 kontora lookup abc >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: \"abc\" is not a phone number" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora lookup 12345 >out 2>err &&
	test_grep "\"12345\"" err
'

test_expect_success '-f csv and -f json' '
	printf "type,id,title,field\nclient,%s,Лютик,phone\n" $C2 >expect &&
	kontora lookup -f csv 8125551234 >out &&
	test_cmp expect out &&
	kontora lookup 8125551234 -f json >out &&
	test_json <out &&
	python3 -c "
import json
a = json.load(open(\"out\"))
assert a == [{\"type\": \"client\", \"id\": \"$C2\", \"title\": \"Лютик\", \"field\": \"phone\"}], a
"
'

test_expect_success 'a phone changed, by kontora or by git, is found by its new number only' '
	kontora client edit $C2 --set phone=+74992223344 --set sample_recipient_phone= &&
	test_expect_code 1 kontora lookup 8125551234 >out &&
	test_line_count = 0 out &&
	printf "type\tid\ttitle\tfield\nclient\t%s\tЛютик\tphone\n" $C2 >expect &&
	kontora lookup 84992223344 >out &&
	test_cmp expect out &&
	SHARD=data/client/2026-11.csv &&
	sed "s/+74992223344/+74993334455/" $SHARD >new.csv && mv new.csv $SHARD &&
	git commit -q -am "a phone by hand" &&
	kontora lookup 84993334455 >out &&
	test_cmp expect out &&
	test_expect_code 1 kontora lookup 84992223344 >out
'

test_expect_success 'an index of the old format is rebuilt' '
	kontora sql "select 1" >/dev/null &&
	python3 -c "
import sqlite3
db = sqlite3.connect(\".git/kontora/index.db\")
db.execute(\"update meta set value = 3 where key = \x27format\x27\")
db.execute(\"drop index client_phone\")
db.commit()
" &&
	kontora lookup 84993334455 >out &&
	test_cmp expect out &&
	kontora sql "select count(*) as n from sqlite_master where name = \"client_phone\"" -f csv >out &&
	printf "n\n1\n" >expect &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'usage errors' '
	test_expect_code 2 kontora lookup >out 2>err &&
	test_line_count = 0 out &&
	test_expect_code 2 kontora lookup -f xml 4951234567 >out 2>err &&
	test_expect_code 2 kontora lookup --bogus 4951234567 >out 2>err &&
	kontora lookup -h >out &&
	test_grep "kontora lookup" out
'

command -v man >/dev/null && test_set_prereq MAN
test_expect_success MAN 'kontora help lookup shows kontora-lookup(1)' '
	MANPAGER=cat MANWIDTH=80 kontora help lookup >out 2>&1 &&
	head -n 1 out >first &&
	test_grep "^KONTORA-LOOKUP(1)" first
'

test_done
