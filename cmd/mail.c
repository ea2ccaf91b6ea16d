/*
 * mail.c - kontora mail --to ADDR... FILE...: sends files (a report, an
 * export) and a text as one MIME message through the sendmail command of
 * kontora.conf, so that cron can mail the director a PDF every Monday.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char mail_usage[] = N_(
	"usage: kontora mail --to ADDR... [--cc ADDR]... [--subject TEXT] [--body FILE|-]\n"
	"                    [--dry-run] FILE...\n");

/* Returns the text of the file path, or of standard input for "-", in a
 * buffer the caller frees (kt_buf_free()).  Dies when it cannot be read
 * or is not UTF-8, naming it. */
static struct kt_buf read_text(const char *path)
{
	struct kt_buf text = { 0 };
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	const char *name = is_stdin ? "standard input" : path;
	char chunk[65536];
	size_t got, bad;

	if (!f)
		die("--body %s: %s", name, strerror(errno));
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (kt_buf_add(&text, chunk, got))
			die("out of memory");
	if (ferror(f))
		die("--body %s: %s", name, strerror(errno));
	if (!is_stdin)
		fclose(f);
	if (kt_buf_add(&text, "", 0))
		die("out of memory");
	if (!kt_utf8_valid(text.data, text.len, &bad))
		die("--body %s: not UTF-8 (byte %zu)", name, bad + 1);
	return text;
}

/* Returns the default subject: the names of the files, comma-separated,
 * or NULL when there are none.  Caller frees. */
static char *files_subject(const struct kt_mail_file *files, size_t n)
{
	struct kt_buf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(files[i].path, '/');
		if ((i && kt_buf_adds(&b, ", ")) || kt_buf_adds(&b, slash ? slash + 1 : files[i].path))
			die("out of memory");
	}
	return b.data;
}

int cmd_mail(int argc, char **argv, struct kt_ctx *ctx)
{
	enum { OPT_TO = 1000, OPT_CC, OPT_SUBJECT, OPT_BODY, OPT_DRY };
	static const struct option opts[] = {
		{ "to", required_argument, NULL, OPT_TO },
		{ "cc", required_argument, NULL, OPT_CC },
		{ "subject", required_argument, NULL, OPT_SUBJECT },
		{ "body", required_argument, NULL, OPT_BODY },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_mail m = { 0 };
	struct kt_error err = { 0 };
	struct kt_buf body = { 0 }, msg = { 0 };
	/* An option takes at least one word of argv: argc is room enough. */
	char **to = calloc((size_t)argc, sizeof *to), **cc = calloc((size_t)argc, sizeof *cc);
	const char *body_path = NULL;
	int dry_run = 0, c;

	if (!to || !cc)
		die("out of memory");
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(mail_usage, 1);
		else if (c == OPT_TO)
			to[m.nto++] = optarg;
		else if (c == OPT_CC)
			cc[m.ncc++] = optarg;
		else if (c == OPT_SUBJECT)
			m.subject = optarg;
		else if (c == OPT_BODY)
			body_path = optarg;
		else if (c == OPT_DRY)
			dry_run = 1;
		else
			option_error(argv, mail_usage);
	}
	if (!m.nto)
		usage_error(mail_usage, "no recipient: give --to ADDR");
	if (optind == argc && !body_path)
		usage_error(mail_usage, "nothing to send: give a FILE or --body");

	m.nfiles = (size_t)(argc - optind);
	struct kt_mail_file *files = calloc(m.nfiles + 1, sizeof *files);
	if (!files)
		die("out of memory");
	for (size_t i = 0; i < m.nfiles; i++)
		files[i].path = argv[optind + (int)i];
	m.files = files;
	m.to = to;
	m.cc = cc;
	if (body_path) {
		body = read_text(body_path);
		m.body = body.data;
		m.body_len = body.len;
	}
	char *subject = m.subject ? NULL : files_subject(files, m.nfiles);
	if (subject)
		m.subject = subject;

	char *sendmail, *from;
	if (kt_mail_config(ctx->books, &sendmail, &from, &err))
		die_err(&err);
	m.from = from;
	m.date = kt_books_now(ctx->books);
	if (kt_mail_build(&m, &msg, &err))
		die_err(&err);
	if (dry_run)
		fwrite(msg.data, 1, msg.len, stdout);
	else if (kt_mail_send(sendmail, msg.data, msg.len, &err))
		die_err(&err);

	kt_buf_free(&msg);
	kt_buf_free(&body);
	free(subject);
	free(sendmail);
	free(from);
	free(files);
	free(to);
	free(cc);
	return 0;
}
