#!/bin/sh
test_description='kontora invoice|proposal pdf|xlsx: the documents as the customer gets them'
# See kontora-invoice(1), kontora-proposal(1), docs/documents.md.  The
# clock is 2026-11-23 10:00 UTC.  What was written is read back with the
# tools a customer's side would use: pdftotext, qpdf, pdffonts, zbarimg
# (the payment QR code), openpyxl and LibreOffice.  Money is worked out
# by hand in the comments.
. "$(dirname "$0")/test-lib.sh"

command -v pdftotext >/dev/null && test_set_prereq PDFTOTEXT
command -v qpdf >/dev/null && test_set_prereq QPDF
command -v pdffonts >/dev/null && test_set_prereq PDFFONTS
command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null && test_set_prereq ZBAR
command -v soffice >/dev/null && test_set_prereq SOFFICE
# openpyxl may live in the system's python only (not in a pyenv's).
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import openpyxl' 2>/dev/null; then
		PY=$py
		test_set_prereq OPENPYXL
		break
	fi
done

# pdf_text FILE: the text of a PDF, its blanks and newlines one space each.
pdf_text () {
	pdftotext -enc UTF-8 "$1" - 2>/dev/null | tr -s ' \n\f' '   '
}

# has_all FILE STRING...: every STRING is in FILE; says which is not.
has_all () {
	f=$1 &&
	shift &&
	for want in "$@"
	do
		grep -F -- "$want" "$f" >/dev/null || { echo "missing: $want"; return 1; }
	done
}

test_expect_success 'setup: company, a client with an e-mail, products, a draft invoice' '
	test_books books &&
	cd books &&
	test_company &&
	kontora employee add --login lena --name "Лена Лабова" --role lab >/dev/null &&
	C=$(kontora client add --name Ромашка --legal-name "ООО «Ромашка»" --inn 7707083893 \
		--kpp 773601001 --address "Москва, ул. Ленина, 1" --email buh@romashka.ru --to anna) &&
	G1=$(kontora product add --name "Гель для посуды 5 л" --price 1000 --unit pcs) &&
	G2=$(kontora product add --name "Ёлочная гирлянда «Снегурочка»" --price "333,33" --unit kg) &&
	I=$(kontora invoice new --client $C --line $G1:10 --line "$G2:1,5" --due 2026-11-30) &&
	P=$(kontora proposal new --client $C --line $G1:2 --valid-until 2026-12-31) &&
	echo "$C $I $P $G1" >../ids
'
cd books 2>/dev/null
read C I P G1 <../ids 2>/dev/null

test_expect_success PDFTOTEXT 'a draft renders to invoice-ID.pdf and says it is a draft' '
	kontora invoice pdf $I 2>err &&
	echo "kontora: invoice $I written to invoice-$I.pdf" >expect &&
	test_cmp expect err &&
	pdf_text invoice-$I.pdf >text &&
	has_all text "Счет на оплату (черновик) от 23 ноября 2026 г." &&
	! grep -F "№ 1 от" text &&
	test_clean
'

test_expect_success PDFTOTEXT 'issued: invoice-1.pdf has every number, the requisites, the words' '
	kontora invoice issue $I >/dev/null &&
	kontora invoice pdf $I 2>err &&
	test_grep "written to invoice-1.pdf" err &&
	pdf_text invoice-1.pdf >text &&
	# 10 × 1 000,00 = 10 000,00; 1,5 × 333,33 = 499,995 -> 500,00;
	# 10 500,00 in all, VAT 22% in it 1 803,28 + 90,16 = 1 893,44.
	has_all text "Счет на оплату № 1 от 23 ноября 2026 г." \
		"Гель для посуды 5 л 10 шт 1 000,00 10 000,00" \
		"Ёлочная гирлянда «Снегурочка» 1,5 кг 333,33 500,00" \
		"Итого: 10 500,00" "В том числе НДС 22%: 1 893,44" "Всего к оплате: 10 500,00" \
		"Всего наименований 2, на сумму 10 500,00 руб." \
		"Десять тысяч пятьсот рублей 00 копеек" \
		"Оплатить не позднее 30 ноября 2026 г." \
		"ПАО Сбербанк" "044525225" "30101810400000000225" "40702810938000012345" \
		"ООО «Батискаф», ИНН 5024045017, КПП 502401001" \
		"ООО «Ромашка», ИНН 7707083893, КПП 773601001, Москва, ул. Ленина, 1" \
		"Смирнов Олег Викторович" "Кузнецова Ирина Павловна" "Страница 1 из 1" &&
	! grep -F "черновик" text
'

test_expect_success QPDF 'qpdf finds the PDF sound' '
	qpdf --check invoice-1.pdf >out &&
	test_grep "No syntax or stream encoding errors" out
'

test_expect_success PDFFONTS 'every font is embedded' '
	pdffonts invoice-1.pdf >fonts 2>/dev/null &&
	sed 1,2d fonts >rows &&
	test -s rows &&
	! awk "{ if (\$(NF-4) != \"yes\") bad = 1 } END { exit !bad }" rows
'

test_expect_success ZBAR 'the QR code holds the ГОСТ Р 56042-2014 payment, built here by hand' '
	pdftoppm -r 200 -png -f 1 -l 1 -singlefile invoice-1.pdf page &&
	zbarimg -q --raw -Sbinary page.png >got 2>/dev/null &&
	printf "%s" "ST00012|Name=ООО «Батискаф»|PersonalAcc=40702810938000012345" \
		"|BankName=ПАО Сбербанк|BIC=044525225|CorrespAcc=30101810400000000225" \
		"|PayeeINN=5024045017|KPP=502401001" \
		"|Purpose=Оплата по счету № 1 от 23.11.2026, в т.ч. НДС 1 893,44 руб.|Sum=1050000" >expect &&
	printf "%s" "$(cat got)" >actual &&
	test_cmp expect actual
'

test_expect_success 'the PDF is made the same each time: -o writes where told' '
	kontora invoice pdf $I -o again.pdf 2>/dev/null &&
	cmp invoice-1.pdf again.pdf
'

test_expect_success OPENPYXL 'the XLSX: money and quantities are numbers with formats' '
	kontora invoice xlsx $I 2>err &&
	test_grep "written to invoice-1.xlsx" err &&
	"$PY" - invoice-1.xlsx >out <<-\EOF &&
	import re, sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1]).active
	cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
	def find(v):
	    return [c for c in cells if c.value == v and not isinstance(c.value, str)]
	for v in (10000, 500, 10500, 1893.44, 1000, 333.33, 1.5, 10):
	    c = find(v)
	    print(v, "number" if c else "missing", c and c[0].number_format)
	texts = " ".join(str(c.value) for c in cells if isinstance(c.value, str))
	for t in ("Счет на оплату № 1 от 23 ноября 2026 г.", "Ёлочная гирлянда «Снегурочка»",
	          "Десять тысяч пятьсот рублей 00 копеек", "044525225"):
	    print(t in texts, t)
	# Money as text would be a cell that is only an amount.
	print("money as text:", any(re.fullmatch(r"[0-9 ]+,[0-9]{2}", c.value)
	                            for c in cells if isinstance(c.value, str)))
	print("sheet:", ws.title)
	EOF
	cat >expect <<-\EOF &&
	10000 number #,##0.00
	500 number #,##0.00
	10500 number #,##0.00
	1893.44 number #,##0.00
	1000 number #,##0.00
	333.33 number #,##0.00
	1.5 number #,##0.###
	10 number #,##0.###
	True Счет на оплату № 1 от 23 ноября 2026 г.
	True Ёлочная гирлянда «Снегурочка»
	True Десять тысяч пятьсот рублей 00 копеек
	True 044525225
	money as text: False
	sheet: Счет
	EOF
	test_cmp expect out
'

test_expect_success SOFFICE 'LibreOffice converts the XLSX' '
	soffice --headless -env:UserInstallation=file://$TEST_DIR/lo \
		--convert-to pdf --outdir ../lo invoice-1.xlsx >/dev/null 2>&1 &&
	test -s ../lo/invoice-1.pdf &&
	if test_have_prereq PDFTOTEXT
	then
		pdf_text ../lo/invoice-1.pdf >text &&
		has_all text "Счет на оплату № 1 от 23 ноября 2026 г." "10 500,00"
	fi
'

test_expect_success PDFTOTEXT 'proposal pdf and xlsx: proposal-N, its own title, no bank block' '
	kontora proposal send $P >/dev/null &&
	kontora proposal pdf $P 2>/dev/null &&
	pdf_text proposal-1.pdf >text &&
	has_all text "Коммерческое предложение № 1 от 23 ноября 2026 г." \
		"Гель для посуды 5 л" "1 000,00 2 000,00" "Всего: 2 000,00" \
		"В том числе НДС 22%: 360,66" "Две тысячи рублей 00 копеек" \
		"Предложение действительно до 31 декабря 2026 г." &&
	! grep -F "Банк получателя" text &&
	kontora proposal xlsx $P -o kp.xlsx 2>/dev/null &&
	test -s kp.xlsx
'

test_expect_success PDFTOTEXT 'a long invoice: 60 lines made in one draft, over pages, header repeated' '
	set -- &&
	for n in $(seq 60)
	do
		set -- "$@" --line "$G1:$n:$n,$((n % 10))0" || return 1
	done &&
	L=$(kontora invoice new --client $C "$@") &&
	kontora doc_line list --where document=$L -f csv >lines &&
	test_line_count = 61 lines &&
	kontora invoice pdf $L -o long.pdf 2>/dev/null &&
	pdftotext -enc UTF-8 long.pdf - 2>/dev/null >text &&
	pages=$(grep -c "^Страница [0-9] из " text) &&
	test "$pages" -ge 2 &&
	# The header on every page: the last line goes over with the totals,
	# so no page holds the totals alone.
	test "$(grep -c "^Товары (работы, услуги)" text)" = "$pages" &&
	grep "Страница $pages из $pages" text &&
	# The sum of n × n,n0 for n = 1..60: the total, worked out here.
	total=$(awk "BEGIN { for (n = 1; n <= 60; n++) k += n * (n * 100 + (n % 10) * 10); print k }") &&
	rub=$((total / 100)) &&
	want=$(printf "%d %03d,%02d" $((rub / 1000)) $((rub % 1000)) $((total % 100))) &&
	grep -F "Всего наименований 60, на сумму $want руб." text
'

test_expect_success 'bad input: exit 1 or 2, a clear message, nothing written' '
	test_expect_code 1 kontora invoice pdf NOSUCH -o x.pdf 2>err &&
	test_grep "^kontora: error: no record NOSUCH" err &&
	test_expect_code 1 kontora invoice pdf $P -o x.pdf 2>err &&
	test_grep "^kontora: error: $P is of type proposal; use kontora proposal pdf" err &&
	test_expect_code 1 kontora invoice pdf $C -o x.pdf 2>err &&
	test_grep "is a client, not an invoice or a proposal" err &&
	test_expect_code 1 kontora invoice pdf $I -o nodir/x.pdf 2>err &&
	test_grep "^kontora: error: invoice $I: nodir/x.pdf" err &&
	test_expect_code 2 kontora invoice pdf 2>err &&
	test_grep "invoice pdf: give one ID" err &&
	test_expect_code 2 kontora invoice xlsx $I --bogus 2>err &&
	! test -e x.pdf && ! test -e nodir &&
	test_clean
'

test_expect_success 'a wording file with an unknown key, or none: the file (and line) named, nothing written' '
	cp templates/invoice.tmpl ../invoice.tmpl.orig &&
	echo "mail.bogus = x" >>templates/invoice.tmpl &&
	test_expect_code 1 kontora invoice pdf $I -o y.pdf 2>err &&
	test_grep "templates/invoice.tmpl:[0-9]*: unknown key mail.bogus" err &&
	! test -e y.pdf &&
	rm templates/invoice.tmpl &&
	test_expect_code 1 kontora invoice xlsx $I -o y.xlsx 2>err &&
	test_grep "^kontora: error: invoice $I: .*templates/invoice.tmpl: no such template" err &&
	! test -e y.xlsx &&
	cp ../invoice.tmpl.orig templates/invoice.tmpl
'

test_expect_success 'access: whoever may read the document renders it, the lab may not' '
	KONTORA_USER=anna kontora invoice pdf $I -o anna.pdf 2>/dev/null &&
	test -s anna.pdf &&
	test_expect_code 1 env KONTORA_USER=lena kontora invoice pdf $I -o lena.pdf 2>err &&
	test_grep "^kontora: error: " err &&
	! test -e lena.pdf
'

test_done
