#!/bin/sh
test_description='kontora report: many rows in bounded memory; the PDF prints 2,000, its totals of all'
# See kontora-report(1), "Many rows".  reports/many.sql gives 2,500 rows
# (Строка 1 .. Строка 2500, n = 1 .. 2500, amount n roubles), more than
# the 2,000 a PDF prints: its totals are of all 2,500 (n 3 126 250, amount
# 3 126 250,00 ₽), and every other format has every row.
. "$(dirname "$0")/test-lib.sh"

command -v pdftotext >/dev/null && test_set_prereq POPPLER
test_openpyxl

test_expect_success 'setup: a report of 2,500 rows' '
	test_books books &&
	cat >books/reports/many.sql <<-\EOF
	-- title: Много строк
	-- column: name text Название
	-- column: n int Номер
	-- column: amount money Сумма
	-- total: n amount
	-- chart: bar name n
	WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2500)
	SELECT '"'Строка '"' || n AS name, n, n * 100 AS amount FROM s
	EOF
'
cd books 2>/dev/null

test_expect_success POPPLER 'PDF: the first 2,000 rows, the totals of all 2,500, what was left out' '
	kontora report many -f pdf -o many.pdf 2>err &&
	test_grep "report many: 2000 of 2500 rows written, the totals of them all" err &&
	pdftotext -layout many.pdf many.txt 2>/dev/null &&
	test_grep "Строка 2000 " many.txt &&
	! grep "Строка 2001 " many.txt &&
	test_grep "Итого *3126250 *3 126 250,00 ₽" many.txt &&
	tr "\n" " " <many.txt | sed "s/  */ /g" >flat.txt &&
	test_grep "Строк в отчете: 2 500; показаны первые 2 000, не вошли 500\. Итоги — по всем строкам\." flat.txt &&
	test_grep "Все строки: kontora report many -f xlsx или -f csv без --limit" flat.txt
'

test_expect_success POPPLER 'PDF: --limit sets the bound either way; all rows, no note' '
	kontora report many -f pdf --limit 3000 -o all.pdf 2>err &&
	test ! -s err &&
	pdftotext -layout all.pdf all.txt 2>/dev/null &&
	test_grep "Строка 2500 " all.txt &&
	test_grep "Итого *3126250" all.txt &&
	! grep "Строк в отчете" all.txt &&
	kontora report many -f pdf --limit 5 -o five.pdf 2>/dev/null &&
	pdftotext -layout five.pdf five.txt 2>/dev/null &&
	test_grep "Строка 5 " five.txt &&
	! grep "Строка 6 " five.txt &&
	test_grep "Итого *3126250" five.txt &&
	test $(pdfinfo five.pdf | sed -n "s/^Pages: *//p") = 1
'

test_expect_success OPENPYXL 'XLSX: every row, totals of SUM formulas with their values' '
	kontora report many -f xlsx -o many.xlsx 2>err &&
	test ! -s err &&
	"$XLSX_PY" - many.xlsx <<-\EOF
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1]).active
	names = [ws.cell(row=i, column=1).value for i in range(5, 2505)]
	assert names == ["Строка %d" % n for n in range(1, 2501)], names[-3:]
	assert ws["A2505"].value == "Итого", ws["A2505"].value
	assert ws["B2505"].value == "=SUM(B5:B2504)", ws["B2505"].value
	assert ws["C2505"].value == "=SUM(C5:C2504)", ws["C2505"].value
	assert ws.auto_filter.ref == "A4:C2504", ws.auto_filter.ref
	assert ws["A2506"].value is None
	cached = openpyxl.load_workbook(sys.argv[1], data_only=True).active
	assert cached["B2505"].value == 3126250, cached["B2505"].value
	assert cached["C2505"].value == 3126250, cached["C2505"].value
	EOF
'

test_expect_success PYTHON 'XLSX: the chart draws the first 1,000 rows of 2,500' '
	kontora report many -f xlsx -o chart.xlsx &&
	python3 -c "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read(\"xl/charts/chart1.xml\").decode())" \
		chart.xlsx >chart.xml &&
	test_grep -F "!\$A\$5:\$A\$1004</c:f>" chart.xml &&
	test_grep -F "!\$B\$5:\$B\$1004</c:f>" chart.xml
'

test_expect_success OPENPYXL 'XLSX with --limit: the rows shown, the totals of all as numbers, a note' '
	kontora report many -f xlsx --limit 10 -o ten.xlsx 2>err &&
	test_grep "report many: 10 of 2500 rows written" err &&
	"$XLSX_PY" - ten.xlsx <<-\EOF
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1]).active
	assert ws["A14"].value == "Строка 10" and ws["A15"].value == "Итого", ws["A15"].value
	assert ws["B15"].value == 3126250 and ws["C15"].value == 3126250, ws["B15"].value
	assert ws["A16"].value.startswith("Строк в отчете: 2\u00a0500; показаны первые 10,"), ws["A16"].value
	EOF
'

test_expect_success 'CSV, TSV and JSON: every row and the totals; --limit the first N' '
	kontora report many -f csv >many.csv &&
	test_line_count = 2502 many.csv &&
	test_grep "^Строка 2500,2500,2500.00" many.csv &&
	tail -n 1 many.csv | grep "^Итого,3126250,3126250.00" &&
	kontora report many -f tsv >many.tsv &&
	test_line_count = 2502 many.tsv &&
	kontora report many -f json >many.json &&
	python3 - <<-\EOF &&
	import json
	d = json.load(open("many.json"))
	assert len(d["rows"]) == 2500 and d["rows"][-1]["n"] == 2500, d["rows"][-1]
	assert d["totals"] == {"n": 3126250, "amount": "3126250.00"}, d["totals"]
	EOF
	kontora report many -f csv --limit 3 >three.csv 2>err &&
	printf "name,n,amount\r\nСтрока 1,1,1.00\r\nСтрока 2,2,2.00\r\nСтрока 3,3,3.00\r\nИтого,3126250,3126250.00\r\n" >expect &&
	test_cmp expect three.csv &&
	test_grep "report many: 3 of 2500 rows written" err
'

# A table on a terminal is printed a block of 1,000 rows at a time, its
# widths only growing (kontora-report(1), "Many rows"): rows 1-2000 are
# as wide as "Номер" and "1 000,00 ₽" (the labels and values of the
# first block), rows 2001-2500 and the totals as wide as the totals.
test_expect_success SCRIPT 'a table on a terminal: every row, the labels once, in blocks of 1,000' '
	on_tty "kontora report many" >out &&
	test_line_count = 2502 out &&
	test $(grep -c "^Название" out) = 1 &&
	test_grep "^Название     Номер  Сумма$" out &&
	test_grep "^Строка 1     1      1,00 ₽$" out &&
	test_grep "^Строка 2000  2000   2 000,00 ₽$" out &&
	test_grep "^Строка 2001  2001     2 001,00 ₽$" out &&
	test_grep "^Строка 2500  2500     2 500,00 ₽$" out &&
	test_grep "^Итого        3126250  3 126 250,00 ₽$" out
'

test_expect_success SCRIPT 'a table on a terminal: a block widens for a longer value, never narrows' '
	sed "s/'"'"'Строка '"'"' || n AS name/CASE WHEN n = 1500 THEN '"'"'Строка полторы тысячи'"'"' ELSE '"'"'Строка '"'"' || n END AS name/" \
		reports/many.sql >reports/wide.sql &&
	grep "полторы" reports/wide.sql &&
	on_tty "kontora report wide" >out &&
	test_grep "^Строка 1000  1000   1 000,00 ₽$" out &&
	test_grep "^Строка 1001            1001   1 001,00 ₽$" out &&
	test_grep "^Строка полторы тысячи  1500   1 500,00 ₽$" out &&
	test_grep "^Строка 2001            2001     2 001,00 ₽$" out &&
	test_grep "^Итого                  3126250  3 126 250,00 ₽$" out &&
	rm reports/wide.sql
'

test_expect_success SCRIPT 'a table on a terminal: the totals line up with the last block of 1,000' '
	sed "s/n < 2500/n < 2000/" reports/many.sql >reports/even.sql &&
	on_tty "kontora report even" >out &&
	test_line_count = 2002 out &&
	test_grep "^Строка 1000  1000   1 000,00 ₽$" out &&
	test_grep "^Строка 1001  1001     1 001,00 ₽$" out &&
	test_grep "^Строка 2000  2000     2 000,00 ₽$" out &&
	test_grep "^Итого        2001000  2 001 000,00 ₽$" out &&
	rm reports/even.sql
'

# Totals of kopecks over many rows: odd kopecks, refunds below zero and
# empty cells, 3,000 rows (more than a PDF prints).  The sums, worked out
# apart: n 3858858 (every n but multiples of 7), amount 370662757
# kopecks (n*101+7, -(n*3+1) for multiples of 10, none for other
# multiples of 11).
test_expect_success 'totals of kopecks over 3,000 rows: exact in every format' '
	cat >reports/kopecks.sql <<-\EOF &&
	-- title: Копейки
	-- column: name text Название
	-- column: n int Номер
	-- column: amount money Сумма
	-- total: n amount
	WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3000)
	SELECT '"'Строка '"' || n AS name, CASE WHEN n % 7 = 0 THEN NULL ELSE n END AS n,
	       CASE WHEN n % 10 = 0 THEN -(n * 3 + 1) WHEN n % 11 = 0 THEN NULL
	            ELSE n * 101 + 7 END AS amount
	FROM s
	EOF
	kontora report kopecks -f csv >k.csv &&
	tail -n 1 k.csv | test_grep "^Итого,3858858,3706627.57" &&
	kontora report kopecks -f csv --limit 1 >k1.csv 2>/dev/null &&
	tail -n 1 k1.csv | test_grep "^Итого,3858858,3706627.57" &&
	kontora report kopecks -f json >k.json &&
	sed -n "/\"totals\"/,\$p" k.json >totals &&
	test_grep "\"n\": 3858858,$" totals &&
	test_grep "\"amount\": \"3706627.57\"$" totals &&
	if test_have_prereq POPPLER
	then
		kontora report kopecks -f pdf -o k.pdf 2>/dev/null &&
		pdftotext -layout k.pdf k.txt 2>/dev/null &&
		test_grep "Итого *3858858 *3 706 627,57 ₽" k.txt
	fi &&
	if test_have_prereq SCRIPT
	then
		on_tty "kontora report kopecks" >k.out &&
		test_grep "^Итого        3858858  3 706 627,57 ₽$" k.out
	fi
'

# A date column's cells are DD.MM.YYYY on a terminal (months MM.YYYY),
# but its totals cell is "Итого", ten bytes of UTF-8 as a date is: it
# stays as it is.
test_expect_success SCRIPT 'a table on a terminal: a date first, its totals row still Итого' '
	cat >reports/days.sql <<-\EOF &&
	-- title: По дням
	-- column: day date День
	-- column: month date Месяц
	-- column: amount money Сумма
	-- total: amount
	SELECT '"'2026-11-0'"' || n AS day, '"'2026-11'"' AS month, n * 150 AS amount
	FROM (SELECT 1 AS n UNION ALL SELECT 2)
	EOF
	on_tty "kontora report days" >out &&
	cat >expect <<-\EOF &&
	День        Месяц    Сумма
	01.11.2026  11.2026  1,50 ₽
	02.11.2026  11.2026  3,00 ₽
	Итого                4,50 ₽
	EOF
	test_cmp expect out &&
	rm reports/days.sql
'

test_expect_success 'a report that fails half way leaves no file, an old one as it was' '
	echo old >old.csv &&
	cp old.csv keep.csv &&
	sed "s/n \* 100 AS amount/CASE WHEN n = 2100 THEN '"'x'"' ELSE n * 100 END AS amount/" \
		reports/many.sql >reports/bad.sql &&
	for f in csv json xlsx pdf
	do
		test_expect_code 1 kontora report bad -f $f -o new.$f 2>err &&
		test_grep "reports/bad.sql: row 2100, column amount: .x. is no integer" err &&
		! test -e new.$f || return 1
	done &&
	test_expect_code 1 kontora report bad -f csv -o old.csv 2>err &&
	test_cmp keep.csv old.csv &&
	test -z "$(ls | grep tmp)" &&
	rm reports/bad.sql
'

# A total is int64 kopecks (or units): one that would pass 2^63 - 1 is
# an error naming the row and column, never a wrapped figure; one that
# comes back within bounds on the way is right.
test_expect_success 'a total past 64 bits is an error naming row and column; no file' '
	cat >reports/big.sql <<-\EOF &&
	-- title: Большие
	-- column: name text Название
	-- column: amount money Сумма
	-- total: amount
	SELECT '"'a'"' AS name, 9223372036854775807 AS amount
	UNION ALL SELECT '"'b'"', -1 UNION ALL SELECT '"'c'"', -9223372036854775807
	EOF
	kontora report big -f csv >back.csv &&
	tail -n 1 back.csv | test_grep "^Итого,-0.01" &&
	sed -i "s/-1 UNION ALL/1 UNION ALL/" reports/big.sql &&
	for f in csv json xlsx pdf
	do
		test_expect_code 1 kontora report big -f $f -o big.$f 2>err &&
		test_grep "^kontora: error: reports/big.sql: row 2, column amount: the total passes what 64 bits hold$" err &&
		! test -e big.$f || return 1
	done &&
	rm reports/big.sql
'

test_expect_success 'CSV, JSON and XLSX to a symbolic link: written where it points, never replaced' '
	ln -s target.csv link.csv &&
	kontora report many -f csv --limit 2 -o link.csv 2>/dev/null &&
	test -L link.csv &&
	test_grep "^Строка 2,2,2.00" target.csv &&
	ln -s target.json link.json &&
	kontora report many -f json --limit 2 -o link.json 2>/dev/null &&
	test -L link.json &&
	test_grep "\"totals\"" target.json &&
	ln -s target.xlsx link.xlsx &&
	kontora report many -f xlsx --limit 2 -o link.xlsx 2>/dev/null &&
	test -L link.xlsx &&
	test -s target.xlsx
'

test_expect_success 'a report without totals and rows left out says nothing of totals' '
	sed "/^-- total:/d" reports/many.sql >reports/bare.sql &&
	kontora report bare -f csv --limit 2 >bare.csv 2>err &&
	! grep Итого bare.csv &&
	test_grep "report bare: 2 of 2500 rows written (kontora-report" err &&
	! grep "totals" err &&
	if test_have_prereq OPENPYXL
	then
		kontora report bare -f xlsx --limit 2 -o bare.xlsx 2>/dev/null &&
		"$XLSX_PY" - bare.xlsx <<-\EOF
		import sys, openpyxl
		ws = openpyxl.load_workbook(sys.argv[1]).active
		cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
		assert not any("Итог" in c for c in cells), cells
		assert any(c.startswith("Строк в отчете: 2\u00a0500; показаны первые 2, не вошли 2\u00a0498. Все строки") for c in cells), cells
		EOF
	fi &&
	rm reports/bare.sql
'

test_expect_success '--limit 0 is no limit, as in search and list: every row' '
	kontora report many -f csv --limit 0 >zero.csv 2>err &&
	test ! -s err &&
	test_cmp many.csv zero.csv
'

test_expect_success POPPLER 'PDF with --limit 0: every row printed, no note' '
	kontora report many -f pdf --limit 0 -o zero.pdf 2>err &&
	test ! -s err &&
	pdftotext -layout zero.pdf zero.txt 2>/dev/null &&
	test_grep "Строка 2500 " zero.txt &&
	test_grep "Итого *3126250 *3 126 250,00 ₽" zero.txt &&
	! grep "Строк в отчете" zero.txt
'

test_expect_success 'a negative or non-numeric --limit is a usage error naming the value' '
	for v in x -3 2k "" -0
	do
		test_expect_code 2 kontora report many --limit "$v" >out 2>err &&
		test_grep "^kontora: error: --limit $v: not a number of rows (0: all of them)$" err &&
		test_grep "^usage: kontora report" err &&
		test ! -s out || return 1
	done
'

test_done
