#!/bin/sh
test_description='a write stopped at each step, races won on purpose, stale git locks'
# KONTORA_FAULT=POINT:kill kills the command as kill -9 would the first
# time a write reaches POINT; POINT:pause:FILE makes it create FILE and
# wait until the test removes it (docs/testing.md).  Nothing here rests
# on timing: what a random kill found by chance is made to happen.
. "$(dirname "$0")/test-lib.sh"

K="timeout 120 kontora"

test_expect_success 'setup' '
	test_books books &&
	C=$(kontora -C books client add --name Ромашка --phone "+74950000000") &&
	L=$(kontora -C books lead add --title Заявка --phone "+79160000000")
'
cd books 2>/dev/null

# index_dump FILE: every table of the index as CSV, sorted, into FILE.
index_dump () {
	for t in employee client contact lead activity task product
	do
		$K sql "SELECT * FROM $t ORDER BY id" -f csv || return 1
	done >"$1"
}

# sound: the books after a stopped write are whole: kontora check and git
# fsck find nothing, git status is clean, no journal is left, and the
# index equals one built afresh.
sound () {
	$K check &&
	git fsck --no-dangling 2>fsck.out && test_line_count = 0 fsck.out &&
	test_clean &&
	test ! -e .git/kontora/pending &&
	index_dump index.before &&
	$K reindex 2>/dev/null &&
	index_dump index.after &&
	test_cmp index.before index.after
}

# The points before the branch moves leave the books as before; the ones
# after leave them as after, the journal finishing the worktree.
n=0
for point in blob tree commit cas ref worktree index
do
	n=$((n + 1))
	case $point in
	blob|tree|commit|cas) expect=before ;;
	*) expect=after ;;
	esac
	test_expect_success "killed after $point: the books are $expect the change" "
		head=\$(git rev-parse HEAD) &&
		test_expect_code 137 env KONTORA_FAULT=$point:kill kontora client edit $C \
			--set phone=+7495000000$n &&
		kontora client show $C >show &&
		if test $expect = before
		then
			test \$(git rev-parse HEAD) = \$head &&
			test_grep -v '+7495000000$n' show
		else
			test \$(git rev-parse HEAD~1) = \$head &&
			test_grep '+7495000000$n' show &&
			git show HEAD:\$(git diff --name-only HEAD~1 HEAD) | grep -q '+7495000000$n'
		fi &&
		sound
	"
done

test_expect_success 'killed after the journal, a read finishes it and the next write too' '
	test_expect_code 137 env KONTORA_FAULT=worktree:kill kontora lead edit $L --set comment=one &&
	test -e .git/kontora/pending &&
	kontora lead edit $L --set comment=two &&
	test ! -e .git/kontora/pending &&
	test "$(git log -2 --format=%s)" = "lead $L: edit comment
lead $L: edit comment" &&
	sound
'

test_expect_success 'plain git wins the race between reading the branch and moving it' '
	head=$(git rev-parse HEAD) && rm -f gate || return 1
	KONTORA_FAULT=cas:pause:$PWD/gate $K client edit $C --set notes=kontora >out 2>err &
	test_await gate $! &&
	test $(git rev-parse HEAD) = $head &&
	echo "by hand" >notes.txt &&
	git add notes.txt &&
	git commit -q -m "a person commits meanwhile" &&
	theirs=$(git rev-parse HEAD) &&
	rm gate &&
	wait &&
	test $(git rev-parse HEAD^) = $theirs &&
	test "$(git log -1 --format=%s)" = "client $C: edit notes" &&
	git show HEAD:notes.txt >by-hand && test "$(cat by-hand)" = "by hand" &&
	kontora client show $C >show && test_grep "kontora" show &&
	git rm -q notes.txt && git commit -q -m "notes.txt goes" &&
	sound
'

test_expect_success 'a second kontora writer waits for the lock the first holds' '
	head=$(git rev-parse HEAD) && rm -f gate || return 1
	KONTORA_FAULT=lock:pause:$PWD/gate $K client edit $C --set notes=first >/dev/null &
	test_await gate $! || return 1
	$K lead edit $L --set comment=second >/dev/null &
	second=$! &&
	sleep 1 &&
	kill -0 $second &&
	test $(git rev-parse HEAD) = $head &&
	rm gate &&
	wait &&
	test "$(git log -2 --format=%s)" = "lead $L: edit comment
client $C: edit notes" &&
	test $(git rev-parse HEAD~2) = $head &&
	sound
'

test_expect_success 'a stale index.lock (old, open in no process) is removed and said' '
	head=$(git rev-parse HEAD) &&
	: >.git/index.lock &&
	touch -d "-10 seconds" .git/index.lock &&
	$K client edit $C --set notes=stale-index >out 2>err &&
	test ! -e .git/index.lock &&
	test_grep "warning: removed .git/index.lock, left 1[0-9]s ago by a process that is gone" err &&
	test $(git rev-parse HEAD~1) = $head &&
	sound
'

test_expect_success 'a stale ref lock is removed and said' '
	head=$(git rev-parse HEAD) &&
	: >.git/refs/heads/main.lock &&
	touch -d "-10 seconds" .git/refs/heads/main.lock &&
	$K client edit $C --set notes=stale-ref >out 2>err &&
	test ! -e .git/refs/heads/main.lock &&
	test_grep "warning: removed .git/refs/heads/main.lock" err &&
	test $(git rev-parse HEAD~1) = $head &&
	sound
'

# hold FILE: a process keeps FILE, ten seconds old, open as a running git
# keeps its lock; its pid goes to holder.
hold () {
	: >"$1" &&
	touch -d "-10 seconds" "$1" &&
	{ sleep 60 9>>"$1" & } &&
	echo $! >holder &&
	test_await /proc/$(cat holder)/fd/9 $(cat holder)
}

test_expect_success 'a live index.lock is waited for, then refused with nothing changed' '
	head=$(git rev-parse HEAD) &&
	hold .git/index.lock &&
	test_must_fail $K client edit $C --set notes=live-index >out 2>err &&
	test_grep "error: .git/index.lock is held by a running git (process $(cat holder)); nothing was changed" err &&
	test_line_count = 0 out &&
	test $(git rev-parse HEAD) = $head &&
	test -e .git/index.lock &&
	kill $(cat holder) && rm .git/index.lock &&
	sound
'

test_expect_success 'a live ref lock is waited for, then refused with nothing changed' '
	head=$(git rev-parse HEAD) &&
	hold .git/refs/heads/main.lock &&
	test_must_fail $K client edit $C --set notes=live-ref >out 2>err &&
	test_grep "error: the branch.s ref lock is held by a running git; nothing was changed" err &&
	test $(git rev-parse HEAD) = $head &&
	kill $(cat holder) && rm .git/refs/heads/main.lock &&
	sound
'

test_expect_success 'once the branch moved, a step that fails is a warning, not an error' '
	head=$(git rev-parse HEAD) && rm -f gate || return 1
	KONTORA_FAULT=ref:pause:$PWD/gate $K lead add --title "Вторая заявка" >out 2>err &
	adder=$! &&
	test_await gate $adder &&
	hold .git/index.lock &&
	rm gate &&
	wait $adder &&
	id=$(cat out) &&
	test -n "$id" &&
	test_grep "warning: the change is committed" err &&
	test_grep "the next kontora command finishes it" err &&
	test $(git rev-parse HEAD~1) = $head &&
	test -e .git/kontora/pending &&
	kill $(cat holder) && rm .git/index.lock &&
	kontora lead show $id >show &&
	test_grep "Вторая заявка" show &&
	test ! -e .git/kontora/pending &&
	sound
'

test_done
