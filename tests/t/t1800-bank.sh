#!/bin/sh
test_description='kontora import bank and kontora payment: statements, dedupe, matching, debts, bad input'
# See kontora-import(1), kontora-payment(1), docs/bank.md.  The company's
# account is 40702810938000012345, its INN 5024045017 (test_company);
# Ромашка (INN 7707083893) has seven invoices, numbered 1 to 7:
#   1: 12 000,00  2: 10 000,00  3: 5 000,00  4: 1 000,00  5: 1 000,00
#   6: 2 000,00   7: 2 000,00
# tests/fixtures/bank/cp1251-crlf.txt (Windows-1251, CRLF) pays 1 in full
# (501), 2 in part (502, 4 000), has a payer nobody knows (77) and a bank
# fee going out (9001).  utf8-lf.txt (UTF-8, LF, no final newline)
# repeats 9001, over-pays 3 by 2 000 (503, 7 000), pays 4, 5 and half of
# 6 at once (504, 3 000), and 2 000 without a number, which the amount
# matches to 7 (505).
. "$(dirname "$0")/test-lib.sh"

F=$TEST_FIXTURES/bank

# invoice_status NUMBER: the status of the invoice numbered NUMBER.
invoice_status () {
	kontora sql "select status from invoice where number = '$1'" | sed -n 2p
}

test_expect_success 'setup: the company, a client, seven issued invoices' '
	test_books books &&
	cd books &&
	test_company &&
	kontora employee add --login olga --name "Ольга Счетова" --role accountant >/dev/null &&
	C=$(kontora client add --name Ромашка --legal-name "ООО «Ромашка»" --inn 7707083893 \
		--kpp 773601001 --address "Москва, ул. Ленина, 1" --to anna) &&
	G=$(kontora product add --name "Гель" --price 1000 --unit pcs) &&
	for q in 12 10 5 1 1 2 2
	do
		I=$(kontora invoice new --client $C --line $G:$q) &&
		kontora invoice issue $I >/dev/null || return 1
	done &&
	test "$(kontora sql "select group_concat(number) from invoice where status = '"'"'issued'"'"'" | sed -n 2p)" = 1,2,3,4,5,6,7 &&
	echo $C >client
'
cd books 2>/dev/null
C=$(cat client 2>/dev/null)

test_expect_success 'the fixtures hold what the comments say (counted apart)' '
	test $(iconv -f cp1251 -t utf-8 $F/cp1251-crlf.txt | grep -c "^СекцияДокумент=") = 4 &&
	test $(grep -c "^СекцияДокумент=" $F/utf8-lf.txt) = 4 &&
	test $(grep -c "$(printf "\r")\$" $F/cp1251-crlf.txt) = $(wc -l <$F/cp1251-crlf.txt) &&
	! iconv -f utf-8 -t utf-8 $F/cp1251-crlf.txt >/dev/null 2>&1
'

test_expect_success 'import bank --dry-run commits nothing' '
	before=$(test_commits) &&
	kontora import bank --dry-run $F/cp1251-crlf.txt >out 2>err &&
	test $(test_commits) = $before &&
	grep "4 payments" out &&
	test_clean
'

test_expect_success 'CP1251 with CRLF: four payments in one commit, with the counts' '
	before=$(test_commits) &&
	KONTORA_USER=olga kontora import bank $F/cp1251-crlf.txt 2>err &&
	test $(test_commits) = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "import bank: 4 payments (3 in, 1 out), 0 already known, 2 matched, 1 unmatched" &&
	kontora payment list -f csv >out &&
	test $(sed 1d out | wc -l) = 4 &&
	kontora sql "select number, date, amount, direction, payer, payer_inn, payee_account, client from payment order by number" >got &&
	cat >expect <<-EOF &&
	number	date	amount	direction	payer	payer_inn	payee_account	client
	501	2026-11-24	1200000	in	ООО «Ромашка»	7707083893	40702810938000012345	$C
	502	2026-11-25	400000	in	ООО «Ромашка»	7707083893	40702810938000012345	$C
	77	2026-11-26	500000	in	ООО «Незнакомец»	7702070139	40702810938000012345	
	9001	2026-11-27	15050	out	ООО «Батискаф»	5024045017	30232810000000000001	
	EOF
	test_cmp expect got &&
	test_clean
'

test_expect_success 'exact and partial: invoice 1 paid, invoice 2 partly paid' '
	test "$(invoice_status 1)" = paid &&
	test "$(invoice_status 2)" = partly_paid &&
	test "$(invoice_status 3)" = issued &&
	kontora sql "select i.number, a.amount from allocation a join invoice i on a.invoice = i.id order by i.number" >got &&
	printf "number\tamount\n1\t1200000\n2\t400000\n" >expect &&
	test_cmp expect got
'

test_expect_success 'an unknown payer is listed as unmatched, with nothing made for it' '
	kontora payment list --unmatched -f csv >out &&
	test $(sed 1d out | wc -l) = 1 &&
	grep "^B[0-9A-Z]*,2026-11-26,77,in,5000.00,0.00,5000.00,ООО «Незнакомец»,7702070139,,," out &&
	test $(kontora client list -f csv | sed 1d | wc -l) = 1
'

test_expect_success 'search finds a payment by its number and its payer, not by its key' '
	kontora search 77 >out &&
	grep "^payment	B[0-9A-Z]*	77\$" out &&
	kontora search 7702070139 >out &&
	grep "^payment	B[0-9A-Z]*	77\$" out &&
	kontora search 500000 >out &&
	! grep "^payment" out
'

test_expect_success 'the same statement again adds nothing and commits nothing' '
	before=$(test_commits) &&
	kontora import bank $F/cp1251-crlf.txt 2>err &&
	test $(test_commits) = $before &&
	grep "0 payments (0 in, 0 out), 4 already known" err &&
	test_clean
'

# Another manager's client's payments are not his to see, but they are
# the books' payments: his import of the same statement knows them.
test_expect_success 'the same statement imported by a manager who sees none of it adds nothing' '
	kontora employee add --login boris --name "Борис Иванов" --role manager >/dev/null &&
	KONTORA_USER=boris kontora payment list -f csv >seen &&
	test_line_count = 1 seen &&
	before=$(test_commits) &&
	KONTORA_USER=boris kontora import bank $F/cp1251-crlf.txt 2>err &&
	test $(test_commits) = $before &&
	grep "0 payments (0 in, 0 out), 4 already known" err &&
	test_clean
'

test_expect_success 'UTF-8, LF, an overlapping statement: over, several invoices, by amount' '
	before=$(test_commits) &&
	kontora import bank $F/utf8-lf.txt 2>err &&
	test $(test_commits) = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "import bank: 3 payments (3 in, 0 out), 1 already known, 3 matched, 1 unmatched" &&
	test $(kontora payment list -f csv | sed 1d | wc -l) = 7 &&
	for n in 1 3 4 5 7; do test "$(invoice_status $n)" = paid || return 1; done &&
	test "$(invoice_status 2)" = partly_paid &&
	test "$(invoice_status 6)" = partly_paid &&
	kontora payment list -f csv >out &&
	grep ",503,in,7000.00,5000.00,2000.00,ООО «Ромашка»,7707083893,$C,3," out &&
	grep ",504,in,3000.00,3000.00,0.00,ООО «Ромашка»,7707083893,$C,4 5 6," out &&
	grep ",505,in,2000.00,2000.00,0.00,ООО «Ромашка»,7707083893,$C,7," out &&
	kontora payment list --unmatched -f csv | cut -d, -f3 >got &&
	printf "number\n503\n77\n" >expect &&
	test_cmp expect got
'

test_expect_success 'both statements at once in fresh books: the overlap counted once' '
	test_books ../books2 &&
	(cd ../books2 && test_company &&
	 kontora import bank $F/utf8-lf.txt $F/cp1251-crlf.txt 2>err &&
	 grep "7 payments (6 in, 1 out), 1 already known" err &&
	 test $(kontora payment list -f csv | sed 1d | wc -l) = 7)
'

test_expect_success 'the client card: debt = issued - paid, in the JSON too' '
	# ordered 33 000; paid 12 000 + 4 000 + 5 000 + 3 000 + 2 000, and the
	# 2 000 over-paid on 503: 28 000; debt 5 000
	kontora client show $C -f json >card.json &&
	/usr/bin/python3 -c "import json,sys; c=json.load(open(\"card.json\")); print(c[\"total_ordered\"], c[\"paid\"], c[\"debt\"])" >got &&
	echo "33000.0 28000.0 5000.0" >expect &&
	test_cmp expect got &&
	kontora client show $C >card &&
	grep "Долг: *5 000,00 ₽" card &&
	grep "Оплачено: *28 000,00 ₽" card &&
	# anna, the client'"'"'s manager, sees the same through her access
	KONTORA_USER=anna kontora client show $C >card.anna &&
	grep "Долг: *5 000,00 ₽" card.anna
'

test_expect_success 'payment match by hand: the unknown payer pays invoice 2 in part' '
	P=$(kontora sql "select id from payment where number = '"'"'77'"'"'" | sed -n 2p) &&
	echo $P >p77 &&
	before=$(test_commits) &&
	KONTORA_USER=olga kontora payment match $P 2 3000 &&
	test $(test_commits) = $((before + 1)) &&
	test "$(invoice_status 2)" = partly_paid &&
	kontora payment list -f csv >out &&
	grep ",77,in,5000.00,3000.00,2000.00,ООО «Незнакомец»,7702070139,$C,2," out &&
	test_must_fail kontora payment match $P 2 2500 2>err &&
	grep "payment $P has 2 000,00 ₽ left to allocate" err &&
	test_must_fail kontora payment match $P 6 1500 2>err &&
	grep "invoice 6 owes 1 000,00 ₽, not 1 500,00 ₽" err &&
	test_must_fail kontora payment match $P 1 2>err &&
	grep "invoice 1 is paid" err &&
	kontora payment match $P 6 &&
	test "$(invoice_status 6)" = paid &&
	kontora payment match $P 2 &&
	test "$(invoice_status 2)" = partly_paid &&
	kontora payment list -f csv | grep ",77,in,5000.00,5000.00,0.00,ООО «Незнакомец»,7702070139,$C,2 6," &&
	test_must_fail kontora payment match $P 2 2>err &&
	grep "has 0,00 ₽ left" err &&
	test_clean
'

test_expect_success 'payment unmatch: the invoice goes back, the payer is unknown again' '
	P=$(cat p77) &&
	kontora payment unmatch $P &&
	test "$(git log -1 --format=%s)" = "payment $P: 3 allocations undone" &&
	test "$(invoice_status 2)" = partly_paid &&
	test "$(invoice_status 6)" = partly_paid &&
	kontora payment list --unmatched -f csv | grep ",77,in,5000.00,0.00,5000.00,ООО «Незнакомец»,7702070139,,," &&
	P1=$(kontora sql "select id from payment where number = '"'"'501'"'"'" | sed -n 2p) &&
	kontora payment unmatch $P1 &&
	test "$(invoice_status 1)" = issued &&
	kontora payment match $P1 1 &&
	test "$(invoice_status 1)" = paid &&
	test_clean
'

test_expect_success 'the paid states are frozen and a paid invoice is not cancelled' '
	I=$(kontora sql "select id from invoice where number = '"'"'1'"'"'" | sed -n 2p) &&
	test_must_fail kontora invoice edit $I --set due=2026-12-31 2>err &&
	test_must_fail kontora invoice cancel $I --reason x 2>err &&
	test "$(invoice_status 1)" = paid &&
	kontora check
'

test_expect_success 'kontora payment -h, list -f json, usage errors' '
	kontora payment -h >out &&
	grep "kontora payment match PAYMENT INVOICE" out &&
	kontora payment list -f json >out.json &&
	/usr/bin/python3 -c "import json; r=json.load(open(\"out.json\")); assert len(r) == 7, r" &&
	test_expect_code 2 kontora payment frobnicate 2>err &&
	test_expect_code 2 kontora payment match 2>err &&
	test_expect_code 2 kontora payment match X Y 1abc 2>err
'

# bad FILE MESSAGE: importing FILE fails with exit 1 and MESSAGE, and
# nothing is committed.
bad () {
	before=$(test_commits) &&
	test_expect_code 1 kontora import bank $F/utf8-lf.txt "$1" 2>err &&
	grep -F "$2" err &&
	test $(test_commits) = $before &&
	test_clean
}

test_expect_success 'bad input: a statement without КонецФайла' '
	bad $F/bad-no-end.txt "bad-no-end.txt:11: no КонецФайла: the statement is cut short"
'

test_expect_success 'bad input: a document cut short' '
	bad $F/bad-cut-document.txt "bad-cut-document.txt:8: the document has no КонецДокумента"
'

test_expect_success 'bad input: an amount with letters' '
	bad $F/bad-amount.txt "bad-amount.txt:7: Сумма: not an amount: 12a0.00"
'

test_expect_success 'bad input: an unknown encoding' '
	bad $F/bad-encoding.txt "bad-encoding.txt:3: unknown encoding: Кодировка=KOI8-R"
'

test_expect_success 'bad input: a header that says UTF-8 over Windows-1251' '
	bad $F/bad-not-utf8.txt "bad-not-utf8.txt:3: Кодировка=UTF-8, but the file is not UTF-8"
'

test_expect_success 'bad input: a version kontora does not read' '
	bad $F/bad-version.txt "bad-version.txt:2: ВерсияФормата=2.00: kontora reads 1.01 to 1.03"
'

test_expect_success 'bad input: a payment that is neither ours in nor ours out' '
	bad $F/bad-direction.txt "bad-direction.txt:4: payment 1: neither ДатаПоступило nor ДатаСписано"
'

test_expect_success 'bad input: a file that is not a statement' '
	bad $F/../leads/export-bom.csv "export-bom.csv:1: not a 1CClientBankExchange statement"
'

test_expect_success 'bad input: a date that is none' '
	bad $F/bad-date.txt "bad-date.txt:6: Дата: not a date (DD.MM.YYYY): 31.02.2026"
'

test_expect_success 'bad input: a missing file' '
	test_expect_code 1 kontora import bank nosuch.txt 2>err &&
	grep "nosuch.txt" err
'

# import bank says one line, at its end: its stderr is not held back in
# blocks as the imports that say a line a row hold theirs (cmd/import.c,
# stderr_in_blocks()).  The line is written when it is said, before
# kontora closes the books at exit, not with them.
test_expect_success STRACE 'import bank writes its line when it says it, not at exit' '
	traced trace -e trace=write,close,exit_group \
		kontora import bank $F/cp1251-crlf.txt >out 2>err &&
	test_grep "import bank: 0 payments (0 in, 0 out), 4 already known" err &&
	sed -n "/^write(2, \"kontora: import bank: /,\$p" trace >after &&
	test_line_count = 1 err &&
	grep "^close(" after
'

# The real statements of ../shared/data/real (SOURCES.md), when present:
# each imports, with as many payments as it has СекцияДокумент lines.
REAL=${KONTORA_REAL_DATA:-$TEST_ROOT/../shared/data/real}
test -d "$REAL" && ls "$REAL"/bank_*.txt >/dev/null 2>&1 && test_set_prereq REAL
for f in "$REAL"/bank_*.txt
do
	test_expect_success REAL "real statement $(basename "$f")" '
		rm -rf ../real && test_books ../real &&
		(cd ../real &&
		 enc=cp1251 && iconv -f utf-8 -t utf-8 "$f" >/dev/null 2>&1 && enc=utf-8
		 n=$(iconv -f $enc -t utf-8 "$f" | grep -c "^СекцияДокумент=") &&
		 test $n -gt 0 &&
		 kontora import bank "$f" 2>err &&
		 grep "import bank: $n payments" err &&
		 test $(kontora payment list -f csv | sed 1d | wc -l) = $n &&
		 kontora import bank "$f" 2>err &&
		 grep "import bank: 0 payments (0 in, 0 out), $n already known" err &&
		 kontora check)
	'
done

test_done
