#!/bin/sh
test_description='kontora mail: files and a text through msmtp to a real SMTP server'
# See kontora-mail(1).  tests/smtp-server.py (aiosmtpd) listens on
# 127.0.0.1 at a port the system picks and saves what it receives in
# inbox/; msmtp is mail.sendmail.  What arrived is read back with
# python3's email module, as a mail reader reads it.  The PDF is
# tests/fixtures/mail/report.pdf; the XLSX is one kontora writes.
. "$(dirname "$0")/test-lib.sh"

# A real SMTP server (test-lib.sh) when aiosmtpd and msmtp are here.
smtp_start
test "$(id -u)" != 0 && test_set_prereq NOT_ROOT


# read_mail FILE: prints the message in FILE as a reader sees it (headers
# decoded, each part's type, disposition, file name and encoding, the
# text), and saves each attachment's bytes in $TEST_DIR/got/NAME.  The
# headers are decoded by email.header as RFC 2047 says: the parser of
# email.policy.default keeps the folding space between two encoded words
# of a display name ("«Батискаф»,  Красногорск"), which the RFC drops.
read_mail () {
	mkdir -p "$TEST_DIR/got" &&
	"$PY" - "$1" "$TEST_DIR/got" <<-\EOF
	import email, email.header, email.policy, os, re, sys
	raw = open(sys.argv[1], "rb").read()
	m = email.message_from_bytes(raw, policy=email.policy.default)
	plain = email.message_from_bytes(raw)
	print("7bit:", all(b < 128 for b in raw))
	for h in ("From", "To", "Cc", "Subject", "Date", "MIME-Version"):
	    v = plain[h]
	    print("%s: %s" % (h, v and email.header.make_header(email.header.decode_header(v))))
	print("Message-ID:", bool(re.fullmatch(r"<[^<>@ ]+@[^<>@ ]+>", m["Message-ID"])))
	for p in m.walk():
	    print("part:", p.get_content_type(), p.get_param("charset"), p.get_content_disposition(),
	          p.get_filename(), p["Content-Transfer-Encoding"])
	    if p.get_content_type() == "text/plain":
	        print(p.get_content(), end="")
	    elif p.get_filename():
	        open(os.path.join(sys.argv[2], p.get_filename()), "wb").write(p.get_payload(decode=True))
	EOF
}

# inbox_count: the number of messages the server has received.
inbox_count () { ls "$TEST_DIR/inbox" | grep -c '\.eml$'; }

test_expect_success 'setup: books, a PDF, an XLSX kontora writes, a text' '
	test_books books &&
	cd books &&
	kontora client add --name "Ёлка" --inn 7707083893 >/dev/null &&
	kontora client list -f xlsx -o ../Клиенты.xlsx &&
	cp "$TEST_FIXTURES/mail/report.pdf" "../Воронка, неделя 47.pdf" &&
	kontora config mail.from "Батискаф <robot@batiskaf.ru>" &&
	printf "Добрый день!\nОтчёт и список клиентов во вложении.\n" >../body.txt
'
cd books 2>/dev/null
pdf="../Воронка, неделя 47.pdf"

test_expect_success SMTP 'setup: the SMTP server listens; msmtp is mail.sendmail' '
	for i in $(seq 100); do
		test -s "$TEST_DIR/port" && break
		sleep 0.1
	done &&
	port=$(cat "$TEST_DIR/port") &&
	kontora config mail.sendmail \
		"msmtp --host=127.0.0.1 --port=$port --auth=off --tls=off --read-envelope-from -t"
'

test_expect_success SMTP 'a PDF and an XLSX go, quietly, to every To and Cc; no commit' '
	head=$(git rev-parse HEAD) &&
	kontora mail --to "Директор <director@batiskaf.ru>" --to anna@example.com \
		--cc boss@batiskaf.ru --subject "Отчёт по воронке — неделя 47" \
		--body ../body.txt "$pdf" ../Клиенты.xlsx >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err &&
	test $(git rev-parse HEAD) = $head &&
	test_clean &&
	test $(inbox_count) = 1 &&
	cat >expect <<-\EOF &&
	from robot@batiskaf.ru
	to director@batiskaf.ru
	to anna@example.com
	to boss@batiskaf.ru
	EOF
	test_cmp expect "$TEST_DIR/inbox/1.env"
'

test_expect_success SMTP 'what arrived: Cyrillic headers, the text, the parts typed and named' '
	read_mail "$TEST_DIR/inbox/1.eml" >actual &&
	cat >expect <<-\EOF &&
	7bit: True
	From: Батискаф <robot@batiskaf.ru>
	To: Директор <director@batiskaf.ru>, anna@example.com
	Cc: boss@batiskaf.ru
	Subject: Отчёт по воронке — неделя 47
	Date: Mon, 23 Nov 2026 10:00:00 +0000
	MIME-Version: 1.0
	Message-ID: True
	part: multipart/mixed None None None None
	part: text/plain utf-8 None None base64
	Добрый день!
	Отчёт и список клиентов во вложении.
	part: application/pdf None attachment Воронка, неделя 47.pdf base64
	part: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet None attachment Клиенты.xlsx base64
	EOF
	test_cmp expect actual
'

test_expect_success SMTP 'each attachment arrived byte for byte' '
	cmp "$pdf" "../got/Воронка, неделя 47.pdf" &&
	cmp ../Клиенты.xlsx ../got/Клиенты.xlsx
'

test_expect_success SMTP 'the headers say it in RFC 2047 and the names in RFC 2231, UTF-8' '
	grep "^Subject: =?UTF-8?B?" "$TEST_DIR/inbox/1.eml" &&
	grep "filename\*0\*=UTF-8'"''"'%D0%92%D0%BE%D1%80" "$TEST_DIR/inbox/1.eml" &&
	grep "filename\*=UTF-8'"''"'%D0%9A%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D1%8B.xlsx" \
		"$TEST_DIR/inbox/1.eml"
'

test_expect_success SMTP 'a CSV is text/csv; without --subject the files name the message' '
	kontora client list -f csv >../clients.csv &&
	kontora mail --to anna@example.com ../clients.csv "$pdf" &&
	test $(inbox_count) = 2 &&
	read_mail "$TEST_DIR/inbox/2.eml" >actual &&
	grep -e "^Subject" -e "^part" actual >actual.parts &&
	cat >expect <<-\EOF &&
	Subject: clients.csv, Воронка, неделя 47.pdf
	part: multipart/mixed None None None None
	part: text/csv utf-8 attachment clients.csv base64
	part: application/pdf None attachment Воронка, неделя 47.pdf base64
	EOF
	test_cmp expect actual.parts &&
	cmp ../clients.csv ../got/clients.csv
'

test_expect_success SMTP 'another file is application/octet-stream; --body - reads the text' '
	printf "\000\001\002 not text" >../data.bin &&
	echo "Из cron." | kontora mail --to anna@example.com --subject Данные --body - ../data.bin &&
	test $(inbox_count) = 3 &&
	read_mail "$TEST_DIR/inbox/3.eml" >actual &&
	grep -e "^part" -e "^Из" actual >actual.parts &&
	cat >expect <<-\EOF &&
	part: multipart/mixed None None None None
	part: text/plain utf-8 None None base64
	Из cron.
	part: application/octet-stream None attachment data.bin base64
	EOF
	test_cmp expect actual.parts &&
	cmp ../data.bin ../got/data.bin
'

test_expect_success SMTP '--dry-run writes the message to stdout and runs no sendmail' '
	kontora mail --dry-run --to "Директор <director@batiskaf.ru>" --to anna@example.com \
		--cc boss@batiskaf.ru --subject "Отчёт по воронке — неделя 47" \
		--body ../body.txt "$pdf" ../Клиенты.xlsx >dry.eml &&
	test $(inbox_count) = 3 &&
	read_mail "$TEST_DIR/inbox/1.eml" >sent &&
	read_mail dry.eml >dry &&
	test_cmp sent dry &&
	kontora config mail.sendmail "touch ran" &&
	kontora mail --dry-run --to anna@example.com "$pdf" >/dev/null &&
	test ! -e ran &&
	kontora config mail.sendmail \
		"msmtp --host=127.0.0.1 --port=$port --auth=off --tls=off --read-envelope-from -t"
'

test_expect_success 'a sendmail that fails: exit 1, "mail not sent" with its status' '
	kontora config mail.sendmail false &&
	test_expect_code 1 kontora mail --to anna@example.com "$pdf" 2>err &&
	echo "kontora: error: mail not sent: \"false\" exited with status 1" >expect &&
	test_cmp expect err
'

test_expect_success 'a sendmail that is not there: exit 1, said' '
	kontora config mail.sendmail "/nonexistent/sendmail -t -i" &&
	test_expect_code 1 kontora mail --to anna@example.com "$pdf" 2>err &&
	echo "kontora: error: mail not sent: \"/nonexistent/sendmail -t -i\": command not found (exit 127)" >expect &&
	tail -n 1 err >actual &&
	test_cmp expect actual
'

test_expect_success SMTP 'msmtp at a closed port: exit 1, msmtp says why, nothing arrives' '
	closed=$("$PY" -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	cmd="msmtp --host=127.0.0.1 --port=$closed --auth=off --tls=off --read-envelope-from -t" &&
	kontora config mail.sendmail "$cmd" &&
	test_expect_code 1 kontora mail --to anna@example.com "$pdf" 2>err &&
	test_grep "^msmtp: cannot connect to 127.0.0.1, port $closed" err &&
	echo "kontora: error: mail not sent: \"$cmd\" exited with status 75" >expect &&
	tail -n 1 err >actual &&
	test_cmp expect actual &&
	test $(inbox_count) = 3 &&
	kontora config mail.sendmail \
		"msmtp --host=127.0.0.1 --port=$port --auth=off --tls=off --read-envelope-from -t"
'

# refused CODE MESSAGE ARGS...: kontora mail ARGS exits CODE, its first
# line on stderr is MESSAGE, and nothing arrives.
refused () {
	code=$1 message=$2 &&
	shift 2 &&
	before=$(inbox_count) &&
	test_expect_code $code kontora mail "$@" 2>err &&
	echo "$message" >expect &&
	head -n 1 err >actual &&
	test_cmp expect actual &&
	test $(inbox_count) = $before
}

test_expect_success SMTP 'a file that is missing: exit 1 naming it, nothing sent' '
	refused 1 "kontora: error: ../nope.xlsx: No such file or directory" \
		--to anna@example.com "$pdf" ../nope.xlsx &&
	refused 1 "kontora: error: .git: not a regular file" --to anna@example.com .git
'

test_expect_success SMTP,NOT_ROOT 'a file that cannot be read: exit 1 naming it' '
	cp "$pdf" ../secret.pdf &&
	chmod 000 ../secret.pdf &&
	refused 1 "kontora: error: ../secret.pdf: Permission denied" --to anna@example.com ../secret.pdf
'

test_expect_success SMTP 'an address that is none: exit 1 naming it, nothing sent' '
	refused 1 "kontora: error: To: \"anna@\": not an e-mail address" --to anna@ "$pdf" &&
	refused 1 "kontora: error: To: \"bad\": not an e-mail address" \
		--to "anna@example.com, bad" "$pdf" &&
	refused 1 "kontora: error: To: \"Иван Петров\": not an e-mail address" \
		--to anna@example.com --to "Иван Петров" "$pdf" &&
	refused 1 "kontora: error: Cc: \"boss@@batiskaf.ru\": not an e-mail address" \
		--to anna@example.com --cc boss@@batiskaf.ru "$pdf" &&
	refused 1 "kontora: error: To: \"a@b..ru\": not an e-mail address" --to "x@y.ru; a@b..ru" "$pdf"
'

test_expect_success SMTP 'a subject of two lines, a text not UTF-8: exit 1, nothing sent' '
	refused 1 "kontora: error: Subject: a line break or control character in \"Счёт" \
		--to anna@example.com --subject "Счёт
Bcc: all@example.com" "$pdf" &&
	printf "\320\236\321\202\321" >../cut.txt &&
	refused 1 "kontora: error: --body ../cut.txt: not UTF-8 (byte 5)" \
		--to anna@example.com --body ../cut.txt "$pdf" &&
	refused 1 "kontora: error: --body ../none.txt: No such file or directory" \
		--to anna@example.com --body ../none.txt "$pdf"
'

test_expect_success SMTP 'no --to, or nothing to send: a usage error, exit 2' '
	refused 2 "kontora: error: no recipient: give --to ADDR" "$pdf" &&
	refused 2 "kontora: error: nothing to send: give a FILE or --body" --to anna@example.com &&
	refused 2 "kontora: error: --bcc: unknown option, or a missing or bad value" \
		--bcc x@y.ru --to anna@example.com "$pdf"
'

# from_of ARGS...: the From of the message kontora mail --dry-run makes.
from_of () {
	kontora "$@" mail --dry-run --to anna@example.com "$pdf" >from.eml &&
	read_mail from.eml | sed -n "s/^From: //p"
}

test_expect_success PYTHON 'From: mail.from, else company.email, else the caller'"'"'s e-mail' '
	echo "Батискаф <robot@batiskaf.ru>" >expect &&
	from_of >actual &&
	test_cmp expect actual &&
	git config -f kontora.conf --unset mail.from &&
	git config -f kontora.conf company.email info@batiskaf.ru &&
	git config -f kontora.conf company.name "ООО «Батискаф», Красногорск" &&
	git commit -qam "company.email" &&
	echo "ООО «Батискаф», Красногорск <info@batiskaf.ru>" >expect &&
	from_of >actual &&
	test_cmp expect actual &&
	git config -f kontora.conf --unset company.email &&
	git commit -qam "no company.email" &&
	echo "Тест Тестов <test@example.com>" >expect &&
	from_of >actual &&
	test_cmp expect actual &&
	echo "Анна Петрова <anna@example.com>" >expect &&
	KONTORA_USER=anna from_of >actual &&
	test_cmp expect actual
'

test_expect_success 'an employee without an e-mail and no mail.from: exit 1, says what to set' '
	kontora employee add --login oleg --name "Олег" --role manager >/dev/null &&
	KONTORA_USER=oleg test_expect_code 1 kontora mail --dry-run --to anna@example.com "$pdf" \
		>out 2>err &&
	echo "kontora: error: no address to send mail from: set mail.from (or company.email) in kontora.conf, or your employee'"'"'s email" >expect &&
	test_cmp expect err &&
	test_line_count = 0 out
'

test_expect_success 'kontora mail -h: the usage on stdout, exit 0' '
	kontora mail -h >out &&
	test_grep "^usage: kontora mail --to ADDR" out
'

test_expect_success SMTP 'stop the SMTP server' 'smtp_stop'

test_done
