/*
 * dict.c - unit tests for lib/model/dict.c: dictionaries (dicts/NAME.csv with
 * columns id,name) and looking entries up by id or by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "tap.h"

#define FILE_NAME "dicts/city.csv"

static const char city[] =
	"id,name\n"
	"moscow,Москва\n"
	"spb,\"Санкт-Петербург\"\n"
	"elki,Елки\n"
	"yolkino,Ёлкино\n"
	"nn,\"Нижний Новгород, НН\"\n";

/* Parses text into *d (zeroed first) as FILE_NAME.  Returns dict_parse()'s
 * status, with err as it leaves it. */
static int parse(const char *text, struct dict *d, struct kt_error *err)
{
	memset(d, 0, sizeof *d);
	memset(err, 0, sizeof *err);
	return dict_parse(text, strlen(text), FILE_NAME, d, err);
}

static void test_parse(void)
{
	struct dict d;
	struct kt_error err;

	if (!is_int(parse(city, &d, &err), 0, "a good dictionary parses"))
		printf("# %s\n", err.msg);
	if (is_int((long long)d.n, 5, "five entries")) {
		is_str(d.ids[0], "moscow", "the first id");
		is_str(d.names[0], "Москва", "the first name");
		is_str(d.ids[1], "spb", "a quoted name's id");
		is_str(d.names[1], "Санкт-Петербург", "a quoted name");
		is_str(d.names[4], "Нижний Новгород, НН", "a name with a comma");
		is_str(d.ids[4], "nn", "the last id");
	}
	d.name = strdup("city");
	dict_free(&d);
	ok(d.n == 0 && !d.ids && !d.names && !d.name, "dict_free empties the dictionary");
	dict_free(&d);

	is_int(parse("id,name,comment\nkg,кг,килограмм\nt,т\n", &d, &err), 0,
	       "extra columns and a short row of two");
	if (is_int((long long)d.n, 2, "two entries"))
		is_str(d.names[1], "т", "the short row's name");
	dict_free(&d);

	is_int(parse("id,name\n", &d, &err), 0, "only a header");
	is_int((long long)d.n, 0, "no entries");
	dict_free(&d);

	is_int(parse("id,name\nmoscow,Москва", &d, &err), 0, "no newline at the end");
	if (is_int((long long)d.n, 1, "the last row counts"))
		is_str(d.names[0], "Москва", "its name");
	dict_free(&d);

	is_int(parse("id,name\nx,\n", &d, &err), 0, "an empty name is allowed");
	if (is_int((long long)d.n, 1, "one entry"))
		is_str(d.names[0], "", "the empty name");
	dict_free(&d);
}

/* Parses text, which must fail with code and message msg. */
static void bad(const char *text, int code, const char *msg, const char *name)
{
	struct dict d;
	struct kt_error err;

	is_int(parse(text, &d, &err), code, "%s: fails", name);
	is_int(err.code, code, "%s: the code", name);
	is_str(err.msg, msg, "%s: the message", name);
	dict_free(&d);
}

static void test_errors(void)
{
	struct dict d;
	struct kt_error err;

	bad("code,name\nmoscow,Москва\n", KT_EINVAL, FILE_NAME ":1: the header must be id,name",
	    "header code,name");
	bad("name,id\nМосква,moscow\n", KT_EINVAL, FILE_NAME ":1: the header must be id,name",
	    "header name,id");
	bad("id\nmoscow\n", KT_EINVAL, FILE_NAME ":1: the header must be id,name", "header id");
	bad("ID,Name\nmoscow,Москва\n", KT_EINVAL, FILE_NAME ":1: the header must be id,name",
	    "header in capitals");
	bad("", KT_EINVAL, FILE_NAME ":1: the header must be id,name", "an empty file");
	bad("id,name\nmoscow,Москва\n,Казань\n", KT_EINVAL, FILE_NAME ":3: id: empty",
	    "an empty id on line 3");
	bad("id,name\nmoscow,\"Москва,\nстолица\"\nspb,Питер\n\"\",Казань\n", KT_EINVAL,
	    FILE_NAME ":5: id: empty", "an empty quoted id after a multi-line name");
	bad("id,name\nmoscow,Мос\"ква\n", KT_ECSV,
	    FILE_NAME ":2: malformed CSV: quote inside an unquoted field", "malformed CSV");

	/* A row of one field fails on its line, but is said to have an empty
	 * id when its id is there and its name is missing. */
	is_int(parse("id,name\nmoscow,Москва\nkazan\n", &d, &err), KT_EINVAL,
	       "a row without a name fails");
	ok(!strncmp(err.msg, FILE_NAME ":3: ", strlen(FILE_NAME ":3: ")),
	   "a row without a name: the message names file:3");
	if (!ok(strstr(err.msg, "id: empty") == NULL,
	          "a row without a name is not reported as an empty id"))
		printf("# got: %s\n", err.msg);
	dict_free(&d);

	is_int(dict_parse("id,name\n,x\n", 11, FILE_NAME, &d, NULL), KT_EINVAL, "err may be NULL");
	dict_free(&d);
}

/* Looks value up in d, which must give expected (an id or NULL). */
static void lookup(const struct dict *d, const char *value, const char *expected)
{
	is_str(dict_lookup(d, value), expected, "lookup \"%s\" gives %s", value,
	       expected ? expected : "nothing");
}

static void test_lookup(void)
{
	struct dict d;
	struct kt_error err;

	if (!is_int(parse(city, &d, &err), 0, "the dictionary for lookups"))
		return;
	ok(dict_lookup(&d, "moscow") == d.ids[0], "lookup returns the dictionary's own id");
	lookup(&d, "moscow", "moscow");
	lookup(&d, "spb", "spb");
	lookup(&d, "nn", "nn");
	lookup(&d, "MOSCOW", "moscow");
	lookup(&d, "Москва", "moscow");
	lookup(&d, "москва", "moscow");
	lookup(&d, "МОСКВА", "moscow");
	lookup(&d, "мОсКвА", "moscow");
	lookup(&d, "санкт-петербург", "spb");
	lookup(&d, "нижний новгород, нн", "nn");
	lookup(&d, "Елки", "elki");
	lookup(&d, "ёлки", "elki");
	lookup(&d, "ЁЛКИ", "elki");
	lookup(&d, "елкино", "yolkino");
	lookup(&d, "ЕЛКИНО", "yolkino");
	lookup(&d, "Ёлкино", "yolkino");
	lookup(&d, "Казань", NULL);
	lookup(&d, "моск", NULL);
	lookup(&d, "москва ", NULL);
	lookup(&d, "mosco", NULL);
	lookup(&d, "", NULL);
	lookup(&d, "Санкт Петербург", NULL);
	dict_free(&d);

	/* An id wins over another entry's name. */
	if (is_int(parse("id,name\na,b\nb,c\n", &d, &err), 0, "a dictionary of a,b and b,c")) {
		lookup(&d, "b", "b");
		lookup(&d, "c", "b");
		lookup(&d, "a", "a");
		lookup(&d, "B", "a");
	}
	dict_free(&d);

	memset(&d, 0, sizeof d);
	lookup(&d, "moscow", NULL);
	dict_free(&d);
}

int main(void)
{
	test_parse();
	test_errors();
	test_lookup();
	return done_testing();
}
