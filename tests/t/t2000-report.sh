#!/bin/sh
test_description='kontora report: reports as data, every built-in one in every format, roles'
# See kontora-report(1) and kontora-report(5).  The books (today is
# 2026-11-23, test-lib.sh's KONTORA_NOW): anna and boris are managers.
# anna's client Ромашка (INN 7707083893) has four issued invoices of
# different ages: 1 (2026-07-01, 12 000, 145 days), 2 (2026-09-10, 10 000,
# 74 days), 3 (2026-10-10, 5 000, 44 days), 4 (2026-11-20, 1 000, 3 days);
# the bank paid 4 000 of 2 and 7 000 towards 3 (5 000 matched, 2 000 over).
# boris's client "=HYPERLINK(...)" (a formula, for the injection tests)
# has one invoice of 3 000 (2026-11-01).  Leads: anna 3 (one won 5 000 in
# October, one at proposal 2 000, one lost), boris 2 (one won 7 000, one
# new), from sources web / autumn and phone.  Each issued invoice gives its
# manager a task due 10 days later (workflows/invoice.flow), so anna has
# four overdue tasks today, boris one.  A calculation of the lab for Гель
# is done (cost 600 a unit), another is open and overdue.
. "$(dirname "$0")/test-lib.sh"

command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && test_set_prereq POPPLER
test_openpyxl
command -v soffice >/dev/null && test_set_prereq SOFFICE

EVIL='=HYPERLINK("http://evil.example/","Кликни")'

# statement FILE NUMBER DATE SUM PURPOSE: a one-payment bank statement
# (1C exchange, UTF-8) from Ромашка to the company.
statement () {
	cat >"$1" <<-EOF
	1CClientBankExchange
	ВерсияФормата=1.03
	Кодировка=UTF-8
	РасчСчет=40702810938000012345

	СекцияДокумент=Платежное поручение
	Номер=$2
	Дата=$3
	Сумма=$4
	ПлательщикСчет=40702810100000000001
	Плательщик=ИНН 7707083893 ООО «Ромашка»
	ПлательщикИНН=7707083893
	Плательщик1=ООО «Ромашка»
	ПолучательСчет=40702810938000012345
	Получатель=ООО «Батискаф»
	ПолучательИНН=5024045017
	Получатель1=ООО «Батискаф»
	ДатаПоступило=$3
	НазначениеПлатежа=$5
	КонецДокумента
	КонецФайла
	EOF
}

# invoice_at DATE CLIENT QTY: an issued invoice of QTY x 1 000 made on DATE.
invoice_at () {
	I=$(KONTORA_NOW=${1}T09:00:00Z kontora invoice new --client $2 --line $G:$3) &&
	KONTORA_NOW=${1}T09:00:00Z kontora invoice issue $I >/dev/null
}

# lead_at DATE LOGIN SOURCE CAMPAIGN AMOUNT [TRANSITION]: a lead of LOGIN.
lead_at () {
	L=$(KONTORA_NOW=${1}T09:00:00Z kontora lead add --title "Лид $1 $2" --to $2 \
		--source $3 --utm-campaign "$4" --amount $5) &&
	if test -n "$6"
	then
		KONTORA_NOW=${1}T10:00:00Z kontora lead $6 $L ${7:+--reason $7} >/dev/null
	fi
}

test_expect_success 'setup: managers, clients, invoices, payments, leads, tasks' '
	test_books books &&
	cd books &&
	test_company &&
	kontora employee add --login boris --name "Борис Иванов" --role manager >/dev/null &&
	kontora employee add --login olga --name "Ольга Счетова" --role accountant >/dev/null &&
	C=$(kontora client add --name Ромашка --inn 7707083893 --kpp 773601001 \
		--address "Москва" --to anna) &&
	E=$(kontora client add --name "$EVIL" --inn 5024045017 --kpp 502401001 \
		--address "Москва" --to boris) &&
	G=$(kontora product add --name "Гель" --price 1000 --unit pcs) &&
	invoice_at 2026-07-01 $C 12 &&
	invoice_at 2026-09-10 $C 10 &&
	invoice_at 2026-10-10 $C 5 &&
	invoice_at 2026-11-20 $C 1 &&
	invoice_at 2026-11-01 $E 3 &&
	statement ../s1.txt 501 15.11.2026 4000.00 "Оплата по счету N2" &&
	statement ../s2.txt 502 16.11.2026 7000.00 "Оплата по счету N3" &&
	KONTORA_USER=olga kontora import bank ../s1.txt 2>/dev/null &&
	KONTORA_USER=olga kontora import bank ../s2.txt 2>/dev/null &&
	lead_at 2026-10-05 anna web autumn 5000 won &&
	lead_at 2026-11-02 anna web autumn 2000 propose &&
	lead_at 2026-11-03 anna phone "" 1000 lost price &&
	lead_at 2026-11-10 boris web spring 7000 won &&
	lead_at 2026-11-12 boris phone "" 3000 &&
	KONTORA_NOW=2026-11-01T09:00:00Z kontora task add --text "Позвонить" --on $C \
		--to anna --due 2026-11-10 >/dev/null &&
	kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null &&
	R=$(KONTORA_USER=anna KONTORA_NOW=2026-11-02T09:00:00Z kontora lab calc new --client $C \
		--product $G --wishes "Без запаха" --due 2026-11-10) &&
	KONTORA_USER=anna kontora lab calc send $R >/dev/null &&
	KONTORA_USER=elena kontora calc_request take $R >/dev/null &&
	KONTORA_USER=elena kontora lab calc finish $R --formula "ПАВ 12%" --cost 600 >/dev/null &&
	R=$(KONTORA_USER=anna KONTORA_NOW=2026-11-05T09:00:00Z kontora lab calc new --client $C \
		--product $G --wishes "С запахом" --due 2026-11-20) &&
	KONTORA_USER=anna kontora lab calc send $R >/dev/null &&
	git config -f kontora.conf plan.2026-11.anna 10000 &&
	git config -f kontora.conf plan.2026-11.boris 20000 &&
	git commit -q -m plans kontora.conf &&
	test_clean
'
cd books 2>/dev/null

# sql QUERY: the one value QUERY gives (kontora sql, as the admin).
sql () { kontora sql "$1" | sed -n 2p; }

test_expect_success 'new books hold the built-in reports; report list names them' '
	for r in funnel dynamics sources debts attention dashboard margin deals lab
	do
		git ls-files --error-unmatch reports/$r.sql >/dev/null || return 1
	done &&
	kontora report list >out &&
	test_grep "^debts	Дебиторская задолженность$" out &&
	test_grep "^funnel	Воронка продаж$" out
'
# total REPORT COLUMN [OPTIONS]: the report's total of COLUMN, from its JSON.
total () {
	r=$1 col=$2 &&
	shift 2 &&
	kontora report $r -f json "$@" >"$TEST_DIR/total.json" &&
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"][sys.argv[2]])' \
		"$TEST_DIR/total.json" $col
}

test_expect_success 'every built-in report in every format' '
	for r in funnel dynamics sources debts attention dashboard margin deals lab
	do
		kontora report $r >$r.tsv &&
		kontora report $r -f tsv -o $r.2.tsv &&
		test_cmp $r.tsv $r.2.tsv &&
		kontora report $r -f csv -o $r.csv &&
		kontora report $r -f json | test_json &&
		kontora report $r -f xlsx -o $r.xlsx &&
		kontora report $r -f pdf -o $r.pdf &&
		test -s $r.xlsx && test -s $r.pdf || return 1
	done &&
	test_clean
'

test_expect_success 'sources names the sources as dicts/lead_source.csv does' '
	kontora report sources -f csv >sources.csv &&
	test_grep "^Сайт / autumn,2," sources.csv &&
	test_grep "^Звонок,2," sources.csv &&
	! grep -e "^web" -e "^phone" sources.csv
'

test_expect_success 'the totals agree with kontora sql' '
	test "$(total funnel leads)" = "$(sql "select count(*) from lead where stage <> '"'lost'"'")" &&
	test "$(total funnel amount)" = \
		"$(sql "select printf('"'%.2f'"', sum(amount) / 100.0) from lead where stage <> '"'lost'"'")" &&
	test "$(total dynamics won)" = "$(sql "select count(*) from lead where stage = '"'won'"'")" &&
	test "$(total dynamics amount)" = \
		"$(sql "select printf('"'%.2f'"', sum(amount) / 100.0) from lead where stage = '"'won'"'")" &&
	test "$(total sources leads)" = "$(sql "select count(*) from lead")" &&
	owed=$(sql "select printf('"'%.2f'"', (sum(total) - (select sum(amount) from allocation)) / 100.0)
		from invoice where status in ('"'issued'"', '"'partly_paid'"', '"'paid'"')") &&
	test "$(total debts debt)" = "$owed" &&
	test "$(total attention debt)" = "$owed" &&
	test "$(total dashboard fact)" = \
		"$(sql "select printf('"'%.2f'"', sum(amount) / 100.0) from lead where stage = '"'won'"'
			and created >= '"'2026-11-01'"'")"
'

test_expect_success 'debts: the aging buckets and the overpayment, by hand' '
	test "$(total debts debt)" = 22000.00 &&
	test "$(total debts d0_30)" = 4000.00 &&
	test "$(total debts d31_60)" = 0.00 &&
	test "$(total debts d61_90)" = 6000.00 &&
	test "$(total debts d90)" = 12000.00 &&
	test "$(total debts overpaid)" = 2000.00 &&
	test "$(total debts debt --to 2026-10-31)" = 27000.00 &&
	test "$(total debts d0_30 --to 2026-10-31)" = 5000.00 &&
	test "$(total debts d31_60 --to 2026-10-31)" = 10000.00 &&
	test "$(total debts d61_90 --to 2026-10-31)" = 0.00 &&
	test "$(total debts overpaid --to 2026-10-31)" = 0.00
'

test_expect_success 'dynamics --by week: a row per week, named by its Monday' '
	kontora report dynamics --by week -f csv >out &&
	printf "month,won,amount,leads,conversion\r\n" >expect &&
	printf "2026-10-05,1,5000.00,1,100.0\r\n2026-11-02,0,0.00,2,0.0\r\n" >>expect &&
	printf "2026-11-09,1,7000.00,2,50.0\r\nИтого,2,12000.00,5,\r\n" >>expect &&
	test_cmp expect out &&
	test_expect_code 2 kontora report dynamics --by year
'

test_expect_success 'dashboard: the plans of kontora.conf, fact per manager' '
	kontora report dashboard -f csv >out &&
	test_grep "^Анна Петрова,10000.00,0.00,0.0,2,2,3,0,4,1" out &&
	test_grep "^Борис Иванов,20000.00,7000.00,35.0,2,2,1,0,1,0" out &&
	kontora report dashboard --from 2026-10-01 --to 2026-10-31 -f csv >out &&
	test_grep "^Анна Петрова,0.00,5000.00,,1,1,1,0,4,1" out
'

test_expect_success 'margin: the lab cost per unit against the price invoiced' '
	kontora report margin -f csv >out &&
	printf "product,qty,revenue,unit_cost,cost,profit,margin\r\n" >expect &&
	printf "Гель,31,31000.00,600.00,18600.00,12400.00,40.0\r\n" >>expect &&
	printf "Итого,,31000.00,,18600.00,12400.00,\r\n" >>expect &&
	test_cmp expect out &&
	test "$(total margin revenue)" = "$(sql "select printf('"'%.2f'"', sum(l.sum) / 100.0)
		from doc_line l join invoice i on i.id = l.document where i.status <> '"'draft'"'")" &&
	test "$(total margin revenue --from 2026-11-01)" = 4000.00
'

test_expect_success 'deals: margin per invoice, the same totals as per product' '
	kontora report deals -f csv >out &&
	test_grep "^1,2026-07-01,Ромашка,anna,12000.00,7200.00,4800.00,40.0" out &&
	test $(grep -c "^[0-9]" out) = 5 &&
	test "$(total deals profit)" = "$(total margin profit)" &&
	test "$(KONTORA_USER=boris total deals revenue)" = 3000.00
'

test_expect_success 'lab: open, overdue and done per product and lab employee (t2020: the days)' '
	kontora report lab -f csv >out &&
	head=product,lab,open,overdue,done,sent_avg,sent_days,in_work_avg,in_work_days &&
	printf "%s\r\n" "$head,rework_avg,rework_days,ready_avg,ready_days" \
		"Гель,—,1,1,0,0.0,0.0,,,,,," "Гель,Елена Орлова,0,0,1,0.0,0.0,0.0,0.0,,,," \
		"Итого,,1,1,1,,,,,,,," >expect &&
	test_cmp expect out
'

test_expect_success 'CSV: RFC 4180 with CRLF; a formula neutralised, numbers not' '
	head -1 debts.csv | od -c | grep -q "\\\\r  \\\\n" &&
	test $(grep -c "$(printf "\r")\$" debts.csv) = $(wc -l <debts.csv) &&
	grep -F "\"'"'"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Кликни\"\")\",boris,1,3000.00" debts.csv &&
	! grep "^=" debts.csv &&
	tr -d "\r" <debts.csv | python3 -c "
import csv, sys
rows = list(csv.reader(sys.stdin))
assert rows[0][0] == \"client\", rows[0]
assert [r[0][0] for r in rows[1:]] != []
assert all(not r[0].startswith((\"=\", \"+\", \"-\", \"@\")) for r in rows), rows
"
'

test_expect_success OPENPYXL 'XLSX: numbers, formats, frozen header, autofilter, totals, a chart' '
	"$XLSX_PY" - debts.xlsx "$EVIL" <<-\EOF &&
	import sys, openpyxl
	wb = openpyxl.load_workbook(sys.argv[1])
	ws = wb.active
	assert ws["A1"].value == "Дебиторская задолженность", ws["A1"].value
	head = [c.value for c in ws[4]]
	assert head[:4] == ["Клиент", "Менеджер", "Счетов", "Долг"], head
	assert ws.freeze_panes == "A5", ws.freeze_panes
	assert ws.auto_filter.ref == "A4:I6", ws.auto_filter.ref
	assert ws["C5"].value == 3 and ws["C5"].data_type == "n", ws["C5"].value
	assert ws["D5"].value == 19000 and "₽" in ws["D5"].number_format, ws["D5"].number_format
	evil = ws["A6"]
	assert evil.value == sys.argv[2] and evil.data_type == "s", (evil.value, evil.data_type)
	assert ws["A7"].value == "Итого"
	assert ws["D7"].value == "=SUM(D5:D6)", ws["D7"].value
	assert ws.column_dimensions["A"].width > 20
	assert len(ws._charts) == 1, ws._charts
	# Fitted to one page wide: fitToPage, and fitToWidth left at its default of 1.
	assert ws.page_setup.orientation == "landscape", ws.page_setup.orientation
	assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.sheet_properties.pageSetUpPr
	assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.page_setup
	assert ws.print_title_rows.replace("$", "") == "4:4", ws.print_title_rows
	EOF
	"$XLSX_PY" - dynamics.xlsx <<-\EOF
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1]).active
	assert ws["A5"].is_date and ws["A5"].number_format == "mm.yyyy", ws["A5"].number_format
	assert ws["E6"].value == 0.25 and ws["E6"].number_format == "0.0%", ws["E6"].value
	assert len(ws._charts) == 1
	EOF
'

test_expect_success OPENPYXL 'XLSX: the chart is of the report kind (line, bar)' '
	mkdir x &&
	(cd x && unzip -q ../dynamics.xlsx && grep -q "<c:lineChart>" xl/charts/chart1.xml) &&
	mkdir y &&
	(cd y && unzip -q ../funnel.xlsx && grep -q "<c:barDir val=.bar./>" xl/charts/chart1.xml)
'

test_expect_success SOFFICE 'XLSX: LibreOffice opens it and computes the same totals' '
	soffice --headless -env:UserInstallation=file://$TEST_DIR/lo \
		--convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false" --outdir lo-out debts.xlsx \
		>lo.log 2>&1 &&
	test_grep "^Итого,,4,22000,4000,0,6000,12000,2000" lo-out/debts.csv
'

test_expect_success POPPLER 'PDF: Cyrillic title, the totals, the page numbers' '
	pdftotext -layout debts.pdf debts.txt 2>/dev/null &&
	test_grep "Дебиторская задолженность" debts.txt &&
	test_grep "Итого .*22 000,00 ₽" debts.txt &&
	test_grep "Страница 1 из 1" debts.txt &&
	pdffonts debts.pdf 2>/dev/null | grep -q "DejaVuSans.*yes" &&
	pdftotext funnel.pdf - 2>/dev/null | grep -q "КП отправлено"
'

# colour PDF RRGGBB [DPI]: how many pixels of that colour page 1 of PDF has.
colour () {
	pdftoppm -r ${3:-50} -f 1 -l 1 "$1" page 2>/dev/null &&
	python3 - page-1.ppm "$2" <<-\EOF
	import sys
	data = open(sys.argv[1], "rb").read()
	parts = data.split(maxsplit=4)
	w, h, pix = int(parts[1]), int(parts[2]), parts[4]
	want = bytes.fromhex(sys.argv[2])
	print(sum(1 for i in range(0, w * h * 3, 3) if pix[i:i + 3] == want))
	EOF
}

test_expect_success POPPLER 'PDF: the chart is drawn in vectors, in the series colours' '
	test "$(pdfimages -list debts.pdf 2>/dev/null | wc -l)" -le 2 &&
	test $(colour dashboard.pdf 2f6db5) -gt 500 &&
	test $(colour dashboard.pdf e0823d) -gt 100 &&
	test $(colour funnel.pdf 2f6db5) -gt 500
'

test_expect_success POPPLER 'PDF: overdue tasks in red (alert), none where there are none' '
	test $(colour dashboard.pdf c62828 200) -gt 10 &&
	kontora employee add --login vera --name "Вера Новикова" --role manager >/dev/null &&
	kontora report dashboard --manager vera -f pdf -o vera.pdf &&
	pdftotext vera.pdf - 2>/dev/null | grep -q "Вера Новикова" &&
	test $(colour vera.pdf c62828 200) = 0
'

test_expect_success OPENPYXL 'XLSX: the alert column has its red conditional format' '
	"$XLSX_PY" - dashboard.xlsx <<-\EOF
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1]).active
	rules = [(str(cf.sqref), r.operator, r.formula) for cf in ws.conditional_formatting for r in cf.rules]
	assert rules == [("I5:I6", "greaterThan", ["0"])], rules
	EOF
'

test_expect_success POPPLER 'PDF: a long table breaks across pages, its header repeated' '
	cat >reports/long.sql <<-\EOF &&
	-- title: Длинный отчет
	-- column: name text Название
	-- column: n int Номер строки
	-- column: amount money Сумма
	-- total: n amount
	WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 150)
	SELECT '"'Строка '"' || n AS name, n, n * 100 AS amount FROM s
	EOF
	kontora report long -f pdf -o long.pdf &&
	pdftotext -layout long.pdf long.txt 2>/dev/null &&
	pages=$(grep -c "Страница [0-9] из" long.txt) &&
	test $pages -ge 3 &&
	test $(grep -c "Номер" long.txt) = $pages &&
	test_grep "Страница $pages из $pages" long.txt &&
	test_grep "Строка 150" long.txt &&
	test_grep "Итого .*11325 .*11 325,00 ₽" long.txt &&
	rm reports/long.sql
'

test_expect_success 'a manager sees only what is hers' '
	KONTORA_USER=anna kontora report debts -f csv >anna.csv &&
	test_grep "^Ромашка,anna" anna.csv &&
	! grep -e boris -e HYPERLINK anna.csv &&
	KONTORA_USER=anna kontora report dashboard -f csv >anna.csv &&
	! grep -e Борис -e 20000 anna.csv &&
	test "$(KONTORA_USER=anna total sources leads)" = \
		"$(sql "select count(*) from lead where manager = '"'anna'"'")" &&
	KONTORA_USER=anna kontora report attention -f csv >anna.csv &&
	! grep -e boris anna.csv &&
	for f in xlsx pdf
	do
		KONTORA_USER=anna kontora report debts -f $f -o anna.$f || return 1
	done &&
	pdftotext anna.pdf - 2>/dev/null >anna.txt &&
	! grep -e boris -e HYPERLINK anna.txt
'

test_expect_success 'a report reads nothing but the tables of record types' '
	cat >reports/peek.sql <<-\EOF &&
	-- column: n int N
	SELECT count(*) AS n FROM fts
	EOF
	kontora report peek >out &&
	test_expect_code 1 env KONTORA_USER=anna kontora report peek >out 2>err &&
	test_grep "only the tables of record types can be read" err &&
	test_line_count = 0 out &&
	rm reports/peek.sql
'

test_expect_success 'a new report is a file: no C' '
	cat >reports/by-manager.sql <<-\EOF &&
	-- title: Лиды по менеджерам
	-- column: manager text Менеджер
	-- column: leads int Лидов
	-- total: leads
	-- chart: bar manager leads
	SELECT manager, count(*) AS leads FROM lead
	WHERE :manager IS NULL OR manager = :manager GROUP BY manager ORDER BY manager
	EOF
	kontora report list >out &&
	test_grep "^by-manager	Лиды по менеджерам" out &&
	kontora report by-manager -f csv >out &&
	printf "manager,leads\r\nanna,3\r\nboris,2\r\nИтого,5\r\n" >expect &&
	test_cmp expect out &&
	kontora report by-manager --manager boris -f csv >out &&
	printf "manager,leads\r\nboris,2\r\nИтого,2\r\n" >expect &&
	test_cmp expect out
'

test_expect_success 'bad report files: the file and line named, exit 1' '
	printf -- "-- title: x\n-- column: a money\n-- chart: pie a a\nSELECT 1 AS a\n" >reports/bad.sql &&
	test_expect_code 1 kontora report bad 2>err &&
	test_grep "reports/bad.sql:3: chart: KIND" err &&
	printf -- "-- column: a int A\n-- column: b int B\nSELECT 1 AS a\n" >reports/bad.sql &&
	test_expect_code 1 kontora report bad 2>err &&
	test_grep "reports/bad.sql: the SQL gives 1 columns, the header declares 2" err &&
	printf -- "-- column: a money A\nSELECT '"'x'"' AS a\n" >reports/bad.sql &&
	test_expect_code 1 kontora report bad -f pdf -o bad.pdf 2>err &&
	test_grep "row 1, column a: .x. is no integer" err &&
	! test -e bad.pdf &&
	printf -- "-- column: a int A\n-- colour: red\nSELECT 1 AS a\n" >reports/bad.sql &&
	test_expect_code 1 kontora report bad 2>err &&
	test_grep "reports/bad.sql:2: unknown key" err &&
	rm reports/bad.sql &&
	test_expect_code 1 kontora report nosuch 2>err &&
	test_grep "no report nosuch" err &&
	mv reports ../reports.away &&
	test_expect_code 1 kontora report funnel 2>err &&
	test_grep "these books have no reports/: copy reports/ from" err &&
	mv ../reports.away reports &&
	git diff --quiet HEAD -- reports
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 kontora report debts --from 2026-13-01 2>err &&
	test_grep "not a date" err &&
	test_expect_code 2 kontora report debts --from 2026-11-10 --to 2026-11-01 &&
	test_expect_code 2 kontora report debts -f pdf 2>err &&
	test_grep "give it with -o FILE" err &&
	test_expect_code 2 kontora report debts -f docx &&
	test_expect_code 2 kontora report debts --mail a@b.c &&
	test_expect_code 2 kontora report &&
	kontora report -h >out &&
	test_grep "^usage: kontora report NAME" out
'

smtp_start

test_expect_success SMTP '--mail sends the PDF through a real SMTP server' '
	for i in $(seq 100); do
		test -s "$TEST_DIR/port" && break
		sleep 0.1
	done &&
	port=$(cat "$TEST_DIR/port") &&
	kontora config mail.from "Батискаф <robot@batiskaf.ru>" &&
	kontora config mail.sendmail \
		"msmtp --host=127.0.0.1 --port=$port --auth=off --tls=off --read-envelope-from -t" &&
	kontora report dashboard -f pdf --mail director@batiskaf.ru --mail oleg@batiskaf.ru \
		--from 2026-11-01 --to 2026-11-30 >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test -s "$TEST_DIR/inbox/1.eml" &&
	"$PY" - "$TEST_DIR/inbox/1.eml" <<-\EOF
	import email, email.policy, sys
	m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
	assert [a.addr_spec for a in m["To"].addresses] == ["director@batiskaf.ru", "oleg@batiskaf.ru"], m["To"]
	assert m["Subject"] == "Сводка по менеджерам: 01.11.2026 – 30.11.2026", m["Subject"]
	files = [p for p in m.walk() if p.get_filename()]
	assert [p.get_filename() for p in files] == ["dashboard.pdf"], files
	assert files[0].get_content_type() == "application/pdf"
	assert files[0].get_payload(decode=True).startswith(b"%PDF-")
	EOF
'

# cron mails what a job prints: a mailed report says so on a terminal only.
test_expect_success SMTP,SCRIPT 'on a terminal --mail says where the report went' '
	on_tty "kontora report dashboard -f pdf --mail director@batiskaf.ru --mail oleg@batiskaf.ru" >out &&
	test_grep "^kontora: report dashboard sent to director@batiskaf.ru, oleg@batiskaf.ru$" out &&
	test -s "$TEST_DIR/inbox/2.eml"
'

test_expect_success SMTP 'stop the SMTP server' 'smtp_stop'

test_done
