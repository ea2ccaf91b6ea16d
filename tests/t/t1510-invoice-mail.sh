#!/bin/sh
test_description='kontora invoice|proposal mail: the PDF to the client through msmtp to a real SMTP server'
# See kontora-invoice(1), kontora-proposal(1).  tests/smtp-server.py
# (aiosmtpd) listens on 127.0.0.1 and saves what it receives in inbox/;
# msmtp is mail.sendmail, as in t1500-mail.sh.  What arrived is read
# back with python3's email module; the attached PDF must be, byte for
# byte, what kontora invoice pdf writes.  The clock is 2026-11-23 10:00 UTC.
. "$(dirname "$0")/test-lib.sh"

# A real SMTP server (test-lib.sh) when aiosmtpd and msmtp are here.
smtp_start

# read_mail FILE DIR: prints the envelope-free message in FILE as a
# reader sees it (decoded To and Subject, the text, each attachment's
# type and name) and saves each attachment's bytes in DIR/NAME.
read_mail () {
	mkdir -p "$2" &&
	"$PY" - "$1" "$2" <<-\EOF
	import email, email.header, email.policy, os, sys
	raw = open(sys.argv[1], "rb").read()
	m = email.message_from_bytes(raw, policy=email.policy.default)
	plain = email.message_from_bytes(raw)
	for h in ("From", "To", "Subject"):
	    print("%s: %s" % (h, email.header.make_header(email.header.decode_header(plain[h]))))
	for p in m.walk():
	    if p.get_content_type() == "text/plain":
	        print(p.get_content(), end="")
	    elif p.get_filename():
	        print("file:", p.get_content_type(), p.get_filename())
	        open(os.path.join(sys.argv[2], p.get_filename()), "wb").write(p.get_payload(decode=True))
	EOF
}

# inbox_count: the number of messages the server has received.
inbox_count () { ls "$TEST_DIR/inbox" | grep -c '\.eml$'; }

test_expect_success 'setup: company, a client with an e-mail, a lead, an issued invoice' '
	test_books books &&
	cd books &&
	test_company &&
	kontora config mail.from "Батискаф <sales@batiskaf.ru>" &&
	kontora employee add --login lena --name "Лена Лабова" --role lab >/dev/null &&
	C=$(kontora client add --name Ромашка --legal-name "ООО «Ромашка»" --inn 7707083893 \
		--kpp 773601001 --email buh@romashka.ru --to anna) &&
	C2=$(kontora client add --name Лютик --inn 7736050003 --to anna) &&
	L=$(kontora lead add --name "Ромашка, гель" --phone +79161234567 2>/dev/null) &&
	G=$(kontora product add --name "Гель для посуды 5 л" --price 1000 --unit pcs) &&
	I=$(kontora invoice new --client $C --lead $L --line $G:10) &&
	D=$(kontora invoice new --client $C --line $G:1) &&
	I2=$(kontora invoice new --client $C2 --line $G:1) &&
	kontora invoice issue $I >/dev/null &&
	kontora invoice issue $I2 >/dev/null &&
	P=$(kontora proposal new --client $C --line $G:3) &&
	echo "$C $C2 $L $I $D $I2 $P" >../ids
'
cd books 2>/dev/null
read C C2 L I D I2 P <../ids 2>/dev/null

test_expect_success SMTP 'setup: the SMTP server listens; msmtp is mail.sendmail' '
	for i in $(seq 100); do
		test -s "$TEST_DIR/port" && break
		sleep 0.1
	done &&
	port=$(cat "$TEST_DIR/port") &&
	kontora config mail.sendmail \
		"msmtp --host=127.0.0.1 --port=$port --auth=off --tls=off --read-envelope-from -t"
'

test_expect_success SMTP 'invoice mail: the PDF to the client, one commit with an activity on client and lead' '
	before=$(test_commits) &&
	kontora invoice mail $I >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test $(inbox_count) = 1 &&
	printf "from sales@batiskaf.ru\nto buh@romashka.ru\n" >expect &&
	test_cmp expect "$TEST_DIR/inbox/1.env" &&
	read_mail "$TEST_DIR/inbox/1.eml" ../got >actual &&
	cat >expect <<-\EOF &&
	From: Батискаф <sales@batiskaf.ru>
	To: buh@romashka.ru
	Subject: Счет на оплату № 1 от 23.11.2026 на сумму 10 000,00 руб.
	Здравствуйте!

	Направляем счет на оплату № 1 от 23 ноября 2026 г. на сумму 10 000,00 руб.
	(Десять тысяч рублей 00 копеек). Счет во вложении.

	С уважением,
	Батискаф
	file: application/pdf Счет-1.pdf
	EOF
	test_cmp expect actual &&
	kontora invoice pdf $I -o ../invoice.pdf 2>/dev/null &&
	cmp ../invoice.pdf ../got/Счет-1.pdf &&
	test $(test_commits) = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "invoice $I: № 1 mailed to buh@romashka.ru" &&
	kontora activity list -f csv >acts &&
	test "$(grep -c ",email," acts)" = 2 &&
	grep "^A[^,]*,$C,email,\"Счет на оплату № 1 от 23.11.2026 на сумму 10 000,00 руб. (invoice $I) → buh@romashka.ru\",2026-11-23T10:00:00Z,test," acts &&
	grep "^A[^,]*,$L,email," acts &&
	test_clean
'

test_expect_success SMTP '--to sends elsewhere; a client without a lead gets one activity' '
	before=$(test_commits) &&
	kontora invoice mail $I2 --to "Бухгалтерия <buh@lutik.ru>" 2>err &&
	test_line_count = 0 err &&
	test $(inbox_count) = 2 &&
	printf "from sales@batiskaf.ru\nto buh@lutik.ru\n" >expect &&
	test_cmp expect "$TEST_DIR/inbox/2.env" &&
	test $(test_commits) = $((before + 1)) &&
	kontora activity list -f csv >acts &&
	grep -c ",$C2,email," acts >n &&
	echo 1 >expect && test_cmp expect n
'

test_expect_success SMTP 'proposal mail: a sent proposal, its own wording and file name' '
	kontora proposal send $P >/dev/null &&
	kontora proposal mail $P 2>/dev/null &&
	test $(inbox_count) = 3 &&
	read_mail "$TEST_DIR/inbox/3.eml" ../got3 >actual &&
	test_grep "^Subject: Коммерческое предложение № 1 от 23.11.2026$" actual &&
	test_grep "^file: application/pdf КП-1.pdf$" actual
'

test_expect_success 'a failing sendmail: exit 1, the reason said, nothing recorded' '
	kontora config mail.sendmail "exit 75" &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora invoice mail $I 2>err &&
	test_grep "^kontora: error: invoice $I: not sent, nothing recorded: .*exited with status 75" err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test_clean
'

test_expect_success 'refused: a draft, no e-mail, a cancelled invoice; nothing sent or recorded' '
	kontora config mail.sendmail "cat >>../sent.eml" &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora invoice mail $D 2>err &&
	test_grep "^kontora: error: invoice $D is a draft (draft): issue it first (kontora invoice issue $D)$" err &&
	test_expect_code 1 kontora invoice mail $I2 2>err &&
	test_grep "^kontora: error: invoice $I2: client $C2 has no e-mail; set it (kontora client edit $C2 --email ADDR) or give --to ADDR$" err &&
	test_expect_code 1 kontora invoice mail NOSUCH 2>err &&
	test_grep "no record NOSUCH" err &&
	test_expect_code 1 kontora proposal mail $I 2>err &&
	test_grep "is of type invoice; use kontora invoice mail" err &&
	test_expect_code 2 kontora invoice mail 2>err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	kontora invoice cancel $I2 --reason "ошибка" >/dev/null &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora invoice mail $I2 --to a@b.ru 2>err &&
	test_grep "invoice $I2 is cancelled: it is not mailed" err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	! test -e ../sent.eml
'

test_expect_success 'access: the lab, which may not read invoices, mails none' '
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 env KONTORA_USER=lena kontora invoice mail $I --to a@b.ru 2>err &&
	test_grep "^kontora: error: invoice $I: labs neither see nor change invoice records (schemas/invoice.schema:[0-9]* access lab none); lena is a lab" err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	! test -e ../sent.eml
'

test_expect_success '--dry-run prints the message, sends and records nothing' '
	before=$(git rev-parse HEAD) &&
	kontora invoice mail $I --dry-run >msg &&
	test_grep "^To: buh@romashka.ru$" msg &&
	test_grep "^Content-Type: application/pdf" msg &&
	test "$(git rev-parse HEAD)" = "$before" &&
	! test -e ../sent.eml
'

test_expect_success 'kontora invoice mail -h: the usage on stdout, exit 0' '
	kontora invoice mail -h >out &&
	test_grep "kontora invoice mail ID" out
'

# cron mails what a job prints: the line that says where a document
# went is for a terminal only.
test_expect_success SCRIPT 'on a terminal, invoice mail says where it went' '
	on_tty "kontora invoice mail $I --to \"Бухгалтерия <buh@romashka.ru>\" --to dir@romashka.ru" >out &&
	test_grep "^kontora: invoice $I № 1 sent to Бухгалтерия <buh@romashka.ru>, dir@romashka.ru$" out &&
	test_grep "dir@romashka.ru" ../sent.eml
'

test_expect_success SMTP 'stop the SMTP server' 'smtp_stop'

test_done
