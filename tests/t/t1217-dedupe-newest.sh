#!/bin/sh
test_description='dedupe: of the clients and contacts that share a phone or e-mail, the newest'
# A web lead's phone or e-mail held by several clients (or contacts)
# links the lead to the newest of them, the least id among those added
# in the same second; a manager's, to the newest of those the manager
# may see.  The index of a client's and a contact's phone and e-mail
# holds created and id, so that the newest is read from the index alone
# (lib/index/index.c index_tail(), issue 16): the test checks that the
# plan is still the index's alone, and that the answer is the same as a
# read of the rows would give.
. "$(dirname "$0")/test-lib.sh"

# client_at TIME OWNER ARGS...: adds a client at TIME, of OWNER; prints its id.
client_at () {
	t=$1 o=$2 && shift 2 &&
	KONTORA_NOW=$t kontora client add --to "$o" "$@"
}

# least ID...: the least of the ids.
least () { printf "%s\n" "$@" | sort | sed -n 1p; }

test_expect_success 'setup: clients and contacts sharing a phone and an e-mail, added at times' '
	test_books books &&
	(cd books &&
	 kontora employee add --login petr --name "Петр Иванов" --role manager >/dev/null &&
	 client_at 2026-11-01T09:00:00Z petr --email info@shared.ru Старый >../old &&
	 client_at 2026-11-20T09:00:00Z petr --email INFO@shared.ru Второй >../tie1 &&
	 client_at 2026-11-20T09:00:00Z petr --email info@shared.ru Третий >../tie2 &&
	 client_at 2026-11-20T09:00:00Z petr --email info@shared.ru Четвёртый >../tie3 &&
	 client_at 2026-11-10T09:00:00Z petr --email info@shared.ru Средний >../mid &&
	 client_at 2026-11-15T09:00:00Z anna --email info@shared.ru --phone "+74951112233" Аннин >../anna &&
	 client_at 2026-11-05T09:00:00Z anna --email info@shared.ru Аннин-старый >../anna-old &&
	 client_at 2026-11-02T09:00:00Z petr --phone "+74951112233" Петин >../petr &&
	 client_at 2026-11-03T09:00:00Z petr Фирма >../firm &&
	 KONTORA_NOW=2026-11-04T09:00:00Z kontora contact add --client $(cat ../firm) \
		--email ivan@firm.ru "Иван Старый" >../p-old &&
	 KONTORA_NOW=2026-11-06T09:00:00Z kontora contact add --client $(cat ../firm) \
		--email ivan@firm.ru "Иван Новый" >../p-new &&
	 KONTORA_NOW=2026-11-07T09:00:00Z kontora contact add --email ivan@firm.ru "Иван Без Клиента" >/dev/null)
'
cd books 2>/dev/null

test_expect_success 'the newest client with the e-mail, the least id of a tie' '
	T=$(least $(cat ../tie1) $(cat ../tie2) $(cat ../tie3)) &&
	A=$(cat ../anna) && P=$(cat ../petr) &&
	cat >leads.csv <<-\EOF &&
	Name,Phone,Email,tranid
	Ольга,,Info@Shared.ru,1
	Пётр,8 (495) 111-22-33,,2
	EOF
	kontora import leads --source tilda leads.csv >out 2>err &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:1) client)" = $T &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:2) client)" = $A &&
	test_grep "lead $(test_lead_where external_id=tilda:1): linked to client $T .*(same email info@shared.ru)" err
'

test_expect_success 'a contact: the newest with a client, and its client' '
	cat >contact.csv <<-\EOF &&
	Name,Email,tranid
	Иван,ivan@firm.ru,3
	EOF
	kontora import leads --source tilda contact.csv >out 2>err &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:3) client)" = $(cat ../firm) &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:3) contact)" = $(cat ../p-new)
'

test_expect_success 'a manager: the newest of the clients the manager may see' '
	cat >anna.csv <<-\EOF &&
	Name,Phone,Email,tranid
	Анна,,info@shared.ru,4
	EOF
	KONTORA_USER=anna kontora import leads --source tilda anna.csv >out 2>err &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:4) client)" = $(cat ../anna) &&
	cat >petr.csv <<-\EOF &&
	Name,Phone,Email,tranid
	Петр,+7 495 111-22-33,,5
	EOF
	KONTORA_USER=petr kontora import leads --source tilda petr.csv >out 2>err &&
	test "$(test_lead_field $(test_lead_where external_id=tilda:5) client)" = $(cat ../petr)
'

test_expect_success 'lead add links as the import does' '
	T=$(least $(cat ../tie1) $(cat ../tie2) $(cat ../tie3)) &&
	L=$(kontora lead add --email info@shared.ru Звонок 2>err) &&
	test "$(test_lead_field $L client)" = $T
'

test_expect_success 'the newest is read from the index alone' '
	kontora sql -f tsv "EXPLAIN QUERY PLAN SELECT id, \"id\", created FROM client WHERE email = 1" >plan &&
	test_grep "COVERING INDEX client_email" plan &&
	kontora sql -f tsv "EXPLAIN QUERY PLAN SELECT id, \"id\", created FROM contact WHERE phone = 1" >plan &&
	test_grep "COVERING INDEX contact_phone" plan &&
	kontora sql -f tsv "EXPLAIN QUERY PLAN SELECT id, \"id\", created FROM client WHERE sample_recipient_phone = 1" >plan &&
	test_grep "COVERING INDEX client_sample_recipient_phone" plan
'

test_expect_success 'the same after a reindex' '
	kontora reindex >/dev/null &&
	T=$(least $(cat ../tie1) $(cat ../tie2) $(cat ../tie3)) &&
	L=$(kontora lead add --email info@shared.ru Ещё 2>err) &&
	test "$(test_lead_field $L client)" = $T
'

test_done
