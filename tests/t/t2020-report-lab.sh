#!/bin/sh
test_description='kontora report lab: days in each status from the history, per product and lab employee'
# See kontora-report(5), status_history, and reports/lab.sql.  Requests
# are walked through their statuses with the clock (KONTORA_NOW, ISO 8601
# with an offset too) set to the times below; the days are worked out by
# hand.  The report runs at the suite's clock, 2026-11-23 10:00 UTC.
#
# R1 (anna, Гель; elena): sent 11-02 10:00 .. taken 11-03 10:00 (1 day),
#    sent back to rework 11-04 10:00 (1 day in work), sent again
#    11-05 01:00+03:00 = 11-04 22:00 (0.5 day in rework), taken 11-05
#    22:00 (1 day), finished 11-06 10:00 (0.5 day): sent 2, in work 1.5,
#    rework 0.5.
# R3 (anna, Гель; elena): sent 11-16 10:00, taken 11-18 10:00 (2 days),
#    finished 11-19 22:00 (1.5 days).
# S1 (anna, Гель; oleg): sent 11-10 12:00, taken 11-11 12:00 (1 day),
#    ready 11-13 00:00 (1.5 days), shipped 11-14 12:00 (1.5 days ready).
# R2 (ivan, Мыло; oleg): due 11-21, sent 11-20 10:00, taken 11-21 10:00
#    (1 day), in work since: 2 days until now; open and overdue.
. "$(dirname "$0")/test-lib.sh"

command -v pdftotext >/dev/null && test_set_prereq PDFTOTEXT
test_openpyxl

# at TIME USER ARGS...: kontora ARGS as USER at TIME, its output dropped.
at () { t=$1 u=$2; shift 2; KONTORA_NOW=$t KONTORA_USER=$u kontora "$@" >/dev/null; }

test_expect_success 'setup: two managers, two chemists, clients, products, four requests' '
	test_books books &&
	cd books &&
	kontora employee add --login ivan --name "Иван Сидоров" --role manager >/dev/null &&
	kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null &&
	kontora employee add --login oleg --name "Олег Кузнецов" --email oleg@example.com \
		--role lab >/dev/null &&
	G=$(kontora product add --name Гель) && M=$(kontora product add --name Мыло) &&
	C1=$(kontora client add --name Ромашка --manager anna --shipping-address "Тверь" \
		--sample-recipient "Иванов" --sample-recipient-phone "+79161234567") &&
	C2=$(kontora client add --name Лютик --manager ivan) &&
	R1=$(KONTORA_NOW=2026-11-02T09:00:00Z KONTORA_USER=anna kontora lab calc new \
		--client $C1 --product $G --wishes "Без запаха" --due 2026-11-30) &&
	at 2026-11-02T10:00:00Z anna lab calc send $R1 &&
	at 2026-11-03T10:00:00Z elena lab calc take $R1 &&
	at 2026-11-04T10:00:00Z elena lab calc rework $R1 --reason "Уточните объем" &&
	at 2026-11-05T01:00:00+03:00 anna lab calc send $R1 &&
	at 2026-11-05T22:00:00Z elena lab calc take $R1 &&
	at 2026-11-06T10:00:00Z elena lab calc finish $R1 --formula "ПАВ 12%" --cost 600 &&
	S1=$(KONTORA_NOW=2026-11-10T09:00:00Z KONTORA_USER=anna kontora lab sample new \
		--client $C1 --product $G --wishes "Образец 1 кг") &&
	at 2026-11-10T12:00:00Z anna lab sample send $S1 &&
	at 2026-11-11T12:00:00Z oleg lab sample take $S1 &&
	at 2026-11-13T00:00:00Z oleg lab sample ready $S1 &&
	at 2026-11-14T12:00:00Z oleg lab sample ship $S1 --carrier СДЭК --tracking 1234567890 &&
	R3=$(KONTORA_NOW=2026-11-16T09:00:00Z KONTORA_USER=anna kontora lab calc new \
		--client $C1 --product $G --wishes "С запахом") &&
	at 2026-11-16T10:00:00Z anna lab calc send $R3 &&
	at 2026-11-18T10:00:00Z elena lab calc take $R3 &&
	at 2026-11-19T22:00:00Z elena lab calc finish $R3 --formula "ПАВ 10%" --cost 500 &&
	R2=$(KONTORA_NOW=2026-11-20T09:00:00Z KONTORA_USER=ivan kontora lab calc new \
		--client $C2 --product $M --wishes "Дешевле" --due 2026-11-21) &&
	at 2026-11-20T10:00:00Z ivan lab calc send $R2 &&
	at 2026-11-21T10:00:00Z oleg lab calc take $R2 &&
	echo "$R1 $R2 $R3 $S1" >../ids &&
	test_clean
'
cd books 2>/dev/null
read R1 R2 R3 S1 <../ids 2>/dev/null

HEAD_LINE="product,lab,open,overdue,done,sent_avg,sent_days,in_work_avg,in_work_days,rework_avg,rework_days,ready_avg,ready_days"

test_expect_success 'the history of a request: one row per status, with its times and author' '
	kontora sql "SELECT status, since, coalesce(until, \"-\"), author FROM status_history
	             WHERE id = \"$R1\" ORDER BY since" >actual &&
	cat >expect <<-\EOF &&
	status	since	coalesce(until, "-")	author
	draft	2026-11-02T09:00:00Z	2026-11-02T10:00:00Z	anna@example.com
	sent	2026-11-02T10:00:00Z	2026-11-03T10:00:00Z	anna@example.com
	in_work	2026-11-03T10:00:00Z	2026-11-04T10:00:00Z	elena@kontora
	rework	2026-11-04T10:00:00Z	2026-11-04T22:00:00Z	elena@kontora
	sent	2026-11-04T22:00:00Z	2026-11-05T22:00:00Z	anna@example.com
	in_work	2026-11-05T22:00:00Z	2026-11-06T10:00:00Z	elena@kontora
	done	2026-11-06T10:00:00Z	-	elena@kontora
	EOF
	test_cmp expect actual
'

test_expect_success 'lab: days in each status per product and lab employee, as worked out by hand' '
	kontora report lab -f csv >out &&
	printf "%s\r\n" "$HEAD_LINE" \
		"Мыло,Олег Кузнецов,1,1,0,1.0,1.0,2.0,2.0,,,," \
		"Гель,Елена Орлова,0,0,2,2.0,4.0,1.5,3.0,0.5,0.5,," \
		"Гель,Олег Кузнецов,0,0,1,1.0,1.0,1.5,1.5,,,1.5,1.5" \
		"Итого,,1,1,3,,,,,,,," >expect &&
	test_cmp expect out
'

test_expect_success 'a period counts the done and the days of the requests made in it; open ones all' '
	kontora report lab --from 2026-11-10 --to 2026-11-20 -f csv >out &&
	printf "%s\r\n" "$HEAD_LINE" \
		"Мыло,Олег Кузнецов,1,1,0,1.0,1.0,2.0,2.0,,,," \
		"Гель,Елена Орлова,0,0,1,2.0,2.0,1.5,1.5,,,," \
		"Гель,Олег Кузнецов,0,0,1,1.0,1.0,1.5,1.5,,,1.5,1.5" \
		"Итого,,1,1,2,,,,,,,," >expect &&
	test_cmp expect out &&
	kontora report lab --from 2026-11-21 -f csv >out &&
	printf "%s\r\n" "$HEAD_LINE" "Мыло,Олег Кузнецов,1,1,0,,,,,,,," "Итого,,1,1,0,,,,,,,," >expect &&
	test_cmp expect out
'

test_expect_success 'the status a request is in counts until now' '
	KONTORA_NOW=2026-11-25T01:00:00+03:00 kontora report lab -f csv >out &&
	test_grep "^Мыло,Олег Кузнецов,1,1,0,1.0,1.0,3.5,3.5," out
'

test_expect_success 'a full reindex walks the history again: the same table, the same report' '
	kontora sql "SELECT * FROM status_history ORDER BY type, id, since" >before &&
	kontora report lab -f csv >report.before &&
	rm .git/kontora/index.db &&
	kontora reindex &&
	kontora sql "SELECT * FROM status_history ORDER BY type, id, since" >after &&
	test_cmp before after &&
	kontora report lab -f csv >report.after &&
	test_cmp report.before report.after &&
	test $(wc -l <after) = 20
'

test_expect_success 'a refresh over several commits made with git takes each at its own time' '
	shard=$(git grep -l "^$R2," -- data/calc_request) &&
	sed -i "/^$R2,/s/,in_work,/,rework,/" $shard &&
	GIT_AUTHOR_DATE=2026-11-22T10:00:00Z git commit -q -m "rework by hand" $shard &&
	sed -i "/^$R2,/s/,rework,/,sent,/" $shard &&
	GIT_AUTHOR_DATE=2026-11-22T16:00:00Z git commit -q -m "sent by hand" $shard &&
	kontora sql "SELECT status, since, coalesce(until, \"-\") FROM status_history
	             WHERE id = \"$R2\" AND since >= \"2026-11-21\" ORDER BY since" >actual &&
	cat >expect <<-\EOF &&
	status	since	coalesce(until, "-")
	in_work	2026-11-21T10:00:00Z	2026-11-22T10:00:00Z
	rework	2026-11-22T10:00:00Z	2026-11-22T16:00:00Z
	sent	2026-11-22T16:00:00Z	-
	EOF
	test_cmp expect actual &&
	kontora sql "SELECT * FROM status_history ORDER BY type, id, since" >refreshed &&
	kontora reindex &&
	kontora sql "SELECT * FROM status_history ORDER BY type, id, since" >rebuilt &&
	test_cmp refreshed rebuilt
'

test_expect_success 'a branch moved back (git reset) rebuilds the history of the older commit' '
	git reset -q --hard HEAD~2 &&
	kontora sql "SELECT count(*) FROM status_history WHERE id = \"$R2\"" >actual &&
	printf "count(*)\n3\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a manager sees the days of their own requests only' '
	KONTORA_USER=ivan kontora report lab -f csv >out &&
	printf "%s\r\n" "$HEAD_LINE" "Мыло,Олег Кузнецов,1,1,0,1.0,1.0,2.0,2.0,,,," \
		"Итого,,1,1,0,,,,,,,," >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna kontora report lab -f csv >out &&
	! grep Мыло out &&
	test_grep "^Гель,Елена Орлова,0,0,2,2.0,4.0," out &&
	kontora report lab --manager anna -f csv >admin &&
	test_cmp admin out
'

test_expect_success 'a manager reading status_history sees the rows of their own requests only' '
	cat >../own.sql <<-EOF &&
	-- column: id text
	-- column: n int
	SELECT id, count(*) AS n FROM status_history GROUP BY id ORDER BY id
	EOF
	cp ../own.sql reports/own.sql &&
	KONTORA_USER=ivan kontora report own -f csv >out &&
	printf "id,n\r\n%s,3\r\n" $R2 >expect &&
	test_cmp expect out &&
	rm reports/own.sql
'

test_expect_success 'the days come out in every format: JSON numbers, XLSX, PDF' '
	kontora report lab -f json >lab.json &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
row = d[\"rows\"][1]
assert row[\"lab\"] == \"Елена Орлова\", row
assert row[\"in_work_avg\"] == 1.5 and row[\"sent_days\"] == 4.0, row
assert [c[\"type\"] for c in d[\"columns\"]][5] == \"decimal\", d[\"columns\"]
" lab.json &&
	kontora report lab -f xlsx -o lab.xlsx &&
	kontora report lab -f pdf -o lab.pdf &&
	test -s lab.xlsx && test -s lab.pdf
'

test_expect_success OPENPYXL 'XLSX: the days are numbers with one decimal' '
	"$XLSX_PY" - lab.xlsx <<-\EOF
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1]).active
	head = [c.value for c in ws[4]]
	i = head.index("В работе, дн. ср.") + 1
	cell = ws.cell(row=6, column=i)
	assert cell.value == 1.5 and cell.data_type == "n", cell.value
	assert cell.number_format == "#,##0.0", cell.number_format
	EOF
'

test_expect_success PDFTOTEXT 'PDF: the table holds the lab employees and the days' '
	pdftotext -layout lab.pdf lab.txt 2>/dev/null &&
	test_grep "Елена Орлова" lab.txt &&
	test_grep "Олег Кузнецов" lab.txt &&
	test_grep "1,5" lab.txt
'

# The chart counts requests: a few of them must not give an axis
# labelled 0 0 1 1 1 (a top of 1 cut in quarters and rounded).
test_expect_success PDFTOTEXT 'PDF: the axis of a chart of counts steps by whole numbers' '
	sed -n "/^ *[0-9][0-9]* *\$/p;/Товар/q" lab.txt | tr -d " " >axis &&
	test_line_count = 5 axis &&
	sort -un axis >distinct &&
	test_line_count = 5 distinct &&
	test "$(tail -n 1 axis)" = 0
'

test_expect_success 'a history line naming no field is an error naming the file and line' '
	rm -rf ../bad && git clone -q . ../bad &&
	(cd ../bad &&
	 sed -i "s/^history status/history nosuch/" schemas/calc_request.schema &&
	 git commit -q -m "bad history" schemas/calc_request.schema &&
	 n=$(git rev-list --count HEAD) &&
	 test_expect_code 1 kontora report lab -f csv 2>err &&
	 test_grep "schemas/calc_request.schema:[0-9]*: history: no field \"nosuch\"" err &&
	 test $(git rev-list --count HEAD) = $n)
'

test_done
