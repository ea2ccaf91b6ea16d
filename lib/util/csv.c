/*
 * csv.c - reading and writing the books' CSV (RFC 4180) with libcsv.
 *
 * libcsv is fed one line at a time so that every row knows the line it
 * starts on: a row ends on the line of its terminator and starts as many
 * lines earlier as its quoted fields hold line feeds.  The index, which
 * reads every row of the books in a reindex, cuts rows itself
 * (csv_row_len(), csv_row_cut()): a memchr() a field, values left where
 * they are, where libcsv's state machine takes each byte and copies it.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* The state of one kt_csv_parse(), shared with libcsv's callbacks. */
struct parse {
	struct kt_csv *csv;
	char **fields;		/* the row being read */
	size_t nfields, cap;
	size_t rows_cap;	/* room in csv->rows */
	long newlines;		/* line feeds inside the row's fields so far */
	long line;		/* the line libcsv is reading */
	size_t seg_end;		/* offset just past that line */
	size_t row_end;		/* seg_end when the last row ended */
	size_t gap_at;		/* the offset where ... */
	long gap;		/* ... that many lines not in buf stood */
	int have_header;
	int nomem;
	csv_row_fn each;	/* given each row instead of csv->rows, or NULL */
	void *each_arg;
};

/* Tells libcsv that no character is a space to trim: values are kept
 * exactly as written.  Returns 0. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Frees n strings and the array v. */
static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* libcsv's field callback: appends a copy of s[0..len) to the row being
 * read.  Sets p->nomem if out of memory. */
static void on_field(void *s, size_t len, void *arg)
{
	struct parse *p = arg;
	const char *nl;
	char **v, *f;

	if (p->nomem)
		return;
	if (p->nfields == p->cap) {
		v = realloc(p->fields, (p->cap ? p->cap * 2 : 16) * sizeof *v);
		if (!v) {
			p->nomem = 1;
			return;
		}
		p->fields = v;
		p->cap = p->cap ? p->cap * 2 : 16;
	}
	f = malloc(len + 1);
	if (!f) {
		p->nomem = 1;
		return;
	}
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	for (nl = f; (nl = memchr(nl, '\n', (size_t)(f + len - nl))) != NULL; nl++)
		p->newlines++;
	p->fields[p->nfields++] = f;
}

/* libcsv's row callback: the row read becomes the header, or is appended
 * to the rows with the line it started on.  Sets p->nomem if out of
 * memory. */
static void on_row(int c, void *arg)
{
	struct parse *p = arg;
	struct kt_csv *csv = p->csv;
	struct kt_csv_row *rows;

	(void)c;
	if (p->nomem)
		return;
	if (!p->have_header) {
		csv->header = p->fields;
		csv->nheader = p->nfields;
		p->have_header = 1;
	} else if (p->each) {
		struct kt_csv_row row = { .nfields = p->nfields, .fields = p->fields,
		                          .line = p->line - p->newlines };
		p->nomem = p->each(p->each_arg, csv, &row) != 0;
	} else {
		if (csv->nrows == p->rows_cap) {
			rows = realloc(csv->rows, (p->rows_cap ? p->rows_cap * 2 : 64) * sizeof *rows);
			if (!rows) {
				p->nomem = 1;
				return;
			}
			csv->rows = rows;
			p->rows_cap = p->rows_cap ? p->rows_cap * 2 : 64;
		}
		rows = csv->rows;
		rows[csv->nrows].nfields = p->nfields;
		rows[csv->nrows].fields = p->fields;
		rows[csv->nrows].line = p->line - p->newlines;
		csv->nrows++;
	}
	p->fields = NULL;
	p->nfields = p->cap = 0;
	p->newlines = 0;
	p->row_end = p->seg_end;
}

/* Returns the line on which the unterminated quoted field at the end of
 * buf[0..len) opened: the unfinished row starts on the first line after
 * the last complete row that is not blank, and the field opens on the line
 * where the row's complete fields end. */
static long open_quote_line(const struct parse *p, const char *buf, size_t len)
{
	size_t off = p->row_end;

	while (off < len && (buf[off] == '\r' || buf[off] == '\n'))
		off++;
	return text_line_at(buf, off) + (off >= p->gap_at ? p->gap : 0) + p->newlines;
}

/* Fills err for libcsv's failure on the byte bad of the current line.
 * Returns KT_ECSV, or KT_ENOMEM when libcsv ran out of memory. */
static int parse_error(struct csv_parser *cp, const struct parse *p, char bad,
                       const char *name, struct kt_error *err)
{
	if (csv_error(cp) != CSV_EPARSE)
		return kt_error_set(err, KT_ENOMEM, "%s:%ld: %s", name, p->line,
		                    csv_strerror(csv_error(cp)));
	return kt_error_set(err, KT_ECSV, "%s:%ld: malformed CSV: %s", name,
	                    p->line, bad == '"' ?
	                    "quote inside an unquoted field" :
	                    "unexpected character after a closing quote");
}

/* Feeds buf[off..len) to libcsv line by line and finishes.  Returns 0 or
 * an error. */
static int parse_lines(struct csv_parser *cp, struct parse *p, const char *buf,
                       size_t off, size_t len, const char *name,
                       struct kt_error *err)
{
	const char *nl;
	size_t n, done;

	for (p->line = 1; off < len && !p->nomem; off += n) {
		if (off == p->gap_at)
			p->line += p->gap;
		nl = memchr(buf + off, '\n', len - off);
		n = nl ? (size_t)(nl - buf) + 1 - off : len - off;
		p->seg_end = off + n;
		done = csv_parse(cp, buf + off, n, on_field, on_row, p);
		if (done < n)
			return parse_error(cp, p, buf[off + done], name, err);
		if (nl && off + n < len)
			p->line++;
	}
	if (!p->nomem && csv_fini(cp, on_field, on_row, p) != 0)
		return kt_error_set(err, KT_ECSV, "%s:%ld: malformed CSV: unterminated "
		                    "quoted field (opened on line %ld)", name, p->line,
		                    open_quote_line(p, buf, len));
	if (p->nomem)
		return kt_error_set(err, KT_ENOMEM, "%s: out of memory", name);
	return 0;
}

/* Parses len bytes of CSV (a UTF-8 BOM is skipped) into *out: the first
 * row is the header, the others are rows with the line they start on.
 * Values are kept exactly, spaces included.  Returns 0 and *out (the
 * caller frees it with kt_csv_free()), or KT_ECSV ("NAME:LINE: malformed
 * CSV: ...") or KT_ENOMEM with err filled and *out NULL. */
int kt_csv_parse(const char *buf, size_t len, const char *name,
                 struct kt_csv **out, struct kt_error *err)
{
	return csv_parse_gap(buf, len, name, ',', 0, 0, out, err);
}

/* kt_csv_parse() with another delimiter.  See util.h. */
int csv_parse_delim(const char *buf, size_t len, const char *name, char delim,
                    struct kt_csv **out, struct kt_error *err)
{
	return csv_parse_gap(buf, len, name, delim, 0, 0, out, err);
}

/* Parses buf[0..len) as p says into *out.  Returns 0 or an error, as
 * kt_csv_parse(). */
static int parse(struct parse *p, const char *buf, size_t len, const char *name, char delim,
                 struct kt_csv **out, struct kt_error *err)
{
	struct csv_parser cp;
	size_t off = 0;
	int rc;

	*out = NULL;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		off = 3;
	p->csv = calloc(1, sizeof *p->csv);
	if (!p->csv)
		return kt_error_set(err, KT_ENOMEM, "%s: out of memory", name);
	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(p->csv);
		return kt_error_set(err, KT_ENOMEM, "%s: out of memory", name);
	}
	csv_set_space_func(&cp, no_space);
	csv_set_delim(&cp, (unsigned char)delim);
	csv_set_blk_size(&cp, CSV_FIELD_BLOCK);
	rc = parse_lines(&cp, p, buf, off, len, name, err);
	csv_free(&cp);
	free_strings(p->fields, p->nfields);
	if (rc < 0) {
		kt_csv_free(p->csv);
		return rc;
	}
	*out = p->csv;
	return 0;
}

/* kt_csv_parse() of lines cut out of a file.  See util.h. */
int csv_parse_gap(const char *buf, size_t len, const char *name, char delim,
                  size_t gap_at, long gap, struct kt_csv **out, struct kt_error *err)
{
	struct parse p = { .gap_at = gap_at, .gap = gap };

	return parse(&p, buf, len, name, delim, out, err);
}

/* kt_csv_parse() handing rows to fn.  See util.h. */
int csv_parse_each(const char *buf, size_t len, const char *name, char delim,
                   csv_row_fn fn, void *arg, struct kt_csv **out, struct kt_error *err)
{
	struct parse p = { .each = fn, .each_arg = arg };

	return parse(&p, buf, len, name, delim, out, err);
}

/* Frees csv, its header and rows.  NULL is fine. */
void kt_csv_free(struct kt_csv *csv)
{
	size_t i;

	if (!csv)
		return;
	free_strings(csv->header, csv->nheader);
	for (i = 0; i < csv->nrows; i++)
		free_strings(csv->rows[i].fields, csv->rows[i].nfields);
	free(csv->rows);
	free(csv);
}

/* Returns 1 if field, n bytes, must be quoted: it holds , " CR or LF,
 * or begins or ends with a space or a tab. */
static int needs_quotes(const char *field, size_t n)
{
	return field[strcspn(field, ",\"\r\n")] ||
	       (n > 0 && (field[0] == ' ' || field[0] == '\t' ||
	                  field[n - 1] == ' ' || field[n - 1] == '\t'));
}

/* Appends field to b, in double quotes (doubling those inside) when
 * needs_quotes() says so.  Returns 0 or KT_ENOMEM. */
int kt_csv_add_field(struct kt_buf *b, const char *field)
{
	size_t n = strlen(field);
	const char *q;

	/* Most fields as they are: their length read once (an import spills
	 * every record it adds as a row). */
	if (!needs_quotes(field, n))
		return kt_buf_add(b, field, n);
	if (kt_buf_addc(b, '"') < 0)
		return KT_ENOMEM;
	for (; (q = strchr(field, '"')) != NULL; field = q + 1)
		if (kt_buf_add(b, field, (size_t)(q - field) + 1) < 0 ||
		    kt_buf_addc(b, '"') < 0)
			return KT_ENOMEM;
	if (kt_buf_adds(b, field) < 0 || kt_buf_addc(b, '"') < 0)
		return KT_ENOMEM;
	return 0;
}

/* Appends n fields (NULL ones empty) separated by commas and ended by LF.
 * A row of one empty field is written "" since a blank line would be
 * skipped on reading.  Returns 0 or KT_ENOMEM. */
int kt_csv_add_row(struct kt_buf *b, char *const *fields, size_t n)
{
	size_t i;

	if (n == 1 && (!fields[0] || !*fields[0]))
		return kt_buf_adds(b, "\"\"\n");
	for (i = 0; i < n; i++)
		if ((i > 0 && kt_buf_addc(b, ',') < 0) ||
		    kt_csv_add_field(b, fields[i] ? fields[i] : "") < 0)
			return KT_ENOMEM;
	return kt_buf_addc(b, '\n');
}

/* Appends a field, neutralised against formulas.  See kontora.h. */
int kt_csv_add_safe(struct kt_buf *b, const char *field, int number)
{
	struct kt_buf tmp = { 0 };
	int rc;

	if (number || !field[0] || !strchr("=+-@\t\r", field[0]))
		return kt_csv_add_field(b, field);
	if (kt_buf_addc(&tmp, '\'') || kt_buf_adds(&tmp, field))
		rc = KT_ENOMEM;
	else
		rc = kt_csv_add_field(b, tmp.data);
	kt_buf_free(&tmp);
	return rc;
}

/* Returns the length of the row at the start of buf.  See util.h. */
size_t csv_row_len(const char *buf, size_t len, int quoted)
{
	size_t i = 0;

	while (i < len) {
		if (quoted) {
			const char *q = memchr(buf + i, '"', len - i);
			if (!q)
				return 0;
			i = (size_t)(q - buf) + 1;
			quoted = 0;
			continue;
		}
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t stop = nl ? (size_t)(nl - buf) : len;
		const char *q = memchr(buf + i, '"', stop - i);
		if (!q)
			return nl ? stop + 1 : 0;
		i = (size_t)(q - buf) + 1;
		quoted = 1;
	}
	return 0;
}

/* Cuts the quoted field starting at row[i] (its opening quote), the row
 * ending before end: sets *v and *vlen to its value, in row, or in
 * scratch when doubled quotes had to be undone (then *copied is 1).
 * Returns the offset past its closing quote, 0 when there is none, or
 * (size_t)-1 when out of memory. */
static size_t quoted_field(const char *row, size_t i, size_t end, struct kt_buf *scratch,
                           const char **v, size_t *vlen, int *copied)
{
	size_t j = i + 1;
	int doubled = 0;

	for (;;) {
		const char *q = memchr(row + j, '"', end - j);
		if (!q)
			return 0;
		j = (size_t)(q - row);
		if (j + 1 < end && row[j + 1] == '"') {
			doubled = 1;
			j += 2;
			continue;
		}
		break;
	}
	*v = row + i + 1;
	*vlen = j - i - 1;
	*copied = doubled;
	if (!doubled)
		return j + 1;
	kt_buf_reset(scratch);
	for (size_t k = i + 1; k < j; k++) {
		if (kt_buf_addc(scratch, row[k]))
			return (size_t)-1;
		k += row[k] == '"';
	}
	*v = scratch->data;
	*vlen = scratch->len;
	return j + 1;
}

/* Cuts a row into fields.  See util.h. */
int csv_row_cut(const char *row, size_t len, struct kt_buf *scratch,
                void (*fn)(void *arg, const char *v, size_t vlen, int copied), void *arg,
                const char **why)
{
	size_t i = 0;

	if (len && row[len - 1] == '\n')
		len--;
	if (len && row[len - 1] == '\r')
		len--;
	if (!len)
		return 0;
	for (;;) {
		const char *v;
		size_t vlen;
		int copied = 0;
		if (i < len && row[i] == '"') {
			size_t past = quoted_field(row, i, len, scratch, &v, &vlen, &copied);
			if (past == (size_t)-1)
				return KT_ENOMEM;
			if (!past) {
				*why = "unterminated quoted field";
				return KT_ECSV;
			}
			if (past < len && row[past] != ',') {
				*why = "unexpected character after a closing quote";
				return KT_ECSV;
			}
			i = past;
		} else {
			const char *comma = memchr(row + i, ',', len - i);
			size_t stop = comma ? (size_t)(comma - row) : len;
			if (memchr(row + i, '"', stop - i)) {
				*why = "quote inside an unquoted field";
				return KT_ECSV;
			}
			v = row + i;
			vlen = stop - i;
			i = stop;
		}
		fn(arg, v, vlen, copied);
		if (i >= len)
			return 0;
		i++;
	}
}
