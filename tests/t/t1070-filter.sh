#!/bin/sh
test_description='kontora filter: save, run, list, show, rm; the ready-made filters of the director'
# See kontora-filter(1).  Expected outputs are written by hand.  The clock
# is Monday 2026-11-23 10:00 UTC unless a command sets KONTORA_NOW itself
# (records are created at other times to fill a period).
. "$(dirname "$0")/test-lib.sh"

# at DAY CMD...: runs kontora CMD... with the clock at DAY 09:00 UTC.
at () {
	day=$1; shift
	KONTORA_NOW=${day}T09:00:00Z kontora "$@"
}

test_expect_success 'setup: two managers, clients, leads, tasks and notes over two months' '
	test_books books &&
	(cd books &&
	 kontora employee add --login ivan --name "Иван Сидоров" --role manager >/dev/null &&
	 at 2026-10-01 client add --to anna Ромашка >../c1 &&
	 at 2026-10-01 client add --to anna Лютик >../c2 &&
	 at 2026-11-01 client add --to ivan Василёк >../c3 &&
	 at 2026-11-15 client add --to anna Одуванчик >../c4 &&
	 C3=$(cat ../c3) &&
	 at 2026-11-01 contact add --client $C3 --name "Пётр" >../p3 &&
	 at 2026-10-20 lead add --to ivan --amount 500 Октябрьский >/dev/null &&
	 at 2026-11-02 lead add --to anna --amount 100 --client $(cat ../c1) Гель >../l1 &&
	 at 2026-11-03 lead add --to anna --processed false Порошок >/dev/null &&
	 at 2026-11-04 lead add --to anna --amount 300 Мыло >../l3 &&
	 at 2026-11-05 lead add --to ivan --client $C3 Паста >../l4 &&
	 at 2026-11-06 lead won $(cat ../l3) >/dev/null &&
	 at 2026-11-07 lead lost $(cat ../l4) --reason price >/dev/null &&
	 at 2026-10-20 task add --to anna --due 2026-10-25 Октябрьская >/dev/null &&
	 at 2026-11-05 task add --to anna --due 2026-11-10 --on $(cat ../c2) Позвонить >/dev/null &&
	 at 2026-11-05 task add --to anna --due 2026-11-30 Отчёт >/dev/null &&
	 at 2026-11-05 task add --to ivan --due 2026-11-20 --on $(cat ../l4) Перезвонить >../t3 &&
	 at 2026-11-10 task add --to ivan --due 2026-11-15 --on $(cat ../l4) Уточнить >/dev/null &&
	 at 2026-11-21 task done $(cat ../t3) --result Готово >/dev/null &&
	 at 2026-11-20 note $(cat ../c1) Созвонились >/dev/null &&
	 at 2026-11-20 note $(cat ../p3) Письмо отправлено >/dev/null) &&
	C1=$(cat c1) C2=$(cat c2) C3=$(cat c3) C4=$(cat c4)
'
cd books 2>/dev/null

test_expect_success 'new books have the three ready-made filters' '
	kontora filter list -f csv >list &&
	python3 -c "import csv, sys
for r in csv.reader(sys.stdin): print(r[1] + \",\" + r[3])" <list >got &&
	cat >expect <<-\EOF &&
	name,type
	clients-attention,sql
	leads-processed,sql
	tasks-by-manager,sql
	EOF
	test_cmp expect got
'

test_expect_success 'tasks-by-manager: the current month by default' '
	kontora filter run tasks-by-manager -f csv >out &&
	cat >expect <<-\EOF &&
	manager,name,created,done,overdue
	anna,Анна Петрова,2,0,1
	ivan,Иван Сидоров,2,1,1
	EOF
	test_cmp expect out
'

test_expect_success 'tasks-by-manager: --from and --to; --manager' '
	kontora filter run tasks-by-manager --from 2026-10-01 --to=2026-10-31 -f csv >out &&
	cat >expect <<-\EOF &&
	manager,name,created,done,overdue
	anna,Анна Петрова,1,0,1
	ivan,Иван Сидоров,0,0,0
	EOF
	test_cmp expect out &&
	kontora filter run tasks-by-manager --manager ivan -f csv >out &&
	printf "manager,name,created,done,overdue\nivan,Иван Сидоров,2,1,1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an inactive manager without tasks or leads in the period is left out' '
	kontora employee add --login olga --name "Ольга" --role manager --active false >/dev/null &&
	kontora employee add --login petr --name "Пётр" --role manager >/dev/null &&
	kontora filter run tasks-by-manager -f csv >out &&
	cat >expect <<-\EOF &&
	manager,name,created,done,overdue
	anna,Анна Петрова,2,0,1
	ivan,Иван Сидоров,2,1,1
	petr,Пётр,0,0,0
	EOF
	test_cmp expect out &&
	kontora filter run leads-processed -f csv | cut -d, -f1 >got &&
	printf "manager\nanna\nivan\npetr\n" >expect &&
	test_cmp expect got &&
	kontora employee rm petr >/dev/null
'

test_expect_success 'the default period follows the clock (KONTORA_NOW)' '
	KONTORA_NOW=2026-10-31T12:00:00Z kontora filter run tasks-by-manager -f csv >out &&
	cat >expect <<-\EOF &&
	manager,name,created,done,overdue
	anna,Анна Петрова,1,0,1
	ivan,Иван Сидоров,0,0,0
	EOF
	test_cmp expect out
'

test_expect_success 'leads-processed: per manager in the month' '
	kontora filter run leads-processed -f csv >out &&
	cat >expect <<-\EOF &&
	manager,name,leads,processed,unprocessed,won,lost
	anna,Анна Петрова,3,2,1,1,0
	ivan,Иван Сидоров,1,1,0,0,1
	EOF
	test_cmp expect out &&
	kontora filter run leads-processed --from 2026-10-01 --to 2026-10-31 -f csv >out &&
	cat >expect <<-\EOF &&
	manager,name,leads,processed,unprocessed,won,lost
	anna,Анна Петрова,0,0,0,0,0
	ivan,Иван Сидоров,1,1,0,0,0
	EOF
	test_cmp expect out
'

test_expect_success 'clients-attention: quiet for 14 days or an overdue task (on the client or its lead)' '
	kontora filter run clients-attention -f csv >out &&
	cat >expect <<-EOF &&
	id,name,manager,last_activity,quiet_days,overdue_tasks,debt
	$C2,Лютик,anna,2026-10-01,53,1,0
	$C3,Василёк,ivan,2026-11-20,3,1,0
	EOF
	test_cmp expect out
'

test_expect_success 'clients-attention --days 7 adds the client quiet since it was added; --manager' '
	kontora filter run clients-attention --days 7 -f csv >out &&
	cat >expect <<-EOF &&
	id,name,manager,last_activity,quiet_days,overdue_tasks,debt
	$C2,Лютик,anna,2026-10-01,53,1,0
	$C4,Одуванчик,anna,2026-11-15,8,0,0
	$C3,Василёк,ivan,2026-11-20,3,1,0
	EOF
	test_cmp expect out &&
	kontora filter run clients-attention --days 7 --manager ivan -f csv >out &&
	sed -n 2p out | cut -d, -f1 >got &&
	echo $C3 >expect &&
	test_cmp expect got
'

test_expect_success 'a parameter the query does not have is a usage error' '
	test_expect_code 2 kontora filter run clients-attention --dayz 3 2>err &&
	test_grep "^kontora: error: --dayz: filter clients-attention has no such parameter (it takes --today, --days, --manager)$" err &&
	test_expect_code 2 kontora filter run clients-attention stray 2>err &&
	test_grep "stray: not an option of filter clients-attention" err
'

test_expect_success 'save a list: one commit, then run gives what list gives' '
	before=$(test_commits) &&
	kontora filter save big --description "Крупные сделки" -- lead --where "amount>=100" --sort -amount --all >out &&
	test_line_count = 0 out &&
	test $(test_commits) = $((before + 1)) &&
	echo "filter big: saved" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	kontora list lead --where "amount>=100" --sort -amount --all -f csv >expect &&
	kontora filter run big -f csv >out &&
	test_cmp expect out &&
	test_line_count = 4 out &&
	kontora list lead --where "amount>=100" --sort -amount --all >expect &&
	kontora filter run big >out &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'run adds its options to the saved ones' '
	kontora list lead --where "amount>=100" --sort -amount --all --limit 1 -f json >expect &&
	kontora filter run big --limit 1 -f json >out &&
	test_cmp expect out &&
	test_json <out
'

test_expect_success '--mine in a saved filter is the caller of the run' '
	kontora filter save mine -- lead --mine --all &&
	KONTORA_USER=ivan kontora list lead --mine --all -f csv >expect &&
	KONTORA_USER=ivan kontora filter run mine -f csv >out &&
	test_cmp expect out &&
	test_line_count = 3 out &&
	KONTORA_USER=anna kontora filter run mine -f csv >out &&
	test_line_count = 4 out
'

test_expect_success 'a manager runs saved lists, but not queries, which read the whole index' '
	before=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=anna kontora filter run leads-processed 2>err &&
	test_grep "^kontora: error: filter leads-processed: sql reads the whole index" err &&
	test_expect_code 1 env KONTORA_USER=anna kontora filter save q -- sql "SELECT 1" 2>err &&
	test_grep "^kontora: error: filter q: sql reads the whole index" err &&
	test $(test_commits) = $before &&
	KONTORA_USER=anna kontora filter run mine -f csv >out &&
	test_line_count = 4 out
'

test_expect_success 'show: the saved arguments, quoted for a shell' '
	kontora filter show big >out &&
	test_grep "^args: --where .amount>=100. --sort -amount --all$" out &&
	test_grep "^type: lead$" out &&
	test_grep "^description: Крупные сделки$" out
'

test_expect_success 'values with spaces and quotes survive saving' '
	kontora lead add --to anna "Гель для «посуды» it'\''s" >/dev/null &&
	kontora filter save gel -- lead --where "title~для «посуды» it'\''s" &&
	kontora filter run gel -f csv >out &&
	test_line_count = 2 out &&
	kontora list lead --where "title~для «посуды» it'\''s" -f csv >expect &&
	test_cmp expect out
'

# set_args NAME ARGS: sets the saved options of filter NAME by hand, in
# the CSV file, and commits that.
set_args () {
	python3 - "$1" "$2" <<-\EOF &&
	import csv, glob, io, sys
	path = glob.glob("data/filter/*.csv")[0]
	rows = list(csv.reader(open(path, newline="")))
	i = rows[0].index("args")
	for r in rows[1:]:
	    if r[1] == sys.argv[1]:
	        r[i] = sys.argv[2]
	out = io.StringIO()
	csv.writer(out, lineterminator="\n").writerows(rows)
	open(path, "w", newline="").write(out.getvalue())
	EOF
	git commit -qam "filter $1: by hand"
}

test_expect_success 'options edited by hand are read as a shell reads them' '
	cat >args <<-\EOF &&
	--where "title~для «посуды» it'\''s"  --sort=\-amount	--limit '\''5'\''
	EOF
	set_args gel "$(cat args)" &&
	kontora filter run gel -f csv >out &&
	kontora list lead --where "title~для «посуды» it'\''s" --limit 5 --sort=-amount -f csv >expect &&
	test_cmp expect out &&
	test_line_count = 2 out &&
	kontora lead add --to anna "Кавычка \"x\\y\\z" >/dev/null &&
	set_args gel "--where \"title~\\\"x\\\\y\\z\"" &&
	kontora filter run gel -f csv >out 2>err &&
	kontora list lead --where "title~\"x\\y\\z" -f csv >expect &&
	test_cmp expect out &&
	test_line_count = 2 out
'

test_expect_success 'an unclosed quote in options edited by hand is an error naming the filter' '
	set_args gel "--where '\''title~x" &&
	test_expect_code 1 kontora filter run gel 2>err &&
	test_grep "^kontora: error: filter gel: args: a quote '\'' is not closed" err
'

test_expect_success 'save again replaces the filter, in one commit' '
	before=$(test_commits) &&
	kontora filter save big -- lead --where "amount>=300" --all &&
	test $(test_commits) = $((before + 1)) &&
	git log -1 --format=%s >subject &&
	echo "filter big: saved again" >expect &&
	test_cmp expect subject &&
	kontora filter list | grep -c "	big	" >n &&
	echo 1 >expect && test_cmp expect n &&
	kontora filter run big -f csv >out &&
	test_line_count = 3 out
'

test_expect_success 'save a query: sql QUERY with parameters' '
	kontora filter save quiet-leads --description "Лиды менеджера" -- sql \
		"SELECT id, title FROM lead WHERE manager = coalesce(:who, '\''anna'\'') ORDER BY title" &&
	kontora filter run quiet-leads --who ivan -f csv >out &&
	printf "id,title\n" >expect &&
	kontora list lead --where manager=ivan --all --sort title -f csv | cut -d, -f1,2 | sed 1d >>expect &&
	test_cmp expect out &&
	test_line_count = 3 out
'

test_expect_success 'a query that writes is refused and nothing is saved' '
	before=$(test_commits) &&
	test_expect_code 1 kontora filter save evil -- sql "DELETE FROM lead" 2>err &&
	test_grep "^kontora: error: filter evil: the index is read-only" err &&
	test_expect_code 1 kontora filter save broken -- sql "SELEC 1" 2>err &&
	test_grep "^kontora: error: filter broken: " err &&
	test $(test_commits) = $before
'

test_expect_success 'a list that does not run is not saved' '
	before=$(test_commits) &&
	test_expect_code 1 kontora filter save bad -- lead --where "nosuch=1" 2>err &&
	test_grep "nosuch: no such field" err &&
	test_expect_code 2 kontora filter save bad -- lead --nosuch 2>err &&
	test_expect_code 1 kontora filter save bad -- nosuchtype 2>err &&
	test_grep "nosuchtype is not a record type of these books, nor sql" err &&
	test $(test_commits) = $before &&
	test_expect_code 1 kontora filter show bad 2>err &&
	echo "kontora: error: no filter bad (kontora filter list shows them)" >expect &&
	test_cmp expect err
'

test_expect_success 'bad names and missing parts' '
	before=$(test_commits) &&
	for name in Big 1big "big one" "" "$(printf "%065d" 0 | tr 0 a)" "большой"; do
		test_expect_code 1 kontora filter save "$name" -- lead 2>err &&
		echo "kontora: error: filter name \"$name\": a lower-case Latin letter, then letters, digits, - and _ (at most 64)" >expect &&
		test_cmp expect err || return 1
	done &&
	test_expect_code 2 kontora filter save -x -- lead 2>err &&
	test_grep "^kontora: error: -x: unknown option, or a missing or bad value$" err &&
	test_expect_code 2 kontora filter save big lead 2>err &&
	test_grep "give NAME, then --" err &&
	test_expect_code 2 kontora filter save -- lead 2>err &&
	test_expect_code 2 kontora filter save q -- sql 2>err &&
	test_expect_code 2 kontora filter nosuch 2>err &&
	test_grep "filter nosuch: no such subcommand" err &&
	test $(test_commits) = $before
'

test_expect_success 'an unknown filter: run, show and rm exit 1' '
	test_expect_code 1 kontora filter run nosuch 2>err &&
	test_grep "^kontora: error: no filter nosuch (kontora filter list shows them)$" err &&
	test_expect_code 1 kontora filter show nosuch 2>err &&
	test_grep "^kontora: error: no filter nosuch (kontora filter list shows them)$" err &&
	test_expect_code 1 kontora filter rm nosuch 2>err &&
	test_grep "^kontora: error: no filter nosuch (kontora filter list shows them)$" err &&
	test_expect_code 1 kontora filter run BAD 2>err &&
	test_grep "filter name \"BAD\"" err
'

test_expect_success '--dry-run of save and rm prints the change and writes nothing' '
	before=$(test_commits) &&
	kontora filter list -f csv >list.before &&
	kontora filter save dry --dry-run -- task --overdue >out &&
	test_grep "dry" out &&
	kontora filter rm big --dry-run >out &&
	test_grep "^removed filter F" out &&
	test $(test_commits) = $before &&
	kontora filter list -f csv >list.after &&
	test_cmp list.before list.after &&
	test_expect_code 1 kontora filter run dry 2>err &&
	echo "kontora: error: no filter dry (kontora filter list shows them)" >expect &&
	test_cmp expect err &&
	test_clean
'

test_expect_success 'rm: one commit, and the filter is gone' '
	before=$(test_commits) &&
	kontora filter rm big &&
	test $(test_commits) = $((before + 1)) &&
	git log -1 --format=%s >subject &&
	echo "filter big: removed" >expect &&
	test_cmp expect subject &&
	test_expect_code 1 kontora filter run big 2>err &&
	test_grep "^kontora: error: no filter big (kontora filter list shows them)$" err &&
	test_clean
'

test_expect_success 'a ready-made filter can be removed and saved again like any' '
	kontora filter show tasks-by-manager >def &&
	kontora filter rm tasks-by-manager &&
	test_expect_code 1 kontora filter run tasks-by-manager 2>err &&
	echo "kontora: error: no filter tasks-by-manager (kontora filter list shows them)" >expect &&
	test_cmp expect err &&
	git checkout -q HEAD~1 -- data/filter && git commit -qm "restore" &&
	kontora filter run tasks-by-manager -f csv >out &&
	test_line_count = 3 out
'

test_expect_success 'run -f xlsx writes a workbook; without -o it is a usage error' '
	kontora filter run leads-processed -f xlsx -o leads.xlsx &&
	test -s leads.xlsx &&
	test_expect_code 2 kontora filter run leads-processed -f xlsx
'

test_expect_success 'kontora check accepts the saved filters' '
	kontora check
'

test_done
