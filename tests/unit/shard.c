/*
 * shard.c - unit tests for lib/model/shard.c: shard paths and headers, finding
 * and cutting rows out of a shard's bytes, records from rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "tap.h"

static const char client_text[] =
	"type client\nprefix C\ntitle name\n"
	"field name text\nfield inn inn\nfield phone phone\n";

static const char lead_text[] =
	"type lead\nprefix L\ntitle title\nsplit id\n"
	"field title text\nfield amount money\n";

/* Parses schema text, which must be valid.  Returns it or NULL. */
static struct kt_schema *schema(const char *text, const char *file)
{
	struct kt_schema *s = NULL;
	struct kt_error err = { 0 };

	if (!is_int(kt_schema_parse(text, strlen(text), file, &s, &err), 0, "%s parses", file))
		printf("# %s\n", err.msg);
	return s;
}

/* Checks shard_path() and frees what it returned. */
static void path_is(const struct kt_schema *s, const char *created, const char *id,
                    const char *expected, const char *name)
{
	char *p = shard_path(s, created, id);

	is_str(p, expected, "shard_path: %s", name);
	free(p);
}

static void test_path(const struct kt_schema *client, const struct kt_schema *lead)
{
	path_is(client, "2026-11-02T10:00:00Z", "C0000001", "data/client/2026-11.csv", "plain");
	path_is(client, "2027-01-01T00:00:00Z", "CZZZZZZZ", "data/client/2027-01.csv",
	        "plain, the first second of a year");
	path_is(client, "2026-12-31T23:59:59Z", "C0000001", "data/client/2026-12.csv",
	        "plain, the last second of a month");
	path_is(lead, "2026-11-30T23:59:59Z", "L3F9K2QX", "data/lead/2026-11/L3.csv", "split");
	path_is(lead, "2026-02-01T08:00:00Z", "LZ000000", "data/lead/2026-02/LZ.csv",
	        "split, another file");
	path_is(lead, "2026-11-02T10:00:00Z", "L0", "data/lead/2026-11/L0.csv",
	        "split, a two-character id");
	path_is(client, "2026-11-02", "C0000001", NULL, "a date is not a created");
	path_is(client, "", "C0000001", NULL, "empty created");
	path_is(client, "2026-13-02T10:00:00Z", "C0000001", NULL, "month 13");
	path_is(client, "2026-02-29T10:00:00Z", "C0000001", NULL, "29 February 2026");
	path_is(client, "2026-11-02 10:00:00Z", "C0000001", NULL, "a space for T");
	path_is(lead, "2026-11-02T10:00:00", "L3F9K2QX", NULL, "split, no Z");
	path_is(lead, "2026-11-02T10:00:00Z", "L", NULL, "an id of one character");
	path_is(lead, "2026-11-02T10:00:00Z", "", NULL, "an empty id");
}

/* Checks shard_child() and frees what it returned. */
static void child_is(const struct kt_schema *s, const char *path, const char *id,
                     const char *expected, const char *name)
{
	char *p = shard_child(s, path, id);

	is_str(p, expected, "shard_child: %s", name);
	free(p);
}

/* The shards a split makes: their prefixes, children and names. */
static void test_split(const struct kt_schema *client, const struct kt_schema *lead)
{
	char prefix[9];

	is_int((int)shard_prefix(lead, "data/lead/2026-11/L3.csv", prefix), 2, "shard_prefix: L3.csv");
	is_str(prefix, "L3", "shard_prefix: L3.csv holds L3");
	is_int((int)shard_prefix(client, "data/client/2026-11.csv", prefix), 1, "shard_prefix: a month");
	is_str(prefix, "C", "shard_prefix: a month holds the type's letter");
	is_int((int)shard_prefix(lead, "data/lead/2026-11/L3/L3A/L3AB.csv", prefix), 4,
	       "shard_prefix: two splits down");
	is_int((int)shard_prefix(lead, "data/lead/2026-11/C3.csv", prefix), 0,
	       "shard_prefix: another type's letter");
	is_int((int)shard_prefix(lead, "data/lead/2026-11/L3.txt", prefix), 0, "shard_prefix: not .csv");

	child_is(lead, "data/lead/2026-11/L3.csv", "L3F9K2QX", "data/lead/2026-11/L3/L3F.csv", "split type");
	child_is(lead, "data/lead/2026-11/L3/L3F.csv", "L3F9K2QX", "data/lead/2026-11/L3/L3F/L3F9.csv",
	         "split again");
	child_is(client, "data/client/2026-11.csv", "C7Q4M2ZX", "data/client/2026-11/C7.csv",
	         "a month file");
	child_is(lead, "data/lead/2026-11/L3F9K2QX.csv", "L3F9K2QX", NULL, "a file of one id");
	child_is(lead, "data/lead/2026-11/L3.csv", "L4F9K2QX", NULL, "an id of another file");
	child_is(lead, "data/lead/2026-11/L3.csv", "L3", NULL, "an id no longer than the prefix");
	child_is(lead, "data/lead/2026-11/L3.csv", "L3/..", NULL, "no Crockford character next");

	const struct { const struct kt_schema *s; const char *name; int ok; } names[] = {
		{ client, "2026-11.csv", 1 }, { lead, "2026-11.csv", 0 },
		{ lead, "2026-11/L3.csv", 1 }, { client, "2026-11/C3.csv", 1 },
		{ lead, "2026-11/L3/L3A.csv", 1 }, { lead, "2026-11/L3/L3A/L3AB.csv", 1 },
		{ lead, "2026-11/L3/L4A.csv", 0 }, { lead, "2026-11/L3/L3AB.csv", 0 },
		{ lead, "2026-11/L3/L3I.csv", 0 }, { lead, "2026-11/L3/L3A", 0 },
		{ lead, "2026-11/L.csv", 0 }, { lead, "2026-13/L3.csv", 0 },
		{ client, "2026-11/C3.txt", 0 }, { client, "2026-1.csv", 0 },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		is_int(shard_name_valid(names[i].s, names[i].name), names[i].ok, "shard_name_valid: %s %s",
		       names[i].s->name, names[i].name);
}

/* Checks shard_header() of s with extra columns. */
static void header_is(const struct kt_schema *s, char *const *extra, size_t n,
                      const char *expected, const char *name)
{
	struct kt_buf b = { 0 };

	is_int(shard_header(&b, s, extra, n), 0, "shard_header: %s: returns 0", name);
	is_str(b.data, expected, "shard_header: %s", name);
	kt_buf_free(&b);
}

static void test_header(const struct kt_schema *client, const struct kt_schema *lead)
{
	char *extra[] = { "legacy", "note_2019" };
	char *odd[] = { "a,b", "say \"hi\"", " lead", "two\nlines", "", "ok" };

	header_is(client, NULL, 0, "id,name,inn,phone,created", "canonical");
	header_is(lead, NULL, 0, "id,title,amount,created", "canonical, split type");
	header_is(client, extra, 2, "id,name,inn,phone,created,legacy,note_2019",
	          "extra columns after created, in order");
	header_is(lead, odd, 6,
	          "id,title,amount,created,\"a,b\",\"say \"\"hi\"\"\",\" lead\",\"two\nlines\",,ok",
	          "odd extra names are quoted");

	struct kt_buf b = { 0 };
	kt_buf_adds(&b, "X");
	shard_header(&b, lead, NULL, 0);
	is_str(b.data, "Xid,title,amount,created", "shard_header appends to b");
	kt_buf_free(&b);
}

#define HDR "id,name,inn,phone,created\n"
#define R1 "C0000001,Ромашка,7707083893,+74951234567,2026-11-02T10:00:00Z\n"
#define R2 "C0000002,\"Лютик, ООО\",,,2026-11-03T10:00:00Z\n"
#define R3 "C0000003,Василёк,,,2026-11-04T10:00:00Z\n"

/* Finds id in the string buf, which must give [start, end). */
static void found(const char *buf, const char *id, size_t start, size_t end, const char *name)
{
	size_t s = 9999, e = 9999;

	is_int(shard_find_row(buf, strlen(buf), id, &s, &e), 1, "find %s: %s: found", id, name);
	is_int((long long)s, (long long)start, "find %s: %s: start", id, name);
	is_int((long long)e, (long long)end, "find %s: %s: end", id, name);
}

/* Looks for id in the string buf, which must not find it. */
static void absent(const char *buf, const char *id, const char *name)
{
	size_t s = 9999, e = 9999;

	is_int(shard_find_row(buf, strlen(buf), id, &s, &e), 0, "find %s: %s: absent", id, name);
}

static void test_find(void)
{
	const size_t h = strlen(HDR), r1 = strlen(R1), r2 = strlen(R2), r3 = strlen(R3);

	is_int((long long)h, 26, "the header is 26 bytes");
	found(HDR R1 R2 R3, "C0000001", 26, 26 + r1, "the first row");
	found(HDR R1 R2 R3, "C0000002", h + r1, h + r1 + r2, "a middle row with a quoted comma");
	found(HDR R1 R2 R3, "C0000003", h + r1 + r2, h + r1 + r2 + r3, "the last row");
	found(HDR R1 R2 "C0000003,Василёк,,,2026-11-04T10:00:00Z", "C0000003", h + r1 + r2,
	      strlen(HDR R1 R2 "C0000003,Василёк,,,2026-11-04T10:00:00Z"),
	      "the last row without a newline");
	found(HDR R1, "C0000001", h, h + r1, "the only row");
	absent(HDR R1 R2 R3, "C0000004", "an id that is not there");
	absent(HDR R1 R2 R3, "C000000", "a prefix of an id");
	absent(HDR R1 R2 R3, "c0000001", "ids are case-sensitive");
	absent(HDR, "C0000001", "a shard with only a header");
	absent("", "C0000001", "an empty shard");
	absent(HDR "C00000011,x,,,2026-11-02T10:00:00Z\n", "C0000001",
	       "an id that begins with the id looked for");
	absent(HDR "C0000002,C0000001,,,2026-11-02T10:00:00Z\n", "C0000001",
	       "the id as a later field of another row");

	/* The needle "\nC0000001," inside a quoted field of an earlier row must
	 * not match; the real row after it must. */
	const char *fake = "C0000000,\"note\nC0000001,fake\",,,2026-11-01T10:00:00Z\n";
	const char *real = "C0000001,real,,,2026-11-02T10:00:00Z\n";
	char buf[512];
	snprintf(buf, sizeof buf, "%s%s%s", HDR, fake, real);
	found(buf, "C0000001", h + strlen(fake), h + strlen(fake) + strlen(real),
	      "the id inside an earlier quoted field");
	snprintf(buf, sizeof buf, "%s%s", HDR, fake);
	absent(buf, "C0000001", "the id only inside a quoted field");

	/* Doubled quotes before the needle keep it inside the field. */
	fake = "C0000000,\"say \"\"hi\"\"\nC0000001,\"\"x\"\" \",,,2026-11-01T10:00:00Z\n";
	snprintf(buf, sizeof buf, "%s%s%s", HDR, fake, real);
	found(buf, "C0000001", h + strlen(fake), h + strlen(fake) + strlen(real),
	      "the id inside a field with doubled quotes");
	snprintf(buf, sizeof buf, "%s%s", HDR, fake);
	absent(buf, "C0000001", "the id only inside a field with doubled quotes");

	/* A quoted header name does not upset the count. */
	snprintf(buf, sizeof buf, "%s%s", "id,name,inn,phone,created,\"a,\"\"b\"\"\"\n", real);
	found(buf, "C0000001", strlen("id,name,inn,phone,created,\"a,\"\"b\"\"\"\n"), strlen(buf),
	      "after a quoted header name");

	/* A row whose own field spans lines ends after its last line. */
	const char *multi = "C0000001,\"line 1\nline 2\n\",,,2026-11-02T10:00:00Z\n";
	snprintf(buf, sizeof buf, "%s%s%s", HDR, multi, R2);
	found(buf, "C0000001", h, h + strlen(multi), "a row with a multi-line field");
	found(buf, "C0000002", h + strlen(multi), strlen(buf), "the row after it");
}

/* Checks shard_row_end() on the string buf from start. */
static void row_end(const char *buf, size_t start, size_t expected, const char *name)
{
	is_int((long long)shard_row_end(buf, strlen(buf), start), (long long)expected,
	       "shard_row_end: %s", name);
}

static void test_row_end(void)
{
	row_end("abc\ndef\n", 0, 4, "a plain row");
	row_end("abc\ndef\n", 4, 8, "the next row");
	row_end("abc\ndef", 4, 7, "a last row without a newline");
	row_end("abc\ndef", 7, 7, "at the end");
	row_end("", 0, 0, "an empty buffer");
	row_end("\nabc\n", 0, 1, "an empty row");
	row_end("abc\ndef\n", 1, 4, "from inside a row");
	row_end("a,\"x\ny\",b\nnext\n", 0, 10, "a quoted newline");
	row_end("a,\"x\n\ny\n\",b\nnext\n", 0, 12, "three quoted newlines");
	row_end("a,\"say \"\"hi\"\"\nthere\",b\nnext\n", 0, 23, "doubled quotes, then a newline");
	row_end("\"\"\"\n\"\nx\n", 0, 6, "a field of a quote and a newline");
	row_end("a,\"\",b\nnext\n", 0, 7, "an empty quoted field");
	row_end("a,\"\"\"\",b\nnext\n", 0, 9, "a field of one quote");
	row_end("a,\"x,y\",b\nnext\n", 0, 10, "a quoted comma");
	row_end("a,\"never closed\nnext\n", 0, 21, "an unterminated quote runs to the end");
	row_end("x,\"a\nb\"\ny,\"c\nd\"\n", 8, 16, "a second multi-line row");
}

static void test_header_len(void)
{
	is_int((long long)shard_header_len(HDR R1, strlen(HDR R1)), 26, "header_len: a shard");
	is_int((long long)shard_header_len("id,name", 7), 7, "header_len: no newline");
	is_int((long long)shard_header_len("", 0), 0, "header_len: empty");
	is_int((long long)shard_header_len("id,\"a\nb\"\nrow\n", 13), 9,
	       "header_len: a quoted newline in the header");
	is_int((long long)shard_header_len("id,name\nC1,x\n", 5), 5,
	       "header_len: stops at len");
}

/* A source of a string's bytes, at most max of them a time. */
struct pieces {
	const char *s;
	size_t at, len, max;
};

static int pieces_fill(void *arg, char *buf, size_t cap, size_t *got, struct kt_error *err)
{
	struct pieces *p = arg;

	*got = p->len - p->at < cap ? p->len - p->at : cap;
	*got = *got < p->max ? *got : p->max;
	memcpy(buf, p->s + p->at, *got);
	p->at += *got;
	return 0;
}

/* The rows found in one pass are those shard_find_row() finds one by
 * one, with the newlines before each (a quoted newline counts), whether
 * the shard is in hand or comes in pieces smaller than a row (piece 0:
 * in hand), and the copy holds the shard's bytes. */
static void test_rows(size_t piece)
{
	const char *buf = HDR R1 "C0000009,\"две\nстроки\",,,2026-11-02T11:00:00Z\n" R2 R3;
	static const char *const ids[] = { "C0000001", "C0000009", "C0000002", "C0000003" };
	static const size_t skipped[] = { 0, 1, 3, 4 };
	struct pieces src = { buf, 0, strlen(buf), piece ? piece : 1 };
	struct shard_reader in;
	struct shard_rows rows;
	struct kt_error err = { 0 };
	size_t start, end, s2, e2, sk, clen = 0;
	char *copy = NULL;
	FILE *f = open_memstream(&copy, &clen);

	is_int(shard_reader_start(&in, buf, strlen(buf), piece ? pieces_fill : NULL, NULL, &src, piece, &err),
	       0, "rows (piece %zu): reader started", piece);
	is_int(shard_rows_scan(&in, f, &rows, &err), 0, "rows (piece %zu): scanned", piece);
	fclose(f);
	ok(clen == strlen(buf) && !memcmp(copy, buf, clen), "rows (piece %zu): the copy is the shard", piece);
	is_int((long long)rows.n, 4, "rows (piece %zu): four", piece);
	is_int((long long)rows.hlen, (long long)strlen(HDR), "rows (piece %zu): the header", piece);
	for (size_t i = 0; i < 4; i++) {
		int found = shard_rows_find(&rows, ids[i], &start, &end, &sk);
		ok(found && shard_find_row(buf, strlen(buf), ids[i], &s2, &e2) && start == s2 && end == e2,
		   "rows (piece %zu): %s where shard_find_row finds it", piece, ids[i]);
		is_int((long long)sk, (long long)skipped[i], "rows (piece %zu): the newlines before %s", piece, ids[i]);
	}
	ok(!shard_rows_find(&rows, "C0000004", &start, &end, &sk), "rows: no such id");
	ok(!shard_rows_find(&rows, "две", &start, &end, &sk), "rows: a quoted line is no row");
	shard_rows_free(&rows);
	shard_reader_free(&in);
	free(copy);
}

/* The bytes after the header, as they come, are the shard's rest, in
 * hand or in pieces (piece 0: in hand). */
static void test_bytes(size_t piece)
{
	const char *buf = HDR R1 "C0000009,\"две\nстроки\",,,2026-11-02T11:00:00Z\n" R2 R3;
	struct pieces src = { buf, 0, strlen(buf), piece ? piece : 1 };
	struct shard_reader in;
	struct kt_error err = { 0 };
	struct kt_buf got = { 0 };
	int rc = shard_reader_start(&in, buf, strlen(buf), piece ? pieces_fill : NULL, NULL, &src, piece, &err);

	kt_buf_add(&got, in.header, in.hlen);
	while (!rc && !(rc = shard_reader_bytes(&in, &err)) && in.rowlen)
		kt_buf_add(&got, in.row, in.rowlen);
	ok(!rc && got.len == strlen(buf) && !memcmp(got.data, buf, got.len), "bytes (piece %zu): the shard", piece);
	kt_buf_free(&got);
	shard_reader_free(&in);
}

static void test_parse_range(void)
{
	const char *buf = HDR R1 R2 R3;
	const size_t h = strlen(HDR), r1 = strlen(R1), r2 = strlen(R2);
	struct kt_csv *csv = NULL;
	struct kt_error err = { 0 };

	is_int(shard_parse_range(buf, strlen(buf), h + r1, h + r1 + r2, SHARD_COUNT,
	                         "data/client/2026-11.csv", &csv, &err), 0, "parse_range: a middle row");
	if (csv) {
		is_int((long long)csv->nheader, 5, "parse_range: the header");
		is_str(csv->header[4], "created", "parse_range: the header's last name");
		if (is_int((long long)csv->nrows, 1, "parse_range: one row") &&
		    is_int((long long)csv->rows[0].nfields, 5, "parse_range: five fields")) {
			is_str(csv->rows[0].fields[0], "C0000002", "parse_range: the id");
			is_str(csv->rows[0].fields[1], "Лютик, ООО", "parse_range: the quoted name");
			is_str(csv->rows[0].fields[2], "", "parse_range: an empty field");
		}
	}
	kt_csv_free(csv);
	csv = NULL;

	is_int(shard_parse_range(buf, strlen(buf), h, strlen(buf), SHARD_COUNT, "t.csv", &csv, &err), 0,
	       "parse_range: every row");
	if (csv && is_int((long long)csv->nrows, 3, "parse_range: three rows"))
		is_str(csv->rows[2].fields[1], "Василёк", "parse_range: the third row");
	kt_csv_free(csv);
	csv = NULL;

	buf = "id,name,created";
	is_int(shard_parse_range(buf, strlen(buf), strlen(buf), strlen(buf), SHARD_COUNT, "t.csv", &csv, &err),
	       0, "parse_range: a header without a newline, no rows");
	if (csv)
		ok(csv->nheader == 3 && csv->nrows == 0, "parse_range: three names, no rows");
	kt_csv_free(csv);
	csv = NULL;

	buf = "id,name,created\nC0000001,x,2026-11-02T10:00:00Z";
	is_int(shard_parse_range(buf, strlen(buf), 16, strlen(buf), SHARD_COUNT, "t.csv", &csv, &err), 0,
	       "parse_range: a last row without a newline");
	if (csv && is_int((long long)csv->nrows, 1, "parse_range: its one row"))
		is_str(csv->rows[0].fields[2], "2026-11-02T10:00:00Z", "parse_range: its last field");
	kt_csv_free(csv);
	csv = NULL;

	/* A malformed row is an error naming the shard. */
	buf = HDR R1 R2 "C0000003,\"bad\"x,,,2026-11-04T10:00:00Z\n";
	is_int(shard_parse_range(buf, strlen(buf), h + r1 + r2, strlen(buf), SHARD_COUNT,
	                         "data/client/2026-11.csv", &csv, &err), KT_ECSV,
	       "parse_range: a malformed row");
	ok(csv == NULL, "parse_range: no result");
	ok(!strncmp(err.msg, "data/client/2026-11.csv:", 24) &&
	   strstr(err.msg, "malformed CSV: unexpected character after a closing quote"),
	   "parse_range: the message names the shard and the fault");
	/*
	 * The message names line 2, the row's line in the header+row text that
	 * shard_parse_range() builds, not line 4, where the row is in the
	 * shard; kt_record_read() passes it on as it is.
	 */
	if (!ok(!strncmp(err.msg, "data/client/2026-11.csv:4:", 26),
	          "parse_range: the message names the row's line in the shard"))
		printf("# got: %s\n", err.msg);
}

static void test_record(const struct kt_schema *client)
{
	char *header[] = { "id", "phone", "legacy", "name", "created", "zeta" };
	char *fields[] = { "C0000001", "+74951234567", "old", "Ромашка", "2026-11-02T10:00:00Z", "z" };
	static const char *const names[] = { "id", "name", "inn", "phone", "created", "legacy", "zeta" };
	static const char *const values[] = {
		"C0000001", "Ромашка", "", "+74951234567", "2026-11-02T10:00:00Z", "old", "z",
	};
	struct kt_record *r = NULL;

	is_int(record_from_row(client, header, 6, fields, 6, &r), 0, "record_from_row");
	if (r) {
		ok(r->schema == client, "the record's schema");
		if (is_int((long long)r->n, 7, "id, three fields, created, two unknown columns"))
			for (size_t i = 0; i < 7; i++) {
				is_str(r->names[i], names[i], "column %zu is %s", i, names[i]);
				is_str(r->values[i], values[i], "value of %s", names[i]);
			}
		is_str(kt_record_get(r, "name"), "Ромашка", "get name");
		is_str(kt_record_get(r, "id"), "C0000001", "get id");
		is_str(kt_record_get(r, "created"), "2026-11-02T10:00:00Z", "get created");
		is_str(kt_record_get(r, "inn"), "", "get a column missing from the header");
		is_str(kt_record_get(r, "legacy"), "old", "get an unknown column");
		is_str(kt_record_get(r, "zeta"), "z", "get the last unknown column");
		is_str(kt_record_get(r, "nope"), NULL, "get a column that is nowhere");
		is_str(kt_record_get(r, "Name"), NULL, "get is case-sensitive");
		is_str(kt_record_get(r, ""), NULL, "get the empty name");
	}
	kt_record_free(r);
	r = NULL;

	/* A short row: the columns it lacks are "". */
	is_int(record_from_row(client, header, 6, fields, 3, &r), 0, "record_from_row: a short row");
	if (r && is_int((long long)r->n, 7, "a short row: every column")) {
		is_str(kt_record_get(r, "legacy"), "old", "a short row: a field it has");
		is_str(kt_record_get(r, "name"), "", "a short row: name is past its end");
		is_str(kt_record_get(r, "created"), "", "a short row: created is past its end");
		is_str(kt_record_get(r, "zeta"), "", "a short row: zeta is past its end");
	}
	kt_record_free(r);
	r = NULL;

	/* A canonical header: no unknown columns; a long row's extras go. */
	char *canon[] = { "id", "name", "inn", "phone", "created" };
	char *row[] = { "C0000009", "Н", "7736207543", "", "2026-11-09T00:00:00Z", "spare" };
	is_int(record_from_row(client, canon, 5, row, 6, &r), 0, "record_from_row: canonical");
	if (r && is_int((long long)r->n, 5, "canonical: five columns")) {
		is_str(r->names[4], "created", "canonical: created is last");
		is_str(kt_record_get(r, "inn"), "7736207543", "canonical: inn");
		is_str(kt_record_get(r, "phone"), "", "canonical: an empty field");
	}
	kt_record_free(r);
	r = NULL;

	/* No header at all: every column of the schema, all empty. */
	is_int(record_from_row(client, NULL, 0, NULL, 0, &r), 0, "record_from_row: nothing");
	if (r && is_int((long long)r->n, 5, "nothing: five columns")) {
		is_str(r->names[0], "id", "nothing: id first");
		is_str(r->values[0], "", "nothing: id empty");
		is_str(r->names[3], "phone", "nothing: phone");
	}
	kt_record_free(r);
	kt_record_free(NULL);
}

int main(void)
{
	struct kt_schema *client = schema(client_text, "schemas/client.schema");
	struct kt_schema *lead = schema(lead_text, "schemas/lead.schema");

	if (client && lead) {
		test_path(client, lead);
		test_split(client, lead);
		test_header(client, lead);
		test_record(client);
	}
	test_find();
	test_row_end();
	test_header_len();
	test_parse_range();
	test_rows(0);
	test_rows(1);
	test_rows(5);
	test_rows(64);
	test_bytes(0);
	test_bytes(3);
	test_bytes(64);
	kt_schema_free(client);
	kt_schema_free(lead);
	return done_testing();
}
