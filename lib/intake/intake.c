/*
 * intake.c - reading what web forms send into rows of (name, value)
 * pairs: form posts (urlencoded), JSON, CSV (comma, semicolon or tab, as
 * Excel and form services write it) and XLSX, in UTF-8 or Windows-1251.
 *
 * The bytes are split into rows first and decoded field by field, so a
 * field that does not decode makes its own row rejected, with its line,
 * and never mojibake.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake/intake.h"

/* The state of one parse: the result being built and the decoder. */
struct intake_parse {
	struct kt_intake *in;
	size_t cap;
	iconv_t cd;          /* CP1251 -> UTF-8, or (iconv_t)-1 for UTF-8 */
	const char *name;    /* the file, for messages */
	struct kt_error *err;
};

/* Frees one row's strings. */
static void row_free(struct kt_intake_row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	free(r->error);
}

/* Frees an intake and its rows.  NULL is fine. */
void kt_intake_free(struct kt_intake *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++)
		row_free(&in->rows[i]);
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
 * string in *out (caller frees).  Returns 0, 1 when the bytes are not
 * valid in the encoding (*out NULL, bad the offset of the first bad
 * byte), or KT_ENOMEM. */
static int decode(struct intake_parse *p, const char *s, size_t len, char **out, size_t *bad)
{
	*out = NULL;
	if (p->cd == (iconv_t)-1) {
		if (!kt_utf8_valid(s, len, bad) || memchr(s, '\0', len)) {
			if (memchr(s, '\0', len) && kt_utf8_valid(s, len, bad))
				*bad = (size_t)((const char *)memchr(s, '\0', len) - s);
			return 1;
		}
		return (*out = strndup(s, len)) ? 0 : KT_ENOMEM;
	}
	/* CP1251 takes at most 3 bytes a character in UTF-8. */
	char *buf = malloc(len * 3 + 1), *in = (char *)s, *o = buf;
	size_t inleft = len, outleft = len * 3;
	if (!buf)
		return KT_ENOMEM;
	iconv(p->cd, NULL, NULL, NULL, NULL);
	if (iconv(p->cd, &in, &inleft, &o, &outleft) == (size_t)-1 || memchr(s, '\0', len)) {
		*bad = inleft ? (size_t)(in - s) : (size_t)((const char *)memchr(s, '\0', len) - s);
		free(buf);
		return 1;
	}
	*o = '\0';
	*out = buf;
	return 0;
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
		snprintf(why, sizeof why, "a column name is not valid %s (byte %zu)",
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

/* A cursor over JSON text. */
struct json {
	const char *s, *end;
	long line;
	struct intake_parse *p;
};

/* Skips white space, counting lines. */
static void json_space(struct json *j)
{
	for (; j->s < j->end && strchr(" \t\r\n", *j->s) && *j->s; j->s++)
		if (*j->s == '\n')
			j->line++;
}

/* Fails the parse with "NAME:LINE: malformed JSON: what".  Returns KT_EINVAL. */
static int json_fail(struct json *j, const char *what)
{
	return kt_error_set(j->p->err, KT_EINVAL, "%s:%ld: malformed JSON: %s", j->p->name,
	                    j->line, j->s >= j->end ? "it ends too early" : what);
}

/* Appends code point cp as UTF-8 to b.  Returns 0 or KT_ENOMEM. */
static int add_code_point(struct kt_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80)
		u[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	else if (cp < 0x10000)
		u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F)),
		u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	else
		u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3F)),
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
	return kt_buf_add(b, u, n);
}

/* Reads 4 hex digits at j->s into *cp.  Returns 0 or -1. */
static int json_hex4(struct json *j, unsigned long *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		if (j->s >= j->end || hex(*j->s) < 0)
			return -1;
		*cp = *cp * 16 + (unsigned long)hex(*j->s++);
	}
	return 0;
}

/* Reads a JSON string (j->s at the opening quote) into b, raw bytes as
 * they are and escapes resolved.  Returns 0 or an error. */
static int json_string_raw(struct json *j, struct kt_buf *b)
{
	j->s++;
	while (j->s < j->end && *j->s != '"') {
		unsigned long cp, lo;
		if ((unsigned char)*j->s < 0x20)
			return json_fail(j, "a control character inside a string");
		if (*j->s != '\\') {
			if (kt_buf_addc(b, *j->s++))
				return KT_ENOMEM;
			continue;
		}
		if (++j->s >= j->end)
			break;
		char c = *j->s++;
		const char *esc = strchr("\"\\/bfnrt", c);
		if (esc && c)
			kt_buf_addc(b, "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"]);
		else if (c == 'u') {
			if (json_hex4(j, &cp))
				return json_fail(j, "a bad \\u escape");
			if (cp >= 0xD800 && cp < 0xDC00 && j->s + 1 < j->end && j->s[0] == '\\' && j->s[1] == 'u') {
				j->s += 2;
				if (json_hex4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return json_fail(j, "a bad surrogate pair");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xD800 && cp < 0xE000)
				return json_fail(j, "a lone surrogate");
			if (!cp)
				return json_fail(j, "\\u0000 in a string");
			if (add_code_point(b, cp))
				return KT_ENOMEM;
		} else
			return json_fail(j, "an unknown escape");
	}
	if (j->s >= j->end)
		return json_fail(j, "an unterminated string");
	j->s++;
	return 0;
}

static int json_value_into(struct json *j, struct kt_intake_row *r, struct kt_buf *key,
                           int depth);

/* Adds the scalar at j->s (string, number, true, false, null) to row r
 * under key.  Returns 0 or an error. */
static int json_scalar(struct json *j, struct kt_intake_row *r, struct kt_buf *key)
{
	struct kt_buf v = { 0 };
	int rc = 0;

	if (*j->s == '"')
		rc = json_string_raw(j, &v);
	else {
		const char *start = j->s;
		while (j->s < j->end && (strchr("+-.eE", *j->s) || (*j->s >= '0' && *j->s <= '9') ||
		                         (*j->s >= 'a' && *j->s <= 'z')) && *j->s)
			j->s++;
		size_t n = (size_t)(j->s - start);
		if (!n || (strncmp(start, "true", n) && strncmp(start, "false", n) &&
		           strncmp(start, "null", n) && !strchr("-0123456789", *start)))
			return json_fail(j, "not a value");
		if (strncmp(start, "null", n) && kt_buf_add(&v, start, n))
			rc = KT_ENOMEM;
	}
	if (!rc)
		rc = row_add(j->p, r, key->data ? key->data : "", key->len, v.data ? v.data : "", v.len);
	kt_buf_free(&v);
	if (rc == KT_ENOMEM)
		kt_error_set(j->p->err, rc, "%s: out of memory", j->p->name);
	return rc;
}

/* Reads an object or array at j->s into row r, its members' names
 * prefixed by key and a dot (elements of an array by their index).
 * Returns 0 or an error. */
static int json_container(struct json *j, struct kt_intake_row *r, struct kt_buf *key, int depth)
{
	char close = *j->s == '{' ? '}' : ']';
	size_t keep = key->len;
	long index = 0;
	int rc = 0;

	if (depth > 32)
		return json_fail(j, "nested too deep");
	j->s++;
	json_space(j);
	if (j->s < j->end && *j->s == close) {
		j->s++;
		return 0;
	}
	for (;;) {
		key->len = keep;
		if (keep && kt_buf_addc(key, '.'))
			return KT_ENOMEM;
		if (close == '}') {
			json_space(j);
			if (j->s >= j->end || *j->s != '"')
				return json_fail(j, "expected a member's name in quotes");
			if ((rc = json_string_raw(j, key)))
				return rc;
			json_space(j);
			if (j->s >= j->end || *j->s != ':')
				return json_fail(j, "expected ':' after a member's name");
			j->s++;
		} else if (kt_buf_addf(key, "%ld", index++))
			return KT_ENOMEM;
		if ((rc = json_value_into(j, r, key, depth + 1)))
			return rc;
		json_space(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		if (j->s < j->end && *j->s == close) {
			j->s++;
			break;
		}
		return json_fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	key->len = keep;
	if (key->data)
		key->data[keep] = '\0';
	return 0;
}

/* Reads any value at j->s into row r under key.  Returns 0 or an error. */
static int json_value_into(struct json *j, struct kt_intake_row *r, struct kt_buf *key, int depth)
{
	json_space(j);
	if (j->s >= j->end)
		return json_fail(j, "");
	if (*j->s == '{' || *j->s == '[')
		return json_container(j, r, key, depth);
	return json_scalar(j, r, key);
}

/* Parses JSON: an object is one row, an array of objects one row each
 * (at the line the object starts on); nested members are flattened to
 * "payment.amount", "products.0.name".  Returns 0 or an error naming the
 * line. */
static int parse_json(struct intake_parse *p, const char *data, size_t len)
{
	struct json j = { data, data + len, 1, p };
	struct kt_buf key = { 0 };
	int rc = 0;

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		j.s += 3;
	json_space(&j);
	int array = j.s < j.end && *j.s == '[';
	if (array) {
		j.s++;
		json_space(&j);
	}
	while (!rc && j.s < j.end && !(array && *j.s == ']')) {
		if (*j.s != '{') {
			rc = json_fail(&j, "expected an object");
			break;
		}
		struct kt_intake_row *r = row_new(p, j.line);
		key.len = 0;
		if (key.data)
			key.data[0] = '\0';
		rc = r ? json_container(&j, r, &key, 0) : KT_ENOMEM;
		json_space(&j);
		if (!rc && !array)
			break;
		if (!rc && j.s < j.end && *j.s == ',') {
			j.s++;
			json_space(&j);
		} else if (!rc && (j.s >= j.end || *j.s != ']'))
			rc = json_fail(&j, "expected ',' or ']'");
	}
	if (!rc && array) {
		if (j.s >= j.end)
			rc = json_fail(&j, "");
		else
			j.s++;
	}
	json_space(&j);
	if (!rc && j.s < j.end)
		rc = json_fail(&j, "text after the end");
	kt_buf_free(&key);
	if (rc == KT_ENOMEM)
		return kt_error_set(p->err, rc, "%s: out of memory", p->name);
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

/* Parses CSV with a header row: each row's cells under the header's
 * names, empty trailing rows skipped.  Returns 0 or an error. */
static int parse_csv(struct intake_parse *p, const char *data, size_t len)
{
	struct kt_csv *csv;
	int rc = csv_parse_delim(data, len, p->name, csv_delimiter(data, len), &csv, p->err);

	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		struct kt_csv_row *row = &csv->rows[i];
		size_t filled = 0;
		for (size_t f = 0; f < row->nfields; f++)
			filled += row->fields[f][strspn(row->fields[f], " \t\r")] != '\0';
		if (!filled)
			continue;
		struct kt_intake_row *r = row_new(p, row->line);
		if (!r) {
			rc = KT_ENOMEM;
			break;
		}
		if (row->nfields > csv->nheader)
			rc = row_reject(r, "more cells than the header has columns");
		for (size_t f = 0; !rc && f < row->nfields && f < csv->nheader; f++)
			rc = row_add(p, r, csv->header[f], strlen(csv->header[f]),
			             row->fields[f], strlen(row->fields[f]));
	}
	kt_csv_free(csv);
	if (rc)
		return kt_error_set(p->err, rc, "%s: out of memory", p->name);
	return 0;
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
	struct intake_parse p = { .name = name ? name : "-", .err = err, .cd = (iconv_t)-1 };
	int rc;

	*out = NULL;
	if (!(p.in = calloc(1, sizeof *p.in)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (format == KT_INTAKE_AUTO)
		format = sniff(data, len, name);
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
	if (!strcmp(p.in->encoding, "cp1251") && (p.cd = iconv_open("UTF-8", "CP1251")) == (iconv_t)-1) {
		kt_intake_free(p.in);
		return kt_error_set(err, KT_EIO, "iconv: no CP1251 converter: %s", strerror(errno));
	}
	switch (format) {
	case KT_INTAKE_FORM: rc = parse_form(&p, data, len); break;
	case KT_INTAKE_JSON: rc = parse_json(&p, data, len); break;
	case KT_INTAKE_XLSX: rc = parse_xlsx(&p, data, len); break;
	default:             rc = parse_csv(&p, data, len); break;
	}
	if (p.cd != (iconv_t)-1)
		iconv_close(p.cd);
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
