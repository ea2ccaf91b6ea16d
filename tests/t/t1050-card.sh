#!/bin/sh
test_description='kontora client show: the client card (text and JSON); contact add --client'
# See kontora-client(1).  Expected outputs are written by hand.  The clock
# is Monday 2026-11-23 10:00 UTC (TZ=UTC), so a task due 2026-11-20 is
# overdue and one due today is not.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a client, another client' '
	test_books books &&
	(cd books &&
	 kontora client add --legal-name "ООО \"Ромашка\"" --inn 7707083893 --kpp 770701001 \
		--bank "ПАО Сбербанк" --city moscow --to anna \
		--sample-recipient "Иван Сидоров" --sample-recipient-phone "8 916 111-22-33" \
		--shipping-address "Москва, ул. Ленина, 1" Ромашка >../c &&
	 kontora client add --to anna Лютик >../c2) &&
	C=$(cat c) && C2=$(cat c2)
'
cd books 2>/dev/null

test_expect_success 'contact add --client takes an id prefix in any case and the name as words' '
	prefix=$(echo $C | cut -c1-6 | tr A-Z a-z) &&
	kontora contact add --client $prefix --position директор --phone "+7 (495) 111-22-33" \
		--email PETR@romashka.ru Пётр Иванов >p1 &&
	kontora contact add --client $C --position бухгалтер Ольга Смирнова >p2 &&
	kontora contact add --client $C2 Чужой Контакт >p3 &&
	P1=$(cat p1) && P2=$(cat p2) && P3=$(cat p3) &&
	kontora contact show $P1 --record >out &&
	test_grep "^client: $C\$" out &&
	test_grep "^name: Пётр Иванов\$" out &&
	test_grep "^email: petr@romashka.ru\$" out
'

test_expect_success 'contact add --client with an unknown client fails and adds nothing' '
	before=$(test_commits) &&
	test_expect_code 1 kontora contact add --client CZZZZZZZ Никто 2>err &&
	test_grep "client" err &&
	test $(test_commits) = $before
'

test_expect_success 'contact list shows the people of the client' '
	kontora contact list --where client=$C -f csv >out &&
	test_line_count = 3 out &&
	test "$(test_csv_get $P2 position <out)" = бухгалтер
'

test_expect_success 'leads: two open, one won, one lost; a won lead of another client' '
	KONTORA_NOW=2026-11-23T09:01:00Z kontora lead add --client $C --to anna --amount 1000 Мыло >l1 &&
	KONTORA_NOW=2026-11-23T09:02:00Z kontora lead add --client $C --to anna --amount "2 500,50" Порошок >l2 &&
	KONTORA_NOW=2026-11-23T09:03:00Z kontora lead add --client $C --to anna --amount "12 345,67" Гель >l3 &&
	KONTORA_NOW=2026-11-23T09:04:00Z kontora lead add --client $C --to anna --amount 500 Крем >l4 &&
	kontora lead add --client $C2 --to anna --amount 999 Чужой >l5 &&
	L1=$(cat l1) L2=$(cat l2) L3=$(cat l3) L4=$(cat l4) L5=$(cat l5) &&
	KONTORA_NOW=2026-11-24T10:00:00Z kontora lead qualify $L2 &&
	TQ=$(kontora task list -f csv --where on=$L2 | sed 1d | cut -d, -f1) &&
	test -n "$TQ" &&
	kontora lead won $L3 &&
	kontora lead lost $L4 --reason price &&
	kontora lead won $L5
'

test_expect_success 'invoices: issued ones count as ordered, drafts and cancelled ones do not' '
	test_company &&
	G=$(kontora product add --name Гель --price "12 345,67") &&
	I1=$(kontora invoice new --client $C --line $G:1) &&
	kontora invoice issue $I1 &&
	I2=$(kontora invoice new --client $C --line $G:2) &&
	I3=$(kontora invoice new --client $C --line $G:3) &&
	kontora invoice issue $I3 &&
	kontora invoice cancel $I3 --reason "не то" &&
	kontora client edit $C2 --inn 7702070139 &&
	I4=$(kontora invoice new --client $C2 --line $G:1) &&
	kontora invoice issue $I4
'

test_expect_success 'tasks: overdue, due today, later, done, and another client'"'"'s' '
	kontora task add --on $L1 --due 2026-11-20 --to anna Позвонить >t1 &&
	kontora task add --on $P1 --due 2026-11-23 --to anna Отправить образец >t2 &&
	kontora task add --on $C --due 2026-11-25 --to anna Отправить КП >t3 &&
	kontora task add --on $C --due 2026-11-19 --to anna Уже сделано >t4 &&
	kontora task add --on $C2 --due 2026-11-19 --to anna Чужая задача >/dev/null &&
	T1=$(cat t1) T2=$(cat t2) T3=$(cat t3) T4=$(cat t4) &&
	kontora task done $T4 --result готово
'

test_expect_success 'activities: the newest on the client, its contacts or leads is the last' '
	KONTORA_USER=anna KONTORA_NOW=2026-11-23T11:00:00Z kontora note $P1 --call Обсудили цену >a1 &&
	KONTORA_USER=anna KONTORA_NOW=2026-11-23T12:00:00Z kontora note $L2 Письмо про образцы >a2 &&
	KONTORA_USER=anna KONTORA_NOW=2026-11-23T10:30:00Z kontora note $C --meeting Встреча в офисе >a3 &&
	KONTORA_USER=anna KONTORA_NOW=2026-11-23T13:00:00Z kontora note $C2 Чужая заметка >/dev/null &&
	A2=$(cat a2)
'

test_expect_success 'the card as text' '
	kontora client show $C >actual &&
	cat >expect <<-EOF &&
	Клиент $C: Ромашка

	О компании
	  Название:              Ромашка
	  Юридическое название:  ООО "Ромашка"
	  ИНН:                   7707083893
	  КПП:                   770701001
	  Банк:                  ПАО Сбербанк
	  Город:                 Москва

	Образцы
	  Получатель образцов:  Иван Сидоров
	  Телефон получателя:   +79161112233
	  Адрес доставки:       Москва, ул. Ленина, 1

	Менеджер
	  anna  Анна Петрова

	Контакты
	  $P2  Ольга Смирнова  бухгалтер
	  $P1  Пётр Иванов     директор   +74951112233  petr@romashka.ru

	Открытые лиды
	  $L1  Мыло     Новый           1 000,00 ₽
	  $L2  Порошок  Квалифицирован  2 500,50 ₽

	Закрытые лиды и заказы
	  $L3  Гель  Заказ  12 345,67 ₽
	  $L4  Крем  Отказ  500,00 ₽     Дорого

	Итоги
	  Всего заказано:  12 345,67 ₽
	  Оплачено:        0,00 ₽
	  Долг:            12 345,67 ₽

	Открытые задачи
	  2026-11-20  $T1  Позвонить          Анна Петрова (anna)  Лид Мыло ($L1)             просрочена
	  2026-11-23  $T2  Отправить образец  Анна Петрова (anna)  Контакт Пётр Иванов ($P1)
	  2026-11-25  $T3  Отправить КП       Анна Петрова (anna)
	  2026-11-26  $TQ  Подготовить КП     Анна Петрова (anna)  Лид Порошок ($L2)

	Последнее событие
	  2026-11-23 12:00  Заметка  Письмо про образцы  Анна Петрова (anna)  Лид Порошок ($L2)
	EOF
	test_cmp expect actual
'

test_expect_success 'the card as JSON: one object with the sections' '
	kontora client show $C -f json >out &&
	/usr/bin/python3 - "$C" "$P1 $P2" "$L1 $L2" "$L3 $L4" "$T1 $T2 $T3 $TQ" "$A2" <<-\EOF
	import json, sys
	c, contacts, open_, closed, tasks, act = sys.argv[1:]
	r = json.load(open("out"))
	assert r["id"] == c and r["type"] == "client" and r["name"] == "Ромашка", r
	assert r["company"]["inn"] == "7707083893", r["company"]
	assert r["company"]["legal_name"] == "ООО \"Ромашка\"", r["company"]
	assert r["company"]["city"] == "moscow", r["company"]
	assert "manager" not in r["company"] and "shipping_address" not in r["company"]
	assert r["sample_recipient"] == {"sample_recipient": "Иван Сидоров",
	    "sample_recipient_phone": "+79161112233",
	    "shipping_address": "Москва, ул. Ленина, 1"}, r["sample_recipient"]
	assert r["manager"] == {"login": "anna", "name": "Анна Петрова"}, r["manager"]
	assert sorted(x["id"] for x in r["contacts"]) == sorted(contacts.split()), r["contacts"]
	assert [x["id"] for x in r["leads"]["open"]] == open_.split(), r["leads"]
	assert [x["id"] for x in r["leads"]["closed"]] == closed.split(), r["leads"]
	assert r["leads"]["open"][1]["amount"] == 2500.5, r["leads"]
	assert r["total_ordered"] == 12345.67 and isinstance(r["total_ordered"], float), r
	# nothing paid yet: the whole issued invoice is owed
	assert r["paid"] == 0 and r["debt"] == 12345.67, r
	assert [t["id"] for t in r["tasks"]] == tasks.split(), r["tasks"]
	assert [t["overdue"] for t in r["tasks"]] == [True, False, False, False], r["tasks"]
	assert r["last_activity"]["id"] == act, r["last_activity"]
	assert r["last_activity"]["text"] == "Письмо про образцы", r["last_activity"]
	assert r["files"] == [] and r["lab_requests"] == [], r
	EOF
'

test_expect_success 'lead show and contact show add their open tasks and history' '
	kontora lead show $L1 >out &&
	test_grep "^title: Мыло\$" out &&
	sed -n "/^\$/,\$p" out >actual &&
	cat >expect <<-EOF &&

	Открытые задачи
	  2026-11-20  $T1  Позвонить  Анна Петрова (anna)  просрочена
	EOF
	test_cmp expect actual &&
	kontora lead show $L2 | sed -n "/^\$/,\$p" >actual &&
	cat >expect <<-EOF &&

	Открытые задачи
	  2026-11-26  $TQ  Подготовить КП  Анна Петрова (anna)

	История
	  2026-11-23 12:00  Заметка  Письмо про образцы  Анна Петрова (anna)
	EOF
	test_cmp expect actual &&
	kontora contact show $P1 | sed -n "/^\$/,\$p" >actual &&
	cat >expect <<-EOF &&

	Открытые задачи
	  2026-11-23  $T2  Отправить образец  Анна Петрова (anna)

	История
	  2026-11-23 11:00  Звонок  Обсудили цену  Анна Петрова (anna)
	EOF
	test_cmp expect actual
'

test_expect_success 'lead show --record and -f json are the record alone' '
	kontora lead show $L1 --record >out &&
	! grep -e "^\$" -e Позвонить out &&
	test_grep "^id: $L1\$" out &&
	kontora lead show $L1 -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert r[\"id\"] == \"$L1\" and r[\"title\"] == \"Мыло\", r
"
'

test_expect_success 'a client with nothing: empty fields and sections are left out, totals stay' '
	kontora client add Пустой >c3 &&
	C3=$(cat c3) &&
	kontora client show $C3 >actual &&
	cat >expect <<-EOF &&
	Клиент $C3: Пустой

	О компании
	  Название:  Пустой

	Итоги
	  Всего заказано:  0,00 ₽
	  Оплачено:        0,00 ₽
	  Долг:            0,00 ₽
	EOF
	test_cmp expect actual &&
	kontora client show $C3 -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert r[\"manager\"] is None and r[\"last_activity\"] is None, r
assert r[\"contacts\"] == [] and r[\"tasks\"] == [] and r[\"leads\"] == {\"open\": [], \"closed\": []}, r
assert r[\"total_ordered\"] == 0 and r[\"debt\"] == 0, r
"
'

test_expect_success 'a card follows the books: cancelling the issued invoice takes it out of the total' '
	kontora invoice cancel $I1 --reason "ошибка" &&
	kontora client show $C -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert r[\"total_ordered\"] == 0, r
"
'

test_expect_success 'a card follows the books: a reopened lead is open again' '
	kontora lead reopen $L3 &&
	kontora client show $C -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert \"$L3\" in [x[\"id\"] for x in r[\"leads\"][\"open\"]], r
"
'

test_expect_success 'show --record prints the stored record, not the card' '
	kontora client show $C --record >out &&
	test_grep "^id: $C\$" out &&
	test_grep "^manager: anna\$" out &&
	test_grep "^city: moscow\$" out &&
	! grep Итоги out &&
	kontora client show $C --record -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert r[\"id\"] == \"$C\" and r[\"inn\"] == \"7707083893\" and r[\"manager\"] == \"anna\", r
"
'

test_expect_success 'an unknown id fails and prints nothing' '
	test_expect_code 1 kontora client show CZZZZZZZ >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: no client CZZZZZZZ" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora client show $L1 >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: no client $L1" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora client show -f json CZZZZZZZ >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: no client CZZZZZZZ" >expect &&
	test_cmp expect err
'

test_expect_success 'a bad format is a usage error' '
	test_expect_code 2 kontora client show $C -f xml 2>err
'

test_expect_success 'the on field of tasks and activities is indexed' '
	kontora sql "select name from sqlite_master where type = \"index\" and tbl_name in (\"task\", \"activity\") order by name" -f csv >out &&
	printf "%s\n" name activity__order activity_author activity_id activity_on activity_to task__order task_assignee task_id task_on >expect &&
	test_cmp expect out
'

test_expect_success 'the card shows only what the caller may see' '
	kontora employee add --login ivan --name "Иван Петров" --role manager >/dev/null &&
	kontora lead add --client $C --to ivan --amount 777 Иванов >l6 &&
	L6=$(cat l6) &&
	kontora client show $C -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert \"$L6\" in [x[\"id\"] for x in r[\"leads\"][\"open\"]], r[\"leads\"]
" &&
	KONTORA_USER=anna kontora client show $C -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert [x[\"id\"] for x in r[\"leads\"][\"open\"]] == [\"$L1\", \"$L2\", \"$L3\"], r[\"leads\"]
" &&
	KONTORA_USER=anna kontora client show $C >out &&
	! grep $L6 out &&
	test_expect_code 1 env KONTORA_USER=ivan kontora client show $C >out 2>err &&
	test_line_count = 0 out &&
	test_grep "managers see only their own records" err
'

test_expect_success 'the card changes nothing' '
	test_clean
'

test_done
