#!/bin/sh
test_description='progress of long work on a terminal: counts and a rate on stderr, never in a pipe'
# See kontora(1) (DIAGNOSTICS).  A terminal is made with script(1); the
# SCRIPT prerequisite checks that a pseudo-terminal can really be opened.
. "$(dirname "$0")/test-lib.sh"

# tty_lines CMD: what the terminal of CMD got, a line for each redraw (\r).
tty_lines () {
	script -qec "$1" /dev/null </dev/null | tr "\r" "\n"
}

test_expect_success 'setup: 1500 leads to import, over three months' '
	test_books books &&
	python3 -c "
print(\"name,phone\")
for i in range(1500): print(\"Клиент %d,+7916%07d\" % (i, i))" >big.csv &&
	for m in 09 10; do
		python3 -c "
import sys
print(\"name,phone\")
for i in range(300): print(\"Старый %d,+7925%s%05d\" % (i, sys.argv[1], i))" $m >old-$m.csv || return 1
	done
'
cd books 2>/dev/null

test_expect_success SCRIPT 'import on a terminal: rows read, with a rate, and the line ended' '
	tty_lines "kontora import leads ../big.csv" >lines &&
	test_grep "^kontora: reading rows 1500/1500, [0-9]*/s" lines &&
	test_grep "^1500 new, 0 linked to clients" lines
'

test_expect_success 'import piped or from cron: no progress at all' '
	for m in 09 10; do
		KONTORA_NOW=2026-$m-15T10:00:00Z kontora import leads ../old-$m.csv >out 2>err </dev/null &&
		test_line_count = 0 err || return 1
	done &&
	kontora import leads ../big.csv >out 2>err </dev/null &&
	test_grep "1500 duplicates skipped" out &&
	test_line_count = 0 err
'

test_expect_success SCRIPT 'check on a terminal: records checked, with a rate' '
	tty_lines "kontora check" >lines &&
	test_grep "^kontora: checking records [0-9]*/[0-9]*, [0-9]*/s" lines &&
	kontora check >out 2>err &&
	test_line_count = 0 err
'

test_expect_success SCRIPT 'reindex of books in more than 64 files: files indexed' '
	test $(find data/lead -name "*.csv" | wc -l) -gt 64 &&
	tty_lines "kontora reindex" >lines &&
	test_grep "^kontora: indexing files [0-9]*/[0-9]*, [0-9]*/s" lines &&
	kontora reindex 2>err &&
	test_line_count = 0 err
'

test_expect_success SCRIPT 'an error during progress starts on a line of its own' '
	printf "name,phone\n" >../bad.csv &&
	python3 -c "
for i in range(1200): print(\"Плохой %d,\" % i)" >>../bad.csv &&
	tty_lines "kontora import leads --rejects ../rej.csv ../bad.csv" >lines &&
	test_grep "^kontora: warning: ../bad.csv:2: no phone and no e-mail" lines &&
	test_grep "^kontora: warning: ../bad.csv:3: no phone and no e-mail" lines
'

test_done
