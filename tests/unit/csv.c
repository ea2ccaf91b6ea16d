/*
 * csv.c - unit tests for lib/util/csv.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"
#include "util/util.h"

/* Parses s as "t.csv".  Returns kt_csv_parse()'s status; *out and err as
 * it leaves them. */
static int parse(const char *s, struct kt_csv **out, struct kt_error *err)
{
	memset(err, 0, sizeof *err);
	return kt_csv_parse(s, strlen(s), "t.csv", out, err);
}

/* Returns field i of row r of csv, or NULL when there is none. */
static const char *field(const struct kt_csv *csv, size_t r, size_t i)
{
	if (r >= csv->nrows || i >= csv->rows[r].nfields)
		return NULL;
	return csv->rows[r].fields[i];
}

static void test_basic(void)
{
	struct kt_csv *csv;
	struct kt_error err;

	is_int(parse("id,name\nL1,Анна\nL2,Борис\n", &csv, &err), 0, "parse");
	is_int((long long)csv->nheader, 2, "header width");
	is_str(csv->header[1], "name", "header field");
	is_int((long long)csv->nrows, 2, "two rows");
	is_str(field(csv, 1, 1), "Борис", "a field");
	is_int(csv->rows[0].line, 2, "first row on line 2");
	is_int(csv->rows[1].line, 3, "second row on line 3");
	kt_csv_free(csv);

	is_int(kt_csv_parse("", 0, "t.csv", &csv, &err), 0, "empty input");
	ok(csv->nheader == 0 && csv->nrows == 0, "empty input: no header, no rows");
	kt_csv_free(csv);
	kt_csv_free(NULL);

	is_int(parse("id,x", &csv, &err), 0, "a header without a newline");
	ok(csv->nheader == 2 && csv->nrows == 0, "only a header");
	kt_csv_free(csv);

	is_int(parse("a,b,c\n1,,\n\n\n4\n5,6,7,8\nlast", &csv, &err), 0, "ragged rows");
	is_int((long long)csv->nrows, 4, "blank lines are skipped");
	ok(csv->rows[0].nfields == 3 && !*field(csv, 0, 1) && !*field(csv, 0, 2),
	   "trailing empty fields are kept");
	ok(csv->rows[1].nfields == 1 && csv->rows[2].nfields == 4, "short and long rows");
	is_int(csv->rows[1].line, 5, "a row after blank lines");
	is_int(csv->rows[3].line, 7, "a last row without a newline");
	is_str(field(csv, 3, 0), "last", "the last row's field");
	kt_csv_free(csv);
}

static void test_exact(void)
{
	struct kt_csv *csv;
	struct kt_error err;

	is_int(parse("\xEF\xBB\xBFid,name\r\nL1, a b \t\r\n\r\nL2,\"x, \"\"y\"\"\"\r\n", &csv,
	             &err), 0, "BOM and CRLF");
	is_str(csv->header[0], "id", "the BOM is skipped");
	is_str(csv->header[1], "name", "no CR in the last header field");
	is_str(field(csv, 0, 1), " a b \t", "spaces are kept");
	is_str(field(csv, 1, 1), "x, \"y\"", "quoted comma and quotes");
	is_int(csv->rows[1].line, 4, "CRLF line numbers");
	kt_csv_free(csv);

	is_int(parse("id,note\nL1,\"one\ntwo\n\nfour\"\nL2,\"\"\nL3,\"a\nb\",\"c\nd\"\nL4,x\n",
	             &csv, &err), 0, "newlines in quoted fields");
	is_str(field(csv, 0, 1), "one\ntwo\n\nfour", "a multi-line field");
	is_int(csv->rows[0].line, 2, "a multi-line row starts where it starts");
	is_int(csv->rows[1].line, 6, "the row after it");
	is_str(field(csv, 1, 1), "", "an empty quoted field");
	is_int(csv->rows[2].line, 7, "a row with two multi-line fields");
	is_int(csv->rows[3].line, 10, "the row after that");
	kt_csv_free(csv);

	is_int(parse("id,note\r\nL1,\"a\r\nb\"\r\nL2,x\r\n", &csv, &err), 0, "CRLF in a field");
	is_str(field(csv, 0, 1), "a\r\nb", "CRLF inside quotes is kept");
	is_int(csv->rows[1].line, 4, "the row after a CRLF field");
	kt_csv_free(csv);
}

/* Checks that s fails to parse with message msg. */
static void bad(const char *s, const char *msg, const char *name)
{
	struct kt_csv *csv = (struct kt_csv *)1;
	struct kt_error err;

	is_int(parse(s, &csv, &err), KT_ECSV, "%s fails", name);
	ok(csv == NULL, "%s gives no result", name);
	is_int(err.code, KT_ECSV, "%s sets the code", name);
	is_str(err.msg, msg, "%s message", name);
}

static void test_errors(void)
{
	struct kt_csv *csv;

	bad("id,x\nL1,ok\na,\"b\"c\n",
	    "t.csv:3: malformed CSV: unexpected character after a closing quote",
	    "a character after a closing quote");
	bad("id,x\nL1,\"a\nb\"\nL2,\"b\"c\nL3,y\n",
	    "t.csv:4: malformed CSV: unexpected character after a closing quote",
	    "a bad quote after a multi-line field");
	bad("id,x\nL1,\"x\" \n",
	    "t.csv:2: malformed CSV: unexpected character after a closing quote",
	    "a space after a closing quote");
	bad("id,x\nL1,a\"b\n", "t.csv:2: malformed CSV: quote inside an unquoted field",
	    "a quote inside an unquoted field");
	bad("id,x\nL1, \"b\"\n", "t.csv:2: malformed CSV: quote inside an unquoted field",
	    "a space before a quoted field");
	bad("id,x\nL1,ok\nL2,\"never closed\nmore\n",
	    "t.csv:4: malformed CSV: unterminated quoted field (opened on line 3)",
	    "an unterminated quote");
	bad("id,x,y\n\nL1,\"a\nb\",\"c\nd",
	    "t.csv:5: malformed CSV: unterminated quoted field (opened on line 4)",
	    "an unterminated quote after a multi-line field");
	bad("\"", "t.csv:1: malformed CSV: unterminated quoted field (opened on line 1)",
	    "a lone quote");
	is_int(kt_csv_parse("\"", 1, "t.csv", &csv, NULL), KT_ECSV, "err may be NULL");
}

static void test_write(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "plain", "plain" }, { "", "" }, { "in side", "in side" }, { "Ёж", "Ёж" },
		{ "a,b", "\"a,b\"" }, { "say \"hi\"", "\"say \"\"hi\"\"\"" }, { "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" }, { "cr\r", "\"cr\r\"" },
		{ " lead", "\" lead\"" }, { "trail ", "\"trail \"" }, { "\ttab", "\"\ttab\"" },
		{ "tab\t", "\"tab\t\"" },
	};
	char *row[] = { "L1", NULL, "a,b", "" }, *empty[] = { "" };
	struct kt_buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		kt_buf_reset(&b);
		is_int(kt_csv_add_field(&b, t[i].in), 0, "add_field \"%s\"", t[i].in);
		is_str(b.data, t[i].out, "add_field \"%s\" writes", t[i].in);
	}
	kt_buf_reset(&b);
	is_int(kt_csv_add_row(&b, row, 4), 0, "add_row");
	is_str(b.data, "L1,,\"a,b\",\n", "add_row writes");
	kt_buf_reset(&b);
	kt_csv_add_row(&b, empty, 1);
	is_str(b.data, "\"\"\n", "a row of one empty field is not a blank line");
	kt_buf_free(&b);
}

/* Returns the number of line feeds in s. */
static long newlines(const char *s)
{
	long n = 0;

	for (; (s = strchr(s, '\n')) != NULL; s++)
		n++;
	return n;
}

static void test_round_trip(void)
{
	char *head[] = { "id", "v" };
	char *vals[] = {
		"", " ", "\"", "\"\"", ",", "\n", "\r\n", "a\"b", " x ", "Ёлка, ёж",
		"\t", "=1+2", "multi\nline\n\nvalue", "end\n", "\xFF\xFE", "last",
	};
	size_t n = sizeof vals / sizeof vals[0], i;
	long line = 2;
	struct kt_buf b = { 0 };
	struct kt_csv *csv;
	struct kt_error err;
	char id[16], *row[2];
	int same = 1, lines = 1;

	kt_csv_add_row(&b, head, 2);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "R%zu", i);
		row[0] = id;
		row[1] = vals[i];
		kt_csv_add_row(&b, row, 2);
	}
	is_int(kt_csv_parse(b.data, b.len, "t.csv", &csv, &err), 0, "the written CSV parses");
	is_int((long long)csv->nrows, (long long)n, "every row comes back");
	for (i = 0; i < n && i < csv->nrows; i++) {
		snprintf(id, sizeof id, "R%zu", i);
		same &= csv->rows[i].nfields == 2 && strcmp(field(csv, i, 0), id) == 0 &&
		        strcmp(field(csv, i, 1), vals[i]) == 0;
		lines &= csv->rows[i].line == line;
		line += 1 + newlines(vals[i]);
	}
	ok(same, "every value comes back as it was");
	ok(lines, "every row knows its line");
	kt_csv_free(csv);

	kt_buf_reset(&b);
	kt_csv_add_row(&b, head, 1);
	kt_csv_add_row(&b, vals, 1);
	kt_csv_add_row(&b, vals + 1, 1);
	is_int(kt_csv_parse(b.data, b.len, "t.csv", &csv, &err), 0, "one column parses");
	ok(csv->nrows == 2 && !strcmp(field(csv, 0, 0), "") && !strcmp(field(csv, 1, 0), " "),
	   "one column with empty and blank values");
	kt_csv_free(csv);
	kt_buf_free(&b);
}

/* A row cut out of a file, told how many lines stood before it. */
static void test_gap(void)
{
	static const char rows[] = "id,x\nL9,\"a\nb\"\nL10,c\n", open[] = "id,x\nL9,\"a\n";
	struct kt_csv *csv;
	struct kt_error err = { 0 };

	is_int(csv_parse_gap(rows, sizeof rows - 1, "t.csv", ',', 5, 1000, &csv, &err), 0,
	       "rows after a gap parse");
	is_int(csv->rows[0].line, 1002, "a row after a gap of 1000 lines is on line 1002");
	is_int(csv->rows[1].line, 1004, "the row after a multi-line one counts the gap too");
	kt_csv_free(csv);
	is_int(csv_parse_gap(open, sizeof open - 1, "t.csv", ',', 5, 1000, &csv, &err), KT_ECSV,
	       "an unterminated quote after a gap fails");
	is_str(err.msg, "t.csv:1002: malformed CSV: unterminated quoted field (opened on line 1002)",
	       "and names the lines of the file");
}

/* What csv_parse_each() handed over: each row's line and first field,
 * and how many calls until it fails (0: never). */
struct taken {
	long lines[8];
	char first[8][16];
	size_t n, fail_at;
};

/* A csv_row_fn that keeps what it is given in a struct taken. */
static int take(void *arg, const struct kt_csv *csv, struct kt_csv_row *row)
{
	struct taken *t = arg;

	if (t->n < 8) {
		t->lines[t->n] = row->line;
		snprintf(t->first[t->n], sizeof t->first[t->n], "%s/%zu", row->fields[0], csv->nheader);
	}
	for (size_t i = 0; i < row->nfields; i++)
		free(row->fields[i]);
	free(row->fields);
	return ++t->n == t->fail_at ? KT_ENOMEM : 0;
}

static void test_each(void)
{
	static const char text[] = "id,note\nL1,\"two\nlines\"\nL2,x\n\nL3,y\n";
	struct taken t = { 0 };
	struct kt_csv *csv;
	struct kt_error err = { 0 };

	is_int(csv_parse_each(text, sizeof text - 1, "t.csv", ',', take, &t, &csv, &err), 0,
	       "rows handed over as read");
	is_int((long long)t.n, 3, "each row once, the blank line none");
	is_str(t.first[0], "L1/2", "the first row, with the header read before it");
	is_int(t.lines[1], 4, "a row after a multi-line one has its own line");
	is_int(t.lines[2], 6, "and after a blank line");
	is_int((long long)csv->nrows, 0, "no row is kept");
	is_str(csv->header[1], "note", "the header is");
	kt_csv_free(csv);

	memset(&t, 0, sizeof t);
	t.fail_at = 2;
	is_int(csv_parse_each(text, sizeof text - 1, "t.csv", ',', take, &t, &csv, &err), KT_ENOMEM,
	       "a row the caller cannot take stops the parse");
	is_int((long long)t.n, 2, "no row after it is handed over");
	ok(csv == NULL, "and nothing is returned");

	memset(&t, 0, sizeof t);
	static const char bad[] = "id,note\nL1,a\nL2,\"open\n";
	is_int(csv_parse_each(bad, sizeof bad - 1, "t.csv", ',', take, &t, &csv, &err), KT_ECSV,
	       "malformed CSV fails as kt_csv_parse() does");
	is_str(err.msg, "t.csv:3: malformed CSV: unterminated quoted field (opened on line 3)",
	       "naming the lines");
}

/* The fields csv_row_cut() gives, joined by '|', each marked '*' when
 * copied. */
struct cut {
	char text[256];
	int n;
};

static void add_cut(void *arg, const char *v, size_t len, int copied)
{
	struct cut *c = arg;
	size_t n = strlen(c->text);

	snprintf(c->text + n, sizeof c->text - n, "%s%.*s%s", c->n++ ? "|" : "", (int)len, v,
	         copied ? "*" : "");
}

/* Cuts s; returns the fields as add_cut() joins them, or the reason. */
static const char *cut(const char *s, struct cut *c)
{
	struct kt_buf scratch = { 0 };
	const char *why = NULL;

	c->text[0] = '\0';
	c->n = 0;
	int rc = csv_row_cut(s, strlen(s), &scratch, add_cut, c, &why);
	kt_buf_free(&scratch);
	return rc ? why : c->text;
}

static void test_row_cut(void)
{
	struct cut c;

	is_str(cut("L1,Анна,\n", &c), "L1|Анна|", "a row: the last field empty");
	is_str(cut("L1,\"a, b\",\"\"\r\n", &c), "L1|a, b|", "quoted commas, an empty quoted field, CRLF");
	is_str(cut("\"say \"\"hi\"\"\",x", &c), "say \"hi\"*|x", "doubled quotes undone, in scratch");
	is_str(cut("\"two\nlines\",\"\"\"\"\n", &c), "two\nlines|\"*", "a line break inside quotes");
	is_str(cut("\n", &c), "", "a blank line has no fields");
	is_str(cut(",", &c), "|", "two empty fields");
	is_str(cut("L1,a\"b\n", &c), "quote inside an unquoted field", "a stray quote");
	is_str(cut("L1,\"a\"b\n", &c), "unexpected character after a closing quote", "text after a quote");
	is_str(cut("L1,\"open\n", &c), "unterminated quoted field", "a quote not closed");

	is_int((long long)csv_row_len("a,b\nc\n", 6, 0), 4, "a row ends at its newline");
	is_int((long long)csv_row_len("a,\"b\nc\"\nd\n", 10, 0), 8, "not at one inside quotes");
	is_int((long long)csv_row_len("a,\"b\nc", 6, 0), 0, "a row that goes on past the bytes");
	is_int((long long)csv_row_len("a,b", 3, 0), 0, "no newline: not known to end");
	is_int((long long)csv_row_len("c\",d\ne\n", 7, 1), 5, "the rest of a row cut inside quotes");
	is_int((long long)csv_row_len("\"\"\n", 3, 1), 0, "a doubled quote keeps the field open");
}

int main(void)
{
	test_row_cut();
	test_each();
	test_gap();
	test_basic();
	test_exact();
	test_errors();
	test_write();
	test_round_trip();
	return done_testing();
}
