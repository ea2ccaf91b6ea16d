/*
 * report.c - reports as data: reports/NAME.sql of the books, a read-only
 * statement on the index with a header of "-- key: value" lines (title,
 * column, total, chart; kontora-report(5)), read, run on what the caller
 * may see, its rows handed to a writer as they come (report_xlsx.c, and
 * kontora report's table, CSV and JSON) or kept for the PDF
 * (report_pdf.c), which draws its chart before its table.
 *
 * A report's rows may be many (every quiet client of the books in
 * attention): the totals are summed as the rows pass and only the rows a
 * writer needs at once are kept (the PDF's, bounded by r->limit), so that
 * a report's memory does not grow with the books.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

/* The types of a column as the header writes them. */
static const char *const rtype_names[] = { "text", "int", "money", "date", "percent",
                                           "decimal" };
/* The charts, likewise. */
static const char *const chart_names[] = { "none", "bar", "line", "funnel" };

/* Returns the index of word (len bytes) in names (n of them), or -1. */
static int word_index(const char *const *names, size_t n, const char *word, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], word, len))
			return (int)i;
	return -1;
}

/* Frees r; NULL is fine.  See kontora.h. */
void kt_report_free(struct kt_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncols; i++) {
		free(r->cols[i].name);
		free(r->cols[i].label);
	}
	free(r->cols);
	strv_free(r->cells, r->nkept * r->ncols);
	free(r->name);
	free(r->file);
	free(r->title);
	free(r->sql);
	free(r->period);
	free(r->made);
	free(r);
}

/* Returns the column of r called name (len bytes), or -1. */
static int col_index(const struct kt_report *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (strlen(r->cols[i].name) == len && !strncmp(r->cols[i].name, name, len))
			return (int)i;
	return -1;
}

/* Returns the next word of *s (skipping blanks) and its length in *len,
 * moving *s past it; NULL at the end. */
static const char *next_word(const char **s, size_t *len)
{
	const char *w = *s + strspn(*s, " \t");

	*len = strcspn(w, " \t");
	*s = w + *len;
	return *len ? w : NULL;
}

/* Parses "column: NAME TYPE LABEL..." into a new column of r.  Returns 0,
 * KT_EINVAL (why in *why) or KT_ENOMEM. */
static int parse_column(struct kt_report *r, const char *v, const char **why)
{
	size_t nlen, tlen;
	const char *name = next_word(&v, &nlen), *type = next_word(&v, &tlen);
	int t = type ? word_index(rtype_names, 6, type, tlen) : -1;
	struct kt_report_col *c;

	v += strspn(v, " \t");
	if (!name || t < 0)
		return *why = "column: NAME TYPE LABEL, TYPE one of text, int, money, date, percent, "
		                "decimal",
		       KT_EINVAL;
	if (col_index(r, name, nlen) >= 0)
		return *why = "the column is named twice", KT_EINVAL;
	if (!(c = realloc(r->cols, (r->ncols + 1) * sizeof *c)))
		return KT_ENOMEM;
	r->cols = c;
	c += r->ncols;
	*c = (struct kt_report_col){ .name = strndup(name, nlen), .label = strdup(*v ? v : ""),
	                             .type = (enum kt_rtype)t };
	if (!*c->label) {
		free(c->label);
		c->label = strndup(name, nlen);
	}
	r->ncols++;
	return c->name && c->label ? 0 : KT_ENOMEM;
}

/* Parses "total: COLUMN..." (int and money columns).  Returns 0 or
 * KT_EINVAL (why in *why). */
static int parse_total(struct kt_report *r, const char *v, const char **why)
{
	size_t len;
	const char *w;

	while ((w = next_word(&v, &len))) {
		int i = col_index(r, w, len);
		if (i < 0)
			return *why = "total: names a column not declared above it", KT_EINVAL;
		if (r->cols[i].type != KT_R_INT && r->cols[i].type != KT_R_MONEY)
			return *why = "total: only int and money columns are summed", KT_EINVAL;
		r->cols[i].total = r->totals = 1;
	}
	return 0;
}

/* Parses "alert: COLUMN..." (number columns whose values above zero are
 * shown in red).  Returns 0 or KT_EINVAL (why in *why). */
static int parse_alert(struct kt_report *r, const char *v, const char **why)
{
	size_t len;
	const char *w;

	while ((w = next_word(&v, &len))) {
		int i = col_index(r, w, len);
		if (i < 0 || r->cols[i].type == KT_R_TEXT || r->cols[i].type == KT_R_DATE)
			return *why = "alert: names no number column declared above it", KT_EINVAL;
		r->cols[i].alert = 1;
	}
	return 0;
}

/* Parses "chart: KIND X Y..." (at most four series).  Returns 0 or
 * KT_EINVAL (why in *why). */
static int parse_chart(struct kt_report *r, const char *v, const char **why)
{
	size_t len;
	const char *w = next_word(&v, &len);
	int kind = w ? word_index(chart_names, 4, w, len) : -1, i;

	if (kind < 0)
		return *why = "chart: KIND X Y..., KIND one of bar, line, funnel", KT_EINVAL;
	r->chart = (enum kt_chart)kind;
	if (!(w = next_word(&v, &len)) || (i = col_index(r, w, len)) < 0)
		return *why = "chart: X names no column declared above it", KT_EINVAL;
	r->chart_x = (size_t)i;
	for (r->nchart_y = 0; (w = next_word(&v, &len));) {
		if ((i = col_index(r, w, len)) < 0 || r->cols[i].type == KT_R_TEXT ||
		    r->cols[i].type == KT_R_DATE)
			return *why = "chart: a value names no number column declared above it", KT_EINVAL;
		if (r->nchart_y == 4)
			return *why = "chart: at most four series", KT_EINVAL;
		r->chart_y[r->nchart_y++] = (size_t)i;
	}
	return r->nchart_y ? 0 : (*why = "chart: no value column", KT_EINVAL);
}

/* Parses one header line "key: value" (after "--") into r.  Returns 0,
 * KT_EINVAL (why in *why) or KT_ENOMEM. */
static int parse_line(struct kt_report *r, const char *line, const char **why)
{
	size_t klen = strcspn(line, ":");
	const char *v = line + klen + 1;

	if (!line[klen])
		return 0;   /* a comment that is no header line */
	v += strspn(v, " \t");
	if (klen == 5 && !strncmp(line, "title", 5)) {
		free(r->title);
		return (r->title = strdup(v)) ? 0 : KT_ENOMEM;
	}
	if (klen == 6 && !strncmp(line, "column", 6))
		return parse_column(r, v, why);
	if (klen == 5 && !strncmp(line, "total", 5))
		return parse_total(r, v, why);
	if (klen == 5 && !strncmp(line, "chart", 5))
		return parse_chart(r, v, why);
	if (klen == 5 && !strncmp(line, "alert", 5))
		return parse_alert(r, v, why);
	if (strspn(line, "abcdefghijklmnopqrstuvwxyz") == klen)
		return *why = "unknown key (title, column, total, chart, alert)", KT_EINVAL;
	return 0;
}

/* Parses text (the whole file, NUL-terminated; cut into lines here) into
 * r.  Returns 0 or an error naming r->file and the line. */
static int parse(struct kt_report *r, char *text, struct kt_error *err)
{
	long lineno = 0;
	char *line = text;
	const char *why = NULL;
	int rc = 0;

	while (!rc && line && !strncmp(line, "--", 2)) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		lineno++;
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		rc = parse_line(r, line + 2 + strspn(line + 2, " \t"), &why);
		line = end ? end + 1 : NULL;
	}
	if (rc == KT_ENOMEM)
		return kt_error_set(err, rc, "out of memory");
	if (rc)
		return kt_error_set(err, rc, "%s:%ld: %s", r->file, lineno, why);
	if (!r->ncols)
		return kt_error_set(err, KT_EINVAL, "%s: no \"-- column:\" line in its header", r->file);
	if (!line || !line[strspn(line, " \t\r\n")])
		return kt_error_set(err, KT_EINVAL, "%s: no SQL after its header", r->file);
	if (!r->title && !(r->title = strdup(r->name)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return (r->sql = strdup(line)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
}

/* Returns 1 if name is a report's name: a lower-case Latin letter, then
 * letters, digits, - and _. */
static int name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= 64 && name[0] >= 'a' && name[0] <= 'z' &&
	       !name[strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_")];
}

/* Reads and parses a report.  See kontora.h. */
int kt_report_load(struct kt_books *b, const char *name, struct kt_report **out,
                   struct kt_error *err)
{
	struct kt_report *r = calloc(1, sizeof *r);
	struct kt_buf text = { 0 }, dir = { 0 }, path = { 0 };
	int rc = 0;

	*out = NULL;
	if (!r || !(r->name = strdup(name)) || kt_buf_addf(&dir, "%s/reports", kt_books_root(b)) ||
	    kt_buf_addf(&path, "%s/%s.sql", dir.data, name) ||
	    !(r->file = strdup(path.data + strlen(kt_books_root(b)) + 1)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (access(dir.data, F_OK))
		/* Books made before kontora had reports. */
		rc = kt_error_set(err, KT_ENOTFOUND, "these books have no reports/: copy reports/ from "
		                  "kontora's data directory into them and commit it");
	else if (!name_ok(name) || access(path.data, F_OK))
		rc = kt_error_set(err, KT_ENOTFOUND, "no report %s (kontora report list shows them)",
		                  name);
	else if (!(rc = file_read(path.data, 1 << 20, NULL, &text, err)))
		rc = parse(r, text.data ? text.data : (char *)"", err);
	kt_buf_free(&text);
	kt_buf_free(&dir);
	kt_buf_free(&path);
	if (rc)
		kt_report_free(r);
	else
		*out = r;
	return rc;
}

/* What run_row() needs: the report, where its rows go, and the first
 * error. */
struct run {
	struct kt_report *r;
	kt_report_row_fn fn;
	void *arg;
	struct kt_error *err;
	size_t cap;
	long long *row;   /* per column, the row's number (add_totals()) */
};

/* Checks that the statement's columns are the header's.  Returns 0 or
 * KT_EINVAL. */
static int check_columns(struct run *run, size_t ncols, const struct kt_column *cols)
{
	struct kt_report *r = run->r;

	if (ncols != r->ncols)
		return kt_error_set(run->err, KT_EINVAL,
		                    "%s: the SQL gives %zu columns, the header declares %zu",
		                    r->file, ncols, r->ncols);
	for (size_t i = 0; i < ncols; i++)
		if (strcmp(cols[i].name, r->cols[i].name))
			return kt_error_set(run->err, KT_EINVAL,
			                    "%s: column %zu of the SQL is %s, the header declares %s",
			                    r->file, i + 1, cols[i].name, r->cols[i].name);
	return 0;
}

/* Returns 0 when value is an integer or empty for column c (int and
 * money; other columns are not summed), its value in *v (0 when empty
 * or not summed); else KT_EINVAL naming row and column. */
static int number_of(struct run *run, const struct kt_report_col *c, const char *value,
                     long long *v)
{
	char *end;

	*v = 0;
	if (!*value || (c->type != KT_R_INT && c->type != KT_R_MONEY))
		return 0;
	errno = 0;
	*v = strtoll(value, &end, 10);
	if (*end || errno)
		return kt_error_set(run->err, KT_EINVAL, "%s: row %zu, column %s: \"%s\" is no integer%s",
		                    run->r->file, run->r->nrows + 1, c->name, value,
		                    c->type == KT_R_MONEY ? " (money is in kopecks)" : "");
	return 0;
}

/* Adds a row's int and money values to the totals, once every one of
 * them is known to be an integer whose total stays within 64 bits: each
 * is parsed once, into run->row, and added when the whole row has been
 * read.  Returns 0 or KT_EINVAL (number_of(), or a total too large,
 * naming row and column). */
static int add_totals(struct run *run, char *const *values)
{
	struct kt_report *r = run->r;
	int64_t sum;
	int rc = 0;

	for (size_t i = 0; !rc && i < r->ncols; i++) {
		rc = number_of(run, &r->cols[i], values[i], &run->row[i]);
		if (!rc && __builtin_add_overflow(r->cols[i].sum, run->row[i], &sum))
			rc = kt_error_set(run->err, KT_EINVAL, "%s: row %zu, column %s: the total "
			                  "passes what 64 bits hold", r->file, r->nrows + 1, r->cols[i].name);
	}
	for (size_t i = 0; !rc && i < r->ncols; i++)
		r->cols[i].sum += run->row[i];
	return rc;
}

/* Keeps a copy of a row in r->cells.  Returns 0 or KT_ENOMEM. */
static int keep_row(struct run *run, char *const *values)
{
	struct kt_report *r = run->r;
	size_t n = r->ncols;

	if (r->nkept == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 16;
		char **c = realloc(r->cells, cap * n * sizeof *c);
		if (!c)
			return kt_error_set(run->err, KT_ENOMEM, "out of memory");
		r->cells = c;
		run->cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		if (!(r->cells[r->nkept * n + i] = strdup(values[i]))) {
			while (i--)
				free(r->cells[r->nkept * n + i]);
			return kt_error_set(run->err, KT_ENOMEM, "out of memory");
		}
	r->nkept++;
	return 0;
}

/* A kt_row_fn adding a row to the report's totals and count, and passing
 * it on when it is one of the first r->limit: to run->fn, or kept in r.
 * Returns 0 or an error code (in run->err). */
static int run_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct run *run = arg;
	struct kt_report *r = run->r;
	int rc;

	if (!values)
		return check_columns(run, ncols, cols);
	if ((rc = add_totals(run, values)))
		return rc;
	if (!r->limit || r->nrows < r->limit)
		rc = run->fn ? run->fn(run->arg, r, values, run->err) : keep_row(run, values);
	r->nrows++;
	return rc;
}

/* What plan_one() gathers: the plans as a JSON object
 * {"2026-11.anna": 15000000, ...} (kopecks), and KT_ENOMEM. */
struct plans {
	struct kt_buf json;
	int bad;
};

/* Adds the key plan.YYYY-MM.LOGIN of kontora.conf with its amount to the
 * JSON; other keys, and amounts that are none, are passed over.  Returns
 * 0. */
static int plan_one(void *arg, const char *key, const char *value)
{
	struct plans *pl = arg;
	const char *month = key + 5, *login = key + 13;
	int64_t kopecks;

	if (strncmp(key, "plan.", 5) || strspn(month, "0123456789") != 4 || month[4] != '-' ||
	    strspn(month + 5, "0123456789") != 2 || month[7] != '.' || !*login ||
	    login[strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789-_.")] ||
	    kt_money_parse(value, &kopecks))
		return 0;
	pl->bad |= kt_buf_addf(&pl->json, "%s\"%s\": %lld", pl->json.len > 1 ? ", " : "", month,
	                       (long long)kopecks);
	return 0;
}

/* Appends text to out as a JSON string.  Returns 0 or KT_ENOMEM. */
static int json_string_add(struct kt_buf *out, const char *text)
{
	int rc = kt_buf_addc(out, '"');

	for (const unsigned char *c = (const unsigned char *)text; !rc && *c; c++)
		rc = *c == '"' || *c == '\\' ? kt_buf_addf(out, "\\%c", *c) :
		     *c < 0x20 ? kt_buf_addf(out, "\\u%04x", *c) : kt_buf_addc(out, (char)*c);
	return rc || kt_buf_addc(out, '"');
}

/* What dict_one() and entry_one() gather: the dictionaries as a JSON
 * object {"lead_source": {"web": "Сайт", ...}, ...}, what people see for
 * each entry (kt_dict_label()). */
struct dicts {
	struct kt_books *b;
	struct kt_buf json;
	const char *dict;
	size_t n;
	struct kt_error *err;
};

/* A kt_row_fn adding one entry (id, name) of the dictionary d->dict.
 * Returns 0 or KT_ENOMEM. */
static int entry_one(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct dicts *d = arg;

	if (!values)
		return 0;
	if ((d->n++ && kt_buf_adds(&d->json, ", ")) || json_string_add(&d->json, values[0]) ||
	    kt_buf_adds(&d->json, ": ") ||
	    json_string_add(&d->json, kt_dict_label(d->b, d->dict, values[0])))
		return kt_error_set(d->err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Adds the dictionary name with its entries.  Returns 0 or an error. */
static int dict_one(void *arg, const char *name)
{
	struct dicts *d = arg;
	int rc;

	if ((d->json.len > 1 && kt_buf_adds(&d->json, ", ")) || json_string_add(&d->json, name) ||
	    kt_buf_adds(&d->json, ": {"))
		return kt_error_set(d->err, KT_ENOMEM, "out of memory");
	d->dict = name;
	d->n = 0;
	if ((rc = kt_dict_list(d->b, name, entry_one, d, d->err)))
		return rc;
	return kt_buf_addc(&d->json, '}') ? kt_error_set(d->err, KT_ENOMEM, "out of memory") : 0;
}

/* Runs a report.  See kontora.h. */
int kt_report_run(struct kt_books *b, struct kt_report *r, const struct kt_param *params,
                  size_t nparams, kt_report_row_fn fn, void *arg, struct kt_error *err)
{
	long long *row = calloc(r->ncols ? r->ncols : 1, sizeof *row);
	struct run run = { r, fn, arg, err, r->nkept, row };
	struct plans pl = { { 0 }, 0 };
	struct dicts dl = { b, { 0 }, NULL, 0, err };
	struct kt_param *all = calloc(nparams + 4, sizeof *all);
	const struct kt_identity *who = NULL;
	int rc = kt_books_whoami(b, &who, err);

	/* The plans of kontora.conf as the parameter :plans, so that a
	 * report reads them with json_extract() and needs no C. */
	if (rc)
		;
	else if (!all || !row || kt_buf_addc(&pl.json, '{') || kt_buf_addc(&dl.json, '{'))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (!(rc = kt_config_foreach(b, plan_one, &pl, err)) &&
	         (pl.bad || kt_buf_addc(&pl.json, '}')))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* The dictionaries as :dicts, so that a report shows "Сайт" for web. */
	else if (!(rc = kt_dict_names(b, dict_one, &dl, err)) && kt_buf_addc(&dl.json, '}'))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc) {
		memcpy(all, params, nparams * sizeof *all);
		all[nparams] = (struct kt_param){ "plans", pl.json.data };
		all[nparams + 1] = (struct kt_param){ "user", who->login };
		all[nparams + 2] = (struct kt_param){ "role", who->role };
		all[nparams + 3] = (struct kt_param){ "dicts", dl.json.data };
		rc = kt_sql_seen(b, r->sql, all, nparams + 4, run_row, &run, err);
	}
	free(row);
	free(all);
	kt_buf_free(&pl.json);
	kt_buf_free(&dl.json);
	return rc;
}

/* Writes n into buf with its thousands apart ("98 000") by no-break
 * spaces, so that wrapping a line never cuts the number; returns buf. */
static const char *grouped(size_t n, char buf[40])
{
	char digits[24];
	size_t len = (size_t)snprintf(digits, sizeof digits, "%zu", n), o = 0;

	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			o += (size_t)snprintf(buf + o, 40 - o, "\u00a0");
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Says what a file leaves out.  See report.h. */
int report_left_out(const struct kt_report *r, size_t shown, struct kt_buf *out)
{
	char all[40], first[40], rest[40];

	/* A sheet holds at most KT_REPORT_XLSX_ROWS: more are for CSV. */
	return kt_buf_addf(out, "Строк в отчете: %s; показаны первые %s, не вошли %s.%s Все строки: "
	                   "kontora report %s %s без --limit.",
	                   grouped(r->nrows, all), grouped(shown, first),
	                   grouped(r->nrows - shown, rest), r->totals ? " Итоги — по всем строкам." : "",
	                   r->name,
	                   r->nrows <= KT_REPORT_XLSX_ROWS ? "-f xlsx или -f csv" : "-f csv");
}

/* Returns 1 if v is a month, YYYY-MM (a report by month gives them). */
static int is_month(const char *v)
{
	return strspn(v, "0123456789") == 4 && v[4] == '-' && strspn(v + 5, "0123456789") == 2 &&
	       !v[7];
}

/* Formats a cell for people or files.  See kontora.h. */
const char *kt_report_cell(const struct kt_report_col *c, const char *value, int screen,
                           struct kt_buf *out)
{
	char buf[40];
	int64_t milli;
	int rc = 0;

	kt_buf_reset(out);
	if (!*value || c->type == KT_R_TEXT || c->type == KT_R_INT)
		rc = kt_buf_adds(out, value);
	else if (c->type == KT_R_MONEY)
		rc = kt_buf_adds(out, kt_money_format(strtoll(value, NULL, 10), screen, buf));
	else if (c->type == KT_R_DATE && screen && kt_date_valid(value))
		rc = kt_buf_addf(out, "%.2s.%.2s.%.4s", value + 8, value + 5, value);
	else if (c->type == KT_R_DATE && screen && is_month(value))
		rc = kt_buf_addf(out, "%.2s.%.4s", value + 5, value);
	else if ((c->type == KT_R_PERCENT || c->type == KT_R_DECIMAL) &&
	         !kt_decimal_parse(value, 6, &milli) && milli > INT64_MIN + 50000) {
		/* One decimal, rounded half away from zero. */
		int64_t tenths = (milli + (milli < 0 ? -50000 : 50000)) / 100000;
		rc = kt_buf_addf(out, "%s%lld%s%lld%s", tenths < 0 ? "-" : "",
		                 (long long)(tenths < 0 ? -tenths : tenths) / 10, screen ? "," : ".",
		                 (long long)(tenths < 0 ? -tenths : tenths) % 10,
		                 screen && c->type == KT_R_PERCENT ? " %" : "");
	} else
		rc = kt_buf_adds(out, value);
	return rc ? NULL : out->data ? out->data : "";
}

/* Lists the reports.  See kontora.h. */
int kt_report_names(struct kt_books *b,
                    int (*fn)(void *arg, const char *name, const char *title), void *arg,
                    struct kt_error *err)
{
	struct kt_buf dir = { 0 };
	struct dirent **ents = NULL;
	int n = -1, rc = 0;

	if (kt_buf_addf(&dir, "%s/reports", kt_books_root(b)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if ((n = scandir(dir.data, &ents, NULL, alphasort)) < 0 && errno != ENOENT)
		rc = kt_error_set(err, KT_EIO, "%s: %s", dir.data, strerror(errno));
	for (int i = 0; i < n; i++) {
		char *name = ents[i]->d_name;
		size_t len = strlen(name);
		struct kt_report *r = NULL;
		if (!rc && len > 4 && !strcmp(name + len - 4, ".sql")) {
			name[len - 4] = '\0';
			if (name_ok(name) && !(rc = kt_report_load(b, name, &r, err)))
				rc = fn(arg, r->name, r->title);
			kt_report_free(r);
		}
		free(ents[i]);
	}
	free(ents);
	kt_buf_free(&dir);
	return rc;
}
