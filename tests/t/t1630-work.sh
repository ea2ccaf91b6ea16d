#!/bin/sh
test_description='a day at work: search shows what a note is about, the lab queue shows what waits for the lab, rejects stay out of the worktree'
# See kontora-search(1), kontora-lab(1) (queue) and kontora-import(1)
# (Rejected rows).  A terminal is made with script(1).
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a client with a lead, a note on the lead, a task on the client' '
	test_books books &&
	(cd books &&
	 kontora client add --name Ромашка --manager anna >../c1 &&
	 kontora lead add --title "Гель без запаха" --client $(cat ../c1) --to anna >../l1 &&
	 kontora note $(cat ../l1) "Просили прислать образец до пятницы" >../n1 &&
	 kontora task add --on $(cat ../c1) --due +2d "Позвонить про образец" >../t1) &&
	C1=$(cat c1) L1=$(cat l1) N1=$(cat n1) T1=$(cat t1)
'
cd books 2>/dev/null

test_expect_success SCRIPT 'search on a terminal: the record a note or task is on, the words in bold' '
	on_tty "kontora search образец 2>/dev/null" >out &&
	esc=$(printf "\033") &&
	cat >expect <<-EOF &&
	Тип      Код       Название                             К записи                        Найдено
	Событие  $N1  Просили прислать образец до пятницы  Лид Гель без запаха ($L1)  Просили прислать ${esc}[1mобразец${esc}[0m до пятницы
	Задача   $T1  Позвонить про образец                Клиент Ромашка ($C1)       Позвонить про ${esc}[1mобразец${esc}[0m
	EOF
	sort expect >expect.sorted && sort out >out.sorted &&
	test_cmp expect.sorted out.sorted
'

test_expect_success SCRIPT 'search on a terminal: a word in « » or after NBSP is in bold too' '
	kontora note $C1 "Договор с «Ёлкой» и ООО$(printf "\302\240")Кедр" >n2 &&
	on_tty "kontora search ёлкой кедр 2>/dev/null" >out &&
	esc=$(printf "\033") &&
	test_grep "«${esc}\[1mЁлкой${esc}\[0m» и ООО.${esc}\[1mКедр${esc}\[0m" out
'

test_expect_success 'search piped: type, id and title, as before' '
	kontora search образец | sort >out &&
	printf "activity\t$N1\tПросили прислать образец до пятницы\ntask\t$T1\tПозвонить про образец\ntype\tid\ttitle\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the lab queue: what waits for the lab; --all every open request' '
	kontora employee add --login elena --name "Елена Орлова" --role lab >/dev/null &&
	kontora product add --name Гель >../g1 &&
	for w in draft sent taken done; do
		KONTORA_USER=anna kontora lab calc new --client $C1 --product $(cat ../g1) --wishes $w >../r-$w || return 1
	done &&
	for r in sent taken done; do KONTORA_USER=anna kontora lab calc send $(cat ../r-$r) || return 1; done &&
	for r in taken done; do KONTORA_USER=elena kontora lab calc take $(cat ../r-$r) || return 1; done &&
	KONTORA_USER=elena kontora lab calc finish $(cat ../r-done) --formula F --cost 10 &&
	kontora lab queue -f csv | cut -d, -f1,3 | sort >actual &&
	printf "$(cat ../r-sent),sent\n$(cat ../r-taken),in_work\nid,status\n" | sort >expect &&
	test_cmp expect actual &&
	kontora lab queue --all -f csv | cut -d, -f1,3 | sort >actual &&
	printf "$(cat ../r-draft),draft\n$(cat ../r-sent),sent\n$(cat ../r-taken),in_work\nid,status\n" | sort >expect &&
	test_cmp expect actual
'

test_expect_success 'import leads: the reject file beside the input, named after it, its path said' '
	mkdir -p ../in &&
	printf "name,phone\nХороший,89997770001\nБез Контактов,\n" >../in/leads.csv &&
	test_expect_code 1 kontora import leads ../in/leads.csv >out 2>err &&
	test_grep "^kontora: 1 rejected row written to $TEST_DIR/in/leads.rejected.csv\$" err &&
	test_grep "Без Контактов" ../in/leads.rejected.csv &&
	test_clean && test ! -e rejected.csv
'

test_expect_success 'an input inside the worktree: the rejects go to .git/kontora/rejected/' '
	printf "name,phone\nБез Контактов,\n" >inside.csv &&
	test_expect_code 1 kontora import leads inside.csv >out 2>err &&
	root=$(pwd -P) &&
	test_grep "written to $root/.git/kontora/rejected/inside.rejected.csv\$" err &&
	test -s .git/kontora/rejected/inside.rejected.csv &&
	rm inside.csv && test_clean
'

test_expect_success '--rejects FILE: where the user says' '
	test_expect_code 1 kontora import leads --rejects ../mine.csv ../in/leads.csv >out 2>err &&
	test_grep "written to ../mine.csv\$" err &&
	test_grep "Без Контактов" ../mine.csv &&
	test_clean
'

test_done
