#!/bin/sh
test_description='the laboratory: calc and sample requests along their workflows, the queue, who sees what'
# See kontora-lab(1), workflows/calc_request.flow and
# workflows/sample_request.flow (line numbers matter to the messages):
#   calc_request.flow:18 edit manager,director draft rework fields=...
#   calc_request.flow:19 edit lab in_work fields=formula,cost,lab_comment
# Every expected output is written by hand.  The clock is Monday
# 2026-11-23 10:00 UTC unless a test sets KONTORA_NOW.
. "$(dirname "$0")/test-lib.sh"

# field_of TYPE ID FIELD: a request's stored value (archived ones too)
field_of () { kontora $1 list --all -f csv | test_csv_get $2 $3; }

# record_of TYPE ID: the stored record, to see that nothing changed
record_of () { kontora $1 show $2 --record; }

# subjects ID: the subjects of the commits of a record's history, oldest first
subjects () { kontora log $1 | grep -v "^ " | tac; }

test_expect_success 'setup: a director, two managers, a chemist, a client, a lead, products' '
	test_books books &&
	(cd books &&
	 kontora employee add --login boris --name "Борис Главный" --role director >/dev/null &&
	 kontora employee edit anna --supervisor boris &&
	 kontora employee add --login ivan --name "Иван Сидоров" --role manager >/dev/null &&
	 kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null &&
	 kontora product add --name "Гель для посуды" --article GEL-1 >../g1 &&
	 kontora product add --name "Гель для рук" --article GEL-2 >../g2 &&
	 kontora client add --name "Ромашка" --manager anna >../c1 &&
	 kontora client add --name "Лютик" --manager ivan >../c2 &&
	 kontora lead add --title "Гель без запаха" --client $(cat ../c1) --to anna >../l1 &&
	 kontora lead add --title "Без клиента" --to anna >../l2) &&
	G1=$(cat g1) G2=$(cat g2) C1=$(cat c1) C2=$(cat c2) L1=$(cat l1) L2=$(cat l2) &&
	test -n "$G1" && test -n "$G2" && test -n "$C1" && test -n "$C2" && test -n "$L1"
'
cd books 2>/dev/null

test_expect_success 'a manager asks for a calculation from a lead: one commit, the client from the lead' '
	n=$(test_commits) &&
	KONTORA_USER=anna kontora lab calc new --lead $L1 --product посуд \
		--wishes "Без запаха, pH 7" --volume 1000 --unit кг --due 2026-11-27 >../r1 &&
	R1=$(cat ../r1) &&
	test $(test_commits) = $((n + 1)) &&
	echo "calc_request $R1: new for client $C1 «Ромашка»" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	for f in client lead product wishes volume unit urgent due status manager; do
		echo "$f=$(field_of calc_request $R1 $f)" || return 1
	done >actual &&
	cat >expect <<-EOF &&
	client=$C1
	lead=$L1
	product=$G1
	wishes=Без запаха, pH 7
	volume=1000
	unit=kg
	urgent=false
	due=2026-11-27
	status=draft
	manager=anna
	EOF
	test_cmp expect actual
'
R1=$(cat ../r1 2>/dev/null)

test_expect_success 'calc new: bad input is refused and changes nothing' '
	n=$(test_commits) &&
	test_expect_code 2 env KONTORA_USER=anna kontora lab calc new --lead $L1 --wishes x 2>err &&
	test_grep "give --lead or --client, and --product" err &&
	test_expect_code 2 env KONTORA_USER=anna kontora lab calc new --lead $L1 --client $C1 \
		--product $G1 --wishes x 2>err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc new --client $C1 --product Гель \
		--wishes x 2>err &&
	echo "kontora: error: product Гель: 2 products fit: $G1 «Гель для посуды», $G2 «Гель для рук»" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc new --client $C1 --product Мыло \
		--wishes x 2>err &&
	echo "kontora: error: product Мыло: no product has that id or name (kontora product list)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc new --lead $L2 --product $G1 \
		--wishes x 2>err &&
	echo "kontora: error: lead $L2 has no client: link one first (kontora lead edit $L2 --client C) or give --client" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc new --client $C1 --product $G1 2>err &&
	echo "kontora: error: calc_request: wishes: required" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc new --client $C1 --product $G1 \
		--wishes x --due 31.02 2>err &&
	echo "kontora: error: calc_request: due: \"31.02\" is not a valid date (2026-12-15, 15.12.2026, 15.12, сегодня, завтра, +3d, +2w)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc new --client $C1 --product $G1 \
		--wishes x --volume 0 2>err &&
	echo "kontora: error: calc_request: volume: 0 is below its least value, 1" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lead edit $L1 --amount -100 2>err &&
	echo "kontora: error: lead amount: -100 is below its least value, 0.00" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	test_clean
'

test_expect_success 'the manager sends it, the lab takes it: a commit each, both spellings' '
	n=$(test_commits) &&
	KONTORA_USER=anna kontora lab calc send $R1 &&
	KONTORA_USER=elena kontora calc_request take $R1 &&
	test $(test_commits) = $((n + 2)) &&
	echo in_work >expect &&
	field_of calc_request $R1 status >actual &&
	test_cmp expect actual
'

test_expect_success 'only the lab takes a request; the lab cannot edit the wishes (the rule named)' '
	n=$(test_commits) &&
	record_of calc_request $R1 >before &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc edit $R1 --wishes "С запахом" 2>err &&
	echo "kontora: error: calc_request $R1: lab may not edit wishes in state in_work (workflows/calc_request.flow:19 edit lab in_work fields=formula,cost,lab_comment)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc edit $R1 --wishes "С запахом" 2>err &&
	echo "kontora: error: calc_request $R1: manager may not edit wishes in state in_work (workflows/calc_request.flow:18 edit manager,director draft rework fields=client,lead,product,wishes,volume,unit,urgent,due,manager)" >expect &&
	test_cmp expect err &&
	record_of calc_request $R1 >after &&
	test_cmp before after &&
	test $(test_commits) = $n
'

test_expect_success 'finish needs the formula and the cost; then the manager gets a task for tomorrow' '
	n=$(test_commits) &&
	record_of calc_request $R1 >before &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc finish $R1 --formula "ПАВ 12%" 2>err &&
	echo "kontora: error: calc_request $R1: finish needs cost (requires=formula,cost)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc finish $R1 --cost "184,50" 2>err &&
	echo "kontora: error: calc_request $R1: finish needs formula (requires=formula,cost)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc finish $R1 --formula " " --cost "184,50" 2>err &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc finish $R1 2>err &&
	echo "kontora: error: calc_request $R1: finish needs formula, cost (requires=formula,cost)" >expect &&
	test_cmp expect err &&
	record_of calc_request $R1 >after &&
	test_cmp before after &&
	test $(test_commits) = $n &&
	test_clean &&
	KONTORA_NOW=2026-11-23T14:30:00Z KONTORA_USER=elena kontora lab calc finish $R1 \
		--formula "ПАВ 12%, отдушка 0" --cost "184,50" --lab-comment "Сырье есть" &&
	test $(test_commits) = $((n + 1)) &&
	echo "done|184.50|ПАВ 12%, отдушка 0" >expect &&
	echo "$(field_of calc_request $R1 status)|$(field_of calc_request $R1 cost)|$(field_of calc_request $R1 formula)" >actual &&
	test_cmp expect actual &&
	kontora task list -f csv --where "on=$R1" | python3 -c "
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(\"|\".join([r[\"assignee\"], r[\"due\"], r[\"rule\"], r[\"text\"]]))" >actual &&
	echo "anna|2026-11-24|workflows/calc_request.flow on done|Отправить цену клиенту" >expect &&
	test_cmp expect actual
'

test_expect_success 'a sample from a calculation that is not done is refused' '
	KONTORA_USER=anna kontora lab calc new --client $C1 --product $G2 --wishes "Для рук" >../r2 &&
	R2=$(cat ../r2) &&
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab sample new --from-calc $R2 2>err &&
	echo "kontora: error: calc_request $R2 is draft, not done: a sample is made from a finished calculation" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n
'
R2=$(cat ../r2 2>/dev/null)

test_expect_success 'a sample for a client without the shipping data is refused, naming the fields and the command' '
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab sample new --from-calc $R1 2>err &&
	echo "kontora: error: client $C1 «Ромашка» has no shipping_address, sample_recipient, sample_recipient_phone: a sample cannot be sent; fill them with: kontora client edit $C1 --shipping-address ADDRESS --sample-recipient NAME --sample-recipient-phone PHONE" >expect &&
	test_cmp expect err &&
	KONTORA_USER=anna kontora client edit $C1 --sample-recipient "Ольга Ким" \
		--sample-recipient-phone "8 916 555-44-33" &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab sample new --from-calc $R1 2>err &&
	echo "kontora: error: client $C1 «Ромашка» has no shipping_address: a sample cannot be sent; fill it with: kontora client edit $C1 --shipping-address ADDRESS" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $((n + 1))
'

test_expect_success 'once the address is filled the sample is made from the calculation' '
	KONTORA_USER=anna kontora client edit $C1 --shipping-address "Тверь, ул. Советская, 5" &&
	n=$(test_commits) &&
	KONTORA_USER=anna kontora lab sample new --from-calc $R1 --urgent >../s1 &&
	S1=$(cat ../s1) &&
	test $(test_commits) = $((n + 1)) &&
	echo "sample_request $S1: new for client $C1 «Ромашка» from $R1" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	for f in client lead product wishes formula from_calc shipping_address recipient \
		recipient_phone urgent status manager; do
		echo "$f=$(field_of sample_request $S1 $f)" || return 1
	done >actual &&
	cat >expect <<-EOF &&
	client=$C1
	lead=$L1
	product=$G1
	wishes=Без запаха, pH 7
	formula=ПАВ 12%, отдушка 0
	from_calc=$R1
	shipping_address=Тверь, ул. Советская, 5
	recipient=Ольга Ким
	recipient_phone=+79165554433
	urgent=true
	status=draft
	manager=anna
	EOF
	test_cmp expect actual
'
S1=$(cat ../s1 2>/dev/null)

test_expect_success 'the lab ships the sample only with a carrier and a tracking number' '
	KONTORA_NOW=2026-11-24T09:00:00Z KONTORA_USER=anna kontora lab sample send $S1 &&
	KONTORA_NOW=2026-11-24T10:00:00Z KONTORA_USER=elena kontora lab sample take $S1 &&
	KONTORA_NOW=2026-11-25T16:00:00Z KONTORA_USER=elena kontora lab sample ready $S1 \
		--lab-comment "Партия 25/11" &&
	n=$(test_commits) &&
	record_of sample_request $S1 >before &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab sample ship $S1 --carrier СДЭК 2>err &&
	echo "kontora: error: sample_request $S1: ship needs tracking (requires=carrier,tracking)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab sample ship $S1 --tracking 1234567890 2>err &&
	echo "kontora: error: sample_request $S1: ship needs carrier (requires=carrier,tracking)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab sample ship $S1 2>err &&
	echo "kontora: error: sample_request $S1: ship needs carrier, tracking (requires=carrier,tracking)" >expect &&
	test_cmp expect err &&
	record_of sample_request $S1 >after &&
	test_cmp before after &&
	test $(test_commits) = $n &&
	# a required field filled before the move counts as much as one given with it
	KONTORA_NOW=2026-11-26T10:00:00Z KONTORA_USER=elena kontora lab sample edit $S1 --carrier СДЭК &&
	KONTORA_NOW=2026-11-26T11:00:00Z KONTORA_USER=elena kontora lab sample ship $S1 \
		--tracking 1234567890 &&
	test $(test_commits) = $((n + 2)) &&
	echo "shipped|СДЭК|1234567890" >expect &&
	echo "$(field_of sample_request $S1 status)|$(field_of sample_request $S1 carrier)|$(field_of sample_request $S1 tracking)" >actual &&
	test_cmp expect actual &&
	KONTORA_NOW=2026-11-30T12:00:00Z KONTORA_USER=anna kontora sample_request deliver $S1 \
		--feedback "Понравился" &&
	echo "delivered|1234567890|Понравился" >expect &&
	echo "$(field_of sample_request $S1 status)|$(field_of sample_request $S1 tracking)|$(field_of sample_request $S1 feedback)" >actual &&
	test_cmp expect actual
'

test_expect_success 'shipping gives the manager a task: ask in 3 days whether the sample came' '
	kontora task list --all -f csv --where "on=$S1" | python3 -c "
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(\"|\".join([r[\"assignee\"], r[\"due\"], r[\"done\"], r[\"rule\"], r[\"text\"]]))" >actual &&
	echo "anna|2026-11-29|false|workflows/sample_request.flow on shipped|Узнать у клиента, получен ли образец" >expect &&
	test_cmp expect actual &&
	T=$(kontora task list --all -f csv --where "on=$S1" | sed -n 2p | cut -d, -f1) &&
	git log --format=%s --grep="^Kontora-Record: $T\$" >subject &&
	echo "sample_request $S1: status ready -> shipped" >expect &&
	test_cmp expect subject
'

test_expect_success 'kontora log shows the chain with time, author and status' '
	subjects $S1 >actual &&
	cat >expect <<-EOF &&
	2026-11-23 10:00  Анна Петрова <anna@example.com>  sample_request $S1: new for client $C1 «Ромашка» from $R1
	2026-11-24 09:00  Анна Петрова <anna@example.com>  sample_request $S1: status draft -> sent
	2026-11-24 10:00  Елена Орлова <elena@kontora>  sample_request $S1: status sent -> in_work
	2026-11-25 16:00  Елена Орлова <elena@kontora>  sample_request $S1: status in_work -> ready
	2026-11-26 10:00  Елена Орлова <elena@kontora>  sample_request $S1: edit carrier
	2026-11-26 11:00  Елена Орлова <elena@kontora>  sample_request $S1: status ready -> shipped
	2026-11-30 12:00  Анна Петрова <anna@example.com>  sample_request $S1: status shipped -> delivered
	EOF
	test_cmp expect actual &&
	subjects $R1 >actual &&
	cat >expect <<-EOF &&
	2026-11-23 10:00  Анна Петрова <anna@example.com>  calc_request $R1: new for client $C1 «Ромашка»
	2026-11-23 10:00  Анна Петрова <anna@example.com>  calc_request $R1: status draft -> sent
	2026-11-23 10:00  Елена Орлова <elena@kontora>  calc_request $R1: status sent -> in_work
	2026-11-23 14:30  Елена Орлова <elena@kontora>  calc_request $R1: status in_work -> done
	EOF
	test_cmp expect actual
'

test_expect_success 'rework without a reason fails and changes nothing; with one it goes back to the manager' '
	KONTORA_USER=anna kontora lab calc send $R2 &&
	n=$(test_commits) &&
	record_of calc_request $R2 >before &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc rework $R2 2>err &&
	echo "kontora: error: calc_request $R2: rework needs --reason (reason)" >expect &&
	test_cmp expect err &&
	record_of calc_request $R2 >after &&
	test_cmp before after &&
	test $(test_commits) = $n &&
	KONTORA_USER=elena kontora lab calc rework $R2 --reason "Уточните объем" &&
	echo "rework|Уточните объем" >expect &&
	echo "$(field_of calc_request $R2 status)|$(field_of calc_request $R2 reason)" >actual &&
	test_cmp expect actual &&
	KONTORA_USER=anna kontora lab calc edit $R2 --volume 200 --unit кг &&
	KONTORA_USER=anna kontora lab calc send $R2 &&
	echo sent >expect &&
	field_of calc_request $R2 status >actual &&
	test_cmp expect actual
'

test_expect_success 'a manager cannot move a request as the lab; rejected tells the supervisor' '
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=anna kontora lab calc take $R2 2>err &&
	test_grep "take is only for roles=lab" err &&
	test $(test_commits) = $n &&
	KONTORA_USER=elena kontora lab calc reject $R2 --reason "Нет сырья" &&
	kontora activity list -f csv --where "on=$R2 and kind=notice" | python3 -c "
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(\"|\".join([r[\"author\"], r[\"to\"], r[\"text\"]]))" >actual &&
	echo "elena|boris|Лаборатория отклонила заявку на расчет" >expect &&
	test_cmp expect actual
'

test_expect_success 'a manager sees only their own requests; director and lab see all' '
	KONTORA_USER=ivan kontora lab calc new --client $C2 --product $G2 --wishes "Для Лютика" >../r3 &&
	R3=$(cat ../r3) &&
	KONTORA_USER=anna kontora lab list --all -f csv | cut -d, -f1 | sort >actual &&
	printf "%s\n" id $R1 $R2 $S1 | sort >expect &&
	test_cmp expect actual &&
	KONTORA_USER=ivan kontora lab list --all -f csv | cut -d, -f1 >actual &&
	printf "%s\n" id $R3 >expect &&
	test_cmp expect actual &&
	test_expect_code 1 env KONTORA_USER=ivan kontora lab calc show $R1 >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: calc_request $R1: managers see only their own records (schemas/calc_request.schema:14 access manager own); ivan is a manager, the calc_request is anna'"'"'s" >expect &&
	test_cmp expect err &&
	for u in boris elena; do
		KONTORA_USER=$u kontora lab list --all -f csv | cut -d, -f1 | sort >actual &&
		printf "%s\n" id $R1 $R2 $R3 $S1 | sort >expect &&
		test_cmp expect actual || return 1
	done &&
	KONTORA_USER=boris kontora lab list --client $C2 -f csv | cut -d, -f1 >actual &&
	printf "%s\n" id $R3 >expect &&
	test_cmp expect actual &&
	KONTORA_USER=boris kontora lab list --status rejected -f csv | cut -d, -f1,3 >actual &&
	printf "%s\n" id,status $R2,rejected >expect &&
	test_cmp expect actual &&
	KONTORA_USER=boris kontora lab list --status delivered -f csv | cut -d, -f1,2,3 >actual &&
	printf "%s\n" id,kind,status $S1,sample,delivered >expect &&
	test_cmp expect actual &&
	test_expect_code 1 kontora lab list --status lost 2>err &&
	echo "kontora: error: --status lost: no such status of calc_request or sample_request" >expect &&
	test_cmp expect err &&
	KONTORA_USER=boris kontora lab list --product "Гель для рук" --mine -f csv >actual &&
	echo "id,kind,status,urgent,due,overdue,client,product,manager,cost,created" >expect &&
	test_cmp expect actual
'

test_expect_success 'the queue: urgent first, then the nearest due, then the oldest; overdue marked' '
	test_books ../q &&
	(cd ../q &&
	 kontora product add --name "Мыло" >gq &&
	 kontora client add --name "Ромашка" --manager anna --shipping-address "Тверь" \
		--sample-recipient "Ольга" --sample-recipient-phone "+79160000000" >cq &&
	 G=$(cat gq) C=$(cat cq) &&
	 KONTORA_NOW=2026-11-20T09:00:00Z kontora lab calc new --client $C --product $G --wishes a \
		--due 2026-11-30 >q1 &&
	 KONTORA_NOW=2026-11-20T11:00:00Z kontora lab calc new --client $C --product $G --wishes b \
		--urgent >q2 &&
	 KONTORA_NOW=2026-11-20T12:00:00Z kontora lab sample new --client $C --product $G --wishes c \
		--due 2026-11-25 >q3 &&
	 KONTORA_NOW=2026-11-20T13:00:00Z kontora lab sample new --client $C --product $G --wishes d \
		--urgent --due 2026-11-26 >q4 &&
	 KONTORA_NOW=2026-11-20T08:00:00Z kontora lab calc new --client $C --product $G --wishes e >q5 &&
	 KONTORA_NOW=2026-11-20T14:00:00Z kontora lab calc new --client $C --product $G --wishes f >q6 &&
	 KONTORA_NOW=2026-11-20T15:00:00Z kontora lab calc new --client $C --product $G --wishes g \
		--due 2026-11-20 >q7 &&
	 KONTORA_NOW=2026-11-20T16:00:00Z kontora lab calc new --client $C --product $G --wishes h \
		--urgent >q8 &&
	 kontora lab calc cancel $(cat ../q/q8) --reason "Клиент передумал" &&
	 KONTORA_USER=anna kontora lab queue --all -f csv | cut -d, -f1,2,3,4,5,6 >actual) &&
	cat >expect <<-EOF &&
	id,kind,status,urgent,due,overdue
	$(cat ../q/q4),sample,draft,true,2026-11-26,false
	$(cat ../q/q2),calc,draft,true,,false
	$(cat ../q/q7),calc,draft,false,2026-11-20,true
	$(cat ../q/q3),sample,draft,false,2026-11-25,false
	$(cat ../q/q1),calc,draft,false,2026-11-30,false
	$(cat ../q/q5),calc,draft,false,,false
	$(cat ../q/q6),calc,draft,false,,false
	EOF
	test_cmp expect ../q/actual &&
	kontora -C ../q lab queue -f json | test_json
'

test_expect_success 'the client and lead cards list the requests: status, marks, cost, comment' '
	KONTORA_USER=anna kontora lab calc new --client $C1 --product $G1 --wishes "Срочно" \
		--urgent --due 2026-11-20 >../r9 &&
	R9=$(cat ../r9) &&
	kontora client show $C1 >card &&
	sed -n "/^Заявки в лабораторию/,/^\$/p" card >lab &&
	grep "$R1 *расчет готов .*2026-11-27 .*184,50 ₽ *Сырье есть" lab &&
	grep "$R9 *черновик .*2026-11-20 *срочно, просрочена" lab &&
	kontora lead show $L1 >lcard &&
	grep "$R1 *расчет готов" lcard &&
	! grep "$R9" lcard &&
	kontora client show $C1 -f json | python3 -c "
import json, sys
card = json.load(sys.stdin)
marks = {r[\"id\"]: r[\"overdue\"] for r in card[\"lab_requests\"]}
assert marks[\"$R9\"] is True and marks[\"$R1\"] is False, marks"
'

test_expect_success 'a rejected sample tells the manager'"'"'s supervisor, in the same commit' '
	KONTORA_USER=anna kontora lab sample new --client $C1 --product $G2 --wishes "Для рук" >../s2 &&
	S2=$(cat ../s2) &&
	KONTORA_USER=anna kontora lab sample send $S2 &&
	KONTORA_USER=elena kontora lab sample take $S2 &&
	n=$(test_commits) &&
	KONTORA_NOW=2026-11-24T15:00:00Z KONTORA_USER=elena kontora lab sample reject $S2 --reason "Нет тары" &&
	test $(test_commits) = $((n + 1)) &&
	kontora activity list -f csv --where "on=$S2 and kind=notice" | python3 -c "
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(\"|\".join([r[\"author\"], r[\"to\"], r[\"at\"], r[\"text\"]]))" >actual &&
	echo "elena|boris|2026-11-24T15:00:00Z|Лаборатория отклонила заявку на образец" >expect &&
	test_cmp expect actual &&
	A=$(kontora activity list -f csv --where "on=$S2 and kind=notice" | sed -n 2p | cut -d, -f1) &&
	printf "Kontora-Record: %s\n" $S2 $A >expect &&
	git log -1 --format=%B | grep ^Kontora-Record >actual &&
	test_cmp expect actual &&
	echo "rejected|Нет тары" >expect &&
	echo "$(field_of sample_request $S2 status)|$(field_of sample_request $S2 reason)" >actual &&
	test_cmp expect actual &&
	kontora task list --all -f csv --where "on=$S2" >tasks &&
	test_line_count = 1 tasks
'

test_expect_success 'the lab sees the clients its requests name, and changes none of them' '
	C3=$(kontora client add --name "Ландыш" --manager anna) &&
	KONTORA_USER=elena kontora client list -f csv >seen &&
	grep "^$C1," seen &&
	! grep "^$C3," seen &&
	KONTORA_USER=elena kontora client show $C1 >card &&
	test_grep "Ромашка" card &&
	test_expect_code 1 env KONTORA_USER=elena kontora client show $C3 >out 2>err &&
	test_line_count = 0 out &&
	echo "kontora: error: client $C3: labs see only records named by the calc_request.client they may see or records named by the sample_request.client they may see (schemas/client.schema:13 access lab named calc_request.client, schemas/client.schema:14 access lab named sample_request.client); elena is a lab, the client is anna'"'"'s" >expect &&
	test_cmp expect err &&
	n=$(test_commits) &&
	record_of client $C1 >before &&
	test_expect_code 1 env KONTORA_USER=elena kontora client edit $C1 --phone "+7 495 000 00 00" 2>err &&
	echo "kontora: error: client $C1: labs do not change client records (they see those calc_request.client names) (schemas/client.schema:13 access lab named calc_request.client, schemas/client.schema:14 access lab named sample_request.client); elena is a lab, the client is anna'"'"'s" >expect &&
	test_cmp expect err &&
	record_of client $C1 >after &&
	test_cmp before after &&
	test $(test_commits) = $n &&
	test_clean
'

test_expect_success 'kontora check catches a request in a state the workflow does not know' '
	kontora check &&
	line=$(grep -n "^$R1," data/calc_request/2026-11.csv | cut -d: -f1) &&
	sed -i "s/^$R1,\(.*\),done,/$R1,\1,finished,/" data/calc_request/2026-11.csv &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "data/calc_request/2026-11.csv:$line: status: \"finished\" is not one of draft|sent|in_work|done|rework|rejected|cancelled" >expect &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	git checkout -q -- data &&
	kontora check
'

test_expect_success 'lab: usage errors exit 2, -h exits 0' '
	kontora lab -h >out &&
	test_grep "kontora lab queue" out &&
	test_expect_code 2 kontora lab 2>err &&
	test_expect_code 2 kontora lab nothing 2>err &&
	test_grep "lab nothing: no such subcommand" err &&
	test_expect_code 2 kontora lab calc new --from-calc $R1 --product x 2>err &&
	test_expect_code 2 kontora lab queue extra 2>err &&
	test_expect_code 2 kontora lab list --bogus 2>err
'

test_done
