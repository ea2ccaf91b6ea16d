/*
 * mail.c - unit tests for lib/mail/: content types by file name, which
 * addresses are addresses, the message kt_mail_build() writes and refuses
 * to write, and how kt_mail_send() reports a sendmail that fails.  The
 * message as a mail reader takes it is t1500-mail.sh's, through a real
 * SMTP server.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kontora.h"
#include "mail/mail.h"
#include "tap.h"

#define STAMP 1795428000   /* 2026-11-23T10:00:00Z */

static void test_types(void)
{
	static const char *const cases[][2] = {
		{ "report.pdf", "application/pdf" },
		{ "REPORT.PDF", "application/pdf" },
		{ "Отчёт.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "leads.csv", "text/csv" },
		{ "notes.txt", "application/octet-stream" },
		{ "archive.pdf.gz", "application/octet-stream" },
		{ "pdf", "application/octet-stream" },
		{ ".pdf", "application/octet-stream" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		is_str(mail_content_type(cases[i][0]), cases[i][1], "content type of %s", cases[i][0]);
}

static void test_addresses(void)
{
	static const char *const good[] = {
		"a@b.ru", "ivan.petrov+crm@batiskaf.ru", "root@localhost", "o'brien@x.io",
		"x@кремль.рф", "a-b@c-d.e-f.ru",
	};
	static const char *const bad[] = {
		"", "a", "@b.ru", "a@", "a@@b.ru", "a@b..ru", ".a@b.ru", "a.@b.ru", "a..b@c.ru",
		"a b@c.ru", "a@b c.ru", "a@.b.ru", "a@b.ru.", "a,b@c.ru", "a@b_c.ru", "a\"b@c.ru",
		"a@b@c.ru", "иван@b.ru",
	};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		ok(mail_address_valid(good[i]), "%s is an address", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(!mail_address_valid(bad[i]), "\"%s\" is no address", bad[i]);
}

/* Builds m into out (emptied first).  Returns kt_mail_build()'s status. */
static int build(const struct kt_mail *m, struct kt_buf *out, struct kt_error *err)
{
	kt_buf_reset(out);
	memset(err, 0, sizeof *err);
	return kt_mail_build(m, out, err);
}

/* Returns 1 if msg holds line as a whole line. */
static int has_line(const struct kt_buf *msg, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = msg->data; p && (p = strstr(p, line)); p++)
		if ((p == msg->data || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static void test_build(void)
{
	static const char pdf[] = "%PDF-1.4\n\x00\xff binary", csv[] = "id,name\nC1,Ёлка\n";
	struct kt_mail_file files[] = {
		{ "/tmp/ignored/Счёт 7.pdf", NULL, pdf, sizeof pdf - 1 },
		{ "made.bin", "Клиенты.csv", csv, sizeof csv - 1 },
	};
	char *to[] = { "\"Петров, Иван\" <ivan@shop.ru>; anna@shop.ru" }, *cc[] = { "boss@shop.ru" };
	struct kt_mail m = {
		.from = "Батискаф <info@batiskaf.ru>", .to = to, .nto = 1, .cc = cc, .ncc = 1,
		.subject = "Счёт № 7", .body = "Добрый день.\n", .body_len = strlen("Добрый день.\n"),
		.files = files, .nfiles = 2, .date = STAMP,
	};
	struct kt_buf out = { 0 };
	struct kt_error err;

	setenv("TZ", "UTC", 1);
	is_int(build(&m, &out, &err), 0, "a message with two files builds");
	ok(has_line(&out, "From: =?UTF-8?b?0JHQsNGC0LjRgdC60LDRhA==?= <info@batiskaf.ru>"),
	   "From: the name in UTF-8, RFC 2047");
	ok(has_line(&out, "To: =?UTF-8?b?0J/QtdGC0YDQvtCyLCDQmNCy0LDQvQ==?= <ivan@shop.ru>, anna@shop.ru"),
	   "To: a quoted name with a comma, and a second address after a semicolon");
	ok(has_line(&out, "Cc: boss@shop.ru"), "Cc");
	ok(has_line(&out, "Subject: =?UTF-8?B?0KHRh9GR0YIg4oSW?= 7"), "Subject in RFC 2047");
	ok(has_line(&out, "Date: Mon, 23 Nov 2026 10:00:00 +0000"), "Date from the clock given");
	ok(strstr(out.data, "\nMessage-Id: <") && strstr(out.data, "@batiskaf.ru>\n"),
	   "a Message-Id at the domain of From");
	ok(has_line(&out, "Content-Type: text/plain; charset=utf-8"), "a UTF-8 text part");
	ok(has_line(&out, "Content-Type: application/pdf; name*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%207.pdf"),
	   "the PDF named by the last part of its path, RFC 2231 in UTF-8");
	ok(has_line(&out, "Content-Type: text/csv; charset=utf-8;"), "a UTF-8 CSV says its charset");
	ok(has_line(&out, "\tname*=UTF-8''%D0%9A%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D1%8B.csv"),
	   "the CSV named as given, not by its path");
	ok(has_line(&out, "JVBERi0xLjQKAP8gYmluYXJ5"), "the PDF's bytes in base64, the NUL and 0xFF too");
	ok(!strchr(out.data, '\r') && out.len == strlen(out.data), "LF line ends, no NUL");
	files[1].len = sizeof csv - 3;
	is_int(build(&m, &out, &err), 0, "a CSV cut in the middle of a character builds");
	ok(has_line(&out, "Content-Type: text/csv;"), "a CSV that is not UTF-8 says no charset");
	files[1].len = sizeof csv - 1;

	/* GMime is initialised and shut down for each message. */
	is_int(build(&m, &out, &err), 0, "a second message builds as well");

	m.nfiles = 0;
	is_int(build(&m, &out, &err), 0, "a text alone builds");
	ok(!strstr(out.data, "multipart"), "without files the text is the message");
	m.nfiles = 2;
	m.body = NULL;
	is_int(build(&m, &out, &err), 0, "files alone build");
	ok(!strstr(out.data, "text/plain"), "without a text there is no text part");
	kt_buf_free(&out);
}

/* Checks that m is refused with code and the message msg, and that out
 * gets nothing. */
static void refused(struct kt_mail *m, int code, const char *msg, const char *what)
{
	struct kt_buf out = { 0 };
	struct kt_error err;

	is_int(build(m, &out, &err), code, "%s: refused", what);
	is_str(err.msg, msg, "%s: the message", what);
	is_int((long long)out.len, 0, "%s: nothing written", what);
	kt_buf_free(&out);
}

static void test_refusals(void)
{
	struct kt_mail_file file = { "/nonexistent/r.pdf", NULL, NULL, 0 };
	struct kt_mail_file dir = { "/tmp", NULL, NULL, 0 };
	char *to[] = { "a@b.ru" }, *bad[] = { "a@b.ru, bad@" }, *none[] = { " , " };
	char *local[] = { "root" }, *underscore[] = { "Отдел <sales@batiskaf_ru>" };
	struct kt_mail m = { .from = "x@y.ru", .to = to, .nto = 1, .body = "hi\n", .body_len = 3 };

	m.nto = 0;
	refused(&m, KT_EINVAL, "no recipient: a message needs a To address", "no To");
	m.to = none;
	m.nto = 1;
	refused(&m, KT_EINVAL, "no recipient: a message needs a To address", "a To of commas");
	m.to = bad;
	refused(&m, KT_EINVAL, "To: \"bad@\": not an e-mail address", "the second address bad");
	/* GMime reads these as mailboxes; their addresses are none. */
	m.to = local;
	refused(&m, KT_EINVAL, "To: \"root\": not an e-mail address", "a user name alone");
	m.to = underscore;
	refused(&m, KT_EINVAL, "To: \"Отдел <sales@batiskaf_ru>\": not an e-mail address",
	        "a domain with an underscore");
	m.to = to;
	m.cc = bad;
	m.ncc = 1;
	refused(&m, KT_EINVAL, "Cc: \"bad@\": not an e-mail address", "a bad Cc");
	m.ncc = 0;
	m.from = "a@b.ru, c@d.ru";
	refused(&m, KT_EINVAL, "From: \"a@b.ru, c@d.ru\": one address, not several", "two From");
	m.from = NULL;
	refused(&m, KT_EINVAL, "From: no e-mail address", "no From");
	m.from = "x@y.ru";
	m.subject = "Счёт\nBcc: all@x.ru";
	refused(&m, KT_EINVAL, "Subject: a line break or control character in \"Счёт\nBcc: all@x.ru\"",
	        "a subject of two lines");
	m.subject = "\xff";
	refused(&m, KT_EINVAL, "Subject: not UTF-8 (byte 1)", "a subject not UTF-8");
	m.subject = NULL;
	m.body = "ok \xd0";
	m.body_len = 4;
	refused(&m, KT_EINVAL, "the text is not UTF-8 (byte 4)", "a text not UTF-8");
	m.body = NULL;
	refused(&m, KT_EINVAL, "nothing to send: neither a text nor a file", "nothing");
	m.files = &file;
	m.nfiles = 1;
	refused(&m, KT_EIO, "/nonexistent/r.pdf: No such file or directory", "a missing file");
	m.files = &dir;
	refused(&m, KT_EINVAL, "/tmp: not a regular file", "a directory");
}

/* Returns kt_mail_send()'s status for the command cmd and the message
 * msg, err filled. */
static int send(const char *cmd, const char *msg, size_t len, struct kt_error *err)
{
	memset(err, 0, sizeof *err);
	return kt_mail_send(cmd, msg, len, err);
}

static void test_send(void)
{
	char dir[] = "/tmp/kontora-unit-mail.XXXXXX", cmd[128], got[64] = "";
	struct kt_error err;

	/* As a shell started it: prove may leave SIGPIPE ignored, which
	 * would hide a write that is not protected from it. */
	signal(SIGPIPE, SIG_DFL);
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(cmd, sizeof cmd, "cat >'%s/msg'", dir);
	is_int(send(cmd, "To: a@b.ru\n\nhi\n", 15, &err), 0, "a command that takes it: 0");
	snprintf(cmd, sizeof cmd, "%s/msg", dir);
	FILE *f = fopen(cmd, "r");
	size_t n = f ? fread(got, 1, sizeof got - 1, f) : 0;
	got[n] = '\0';
	if (f)
		fclose(f);
	is_str(got, "To: a@b.ru\n\nhi\n", "the command read the message on its standard input");
	unlink(cmd);
	rmdir(dir);

	is_int(send("exit 3", "x\n", 2, &err), KT_EIO, "exit 3: an error");
	is_str(err.msg, "mail not sent: \"exit 3\" exited with status 3", "exit 3: said");
	is_int(send("/nonexistent/sendmail -t 2>/dev/null", "x\n", 2, &err), KT_EIO, "no such command");
	is_str(err.msg, "mail not sent: \"/nonexistent/sendmail -t 2>/dev/null\": command not found "
	       "(exit 127)", "no such command: said");
	is_int(send("kill -TERM $$", "x\n", 2, &err), KT_EIO, "killed: an error");
	is_str(err.msg, "mail not sent: \"kill -TERM $$\" was killed by signal 15", "killed: said");

	/* More than a pipe holds, to a command that reads none of it: the
	 * write fails with EPIPE, and the caller lives on. */
	size_t big = 1 << 20;
	char *msg = malloc(big);
	memset(msg, 'x', big);
	is_int(send("exit 0", msg, big, &err), KT_EIO, "a command that reads nothing and exits 0");
	is_str(err.msg, "mail not sent: \"exit 0\" did not read the message: Broken pipe",
	       "a command that reads nothing: said");
	is_int(send("exit 1", msg, big, &err), KT_EIO, "one that fails without reading");
	is_str(err.msg, "mail not sent: \"exit 1\" exited with status 1", "its status is what is said");
	free(msg);
}

int main(void)
{
	test_types();
	test_addresses();
	test_build();
	test_refusals();
	test_send();
	return done_testing();
}
