#!/bin/sh
test_description='the test library itself'
test_no_kontora=t
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'a passing test' 'true'

test_expect_success 'the environment is set up' '
	test "$TZ" = UTC &&
	test "$LC_ALL" = C.UTF-8 &&
	test "$KONTORA_NOW" = 2026-11-23T10:00:00Z &&
	test -z "${KONTORA_BOOKS+set}" && test -z "${KONTORA_USER+set}" &&
	test "$PWD" = "$TEST_DIR" &&
	test "$HOME" = "$TEST_DIR/home" &&
	test "$(git config user.name)" = "Тест Тестов" &&
	test "$(git config user.email)" = test@example.com &&
	test -f "$TEST_ROOT/tests/t/test-lib.sh" &&
	case "$PATH" in "$TEST_BIN_DIR":*) true ;; *) false ;; esac
'

test_expect_success 'variables set by a test are seen by the next' '
	from_earlier=yes && mkdir sub && cd sub
'

test_expect_success '... but the directory is restored' '
	test "$from_earlier" = yes && test "$PWD" = "$TEST_DIR"
'

test_expect_success 'test_must_fail accepts a failure' '
	test_must_fail false &&
	test_must_fail sh -c "exit 2" &&
	test_must_fail sh -c "exit 125"
'

test_expect_success 'test_must_fail refuses success, signals and missing commands' '
	! test_must_fail true &&
	! test_must_fail sh -c "kill -9 \$\$" &&
	! test_must_fail sh -c "exit 129" &&
	! test_must_fail no-such-command-here
'

test_expect_success 'test_expect_code' '
	test_expect_code 2 sh -c "exit 2" &&
	! test_expect_code 1 sh -c "exit 2"
'

test_expect_success 'test_cmp' '
	printf "a\nb\n" >one && printf "a\nb\n" >two && printf "a\nc\n" >three &&
	test_cmp one two &&
	! test_cmp one three
'

test_expect_success 'test_line_count' '
	printf "a\nb\n" >two-lines &&
	test_line_count = 2 two-lines &&
	test_line_count -gt 1 two-lines &&
	! test_line_count = 3 two-lines
'

test_expect_success 'test_csv_get and test_json' '
	printf "id,name\nC1,\"a, b\"\nC2,c\n" >t.csv &&
	test "$(test_csv_get C1 name <t.csv)" = "a, b" &&
	! test_csv_get C3 name <t.csv &&
	echo "[{\"a\": 1}]" | test_json &&
	! echo "[{" | test_json
'

test_expect_success 'nested scripts report failures' '
	mkdir -p nested/tests/t &&
	cp "$TEST_ROOT/tests/t/test-lib.sh" nested/tests/t/ &&
	cat >nested/tests/t/t9999-inner.sh <<-\INNER &&
	test_no_kontora=t
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "passes" "true"
	test_expect_success "fails" "echo some output; false"
	test_done
	INNER
	(unset TEST_VERBOSE; test_must_fail sh nested/tests/t/t9999-inner.sh >out) &&
	cat >expect <<-\EXPECT &&
	ok 1 - passes
	not ok 2 - fails
	# echo some output; false
	# output:
	# some output
	1..2
	# failed 1 among 2 test(s)
	EXPECT
	test_cmp expect out
'

test_expect_success 'return 1 in a loop ends a test, and the directory is restored' '
	cat >nested/tests/t/t9996-loop.sh <<-\INNER &&
	test_no_kontora=t
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "loop" "
		mkdir loopdir && cd loopdir &&
		for i in 1 2; do test \$i = 1 || return 1; echo \$i >>../reached; done
	"
	test_expect_success "after" "test \"\$PWD\" = \"\$TEST_DIR\" && test \"\$(cat reached)\" = 1"
	test_done
	INNER
	(unset TEST_VERBOSE; test_expect_code 1 sh nested/tests/t/t9996-loop.sh >out) &&
	grep -v "^# " out >actual &&
	cat >expect <<-\EXPECT &&
	not ok 1 - loop
	ok 2 - after
	1..2
	EXPECT
	test_cmp expect actual &&
	test_grep "^# failed 1 among 2 test(s)$" out
'

test_expect_success 'test_expect_failure: a known breakage is no failure, a vanished one is said' '
	cat >nested/tests/t/t9995-todo.sh <<-\INNER &&
	test_no_kontora=t
	. "$(dirname "$0")/test-lib.sh"
	test_expect_failure "still broken" "false"
	test_expect_failure "fixed meanwhile" "true"
	test_done
	INNER
	(unset TEST_VERBOSE; sh nested/tests/t/t9995-todo.sh >out) &&
	cat >expect <<-\EXPECT &&
	not ok 1 - still broken # TODO known breakage
	ok 2 - fixed meanwhile # TODO known breakage vanished
	1..2
	# still have 1 known breakage(s)
	# 1 known breakage(s) vanished
	EXPECT
	test_cmp expect out
'

test_expect_success 'skip_all' '
	cat >nested/tests/t/t9998-skip.sh <<-\INNER &&
	test_no_kontora=t
	. "$(dirname "$0")/test-lib.sh"
	skip_all="no reason"
	test_expect_success "never run" "false"
	test_done
	INNER
	sh nested/tests/t/t9998-skip.sh >out &&
	echo "1..0 # SKIP no reason" >expect &&
	test_cmp expect out
'

test_expect_success 'missing prerequisite skips a test' '
	cat >nested/tests/t/t9997-prereq.sh <<-\INNER &&
	test_no_kontora=t
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success NOSUCH "needs it" "false"
	test_done
	INNER
	sh nested/tests/t/t9997-prereq.sh >out &&
	printf "ok 1 # skip needs it (missing NOSUCH)\n1..1\n" >expect &&
	test_cmp expect out
'

# The ways a test was found passing with the code broken (docs/testing.md):
# a chain ending in "|| test $? = 1" or "|| true" passes when any step
# before it fails, and "test $? -le 2" takes a usage error for success.
test_expect_success 'no test script ends a chain in a way that lets a failing step pass' '
	for f in "$TEST_ROOT"/tests/t/t[0-9]*.sh; do
		case $f in */t0000-basic.sh) continue ;; esac
		! grep -Hn -e "|| *test \$? *=" -e "|| *true *\$" -e "|| *true *[&;]" \
			-e "test \$? -l[et] " "$f" || return 1
	done
'

test_done
