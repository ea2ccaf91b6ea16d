#!/bin/sh
test_description='messages in Russian under ru_RU.UTF-8, in English otherwise: errors, warnings, usage, plurals; data unchanged'
# See kontora(1) (ENVIRONMENT: LANG, LC_ALL, LC_MESSAGES) and po/ru.po.
# tools/deps.sh generates ru_RU.UTF-8; without it the Russian tests
# skip.  The rest of the suite runs under C.UTF-8 (test-lib.sh), in
# English.
. "$(dirname "$0")/test-lib.sh"

locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$' && test_set_prereq RU_LOCALE
command -v xgettext >/dev/null && command -v msgmerge >/dev/null && command -v msgfmt >/dev/null &&
	test_set_prereq GETTEXT

ru () { env LC_ALL=ru_RU.UTF-8 "$@"; }

test_expect_success 'setup' '
	test_books books &&
	(cd books && kontora lead add --title "Гель" --amount 1500 --to anna >../l1) &&
	L1=$(cat l1)
'
cd books 2>/dev/null

test_expect_success RU_LOCALE 'a usage error in Russian, and in English under C' '
	test_expect_code 2 ru kontora lead add --no-such 2>err &&
	cat >expect <<-\EOF &&
	kontora: ошибка: --no-such: неизвестный параметр, или его значение пропущено или неверно
	использование: kontora lead add [--FIELD VALUE]... [--set FIELD=VALUE]... [--to LOGIN] [--new-client NAME] [--dry-run] [TITLE...]
	EOF
	test_cmp expect err &&
	test_expect_code 2 kontora lead add --no-such 2>err &&
	test_grep "^kontora: error: --no-such: unknown option" err &&
	test_grep "^usage: kontora lead add" err
'

test_expect_success RU_LOCALE 'an error of the library, a state given for a transition' '
	test_expect_code 1 ru kontora lead show "" 2>err &&
	echo "kontora: ошибка: не хватает кода записи: укажите код записи lead (или его первые буквы; их показывает kontora lead list)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ru kontora lead lost-it $L1 2>err &&
	test_grep "^kontora: ошибка: lead lost-it: нет такой подкоманды или перехода\$" err &&
	test_grep "^переходы workflows/lead.flow, каждый в состояние после ->:\$" err &&
	test_grep "^использование: kontora lead TRANSITION ID" err
'

test_expect_success RU_LOCALE 'kontora alone and -h: the usage in Russian' '
	test_expect_code 2 ru kontora 2>err &&
	test_grep "^команды:\$" err &&
	test_grep "^  search TEXT  *найти записи по словам\$" err &&
	ru kontora lead move -h >out &&
	test_grep "^использование: kontora lead move ID STATE" out &&
	test_grep "^состояния workflows/lead.flow: new" out
'

test_expect_success RU_LOCALE 'warnings and plurals: one, few, many' '
	printf "name,phone\nA,\n" >one.csv &&
	printf "name,phone\nA,\nB,\n" >two.csv &&
	printf "name,phone\nA,\nB,\nC,\nD,\nE,\n" >five.csv &&
	test_expect_code 1 ru kontora import leads --rejects ../r1.csv one.csv >out 2>err &&
	test_grep "^kontora: предупреждение: one.csv:2: " err &&
	test_grep "^kontora: 1 отклоненная строка записана в ../r1.csv\$" err &&
	test_grep "^новых: 0, связано с клиентами: 0, объединено: 0, пропущено дублей: 0, отклонено: 1\$" out &&
	test_expect_code 1 ru kontora import leads --rejects ../r2.csv two.csv >out 2>err &&
	test_grep "^kontora: 2 отклоненные строки записаны в ../r2.csv\$" err &&
	test_expect_code 1 ru kontora import leads --rejects ../r5.csv five.csv >out 2>err &&
	test_grep "^kontora: 5 отклоненных строк записано в ../r5.csv\$" err &&
	rm one.csv two.csv five.csv
'

test_expect_success RU_LOCALE 'LANG alone speaks Russian; LC_MESSAGES=C over it English' '
	test_expect_code 1 env -u LC_ALL LANG=ru_RU.UTF-8 kontora lead show "" 2>err &&
	test_grep "^kontora: ошибка: " err &&
	test_expect_code 1 env -u LC_ALL LANG=ru_RU.UTF-8 LC_MESSAGES=C kontora lead show "" 2>err &&
	test_grep "^kontora: error: an id is missing" err
'

test_expect_success RU_LOCALE 'data stays as it is: CSV, JSON and TSV the same in both locales' '
	for f in csv json tsv; do
		kontora lead list -f $f >en.$f &&
		ru kontora lead list -f $f >ru.$f &&
		test_cmp en.$f ru.$f || return 1
	done &&
	test_grep "\"amount\": 1500.00" ru.json
'

test_expect_success GETTEXT 'po/ru.po translates every message of the sources' '
	kw=$(awk "/^XGETTEXT_KEYWORDS/ { on = 1; sub(/^[^=]*= */, \"\") } on { more = sub(/\\\\\$/, \"\"); print; if (!more) exit }" "$TEST_ROOT/Makefile") &&
	test -n "$kw" &&
	(cd "$TEST_ROOT" && xgettext --from-code=UTF-8 --no-location $kw -o "$TEST_DIR/k.pot" cmd/*.c lib/*/*.c) &&
	msgmerge -q "$TEST_ROOT/po/ru.po" "$TEST_DIR/k.pot" -o "$TEST_DIR/merged.po" &&
	msgfmt -c --statistics -o /dev/null "$TEST_DIR/merged.po" 2>stats &&
	! grep "untranslated\|fuzzy" stats
'

test_done
