#!/bin/sh
test_description='kontora proposal: drafts, sending with a number, accept and decline, an invoice from a proposal'
# See kontora-proposal(1).  The clock is 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	cd books &&
	test_company &&
	C=$(kontora client add --name Ромашка --inn 7707083893 --to anna) &&
	G1=$(kontora product add --name "Гель для посуды 5 л" --price 1000 --unit pcs) &&
	G2=$(kontora product add --name "Порошок" --price "333,33" --unit kg) &&
	echo "$C $G1 $G2" >ids
'
cd books 2>/dev/null
read C G1 G2 <ids 2>/dev/null

# 2 000,00 with 22% in it: 200000 × 22 / 122 = 36065,6 -> 360,66;
# 900,00: 90000 × 22 / 122 = 16229,5 -> 162,30; together 522,96.
test_expect_success 'new: a draft with valid-until and terms' '
	P=$(kontora proposal new --client $C --line $G1:2 --line "$G2:3:300" \
		--valid-until 2026-12-31 --terms "Доставка за счет поставщика") &&
	test "$(git log -1 --format=%s)" = "proposal $P: new draft, 2 lines" &&
	kontora proposal show $P >out &&
	cat >expect <<-EOF &&
	Коммерческое предложение от 23.11.2026 ($P, draft)
	От: ООО «Батискаф», ИНН 5024045017, КПП 502401001
	Кому: Ромашка, ИНН 7707083893 ($C)
	Действительно до: 31.12.2026
	Условия: Доставка за счет поставщика

	№  Товары (работы, услуги)  Кол-во  Ед.        Цена       Сумма
	1  Гель для посуды 5 л           2  шт   1 000,00 ₽  2 000,00 ₽
	2  Порошок                       3  кг     300,00 ₽    900,00 ₽

	Итого: 2 900,00 ₽
	В том числе НДС 22%: 522,96 ₽
	Всего к оплате: 2 900,00 ₽
	Всего наименований 2, на сумму 2 900,00 руб.
	Две тысячи девятьсот рублей 00 копеек
	EOF
	test_cmp expect out &&
	echo $P >p1
'

test_expect_success 'send: numbered apart from invoices, then frozen' '
	P=$(cat p1) &&
	kontora config proposal.number-format "КП-{yy}/{n}" &&
	I=$(kontora invoice new --client $C --line $G1:1) &&
	kontora invoice issue $I >out &&
	echo 1 >expect && test_cmp expect out &&
	kontora proposal send $P >out &&
	echo "КП-26/1" >expect && test_cmp expect out &&
	test "$(git log -1 --format=%s)" = "proposal $P: sent № КП-26/1" &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora proposal edit $P --set terms=другие 2>err &&
	echo "kontora: error: proposal $P: sent, so frozen (workflows/proposal.flow:13 freeze sent accepted declined)" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'send checks the supplier, not the client'"'"'s INN' '
	C2=$(kontora client add --name "Без ИНН") &&
	P=$(kontora proposal new --client $C2 --line $G1:1) &&
	kontora proposal send $P >out &&
	echo "КП-26/2" >expect && test_cmp expect out
'

test_expect_success 'decline needs a reason; accept' '
	P2=$(kontora proposal new --client $C --line $G1:1) &&
	kontora proposal send $P2 >/dev/null &&
	test_expect_code 1 kontora proposal decline $P2 2>err &&
	echo "kontora: error: proposal $P2: decline needs --reason (reason)" >expect &&
	test_cmp expect err &&
	kontora proposal decline $P2 --reason "Дорого" &&
	kontora proposal accept $(cat p1) &&
	kontora proposal list --all -f csv >out &&
	test "$(test_csv_get $P2 status <out)" = declined &&
	test "$(test_csv_get $P2 reason <out)" = Дорого &&
	test "$(test_csv_get $(cat p1) status <out)" = accepted &&
	test_expect_code 1 kontora proposal accept $P2 2>err &&
	echo "kontora: error: proposal $P2: no transition accept from declined (allowed: none)" >expect &&
	test_cmp expect err
'

test_expect_success 'invoice new --from-proposal: client, lines and prices of the proposal' '
	P=$(cat p1) &&
	I=$(kontora invoice new --from-proposal $P --due 2026-12-10) &&
	test "$(git log -1 --format=%s)" = "invoice $I: new draft from proposal $P" &&
	kontora invoice list -f csv >out &&
	test "$(test_csv_get $I proposal <out)" = $P &&
	test "$(test_csv_get $I client <out)" = $C &&
	test "$(test_csv_get $I total <out)" = 2900.00 &&
	kontora doc_line list --where document=$I -f csv | sed 1d | cut -d, -f4-11 >got &&
	cat >expect <<-EOF &&
	$G1,Гель для посуды 5 л,2,pcs,1000.00,22,2000.00,360.66
	$G2,Порошок,3,kg,300.00,22,900.00,162.30
	EOF
	test_cmp expect got &&
	kontora invoice issue $I >out &&
	echo 2 >expect && test_cmp expect out
'

test_expect_success 'a proposal that is none, and usage' '
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora invoice new --from-proposal KZZZZZZZ 2>err &&
	echo "kontora: error: no proposal KZZZZZZZ" >expect &&
	test_cmp expect err &&
	test_expect_code 2 kontora proposal new --client $C --line $G1:1 --from-proposal x 2>err &&
	test_expect_code 2 kontora proposal issue x 2>err &&
	test_expect_code 2 kontora proposal new --client $C --line $G1:1 --due 2026-12-01 2>err &&
	test_grep "^kontora: error: --due: unknown option" err &&
	test_expect_code 2 kontora invoice new --client $C --line $G1:1 --terms x 2>err &&
	test_grep "^kontora: error: --terms: unknown option" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_done
