#!/bin/sh
test_description='kontora import bank: invoice numbers found in the purpose, a mislabelled and a DOS statement'
# Ромашка has seven invoices of 1 000,00 each: 1001 to 1005 (format
# 10{n:02}), then КХ-2026-0006 and КХ-2026-0007 (format КХ-{yyyy}-{n:04}).
# tests/fixtures/bank/purposes-utf8-says-windows.txt is UTF-8 although its
# header says Кодировка=windows, and names the invoices in the ways
# payers write them; every payment is 1 000,00 (606: 2 000,00), so a
# number that was not found would pay the oldest invoice by the amount
# instead, 1001.
. "$(dirname "$0")/test-lib.sh"

F=$TEST_FIXTURES/bank

test_expect_success 'setup: seven issued invoices of 1 000,00' '
	test_books books &&
	cd books &&
	test_company &&
	C=$(kontora client add --name Ромашка --inn 7707083893 --kpp 773601001 \
		--legal-name "ООО «Ромашка»" --address Москва) &&
	G=$(kontora product add --name Гель --price 1000 --unit pcs) &&
	kontora config invoice.number-format "10{n:02}" &&
	for n in 1 2 3 4 5 6 7
	do
		test $n = 6 && kontora config invoice.number-format "КХ-{yyyy}-{n:04}"
		I=$(kontora invoice new --client $C --line $G:1) &&
		kontora invoice issue $I >/dev/null || return 1
	done &&
	kontora sql "select group_concat(number, \" \") from invoice" | sed -n 2p >got &&
	echo "1001 1002 1003 1004 1005 КХ-2026-0006 КХ-2026-0007" >expect &&
	test_cmp expect got
'
cd books 2>/dev/null

test_expect_success 'each payment pays the invoice its purpose names' '
	kontora import bank $F/purposes-utf8-says-windows.txt 2>err &&
	grep "6 payments (6 in, 0 out), 0 already known, 6 matched, 0 unmatched" err &&
	kontora payment list -f csv | cut -d, -f3,11 | sort >got &&
	cat >expect <<-\EOF &&
	601,1003
	602,1005
	603,1002
	604,КХ-2026-0006
	605,1004
	606,1001 КХ-2026-0007
	number,invoices
	EOF
	test_cmp expect got &&
	test "$(kontora sql "select count(*) from invoice where status = '"'"'paid'"'"'" | sed -n 2p)" = 7
'

test_expect_success 'a DOS statement (CP866, Кодировка=DOS): a name with spaces trimmed' '
	kontora import bank $F/dos-cp866.txt 2>err &&
	grep "1 payments (1 in, 0 out)" err &&
	kontora sql "select payer, purpose from payment where number = '"'"'701'"'"'" | sed -n 2p >got &&
	printf "ООО <<Ромашка>>\tВозврат долга\n" >expect &&
	test_cmp expect got &&
	kontora payment list --unmatched -f csv | grep ",701,in,250.00,0.00,250.00,"
'

test_done
