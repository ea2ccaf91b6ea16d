#!/bin/sh
test_description='types split by id: data/TYPE/YYYY-MM/XY.csv'
# The default schemas of lead and activity say "split id": a record lives
# in data/TYPE/YYYY-MM/XY.csv, YYYY-MM its created month and XY the first
# two characters of its id.  Other types keep data/TYPE/YYYY-MM.csv.
# Decisions where the docs are silent:
# - we do not rely on whether removing the last row of a split file leaves
#   a header-only file or no file; either way check finds no problem.
. "$(dirname "$0")/test-lib.sh"

LEAD_HEADER=id,title,client,contact,name,phone,email,inn,stage,source,utm_source,utm_medium,utm_campaign,amount,manager,processed,closed,lost_reason,external_id,comment,due,created

# shard_of ID: the file a lead or an activity created in 2026-11 lives in
shard_of () {
	case $1 in
	L*) echo data/lead/2026-11/$(echo $1 | cut -c1-2).csv ;;
	A*) echo data/activity/2026-11/$(echo $1 | cut -c1-2).csv ;;
	esac
}

# changed_files: the files the last commit changed
changed_files () { git diff --name-only HEAD~1 HEAD; }

test_expect_success 'setup' '
	test_books books &&
	C1=$(kontora -C books client add --name Ромашка)
'
cd books 2>/dev/null

test_expect_success 'a lead add goes to data/lead/2026-11/XY.csv (distributed to anna)' '
	L1=$(kontora lead add --title Заявка --client $C1 --amount 1000) &&
	echo $L1 | grep -E "^L[0-9A-HJKMNP-TV-Z]{7}\$" &&
	f=$(shard_of $L1) &&
	test -f $f &&
	echo "$LEAD_HEADER" >expect &&
	echo "$L1,Заявка,$C1,,,,,,new,,,,,1000.00,anna,true,,,,,,2026-11-23T10:00:00Z" >>expect &&
	test_cmp expect $f &&
	test ! -e data/lead/2026-11.csv &&
	echo $f >expect &&
	changed_files >actual &&
	test_cmp expect actual &&
	test_clean
'

test_expect_success 'a client still goes to data/client/2026-11.csv' '
	test -f data/client/2026-11.csv &&
	test_grep "^$C1,Ромашка," data/client/2026-11.csv &&
	test ! -d data/client/2026-11
'

test_expect_success 'more leads: each in the file of its first two characters' '
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
	do
		kontora lead add --title "Лид $i" >>ids || return 1
	done &&
	for id in $(cat ids)
	do
		f=$(shard_of $id) &&
		test_grep "^$id,Лид " $f &&
		grep -rl "^$id," data >where &&
		echo $f >expect &&
		test_cmp expect where || return 1
	done &&
	for f in data/lead/2026-11/*.csv
	do
		head -n 1 $f >header &&
		echo "$LEAD_HEADER" >expect &&
		test_cmp expect header &&
		tail -n +2 $f | cut -d, -f1 >col &&
		LC_ALL=C sort col >sorted &&
		test_cmp sorted col || return 1
	done &&
	find data/lead -type f | sed "s|^data/lead/2026-11/L[0-9A-HJKMNP-TV-Z]\.csv\$|ok|" | sort -u >kinds &&
	echo ok >expect &&
	test_cmp expect kinds &&
	kontora lead list -f csv >out &&
	test_line_count = 22 out &&
	kontora check
'

# two leads in different files, for the tests below
test_expect_success 'two leads in different files' '
	LA= LB= &&
	for id in $(cat ids)
	do
		if test -z "$LA"; then LA=$id
		elif test -z "$LB" && test $(shard_of $id) != $(shard_of $LA); then LB=$id
		fi
	done &&
	test -n "$LB"
'

test_expect_success 'an edit of a lead touches only its file' '
	f=$(shard_of $LA) &&
	grep -v "^$LA," $f >others.before &&
	kontora lead edit $LA --set comment=перезвонить &&
	echo $f >expect &&
	changed_files >actual &&
	test_cmp expect actual &&
	grep -v "^$LA," $f >others.after &&
	test_cmp others.before others.after &&
	kontora lead list -f csv >out &&
	test "$(test_csv_get $LA comment <out)" = перезвонить &&
	test_clean
'

test_expect_success 'an edit by id prefix in lower case' '
	f=$(shard_of $LB) &&
	kontora lead edit $(echo $LB | cut -c1-6 | tr A-Z a-z) --amount "2 500,5" &&
	echo $f >expect &&
	changed_files >actual &&
	test_cmp expect actual &&
	kontora lead list -f csv >out &&
	test "$(test_csv_get $LB amount <out)" = 2500.50
'

test_expect_success 'show and log of a split record' '
	kontora lead show $LA >out &&
	test_grep перезвонить out &&
	kontora log $LA >out &&
	test_grep "comment: -> перезвонить" out
'

test_expect_success 'rm of a lead touches only its file' '
	f=$(shard_of $LB) &&
	grep -v "^$LB," $f >others.before &&
	kontora lead rm $LB &&
	changed_files >actual &&
	echo $f >expect &&
	test_cmp expect actual &&
	! grep -r "^$LB," data &&
	if test -f $f
	then
		grep -v "^$LB," $f >others.after &&
		test_cmp others.before others.after
	fi &&
	kontora lead list -f csv >out &&
	! grep "^$LB," out &&
	test_expect_code 1 kontora lead show $LB &&
	test_clean &&
	kontora check
'

test_expect_success 'activities are split too' '
	A=$(kontora activity add --on $LA --text "Позвонили") &&
	f=$(shard_of $A) &&
	test_grep "^$A," $f &&
	echo $f >expect &&
	changed_files >actual &&
	test_cmp expect actual &&
	kontora check
'

# restore: undo hand edits of the worktree
restore () { git checkout -q -- data && git clean -q -fd data && test_clean; }

# move_row ID FILE: moves the row of ID from its file into FILE by hand,
# keeping FILE sorted
move_row () {
	mr_from=$(shard_of $1) &&
	grep "^$1," $mr_from >row &&
	grep -v "^$1," $mr_from >new && mv new $mr_from &&
	mkdir -p $(dirname $2) &&
	{ test -f $2 || echo "$LEAD_HEADER" >$2; } &&
	{ head -n 1 $2 && { tail -n +2 $2 && cat row; } | LC_ALL=C sort; } >new &&
	mv new $2
}

test_expect_success 'check: a lead moved by hand into the wrong file' '
	restore &&
	LC=$(grep -v "^$LB\$" ids | while read id; do
		test $(shard_of $id) != $(shard_of $LA) && echo $id && break
	done) &&
	test -n "$LC" &&
	to=$(shard_of $LC) &&
	move_row $LA $to &&
	line=$(grep -n "^$LA," $to | cut -d: -f1) &&
	echo "$to:$line: id: \"$LA\" does not belong in $to" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'check: a lead moved by hand into another month' '
	restore &&
	to=data/lead/2026-10/$(echo $LA | cut -c1-2).csv &&
	move_row $LA $to &&
	echo "$to:2: created: \"2026-11-23T10:00:00Z\" does not belong in $to" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	restore
'

test_expect_success 'check: a plain month shard in a split type' '
	restore &&
	echo "$LEAD_HEADER" >data/lead/2026-11.csv &&
	echo "data/lead/2026-11.csv: not a shard (data/lead/YYYY-MM/L?.csv)" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	restore
'

test_expect_success 'check: a file of another name in a month directory' '
	restore &&
	echo "$LEAD_HEADER" >data/lead/2026-11/C1.csv &&
	echo "$LEAD_HEADER" >data/lead/2026-11/LI.csv &&
	echo "$LEAD_HEADER" >data/lead/2026-11/notes.txt &&
	cat >expect <<-\EOF &&
	data/lead/2026-11/C1.csv: not a shard (data/lead/YYYY-MM/L?.csv)
	data/lead/2026-11/LI.csv: not a shard (data/lead/YYYY-MM/L?.csv)
	data/lead/2026-11/notes.txt: not a shard (data/lead/YYYY-MM/L?.csv)
	EOF
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	echo "kontora: 3 problems" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'check: a month both a file and the directory of its split, in a type that is not split' '
	restore &&
	mkdir data/client/2026-11 &&
	head -n 1 data/client/2026-11.csv >data/client/2026-11/C1.csv &&
	echo "data/client/2026-11.csv: both a shard and the directory data/client/2026-11 it was split into: move its rows into the directory'"'"'s shards" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	restore
'

test_expect_success 'an edit and its undoing give the same bytes back' '
	restore &&
	f=$(shard_of $LA) &&
	cp $f before.csv &&
	kontora lead edit $LA --set comment=другое &&
	! test_cmp before.csv $f >/dev/null &&
	kontora lead edit $LA --set comment=перезвонить &&
	test_cmp before.csv $f &&
	test_clean
'

test_done
