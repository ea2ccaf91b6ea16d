#!/bin/sh
test_description='kontora import leads: form posts, JSON, CSV, XLSX; idempotent; rejects'
# See kontora-import(1).  Fixtures in tests/fixtures/leads/ were written by
# hand (tilda-*.form, tilda.json, *.csv) or with openpyxl (export.xlsx).
# The clock is Monday 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

F=$TEST_FIXTURES/leads

# lead_csv WHERE: the leads matching WHERE as CSV with every field.
lead_csv () { kontora lead list -f csv --all --where "$1"; }

# no_lead WHERE: no lead (archived or not) matches WHERE.
no_lead () { lead_csv "$1" >no_lead.csv && test_line_count = 1 no_lead.csv; }

# test_csv_get_on ID FIELD: FIELD of the one row of CSV on stdin whose on is ID
test_csv_get_on () {
	python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["on"] == sys.argv[1]]
if len(rows) != 1:
    sys.exit("%d rows on %s" % (len(rows), sys.argv[1]))
print(rows[0][sys.argv[2]])' "$@"
}

test_expect_success 'setup: books, managers anna and petr, a client of petr' '
	test_books books &&
	(cd books &&
	 kontora employee add --login petr --name "Петр Иванов" --role manager >/dev/null &&
	 kontora config assign.rule least-loaded &&
	 kontora client add --to petr --email olga@himdom.ru Химдом >../c1) &&
	C1=$(cat c1)
'
cd books 2>/dev/null

test_expect_success 'a Tilda post in UTF-8: one lead, one task, one commit' '
	before=$(test_commits) &&
	kontora import leads --source tilda "$F/tilda-utf8.form" >out 2>err &&
	echo "1 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $((before + 1)) &&
	echo "import leads: 1 new, 0 linked, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	lead_csv "external_id=tilda:5489108:4802756061" >csv &&
	test_line_count = 2 csv &&
	L1=$(sed -n 2p csv | cut -d, -f1) &&
	test "$(test_lead_field $L1 name)" = "Мария Ёлкина" &&
	test "$(test_lead_field $L1 phone)" = "+79165551234" &&
	test "$(test_lead_field $L1 email)" = "maria@example.ru" &&
	test "$(test_lead_field $L1 title)" = "Заявка с сайта (Заявка на расчет)" &&
	test "$(test_lead_field $L1 comment)" = "Нужен концентрат для мытья полов, 200 л в месяц" &&
	test "$(test_lead_field $L1 utm_source)" = yandex &&
	test "$(test_lead_field $L1 utm_medium)" = cpc &&
	test "$(test_lead_field $L1 utm_campaign)" = floor &&
	test "$(test_lead_field $L1 processed)" = false &&
	test "$(test_lead_field $L1 source)" = web &&
	M=$(test_lead_field $L1 manager) &&
	case $M in anna|petr) ;; *) false ;; esac &&
	kontora task list -f csv --where "on=$L1" >tasks &&
	test_line_count = 2 tasks &&
	grep ",Обработать новый лид: Мария Ёлкина,$L1,$M,2026-11-23," tasks &&
	test_clean
'

test_expect_success 'the same post again: nothing new, no commit, exit 0' '
	before=$(test_commits) &&
	kontora import leads --source tilda "$F/tilda-utf8.form" >out &&
	echo "0 new, 0 linked to clients, 0 merged, 1 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before
'

test_expect_success 'a post in Windows-1251: decoded, never mojibake' '
	kontora import leads --source tilda "$F/tilda-cp1251.form" >out &&
	L=$(lead_csv "external_id=tilda:5489108:4802756099" | sed -n 2p | cut -d, -f1) &&
	test "$(test_lead_field $L name)" = "Сергей Ветров" &&
	test "$(test_lead_field $L phone)" = "+79037776655" &&
	test "$(test_lead_field $L comment)" = "Интересует гель для посуды"
'

test_expect_success 'JSON whose e-mail is a client: linked to it and to its manager, and said' '
	kontora import leads --source tilda "$F/tilda.json" >out 2>err &&
	echo "0 new, 1 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	L=$(lead_csv "external_id=tilda:5489108:4802757000" | sed -n 2p | cut -d, -f1) &&
	test "$(test_lead_field $L client)" = "$C1" &&
	test "$(test_lead_field $L manager)" = petr &&
	echo "kontora: lead $L: linked to client $C1 «Химдом» (same email olga@himdom.ru), manager petr" >expect &&
	test_cmp expect err
'

test_expect_success 'CSV with a BOM: two rows of one person are one lead with both comments' '
	kontora import leads --source form "$F/export-bom.csv" >out &&
	echo "2 new, 0 linked to clients, 1 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	lead_csv "phone=+79161112233" >csv &&
	python3 -c "import csv; assert len(list(csv.reader(open(\"csv\", newline=\"\")))) == 2" &&
	L=$(sed -n 2p csv | cut -d, -f1) &&
	printf "Порошок, 25 кг\n---\nЕщё хочу пятновыводитель\n" >expect &&
	test_lead_field $L comment >actual &&
	test_cmp expect actual &&
	test "$(test_lead_field $L name)" = "Андрей Кузин" &&
	test "$(test_lead_field $L title)" = "Заявка с сайта" &&
	E=$(lead_csv "email=elena@pchelka.ru" | sed -n 2p | cut -d, -f1) &&
	test "$(test_lead_field $E phone)" = ""
'

test_expect_success 'the same CSV again: every row a duplicate, the merged one too' '
	before=$(test_commits) &&
	kontora import leads --source form "$F/export-bom.csv" >out &&
	echo "0 new, 0 linked to clients, 0 merged, 3 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before
'

test_expect_success 'a later export with a new row of a known person: its comment joins the lead' '
	L=$(lead_csv "phone=+79161112233" | sed -n 2p | cut -d, -f1) &&
	printf "Имя,Телефон,Email,Комментарий,Дата\nАндрей Кузин,89161112233,andrey@mail.ru,\"Порошок, 25 кг\",2026-11-20 10:15\nАндрей Кузин,89161112233,,И отбеливатель,2026-11-22 12:00\n" >later.csv &&
	kontora import leads --source form later.csv >out &&
	echo "0 new, 0 linked to clients, 1 merged, 1 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	printf "Порошок, 25 кг\n---\nЕщё хочу пятновыводитель\n---\nИ отбеливатель\n" >expect &&
	test_lead_field $L comment >actual &&
	test_cmp expect actual &&
	test "$(test_lead_field $L processed)" = false &&
	kontora import leads --source form later.csv >out &&
	echo "0 new, 0 linked to clients, 0 merged, 2 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out
'

test_expect_success 'Excel CSV: semicolons, Windows-1251, CRLF' '
	kontora import leads "$F/export-cp1251.csv" >out &&
	echo "2 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	L=$(lead_csv "phone=+79123456789" | sed -n 2p | cut -d, -f1) &&
	test "$(test_lead_field $L name)" = "Петров Иван" &&
	test "$(test_lead_field $L title)" = "Средство для сантехники" &&
	A=$(lead_csv "email=anna@sidorova.ru" | sed -n 2p | cut -d, -f1) &&
	test "$(test_lead_field $A name)" = "Сидорова Анна"
'

test_expect_success 'XLSX: the first sheet, phones saved as numbers' '
	kontora import leads "$F/export.xlsx" >out &&
	echo "3 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	L=$(lead_csv "phone=+79991234567" | sed -n 2p | cut -d, -f1) &&
	test "$(test_lead_field $L name)" = "Иван Петров" &&
	test "$(test_lead_field $L email)" = "ivan@example.ru" &&
	test "$(test_lead_field $L title)" = "Заявка с сайта" &&
	test -n "$(lead_csv "phone=+74951112233" | sed -n 2p)"
'

test_expect_success 'bad rows are rejected with file, line and reason; the good ones land; exit 1' '
	before=$(test_commits) &&
	test_expect_code 1 kontora import leads --reject rej.csv "$F/broken-rows.csv" >out 2>err &&
	echo "2 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 2 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $((before + 1)) &&
	cat >expect <<-EOF &&
	kontora: warning: $F/broken-rows.csv:3: no phone and no e-mail: nobody to call back
	kontora: warning: $F/broken-rows.csv:4: Имя: not valid utf-8 (byte 1)
	kontora: 2 rejected rows written to rej.csv
	EOF
	test_cmp expect err &&
	python3 -c "
import csv, sys
rows = list(csv.reader(open(\"rej.csv\", newline=\"\")))
assert rows[0] == [\"file\", \"line\", \"reason\", \"Имя\", \"Телефон\", \"Email\", \"Комментарий\"], rows[0]
assert rows[1][1:] == [\"3\", \"no phone and no e-mail: nobody to call back\", \"Без Контактов\", \"\", \"\", \"позвоните мне\"], rows[1]
assert rows[2][1:3] == [\"4\", \"Имя: not valid utf-8 (byte 1)\"], rows[2]
assert len(rows) == 3
" &&
	test -n "$(lead_csv "phone=+79990001122" | sed -n 2p)" &&
	test -n "$(lead_csv "phone=+79990005566" | sed -n 2p)" &&
	no_lead "phone=+79990003344"
'

test_expect_success 'truncated JSON: an error naming the file, line and column, nothing imported' '
	before=$(test_commits) &&
	test_expect_code 1 kontora import leads "$F/broken-truncated.json" >out 2>err &&
	echo "kontora: error: $F/broken-truncated.json:2:31: malformed JSON: it ends too early" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before
'

test_expect_success 'CSV saved as UTF-16: an error naming the file, nothing imported' '
	before=$(test_commits) &&
	printf "Name,Phone\nАнна,+79161234599\n" | iconv -f UTF-8 -t UTF-16 >utf16.csv &&
	test_expect_code 1 kontora import leads utf16.csv >out 2>err &&
	echo "kontora: error: utf16.csv:1: a NUL byte (byte 4): UTF-16 or not text; save it as CSV in UTF-8 or Windows-1251" >expect &&
	test_cmp expect err &&
	test_grep "^1 input could not be read" out &&
	test $(test_commits) = $before
'

test_expect_success 'a broken file does not stop the good one beside it' '
	test_expect_code 1 kontora import leads --source other "$F/broken-truncated.json" "$F/tilda-utf8.form" >out 2>err &&
	echo "1 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect.1 &&
	echo "1 input could not be read" >>expect.1 &&
	test_cmp expect.1 out
'

test_expect_success 'a 10 MB field is a rejected row, not a lead' '
	{ printf "name,phone,comment\nОгромный,89995550000," && head -c 10000000 /dev/zero | tr "\0" x && printf "\n"; } >huge.csv &&
	test_expect_code 1 kontora import leads --reject huge-rej.csv huge.csv >out 2>err &&
	test_grep "huge.csv:2: comment: longer than 10000 bytes" err &&
	no_lead "phone=+79995550000"
'

test_expect_success '--dry-run counts and writes nothing, not even the reject file' '
	before=$(test_commits) &&
	head=$(git rev-parse HEAD) &&
	printf "name,phone\nПробный,89997770000\nБез Контактов,\n" >dry.csv &&
	rm -f rejected.csv dry-rej.csv &&
	kontora task list --all -f csv >tasks.before &&
	test_expect_code 1 kontora import leads --dry-run dry.csv >out 2>err &&
	echo "would import: 1 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 1 rejected" >expect &&
	test_cmp expect out &&
	echo "kontora: warning: dry.csv:3: no phone and no e-mail: nobody to call back" >expect &&
	test_cmp expect err &&
	test ! -e rejected.csv &&
	test_expect_code 1 kontora import leads --dry-run --reject dry-rej.csv dry.csv >out 2>err &&
	test_cmp expect err &&
	test ! -e dry-rej.csv &&
	test $(test_commits) = $before &&
	test "$(git rev-parse HEAD)" = $head &&
	no_lead "phone=+79997770000" &&
	kontora task list --all -f csv >tasks.after &&
	test_cmp tasks.before tasks.after &&
	test_clean
'

test_expect_success 'from standard input, --format and --encoding' '
	printf "Name=%%D1%%CC&Phone=89997771111" | kontora import leads --format form --encoding cp1251 --source std - >out &&
	test -n "$(lead_csv "phone=+79997771111" | sed -n 2p)"
'

test_expect_success 'usage errors: no file, a bad format' '
	test_expect_code 2 kontora import leads 2>err &&
	test_grep "usage: kontora import leads" err &&
	test_expect_code 2 kontora import leads --format pdf x.csv 2>err &&
	test_grep "format pdf: not form, json, csv or xlsx" err &&
	test_expect_code 2 kontora import nothing 2>err
'

test_expect_success 'a manager who imports keeps the leads, and their tasks' '
	printf "name,phone,email\nСвой Первый,89995550301,\nСвой Второй,89995550302,\nСвой Третий,89995550303,\n" >mine.csv &&
	before=$(test_commits) &&
	KONTORA_USER=petr kontora import leads mine.csv >out 2>err &&
	echo "3 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test_line_count = 0 err &&
	test $(test_commits) = $((before + 1)) &&
	test "$(git log -1 --format=%an)" = "Петр Иванов" &&
	for i in 1 2 3; do
		L=$(lead_csv "phone=+7999555030$i" | sed -n 2p | cut -d, -f1) &&
		test -n "$L" &&
		echo petr >expect &&
		test_lead_field $L manager >actual &&
		test_cmp expect actual &&
		kontora task list -f csv --where "on=$L" | test_csv_get_on $L assignee >actual &&
		test_cmp expect actual || return 1
	done &&
	KONTORA_USER=petr kontora lead list --mine -f csv --where "name~Свой" >mine.out &&
	test_line_count = 4 mine.out
'

test_expect_success '[source "NAME"] replaces the input names of its fields and sets the lead source' '
	kontora config source.expo.name "ФИО посетителя, Контакт" &&
	kontora config source.expo.phone "Мобильный тел." &&
	kontora config source.expo.comment "Что обсуждали" &&
	kontora config source.expo.lead-source exhibition &&
	# the default names (Имя, Телефон, Комментарий) are there too, and lose
	cat >expo.csv <<-\EOF &&
	Имя,ФИО посетителя,Телефон,Мобильный тел.,Комментарий,Что обсуждали
	Не то имя,Олег Стендов,89990000001,89995550101,не тот комментарий,Гель оптом
	EOF
	before=$(test_commits) &&
	kontora import leads --source expo expo.csv >out &&
	echo "1 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $((before + 1)) &&
	L=$(lead_csv "phone=+79995550101" | sed -n 2p | cut -d, -f1) &&
	test -n "$L" &&
	printf "%s\n" "Олег Стендов" +79995550101 "Гель оптом" exhibition >expect &&
	for f in name phone comment source; do test_lead_field $L $f || return 1; done >actual &&
	test_cmp expect actual &&
	test_lead_field $L external_id >actual &&
	test_grep "^expo:h[0-9a-f]\{16\}$" actual &&
	no_lead "phone=+79990000001"
'

test_expect_success '[source "NAME"]: the next name of a list when the first is missing' '
	printf "Контакт,Мобильный тел.\nИнна Вторая,89995550102\n" >expo2.csv &&
	kontora import leads --source expo expo2.csv >out &&
	L=$(lead_csv "phone=+79995550102" | sed -n 2p | cut -d, -f1) &&
	echo "Инна Вторая" >expect &&
	test_lead_field $L name >actual &&
	test_cmp expect actual &&
	# another source reads the same file with the default names: no phone
	printf "Контакт,Мобильный тел.\nИнна Третья,89995550103\n" >expo3.csv &&
	test_expect_code 1 kontora import leads --source stand --reject stand-rej.csv expo3.csv >out 2>err &&
	echo "0 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 1 rejected" >expect &&
	test_cmp expect out &&
	no_lead "name=Инна Третья"
'

test_expect_success 'import.task-hours: the task of a new lead is due that many hours later, on that day' '
	kontora config import.task-hours 20 &&
	printf "name,phone\nЧасы Первый,89995550201\n" >hours.csv &&
	KONTORA_NOW=2026-11-23T10:00:00Z kontora import leads hours.csv >out &&
	L=$(lead_csv "phone=+79995550201" | sed -n 2p | cut -d, -f1) &&
	kontora task list -f csv --where "on=$L" >tasks &&
	test_line_count = 2 tasks &&
	test_csv_get_on $L due <tasks >actual &&
	echo 2026-11-24 >expect &&
	test_cmp expect actual &&
	kontora config --unset import.task-hours
'

test -r /usr/share/zoneinfo/Asia/Vladivostok && test_set_prereq TZDATA

test_expect_success TZDATA 'import.task-hours: the day is the importer'"'"'s local day' '
	# the default, 2 hours: 13:30 UTC is 23:30 in Vladivostok (UTC+10),
	# and 2 hours later it is the next day there, not in UTC
	printf "name,phone\nЧасы Второй,89995550202\n" >hours2.csv &&
	TZ=Asia/Vladivostok KONTORA_NOW=2026-11-23T13:30:00Z kontora import leads hours2.csv >out &&
	L=$(lead_csv "phone=+79995550202" | sed -n 2p | cut -d, -f1) &&
	kontora task list -f csv --where "on=$L" | test_csv_get_on $L due >actual &&
	echo 2026-11-24 >expect &&
	test_cmp expect actual &&
	printf "name,phone\nЧасы Третий,89995550203\n" >hours3.csv &&
	KONTORA_NOW=2026-11-23T13:30:00Z kontora import leads hours3.csv >out &&
	L=$(lead_csv "phone=+79995550203" | sed -n 2p | cut -d, -f1) &&
	kontora task list -f csv --where "on=$L" | test_csv_get_on $L due >actual &&
	echo 2026-11-23 >expect &&
	test_cmp expect actual
'

test_expect_success 'import.task-hours that is not a number: refused, nothing imported' '
	kontora config import.task-hours "два" &&
	before=$(test_commits) &&
	printf "name,phone\nЧасы Плохие,89995550204\n" >hours4.csv &&
	test_expect_code 1 kontora import leads hours4.csv >out 2>err &&
	echo "kontora: error: kontora.conf: import.task-hours=два is not a number of hours" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	no_lead "phone=+79995550204" &&
	kontora config --unset import.task-hours
'

test_expect_success 'round robin: 10 new leads over 3 managers are 4/3/3' '
	cd .. && test_books rr && cd rr &&
	kontora employee add --login boris --name Борис --role manager >/dev/null &&
	kontora employee add --login vera --name Вера --role manager >/dev/null &&
	kontora config assign.rule round-robin &&
	{ echo name,phone; for i in 0 1 2 3 4 5 6 7 8 9; do echo "Клиент $i,8999000110$i"; done; } >ten.csv &&
	kontora import leads ten.csv >out &&
	kontora lead list -f csv --all --where "source=web" >leads.csv &&
	test_line_count = 11 leads.csv &&
	python3 -c "
import csv, collections
rows = list(csv.DictReader(open(\"leads.csv\", newline=\"\")))
print(\" \".join(sorted(str(n) for n in collections.Counter(r[\"manager\"] for r in rows).values())))
" >counts &&
	echo "3 3 4" >expect &&
	test_cmp expect counts
'

test_expect_success 'a bad --encoding is a usage error, as a bad --format is' '
	test_expect_code 2 kontora import leads --encoding koi8 x.csv 2>err &&
	test_grep "^kontora: error: --encoding koi8: not auto, utf-8 or cp1251$" err &&
	test_grep "^usage: kontora import leads" err
'

test_expect_success 'a long form name and a long name: the title and the task cut at 200 bytes' '
	form=$(printf "%0250d" 0 | tr 0 x) &&
	name=$(printf "%0150d" 0 | sed "s/0/Я/g") &&
	printf "Name,Phone,formname,tranid\n%s,+7 916 200-00-01,%s,long1\n" "$name" "$form" >long.csv &&
	kontora import leads --source tilda long.csv >out &&
	L=$(lead_csv "external_id=tilda:long1" | sed -n "2s/,.*//p") && test -n "$L" &&
	test "$(test_lead_field $L title)" = "Заявка с сайта ($(printf "%0200d" 0 | tr 0 x))" &&
	kontora task list -f csv --where "on=$L" | test_csv_get_on $L text >text &&
	echo "Обработать новый лид: $(printf "%0100d" 0 | sed "s/0/Я/g")" >expect &&
	test_cmp expect text
'

test_done
