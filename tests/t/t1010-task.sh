#!/bin/sh
test_description='kontora task: add with words, --to, --on; done; list --mine --overdue --today --all'
# See kontora-task(1), kontora-record(1), kontora-schema(5).  Expected
# outputs are written by hand.  The clock is Monday 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora employee add --login ivan --name "Иван Сидоров" --role manager >/dev/null &&
	 kontora client add --to anna Ромашка >../c1) &&
	C1=$(cat c1) &&
	case $C1 in C???????) ;; *) false ;; esac
'
cd books 2>/dev/null

test_expect_success 'client add: words are the name, --to the manager (the owner)' '
	kontora client show $C1 --record >out &&
	test_grep "^name: Ромашка$" out &&
	test_grep "^manager: anna$" out
'

test_expect_success 'task add with --on prefix, --due, --to and the text as words' '
	before=$(test_commits) &&
	prefix=$(echo $C1 | cut -c1-5 | tr A-Z a-z) &&
	kontora task add --on $prefix --due 2026-11-23 --to anna Позвонить клиенту >out &&
	T1=$(cat out) &&
	case $T1 in T???????) ;; *) false ;; esac &&
	test $(test_commits) = $((before + 1)) &&
	kontora task list -f csv --where id=$T1 >csv &&
	echo "$T1,Позвонить клиенту,$C1,anna,2026-11-23,false,,,2026-11-23T10:00:00Z" >expect &&
	sed 1d csv >got &&
	test_cmp expect got &&
	test_clean
'

test_expect_success 'more tasks' '
	T2=$(kontora task add --due 2026-11-20 --to anna Отправить КП) &&
	T3=$(kontora task add --due 2026-11-25 --to ivan "Встреча с Ромашкой") &&
	T4=$(kontora task add --due 2026-11-27 --to anna "Выставить счёт, срочно; до обеда") &&
	T5=$(kontora task add --due 2026-11-30 --to anna Квартальный отчёт) &&
	T6=$(kontora task add --due 2026-11-19 --to anna Старое) &&
	T7=$(kontora task add --due 2026-11-29 --assignee anna Подготовить образцы) &&
	test -n "$T7"
'

test_expect_success '--text given and words too is a usage error' '
	test_expect_code 2 kontora task add --text Одно другое 2>err &&
	test_grep "другое: unexpected word after the options" err
'

test_expect_success 'words for a type whose title is not given and is text: lead' '
	L1=$(kontora lead add --to ivan Гель для посуды) &&
	kontora lead show $L1 >out &&
	test_grep "^title: Гель для посуды$" out &&
	test_grep "^manager: ivan$" out
'

test_expect_success '--on with an unknown id fails, nothing committed' '
	before=$(test_commits) &&
	test_expect_code 1 kontora task add --on Z9Z9 Что-то 2>err &&
	echo "kontora: error: on: no record Z9Z9" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before &&
	test_clean
'

test_expect_success '--to an unknown login fails' '
	test_expect_code 1 kontora task add --to nobody Что-то 2>err &&
	test_grep "assignee: no employee \"nobody\"" err
'

test_expect_success 'task done with a result: one commit, its subject' '
	before=$(test_commits) &&
	kontora task done $T6 --result "Уже не нужно" >out &&
	test_line_count = 0 out &&
	test $(test_commits) = $((before + 1)) &&
	echo "task $T6: done: Уже не нужно" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	printf "done: false -> true\nresult: -> Уже не нужно\n" >expect &&
	git log -1 --format=%b | sed -n 1,2p >body &&
	test_cmp expect body &&
	echo "task done" >expect &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" | sed /^\$/d >cmd &&
	test_cmp expect cmd &&
	kontora task show $T6 >out &&
	test_grep "^done: да$" out &&
	test_grep "^result: Уже не нужно$" out &&
	test_clean
'

test_expect_success 'done twice fails, nothing committed' '
	before=$(test_commits) &&
	test_expect_code 1 kontora task done $T6 2>err &&
	echo "kontora: error: task $T6: already done" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $before
'

test_expect_success 'done --dry-run: the subject and the change, no commit; a long result is cut' '
	before=$(test_commits) &&
	kontora task done $T5 --dry-run --result "Отчёт сдан в бухгалтерию вместе со всеми приложениями и подписями директора" >out &&
	printf "%s\n" "task $T5: done: Отчёт сдан в бухгалтерию вместе со всеми приложениями и подп…" \
		"done: false -> true" \
		"result: -> Отчёт сдан в бухгалтерию вместе со всеми приложениями и подписями директора" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before
'

test_expect_success 'done without --result: the subject is "task ID: done"' '
	kontora task done $T2 --dry-run | head -1 >out &&
	echo "task $T2: done" >expect &&
	test_cmp expect out
'

# tasks ID...: the rows of the piped task list for those tasks, in order
rows () {
	printf "id\tdue\tassignee\ttext\ton\tdone\n"
	for t; do
		case $t in
		$T1) printf "%s\t2026-11-23\tanna\tПозвонить клиенту\t%s\tfalse\n" $T1 $C1 ;;
		$T2) printf "%s\t2026-11-20\tanna\tОтправить КП\t\tfalse\n" $T2 ;;
		$T3) printf "%s\t2026-11-25\tivan\tВстреча с Ромашкой\t\tfalse\n" $T3 ;;
		$T4) printf "%s\t2026-11-27\tanna\tВыставить счёт, срочно; до обеда\t\tfalse\n" $T4 ;;
		$T5) printf "%s\t2026-11-30\tanna\tКвартальный отчёт\t\tfalse\n" $T5 ;;
		$T6) printf "%s\t2026-11-19\tanna\tСтарое\t\ttrue\n" $T6 ;;
		$T7) printf "%s\t2026-11-29\tanna\tПодготовить образцы\t\tfalse\n" $T7 ;;
		esac
	done
}

test_expect_success 'task list: open tasks only, by due date' '
	kontora task list >out &&
	rows $T2 $T1 $T3 $T4 $T7 $T5 >expect &&
	test_cmp expect out
'

test_expect_success 'task list --all: the done ones too' '
	kontora task list --all >out &&
	rows $T6 $T2 $T1 $T3 $T4 $T7 $T5 >expect &&
	test_cmp expect out
'

test_expect_success 'task list --overdue: open and due before today' '
	kontora task list --overdue >out &&
	rows $T2 >expect &&
	test_cmp expect out &&
	kontora task list --overdue --all >out &&
	test_cmp expect out
'

test_expect_success 'task list --today: open and due today' '
	kontora task list --today >out &&
	rows $T1 >expect &&
	test_cmp expect out &&
	kontora task list --today --overdue >out &&
	rows $T2 $T1 >expect &&
	test_cmp expect out
'

test_expect_success 'today is the local date of the clock' '
	KONTORA_NOW=2026-11-23T22:00:00Z kontora task list --today >out &&
	rows $T1 >expect &&
	test_cmp expect out &&
	KONTORA_NOW=2026-11-24T22:00:00Z TZ=Europe/Moscow kontora task list --today >out &&
	rows $T3 >expect &&
	test_cmp expect out
'

test_expect_success 'task list --mine as anna and as ivan' '
	KONTORA_USER=anna kontora task list --mine >out &&
	rows $T2 $T1 $T4 $T7 $T5 >expect &&
	test_cmp expect out &&
	KONTORA_USER=ivan kontora task list --mine >out &&
	rows $T3 >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna kontora task list --mine --overdue >out &&
	rows $T2 >expect &&
	test_cmp expect out
'

test_expect_success '--mine on clients and leads: the manager' '
	KONTORA_USER=anna kontora client list --mine -f csv | cut -d, -f1 >out &&
	printf "id\n%s\n" $C1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=ivan kontora client list --mine -f csv | cut -d, -f1 >out &&
	echo id >expect &&
	test_cmp expect out &&
	KONTORA_USER=ivan kontora list lead --mine -f csv | cut -d, -f1 >out &&
	printf "id\n%s\n" $L1 >expect &&
	test_cmp expect out
'

test_expect_success '--mine when the caller is not an employee fails' '
	mkdir -p ../other &&
	printf "[user]\n\tname = Чужой\n\temail = nobody@example.com\n" >../other/.gitconfig &&
	HOME=$TEST_DIR/other test_expect_code 1 kontora task list --mine 2>err &&
	echo "kontora: error: you are not an employee of these books (git user.email nobody@example.com matches none; set KONTORA_USER=LOGIN, or ask an admin to run: kontora employee add --login ... --email nobody@example.com)" >expect &&
	test_cmp expect err
'

test_expect_success '--mine on a type without an owner field fails' '
	test_expect_code 1 kontora employee list --mine 2>err &&
	echo "kontora: error: --mine: employee has no owner field" >expect &&
	test_cmp expect err
'

test_expect_success '--overdue and --today are for tasks only' '
	test_expect_code 2 kontora client list --overdue 2>err &&
	test_grep "^kontora: error: --overdue: only task lists take it$" err &&
	test_expect_code 2 kontora list contact --today 2>err &&
	test_grep "^kontora: error: --today: only task lists take it$" err
'

test_expect_success 'piped and other formats have no escape codes' '
	kontora task list --all >out &&
	! grep "$(printf "\033")" out &&
	kontora task list --all -f json >out &&
	! grep "$(printf "\033")" out &&
	kontora task list --all -f csv >out &&
	! grep "$(printf "\033")" out
'

test_expect_success SCRIPT 'on a terminal the due date of an overdue open task is red' '
	script -qc "kontora task list --all" /dev/null </dev/null >tty.out &&
	tr -d "\r" <tty.out >out &&
	esc=$(printf "\033") &&
	grep "^$T2  ${esc}\[31m2026-11-20${esc}\[0m  Анна Петрова (anna) " out &&
	grep "^$T6  2026-11-19  Анна Петрова (anna) " out &&
	grep "^$T1  2026-11-23  Анна Петрова (anna) " out &&
	test $(grep -c "$esc" out) = 1
'

test_expect_success 'the owner directive: a ref:employee field, given once' '
	cp -r . ../owner &&
	(cd ../owner &&
	 sed "s/^owner   assignee/owner   text/" schemas/task.schema >t && mv t schemas/task.schema &&
	 git commit -qam "owner text" &&
	 test_expect_code 1 kontora task list 2>../err1 &&
	 sed "s/^owner   text/owner   nope/" schemas/task.schema >t && mv t schemas/task.schema &&
	 git commit -qam "owner nope" &&
	 test_expect_code 1 kontora task list 2>../err2 &&
	 sed "s/^owner   nope/owner   assignee\nowner   assignee/" schemas/task.schema >t &&
	 mv t schemas/task.schema &&
	 git commit -qam "owner twice" &&
	 test_expect_code 1 kontora task list 2>../err3) &&
	echo "kontora: error: schemas/task.schema:7: owner: text is not a ref:employee field" >expect &&
	test_cmp expect ../err1 &&
	echo "kontora: error: schemas/task.schema:7: owner: no field \"nope\"" >expect &&
	test_cmp expect ../err2 &&
	echo "kontora: error: schemas/task.schema:8: owner given twice" >expect &&
	test_cmp expect ../err3
'

test_expect_success 'kontora help task opens kontora-task(1)' '
	MANPAGER=cat kontora help task >out 2>&1 &&
	grep -i "kontora-task" out
'

test_done
