#!/bin/sh
test_description='leads: distribution, dedupe, the ★ of unprocessed leads, lead processed, assign'
# See kontora-lead(1).  Expected outputs are written by hand.  The clock is
# Monday 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: three managers (anna from test_books), a director' '
	test_books books &&
	(cd books &&
	 kontora employee add --login vera --name "Вера Орлова" --role manager >/dev/null &&
	 kontora employee add --login boris --name "Борис Ким" --role manager >/dev/null &&
	 kontora employee add --login dir --name "Директор" --role director >/dev/null &&
	 kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null)
'
cd books 2>/dev/null

# manager ID: the manager of lead ID
manager () { kontora lead list -f csv --all --where "id=$1" | test_csv_get "$1" manager; }
# newest FIELD VALUE: the newest open lead whose FIELD is VALUE, of which
# kontora says a new lead with it is a possible duplicate (t1045)
newest () { kontora lead list -f csv --where "$1=$2" --sort -created --limit 1 | sed -n "2s/,.*//p"; }
# duplicate L D FIELD: the line that says L is a possible duplicate of D
duplicate () { echo "kontora: lead $1: possible duplicate of $2, added 2026-11-23 by Тест Тестов (same $3)"; }

test_expect_success 'round robin: 10 new leads go to anna, boris, vera in turn: 4/3/3' '
	: >got &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		L=$(kontora lead add "Заявка $i" 2>err) &&
		echo "$(manager $L) $(cat err | sed "s/$L/L/")" >>got || return 1
	done &&
	cat >expect <<-\EOF &&
	anna kontora: lead L: assigned to anna (round-robin: had 0 leads this month)
	boris kontora: lead L: assigned to boris (round-robin: had 0 leads this month)
	vera kontora: lead L: assigned to vera (round-robin: had 0 leads this month)
	anna kontora: lead L: assigned to anna (round-robin: had 1 lead this month)
	boris kontora: lead L: assigned to boris (round-robin: had 1 lead this month)
	vera kontora: lead L: assigned to vera (round-robin: had 1 lead this month)
	anna kontora: lead L: assigned to anna (round-robin: had 2 leads this month)
	boris kontora: lead L: assigned to boris (round-robin: had 2 leads this month)
	vera kontora: lead L: assigned to vera (round-robin: had 2 leads this month)
	anna kontora: lead L: assigned to anna (round-robin: had 3 leads this month)
	EOF
	test_cmp expect got &&
	kontora lead list -f csv | sed 1d | cut -d, -f15 | sort | uniq -c | sed "s/^ *//" >counts &&
	printf "4 anna\n3 boris\n3 vera\n" >expect &&
	test_cmp expect counts
'

test_expect_success 'the next one goes to boris; the commit says nothing of it but the lead' '
	L=$(kontora lead add "Заявка 11" 2>err) &&
	test "$(manager $L)" = boris &&
	git log -1 --format=%s >subject &&
	echo "lead $L: add Заявка 11" >expect &&
	test_cmp expect subject &&
	test_clean
'

test_expect_success 'a manager given is kept, without a word, and counts for the rotation' '
	L=$(kontora lead add --to vera "Заявка 12" 2>err) &&
	test_line_count = 0 err &&
	test "$(manager $L)" = vera &&
	L=$(kontora lead add "Заявка 13" 2>/dev/null) &&
	test "$(manager $L)" = anna
'

test_expect_success 'an inactive manager and other roles get nothing' '
	kontora employee edit anna --set active=false &&
	L1=$(kontora lead add "Заявка 14" 2>/dev/null) &&
	L2=$(kontora lead add "Заявка 15" 2>/dev/null) &&
	L3=$(kontora lead add "Заявка 16" 2>/dev/null) &&
	echo "$(manager $L1) $(manager $L2) $(manager $L3)" >got &&
	echo "boris vera boris" >expect &&
	test_cmp expect got &&
	kontora employee edit anna --set active=true
'

test_expect_success 'clients and a contact to find' '
	C1=$(kontora client add --to vera --phone "+7 495 123-45-67" --email info@romashka.ru \
		--inn 7707083893 Ромашка) &&
	C2=$(kontora client add --to boris "Лютик") &&
	P2=$(kontora contact add --client $C2 --phone "+7 916 555-44-33" --email IVAN@lutik.ru \
		"Иван Петров") &&
	C3=$(kontora client add "Без менеджера") &&
	test -n "$C3"
'

test_expect_success 'dedupe by phone in another format: linked, the client manager wins' '
	before=$(test_commits) &&
	L=$(kontora lead add --phone "8 (495) 123 45 67" Звонок 2>err) &&
	test $(test_commits) = $((before + 1)) &&
	cat >expect <<-EOF &&
	kontora: lead $L: linked to client $C1 «Ромашка» (same phone +74951234567)
	kontora: lead $L: assigned to vera (the manager of client «Ромашка»)
	EOF
	test_cmp expect err &&
	test "$(test_lead_field $L client)" = $C1 &&
	test "$(manager $L)" = vera
'

test_expect_success 'dedupe by e-mail in upper case' '
	L=$(kontora lead add --email " INFO@ROMASHKA.RU " Письмо 2>err) &&
	test_grep "^kontora: lead $L: linked to client $C1 «Ромашка» (same email info@romashka.ru)$" err &&
	test "$(test_lead_field $L client)" = $C1 &&
	test "$(test_lead_field $L email)" = info@romashka.ru
'

test_expect_success 'dedupe by INN' '
	L=$(kontora lead add --inn 7707083893 "Запрос от юристов" 2>err) &&
	test_grep "^kontora: lead $L: linked to client $C1 «Ромашка» (same inn 7707083893)$" err &&
	test "$(test_lead_field $L client)" = $C1
'

test_expect_success 'dedupe through a contact of a client: client and contact set' '
	L=$(kontora lead add --phone 89165554433 "Иван звонил" 2>err) &&
	cat >expect <<-EOF &&
	kontora: lead $L: linked to client $C2 «Лютик» (same phone +79165554433 as contact $P2)
	kontora: lead $L: assigned to boris (the manager of client «Лютик»)
	EOF
	test_cmp expect err &&
	test "$(test_lead_field $L client)" = $C2 &&
	test "$(test_lead_field $L contact)" = $P2
'

test_expect_success 'dedupe links, a manager given is kept' '
	L=$(kontora lead add --to anna --email ivan@LUTIK.ru Письмо 2>err) &&
	echo "kontora: lead $L: linked to client $C2 «Лютик» (same email ivan@lutik.ru as contact $P2)" >expect &&
	test_cmp expect err &&
	test "$(manager $L)" = anna
'

test_expect_success 'no match: no link; a client given: its manager, no dedupe' '
	L=$(kontora lead add --phone "+7 495 000-00-00" Новый 2>err) &&
	! grep -q linked err &&
	test_lead_field $L client >actual && echo >expect && test_cmp expect actual &&
	D=$(newest phone +74951234567) && test -n "$D" &&
	L=$(kontora lead add --client $C2 --phone "+7 495 123-45-67" Повтор 2>err) &&
	{ duplicate $L $D phone &&
	  echo "kontora: lead $L: assigned to boris (the manager of client «Лютик»)"; } >expect &&
	test_cmp expect err &&
	test "$(test_lead_field $L client)" = $C2
'

test_expect_success 'a client without a manager: the rule decides' '
	L=$(kontora lead add --client $C3 Заявка 2>err) &&
	test_grep "assigned to .* (round-robin: had" err
'

test_expect_success 'a manager adds own leads: no distribution, no link to a client not theirs' '
	D=$(newest phone +74951234567) && test -n "$D" &&
	L=$(KONTORA_USER=boris kontora lead add --phone "+7 495 123-45-67" "Свой звонок" 2>err) &&
	duplicate $L $D phone >expect &&
	test_cmp expect err &&
	test "$(manager $L)" = boris &&
	test_lead_field $L client >actual && echo >expect && test_cmp expect actual
'

test_expect_success 'a manager adding a lead of their own client: linked' '
	D=$(newest phone +79165554433) && test -n "$D" &&
	L=$(KONTORA_USER=boris kontora lead add --phone 89165554433 "Снова Иван" 2>err) &&
	{ duplicate $L $D phone &&
	  echo "kontora: lead $L: linked to client $C2 «Лютик» (same phone +79165554433 as contact $P2)"; } >expect &&
	test_cmp expect err &&
	test "$(manager $L)" = boris
'

test_expect_success 'lead add --dry-run writes nothing' '
	before=$(test_commits) &&
	kontora lead add --dry-run --phone "8 495 1234567" Проба >out 2>err &&
	test $(test_commits) = $before &&
	test_grep "linked to client $C1" err &&
	test_clean
'

test_expect_success '★ before the title of an unprocessed lead in a table and TSV' '
	W=$(kontora lead add --processed false --to anna --phone "+7 903 111-22-33" "С сайта" 2>/dev/null) &&
	kontora lead list --where id=$W >tsv &&
	printf "id\ttitle\tname\tphone\tstage\tamount\tmanager\n%s\t★ С сайта\t\t+79031112233\tnew\t\tanna\n" $W >expect &&
	test_cmp expect tsv &&
	kontora lead list -f tsv --where id=$W >tsv2 &&
	test_cmp expect tsv2 &&
	kontora lead list --where processed=false | sed 1d | cut -f2 >titles &&
	echo "★ С сайта" >expect &&
	test_cmp expect titles
'

# on_tty ARGS...: run ARGS with a terminal as standard output, print what
# it wrote (CR LF as LF)
on_tty () {
	python3 - "$@" <<-\EOF
	import os, pty, sys
	pid, fd = pty.fork()
	if pid == 0:
	    os.execvp(sys.argv[1], sys.argv[1:])
	out = b""
	while True:
	    try:
	        d = os.read(fd, 4096)
	    except OSError:
	        break
	    if not d:
	        break
	    out += d
	os.waitpid(pid, 0)
	sys.stdout.write(out.decode().replace("\r\n", "\n"))
	EOF
}

test_expect_success 'on a terminal: the ★ in the aligned table, no processed column, stage names' '
	on_tty kontora lead list --where id=$W >tty &&
	cat >expect <<-EOF &&
	Код       Название   Имя  Телефон       Этап   Сумма  Менеджер
	$W  ★ С сайта       +79031112233  Новый         Анна Петрова (anna)
	EOF
	test_cmp expect tty
'

test_expect_success 'CSV and JSON keep the plain processed column' '
	kontora lead list -f csv --where id=$W >csv &&
	test "$(test_csv_get $W title <csv)" = "С сайта" &&
	test "$(test_csv_get $W processed <csv)" = false &&
	kontora lead list -f json --where id=$W >json &&
	test_grep "\"title\": \"С сайта\"" json &&
	test_grep "\"processed\": false" json
'

test_expect_success 'lead processed: one commit, the ★ is gone' '
	before=$(test_commits) &&
	kontora lead processed --dry-run $W >out &&
	test $(test_commits) = $before &&
	printf "lead %s: processed\nprocessed: false -> true\n" $W >expect &&
	test_cmp expect out &&
	kontora lead processed $W &&
	test $(test_commits) = $((before + 1)) &&
	echo "lead $W: processed" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	kontora lead list --where id=$W | sed 1d | cut -f2 >title &&
	echo "С сайта" >expect &&
	test_cmp expect title &&
	test_clean
'

test_expect_success 'lead processed again: a warning, no commit' '
	before=$(test_commits) &&
	kontora lead processed $W 2>err &&
	test_grep "warning: lead $W: already processed" err &&
	test $(test_commits) = $before
'

# web: a new unprocessed lead of anna's
web () { kontora lead add --processed false --to anna "$1" 2>/dev/null; }

test_expect_success 'an edit processes it, in the same commit' '
	L=$(web Правка) &&
	before=$(test_commits) &&
	kontora lead edit $L --set comment="перезвонить" &&
	test $(test_commits) = $((before + 1)) &&
	test "$(test_lead_field $L processed)" = true &&
	git show --stat HEAD | grep -c "data/lead" >n &&
	echo 1 >expect &&
	test_cmp expect n
'

test_expect_success 'an edit that sets processed=false keeps the mark' '
	L=$(web Метка) &&
	kontora lead edit $L --set processed=false --set comment=ещё &&
	test "$(test_lead_field $L processed)" = false
'

test_expect_success 'a note on it processes it, in the note commit' '
	L=$(web Заметка) &&
	before=$(test_commits) &&
	kontora note $L --call "Дозвонились" >/dev/null &&
	test $(test_commits) = $((before + 1)) &&
	test "$(test_lead_field $L processed)" = true &&
	git log -1 --format=%s | grep -q "call: Дозвонились"
'

test_expect_success 'a task on it, a move, an assignment process it' '
	L1=$(web Задача) && L2=$(web Движение) && L3=$(web Передача) &&
	kontora task add --on $L1 --to anna --due 2026-11-24 "Перезвонить" >/dev/null &&
	kontora lead qualify $L2 &&
	kontora lead assign $L3 boris &&
	echo "true true true" >expect &&
	echo "$(test_lead_field $L1 processed) $(test_lead_field $L2 processed) $(test_lead_field $L3 processed)" >got &&
	test_cmp expect got
'

test_expect_success 'a manager notes a won unprocessed lead: the mark goes, whatever the edit lines' '
	L=$(kontora lead add --processed false --to anna --amount 100 Выигран 2>/dev/null) &&
	kontora lead won $L &&
	kontora lead edit $L --set processed=false &&
	test_expect_code 1 env KONTORA_USER=anna kontora lead edit $L --set comment=x 2>err &&
	before=$(test_commits) &&
	KONTORA_USER=anna kontora note $L "Оплатили" >/dev/null &&
	test $(test_commits) = $((before + 1)) &&
	test "$(test_lead_field $L processed)" = true
'

test_expect_success 'a task on it by someone who may not change it leaves the mark' '
	L=$(web Лаборатория) &&
	kontora employee add --login irina --name "Ирина Кузнецова" --role accountant >/dev/null &&
	KONTORA_USER=irina kontora task add --on $L --to irina --due 2026-11-24 "Посмотреть" >/dev/null &&
	test "$(test_lead_field $L processed)" = false
'

test_expect_success 'a list of processed leads shows no ★' '
	kontora lead list >all &&
	! grep -q "★ Задача" all &&
	test_grep "★ Метка" all
'

test_expect_success 'lead assign: one commit, its subject' '
	L=$(kontora lead add --to anna Передать 2>/dev/null) &&
	before=$(test_commits) &&
	kontora lead assign $L vera &&
	test $(test_commits) = $((before + 1)) &&
	echo "lead $L: assigned to vera (was anna)" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	test "$(manager $L)" = vera &&
	test_clean
'

test_expect_success 'lead assign to an unknown login fails and changes nothing' '
	before=$(test_commits) &&
	test_expect_code 1 kontora lead assign $L nobody 2>err &&
	test_grep "no employee \"nobody\"" err &&
	test $(test_commits) = $before &&
	test "$(manager $L)" = vera
'

test_expect_success 'lead assign to an inactive employee fails and changes nothing' '
	kontora employee edit boris --set active=false &&
	before=$(test_commits) &&
	test_expect_code 1 kontora lead assign $L boris 2>err &&
	test_grep "employee boris is not active" err &&
	test $(test_commits) = $before &&
	test "$(manager $L)" = vera &&
	kontora employee edit boris --set active=true
'

test_expect_success 'lead assign --dry-run writes nothing' '
	before=$(test_commits) &&
	kontora lead assign --dry-run $L anna >out &&
	printf "lead %s: assigned to anna (was vera)\nmanager: vera -> anna\n" $L >expect &&
	test_cmp expect out &&
	test $(test_commits) = $before &&
	test "$(manager $L)" = vera &&
	test_clean
'

test_expect_success 'assign works for any type with an owner: a client' '
	kontora client assign $C3 anna &&
	echo "client $C3: assigned to anna (was nobody)" >expect &&
	git log -1 --format=%s >subject &&
	test_cmp expect subject &&
	kontora client list -f csv --where id=$C3 | test_csv_get $C3 manager >m &&
	echo anna >expect &&
	test_cmp expect m
'

test_expect_success 'usage errors: missing login, unknown lead' '
	test_expect_code 2 kontora lead assign $L 2>err &&
	test_grep "usage: kontora lead processed" err &&
	test_expect_code 1 kontora lead processed LZZZZZZZ 2>err &&
	echo "kontora: error: no lead LZZZZZZZ" >expect &&
	test_cmp expect err
'

test_expect_success 'assign.rule takes round-robin, least-loaded or none' '
	test_expect_code 1 kontora config assign.rule random 2>err &&
	test_grep "not one of round-robin|least-loaded|none" err &&
	kontora config assign.rule none &&
	L=$(kontora lead add "Ничья" 2>err) &&
	test_line_count = 0 err &&
	manager $L >actual && echo >expect && test_cmp expect actual
'

test_expect_success 'least-loaded: the fewest open leads, won and lost ones do not count' '
	test_books ll &&
	(cd ll &&
	 kontora config assign.rule least-loaded &&
	 kontora employee add --login vera --name Вера --role manager >/dev/null &&
	 kontora employee add --login boris --name Борис --role manager >/dev/null &&
	 kontora lead add --to anna А1 >/dev/null && kontora lead add --to anna А2 >/dev/null &&
	 kontora lead add --to boris Б1 >/dev/null &&
	 W1=$(kontora lead add --to boris --amount 100 Б2) && kontora lead won $W1 &&
	 W2=$(kontora lead add --to boris --amount 100 Б3) && kontora lead won $W2 &&
	 kontora lead add --to vera В1 >/dev/null &&
	 L1=$(kontora lead add Новая1 2>../err1) &&
	 L2=$(kontora lead add Новая2 2>../err2) &&
	 L3=$(kontora lead add Новая3 2>../err3) &&
	 echo "kontora: lead $L1: assigned to boris (least-loaded: had 1 open lead)" >../expect1 &&
	 echo "kontora: lead $L2: assigned to vera (least-loaded: had 1 open lead)" >../expect2 &&
	 echo "kontora: lead $L3: assigned to anna (least-loaded: had 2 open leads)" >../expect3) &&
	test_cmp expect1 err1 &&
	test_cmp expect2 err2 &&
	test_cmp expect3 err3
'

test_expect_success 'lead add --new-client: a client and its lead in one commit, the lead'"'"'s phone on the client' '
	test_books nc &&
	(cd nc &&
	 before=$(test_commits) &&
	 L=$(kontora lead add --new-client "ООО Новая Химия" --phone "8 999 111 22 33" --due 2026-12-01 Концентрат 2>../err) &&
	 test $(test_commits) = $((before + 1)) &&
	 kontora client list -f csv --where "name=ООО Новая Химия" >../clients &&
	 C=$(sed -n 2p ../clients | cut -d, -f1) &&
	 test "$(test_csv_get $C phone <../clients)" = +79991112233 &&
	 test "$(test_csv_get $C manager <../clients)" = anna &&
	 kontora lead list -f csv --where id=$L >../lead &&
	 test "$(test_csv_get $L client <../lead)" = "$C" &&
	 test "$(test_csv_get $L due <../lead)" = 2026-12-01 &&
	 echo "kontora: new client $C «ООО Новая Химия», manager anna" >../expect &&
	 echo "kontora: lead $L: assigned to anna (round-robin: had 0 leads this month)" >>../expect) &&
	test_cmp expect err
'

test_expect_success 'lead add --new-client for a known phone: linked to that client, none made' '
	(cd nc &&
	 L=$(kontora lead add --new-client Дубль --phone +79991112233 Ещё 2>../err) &&
	 test "$(kontora client list -f csv | wc -l)" = 2) &&
	test_grep "«Дубль» is not added: the lead is client .* «ООО Новая Химия».s (same phone +79991112233)" err
'

test_expect_success 'lead add --new-client with --client: refused, nothing written' '
	(cd nc &&
	 before=$(test_commits) &&
	 C=$(kontora client list -f csv | sed -n 2p | cut -d, -f1) &&
	 test_expect_code 1 kontora lead add --new-client X --client $C y 2>../err &&
	 test $(test_commits) = $before) &&
	test_grep "give one of them" err
'

test_done
