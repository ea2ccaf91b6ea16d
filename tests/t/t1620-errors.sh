#!/bin/sh
test_description='errors that teach: a state given for a transition, a missing id, the one-line usage'
# See kontora-record(1) (Workflows) and kontora(1) (EXIT STATUS).  A
# usage error (exit 2) ends with the one line of the usage that fits the
# words typed; an unknown transition lists the transitions, each with the
# state it leads to.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a calculation sent to the lab' '
	test_books books &&
	(cd books &&
	 kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null &&
	 kontora product add --name "Гель" >../g1 &&
	 kontora client add --name Ромашка --manager anna >../c1 &&
	 KONTORA_USER=anna kontora lab calc new --client $(cat ../c1) --product $(cat ../g1) --wishes x >../r1 &&
	 KONTORA_USER=anna kontora lab calc send $(cat ../r1)) &&
	R1=$(cat r1)
'
cd books 2>/dev/null

test_expect_success 'lab calc done ID: done is a state, the transition into it is finish' '
	n=$(test_commits) &&
	test_expect_code 2 env KONTORA_USER=elena kontora lab calc done $R1 >out 2>err &&
	test_line_count = 0 out &&
	cat >expect <<-\EOF &&
	kontora: error: calc_request done: no such subcommand or transition; done is a state: the transition into it is finish
	transitions of workflows/calc_request.flow, each to the state after ->:
	  send         draft rework -> sent
	  take         sent -> in_work
	  finish       in_work -> done
	  rework       sent in_work -> rework  (--reason: reason)
	  reject       sent in_work -> rejected  (--reason: reason)
	  cancel       draft sent in_work rework -> cancelled  (--reason: reason)
	usage: kontora calc_request TRANSITION ID [--reason R] [--set FIELD=VALUE]... [--FIELD VALUE]... [--dry-run]
	EOF
	test_cmp expect err &&
	test $(test_commits) = $n
'

test_expect_success 'a state several transitions reach names them all; a word that is no state, none' '
	test_expect_code 2 kontora calc_request cancelled $R1 2>err &&
	test_grep "cancelled is a state: the transition into it is cancel$" err &&
	test_expect_code 2 kontora lead lost-it L1 2>err &&
	head -n 1 err >actual &&
	echo "kontora: error: lead lost-it: no such subcommand or transition" >expect &&
	test_cmp expect actual &&
	test_grep "^  lost  *new qualified proposal sample negotiation won -> lost  (--reason: lost_reason)$" err
'

test_expect_success 'a type without a workflow: no such subcommand and the whole usage' '
	test_expect_code 2 kontora client frobnicate 2>err &&
	test_grep "^kontora: error: client frobnicate: no such subcommand$" err &&
	test_grep "^usage: kontora TYPE add" err
'

test_expect_success 'an empty id says an id is missing' '
	test_expect_code 1 kontora lead show "" 2>err &&
	echo "kontora: error: an id is missing: give the id of a lead (or the first letters of it; kontora lead list shows them)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 env KONTORA_USER=elena kontora lab calc take "" 2>err &&
	test_grep "^kontora: error: an id is missing: give the id of a calc_request" err &&
	test_expect_code 2 env KONTORA_USER=elena kontora lab calc take 2>err &&
	cat >expect <<-\EOF &&
	kontora: error: calc_request take: an id is missing
	usage: kontora calc_request TRANSITION ID [--reason R] [--set FIELD=VALUE]... [--FIELD VALUE]... [--dry-run]
	EOF
	test_cmp expect err
'

test_expect_success 'a usage error ends with the one line of the usage that fits, the type named' '
	test_expect_code 2 kontora lead add --no-such 2>err &&
	cat >expect <<-\EOF &&
	kontora: error: --no-such: unknown option, or a missing or bad value
	usage: kontora lead add [--FIELD VALUE]... [--set FIELD=VALUE]... [--to LOGIN] [--new-client NAME] [--dry-run] [TITLE...]
	EOF
	test_cmp expect err &&
	test_expect_code 2 kontora lab calc new --no-such 2>err &&
	test_grep "^usage: kontora lab calc new (--lead ID | --client ID) --product P --wishes TEXT \[--volume N\] \[--unit U\] \[--urgent\] \[--due DATE\] \[--dry-run\]$" err &&
	test_line_count = 2 err &&
	test_expect_code 2 kontora note --no-such 2>err &&
	test_grep "^usage: kontora note ID" err &&
	test_line_count = 2 err
'

test_done
