#!/bin/sh
test_description='workflows: edit lines, task and notify actions, the task-close rule'
# See kontora-flow(5) and kontora-task(1).  The default workflows/lead.flow
# has (line numbers matter to the messages):
#   19 on qualified task 2 "Подготовить КП" requires=amount
#   21 on lost  notify supervisor "Лид проигран"
#   23 edit manager   new qualified proposal sample negotiation   fields=*
#   24 edit director  *                                           fields=*
# Every expected output is written by hand.  The clock is Monday
# 2026-11-23 10:00 UTC unless a test sets KONTORA_NOW.
. "$(dirname "$0")/test-lib.sh"

# shard_of ID: the file a lead or task created in 2026-11 lives in
shard_of () {
	case $1 in
	L*) echo data/lead/2026-11/$(echo $1 | cut -c1-2).csv ;;
	*) echo data/task/2026-11.csv ;;
	esac
}

# field_of ID FIELD: a lead's value from its CSV row (archived too)
field_of () { kontora lead list --all -f csv | test_csv_get $1 $2; }

# tasks_on ID: the tasks on a record, as on|assignee|due|done|rule|text
tasks_on () {
	kontora task list --all -f csv --where "on=$1" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print("|".join([r["on"], r["assignee"], r["due"], r["done"], r["rule"], r["text"]]))'
}

# notices_on ID: the notices on a record, as on|author|to|at|text
notices_on () {
	kontora activity list -f csv --where "on=$1 and kind=notice" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print("|".join([r["on"], r["author"], r["to"], r["at"], r["text"]]))'
}

EDIT_MANAGER='workflows/lead.flow:23 edit manager new qualified proposal sample negotiation fields=*'
EDIT_DIRECTOR='workflows/lead.flow:24 edit director * fields=*'

test_expect_success 'setup: a director, a manager reporting to him' '
	test_books books &&
	(cd books &&
	 kontora employee add --login boris --name "Борис Главный" --role director >/dev/null &&
	 kontora employee add --login ivan --name "Иван Сидоров" --role manager \
		--supervisor boris >/dev/null &&
	 kontora lead add --to ivan --title "Гели для клининга" >../l1 &&
	 kontora lead add --to ivan --title "Мыло" >../l2 &&
	 kontora lead add --to anna --title "Порошок" >../l3) &&
	L1=$(cat l1) L2=$(cat l2) L3=$(cat l3) &&
	test -n "$L1" && test -n "$L2" && test -n "$L3"
'
cd books 2>/dev/null

test_expect_success 'a manager edits an open lead' '
	n=$(test_commits) &&
	KONTORA_USER=ivan kontora lead edit $L1 --amount 1000 &&
	test $(test_commits) = $((n + 1)) &&
	echo 1000.00 >expect &&
	field_of $L1 amount >actual &&
	test_cmp expect actual
'

test_expect_success 'a role without an edit line: refused, naming the file' '
	cp workflows/lead.flow orig.flow &&
	grep -v "^edit director" orig.flow >workflows/lead.flow &&
	git commit -q -m "no edit line for the director" workflows/lead.flow &&
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=boris kontora lead edit $L1 --amount 5 --comment x 2>err &&
	echo "kontora: error: lead $L1: director may not edit amount, comment in state new (workflows/lead.flow has no edit line for director)" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	cp orig.flow workflows/lead.flow &&
	git commit -q -m "as it was" workflows/lead.flow
'

test_expect_success 'won: a closed lead; the manager may not edit it, nothing changes' '
	KONTORA_USER=ivan kontora lead won $L1 &&
	n=$(test_commits) &&
	f=$(shard_of $L1) &&
	cp $f before &&
	test_expect_code 1 env KONTORA_USER=ivan kontora lead edit $L1 --amount 2000 2>err &&
	echo "kontora: error: lead $L1: manager may not edit amount in state won ($EDIT_MANAGER)" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	cmp before $f &&
	test_clean
'

test_expect_success 'the fields of a move are edits in the state it leaves' '
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=ivan kontora lead reopen $L1 --amount 3000 2>err &&
	echo "kontora: error: lead $L1: manager may not edit amount in state won ($EDIT_MANAGER)" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	echo won >expect &&
	field_of $L1 stage >actual &&
	test_cmp expect actual &&
	KONTORA_USER=ivan kontora lead won $L2 --amount 700 &&
	printf "won\n700.00\n" >expect &&
	{ field_of $L2 stage && field_of $L2 amount; } >actual &&
	test_cmp expect actual
'

test_expect_success 'the director edits a closed lead, admin may always' '
	KONTORA_USER=boris kontora lead edit $L1 --amount 2000 &&
	KONTORA_USER=test kontora lead edit $L1 --amount 2500 &&
	echo 2500.00 >expect &&
	field_of $L1 amount >actual &&
	test_cmp expect actual
'

test_expect_success 'an edit line never gives the state field; admin may set it' '
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=boris kontora lead edit $L2 --stage new 2>err &&
	echo "kontora: error: lead $L2: stage is the state of workflows/lead.flow and changes by a move: kontora lead move $L2 STATE" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	KONTORA_USER=test kontora lead edit $L2 --stage negotiation &&
	test $(test_commits) = $((n + 1))
'

test_expect_success 'qualify: the task for the owner, not the caller, due in 2 days, in one commit' '
	n=$(test_commits) &&
	KONTORA_NOW=2026-11-27T21:30:00Z kontora lead qualify $L3 &&
	test $(test_commits) = $((n + 1)) &&
	echo "$L3|anna|2026-11-29|false|workflows/lead.flow on qualified|Подготовить КП" >expect &&
	tasks_on $L3 >actual &&
	test_cmp expect actual &&
	T3=$(kontora task list -f csv --where on=$L3 | sed 1d | cut -d, -f1) &&
	printf "Kontora-Record: %s\n" $L3 $T3 >expect &&
	git log -1 --format=%B | grep ^Kontora-Record >actual &&
	test_cmp expect actual &&
	echo "lead $L3: stage new -> qualified" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	test_clean
'

test_expect_success 'the due date is the local day of the clock plus DAYS' '
	L4=$(kontora lead add --to ivan --title Краска) &&
	TZ=Europe/Moscow KONTORA_NOW=2026-11-27T21:30:00Z kontora lead qualify $L4 &&
	echo "$L4|ivan|2026-11-30|false|workflows/lead.flow on qualified|Подготовить КП" >expect &&
	tasks_on $L4 >actual &&
	test_cmp expect actual
'

# Europe/Berlin: summer time begins on Sunday 2026-03-29 (a day of 23
# hours) and ends on Sunday 2026-10-25 (a day of 25 hours).
test -r /usr/share/zoneinfo/Europe/Berlin && test_set_prereq TZDATA

test_expect_success TZDATA 'the due date of a flow task counts local days across summer time' '
	# Saturday 23:30 CET: two days later is Monday, though 48 hours later
	# is already Tuesday 00:30 CEST
	L10=$(kontora lead add --to ivan --title Весна) &&
	TZ=Europe/Berlin KONTORA_NOW=2026-03-28T22:30:00Z kontora lead qualify $L10 &&
	echo "$L10|ivan|2026-03-30|false|workflows/lead.flow on qualified|Подготовить КП" >expect &&
	tasks_on $L10 >actual &&
	test_cmp expect actual &&
	# Sunday 00:30 CEST, the day summer time ends: two days later is
	# Tuesday, though 48 hours later is still Monday 23:30 CET
	L11=$(kontora lead add --to ivan --title Осень) &&
	TZ=Europe/Berlin KONTORA_NOW=2026-10-24T22:30:00Z kontora lead qualify $L11 &&
	echo "$L11|ivan|2026-10-27|false|workflows/lead.flow on qualified|Подготовить КП" >expect &&
	tasks_on $L11 >actual &&
	test_cmp expect actual
'

test_expect_success 'a move --dry-run shows the task and adds none' '
	L5=$(kontora lead add --to ivan --title Лак) &&
	n=$(test_commits) &&
	kontora lead qualify $L5 --dry-run >out &&
	sed "s/^id: T.*/id: T/" out >actual &&
	cat >expect <<-EOF &&
	stage: new -> qualified
	id: T
	text: Подготовить КП
	on: $L5
	assignee: ivan
	due: 2026-11-25
	done: false
	rule: workflows/lead.flow on qualified
	created: 2026-11-23T10:00:00Z
	EOF
	test_cmp expect actual &&
	test $(test_commits) = $n &&
	tasks_on $L5 >actual &&
	! test -s actual
'

test_expect_success 'task done (or edit --done) is refused while the lead has no amount' '
	n=$(test_commits) &&
	cp $(shard_of $T3) before &&
	test_expect_code 1 kontora task done $T3 --result "КП отправлено" 2>err &&
	echo "kontora: error: task $T3: lead $L3 has no amount, which workflows/lead.flow:19 requires before the task is done; fill it: kontora lead edit $L3 --set amount=..." >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora task edit $T3 --done yes 2>err &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	cmp before $(shard_of $T3) &&
	test_clean
'

test_expect_success 'task done is accepted once the field is filled' '
	KONTORA_USER=anna kontora lead edit $L3 --set amount=480000 &&
	n=$(test_commits) &&
	kontora task done $T3 --result "КП отправлено" &&
	test $(test_commits) = $((n + 1)) &&
	echo "task $T3: done: КП отправлено" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	echo "$L3|anna|2026-11-29|true|workflows/lead.flow on qualified|Подготовить КП" >expect &&
	tasks_on $L3 >actual &&
	test_cmp expect actual
'

test_expect_success 'a task whose rule the flow no longer has closes' '
	T4=$(kontora task list -f csv --where on=$L4 | sed 1d | cut -d, -f1) &&
	kontora task edit $T4 --rule "workflows/lead.flow on sample" &&
	kontora task done $T4 &&
	kontora task add --on $L5 --rule "workflows/lead.flow on qualified" Вручную >t5 &&
	test_expect_code 1 kontora task done $(cat t5) 2>err &&
	test_grep "lead $L5 has no amount" err
'

test_expect_success 'a task rule requiring several fields names each one still empty' '
	sed "s/^\(on qualified task 2 .*\) requires=amount\$/\1 requires=amount,comment,client/" \
		orig.flow >workflows/lead.flow &&
	test_grep "requires=amount,comment,client$" workflows/lead.flow &&
	git commit -q -m "the task wants three fields" workflows/lead.flow &&
	CL=$(kontora client add --to ivan Лилия) &&
	L9=$(kontora lead add --to ivan --title Щелочь) &&
	kontora lead qualify $L9 &&
	T9=$(kontora task list -f csv --where on=$L9 | sed 1d | cut -d, -f1) &&
	test -n "$T9" &&
	n=$(test_commits) &&
	test_expect_code 1 kontora task done $T9 2>err &&
	echo "kontora: error: task $T9: lead $L9 has no amount, comment, client, which workflows/lead.flow:19 requires before the task is done; fill it: kontora lead edit $L9 --set amount=... --set comment=... --set client=..." >expect &&
	test_cmp expect err &&
	kontora lead edit $L9 --comment "Звонили" --client $CL &&
	test_expect_code 1 kontora task done $T9 2>err &&
	echo "kontora: error: task $T9: lead $L9 has no amount, which workflows/lead.flow:19 requires before the task is done; fill it: kontora lead edit $L9 --set amount=..." >expect &&
	test_cmp expect err &&
	kontora lead edit $L9 --amount 100 --client "" &&
	test_expect_code 1 kontora task done $T9 2>err &&
	echo "kontora: error: task $T9: lead $L9 has no client, which workflows/lead.flow:19 requires before the task is done; fill it: kontora lead edit $L9 --set client=..." >expect &&
	test_cmp expect err &&
	kontora lead edit $L9 --client $CL --comment "" &&
	test_expect_code 1 kontora task done $T9 2>err &&
	echo "kontora: error: task $T9: lead $L9 has no comment, which workflows/lead.flow:19 requires before the task is done; fill it: kontora lead edit $L9 --set comment=..." >expect &&
	test_cmp expect err &&
	test $(test_commits) = $((n + 3)) &&
	kontora lead edit $L9 --comment "Ждут КП" &&
	kontora task done $T9 &&
	test $(test_commits) = $((n + 5)) &&
	cp orig.flow workflows/lead.flow &&
	git commit -q -m "as it was" workflows/lead.flow
'

test_expect_success 'lost: a notice naming the owner'"'"'s supervisor, in the same commit' '
	L6=$(kontora lead add --to ivan --title Клей) &&
	n=$(test_commits) &&
	KONTORA_USER=ivan kontora lead lost $L6 --reason price &&
	test $(test_commits) = $((n + 1)) &&
	echo "$L6|ivan|boris|2026-11-23T10:00:00Z|Лид проигран" >expect &&
	notices_on $L6 >actual &&
	test_cmp expect actual &&
	A=$(kontora activity list -f csv --where "on=$L6" | sed 1d | cut -d, -f1) &&
	printf "Kontora-Record: %s\n" $L6 $A >expect &&
	git log -1 --format=%B | grep ^Kontora-Record >actual &&
	test_cmp expect actual
'

test_expect_success 'an owner without a supervisor: the notice names nobody' '
	L7=$(kontora lead add --to anna --title Пена) &&
	KONTORA_USER=anna kontora lead lost $L7 --reason price &&
	echo "$L7|anna||2026-11-23T10:00:00Z|Лид проигран" >expect &&
	notices_on $L7 >actual &&
	test_cmp expect actual
'

test_expect_success 'an edit line with a list of fields' '
	sed "s/^edit director .*/edit director new fields=comment,title/" orig.flow >workflows/lead.flow &&
	git commit -q -m "the director comments new leads" workflows/lead.flow &&
	L8=$(kontora lead add --to ivan --title Воск) &&
	KONTORA_USER=boris kontora lead edit $L8 --comment "Образец готов" &&
	test_expect_code 1 env KONTORA_USER=boris kontora lead edit $L8 --amount 1 2>err &&
	echo "kontora: error: lead $L8: director may not edit amount in state new (workflows/lead.flow:24 edit director new fields=comment,title)" >expect &&
	test_cmp expect err &&
	cp orig.flow workflows/lead.flow &&
	git commit -q -m "as it was" workflows/lead.flow
'

test_expect_success 'a flow without edit lines restricts nothing' '
	grep -v "^edit " workflows/lead.flow >new.flow &&
	cp new.flow workflows/lead.flow &&
	git commit -q -m "no edit lines" workflows/lead.flow &&
	KONTORA_USER=ivan kontora lead edit $L1 --amount 1 &&
	echo 1.00 >expect &&
	field_of $L1 amount >actual &&
	test_cmp expect actual &&
	cp orig.flow workflows/lead.flow &&
	git commit -q -m "as it was" workflows/lead.flow
'

# check_line LINE: kontora check with LINE added to workflows/lead.flow
# (not committed) fails with one problem, written to out.
check_line () {
	cp orig.flow workflows/lead.flow &&
	echo "$1" >>workflows/lead.flow &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "kontora: 1 problem" >expect.err &&
	test_cmp expect.err err
}

test_expect_success 'check: bad edit lines, with file:line' '
	check_line "edit boss new fields=*" &&
	echo "workflows/lead.flow:25: edit: role: \"boss\" is not one of admin|director|manager|lab|accountant" >expect &&
	test_cmp expect out &&
	check_line "edit manager limbo fields=*" &&
	echo "workflows/lead.flow:25: edit: \"limbo\" is not one of the states (line 4)" >expect &&
	test_cmp expect out &&
	check_line "edit manager new fields=amount,colour" &&
	echo "workflows/lead.flow:25: fields: no field \"colour\" in schemas/lead.schema" >expect &&
	test_cmp expect out &&
	check_line "edit manager new" &&
	echo "workflows/lead.flow:25: edit takes ROLE[,ROLE...] STATE... fields=FIELD,...|*" >expect &&
	test_cmp expect out
'

test_expect_success 'check: bad task and notify actions, with file:line' '
	check_line "on won task soon \"Позвонить\"" &&
	echo "workflows/lead.flow:25: on: task: \"soon\" is not a number of days (0 to 3650)" >expect &&
	test_cmp expect out &&
	check_line "on won task 1 \"Позвонить\" requires=colour" &&
	echo "workflows/lead.flow:25: requires: no field \"colour\" in schemas/lead.schema" >expect &&
	test_cmp expect out &&
	check_line "on limbo task 1 \"Позвонить\"" &&
	echo "workflows/lead.flow:25: on: \"limbo\" is not one of the states (line 4)" >expect &&
	test_cmp expect out &&
	check_line "on qualified task 1 \"Ещё\"" &&
	echo "workflows/lead.flow:25: on: qualified has a task already (line 19): one task per state" >expect &&
	test_cmp expect out &&
	check_line "on won notify director \"Выиграли\"" &&
	echo "workflows/lead.flow:25: on: notify: \"director\" is not whom to notify (supervisor)" >expect &&
	test_cmp expect out &&
	cp orig.flow workflows/lead.flow &&
	kontora check
'

test_expect_success 'check: a notify action needs the notice kind of activities' '
	grep -v "^notice," dicts/activity_kind.csv >new.csv &&
	cp new.csv dicts/activity_kind.csv &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "workflows/lead.flow:21: on: notify: \"notice\" is not in dicts/activity_kind.csv" >expect &&
	grep ^workflows/lead.flow out >actual &&
	test_cmp expect actual &&
	test $(grep -c "kind: \"notice\" is not in dicts/activity_kind.csv" out) = 2 &&
	git checkout -- dicts/activity_kind.csv &&
	kontora check
'

test_done
