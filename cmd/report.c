/*
 * report.c - kontora report NAME | list: the reports of the books'
 * reports/ (kontora-report(5)) run on what the caller may see, printed
 * as a table, TSV, CSV or JSON, or written as XLSX or PDF, and mailed
 * with --mail.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

static const char report_usage[] = N_(
	"usage: kontora report NAME [--from DATE] [--to DATE] [--manager LOGIN] [--days N]\n"
	"                           [--by week|month] [-f table|tsv|csv|json|xlsx|pdf] [-o FILE]\n"
	"                           [--at REV] [--mail ADDR]...\n"
	"       kontora report list\n");

/* The formats of kontora report: the printer's, and PDF. */
enum { REP_TABLE, REP_TSV, REP_CSV, REP_JSON, REP_XLSX, REP_PDF };

/* What the options say. */
struct opts {
	const char *from, *to, *manager, *days, *by, *output, *at;
	int fmt;
	char **mail;
	size_t nmail;
};

/* Parses -f's argument; a usage error for an unknown one. */
static int rep_format(const char *name)
{
	static const char *const names[] = { "table", "tsv", "csv", "json", "xlsx", "pdf" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	usage_error(report_usage, "-f %s: not one of table, tsv, csv, json, xlsx, pdf", name);
}

/* Returns "DD.MM.YYYY" of date (YYYY-MM-DD) in out. */
static const char *ru_date(const char *date, char out[11])
{
	snprintf(out, 11, "%.2s.%.2s.%.4s", date + 8, date + 5, date);
	return out;
}

/* Sets r->period and r->made from the options and the books' clock. */
static void set_period(struct kt_report *r, const struct opts *o, struct kt_books *b)
{
	struct kt_buf p = { 0 };
	char d1[11], d2[11], made[20];
	time_t now = kt_books_now(b);
	struct tm tm;

	if (o->from && o->to)
		kt_buf_addf(&p, "%s – %s", ru_date(o->from, d1), ru_date(o->to, d2));
	else if (o->from)
		kt_buf_addf(&p, "с %s", ru_date(o->from, d1));
	else if (o->to)
		kt_buf_addf(&p, "по %s", ru_date(o->to, d2));
	if (o->manager)
		kt_buf_addf(&p, "%sменеджер %s", p.len ? ", " : "", o->manager);
	if (o->at)
		kt_buf_addf(&p, "%sкниги на %s", p.len ? ", " : "", o->at);
	localtime_r(&now, &tm);
	strftime(made, sizeof made, "%d.%m.%Y %H:%M", &tm);
	r->period = p.data;
	if (!(r->made = strdup(made)))
		die("out of memory");
}

/* Prints the rows as a table (a terminal) or TSV through the printer:
 * screen forms on a terminal, plain ones in TSV. */
static void print_rows(const struct kt_report *r, int fmt, const char *output)
{
	struct printer *p = printer_open(fmt == REP_TSV ? OUT_TSV : OUT_TABLE, output, r->name,
	                                 report_usage);
	struct kt_column *cols = calloc(r->ncols, sizeof *cols);
	char **v = calloc(r->ncols, sizeof *v);
	struct kt_buf *b = calloc(r->ncols, sizeof *b);
	int screen = fmt == REP_TABLE && !output && isatty(STDOUT_FILENO);
	char num[24];

	if (!cols || !v || !b)
		die("out of memory");
	for (size_t c = 0; c < r->ncols; c++)
		cols[c] = (struct kt_column){ r->cols[c].name, KT_TEXT, r->cols[c].label };
	printer_row(p, r->ncols, cols, NULL);
	for (size_t i = 0; i <= r->nrows; i++) {
		if (i == r->nrows && !r->totals)
			break;
		for (size_t c = 0; c < r->ncols; c++) {
			const struct kt_report_col *col = &r->cols[c];
			snprintf(num, sizeof num, "%lld", (long long)col->sum);
			const char *cell = i < r->nrows ? r->cells[i * r->ncols + c] :
			                   col->total ? num : c ? "" : "Итого";
			if (!(v[c] = (char *)kt_report_cell(col, cell, screen, &b[c])))
				die("out of memory");
		}
		printer_row(p, r->ncols, cols, v);
	}
	printer_end(p);
	for (size_t c = 0; c < r->ncols; c++)
		kt_buf_free(&b[c]);
	free(b);
	free(v);
	free(cols);
}

/* Returns 1 if column c holds numbers (written unquoted, not neutralised). */
static int numeric(const struct kt_report_col *c)
{
	return c->type == KT_R_INT || c->type == KT_R_MONEY || c->type == KT_R_PERCENT ||
	       c->type == KT_R_DECIMAL;
}

/* Appends r as CSV (RFC 4180: CRLF line ends, a header row) to out:
 * money as "1234.50", a totals row last when the report has one; text
 * that a spreadsheet would take for a formula neutralised. */
static void csv_text(const struct kt_report *r, struct kt_buf *out)
{
	struct kt_buf cell = { 0 };
	char num[24];
	int rc = 0;

	for (size_t c = 0; !rc && c < r->ncols; c++)
		rc = (c && kt_buf_addc(out, ',')) || kt_csv_add_safe(out, r->cols[c].name, 0);
	rc = rc || kt_buf_adds(out, "\r\n");
	for (size_t i = 0; !rc && i <= r->nrows; i++) {
		if (i == r->nrows && !r->totals)
			break;
		for (size_t c = 0; !rc && c < r->ncols; c++) {
			const struct kt_report_col *col = &r->cols[c];
			snprintf(num, sizeof num, "%lld", (long long)col->sum);
			const char *v = i < r->nrows ? r->cells[i * r->ncols + c] :
			                col->total ? num : c ? "" : "Итого";
			const char *s = kt_report_cell(col, v, 0, &cell);
			rc = !s || (c && kt_buf_addc(out, ',')) ||
			     kt_csv_add_safe(out, s, numeric(col) && *v);
		}
		rc = rc || kt_buf_adds(out, "\r\n");
	}
	kt_buf_free(&cell);
	if (rc)
		die("out of memory");
}

/* Returns the JSON value of cell v of column c: an integer for int, a
 * string "1234.50" for money (exact), a number for percent and decimal, else a
 * string; null for an empty cell. */
static json_t *json_cell(const struct kt_report_col *c, const char *v, struct kt_buf *buf)
{
	if (!*v)
		return json_null();
	if (c->type == KT_R_INT)
		return json_integer(strtoll(v, NULL, 10));
	if (c->type == KT_R_PERCENT || c->type == KT_R_DECIMAL)
		return json_real(strtod(v, NULL));
	return json_string(kt_report_cell(c, v, 0, buf));
}

/* Appends r as one JSON object to out: name, title, period, made, the
 * columns (name, label, type), the rows as objects, the totals. */
static void json_text(const struct kt_report *r, struct kt_buf *out)
{
	static const char *const types[] = { "text", "int", "money", "date", "percent", "decimal" };
	json_t *doc = json_object(), *cols = json_array(), *rows = json_array(), *tot = json_object();
	struct kt_buf buf = { 0 };
	char num[24];

	for (size_t c = 0; c < r->ncols; c++)
		json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "name", r->cols[c].name,
		                                      "label", r->cols[c].label,
		                                      "type", types[r->cols[c].type]));
	for (size_t i = 0; i < r->nrows; i++) {
		json_t *row = json_object();
		for (size_t c = 0; c < r->ncols; c++)
			json_object_set_new(row, r->cols[c].name,
			                    json_cell(&r->cols[c], r->cells[i * r->ncols + c], &buf));
		json_array_append_new(rows, row);
	}
	for (size_t c = 0; c < r->ncols; c++)
		if (r->cols[c].total) {
			snprintf(num, sizeof num, "%lld", (long long)r->cols[c].sum);
			json_object_set_new(tot, r->cols[c].name, json_cell(&r->cols[c], num, &buf));
		}
	json_object_set_new(doc, "report", json_string(r->name));
	json_object_set_new(doc, "title", json_string(r->title));
	json_object_set_new(doc, "period", r->period ? json_string(r->period) : json_null());
	json_object_set_new(doc, "made", json_string(r->made));
	json_object_set_new(doc, "columns", cols);
	json_object_set_new(doc, "rows", rows);
	json_object_set_new(doc, "totals", tot);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER);
	if (!text || kt_buf_adds(out, text) || kt_buf_addc(out, '\n'))
		die("out of memory");
	free(text);
	json_decref(doc);
	kt_buf_free(&buf);
}

/* Writes text to path, or to standard output when path is NULL. */
static void write_text(const struct kt_buf *text, const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (text->len && fwrite(text->data, 1, text->len, f) != text->len)
		die("%s: %s", path ? path : _("standard output"), strerror(errno));
	if (path && fclose(f))
		die("%s: %s", path, strerror(errno));
}

/* Writes r in format fmt: to path (or standard output for the text
 * formats when path is NULL). */
static void write_report(const struct kt_report *r, int fmt, const char *path)
{
	struct kt_error err = { 0 };
	struct kt_buf text = { 0 };

	if (fmt == REP_TABLE || fmt == REP_TSV) {
		print_rows(r, fmt, path);
		return;
	}
	if (fmt == REP_XLSX && kt_report_xlsx(r, path, &err))
		die_err(&err);
	if (fmt == REP_PDF && kt_report_pdf(r, path, &err))
		die_err(&err);
	if (fmt == REP_CSV || fmt == REP_JSON) {
		if (fmt == REP_CSV)
			csv_text(r, &text);
		else
			json_text(r, &text);
		write_text(&text, path);
	}
	kt_buf_free(&text);
}

/* Sends the file at path (called name) to the addresses of --mail, the
 * subject the report's title and period. */
static void mail_report(struct kt_books *b, const struct kt_report *r, const struct opts *o,
                        const char *path, const char *name)
{
	struct kt_error err = { 0 };
	struct kt_buf subject = { 0 }, body = { 0 }, msg = { 0 };
	struct kt_mail_file file = { path, name, NULL, 0 };
	char *sendmail, *from;

	if (kt_buf_addf(&subject, "%s%s%s", r->title, r->period ? ": " : "",
	                r->period ? r->period : "") ||
	    kt_buf_addf(&body, _("The report \"%s\" (made %s) is attached.\n"), r->title, r->made))
		die("out of memory");
	if (kt_mail_config(b, &sendmail, &from, &err))
		die_err(&err);
	struct kt_mail m = { .from = from, .to = o->mail, .nto = o->nmail, .subject = subject.data,
	                     .body = body.data, .body_len = body.len, .files = &file, .nfiles = 1,
	                     .date = kt_books_now(b) };
	if (kt_mail_build(&m, &msg, &err) || kt_mail_send(sendmail, msg.data, msg.len, &err))
		die_err(&err);
	fprintf(stderr, _("kontora: report %s sent to %zu address(es)\n"), r->name, o->nmail);
	free(sendmail);
	free(from);
	kt_buf_free(&subject);
	kt_buf_free(&body);
	kt_buf_free(&msg);
}

/* Runs report name with the options and writes or mails it: on the
 * books of now, or with --at on the books as they were at that commit
 * (the report's definition and the mail settings are now's). */
static void run_report(struct kt_ctx *ctx, const char *name, const struct opts *o)
{
	struct kt_books *b = ctx->books, *past = NULL;
	static const char *const ext[] = { "txt", "tsv", "csv", "json", "xlsx", "pdf" };
	struct kt_error err = { 0 };
	struct kt_report *r;
	char today[11], now[24], tmpdir[] = "/tmp/kontora-report.XXXXXX";
	struct kt_buf file = { 0 };
	struct kt_param params[] = {
		{ "from", o->from }, { "to", o->to }, { "manager", o->manager },
		{ "days", o->days }, { "by", o->by }, { "today", today }, { "now", now },
	};
	time_t t = kt_books_now(b);
	struct tm tm;

	today_date(b, today);
	/* UTC, as status_history's times, for julianday(). */
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	if ((o->at && kt_books_open_at(b, &ctx->opt, o->at, &past, &err)) ||
	    kt_report_load(b, name, &r, &err) ||
	    kt_report_run(past ? past : b, r, params, sizeof params / sizeof *params, &err))
		die_err(&err);
	kt_books_close(past);
	set_period(r, o, b);
	const char *path = o->output;
	if (o->nmail && !path) {
		/* Mailed and not kept: written into a directory of our own. */
		if (!mkdtemp(tmpdir) || kt_buf_addf(&file, "%s/%s.%s", tmpdir, name, ext[o->fmt]))
			die("%s: %s", tmpdir, strerror(errno));
		path = file.data;
	}
	write_report(r, o->fmt, path);
	if (o->nmail) {
		char base[80];
		snprintf(base, sizeof base, "%s.%s", name, ext[o->fmt]);
		mail_report(b, r, o, path, base);
	}
	if (file.data) {
		unlink(file.data);
		rmdir(tmpdir);
	}
	kt_buf_free(&file);
	kt_report_free(r);
}

/* Prints a report's name and title as a row. */
static int list_one(void *arg, const char *name, const char *title)
{
	static const struct kt_column cols[] = {
		{ "name", KT_TEXT, "name" }, { "title", KT_TEXT, "title" },
	};
	char *v[] = { (char *)name, (char *)title };

	return printer_row(arg, 2, cols, v);
}

/* kontora report list: the names and titles of the books' reports. */
static void list_reports(struct kt_books *b)
{
	static const struct kt_column cols[] = {
		{ "name", KT_TEXT, "name" }, { "title", KT_TEXT, "title" },
	};
	struct kt_error err = { 0 };
	struct printer *p = printer_new(OUT_TABLE, stdout);

	printer_row(p, 2, cols, NULL);
	if (kt_report_names(b, list_one, p, &err)) {
		printer_abort(p);
		die_err(&err);
	}
	printer_end(p);
}

/* Checks an option's date; a usage error when it is none. */
static const char *date_arg(const char *opt, const char *v)
{
	if (!kt_date_valid(v))
		usage_error(report_usage, "--%s %s: not a date YYYY-MM-DD", opt, v);
	return v;
}

int cmd_report(int argc, char **argv, struct kt_ctx *ctx)
{
	enum { OPT_FROM = 1000, OPT_TO, OPT_MANAGER, OPT_DAYS, OPT_BY, OPT_MAIL, OPT_AT };
	static const struct option opts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "manager", required_argument, NULL, OPT_MANAGER },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "by", required_argument, NULL, OPT_BY },
		{ "mail", required_argument, NULL, OPT_MAIL },
		{ "at", required_argument, NULL, OPT_AT },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = { .fmt = REP_TABLE };
	int c;

	/* An option takes at least one word of argv: argc is room enough. */
	if (!(o.mail = calloc((size_t)argc, sizeof *o.mail)))
		die("out of memory");
	while ((c = getopt_long(argc, argv, "hf:o:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(report_usage, 1);
		else if (c == 'f')
			o.fmt = rep_format(optarg);
		else if (c == 'o')
			o.output = optarg;
		else if (c == OPT_FROM)
			o.from = date_arg("from", optarg);
		else if (c == OPT_TO)
			o.to = date_arg("to", optarg);
		else if (c == OPT_MANAGER)
			o.manager = optarg;
		else if (c == OPT_DAYS && optarg[strspn(optarg, "0123456789")])
			usage_error(report_usage, "--days %s: not a number of days", optarg);
		else if (c == OPT_DAYS)
			o.days = optarg;
		else if (c == OPT_BY && strcmp(optarg, "week") && strcmp(optarg, "month"))
			usage_error(report_usage, "--by %s: not week or month", optarg);
		else if (c == OPT_BY)
			o.by = optarg;
		else if (c == OPT_MAIL)
			o.mail[o.nmail++] = optarg;
		else if (c == OPT_AT && !*optarg)
			usage_error(report_usage, "--at: the revision is empty");
		else if (c == OPT_AT)
			o.at = optarg;
		else
			option_error(argv, report_usage);
	}
	if (optind != argc - 1)
		usage(report_usage, 0);
	if (o.from && o.to && strcmp(o.from, o.to) > 0)
		usage_error(report_usage, "--from %s is after --to %s", o.from, o.to);
	if ((o.fmt == REP_XLSX || o.fmt == REP_PDF) && !o.output && !o.nmail)
		usage_error(report_usage, "-f %s writes a file: give it with -o FILE or send it "
		                            "with --mail", o.fmt == REP_PDF ? "pdf" : "xlsx");
	if (o.nmail && (o.fmt == REP_TABLE || o.fmt == REP_TSV))
		usage_error(report_usage, "--mail sends a file: give -f csv, json, xlsx or pdf");
	if (o.output && !*o.output)
		usage_error(report_usage, "-o: the file name is empty");
	if (!strcmp(argv[optind], "list"))
		list_reports(ctx->books);
	else
		run_report(ctx, argv[optind], &o);
	free(o.mail);
	return 0;
}
