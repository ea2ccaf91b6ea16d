#!/bin/sh
test_description='workflows: kontora TYPE move and transitions (kontora-flow(5))'
# The default books have workflows/lead.flow, the sales funnel.  Every
# expected output here is written by hand.
# Decisions where the docs are silent:
# - a committed flow file that does not parse does not stop the books from
#   opening (kontora check must be able to report it); a move of that type
#   then fails with the parse error;
# - a value of the state field that is not a valid value of the field (a
#   dict id the dictionary lacks) gets the field's own problem only, not a
#   second one about the workflow.
. "$(dirname "$0")/test-lib.sh"

# shard_of ID: the file a lead created in 2026-11 lives in
shard_of () { echo data/lead/2026-11/$(echo $1 | cut -c1-2).csv; }

# field_of ID FIELD: a lead's value from its CSV row (archived too)
field_of () { kontora lead list --all -f csv | test_csv_get $1 $2; }

test_expect_success 'setup' '
	test_books books &&
	kontora -C books employee add --login elena --name "Елена Лаб" \
		--email elena@example.com --role director >/dev/null
'
cd books 2>/dev/null

test_expect_success 'the default books ship workflows/lead.flow and the lab'"'"'s' '
	test -f workflows/lead.flow &&
	git ls-files workflows >actual &&
	printf "%s\n" workflows/calc_request.flow workflows/invoice.flow workflows/lead.flow \
		workflows/proposal.flow workflows/sample_request.flow >expect &&
	test_cmp expect actual &&
	kontora check
'

test_expect_success 'a new lead is in stage new (and goes to anna, the only manager)' '
	L=$(kontora lead add --title "Поставка гелей") &&
	echo new >expect &&
	field_of $L stage >actual &&
	test_cmp expect actual
'

test_expect_success 'qualify: one commit, subject names the move, the task of "on qualified"' '
	n=$(test_commits) &&
	kontora lead qualify $L &&
	test $(test_commits) = $((n + 1)) &&
	echo "lead $L: stage new -> qualified" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	T=$(kontora task list -f csv --where on=$L | sed 1d | cut -d, -f1) &&
	cat >expect <<-EOF &&
	lead $L: stage new -> qualified

	stage: new -> qualified
	id: $T
	text: Подготовить КП
	on: $L
	assignee: anna
	due: 2026-11-25
	done: false
	rule: workflows/lead.flow on qualified
	created: 2026-11-23T10:00:00Z

	Kontora-Command: lead qualify
	Kontora-Record: $L
	Kontora-Record: $T

	EOF
	git log -1 --format=%B >actual &&
	test_cmp expect actual &&
	test_clean
'

test_expect_success 'a forbidden move fails, names what is allowed, changes nothing' '
	n=$(test_commits) &&
	f=$(shard_of $L) &&
	cp $f before &&
	test_expect_code 1 kontora lead move $L negotiation 2>err &&
	echo "kontora: error: lead $L: no transition from qualified to negotiation (allowed: propose, sample, won, lost)" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	cmp before $f &&
	test_clean
'

test_expect_success 'a forbidden move from new names the transitions from new' '
	L2=$(kontora lead add --title Второй) &&
	test_expect_code 1 kontora lead move $L2 negotiation 2>err &&
	echo "kontora: error: lead $L2: no transition from new to negotiation (allowed: qualify, propose, won, lost)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora lead negotiate $L2 2>err &&
	echo "kontora: error: lead $L2: no transition negotiate from new (allowed: qualify, propose, won, lost)" >expect &&
	test_cmp expect err
'

test_expect_success 'a state that is none' '
	test_expect_code 1 kontora lead move $L2 nowhere 2>err &&
	echo "kontora: error: lead: \"nowhere\" is not a state of workflows/lead.flow (new, qualified, proposal, sample, negotiation, won, lost)" >expect &&
	test_cmp expect err
'

test_expect_success 'propose without amount fails naming amount' '
	n=$(test_commits) &&
	test_expect_code 1 kontora lead propose $L 2>err &&
	echo "kontora: error: lead $L: propose needs amount (requires=amount)" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n
'

test_expect_success 'propose with --amount: one commit setting both' '
	n=$(test_commits) &&
	kontora lead propose $L --amount "480 000" &&
	test $(test_commits) = $((n + 1)) &&
	echo "lead $L: stage qualified -> proposal" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	printf "proposal\n480000.00\n" >expect &&
	{ field_of $L stage && field_of $L amount; } >actual &&
	test_cmp expect actual
'

test_expect_success 'move by state name, and by the dictionary entry name' '
	kontora lead move $L sample &&
	echo "lead $L: stage proposal -> sample" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	kontora lead move $L Переговоры &&
	echo "lead $L: stage sample -> negotiation" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual
'

test_expect_success '--dry-run changes nothing' '
	n=$(test_commits) &&
	cp $(shard_of $L) before &&
	kontora lead lost $L --reason price --dry-run >actual &&
	sed "s/^id: A.*/id: A/" actual >actual.ids &&
	cat >expect <<-EOF &&
	stage: negotiation -> lost
	lost_reason: -> price
	closed: -> lost
	id: A
	on: $L
	kind: notice
	text: Лид проигран
	at: 2026-11-23T10:00:00Z
	author: test
	created: 2026-11-23T10:00:00Z
	EOF
	test_cmp expect actual.ids &&
	test $(test_commits) = $n &&
	cmp before $(shard_of $L) &&
	test_clean
'

test_expect_success 'lost without --reason fails' '
	n=$(test_commits) &&
	test_expect_code 1 kontora lead lost $L 2>err &&
	echo "kontora: error: lead $L: lost needs --reason (lost_reason)" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n
'

test_expect_success 'lost --reason with a value the dictionary lacks fails' '
	test_expect_code 1 kontora lead lost $L --reason "очень дорого" 2>err &&
	echo "kontora: error: lead $L: lost_reason: \"очень дорого\" is not in dicts/refusal_reason.csv" >expect &&
	test_cmp expect err
'

test_expect_success 'lost --reason price stores the reason and closed=lost' '
	n=$(test_commits) &&
	kontora lead lost $L --reason Дорого &&
	test $(test_commits) = $((n + 1)) &&
	A=$(kontora activity list -f csv --where "on=$L and kind=notice" | sed 1d | cut -d, -f1) &&
	cat >expect <<-EOF &&
	lead $L: stage negotiation -> lost

	stage: negotiation -> lost
	lost_reason: -> price
	closed: -> lost
	id: $A
	on: $L
	kind: notice
	text: Лид проигран
	at: 2026-11-23T10:00:00Z
	author: test
	created: 2026-11-23T10:00:00Z

	Kontora-Command: lead lost
	Kontora-Record: $L
	Kontora-Record: $A

	EOF
	git log -1 --format=%B >actual &&
	test_cmp expect actual &&
	printf "lost\nprice\nlost\n" >expect &&
	{ field_of $L stage && field_of $L lost_reason && field_of $L closed; } >actual &&
	test_cmp expect actual
'

test_expect_success 'a lead takes no --reason where the move has none' '
	test_expect_code 1 kontora lead qualify $L2 --reason price 2>err &&
	echo "kontora: error: lead $L2: qualify takes no --reason" >expect &&
	test_cmp expect err
'

test_expect_success 'archived leads are hidden from lists unless --all' '
	kontora lead list -f csv >out &&
	test_grep "^$L2," out &&
	! grep "^$L," out &&
	kontora list lead -f csv >out &&
	! grep "^$L," out &&
	kontora lead list --all -f csv >out &&
	test_grep "^$L," out &&
	kontora list lead --all --where "stage=lost" -f tsv >out &&
	test_grep "^$L	" out
'

test_expect_success 'reopen brings it back to new and clears closed' '
	kontora lead reopen $L &&
	echo "lead $L: stage lost -> new" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	printf "new\n\n" >expect &&
	{ field_of $L stage && field_of $L closed; } >actual &&
	test_cmp expect actual &&
	kontora lead list -f csv >out &&
	test_grep "^$L," out
'

test_expect_success 'won needs amount; with it, closed=won' '
	test_expect_code 1 kontora lead won $L2 2>err &&
	echo "kontora: error: lead $L2: won needs amount (requires=amount)" >expect &&
	test_cmp expect err &&
	kontora lead won $L2 --amount 1000 &&
	echo "lead $L2: stage new -> won" >expect &&
	git log -1 --format=%s >actual &&
	test_cmp expect actual &&
	printf "won\n1000.00\nwon\n" >expect &&
	{ field_of $L2 stage && field_of $L2 amount && field_of $L2 closed; } >actual &&
	test_cmp expect actual &&
	kontora lead list -f csv >out &&
	! grep "^$L2," out
'

test_expect_success 'the state field is changed only by moves' '
	test_expect_code 1 kontora lead move $L qualified --set stage=won 2>err &&
	echo "kontora: error: lead $L: stage: changed only by moving the lead" >expect &&
	test_cmp expect err
'

test_expect_success '-h lists the transitions' '
	kontora lead move -h >out &&
	test_grep "^  qualify      new -> qualified$" out &&
	test_grep "^  lost         new qualified proposal sample negotiation won -> lost  (--reason: lost_reason)$" out &&
	kontora lead won -h >out &&
	test_grep "^usage: kontora lead move ID STATE" out
'

test_expect_success 'a type without a workflow has no move' '
	C=$(kontora client add --name Ромашка) &&
	test_expect_code 2 kontora client move $C new 2>err &&
	test_grep "^kontora: error: client move: no such subcommand$" err
'

test_expect_success 'roles: an employee whose role is not listed is refused' '
	cp workflows/lead.flow orig.flow &&
	sed "s/^transition qualify    new -> qualified\$/& roles=manager/" workflows/lead.flow >new &&
	mv new workflows/lead.flow &&
	test_grep "roles=manager" workflows/lead.flow &&
	git commit -q -m "qualify: managers only" workflows/lead.flow &&
	L3=$(kontora lead add --title Третий --to anna) &&
	n=$(test_commits) &&
	test_expect_code 1 env KONTORA_USER=elena kontora lead qualify $L3 2>err &&
	echo "kontora: error: lead $L3: qualify is only for roles=manager (workflows/lead.flow:7); elena is director" >expect &&
	test_cmp expect err &&
	test $(test_commits) = $n &&
	KONTORA_USER=anna kontora lead qualify $L3 &&
	kontora lead reopen $L2 &&
	KONTORA_USER=test kontora lead qualify $L2 &&
	test $(test_commits) = $((n + 3)) &&
	cp orig.flow workflows/lead.flow &&
	git commit -q -m "qualify: anyone" workflows/lead.flow &&
	kontora check
'

test_expect_success 'a bad flow file committed by hand: check names file:line' '
	cp workflows/lead.flow good.flow &&
	echo "transition bogus new -> nowhere" >>workflows/lead.flow &&
	git commit -q -m "a bad flow" workflows/lead.flow &&
	test_expect_code 1 kontora check >out 2>err &&
	echo "workflows/lead.flow:25: transition: \"nowhere\" is not one of the states (line 4)" >expect &&
	test_cmp expect out &&
	echo "kontora: 1 problem" >expect &&
	test_cmp expect err &&
	test_expect_code 1 kontora lead qualify $L 2>err &&
	echo "kontora: error: workflows/lead.flow:25: transition: \"nowhere\" is not one of the states (line 4)" >expect &&
	test_cmp expect err &&
	cp good.flow workflows/lead.flow &&
	git commit -q -m "the flow again" workflows/lead.flow &&
	kontora check
'

test_expect_success 'check: states missing from the dictionary, unreachable states' '
	sed "s/^states   new qualified/states   new limbo qualified/" workflows/lead.flow >workflows/lead.flow.new &&
	mv workflows/lead.flow.new workflows/lead.flow &&
	test_expect_code 1 kontora check >out &&
	cat >expect <<-\EOF &&
	workflows/lead.flow:4: states: "limbo" is not in dicts/funnel_stage.csv
	workflows/lead.flow:4: states: "limbo" is unreachable: no transition leads to it
	EOF
	test_cmp expect out &&
	git checkout -- workflows/lead.flow &&
	kontora check
'

test_expect_success 'check: a flow for an unknown type, an unknown field' '
	printf "flow ghost\n" >workflows/ghost.flow &&
	printf "flow lead\nfield colour\n" >workflows/other.flow &&
	test_expect_code 1 kontora check >out &&
	cat >expect <<-\EOF &&
	workflows/ghost.flow:1: flow: no type "ghost" (schemas/ghost.schema)
	workflows/other.flow:1: flow: the flow of lead belongs in workflows/lead.flow
	EOF
	test_cmp expect out &&
	rm workflows/ghost.flow workflows/other.flow
'

test_expect_success 'a lead with stage nova committed by hand is reported' '
	kontora dict add funnel_stage nova Нова >/dev/null &&
	f=$(shard_of $L2) &&
	sed "s/^\($L2,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,\)[a-z]*,/\1nova,/" $f >new &&
	mv new $f &&
	test_grep "^$L2,.*,nova," $f &&
	git commit -q -m "by hand" $f &&
	line=$(grep -n "^$L2," $f | cut -d: -f1) &&
	test_expect_code 1 kontora check >out &&
	echo "$f:$line: stage: \"nova\" is not a state of workflows/lead.flow" >expect &&
	test_cmp expect out &&
	test_expect_code 1 kontora lead qualify $L2 2>err &&
	echo "kontora: error: lead $L2: no transition qualify from nova (allowed: none)" >expect &&
	test_cmp expect err
'

test_done
