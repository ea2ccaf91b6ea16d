#!/bin/sh
test_description='contract: new from a template, pdf, templates; bad templates and values refused'
# See kontora-contract(1).  The clock is 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

command -v pdftotext >/dev/null && test_set_prereq PDFTOTEXT
command -v qpdf >/dev/null && test_set_prereq QPDF

# pdf_text FILE: the text of a PDF, its blanks and newlines one space each.
pdf_text () {
	pdftotext -enc UTF-8 "$1" - 2>/dev/null | tr -s ' \n\f' '   '
}

test_expect_success 'setup' '
	test_books books &&
	(
		cd books &&
		kontora config company.name "ООО «Хлебница»" &&
		kontora config company.legal-name "Общество с ограниченной ответственностью «Хлебница»" &&
		kontora config company.inn 7707083893 &&
		kontora config company.kpp 773601001 &&
		kontora config company.ogrn 1027700132195 &&
		kontora config company.address "117997, г. Москва, ул. Вавилова, д. 19" &&
		kontora config company.bank "ПАО Сбербанк" &&
		kontora config company.bik 044525225 &&
		kontora config company.corr-account 30101810400000000225 &&
		kontora config company.account 40702810938000012345 &&
		kontora config company.director "Иванов Иван Иванович"
	) >/dev/null &&
	client=$(kontora -C books client add "ООО Ёлочка" \
		--legal-name "Общество с ограниченной ответственностью «Ёлочка»" \
		--inn 7736050003 --kpp 772801001 --address "Москва, ул. Льва Толстого, д. 16" \
		--bank "АО «Альфа-Банк»" --bik 044525593 --corr-account 30101810200000000593 \
		--account 40702810401300012345) &&
	echo "$client" >client
'
cd books 2>/dev/null
client=$(cat ../client 2>/dev/null)

test_expect_success 'new books have the templates; contract templates lists them' '
	kontora contract templates >out &&
	printf "supply\nsupply-spec\n" >expect &&
	test_cmp expect out &&
	test -f templates/invoice.tmpl && test -f templates/proposal.tmpl
'

test_expect_success 'contract new: numbered 1, dated today, the values kept' '
	before=$(test_commits) &&
	id=$(kontora contract new --client $client --template supply --amount 150000 \
		--until 2027-12-31 --set buyer_signer="директора Петровой М. И." \
		--set buyer_sign="Петрова М. И." --set payment_days=7) &&
	echo $id >id1 &&
	test $(test_commits) = $((before + 1)) &&
	kontora contract list -f csv >list &&
	test "$(test_csv_get $id number <list)" = 1 &&
	test "$(test_csv_get $id date <list)" = 2026-11-23 &&
	test "$(test_csv_get $id template <list)" = supply &&
	test "$(test_csv_get $id amount <list)" = 150000.00 &&
	printf "buyer_signer=директора Петровой М. И.\nbuyer_sign=Петрова М. И.\npayment_days=7\n" >expect &&
	test_csv_get $id values <list >actual &&
	test_cmp expect actual &&
	test_clean
'

test_expect_success 'the next contract is numbered 2; --number gives one' '
	id=$(kontora contract new --client $client --template supply-spec) &&
	kontora contract list -f csv >list &&
	test "$(test_csv_get $id number <list)" = 2 &&
	id=$(kontora contract new --client $client --template supply --number "Д-17/2026") &&
	kontora contract list -f csv >list &&
	test "$(test_csv_get $id number <list)" = "Д-17/2026"
'

test_expect_success 'a number already taken is refused' '
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora contract new --client $client --template supply --number 1 2>err &&
	test_grep "number" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success '--dry-run says what it would add and commits nothing' '
	before=$(git rev-parse HEAD) &&
	kontora contract new --client $client --template supply --dry-run >out &&
	test_grep "^contract new: № 3 (supply)" out &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success PDFTOTEXT 'contract pdf: the text filled from the contract, the client and company.*' '
	kontora contract pdf $(cat id1) -o c1.pdf 2>err &&
	echo "kontora: contract $(cat id1) written to c1.pdf" >expect &&
	test_cmp expect err &&
	pdf_text c1.pdf >text &&
	for want in "ДОГОВОР ПОСТАВКИ № 1" "г. Москва «23» ноября 2026 г." \
		"Общество с ограниченной ответственностью «Хлебница», именуемое в дальнейшем «Поставщик», в лице генерального директора Иванов Иван Иванович" \
		"Общество с ограниченной ответственностью «Ёлочка», именуемое в дальнейшем «Покупатель», в лице директора Петровой М. И." \
		"составляет 150 000,00 руб. (Сто пятьдесят тысяч рублей 00 копеек), в том числе НДС" \
		"в течение 7 банковских дней" "в течение 10 рабочих дней" \
		"действует до 31 декабря 2027 г." "ИНН 7736050003, КПП 772801001" \
		"Р/с 40702810401300012345" "БИК 044525593" "ИНН 7707083893, КПП 773601001" \
		"ОГРН 1027700132195" "/ Иванов Иван Иванович /" "/ Петрова М. И. /" \
		"Договор поставки № 1 от 23 ноября 2026 г., страница 1 из 2" "страница 2 из 2"
	do
		grep -F "$want" text >/dev/null || { echo "missing: $want"; return 1; }
	done
'

test_expect_success PDFTOTEXT 'a value with nothing prints as a line to fill in' '
	pdf_text c1.pdf >text &&
	test_grep "ОГРН ____________ Адрес: Москва" text
'

test_expect_success QPDF 'the PDF is clean' '
	qpdf --check c1.pdf >out &&
	test_grep "No syntax or stream encoding errors" out
'

test_expect_success 'contract pdf by number writes contract-NUMBER.pdf' '
	kontora contract pdf 2 2>err &&
	test -s contract-2.pdf &&
	kontora contract pdf "Д-17/2026" 2>err &&
	test -s "contract-Д-17-2026.pdf"
'

test_expect_success 'contract show and list as for any type' '
	kontora contract show $(cat id1) >out &&
	test_grep "^template: supply$" out &&
	kontora contract list >out &&
	test_line_count = 4 out
'

test_expect_success 'a missing template: refused, naming it, nothing committed' '
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora contract new --client $client --template nosuch 2>err &&
	echo "kontora: error: templates/nosuch.contract: no such template (kontora contract templates lists them)" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test_expect_code 1 kontora contract new --client $client --template ../x 2>err &&
	echo "kontora: error: contract template \"../x\": a name is a-z, 0-9, - and _" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'a value the template does not declare: refused, naming it' '
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora contract new --client $client --template supply --set colour=red 2>err &&
	echo "kontora: error: contract value colour: template supply has no such value (.set lines: city, supplier_signer_basis, buyer_signer, buyer_position, buyer_sign, buyer_signer_basis, payment_days, delivery_days, delivery_terms)" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success '--set without = is a usage error' '
	test_expect_code 2 kontora contract new --client $client --template supply --set colour 2>err &&
	test_grep "^kontora: error: --set colour: not KEY=VALUE" err
'

test_expect_success 'without --client or --template: a usage error' '
	test_expect_code 2 kontora contract new --template supply 2>err &&
	test_grep "^kontora: error: contract new wants --client and --template" err &&
	test_expect_code 2 kontora contract new --client $client 2>err &&
	test_grep "^kontora: error: contract new wants --client and --template" err
'

test_expect_success 'an unknown client is refused' '
	test_expect_code 1 kontora contract new --client CZZZZZZZ --template supply 2>err &&
	test_grep "^kontora: error: client CZZZZZZZ: " err
'

test_expect_success 'an unknown placeholder in a template: refused, naming the line' '
	sed "s/{client.inn}/{client.tin}/" templates/supply.contract >tmp &&
	mv tmp templates/supply.contract &&
	git commit -qam "a typo in the template" &&
	line=$(grep -n "{client.tin}" templates/supply.contract | head -1 | cut -d: -f1) &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora contract new --client $client --template supply 2>err &&
	echo "kontora: error: templates/supply.contract:$line: unknown placeholder {client.tin}" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'and contract pdf of a contract made before writes nothing' '
	test_expect_code 1 kontora contract pdf $(cat id1) -o broken.pdf 2>err &&
	echo "kontora: error: contract $(cat id1): templates/supply.contract:$(grep -n "{client.tin}" templates/supply.contract | head -1 | cut -d: -f1): unknown placeholder {client.tin}" >expect &&
	test_cmp expect err &&
	! test -e broken.pdf &&
	ls >files &&
	! grep "broken.pdf" files
'

test_expect_success 'an unknown directive and unbalanced columns name their line' '
	printf ".title X\n.box Y\n" >templates/bad.contract &&
	printf ".columns\nA\n" >templates/open.contract &&
	git add templates && git commit -qm "bad templates" &&
	test_expect_code 1 kontora contract new --client $client --template bad 2>err &&
	echo "kontora: error: templates/bad.contract:2: unknown directive .box" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora contract new --client $client --template open 2>err &&
	echo "kontora: error: templates/open.contract: .columns without .end" >expect &&
	test_cmp expect err
'

test_done
