#!/bin/sh
test_description='kontora log: the history of a record'
# Decisions where docs/foundation.md is silent:
# - blank lines between entries are allowed (we drop them before comparing);
# - the subject of the first (add) entry is only checked to start with
#   "client ID: ";
# - commits are dated KONTORA_NOW, so each change is made at its own hour.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	kontora -C books employee add --login boris --name "Борис Сидоров" \
		--email boris@example.com --role director >/dev/null &&
	C=$(kontora -C books client add --name Ромашка --phone "+7 495 111-11-11" --manager anna) &&
	KONTORA_NOW=2026-11-23T11:00:00Z KONTORA_USER=anna \
		kontora -C books client edit $C --set phone=84952222222 &&
	KONTORA_NOW=2026-11-23T12:00:00Z KONTORA_USER=boris \
		kontora -C books client edit $C --phone "(495) 333-33-33"
'
cd books 2>/dev/null

test_expect_success 'the commits are by the acting employees' '
	git log -3 --format="%an <%ae>|%cn <%ce>|%aI" >actual &&
	cat >expect <<-\EOF &&
	Борис Сидоров <boris@example.com>|Борис Сидоров <boris@example.com>|2026-11-23T12:00:00Z
	Анна Петрова <anna@example.com>|Анна Петрова <anna@example.com>|2026-11-23T11:00:00Z
	Тест Тестов <test@example.com>|Тест Тестов <test@example.com>|2026-11-23T10:00:00Z
	EOF
	sed "s/+00:00$/Z/" actual >actual.z &&
	test_cmp expect actual.z
'

test_expect_success 'the commit message' '
	git log -1 --format=%B >msg &&
	cat >expect <<-EOF &&
	client $C: edit phone

	phone: +74952222222 -> +74953333333

	Kontora-Command: client edit
	Kontora-Record: $C
	EOF
	sed -e "\$!b" -e "/^\$/d" msg >msg.trimmed &&
	test_cmp expect msg.trimmed
'

test_expect_success 'log shows three entries, newest first' '
	kontora log $C >out &&
	grep -v "^\$" out >actual &&
	cat >expect <<-EOF &&
	2026-11-23 12:00  Борис Сидоров <boris@example.com>  client $C: edit phone
	    phone: +74952222222 -> +74953333333
	2026-11-23 11:00  Анна Петрова <anna@example.com>  client $C: edit phone
	    phone: +74951111111 -> +74952222222
	EOF
	head -n 4 actual >first4 &&
	test_cmp expect first4 &&
	grep "^2026" actual >entries &&
	test_line_count = 3 entries &&
	sed -n 3p entries | test_grep "^2026-11-23 10:00  Тест Тестов <test@example.com>  client $C: "
'

test_expect_success 'the first entry shows every non-empty field' '
	sed -n "5,\$p" actual >first &&
	test_grep "^    name: -> Ромашка$" first &&
	test_grep "^    phone: -> +74951111111$" first &&
	! grep "inn:" first &&
	! grep "notes:" first
'

test_expect_success 'log by a prefix, in lower case' '
	kontora log $(echo $C | cut -c1-6 | tr A-Z a-z) >out2 &&
	test_cmp out out2
'

test_expect_success 'log shows local time' '
	TZ=Europe/Moscow kontora log $C >out &&
	head -n 1 out | test_grep "^2026-11-23 15:00  Борис Сидоров"
'

test_expect_success 'KONTORA_NOW in seconds since the epoch' '
	KONTORA_NOW=1795438800 kontora client edit $C --set notes=вечер &&
	test "$(git log -1 --format=%at)" = 1795438800 &&
	kontora log $C >out &&
	head -n 1 out | test_grep "^2026-11-23 13:00  Тест Тестов <test@example.com>  client $C: " &&
	grep -v "^\$" out | sed -n 2p | test_grep "^    notes: -> вечер$"
'

test_expect_success 'a hand-made commit is in the log' '
	sed "s/,вечер,/,утро,/" data/client/2026-11.csv >new &&
	mv new data/client/2026-11.csv &&
	GIT_AUTHOR_DATE=2026-11-23T14:00:00Z GIT_COMMITTER_DATE=2026-11-23T14:00:00Z \
		git commit -q -am "notes by hand" &&
	kontora log $C >out &&
	head -n 1 out | test_grep "^2026-11-23 14:00  Тест Тестов <test@example.com>  notes by hand$" &&
	grep -v "^\$" out | sed -n 2p | test_grep "^    notes: вечер -> утро$"
'

test_expect_success 'log of other records is separate' '
	D=$(kontora client add --name Лютик) &&
	kontora log $D >out &&
	grep "^2026" out >entries &&
	test_line_count = 1 entries &&
	! grep Ромашка out
'

test_expect_success 'log of an unknown id fails' '
	test_expect_code 1 kontora log CZZZZZZZ >out 2>err &&
	test_grep "^kontora: error:" err &&
	test_line_count = 0 out
'

test_expect_success 'an unknown KONTORA_USER is an error' '
	head=$(git rev-parse HEAD) &&
	test_expect_code 1 env KONTORA_USER=nobody kontora client edit $C --set notes=x 2>err &&
	test_grep "^kontora: error:.*nobody" err &&
	test "$(git rev-parse HEAD)" = $head
'

test_expect_success 'git user.email picks the employee' '
	git config --global user.email anna@example.com &&
	git config --global user.name "Someone Else" &&
	kontora client edit $C --set notes=anna &&
	git config --global user.email test@example.com &&
	git config --global user.name "Тест Тестов" &&
	test "$(git log -1 --format="%an <%ae>")" = "Анна Петрова <anna@example.com>"
'

test_done
