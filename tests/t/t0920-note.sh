#!/bin/sh
test_description='kontora note ID: communication history as activity records'
# See kontora-note(1).  Expected outputs are written by hand.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --name "Торговый дом Ромашка" --manager anna >../c1 &&
	 kontora contact add --name "Иван Петров" --client $(cat ../c1) >../p1 &&
	 kontora lead add --title "Гель для посуды" >../l1) &&
	C1=$(cat c1) P1=$(cat p1) L1=$(cat l1) &&
	ADMIN=$(kontora -C books employee list -f csv --where role=admin | sed -n 2p | cut -d, -f2) &&
	ANNA=$(kontora -C books employee list -f csv --where login=anna | sed -n 2p | cut -d, -f1) &&
	test -n "$ADMIN" && test -n "$ANNA"
'
cd books 2>/dev/null

# activity ID: the activity's on|kind|text|at|author, from list -f csv
activity () {
	kontora activity list -f csv --where "id=$1" >act.csv &&
	python3 -c '
import csv, sys
rows = list(csv.reader(open("act.csv", newline="")))
assert rows[0] == ["id", "on", "kind", "text", "at", "author", "to", "rule", "created"], rows[0]
assert len(rows) == 2, rows
print("|".join(rows[1][1:6]))'
}

test_expect_success 'note --call on a client: one commit, the activity, its id on stdout' '
	before=$(test_commits) &&
	kontora note $C1 --call Обсудили образцы >out 2>err &&
	test_line_count = 1 out &&
	test_line_count = 0 err &&
	A1=$(cat out) &&
	case $A1 in A???????) ;; *) false ;; esac &&
	test $(test_commits) = $((before + 1)) &&
	echo "client $C1: call: Обсудили образцы" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	echo note >expect &&
	git log -1 --format="%(trailers:key=Kontora-Command,valueonly)" | sed /^\$/d >cmd &&
	test_cmp expect cmd &&
	echo "$A1" >expect &&
	git log -1 --format="%(trailers:key=Kontora-Record,valueonly)" | sed /^\$/d >rec &&
	test_cmp expect rec &&
	echo "$C1|call|Обсудили образцы|2026-11-23T10:00:00Z|$ADMIN" >expect &&
	activity $A1 >out &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'the author is the employee whose e-mail is git user.email' '
	kontora employee show $ADMIN >emp &&
	test_grep "^email: test@example.com$" emp
'

test_expect_success 'an id prefix in any case; the default kind is note' '
	prefix=$(echo $C1 | cut -c1-6 | tr "A-Z" "a-z") &&
	A2=$(kontora note $prefix "Клиент просил перезвонить в понедельник") &&
	echo "client $C1: note: Клиент просил перезвонить в понедельник" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	echo "$C1|note|Клиент просил перезвонить в понедельник|2026-11-23T10:00:00Z|$ADMIN" >expect &&
	activity $A2 >out &&
	test_cmp expect out
'

test_expect_success '--email on a contact, --meeting on a lead' '
	A3=$(kontora note $P1 --email "Отправили прайс") &&
	echo "contact $P1: email: Отправили прайс" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	echo "$P1|email|Отправили прайс|2026-11-23T10:00:00Z|$ADMIN" >expect &&
	activity $A3 >out &&
	test_cmp expect out &&
	A4=$(KONTORA_NOW=2026-11-24T15:30:00Z kontora note --meeting $L1 Встреча на выставке) &&
	echo "lead $L1: meeting: Встреча на выставке" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	echo "$L1|meeting|Встреча на выставке|2026-11-24T15:30:00Z|$ADMIN" >expect &&
	activity $A4 >out &&
	test_cmp expect out
'

test_expect_success 'KONTORA_USER=anna makes anna the author of the note and the commit' '
	A5=$(KONTORA_USER=anna kontora note $C1 --call Перезвонила) &&
	echo "$C1|call|Перезвонила|2026-11-23T10:00:00Z|anna" >expect &&
	activity $A5 >out &&
	test_cmp expect out &&
	echo "Анна Петрова <anna@example.com>" >expect &&
	git log -1 --format="%an <%ae>" >author &&
	test_cmp expect author
'

test_expect_success 'a caller who is not an employee is refused, committing nothing' '
	mkdir "$TEST_DIR/stranger" &&
	printf "[user]\n\tname = Чужой\n\temail = stranger@example.com\n" >"$TEST_DIR/stranger/.gitconfig" &&
	n=$(test_commits) &&
	HOME=$TEST_DIR/stranger test_expect_code 1 kontora note $C1 Заметка 2>err &&
	test_grep "^kontora: error: you are not an employee of these books (git user.email stranger@example.com" err &&
	test $(test_commits) = $n
'

test_expect_success 'the subject cuts a long text to 60 characters with …' '
	text="Обсудили образцы геля для посуды, цены на партию в тысячу штук и сроки поставки" &&
	A7=$(kontora note $C1 --call "$text") &&
	echo "client $C1: call: Обсудили образцы геля для посуды, цены на партию в тысячу шт…" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	echo "$C1|call|$text|2026-11-23T10:00:00Z|$ADMIN" >expect &&
	activity $A7 >out &&
	test_cmp expect out &&
	sixty="Ровно шестьдесят знаков текста без всякого сокращения вообще" &&
	test $(printf %s "$sixty" | python3 -c "import sys; print(len(sys.stdin.read()))") = 60 &&
	kontora note $C1 "$sixty" >/dev/null &&
	echo "client $C1: note: $sixty" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject
'

test_expect_success 'activity list --where on=ID lists the notes of a record' '
	kontora activity list -f csv --where on=$C1 --sort at >all.csv &&
	test_line_count = 6 all.csv &&
	kontora activity list --where on=$L1 >out &&
	printf "id\tat\tkind\ton\ttext\tauthor\tto\n%s\t2026-11-24T15:30:00Z\tmeeting\t%s\tВстреча на выставке\t%s\t\n" \
		$A4 $L1 $ADMIN >expect &&
	test_cmp expect out &&
	kontora activity list --where on=$P1 --where kind=email -f csv | cut -d, -f1 >out &&
	printf "id\n%s\n" $A3 >expect &&
	test_cmp expect out
'

test_expect_success 'kontora log of the client does not show its notes' '
	kontora log $C1 >out &&
	test_line_count = 3 out &&
	! grep call out
'

test_expect_success '--dry-run prints the subject and the activity, commits nothing' '
	before=$(test_commits) &&
	kontora note $C1 --dry-run --email "Черновик письма" >out 2>err &&
	test $(test_commits) = $before &&
	test_line_count = 0 err &&
	head -n 1 out >first &&
	echo "client $C1: email: Черновик письма" >expect &&
	test_cmp expect first &&
	test_grep "^on: $C1$" out &&
	test_grep "^kind: email$" out &&
	test_grep "^text: Черновик письма$" out &&
	kontora activity list -f csv --where text=Черновик\ письма >out &&
	test_line_count = 1 out &&
	test_clean
'

test_expect_success 'an unknown id fails, committing nothing' '
	before=$(test_commits) &&
	test_expect_code 1 kontora note C0000000 Звонок >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^kontora: error: no client C0000000" err &&
	test_expect_code 1 kontora note X1 Звонок >out 2>err &&
	test_grep "^kontora: error: " err &&
	test $(test_commits) = $before
'

test_expect_success 'an employee, or an activity, cannot be noted' '
	before=$(test_commits) &&
	test_expect_code 1 kontora note $ANNA Звонок >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: employee $ANNA: only a lead, a client or a contact can be noted" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora note $A1 Заметка >out 2>err &&
	test_grep "activity $A1: only a lead, a client or a contact" err &&
	test $(test_commits) = $before
'

test_expect_success 'empty text is a usage error' '
	before=$(test_commits) &&
	test_expect_code 2 kontora note $C1 >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^usage: kontora note" err &&
	test_expect_code 2 kontora note $C1 "" >out 2>err &&
	test_expect_code 2 kontora note $C1 "  " "" >out 2>err &&
	test_expect_code 2 kontora note --call $C1 >out 2>err &&
	test_expect_code 2 kontora note >out 2>err &&
	test $(test_commits) = $before
'

test_expect_success 'other usage errors' '
	test_expect_code 2 kontora note $C1 --call --email Звонок >out 2>err &&
	test_expect_code 2 kontora note $C1 --fax Звонок >out 2>err &&
	kontora note -h >out &&
	test_grep "kontora note" out
'

test_expect_success 'a text that begins with a dash comes after --' '
	A8=$(kontora note $L1 --call -- -5% на вторую партию) &&
	echo "lead $L1: call: -5% на вторую партию" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject
'

command -v man >/dev/null && test_set_prereq MAN
test_expect_success MAN 'kontora help note shows kontora-note(1)' '
	MANPAGER=cat MANWIDTH=80 kontora help note >out 2>&1 &&
	head -n 1 out >first &&
	test_grep "^KONTORA-NOTE(1)" first
'

test_done
