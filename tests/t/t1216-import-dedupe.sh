#!/bin/sh
test_description='kontora import leads: dedupe asked for a batch of rows at once'
# An import tells dedupe the INNs, phones and e-mails of 4,096 rows at a
# time, asks the index once which of them some client or contact has,
# and looks up per row only those (lib/crm/lead.c kt_lead_expect(),
# issue 16).  Each lead must be linked as one lead add would link it: the
# match of a client and of a contact in one batch, one value in two rows,
# the INN before the phone, only clients the importer may see, and rows
# past the first batch.  (A client added by an earlier row of the batch
# cannot be: an import adds leads and tasks only.)
. "$(dirname "$0")/test-lib.sh"

# linked TRANID CLIENT CONTACT MANAGER: the lead of TRANID has them.
linked () {
	L=$(test_lead_where external_id=tilda:$1) &&
	test "$(test_lead_field $L client)" = "$2" &&
	test "$(test_lead_field $L contact)" = "$3" &&
	test "$(test_lead_field $L manager)" = "$4"
}

test_expect_success 'setup: clients of anna and petr, a contact' '
	test_books books &&
	(cd books &&
	 kontora employee add --login petr --name "Петр Иванов" --role manager >/dev/null &&
	 kontora client add --to petr --phone "+74951112233" --inn 7707083893 Ромашка >../c1 &&
	 kontora client add --to anna Лютик >../c2 &&
	 kontora contact add --client $(cat ../c2) --phone "+7 916 555-44-33" \
		--email ivan@lutik.ru "Иван Петров" >../p2 &&
	 kontora client add --to anna --phone "+74992223344" Василёк >../c3)
'
cd books 2>/dev/null

test_expect_success 'one batch: a client, a contact, the INN before the phone, an INN twice' '
	C1=$(cat ../c1) && C2=$(cat ../c2) && P2=$(cat ../p2) &&
	cat >one.csv <<-\EOF &&
	Name,Phone,Email,INN,tranid
	Ольга,8 (495) 111-22-33,olga@example.ru,,1
	Иван,8 916 555 44 33,,,2
	Новый,+7 916 000-00-03,new3@example.ru,,3
	Юрист,+7 499 222-33-44,,7707083893,4
	Бухгалтер,+7 916 000-00-05,,7707083893,5
	Иван,+7 916 000-00-06,IVAN@Lutik.ru,,6
	EOF
	kontora import leads --source tilda one.csv >out 2>err &&
	echo "1 new, 5 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	linked 1 $C1 "" petr &&
	linked 2 $C2 $P2 anna &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:3) client)" = "" &&
	linked 4 $C1 "" petr &&
	linked 5 $C1 "" petr &&
	linked 6 $C2 $P2 anna &&
	test_grep "lead $(test_lead_where external_id=tilda:2): linked to client $C2 «Лютик» (same phone +79165554433)" err &&
	test_grep "lead $(test_lead_where external_id=tilda:4): linked to client $C1 «Ромашка» (same inn 7707083893)" err &&
	test_grep "lead $(test_lead_where external_id=tilda:5): linked to client $C1 «Ромашка» (same inn 7707083893)" err &&
	test_grep "lead $(test_lead_where external_id=tilda:6): linked to client $C2 «Лютик» (same email ivan@lutik.ru)" err
'

test_expect_success 'a manager: a value of a client the manager may not see links nothing' '
	C1=$(cat ../c1) &&
	cat >petr.csv <<-\EOF &&
	Name,Phone,Email,INN,tranid
	Анна,8 499 222 33 44,,,10
	Ольга,8 (495) 111-22-33,,,11
	Иван,+7 916 000-00-12,ivan@lutik.ru,,12
	EOF
	KONTORA_USER=petr kontora import leads --source tilda petr.csv >out 2>err &&
	echo "2 new, 1 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	linked 10 "" "" petr &&
	linked 11 $C1 "" petr &&
	linked 12 "" "" petr
'

test_expect_success 'rows past the first batch of 4,096 are linked too' '
	C1=$(cat ../c1) && C2=$(cat ../c2) && P2=$(cat ../p2) && C3=$(cat ../c3) &&
	awk "BEGIN {
		print \"Name,Phone,Email,INN,tranid\"
		for (i = 1; i <= 4100; i++) {
			phone = sprintf(\"+7 917 %07d\", i); email = \"\"; inn = \"\"
			if (i == 5) phone = \"8 (495) 111-22-33\"
			if (i == 4097) inn = \"7707083893\"
			if (i == 4099) email = \"ivan@lutik.ru\"
			if (i == 4100) phone = \"8 499 222 33 44\"
			printf \"Человек %d,%s,%s,%s,b%d\n\", i, phone, email, inn, i
		}
	}" >many.csv &&
	kontora import leads --source tilda many.csv >out 2>err &&
	echo "4096 new, 4 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	linked b5 $C1 "" petr &&
	linked b4097 $C1 "" petr &&
	linked b4099 $C2 $P2 anna &&
	linked b4100 $C3 "" anna &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:b4098) client)" = ""
'

test_done
