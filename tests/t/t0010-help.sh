#!/bin/sh
test_description='-h on every command, usage errors'
# Decisions where docs/foundation.md is silent:
# - the synopsis printed by -h may go to stdout or stderr; we only require
#   exit 0 and a line starting with "usage: kontora";
# - everything is run inside books, since record-type commands come from
#   the books' schemas/.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' 'test_books books'
cd books 2>/dev/null

for cmd in init config check reindex sql search log help list dict lookup note contract
do
	test_expect_success "kontora $cmd -h" "
		kontora $cmd -h >out 2>&1 &&
		test_grep '^usage: kontora' out
	"
done

for type in employee client contact lead activity task product
do
	test_expect_success "kontora $type -h" "
		kontora $type -h >out 2>&1 &&
		test_grep '^usage: kontora' out
	"
	for sub in add show edit list rm
	do
		test_expect_success "kontora $type $sub -h" "
			kontora $type $sub -h >out 2>&1 &&
			test_grep '^usage: kontora' out
		"
	done
done

for doc in "invoice new issue cancel show list pdf xlsx mail" \
	"proposal new send accept decline show list pdf xlsx mail"
do
	set -- $doc
	cmd=$1
	shift
	for sub in "" "$@"
	do
		test_expect_success "kontora $cmd $sub -h" "
			kontora $cmd $sub -h >out 2>&1 &&
			test_grep '^usage: kontora' out
		"
	done
done

test_expect_success '-h writes nothing to the books' '
	test $(test_commits) = 2 && test_clean
'

test_expect_success 'kontora with no arguments is a usage error' '
	test_expect_code 2 kontora >out 2>err &&
	cat out err >both &&
	test_grep "usage: kontora" both
'

test_expect_success 'an unknown command is a usage error' '
	test_expect_code 2 kontora frobnicate >out 2>err &&
	test_grep "^kontora: error: '"'"'frobnicate'"'"' is not a command or a record type of these books$" err &&
	test_line_count = 0 out
'

test_expect_success 'a mistyped command or type is named, not used as a type' '
	test_expect_code 2 kontora serch Иванов >out 2>err &&
	test_grep "^kontora: error: '"'"'serch'"'"' is not a command or a record type of these books; did you mean '"'"'search'"'"'?$" err &&
	! grep serch err | grep -v "did you mean" | grep usage &&
	test_grep "^usage: kontora \[-C DIR\] COMMAND|TYPE" err &&
	test_expect_code 2 kontora clinet list 2>err &&
	test_grep "did you mean '"'"'client'"'"'?" err &&
	test_expect_code 2 kontora list laed 2>err &&
	test_grep "did you mean '"'"'lead'"'"'?" err &&
	test_expect_code 2 kontora -C / serch x 2>err &&
	test_grep "^kontora: error: '"'"'serch'"'"' is not a command or a record type; did you mean '"'"'search'"'"'?$" err &&
	test_line_count = 0 out
'

test_expect_success 'an unknown subcommand of a type is a usage error' '
	test_expect_code 2 kontora client frobnicate >out 2>err &&
	test_grep "^kontora: error: client frobnicate: no such subcommand$" err &&
	test_grep "^usage: kontora TYPE add" err
'

test_expect_success 'a mistyped subcommand or transition is named' '
	test_expect_code 2 kontora lead lst >out 2>err &&
	test_grep "^kontora: error: lead lst: no such subcommand or transition; did you mean '"'"'list'"'"'?$" err &&
	test_grep "^  qualify " err &&
	test_expect_code 2 kontora lead wn L1 2>err &&
	test_grep "lead wn: no such subcommand or transition; did you mean '"'"'won'"'"'?$" err &&
	test_expect_code 2 kontora client sohw C1 2>err &&
	test_grep "^kontora: error: client sohw: no such subcommand; did you mean '"'"'show'"'"'?$" err &&
	test_grep "^usage: kontora TYPE add" err &&
	test_expect_code 2 kontora task doen T1 2>err &&
	test_grep "task doen: no such subcommand; did you mean '"'"'done'"'"'?$" err &&
	test_expect_code 2 kontora client doen C1 2>err &&
	test_grep "^kontora: error: client doen: no such subcommand$" err &&
	test_expect_code 2 kontora dict lst 2>err &&
	test_grep "^kontora: error: dict lst: no such subcommand; did you mean '"'"'list'"'"'?$" err &&
	test_expect_code 2 kontora filter rnu x 2>err &&
	test_grep "filter rnu: no such subcommand; did you mean '"'"'run'"'"'?$" err &&
	test_expect_code 2 kontora lab qeue 2>err &&
	test_grep "lab qeue: no such subcommand; did you mean '"'"'queue'"'"'?$" err &&
	test_expect_code 2 kontora invoice isue I1 2>err &&
	test_grep "invoice isue: no such subcommand; did you mean '"'"'issue'"'"'?$" err &&
	test_line_count = 0 out
'

test_expect_success 'an unknown option is a usage error' '
	test_expect_code 2 kontora client list --no-such-option >out 2>err &&
	test_grep "^kontora: error: --no-such-option: unknown option, or a missing or bad value$" err &&
	test_grep "^usage: kontora client list \[--where EXPR\]" err &&
	test_line_count = 2 err &&
	test_line_count = 0 out &&
	test_expect_code 2 kontora search -x >out 2>err &&
	test_grep "^kontora: error: -x: unknown option, or a missing or bad value$" err
'

test_expect_success '--version and --help, as -v and -h, before any command' '
	kontora -v >expect &&
	test_grep "^kontora [0-9][0-9.]*$" expect &&
	kontora --version >actual &&
	test_cmp expect actual &&
	kontora --help >out &&
	test_grep "^usage: kontora \[-C DIR\] COMMAND" out &&
	kontora -C . --help >out &&
	test_grep "^usage: kontora" out &&
	test_expect_code 2 kontora --no-such-option 2>err &&
	test_grep "^kontora: error: --no-such-option: unknown option" err
'

test_expect_success 'kontora --help lists every command, each with what it does' '
	kontora --help >out &&
	test_grep "^commands:$" out &&
	kontora __complete >words &&
	test_grep "^import$" words &&
	for w in $(cat words)
	do
		# Record types are offered too; a command is one --help names.
		grep "^  $w[ .]" out >line ||
			kontora $w list --limit 1 >/dev/null 2>&1 ||
			{ echo "$w: a command --help does not list" && return 1; }
	done &&
	test_grep "^  import \.\.\.  *import web leads" out &&
	test_grep "^  webhook  *take web form posts" out &&
	! grep -i "__complete" out
'

test_expect_success 'kontora --help puts every summary in one column' '
	kontora --help >out &&
	# The column where the summary of each line starts: after a command and
	# its arguments (single spaces inside), or after the blanks of a
	# line that goes on.
	sed -n "/^commands:/,\$p" out | sed 1d >lines &&
	perl -ne "print length(\$1), qq(\\n) if /^(  (?:\\S+(?: \\S+)*)?\\s+)\\S/" lines |
		sort -u >columns &&
	test_line_count = 1 columns &&
	test_line_count -gt 20 lines
'

test_expect_success 'kontora(1) names every other manual page' '
	for page in "$TEST_ROOT"/man/kontora-*.[15]
	do
		name=$(basename "$page") &&
		section=${name##*.} &&
		grep -q "^\.Xr ${name%.*} $section" "$TEST_ROOT/man/kontora.1" ||
			{ echo "kontora(1) does not name $name" && return 1; }
	done
'

test_expect_success 'kontora help works outside books' '
	(cd "$TEST_DIR" && kontora help >out 2>&1)
'

test_expect_success 'kontora help of a mistyped command names the command, as a usage error' '
	(cd "$TEST_DIR" && test_expect_code 2 kontora help serch) >out 2>err &&
	test_grep "^kontora: error: .serch. is not a command or a record type; did you mean .search.?" err &&
	test_expect_code 2 kontora help leed >out 2>err &&
	test_grep "did you mean .lead.?" err &&
	test ! -s out
'

test_expect_success 'kontora init -h works outside books' '
	(cd "$TEST_DIR" && kontora init -h >out 2>&1 && test_grep "^usage: kontora" out)
'

test_expect_success 'an unknown option in Cyrillic is named in valid UTF-8' '
	test_expect_code 2 kontora search -ёлка >out 2>err &&
	test_line_count = 0 out &&
	head -n 1 err >first &&
	iconv -f UTF-8 -t UTF-8 first >/dev/null &&
	test_grep "^kontora: error: -ё" first &&
	test_expect_code 2 kontora lead add -Позвонить 2>err &&
	head -n 1 err >first &&
	iconv -f UTF-8 -t UTF-8 first >/dev/null &&
	test_grep "^kontora: error: -П" first
'

test_done
