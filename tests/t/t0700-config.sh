#!/bin/sh
test_description='kontora config'
# Decisions where docs/foundation.md is silent (git config is the model):
# - `config KEY` prints the value and a newline; a missing key exits 1 and
#   prints nothing on stdout;
# - `config --list` prints KEY=VALUE lines, like git config --list;
# - setting a key commits with the Kontora-Command trailer "config";
# - setting a key to the value it already has makes no commit.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' 'test_books books'
cd books 2>/dev/null

test_expect_success 'set a key' '
	before=$(test_commits) &&
	kontora config company.inn 5024045017 &&
	test $(test_commits) = $((before + 1)) &&
	test_clean &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" >cmd &&
	test_grep "^config$" cmd &&
	test "$(git log -1 --format="%an <%ae>")" = "Тест Тестов <test@example.com>" &&
	git show --stat --format= HEAD >stat &&
	test_grep kontora.conf stat
'

test_expect_success 'get a key' '
	kontora config company.inn >out &&
	echo 5024045017 >expect &&
	test_cmp expect out
'

test_expect_success 'git config reads the same file' '
	test "$(git config -f kontora.conf company.inn)" = 5024045017
'

test_expect_success 'a value with spaces, quotes and Cyrillic' '
	kontora config company.name "ООО \"Батискаф\"" &&
	echo "ООО \"Батискаф\"" >expect &&
	kontora config company.name >out &&
	test_cmp expect out &&
	git config -f kontora.conf company.name >out &&
	test_cmp expect out
'

test_expect_success 'a key of a three-level name' '
	kontora config import.tilda.phone Phone &&
	test "$(kontora config import.tilda.phone)" = Phone &&
	test "$(git config -f kontora.conf import.tilda.phone)" = Phone
'

test_expect_success 'change a value' '
	kontora config company.inn 7707083893 &&
	test "$(kontora config company.inn)" = 7707083893 &&
	git log -1 -p >patch &&
	test_grep "^-.*5024045017" patch &&
	test_grep "^+.*7707083893" patch
'

test_expect_success 'setting the same value again makes no commit' '
	before=$(test_commits) &&
	kontora config company.inn 7707083893 &&
	test $(test_commits) = $before
'

test_expect_success '--list' '
	kontora config --list >out &&
	test_grep "^company.inn=7707083893$" out &&
	test_grep "^company.name=ООО \"Батискаф\"$" out &&
	git config -f kontora.conf --list >git-list &&
	test_cmp git-list out
'

test_expect_success 'an unknown key' '
	test_expect_code 1 kontora config company.nosuchkey >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err
'

test_expect_success 'a key without a section is an error' '
	before=$(test_commits) &&
	test_expect_code 1 kontora config nosection value 2>err &&
	echo "kontora: error: nosection: a key is section.name" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success '--dry-run changes nothing' '
	head=$(git rev-parse HEAD) &&
	kontora config company.kpp 502401001 --dry-run &&
	kontora config --unset company.inn --dry-run &&
	test "$(git rev-parse HEAD)" = $head &&
	test_clean &&
	test_expect_code 1 kontora config company.kpp &&
	test "$(kontora config company.inn)" = 7707083893
'

test_expect_success '--unset' '
	before=$(test_commits) &&
	kontora config --unset company.inn &&
	test $(test_commits) = $((before + 1)) &&
	test_clean &&
	test_expect_code 1 kontora config company.inn &&
	test_expect_code 1 git config -f kontora.conf company.inn
'

test_expect_success '--unset of a missing key fails' '
	before=$(test_commits) &&
	test_expect_code 1 kontora config --unset company.inn 2>err &&
	echo "kontora: error: kontora.conf: no key company.inn" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success 'a value set by hand with git is read' '
	git config -f kontora.conf mail.from robot@example.com &&
	git commit -q -am "mail.from by hand" &&
	test "$(kontora config mail.from)" = robot@example.com
'

test_expect_success 'a known word in another case is stored as kontora spells it' '
	kontora config assign.rule Least-Loaded &&
	test "$(git config -f kontora.conf assign.rule)" = least-loaded &&
	kontora config vat.mode ON-TOP &&
	test "$(git config -f kontora.conf vat.mode)" = on-top &&
	kontora config vat.mode included &&
	kontora config assign.rule none
'

test_expect_success 'a word kontora does not know is refused and nothing committed' '
	before=$(test_commits) &&
	test_expect_code 1 kontora config vat.mode ontop 2>err &&
	test_grep "vat.mode: \"ontop\" is not one of included|on-top" err &&
	test_expect_code 1 kontora config assign.rule least 2>err &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success 'config -h and no arguments' '
	kontora config -h >out 2>&1 &&
	test_grep "^usage: kontora" out &&
	test_expect_code 2 kontora config 2>err
'

test_done
