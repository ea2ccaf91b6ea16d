#!/bin/sh
test_description='kontora invoice: drafts, sums and VAT, issuing with a number, freezing, cancelling, bad input'
# See kontora-invoice(1).  The clock is 2026-11-23 10:00 UTC; the admin
# is Тест Тестов, anna a manager.  Money is worked out by hand in the
# comments.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: books with the company, a client, products' '
	test_books books &&
	cd books &&
	test_company &&
	kontora employee add --login olga --name "Ольга Счетова" --role accountant >/dev/null &&
	kontora employee add --login lena --name "Лена Лабова" --role lab >/dev/null &&
	C=$(kontora client add --name Ромашка --legal-name "ООО «Ромашка»" --inn 7707083893 \
		--kpp 773601001 --address "Москва, ул. Ленина, 1" --to anna) &&
	G1=$(kontora product add --name "Гель для посуды 5 л" --price 1000 --unit pcs) &&
	G2=$(kontora product add --name "Порошок" --price "333,33" --unit kg) &&
	G3=$(kontora product add --name "Образец" --unit pcs) &&
	echo "$C $G1 $G2 $G3" >ids
'
cd books 2>/dev/null
read C G1 G2 G3 <ids 2>/dev/null

test_expect_success 'new: a draft with its lines, the price the product'"'"'s, sums stored' '
	before=$(test_commits) &&
	I=$(kontora invoice new --client $C --line $G1:10 --line "$G2:1,5" --due 2026-11-30) &&
	test $(test_commits) = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "invoice $I: new draft, 2 lines" &&
	kontora invoice list -f csv >out &&
	test "$(test_csv_get $I status <out)" = draft &&
	test "$(test_csv_get $I number <out)" = "" &&
	test "$(test_csv_get $I manager <out)" = anna &&
	# 10 × 1000,00 + 1,5 × 333,33 (499,995 -> 500,00) = 10 500,00;
	# VAT 22% in it: 10000 × 22/122 = 1803,28 -> 1 803,28 and
	# 500 × 22/122 = 90,16 -> 90,16: 1 893,44.
	test "$(test_csv_get $I subtotal <out)" = 10500.00 &&
	test "$(test_csv_get $I vat <out)" = 1893.44 &&
	test "$(test_csv_get $I total <out)" = 10500.00 &&
	kontora doc_line list --where document=$I -f csv >lines &&
	test_line_count = 3 lines &&
	cut -d, -f3-11 lines >got &&
	cat >expect <<-EOF &&
	position,product,name,qty,unit,price,vat_rate,sum,vat
	1,$G1,Гель для посуды 5 л,10,pcs,1000.00,22,10000.00,1803.28
	2,$G2,Порошок,1.5,kg,333.33,22,500.00,90.16
	EOF
	test_cmp expect got &&
	echo $I >draft1
'

test_expect_success 'show: the lines and totals, money as on screen' '
	I=$(cat draft1) &&
	kontora invoice show $I >out &&
	cat >expect <<-EOF &&
	Счет на оплату от 23.11.2026 ($I, draft)
	Поставщик: ООО «Батискаф», ИНН 5024045017, КПП 502401001
	Покупатель: ООО «Ромашка», ИНН 7707083893, КПП 773601001 ($C)
	Оплатить до: 30.11.2026
	Назначение платежа: Оплата по счету от 23.11.2026, в т.ч. НДС 1 893,44 руб.

	№  Товары (работы, услуги)  Кол-во  Ед.        Цена        Сумма
	1  Гель для посуды 5 л          10  шт   1 000,00 ₽  10 000,00 ₽
	2  Порошок                     1,5  кг     333,33 ₽     500,00 ₽

	Итого: 10 500,00 ₽
	В том числе НДС 22%: 1 893,44 ₽
	Всего к оплате: 10 500,00 ₽
	Всего наименований 2, на сумму 10 500,00 руб.
	Десять тысяч пятьсот рублей 00 копеек
	EOF
	test_cmp expect out
'

test_expect_success 'a price given on the line, a rate by --vat, a prefix of the product' '
	p=$(echo $G3 | cut -c1-5) &&
	I=$(kontora invoice new --client $C --line "$p:2:1 234,50" --vat 10) &&
	kontora doc_line list --where document=$I -f csv >lines &&
	# 2 × 1 234,50 = 2 469,00; 10% in it: 246 900 × 10/110 = 22445,45 -> 224,45
	test "$(sed 1d lines | cut -d, -f6-11)" = "2,pcs,1234.50,10,2469.00,224.45" &&
	I2=$(kontora invoice new --client $C --line $G1:1 --vat none) &&
	kontora invoice show $I2 >out &&
	test_grep "^Без налога (НДС)$" out &&
	test_grep "без НДС$" out
'

test_expect_success 'vat.mode on-top: VAT added to the total' '
	kontora config vat.mode on-top &&
	I=$(kontora invoice new --client $C --line $G1:1 --line "$G2:1:0,05") &&
	kontora invoice show $I >out &&
	# 1000,00 + 22% = 220,00; 0,05 + 22% = 0,011 -> 0,01: 220,01.
	test_grep "^НДС 22%: 220,01 ₽$" out &&
	test_grep "^Всего к оплате: 1 220,06 ₽$" out &&
	test_grep "^Одна тысяча двести двадцать рублей 06 копеек$" out &&
	kontora config vat.mode included
'

test_expect_success 'vat.mode set by hand is read in any case, and a wrong one is an error' '
	git config -f kontora.conf vat.mode On-Top &&
	git commit -q -am "vat.mode by hand" &&
	I=$(kontora invoice new --client $C --line $G1:1) &&
	kontora invoice show $I >out &&
	test_grep "^Всего к оплате: 1 220,00 ₽$" out &&
	git config -f kontora.conf vat.mode ontop &&
	git commit -q -am "vat.mode by hand, misspelt" &&
	before=$(test_commits) &&
	test_expect_code 1 kontora invoice new --client $C --line $G1:1 2>err &&
	test_grep "vat.mode in kontora.conf \"ontop\": not included or on-top" err &&
	test $(test_commits) = $before &&
	kontora config vat.mode included
'

test_expect_success 'issue: the number 1, the date, the subject; the rest of the draft unchanged' '
	I=$(cat draft1) &&
	before=$(test_commits) &&
	KONTORA_NOW=2026-11-24T09:00:00Z kontora invoice issue $I >out &&
	echo 1 >expect && test_cmp expect out &&
	test $(test_commits) = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "invoice $I: issued № 1" &&
	kontora invoice list --all -f csv >out &&
	test "$(test_csv_get $I status <out)" = issued &&
	test "$(test_csv_get $I number <out)" = 1 &&
	test "$(test_csv_get $I date <out)" = 2026-11-24 &&
	kontora invoice show $I >out &&
	test_grep "^Счет на оплату № 1 от 24.11.2026 ($I, issued)$" out &&
	test_grep "^Назначение платежа: Оплата по счету № 1 от 24.11.2026, в т.ч. НДС 1 893,44 руб.$" out &&
	test_clean && kontora check
'

test_expect_success 'an issued invoice and its lines are frozen, for admin too' '
	I=$(cat draft1) &&
	L=$(kontora doc_line list --where document=$I -f csv | sed -n 2p | cut -d, -f1) &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora invoice edit $I --set due=2026-12-31 2>err &&
	echo "kontora: error: invoice $I: issued, so frozen (workflows/invoice.flow:22 freeze issued partly_paid paid cancelled)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora doc_line edit $L --set qty=3 2>err &&
	echo "kontora: error: doc_line $L: part of invoice $I, which is issued and so frozen (workflows/invoice.flow:22 freeze issued partly_paid paid cancelled)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora doc_line rm $L 2>err &&
	test_cmp expect err &&
	test_expect_code 1 kontora doc_line add --document $I --position 3 --name Ещё --qty 1 --price 1 2>err &&
	echo "kontora: error: doc_line new: part of invoice $I, which is issued and so frozen (workflows/invoice.flow:22 freeze issued partly_paid paid cancelled)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora invoice rm $I --force 2>err &&
	echo "kontora: error: invoice $I: issued, so frozen (workflows/invoice.flow:22 freeze issued partly_paid paid cancelled)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora invoice issue $I 2>err &&
	echo "kontora: error: invoice $I: no transition issue from issued (allowed: cancel, pay, pay_part)" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" && test_clean
'

test_expect_success 'cancel needs a reason, keeps the number; the next is 2, never 1 again' '
	I=$(cat draft1) &&
	test_expect_code 1 kontora invoice cancel $I 2>err &&
	echo "kontora: error: invoice $I: cancel needs --reason (reason)" >expect &&
	test_cmp expect err &&
	kontora invoice cancel $I --reason "Ошибка в количестве" &&
	kontora invoice list --all -f csv >out &&
	test "$(test_csv_get $I status <out)" = cancelled &&
	test "$(test_csv_get $I number <out)" = 1 &&
	test "$(test_csv_get $I reason <out)" = "Ошибка в количестве" &&
	I2=$(kontora invoice new --client $C --line $G1:1) &&
	kontora invoice issue $I2 >out &&
	echo 2 >expect && test_cmp expect out
'

test_expect_success 'invoice.number-format, and a new year starts at 1' '
	kontora config invoice.number-format "КХ-{yyyy}-{n:04}" &&
	I=$(kontora invoice new --client $C --line $G1:1) &&
	kontora invoice issue $I >out &&
	echo КХ-2026-0003 >expect && test_cmp expect out &&
	I=$(KONTORA_NOW=2027-01-10T09:00:00Z kontora invoice new --client $C --line $G1:1) &&
	KONTORA_NOW=2027-01-10T09:00:00Z kontora invoice issue $I >out &&
	echo КХ-2027-0001 >expect && test_cmp expect out &&
	kontora config invoice.number-format "{x}-{n}" &&
	I=$(kontora invoice new --client $C --line $G1:1) &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora invoice issue $I 2>err &&
	echo "kontora: error: number format \"{x}-{n}\": unknown placeholder {x} (known: {n}, {n:04}, {yyyy}, {yy})" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	kontora config invoice.number-format "{n}"
'

test_expect_success '--dry-run writes nothing' '
	before=$(git rev-parse HEAD) &&
	kontora invoice new --client $C --line $G1:1 --dry-run >out &&
	test_grep "^invoice I[0-9A-Z]*: new draft, 1 line$" out &&
	I=$(kontora invoice new --client $C --line $G1:1) &&
	before=$(git rev-parse HEAD) &&
	kontora invoice issue $I --dry-run >out &&
	test_grep "^invoice $I: issued № " out &&
	test "$(git rev-parse HEAD)" = "$before" &&
	kontora invoice list -f csv >out &&
	test "$(test_csv_get $I status <out)" = draft
'

test_expect_success 'a draft'"'"'s line is edited as a decimal; issuing sums it anew' '
	I=$(kontora invoice new --client $C --line $G2:1) &&
	L=$(kontora doc_line list --where document=$I -f csv | sed -n 2p | cut -d, -f1) &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora doc_line edit $L --set qty=много 2>err &&
	echo "kontora: error: doc_line qty: \"много\" is not a valid decimal" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	kontora doc_line edit $L --set "qty=2,5" &&
	kontora sql "select qty from doc_line where id = '"'"'$L'"'"'" -f csv >out &&
	printf "qty\n2500\n" >expect && test_cmp expect out &&
	kontora invoice issue $I >/dev/null &&
	kontora doc_line list --where document=$I -f csv >out &&
	# 2,5 × 333,33 = 833,325 -> 833,33; 22% in it: 150,27
	test "$(test_csv_get $L qty <out)" = 2.5 &&
	test "$(test_csv_get $L sum <out)" = 833.33 &&
	test "$(test_csv_get $L vat <out)" = 150.27 &&
	kontora invoice list -f csv --all >out &&
	test "$(test_csv_get $I total <out)" = 833.33
'

test_expect_success 'removing a draft removes its lines in the same commit' '
	I=$(kontora invoice new --client $C --line $G1:1 --line $G2:2) &&
	before=$(test_commits) &&
	kontora invoice rm $I >out &&
	test $(test_commits) = $((before + 1)) &&
	kontora doc_line list --where document=$I -f csv >lines &&
	test_line_count = 1 lines &&
	test_clean
'

# refused CODE MESSAGE COMMAND...: the command exits CODE with MESSAGE on
# stderr and commits nothing.
refused () {
	code=$1 msg=$2 && shift 2 &&
	before=$(git rev-parse HEAD) &&
	test_expect_code $code kontora "$@" 2>err &&
	echo "$msg" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test_clean
}

test_expect_success 'bad input: unknown product or client, quantities, prices' '
	refused 1 "kontora: error: --line 1 \"GZZZZZZZ:1\": no product GZZZZZZZ" invoice new --client $C --line GZZZZZZZ:1 &&
	refused 1 "kontora: error: no client CZZZZZZZ" invoice new --client CZZZZZZZ --line $G1:1 &&
	refused 1 "kontora: error: --line 1 \"$G1:0\": quantity \"0\" must be more than zero" invoice new --client $C --line $G1:0 &&
	refused 1 "kontora: error: --line 2 \"$G1:-2\": quantity \"-2\" must be more than zero" invoice new --client $C --line $G2:1 --line $G1:-2 &&
	refused 1 "kontora: error: --line 1 \"$G1:два\": quantity \"два\" is not a number with up to three decimals" invoice new --client $C --line $G1:два &&
	refused 1 "kontora: error: --line 1 \"$G1:1:12abc\": price \"12abc\" is not an amount of money" invoice new --client $C --line $G1:1:12abc &&
	refused 1 "kontora: error: --line 2 \"$G1:2:-5\": price: -5 is below its least value, 0.00" invoice new --client $C --line $G2:1 --line $G1:2:-5 &&
	refused 1 "kontora: error: --line 1 \"$G1:1:-0,01\": price: -0,01 is below its least value, 0.00" proposal new --client $C --line $G1:1:-0,01 &&
	refused 1 "kontora: error: --line 1 \"$G3:1\": product $G3 has no price; give one as PRODUCT:QTY:PRICE" invoice new --client $C --line $G3:1 &&
	refused 1 "kontora: error: --line 1 \"$G1\": not PRODUCT:QTY[:PRICE]" invoice new --client $C --line $G1 &&
	refused 1 "kontora: error: --vat \"18\": not a VAT rate (22, 10, 0 or none)" invoice new --client $C --line $G1:1 --vat 18 &&
	refused 1 "kontora: error: no lines: give --line PRODUCT:QTY[:PRICE]" invoice new --client $C &&
	refused 1 "kontora: error: no client: give --client ID" invoice new --line $G1:1
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 kontora invoice 2>err &&
	test_expect_code 2 kontora invoice frob 2>err &&
	test_grep "invoice frob: no such subcommand" err &&
	test_expect_code 2 kontora invoice new --client $C --line $G1:1 extra 2>err &&
	test_expect_code 2 kontora invoice new --from-proposal K1 --client $C 2>err &&
	test_expect_code 2 kontora invoice issue 2>err &&
	kontora invoice -h >out && test_grep "^usage: kontora invoice new" out
'

test_expect_success 'issue refuses a client without INN, naming the record and field' '
	C2=$(kontora client add --name "Без ИНН" --to anna) &&
	I=$(kontora invoice new --client $C2 --line $G1:1) &&
	refused 1 "kontora: error: invoice $I: client $C2: inn: required (company.* is in kontora.conf: kontora config company.KEY VALUE)" invoice issue $I
'

test_expect_success 'issue refuses a broken company requisite, and names each' '
	I=$(kontora invoice new --client $C --line $G1:1) &&
	git config -f kontora.conf company.bik 044030653 &&
	git config -f kontora.conf --unset company.address &&
	git config -f kontora.conf --unset company.kpp &&
	git commit -q -m "broken bik" kontora.conf &&
	refused 1 "kontora: error: invoice $I: company.kpp: required; company.address: required; company.corr-account: control key does not match the BIK (\"0\" and its 5th-6th digits) \"30101810400000000225\"; company.account: control key does not match the BIK (its last three digits) \"40702810938000012345\" (company.* is in kontora.conf: kontora config company.KEY VALUE)" invoice issue $I &&
	git config -f kontora.conf company.bik 044525225 &&
	git config -f kontora.conf company.address "143402, г. Красногорск" &&
	git config -f kontora.conf company.kpp 502401001 &&
	git commit -q -m "fixed" kontora.conf &&
	kontora invoice issue $I >/dev/null
'

test_expect_success 'check reports bad requisites of clients and of the company' '
	C3=$(kontora client add --name Кривой --kpp 12 --bik 044525225 --account 40702810938000012346) &&
	C4=$(KONTORA_NOW=2026-12-02T10:00:00Z kontora client add --name Другой --ogrn 1027700132194) &&
	git config -f kontora.conf company.ogrn 1045004456230 &&
	git commit -q -m "bad ogrn" kontora.conf &&
	test_expect_code 1 kontora check >out 2>err &&
	shard=data/client/2026-11.csv &&
	line=$(grep -n "^$C3," $shard | cut -d: -f1) &&
	cat >expect <<-EOF &&
	kontora.conf: company.ogrn: invalid control digit "1045004456230"
	$shard:$line: kpp: client $C3: not a KPP (9 characters: 4 digits, 2 digits or letters A-Z, 3 digits) "12"
	$shard:$line: account: client $C3: control key does not match the BIK (its last three digits) "40702810938000012346"
	data/client/2026-12.csv:2: ogrn: client $C4: invalid control digit "1027700132194"
	EOF
	test_cmp expect out &&
	echo "kontora: 4 problems" >expect && test_cmp expect err &&
	kontora client rm $C3 && kontora client rm $C4 &&
	git config -f kontora.conf company.ogrn 1045004456232 &&
	git commit -q -m "ogrn" kontora.conf &&
	kontora check
'

test_expect_success 'check reports a line whose document is gone' '
	I=$(kontora invoice new --client $C --line $G1:1) &&
	shard=data/doc_line/2026-11.csv &&
	line=$(grep -n ",$I," $shard | cut -d: -f1) &&
	sed -i "s/,$I,/,IZZZZZZZ,/" $shard &&
	git commit -q -m "hand edit" $shard &&
	test_expect_code 1 kontora check >out 2>/dev/null &&
	echo "$shard:$line: document: no invoice IZZZZZZZ" >expect &&
	test_cmp expect out &&
	sed -i "s/,IZZZZZZZ,/,$I,/" $shard &&
	git commit -q -m "mended" $shard &&
	kontora check
'

test_expect_success 'the lines sum with SQL' '
	kontora sql "select count(*), sum(l.sum) from doc_line l join invoice i on l.document = i.id where i.status = '"'"'issued'"'"'" -f csv >out &&
	# issued: № 2, КХ-2026-0003, КХ-2027-0001 and the one mended in the
	# company test (1 000,00 each), and the one of 833,33
	printf "%s\n" "count(*),sum(l.sum)" "5,483333" >expect &&
	test_cmp expect out
'

test_expect_success 'roles: a manager works their clients'"'"' invoices, the accountant all, the lab none' '
	kontora employee add --login vera --name "Вера Орлова" --role manager >/dev/null &&
	CV=$(kontora client add --name "Клиент Веры" --inn 7702070139 --to vera) &&
	IV=$(KONTORA_USER=vera kontora invoice new --client $CV --line $G1:1) &&
	KONTORA_USER=anna kontora invoice list --all -f csv >out &&
	sed -n "/$IV/p" out >found && test_line_count = 0 found &&
	KONTORA_USER=vera kontora invoice list -f csv >out &&
	test_line_count = 2 out &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 env KONTORA_USER=anna kontora invoice new --client $CV --line $G1:1 2>err &&
	echo "kontora: error: client $CV: managers see only their own records (schemas/client.schema:12 access manager own); anna is a manager, the client is vera'"'"'s" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	KONTORA_USER=olga kontora invoice list --all -f csv >out &&
	grep $IV out && grep $(cat draft1) out &&
	KONTORA_USER=olga kontora invoice issue $IV >/dev/null &&
	KONTORA_USER=lena kontora invoice list --all -f csv >out &&
	test_line_count = 1 out &&
	KONTORA_USER=lena kontora doc_line list -f csv >out &&
	test_line_count = 1 out
'

test_expect_success 'kontora init copies the document types into new books' '
	kontora init ../fresh >/dev/null &&
	for f in schemas/invoice.schema schemas/proposal.schema schemas/doc_line.schema \
		workflows/invoice.flow workflows/proposal.flow
	do
		test_cmp $f ../fresh/$f || return 1
	done &&
	git -C ../fresh config -f kontora.conf invoice.number-format >out &&
	echo "{n}" >expect && test_cmp expect out
'

test_done
