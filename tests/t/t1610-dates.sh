#!/bin/sh
test_description='dates as people type them: 15.12.2026, 15.12, сегодня, завтра, +3d, +2w, times with a zone; KONTORA_NOW with an offset'
# See kontora-record(1) (DATES).  The clock is Monday 2026-11-23 10:00
# UTC (13:00 in Moscow).  What is stored is YYYY-MM-DD and
# YYYY-MM-DDTHH:MM:SSZ whatever was typed.
. "$(dirname "$0")/test-lib.sh"

# due_of ID: the stored due date of task ID
due_of () { kontora task list --all -f csv | test_csv_get $1 due; }

test_expect_success 'setup' '
	test_books books &&
	(cd books && kontora client add --name Ромашка --manager anna >../c1) &&
	C1=$(cat c1)
'
cd books 2>/dev/null

test_expect_success 'a due date in every form people type, stored as YYYY-MM-DD' '
	for d in 2026-12-15 15.12.2026 15.12 5.1.2027 сегодня today завтра tomorrow +3d +2w -1d; do
		id=$(kontora task add --on $C1 --due "$d" "задача $d") &&
		echo "$d $(due_of $id)" || return 1
	done >actual &&
	cat >expect <<-EOF &&
	2026-12-15 2026-12-15
	15.12.2026 2026-12-15
	15.12 2026-12-15
	5.1.2027 2027-01-05
	сегодня 2026-11-23
	today 2026-11-23
	завтра 2026-11-24
	tomorrow 2026-11-24
	+3d 2026-11-26
	+2w 2026-12-07
	-1d 2026-11-22
	EOF
	test_cmp expect actual
'

test_expect_success 'edit --set and --where read the same forms' '
	id=$(kontora task add --on $C1 --due today "перенести") &&
	kontora task edit $id --set due=+1w &&
	test "$(due_of $id)" = 2026-11-30 &&
	kontora task list --where "due<=+3d" -f csv | python3 -c "
import csv, sys
print(\"\n\".join(sorted({r[\"due\"] for r in csv.DictReader(sys.stdin)})))" >actual &&
	printf "2026-11-22\n2026-11-23\n2026-11-24\n2026-11-26\n" >expect &&
	test_cmp expect actual
'

test_expect_success '"today" is the local date: 23:30 in Moscow is tomorrow in UTC terms' '
	id=$(KONTORA_NOW=2026-11-23T21:30:00Z TZ=Europe/Moscow kontora task add --on $C1 --due сегодня поздно) &&
	test "$(due_of $id)" = 2026-11-24
'

test_expect_success 'a datetime with an offset or local, stored in UTC' '
	a1=$(kontora activity add --on $C1 --kind call --text "a" --at 2026-11-10T10:00:00+03:00) &&
	a2=$(TZ=Europe/Moscow kontora activity add --on $C1 --kind call --text "b" --at "15.12.2026 14:30") &&
	a3=$(kontora activity add --on $C1 --kind call --text "c" --at 2026-11-10T10:00Z) &&
	kontora activity list --all -f csv >list &&
	printf "%s\n" "$(test_csv_get $a1 at <list)" "$(test_csv_get $a2 at <list)" "$(test_csv_get $a3 at <list)" >actual &&
	printf "2026-11-10T07:00:00Z\n2026-12-15T11:30:00Z\n2026-11-10T10:00:00Z\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'KONTORA_NOW in ISO 8601 with an offset' '
	id=$(KONTORA_NOW=2026-11-10T10:00:00+03:00 kontora task add --on $C1 --due today now) &&
	kontora task list --all -f csv | test_csv_get $id created >actual &&
	echo 2026-11-10T07:00:00Z >expect &&
	test_cmp expect actual &&
	test_expect_code 1 env KONTORA_NOW=2026-11-10T10:00:00+3 kontora task list 2>err &&
	echo "kontora: error: KONTORA_NOW=2026-11-10T10:00:00+3: not a time such as 2026-11-10T10:00:00+03:00, or seconds" >expect &&
	test_cmp expect err
'

test_expect_success 'a date that is not one: the forms named, exit 1, nothing committed' '
	n=$(test_commits) &&
	test_expect_code 1 kontora task add --on $C1 --due 31.02 x 2>err &&
	echo "kontora: error: task due: \"31.02\" is not a valid date (2026-12-15, 15.12.2026, 15.12, сегодня, завтра, +3d, +2w)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora task add --on $C1 --due "+3x" x 2>err &&
	test_grep "\"+3x\" is not a valid date" err &&
	test_expect_code 1 kontora activity add --on $C1 --kind call --text x --at "2026-11-10T25:00Z" 2>err &&
	test_grep "is not a valid datetime (.*2026-12-15T14:30:00+03:00)" err &&
	test $(test_commits) = $n &&
	test_clean
'

test_expect_success 'an empty date still clears the field' '
	id=$(kontora task add --on $C1 --due today "без срока") &&
	kontora task edit $id --set due= &&
	test -z "$(due_of $id)"
'

test_done
