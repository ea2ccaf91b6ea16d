#!/bin/sh
test_description='lead add: a possible duplicate said, an external id that makes an add a repeat'
# See kontora-lead(1), "Repeats and duplicates".  The clock is
# 2026-11-23 10:00 UTC; the admin is Тест Тестов.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	kontora -C books employee add --login vera --name "Вера Орлова" --role manager >/dev/null &&
	kontora -C books config assign.rule none
'
cd books 2>/dev/null

test_expect_success 'a phone an open lead of the last 30 days has is said, in any form' '
	first=$(KONTORA_NOW=2026-11-10T09:00:00Z kontora lead add --title "Гель" \
		--phone "+7 916 111-22-33") &&
	second=$(kontora lead add --title "Гель, ещё раз" --phone "8 (916) 111 22 33" 2>err) &&
	echo "kontora: lead $second: possible duplicate of $first, added 2026-11-10 by Тест Тестов (same phone)" >expect &&
	test_cmp expect err &&
	test "$first" != "$second" &&
	kontora lead show $second >show && test_grep "Гель, ещё раз" show
'

test_expect_success 'an e-mail, in any case; the newest lead is named' '
	a=$(KONTORA_NOW=2026-11-01T09:00:00Z kontora lead add --title A --email Ivan@Shop.ru) &&
	b=$(KONTORA_NOW=2026-11-02T09:00:00Z kontora lead add --title B --email ivan@shop.ru 2>/dev/null) &&
	c=$(kontora lead add --title C --email IVAN@SHOP.RU 2>err) &&
	echo "kontora: lead $c: possible duplicate of $b, added 2026-11-02 by Тест Тестов (same email)" >expect &&
	test_cmp expect err
'

test_expect_success 'another manager'"'"'s lead is said too, and who added it' '
	v=$(KONTORA_USER=vera kontora lead add --title "У Веры" --phone "+74951234567") &&
	mine=$(kontora lead add --title "У меня" --phone "+7 495 123-45-67" 2>err) &&
	echo "kontora: lead $mine: possible duplicate of $v, added 2026-11-23 by Вера Орлова (same phone)" >expect &&
	test_cmp expect err
'

test_expect_success 'nothing is said for a closed lead' '
	closed=$(kontora lead add --title "Закрыт" --phone "+74997770000") &&
	kontora lead lost $closed --reason price &&
	kontora lead add --title "Снова" --phone "+74997770000" >/dev/null 2>err &&
	test_line_count = 0 err
'

test_expect_success 'nor for a lead older than 30 days' '
	KONTORA_NOW=2026-10-24T09:59:59Z kontora lead add --title "Старый" --phone "+74996660000" >/dev/null &&
	kontora lead add --title "Новый" --phone "+74996660000" >/dev/null 2>err &&
	test_line_count = 0 err &&
	KONTORA_NOW=2026-10-24T10:00:00Z kontora lead add --title "Не старый" --phone "+74995550000" >/dev/null &&
	kontora lead add --title "Новый" --phone "+74995550000" >/dev/null 2>err &&
	test_grep "possible duplicate" err
'

test_expect_success 'an external id seen before makes the add a repeat: its id, no commit' '
	x=$(kontora lead add --title "Из скрипта" --phone "+74993330000" --external-id crm:42) &&
	before=$(git rev-parse HEAD) &&
	again=$(kontora lead add --title "Из скрипта" --phone "+74993330000" --external-id crm:42 2>err) &&
	test "$again" = "$x" &&
	echo "kontora: lead $x: already in the books (external_id crm:42); nothing added" >expect &&
	test_cmp expect err &&
	test $(git rev-parse HEAD) = $before &&
	kontora lead list --all -f csv --where "external_id=crm:42" >list &&
	test_line_count = 2 list
'

test_expect_success 'the repeat is found whoever'"'"'s lead it is' '
	before=$(git rev-parse HEAD) &&
	again=$(KONTORA_USER=vera kontora lead add --title "Из скрипта" --external-id crm:42 2>err) &&
	test "$again" = "$x" &&
	test $(git rev-parse HEAD) = $before
'

test_expect_success 'a new external id adds a lead' '
	y=$(kontora lead add --title "Другое" --external-id crm:43) &&
	test "$y" != "$x" &&
	kontora lead show $y >show && test_grep "crm:43" show
'

test_done
