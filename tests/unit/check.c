/*
 * check.c - unit tests for lib/books/check.c: check_worktree(), which is
 * kt_check(), on books written into a temporary directory.  It reads only
 * the worktree and the books' schemas, so the books are built by hand
 * here, without git.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "books/books.h"
#include "tap.h"

static const char client_schema[] =
	"type client\nprefix C\ntitle name\n"
	"field name text required\n"
	"field inn inn unique\n"
	"field phone phone\n"
	"field city dict:city\n"
	"field manager ref:employee\n";

static const char employee_schema[] =
	"type employee\nprefix E\nkey login\ntitle name\n"
	"field login text required unique\n"
	"field name text required\n";

static const char lead_schema[] =
	"type lead\nprefix L\ntitle title\n"
	"field title text\n"
	"field client ref:client\n"
	"field amount money\n";

/* A type split by id, as lead and activity are in the default schemas. */
static const char visit_schema[] =
	"type visit\nprefix V\ntitle title\nsplit id\n"
	"field title text\n"
	"field client ref:client\n";

static const char city_dict[] = "id,name\nmoscow,Москва\nspb,Санкт-Петербург\n";

static const char employee_shard[] =
	"id,login,name,created\n"
	"E0000001,anna,Анна,2026-11-01T10:00:00Z\n";

static const char client_shard[] =
	"id,name,inn,phone,city,manager,created\n"
	"C0000001,Ромашка,7707083893,+74951234567,moscow,anna,2026-11-02T10:00:00Z\n"
	"C0000002,\"Лютик, ООО\",7736207543,,spb,,2026-11-03T10:00:00Z\n";

static const char lead_shard[] =
	"id,title,client,amount,created\n"
	"L0000001,Заявка,C0000001,1234.50,2026-11-04T10:00:00Z\n";

static const char visit_shard_v0[] =
	"id,title,client,created\n"
	"V0000001,Первый,C0000001,2026-11-05T10:00:00Z\n"
	"V0ZZZZZZ,Второй,,2026-11-06T10:00:00Z\n";

static const char visit_shard_v1[] =
	"id,title,client,created\n"
	"V1000001,Третий,C0000002,2026-11-07T10:00:00Z\n";

static const char visit_shard_oct[] =
	"id,title,client,created\n"
	"VZ000001,Октябрьский,,2026-10-31T23:59:59Z\n";

static char root[] = "/tmp/kontora-check-XXXXXX";

/* Returns root/rel in a static buffer. */
static const char *at(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	return path;
}

/* Writes text to root/rel, making its directories.  Returns 0 or -1. */
static int put(const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *slash = path + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(path, 0777);
		*slash = '/';
	}
	if (!(f = fopen(path, "w")))
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Writes a fresh, valid set of books. */
static void write_books(void)
{
	put("schemas/client.schema", client_schema);
	put("schemas/employee.schema", employee_schema);
	put("schemas/lead.schema", lead_schema);
	put("schemas/visit.schema", visit_schema);
	put("dicts/city.csv", city_dict);
	mkdir(at("data"), 0777);
	put("data/employee/2026-11.csv", employee_shard);
	put("data/client/2026-11.csv", client_shard);
	put("data/lead/2026-11.csv", lead_shard);
	put("data/visit/2026-10/VZ.csv", visit_shard_oct);
	put("data/visit/2026-11/V0.csv", visit_shard_v0);
	put("data/visit/2026-11/V1.csv", visit_shard_v1);
}

/* Collects problems as "file:line: field: message" lines. */
static void collect(void *arg, const char *file, long line, const char *field,
                    const char *message)
{
	struct kt_buf *out = arg;

	kt_buf_addf(out, "%s:%ld: ", file, line);
	if (field)
		kt_buf_addf(out, "%s: ", field);
	kt_buf_addf(out, "%s\n", message);
}

/* Parses a schema text into b's types. */
static void add_type(struct types *types, const char *text, const char *name)
{
	struct kt_schema *s;
	struct kt_error err;

	if (kt_schema_parse(text, strlen(text), name, &s, &err)) {
		printf("# %s\n", err.msg);
		exit(1);
	}
	if (types_add(types, s, &err)) {
		printf("# %s\n", err.msg);
		exit(1);
	}
}

/* Runs kt_check() on the books; returns its problems as text (caller
 * frees) and the count in *n. */
static char *run(struct types *types, int *n)
{
	struct kt_buf out = { 0 };
	struct kt_error err = { 0 };

	*n = check_worktree(root, types, collect, &out, NULL, NULL, &err);
	return kt_buf_detach(&out);
}

/* Replaces the shard rel with text, runs the check, compares its output
 * with expected, and restores the books. */
static void expect(struct types *types, const char *rel, const char *text,
                   const char *expected, const char *name)
{
	int n, lines = 0;
	char *got;

	put(rel, text);
	got = run(types, &n);
	for (const char *p = expected; *p; p++)
		lines += *p == '\n';
	is_str(got, expected, "%s", name);
	is_int(n, lines, "%s: count", name);
	free(got);
	write_books();
}

static void test_clean(struct types *types)
{
	int n;
	char *got = run(types, &n);

	is_str(got, "", "valid books: no problems");
	is_int(n, 0, "valid books: count 0");
	free(got);
}

static void test_bytes(struct types *types)
{
	expect(types, "data/lead/2026-11.csv",
	       "\xEF\xBB\xBFid,title,client,amount,created\r\n"
	       "L0000001,Заявка,C0000001,1234.50,2026-11-04T10:00:00Z",
	       "data/lead/2026-11.csv:1: starts with a byte order mark\n"
	       "data/lead/2026-11.csv:1: CRLF line endings\n"
	       "data/lead/2026-11.csv:2: no newline at the end of the file\n",
	       "BOM, CRLF, no final newline");
	expect(types, "data/lead/2026-11.csv",
	       "id,title,client,amount,created\n"
	       "L0000001,\"Заявка\"x,C0000001,1234.50,2026-11-04T10:00:00Z\n",
	       "data/lead/2026-11.csv:2: malformed CSV: unexpected character after a closing quote\n",
	       "malformed CSV");
	expect(types, "data/client/2026-11.csv",
	       "id,name,inn,phone,city,manager,created\n"
	       "C0000001,\"Ромашка\",\"7707083893,+74951234567,moscow,anna,2026-11-02T10:00:00Z\n",
	       "data/client/2026-11.csv:2: malformed CSV: unterminated quoted field (opened on line 2)\n",
	       "references to a type with an unreadable shard are not verified");
	expect(types, "data/lead/2026-11.csv",
	       "id,title,client,amount,created\n"
	       "L0000001,Зая\377вка,C0000001,1234.50,2026-11-04T10:00:00Z,x\n",
	       "data/lead/2026-11.csv:2: 6 fields, the header has 5\n"
	       "data/lead/2026-11.csv:2: title: invalid UTF-8 at byte 7\n",
	       "invalid UTF-8, too many fields");
}

static void test_header(struct types *types)
{
	expect(types, "data/lead/2026-11.csv",
	       "id,title,title,amount\n"
	       "L0000001,Заявка,x,1234.50\n",
	       "data/lead/2026-11.csv:1: duplicate column \"title\"\n"
	       "data/lead/2026-11.csv:1: the header has no \"created\" column\n",
	       "duplicate column, no created");
	expect(types, "data/lead/2026-11.csv", "",
	       "data/lead/2026-11.csv:0: empty file: a shard has at least its header\n",
	       "empty shard");
	expect(types, "data/lead/2026-1.csv", "id,created\n",
	       "data/lead/2026-1.csv:0: not a shard (data/lead/YYYY-MM.csv)\n",
	       "bad shard name");
	unlink(at("data/lead/2026-1.csv"));
	expect(types, "data/deal/2026-11.csv", "id,created\n",
	       "data/deal:0: no schema for type deal\n",
	       "no schema");
	unlink(at("data/deal/2026-11.csv"));
	rmdir(at("data/deal"));
}

static void test_rows(struct types *types)
{
	expect(types, "data/lead/2026-11.csv",
	       "id,title,client,amount,created,extra\n"
	       "L0000002,,C0000001,\"1 234,5\",2026-11-04T10:00:00Z,whatever\n"
	       "L0000001,Заявка,C9999999,12x,2026-10-04T10:00:00Z,\n"
	       "L0000001,Заявка,,,2026-11-04,\n"
	       "X1,,,,2026-11-04T10:00:00Z,\n",
	       "data/lead/2026-11.csv:2: amount: \"1 234,5\" should be written 1234.50\n"
	       "data/lead/2026-11.csv:3: id: out of order: L0000001 comes after L0000002 (rows are sorted by id)\n"
	       "data/lead/2026-11.csv:3: created: \"2026-10-04T10:00:00Z\" does not belong in data/lead/2026-11.csv\n"
	       "data/lead/2026-11.csv:3: amount: \"12x\" is not a valid money\n"
	       "data/lead/2026-11.csv:4: id: duplicate of line 3 in data/lead/2026-11.csv\n"
	       "data/lead/2026-11.csv:4: created: \"2026-11-04\" is not a time (YYYY-MM-DDTHH:MM:SSZ)\n"
	       "data/lead/2026-11.csv:5: id: \"X1\" is not an id of type lead\n"
	       "data/lead/2026-11.csv:3: client: no client C9999999\n",
	       "rows: form, order, ids, created, references last");
	expect(types, "data/client/2026-11.csv",
	       "id,name,inn,phone,city,manager,created\n"
	       "C0000001,,7707083894,8 495 123-45-67,nova,nobody,2026-11-02T10:00:00Z\n"
	       "C0000002,Лютик,7736207543,,spb,,2026-11-03T10:00:00Z\n"
	       "C0000003,Лютик2,7736207543,,,anna,2026-11-03T10:00:00Z\n",
	       "data/client/2026-11.csv:2: name: required\n"
	       "data/client/2026-11.csv:2: inn: invalid checksum \"7707083894\"\n"
	       "data/client/2026-11.csv:2: phone: \"8 495 123-45-67\" should be written +74951234567\n"
	       "data/client/2026-11.csv:2: city: \"nova\" is not in dicts/city.csv\n"
	       "data/client/2026-11.csv:4: inn: duplicate of C0000002 (data/client/2026-11.csv:3)\n"
	       "data/client/2026-11.csv:2: manager: no employee nobody\n",
	       "fields: required, invalid, stored form, dictionary, unique, key ref");
}

static void test_split(struct types *types)
{
	expect(types, "data/visit/2026-11/V1.csv",
	       "id,title,client,created\n"
	       "V0000002,Не тот файл,C0000001,2026-11-05T10:00:00Z\n"
	       "V1000001,Третий,C0000003,2026-10-07T10:00:00Z\n"
	       "V1000001,Дубль,,2026-11-07T10:00:00Z\n",
	       "data/visit/2026-11/V1.csv:2: id: \"V0000002\" does not belong in data/visit/2026-11/V1.csv\n"
	       "data/visit/2026-11/V1.csv:3: created: \"2026-10-07T10:00:00Z\" does not belong in data/visit/2026-11/V1.csv\n"
	       "data/visit/2026-11/V1.csv:4: id: duplicate of line 3 in data/visit/2026-11/V1.csv\n"
	       "data/visit/2026-11/V1.csv:3: client: no client C0000003\n",
	       "split: ids by their first two characters, created by the month directory");
	expect(types, "data/visit/2026-11/V0.csv",
	       "id,title,client,created\n"
	       "V0ZZZZZZ,Второй,,2026-11-06T10:00:00Z\n"
	       "V0000001,Первый,C0000001,2026-11-05T10:00:00Z\n"
	       "V1000001,Третий,,2026-11-07T10:00:00Z\n",
	       "data/visit/2026-11/V0.csv:3: id: out of order: V0000001 comes after V0ZZZZZZ (rows are sorted by id)\n"
	       "data/visit/2026-11/V0.csv:4: id: \"V1000001\" does not belong in data/visit/2026-11/V0.csv\n"
	       "data/visit/2026-11/V1.csv:2: id: duplicate of line 4 in data/visit/2026-11/V0.csv\n",
	       "split: order within a file, duplicates across files");

	/* Whatever is not a month directory of XY.csv files is not a shard. */
	put("data/visit/2026-11/V1.txt", "id,created\n");
	put("data/visit/2026-11/VI.csv", "id,created\n");
	put("data/visit/2026-11/X1.csv", "id,created\n");
	put("data/visit/2026-11/V.csv", "id,created\n");
	put("data/visit/2026-11/v2.csv", "id,created\n");
	put("data/visit/2026-11/V2.csv/V2.csv", "id,created\n");
	put("data/visit/2026-13/V2.csv", "id,created\n");
	/* A plain type's month directory (a month file split past 2 MiB)
	 * holds files of the type's letter and one more character. */
	put("data/lead/2026-12/L0.csv", "id,created\n");
	put("data/lead/2026-12/X0.csv", "id,created\n");
	put("data/lead/2026-12/L0/L0A.csv", "id,created\n");
	expect(types, "data/visit/2026-11.csv", "id,title,client,created\n",
	       "data/lead/2026-12/L0.csv:0: both a shard and the directory data/lead/2026-12/L0 it was split into: move its rows into the directory's shards\n"
	       "data/lead/2026-12/X0.csv:0: not a shard (data/lead/YYYY-MM.csv)\n"
	       "data/visit/2026-11/V.csv:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-11/V1.txt:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-11/V2.csv:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-11/VI.csv:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-11/X1.csv:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-11/v2.csv:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-11.csv:0: not a shard (data/visit/YYYY-MM/V?.csv)\n"
	       "data/visit/2026-13:0: not a shard (data/visit/YYYY-MM/V?.csv)\n",
	       "split: month directories of XY.csv only, a prefix not both a file and a directory");
	unlink(at("data/visit/2026-11/V1.txt"));
	unlink(at("data/visit/2026-11/VI.csv"));
	unlink(at("data/visit/2026-11/X1.csv"));
	unlink(at("data/visit/2026-11/V.csv"));
	unlink(at("data/visit/2026-11/v2.csv"));
	unlink(at("data/visit/2026-11/V2.csv/V2.csv"));
	rmdir(at("data/visit/2026-11/V2.csv"));
	unlink(at("data/visit/2026-13/V2.csv"));
	rmdir(at("data/visit/2026-13"));
	unlink(at("data/visit/2026-11.csv"));
	unlink(at("data/lead/2026-12/L0.csv"));
	unlink(at("data/lead/2026-12/X0.csv"));
	unlink(at("data/lead/2026-12/L0/L0A.csv"));
	rmdir(at("data/lead/2026-12/L0"));
	rmdir(at("data/lead/2026-12"));
	test_clean(types);
}

static void test_schemas_dicts(struct types *types)
{
	expect(types, "schemas/zz.schema", "type zz\nprefix Z\nfield a nosuch\n",
	       "schemas/zz.schema:3: a: unknown type \"nosuch\"\n",
	       "a broken schema in the worktree");
	expect(types, "schemas/zz.schema", "type yy\nprefix C\n",
	       "schemas/zz.schema:0: prefix C is also used by schemas/client.schema\n",
	       "a schema repeating a prefix");
	unlink(at("schemas/zz.schema"));
	expect(types, "dicts/city.csv", "id,name\nmoscow,Москва\nspb,Питер\nmoscow,Мск\n",
	       "dicts/city.csv:4: id: duplicate \"moscow\" (also on line 2)\n",
	       "a duplicate dictionary id");
	expect(types, "dicts/city.csv", "code,name\nmoscow,Москва\n",
	       "dicts/city.csv:1: the header must be id,name\n",
	       "a broken dictionary is reported once");
}

int main(void)
{
	struct types types = { 0 };

	if (!mkdtemp(root))
		return 1;
	add_type(&types, client_schema, "schemas/client.schema");
	add_type(&types, employee_schema, "schemas/employee.schema");
	add_type(&types, lead_schema, "schemas/lead.schema");
	add_type(&types, visit_schema, "schemas/visit.schema");
	write_books();
	test_clean(&types);
	test_bytes(&types);
	test_header(&types);
	test_rows(&types);
	test_split(&types);
	test_schemas_dicts(&types);
	types_free(&types);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd))
		return 1;
	return done_testing();
}
