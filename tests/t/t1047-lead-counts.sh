#!/bin/sh
test_description='leads: the counts of the distribution, kept by the index, stay right'
# The index counts leads by manager in tables of its own, filled by the
# first distribution and kept current by every refresh, which adds the
# rows it loads and takes off those it deletes (lib/index/count.c).
# Every step below changes leads in another way, then compares what the
# count tables say with a scan of the leads themselves, through kontora
# sql, for both rules; and a distribution's message with the one a
# freshly rebuilt index gives.  The clock is 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: three managers, a client, leads of this month and older' '
	test_books books &&
	(cd books &&
	 kontora employee add --login vera --name "Вера Орлова" --role manager >/dev/null &&
	 kontora employee add --login boris --name "Борис Ким" --role manager >/dev/null &&
	 kontora client add "ООО Ромашка" >../client &&
	 for i in 1 2 3 4 5; do
		kontora lead add "Заявка $i" >>../leads 2>/dev/null || return 1
	 done &&
	 KONTORA_NOW=2026-10-05T10:00:00Z kontora lead add "Старая" --to vera >>../leads 2>/dev/null)
'
cd books 2>/dev/null

# scan: the counts of both rules from the leads themselves
scan () {
	kontora sql -f csv "SELECT manager AS m, count(*) AS n FROM lead WHERE manager IS NOT NULL
		AND created >= '2026-11-01T00:00:00Z' AND client IS NULL GROUP BY manager" >scan.round-robin &&
	kontora sql -f csv "SELECT manager AS m, count(*) AS n FROM lead WHERE manager IS NOT NULL
		AND (stage IS NULL OR stage NOT IN ('won', 'lost')) GROUP BY manager" >scan.least-loaded &&
	cat scan.round-robin scan.least-loaded
}
# kept: the same counts from the index's count tables
kept () {
	kontora sql -f csv "SELECT owner AS m, sum(n) AS n FROM _count_lead_client_e
		WHERE month >= '2026-11' AND v = 1 GROUP BY owner HAVING sum(n) > 0" &&
	kontora sql -f csv "SELECT owner AS m, sum(n) AS n FROM _count_lead_stage_v
		WHERE (v IS NULL OR v NOT IN ('won', 'lost')) GROUP BY owner HAVING sum(n) > 0"
}
# said RULE: "MANAGER COUNT" of the message of a lead added now by RULE
said () {
	kontora config assign.rule $1 2>/dev/null &&
	kontora lead add "Проба" --dry-run 2>&1 >/dev/null |
	sed -n "s/.*assigned to \([a-z]*\) ([a-z-]*: had \([0-9]*\) .*/\1 \2/p"
}
# same: the kept counts are the scanned ones, and a lead added now by
# either rule goes to a manager with the fewest leads by the scan, with
# the scan's count in its message
same () {
	scan >expect && kept >got && test_cmp expect got &&
	for rule in round-robin least-loaded; do
		said $rule >said &&
		read who n <said &&
		echo "$who $(sed -n "s/^$who,//p" scan.$rule)" | sed "s/ \$/ 0/" >expect &&
		test_cmp expect said &&
		for m in anna boris vera; do
			c=$(sed -n "s/^$m,//p" scan.$rule) &&
			test "$n" -le "${c:-0}" || return 1
		done || return 1
	done &&
	kontora config assign.rule round-robin 2>/dev/null
}

test_expect_success 'the first distributions make the count tables, right' '
	kontora lead add "Заявка 6" 2>/dev/null >>../leads &&
	kontora config assign.rule least-loaded 2>/dev/null &&
	kontora lead add "Заявка 7" 2>/dev/null >>../leads &&
	kontora config assign.rule round-robin 2>/dev/null &&
	same
'

test_expect_success 'leads added, given to a manager, and moved to an archive state' '
	kontora lead add "Заявка 8" --to boris >/dev/null 2>&1 &&
	kontora lead assign "$(sed -n 1p ../leads)" vera &&
	kontora lead move "$(sed -n 2p ../leads)" won --set amount=1000 2>/dev/null &&
	kontora lead move "$(sed -n 3p ../leads)" lost --reason "дорого" &&
	same
'

test_expect_success 'a lead given a client stops counting for round robin' '
	kontora lead edit "$(sed -n 4p ../leads)" --set "client=$(cat ../client)" 2>/dev/null &&
	same
'

test_expect_success 'a lead removed stops counting' '
	kontora lead rm "$(sed -n 5p ../leads)" --force 2>/dev/null &&
	same
'

test_expect_success 'a change committed by hand is counted by the refresh' '
	L=$(sed -n 6p ../leads) &&
	f=$(git grep -l "^$L," -- data/lead) &&
	sed -i "/^$L,/s/,boris,/,anna,/; /^$L,/s/,vera,/,anna,/" "$f" &&
	git commit -q -am "by hand" &&
	same
'

test_expect_success 'import of web leads counts every new lead' '
	printf "Имя,Телефон\nПервый,+79990000001\nВторой,+79990000002\n" >../web.csv &&
	kontora import leads --source site ../web.csv >/dev/null 2>&1 &&
	same
'

test_expect_success 'changes undone by git revert: the counts go back with them' '
	kontora lead add "Заявка 9" --to vera >/dev/null 2>&1 &&
	added=$(git rev-parse HEAD) &&
	kontora lead move "$(sed -n 7p ../leads)" won --set amount=500 2>/dev/null &&
	moved=$(git rev-parse HEAD) &&
	same &&
	git -c user.name=t -c user.email=t@example.ru revert --no-edit $moved $added >/dev/null &&
	same
'

# A file whose rows are out of id order or whose header changed is
# refreshed whole: every id deleted, then its rows loaded again.
test_expect_success PYTHON 'a shard rewritten by hand, columns and rows reordered: the counts follow' '
	f=$(for f in $(git ls-files "data/lead/2026-11*"); do echo "$(wc -l <$f) $f"; done |
		sort -rn | sed -n "1s/.* //p") &&
	python3 -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=\"\")))
order = [0, 2, 1] + list(range(3, len(rows[0])))
rows = [[r[i] for i in order] for r in rows]
m = rows[0].index(\"manager\")
body = rows[1:][::-1]
body[0][m] = \"boris\" if body[0][m] != \"boris\" else \"anna\"
csv.writer(open(sys.argv[1], \"w\", newline=\"\"), lineterminator=\"\n\").writerows(rows[:1] + body)
" "$f" &&
	git commit -q -am "by hand, reordered" &&
	same
'

test_expect_success 'a stage too long to key in memory: the table is counted again' '
	L=$(sed -n 8p ../leads) &&
	f=$(git grep -l "^$L," -- data/lead) &&
	long=$(printf "x%.0s" $(seq 300)) &&
	sed -i "/^$L,/s/,new,/,$long,/" "$f" &&
	git grep -q "$long" -- data/lead &&
	git commit -q -am "a long stage by hand" &&
	same &&
	kontora sql -f csv "SELECT count(*) AS n FROM _count_lead_stage_v WHERE length(v) = 300" >out &&
	test "$(tail -n 1 out)" -ge 1
'

test_expect_success 'the counts are kept without triggers' '
	test "$(kontora sql -f csv "SELECT count(*) AS n FROM sqlite_master WHERE type = '\''trigger'\''" | tail -n 1)" = 0
'

test_done
