/*
 * intake.c - unit tests for lib/intake/intake.c and lib/intake/xlsxread.c: form posts,
 * JSON, CSV and XLSX in UTF-8 and Windows-1251 into rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kontora.h"
#include "tap.h"

/* Parses s (its strlen) as name.  Returns kt_intake_parse()'s status. */
static int parse(const char *s, const char *name, enum kt_intake_format fmt,
                 const char *enc, struct kt_intake **in, struct kt_error *err)
{
	memset(err, 0, sizeof *err);
	return kt_intake_parse(s, strlen(s), name, fmt, enc, in, err);
}

/* Returns field name of row i, or NULL. */
static const char *get(const struct kt_intake *in, size_t i, const char *name)
{
	return i < in->n ? kt_intake_get(&in->rows[i], name) : NULL;
}

static void test_form(void)
{
	struct kt_intake *in;
	struct kt_error err;

	is_int(parse("Name=%D0%98%D0%B2%D0%B0%D0%BD&Phone=%2B7+(999)+123-45-67&empty=&flag&tranid=5489108%3A4802756061",
	             NULL, KT_INTAKE_FORM, "auto", &in, &err), 0, "form: parsed");
	is_int((long long)in->n, 1, "form: one row");
	is_str(get(in, 0, "Name"), "Иван", "form: percent-encoded UTF-8");
	is_str(get(in, 0, "Phone"), "+7 (999) 123-45-67", "form: + is a space, %%2B a plus");
	is_str(get(in, 0, "empty"), "", "form: empty value");
	is_str(get(in, 0, "flag"), "", "form: a name without =");
	is_str(get(in, 0, "tranid"), "5489108:4802756061", "form: tranid");
	is_str(in->encoding, "utf-8", "form: UTF-8 found");
	ok(in->rows[0].error == NULL, "form: the row is good");
	kt_intake_free(in);

	/* "Иван" in Windows-1251, percent-encoded, as an old PHP site posts it. */
	is_int(parse("Name=%C8%E2%E0%ED&Comment=%E3%E5%EB%FC", NULL, KT_INTAKE_AUTO, NULL, &in, &err), 0,
	       "form cp1251: parsed, format sniffed");
	is_int(in->format, KT_INTAKE_FORM, "form cp1251: sniffed as a form");
	is_str(in->encoding, "cp1251", "form cp1251: Windows-1251 found");
	is_str(get(in, 0, "Name"), "Иван", "form cp1251: decoded");
	is_str(get(in, 0, "Comment"), "гель", "form cp1251: second field");
	kt_intake_free(in);

	is_int(parse("Name=%C8%E2%E0%ED", NULL, KT_INTAKE_FORM, "utf-8", &in, &err), 0,
	       "form forced utf-8: parsed");
	ok(in->rows[0].error && strstr(in->rows[0].error, "Name: not valid utf-8 (byte 1)"),
	   "form forced utf-8: the row is rejected naming the field (%s)", in->rows[0].error);
	kt_intake_free(in);

	is_int(parse("a=%zz%4&b=100%", NULL, KT_INTAKE_FORM, NULL, &in, &err), 0, "form: bad escapes");
	is_str(get(in, 0, "a"), "%zz%4", "form: a bad escape is kept as it is");
	is_str(get(in, 0, "b"), "100%", "form: a trailing %% is kept");
	kt_intake_free(in);

	is_int(parse("a=%00b", NULL, KT_INTAKE_FORM, NULL, &in, &err), 0, "form: a NUL byte");
	ok(in->rows[0].error != NULL, "form: a NUL byte rejects the row");
	kt_intake_free(in);
	/* The first byte that is no character is named, as in Windows-1251 below. */
	is_int(parse("Name=%D0%98%00%FF&x=1", NULL, KT_INTAKE_FORM, "utf-8", &in, &err), 0,
	       "form utf-8 with a NUL before a bad byte: parsed");
	ok(in->rows[0].error && strstr(in->rows[0].error, "Name: not valid utf-8 (byte 3)"),
	   "form utf-8 with a NUL before a bad byte: the NUL named (%s)", in->rows[0].error);
	kt_intake_free(in);
	is_int(parse("Name=%D0%98%FF%00&x=1", NULL, KT_INTAKE_FORM, "utf-8", &in, &err), 0,
	       "form utf-8 with a bad byte before a NUL: parsed");
	ok(in->rows[0].error && strstr(in->rows[0].error, "Name: not valid utf-8 (byte 3)"),
	   "form utf-8 with a bad byte before a NUL: the bad byte named (%s)", in->rows[0].error);
	kt_intake_free(in);

	/* 0x98 is no character of Windows-1251; a NUL none of any text. */
	is_int(parse("Name=%C8%E2%98%ED&Comment=%E3%E5%EB%FC", NULL, KT_INTAKE_FORM, "cp1251", &in, &err), 0,
	       "form cp1251 with 0x98: parsed");
	ok(in->rows[0].error && strstr(in->rows[0].error, "Name: not valid cp1251 (byte 3)"),
	   "form cp1251 with 0x98: the row is rejected naming the field and byte (%s)", in->rows[0].error);
	kt_intake_free(in);
	is_int(parse("Name=%C8%00%98&Comment=x", NULL, KT_INTAKE_FORM, "cp1251", &in, &err), 0,
	       "form cp1251 with a NUL: parsed");
	ok(in->rows[0].error && strstr(in->rows[0].error, "Name: not valid cp1251 (byte 2)"),
	   "form cp1251 with a NUL before 0x98: the NUL named (%s)", in->rows[0].error);
	kt_intake_free(in);
	is_int(parse("Name=%C8%E2%E0%ED%00", NULL, KT_INTAKE_FORM, "cp1251", &in, &err), 0,
	       "form cp1251 ending in a NUL: parsed");
	ok(in->rows[0].error && strstr(in->rows[0].error, "Name: not valid cp1251 (byte 5)"),
	   "form cp1251 ending in a NUL: rejected at it (%s)", in->rows[0].error);
	kt_intake_free(in);
	is_int(parse("Name=%C0%FF%A8%B8%B9%96", NULL, KT_INTAKE_FORM, "cp1251", &in, &err), 0,
	       "form cp1251, the edges of the table: parsed");
	is_str(get(in, 0, "Name"), "АяЁё№–", "form cp1251: А я Ё ё № and an en dash decoded");
	kt_intake_free(in);
}

static void test_json(void)
{
	struct kt_intake *in;
	struct kt_error err;
	const char *tilda =
		"{\"Name\": \"\\u0418\\u0432\\u0430\\u043d\",\n"
		" \"Phone\": \"+7 (999) 123-45-67\", \"Email\": \"Ivan@Example.ru\",\n"
		" \"formid\": \"form1\", \"tranid\": \"5489108:4802756061\", \"sum\": 1500.5,\n"
		" \"payment\": {\"amount\": \"1500\", \"products\": [\"Гель 5 л\", \"Порошок\"]},\n"
		" \"ok\": true, \"none\": null, \"emoji\": \"\\ud83d\\ude00\"}";

	is_int(parse(tilda, NULL, KT_INTAKE_AUTO, NULL, &in, &err), 0, "json: parsed (%s)", err.msg);
	is_int(in->format, KT_INTAKE_JSON, "json: sniffed");
	is_int((long long)in->n, 1, "json: one object, one row");
	is_str(get(in, 0, "Name"), "Иван", "json: \\u escapes");
	is_str(get(in, 0, "sum"), "1500.5", "json: a number as written");
	is_str(get(in, 0, "payment.amount"), "1500", "json: nested object flattened");
	is_str(get(in, 0, "payment.products.1"), "Порошок", "json: array elements by index");
	is_str(get(in, 0, "ok"), "true", "json: true");
	is_str(get(in, 0, "none"), "", "json: null is empty");
	is_str(get(in, 0, "emoji"), "\xF0\x9F\x98\x80", "json: a surrogate pair");
	kt_intake_free(in);

	is_int(parse("[{\"a\": \"1\"},\n {\"a\": \"2\"},\n\n {\"a\": \"3\"}]", "x.json", KT_INTAKE_AUTO, NULL, &in, &err), 0,
	       "json array: parsed");
	is_int((long long)in->n, 3, "json array: three rows");
	is_int(in->rows[2].line, 4, "json array: the line of the third object");
	is_str(get(in, 2, "a"), "3", "json array: value");
	kt_intake_free(in);

	is_int(parse("[{\"a\": \"1\"},\n {\"a\": \"2\"", "leads.json", KT_INTAKE_JSON, NULL, &in, &err), KT_EINVAL,
	       "json truncated: an error");
	is_str(err.msg, "leads.json:2:10: malformed JSON: it ends too early",
	       "json truncated: names file, line and column");
	ok(in == NULL, "json truncated: no result");
	is_int(parse("{\"a\": \"1\",\n \"b\" 2}", "p.json", KT_INTAKE_JSON, NULL, &in, &err), KT_EINVAL,
	       "json missing colon: an error");
	is_str(err.msg, "p.json:2:6: malformed JSON: ':' expected near '2'", "json missing colon: message");
	is_int(parse("{\"a\": \"x\\q\"}", "p.json", KT_INTAKE_JSON, NULL, &in, &err), KT_EINVAL,
	       "json bad escape: an error");
	is_int(parse("{\"a\": 1} {", "p.json", KT_INTAKE_JSON, NULL, &in, &err), KT_EINVAL,
	       "json text after the end: an error");
	is_int(parse("\"just a string\"", "p.json", KT_INTAKE_JSON, NULL, &in, &err), KT_EINVAL,
	       "json not an object: an error");
	is_str(err.msg, "p.json:1:1: malformed JSON: expected an object", "json not an object: message");

	/* JSON is UTF-8; old sites send Windows-1251, read whole. */
	is_int(parse("{\"\xC8\xEC\xFF\": \"\xCF\xE5\xF2\xF0\"}", "w.json", KT_INTAKE_JSON, "cp1251", &in, &err),
	       0, "json cp1251: parsed (%s)", err.msg);
	is_str(get(in, 0, "Имя"), "Петр", "json cp1251: names and values made UTF-8");
	kt_intake_free(in);
	is_int(parse("[{\"a\": \"ok\"},\n {\"a\": \"\xFF\"}]", "u.json", KT_INTAKE_JSON, "utf-8", &in, &err),
	       KT_EINVAL, "json bad UTF-8: an error");
	ok(!strncmp(err.msg, "u.json:2:8: malformed JSON: ", 28), "json bad UTF-8: names line and column (%s)",
	   err.msg);
}

static void test_csv(void)
{
	struct kt_intake *in;
	struct kt_error err;

	/* Excel's "CSV (разделители - точки с запятой)": BOM, ';', CRLF. */
	is_int(parse("\xEF\xBB\xBFИмя;Телефон;Комментарий\r\nИван;8 999 123-45-67;\"гель; 5 л\"\r\n;;\r\nОльга;+74951234567;\r\n",
	             "leads.csv", KT_INTAKE_AUTO, NULL, &in, &err), 0, "csv semicolons: parsed (%s)", err.msg);
	is_int((long long)in->n, 2, "csv semicolons: the empty row skipped");
	is_str(get(in, 0, "Имя"), "Иван", "csv semicolons: the BOM is not part of the first name");
	is_str(get(in, 0, "Комментарий"), "гель; 5 л", "csv semicolons: quoted delimiter");
	is_int(in->rows[1].line, 4, "csv semicolons: line numbers count the skipped row");
	kt_intake_free(in);

	is_int(parse("name,phone\nИван,1\n", "a.csv", KT_INTAKE_CSV, NULL, &in, &err), 0, "csv commas: parsed");
	is_str(get(in, 0, "phone"), "1", "csv commas: value");
	kt_intake_free(in);

	is_int(parse("name\tphone\nИван\t1\n", "a.tsv", KT_INTAKE_AUTO, NULL, &in, &err), 0, "csv tabs: parsed");
	is_str(get(in, 0, "phone"), "1", "csv tabs: value");
	kt_intake_free(in);

	/* Windows-1251: "Имя;Телефон" / "Петр;89991234567". */
	is_int(parse("\xC8\xEC\xFF;\xD2\xE5\xEB\xE5\xF4\xEE\xED\n\xCF\xE5\xF2\xF0;89991234567\n", "win.csv",
	             KT_INTAKE_AUTO, "auto", &in, &err), 0, "csv cp1251: parsed");
	is_str(in->encoding, "cp1251", "csv cp1251: found");
	is_str(get(in, 0, "Имя"), "Петр", "csv cp1251: decoded header and value");
	is_str(get(in, 0, "Телефон"), "89991234567", "csv cp1251: second column");
	kt_intake_free(in);

	/* Mostly UTF-8, one row with a stray Windows-1251 byte: UTF-8, that row rejected. */
	is_int(parse("name,comment\nИван,гель\nПетр,\xE3\xE5\xEB\nОльга,порошок\n", "mixed.csv",
	             KT_INTAKE_AUTO, NULL, &in, &err), 0, "csv mixed: parsed");
	is_str(in->encoding, "utf-8", "csv mixed: UTF-8 wins");
	ok(in->rows[0].error == NULL && in->rows[2].error == NULL, "csv mixed: good rows are good");
	is_str(in->rows[1].error, "comment: not valid utf-8 (byte 1)", "csv mixed: the bad row names the field");
	is_int(in->rows[1].line, 3, "csv mixed: and its line");
	kt_intake_free(in);

	is_int(parse("name,phone\nИван,1,extra\n", "a.csv", KT_INTAKE_CSV, NULL, &in, &err), 0, "csv extra cell: parsed");
	is_str(in->rows[0].error, "more cells than the header has columns", "csv extra cell: rejected");
	kt_intake_free(in);

	is_int(parse("name,phone\n\"Иван,1\nПетр,2\n", "broken.csv", KT_INTAKE_CSV, NULL, &in, &err), KT_ECSV,
	       "csv unterminated quote: an error");
	ok(strstr(err.msg, "broken.csv:") && strstr(err.msg, "opened on line 2"),
	   "csv unterminated quote: names the line (%s)", err.msg);

	is_int(parse("a,b\n1,2\n", "a.csv", KT_INTAKE_CSV, "koi8-r", &in, &err), KT_EINVAL, "unknown encoding: an error");
	is_str(err.msg, "--encoding koi8-r: not auto, utf-8 or cp1251", "unknown encoding: message");
}

/* Reads the file path into *len bytes (caller frees), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	if ((buf = malloc(*len + 1)) && fread(buf, 1, *len, f) != *len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void test_xlsx_openpyxl(void)
{
	struct kt_intake *in;
	struct kt_error err = { 0 };
	size_t len;
	char *data = slurp("tests/fixtures/leads/export.xlsx", &len);

	if (!ok(data != NULL, "xlsx: the fixture tests/fixtures/leads/export.xlsx"))
		return;
	is_int(kt_intake_parse(data, len, "leads.xlsx", KT_INTAKE_AUTO, NULL, &in, &err), 0,
	       "xlsx (openpyxl, inline strings): parsed (%s)", err.msg);
	is_int((long long)in->n, 3, "xlsx: three rows, the empty one skipped");
	is_str(get(in, 0, "Имя"), "Иван Петров", "xlsx: text");
	is_str(get(in, 0, "Телефон"), "79991234567", "xlsx: a phone saved as a number");
	is_str(get(in, 0, "Дата"), "2026-11-20", "xlsx: a date");
	is_str(get(in, 1, "Дата"), "2026-11-21T14:30:00", "xlsx: a date and time");
	is_str(get(in, 1, "Комментарий"), "Тест \"кавычек\"; и точки с запятой", "xlsx: quotes kept");
	is_int(in->rows[1].line, 4, "xlsx: the row's number in the sheet");
	is_str(get(in, 2, "Имя"), "Ёжиков Пётр", "xlsx: the first sheet, not the second");
	kt_intake_free(in);

	is_int(kt_intake_parse(data, len / 2, "cut.xlsx", KT_INTAKE_XLSX, NULL, &in, &err), KT_EINVAL,
	       "xlsx truncated: an error");
	ok(strstr(err.msg, "cut.xlsx: not an XLSX file (") != NULL, "xlsx truncated: says so (%s)", err.msg);
	is_int(kt_intake_parse("PK\3\4garbage", 11, "bad.xlsx", KT_INTAKE_AUTO, NULL, &in, &err), KT_EINVAL,
	       "xlsx garbage: an error");
	free(data);
}

static void test_xlsx_shared_strings(void)
{
	struct kt_column cols[] = { { "name", KT_TEXT, "Имя" }, { "amount", KT_MONEY, "Сумма" } };
	char *row1[] = { "Ромашка", "1234.50" }, *row2[] = { "Ёлка", "10.00" };
	char path[] = "/tmp/kontora-intake-XXXXXX.xlsx";
	struct kt_xlsx *x;
	struct kt_intake *in;
	struct kt_error err = { 0 };
	size_t len;
	int fd = mkstemps(path, 5);

	if (fd >= 0)
		close(fd);
	if (!ok(fd >= 0 && kt_xlsx_open(path, "Лист", &x, &err) == 0, "xlsx (libxlsxwriter): written"))
		return;
	kt_xlsx_row(x, 2, cols, NULL);
	kt_xlsx_row(x, 2, cols, row1);
	kt_xlsx_row(x, 2, cols, row2);
	kt_xlsx_close(x, &err);
	char *data = slurp(path, &len);
	unlink(path);
	is_int(data ? kt_intake_parse(data, len, "k.xlsx", KT_INTAKE_AUTO, NULL, &in, &err) : -1, 0,
	       "xlsx shared strings: parsed (%s)", err.msg);
	if (data) {
		is_str(get(in, 0, "Имя"), "Ромашка", "xlsx shared strings: text");
		is_str(get(in, 0, "Сумма"), "1234.5", "xlsx shared strings: a number");
		is_str(get(in, 1, "Имя"), "Ёлка", "xlsx shared strings: second row");
		kt_intake_free(in);
	}
	free(data);
}

int main(void)
{
	test_form();
	test_json();
	test_csv();
	test_xlsx_openpyxl();
	test_xlsx_shared_strings();
	return done_testing();
}
