/*
 * intake.c - reading what web forms send into rows of (name, value)
 * pairs: form posts (urlencoded), JSON, CSV (comma, semicolon or tab, as
 * Excel and form services write it) and XLSX, in UTF-8 or Windows-1251.
 *
 * The bytes of a form, CSV or XLSX are split into rows first and decoded
 * field by field, so a field that does not decode makes its own row
 * rejected, with its line, and never mojibake.  JSON is read by jansson,
 * which takes valid UTF-8 only: a text in Windows-1251 is made UTF-8
 * whole first, and a bad byte is an error naming its line and column.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "intake/intake.h"

/* The state of one parse: the result being built and the decoder. */
struct intake_parse {
	struct kt_intake *in;
	size_t cap;
	int cp1251;          /* the input is Windows-1251, else UTF-8 */
	const char *name;    /* the file, for messages */
	struct kt_error *err;
};

/* Rows packed one after the other, so that the memory of rows cleared
 * as an import takes them goes back to the system block by block, not
 * scattered among what the import allocates meanwhile (kt_intake_row_clear()).
 * live counts the rows in it, and one more while the intake packs into it. */
struct kt_intake_block {
	size_t live, used, size;
	char data[];
};

enum { ROW_BLOCK = 1 << 20 };

/* Drops one reference to block b, unmapping it with the last.  Mapped,
 * not malloc'ed: malloc may serve a block from the middle of its heap,
 * whose pages it keeps when the block is freed. */
static void block_drop(struct kt_intake_block *b)
{
	if (b && !--b->live)
		munmap(b, sizeof *b + b->size);
}

/* Frees a row's names and values.  See kontora.h. */
void kt_intake_row_clear(struct kt_intake_row *r)
{
	for (size_t i = 0; !r->block && i < r->n; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	if (r->block)
		block_drop(r->block);
	else {
		free(r->names);
		free(r->values);
	}
	r->block = NULL;
	r->names = r->values = NULL;
	r->n = 0;
}

/* Frees one row's strings. */
static void row_free(struct kt_intake_row *r)
{
	kt_intake_row_clear(r);
	free(r->error);
}

/* Returns size bytes, 8-aligned, in the block in packs into, a new one
 * when it is full, or NULL when out of memory. */
static void *block_take(struct kt_intake *in, size_t size)
{
	struct kt_intake_block *b = in->block;

	size = (size + 7) & ~(size_t)7;
	if (!b || b->size - b->used < size) {
		size_t room = size + sizeof *b > ROW_BLOCK ? size : ROW_BLOCK - sizeof *b;
		void *map = mmap(NULL, sizeof *b + room, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			return NULL;
		b = map;
		*b = (struct kt_intake_block){ 1, 0, room };
		block_drop(in->block);
		in->block = b;
	}
	void *at = b->data + b->used;
	b->used += size;
	b->live++;
	return at;
}

/* Makes the complete row r of in one piece of a block: its names and
 * values arrays, then their strings.  A row of an export is otherwise two
 * arrays and two strings a cell, each its own allocation: 100,000 rows of
 * eight cells, a 22 MB file, took about 115 MB.  Returns 0, or KT_ENOMEM
 * with r as it was. */
static int row_pack(struct kt_intake *in, struct kt_intake_row *r)
{
	size_t size = 2 * r->n * sizeof(char *);

	for (size_t i = 0; i < r->n; i++)
		size += strlen(r->names[i]) + strlen(r->values[i]) + 2;
	char **block = block_take(in, size ? size : 1), *s;
	if (!block)
		return KT_ENOMEM;
	s = (char *)(block + 2 * r->n);
	for (size_t i = 0; i < r->n; i++) {
		size_t nl = strlen(r->names[i]) + 1, vl = strlen(r->values[i]) + 1;
		block[i] = memcpy(s, r->names[i], nl);
		block[r->n + i] = memcpy(s + nl, r->values[i], vl);
		s += nl + vl;
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	r->names = block;
	r->values = block + r->n;
	r->block = in->block;
	return 0;
}

/* Frees the cells of a row of a parsed table once it is taken: the
 * table and the rows made of it are not held whole side by side. */
static void cells_free(struct kt_csv_row *row)
{
	for (size_t f = 0; f < row->nfields; f++)
		free(row->fields[f]);
	free(row->fields);
	row->fields = NULL;
	row->nfields = 0;
}

/* Frees an intake and its rows.  NULL is fine. */
void kt_intake_free(struct kt_intake *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++)
		row_free(&in->rows[i]);
	block_drop(in->block);
	free(in->rows);
	free(in);
}

/* Starts a new row at line.  Returns it, or NULL when out of memory. */
static struct kt_intake_row *row_new(struct intake_parse *p, long line)
{
	struct kt_intake *in = p->in;

	if (in->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct kt_intake_row *rows = realloc(in->rows, cap * sizeof *rows);
		if (!rows)
			return NULL;
		in->rows = rows;
		p->cap = cap;
	}
	struct kt_intake_row *r = &in->rows[in->n++];
	memset(r, 0, sizeof *r);
	r->line = line;
	return r;
}

/* Marks row r rejected with why (the first reason stays).  Returns 0 or
 * KT_ENOMEM. */
static int row_reject(struct kt_intake_row *r, const char *why)
{
	if (r->error)
		return 0;
	return (r->error = strdup(why)) ? 0 : KT_ENOMEM;
}

/* Decodes len bytes of s from the input's encoding into a new UTF-8
 * string in *out (caller frees).  Returns 0, 1 when a byte is not a
 * character of the encoding (*out NULL, *bad the offset of the first),
 * or KT_ENOMEM. */
static int decode(struct intake_parse *p, const char *s, size_t len, char **out, size_t *bad)
{
	/* A NUL is a character of no text that people type: the bytes before
	 * it are judged, then it. */
	const char *nul = memchr(s, '\0', len);
	size_t upto = nul ? (size_t)(nul - s) : len;
	int rc;

	*out = NULL;
	if (p->cp1251)
		rc = intake_recode(s, upto, intake_cp1251, out, bad);
	else
		rc = kt_utf8_valid(s, upto, bad) ? 0 : 1;
	if (!rc && nul) {
		free(*out);
		*out = NULL;
		*bad = upto;
		return 1;
	}
	if (rc || p->cp1251)
		return rc;
	return (*out = strndup(s, len)) ? 0 : KT_ENOMEM;
}

/* Adds (name, value) given as raw bytes to row r, decoded; a field that
 * does not decode rejects the row, naming the field.  Returns 0 or
 * KT_ENOMEM. */
static int row_add(struct intake_parse *p, struct kt_intake_row *r,
                   const char *name, size_t nlen, const char *value, size_t vlen)
{
	char *n = NULL, *v = NULL, why[300];
	size_t bad = 0;
	int rc;

	if ((rc = decode(p, name, nlen, &n, &bad)) < 0)
		return rc;
	if (rc) {
		snprintf(why, sizeof why, _("a column name is not valid %s (byte %zu)"),
		         p->in->encoding, bad + 1);
		return row_reject(r, why);
	}
	if ((rc = decode(p, value, vlen, &v, &bad)) < 0) {
		free(n);
		return rc;
	}
	if (rc) {
		snprintf(why, sizeof why, "%.100s: not valid %s (byte %zu)", n, p->in->encoding, bad + 1);
		free(n);
		return row_reject(r, why);
	}
	char **names = realloc(r->names, (r->n + 1) * sizeof *names);
	if (names)
		r->names = names;
	char **values = names ? realloc(r->values, (r->n + 1) * sizeof *values) : NULL;
	if (!values) {
		free(n);
		free(v);
		return KT_ENOMEM;
	}
	r->values = values;
	r->names[r->n] = n;
	r->values[r->n++] = v;
	return 0;
}

/* ------------------------------------------------------------- encoding */

/* Returns the number of well-formed multi-byte UTF-8 sequences in s and,
 * in *invalid, the number of bytes that are not part of one. */
static size_t utf8_census(const unsigned char *s, size_t len, size_t *invalid)
{
	size_t good = 0, i = 0;

	*invalid = 0;
	while (i < len) {
		size_t bad, n = s[i] < 0x80 ? 1 : s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (i + n <= len && s[i] >= 0xC2 && kt_utf8_valid((const char *)s + i, n, &bad)) {
			good++;
			i += n;
		} else {
			(*invalid)++;
			i++;
		}
	}
	return good;
}

/* Decides the encoding of data: a BOM or valid UTF-8 is UTF-8; text that
 * is mostly well-formed UTF-8 with a few bad bytes is UTF-8 too (its bad
 * rows are rejected rather than read as Windows-1251 mojibake); anything
 * else is Windows-1251.  Returns "utf-8" or "cp1251". */
static const char *guess_encoding(const char *data, size_t len)
{
	size_t invalid, good;

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		return "utf-8";
	good = utf8_census((const unsigned char *)data, len, &invalid);
	return !invalid || good > invalid ? "utf-8" : "cp1251";
}

/* -------------------------------------------------------------- the form */

/* Returns the value of hex digit c, or -1. */
static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes s[0..len) in place ('+' is a space).  Returns the new
 * length. */
static size_t url_decode(char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+')
			s[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			s[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else
			s[o++] = s[i];
	}
	return o;
}

/* Parses an urlencoded body into one row.  Returns 0 or an error. */
static int parse_form(struct intake_parse *p, const char *data, size_t len)
{
	struct kt_intake_row *r = row_new(p, 1);
	char *copy = malloc(len + 1);
	int rc = r && copy ? 0 : KT_ENOMEM;

	if (copy)
		memcpy(copy, data, len);
	for (size_t i = 0; !rc && i < len;) {
		size_t end = i;
		while (end < len && copy[end] != '&')
			end++;
		char *pair = copy + i, *eq = memchr(pair, '=', end - i);
		size_t nlen = eq ? (size_t)(eq - pair) : end - i;
		size_t vlen = eq ? end - i - nlen - 1 : 0;
		/* Trailing CR/LF of a hand-made body are not part of the value. */
		while (vlen && end == len && (pair[nlen + 1 + vlen - 1] == '\n' || pair[nlen + 1 + vlen - 1] == '\r'))
			vlen--;
		if (nlen) {
			nlen = url_decode(pair, nlen);
			vlen = eq ? url_decode(eq + 1, vlen) : 0;
			rc = row_add(p, r, pair, nlen, eq ? eq + 1 : "", vlen);
		}
		i = end + 1;
	}
	free(copy);
	if (rc)
		return kt_error_set(p->err, rc, "%s: out of memory", p->name);
	return 0;
}

/* ---------------------------------------------------------------- JSON */

/* Returns s moved past JSON white space, up to end. */
static const char *json_space(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s;
}

/* Fails the parse at the character at of text (at end: "it ends too
 * early"), with "NAME:LINE:COLUMN: malformed JSON: what", the column
 * counted in characters from 1, as jansson counts it.  Returns
 * KT_EINVAL. */
static int json_fail(struct intake_parse *p, const char *text, const char *end, const char *at,
                     const char *what)
{
	long line = 1, column = 1;

	if (at >= end) {
		what = "it ends too early";
		at = end > text ? end - 1 : text;
	}
	for (const char *c = text; c < at; c++) {
		if (*c == '\n')
			line++, column = 1;
		else if ((*c & 0xC0) != 0x80)
			column++;
	}
	return kt_error_set(p->err, KT_EINVAL, "%s:%ld:%ld: malformed JSON: %s", p->name, line, column,
	                    what);
}

/* Fails the parse with what jansson said of the object at start of text:
 * its words, but for the faults the parser has always named in its own.
 * Returns KT_EINVAL or KT_ENOMEM. */
static int json_load_fail(struct intake_parse *p, const char *text, const char *end,
                          const char *start, const json_error_t *e)
{
	const char *what = e->text;

	switch (json_error_code(e)) {
	case json_error_out_of_memory:
		return KT_ENOMEM;
	case json_error_premature_end_of_input:
		what = "it ends too early";
		break;
	case json_error_null_character:
		what = "\\u0000 in a string";
		break;
	default:
		break;
	}
	/* jansson's position is past the character at fault. */
	return json_fail(p, text, end, start + (e->position > 0 ? e->position - 1 : 0), what);
}

/* Writes real x into out in the fewest digits that read back as x:
 * 1500.5, 0.1. */
static void real_text(double x, char out[32])
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(out, 32, "%.*g", digits, x);
		if (strtod(out, NULL) == x)
			break;
	}
}

static int json_flatten(struct intake_parse *p, struct kt_intake_row *r, json_t *v,
                        struct kt_buf *key);

/* Adds v to row r under key, a dot (when key is not empty) and name.
 * Returns 0 or an error. */
static int json_member(struct intake_parse *p, struct kt_intake_row *r, json_t *v,
                       struct kt_buf *key, const char *name)
{
	size_t keep = key->len;
	int rc = (keep && kt_buf_addc(key, '.')) || kt_buf_adds(key, name) ? KT_ENOMEM
	                                                                    : json_flatten(p, r, v, key);

	key->len = keep;
	if (key->data)
		key->data[keep] = '\0';
	return rc;
}

/* Adds value v to row r under key: an object's members as key.name, an
 * array's elements as key.0, key.1, ...; strings as they are, numbers as
 * written (a real in its shortest form), true and false, null as "".
 * Returns 0 or an error. */
static int json_flatten(struct intake_parse *p, struct kt_intake_row *r, json_t *v,
                        struct kt_buf *key)
{
	const char *name, *text = "";
	char number[32];
	size_t i;
	json_t *m;
	int rc = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, name, m)
			if ((rc = json_member(p, r, m, key, name)))
				break;
		return rc;
	case JSON_ARRAY:
		json_array_foreach(v, i, m) {
			snprintf(number, sizeof number, "%zu", i);
			if ((rc = json_member(p, r, m, key, number)))
				break;
		}
		return rc;
	case JSON_STRING:
		return row_add(p, r, key->data ? key->data : "", key->len, json_string_value(v),
		               json_string_length(v));
	case JSON_INTEGER:
		snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = number;
		break;
	case JSON_REAL:
		real_text(json_real_value(v), number);
		text = number;
		break;
	case JSON_TRUE:
		text = "true";
		break;
	case JSON_FALSE:
		text = "false";
		break;
	case JSON_NULL:
		break;
	}
	return row_add(p, r, key->data ? key->data : "", key->len, text, strlen(text));
}

/* Reads the JSON text [text, end): an object is one row, an array of
 * objects one row each (at the line the object starts on); nested
 * members are flattened to "payment.amount", "products.0.name".  jansson
 * reads each object; the array around them is walked here, because
 * jansson tells no position of what it has read.  Returns 0 or an error
 * naming the line and column. */
static int read_json(struct intake_parse *p, const char *text, const char *end)
{
	const char *s = text, *counted = text;
	struct kt_buf key = { 0 };
	long line = 1;
	int rc = 0;

	if (end - text >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		s += 3;
	s = json_space(s, end);
	int array = s < end && *s == '[';
	if (array)
		s = json_space(s + 1, end);
	while (!rc && s < end && !(array && *s == ']')) {
		json_error_t e;
		json_t *object;
		if (*s != '{') {
			rc = json_fail(p, text, end, s, "expected an object");
			break;
		}
		for (; counted < s; counted++)
			line += *counted == '\n';
		if (!(object = json_loadb(s, (size_t)(end - s), JSON_DISABLE_EOF_CHECK, &e))) {
			rc = json_load_fail(p, text, end, s, &e);
			break;
		}
		struct kt_intake_row *r = row_new(p, line);
		kt_buf_reset(&key);
		rc = r ? json_flatten(p, r, object, &key) : KT_ENOMEM;
		json_decref(object);
		/* After a read, e.position is how many bytes the object took. */
		s = json_space(s + e.position, end);
		if (!rc && !array)
			break;
		if (!rc && s < end && *s == ',')
			s = json_space(s + 1, end);
		else if (!rc && (s >= end || *s != ']'))
			rc = json_fail(p, text, end, s, "expected ',' or ']'");
	}
	if (!rc && array) {
		if (s >= end)
			rc = json_fail(p, text, end, s, "");
		else
			s++;
	}
	s = json_space(s, end);
	if (!rc && s < end)
		rc = json_fail(p, text, end, s, "text after the end");
	kt_buf_free(&key);
	if (rc == KT_ENOMEM)
		return kt_error_set(p->err, rc, "%s: out of memory", p->name);
	return rc;
}

/* Parses JSON (see read_json()).  JSON is UTF-8: a text in Windows-1251
 * is made UTF-8 whole first, so that jansson reads it.  Returns 0 or an
 * error. */
static int parse_json(struct intake_parse *p, const char *data, size_t len)
{
	char *utf8 = NULL;
	size_t bad = 0;
	int rc;

	if (!p->cp1251)
		return read_json(p, data, data + len);
	if ((rc = decode(p, data, len, &utf8, &bad)) < 0)
		return kt_error_set(p->err, rc, "%s: out of memory", p->name);
	if (rc)
		return kt_error_set(p->err, KT_EINVAL, "%s: not valid %s (byte %zu)", p->name,
		                    p->in->encoding, bad + 1);
	/* The values are UTF-8 now: row_add() takes them as they are. */
	p->cp1251 = 0;
	rc = read_json(p, utf8, utf8 + strlen(utf8));
	free(utf8);
	return rc;
}

/* ----------------------------------------------------------------- CSV */

/* Returns the delimiter of CSV data: of ';', ',' and tab, the one found
 * most often outside quotes on the header line (',' on a tie). */
static char csv_delimiter(const char *data, size_t len)
{
	size_t semi = 0, comma = 0, tab = 0;
	int quoted = 0;

	for (size_t i = 0; i < len && (quoted || data[i] != '\n'); i++) {
		if (data[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			semi += data[i] == ';', comma += data[i] == ',', tab += data[i] == '\t';
	}
	return semi > comma && semi >= tab ? ';' : tab > comma ? '\t' : ',';
}

/* Takes one row of a CSV export as it is read: its cells under the
 * header's names, a row of blanks skipped.  Returns 0 or KT_ENOMEM. */
static int take_csv_row(void *arg, const struct kt_csv *csv, struct kt_csv_row *row)
{
	struct intake_parse *p = arg;
	size_t filled = 0;
	int rc = 0;

	for (size_t f = 0; f < row->nfields; f++)
		filled += row->fields[f][strspn(row->fields[f], " \t\r")] != '\0';
	if (filled) {
		struct kt_intake_row *r = row_new(p, row->line);
		rc = r ? 0 : KT_ENOMEM;
		if (!rc && row->nfields > csv->nheader)
			rc = row_reject(r, "more cells than the header has columns");
		for (size_t f = 0; !rc && f < row->nfields && f < csv->nheader; f++)
			rc = row_add(p, r, csv->header[f], strlen(csv->header[f]),
			             row->fields[f], strlen(row->fields[f]));
		if (!rc)
			rc = row_pack(p->in, r);
	}
	cells_free(row);
	return rc;
}

/* Parses CSV with a header row, each row taken as it is read
 * (take_csv_row()).  Returns 0 or an error. */
static int parse_csv(struct intake_parse *p, const char *data, size_t len)
{
	struct kt_csv *csv;
	int rc = csv_parse_each(data, len, p->name, csv_delimiter(data, len), take_csv_row, p, &csv, p->err);

	kt_csv_free(csv);
	return rc;
}

/* ----------------------------------------------------------------- XLSX */

/* Parses the first sheet of an XLSX workbook like CSV: its first row is
 * the header.  Cells are UTF-8 by the format.  Returns 0 or an error. */
static int parse_xlsx(struct intake_parse *p, const char *data, size_t len)
{
	struct kt_csv *sheet;
	int rc = xlsx_read_sheet(data, len, p->name, &sheet, p->err);

	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < sheet->nrows; i++) {
		struct kt_csv_row *row = &sheet->rows[i];
		size_t filled = 0;
		for (size_t f = 0; f < row->nfields; f++)
			filled += *row->fields[f] != '\0';
		if (!filled)
			continue;
		struct kt_intake_row *r = row_new(p, row->line);
		rc = r ? 0 : KT_ENOMEM;
		for (size_t f = 0; !rc && f < row->nfields && f < sheet->nheader; f++)
			rc = row_add(p, r, sheet->header[f], strlen(sheet->header[f]),
			             row->fields[f], strlen(row->fields[f]));
		if (!rc)
			rc = row_pack(p->in, r);
		cells_free(row);
	}
	kt_csv_free(sheet);
	if (rc)
		return kt_error_set(p->err, rc, "%s: out of memory", p->name);
	return 0;
}

/* ------------------------------------------------------------ the entry */

/* Returns the format of data named name: by the name's extension, else
 * by its first bytes. */
static enum kt_intake_format sniff(const char *data, size_t len, const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	size_t i = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;

	if (dot && !strcasecmp(dot, ".xlsx"))
		return KT_INTAKE_XLSX;
	if (dot && !strcasecmp(dot, ".json"))
		return KT_INTAKE_JSON;
	if (dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".tsv") || !strcasecmp(dot, ".txt")))
		return KT_INTAKE_CSV;
	if (len >= 4 && !memcmp(data, "PK\3\4", 4))
		return KT_INTAKE_XLSX;
	while (i < len && strchr(" \t\r\n", data[i]) && data[i])
		i++;
	if (i < len && (data[i] == '{' || data[i] == '['))
		return KT_INTAKE_JSON;
	if (!memchr(data, '\n', len) || memchr(data, '\n', len) == data + len - 1)
		if (memchr(data, '=', len) && !memchr(data, ',', len) && !memchr(data, ';', len))
			return KT_INTAKE_FORM;
	return KT_INTAKE_CSV;
}

/* Parses input.  See kontora.h. */
int kt_intake_parse(const char *data, size_t len, const char *name,
                    enum kt_intake_format format, const char *encoding,
                    struct kt_intake **out, struct kt_error *err)
{
	struct intake_parse p = { .name = name ? name : "-", .err = err };
	int rc;

	*out = NULL;
	if (format == KT_INTAKE_AUTO)
		format = sniff(data, len, name);
	/* A NUL ends every C string: text saved as UTF-16 (Excel's "Unicode
	 * text") would read as empty cells, its rows skipped as blank. */
	const char *nul = format == KT_INTAKE_XLSX ? NULL : memchr(data, '\0', len);
	if (nul)
		return kt_error_set(err, KT_EINVAL, "%s:%ld: a NUL byte (byte %zu): UTF-16 or not text; save it "
		                    "as CSV in UTF-8 or Windows-1251", p.name, text_line_at(data, (size_t)(nul - data)),
		                    (size_t)(nul - data) + 1);
	if (!(p.in = calloc(1, sizeof *p.in)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	p.in->format = format;
	if (format == KT_INTAKE_XLSX || (encoding && !strcasecmp(encoding, "utf-8")) ||
	    (encoding && !strcasecmp(encoding, "utf8")))
		p.in->encoding = "utf-8";
	else if (encoding && (!strcasecmp(encoding, "cp1251") || !strcasecmp(encoding, "windows-1251")))
		p.in->encoding = "cp1251";
	else if ((!encoding || !strcasecmp(encoding, "auto")) && format == KT_INTAKE_FORM) {
		/* A form's bytes are percent-encoded: judge them decoded. */
		char *copy = malloc(len + 1);
		if (!copy) {
			kt_intake_free(p.in);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		memcpy(copy, data, len);
		p.in->encoding = guess_encoding(copy, url_decode(copy, len));
		free(copy);
	} else if (!encoding || !strcasecmp(encoding, "auto"))
		p.in->encoding = guess_encoding(data, len);
	else {
		kt_intake_free(p.in);
		return kt_error_set(err, KT_EINVAL, "--encoding %s: not auto, utf-8 or cp1251", encoding);
	}
	p.cp1251 = !strcmp(p.in->encoding, "cp1251");
	switch (format) {
	case KT_INTAKE_FORM: rc = parse_form(&p, data, len); break;
	case KT_INTAKE_JSON: rc = parse_json(&p, data, len); break;
	case KT_INTAKE_XLSX: rc = parse_xlsx(&p, data, len); break;
	default:             rc = parse_csv(&p, data, len); break;
	}
	if (rc) {
		kt_intake_free(p.in);
		return rc;
	}
	*out = p.in;
	return 0;
}

/* Returns the value of the row's field called name (exactly), or NULL. */
const char *kt_intake_get(const struct kt_intake_row *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], name))
			return r->values[i];
	return NULL;
}
