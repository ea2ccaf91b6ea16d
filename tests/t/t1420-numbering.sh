#!/bin/sh
test_description='invoice issue: 20 issued at once get 1..20, no gap, no duplicate'
# Numbers are read and given under the books' write lock
# (docs/foundation.md, Commits), so issuing at once is issuing one after
# another in some order.  See kontora-invoice(1), Numbers.
. "$(dirname "$0")/test-lib.sh"

K=$(command -v kontora)

test_expect_success 'setup: 20 drafts' '
	test_books books &&
	cd books &&
	test_company &&
	C=$(kontora client add --name Ромашка --inn 7707083893) &&
	G=$(kontora product add --name Гель --price 100) &&
	i=0 &&
	while test $i -lt 20
	do
		i=$((i + 1)) &&
		kontora invoice new --client $C --line $G:$i >>drafts || return 1
	done &&
	test_line_count = 20 drafts
'
cd books 2>/dev/null

test_expect_success '20 processes issue at once: numbers 1..20, each once' '
	before=$(test_commits) || return 1
	for id in $(cat drafts)
	do
		( $K invoice issue $id >"num.$id" 2>"err.$id"; echo $? >"rc.$id" ) &
	done
	wait &&
	cat rc.* | sort -u >rcs &&
	echo 0 >expect && test_cmp expect rcs &&
	cat num.* | sort -n >got &&
	seq 1 20 >expect &&
	test_cmp expect got &&
	test $(test_commits) = $((before + 20)) &&
	kontora invoice list --all -f csv | sed 1d | cut -d, -f2 | sort -n >listed &&
	test_cmp expect listed &&
	test_clean &&
	kontora check &&
	git fsck --no-progress 2>&1 | sed -n "/error/p" >fsck && test_line_count = 0 fsck
'

test_expect_success 'each invoice holds the number its issue printed' '
	for id in $(cat drafts)
	do
		kontora invoice show $id >out &&
		test_grep "^Счет на оплату № $(cat num.$id) от 23.11.2026 ($id, issued)$" out || return 1
	done
'

test_done
