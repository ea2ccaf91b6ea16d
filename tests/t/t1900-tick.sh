#!/bin/sh
test_description='kontora tick: timed robots of flow files, once each, and the task held open until paid'
# See kontora-tick(1) and kontora-flow(5).  workflows/invoice.flow of new
# books reminds the owner every 5 days while an invoice is issued or
# partly_paid, counting from its date, and holds the task «Получить
# окончательный расчет» open until the invoice is paid.  Two invoices are
# issued on 2026-11-23 (the test clock): 1 for 2 000,00 and 2 for
# 3 000,00; anna is their manager, boss her supervisor.
. "$(dirname "$0")/test-lib.sh"

# statement NUMBER AMOUNT INVOICE: a bank statement of one payment from
# Ромашка of AMOUNT towards invoice number INVOICE, on stdout.
statement () {
	cat <<-EOF
	1CClientBankExchange
	ВерсияФормата=1.03
	Кодировка=UTF-8
	ДатаНачала=01.12.2026
	ДатаКонца=01.12.2026
	РасчСчет=40702810938000012345
	СекцияДокумент=Платежное поручение
	Номер=$1
	Дата=01.12.2026
	Сумма=$2
	ПлательщикСчет=40702810100000000001
	Плательщик=ООО «Ромашка»
	ПлательщикИНН=7707083893
	ПолучательСчет=40702810938000012345
	Получатель=ООО «Батискаф»
	ПолучательИНН=5024045017
	ДатаПоступило=01.12.2026
	НазначениеПлатежа=Оплата по счету № $3 от 23.11.2026
	КонецДокумента
	КонецФайла
	EOF
}

# notices: the notices of the books as on,to,at,rule (CSV, header first).
notices () {
	kontora activity list --where kind=notice -f csv --sort at >all &&
	cut -d, -f2,7,5,8 all
}

test_expect_success 'setup: two issued invoices of anna, whose supervisor is boss' '
	test_books books &&
	cd books &&
	test_company &&
	kontora employee add --login boss --name "Олег Смирнов" --role director >/dev/null &&
	kontora employee edit anna --set supervisor=boss &&
	C=$(kontora client add --name Ромашка --legal-name "ООО «Ромашка»" --inn 7707083893 \
		--kpp 773601001 --address "Москва, ул. Ленина, 1" --to anna) &&
	G=$(kontora product add --name Гель --price 1000 --unit pcs) &&
	I1=$(kontora invoice new --client $C --line $G:2) &&
	kontora invoice issue $I1 >/dev/null &&
	I2=$(kontora invoice new --client $C --line $G:3) &&
	kontora invoice issue $I2 >/dev/null &&
	T1=$(kontora task list --where on=$I1 -f csv | sed -n "2s/,.*//p") &&
	T2=$(kontora task list --where on=$I2 -f csv | sed -n "2s/,.*//p") &&
	test -n "$T1" && test -n "$T2" &&
	echo "$I1 $I2 $T1 $T2" >ids
'
cd books 2>/dev/null
read I1 I2 T1 T2 <ids 2>/dev/null

test_expect_success 'not due before its days: no output, no commit' '
	before=$(test_commits) &&
	KONTORA_NOW=2026-11-27T23:59:00Z kontora tick >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success '--dry-run says what is due and commits nothing' '
	before=$(test_commits) &&
	KONTORA_NOW=2026-11-28T09:00:00Z kontora tick --dry-run >out 2>err &&
	test $(test_commits) = $before &&
	test_clean &&
	grep -c "notice for anna" out >count &&
	echo 2 >expect &&
	test_cmp expect count &&
	notices >got &&
	test_line_count = 1 got
'

test_expect_success 'due on the 5th day from the date: a notice for the owner each, one commit' '
	before=$(test_commits) &&
	KONTORA_NOW=2026-11-28T09:00:00Z kontora tick >out &&
	test $(test_commits) = $((before + 1)) &&
	cat >expect <<-EOF &&
	invoice $I1: notice for anna: Напомнить клиенту об оплате счета (workflows/invoice.flow:31)
	invoice $I2: notice for anna: Напомнить клиенту об оплате счета (workflows/invoice.flow:31)
	EOF
	sort out >sorted &&
	sort expect >expect.sorted &&
	test_cmp expect.sorted sorted &&
	test "$(git log -1 --format=%s)" = "tick: 2 notices" &&
	git log -1 --format=%b >body &&
	grep -F "invoice $I1: notice for anna" body &&
	grep -F "invoice $I2: notice for anna" body &&
	notices >got &&
	sort got >got.sorted &&
	cat >expect <<-EOF &&
	$I1,2026-11-28T09:00:00Z,anna,workflows/invoice.flow every issued
	$I2,2026-11-28T09:00:00Z,anna,workflows/invoice.flow every issued
	on,at,to,rule
	EOF
	sort expect >expect.sorted &&
	test_cmp expect.sorted got.sorted &&
	test_clean
'

test_expect_success 'a second tick does nothing and commits nothing' '
	before=$(test_commits) &&
	KONTORA_NOW=2026-11-28T09:00:00Z kontora tick >out 2>err &&
	test_line_count = 0 out &&
	test $(test_commits) = $before &&
	KONTORA_NOW=2026-12-02T23:00:00Z kontora tick >out 2>err &&
	test_line_count = 0 out &&
	test $(test_commits) = $before
'

test_expect_success 'a clone agrees: what fired is in the books' '
	git clone -q . ../clone &&
	(cd ../clone && KONTORA_NOW=2026-12-02T23:00:00Z kontora tick >out) &&
	test_line_count = 0 ../clone/out
'

test_expect_success 'the guard: the task is not done while the invoice is unpaid' '
	before=$(test_commits) &&
	test_expect_code 1 kontora task done $T1 2>err &&
	echo "kontora: error: task $T1: invoice $I1 is issued, and workflows/invoice.flow:27 (until=) holds the task open until it is paid" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora task edit $T1 --set done=true 2>err &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success 'invoice 1 paid, invoice 2 partly: the next tick reminds of 2 only' '
	statement 701 2000.00 1 >s1.txt &&
	statement 702 1000.00 2 >s2.txt &&
	kontora import bank s1.txt s2.txt >/dev/null 2>&1 &&
	test "$(kontora sql "select status from invoice where id = '"'"'$I1'"'"'" | sed -n 2p)" = paid &&
	test "$(kontora sql "select status from invoice where id = '"'"'$I2'"'"'" | sed -n 2p)" = partly_paid &&
	KONTORA_NOW=2026-12-03T09:00:00Z kontora tick >out &&
	echo "invoice $I2: notice for anna: Напомнить клиенту об оплате счета (workflows/invoice.flow:31)" >expect &&
	test_cmp expect out &&
	KONTORA_NOW=2027-03-01T09:00:00Z kontora tick >out &&
	echo "invoice $I2: notice for anna: Напомнить клиенту об оплате счета (workflows/invoice.flow:31)" >expect &&
	test_cmp expect out
'

test_expect_success 'the guard lets the task of the paid invoice be done, not the partly paid one' '
	kontora task done $T1 --result "Оплачено" &&
	test "$(kontora task list --all --where id=$T1 -f csv --all | sed -n 2p | cut -d, -f6)" = true &&
	test_expect_code 1 kontora task done $T2 2>err &&
	echo "kontora: error: task $T2: invoice $I2 is partly_paid, and workflows/invoice.flow:27 (until=) holds the task open until it is paid" >expect &&
	test_cmp expect err
'

test_expect_success 'every ... notify supervisor: the notice is for the owner'"'"'s supervisor' '
	cat >>workflows/proposal.flow <<-\EOF &&
	every 2 draft notify supervisor "Черновик КП лежит"
	EOF
	git commit -q -m "proposals remind" workflows/proposal.flow &&
	C=$(kontora client list -f csv | sed -n "2s/,.*//p") &&
	P=$(kontora proposal new --client $C --line "$(kontora product list -f csv | sed -n "2s/,.*//p"):1") &&
	KONTORA_NOW=2026-11-24T09:00:00Z kontora tick >out &&
	test_line_count = 0 out &&
	KONTORA_NOW=2026-11-25T09:00:00Z kontora tick >out &&
	grep -F "proposal $P: notice for boss: Черновик КП лежит (workflows/proposal.flow:" out
'

test_expect_success 'an accountant issues an invoice: the action gives the manager the task' '
	kontora employee add --login olga --name "Ольга Счетова" --role accountant >/dev/null &&
	C=$(kontora client list -f csv | sed -n "2s/,.*//p") &&
	G=$(kontora product list -f csv | sed -n "2s/,.*//p") &&
	I3=$(KONTORA_USER=anna kontora invoice new --client $C --line $G:1) &&
	KONTORA_USER=olga kontora invoice issue $I3 >/dev/null &&
	kontora task list --where on=$I3 -f csv >out &&
	test "$(test_csv_get $(sed -n "2s/,.*//p" out) assignee <out)" = anna &&
	test_expect_code 1 env KONTORA_USER=olga kontora task add --on $I3 --to anna "Ещё" 2>err &&
	grep "accountants change only their own records" err
'

# bad_rule LINE MESSAGE: with LINE as workflows/invoice.flow's last line,
# tick fails with MESSAGE naming the file and line, committing nothing.
bad_rule () {
	cp workflows/invoice.flow flow.saved &&
	echo "$1" >>workflows/invoice.flow &&
	git commit -q -m "bad rule" workflows/invoice.flow &&
	n=$(wc -l <workflows/invoice.flow) &&
	before=$(test_commits) &&
	test_expect_code 1 kontora tick 2>err &&
	echo "kontora: error: workflows/invoice.flow:$n: $2" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	cp flow.saved workflows/invoice.flow &&
	git commit -q -m "rule mended" workflows/invoice.flow
}

test_expect_success 'a bad rule is an error naming the file and the line' '
	bad_rule "every 0 issued notify owner \"x\"" \
		"every: \"0\" is not a number of days (1 to 3650)" &&
	bad_rule "every 5 nowhere notify owner \"x\"" \
		"every: \"nowhere\" is not one of the states (line 7)" &&
	bad_rule "every 5 draft notify everyone \"x\"" \
		"every: notify: \"everyone\" is not whom to notify (owner or supervisor)" &&
	bad_rule "every 5 paid notify owner \"x\" since=client" \
		"every: since: client is a ref field, not date or datetime" &&
	bad_rule "every 5 partly_paid notify owner \"x\"" \
		"every: partly_paid has a timer already (line 31): one per state" &&
	bad_rule "every 5 draft remind owner \"x\"" \
		"every takes DAYS STATE... notify owner|supervisor \"TEXT\" [since=FIELD]" &&
	bad_rule "on paid task 1 \"x\" until=gone" \
		"on: task: \"gone\" is not one of the states (line 7)"
'

test_expect_success 'check: the books with their timers are clean, and a timer needs the notice kind' '
	kontora check &&
	grep -v "^notice," dicts/activity_kind.csv >new.csv &&
	cp new.csv dicts/activity_kind.csv &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "workflows/invoice.flow:31: every: notify: \"notice\" is not in dicts/activity_kind.csv" >expect &&
	grep ^workflows/invoice.flow out >actual &&
	test_cmp expect actual &&
	git checkout -- dicts/activity_kind.csv &&
	kontora check
'

test_expect_success 'tick takes no arguments: a usage error' '
	test_expect_code 2 kontora tick now 2>err &&
	grep "^usage: kontora tick" err
'

test_done
