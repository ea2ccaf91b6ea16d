#!/bin/sh
test_description='make lint: the wings of lib/ and what each may include'
# tools/lint.sh is run on a copy of lib/ and cmd/ in which each rule is
# broken once, so that a rule the script stops checking fails here.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the project as it stands keeps every rule' '
	(cd "$TEST_ROOT" && sh tools/lint.sh) >out &&
	test_line_count = 0 out
'

test_expect_success 'setup: a copy of lib/, cmd/ and the script' '
	mkdir house &&
	cp -R "$TEST_ROOT/lib" "$TEST_ROOT/cmd" house/ &&
	mkdir house/tools &&
	cp "$TEST_ROOT/tools/lint.sh" house/tools/
'

# Adds the line $2 at the top of house/$1, runs the script, expects it to
# fail with $3 in its output, and takes the line back.
lint_refuses () {
	cp "house/$1" saved &&
	{ echo "$2"; cat saved; } >"house/$1" &&
	(cd house && test_must_fail sh tools/lint.sh) >out 2>err &&
	cp saved "house/$1" &&
	test_grep "$3" out &&
	test_grep "fault(s) in the includes" err
}

test_expect_success 'git2.h outside lib/store/' '
	lint_refuses lib/books/open.c "#include <git2.h>" \
		"lib/books/open.c:1: includes git2.h outside lib/store/"
'

test_expect_success 'sqlite3.h outside lib/index/' '
	lint_refuses lib/store/repo.c "#include <sqlite3.h>" \
		"lib/store/repo.c:1: includes sqlite3.h outside lib/index/"
'

test_expect_success 'a lower wing that uses a higher one' '
	lint_refuses lib/store/commit.c "#include \"index/index.h\"" \
		"lib/store/commit.c:1: includes index/index.h: lib/store/ stands below lib/index/"
'

test_expect_success 'a wing beside another (model and export)' '
	lint_refuses lib/model/ops.c "#include \"export/export.h\"" \
		"lib/model/ops.c:1: includes export/export.h: lib/model/ stands below lib/export/ (or beside it)"
'

test_expect_success 'another wing'"'"'s private header' '
	lint_refuses lib/books/change.c "#include \"store/repo.h\"" \
		"lib/books/change.c:1: includes store/repo.h, a header private to lib/store/"
'

test_expect_success 'cmd/ including anything of lib/ but kontora.h' '
	lint_refuses cmd/log.c "#include \"books/books.h\"" \
		"cmd/log.c:1: includes \"books/books.h\": cmd/ uses lib/ through kontora.h only"
'

test_expect_success 'a file at the top of lib/' '
	echo "int stray;" >house/lib/stray.c &&
	(cd house && test_must_fail sh tools/lint.sh) >out 2>&1 &&
	rm house/lib/stray.c &&
	test_grep "lib/stray.c: a file at the top of lib/" out
'

test_expect_success 'a folder of lib/ that is no wing' '
	mkdir house/lib/misc &&
	echo "int stray;" >house/lib/misc/stray.c &&
	(cd house && test_must_fail sh tools/lint.sh) >out 2>&1 &&
	rm -r house/lib/misc &&
	test_grep "lib/misc/stray.c: lib/misc/ is no wing" out
'

test_expect_success 'the copy keeps every rule again' '
	(cd house && sh tools/lint.sh) >out &&
	test_line_count = 0 out
'

test_done
