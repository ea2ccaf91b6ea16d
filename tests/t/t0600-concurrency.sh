#!/bin/sh
test_description='concurrent writers and killed writers'
# Decisions where docs/foundation.md is silent:
# - a writer waits for the lock rather than failing, so every one of the
#   concurrent edits succeeds (each sets a new value, so each commits);
# - every kontora command here runs under timeout(1), so a lock left held
#   shows as a failure, not a hang;
# - plain git commits made while kontora writes (retried by the "person"
#   when git meets index.lock or a moved HEAD) are kept, and kontora's
#   edits are too.
. "$(dirname "$0")/test-lib.sh"

K="timeout 120 kontora"

test_expect_success 'setup' '
	test_books books &&
	C1=$(kontora -C books client add --name Ромашка) &&
	C2=$(kontora -C books client add --name Лютик) &&
	L1=$(kontora -C books lead add --title Заявка)
'
cd books 2>/dev/null

# edits TYPE ID FIELD N TAG: N edits of one record, failures counted in fail.TAG
# and their messages kept in err.TAG
edits () {
	i=0 fails=0
	while test $i -lt $4
	do
		i=$((i + 1))
		$K $1 edit $2 --set "$3=$5 $i" >/dev/null 2>>"err.$5" || fails=$((fails + 1))
	done
	echo $fails >"fail.$5"
}

# no_failed_edits TAG...: every edit of each TAG went in; else says why
no_failed_edits () {
	for tag
	do
		if test "$(cat fail.$tag)" != 0
		then
			echo "$(cat fail.$tag) edits of $tag failed:" >&2
			cat err.$tag >&2
			return 1
		fi
	done
}

test_expect_success 'two writers on one shard, 100 edits each' '
	before=$(test_commits) || return 1
	edits client $C1 notes 100 a &
	edits client $C2 notes 100 b &
	wait &&
	no_failed_edits a b &&
	test $(test_commits) = $((before + 200)) &&
	test_clean &&
	$K check &&
	kontora client list -f csv >out &&
	test "$(test_csv_get $C1 notes <out)" = "a 100" &&
	test "$(test_csv_get $C2 notes <out)" = "b 100" &&
	rm -f fail.* err.*
'

test_expect_success 'writers on different types' '
	before=$(test_commits) || return 1
	edits client $C1 notes 50 c &
	edits lead $L1 comment 50 d &
	wait &&
	no_failed_edits c d &&
	test $(test_commits) = $((before + 100)) &&
	test_clean &&
	$K check &&
	rm -f fail.* err.*
'

test_expect_success 'a writer racing plain git commits loses nothing' '
	before=$(test_commits) || return 1
	edits client $C1 notes 50 e &
	j=0 &&
	while test $j -lt 10
	do
		j=$((j + 1)) n=0 &&
		echo "$j" >files-$j.txt &&
		# plain git may meet index.lock or a moved HEAD: retry like a person
		until git add files-$j.txt 2>/dev/null &&
			git commit -q -m "plain $j" files-$j.txt >/dev/null 2>&1
		do
			n=$((n + 1)) && test $n -lt 400 && sleep 0.05 || break
		done
	done &&
	wait &&
	no_failed_edits e &&
	{ test $(test_commits) = $((before + 60)) || { git log --format=%s -70 >&2; false; }; } &&
	test_clean &&
	git log --format=%s | grep -c "^plain " >plains &&
	test "$(cat plains)" = 10 &&
	rm -f fail.* err.* plains
'

# check_intact: the books are consistent after a killed writer
check_intact () {
	$K client list >/dev/null &&
	test_clean &&
	$K check &&
	test ! -s .git/kontora/pending &&
	$K client edit $C2 --set notes="after $1" >/dev/null &&
	test_clean
}

test_expect_success 'a writer killed at random moments leaves the books whole' '
	for d in 0 0.001 0.002 0.003 0.005 0.007 0.01 0.015 0.02 0.03 0.05 0.08 0.1
	do
		kontora client edit $C1 --set notes="killed $d" >/dev/null 2>&1 &
		pid=$! &&
		sleep $d &&
		# the writer may have finished before the kill: both are fine
		{ kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; true; } &&
		check_intact $d || return 1
	done &&
	kontora client list -f csv >out &&
	notes=$(test_csv_get $C1 notes <out) &&
	case "$notes" in "killed "*|"e 50") true ;; *) false ;; esac
'

test_expect_success SETSID 'a loop of writers killed with its process group' '
	# setsid may fork, so $! is not the group: the loop names itself, and
	# stops by itself should the kill ever miss it.
	start=$(git rev-parse HEAD) || return 1
	setsid sh -c "
		echo \$\$ >loop.pid
		i=0
		while test \$i -lt 3000; do
			i=\$((i + 1))
			kontora client edit $C1 --set notes=\"loop \$i\" >/dev/null 2>&1
		done" &
	sleep 2 &&
	kill -9 -$(cat loop.pid) &&
	sleep 0.2 &&
	rm loop.pid &&
	git rev-parse HEAD >head.killed &&
	sleep 0.5 &&
	git rev-parse HEAD >head.later &&
	test_cmp head.killed head.later &&
	check_intact loop &&
	# the loop committed more than once before the kill, and nothing after it
	git log --format=%b $start.. >bodies &&
	test "$(grep -c "^notes: .* -> loop [0-9]*$" bodies)" -gt 1 &&
	test "$(git log -1 --format=%s)" = "client $C2: edit notes"
'

test_expect_success 'the lock is not left held' '
	test_expect_code 0 timeout 10 kontora client edit $C1 --set notes=last &&
	test_clean
'

test_done
