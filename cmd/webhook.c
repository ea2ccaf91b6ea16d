/*
 * webhook.c - kontora webhook: a CGI program that takes a web form's post,
 * checks the shared secret, keeps the raw request in the spool and
 * answers at once.  It never opens git or the index, so that a busy site
 * cannot wait on a commit; kontora import spool turns the spool into
 * leads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char webhook_usage[] = N_(
	"usage: kontora webhook [--dry-run]    (a CGI program: see kontora-webhook(1))\n");

extern char **environ;

/* The default of webhook.max-size: a form post is a few kilobytes. */
#define DEFAULT_MAX_SIZE (1024L * 1024)

/* Writes the CGI answer: status ("200 OK") and a one-line text body. */
static void answer(const char *status, const char *text)
{
	printf("Status: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\n", status, text);
	fflush(stdout);
}

/* Answers status and logs why on stderr (the web server's error log);
 * returns 1, the exit status of a refused request. */
static int refuse(const char *status, const char *text, const char *why)
{
	answer(status, text);
	fprintf(stderr, _("kontora: error: webhook: %s\n"), why);
	return 1;
}

/* Returns 1 if a and b are equal, taking a time that does not depend on
 * where they differ (so the secret cannot be guessed byte by byte). */
static int same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb ? lb : 1)];
	return !diff && lb;
}

/* Returns the value of parameter name in a query string (percent-decoding
 * is not needed for a secret we tell people to keep to [A-Za-z0-9-_]),
 * as a new string (caller frees), or NULL. */
static char *query_param(const char *query, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == '=')
			return strndup(p + n + 1, strcspn(p + n + 1, "&"));
	return NULL;
}

/* Appends query without its secret parameter to b. */
static void add_query_without_secret(struct kt_buf *b, const char *query)
{
	int first = 1;

	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		size_t len = strcspn(p, "&");
		if ((len >= 7 && !strncmp(p, "secret=", 7)) || !len)
			continue;
		if ((!first && kt_buf_addc(b, '&')) || kt_buf_add(b, p, len))
			die("out of memory");
		first = 0;
	}
}

/* Appends "NAME: value" and a newline to b, with CR and LF in the value
 * made spaces so that the header stays one line. */
static void add_header(struct kt_buf *b, const char *name, size_t nlen, const char *value)
{
	if (kt_buf_add(b, name, nlen) || kt_buf_adds(b, ": "))
		die("out of memory");
	for (const char *p = value; *p; p++)
		if (kt_buf_addc(b, *p == '\r' || *p == '\n' ? ' ' : *p))
			die("out of memory");
	if (kt_buf_addc(b, '\n'))
		die("out of memory");
}

/* Appends the request's CGI variables as header lines to b: the method,
 * content type and length, the query string without the secret, the
 * client's address and every HTTP_ header but the secret's, then the
 * time it came. */
static void add_request_headers(struct kt_buf *b, time_t now)
{
	static const char *const names[] = {
		"REQUEST_METHOD", "CONTENT_TYPE", "CONTENT_LENGTH", "REMOTE_ADDR",
	};
	char when[21];

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (getenv(names[i]))
			add_header(b, names[i], strlen(names[i]), getenv(names[i]));
	if (kt_buf_adds(b, "QUERY_STRING: "))
		die("out of memory");
	add_query_without_secret(b, getenv("QUERY_STRING"));
	if (kt_buf_addc(b, '\n'))
		die("out of memory");
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || strncmp(*e, "HTTP_", 5) || !strncmp(*e, "HTTP_X_KONTORA_SECRET=", 22) ||
		    !strncmp(*e, "HTTP_AUTHORIZATION=", 19))
			continue;
		add_header(b, *e, (size_t)(eq - *e), eq + 1);
	}
	add_header(b, "RECEIVED", 8, kt_datetime_format(now, when));
	if (kt_buf_addc(b, '\n'))
		die("out of memory");
}

/* The settings of kontora.conf the webhook needs. */
struct webhook_conf {
	char *secret;
	int64_t max_size;
	char *spool;        /* the spool directory (kt_spool_path()) */
};

/* Reads the webhook's settings from root/kontora.conf into *conf (caller
 * frees its strings).  Returns NULL or why the webhook cannot work. */
static const char *read_conf(const char *root, struct webhook_conf *conf, char *why, size_t whylen)
{
	struct kt_error err = { 0 };
	char path[4096], *size = NULL, *spool = NULL;

	snprintf(path, sizeof path, "%s/kontora.conf", root);
	if (kt_conf_file_get(path, "webhook.secret", &conf->secret, &err) || !*conf->secret) {
		snprintf(why, whylen, "%s: webhook.secret is not set; every request is refused",
		         err.code == KT_ENOTFOUND || !err.code ? path : err.msg);
		return why;
	}
	int64_t max = DEFAULT_MAX_SIZE;
	int bad = !kt_conf_file_get(path, "webhook.max-size", &size, &err) && kt_size_parse(size, &max);
	if (bad)
		snprintf(why, whylen, "%s: webhook.max-size=%s is not a size", path, size);
	free(size);
	if (bad)
		return why;
	conf->max_size = max;
	if (kt_conf_file_get(path, "webhook.spool", &spool, &err))
		spool = NULL;
	conf->spool = kt_spool_path(root, spool);
	free(spool);
	if (!conf->spool)
		die("out of memory");
	return NULL;
}

/* Reads exactly len bytes of the body from standard input into a new
 * buffer (caller frees).  Returns NULL when the input ends early. */
static char *read_body(size_t len)
{
	char *body = malloc(len + 1);
	size_t got = 0;

	if (!body)
		die("out of memory");
	while (got < len) {
		size_t n = fread(body + got, 1, len - got, stdin);
		if (!n)
			break;
		got += n;
	}
	if (got < len) {
		free(body);
		return NULL;
	}
	body[len] = '\0';
	return body;
}

/* Checks the request against conf and spools it.  Returns the exit
 * status; the answer has been written. */
static int handle(const struct webhook_conf *conf, time_t now, int dry_run)
{
	const char *method = getenv("REQUEST_METHOD"), *length = getenv("CONTENT_LENGTH");
	const char *header_secret = getenv("HTTP_X_KONTORA_SECRET");
	const char *from = getenv("REMOTE_ADDR") ? getenv("REMOTE_ADDR") : "?";
	char *query_secret = query_param(getenv("QUERY_STRING"), "secret");
	char why[1200];
	int ok;

	ok = same_secret(header_secret ? header_secret : query_secret ? query_secret : "", conf->secret);
	free(query_secret);
	if (!method || strcmp(method, "POST")) {
		snprintf(why, sizeof why, "%s: method %s; only POST is taken", from, method ? method : "(none)");
		return refuse("405 Method Not Allowed", "only POST", why);
	}
	if (!ok) {
		snprintf(why, sizeof why, "%s: wrong or missing secret (X-Kontora-Secret or ?secret=)", from);
		return refuse("403 Forbidden", "forbidden", why);
	}
	char *end;
	long long len = length ? strtoll(length, &end, 10) : -1;
	if (!length || !*length || *end || len < 0) {
		snprintf(why, sizeof why, "%s: no CONTENT_LENGTH", from);
		return refuse("411 Length Required", "length required", why);
	}
	if (len > conf->max_size) {
		snprintf(why, sizeof why, "%s: body of %lld bytes is over webhook.max-size (%lld)",
		         from, len, (long long)conf->max_size);
		return refuse("413 Payload Too Large", "too large", why);
	}
	char *body = read_body((size_t)len);
	if (!body) {
		snprintf(why, sizeof why, "%s: the body ended before CONTENT_LENGTH=%lld bytes", from, len);
		return refuse("400 Bad Request", "truncated body", why);
	}
	/* Form services post test=test when the hook is set up: nothing to keep. */
	if (!strcmp(body, "test=test")) {
		free(body);
		answer("200 OK", "ok");
		return 0;
	}
	struct kt_buf request = { 0 };
	struct kt_error err = { 0 };
	char *name = NULL;
	add_request_headers(&request, now);
	if (kt_buf_add(&request, body, (size_t)len))
		die("out of memory");
	free(body);
	int rc = dry_run ? 0 : kt_spool_deliver(conf->spool, request.data, request.len, now, &name, &err);
	kt_buf_free(&request);
	free(name);
	if (rc) {
		snprintf(why, sizeof why, "%s", err.msg);
		return refuse("500 Internal Server Error", "not saved; try again", why);
	}
	answer("200 OK", "ok");
	return 0;
}

int cmd_webhook(int argc, char **argv, struct kt_ctx *ctx)
{
	struct webhook_conf conf = { 0 };
	struct kt_error err = { 0 };
	char *root = NULL, why[5200];
	int dry_run = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(webhook_usage, 1);
		else if (!strcmp(argv[i], "--dry-run"))
			dry_run = 1;
		else {
			usage_error(webhook_usage, "%s: unknown option or operand", argv[i]);
		}
	}
	if (kt_books_find(ctx->books_dir ? ctx->books_dir : ".", &root, &err)) {
		snprintf(why, sizeof why, "%s (set KONTORA_BOOKS in the web server's environment)", err.msg);
		return refuse("500 Internal Server Error", "not configured", why);
	}
	const char *bad = read_conf(root, &conf, why, sizeof why);
	int rc = bad ? refuse("500 Internal Server Error", "not configured", bad)
	             : handle(&conf, ctx->opt.now, dry_run);
	free(conf.secret);
	free(conf.spool);
	free(root);
	return rc;
}
