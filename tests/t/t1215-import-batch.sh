#!/bin/sh
test_description='kontora import leads: what one file of many rows decides row by row'
# The import asks the index a row at a time for the books' external ids
# and for the newest client of a phone or e-mail (issue 16); these are the
# decisions that must not depend on what else the file holds.  See
# kontora-import(1).  The clock is 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: books (manager anna is there), manager petr, clients of each' '
	test_books books &&
	(cd books &&
	 kontora employee add --login petr --name "Петр Иванов" --role manager >/dev/null &&
	 kontora client add --to petr --phone "+74951112233" Ромашка >../c1 &&
	 kontora client add --to anna --email zakaz@lutik.ru Лютик >../c2 &&
	 KONTORA_NOW=2026-11-01T10:00:00Z kontora client add --to petr --phone "+74957778899" "Старый" >../c3 &&
	 KONTORA_NOW=2026-11-20T10:00:00Z kontora client add --to anna --phone "+74957778899" "Новый" >../c4)
'
cd books 2>/dev/null

test_expect_success 'one file: a client by phone, another by e-mail, a new person, a tranid twice' '
	C1=$(cat ../c1) && C2=$(cat ../c2) &&
	cat >first.csv <<-\EOF &&
	Name,Phone,Email,Comments,tranid
	Ольга,8 (495) 111-22-33,olga@example.ru,Счёт на порошок,100:1
	Игорь,+7 916 000-00-01,ZAKAZ@Lutik.RU,Нужен гель,100:2
	Мария,8 916 000 00 02,,Перезвоните,100:3
	Мария,8 916 000 00 02,,Перезвоните,100:3
	EOF
	before=$(test_commits) &&
	kontora import leads --source tilda first.csv >out 2>err &&
	echo "1 new, 2 linked to clients, 0 merged, 1 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $((before + 1)) &&
	L1=$(test_lead_where external_id=tilda:100:1) &&
	test "$(test_lead_field $L1 client)" = "$C1" &&
	test "$(test_lead_field $L1 manager)" = petr &&
	L2=$(test_lead_where external_id=tilda:100:2) &&
	test "$(test_lead_field $L2 client)" = "$C2" &&
	test "$(test_lead_field $L2 manager)" = anna &&
	test "$(test_lead_field $L2 email)" = zakaz@lutik.ru &&
	L3=$(test_lead_where external_id=tilda:100:3) &&
	test "$(test_lead_field $L3 client)" = "" &&
	test_grep "^kontora: lead $L1: linked to client $C1 «Ромашка» (same phone +74951112233), manager petr$" err &&
	test_grep "^kontora: lead $L2: linked to client $C2 «Лютик» (same email zakaz@lutik.ru), manager anna$" err
'

test_expect_success 'a file of known and new rows: the known are skipped, a known person merged' '
	cat >second.csv <<-\EOF &&
	Name,Phone,Email,Comments,tranid
	Пётр,8 916 000 00 04,,Новый человек,100:4
	Мария,8 916 000 00 02,,Перезвоните,100:3
	Мария,8 916 000 00 02,,И ещё отбеливатель,100:5
	Ольга,8 (495) 111-22-33,olga@example.ru,Счёт на порошок,100:1
	EOF
	L3=$(test_lead_where external_id=tilda:100:3) &&
	kontora import leads --source tilda second.csv >out &&
	echo "1 new, 0 linked to clients, 1 merged, 2 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	printf "Перезвоните\n---\nИ ещё отбеливатель\n" >expect &&
	test_lead_field $L3 comment >actual &&
	test_cmp expect actual &&
	test_lead_where external_id=tilda:100:4 >/dev/null &&
	kontora lead list -f csv --all --where external_id=tilda:100:5 >none.csv &&
	test_line_count = 1 none.csv
'

test_expect_success 'both files again: nothing added, no commit' '
	before=$(test_commits) &&
	kontora import leads --source tilda first.csv second.csv >out &&
	echo "0 new, 0 linked to clients, 0 merged, 8 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before
'

test_expect_success 'two clients of one phone: the lead goes to the newer' '
	C4=$(cat ../c4) &&
	printf "Name,Phone,tranid\nСемён,+7 495 777-88-99,100:6\n" >both.csv &&
	kontora import leads --source tilda both.csv >out 2>err &&
	L=$(test_lead_where external_id=tilda:100:6) &&
	test "$(test_lead_field $L client)" = "$C4" &&
	test "$(test_lead_field $L manager)" = anna &&
	test_grep "linked to client $C4 «Новый» (same phone +74957778899), manager anna$" err
'

test_expect_success 'a manager who imports links only to clients the manager sees' '
	C3=$(cat ../c3) &&
	printf "Name,Phone,tranid\nСемён,+7 495 777-88-99,100:7\nОльга,8 (495) 111-22-33,100:8\n" >mine.csv &&
	KONTORA_USER=petr kontora import leads --source tilda mine.csv >out 2>err &&
	echo "0 new, 2 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	L=$(test_lead_where external_id=tilda:100:7) &&
	test "$(test_lead_field $L client)" = "$C3" &&
	test "$(test_lead_field $L manager)" = petr
'

test_expect_success 'rows rejected on reading and at the commit keep their cells in the reject file' '
	cat >bad.csv <<-\EOF &&
	Name,Phone,Email,INN,tranid
	Анна,+7 916 123-45-67,anna@example.ru,1234567890,100:9
	Без Контактов,,,,100:10
	Борис,+7 916 123-45-68,boris@example.ru,,100:11
	EOF
	test_expect_code 1 kontora import leads --source tilda --reject bad-rej.csv bad.csv >out 2>err &&
	echo "1 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 2 rejected" >expect &&
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	file,line,reason,Name,Phone,Email,INN,tranid
	bad.csv,2,"inn: invalid checksum ""1234567890""",Анна,+7 916 123-45-67,anna@example.ru,1234567890,100:9
	bad.csv,3,no phone and no e-mail: nobody to call back,Без Контактов,,,,100:10
	EOF
	sort bad-rej.csv >actual &&
	sort expect >expect.sorted &&
	test_cmp expect.sorted actual
'

# An import that says a line a row writes them in blocks when stderr is
# no terminal (kontora-import(1), cmd/import.c stderr_in_blocks()): 300
# rows with nobody to call back, 300 lines, a handful of write()s.
test_expect_success STRACE 'a line for each of 300 rows rejected: stderr in blocks' '
	{
		echo Name,Phone,tranid &&
		i=0 &&
		while test $i -lt 300
		do
			echo "Никто $i,,300:$i" &&
			i=$((i + 1)) || return 1
		done
	} >nobody.csv &&
	before=$(test_commits) &&
	test_expect_code 1 traced trace -e trace=write \
		kontora import leads --source tilda --reject nobody-rej.csv nobody.csv >out 2>err &&
	test $(test_commits) = $before &&
	test $(grep -c "^kontora: warning: nobody.csv:[0-9]*: no phone and no e-mail" err) = 300 &&
	test $(grep -c "^write(2, " trace) -lt 10
'

test_done
