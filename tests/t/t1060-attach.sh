#!/bin/sh
test_description='kontora attach: files under files/ID/ in the books, --list, the card, check'
# See kontora-attach(1).  Expected outputs are written by hand.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --to anna Ромашка >../c &&
	 kontora lead add --client $(cat ../c) Мыло >../l) &&
	C=$(cat c) L=$(cat l) &&
	printf "line 1\r\nnul \000 byte \377\376 end" >price.bin &&
	printf "a\n" >a.txt && printf "bb\n" >b.txt
'
cd books 2>/dev/null

# one_change CMD...: CMD succeeds and makes exactly one commit, tree clean.
one_change () {
	oc_before=$(test_commits) oc_after=failed &&
	"$@" &&
	oc_after=$(test_commits) &&
	test $oc_after = $((oc_before + 1)) &&
	test_clean || { echo >&2 "one_change: $oc_before -> $oc_after commits: $*"; return 1; }
}

# no_change CMD...: CMD fails with exit 1, and neither HEAD nor the worktree changed.
no_change () {
	nc_head=$(git rev-parse HEAD) &&
	test_expect_code 1 "$@" &&
	test "$(git rev-parse HEAD)" = "$nc_head" &&
	test_clean
}

test_expect_success 'attach stores the exact bytes in one commit' '
	one_change kontora attach $C ../price.bin >out &&
	echo "files/$C/price.bin" >expect &&
	test_cmp expect out &&
	git show HEAD:files/$C/price.bin >got &&
	cmp ../price.bin got &&
	cmp ../price.bin files/$C/price.bin &&
	git show --name-only --format= HEAD >names &&
	echo "files/$C/price.bin" >expect &&
	test_cmp expect names
'

test_expect_success 'the commit names the record and the file' '
	echo "client $C: attach price.bin" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" | sed /^\$/d >cmd &&
	echo attach >expect &&
	test_cmp expect cmd &&
	git log -1 --format="%(trailers:key=Kontora-Record,valueonly)" | sed /^\$/d >rec &&
	echo $C >expect &&
	test_cmp expect rec
'

test_expect_success 'several files, by an id prefix in lower case: one commit' '
	prefix=$(echo $C | cut -c1-5 | tr A-Z a-z) &&
	one_change kontora attach $prefix ../a.txt ../b.txt >out &&
	printf "%s\n" files/$C/a.txt files/$C/b.txt >expect &&
	test_cmp expect out &&
	echo "client $C: attach a.txt, b.txt" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject
'

test_expect_success '--name stores under another name, Cyrillic too' '
	one_change kontora attach $C ../a.txt --name "Прайс 2026.txt" &&
	git show "HEAD:files/$C/Прайс 2026.txt" >got &&
	cmp ../a.txt got
'

test_expect_success 'any record can have files: a lead' '
	one_change kontora attach $L ../b.txt &&
	echo "lead $L: attach b.txt" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	kontora lead show $L | sed -n "/^\$/,\$p" >actual &&
	cat >expect <<-EOF &&

	Файлы
	  b.txt  3 Б  files/$L/b.txt
	EOF
	test_cmp expect actual
'

test_expect_success '--dry-run says what it would store and writes nothing' '
	before=$(git rev-parse HEAD) &&
	kontora attach $C ../price.bin --name new.bin --dry-run >out &&
	printf "%s\n" "client $C: attach new.bin" "file files/$C/new.bin (25 bytes)" >expect &&
	test_cmp expect out &&
	test "$(git rev-parse HEAD)" = $before &&
	! test -e files/$C/new.bin &&
	! git cat-file -e HEAD:files/$C/new.bin 2>/dev/null &&
	test_clean
'

test_expect_success 'a manager attaches only to records they may change' '
	kontora employee add --login ivan --name "Иван Петров" --role manager >/dev/null &&
	no_change env KONTORA_USER=ivan kontora attach $C ../a.txt --name ivan.txt 2>err &&
	test_grep "managers see only their own records" err &&
	test_expect_code 1 env KONTORA_USER=ivan kontora attach --list $C >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^kontora: error: client $C: managers see only their own records" err &&
	one_change env KONTORA_USER=anna kontora attach $C ../a.txt --name anna.txt &&
	git log -1 --format=%an >author &&
	echo "Анна Петрова" >expect &&
	test_cmp expect author &&
	git rm -q files/$C/anna.txt && git commit -q -m "anna.txt was a test"
'

test_expect_success 'an unknown record fails and writes nothing' '
	no_change kontora attach CZZZZZZZ ../a.txt 2>err &&
	echo "kontora: error: no client CZZZZZZZ" >expect &&
	test_cmp expect err &&
	! test -e files/CZZZZZZZ
'

test_expect_success 'a name already there is refused; --force replaces it' '
	no_change kontora attach $C ../b.txt --name a.txt 2>err &&
	echo "kontora: error: client $C: files/$C/a.txt: already there (--force replaces it)" >expect &&
	test_cmp expect err &&
	git show HEAD:files/$C/a.txt >got &&
	cmp ../a.txt got &&
	one_change kontora attach $C ../b.txt --name a.txt --force &&
	git show HEAD:files/$C/a.txt >got &&
	cmp ../b.txt got
'

test_expect_success 'the same name twice in one call is refused, nothing written' '
	no_change kontora attach $C ../a.txt ../a.txt --force 2>err &&
	test_grep "written twice" err
'

test_expect_success 'files over attach.max-size are refused' '
	one_change kontora config attach.max-size 1K &&
	head -c 1025 /dev/zero >big &&
	no_change kontora attach $C big 2>err &&
	test_grep "larger than attach.max-size (1024 bytes)" err &&
	head -c 1024 /dev/zero >ok.bin &&
	one_change kontora attach $C ok.bin &&
	rm big ok.bin
'

test_expect_success 'the default limit is 20 MB' '
	one_change kontora config --unset attach.max-size &&
	truncate -s 20971521 big &&
	no_change kontora attach $C big 2>err &&
	test_grep "larger than attach.max-size (20971520 bytes)" err &&
	rm big
'

test_expect_success 'attach.max-size must be a size' '
	no_change kontora config attach.max-size lots 2>err &&
	test_grep "attach.max-size" err &&
	no_change kontora config attach.max-size 0 &&
	one_change kontora config attach.max-size 20m
'

test_expect_success 'bad names, missing files and directories are refused' '
	no_change kontora attach $C ../a.txt --name .hidden 2>err &&
	test_grep "not a name for a file" err &&
	no_change kontora attach $C ../a.txt --name a/b &&
	no_change kontora attach $C ../nothing.txt 2>err &&
	test_grep "nothing.txt" err &&
	mkdir -p ../dir &&
	no_change kontora attach $C ../dir 2>err &&
	test_grep "not a regular file" err
'

test_expect_success 'usage errors: no file, --name with two files' '
	test_expect_code 2 kontora attach $C &&
	test_expect_code 2 kontora attach $C ../a.txt ../b.txt --name x &&
	test_expect_code 2 kontora attach --list &&
	test_expect_code 0 kontora attach -h >out &&
	test_grep "^usage: kontora attach" out
'

test_expect_success 'an uncommitted file of that name is not overwritten' '
	echo hand >files/$C/hand.txt &&
	nc_head=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora attach $C ../a.txt --name hand.txt 2>err &&
	test_grep "uncommitted changes" err &&
	echo hand >expect &&
	test_cmp expect files/$C/hand.txt &&
	test "$(git rev-parse HEAD)" = $nc_head &&
	rm files/$C/hand.txt
'

test_expect_success 'attach --list lists the files of a record' '
	kontora attach --list $C >out &&
	printf "name\tsize\tpath\n" >expect &&
	printf "%s\t%s\t%s\n" \
		a.txt 3 files/$C/a.txt \
		b.txt 3 files/$C/b.txt \
		ok.bin 1024 files/$C/ok.bin \
		price.bin 25 files/$C/price.bin \
		"Прайс 2026.txt" 2 "files/$C/Прайс 2026.txt" >>expect &&
	test_cmp expect out &&
	kontora attach --list $L -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert r == [{\"name\": \"b.txt\", \"size\": 3, \"path\": \"files/$L/b.txt\"}], r
" &&
	test_expect_code 1 kontora attach --list CZZZZZZZ >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: no client CZZZZZZZ" >expect &&
	test_cmp expect err
'

test_expect_success 'a record without files lists none' '
	kontora client add Пусто >c2 &&
	kontora attach --list $(cat c2) >out &&
	printf "name\tsize\tpath\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the card lists the files' '
	kontora client show $C >out &&
	sed -n "/^Файлы\$/,/^\$/p" out >actual &&
	cat >expect <<-EOF &&
	Файлы
	  a.txt           3 Б     files/$C/a.txt
	  b.txt           3 Б     files/$C/b.txt
	  ok.bin          1,0 КБ  files/$C/ok.bin
	  price.bin       25 Б    files/$C/price.bin
	  Прайс 2026.txt  2 Б     files/$C/Прайс 2026.txt
	EOF
	test_cmp expect actual &&
	kontora client show $C -f json >out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out\"))
assert [f[\"name\"] for f in r[\"files\"]] == [\"a.txt\", \"b.txt\", \"ok.bin\", \"price.bin\", \"Прайс 2026.txt\"], r[\"files\"]
assert r[\"files\"][3] == {\"name\": \"price.bin\", \"size\": 25, \"path\": \"files/$C/price.bin\"}, r[\"files\"]
"
'

test_expect_success 'check passes with attached files' '
	kontora check
'

test_expect_success 'check reports a file whose record does not exist' '
	mkdir -p files/CZZZZZZZ files/junk &&
	echo x >files/CZZZZZZZ/lost.txt &&
	echo y >files/junk/y.txt &&
	test_expect_code 1 kontora check >out 2>err &&
	cat >expect <<-EOF &&
	files/CZZZZZZZ/lost.txt: no client CZZZZZZZ
	files/junk: not a record'"'"'s directory (files/ID/NAME)
	EOF
	test_cmp expect out &&
	echo "kontora: 2 problems" >expect &&
	test_cmp expect err &&
	rm -r files/CZZZZZZZ files/junk
'

test_expect_success 'check reports the files of a removed record' '
	kontora lead rm $L &&
	test_expect_code 1 kontora check >out &&
	echo "files/$L/b.txt: no lead $L" >expect &&
	test_cmp expect out
'

test_done
