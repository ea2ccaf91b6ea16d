#!/bin/sh
test_description='kontora import spool: the webhook spool into leads, one commit, a lock'
# See kontora-import(1) and kontora-webhook(1).  Requests are posted by
# running kontora webhook with the CGI environment, as a web server does.
. "$(dirname "$0")/test-lib.sh"

F=$TEST_FIXTURES/leads
SPOOL=books/.git/kontora/spool

# post FILE [QUERY [CONTENT_TYPE]]: posts FILE to the webhook.
post () {
	env -i PATH="$PATH" HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books" \
		KONTORA_NOW=${POST_NOW:-2026-11-23T09:00:00Z} REQUEST_METHOD=POST \
		QUERY_STRING="secret=s3&${2:-source=tilda}" \
		CONTENT_TYPE="${3:-application/x-www-form-urlencoded}" \
		CONTENT_LENGTH=$(wc -c <"$1") kontora webhook <"$1" >/dev/null
}

count () { ls "$1" 2>/dev/null | wc -l; }

test_expect_success 'setup: books with a secret, four requests in the spool' '
	test_books books &&
	kontora -C books config webhook.secret s3 &&
	post "$F/tilda-utf8.form" &&
	post "$F/tilda-cp1251.form" "source=tilda" "application/x-www-form-urlencoded; charset=windows-1251" &&
	post "$F/tilda.json" "source=tilda" "application/json" &&
	printf "Name=Nobody&Comments=call" >nocontact &&
	POST_NOW=2026-11-23T09:01:00Z post nocontact &&
	test $(count $SPOOL/new) = 4
'
cd books 2>/dev/null

test_expect_success 'import spool: three leads in one commit, the bad request to rejected/ with .why' '
	before=$(test_commits) &&
	test_expect_code 1 kontora import spool >out 2>err &&
	echo "3 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 1 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $((before + 1)) &&
	test $(count .git/kontora/spool/new) = 0 &&
	test $(count .git/kontora/spool/cur) = 3 &&
	test $(count .git/kontora/spool/rejected) = 2 &&
	echo "line 1: no phone and no e-mail: nobody to call back" >expect &&
	test_cmp expect .git/kontora/spool/rejected/*.why &&
	test_grep "warning: new/.*:1: no phone and no e-mail" err &&
	L=$(kontora lead list -f csv --where "external_id=tilda:5489108:4802756099" | sed -n 2p | cut -d, -f1) &&
	kontora lead list -f csv --where "id=$L" | test_csv_get $L name >name &&
	echo "Сергей Ветров" >expect &&
	test_cmp expect name &&
	test_clean
'

# cron runs it every minute and mails whatever it prints.
test_expect_success 'an empty spool: nothing said, no commit, exit 0' '
	before=$(test_commits) &&
	kontora import spool >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test $(test_commits) = $before
'

test_expect_success 'books the webhook never wrote to: nothing said, exit 0' '
	test_books ../nospool &&
	kontora -C ../nospool import spool >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test ! -e ../nospool/.git/kontora/spool
'

test_expect_success 'a request spooled twice (a retry) is one lead' '
	cp .git/kontora/spool/cur/$(ls .git/kontora/spool/cur | head -n 1) .git/kontora/spool/new/again &&
	before=$(test_commits) &&
	kontora import spool >out &&
	echo "0 new, 0 linked to clients, 0 merged, 1 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before &&
	test -e .git/kontora/spool/cur/again
'

test_expect_success 'a post without tranid: the time it came tells two posts apart' '
	printf "Name=Twice&Phone=89995554433" >notran &&
	(cd .. && POST_NOW=2026-11-23T09:05:00Z post books/notran && POST_NOW=2026-11-23T09:06:00Z post books/notran) &&
	kontora import spool >out &&
	echo "1 new, 0 linked to clients, 1 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out
'

test_expect_success 'a truncated JSON request goes to rejected/ with the parser'"'"'s message' '
	printf "{\"Name\": \"Ира\", \"Phone\": \"8999" >cut.json &&
	(cd .. && post books/cut.json "source=tilda" "application/json") &&
	test_expect_code 1 kontora import spool >out 2>err &&
	cat .git/kontora/spool/rejected/*.why >whys &&
	test_grep "malformed JSON: it ends too early" whys
'

test_expect_success '--dry-run moves nothing and commits nothing' '
	printf "Name=Dry&Phone=89995550001" >dry &&
	(cd .. && post books/dry) &&
	before=$(test_commits) &&
	kontora import spool --dry-run >out &&
	echo "would import: 1 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before &&
	test $(count .git/kontora/spool/new) = 1
'

command -v flock >/dev/null && test_set_prereq FLOCK
test_expect_success FLOCK 'a second import spool while one runs: says so, exit 0, leaves the spool' '
	before=$(test_commits) &&
	flock .git/kontora/spool/lock sh -c "kontora import spool >out 2>err; echo \$? >rc" &&
	echo 0 >expect && test_cmp expect rc &&
	echo "kontora: another import spool is running; this one leaves the spool to it" >expect &&
	test_cmp expect err &&
	test $(count .git/kontora/spool/new) = 1 &&
	test $(test_commits) = $before
'

test_expect_success 'two imports at once: every request imported exactly once' '
	for i in 1 2 3 4 5 6; do
		printf "Name=Conc$i&Phone=8999666000$i" >c$i && (cd .. && post books/c$i) || return 1
	done &&
	{ kontora import spool >o1 2>e1 & kontora import spool >o2 2>e2; wait; } &&
	test $(count .git/kontora/spool/new) = 0 &&
	kontora lead list -f csv --all --where "name~Conc" >conc &&
	test_line_count = 7 conc
'

test_expect_success 'a commit that fails leaves the requests in new/ for the next run' '
	printf "Name=Fail1&Phone=89996660101" >f1 && (cd .. && post books/f1) &&
	printf "Name=Fail2&Phone=89996660102" >f2 && (cd .. && post books/f2) &&
	test $(count .git/kontora/spool/new) = 2 &&
	ls .git/kontora/spool/new >new.before &&
	ls .git/kontora/spool/cur >cur.before &&
	ls .git/kontora/spool/rejected >rejected.before &&
	head=$(git rev-parse HEAD) &&
	# the import adds tasks to this shard: a hand edit there stops its commit
	test -f data/task/2026-11.csv &&
	echo "hand,edit" >>data/task/2026-11.csv &&
	test_expect_code 1 kontora import spool >out 2>err &&
	echo "kontora: error: data/task/2026-11.csv has uncommitted changes; commit them with git or restore the file" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = $head &&
	ls .git/kontora/spool/new >new.after &&
	test_cmp new.before new.after &&
	ls .git/kontora/spool/cur >cur.after &&
	test_cmp cur.before cur.after &&
	ls .git/kontora/spool/rejected >rejected.after &&
	test_cmp rejected.before rejected.after &&
	git checkout -- data/task/2026-11.csv &&
	test_clean &&
	kontora import spool >out &&
	echo "2 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $(($(git rev-list --count $head) + 1)) &&
	test $(count .git/kontora/spool/new) = 0 &&
	kontora lead list -f csv --all --where "name~Fail" >fails &&
	test_line_count = 3 fails
'

test_expect_success 'requests of three sources in one import: each lead by its own source' '
	kontora config source.expo.lead-source exhibition &&
	kontora config source.partner.lead-source referral &&
	(cd .. &&
	 printf "name=Один&phone=%%2B79990001001&tranid=s1" >s1 &&
	 printf "name=Два&phone=%%2B79990001002&tranid=s2" >s2 &&
	 printf "name=Три&phone=%%2B79990001003&tranid=s3" >s3 &&
	 post s1 source=tilda && post s2 source=expo && post s3 source=partner) &&
	kontora import spool >out &&
	echo "3 new, 0 linked to clients, 0 merged, 0 duplicates skipped, 0 rejected" >expect &&
	test_cmp expect out &&
	for pair in tilda:s1:web expo:s2:exhibition partner:s3:referral; do
		src=${pair%%:*} && rest=${pair#*:} && tran=${rest%%:*} && want=${rest#*:} &&
		kontora lead list -f csv --all --where "external_id=$src:$tran" >one.csv &&
		L=$(sed -n 2p one.csv | cut -d, -f1) && test -n "$L" &&
		test "$(test_csv_get $L source <one.csv)" = "$want" || return 1
	done
'

test_done
