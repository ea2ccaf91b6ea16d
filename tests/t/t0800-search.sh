#!/bin/sh
test_description='kontora search TEXT: every word as a prefix, in any record'
# See kontora-search(1).  Decisions where the docs are silent:
# - piped, the default table is TSV with its header row "type id title",
#   and with no match it prints that header alone (as list does);
# - no TEXT at all is a usage error (exit 2); TEXT without a word ("", only
#   spaces or quotes) is "kontora: error: nothing to search for", exit 1;
# - the order of several hits is "best first" (FTS5's rank), among the
#   newest 1,000 matches of each type (kontora-search(1), "Order"): most
#   tests sort when more than one row is expected; "the newest 1,000
#   matches ..." below pins the order down.
. "$(dirname "$0")/test-lib.sh"

TAB=$(printf "\t")

# hits TEXT...: the rows (without the header) kontora search prints, sorted
hits () { kontora search "$@" >hits.out && tail -n +2 hits.out | LC_ALL=C sort; }

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --name Ёлка >../c1 &&
	 kontora client add --name "Торговый дом Ромашка" --inn 7707083893 \
		--phone "8 (495) 123-45-67" --email Info@Romashka.RU >../c2 &&
	 kontora client add --name Лютик --phone "+7 812 555-12-34" >../c3 &&
	 kontora lead add --title "Гель для посуды" --client $(cat ../c2) >../l1) &&
	C1=$(cat c1) C2=$(cat c2) C3=$(cat c3) L1=$(cat l1)
'
cd books 2>/dev/null

test_expect_success 'a name ignoring case and ё' '
	printf "type\tid\ttitle\nclient\t%s\tЁлка\n" $C1 >expect &&
	kontora search елка >out &&
	test_cmp expect out &&
	kontora search ЁЛКА >out &&
	test_cmp expect out &&
	kontora search Ёлка >out &&
	test_cmp expect out &&
	kontora search ЕЛК >out &&
	test_cmp expect out
'

test_expect_success 'a reindex fills the full text itself: no search is needed' '
	rm .git/kontora/index.db .git/kontora/search.db &&
	kontora reindex &&
	kontora sql "select count(*) as n from fts" -f csv >out &&
	printf "n\n9\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the full-text index comes with the index, in search.db beside it' '
	test -f .git/kontora/search.db &&
	! git ls-files | grep search.db &&
	kontora sql "select count(*) as n from fts" -f csv >out &&
	# 2 employees, 3 clients, a lead and the 3 saved filters of new books
	printf "n\n9\n" >expect &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'a phone by its ten digits and by a prefix of them' '
	printf "type\tid\ttitle\nclient\t%s\tТорговый дом Ромашка\n" $C2 >expect &&
	kontora search 4951234567 >out &&
	test_cmp expect out &&
	kontora search 495123 >out &&
	test_cmp expect out &&
	kontora search 74951234567 >out &&
	test_cmp expect out &&
	kontora search +74951234567 >out &&
	test_cmp expect out
'

test_expect_success 'a phone as people write it: digits in groups, 8 for +7' '
	printf "type\tid\ttitle\nclient\t%s\tТорговый дом Ромашка\n" $C2 >expect &&
	kontora search "8 (495) 123-45-67" >out &&
	test_cmp expect out &&
	kontora search 495 123 >out &&
	test_cmp expect out &&
	printf "type\tid\ttitle\nclient\t%s\tЛютик\n" $C3 >expect &&
	kontora search 8 812 555 >out &&
	test_cmp expect out
'

test_expect_success 'a phone of +7 by a beginning with 7 or 8, however short' '
	printf "type\tid\ttitle\nclient\t%s\tТорговый дом Ромашка\n" $C2 >expect &&
	for q in 7495 8495 "8 (495" "+7 495 12" 749512345 84951234567
	do
		kontora search "$q" >out &&
		test_cmp expect out || return 1
	done &&
	# a phone is one word of the full text, its digits with 7 first: a
	# number that differs in the last digit finds nothing
	kontora search 74951234568 >out &&
	test_line_count = 1 out
'

test_expect_success 'a field the schema marks nosearch is not searched' '
	grep "^field utm_source .* nosearch" schemas/lead.schema &&
	L2=$(kontora lead add --title "Грунтовка зимняя" --set utm_source=zzcampaign --set external_id=zz:42) &&
	printf "type\tid\ttitle\n" >expect &&
	kontora search zzcampaign >out &&
	test_cmp expect out &&
	kontora search zz >out &&
	test_cmp expect out &&
	printf "type\tid\ttitle\nlead\t%s\tГрунтовка зимняя\n" $L2 >expect &&
	kontora search грунт >out &&
	test_cmp expect out &&
	kontora lead rm $L2
'

test_expect_success 'an INN and a word of an e-mail' '
	printf "type\tid\ttitle\nclient\t%s\tТорговый дом Ромашка\n" $C2 >expect &&
	kontora search 7707083893 >out &&
	test_cmp expect out &&
	kontora search ROMASHKA >out &&
	test_cmp expect out
'

test_expect_success 'every word must match, each as a word prefix' '
	printf "client\t%s\tТорговый дом Ромашка\n" $C2 >expect &&
	hits торг ром >out &&
	test_cmp expect out &&
	hits ром торг >out &&
	test_cmp expect out &&
	hits торг лютик >out &&
	test_line_count = 0 out &&
	hits машка >out &&
	test_line_count = 0 out
'

test_expect_success 'records of any type' '
	printf "type\tid\ttitle\nlead\t%s\tГель для посуды\n" $L1 >expect &&
	kontora search гель посуд >out &&
	test_cmp expect out
'

test_expect_success 'a hit in several records' '
	C4=$(kontora client add --name "Ёлочные игрушки") &&
	{ printf "client\t%s\tЁлка\n" $C1 &&
	  printf "client\t%s\tЁлочные игрушки\n" $C4; } | LC_ALL=C sort >expect &&
	hits ёл >out &&
	test_cmp expect out
'

test_expect_success '--limit' '
	kontora search --limit 1 ёл >out &&
	test_line_count = 2 out &&
	head -n 1 out >header &&
	printf "type\tid\ttitle\n" >expect &&
	test_cmp expect header &&
	tail -n 1 out | grep -E "^client$TAB($C1|$C4)$TAB" &&
	kontora search --limit 0 ёл >out &&
	test_line_count = 3 out
'

test_expect_success '-f csv and -f json' '
	printf "type,id,title\nclient,%s,Ёлка\n" $C1 >expect &&
	kontora search -f csv елка >out &&
	test_cmp expect out &&
	kontora search -f json елка >out &&
	test_json <out &&
	python3 -c "
import json
a = json.load(open(\"out\"))
assert a == [{\"type\": \"client\", \"id\": \"$C1\", \"title\": \"Ёлка\"}], a
"
'

test_expect_success 'a record edited after the first search is found by its new words' '
	kontora client edit $C3 --set name="Лютик Садовый" &&
	printf "type\tid\ttitle\nclient\t%s\tЛютик Садовый\n" $C3 >expect &&
	kontora search садов >out &&
	test_cmp expect out &&
	kontora client edit $C3 --set name=Одуванчик &&
	printf "type\tid\ttitle\n" >expect &&
	kontora search садов >out &&
	test_cmp expect out &&
	printf "type\tid\ttitle\nclient\t%s\tОдуванчик\n" $C3 >expect &&
	kontora search одуван >out &&
	test_cmp expect out
'

test_expect_success 'a record added by a plain git commit is found' '
	SHARD=data/client/2026-11.csv &&
	grep "^$C1," $SHARD | sed "s/^$C1,Ёлка,/C1111111,Кактус,/" >row &&
	{ head -n 1 $SHARD && { tail -n +2 $SHARD && cat row; } | LC_ALL=C sort; } >new.csv &&
	mv new.csv $SHARD && rm row &&
	git commit -q -am "a client by hand" &&
	printf "type\tid\ttitle\nclient\tC1111111\tКактус\n" >expect &&
	kontora search кактус >out &&
	test_cmp expect out
'

test_expect_success 'a removed record is no longer found' '
	kontora client rm C1111111 &&
	printf "type\tid\ttitle\n" >expect &&
	kontora search кактус >out &&
	test_cmp expect out &&
	kontora lead rm $L1 &&
	kontora search гель >out &&
	test_cmp expect out
'

# bodies: the full text of every record as fts holds it (contentless: the
# words of each row in their order, read back from the index itself, so a
# word a refresh failed to delete shows), sorted (rowids differ after a
# rebuild)
bodies () {
	sqlite3 .git/kontora/index.db "ATTACH '.git/kontora/search.db' AS search;
		CREATE VIRTUAL TABLE temp.v USING fts5vocab(search, fts, instance);
		SELECT group_concat(term, ' ') FROM
			(SELECT doc, term FROM v ORDER BY doc, col, offset) GROUP BY doc;" |
	LC_ALL=C sort
}
command -v sqlite3 >/dev/null && test_set_prereq SQLITE3

test_expect_success SQLITE3 'the full text never falls behind a commit: as a rebuild makes it' '
	kontora client add --name "Василёк Полевой" --phone "8 916 555-01-02" >c4 &&
	kontora client edit $(cat c4) --set name="Василёк Луговой" &&
	SHARD=$(grep -l "^$C3," data/client/*.csv) &&
	sed "s/^$C3,Одуванчик,/$C3,Одуванчик Лекарственный,/" $SHARD >new.csv &&
	mv new.csv $SHARD &&
	git commit -q -am "a name by hand" &&
	kontora lead add --title "Мыло хозяйственное" >/dev/null &&
	bodies >kept &&
	grep "василек луговой" kept &&
	grep "одуванчик лекарственный" kept &&
	! grep полевой kept &&
	kontora reindex &&
	bodies >rebuilt &&
	test_cmp rebuilt kept
'

# A shard found out of order only at its last row has had its new rows
# loaded, which are deleted and loaded again: fts must forget and learn
# them in that order, as a rebuild would have them.
test_expect_success SQLITE3 'rows added, changed and out of order in one commit: as a rebuild' '
	kontora client add --name "Ромашка Аптечная" >c6 &&
	kontora client add --name "Клевер Красный" >c7 &&
	SHARD=$(grep -l "^$(cat c6)," data/client/*.csv) &&
	grep "^$(cat c6)," $SHARD | sed "s/^$(cat c6),Ромашка Аптечная,/C2222222,Мята Перечная,/" >row &&
	grep "^$(cat c6)," $SHARD | sed "s/^$(cat c6),Ромашка Аптечная,/C0000001,Пион Садовый,/" >last &&
	{ head -n 1 $SHARD &&
	  { tail -n +2 $SHARD | sed "s/,Клевер Красный,/,Клевер Белый,/" && cat row; } | LC_ALL=C sort &&
	  cat last; } >new.csv &&
	mv new.csv $SHARD && rm row last &&
	git commit -q -am "rows by hand, out of order" &&
	printf "type\tid\ttitle\nclient\tC2222222\tМята Перечная\n" >expect &&
	kontora search мята >out &&
	test_cmp expect out &&
	printf "type\tid\ttitle\nclient\tC0000001\tПион Садовый\n" >expect &&
	kontora search пион >out &&
	test_cmp expect out &&
	bodies >kept &&
	grep "клевер белый" kept &&
	! grep красный kept &&
	kontora reindex &&
	bodies >rebuilt &&
	test_cmp rebuilt kept &&
	rm -f c6 c7 kept rebuilt
'

test_expect_success SQLITE3 'a search.db of another build or none is built again by the search' '
	cp .git/kontora/search.db old.db &&
	kontora reindex &&
	kontora client add --name Незабудка >c5 &&
	cp old.db .git/kontora/search.db &&
	printf "type\tid\ttitle\nclient\t%s\tНезабудка\n" $(cat c5) >expect &&
	kontora search незабуд >out &&
	test_cmp expect out &&
	bodies >kept &&
	kontora reindex &&
	bodies >rebuilt &&
	test_cmp rebuilt kept &&
	rm .git/kontora/search.db &&
	kontora search незабуд >out &&
	test_cmp expect out &&
	rm -f old.db c4 c5 kept rebuilt
'

test_expect_success 'no match: the header alone, exit 0' '
	printf "type\tid\ttitle\n" >expect &&
	test_expect_code 0 kontora search нетакогослова >out &&
	test_cmp expect out &&
	kontora search -f csv нетакогослова >out &&
	printf "type,id,title\n" >expect &&
	test_cmp expect out &&
	kontora search -f json нетакогослова >out &&
	test_json <out &&
	python3 -c "
import json
assert json.load(open(\"out\")) == []
"
'

test_expect_success 'after reindex and after deleting the index' '
	printf "type\tid\ttitle\nclient\t%s\tЁлка\n" $C1 >expect &&
	kontora reindex &&
	kontora search елка >out &&
	test_cmp expect out &&
	rm .git/kontora/index.db &&
	kontora search елка >out &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'words with quotes and FTS5 syntax are plain words' '
	printf "type\tid\ttitle\nclient\t%s\tЁлка\n" $C1 >expect &&
	for q in "^ёлка" "ёлка\"" "\"ёлка" "ёлка*" "(ёлка)" "ёлка:" "{ёлка}" "ёлка'"'"'"
	do
		kontora search "$q" >out 2>err &&
		test_cmp expect out &&
		test_line_count = 0 err || return 1
	done &&
	# every word is required, so these are words nobody has
	printf "type\tid\ttitle\n" >expect &&
	for q in "ёлка OR лютик" "ёлка NOT лютик" "ёлка +лютик" "NEAR(ёлка лютик)" "a:b"
	do
		kontora search "$q" >out 2>err &&
		test_cmp expect out &&
		test_line_count = 0 err || return 1
	done
'

test_expect_success 'the search of nothing is an error' '
	test_expect_code 2 kontora search >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^usage: kontora search" err &&
	echo "kontora: error: nothing to search for" >expect &&
	for q in "" "  " "\"" "*" "(-)"
	do
		test_expect_code 1 kontora search "$q" >out 2>err &&
		test_line_count = 0 out &&
		test_cmp expect err || return 1
	done
'

test_expect_success 'a bad --limit is a usage error naming the value, as in list and report' '
	for v in x -1 5k "" " 5" +5 99999999999999999999
	do
		test_expect_code 2 kontora search --limit "$v" елка >out 2>err &&
		test_grep "^kontora: error: --limit $v: not a number of rows (0: all of them)$" err &&
		test_grep "^usage: kontora search" err &&
		test ! -s out || return 1
	done &&
	test_expect_code 2 kontora search -n -1 елка 2>err &&
	test_grep "error: --limit -1: not a number of rows" err &&
	test_expect_code 2 kontora search -f xml елка >out 2>err
'

# Books of their own: 1,001 clients named Иванов, the oldest (loaded
# first: the lowest id of the shard) with the shortest text, which FTS5's
# rank puts first of all.
test_expect_success 'setup: 1,001 matches of one type' '
	test_books ../many &&
	C=$(kontora -C ../many client add --name Шаблон) &&
	(cd ../many &&
	 SHARD=$(grep -l "^$C," data/client/*.csv) &&
	 ROW=$(grep "^$C," $SHARD) &&
	 { head -n 1 $SHARD &&
	   echo "$ROW" | sed "s/^$C,Шаблон,/C0000001,Иванов Старый,/" &&
	   i=0 &&
	   while test $i -lt 1000
	   do
		echo "$ROW" | sed "s/^$C,Шаблон,/C1$(printf %06d $i),Иванов Пётр Сергеевич,/" &&
		i=$((i + 1)) || return 1
	   done; } >new.csv &&
	 mv new.csv $SHARD &&
	 git commit -q -am "1,001 clients by hand")
'

test_expect_success 'the newest 1,000 matches of a type are ranked, older ones follow' '
	(cd ../many &&
	 kontora search --limit 0 иванов >all &&
	 test_line_count = 1002 all &&
	 # the oldest is last, though the best ranked of all: outside the window
	 tail -n 1 all >last &&
	 printf "client\tC0000001\tИванов Старый\n" >expect &&
	 test_cmp expect last &&
	 kontora search --limit 1000 иванов >some &&
	 ! grep C0000001 some &&
	 # equal ranks: the newest first
	 sed -n 2,4p all | cut -f 2 >top &&
	 printf "C1000999\nC1000998\nC1000997\n" >expect &&
	 test_cmp expect top &&
	 # what a limit shows is the beginning of the whole order
	 kontora search --limit 1001 иванов >most &&
	 test_cmp all most)
'

test_expect_success 'an older match is found when it is the only one' '
	(cd ../many &&
	 printf "type\tid\ttitle\nclient\tC0000001\tИванов Старый\n" >expect &&
	 kontora search иванов стар >out &&
	 test_cmp expect out &&
	 kontora search стар >out &&
	 test_cmp expect out)
'

test_expect_success 'the window is each type'"'"'s: a match of another type is ranked' '
	(cd ../many &&
	 N=$(kontora note C1000500 "Иванов перезвонит") &&
	 kontora search --limit 0 иванов >all &&
	 test_line_count = 1003 all &&
	 grep -n "^activity$TAB$N$TAB" all >at &&
	 test $(cut -d: -f1 at) -lt 1003 &&
	 tail -n 1 all | grep "^client${TAB}C0000001$TAB")
'

test_expect_success 'a record changed is new again: it is ranked' '
	(cd ../many &&
	 kontora client edit C0000001 --set "name=Иванов Старый" --set phone=+74951112233 &&
	 kontora search --limit 1 иванов >out &&
	 printf "type\tid\ttitle\nclient\tC0000001\tИванов Старый\n" >expect &&
	 test_cmp expect out &&
	 kontora reindex &&
	 kontora search --limit 1 иванов >out &&
	 printf "type\tid\ttitle\n" >expect &&
	 head -n 1 out >header &&
	 test_cmp expect header &&
	 ! grep C0000001 out)
'

test_expect_success 'a match hidden from the caller does not count: older ones are shown' '
	(cd ../many &&
	 kontora client edit C0000001 --set manager=anna &&
	 kontora reindex &&
	 printf "type\tid\ttitle\nclient\tC0000001\tИванов Старый\n" >expect &&
	 KONTORA_USER=anna kontora search --limit 5 иванов >out &&
	 test_cmp expect out)
'

# Two clients of anna's older than the newest 1,000 matches, the older
# one ranked better: they are ranked, as the only matches she may see,
# though a thousand newer ones hidden from her match too.
test_expect_success 'the window counts only the matches the caller may see' '
	(cd ../many &&
	 SHARD=$(grep -l "^C0000001," data/client/*.csv) &&
	 ROW=$(grep "^C1000000," $SHARD) &&
	 { head -n 2 $SHARD &&
	   echo "$ROW" | sed "s/^C1000000,Иванов Пётр Сергеевич,/C0000002,Иванов Пётр Сергеевич Младший,/" &&
	   tail -n +3 $SHARD; } >new.csv &&
	 mv new.csv $SHARD &&
	 git commit -q -am "a second client by hand" &&
	 kontora client edit C0000002 --set manager=anna &&
	 kontora reindex &&
	 kontora search --limit 0 иванов >all &&
	 tail -n 2 all | cut -f 2 >older &&
	 printf "C0000002\nC0000001\n" >expect &&
	 test_cmp expect older &&
	 printf "type\tid\ttitle\nclient\tC0000001\tИванов Старый\nclient\tC0000002\tИванов Пётр Сергеевич Младший\n" >expect &&
	 KONTORA_USER=anna kontora search иванов >out &&
	 test_cmp expect out &&
	 KONTORA_USER=anna kontora search --limit 1 иванов >out &&
	 head -n 2 expect >expect.1 &&
	 test_cmp expect.1 out)
'

test_expect_success 'words between « », dashes, NBSP and №; Latin with or without diacritics' '
	P=$(kontora client add --name "ООО «Пульсар-Плюс»" --address "$(printf "ул.\302\240Café\342\200\224Ærø, №17")") &&
	for q in пульсар плюс "пульсар плюс" cafe CAFÉ café "ærø" "№17" 17 "«Пульсар»"; do
		hits "$q" >out &&
		test_grep "^client$TAB$P$TAB" out || { echo "not found: $q"; return 1; }
	done &&
	hits "ру" >out && ! grep -q "$P" out
'

test_expect_success 'a record changed leaves no word of its old text behind' '
	kontora client edit $P --set "name=ООО Квазар" --set "address=ул. Ленина" &&
	for q in пульсар cafe "ærø" 17; do
		hits "$q" >out &&
		! grep -q "$P" out || { echo "still found: $q"; return 1; }
	done &&
	hits квазар >out &&
	test_grep "^client$TAB$P$TAB" out &&
	kontora reindex &&
	hits квазар >out.after &&
	test_cmp out out.after
'

test_expect_success 'search -h prints the synopsis' '
	kontora search -h >out &&
	test_grep "kontora search" out
'

command -v man >/dev/null && test_set_prereq MAN
test_expect_success MAN 'kontora help search shows kontora-search(1)' '
	MANPAGER=cat MANWIDTH=80 kontora help search >out 2>&1 &&
	head -n 1 out >first &&
	test_grep "^KONTORA-SEARCH(1)" first
'

test_done
