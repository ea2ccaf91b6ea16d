#!/bin/sh
test_description='names, not ids, for people: references by title, states by label, built-in fields in Russian; piped forms unchanged'
# See kontora-record(1) (show, list, XLSX), kontora-flow(5) (label) and
# kontora-lab(1).  A terminal is made with script(1) (the SCRIPT
# prerequisite tries one).  Every expected output is written by hand.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a client, a product, a calculation sent to the lab' '
	test_books books &&
	(cd books &&
	 kontora product add --name "Гель для посуды" --article GEL-1 >../g1 &&
	 kontora client add --name Ромашка --manager anna >../c1 &&
	 KONTORA_USER=anna kontora lab calc new --client $(cat ../c1) --product $(cat ../g1) \
		--wishes "Без запаха" --due 2026-11-27 >../r1 &&
	 KONTORA_USER=anna kontora lab calc send $(cat ../r1)) &&
	G1=$(cat g1) C1=$(cat c1) R1=$(cat r1) &&
	test -n "$G1" && test -n "$C1" && test -n "$R1"
'
cd books 2>/dev/null

test_expect_success SCRIPT 'show on a terminal: titles with ids, the state by its label, Код and Создан' '
	on_tty "kontora lab calc show $R1" >out &&
	cat >expect <<-EOF &&
	Код: $R1
	Клиент: Ромашка ($C1)
	Продукт: Гель для посуды ($G1)
	Пожелания клиента: Без запаха
	Срочно: нет
	Срок: 2026-11-27
	Статус: отправлен в лабораторию
	Менеджер: Анна Петрова (anna)
	Создан: 2026-11-23 10:00
	EOF
	test_cmp expect out
'

test_expect_success SCRIPT 'the lab list and a list of the type on a terminal: names' '
	on_tty "kontora lab list" >out &&
	cat >expect <<-EOF &&
	Код       Вид   Статус                   Срочно  Срок        Просрочена  Клиент              Продукт                     Менеджер             Себестоимость  Создан
	$R1  calc  отправлен в лабораторию  нет     2026-11-27  нет         Ромашка ($C1)  Гель для посуды ($G1)  Анна Петрова (anna)                 2026-11-23 10:00
	EOF
	test_cmp expect out &&
	on_tty "kontora calc_request list" >out &&
	test_grep "^$R1  отправлен в лабораторию  нет     2026-11-27  Ромашка ($C1)  Гель для посуды ($G1)  Анна Петрова (anna) " out
'

test_expect_success SCRIPT 'the client card names the product and the state of its lab requests' '
	on_tty "kontora client show $C1" >out &&
	test_grep "^  Расчет стоимости  $R1  отправлен в лабораторию  Гель для посуды ($G1)  2026-11-27" out
'

test_expect_success SCRIPT 'a record the caller may not see is named by its id alone' '
	kontora employee add --login ivan --name "Иван Сидоров" --role manager >/dev/null &&
	kontora client add --name Лютик --manager ivan >../c2 &&
	kontora lead add --title "Чужой лид" --client $(cat ../c2) --to anna >../l2 &&
	on_tty "KONTORA_USER=anna kontora lead show $(cat ../l2)" >out &&
	test_grep "^Клиент: $(cat ../c2)\$" out &&
	on_tty "kontora lead show $(cat ../l2)" >out &&
	test_grep "^Клиент: Лютик ($(cat ../c2))\$" out
'

test_expect_success 'piped: show, TSV, CSV and JSON keep stored forms and ids' '
	kontora lab calc show $R1 >out &&
	cat >expect <<-EOF &&
	id: $R1
	client: $C1
	product: $G1
	wishes: Без запаха
	urgent: нет
	due: 2026-11-27
	status: sent
	manager: anna
	created: 2026-11-23 10:00
	EOF
	test_cmp expect out &&
	kontora lab list >out &&
	printf "id\tkind\tstatus\turgent\tdue\toverdue\tclient\tproduct\tmanager\tcost\tcreated\n" >expect &&
	printf "$R1\tcalc\tsent\tfalse\t2026-11-27\tfalse\t$C1\t$G1\tanna\t\t2026-11-23T10:00:00Z\n" >>expect &&
	test_cmp expect out &&
	kontora calc_request list >out &&
	printf "id\tstatus\turgent\tdue\tclient\tproduct\tmanager\tcost\n" >expect &&
	printf "$R1\tsent\tfalse\t2026-11-27\t$C1\t$G1\tanna\t\n" >>expect &&
	test_cmp expect out &&
	kontora calc_request list -f csv >out &&
	cat >expect <<-EOF &&
	id,client,lead,product,wishes,volume,unit,urgent,due,status,manager,formula,cost,lab_comment,reason,created
	$R1,$C1,,$G1,Без запаха,,,false,2026-11-27,sent,anna,,,,,2026-11-23T10:00:00Z
	EOF
	test_cmp expect out &&
	kontora lab calc show $R1 -f json >out &&
	cat >expect <<-EOF &&
	{"id": "$R1", "client": "$C1", "lead": "", "product": "$G1", "wishes": "Без запаха", "volume": null, "unit": "", "urgent": false, "due": "2026-11-27", "status": "sent", "manager": "anna", "formula": "", "cost": null, "lab_comment": "", "reason": "", "created": "2026-11-23T10:00:00Z"}
	EOF
	test_cmp expect out
'

test_openpyxl

test_expect_success OPENPYXL 'XLSX: the title in the reference column, the id in its own; states by label' '
	kontora calc_request list -f xlsx -o calc.xlsx &&
	"$XLSX_PY" -c "
import openpyxl
rows = list(openpyxl.load_workbook(\"calc.xlsx\").active.iter_rows(values_only=True))
h = list(rows[0])
assert h[:3] == [\"Код\", \"Клиент\", \"Клиент (код)\"] and h[-1] == \"Создан\", h
got = dict(zip(h, rows[1]))
want = {\"Код\": \"$R1\", \"Клиент\": \"Ромашка\", \"Клиент (код)\": \"$C1\",
        \"Продукт\": \"Гель для посуды\", \"Продукт (код)\": \"$G1\", \"Лид\": None, \"Лид (код)\": None,
        \"Статус\": \"отправлен в лабораторию\", \"Срочно\": False,
        \"Менеджер\": \"Анна Петрова\", \"Менеджер (код)\": \"anna\"}
for k, v in want.items():
    assert got[k] == v, (k, got[k], v)
"
'

test_expect_success 'flow files: label STATE TEXT, checked' '
	mkdir -p ../bad && cp -r . ../bad/ 2>/dev/null; cd ../bad &&
	echo "label nosuch \"что-то\"" >>workflows/calc_request.flow &&
	git commit -qam "a label of no state" &&
	test_expect_code 1 kontora check >out 2>err &&
	test_grep "calc_request.flow:[0-9]*: label: .*nosuch" out err
'

test_done
