#!/bin/sh
test_description='-f xlsx -o FILE: lists, sql and search as Excel workbooks; -o for the other formats'
# See kontora-record(1), kontora-list(1), kontora-sql(1), kontora-search(1).
# The workbooks are read back with openpyxl.  Decisions where the docs are
# silent:
# - the header row holds the columns' labels (as a terminal table does),
#   "id" and "created" for those columns;
# - datetimes are written in UTC (a workbook has no time zone);
# - a query that fails writes no file and leaves an old one as it was.
. "$(dirname "$0")/test-lib.sh"

test_openpyxl

must_be_empty () {
	test -s "$1" || return 0
	echo >&2 "$1 is not empty:"; cat >&2 "$1"
	return 1
}

path_is_missing () {
	test -e "$1" || return 0
	echo >&2 "$1 exists"
	return 1
}

# xlsx_check FILE 'python': runs the python with ws, the workbook's active
# sheet, rows (its rows as lists of values), header (the first) and
# col(label) (the values of the column headed label, without the header);
# it fails when an assert fails.
xlsx_check () {
	"$XLSX_PY" -c '
import datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = [list(r) for r in ws.iter_rows(values_only=True)]
header = rows[0]
def col(label):
    i = header.index(label)
    return [r[i] for r in rows[1:]]
exec(sys.argv[2])
' "$@"
}

test_expect_success 'setup' '
	test_books books &&
	(cd books &&
	 kontora client add --name "ООО «Ромашка»" --inn 7707083893 \
		--phone "8 (495) 123-45-67" >../c1 &&
	 kontora client add --name Лютик --notes "$(printf "%0100d" 0)" >../c2 &&
	 kontora lead add --title "Гель для посуды" --client $(cat ../c1) \
		--amount "1 234,50" >../l1 &&
	 kontora lead add --title "Без суммы" --processed false >../l2 &&
	 kontora task add --text x --due 2026-12-01 >../t1) &&
	C1=$(cat c1) L1=$(cat l1) T1=$(cat t1)
'
cd books 2>/dev/null

test_expect_success OPENPYXL 'client list -f xlsx -o: header, frozen, filtered, Cyrillic' '
	kontora client list -f xlsx -o clients.xlsx >out 2>err &&
	must_be_empty out && must_be_empty err &&
	kontora client list -f csv | head -n 1 | tr , "\n" | wc -l >ncols &&
	xlsx_check clients.xlsx "
assert ws.title == \"client\", ws.title
assert header[0] == \"Код\" and header[1] == \"Название\" and header[-1] == \"Создан\", header
assert len(header) == $(cat ncols) + 1, header
assert header[header.index(\"Менеджер\") + 1] == \"Менеджер (код)\", header
assert \"ИНН\" in header and \"Телефон\" in header, header
assert ws.freeze_panes == \"A2\", ws.freeze_panes
last = openpyxl.utils.get_column_letter(len(header))
assert ws.auto_filter.ref == \"A1:%s3\" % last, ws.auto_filter.ref
assert len(rows) == 3, rows
assert sorted(col(\"Название\")) == [\"Лютик\", \"ООО «Ромашка»\"], col(\"Название\")
r = [r for r in rows if r[0] == \"$C1\"][0]
assert r[header.index(\"ИНН\")] == \"7707083893\", r
assert r[header.index(\"Телефон\")] == \"+74951234567\", r
assert r[header.index(\"Юридический адрес\")] is None, r
assert ws.cell(1, 1).font.b, \"the header is bold\"
width = lambda label: ws.column_dimensions[openpyxl.utils.get_column_letter(header.index(label) + 1)].width
assert width(\"Название\") >= len(\"ООО «Ромашка»\"), width(\"Название\")
assert 60 <= width(\"Примечания\") <= 61, width(\"Примечания\")
"
'

test_expect_success OPENPYXL 'money is a number, bools are booleans, datetimes real' '
	kontora lead list --sort title -f xlsx -o leads.xlsx &&
	xlsx_check leads.xlsx "
assert ws.title == \"lead\", ws.title
assert ws.freeze_panes == \"A2\", ws.freeze_panes
assert ws.auto_filter.ref.startswith(\"A1:\") and ws.auto_filter.ref.endswith(\"3\"), ws.auto_filter.ref
assert col(\"Название\") == [\"Без суммы\", \"Гель для посуды\"], col(\"Название\")
amount = col(\"Сумма\")
assert amount[0] is None, amount
assert isinstance(amount[1], (int, float)) and not isinstance(amount[1], bool), amount
assert amount[1] == 1234.5, amount
i = header.index(\"Сумма\")
assert \"0.00\" in ws.cell(3, i + 1).number_format, ws.cell(3, i + 1).number_format
assert col(\"Обработан\") == [False, True], col(\"Обработан\")
assert col(\"Клиент\")[1] == \"ООО «Ромашка»\", col(\"Клиент\")
assert col(\"Клиент (код)\")[1] == \"$C1\", col(\"Клиент (код)\")
created = col(\"Создан\")
assert created == [datetime.datetime(2026, 11, 23, 10, 0)] * 2, created
"
'

test_expect_success OPENPYXL 'a date is a date' '
	kontora list task -f xlsx -o tasks.xlsx &&
	xlsx_check tasks.xlsx "
assert ws.title == \"task\", ws.title
due = col(\"Срок\")[0]
assert isinstance(due, (datetime.date, datetime.datetime)), due
assert due == datetime.datetime(2026, 12, 1) or due == datetime.date(2026, 12, 1), due
i = header.index(\"Срок\")
assert ws.cell(2, i + 1).number_format == \"dd.mm.yyyy\", ws.cell(2, i + 1).number_format
assert col(\"Выполнена\") == [False], col(\"Выполнена\")
assert col(\"Задача\") == [\"x\"], col(\"Задача\")
"
'

test_expect_success OPENPYXL '--where, --sort and --output work with xlsx' '
	kontora client list --where "name~лют" --output one.xlsx -f xlsx &&
	xlsx_check one.xlsx "
assert len(rows) == 2 and rows[1][1] == \"Лютик\", rows
assert ws.auto_filter.ref.endswith(\"2\"), ws.auto_filter.ref
"
'

test_expect_success OPENPYXL 'an empty list gives the header alone' '
	kontora product list -f xlsx -o products.xlsx &&
	xlsx_check products.xlsx "
assert ws.title == \"product\", ws.title
assert len(rows) == 1 and rows[0][0] == \"Код\" and rows[0][-1] == \"Создан\", rows
last = openpyxl.utils.get_column_letter(len(header))
assert ws.auto_filter.ref == \"A1:%s1\" % last, ws.auto_filter.ref
assert ws.freeze_panes == \"A2\", ws.freeze_panes
"
'

test_expect_success 'the file is a ZIP archive (an XLSX workbook)' '
	kontora client list -f xlsx -o zip.xlsx &&
	head -c 4 zip.xlsx >magic &&
	printf "PK\003\004" >expect &&
	test_cmp expect magic
'

test_expect_success '-f xlsx without -o is a usage error and writes nothing' '
	rm -f out err &&
	ls -a >../before &&
	test_expect_code 2 kontora client list -f xlsx >out 2>err &&
	must_be_empty out &&
	test_grep "^kontora: error: -f xlsx writes a file: give it with -o FILE$" err &&
	test_expect_code 2 kontora list lead -f xlsx >out 2>err &&
	must_be_empty out &&
	test_expect_code 2 kontora sql -f xlsx "select 1" >out 2>err &&
	must_be_empty out &&
	test_expect_code 2 kontora search -f xlsx Лютик >out 2>err &&
	must_be_empty out &&
	rm out err && ls -a >../after &&
	test_cmp ../before ../after
'

test_expect_success 'an unknown format names xlsx among the formats' '
	test_expect_code 2 kontora client list -f xls 2>err &&
	test_grep "^kontora: error: -f xls: not one of table, tsv, csv, json, xlsx$" err
'

test_expect_success '-o with csv, tsv and json writes what stdout would get' '
	kontora client list -f csv >expect.csv &&
	kontora client list -f csv -o got.csv >out &&
	must_be_empty out &&
	cmp expect.csv got.csv &&
	kontora client list >expect.tsv &&
	kontora client list -o got.tsv &&
	cmp expect.tsv got.tsv &&
	kontora lead list -f json >expect.json &&
	kontora lead list -f json --output got.json &&
	cmp expect.json got.json &&
	kontora product list -f csv >expect.csv &&
	kontora product list -f csv -o got.csv &&
	cmp expect.csv got.csv &&
	kontora sql -f csv "select id, name from client order by name" >expect.csv &&
	kontora sql -f csv -o got.csv "select id, name from client order by name" &&
	cmp expect.csv got.csv &&
	kontora search -f tsv Лютик >expect.tsv &&
	kontora search -f tsv -o got.tsv Лютик &&
	cmp expect.tsv got.tsv
'

test_expect_success '-o replaces a file' '
	echo old >replace.csv &&
	kontora client list -f csv -o replace.csv &&
	kontora client list -f csv | cmp - replace.csv
'

test_expect_success OPENPYXL 'sql -f xlsx -o: columns as named, values as text' '
	kontora sql -f xlsx -o sql.xlsx \
		"select id, name, inn from client order by name" &&
	xlsx_check sql.xlsx "
assert ws.title == \"sql\", ws.title
assert header == [\"id\", \"name\", \"inn\"], header
assert rows[1:] == [[rows[1][0], \"Лютик\", None], [\"$C1\", \"ООО «Ромашка»\", \"7707083893\"]], rows
assert ws.auto_filter.ref == \"A1:C3\", ws.auto_filter.ref
assert ws.freeze_panes == \"A2\", ws.freeze_panes
"
'

test_expect_success OPENPYXL 'search -f xlsx -o' '
	kontora search -f xlsx -o search.xlsx ромашка &&
	xlsx_check search.xlsx "
assert ws.title == \"search\", ws.title
assert header == [\"type\", \"id\", \"title\"], header
assert rows[1] == [\"client\", \"$C1\", \"ООО «Ромашка»\"], rows
assert ws.auto_filter.ref == \"A1:C2\", ws.auto_filter.ref
"
'

test_expect_success 'a query that fails writes no file and keeps an old one' '
	test_expect_code 1 kontora client list --where "nosuch=1" -f xlsx -o fail.xlsx 2>err &&
	echo "kontora: error: --where: nosuch: no such field in schemas/client.schema" >expect &&
	test_cmp expect err &&
	path_is_missing fail.xlsx &&
	test_expect_code 1 kontora sql -f xlsx -o fail.xlsx "select * from nosuch" 2>err &&
	echo "kontora: error: no such table: nosuch" >expect &&
	test_cmp expect err &&
	path_is_missing fail.xlsx &&
	echo old >keep.csv &&
	test_expect_code 1 kontora sql -f csv -o keep.csv "select * from nosuch" 2>err &&
	echo "kontora: error: no such table: nosuch" >expect &&
	test_cmp expect err &&
	echo old >expect &&
	test_cmp expect keep.csv
'

test_expect_success 'a file that cannot be written: exit 1 and its name' '
	test_expect_code 1 kontora client list -f xlsx -o no/such/dir.xlsx 2>err &&
	test_grep "no/such/dir.xlsx" err &&
	test_line_count = 1 err &&
	test_expect_code 1 kontora client list -f csv -o no/such/dir.csv 2>err &&
	test_grep "no/such/dir.csv" err
'

test_expect_success OPENPYXL 'a reference to a record the caller may not see shows its id' '
	kontora employee add --login boris --name "Борис Сидоров" >/dev/null &&
	kontora employee add --login vera --name "Вера Орлова" >/dev/null &&
	OWN=$(kontora client add --name Свой --manager boris) &&
	THEIRS=$(kontora client add --name Чужой --manager vera) &&
	L3=$(kontora lead add --title "к своему" --client $OWN --manager boris) &&
	L4=$(kontora lead add --title "к чужому" --client $THEIRS --manager boris) &&
	KONTORA_USER=boris kontora lead list -f xlsx -o mine.xlsx &&
	xlsx_check mine.xlsx "
got = dict((r[0], (r[header.index(\"Клиент\")], r[header.index(\"Клиент (код)\")])) for r in rows[1:])
assert got == {\"$L3\": (\"Свой\", \"$OWN\"), \"$L4\": (\"$THEIRS\", \"$THEIRS\")}, got
"
'

test_expect_success 'nothing was committed by the exports' '
	git status --porcelain --untracked-files=no >status &&
	must_be_empty status
'

test_done
