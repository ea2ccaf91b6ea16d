#!/bin/sh
test_description='add, show, edit, list, rm of records'
# Decisions where docs/foundation.md is silent:
# - an unknown id is an error (exit 1) whose message says "no record" or
#   "no client" and names the id;
# - validation errors (required, checksum, unknown field, reference,
#   duplicate) exit 1, or 2 for an unknown option; the message names the
#   field;
# - "show" in text form prints at least the id and each non-empty value;
# - with no rows, -f csv still prints the header row (it is "CSV with
#   header"), as json prints [];
# - "FIELD!=VALUE" is true for an empty field (empty is not VALUE);
# - the piped table is TSV: every line has the same number of tab-separated
#   fields (we do not rely on whether it has a header row);
# - the commit subject of an add starts with "client ID: ".
. "$(dirname "$0")/test-lib.sh"

ID_RE='^C[0-9A-HJKMNP-TV-Z]{7}$'

test_expect_success 'setup' 'test_books books'
cd books 2>/dev/null

# one_change CMD...: CMD succeeds and makes exactly one commit, tree clean.
one_change () {
	oc_before=$(test_commits) oc_after=failed &&
	"$@" &&
	oc_after=$(test_commits) &&
	test $oc_after = $((oc_before + 1)) &&
	test_clean || { echo >&2 "one_change: $oc_before -> $oc_after commits: $*"; return 1; }
}

# no_change CMD...: CMD fails with exit 1, and neither HEAD nor the
# worktree changed.
no_change () {
	nc_head=$(git rev-parse HEAD) &&
	test_expect_code 1 "$@" &&
	test "$(git rev-parse HEAD)" = "$nc_head" &&
	test_clean
}

test_expect_success 'client add prints a new id' '
	one_change kontora client add --name Ромашка --inn 7707083893 >id &&
	test_line_count = 1 id &&
	grep -E "$ID_RE" id &&
	C1=$(cat id)
'

test_expect_success 'the record is stored in this month'"'"'s shard' '
	test -f data/client/2026-11.csv &&
	test_grep "^$C1,Ромашка,,7707083893," data/client/2026-11.csv
'

test_expect_success 'the commit says what happened' '
	git log -1 --format=%s >subject &&
	test_grep "^client $C1: " subject &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" >cmd &&
	test_grep "^client add$" cmd &&
	git log -1 --format="%(trailers:key=Kontora-Record,valueonly)" >rec &&
	test_grep "^$C1$" rec &&
	test "$(git log -1 --format="%an <%ae>|%cn <%ce>")" = \
		"Тест Тестов <test@example.com>|Тест Тестов <test@example.com>"
'

test_expect_success 'the commit is dated KONTORA_NOW' '
	test "$(git log -1 --format=%at)" = 1795428000
'

test_expect_success 'a second client' '
	one_change kontora client add --name Лютик --phone "8 (812) 555-12-34" >id &&
	grep -E "$ID_RE" id &&
	C2=$(cat id) &&
	test "$C1" != "$C2"
'

test_expect_success 'show by full id' '
	kontora client show $C1 >out &&
	test_grep "$C1" out &&
	test_grep Ромашка out &&
	test_grep 7707083893 out
'

test_expect_success 'show by a unique prefix, in any case' '
	prefix=$(echo $C1 | cut -c1-7) &&
	kontora client show $prefix >out &&
	test_grep Ромашка out &&
	lower=$(echo $prefix | tr A-Z a-z) &&
	kontora client show $lower >out &&
	test_grep Ромашка out
'

test_expect_success 'show --record -f json: the stored record' '
	kontora client show $C2 --record -f json >out &&
	test_json <out &&
	python3 -c "
import json, sys
r = json.load(open(\"out\"))
if isinstance(r, list): r = r[0]
assert r[\"id\"] == \"$C2\", r
assert r[\"name\"] == \"Лютик\", r
assert r[\"phone\"] == \"+78125551234\", r
assert r[\"created\"] == \"2026-11-23T10:00:00Z\", r
"
'

test_expect_success 'an ambiguous prefix lists the candidates' '
	test_expect_code 1 kontora client show C >out 2>err &&
	echo "kontora: error: C is ambiguous: $(printf "%s\n" $C1 $C2 | sort | tr "\n" " " | sed "s/ $//")" >expect &&
	test_cmp expect err &&
	test_line_count = 0 out
'

test_expect_success 'an unknown id' '
	test_expect_code 1 kontora client show CZZZZZZZ >out 2>err &&
	echo "kontora: error: no client CZZZZZZZ" >expect &&
	test_cmp expect err &&
	test_line_count = 0 out
'

test_expect_success 'an id of another type is not a client' '
	E=$(kontora employee list -f csv | sed -n 2p | cut -d, -f1) &&
	test -n "$E" &&
	test_expect_code 1 kontora client show $E >out 2>err &&
	echo "kontora: error: no client $E" >expect &&
	test_cmp expect err &&
	test_line_count = 0 out
'

test_expect_success 'edit normalises a phone' '
	one_change kontora client edit $C1 --set phone="+7 (495) 123-45-67" &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C1 phone <out)" = +74951234567 &&
	git log -1 --format=%s >subject &&
	test_grep "^client $C1: " subject &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" >cmd &&
	test_grep "^client edit$" cmd &&
	git log -1 --format="%(trailers:key=Kontora-Record,valueonly)" >rec &&
	test_grep "^$C1$" rec
'

test_expect_success 'edit with --FIELD VALUE and by prefix' '
	one_change kontora client edit $(echo $C1 | cut -c1-6) --email Info@Romashka.RU &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C1 email <out)" = info@romashka.ru
'

test_expect_success 'stored forms of dict, ref, bool and money' '
	one_change kontora client edit $C2 --set city=москва --set manager=anna \
		--set source=Сайт &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C2 city <out)" = moscow &&
	test "$(test_csv_get $C2 manager <out)" = anna &&
	test "$(test_csv_get $C2 source <out)" = web &&
	G=$(kontora product add --name Гель --price "1 234,5" --unit кг --active нет) &&
	kontora product list -f csv >out &&
	test "$(test_csv_get $G price <out)" = 1234.50 &&
	test "$(test_csv_get $G unit <out)" = kg &&
	test "$(test_csv_get $G active <out)" = false &&
	kontora product edit $G --set "price=1234,50 ₽" --set active=yes &&
	kontora product list -f csv >out &&
	test "$(test_csv_get $G price <out)" = 1234.50 &&
	test "$(test_csv_get $G active <out)" = true
'

test_expect_success 'a missing required field is named' '
	no_change kontora client add --inn 7736207543 2>err &&
	echo "kontora: error: client name: required" >expect &&
	test_cmp expect err
'

test_expect_success 'a bad INN is refused' '
	no_change kontora client add --name Плохой --inn 7707083894 2>err &&
	echo "kontora: error: client inn: invalid checksum \"7707083894\"" >expect &&
	test_cmp expect err &&
	no_change kontora client edit $C2 --set inn=123 2>err &&
	echo "kontora: error: client inn: not an INN (10 or 12 digits) \"123\"" >expect &&
	test_cmp expect err
'

test_expect_success 'an unknown field is refused' '
	head=$(git rev-parse HEAD) &&
	test_expect_code 2 kontora client add --name Лишний --foo bar 2>err &&
	cat >expect <<-\EOF &&
	kontora: error: --foo: unknown option, or a missing or bad value
	usage: kontora client add [--FIELD VALUE]... [--set FIELD=VALUE]... [--to LOGIN] [--new-client NAME] [--dry-run] [TITLE...]
	EOF
	cp err actual &&
	test_cmp expect actual &&
	test "$(git rev-parse HEAD)" = $head &&
	test_clean &&
	no_change kontora client edit $C2 --set foo=bar 2>err &&
	echo "kontora: error: client foo: no such field in schemas/client.schema" >expect &&
	test_cmp expect err
'

test_expect_success 'a reference to nobody is refused' '
	no_change kontora client add --name Ничей --manager nobody 2>err &&
	echo "kontora: error: client manager: no employee \"nobody\"" >expect &&
	test_cmp expect err &&
	no_change kontora contact add --name Иван --client CZZZZZZZ 2>err &&
	echo "kontora: error: contact client: no client \"CZZZZZZZ\"" >expect &&
	test_cmp expect err
'

test_expect_success 'a bad dictionary value is refused' '
	no_change kontora client add --name Город --city Атлантида 2>err &&
	echo "kontora: error: client city: \"Атлантида\" is not in dicts/city.csv" >expect &&
	test_cmp expect err
'

test_expect_success 'a duplicate INN is refused' '
	no_change kontora client add --name Дубль --inn 7707083893 2>err &&
	echo "kontora: error: client inn: 7707083893 is already used by $C1" >expect &&
	test_cmp expect err &&
	no_change kontora client edit $C2 --set inn=7707083893 2>err &&
	test_cmp expect err
'

test_expect_success 'a required field cannot be cleared' '
	no_change kontora client edit $C2 --set name= 2>err &&
	echo "kontora: error: client name: required, cannot be emptied" >expect &&
	test_cmp expect err
'

test_expect_success 'an empty value clears a field' '
	one_change kontora client edit $C2 --set source= &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C2 source <out)" = ""
'

test_expect_success '--dry-run changes nothing' '
	head=$(git rev-parse HEAD) &&
	cp data/client/2026-11.csv before.csv &&
	kontora client add --name Пробный --dry-run >out &&
	kontora client edit $C1 --set notes=проба --dry-run >out &&
	kontora client rm $C2 --dry-run >out &&
	test "$(git rev-parse HEAD)" = "$head" &&
	test_cmp before.csv data/client/2026-11.csv &&
	rm before.csv && test_clean &&
	kontora client list -f csv >out &&
	test_line_count = 3 out &&
	test "$(test_csv_get $C1 notes <out)" = ""
'

test_expect_success 'a referenced record is not removed without --force' '
	P=$(kontora contact add --name "Иван Петров" --client $C2) &&
	no_change kontora client rm $C2 2>err &&
	echo "kontora: error: client $C2 is referred to by contact $P (use --force to remove it anyway)" >expect &&
	test_cmp expect err &&
	one_change kontora contact rm $P
'

test_expect_success 'rm --force removes a referenced record' '
	C9=$(kontora client add --name Временный) &&
	P=$(kontora contact add --name "Пётр Иванов" --client $C9) &&
	no_change kontora client rm $C9 &&
	one_change kontora client rm --force $C9 &&
	kontora client list -f csv >out &&
	! grep "^$C9," out &&
	kontora contact rm $P
'

test_expect_success 'list -f csv' '
	kontora client list -f csv >out &&
	head -n 1 out >header &&
	echo "id,name,legal_name,inn,kpp,ogrn,okpo,address,shipping_address,bank,bik,corr_account,account,phone,email,site,city,group,source,manager,onec_id,sample_recipient,sample_recipient_phone,notes,created" >expect &&
	test_cmp expect header &&
	test_line_count = 3 out &&
	test_grep "^$C1,Ромашка," out &&
	test_grep "^$C2,Лютик," out
'

test_expect_success 'kontora list TYPE is TYPE list' '
	kontora client list -f csv >one &&
	kontora list client -f csv >two &&
	test_cmp one two
'

test_expect_success 'list -f json' '
	kontora client list -f json >out &&
	test_json <out &&
	python3 -c "
import json
a = json.load(open(\"out\"))
assert isinstance(a, list) and len(a) == 2, a
assert sorted(r[\"id\"] for r in a) == sorted([\"$C1\", \"$C2\"]), a
" &&
	kontora product list -f json >out &&
	python3 -c "
import json
a = json.load(open(\"out\"))
assert a[0][\"price\"] == 1234.5 and isinstance(a[0][\"price\"], float), a
assert a[0][\"active\"] is True, a
"
'

test_expect_success 'list --where' '
	kontora client list --where "inn=7707083893" -f csv >out &&
	test_line_count = 2 out &&
	test_grep "^$C1," out &&
	kontora client list --where "phone=8 495 123 45 67" -f csv >out &&
	test_line_count = 2 out && test_grep "^$C1," out &&
	kontora client list --where "manager=anna and city=Москва" -f csv >out &&
	test_line_count = 2 out && test_grep "^$C2," out &&
	kontora client list --where "name~РОМАШ" -f csv >out &&
	test_line_count = 2 out && test_grep "^$C1," out
'

test_expect_success 'list --where "FIELD=" matches empty fields only' '
	kontora client list --where "inn=" -f csv >out &&
	test_line_count = 2 out && test_grep "^$C2," out
'

test_expect_success 'list --where "FIELD!=VALUE" matches empty fields too' '
	kontora client list --where "inn!=7707083893" -f csv >out &&
	test_line_count = 2 out && test_grep "^$C2," out
'

test_expect_success 'list -f csv with no rows prints the header' '
	kontora client list --where "inn=7736207543" -f csv >out &&
	test_line_count = 1 out &&
	head -n 1 out | test_grep "^id,name,"
'

test_expect_success 'list --where with an unknown field names it' '
	test_expect_code 1 kontora client list --where "nosuchfield=1" >out 2>err &&
	echo "kontora: error: --where: nosuchfield: no such field in schemas/client.schema" >expect &&
	test_cmp expect err &&
	test_line_count = 0 out
'

test_expect_success 'list --sort name orders Russian names ignoring case and ё' '
	for n in Жук alpha Яблоко ёж Да Zeta Ель арбуз
	do
		kontora client add --name "$n" >/dev/null || return 1
	done &&
	kontora client list --sort name -f csv >out &&
	python3 -c "
import csv, sys
names = [r[\"name\"] for r in csv.DictReader(open(\"out\"))]
names = [n for n in names if n != \"Ромашка\"]
want = [\"alpha\", \"Zeta\", \"арбуз\", \"Да\", \"ёж\", \"Ель\", \"Жук\", \"Лютик\", \"Яблоко\"]
assert names == want, names
" &&
	kontora client list --sort -name -f csv >out &&
	python3 -c "
import csv
names = [r[\"name\"] for r in csv.DictReader(open(\"out\"))]
assert names.index(\"Жук\") < names.index(\"ёж\") < names.index(\"Да\"), names
"
'

test_expect_success 'list --limit' '
	kontora client list --sort name --limit 3 -f csv >out &&
	test_line_count = 4 out &&
	sed -n 2p out | test_grep ",alpha,"
'

test_expect_success 'list --limit 0 is no limit, as in search and report' '
	kontora client list --sort name -f csv >all &&
	test_line_count -gt 4 all &&
	kontora client list --sort name --limit 0 -f csv >out &&
	test_cmp all out &&
	kontora list client --sort name --limit 0 -f csv >out &&
	test_cmp all out
'

test_expect_success 'a negative or non-numeric --limit is a usage error naming the value' '
	for v in -1 x 3k "" +3
	do
		test_expect_code 2 kontora client list --limit "$v" >out 2>err &&
		test_grep "^kontora: error: --limit $v: not a number of rows (0: all of them)$" err &&
		test_grep "^usage: kontora client list" err &&
		test ! -s out &&
		test_expect_code 2 kontora list client --limit "$v" >out 2>err &&
		test_grep "^kontora: error: --limit $v: not a number of rows" err || return 1
	done
'

test_expect_success 'a piped table is TSV' '
	kontora client list >out &&
	test_grep "$C1	" out &&
	test_grep "	Ромашка" out &&
	awk -F"\t" "{ print NF }" out | sort -u >nf &&
	test_line_count = 1 nf &&
	test $(cat nf) -gt 1 &&
	! grep "   " out
'

test_expect_success 'list -f tsv has a header row' '
	kontora client list -f tsv >out &&
	head -n 1 out | test_grep "^id	"
'

test_expect_success 'rm removes a record, and a second rm fails' '
	one_change kontora client rm $C2 &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" >cmd &&
	test_grep "^client rm$" cmd &&
	git log -1 --format=%s | test_grep "^client $C2: " &&
	kontora client list -f csv >out &&
	! grep "^$C2," out &&
	! grep "^$C2," data/client/2026-11.csv &&
	no_change kontora client rm $C2 2>err &&
	echo "kontora: error: no client $C2" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora client show $C2 2>err &&
	test_cmp expect err
'

test_expect_success 'employees: add, show, edit, list' '
	E=$(kontora employee add --login boris --name "Борис Сидоров" --email BORIS@example.com) &&
	echo $E | grep -E "^E[0-9A-HJKMNP-TV-Z]{7}$" &&
	kontora employee list -f csv >out &&
	test "$(test_csv_get $E role <out)" = manager &&
	test "$(test_csv_get $E active <out)" = true &&
	test "$(test_csv_get $E email <out)" = boris@example.com &&
	one_change kontora employee edit $E --set role=lab --set supervisor=anna &&
	kontora employee list -f csv >out &&
	test "$(test_csv_get $E role <out)" = lab &&
	test "$(test_csv_get $E supervisor <out)" = anna &&
	kontora employee show $E >out &&
	test_grep "Борис Сидоров" out
'

test_expect_success 'employees: bad role, duplicate login' '
	no_change kontora employee add --login vera --name Вера --role boss 2>err &&
	echo "kontora: error: employee role: \"boss\" is not one of admin|director|manager|lab|accountant" >expect &&
	test_cmp expect err &&
	no_change kontora employee add --login boris --name "Другой Борис" 2>err &&
	echo "kontora: error: employee login: boris is already used by $E" >expect &&
	test_cmp expect err
'

test_expect_success 'employees: rm' '
	one_change kontora employee rm $E &&
	kontora employee list -f csv >out &&
	! grep "^$E," out &&
	test_line_count = 3 out
'

test_done
