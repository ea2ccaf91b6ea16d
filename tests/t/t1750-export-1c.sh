#!/bin/sh
test_description='kontora export 1c: issued invoices and new clients as CommerceML for 1C'
# See kontora-export(1), docs/onec-export.md.  The file is read back with
# python3's xml.etree and with xmllint, never with kontora.  Money worked
# out by hand:
#   I1, 2026-11-10, Ромашка (1C id 8a1f0c2e-...), VAT 22% in the price:
#     Гель (1C id g-1c-1)  3 × 1 000,50 = 3 001,50,
#       VAT 3 001,50 × 22/122 = 541,254.. -> 541,25
#     Соль (no 1C id)    1,5 × 33,33 = 49,995 -> 50,00,
#       VAT 50 × 22/122 = 9,016.. -> 9,02
#     3 051,50, VAT 550,27; paid 1 000,00 of it: partly paid
#   I2, 2026-11-20, Лютик (no 1C id), VAT 22% on top:
#     Соль 2 × 33,33 = 66,66, VAT 66,66 × 0,22 = 14,665.. -> 14,67,
#     to pay 81,33
#   I3 a draft, I4 issued and cancelled, I5 issued on 2026-11-23 and paid
#   in full: Лютик, Гель 1 × 1 000,50, VAT 1 000,50 × 22/122 = 180,418..
#   -> 180,42.  The bank statement below pays I1 in part and I5 in full.
. "$(dirname "$0")/test-lib.sh"

command -v xmllint >/dev/null && test_set_prereq XMLLINT
# The round trip needs kontora import 1c (kontora-import(1)).
kontora import -h 2>/dev/null | grep -q "import 1c" && test_set_prereq IMPORT1C

# on DAY CMD...: runs kontora on DAY at 10:00 UTC.
on () {
	day=$1
	shift
	KONTORA_NOW=${day}T10:00:00Z kontora "$@"
}

# cml XPATH-LIKE: what python3 finds in out.xml, one a line: the text of
# each element the ElementTree path names (c: is 1C's namespace).
cml () {
	python3 - "$1" "${2:-out.xml}" <<-\EOF
	import sys, xml.etree.ElementTree as ET
	ns = {"c": "urn:1C.ru:commerceml_2"}
	for e in ET.parse(sys.argv[2]).getroot().findall(sys.argv[1], ns):
	    print((e.text or "").strip())
	EOF
}

test_expect_success 'setup: two clients, two products, five invoices' '
	test_books books &&
	cd books &&
	test_company &&
	C1=$(kontora client add --name Ромашка --legal-name "ООО «Ромашка» & Сыновья" \
		--inn 7707083893 --kpp 773601001 --address "Москва, ул. Ленина, 1" \
		--onec-id 8a1f0c2e-0000-11e9-80c1-000c29b2a1f0 --to anna) &&
	C2=$(kontora client add --name Лютик --legal-name "ООО «Лютик»" --inn 7710140679 \
		--kpp 771001001 --phone "+7 495 123-45-67" --to anna) &&
	G1=$(kontora product add --name "Гель <Аква>" --price "1000,50" --unit pcs --onec-id g-1c-1) &&
	G2=$(kontora product add --name "Соль" --price "33,33" --unit kg) &&
	I1=$(on 2026-11-10 invoice new --client $C1 --line $G1:3 --line "$G2:1,5") &&
	on 2026-11-10 invoice issue $I1 >/dev/null &&
	kontora config vat.mode on-top &&
	I2=$(on 2026-11-20 invoice new --client $C2 --line $G2:2) &&
	on 2026-11-20 invoice issue $I2 >/dev/null &&
	kontora config vat.mode included &&
	I3=$(kontora invoice new --client $C2 --line $G1:7) &&
	I4=$(on 2026-11-21 invoice new --client $C1 --line $G1:9) &&
	on 2026-11-21 invoice issue $I4 >/dev/null &&
	kontora invoice cancel $I4 --reason "передумали" >/dev/null &&
	I5=$(on 2026-11-23 invoice new --client $C2 --line $G1:1) &&
	on 2026-11-23 invoice issue $I5 >/dev/null &&
	cat >statement.txt <<-\EOF &&
	1CClientBankExchange
	ВерсияФормата=1.03
	Кодировка=UTF-8
	РасчСчет=40702810938000012345
	СекцияДокумент=Платежное поручение
	Номер=11
	Дата=24.11.2026
	Сумма=1000.00
	ПлательщикСчет=40702810100000000001
	ПлательщикИНН=7707083893
	Плательщик1=ООО «Ромашка»
	ПолучательСчет=40702810938000012345
	ПолучательИНН=5024045017
	Получатель1=ООО «Батискаф»
	ДатаПоступило=24.11.2026
	НазначениеПлатежа=Оплата по счету № 1 от 10.11.2026
	КонецДокумента
	СекцияДокумент=Платежное поручение
	Номер=12
	Дата=24.11.2026
	Сумма=1000.50
	ПлательщикСчет=40702810100000000002
	ПлательщикИНН=7710140679
	Плательщик1=ООО «Лютик»
	ПолучательСчет=40702810938000012345
	ПолучательИНН=5024045017
	Получатель1=ООО «Батискаф»
	ДатаПоступило=24.11.2026
	НазначениеПлатежа=Оплата по счету № 4 от 23.11.2026
	КонецДокумента
	КонецФайла
	EOF
	kontora import bank statement.txt >/dev/null 2>&1 &&
	test "$(kontora sql "select group_concat(status) from invoice where number in (1, 4) order by number" | sed -n 2p)" = partly_paid,paid &&
	echo "$C1 $C2 $G1 $G2 $I1 $I2 $I3 $I4 $I5" >ids
'
cd books 2>/dev/null
read C1 C2 G1 G2 I1 I2 I3 I4 I5 <ids 2>/dev/null

test_expect_success 'export 1c: well-formed UTF-8 CommerceML 2.08 on standard output' '
	before=$(test_commits) &&
	kontora export 1c >out.xml 2>err &&
	test $(test_commits) = $before &&
	grep "invoices: 3, new clients: 1" err &&
	head -1 out.xml | grep "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" &&
	python3 -c "import sys, xml.etree.ElementTree as ET
r = ET.parse(\"out.xml\").getroot()
assert r.tag == \"{urn:1C.ru:commerceml_2}КоммерческаяИнформация\", r.tag
assert r.get(\"ВерсияСхемы\") == \"2.08\"" &&
	iconv -f utf-8 -t utf-8 out.xml >/dev/null &&
	test_clean
'

test_expect_success XMLLINT 'xmllint finds nothing wrong' '
	xmllint --noout out.xml 2>lint &&
	! test -s lint
'

test_expect_success 'issued, partly paid and paid invoices go; drafts and cancelled do not' '
	cml "c:Документ/c:Ид" >got &&
	printf "%s\n" $I1 $I2 $I5 >expect &&
	test_cmp expect got &&
	cml "c:Документ/c:Номер" >got &&
	printf "%s\n" 1 2 4 >expect &&
	test_cmp expect got &&
	cml "c:Документ/c:Дата" >got &&
	printf "%s\n" 2026-11-10 2026-11-20 2026-11-23 >expect &&
	test_cmp expect got &&
	! grep -e $I3 -e $I4 out.xml
'

test_expect_success 'each document is an order of goods from the seller, in roubles' '
	for f in ХозОперация Роль Валюта Курс Время
	do
		cml "c:Документ/c:$f" | sort -u >>got.1 || return 1
	done &&
	cat >expect <<-\EOF &&
	Заказ товара
	Продавец
	руб
	1
	10:00:00
	EOF
	test_cmp expect got.1
'

test_expect_success 'sums and VAT to the kopeck, in the price and on top' '
	cml "c:Документ/c:Сумма" >got &&
	printf "%s\n" 3051.50 66.66 1000.50 >expect &&
	test_cmp expect got &&
	cml "c:Документ/c:Налоги/c:Налог/c:Сумма" >got &&
	printf "%s\n" 550.27 14.67 180.42 >expect &&
	test_cmp expect got &&
	cml "c:Документ/c:Налоги/c:Налог/c:УчтеноВСумме" >got &&
	printf "%s\n" true false true >expect &&
	test_cmp expect got &&
	test "$(cml "c:Документ/c:Налоги/c:Налог/c:Наименование" | sort -u)" = НДС
'

test_expect_success 'goods: the 1C id of a product, else kontora'"'"'s; price, quantity, sum, rate' '
	python3 - >got <<-\EOF &&
	import xml.etree.ElementTree as ET
	ns = {"c": "urn:1C.ru:commerceml_2"}
	for d in ET.parse("out.xml").getroot().findall("c:Документ", ns):
	    for t in d.findall("c:Товары/c:Товар", ns):
	        f = lambda p: t.find(p, ns).text
	        u = t.find("c:БазоваяЕдиница", ns)
	        print(f("c:Ид"), f("c:Наименование"), u.text, u.get("Код"), f("c:ЦенаЗаЕдиницу"),
	              f("c:Количество"), f("c:Сумма"),
	              f("c:СтавкиНалогов/c:СтавкаНалога/c:Ставка"), f("c:Налоги/c:Налог/c:Сумма"),
	              sep="|")
	EOF
	cat >expect <<-EOF &&
	g-1c-1|Гель <Аква>|шт|796|1000.50|3|3001.50|22|541.25
	$G2|Соль|кг|166|33.33|1.5|50.00|22|9.02
	$G2|Соль|кг|166|33.33|2|66.66|22|14.67
	g-1c-1|Гель <Аква>|шт|796|1000.50|1|1000.50|22|180.42
	EOF
	test_cmp expect got &&
	grep "Гель &lt;Аква&gt;" out.xml
'

test_expect_success 'the buyer: its 1C id, else kontora'"'"'s; names, INN, KPP, role' '
	python3 - >got <<-\EOF &&
	import xml.etree.ElementTree as ET
	ns = {"c": "urn:1C.ru:commerceml_2"}
	for k in ET.parse("out.xml").getroot().findall("c:Документ/c:Контрагенты/c:Контрагент", ns):
	    print(*[k.find("c:" + f, ns).text for f in
	            ("Ид", "Наименование", "ПолноеНаименование", "ИНН", "КПП", "Роль")], sep="|")
	EOF
	cat >expect <<-EOF &&
	8a1f0c2e-0000-11e9-80c1-000c29b2a1f0|Ромашка|ООО «Ромашка» & Сыновья|7707083893|773601001|Покупатель
	$C2|Лютик|ООО «Лютик»|7710140679|771001001|Покупатель
	$C2|Лютик|ООО «Лютик»|7710140679|771001001|Покупатель
	EOF
	test_cmp expect got
'

test_expect_success 'a client 1C does not know goes once more as a counterparty, with its contacts' '
	cml "c:Контрагенты/c:Контрагент/c:Ид" >got &&
	echo $C2 >expect &&
	test_cmp expect got &&
	test "$(cml "c:Контрагенты/c:Контрагент/c:Контакты/c:Контакт/c:Значение")" = "+74951234567" &&
	test "$(cml "c:Контрагенты/c:Контрагент/c:ПолноеНаименование")" = "ООО «Лютик»"
'

test_expect_success 'a paid invoice says so' '
	python3 - >got <<-\EOF &&
	import xml.etree.ElementTree as ET
	ns = {"c": "urn:1C.ru:commerceml_2"}
	for d in ET.parse("out.xml").getroot().findall("c:Документ", ns):
	    for r in d.findall("c:ЗначенияРеквизитов/c:ЗначениеРеквизита", ns):
	        if r.find("c:Наименование", ns).text == "Заказ оплачен":
	            print(d.find("c:Номер", ns).text, r.find("c:Значение", ns).text)
	EOF
	printf "%s\n" "1 false" "2 false" "4 true" >expect &&
	test_cmp expect got
'

test_expect_success '--from and --to keep the invoices issued in the period' '
	kontora export 1c --from 2026-11-11 --to 20.11.2026 >out2.xml 2>err &&
	grep "invoices: 1, new clients: 1" err &&
	test "$(cml "c:Документ/c:Номер" out2.xml)" = 2 &&
	kontora export 1c --to 2026-11-10 >out3.xml &&
	test "$(cml "c:Документ/c:Номер" out3.xml)" = 1 &&
	test "$(cml "c:Контрагенты/c:Контрагент/c:Ид" out3.xml)" = "" &&
	kontora export 1c --from 2026-11-23 >out4.xml &&
	test "$(cml "c:Документ/c:Номер" out4.xml)" = 4 &&
	kontora export 1c --from 2026-12-01 >out5.xml &&
	test "$(cml "c:Документ" out5.xml)" = ""
'

test_expect_success '-o FILE: the same file, written whole' '
	kontora export 1c -o to-1c.xml 2>err &&
	cmp out.xml to-1c.xml &&
	ls -a >files &&
	! grep "to-1c.xml.tmp" files
'

test_expect_success 'a file that cannot be written: an error naming it, exit 1, nothing left' '
	mkdir adir &&
	test_expect_code 1 kontora export 1c -o adir 2>err &&
	grep "kontora: error: adir: " err &&
	test -d adir &&
	test_expect_code 1 kontora export 1c -o nodir/x.xml 2>err &&
	grep "kontora: error: nodir/x.xml: " err &&
	ls -a >files &&
	! grep "\.tmp" files &&
	echo old >kept.xml &&
	test_expect_code 2 kontora export 1c --from 2026-02-30 -o kept.xml 2>err &&
	test "$(cat kept.xml)" = old
'

test_expect_success 'bad dates and words are usage errors (exit 2)' '
	test_expect_code 2 kontora export 1c --from someday 2>err &&
	grep "not a date: someday" err &&
	test_expect_code 2 kontora export 1c --from 2026-12-01 --to 2026-11-01 2>err &&
	grep "is after --to" err &&
	test_expect_code 2 kontora export 2c 2>err &&
	test_expect_code 2 kontora export 1c extra 2>err &&
	test_expect_code 2 kontora export 2>err
'

test_expect_success 'a manager exports the invoices of their own clients only' '
	kontora employee add --login boris --name "Борис Другой" --role manager >/dev/null &&
	KONTORA_USER=boris kontora export 1c >out6.xml 2>err &&
	grep "invoices: 0, new clients: 0" err &&
	test "$(cml "c:Документ" out6.xml)" = ""
'

test_expect_success IMPORT1C 'export, then import 1c into new books: the same counterparties' '
	kontora sql "select name, inn, kpp from client order by name" >expect &&
	test_books fresh &&
	kontora -C fresh import 1c out.xml >/dev/null 2>err &&
	kontora -C fresh sql "select name, inn, kpp from client order by name" >got &&
	test_cmp expect got &&
	kontora -C fresh sql "select legal_name, onec_id from client order by name" >got &&
	cat >expect <<-EOF &&
	legal_name	onec_id
	ООО «Лютик»	$C2
	ООО «Ромашка» & Сыновья	8a1f0c2e-0000-11e9-80c1-000c29b2a1f0
	EOF
	test_cmp expect got
'

test_expect_success IMPORT1C 'and into the same books: no client added, none changed but for its 1C id' '
	kontora sql "select id, name, legal_name, inn, kpp from client order by id" >expect &&
	kontora import 1c out.xml >/dev/null 2>err &&
	kontora sql "select id, name, legal_name, inn, kpp from client order by id" >got &&
	test_cmp expect got &&
	test "$(kontora sql "select onec_id from client where id = '"'"'$C1'"'"'" | sed -n 2p)" = \
		8a1f0c2e-0000-11e9-80c1-000c29b2a1f0
'

# import 1c takes only the Товар of a Каталог for a product, not the goods
# of a Документ: Соль, which has no 1C id, would come back as a second
# product whose 1C id is the first one's kontora id.
test_expect_success IMPORT1C 'and no product added by the goods of a document' '
	test $(kontora sql "select count(*) from product" | sed -n 2p) = 2
'

test_done
