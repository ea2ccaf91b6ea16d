#!/bin/sh
test_description='leads: a reindex makes the count tables of the distribution'
# A full build of the index makes the count tables (lib/index/count.c) of
# both rules for every type with an owner, from the rows as it loads them,
# so that the first lead distributed after a reindex scans no lead.  Each
# step compares the tables with a GROUP BY of the leads, through kontora
# sql.  The clock is 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: three managers, a client, leads of three months' '
	test_books books &&
	(cd books &&
	 kontora employee add --login vera --name "Вера Орлова" --role manager >/dev/null &&
	 kontora employee add --login boris --name "Борис Ким" --role manager >/dev/null &&
	 kontora client add "ООО Ромашка" >../client &&
	 for i in 1 2 3 4 5 6 7; do
		kontora lead add "Заявка $i" >>../leads 2>/dev/null || return 1
	 done &&
	 KONTORA_NOW=2026-10-05T10:00:00Z kontora lead add "Старая" --to vera >>../leads 2>/dev/null &&
	 KONTORA_NOW=2026-09-05T10:00:00Z kontora lead add "Совсем старая" --to boris \
		--set "client=$(cat ../client)" >>../leads 2>/dev/null &&
	 kontora lead add "Своя" --to vera --set "client=$(cat ../client)" >>../leads 2>/dev/null &&
	 kontora lead move "$(sed -n 1p ../leads)" won --set amount=1000 2>/dev/null &&
	 kontora lead move "$(sed -n 2p ../leads)" lost --reason "дорого" 2>/dev/null)
'
cd books 2>/dev/null

# counted: what the count tables hold, rows with a count only
counted () {
	kontora sql -f csv "SELECT owner, month, v, n FROM _count_lead_client_e WHERE n > 0
		ORDER BY 1, 2, 3" &&
	kontora sql -f csv "SELECT owner, month, v, n FROM _count_lead_stage_v WHERE n > 0
		ORDER BY 1, 2, 3"
}
# grouped: the same counts by a GROUP BY of the leads themselves
grouped () {
	kontora sql -f csv "SELECT manager AS owner, substr(created, 1, 7) AS month,
		client IS NULL AS v, count(*) AS n FROM lead WHERE manager IS NOT NULL
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3" &&
	kontora sql -f csv "SELECT manager AS owner, substr(created, 1, 7) AS month,
		stage AS v, count(*) AS n FROM lead WHERE manager IS NOT NULL
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
}
# equal: the count tables are the GROUP BY, which is not empty
equal () {
	grouped >expect && counted >got && test_cmp expect got &&
	test $(wc -l <expect) -gt 6
}
# picks: the message of a lead added now by either rule (not committed)
picks () {
	for rule in round-robin least-loaded; do
		kontora config assign.rule $rule 2>/dev/null &&
		kontora lead add "Проба" --dry-run 2>&1 >/dev/null | sed -n "s/^kontora: lead [^:]*: assigned/assigned/p" | grep . || return 1
	done &&
	kontora config assign.rule round-robin 2>/dev/null
}

test_expect_success 'a reindex makes the count tables of both rules, equal to a GROUP BY' '
	picks >before &&
	kontora reindex 2>/dev/null &&
	equal
'

test_expect_success 'the first distributions after a reindex pick as before it' '
	kontora reindex 2>/dev/null &&
	picks >after &&
	test_cmp before after &&
	test $(wc -l <after) = 2
'

test_expect_success 'the tables of other types with an owner are made too' '
	kontora reindex 2>/dev/null &&
	kontora sql -f csv "SELECT count(*) AS n FROM _count_invoice_status_v" >n &&
	kontora sql -f csv "SELECT count(*) AS n FROM invoice WHERE manager IS NOT NULL" >expect &&
	test_cmp expect n
'

test_expect_success 'adds, assigns, moves, edits and removes after a reindex keep them equal' '
	kontora reindex 2>/dev/null &&
	kontora lead add "Заявка 8" 2>/dev/null >>../leads &&
	kontora lead add "Заявка 9" --to boris 2>/dev/null >>../leads &&
	kontora lead assign "$(sed -n 3p ../leads)" anna &&
	kontora lead move "$(sed -n 4p ../leads)" won --set amount=500 2>/dev/null &&
	kontora lead edit "$(sed -n 5p ../leads)" --set "client=$(cat ../client)" 2>/dev/null &&
	kontora lead rm "$(sed -n 6p ../leads)" --force 2>/dev/null &&
	equal
'

test_expect_success 'a git reset, and an index rebuilt by any command, leave them equal' '
	git reset -q --hard HEAD~3 &&
	equal &&
	rm -f .git/kontora/index.db &&
	equal
'

test_expect_success 'an owner the loader cannot key is counted by a GROUP BY' '
	L=$(sed -n 7p ../leads) &&
	long=$(printf "m%.0s" $(seq 1 200)) &&
	f=$(git grep -l "^$L," -- data/lead) &&
	sed -i "/^$L,/s/,\(anna\|boris\|vera\),/,$long,/" "$f" &&
	git commit -q -am "by hand: an owner of 200 letters" &&
	kontora reindex 2>/dev/null &&
	equal &&
	grep -q "^$long," got
'

test_done
