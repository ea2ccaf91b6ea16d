#!/bin/sh
test_description='kontora agenda: open tasks by day, --week, --to, --ics'
# See kontora-agenda(1).  Expected outputs are written by hand.  The clock
# is Monday 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora employee add --login ivan --name "Иван Сидоров" --role manager >/dev/null &&
	 kontora client add --to anna Ромашка >../c1 &&
	 C1=$(cat ../c1) &&
	 kontora task add --on $C1 --due 2026-11-23 --to anna Позвонить клиенту >../t1 &&
	 kontora task add --due 2026-11-20 --to anna Отправить КП >../t2 &&
	 kontora task add --due 2026-11-25 --to ivan "Встреча с Ромашкой" >../t3 &&
	 kontora task add --due 2026-11-27 --to anna "Выставить счёт, срочно; до обеда" >../t4 &&
	 kontora task add --due 2026-11-30 --to anna Квартальный отчёт >../t5 &&
	 kontora task add --due 2026-11-19 --to anna Старое >../t6 &&
	 kontora task done $(cat ../t6) &&
	 kontora task add --due 2026-11-29 --to anna Подготовить образцы >../t7 &&
	 kontora task add --to anna Без срока >../t8) &&
	C1=$(cat c1) T1=$(cat t1) T2=$(cat t2) T3=$(cat t3) T4=$(cat t4) T5=$(cat t5) T7=$(cat t7) &&
	test -n "$T7"
'
cd books 2>/dev/null

test_expect_success 'agenda: overdue, then today, with the record a task is on' '
	KONTORA_USER=anna kontora agenda >out &&
	cat >expect <<-EOF &&
	Просрочено
	  $T2  Отправить КП

	2026-11-23, понедельник
	  $T1  Позвонить клиенту — Клиент Ромашка ($C1)
	EOF
	test_cmp expect out
'

test_expect_success 'agenda --week: the six days after today too, by day' '
	KONTORA_USER=anna kontora agenda --week >out &&
	cat >expect <<-EOF &&
	Просрочено
	  $T2  Отправить КП

	2026-11-23, понедельник
	  $T1  Позвонить клиенту — Клиент Ромашка ($C1)

	2026-11-27, пятница
	  $T4  Выставить счёт, срочно; до обеда

	2026-11-29, воскресенье
	  $T7  Подготовить образцы
	EOF
	test_cmp expect out
'

test_expect_success 'agenda --to LOGIN: another person'"'"'s tasks' '
	kontora agenda --to ivan >out &&
	test_line_count = 0 out &&
	kontora agenda --week --to ivan >out &&
	cat >expect <<-EOF &&
	2026-11-25, среда
	  $T3  Встреча с Ромашкой
	EOF
	test_cmp expect out
'

test_expect_success 'agenda as the employee of git user.email (the admin): nothing' '
	kontora agenda --week >out &&
	test_line_count = 0 out
'

test_expect_success 'agenda for a caller who is not an employee fails; --to an unknown login fails' '
	mkdir -p ../other &&
	printf "[user]\n\tname = Чужой\n\temail = nobody@example.com\n" >../other/.gitconfig &&
	HOME=$TEST_DIR/other test_expect_code 1 kontora agenda 2>err &&
	test_grep "^kontora: error: you are not an employee of these books" err &&
	test_expect_code 1 kontora agenda --to nobody 2>err &&
	test_grep "no employee \"nobody\"" err
'

test_expect_success 'agenda takes no operands' '
	test_expect_code 2 kontora agenda anna 2>err
'

test_expect_success 'agenda --week --ics FILE: an iCalendar file, CRLF, escaped' '
	KONTORA_USER=anna kontora agenda --week --ics cal.ics >out &&
	test_line_count = 0 out &&
	ev () { printf "BEGIN:VEVENT\r\nUID:%s@kontora\r\nDTSTAMP:20261123T100000Z\r\nDTSTART;VALUE=DATE:%s\r\nSUMMARY:%s\r\nEND:VEVENT\r\n" "$@"; } &&
	{
		printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kontora//kontora//RU\r\n" &&
		ev $T2 20261120 "Отправить КП" &&
		ev $T1 20261123 "Позвонить клиенту" &&
		ev $T4 20261127 "Выставить счёт\\, срочно\\; до обеда" &&
		ev $T7 20261129 "Подготовить образцы" &&
		printf "END:VCALENDAR\r\n"
	} >expect &&
	cmp expect cal.ics
'

test_expect_success 'a long summary is folded at 75 octets' '
	T9=$(kontora task add --due 2026-11-23 --to ivan "Подготовить коммерческое предложение с учётом скидки") &&
	kontora agenda --to ivan --ics - >out &&
	printf "SUMMARY:Подготовить коммерческое предложен\r\n ие с учётом скидки\r\n" >expect &&
	grep -A1 "^SUMMARY:" out >got &&
	test_cmp expect got &&
	test -n "$T9"
'

test_expect_success 'agenda --ics to a file that cannot be written fails' '
	test_expect_code 1 kontora agenda --to anna --ics no/such/dir/cal.ics 2>err &&
	test_grep "^kontora: error: no/such/dir/cal.ics: " err
'

# America/New_York leaves summer time on Sunday 2026-11-01 (02:00 EDT is
# 01:00 EST): that week has a day of 25 hours.
test -r /usr/share/zoneinfo/America/New_York && test_set_prereq TZDATA

test_expect_success TZDATA 'agenda --week across the end of summer time: the local days' '
	kontora employee add --login olga --name "Ольга Нью-Йорк" --role manager >/dev/null &&
	O1=$(kontora task add --to olga --due 2026-10-30 Вчера) &&
	O2=$(kontora task add --to olga --due 2026-10-31 Сегодня) &&
	O3=$(kontora task add --to olga --due 2026-11-06 "Через шесть дней") &&
	O4=$(kontora task add --to olga --due 2026-11-07 "Через неделю") &&
	cat >expect <<-EOF &&
	Просрочено
	  $O1  Вчера

	2026-10-31, суббота
	  $O2  Сегодня

	2026-11-06, пятница
	  $O3  Через шесть дней
	EOF
	# Saturday 00:30 EDT (04:30 UTC): six days later is Friday, though
	# 6 x 24 hours later is still Thursday evening there
	TZ=America/New_York KONTORA_NOW=2026-10-31T04:30:00Z kontora agenda --week --to olga >out &&
	test_cmp expect out &&
	# Saturday 23:30 EDT (Sunday 03:30 UTC): still Saturday there
	TZ=America/New_York KONTORA_NOW=2026-11-01T03:30:00Z kontora agenda --week --to olga >out &&
	test_cmp expect out &&
	# a week later, Saturday 23:30 EST (Sunday 04:30 UTC): Saturday there,
	# so the task due that day is today, not overdue
	TZ=America/New_York KONTORA_NOW=2026-11-08T04:30:00Z kontora agenda --to olga >out &&
	cat >expect <<-EOF &&
	Просрочено
	  $O1  Вчера
	  $O2  Сегодня
	  $O3  Через шесть дней

	2026-11-07, суббота
	  $O4  Через неделю
	EOF
	test_cmp expect out &&
	TZ=America/New_York KONTORA_NOW=2026-11-08T04:30:00Z \
		kontora task list --overdue -f csv --where assignee=olga >out &&
	test_line_count = 4 out
'

test_done
