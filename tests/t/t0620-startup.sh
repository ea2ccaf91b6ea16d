#!/bin/sh
test_description='start-up: a read with the index current needs no libgit2, and never serves stale data'
# A read command takes HEAD from git's files, the schemas, workflows,
# kontora.conf, the names under files/ and git's user.email from
# .git/kontora/head.cache (kept per commit), and a record from the
# worktree's shard when it hashes to the blob the index names; libgit2
# is loaded only when something else is needed (docs/performance.md).
# KONTORA_FAULT=libgit2:kill kills a command when it is about to load
# libgit2 (exit 137): a command that survives it did without git.
. "$(dirname "$0")/test-lib.sh"

nogit () {
	KONTORA_FAULT=libgit2:kill kontora "$@"
}

test_expect_success 'setup' '
	test_books books &&
	L=$(kontora -C books lead add --title Заявка --phone "+79160000001" --comment first) &&
	M=$(kontora -C books lead add --title Другая --phone "+79160000002") &&
	N=$(kontora -C books lead add --title Третья --comment third) &&
	kontora -C books lead show $L >/dev/null
'
cd books 2>/dev/null

# shard_of ID: the shard that holds the lead ID.
shard_of () {
	git grep -l "^$1," HEAD -- data/lead | sed "s/^HEAD://"
}

test_expect_success 'a read with the index current loads no libgit2' '
	kontora lead show $L >expect &&
	nogit lead show $L >actual &&
	test_cmp expect actual &&
	test_grep "comment: first" actual &&
	nogit lead list --limit 1 >list && test_line_count = 2 list &&
	nogit lookup +79160000002 >found && test_grep $M found &&
	nogit config assign.rule >/dev/null &&
	nogit --version >version && test_grep "^kontora " version
'

test_expect_success 'a value committed with plain git is what the next read shows' '
	shard=$(shard_of $L) &&
	sed -i "s/,first,/,second,/" "$shard" &&
	git commit -q -a -m "by hand: second" &&
	test_expect_code 137 env KONTORA_FAULT=libgit2:kill kontora lead show $L &&
	kontora lead show $L >show &&
	test_grep "comment: second" show &&
	nogit lead show $L >show &&
	test_grep "comment: second" show
'

test_expect_success 'a worktree edited but not committed is not read: HEAD is' '
	shard=$(shard_of $L) &&
	sed -i "s/,second,/,uncommitted,/" "$shard" &&
	kontora lead show $L >show &&
	git checkout -q -- "$shard" &&
	test_grep "comment: second" show &&
	! grep uncommitted show
'

test_expect_success 'a schema changed by a git commit is what the next command uses' '
	echo "field extra text" >>schemas/lead.schema &&
	git commit -q -a -m "by hand: lead.extra" &&
	kontora lead edit $L --set extra=добавлено &&
	nogit lead show $L >show &&
	test_grep "extra: добавлено" show
'

test_expect_success 'kontora.conf changed by a git commit is what the next command reads' '
	nogit config assign.rule >before &&
	git config -f kontora.conf assign.rule none &&
	git commit -q -a -m "by hand: assign.rule" &&
	echo none >expect &&
	kontora config assign.rule >actual &&
	test_cmp expect actual &&
	nogit config assign.rule >actual &&
	test_cmp expect actual
'

test_expect_success 'after a write of kontora the next read needs no libgit2' '
	kontora lead edit $M --set comment=edited &&
	nogit lead show $M >show &&
	test_grep "comment: edited" show
'

test_expect_success 'a journal a killed writer left is finished by the next read' '
	test_expect_code 137 env KONTORA_FAULT=worktree:kill kontora lead edit $L --set comment=journal &&
	test -e .git/kontora/pending &&
	kontora lead show $L >show &&
	test_grep "comment: journal" show &&
	test ! -e .git/kontora/pending &&
	test_clean
'

test_expect_success 'a journal left is finished by the next write' '
	test_expect_code 137 env KONTORA_FAULT=worktree:kill kontora lead edit $L --set comment=again &&
	test -e .git/kontora/pending &&
	kontora lead edit $M --set comment=other &&
	test ! -e .git/kontora/pending &&
	test_clean &&
	kontora lead show $L >show &&
	test_grep "comment: again" show
'

test_expect_success 'git user.email changed in the configuration is seen' '
	nogit lead show $L >/dev/null &&
	git config user.email nobody@example.org &&
	test_expect_code 1 kontora lead show $L 2>err &&
	test_grep "git user.email nobody@example.org matches none" err &&
	git config --unset user.email &&
	kontora lead show $L >/dev/null &&
	nogit lead show $L >/dev/null
'

# The user's own configuration is found through HOME, which kontora
# hands the library (lib/ reads no environment).
test_expect_success 'git user.email changed in ~/.gitconfig is seen' '
	nogit lead show $L >/dev/null &&
	cp "$HOME/.gitconfig" gitconfig.saved &&
	git config --global user.email nobody@example.org &&
	test_expect_code 1 kontora lead show $L 2>err &&
	test_grep "git user.email nobody@example.org matches none" err &&
	cp gitconfig.saved "$HOME/.gitconfig" &&
	kontora lead show $L >/dev/null &&
	nogit lead show $L >/dev/null
'

test_expect_success 'packed refs and a detached HEAD are read without libgit2' '
	git pack-refs --all &&
	test ! -e .git/refs/heads/main &&
	nogit lead show $L >show && test_grep "comment: again" show &&
	git checkout -q --detach &&
	nogit lead show $L >show && test_grep "comment: again" show &&
	git checkout -q main &&
	sed -i "s/,again,/,packed,/" "$(shard_of $L)" &&
	git commit -q -a -m "by hand: packed" &&
	kontora lead show $L >show && test_grep "comment: packed" show
'

test_expect_success 'a ref kontora does not read itself goes to libgit2' '
	git symbolic-ref HEAD refs/heads/other &&
	git update-ref refs/heads/other main &&
	git symbolic-ref refs/heads/alias refs/heads/other &&
	git symbolic-ref HEAD refs/heads/alias &&
	test_expect_code 137 env KONTORA_FAULT=libgit2:kill kontora lead show $L &&
	kontora lead show $L >show && test_grep "comment: packed" show &&
	git symbolic-ref HEAD refs/heads/main &&
	git update-ref -d refs/heads/alias && git update-ref -d refs/heads/other
'

test_expect_success 'files attached, by kontora or by git, are listed' '
	echo договор >contract.txt &&
	kontora attach $L contract.txt &&
	mkdir -p files/$M && echo счёт >files/$M/bill.txt &&
	git add files/$M && git commit -q -m "by hand: a file of $M" &&
	kontora lead show $L >show && test_grep contract.txt show &&
	kontora lead show $M >show && test_grep bill.txt show
'

test_expect_success 'a damaged head.cache is only a cache' '
	printf "kontora head cache 1 %s\nF 99 5\nxx" $(git rev-parse HEAD) >.git/kontora/head.cache &&
	kontora lead show $L >show && test_grep "comment: packed" show &&
	echo garbage >.git/kontora/head.cache &&
	kontora lead show $L >show && test_grep "comment: packed" show &&
	nogit lead show $N >show && test_grep "comment: third" show
'

# A write commits through libgit2, whose init on Debian (mbedTLS) would
# parse every CA certificate of the system, and refreshes the index,
# whose eleven fsyncs across index.db and search.db cost more than the
# rest of the refresh (docs/foundation.md): neither serves a write.
# LeakSanitizer cannot run under ptrace: under SAN=1 the traced command
# leaves leaks to the other tests.
test_expect_success STRACE 'a write reads no CA certificates and syncs nothing' '
	traced trace -f -e trace=open,openat,fsync,fdatasync \
		kontora lead edit $L --set comment=traced &&
	kontora lead show $L >show && test_grep "comment: traced" show &&
	test_grep "kontora/index.db" trace &&
	! grep -e "/etc/ssl" -e "\.crt" -e "\.pem" -e "fsync(" -e "fdatasync(" trace
'

if command -v ldd >/dev/null 2>&1; then test_set_prereq LDD; fi

test_expect_success LDD 'kontora links neither libgit2 nor the libraries of documents, imports and mail' '
	ldd "$TEST_BIN_DIR/kontora" >libs &&
	! grep -e libgit2 -e libxml2 -e libxlsxwriter -e libhpdf -e libgmime -e libqrencode libs &&
	kontora list lead -f xlsx -o leads.xlsx &&
	test -s leads.xlsx
'

test_done
