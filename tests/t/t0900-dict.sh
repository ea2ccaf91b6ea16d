#!/bin/sh
test_description='kontora dict'
# Decisions where docs/foundation.md and DESIGN.md are silent:
# - `kontora dict` alone prints the dictionaries' names, one a line, in
#   byte order;
# - add and rm print nothing; each is one commit with the trailer
#   "Kontora-Command: dict add" or "dict rm", subject
#   "dict NAME: add ID (LABEL)" or "dict NAME: remove ID (LABEL)" and the
#   body line "add ID: LABEL" or "remove ID", which --dry-run prints;
# - a new name may not repeat another entry's name or id (ignoring case
#   and ё), since entries are typed by name;
# - rm refuses an entry that is a schema's default, as it does one that
#   records use, unless --force.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' 'test_books books'
cd books 2>/dev/null

test_expect_success 'kontora dict lists the dictionaries' '
	kontora dict >out &&
	cat >expect <<-\EOF &&
	activity_kind
	city
	funnel_stage
	lead_source
	refusal_reason
	unit
	EOF
	test_cmp expect out
'

test_expect_success 'dict list -f csv gives id,name in the order of the file' '
	kontora dict list lead_source -f csv >out &&
	cat >expect <<-\EOF &&
	id,name
	web,Сайт
	phone,Звонок
	email,E-mail
	exhibition,Выставка
	referral,Рекомендация
	repeat,Повторное обращение
	other,Другое
	EOF
	test_cmp expect out &&
	test_cmp dicts/lead_source.csv out
'

test_expect_success 'dict list in tsv and json' '
	kontora dict list lead_source -f tsv >out &&
	test "$(sed -n 1p out)" = "$(printf "id\tname")" &&
	test "$(sed -n 2p out)" = "$(printf "web\tСайт")" &&
	test_line_count = 8 out &&
	kontora dict list lead_source -f json >out &&
	test_json <out &&
	test_grep "{\"id\": \"web\", \"name\": \"Сайт\"}" out &&
	kontora dict list lead_source >out &&
	test_line_count = 8 out
'

test_expect_success 'dict list of an unknown dictionary fails' '
	test_expect_code 1 kontora dict list nosuchdict >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^kontora: error: .*nosuchdict" err
'

test_expect_success 'dict add appends an entry in one commit' '
	before=$(test_commits) &&
	kontora dict add lead_source fair Ярмарка >out &&
	test_line_count = 0 out &&
	test $(test_commits) = $((before + 1)) &&
	test_clean &&
	test "$(git log -1 --format=%s)" = "dict lead_source: add fair (Ярмарка)" &&
	git log -1 --format=%b >body &&
	test_grep "^add fair: Ярмарка$" body &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" >cmd &&
	test_grep "^dict add$" cmd &&
	test "$(git log -1 --format="%an <%ae>")" = "Тест Тестов <test@example.com>" &&
	git show --stat --format= HEAD >stat &&
	test_grep "dicts/lead_source.csv" stat &&
	test_line_count = 2 stat &&
	printf "%s\n" "id,name" "web,Сайт" "phone,Звонок" "email,E-mail" \
		"exhibition,Выставка" "referral,Рекомендация" \
		"repeat,Повторное обращение" "other,Другое" "fair,Ярмарка" >expect &&
	test_cmp expect dicts/lead_source.csv &&
	kontora dict list lead_source -f csv >out &&
	test_cmp expect out
'

test_expect_success 'the new entry is usable at once, by id and by name' '
	id1=$(kontora client add --name "ООО Ромашка" --source fair) &&
	id2=$(kontora client add --name "ООО Лютик" --source Ярмарка) &&
	id3=$(kontora client add --name "ООО Василек" --source ЯРМАРКА) &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $id1 source <out)" = fair &&
	test "$(test_csv_get $id2 source <out)" = fair &&
	test "$(test_csv_get $id3 source <out)" = fair &&
	kontora lead add --title "Заявка с ярмарки" --source fair >/dev/null
'

test_expect_success 'a name with a comma and quotes is written as RFC 4180' '
	kontora dict add city nn "Нижний Новгород, \"НН\"" &&
	tail -n 1 dicts/city.csv >out &&
	echo "nn,\"Нижний Новгород, \"\"НН\"\"\"" >expect &&
	test_cmp expect out &&
	kontora dict list city -f csv >out &&
	tail -n 1 out >last &&
	test_cmp expect last &&
	test_clean
'

test_expect_success 'dict add creates a dictionary' '
	kontora dict add packaging box "Коробка" &&
	printf "%s\n" "id,name" "box,Коробка" >expect &&
	test_cmp expect dicts/packaging.csv &&
	kontora dict >out &&
	test_grep "^packaging$" out &&
	test_clean
'

test_expect_success 'dict add refuses a duplicate, an empty or bad id, an empty name' '
	head=$(git rev-parse HEAD) &&
	cp dicts/lead_source.csv before.csv &&
	test_expect_code 1 kontora dict add lead_source fair "Другая ярмарка" 2>err &&
	test_grep "^kontora: error: dict lead_source: fair already exists" err &&
	test_expect_code 1 kontora dict add lead_source web2 "сайт" 2>err &&
	test_grep "^kontora: error: dict lead_source: web2: the name \"сайт\" is already used by web" err &&
	test_expect_code 1 kontora dict add lead_source "" "Пусто" 2>err &&
	test_grep "^kontora: error: dict lead_source: the id is empty" err &&
	test_expect_code 1 kontora dict add lead_source radio "" 2>err &&
	test_grep "^kontora: error: dict lead_source: radio: the name is empty" err &&
	for bad in Radio "ra dio" ра radio- "radio.fm" "a/b"
	do
		test_expect_code 1 kontora dict add lead_source "$bad" "Радио" 2>err &&
		test_grep "^kontora: error: dict lead_source: id \"$bad\": only lower-case" err || return 1
	done &&
	test_expect_code 1 kontora dict add ../x a "А" 2>err &&
	test_grep "^kontora: error: dict ../x: a dictionary" err &&
	test "$(git rev-parse HEAD)" = $head &&
	test_cmp before.csv dicts/lead_source.csv &&
	test_clean
'

test_expect_success 'dict rm of an unused entry' '
	before=$(test_commits) &&
	kontora dict rm lead_source exhibition &&
	test $(test_commits) = $((before + 1)) &&
	test_clean &&
	test "$(git log -1 --format=%s)" = "dict lead_source: remove exhibition (Выставка)" &&
	git log -1 --format=%b >body &&
	test_grep "^remove exhibition$" body &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" >cmd &&
	test_grep "^dict rm$" cmd &&
	printf "%s\n" "id,name" "web,Сайт" "phone,Звонок" "email,E-mail" \
		"referral,Рекомендация" "repeat,Повторное обращение" "other,Другое" \
		"fair,Ярмарка" >expect &&
	test_cmp expect dicts/lead_source.csv
'

test_expect_success 'dict rm of a missing entry or dictionary fails' '
	head=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora dict rm lead_source exhibition 2>err &&
	test_grep "^kontora: error: dict lead_source: no entry exhibition" err &&
	test_expect_code 1 kontora dict rm nosuchdict web 2>err &&
	test_grep "^kontora: error: dict nosuchdict: no such dictionary" err &&
	test "$(git rev-parse HEAD)" = $head
'

test_expect_success 'dict rm refuses an entry in use, naming the count' '
	head=$(git rev-parse HEAD) &&
	kontora client add --name "ООО Сайт" --source web >/dev/null &&
	head=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora dict rm lead_source fair 2>err &&
	test_grep "^kontora: error: dict lead_source: fair is used by 4 records (client C[0-9A-Z]*, \.\.\.); use --force$" err &&
	test_expect_code 1 kontora dict rm lead_source web 2>err &&
	test_grep "^kontora: error: dict lead_source: web is used by 1 record (client C[0-9A-Z]*); use --force$" err &&
	test "$(git rev-parse HEAD)" = $head &&
	test_clean
'

test_expect_success 'dict rm refuses a schema default' '
	test_expect_code 1 kontora dict rm funnel_stage new 2>err &&
	test_grep "^kontora: error: dict funnel_stage: new is the default of lead.stage" err
'

test_expect_success '--dry-run changes nothing' '
	head=$(git rev-parse HEAD) &&
	kontora dict add lead_source radio Радио --dry-run >out &&
	echo "add radio: Радио" >expect &&
	test_cmp expect out &&
	kontora dict rm lead_source web --force --dry-run >out &&
	echo "remove web" >expect &&
	test_cmp expect out &&
	test "$(git rev-parse HEAD)" = $head &&
	test_clean &&
	kontora dict list lead_source -f csv >out &&
	! grep "^radio," out &&
	test_grep "^web,Сайт$" out
'

test_expect_success 'dict rm --force removes an entry in use; check then reports it' '
	kontora check &&
	kontora dict rm lead_source web --force &&
	test_clean &&
	kontora dict list lead_source -f csv >out &&
	! grep "^web," out &&
	test_expect_code 1 kontora check >out 2>err &&
	test_grep "source: \"web\" is not in dicts/lead_source.csv" out &&
	test_expect_code 1 kontora client add --name "ООО Новый" --source web 2>err &&
	test_grep "source: \"web\" is not in dicts/lead_source.csv" err
'

test_expect_success 'an entry removed may be added again' '
	kontora dict add lead_source web Сайт &&
	kontora check &&
	tail -n 1 dicts/lead_source.csv >out &&
	echo "web,Сайт" >expect &&
	test_cmp expect out
'

test_expect_success 'a dictionary with uncommitted edits is not written' '
	head=$(git rev-parse HEAD) &&
	echo "tv,Телевизор" >>dicts/lead_source.csv &&
	test_expect_code 1 kontora dict add lead_source radio Радио 2>err &&
	test_grep "dicts/lead_source.csv has uncommitted changes" err &&
	test "$(git rev-parse HEAD)" = $head &&
	git checkout dicts/lead_source.csv
'

test_expect_success 'a dictionary edited by hand and committed is read' '
	echo "tv,Телевизор" >>dicts/lead_source.csv &&
	git commit -q -am "tv by hand" &&
	kontora dict list lead_source -f csv >out &&
	test_grep "^tv,Телевизор$" out &&
	kontora dict add lead_source radio Радио &&
	tail -n 2 dicts/lead_source.csv >out &&
	printf "%s\n" "tv,Телевизор" "radio,Радио" >expect &&
	test_cmp expect out
'

test_expect_success 'dict -h and usage errors' '
	kontora dict -h >out 2>err &&
	test_grep "^usage: kontora dict" out &&
	test_line_count = 0 err &&
	for sub in list add rm
	do
		kontora dict $sub -h >out &&
		test_grep "^usage: kontora dict" out || return 1
	done &&
	test_expect_code 2 kontora dict frobnicate 2>err &&
	test_grep "^kontora: error:" err &&
	test_expect_code 2 kontora dict list 2>err &&
	test_expect_code 2 kontora dict add lead_source x 2>err &&
	test_expect_code 2 kontora dict rm lead_source 2>err &&
	test_expect_code 2 kontora dict list lead_source -f xml 2>err &&
	test_expect_code 2 kontora dict list lead_source --force 2>err &&
	test_expect_code 2 kontora dict add lead_source x X --force 2>err &&
	test_grep "^kontora: error:" err
'

test_done
