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
# new), from sources web / autumn and phone.
. "$(dirname "$0")/test-lib.sh"

command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && test_set_prereq POPPLER
python3 -c 'import openpyxl' 2>/dev/null && test_set_prereq OPENPYXL
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
	git config -f kontora.conf plan.2026-11.anna 10000 &&
	git config -f kontora.conf plan.2026-11.boris 20000 &&
	git commit -q -m plans kontora.conf &&
	test_clean
'
cd books 2>/dev/null

# sql QUERY: the one value QUERY gives (kontora sql, as the admin).
sql () { kontora sql "$1" | sed -n 2p; }

test_expect_success 'new books hold the built-in reports; report list names them' '
	for r in funnel dynamics sources debts attention dashboard
	do
		git ls-files --error-unmatch reports/$r.sql >/dev/null || return 1
	done &&
	kontora report list >out &&
	test_grep "^debts	Дебиторская задолженность$" out &&
	test_grep "^funnel	Воронка продаж$" out
'
test_done
