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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

static const char report_usage[] = N_(
	"usage: kontora report NAME [--from DATE] [--to DATE] [--manager LOGIN] [--days N]\n"
	"                           [--by week|month] [-f table|tsv|csv|json|xlsx|pdf] [-o FILE]\n"
	"                           [--limit N] [--at REV] [--mail ADDR]...\n"
	"       kontora report list\n");

/* The formats of kontora report: the printer's, and PDF. */
enum { REP_TABLE, REP_TSV, REP_CSV, REP_JSON, REP_XLSX, REP_PDF };

/* What the options say. */
struct opts {
	const char *from, *to, *manager, *days, *by, *output, *at;
	int fmt;
	long limit;            /* --limit, 0 for all, -1 when not given */
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

/* A report being written as its rows come: through the printer (table,
 * TSV), into a file or standard output (CSV, JSON), or into the workbook
 * (XLSX).  The PDF has none: it keeps its rows (kt_report_run() without
 * fn). */
struct writer {
	int fmt;
	const char *path;      /* -o, or NULL for standard output */
	struct kt_buf tmp;     /* CSV and JSON to a file: written here, then renamed */
	FILE *out;
	struct printer *p;
	struct kt_column *cols;
	char **v;
	struct kt_buf *cell;   /* per column, its cell as written */
	struct kt_buf line;
	int screen;            /* a table on a terminal: screen forms */
	int head;              /* the table's header is printed */
	size_t nrows;
	struct kt_report_xlsx *xlsx;
};

/* Returns 1 if column c holds numbers (written unquoted, not neutralised). */
static int numeric(const struct kt_report_col *c)
{
	return c->type == KT_R_INT || c->type == KT_R_MONEY || c->type == KT_R_PERCENT ||
	       c->type == KT_R_DECIMAL;
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

/* Writes JSON value v (and drops it) as a value depth levels deep,
 * indented as json_dumps() indents a whole document: the rows go out one
 * by one, and the document reads as if it had been dumped whole. */
static void json_put(FILE *out, json_t *v, int depth)
{
	char *text = v ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) :
	                 NULL;

	if (!text)
		die("out of memory");
	for (const char *s = text; *s; s++) {
		putc(*s, out);
		if (*s == '\n')
			fprintf(out, "%*s", 2 * depth, "");
	}
	free(text);
	json_decref(v);
}

/* Writes the JSON document up to its rows: name, title, period, made,
 * the columns (name, label, type), and opens "rows". */
static void json_head(FILE *out, const struct kt_report *r)
{
	static const char *const types[] = { "text", "int", "money", "date", "percent", "decimal" };
	json_t *cols = json_array();

	for (size_t c = 0; c < r->ncols; c++)
		json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "name", r->cols[c].name,
		                                      "label", r->cols[c].label,
		                                      "type", types[r->cols[c].type]));
	fputs("{\n  \"report\": ", out);
	json_put(out, json_string(r->name), 1);
	fputs(",\n  \"title\": ", out);
	json_put(out, json_string(r->title), 1);
	fputs(",\n  \"period\": ", out);
	json_put(out, r->period ? json_string(r->period) : json_null(), 1);
	fputs(",\n  \"made\": ", out);
	json_put(out, json_string(r->made), 1);
	fputs(",\n  \"columns\": ", out);
	json_put(out, cols, 1);
	fputs(",\n  \"rows\": [", out);
}

/* Appends a row of r as CSV (RFC 4180, CRLF) to w->line: money as
 * "1234.50"; text that a spreadsheet would take for a formula
 * neutralised. */
static void csv_line(struct writer *w, const struct kt_report *r, char *const *values)
{
	int rc = 0;

	kt_buf_reset(&w->line);
	for (size_t c = 0; !rc && c < r->ncols; c++) {
		const char *s = values ? kt_report_cell(&r->cols[c], values[c], 0, &w->cell[c]) :
		                         r->cols[c].name;
		rc = !s || (c && kt_buf_addc(&w->line, ',')) ||
		     kt_csv_add_safe(&w->line, s, values && numeric(&r->cols[c]) && *values[c]);
	}
	if (rc || kt_buf_adds(&w->line, "\r\n"))
		die("out of memory");
	fwrite(w->line.data, 1, w->line.len, w->out);
}

/* Prints the header of a table or TSV once, at its first row or at its
 * end: a statement that fails at once leaves the file of -o as it was. */
static void head(struct writer *w, const struct kt_report *r)
{
	if (!w->head)
		printer_row(w->p, r->ncols, w->cols, NULL);
	w->head = 1;
}

/* A kt_report_row_fn writing a row of r in w's format.  Returns 0, or
 * the workbook's error. */
static int write_row(void *arg, const struct kt_report *r, char *const *values,
                     struct kt_error *err)
{
	struct writer *w = arg;

	if (w->fmt == REP_XLSX)
		return kt_report_xlsx_row(w->xlsx, r, values, err);
	if (w->fmt == REP_CSV)
		csv_line(w, r, values);
	else if (w->fmt == REP_JSON) {
		json_t *row = json_object();
		for (size_t c = 0; c < r->ncols; c++)
			json_object_set_new(row, r->cols[c].name,
			                    json_cell(&r->cols[c], values[c], &w->cell[c]));
		fputs(w->nrows ? ",\n    " : "\n    ", w->out);
		json_put(w->out, row, 2);
	} else {
		head(w, r);
		for (size_t c = 0; c < r->ncols; c++)
			if (!(w->v[c] = (char *)kt_report_cell(&r->cols[c], values[c], w->screen,
			                                       &w->cell[c])))
				die("out of memory");
		printer_row(w->p, r->ncols, w->cols, w->v);
	}
	w->nrows++;
	return 0;
}

/* Starts writing r in format fmt (not PDF) to path, or to standard output
 * for the text formats when path is NULL: the header. */
static void writer_start(struct writer *w, const struct kt_report *r, int fmt, const char *path)
{
	struct kt_error err = { 0 };

	*w = (struct writer){ .fmt = fmt, .path = path };
	if (!(w->cols = calloc(r->ncols, sizeof *w->cols)) || !(w->v = calloc(r->ncols, sizeof *w->v)) ||
	    !(w->cell = calloc(r->ncols, sizeof *w->cell)))
		die("out of memory");
	if (fmt == REP_XLSX) {
		if (kt_report_xlsx_open(r, path, &w->xlsx, &err))
			die_err(&err);
		return;
	}
	if (fmt == REP_TABLE || fmt == REP_TSV) {
		w->p = printer_open(fmt == REP_TSV ? OUT_TSV : OUT_TABLE, path, r->name, report_usage);
		w->screen = fmt == REP_TABLE && !path && isatty(STDOUT_FILENO);
		for (size_t c = 0; c < r->ncols; c++)
			w->cols[c] = (struct kt_column){ r->cols[c].name, KT_TEXT, r->cols[c].label };
		return;
	}
	/* CSV and JSON: a file is written beside its path and renamed when
	 * whole, so that a report that fails leaves none; a pipe, a device or
	 * a symbolic link is written where it is, never replaced. */
	struct stat st;
	if (path && (lstat(path, &st) ? errno == ENOENT : S_ISREG(st.st_mode)) &&
	    kt_buf_addf(&w->tmp, "%s.tmp%ld", path, (long)getpid()))
		die("out of memory");
	const char *to = w->tmp.len ? w->tmp.data : path;
	if (!(w->out = path ? fopen(to, "w") : stdout))
		die("%s: %s", to, strerror(errno));
	if (fmt == REP_CSV)
		csv_line(w, r, NULL);
	else
		json_head(w->out, r);
}

/* Writes the totals row of r: through the printer, as CSV, or as JSON's
 * "totals", which closes the document. */
static void write_totals(struct writer *w, const struct kt_report *r)
{
	char (*num)[24] = calloc(r->ncols ? r->ncols : 1, sizeof *num);
	char **v = calloc(r->ncols ? r->ncols : 1, sizeof *v);
	json_t *tot = NULL;

	if (!num || !v || (w->fmt == REP_JSON && !(tot = json_object())))
		die("out of memory");
	for (size_t c = 0; c < r->ncols; c++) {
		snprintf(num[c], sizeof num[c], "%lld", (long long)r->cols[c].sum);
		v[c] = r->cols[c].total ? num[c] : c ? "" : "Итого";
		if (tot && r->cols[c].total)
			json_object_set_new(tot, r->cols[c].name, json_cell(&r->cols[c], num[c], &w->line));
	}
	if (tot) {
		fputs(w->nrows ? "\n  ],\n  \"totals\": " : "],\n  \"totals\": ", w->out);
		json_put(w->out, tot, 1);
		fputs("\n}\n", w->out);
	} else if (r->totals)
		write_row(w, r, v, NULL);
	free(num);
	free(v);
}

/* Ends what w writes: when ok, with the totals, the file closed and
 * renamed to its path; else the file dropped.  Frees what w holds. */
static void writer_end(struct writer *w, const struct kt_report *r, int ok)
{
	struct kt_error err = { 0 };

	if (w->xlsx && kt_report_xlsx_close(w->xlsx, r, ok, &err))
		die_err(&err);
	if (ok && w->p)
		head(w, r);
	if (ok && !w->xlsx)
		write_totals(w, r);
	if (w->p && ok)
		printer_end(w->p);
	else if (w->p)
		printer_abort(w->p);
	if (w->out) {
		int bad = fflush(w->out) || ferror(w->out), e = errno;
		if (w->path && fclose(w->out) && !bad)
			bad = 1, e = errno;
		if (w->tmp.len && (!ok || bad))
			unlink(w->tmp.data);
		if (ok && bad)
			die("%s: %s", w->path ? w->path : _("standard output"),
			    e ? strerror(e) : "write error");
		if (ok && w->tmp.len && rename(w->tmp.data, w->path))
			die("%s: %s", w->path, strerror(errno));
	}
	for (size_t c = 0; c < r->ncols; c++)
		kt_buf_free(&w->cell[c]);
	free(w->cell);
	free(w->cols);
	free(w->v);
	kt_buf_free(&w->line);
	kt_buf_free(&w->tmp);
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
	struct kt_buf what = { 0 };
	if (kt_buf_addf(&what, _("report %s"), r->name))
		die("out of memory");
	say_sent(what.data, o->mail, o->nmail);
	kt_buf_free(&what);
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
	size_t nparams = sizeof params / sizeof *params;
	time_t t = kt_books_now(b);
	struct writer w = { 0 };
	struct tm tm;
	int rc;

	today_date(b, today);
	/* UTC, as status_history's times, for julianday(). */
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	if ((o->at && kt_books_open_at(b, &ctx->opt, o->at, &past, &err)) ||
	    kt_report_load(b, name, &r, &err))
		die_err(&err);
	set_period(r, o, b);
	/* The rows go to the writer as they come; the PDF keeps those it
	 * prints (KT_REPORT_PDF_ROWS unless --limit); a sheet has room for
	 * KT_REPORT_XLSX_ROWS. */
	r->limit = o->limit >= 0 ? (size_t)o->limit : o->fmt == REP_PDF ? KT_REPORT_PDF_ROWS : 0;
	if (o->fmt == REP_XLSX && (!r->limit || r->limit > KT_REPORT_XLSX_ROWS))
		r->limit = KT_REPORT_XLSX_ROWS;
	const char *path = o->output;
	if (o->nmail && !path) {
		/* Mailed and not kept: written into a directory of our own. */
		if (!mkdtemp(tmpdir) || kt_buf_addf(&file, "%s/%s.%s", tmpdir, name, ext[o->fmt]))
			die("%s: %s", tmpdir, strerror(errno));
		path = file.data;
	}
	if (o->fmt == REP_PDF)
		rc = kt_report_run(past ? past : b, r, params, nparams, NULL, NULL, &err) ||
		     kt_report_pdf(r, path, &err);
	else {
		writer_start(&w, r, o->fmt, path);
		rc = kt_report_run(past ? past : b, r, params, nparams, write_row, &w, &err);
		writer_end(&w, r, !rc);
	}
	kt_books_close(past);
	if (rc && file.data)
		rmdir(tmpdir);
	if (rc)
		die_err(&err);
	/* After the rows, wherever stdout and stderr go together. */
	fflush(stdout);
	if (r->limit && r->nrows > r->limit && r->totals)
		fprintf(stderr, _("kontora: report %s: %zu of %zu rows written, the totals of them all "
		                  "(kontora-report(1), \"Many rows\")\n"),
		        r->name, r->limit, r->nrows);
	else if (r->limit && r->nrows > r->limit)
		fprintf(stderr, _("kontora: report %s: %zu of %zu rows written (kontora-report(1), \"Many rows\")\n"),
		        r->name, r->limit, r->nrows);
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
	enum { OPT_FROM = 1000, OPT_TO, OPT_MANAGER, OPT_DAYS, OPT_BY, OPT_MAIL, OPT_AT, OPT_LIMIT };
	static const struct option opts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "manager", required_argument, NULL, OPT_MANAGER },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "by", required_argument, NULL, OPT_BY },
		{ "mail", required_argument, NULL, OPT_MAIL },
		{ "at", required_argument, NULL, OPT_AT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = { .fmt = REP_TABLE, .limit = -1 };
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
		else if (c == OPT_LIMIT)
			o.limit = limit_option(optarg, report_usage);
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
