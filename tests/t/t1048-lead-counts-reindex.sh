#!/bin/sh
test_description='leads: a reindex makes the count tables of the distribution'
# A full build of the index makes the count tables (lib/index/count.c) of
# the rule of kontora.conf for every type with an owner, from the rows as
# it loads them, so that the first lead distributed after a reindex scans
# no lead.  Each
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

# table RULE: the count table of the rule
table () {
	case $1 in
	round-robin) echo _count_lead_client_e ;;
	least-loaded) echo _count_lead_stage_v ;;
	esac
}
# counted RULE: what the rule's count table holds, rows with a count only
counted () {
	kontora sql -f csv "SELECT owner, month, v, n FROM $(table $1) WHERE n > 0 ORDER BY 1, 2, 3"
}
# grouped RULE: the same counts by a GROUP BY of the leads themselves
grouped () {
	case $1 in
	round-robin) v="client IS NULL" ;;
	least-loaded) v=stage ;;
	esac &&
	kontora sql -f csv "SELECT manager AS owner, substr(created, 1, 7) AS month,
		$v AS v, count(*) AS n FROM lead WHERE manager IS NOT NULL
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
}
# equal RULE: the rule's count table is the GROUP BY, which is not empty
equal () {
	grouped $1 >expect && counted $1 >got && test_cmp expect got &&
	test $(wc -l <expect) -gt 3
}
# tables: the count tables of the index, without the header
tables () {
	kontora sql -f csv "SELECT name FROM sqlite_master WHERE type = 'table'
		AND name LIKE '\_count\_%' ESCAPE '\' ORDER BY 1" | sed 1d
}
# pick RULE: the message of a lead the rule distributes now (not committed)
pick () {
	kontora config assign.rule $1 2>/dev/null &&
	kontora lead add "Проба" --dry-run 2>&1 >/dev/null |
	sed -n "s/^kontora: lead [^:]*: assigned/assigned/p" | grep .
}

# Each rule's table alone: the other's triggers would slow every write.
for rule in round-robin least-loaded; do
	k=$(table $rule | sed "s/.*_//")
	test_expect_success "$rule: a reindex makes its count tables, equal to a GROUP BY" '
		pick $rule >before.$rule &&
		kontora reindex 2>/dev/null &&
		tables >got.tables &&
		grep -x $(table $rule) got.tables &&
		! grep -v "_$k\$" got.tables &&
		equal $rule
	'

	test_expect_success "$rule: the first distribution after a reindex picks as before it" '
		kontora reindex 2>/dev/null &&
		pick $rule >after &&
		test_cmp before.$rule after
	'

	test_expect_success "$rule: changes after a reindex keep the table equal" '
		kontora reindex 2>/dev/null &&
		kontora lead add "Заявка $rule" 2>/dev/null >>../leads &&
		kontora lead add "Своя $rule" --to boris 2>/dev/null >>../leads &&
		kontora lead assign "$(sed -n 3p ../leads)" anna &&
		kontora lead move "$(sed -n 4p ../leads)" won --set amount=500 2>/dev/null &&
		kontora lead edit "$(sed -n 5p ../leads)" --set "client=$(cat ../client)" 2>/dev/null &&
		kontora lead rm "$(sed -n 6p ../leads)" --force 2>/dev/null &&
		equal $rule &&
		sed -i 3,6d ../leads
	'
done

test_expect_success 'a rule set by kontora config has its table at once, not at the next add' '
	kontora config assign.rule round-robin 2>/dev/null &&
	kontora reindex 2>/dev/null &&
	tables >got &&
	! grep -x $(table least-loaded) got &&
	kontora config assign.rule least-loaded &&
	tables >got &&
	grep -x $(table least-loaded) got &&
	equal least-loaded &&
	kontora config assign.rule round-robin --dry-run >/dev/null &&
	kontora config assign.rule none &&
	kontora config assign.rule round-robin
'

test_expect_success 'the tables of other types with an owner are made too' '
	kontora config assign.rule least-loaded 2>/dev/null &&
	kontora reindex 2>/dev/null &&
	kontora sql -f csv "SELECT count(*) AS n FROM _count_invoice_status_v" >n &&
	kontora sql -f csv "SELECT count(*) AS n FROM invoice WHERE manager IS NOT NULL" >expect &&
	test_cmp expect n &&
	kontora config assign.rule round-robin 2>/dev/null
'

test_expect_success 'assign.rule none: a reindex makes none' '
	kontora config assign.rule none 2>/dev/null &&
	kontora reindex 2>/dev/null &&
	tables >got &&
	test ! -s got &&
	kontora config assign.rule round-robin 2>/dev/null
'

test_expect_success 'a git reset, and an index rebuilt by any command, leave them equal' '
	kontora reindex 2>/dev/null &&
	kontora lead add "Сброс 1" >/dev/null 2>&1 &&
	kontora lead add "Сброс 2" --to vera >/dev/null 2>&1 &&
	kontora lead add "Сброс 3" >/dev/null 2>&1 &&
	equal round-robin &&
	git reset -q --hard HEAD~2 &&
	equal round-robin &&
	rm -f .git/kontora/index.db &&
	equal round-robin
'

test_expect_success 'an owner the loader cannot key is counted by a GROUP BY' '
	L=$(sed -n 3p ../leads) &&
	long=$(printf "m%.0s" $(seq 1 200)) &&
	f=$(git grep -l "^$L," -- data/lead) &&
	sed -i "/^$L,/s/,\(anna\|boris\|vera\),/,$long,/" "$f" &&
	git commit -q -am "by hand: an owner of 200 letters" &&
	kontora reindex 2>/dev/null &&
	equal round-robin &&
	grep -q "^$long," got
'

test_done
