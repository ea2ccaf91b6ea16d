#!/bin/sh
test_description='kontora report --at: a report on the books as they were at a past commit'
# See kontora-report(1), --at.  The books: anna (manager) and boris, an
# admin until the tag "october", a manager since.  At "october" anna has
# one won lead of 5 000 and boris one of 2 000; after it anna wins
# another of 7 000 and boris one of 4 000.
. "$(dirname "$0")/test-lib.sh"

# lead_at DATE LOGIN AMOUNT: a won lead of LOGIN, come in on DATE.
lead_at () {
	L=$(KONTORA_NOW=${1}T09:00:00Z kontora lead add --title "Лид $1 $2" --to $2 \
		--source web --amount $3) &&
	KONTORA_NOW=${1}T10:00:00Z kontora lead won $L >/dev/null
}

# won [OPTIONS]: the total won amount of the dynamics report, from its JSON.
won () {
	kontora report dynamics -f json "$@" >"$TEST_DIR/won.json" &&
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"]["amount"])' \
		"$TEST_DIR/won.json"
}

test_expect_success 'setup: leads before and after the tag october' '
	test_books books &&
	cd books &&
	kontora employee add --login boris --name "Борис Иванов" --role admin >/dev/null &&
	lead_at 2026-10-05 anna 5000 &&
	lead_at 2026-10-06 boris 2000 &&
	git tag october &&
	lead_at 2026-11-05 anna 7000 &&
	lead_at 2026-11-06 boris 4000 &&
	kontora employee edit boris --role manager >/dev/null &&
	test_clean
'
cd books 2>/dev/null

test_expect_success 'now: every won lead' '
	echo 18000.00 >expect &&
	won >actual &&
	test_cmp expect actual
'

test_expect_success '--at october gives the figures of then, as kontora sql on a clone at that commit' '
	rm -rf ../then &&
	git clone -q . ../then &&
	git -C ../then checkout -q october &&
	(cd ../then && kontora sql "SELECT printf(\"%d.%02d\", sum(amount) / 100, sum(amount) % 100) AS s
	                            FROM lead WHERE stage = \"won\"") >sql.out &&
	sed -n 2p sql.out >expect &&
	echo 7000.00 >hand &&
	test_cmp hand expect &&
	won --at october >actual &&
	test_cmp expect actual
'

test_expect_success '--at takes a hash, HEAD~5 and names the commit in the period' '
	echo 7000.00 >expect &&
	won --at $(git rev-parse october) >actual &&
	test_cmp expect actual &&
	test $(git rev-parse HEAD~5) = $(git rev-parse october) &&
	won --at HEAD~5 >actual &&
	test_cmp expect actual &&
	python3 -c "import json; print(json.load(open(\"$TEST_DIR/won.json\"))[\"period\"])" >period &&
	test_grep "книги на HEAD~5" period
'

# The reflog of the books holds the times kontora moved the branch, which
# are the wall clock's, not KONTORA_NOW's: the branch is moved along its
# history again with git, each step at its commit's date, as it would
# have been had the commits been made on those days.
test_expect_success 'setup: a reflog with the commits of their days' '
	git reflog expire --expire=all --all &&
	for c in $(git rev-list --reverse --first-parent HEAD)
	do
		GIT_COMMITTER_DATE=$(git log -1 --format=%aI $c) \
			git update-ref -m replay refs/heads/main $c || return 1
	done &&
	test_clean
'

test_expect_success '--at takes a reflog date: where the branch was on that day' '
	test $(git rev-parse "main@{2026-10-31}") = $(git rev-parse october) &&
	echo 7000.00 >expect &&
	won --at "main@{2026-10-31}" >actual &&
	test_cmp expect actual &&
	echo 18000.00 >expect &&
	won --at "main@{2026-11-07}" >actual &&
	test_cmp expect actual &&
	echo 14000.00 >expect &&
	won --at "main@{2026-11-05 12:00}" >actual &&
	test_cmp expect actual
'

test_expect_success '--at takes main@{N}: where the branch was N moves ago' '
	test $(git rev-parse "main@{5}") = $(git rev-parse october) &&
	echo 7000.00 >expect &&
	won --at "main@{5}" >actual &&
	test_cmp expect actual
'

test_expect_success 'a reflog revision the clone has no entry for is an error that says why' '
	git reflog expire --expire=all --all &&
	test_expect_code 1 kontora report dynamics --at "main@{2026-10-31}" 2>err &&
	test_grep "error: --at main@{2026-10-31}: no such commit in the books (@{...} reads the reflog of this clone" err &&
	test_expect_code 1 kontora report dynamics --at "main@{1}" 2>err &&
	test_grep "reads the reflog" err
'

test_expect_success 'the index of a commit is cached in .git/kontora/at and used again' '
	db=.git/kontora/at/$(git rev-parse october).db &&
	test -f $db &&
	touch -d 2000-01-01 $db &&
	won --at october >actual &&
	echo 7000.00 >expect &&
	test_cmp expect actual &&
	echo 946684800 >expect &&
	stat -c %Y $db >actual &&
	test_cmp expect actual
'

test_expect_success 'a removed cache is built again' '
	rm -r .git/kontora/at &&
	won --at october >actual &&
	echo 7000.00 >expect &&
	test_cmp expect actual &&
	test -f .git/kontora/at/$(git rev-parse october).db
'

test_expect_success 'the caller acts with their role of now: boris, no admin any more, sees his own' '
	echo 2000.00 >expect &&
	KONTORA_USER=boris won --at october >actual &&
	test_cmp expect actual &&
	echo 6000.00 >expect &&
	KONTORA_USER=boris won >actual &&
	test_cmp expect actual
'

test_expect_success 'every format works on the past; the books stay as they are' '
	head=$(git rev-parse HEAD) &&
	kontora report funnel --at october -f xlsx -o f.xlsx &&
	kontora report funnel --at october -f pdf -o f.pdf &&
	test -s f.xlsx && test -s f.pdf &&
	test $(git rev-parse HEAD) = $head &&
	test_clean
'

test_expect_success 'sources shows the dictionary labels, of now and of then' '
	kontora report sources -f csv >now.csv &&
	test_grep "^Сайт,4," now.csv &&
	! grep "^web" now.csv &&
	kontora config label.lead_source.web "Сайт компании" >/dev/null &&
	kontora report sources -f csv >now.csv &&
	test_grep "^Сайт компании,4," now.csv &&
	kontora report sources -f csv --at october >then.csv &&
	test_grep "^Сайт,2," then.csv
'

test_expect_success 'an unknown revision is an error, exit 1' '
	test_expect_code 1 kontora report dynamics --at nosuch 2>err &&
	test_grep "error: --at nosuch: no such commit in the books" err &&
	test_expect_code 2 kontora report dynamics --at "" 2>err &&
	test_grep "revision is empty" err &&
	test ! -e .git/kontora/at/nosuch.db
'

test_done
