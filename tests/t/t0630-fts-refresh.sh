#!/bin/sh
test_description='a big refresh feeds the full text from a second thread, and commits it apart'
# docs/foundation.md ("search.db"), lib/index/index.c refresh_with(): a
# refresh whose diff changes 32 shards or more writes search.db through
# a connection of its own, committed before index.db under a new build
# token.  KONTORA_SPLIT_BYTES cuts a few hundred leads into that many
# shards.  The fault points: big (the first attempt rolled back, the
# second not begun), feed (the rows handed to the thread, nothing
# committed), fts (search.db committed, index.db not).
. "$(dirname "$0")/test-lib.sh"

K="timeout 120 kontora"
command -v sqlite3 >/dev/null && test_set_prereq SQLITE3
KONTORA_SPLIT_BYTES=1500
export KONTORA_SPLIT_BYTES

# leads_csv N FIRST WORD: N web leads named "WORD N", numbered from FIRST.
leads_csv () { test_leads_csv $1 $2 "$3" "вопрос номер"; }

# token FILE: the build token the meta of FILE (index.db or search.db) names.
token () {
	sqlite3 ".git/kontora/$1" "SELECT value FROM meta WHERE key = 'fts'"
}

# vocab DIR >FILE: every word of the full text of the books DIR with the
# number of its rows and of its occurrences: rowids apart, what a reindex
# would put there.
vocab () {
	sqlite3 "$1/.git/kontora/search.db" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, row);
		SELECT term, doc, cnt FROM v ORDER BY term"
}

# leads WORD: the leads a search for WORD finds, as CSV without a header.
leads () {
	$K search --limit 0 -f csv "$1" >hits &&
	grep "^lead," hits
}

# like_reindex: the full text equals the one a reindex builds (in a copy
# of the books), word for word, and the searches WORD... find the same
# records (sorted: a tie in rank goes by rowid, which differs).
like_reindex () {
	rm -rf ../copy && cp -a . ../copy &&
	(cd ../copy && kontora reindex >/dev/null 2>&1) &&
	vocab . >vocab.here && vocab ../copy >vocab.there &&
	test_cmp vocab.there vocab.here &&
	for w in "$@"
	do
		$K search --limit 0 -f csv "$w" | sort >found.here &&
		kontora -C ../copy search --limit 0 -f csv "$w" | sort >found.there &&
		test_cmp found.there found.here || return 1
	done
}

test_expect_success SQLITE3 'setup' '
	test_books books &&
	leads_csv 700 1 Сидоров >leads1.csv &&
	leads_csv 700 1000 Петров >leads2.csv &&
	leads_csv 700 2000 Кузнецов >leads3.csv &&
	leads_csv 700 3000 Смирнов >leads4.csv &&
	(cd books && kontora search Сидоров >/dev/null) &&
	# The books are copied while git might pack them in the background.
	git -C books config gc.auto 0
'
cd books 2>/dev/null

test_expect_success SQLITE3 'a big import fills the full text from the thread, as a reindex would' '
	before=$(token index.db) &&
	$K import leads --format csv ../leads1.csv 2>err &&
	git diff --name-only HEAD~1 HEAD -- data >changed &&
	test_line_count -ge 32 changed &&
	test "$(token index.db)" = "$(token search.db)" &&
	test "$(token index.db)" != "$before" &&
	after=$(token index.db) &&
	leads Сидоров >found &&
	test_line_count = 700 found &&
	test "$(token search.db)" = "$after" &&
	like_reindex Сидоров заявка 79991000005 "Сидоров 17"
'

test_expect_success SQLITE3 'a one-record edit changes the full text in its own transaction' '
	id=$(sed -n 2p found | cut -d, -f2) &&
	before=$(token index.db) &&
	KONTORA_FAULT=feed:kill $K lead edit $id --set comment=переговоры >/dev/null &&
	test "$(token index.db)" = "$before" &&
	test "$(token search.db)" = "$before" &&
	leads переговоры >found &&
	test_line_count = 1 found
'

test_expect_success SQLITE3 'a big change of existing records deletes their old words through the thread' '
	for f in $(git ls-files "data/lead/*.csv")
	do
		sed -i "s/вопрос номер/обращение номер/" $f || return 1
	done &&
	git commit -qam "by hand: every comment reworded" &&
	git diff --name-only HEAD~1 HEAD >changed &&
	test_line_count -ge 32 changed &&
	! leads вопрос >found &&
	leads обращение >found &&
	test_line_count = 699 found &&
	test "$(token index.db)" = "$(token search.db)" &&
	like_reindex обращение заявка Сидоров
'

test_expect_success SQLITE3 'killed before the two commits, index.db and search.db are as before' '
	commit=$(sqlite3 .git/kontora/index.db "SELECT value FROM meta WHERE key = '\''commit'\''") &&
	before=$(token index.db) &&
	vocab . >vocab.before &&
	test_expect_code 137 env KONTORA_FAULT=feed:kill kontora import leads --format csv ../leads2.csv 2>err &&
	test "$(sqlite3 .git/kontora/index.db "SELECT value FROM meta WHERE key = '\''commit'\''")" = "$commit" &&
	test "$(token index.db)" = "$before" &&
	test "$(token search.db)" = "$before" &&
	vocab . >vocab.after &&
	test_cmp vocab.before vocab.after &&
	leads Петров >found &&
	test_line_count = 700 found &&
	like_reindex Петров обращение
'

test_expect_success SQLITE3 'killed between the two commits, the next search builds the full text again' '
	before=$(token index.db) &&
	test_expect_code 137 env KONTORA_FAULT=fts:kill kontora import leads --format csv ../leads3.csv 2>err &&
	test "$(token index.db)" = "$before" &&
	test "$(token search.db)" != "$before" &&
	leads Кузнецов >found &&
	test_line_count = 700 found &&
	test "$(token index.db)" = "$(token search.db)" &&
	like_reindex Кузнецов Петров обращение заявка
'

test_expect_success SQLITE3 'a change made by hand and killed between the commits leaves no stale words' '
	for f in $(git ls-files "data/lead/*.csv")
	do
		sed -i "s/обращение номер/звонок номер/" $f || return 1
	done &&
	git commit -qam "by hand: reworded again" &&
	test_expect_code 137 env KONTORA_FAULT=fts:kill kontora lead list >/dev/null 2>&1 &&
	test "$(token index.db)" != "$(token search.db)" &&
	! leads обращение >found &&
	leads звонок >found &&
	test_line_count = 699 found &&
	like_reindex звонок обращение Кузнецов
'

test_expect_success SQLITE3 'search.db of another build, met between the two attempts, is left to the next search' '
	for f in $(git ls-files "data/lead/*.csv")
	do
		sed -i "s/звонок номер/письмо номер/" $f || return 1
	done &&
	git commit -qam "by hand: reworded a third time" &&
	rm -f gate || return 1
	KONTORA_FAULT=big:pause:$PWD/gate kontora lead list >/dev/null 2>err &
	pid=$! &&
	test_await gate $pid &&
	sqlite3 .git/kontora/search.db "INSERT INTO fts(fts) VALUES('\''delete-all'\'');
		UPDATE meta SET value = '\''other'\'' WHERE key = '\''fts'\''" &&
	rm gate &&
	wait $pid &&
	test "$(token search.db)" = other &&
	test "$(token index.db)" != other &&
	leads письмо >found &&
	test_line_count = 699 found &&
	like_reindex письмо звонок Кузнецов
'

test_expect_success SQLITE3 'a search between the two commits waits for index.db, then finds the import' '
	rm -f gate || return 1
	KONTORA_FAULT=fts:pause:$PWD/gate kontora import leads --format csv ../leads4.csv >/dev/null 2>err.import &
	writer=$! &&
	test_await gate $writer &&
	ahead=$(token search.db) &&
	test "$(token index.db)" != "$ahead" &&
	test "${ahead%%.*}" = $writer || return 1
	leads Смирнов >found 2>err.search &
	reader=$! &&
	sleep 1 &&
	kill -0 $reader &&
	rm gate &&
	wait $writer &&
	wait $reader &&
	test_line_count = 700 found &&
	test "$(token index.db)" = "$ahead" &&
	test "$(token search.db)" = "$ahead" &&
	like_reindex Смирнов звонок
'

test_expect_success SQLITE3 'a search that finds search.db ahead waits for the writer of index.db and builds nothing' '
	old=$(token index.db) &&
	sqlite3 .git/kontora/search.db "UPDATE meta SET value = '\''ahead'\'' WHERE key = '\''fts'\''" || return 1
	sqlite3 .git/kontora/index.db "BEGIN IMMEDIATE" \
		"UPDATE meta SET value = '\''ahead'\'' WHERE key = '\''fts'\''" ".shell sleep 2" "COMMIT" &
	holder=$! &&
	sleep 0.5 &&
	kill -0 $holder &&
	leads Смирнов >found &&
	wait $holder &&
	test_line_count = 700 found &&
	test "$(token index.db)" = ahead &&
	test "$(token search.db)" = ahead
'

test_done
