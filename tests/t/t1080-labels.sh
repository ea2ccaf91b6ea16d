#!/bin/sh
test_description='labels from kontora.conf and dictionary names: tables, show, XLSX; ids for programs'
# See kontora-config(1) (LABELS) and kontora-filter(1).  What is for
# people (a table or show on a terminal, XLSX) says labels and names;
# what is for programs (TSV when piped, CSV, JSON, show piped) keeps field
# names and ids.  A terminal is made with script(1).
. "$(dirname "$0")/test-lib.sh"

test_openpyxl

# xlsx_rows FILE: the rows of the workbook's sheet, one per line, cells
# joined by |, empty cells as "".
xlsx_rows () {
	"$XLSX_PY" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
for r in ws.iter_rows(values_only=True):
    print("|".join("" if v is None else str(v) for v in r))' "$1"
}

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --to anna --city spb Ромашка >../c1 &&
	 kontora lead add --to anna --amount 1500 --client $(cat ../c1) Гель >../l1 &&
	 kontora lead add --to anna Мыло >../l2) &&
	C1=$(cat c1) L1=$(cat l1) L2=$(cat l2)
'
cd books 2>/dev/null

test_expect_success 'the won stage is called Заказ by default' '
	kontora dict list funnel_stage -f csv | grep "^won," >got &&
	echo "won,Заказ" >expect &&
	test_cmp expect got
'

test_expect_success SCRIPT 'a table on a terminal: schema labels and dictionary names' '
	on_tty "kontora client list" >out &&
	cat >expect <<-EOF &&
	Код       Название  ИНН  Город            Менеджер             Телефон
	$C1  Ромашка        Санкт-Петербург  Анна Петрова (anna)  
	EOF
	test_cmp expect out
'

test_expect_success 'label keys: one commit each, in kontora.conf' '
	before=$(test_commits) &&
	kontora config label.lead Заявка &&
	kontora config label.lead.amount "Сумма сделки" &&
	kontora config label.funnel_stage.new "Новая заявка" &&
	kontora config label.funnel_stage.won "Продажа" &&
	test $(test_commits) = $((before + 4)) &&
	kontora config label.lead.amount >out &&
	echo "Сумма сделки" >expect &&
	test_cmp expect out &&
	test_clean
'

test_expect_success SCRIPT 'a table on a terminal uses the labels' '
	on_tty "kontora lead list --sort title" >out &&
	cat >expect <<-EOF &&
	Код       Название  Имя  Телефон  Этап          Сумма сделки  Менеджер
	$L1  Гель                    Новая заявка    1 500,00 ₽  Анна Петрова (anna)
	$L2  Мыло                    Новая заявка                Анна Петрова (anna)
	EOF
	test_cmp expect out
'

test_expect_success 'piped TSV, CSV and JSON keep field names and ids' '
	kontora lead list --sort title >out &&
	head -n 1 out >got &&
	printf "id\ttitle\tname\tphone\tstage\tamount\tmanager\n" >expect &&
	test_cmp expect got &&
	test_grep "	new	1500.00	anna$" out &&
	kontora lead list -f csv --where id=$L1 >out &&
	test_csv_get $L1 stage <out >got &&
	echo new >expect && test_cmp expect got &&
	kontora client list -f csv >out &&
	test_csv_get $C1 city <out >got &&
	echo spb >expect && test_cmp expect got &&
	kontora lead list -f json --where id=$L1 >out &&
	test_grep "\"stage\": \"new\"" out &&
	test_grep "\"amount\": 1500.00" out
'

test_expect_success SCRIPT 'show on a terminal: labels and names' '
	on_tty "kontora lead show $L1" >out &&
	cat >expect <<-EOF &&
	Код: $L1
	Название: Гель
	Клиент: Ромашка ($C1)
	Этап: Новая заявка
	Сумма сделки: 1 500,00 ₽
	Менеджер: Анна Петрова (anna)
	Обработан: да
	Создан: 2026-11-23 10:00
	EOF
	test_cmp expect out &&
	on_tty "kontora client show --record $C1" >out &&
	test_grep "^Город: Санкт-Петербург$" out
'

test_expect_success 'show piped keeps field names and ids' '
	kontora lead show $L1 >out &&
	test_grep "^stage: new$" out &&
	test_grep "^amount: 1 500,00 ₽$" out &&
	kontora client show --record $C1 >out &&
	test_grep "^city: spb$" out
'

test_expect_success SCRIPT 'a stage label follows the record: won is Продажа here' '
	kontora lead won $L1 >/dev/null &&
	on_tty "kontora lead list --all --where id=$L1" >out &&
	test_grep "Продажа" out &&
	on_tty "kontora lead show $L1" >out &&
	test_grep "^Этап: Продажа$" out &&
	kontora lead show $L1 >out &&
	test_grep "^stage: won$" out
'

test_expect_success OPENPYXL 'XLSX: labels in the header, names for dictionary ids' '
	kontora lead list --all --sort title -f xlsx -o leads.xlsx &&
	xlsx_rows leads.xlsx >rows &&
	head -n 1 rows | tr "|" "\n" >header &&
	test_grep -x "Сумма сделки" header &&
	test_grep -x "Этап" header &&
	! grep -x amount header &&
	sed -n 2p rows >row &&
	test_grep "|Продажа|" row &&
	test_grep "|1500|" row &&
	kontora client list -f xlsx -o clients.xlsx &&
	xlsx_rows clients.xlsx >rows &&
	test_grep "|Санкт-Петербург|" rows &&
	! grep "|spb|" rows
'

test_expect_success 'bad label keys and values are refused by kontora config; nothing changes' '
	before=$(test_commits) &&
	cp kontora.conf conf.before &&
	test_expect_code 1 kontora config label.nosuch Что-то 2>err &&
	test_grep "^kontora: error: label.nosuch: no record type nosuch" err &&
	test_expect_code 1 kontora config label.lead.nosuch Что-то 2>err &&
	test_grep "^kontora: error: label.lead.nosuch: schemas/lead.schema has no field nosuch$" err &&
	test_expect_code 1 kontora config label.funnel_stage.nosuch Что-то 2>err &&
	test_grep "^kontora: error: label.funnel_stage.nosuch: dicts/funnel_stage.csv has no entry nosuch$" err &&
	test_expect_code 1 kontora config label.nodict.x Что-то 2>err &&
	test_grep "no record type or dictionary nodict" err &&
	echo "kontora: error: label.lead: a label is one line of UTF-8 text, not empty" >expect &&
	test_expect_code 1 kontora config label.lead "" 2>err &&
	test_cmp expect err &&
	test_expect_code 1 kontora config label.lead "$(printf "a\nb")" 2>err &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	test_cmp conf.before kontora.conf
'

test_expect_success SCRIPT 'a field label set by hand for a field that is gone is ignored' '
	kontora config label.lead.comment Заметка &&
	sed -i "s/comment = Заметка/nosuch = Заметка/" kontora.conf &&
	git commit -qam "by hand" &&
	on_tty "kontora lead list" >out 2>&1 &&
	test_grep "Сумма сделки" out &&
	! grep -i "error\|warning" out
'

test_expect_success OPENPYXL 'unset a label: the schema label comes back' '
	kontora config --unset label.lead.amount &&
	kontora lead list -f xlsx -o after.xlsx &&
	xlsx_rows after.xlsx | head -n 1 | tr "|" "\n" >header &&
	test_grep -x "Сумма" header &&
	! grep -x "Сумма сделки" header
'

test_done
