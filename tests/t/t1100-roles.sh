#!/bin/sh
test_description='roles and visibility: who the caller is, what each role sees and changes, employee deactivate'
# See kontora-schema(5) (ACCESS), kontora-employee(1), kontora(1)
# (KONTORA_USER).  Expected outputs are written by hand.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: two managers, a director, a lab chemist, an accountant' '
	test_books books &&
	(cd books &&
	 kontora employee add --login petr --name "Пётр Иванов" --role manager >/dev/null &&
	 kontora employee add --login boss --name "Ольга Директор" --role director >/dev/null &&
	 kontora employee add --login lena --name "Елена Лаб" --role lab >/dev/null &&
	 kontora employee add --login vera --name "Вера Бух" --role accountant >/dev/null &&
	 export KONTORA_USER=anna &&
	 kontora client add Ромашка >../c1 &&
	 kontora contact add --name "Иван Петров" --client $(cat ../c1) >../p1 &&
	 kontora lead add --title "Гель для посуды" --phone "+7 900 111-22-33" \
		--client $(cat ../c1) >../l1 &&
	 kontora note $(cat ../l1) --call Перезвонить >../a1 &&
	 kontora task add --on $(cat ../l1) --due 2026-11-25 Отправить КП >../t1 &&
	 KONTORA_USER=petr kontora lead add --title "Порошок" >../l2 &&
	 unset KONTORA_USER &&
	 kontora product add --name "Гель 5 л" >../g1 &&
	 kontora task add --to lena --due 2026-11-24 Рассчитать рецептуру >../tl &&
	 kontora task add --to vera --due 2026-11-24 Сверить реквизиты >../tv) &&
	C1=$(cat c1) P1=$(cat p1) L1=$(cat l1) A1=$(cat a1) T1=$(cat t1) L2=$(cat l2) &&
	G1=$(cat g1) TL=$(cat tl) TV=$(cat tv) &&
	test -n "$C1$P1$L1$A1$T1$L2$G1$TL$TV"
'
cd books 2>/dev/null

# ids TYPE: the ids of the records of TYPE the caller sees, one a line, sorted
ids () { kontora $1 list --all -f csv | sed 1d | cut -d, -f1 | sort; }

test_expect_success 'a record a manager adds without an owner is theirs' '
	kontora lead list -f csv | test_csv_get $L1 manager >out &&
	echo anna >expect &&
	test_cmp expect out &&
	kontora lead list -f csv | test_csv_get $L2 manager >out &&
	echo petr >expect &&
	test_cmp expect out &&
	kontora task list -f csv | test_csv_get $T1 assignee >out &&
	echo anna >expect &&
	test_cmp expect out
'

test_expect_success 'a manager lists only their own leads, clients, contacts, notes, tasks' '
	KONTORA_USER=petr ids lead >out &&
	echo $L2 >expect &&
	test_cmp expect out &&
	for t in client contact activity task; do
		KONTORA_USER=petr ids $t >out &&
		test_line_count = 0 out || return 1
	done &&
	KONTORA_USER=anna ids lead >out &&
	echo $L1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna ids contact >out &&
	echo $P1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna ids activity >out &&
	echo $A1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna kontora list lead --where "title~гель" -f csv | sed 1d | cut -d, -f1 >out &&
	echo $L1 >expect &&
	test_cmp expect out
'

test_expect_success 'everyone sees employees and products' '
	for who in petr lena vera boss; do
		KONTORA_USER=$who ids employee >out &&
		test_line_count = 6 out &&
		KONTORA_USER=$who ids product >out &&
		echo $G1 >expect &&
		test_cmp expect out || return 1
	done
'

test_expect_success 'a manager cannot show another manager'"'"'s lead; the rule is named' '
	test_expect_code 1 env KONTORA_USER=petr kontora lead show $L1 >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: lead $L1: managers see only their own records (schemas/lead.schema:12 access manager own); petr is a manager, the lead is anna'"'"'s" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora client show $C1 2>err &&
	test_grep "^kontora: error: client $C1: managers see only their own records" err &&
	test_expect_code 1 env KONTORA_USER=petr kontora contact show $P1 2>err &&
	echo "kontora: error: contact $P1: managers see only records whose client they may see (schemas/contact.schema:11 access manager via client); petr is a manager" >expect &&
	test_cmp expect err
'

test_expect_success 'nor find it by search or lookup, nor read its log' '
	KONTORA_USER=petr kontora search гель >out &&
	printf "type\tid\ttitle\nproduct\t%s\tГель 5 л\n" $G1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna kontora search гель для >out &&
	printf "type\tid\ttitle\nlead\t%s\tГель для посуды\n" $L1 >expect &&
	test_cmp expect out &&
	test_expect_code 1 env KONTORA_USER=petr kontora lookup 89001112233 >out &&
	! grep -q "$L1" out &&
	KONTORA_USER=anna kontora lookup 89001112233 >out &&
	test_grep "$L1" out &&
	test_expect_code 1 env KONTORA_USER=petr kontora log $L1 >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^kontora: error: lead $L1: managers see only their own records" err &&
	KONTORA_USER=anna kontora log $L1 >out &&
	test_grep "lead $L1: add" out
'

test_expect_success 'a manager cannot change another manager'"'"'s lead: nothing changes' '
	n=$(test_commits) &&
	kontora lead list --all -f csv >before &&
	kontora activity list -f csv >acts.before &&
	kontora task list --all -f csv >tasks.before &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead edit $L1 --set amount=100 2>err &&
	echo "kontora: error: lead $L1: managers change only their own records (schemas/lead.schema:12 access manager own); petr is a manager, the lead is anna'"'"'s" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead rm $L1 2>err &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead move $L1 qualified 2>err &&
	test_grep "^kontora: error: lead $L1: managers see only their own records" err &&
	test_expect_code 1 env KONTORA_USER=petr kontora note $L1 Перехватил 2>err &&
	test_grep "^kontora: error: note: activity A[0-9A-Z]*: on: lead $L1: managers see only their own records (schemas/lead.schema:12 access manager own); petr is a manager, the lead is anna'"'"'s$" err &&
	test_expect_code 1 env KONTORA_USER=petr kontora task add --on $L1 Позвонить 2>err &&
	test_grep "^kontora: error: task T[0-9A-Z]*: on: lead $L1: managers see only" err &&
	test_expect_code 1 env KONTORA_USER=petr kontora task done $T1 2>err &&
	test_grep "^kontora: error: task $T1: managers see only their own records or records whose on they may see" err &&
	test $(test_commits) = $n &&
	kontora lead list --all -f csv >after &&
	test_cmp before after &&
	kontora activity list -f csv >acts.after &&
	test_cmp acts.before acts.after &&
	kontora task list --all -f csv >tasks.after &&
	test_cmp tasks.before tasks.after &&
	test_clean
'

test_expect_success 'a manager may not add a record that is another'"'"'s, nor give theirs away' '
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead add --title Чужой --to anna 2>err &&
	test_grep "^kontora: error: lead L[0-9A-Z]*: managers change only their own records (schemas/lead.schema:12 access manager own); petr is a manager, the lead is anna'"'"'s$" err &&
	echo "kontora: error: lead $L2: managers change only their own records (schemas/lead.schema:12 access manager own); petr is a manager, the lead is anna'"'"'s" >expect &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead edit $L2 --to anna 2>err &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead edit $L2 --set manager=anna 2>err &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora lead edit $L2 --manager anna 2>err &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	kontora lead list --all -f csv | test_csv_get $L2 manager >out &&
	echo petr >expect &&
	test_cmp expect out &&
	test_clean
'

test_expect_success 'a task on a manager'"'"'s lead given to another: both see it' '
	T2=$(KONTORA_USER=anna kontora task add --on $L1 --to petr Подписать договор) &&
	KONTORA_USER=petr ids task >out &&
	echo $T2 >expect &&
	test_cmp expect out &&
	KONTORA_USER=anna ids task >out &&
	printf "%s\n%s\n" $T1 $T2 | sort >expect &&
	test_cmp expect out &&
	KONTORA_USER=petr kontora task done $T2 --result Подписан
'

# The write rule of a task "via on" is asked of the one lead the task is
# on (lib/index/access.c): a manager's lead given to no one of theirs.
test_expect_success 'a manager changes a task on their lead given to another, not one on another'"'"'s lead' '
	T3=$(KONTORA_USER=anna kontora task add --on $L1 --to petr --due 2026-11-30 Выставить счёт) &&
	KONTORA_USER=anna kontora task edit $T3 --due 2026-12-01 &&
	KONTORA_USER=anna kontora task show $T3 >out &&
	test_grep "^due: 2026-12-01$" out &&
	test_grep "^assignee: petr$" out &&
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=petr kontora task edit $T3 --to anna 2>err &&
	echo "kontora: error: task $T3: managers change only their own records or records whose on they may change (schemas/task.schema:14 access manager own, schemas/task.schema:15 access manager via on); petr is a manager, the task is anna'"'"'s" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora task add --on $L2 --to anna Перехватить 2>err &&
	test_grep "^kontora: error: task T[0-9A-Z]*: on: lead $L2: managers see only their own records" err &&
	test $(test_commits) = $n &&
	KONTORA_USER=petr kontora task done $T3 --result Выставлен
'

# A list with a limit asks each row whether the caller may see it; a list
# without one gathers first what a via line lets the caller see
# (lib/index/query.c, issue 16).  Both give the same rows, for every role:
# tasks and notes seen through a lead of the caller, and not through
# another manager's.
test_expect_success 'a list with a limit shows what the list without one shows' '
	X1=$(KONTORA_USER=petr kontora task add --on $L2 --to boss Образец) &&
	X2=$(KONTORA_USER=petr kontora note $L2 --call Позвонить) &&
	X3=$(KONTORA_USER=anna kontora task add --on $L1 --to boss Счёт) &&
	for who in anna petr lena vera boss
	do
		for t in lead client contact activity task product
		do
			KONTORA_USER=$who kontora $t list --all -f csv >all 2>&1
			KONTORA_USER=$who kontora $t list --all -f csv --limit 1000 >limited 2>&1
			test_cmp all limited || return 1
		done
	done &&
	KONTORA_USER=anna kontora task list --all -f csv --limit 2 >out &&
	test_line_count = 3 out &&
	kontora task rm --force $X1 >/dev/null &&
	kontora activity rm --force $X2 >/dev/null &&
	kontora task rm --force $X3 >/dev/null
'

test_expect_success 'director and admin see everything' '
	for who in boss test; do
		KONTORA_USER=$who ids lead >out &&
		printf "%s\n%s\n" $L1 $L2 | sort >expect &&
		test_cmp expect out &&
		KONTORA_USER=$who kontora lead show $L1 >out &&
		test_grep "^manager: anna$" out &&
		KONTORA_USER=$who kontora sql "SELECT count(*) FROM lead" >out &&
		printf "count(*)\n2\n" >expect &&
		test_cmp expect out || return 1
	done &&
	ids lead >out &&
	test_line_count = 2 out
'

test_expect_success 'a director edits records, but not employees or settings' '
	KONTORA_USER=boss kontora lead edit $L1 --set amount=500 &&
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=boss kontora employee edit petr --set name=Пётр 2>err &&
	test_grep "^kontora: error: employee E[0-9A-Z]*: directors see but do not change employee records (schemas/employee.schema:13 access director read); boss is a director$" err &&
	test_expect_code 1 env KONTORA_USER=boss kontora config vat.rate 10 2>err &&
	echo "kontora: error: config: only an admin changes settings (kontora.conf, dicts/); boss is a director" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n
'

test_expect_success 'a manager cannot change settings or employees' '
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=petr kontora config vat.rate 10 2>err &&
	echo "kontora: error: config: only an admin changes settings (kontora.conf, dicts/); petr is a manager" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora dict add city kzn Казань 2>err &&
	echo "kontora: error: dict add: only an admin changes settings (kontora.conf, dicts/); petr is a manager" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=petr kontora dict rm city moscow 2>err &&
	test_grep "^kontora: error: dict rm: only an admin changes settings" err &&
	test_expect_code 1 env KONTORA_USER=petr kontora employee add --login ivan --name Иван 2>err &&
	test_grep "^kontora: error: employee E[0-9A-Z]*: managers see but do not change employee records (schemas/employee.schema:14 access manager read); petr is a manager$" err &&
	test_expect_code 1 env KONTORA_USER=petr kontora product edit $G1 --set price=10 2>err &&
	test_grep "managers see but do not change product records (schemas/product.schema:11 access manager read)" err &&
	test $(test_commits) = $n &&
	git diff --exit-code HEAD -- kontora.conf dicts &&
	test_clean
'

test_expect_success 'every employee reads the settings, whatever the role' '
	kontora config company.name "ООО Батискаф" &&
	kontora config --list >expect.list &&
	test_grep "^company.name=ООО Батискаф$" expect.list &&
	echo "ООО Батискаф" >expect &&
	for who in anna petr lena vera boss; do
		KONTORA_USER=$who kontora config company.name >out 2>err &&
		test_cmp expect out &&
		test_line_count = 0 err &&
		KONTORA_USER=$who kontora config --list >out &&
		test_cmp expect.list out &&
		test_expect_code 1 env KONTORA_USER=$who kontora config company.nosuchkey >out 2>err &&
		test_line_count = 0 out &&
		test_line_count = 0 err || return 1
	done
'

test_expect_success 'sql reads the whole index: refused to a manager and a lab' '
	test_expect_code 1 env KONTORA_USER=petr kontora sql "SELECT 1" >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: sql reads the whole index, and of activity records: managers see only records whose on they may see (schemas/activity.schema:11 access manager via on); petr is a manager" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=lena kontora sql "SELECT 1" 2>err &&
	test_grep "^kontora: error: sql reads the whole index" err
'

test_expect_success 'lab sees products and the tasks given to it, no leads or clients' '
	KONTORA_USER=lena ids task >out &&
	echo $TL >expect &&
	test_cmp expect out &&
	for t in lead client contact activity; do
		KONTORA_USER=lena ids $t >out &&
		test_line_count = 0 out || return 1
	done &&
	test_expect_code 1 env KONTORA_USER=lena kontora lead show $L1 2>err &&
	echo "kontora: error: lead $L1: labs neither see nor change lead records (schemas/lead.schema:13 access lab none); lena is a lab, the lead is anna'"'"'s" >expect &&
	test_cmp expect err &&
	KONTORA_USER=lena kontora product edit $G1 --set price=120 &&
	KONTORA_USER=lena kontora task done $TL --result Готово
'

test_expect_success 'accountant sees clients and contacts (requisites), products, own tasks' '
	KONTORA_USER=vera ids client >out &&
	echo $C1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=vera ids contact >out &&
	echo $P1 >expect &&
	test_cmp expect out &&
	KONTORA_USER=vera ids task >out &&
	echo $TV >expect &&
	test_cmp expect out &&
	KONTORA_USER=vera ids lead >out &&
	test_line_count = 0 out &&
	KONTORA_USER=vera kontora client edit $C1 --set inn=7707083893 &&
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=vera kontora product edit $G1 --set price=1 2>err &&
	test_grep "accountants see but do not change product records" err &&
	test $(test_commits) = $n
'

test_expect_success 'an unknown caller is an error for every command on records' '
	mkdir -p ../stranger &&
	printf "[user]\n\tname = Чужой\n\temail = x@y.ru\n" >../stranger/.gitconfig &&
	n=$(test_commits) &&
	echo "kontora: error: you are not an employee of these books (git user.email x@y.ru matches none; set KONTORA_USER=LOGIN, or ask an admin to run: kontora employee add --login ... --email x@y.ru)" >expect &&
	for cmd in "lead list" "lead show $L1" "search гель" "lookup 89001112233" "log $L1" \
		"sql SELECT\ 1" "lead add Новый" "note $L1 Привет" "task list" "agenda" "config x.y 1"; do
		eval "HOME=\$TEST_DIR/stranger test_expect_code 1 kontora $cmd" >out 2>err &&
		test_line_count = 0 out &&
		test_cmp expect err || return 1
	done &&
	test $(test_commits) = $n &&
	HOME=$TEST_DIR/stranger kontora reindex &&
	HOME=$TEST_DIR/stranger kontora check &&
	HOME=$TEST_DIR/stranger kontora config vat.mode >out &&
	echo included >expect &&
	test_cmp expect out
'

test_expect_success 'KONTORA_USER picks the caller even so; an unknown login is an error' '
	HOME=$TEST_DIR/stranger KONTORA_USER=anna kontora lead list -f csv >out &&
	test_grep "^$L1," out &&
	test_expect_code 1 env KONTORA_USER=nobody kontora lead list 2>err &&
	echo "kontora: error: KONTORA_USER=nobody: no employee with that login" >expect &&
	test_cmp expect err
'

test_expect_success 'deactivate --dry-run says what would move and writes nothing' '
	L3=$(KONTORA_USER=anna kontora lead add --title "Мыло") &&
	KONTORA_USER=anna kontora lead lost $L3 --reason price &&
	n=$(test_commits) &&
	kontora lead list --all -f csv >before &&
	kontora employee deactivate anna --to petr --dry-run >out &&
	cat >expect <<-\EOF &&
	employee anna: deactivated; 1 client, 1 lead, 1 task now petr'"'"'s
	active: true -> false
	manager: anna -> petr
	manager: anna -> petr
	assignee: anna -> petr
	EOF
	test_cmp expect out &&
	test $(test_commits) = $n &&
	kontora lead list --all -f csv >after &&
	test_cmp before after &&
	test_clean
'

test_expect_success 'deactivate: unknown or inactive OTHER, a manager, usage errors refused' '
	n=$(test_commits) &&
	test_expect_code 1 kontora employee deactivate anna --to nobody 2>err &&
	echo "kontora: error: employee nobody: no employee with that login" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora employee deactivate nobody --to petr 2>err &&
	echo "kontora: error: employee nobody: no employee with that login" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora employee deactivate anna --to anna 2>err &&
	test_expect_code 1 env KONTORA_USER=petr kontora employee deactivate anna --to petr 2>err &&
	test_grep "managers see but do not change employee records" err &&
	test_expect_code 2 kontora employee deactivate anna 2>err &&
	test_grep "needs --to OTHER" err &&
	test_expect_code 2 kontora employee deactivate 2>err &&
	kontora employee deactivate -h >out &&
	test_grep "^usage: kontora employee deactivate LOGIN --to OTHER" out &&
	test $(test_commits) = $n
'

test_expect_success 'deactivate --to reassigns the open records in one commit' '
	n=$(test_commits) &&
	kontora employee deactivate anna --to petr >out &&
	echo "deactivated anna; 1 client, 1 lead, 1 task now petr'"'"'s" >expect &&
	test_cmp expect out &&
	test $(test_commits) = $((n + 1)) &&
	git log -1 --format=%s >subject &&
	echo "employee anna: deactivated; 1 client, 1 lead, 1 task now petr'"'"'s" >expect &&
	test_cmp expect subject &&
	KONTORA_USER=petr ids lead >out &&
	printf "%s\n%s\n" $L1 $L2 | sort >expect &&
	test_cmp expect out &&
	kontora lead list --all -f csv | test_csv_get $L3 manager >out &&
	echo anna >expect &&
	test_cmp expect out &&
	kontora task list --all -f csv | test_csv_get $T1 assignee >out &&
	echo petr >expect &&
	test_cmp expect out &&
	KONTORA_USER=petr kontora contact show $P1 >/dev/null &&
	KONTORA_USER=petr kontora note $L1 Принял клиента >/dev/null &&
	test_clean
'

test_expect_success 'an inactive employee is refused; nor may records go to one' '
	test_expect_code 1 env KONTORA_USER=anna kontora lead list 2>err &&
	echo "kontora: error: anna is not active (employee anna: active=false); an admin may reactivate: kontora employee edit anna --active true" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora employee deactivate petr --to anna 2>err &&
	echo "kontora: error: employee anna is inactive: the records of petr must go to an active employee" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora employee deactivate anna --to petr 2>err &&
	echo "kontora: error: employee anna is already inactive" >expect &&
	test_cmp expect err
'

test_expect_success 'check names an access line whose role employees cannot have' '
	sed "s/^access lab        none\$/access intern none/" schemas/lead.schema >new &&
	mv new schemas/lead.schema &&
	test_expect_code 1 kontora check >out &&
	echo "schemas/lead.schema:13: access: no role \"intern\" in employee.role (admin|director|manager|lab|accountant)" >expect &&
	test_cmp expect out &&
	git checkout schemas/lead.schema &&
	sed "s/^access lab        none\$/access lab mine/" schemas/lead.schema >new &&
	mv new schemas/lead.schema &&
	test_expect_code 1 kontora check >out &&
	test_grep "^schemas/lead.schema:13: access lab: unknown mode \"mine\"" out &&
	git checkout schemas/lead.schema &&
	kontora check
'

# check_access FILE SED: kontora check with the sed script applied to
# schemas/FILE (not committed) finds exactly one problem, written to out.
check_access () {
	git checkout -q schemas &&
	sed "$2" schemas/$1 >new && mv new schemas/$1 &&
	! git diff --quiet schemas/$1 &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "kontora: 1 problem" >expect.err &&
	test_cmp expect.err err
}

test_expect_success 'check names a via or named access line whose type or field is missing' '
	check_access client.schema "s/^access lab        named calc_request.client\$/access lab        named order.client/" &&
	echo "schemas/client.schema:13: access: named order.client: no such type in these books" >expect &&
	test_cmp expect out &&
	check_access client.schema "s/^access lab        named sample_request.client\$/access lab        named sample_request.buyer/" &&
	echo "schemas/client.schema:14: access: named sample_request.buyer: no such field in these books" >expect &&
	test_cmp expect out &&
	check_access contact.schema "s/^access manager    via client\$/access manager    via company/" &&
	echo "schemas/contact.schema:11: access manager via: no field \"company\"" >expect &&
	test_cmp expect out &&
	check_access contact.schema "s/^access manager    via client\$/access manager    via phone/" &&
	echo "schemas/contact.schema:11: access manager via: phone is phone, not ref or text (an id)" >expect &&
	test_cmp expect out &&
	check_access contact.schema "s/^access manager    via client\$/access manager    via client\naccess manager    via supplier/; \$a field supplier ref:supplier label=\"Поставщик\"" &&
	echo "schemas/contact.schema:12: access: via supplier: no type supplier in these books" >expect &&
	test_cmp expect out &&
	git checkout -q schemas &&
	kontora check
'

# A via rule gathers the ids of every record the caller owns (a task may
# be on a record of any type: each owned type a dozen times over for a
# manager's task list); the owner's index holds the id so that no row of
# the table is read for it (lib/index/index.c index_tail(), issue 16).
test_expect_success 'the ids of what an owner has are read from the index alone' '
	for t in lead:manager client:manager task:assignee calc_request:manager
	do
		kontora sql -f tsv "EXPLAIN QUERY PLAN SELECT \"id\" FROM \"${t%%:*}\" WHERE (\"${t#*:}\" = 1)" >plan &&
		test_grep "COVERING INDEX ${t%%:*}_${t#*:}" plan || return 1
	done
'

test_expect_success 'kontora help employee shows kontora-employee(1)' '
	kontora help employee >out &&
	test_grep "deactivate" out
'

test_done
