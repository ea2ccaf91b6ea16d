#!/bin/sh
test_description='kontora init and finding the books'
# Decisions where docs/foundation.md is silent:
# - init prints nothing we rely on; it makes exactly one commit whose author
#   is git's user;
# - init DIR into an existing empty directory works like into a new one;
# - the first employee's row is checked byte for byte from the storage rules
#   (active has default=true, so it is stored as "true").
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init creates the books' '
	kontora init books &&
	test -d books/.git &&
	test -f books/kontora.conf
'

test_expect_success 'the books are a git repository on main with one commit' '
	test "$(git -C books symbolic-ref HEAD)" = refs/heads/main &&
	test "$(git -C books rev-list --count HEAD)" = 1 &&
	test "$(git -C books log -1 --format="%an <%ae>")" = "Тест Тестов <test@example.com>" &&
	(cd books && test_clean)
'

test_expect_success 'the default schemas and dictionaries are copied and committed' '
	(cd "$TEST_ROOT" && ls schemas/*.schema dicts/*.csv) >expect &&
	(cd books && ls schemas/*.schema dicts/*.csv) >actual &&
	test_cmp expect actual &&
	for f in $(cat expect)
	do
		test_cmp "$TEST_ROOT/$f" "books/$f" &&
		git -C books cat-file -e "HEAD:$f" || return 1
	done &&
	git -C books cat-file -e HEAD:kontora.conf
'

test_expect_success 'kontora.conf is in git-config syntax' '
	git config -f books/kontora.conf --list >out
'

test_expect_success 'the person who ran init is an admin employee' '
	echo "id,login,name,email,phone,role,supervisor,active,plan_month,created" >expect &&
	echo "ID,test,Тест Тестов,test@example.com,,admin,,true,,2026-11-23T10:00:00Z" >>expect &&
	sed "s/^E[0-9A-HJKMNP-TV-Z]\{7\},/ID,/" books/data/employee/2026-11.csv >actual &&
	test_cmp expect actual &&
	kontora -C books employee list -f csv >list &&
	id=$(sed -n "2s/,.*//p" books/data/employee/2026-11.csv) &&
	test "$(test_csv_get $id login <list)" = test &&
	test "$(test_csv_get $id role <list)" = admin &&
	test "$(test_csv_get $id email <list)" = test@example.com
'

test_expect_success 'init into an empty existing directory' '
	mkdir empty &&
	kontora init empty &&
	test -f empty/kontora.conf
'

test_expect_success 'init refuses a non-empty directory' '
	mkdir notempty && echo hello >notempty/file &&
	test_expect_code 1 kontora init notempty 2>err &&
	echo "kontora: error: notempty: not empty; kontora init wants a new or empty directory" >expect &&
	test_cmp expect err &&
	test ! -e notempty/.git && test ! -e notempty/kontora.conf &&
	echo hello >expect && test_cmp expect notempty/file
'

test_expect_success 'init refuses to init books twice' '
	git -C books rev-parse HEAD >before &&
	test_expect_code 1 kontora init books 2>err &&
	echo "kontora: error: books: already kontora books" >expect &&
	test_cmp expect err &&
	git -C books rev-parse HEAD >after &&
	test_cmp before after
'

test_expect_success 'init --company merges company keys into kontora.conf' '
	cat >company.conf <<-\EOF &&
	[company]
		name = ООО \"Батискаф\"
		inn = 5024045017
	EOF
	kontora init --company company.conf withcompany &&
	test "$(git config -f withcompany/kontora.conf company.name)" = "ООО \"Батискаф\"" &&
	test "$(git config -f withcompany/kontora.conf company.inn)" = 5024045017 &&
	test "$(kontora -C withcompany config company.inn)" = 5024045017 &&
	test "$(git -C withcompany rev-list --count HEAD)" = 1 &&
	(cd withcompany && test_clean)
'

test_expect_success 'init --company with a missing file fails and creates nothing' '
	test_expect_code 1 kontora init --company no-such-file nocompany 2>err &&
	echo "kontora: error: no-such-file: No such file or directory" >expect &&
	test_cmp expect err &&
	test ! -e nocompany
'

test_expect_success 'commands outside books fail' '
	echo "kontora: error: not inside kontora books (run '\''kontora init DIR'\'')" >expect &&
	for cmd in "client list" "check" "reindex" "log C0000000" "config --list" \
		"list client" "client add --name X"
	do
		test_expect_code 1 kontora $cmd >out 2>err &&
		test_cmp expect err || return 1
	done &&
	test_expect_code 1 kontora sql "select 1" >out 2>err &&
	test_cmp expect err
'

test_expect_success 'a plain git repository is not books' '
	git init -q plain &&
	(cd plain && test_expect_code 1 kontora client list 2>err &&
	 test_grep "not inside kontora books" err)
'

test_expect_success 'kontora help works outside books' '
	kontora help >out 2>&1
'

test_expect_success 'kontora -C DIR' '
	kontora -C books employee list -f csv >out &&
	test_grep ",test,Тест Тестов," out
'

test_expect_success 'KONTORA_BOOKS' '
	KONTORA_BOOKS="$TEST_DIR/books" kontora employee list -f csv >out &&
	test_grep ",test,Тест Тестов," out
'

test_expect_success '-C wins over KONTORA_BOOKS' '
	id=$(KONTORA_BOOKS="$TEST_DIR/empty" kontora -C books client add --name Ромашка) &&
	test "$(git -C books rev-list --count HEAD)" = 2 &&
	test "$(git -C empty rev-list --count HEAD)" = 1
'

test_expect_success 'running from a subdirectory of the books' '
	mkdir -p books/files/deep/er &&
	(cd books/files/deep/er && kontora client list -f csv >"$TEST_DIR/out") &&
	test_grep ",Ромашка," out &&
	(cd books/schemas && kontora employee list -f csv >"$TEST_DIR/out") &&
	test_grep ",test,Тест Тестов," out
'

test_done
