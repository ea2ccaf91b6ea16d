#!/bin/sh
test_description='kontora check on hand-broken shards'
# Each test breaks the worktree's shards by hand (check reads the worktree)
# and restores them with git afterwards.
# Decisions where docs/foundation.md is silent:
# - the count line on stderr is "kontora: N problems" (or "1 problem");
#   on books without problems stdout is empty;
# - a duplicate is reported on the later row, naming the earlier one.
. "$(dirname "$0")/test-lib.sh"

CS=data/client/2026-11.csv
# leads are split by id: the shard of a lead is named by its id's first
# two characters (set up below)
LS=

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --name Ромашка --inn 7707083893 >../c1 &&
	 kontora client add --name Лютик --inn 7736207543 >../c2 &&
	 kontora lead add --title Заявка --client $(cat ../c1) --manager anna >../l1) &&
	C1=$(cat c1) C2=$(cat c2) L1=$(cat l1) &&
	LS=data/lead/2026-11/$(echo $L1 | cut -c1-2).csv &&
	test -f books/$LS
'
cd books 2>/dev/null

# restore: undo hand edits of the worktree (each test starts with it, so a
# failed test does not break the next)
restore () { git checkout -q -- data && test_clean; }

# the ids in shard order
first_client () { sed -n "2s/,.*//p" $CS; }

test_expect_success 'fresh books have no problems' '
	kontora check >out 2>err &&
	test_line_count = 0 out
'

test_expect_success 'a bad quote' '
	restore &&
	test_line_count = 3 $CS &&
	sed "3s/^\([^,]*\),/\1,\"x\"y/" $CS >new && mv new $CS &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "data/client/2026-11.csv:3: malformed CSV: unexpected character after a closing quote" >expect &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'invalid UTF-8' '
	restore &&
	printf "\377" >ff &&
	LC_ALL=C sed "2s/^\([^,]*\),/\1,$(cat ff)/" $CS >new && mv new $CS && rm ff &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "data/client/2026-11.csv:2: name: invalid UTF-8 at byte 1" >expect &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'an invalid INN checksum' '
	restore &&
	sed "s/,7707083893,/,7707083894,/" $CS >new && mv new $CS &&
	line=$(grep -n ",7707083894," $CS | cut -d: -f1) &&
	echo "data/client/2026-11.csv:$line: inn: invalid checksum \"7707083894\"" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	restore
'

test_expect_success 'a value not in the dictionary' '
	restore &&
	sed "s/,new,/,nova,/" $LS >new && mv new $LS &&
	test_grep ",nova," $LS &&
	echo "$LS:2: stage: \"nova\" is not in dicts/funnel_stage.csv" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'a dangling reference' '
	restore &&
	sed "s/,$C1,/,C0000000,/" $LS >new && mv new $LS &&
	echo "$LS:2: client: no client C0000000" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	restore
'

test_expect_success 'a dangling employee reference' '
	restore &&
	sed "s/,anna,/,nobody,/" $LS >new && mv new $LS &&
	test_grep ",nobody," $LS &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "$LS:2: manager: no employee nobody" >expect &&
	test_cmp expect out &&
	restore
'

test_expect_success 'a duplicate INN' '
	restore &&
	sed "s/,7736207543,/,7707083893,/" $CS >new && mv new $CS &&
	first=$(first_client) &&
	echo "data/client/2026-11.csv:3: inn: duplicate of $first (data/client/2026-11.csv:2)" >expect &&
	test_expect_code 1 kontora check >out 2>err &&
	test_cmp expect out &&
	restore
'

test_expect_success 'a missing required value' '
	restore &&
	sed "s/,Лютик,/,,/" $CS >new && mv new $CS &&
	line=$(grep -n "^$C2," $CS | cut -d: -f1) &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "data/client/2026-11.csv:$line: name: required" >expect &&
	test_cmp expect out &&
	restore
'

test_expect_success 'a bad id' '
	restore &&
	sed "2s/^[^,]*,/C-BAD,/" $CS >new && mv new $CS &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "data/client/2026-11.csv:2: id: \"C-BAD\" is not an id of type client" >expect &&
	grep "^data/client/" out >actual &&
	test_cmp expect actual &&
	restore
'

test_expect_success 'rows out of order' '
	restore &&
	{ head -n 1 $CS && tail -n +2 $CS | LC_ALL=C sort -r; } >new && mv new $CS &&
	small=$(printf "%s\n" $C1 $C2 | LC_ALL=C sort | head -n 1) &&
	big=$(printf "%s\n" $C1 $C2 | LC_ALL=C sort | tail -n 1) &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "data/client/2026-11.csv:3: id: out of order: $small comes after $big (rows are sorted by id)" >expect &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'several problems: one line each, counted' '
	restore &&
	sed "s/,new,/,nova,/; s/,$C1,/,C0000000,/" $LS >new && mv new $LS &&
	cat >expect <<-EOF &&
	$LS:2: stage: "nova" is not in dicts/funnel_stage.csv
	$LS:2: client: no client C0000000
	EOF
	test_expect_code 1 kontora check >out 2>err &&
	sort expect >expect.sorted && sort out >out.sorted &&
	test_cmp expect.sorted out.sorted &&
	echo "kontora: 2 problems" >expect &&
	test_cmp expect err &&
	restore
'

test_expect_success 'committed breakage is found too' '
	restore &&
	sed "s/,new,/,nova,/" $LS >new && mv new $LS &&
	git commit -q -am "a bad stage by hand" &&
	test_expect_code 1 kontora check >out 2>err &&
	test_grep "^$LS:2: stage: \"nova\" is not in dicts/funnel_stage.csv$" out &&
	git revert --no-edit HEAD >/dev/null &&
	kontora check
'

test_expect_success 'a shard with uncommitted hand edits is not written' '
	restore &&
	sed "s/,Лютик,/,Лютик2,/" $CS >new && mv new $CS &&
	head=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora client edit $C1 --set notes=x 2>err &&
	echo "kontora: error: data/client/2026-11.csv has uncommitted changes; commit them with git or restore the file" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = $head &&
	test_grep ",Лютик2," $CS &&
	restore
'

test_done
