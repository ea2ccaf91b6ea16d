#!/bin/sh
test_description='kontora webhook: a CGI program that spools web form posts'
# See kontora-webhook(1).  Each test runs kontora webhook with the CGI
# environment set exactly as a web server sets it, body on stdin.
# Expected answers and spool files are written by hand.
. "$(dirname "$0")/test-lib.sh"

# cgi METHOD QUERY BODYFILE [VAR=VALUE...]: runs the webhook as a web
# server would, its answer in answer (CR removed) and its log in log.
cgi () {
	method=$1 query=$2 body=$3
	shift 3
	env -i PATH="$PATH" HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books" \
		KONTORA_NOW=2026-11-23T10:00:00Z GATEWAY_INTERFACE=CGI/1.1 \
		REQUEST_METHOD="$method" QUERY_STRING="$query" \
		CONTENT_TYPE=application/x-www-form-urlencoded \
		CONTENT_LENGTH=$(wc -c <"$body") REMOTE_ADDR=192.0.2.7 \
		HTTP_USER_AGENT=Tilda.cc "$@" \
		kontora webhook <"$body" >answer.raw 2>log
	rc=$?
	tr -d '\r' <answer.raw >answer
	return $rc
}

# spooled: the names of the files in the spool's new/, one a line.
spooled () { ls "$TEST_DIR/books/.git/kontora/spool/new" 2>/dev/null; }

# status_is LINE: the answer's first line is "Status: LINE".
status_is () {
	echo "Status: $1" >expect.status &&
	head -n 1 answer >actual.status &&
	test_cmp expect.status actual.status
}

test_expect_success 'setup: books, a form post in UTF-8' '
	test_books books &&
	printf "Name=%%D0%%98%%D0%%B2%%D0%%B0%%D0%%BD&Phone=%%2B7+(999)+123-45-67&formid=form1&tranid=5489108:4802756061" >post
'

test_expect_success 'no webhook.secret: every request refused with 500, nothing spooled' '
	test_expect_code 1 cgi POST secret=x post &&
	status_is "500 Internal Server Error" &&
	test_grep "kontora: error: webhook: .*kontora.conf: webhook.secret is not set" log &&
	test -z "$(spooled)"
'

test_expect_success 'setup: the secret' '
	kontora -C books config webhook.secret Zq7-pLm2
'

test_expect_success 'a post with the secret in the query: 200 ok, one spool file, no commit' '
	before=$(git -C books rev-list --count HEAD) &&
	cgi POST "source=tilda&secret=Zq7-pLm2" post &&
	printf "Status: 200 OK\nContent-Type: text/plain; charset=utf-8\n\nok\n" >expect &&
	test_cmp expect answer &&
	test_line_count = 0 log &&
	test $(spooled | wc -l) = 1 &&
	test $(git -C books rev-list --count HEAD) = $before &&
	(cd books && test_clean)
'

test_expect_success 'the spool file: the request headers without the secret, then the exact body' '
	f=books/.git/kontora/spool/new/$(spooled) &&
	cat >expect <<-EOF &&
	REQUEST_METHOD: POST
	CONTENT_TYPE: application/x-www-form-urlencoded
	CONTENT_LENGTH: $(wc -c <post)
	REMOTE_ADDR: 192.0.2.7
	QUERY_STRING: source=tilda
	HTTP_USER_AGENT: Tilda.cc
	RECEIVED: 2026-11-23T10:00:00Z

	EOF
	cat post >>expect &&
	cmp expect "$f" &&
	test -z "$(ls books/.git/kontora/spool/tmp)" &&
	test -d books/.git/kontora/spool/cur
'

test_expect_success 'the webhook does not open the index or git: no index.db made' '
	rm -rf books2 && test_books books2 &&
	rm -f books2/.git/kontora/index.db &&
	kontora -C books2 config webhook.secret s &&
	rm -f books2/.git/kontora/index.db &&
	env -i PATH="$PATH" HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books2" \
		REQUEST_METHOD=POST QUERY_STRING=secret=s CONTENT_LENGTH=$(wc -c <post) \
		kontora webhook <post >/dev/null &&
	test ! -e books2/.git/kontora/index.db &&
	test $(ls books2/.git/kontora/spool/new | wc -l) = 1
'

test_expect_success 'the secret in the X-Kontora-Secret header; the header is not kept' '
	rm -rf books/.git/kontora/spool &&
	cgi POST "" post HTTP_X_KONTORA_SECRET=Zq7-pLm2 &&
	status_is "200 OK" &&
	test $(spooled | wc -l) = 1 &&
	! grep -i "secret\|Zq7" books/.git/kontora/spool/new/*
'

test_expect_success 'a wrong secret: 403, logged with the address, nothing spooled' '
	rm -rf books/.git/kontora/spool &&
	test_expect_code 1 cgi POST "secret=Zq7-pLm3" post &&
	status_is "403 Forbidden" &&
	echo "kontora: error: webhook: 192.0.2.7: wrong or missing secret (X-Kontora-Secret or ?secret=)" >expect &&
	test_cmp expect log &&
	test -z "$(spooled)"
'

test_expect_success 'no secret at all, and a prefix of the secret: 403' '
	test_expect_code 1 cgi POST "" post &&
	status_is "403 Forbidden" &&
	test_expect_code 1 cgi POST "secret=Zq7" post &&
	status_is "403 Forbidden" &&
	test_expect_code 1 cgi POST "secret=" post &&
	status_is "403 Forbidden" &&
	test -z "$(spooled)"
'

test_expect_success 'GET: 405, nothing spooled' '
	: >empty &&
	test_expect_code 1 cgi GET "secret=Zq7-pLm2" empty &&
	status_is "405 Method Not Allowed" &&
	test -z "$(spooled)"
'

test_expect_success 'a body over webhook.max-size: 413, not read, nothing spooled' '
	kontora -C books config webhook.max-size 100 &&
	head -c 101 /dev/zero | tr "\0" a >big &&
	test_expect_code 1 cgi POST "secret=Zq7-pLm2" big &&
	status_is "413 Payload Too Large" &&
	test_grep "body of 101 bytes is over webhook.max-size (100)" log &&
	test -z "$(spooled)" &&
	head -c 100 /dev/zero | tr "\0" a >fits &&
	cgi POST "secret=Zq7-pLm2" fits &&
	status_is "200 OK" &&
	test $(spooled | wc -l) = 1 &&
	kontora -C books config --unset webhook.max-size &&
	rm -rf books/.git/kontora/spool
'

test_expect_success 'the default limit is 1 MiB: a 10 MB field is refused' '
	head -c 10000000 /dev/zero | tr "\0" x >huge &&
	test_expect_code 1 cgi POST "secret=Zq7-pLm2" huge &&
	status_is "413 Payload Too Large" &&
	test -z "$(spooled)"
'

test_expect_success 'webhook.max-size: a size with K, M or G; anything else is refused by config' '
	test_expect_code 1 kontora -C books config webhook.max-size 1X 2>err &&
	test_grep "webhook.max-size: \"1X\" is not a size" err &&
	kontora -C books config webhook.max-size 1K &&
	head -c 1025 /dev/zero | tr "\0" a >k1 &&
	test_expect_code 1 cgi POST "secret=Zq7-pLm2" k1 &&
	status_is "413 Payload Too Large" &&
	kontora -C books config --unset webhook.max-size
'

test_expect_success 'a body shorter than CONTENT_LENGTH: 400, nothing spooled' '
	rm -rf books/.git/kontora/spool &&
	printf "Name=a" >short &&
	test_expect_code 1 env -i PATH="$PATH" HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books" \
		REQUEST_METHOD=POST QUERY_STRING=secret=Zq7-pLm2 CONTENT_LENGTH=50 \
		kontora webhook <short >answer.raw 2>log &&
	tr -d "\r" <answer.raw >answer &&
	status_is "400 Bad Request" &&
	test_grep "the body ended before CONTENT_LENGTH=50 bytes" log &&
	test -z "$(spooled)"
'

test_expect_success 'no CONTENT_LENGTH: 411' '
	test_expect_code 1 env -i PATH="$PATH" HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books" \
		REQUEST_METHOD=POST QUERY_STRING=secret=Zq7-pLm2 \
		kontora webhook <post >answer.raw 2>log &&
	tr -d "\r" <answer.raw >answer &&
	status_is "411 Length Required" &&
	test -z "$(spooled)"
'

test_expect_success 'the test=test ping of a form service: 200 ok, not spooled' '
	printf "test=test" >ping &&
	cgi POST "secret=Zq7-pLm2" ping &&
	status_is "200 OK" &&
	test -z "$(spooled)"
'

test_expect_success 'a Windows-1251 body is kept byte for byte' '
	printf "Name=\\xc8\\xe2\\xe0\\xed&Phone=89991234567" >cp1251 &&
	cgi POST "secret=Zq7-pLm2" cp1251 &&
	status_is "200 OK" &&
	f=books/.git/kontora/spool/new/$(spooled) &&
	sed "1,/^\$/d" "$f" >body &&
	cmp cp1251 body &&
	rm -rf books/.git/kontora/spool
'

test_expect_success '--dry-run answers but spools nothing' '
	env -i PATH="$PATH" HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books" \
		REQUEST_METHOD=POST QUERY_STRING=secret=Zq7-pLm2 CONTENT_LENGTH=$(wc -c <post) \
		kontora webhook --dry-run <post >answer.raw &&
	tr -d "\r" <answer.raw >answer &&
	status_is "200 OK" &&
	test -z "$(spooled)"
'

test_expect_success 'a link called kontora-webhook is the webhook (no arguments, as CGI runs it)' '
	mkdir -p cgi-bin &&
	ln -sf "$(command -v kontora)" cgi-bin/kontora-webhook &&
	env -i HOME="$HOME" KONTORA_BOOKS="$TEST_DIR/books" REQUEST_METHOD=POST \
		QUERY_STRING=secret=Zq7-pLm2 CONTENT_LENGTH=$(wc -c <post) \
		cgi-bin/kontora-webhook <post >answer.raw &&
	tr -d "\r" <answer.raw >answer &&
	status_is "200 OK" &&
	test $(spooled | wc -l) = 1 &&
	rm -rf books/.git/kontora/spool
'

test_expect_success 'no KONTORA_BOOKS outside books: 500 that says what to set' '
	mkdir -p nowhere &&
	test_expect_code 1 env -i PATH="$PATH" HOME="$HOME" REQUEST_METHOD=POST \
		CONTENT_LENGTH=$(wc -c <post) sh -c "cd nowhere && kontora webhook" <post >answer.raw 2>log &&
	tr -d "\r" <answer.raw >answer &&
	status_is "500 Internal Server Error" &&
	test_grep "set KONTORA_BOOKS" log
'

test_expect_success 'a spool that cannot be written: 500, so the sender tries again' '
	kontora -C books config webhook.spool /dev/null/spool &&
	test_expect_code 1 cgi POST "secret=Zq7-pLm2" post &&
	status_is "500 Internal Server Error" &&
	test_grep "/dev/null/spool" log &&
	kontora -C books config --unset webhook.spool
'

test_expect_success 'webhook.spool relative to the books' '
	kontora -C books config webhook.spool incoming &&
	cgi POST "secret=Zq7-pLm2" post &&
	test $(ls books/incoming/new | wc -l) = 1 &&
	kontora -C books config --unset webhook.spool &&
	rm -rf books/incoming
'

test_expect_success '20 posts at once: 20 whole files, none left in tmp/' '
	for i in $(seq 20); do
		cgi POST "secret=Zq7-pLm2" post &
	done &&
	wait &&
	test $(spooled | wc -l) = 20 &&
	test -z "$(ls books/.git/kontora/spool/tmp)" &&
	for f in books/.git/kontora/spool/new/*; do
		sed "1,/^\$/d" "$f" >body && cmp post body || return 1
	done
'

test_expect_success 'usage: an operand is a usage error, -h prints the synopsis' '
	test_expect_code 2 kontora webhook extra 2>err &&
	test_grep "usage: kontora webhook" err &&
	kontora webhook -h >out &&
	test_grep "usage: kontora webhook" out
'

test_done
