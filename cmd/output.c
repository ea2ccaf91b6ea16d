/*
 * output.c - printing rows: aligned tables on a terminal, TSV when piped,
 * CSV and JSON (made by jansson, a row at a time) on request, to standard
 * output or to a file (-o); XLSX workbooks, always to a file.  And the
 * rows of list queries copied into memory, for commands that read
 * several queries before printing (the client card, the lab queue).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

/* A reference's title as a workbook shows it, remembered: a list of a
 * million leads names the same managers and clients on many rows, and
 * each title is an index lookup, a random read of the client table.
 * Direct-mapped, so the memory stays fixed: 65,536 slots keep 57% of the
 * 300,810 client titles of the bench's million leads (75,737 clients),
 * 4,096 slots kept 14%; about 7 MB when full. */
#define TITLE_SLOTS 65536
struct title_slot {
	const struct kt_field *field;    /* NULL: empty */
	char *key;                       /* the value, then the title after its NUL */
};

/* The titles of a reference field's type read all at once
 * (kt_ref_titles()) when the slots have missed TITLES_AFTER times for it:
 * a lookup each was most of what kontora added to a million leads in a
 * workbook; the SELECT of the 100,000 clients' titles takes 0.03-0.09 s
 * in sqlite3.  Only for a type of at most TITLES_MAX records the caller may
 * see (about 9 MB), so the memory stays bounded. */
#ifndef TITLES_AFTER
#define TITLES_AFTER 16384  /* -DTITLES_AFTER=0 runs the tests through it */
#endif
#define TITLES_MAX 131072

/* The rows of a terminal table measured and printed at a time
 * (print_table()): its memory is a block's, however long the list. */
#define TABLE_BLOCK 1000
struct title_set {
	const struct kt_field *field;
	char **pairs;          /* "key\0title", sorted by key */
	size_t n, cap;
	size_t misses;         /* the slots' misses for the field */
	int state;             /* 0 not read yet, 1 read, -1 too many or failed */
};

struct printer {
	enum out_format fmt;
	FILE *out;             /* NULL until the first row, for a file (-o) */
	char *path;            /* the file of -o, or NULL for standard output */
	const char *sheet;     /* the XLSX sheet's name */
	struct kt_xlsx *xlsx;  /* the workbook, for OUT_XLSX */
	int tty;
	size_t nrows;
	/* A table on a terminal is collected, a block at a time, to measure
	 * its columns. */
	size_t ncols;
	struct kt_column *cols;
	char **cells;          /* nrows x ncols, screen forms: the rows not printed yet */
	size_t cap;
	size_t *width;         /* the columns' widths so far: they only grow */
	int printed;           /* the labels and a first block are printed */
	/* Overdue marking (printer_mark_overdue()): a terminal table only. */
	char *mark_col, *mark_done;
	char mark_today[11];
	char *marked;          /* per kept row: its date cell is red */
	size_t marked_cap;
	/* Names for people (printer_names()): terminal tables, XLSX. */
	struct kt_books *books;
	const struct kt_schema *schema;
	const struct kt_field **fields;  /* per column: its field if it has labels, or NULL */
	const struct kt_schema *fields_of; /* the schema fields are of */
	struct kt_column *xcols;         /* XLSX: the columns, a reference's id after it */
	struct kt_buf xlabels;           /* XLSX: the labels of the id columns */
	size_t nxcols;
	struct kt_buf *named;            /* XLSX: per column, its label as written (nnamed kept) */
	struct title_slot *titles;       /* XLSX: titles remembered (TITLE_SLOTS) */
	struct title_set *sets;          /* XLSX: per reference field, its titles */
	size_t nsets;
	char **named_v;                  /* XLSX: a row as written */
	size_t nnamed;
	struct kt_buf label;             /* a table's cell as shown */
	/* The ★ of unprocessed rows (printer_mark_unprocessed()): tables and
	 * TSV; the row as printed, with the mark and without a hidden flag. */
	char *star_flag, *star_col;
	int star_hide;
	struct kt_column *star_cols;
	char **star_vals;
	struct kt_buf star_cell;
};

enum out_format out_format(const char *name, const char *usage_text)
{
	static const char *const names[] = { "table", "tsv", "csv", "json", "xlsx" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i]))
			return (enum out_format)i;
	usage_error(usage_text, "-f %s: not one of table, tsv, csv, json, xlsx", name);
}

struct printer *printer_new(enum out_format fmt, FILE *out)
{
	struct printer *p;

	if (fmt == OUT_XLSX) {
		/* A command that takes no -o. */
		fputs("kontora: error: -f xlsx: an Excel workbook is not written to standard output\n",
		      stderr);
		exit(2);
	}
	if (!(p = calloc(1, sizeof *p)))
		die("out of memory");
	p->out = out;
	p->tty = isatty(fileno(out));
	p->fmt = fmt == OUT_TABLE && !p->tty ? OUT_TSV : fmt;
	return p;
}

struct printer *printer_open(enum out_format fmt, const char *path, const char *sheet,
                             const char *usage_text)
{
	struct printer *p;

	if (!path && fmt == OUT_XLSX) {
		fputs("kontora: error: -f xlsx writes a file: give it with -o FILE\n", stderr);
		usage(usage_text, 0);
	}
	if (!path)
		return printer_new(fmt, stdout);
	if (!*path) {
		fputs("kontora: error: -o: the file name is empty\n", stderr);
		usage(usage_text, 0);
	}
	if (!(p = calloc(1, sizeof *p)) || !(p->path = strdup(path)))
		die("out of memory");
	/* The file is opened (and an old one replaced) only when the query
	 * gives its first row: a query that fails at once leaves it alone. */
	p->fmt = fmt == OUT_TABLE ? OUT_TSV : fmt;
	p->sheet = sheet;
	return p;
}

/* Opens the file of -o, at the first row. */
static void open_file(struct printer *p)
{
	struct kt_error err = { 0 };

	if (p->fmt == OUT_XLSX) {
		if (kt_xlsx_open(p->path, p->sheet, &p->xlsx, &err))
			die_err(&err);
		return;
	}
	if (!(p->out = fopen(p->path, "w")))
		die("%s: %s", p->path, strerror(errno));
	/* A table to a terminal (-o /dev/tty) is aligned, as on stdout. */
	if ((p->tty = isatty(fileno(p->out))) && p->fmt == OUT_TSV)
		p->fmt = OUT_TABLE;
}

const char *screen_value(enum kt_ftype t, const char *value, char buf[64])
{
	struct tm tm = { 0 };
	int64_t k;

	if (!*value)
		return value;
	if (t == KT_DATETIME && kt_datetime_valid(value) && strptime(value, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		time_t when = timegm(&tm);
		localtime_r(&when, &tm);
		strftime(buf, 64, "%Y-%m-%d %H:%M", &tm);
		return buf;
	}
	if (t == KT_MONEY && !kt_money_parse(value, &k))
		return kt_money_format(k, 1, buf);
	if (t == KT_DECIMAL && !kt_decimal_parse(value, 3, &k))
		return kt_decimal_format(k, 1, buf);
	if (t == KT_BOOL)
		return !strcmp(value, "true") ? "да" : !strcmp(value, "false") ? "нет" : value;
	return value;
}

/* Writes a value for TSV: tabs and newlines become spaces. */
static void tsv_value(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* Writes the header line of TSV and CSV. */
static void header(struct printer *p, size_t ncols, const struct kt_column *cols)
{
	struct kt_buf b = { 0 };

	for (size_t i = 0; i < ncols; i++) {
		if (p->fmt == OUT_CSV) {
			if ((i && kt_buf_addc(&b, ',')) || kt_csv_add_field(&b, cols[i].name))
				die("out of memory");
		} else {
			fprintf(p->out, "%s%s", i ? "\t" : "", cols[i].name);
		}
	}
	if (p->fmt == OUT_CSV)
		fwrite(b.data, 1, b.len, p->out);
	fputc('\n', p->out);
	kt_buf_free(&b);
}

/* Keeps the columns of a terminal table.  Their names and labels must
 * outlive the query: they are the schema's (or copies, for SQL). */
static void remember_columns(struct printer *p, size_t ncols, const struct kt_column *cols)
{
	p->ncols = ncols;
	if (!(p->cols = malloc((ncols ? ncols : 1) * sizeof *p->cols)))
		die("out of memory");
	memcpy(p->cols, cols, ncols * sizeof *cols);
}

void printer_mark_overdue(struct printer *p, const char *column, const char *done,
                          const char *today)
{
	free(p->mark_col);
	free(p->mark_done);
	if (!(p->mark_col = strdup(column)) || (done && !(p->mark_done = strdup(done))))
		die("out of memory");
	snprintf(p->mark_today, sizeof p->mark_today, "%s", today);
}

void printer_mark_unprocessed(struct printer *p, const char *flag, const char *column, int hide)
{
	free(p->star_flag);
	free(p->star_col);
	if (!(p->star_flag = strdup(flag)) || !(p->star_col = strdup(column)))
		die("out of memory");
	p->star_hide = hide;
}

/* Applies printer_mark_unprocessed() to the header (*values NULL) or a row
 * of a table or TSV: "★ " before the value of its column when the flag
 * column is false, the flag column left out when asked.  Points *ncols,
 * *cols and *values at the row to print (kept in p until the next row). */
static void star_row(struct printer *p, size_t *ncols, const struct kt_column **cols,
                     char *const **values)
{
	const char *flag = NULL;
	size_t n = 0;

	if (!(p->star_cols = realloc(p->star_cols, (*ncols ? *ncols : 1) * sizeof *p->star_cols)) ||
	    !(p->star_vals = realloc(p->star_vals, (*ncols ? *ncols : 1) * sizeof *p->star_vals)))
		die("out of memory");
	for (size_t i = 0; *values && i < *ncols; i++)
		if (!strcmp((*cols)[i].name, p->star_flag))
			flag = (*values)[i];
	for (size_t i = 0; i < *ncols; i++) {
		const char *name = (*cols)[i].name;
		if (p->star_hide && !strcmp(name, p->star_flag))
			continue;
		p->star_cols[n] = (*cols)[i];
		if (*values) {
			p->star_vals[n] = (*values)[i];
			if (flag && !strcmp(flag, "false") && !strcmp(name, p->star_col)) {
				kt_buf_reset(&p->star_cell);
				if (kt_buf_adds(&p->star_cell, *(*values)[i] ? "★ " : "★") ||
				    kt_buf_adds(&p->star_cell, (*values)[i]))
					die("out of memory");
				p->star_vals[n] = p->star_cell.data;
			}
		}
		n++;
	}
	*ncols = n;
	*cols = p->star_cols;
	if (*values)
		*values = p->star_vals;
}

/* Returns 1 if the row is overdue as printer_mark_overdue() asked. */
static int overdue(const struct printer *p, size_t ncols, const struct kt_column *cols,
                   char *const *values)
{
	int late = 0;

	for (size_t i = 0; i < ncols; i++) {
		if (!strcmp(cols[i].name, p->mark_col))
			late = *values[i] && strcmp(values[i], p->mark_today) < 0;
		else if (p->mark_done && !strcmp(cols[i].name, p->mark_done) && !strcmp(values[i], "true"))
			return 0;
	}
	return late;
}

/* Keeps one row of a terminal table. */
static void keep(struct printer *p, size_t ncols, const struct kt_column *cols,
                 char *const *values)
{
	char buf[64];

	if ((p->nrows + 1) * ncols > p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64 * ncols;
		if (!(p->cells = realloc(p->cells, p->cap * sizeof *p->cells)))
			die("out of memory");
	}
	for (size_t i = 0; i < ncols; i++) {
		const char *shown = p->fields ? kt_value_label(p->books, p->schema, p->fields[i], values[i],
		                                               KT_REF_WITH_ID, &p->label)
		                              : values[i];
		char *v = strdup(screen_value(cols[i].type, shown, buf));
		if (!v)
			die("out of memory");
		for (char *c = v; *c; c++)
			if (*c == '\n' || *c == '\t' || *c == '\r')
				*c = ' ';
		p->cells[p->nrows * ncols + i] = v;
	}
	if (p->mark_col) {
		if (p->nrows >= p->marked_cap) {
			p->marked_cap = p->marked_cap ? 2 * p->marked_cap : 64;
			if (!(p->marked = realloc(p->marked, p->marked_cap)))
				die("out of memory");
		}
		p->marked[p->nrows] = (char)overdue(p, ncols, cols, values);
	}
}

/* See cmd.h. */
void printer_names(struct printer *p, struct kt_books *b, const struct kt_schema *s)
{
	p->books = b;
	p->schema = s;
}

/* Notes the field of each column in p->schema whose values may be shown
 * otherwise than as they are (kt_value_labelled()), for printer_names(); at
 * the header (header 1), for XLSX, makes the columns of the workbook: a
 * reference's column holds the title of the record it names, and a
 * column of its own after it the id. */
static void find_fields(struct printer *p, size_t ncols, const struct kt_column *cols, int header)
{
	free(p->fields);
	if (!(p->fields = calloc(ncols ? ncols : 1, sizeof *p->fields)))
		die("out of memory");
	p->fields_of = p->schema;
	for (size_t i = 0; i < ncols; i++) {
		const struct kt_field *f = kt_schema_field(p->schema, cols[i].name);
		p->fields[i] = kt_value_labelled(p->books, p->schema, f) ? f : NULL;
	}
	if (!header)
		return;
	/* The labels of the id columns, "Клиент (код)", one after another. */
	kt_buf_free(&p->xlabels);
	for (size_t i = 0; i < ncols; i++)
		if (p->fields[i] && p->fields[i]->type == KT_REF &&
		    (kt_buf_addf(&p->xlabels, "%s (код)", cols[i].label) || kt_buf_addc(&p->xlabels, 0)))
			die("out of memory");
	free(p->xcols);
	if (!(p->xcols = calloc(2 * ncols + 1, sizeof *p->xcols)))
		die("out of memory");
	p->nxcols = 0;
	for (size_t i = 0, at = 0; i < ncols; i++) {
		p->xcols[p->nxcols++] = cols[i];
		if (p->fields[i] && p->fields[i]->type == KT_REF) {
			p->xcols[p->nxcols++] = (struct kt_column){ cols[i].name, KT_TEXT, p->xlabels.data + at };
			at += strlen(p->xlabels.data + at) + 1;
		}
	}
}

/* Returns the titles of f kept in p, made empty at first. */
static struct title_set *title_set(struct printer *p, const struct kt_field *f)
{
	for (size_t i = 0; i < p->nsets; i++)
		if (p->sets[i].field == f)
			return &p->sets[i];
	if (!(p->sets = realloc(p->sets, (p->nsets + 1) * sizeof *p->sets)))
		die("out of memory");
	p->sets[p->nsets] = (struct title_set){ .field = f };
	return &p->sets[p->nsets++];
}

/* Frees the titles of t, keeping its state. */
static void title_set_clear(struct title_set *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->pairs[i]);
	free(t->pairs);
	t->pairs = NULL;
	t->n = t->cap = 0;
}

/* kt_ref_titles()'s function: keeps "key\0title"; 1 past TITLES_MAX. */
static int keep_title(void *arg, const char *key, const char *title)
{
	struct title_set *t = arg;
	size_t klen = strlen(key) + 1, tlen = strlen(title) + 1;

	if (t->n == TITLES_MAX)
		return 1;
	if (t->n == t->cap &&
	    !(t->pairs = realloc(t->pairs, (t->cap = t->cap ? 2 * t->cap : 1024) * sizeof *t->pairs)))
		die("out of memory");
	if (!(t->pairs[t->n] = malloc(klen + tlen)))
		die("out of memory");
	memcpy(t->pairs[t->n], key, klen);
	memcpy(t->pairs[t->n++] + klen, title, tlen);
	return 0;
}

/* Orders "key\0title" pairs by key, for qsort() and bsearch(). */
static int pair_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the titles of t's field's type, once; returns 1 if t holds them. */
static int read_titles(struct printer *p, struct title_set *t)
{
	const struct kt_schema *type = kt_books_type(p->books, t->field->arg);
	struct kt_error err = { 0 };

	if (t->state)
		return t->state > 0;
	/* A type too large, or an error: the slots go on alone (a lookup that
	 * fails shows the id, as kt_value_label() does). */
	if (!type || kt_ref_titles(p->books, type, keep_title, t, &err)) {
		title_set_clear(t);
		t->state = -1;
		return 0;
	}
	qsort(t->pairs, t->n, sizeof *t->pairs, pair_cmp);
	t->state = 1;
	return 1;
}

/* Returns in buf the label of value, a reference of field f, as
 * kt_value_label() makes it, from p's slots when seen before.  Returns
 * buf's text (a copy: a later reference of the row may take the slot). */
static const char *ref_label(struct printer *p, const struct kt_field *f, const char *value,
                             struct kt_buf *buf)
{
	size_t h = (size_t)(uintptr_t)f;

	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		h = h * 31 + *c;
	struct title_set *set = title_set(p, f);
	if (set->state > 0 || (set->misses >= TITLES_AFTER && read_titles(p, set))) {
		char **at = bsearch(&value, set->pairs, set->n, sizeof *set->pairs, pair_cmp);
		kt_buf_reset(buf);
		if (kt_buf_adds(buf, at ? *at + strlen(*at) + 1 : value))
			die("out of memory");
		return buf->data;
	}
	if (!p->titles && !(p->titles = calloc(TITLE_SLOTS, sizeof *p->titles)))
		die("out of memory");
	struct title_slot *t = &p->titles[h % TITLE_SLOTS];
	if (t->field != f || strcmp(t->key, value)) {
		set->misses++;
		struct kt_buf made = { 0 };
		const char *label = kt_value_label(p->books, p->schema, f, value, KT_REF_TITLE, &made);
		size_t klen = strlen(value) + 1, tlen = strlen(label) + 1;
		free(t->key);
		t->field = f;
		if (!(t->key = malloc(klen + tlen)))
			die("out of memory");
		memcpy(t->key, value, klen);
		memcpy(t->key + klen, label, tlen);
		kt_buf_free(&made);
	}
	kt_buf_reset(buf);
	if (kt_buf_adds(buf, t->key + strlen(t->key) + 1))
		die("out of memory");
	return buf->data;
}

/* Returns values as people read them in a workbook (an array owned by p,
 * valid until the next row): names for dictionary ids and states, titles
 * for references followed by their ids.  A million rows pass here: the
 * buffers are kept from row to row, and a value shown as it is is passed
 * without a copy. */
static char *const *named(struct printer *p, size_t ncols, char *const *values)
{
	size_t n = 0;

	if (!p->fields)
		return values;
	if (p->nnamed < ncols) {
		if (!(p->named = realloc(p->named, ncols * sizeof *p->named)))
			die("out of memory");
		memset(p->named + p->nnamed, 0, (ncols - p->nnamed) * sizeof *p->named);
		p->nnamed = ncols;
	}
	if (!(p->named_v = realloc(p->named_v, (p->nxcols ? p->nxcols : 1) * sizeof *p->named_v)))
		die("out of memory");
	for (size_t i = 0; i < ncols; i++) {
		const struct kt_field *f = p->fields[i];
		int ref = f && f->type == KT_REF;
		kt_buf_reset(&p->named[i]);
		p->named_v[n++] = ref && *values[i] ?
			(char *)ref_label(p, f, values[i], &p->named[i]) :
			(char *)kt_value_label(p->books, p->schema, f, values[i], KT_REF_TITLE,
			                       &p->named[i]);
		if (ref)
			p->named_v[n++] = values[i];
	}
	return p->named_v;
}

/* Prints the first n kept rows of a terminal table, aligned, money to
 * the right, drops them and moves the rest to the front: the first time
 * with the labels.  The widths only grow: each block widens a column to
 * what its rows need, never narrows it, so that a block lines up with the
 * blocks before it wherever their values allow (those are printed: a
 * wider value further down cannot move them), and a table of any length
 * is never all in memory. */
static void print_table(struct printer *p, size_t n)
{
	if (!p->width && !(p->width = calloc(p->ncols ? p->ncols : 1, sizeof *p->width)))
		die("out of memory");
	for (size_t c = 0; c < p->ncols; c++) {
		if (!p->printed)
			p->width[c] = kt_utf8_width(p->cols[c].label);
		for (size_t r = 0; r < n; r++) {
			size_t cw = kt_utf8_width(p->cells[r * p->ncols + c]);
			if (cw > p->width[c])
				p->width[c] = cw;
		}
	}
	for (size_t r = p->printed ? 1 : 0; r <= n; r++) {
		for (size_t c = 0; c < p->ncols; c++) {
			const char *v = r ? p->cells[(r - 1) * p->ncols + c] : p->cols[c].label;
			size_t vw = kt_utf8_width(v), pad = p->width[c] > vw ? p->width[c] - vw : 0;
			int right = p->cols[c].type == KT_MONEY || p->cols[c].type == KT_INT ||
			            p->cols[c].type == KT_DECIMAL;
			int last = c + 1 == p->ncols;
			int red = r && p->marked && p->marked[r - 1] && !strcmp(p->cols[c].name, p->mark_col);
			fprintf(p->out, "%*s%s%s%s%*s%s", right ? (int)pad : 0, "", red ? "\033[31m" : "", v,
			        red ? "\033[0m" : "", right || last ? 0 : (int)pad, "", last ? "\n" : "  ");
		}
	}
	for (size_t i = 0; i < n * p->ncols; i++)
		free(p->cells[i]);
	memmove(p->cells, p->cells + n * p->ncols, (p->nrows - n) * p->ncols * sizeof *p->cells);
	if (p->marked)
		memmove(p->marked, p->marked + n, p->nrows - n);
	p->nrows -= n;
	p->printed = 1;
}

int printer_row(void *arg, size_t ncols, const struct kt_column *cols,
                char *const *values)
{
	struct printer *p = arg;
	struct kt_buf b = { 0 };

	if (p->path && !p->out && !p->xlsx)
		open_file(p);
	if (p->star_flag && (p->fmt == OUT_TABLE || p->fmt == OUT_TSV))
		star_row(p, &ncols, &cols, &values);
	if (p->schema && (!values || p->fields_of != p->schema))
		find_fields(p, ncols, cols, !values);
	if (p->fmt == OUT_XLSX) {
		size_t xn = p->fields ? p->nxcols : ncols;
		if (kt_xlsx_row(p->xlsx, xn, p->fields ? p->xcols : cols,
		                values ? named(p, ncols, values) : NULL)) {
			struct kt_error err = { 0 };
			kt_xlsx_close(p->xlsx, &err);   /* writes nothing after an error */
			p->xlsx = NULL;
			die_err(&err);
		}
		p->nrows += values != NULL;
		return 0;
	}
	if (!values) {
		if (p->fmt == OUT_TSV || p->fmt == OUT_CSV)
			header(p, ncols, cols);
		else if (p->fmt == OUT_TABLE)
			remember_columns(p, ncols, cols);
		return 0;
	}
	switch (p->fmt) {
	case OUT_TABLE:
		/* A block is printed when the row after it comes, and that row
		 * is kept: the last row of a table (a report's totals) is
		 * never a block alone, it lines up with the rows before it. */
		if (p->nrows == TABLE_BLOCK + 1)
			print_table(p, TABLE_BLOCK);
		keep(p, ncols, cols, values);
		break;
	case OUT_TSV:
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				fputc('\t', p->out);
			tsv_value(p->out, values[i]);
		}
		fputc('\n', p->out);
		break;
	case OUT_CSV:
		if (kt_csv_add_row(&b, values, ncols))
			die("out of memory");
		fwrite(b.data, 1, b.len, p->out);
		kt_buf_free(&b);
		break;
	case OUT_JSON: {
		/* A row at a time: a list of any length is never one tree. */
		json_t *row = json_row(ncols, cols, values);
		fputs(p->nrows ? ",\n" : "[\n", p->out);
		json_print(p->out, row, ", ");
		json_decref(row);
		break;
	}
	case OUT_XLSX:
		break;
	}
	p->nrows++;
	return 0;
}

/* Frees p and what it holds. */
static void printer_free(struct printer *p)
{
	for (size_t i = 0; i < p->nrows * p->ncols; i++)
		free(p->cells[i]);
	free(p->cells);
	free(p->width);
	free(p->cols);
	free(p->marked);
	free(p->mark_col);
	free(p->mark_done);
	free(p->fields);
	free(p->xcols);
	kt_buf_free(&p->xlabels);
	for (size_t i = 0; i < p->nnamed; i++)
		kt_buf_free(&p->named[i]);
	free(p->named);
	free(p->named_v);
	for (size_t i = 0; p->titles && i < TITLE_SLOTS; i++)
		free(p->titles[i].key);
	for (size_t i = 0; i < p->nsets; i++)
		title_set_clear(&p->sets[i]);
	free(p->sets);
	free(p->titles);
	kt_buf_free(&p->label);
	free(p->star_flag);
	free(p->star_col);
	free(p->star_cols);
	free(p->star_vals);
	kt_buf_free(&p->star_cell);
	free(p->path);
	free(p);
}

void printer_end(struct printer *p)
{
	struct kt_error err = { 0 };

	if (p->path && !p->out && !p->xlsx)
		open_file(p);   /* no header came: an empty file all the same */
	if (p->fmt == OUT_XLSX) {
		int rc = kt_xlsx_close(p->xlsx, &err);
		printer_free(p);
		if (rc)
			die_err(&err);
		return;
	}
	if (p->fmt == OUT_TABLE && (p->nrows || p->printed))
		print_table(p, p->nrows);
	if (p->fmt == OUT_JSON)
		fputs(p->nrows ? "\n]\n" : "[]\n", p->out);
	if (p->path) {
		int bad = fflush(p->out) || ferror(p->out), e = errno;
		if (fclose(p->out) || bad)
			die("%s: %s", p->path, bad && !e ? "write error" : strerror(bad ? e : errno));
	}
	printer_free(p);
}

void printer_abort(struct printer *p)
{
	struct stat st;

	if (!p->path) {
		printer_end(p);
		return;
	}
	if (p->xlsx)
		kt_xlsx_free(p->xlsx);
	/* Remove what was written of a file, but never a device or a pipe. */
	if (p->out && !fstat(fileno(p->out), &st) && S_ISREG(st.st_mode))
		unlink(p->path);
	if (p->out)
		fclose(p->out);
	printer_free(p);
}

/* ------------------------------------------------------------------ JSON */

/* Returns 1 if v is a whole 64-bit integer, stored into *n. */
static int integer(const char *v, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(v, &end, 10);
	return !*end && !errno;
}

/* See cmd.h. */
json_t *json_or_die(json_t *v)
{
	if (!v)
		die("out of memory");
	return v;
}

/* See cmd.h. */
void json_set(json_t *object, const char *name, json_t *v)
{
	if (json_object_set_new(object, name, v))
		die("-f json: %s: not a name JSON can have (not UTF-8)", name);
}

/* See cmd.h. */
json_t *json_field(enum kt_ftype t, const char *v)
{
	json_t *j;
	int64_t k;
	long long n;

	if (!*v && (t == KT_MONEY || t == KT_INT || t == KT_BOOL))
		return json_null();
	if (t == KT_MONEY && !kt_money_parse(v, &k))
		j = json_real((double)k / 100);
	else if (t == KT_INT && integer(v, &n))
		j = json_integer(n);
	else if (t == KT_BOOL && (!strcmp(v, "true") || !strcmp(v, "false")))
		j = json_boolean(*v == 't');
	else if (!(j = json_string(v)))
		die("-f json: a value is not valid UTF-8 (kontora check says where)");
	return json_or_die(j);
}

/* See cmd.h. */
json_t *json_row(size_t ncols, const struct kt_column *cols, char *const *values)
{
	json_t *row = json_or_die(json_object());

	for (size_t i = 0; i < ncols; i++)
		json_set(row, cols[i].name, json_field(cols[i].type, values[i]));
	return row;
}

/* Appends n bytes of text to buffer b: a json_dump_callback_t. */
static int append(const char *text, size_t n, void *b)
{
	return kt_buf_add(b, text, n) ? -1 : 0;
}

/* Appends v to b as JSON, the members of the outermost object sep apart.
 * Returns 0 or -1 when out of memory. */
static int add_json(struct kt_buf *b, json_t *v, const char *sep)
{
	const char *name, *between = "";
	json_t *m;
	size_t i;
	int rc;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		rc = kt_buf_addc(b, '{');
		json_object_foreach(v, name, m) {
			json_t *key = json_string_nocheck(name);
			rc = rc || !key || kt_buf_adds(b, between) ||
			     json_dump_callback(key, append, b, JSON_ENCODE_ANY) || kt_buf_adds(b, ": ") ||
			     add_json(b, m, ", ");
			json_decref(key);
			between = sep;
		}
		return rc || kt_buf_addc(b, '}') ? -1 : 0;
	case JSON_ARRAY:
		rc = kt_buf_addc(b, '[');
		json_array_foreach(v, i, m)
			rc = rc || (i && kt_buf_adds(b, ", ")) || add_json(b, m, ", ");
		return rc || kt_buf_addc(b, ']') ? -1 : 0;
	case JSON_REAL:
		/* Reals are money (json_field()), written as the books store
		 * it, 1500.00, where jansson writes a real in its shortest form
		 * (1500.0); exact below 2^53 kopecks, 90 trillion roubles. */
		return kt_buf_addf(b, "%.2f", json_real_value(v)) ? -1 : 0;
	default:
		return json_dump_callback(v, append, b, JSON_ENCODE_ANY);
	}
}

/* See cmd.h. */
void json_print(FILE *out, json_t *v, const char *sep)
{
	struct kt_buf b = { 0 };

	/* One write a value, where json_dumpf() writes a token at a time: a
	 * list writes millions. */
	if (add_json(&b, v, sep))
		die("out of memory");
	fwrite(b.data, 1, b.len, out);
	kt_buf_free(&b);
}

/* ------------------------------------------------- rows in memory */

/* See cmd.h. */
int rows_add(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct rows *r = arg;

	if (!values) {
		if (r->cols)
			return 0;
		if (!(r->cols = calloc(ncols ? ncols : 1, sizeof *r->cols)))
			die("out of memory");
		for (size_t i = 0; i < ncols; i++) {
			r->cols[i] = (struct kt_column){ strdup(cols[i].name), cols[i].type, NULL };
			if (!r->cols[i].name)
				die("out of memory");
		}
		r->ncols = ncols;
		return 0;
	}
	char **cells = realloc(r->cells, (r->n + 1) * r->ncols * sizeof *cells);
	if (!cells)
		die("out of memory");
	r->cells = cells;
	for (size_t i = 0; i < r->ncols; i++)
		if (!(cells[r->n * r->ncols + i] = strdup(values[i])))
			die("out of memory");
	r->n++;
	return 0;
}

/* See cmd.h. */
void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n * r->ncols; i++)
		free(r->cells[i]);
	for (size_t i = 0; i < r->ncols; i++)
		free((char *)r->cols[i].name);
	free(r->cells);
	free(r->cols);
	memset(r, 0, sizeof *r);
}

/* See cmd.h. */
const char *cell(const struct rows *r, size_t i, const char *name)
{
	for (size_t c = 0; c < r->ncols; c++)
		if (!strcmp(r->cols[c].name, name))
			return r->cells[i * r->ncols + c];
	return "";
}

/* See cmd.h. */
void rows_query(struct kt_books *b, const char *type, const char *where, const char *sort,
                long limit, int all, struct rows *out)
{
	const struct kt_schema *s = kt_books_type(b, type);
	struct kt_query q = { .schema = s, .where = where, .sort = sort, .limit = limit,
	                      .all_columns = 1, .all = all };
	struct kt_error err = { 0 };

	if (s && kt_list(b, &q, rows_add, out, &err))
		die_err(&err);
}
