#!/bin/sh
test_description='bash completion: commands, types, subcommands and transitions, fields, values, ids by prefix, logins, what a record may do'
# See completion/kontora.bash and kontora(1) (COMPLETION).  The
# completion function is called as bash calls it: COMP_WORDS split at
# spaces and at = (COMP_WORDBREAKS), COMP_CWORD the word completed; what
# it leaves in COMPREPLY is printed one a line, sorted.
. "$(dirname "$0")/test-lib.sh"

command -v bash >/dev/null && test_set_prereq BASH
command -v zsh >/dev/null && test_set_prereq ZSH
test -f /usr/share/bash-completion/bash_completion && test_set_prereq BASH_COMPLETION

# complete WORD...: the candidates for the last word of "kontora WORD...".
complete () {
	bash -c '
	. "$TEST_ROOT/completion/kontora.bash"
	COMP_WORDS=(kontora "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	_kontora
	[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort' complete "$@"
}

test_expect_success BASH 'setup: a client, leads, a calculation in the lab' '
	test_books books &&
	(cd books &&
	 kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null &&
	 kontora client add --name Ромашка --manager anna >../c1 &&
	 kontora lead add --title "Гель" --to anna >../l1 &&
	 kontora lead add --title "Мыло" --to anna >../l2 &&
	 kontora lead won $(cat ../l2) --amount 100 >/dev/null &&
	 kontora product add --name Гель >../g1 &&
	 KONTORA_USER=anna kontora lab calc new --client $(cat ../c1) --product $(cat ../g1) --wishes x >../r1 &&
	 KONTORA_USER=anna kontora lab calc new --client $(cat ../c1) --product $(cat ../g1) --wishes y >../r2 &&
	 KONTORA_USER=anna kontora lab calc send $(cat ../r2)) &&
	C1=$(cat c1) L1=$(cat l1) L2=$(cat l2) R1=$(cat r1) R2=$(cat r2)
'
cd books 2>/dev/null

test_expect_success BASH 'the first word: commands and the books types' '
	complete l >actual &&
	printf "lab\nlead\nlist\nlog\nlookup\n" >expect &&
	test_cmp expect actual &&
	complete "" >all &&
	test_grep "^sample_request\$" all && test_grep "^reindex\$" all &&
	! grep "__complete" all
'

test_expect_success BASH 'outside books: the commands only' '
	(cd "$TEST_DIR" && complete ini) >actual &&
	echo init >expect &&
	test_cmp expect actual
'

test_expect_success BASH 'after a type: its commands and the transitions of its workflow' '
	complete lead "" >actual &&
	test_grep "^won\$" actual && test_grep "^qualify\$" actual && test_grep "^show\$" actual &&
	complete lead re >actual &&
	printf "reopen\n" >expect &&
	test_cmp expect actual &&
	complete lab calc "" >actual &&
	test_grep "^new\$" actual && test_grep "^finish\$" actual && ! grep "^add\$" actual
'

test_expect_success BASH '--set: the fields, then the values of the one named (split at = as bash does)' '
	complete lead edit $L1 --set sta >actual &&
	echo "stage=" >expect &&
	test_cmp expect actual &&
	complete lead edit $L1 --set stage = ne >actual &&
	printf "negotiation\nnew\n" >expect &&
	test_cmp expect actual &&
	complete lead edit $L1 --set stage = >actual &&
	test_line_count = 7 actual
'

test_expect_success BASH 'options of a command; dictionary ids, logins, enum values' '
	complete lead add --ut >actual &&
	printf -- "--utm-campaign\n--utm-medium\n--utm-source\n" >expect &&
	test_cmp expect actual &&
	complete client add --city sp >actual &&
	echo spb >expect &&
	test_cmp expect actual &&
	complete client add --manager "" >actual &&
	test_grep "^anna\$" actual && test_grep "^elena\$" actual &&
	complete calc_request list --sort st >actual &&
	echo status >expect &&
	test_cmp expect actual
'

test_expect_success BASH 'ids by prefix from the index' '
	complete lead show "" >actual &&
	printf "%s\n" $L1 $L2 | sort >expect &&
	test_cmp expect actual &&
	p=$(printf %s $L1 | cut -c1-5) &&
	complete lead show $p >actual &&
	echo $L1 >expect &&
	test_cmp expect actual &&
	complete log C >actual &&
	echo $C1 >expect &&
	test_cmp expect actual
'

test_expect_success BASH 'a transition offers the records it may move; move the states a record may reach' '
	complete lead reopen "" >actual &&
	echo $L2 >expect &&
	test_cmp expect actual &&
	complete lab calc send "" >actual &&
	echo $R1 >expect &&
	test_cmp expect actual &&
	complete calc_request move $R2 "" >actual &&
	printf "cancelled\nin_work\nrejected\nrework\n" >expect &&
	test_cmp expect actual
'

test_expect_success BASH 'nothing to offer: no candidates, no message, status 0' '
	complete nosuchtype "" >actual 2>err &&
	test_line_count = 0 actual && test_line_count = 0 err &&
	kontora __complete lead show ZZZ >out 2>err &&
	test_line_count = 0 out && test_line_count = 0 err
'

# zcomplete WORD...: the candidates zsh's _kontora gives for the last
# word, compadd replaced by a function that prints what it is given.
zcomplete () {
	zsh -fc '
	compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -rl -- "$@"; }
	words=(kontora "$@")
	CURRENT=${#words}
	source "$TEST_ROOT/completion/_kontora"' zcomplete "$@" | sort
}

# A crash after the commit leaves the worktree for the next command to
# finish, and a stale index.lock is removed then with a warning: the
# completion finishes it silently and leaves the warning to no one.
test_expect_success 'nothing on stderr even when the books need finishing' '
	test_expect_code 137 env KONTORA_FAULT=worktree:kill \
		kontora lead add --title Крах --phone +79160000077 &&
	test -f .git/kontora/pending &&
	>.git/index.lock &&
	touch -d "-1 min" .git/index.lock &&
	kontora __complete lead show ZZZ >out 2>err &&
	test_line_count = 0 out && test_line_count = 0 err &&
	! test -e .git/kontora/pending
'

test_expect_success ZSH 'zsh: the same candidates, = not split' '
	complete lead edit $L1 --set stage = ne >expect &&
	sed "s/^/stage=/" expect >expect.zsh &&
	zcomplete lead edit $L1 --set stage=ne >actual &&
	test_cmp expect.zsh actual &&
	complete lab calc send "" >expect &&
	zcomplete lab calc send "" >actual &&
	test_cmp expect actual
'

# make install builds first, in the mode it is told: under make check
# SAN=1 it must install the binary under test, not put a plain build in
# its place for the tests that follow.
test_expect_success 'make install puts the completions where bash-completion and zsh find them' '
	cp "$TEST_ROOT/kontora" tested &&
	san= &&
	if cmp -s tested "$TEST_ROOT/build-san/kontora"; then san=SAN=1; fi &&
	make -s -C "$TEST_ROOT" install $san DESTDIR="$TEST_DIR/root" PREFIX=/usr/local >/dev/null 2>&1 &&
	cmp tested "$TEST_ROOT/kontora" &&
	cmp tested "$TEST_DIR/root/usr/local/bin/kontora" &&
	test_cmp "$TEST_ROOT/completion/kontora.bash" "$TEST_DIR/root/usr/local/share/bash-completion/completions/kontora" &&
	test_cmp "$TEST_ROOT/completion/_kontora" "$TEST_DIR/root/usr/local/share/zsh/site-functions/_kontora"
'

test_expect_success BASH_COMPLETION 'bash-completion loads it from there on demand' '
	XDG_DATA_DIRS="$TEST_DIR/root/usr/local/share" bash -c "
	. /usr/share/bash-completion/bash_completion
	__load_completion kontora && complete -p kontora" >actual &&
	echo "complete -F _kontora kontora" >expect &&
	test_cmp expect actual
'

test_done
