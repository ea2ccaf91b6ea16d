/*
 * schema.c - unit tests for lib/model/schema.c: kt_schema_parse() on schema
 * text, kt_value_normalize() for every field type, kt_schema_field() and
 * kt_ftype_name().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kontora.h"
#include "tap.h"

/* With SAN=1 the leak checker can be asked whether something leaked. */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define FILE_NAME "schemas/supplier.schema"

/* Every directive, every type, every option, quotes with escapes, tabs,
 * comments, columns over two lines naming fields declared below them. */
static const char full_schema[] =
	"# Suppliers: a type with everything.\n"
	"type    supplier\n"
	"prefix  S\n"
	"label   \"Поставщик \\\"Лучший\\\"\"\n"
	"key     code\n"
	"title   name\n"
	"sort    -name\n"
	"columns name inn\n"
	"columns\tcity created   # the rest\n"
	"split   id\n"
	"\n"
	"   \t\n"
	"field code     text         required unique label=\"Код\"\n"
	"field name     text         required label=\"Название \\\"ООО\\\"\"\n"
	"field\tdays\tint\tdefault=30\n"
	"field limit    money        default=\"1 000,50\"\n"
	"field till     date\n"
	"field audited  datetime\n"
	"field approved bool         default=false label=\"Одобрен\"\n"
	"field phone    phone\n"
	"field email    email        unique\n"
	"field inn      inn          unique required\n"
	"field rating   enum:a|b|c   default=b\n"
	"field city     dict:city\n"
	"field manager  ref:employee label=\"Ответственный\"\n"
	"field tags     list         nosearch # a comment after a field\n"
	"field notes    text         label=\"a\\\\b\" default=\"\"\n";

/* Parses text as FILE_NAME.  Returns kt_schema_parse()'s status; *s is
 * NULL unless it succeeded. */
static int parse(const char *text, struct kt_schema **s, struct kt_error *err)
{
	memset(err, 0, sizeof *err);
	*s = NULL;
	return kt_schema_parse(text, strlen(text), FILE_NAME, s, err);
}

/* Checks field i of s: name, type, arg, label, default, flags. */
static void check_field(const struct kt_schema *s, size_t i, const char *name,
                        enum kt_ftype type, const char *arg, const char *label,
                        const char *def, int required, int unique)
{
	const struct kt_field *f = &s->fields[i];

	is_str(f->name, name, "field %zu is %s", i, name);
	is_int(f->type, type, "%s: type", name);
	is_str(f->arg, arg, "%s: arg", name);
	is_str(f->label, label, "%s: label", name);
	is_str(f->def, def, "%s: default", name);
	is_int(f->required, required, "%s: required", name);
	is_int(f->unique, unique, "%s: unique", name);
}

static void test_full(void)
{
	struct kt_schema *s;
	struct kt_error err;

	if (!is_int(parse(full_schema, &s, &err), 0, "the full schema parses")) {
		printf("# %s\n", err.msg);
		return;
	}
	is_str(s->name, "supplier", "type");
	is_int(s->prefix, 'S', "prefix");
	is_str(s->label, "Поставщик \"Лучший\"", "label with \\\" escapes");
	is_str(s->key, "code", "key");
	is_str(s->title, "name", "title");
	is_str(s->sort, "-name", "sort descending");
	is_int(s->split, 1, "split id");
	is_str(s->file, FILE_NAME, "file");
	if (is_int((long long)s->ncolumns, 4, "columns from two lines")) {
		is_str(s->columns[0], "name", "column 0");
		is_str(s->columns[1], "inn", "column 1");
		is_str(s->columns[2], "city", "column 2 (after a tab)");
		is_str(s->columns[3], "created", "column 3: created, then a comment");
	}
	if (!is_int((long long)s->nfields, 15, "15 fields"))
		goto done;
	check_field(s, 0, "code", KT_TEXT, NULL, "Код", NULL, 1, 1);
	check_field(s, 1, "name", KT_TEXT, NULL, "Название \"ООО\"", NULL, 1, 0);
	check_field(s, 2, "days", KT_INT, NULL, NULL, "30", 0, 0);
	check_field(s, 3, "limit", KT_MONEY, NULL, NULL, "1 000,50", 0, 0);
	check_field(s, 4, "till", KT_DATE, NULL, NULL, NULL, 0, 0);
	check_field(s, 5, "audited", KT_DATETIME, NULL, NULL, NULL, 0, 0);
	check_field(s, 6, "approved", KT_BOOL, NULL, "Одобрен", "false", 0, 0);
	check_field(s, 7, "phone", KT_PHONE, NULL, NULL, NULL, 0, 0);
	check_field(s, 8, "email", KT_EMAIL, NULL, NULL, NULL, 0, 1);
	check_field(s, 9, "inn", KT_INN, NULL, NULL, NULL, 1, 1);
	check_field(s, 10, "rating", KT_ENUM, "a|b|c", NULL, "b", 0, 0);
	check_field(s, 11, "city", KT_DICT, "city", NULL, NULL, 0, 0);
	check_field(s, 12, "manager", KT_REF, "employee", "Ответственный", NULL, 0, 0);
	check_field(s, 13, "tags", KT_LIST, NULL, NULL, NULL, 0, 0);
	check_field(s, 14, "notes", KT_TEXT, NULL, "a\\b", "", 0, 0);
	is_int(s->fields[13].nosearch, 1, "tags: nosearch");
	is_int(s->fields[14].nosearch, 0, "notes: searched");
done:
	kt_schema_free(s);
	kt_schema_free(NULL);

	is_int(parse("type x\nprefix X\n", &s, &err), 0, "the smallest schema");
	if (s) {
		is_str(s->label, NULL, "no label directive: NULL");
		is_str(s->key, NULL, "no key: NULL");
		is_str(s->title, NULL, "no title: NULL");
		is_str(s->sort, NULL, "no sort: NULL");
		is_int(s->split, 0, "not split");
		is_int((long long)s->ncolumns, 0, "no columns");
		is_int((long long)s->nfields, 0, "no fields");
	}
	kt_schema_free(s);
}

static void test_syntax(void)
{
	struct kt_schema *s;
	struct kt_error err;

	is_int(parse("type x\nprefix X\nlabel C#1\nfield a text label=#b\n", &s, &err), 0,
	       "# inside a word is no comment");
	if (s) {
		is_str(s->label, "C#1", "label C#1");
		is_str(s->fields[0].label, "#b", "label=#b");
	}
	kt_schema_free(s);

	is_int(parse("type x\nprefix X\nlabel \"a b\"\"c d\"e\n", &s, &err), 0,
	       "quoted pieces join into one word");
	if (s)
		is_str(s->label, "a bc de", "the joined word");
	kt_schema_free(s);

	is_int(parse("columns a id\nfield a text\nsort created\nprefix Z\ntype x\n", &s, &err),
	       0, "directives in any order; sort and columns may name id and created");
	if (s) {
		is_str(s->sort, "created", "sort created");
		is_int((long long)s->ncolumns, 2, "two columns");
		is_int(s->prefix, 'Z', "prefix Z");
	}
	kt_schema_free(s);

	is_int(parse("type x\nprefix X", &s, &err), 0, "no newline at the end");
	if (s)
		is_str(s->name, "x", "the last line counts");
	kt_schema_free(s);
}

/* Parses text, which must fail with message msg. */
static void bad(const char *text, const char *msg, const char *name)
{
	struct kt_schema *s;
	struct kt_error err;

	is_int(parse(text, &s, &err), KT_ESCHEMA, "%s: fails", name);
	is_int(err.code, KT_ESCHEMA, "%s: sets the code", name);
	is_str(err.msg, msg, "%s: message", name);
	ok(s == NULL, "%s: no schema", name);
	kt_schema_free(s);
}

#define HEAD "type x\nprefix X\n"

static void test_errors(void)
{
	struct kt_schema *s;
	struct kt_error err;

	bad(HEAD "field a text\ncolour red\n",
	    FILE_NAME ":4: unknown directive \"colour\"", "unknown directive");
	bad(HEAD "Type y\n", FILE_NAME ":3: unknown directive \"Type\"",
	    "directives are case-sensitive");
	bad(HEAD "field a strng\n", FILE_NAME ":3: a: unknown type \"strng\"", "unknown type");
	bad(HEAD "field a Text\n", FILE_NAME ":3: a: unknown type \"Text\"", "type in capitals");
	bad(HEAD "field a enum\n", FILE_NAME ":3: a: unknown type \"enum\"", "enum without values");
	bad(HEAD "field a enum:\n", FILE_NAME ":3: a: unknown type \"enum:\"",
	    "enum: with nothing after it");
	bad(HEAD "field a dict\n", FILE_NAME ":3: a: unknown type \"dict\"", "dict without a name");
	bad(HEAD "field a ref:\n", FILE_NAME ":3: a: unknown type \"ref:\"", "ref without a type");
	bad(HEAD "field a text:x\n", FILE_NAME ":3: a: unknown type \"text:x\"",
	    "an argument to a type that takes none");
	bad("type x\nprefix SX\n", FILE_NAME ":2: prefix is one capital letter A-Z",
	    "prefix of two letters");
	bad("type x\nprefix s\n", FILE_NAME ":2: prefix is one capital letter A-Z",
	    "prefix in lower case");
	bad("type x\nprefix 7\n", FILE_NAME ":2: prefix is one capital letter A-Z",
	    "prefix a digit");
	bad("type x\nprefix\n", FILE_NAME ":2: prefix is one capital letter A-Z",
	    "prefix without a letter");
	bad("type x\nprefix Ж\n", FILE_NAME ":2: prefix is one capital letter A-Z",
	    "prefix a Cyrillic letter");
	bad(HEAD "field id text\n",
	    FILE_NAME ":3: id: not a field name (snake_case, not id or created)", "field id");
	bad(HEAD "field created datetime\n",
	    FILE_NAME ":3: created: not a field name (snake_case, not id or created)",
	    "field created");
	bad(HEAD "field Name text\n",
	    FILE_NAME ":3: Name: not a field name (snake_case, not id or created)",
	    "field in capitals");
	bad(HEAD "field 2nd text\n",
	    FILE_NAME ":3: 2nd: not a field name (snake_case, not id or created)",
	    "field beginning with a digit");
	bad(HEAD "field a-b text\n",
	    FILE_NAME ":3: a-b: not a field name (snake_case, not id or created)",
	    "field with a dash");
	bad(HEAD "field a\n", FILE_NAME ":3: field needs a name and a type", "field without a type");
	bad(HEAD "field\n", FILE_NAME ":3: field needs a name and a type", "field without a name");
	bad(HEAD "field a text\nfield b int\n\nfield a int\n", FILE_NAME ":6: a: defined twice",
	    "duplicate field");
	bad(HEAD "field a text uniq\n", FILE_NAME ":3: a: unknown option \"uniq\"",
	    "unknown option");
	bad(HEAD "field a text Required\n", FILE_NAME ":3: a: unknown option \"Required\"",
	    "option in capitals");
	bad(HEAD "field a text label\n", FILE_NAME ":3: a: unknown option \"label\"",
	    "label without =");
	bad(HEAD "field a text min=0\n", FILE_NAME ":3: a: min= is for int, money and decimal fields",
	    "min= on a text field");
	bad(HEAD "field a int min=1.5\n", FILE_NAME ":3: a: min=1.5: not a number of the field's type",
	    "min= not an int");
	bad(HEAD "field a money min=1 min=2\n", FILE_NAME ":3: a: min given twice", "min= twice");
	bad(HEAD "field a text defaults=1\n", FILE_NAME ":3: a: unknown option \"defaults=1\"",
	    "defaults=");
	bad("type x\nprefix X\nlabel \"Лид\n", FILE_NAME ":3: unterminated quote",
	    "unterminated quote");
	bad(HEAD "field a text\nfield b text label=\"x \\\" y\n",
	    FILE_NAME ":4: unterminated quote", "an escaped quote does not close");
	bad(HEAD "field a text label=\"x\\\n", FILE_NAME ":3: unterminated quote",
	    "a backslash at the end of the line");
	bad("prefix X\nfield a text\n", FILE_NAME ": no \"type NAME\" line (snake_case name)",
	    "no type line");
	bad("type Lead\nprefix X\n", FILE_NAME ": no \"type NAME\" line (snake_case name)",
	    "type not in snake_case");
	bad("type x\nfield a text\n", FILE_NAME ": no \"prefix LETTER\" line", "no prefix line");
	bad("", FILE_NAME ": no \"type NAME\" line (snake_case name)", "empty file");
	bad("type x y\nprefix X\n", FILE_NAME ":1: type takes one value", "type with two words");
	bad(HEAD "label\n", FILE_NAME ":3: label takes one value", "label without a value");
	bad(HEAD "label Лид Лиды\n", FILE_NAME ":3: label takes one value",
	    "label of two unquoted words");
	bad(HEAD "key\n", FILE_NAME ":3: key takes one value", "key without a value");
	bad(HEAD "split yes\n", FILE_NAME ":3: split takes \"id\"", "split yes");
	bad(HEAD "split\n", FILE_NAME ":3: split takes \"id\"", "split without an argument");
	bad(HEAD "split id name\n", FILE_NAME ":3: split takes \"id\"", "split with two arguments");
	bad(HEAD "split ID\n", FILE_NAME ":3: split takes \"id\"", "split ID");
	bad(HEAD "field name text\ntitle nmae\n", FILE_NAME ":4: title: no field \"nmae\"",
	    "title naming an unknown field");
	bad(HEAD "field name text\nkey login\n", FILE_NAME ":4: key: no field \"login\"",
	    "key naming an unknown field");

	/*
	 * columns and sort naming an unknown field fail, but the message names
	 * only the file: validate() checks them after the whole file is read
	 * and has lost the line.  kontora-schema(5) says "A mistake is reported
	 * as file:line: message".  The TODO checks below expect the line of
	 * the columns / sort directive.
	 */
	is_int(parse(HEAD "field name text\ncolumns name nmae\n", &s, &err), KT_ESCHEMA,
	       "columns naming an unknown field fails");
	ok(!strncmp(err.msg, FILE_NAME ":", strlen(FILE_NAME ":")) &&
	   strstr(err.msg, "columns: no field \"nmae\"") != NULL,
	   "columns naming an unknown field: file and field in the message");
	if (!ok(!strncmp(err.msg, FILE_NAME ":4: ", strlen(FILE_NAME ":4: ")),
	          "columns naming an unknown field: message names file:4:"))
		printf("# got: %s\n", err.msg);
	kt_schema_free(s);

	is_int(parse(HEAD "field name text\nsort -nmae\n", &s, &err), KT_ESCHEMA,
	       "sort naming an unknown field fails");
	ok(!strncmp(err.msg, FILE_NAME ":", strlen(FILE_NAME ":")) &&
	   strstr(err.msg, "no field \"nmae\"") != NULL,
	   "sort naming an unknown field: file and field in the message");
	if (!ok(!strncmp(err.msg, FILE_NAME ":4: ", strlen(FILE_NAME ":4: ")),
	          "sort naming an unknown field: message names file:4:"))
		printf("# got: %s\n", err.msg);
	kt_schema_free(s);

	bad(HEAD "sort nmae\nfield name text\n", FILE_NAME ":3: sort: no field \"nmae\"",
	    "sort ascending naming an unknown field");

	/*
	 * kontora-schema(5): "Each directive but field and columns is given
	 * once."  The parser takes the last of repeated directives instead, so
	 * a second prefix line silently changes the letter of every new id.
	 */
	ok(parse("type x\nprefix X\nprefix Y\n", &s, &err) == KT_ESCHEMA, "prefix given twice is an error");
	kt_schema_free(s);
	ok(parse("type x\ntype y\nprefix X\n", &s, &err) == KT_ESCHEMA, "type given twice is an error");
	kt_schema_free(s);

	s = NULL;
	is_int(kt_schema_parse(HEAD "bogus\n", strlen(HEAD "bogus\n"), FILE_NAME, &s, NULL),
	       KT_ESCHEMA, "err may be NULL");
}

/*
 * BUG: parse_field() strdup()s default= and label= into the field without
 * freeing what an earlier default= or label= of the same line put there,
 * so "field a text label=one label=two" leaks "one" (the schema keeps
 * "two").  The parse runs in a child process, so that the leak cannot fail
 * this test program under SAN=1; the child asks the leak checker and
 * exits 1 when something leaked.  Without SAN=1 the check is skipped.
 */
static void test_repeated_options(void)
{
#ifdef HAVE_LSAN
	static const char text[] = HEAD "field a text label=one label=two default=1 default=2\n";
	int status = -1;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct kt_schema *s = NULL;
		int rc = kt_schema_parse(text, strlen(text), FILE_NAME, &s, NULL);
		kt_schema_free(s);
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		_exit(rc == KT_ESCHEMA || rc == 0 ? __lsan_do_recoverable_leak_check() != 0 : 2);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) != 2, "options given twice: the child ran");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	     "options given twice leak nothing");
#else
	printf("ok %d # SKIP the leak check needs SAN=1\n", ++tap_run);
	printf("ok %d # SKIP the leak check needs SAN=1\n", ++tap_run);
#endif
}

/* A type with a field of every type, for kt_value_normalize(). */
static const char value_schema[] =
	"type v\nprefix V\n"
	"field t text\nfield n int\nfield m money\nfield d date\nfield dt datetime\n"
	"field b bool\nfield p phone\nfield e email\nfield inn inn\n"
	"field en enum:won|lost\nfield di dict:city\nfield r ref:client\nfield l list\n";

/* Normalises in for field name of s, which must succeed giving expected. */
static void good(const struct kt_schema *s, const char *name, const char *in,
                 const char *expected)
{
	struct kt_error err = { 0 };
	char *out = (char *)"unset";
	int rc = kt_value_normalize(kt_schema_field(s, name), in, &out, &err);

	if (!is_int(rc, 0, "%s \"%s\" is valid", name, in))
		printf("# %s\n", err.msg);
	is_str(rc ? NULL : out, expected, "%s \"%s\" is stored as \"%s\"", name, in, expected);
	if (!rc)
		free(out);
}

/* Normalises in for field name of s, which must fail with message msg. */
static void invalid(const struct kt_schema *s, const char *name, const char *in,
                    const char *msg)
{
	struct kt_error err = { 0 };
	char *out = (char *)"unset";
	int rc = kt_value_normalize(kt_schema_field(s, name), in, &out, &err);

	is_int(rc, KT_EINVAL, "%s \"%s\" is invalid", name, in);
	is_int(err.code, KT_EINVAL, "%s \"%s\": the code", name, in);
	is_str(err.msg, msg, "%s \"%s\": the message", name, in);
	ok(out == NULL, "%s \"%s\": *out is NULL", name, in);
	if (!rc)
		free(out);
}

static void test_values(void)
{
	struct kt_schema *s;
	struct kt_error err;

	if (!is_int(parse(value_schema, &s, &err), 0, "the value schema parses"))
		return;

	/* Empty and blank input is "" for every type, even those whose
	 * validity would be checked. */
	for (size_t i = 0; i < s->nfields; i++) {
		good(s, s->fields[i].name, "", "");
		good(s, s->fields[i].name, " \t\r\n ", "");
	}

	good(s, "t", "Ромашка", "Ромашка");
	good(s, "t", "  two\nlines \t", "two\nlines");
	good(s, "t", "a,\"b\"", "a,\"b\"");
	invalid(s, "t", "bad \xFF byte", "t: \"bad \xFF byte\" is not a valid text");
	invalid(s, "t", "\xD0", "t: \"\xD0\" is not a valid text");

	good(s, "n", "42", "42");
	good(s, "n", "-7", "-7");
	good(s, "n", "+5", "5");
	good(s, "n", "007", "7");
	good(s, "n", " 12 ", "12");
	good(s, "n", "-9223372036854775808", "-9223372036854775808");
	good(s, "n", "9223372036854775807", "9223372036854775807");
	invalid(s, "n", "12x", "n: \"12x\" is not a valid int");
	invalid(s, "n", "1.5", "n: \"1.5\" is not a valid int");
	invalid(s, "n", "1 000", "n: \"1 000\" is not a valid int");
	invalid(s, "n", "x", "n: \"x\" is not a valid int");
	invalid(s, "n", "-", "n: \"-\" is not a valid int");
	/*
	 * BUG: normalize() takes strtoll()'s result without checking errno, so
	 * a number beyond 64 bits is silently stored as INT64_MAX / INT64_MIN
	 * instead of being refused ("A whole number, 64 bits signed",
	 * kontora-schema(5)).
	 */
	{
		char *out = NULL;
		int rc = kt_value_normalize(kt_schema_field(s, "n"), "9223372036854775808", &out, NULL);
		ok(rc == KT_EINVAL,
		     "int 9223372036854775808 (2^63) is invalid");
		free(out);
		out = NULL;
		rc = kt_value_normalize(kt_schema_field(s, "n"), "-99999999999999999999", &out, NULL);
		ok(rc == KT_EINVAL,
		     "int -99999999999999999999 is invalid");
		free(out);
	}

	good(s, "m", "1 234,5", "1234.50");
	good(s, "m", "1234.5", "1234.50");
	good(s, "m", "1234,50 ₽", "1234.50");
	good(s, "m", "-3", "-3.00");
	good(s, "m", "0", "0.00");
	good(s, "m", " 12 345 ", "12345.00");
	invalid(s, "m", "1.234", "m: \"1.234\" is not a valid money");
	invalid(s, "m", "100 $", "m: \"100 $\" is not a valid money");

	good(s, "d", "2028-02-29", "2028-02-29");
	good(s, "d", " 2026-11-03\n", "2026-11-03");
	invalid(s, "d", "2026-02-29", "d: \"2026-02-29\" is not a valid date");
	invalid(s, "d", "29.02.2028", "d: \"29.02.2028\" is not a valid date");
	invalid(s, "d", "2026-11-03T10:00:00Z", "d: \"2026-11-03T10:00:00Z\" is not a valid date");

	good(s, "dt", "2026-11-03T09:05:00Z", "2026-11-03T09:05:00Z");
	good(s, "dt", "\t2028-02-29T23:59:59Z ", "2028-02-29T23:59:59Z");
	invalid(s, "dt", "2026-11-03 09:05:00",
	        "dt: \"2026-11-03 09:05:00\" is not a valid datetime");
	invalid(s, "dt", "2026-11-03T09:05:00+03:00",
	        "dt: \"2026-11-03T09:05:00+03:00\" is not a valid datetime");
	invalid(s, "dt", "2026-11-03T09:05:00", "dt: \"2026-11-03T09:05:00\" is not a valid datetime");
	invalid(s, "dt", "2026-11-03", "dt: \"2026-11-03\" is not a valid datetime");
	invalid(s, "dt", "2026-02-29T00:00:00Z",
	        "dt: \"2026-02-29T00:00:00Z\" is not a valid datetime");

	static const char *const yes[] = { "true", "TRUE", "yes", "Yes", "y", "1", "да", "Да", "ДА" };
	static const char *const no[] = { "false", "False", "no", "NO", "n", "0", "нет", "Нет", "НЕТ" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		good(s, "b", yes[i], "true");
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		good(s, "b", no[i], "false");
	invalid(s, "b", "maybe", "b: \"maybe\" is not a valid bool");
	invalid(s, "b", "2", "b: \"2\" is not a valid bool");
	invalid(s, "b", "yes!", "b: \"yes!\" is not a valid bool");

	good(s, "p", "8 (916) 123-45-67", "+79161234567");
	good(s, "p", "+7 495 123 45 67", "+74951234567");
	good(s, "p", "+44 20 7946 0958", "+442079460958");
	invalid(s, "p", "123", "p: \"123\" is not a valid phone");
	invalid(s, "p", "8 916 123 45 67 доб. 1", "p: \"8 916 123 45 67 доб. 1\" is not a valid phone");

	good(s, "e", "Ivan.Petrov@Example.RU", "ivan.petrov@example.ru");
	good(s, "e", " a@b ", "a@b");
	invalid(s, "e", "ivan", "e: \"ivan\" is not a valid email");
	invalid(s, "e", "@example.ru", "e: \"@example.ru\" is not a valid email");
	invalid(s, "e", "ivan@", "e: \"ivan@\" is not a valid email");
	invalid(s, "e", "a@b@c", "e: \"a@b@c\" is not a valid email");
	invalid(s, "e", "ivan petrov@x.ru", "e: \"ivan petrov@x.ru\" is not a valid email");
	invalid(s, "e", "a@x.ru, b@x.ru", "e: \"a@x.ru, b@x.ru\" is not a valid email");

	good(s, "inn", "7707083893", "7707083893");
	good(s, "inn", " 500100732259 ", "500100732259");
	invalid(s, "inn", "7707083894", "inn: invalid checksum \"7707083894\"");
	invalid(s, "inn", "500100732258", "inn: invalid checksum \"500100732258\"");
	invalid(s, "inn", "12345", "inn: not an INN (10 or 12 digits) \"12345\"");
	invalid(s, "inn", "770708389a", "inn: not an INN (10 or 12 digits) \"770708389a\"");
	invalid(s, "inn", "77070838931", "inn: not an INN (10 or 12 digits) \"77070838931\"");

	good(s, "en", "won", "won");
	good(s, "en", " lost ", "lost");
	invalid(s, "en", "draw", "en: \"draw\" is not one of won|lost");
	invalid(s, "en", "Won", "en: \"Won\" is not one of won|lost");
	invalid(s, "en", "wo", "en: \"wo\" is not one of won|lost");
	invalid(s, "en", "wonder", "en: \"wonder\" is not one of won|lost");
	invalid(s, "en", "|", "en: \"|\" is not one of won|lost");
	/*
	 * BUG: enum_has() compares the value with strncmp over its own length,
	 * so a value that is several of the list's values joined by | matches
	 * the list itself: "won|lost" is accepted and stored for enum:won|lost.
	 */
	{
		char *out = NULL;
		int rc = kt_value_normalize(kt_schema_field(s, "en"), "won|lost", &out, NULL);
		ok(rc == KT_EINVAL,
		     "enum \"won|lost\" is invalid for enum:won|lost");
		free(out);
	}

	good(s, "di", "Москва", "Москва");
	good(s, "di", " moscow ", "moscow");
	good(s, "r", "c7q", "c7q");

	good(s, "l", "a; b;;c ", "a; b; c");
	good(s, "l", "ПАВ;отдушки ;  канистры 5 л", "ПАВ; отдушки; канистры 5 л");
	good(s, "l", "one", "one");
	good(s, "l", "a, b", "a, b");
	good(s, "l", ";;", "");
	good(s, "l", " ; x ; ", "x");

	kt_schema_free(s);
}

/* min= refuses a smaller value of its field's type, in its units, and
 * takes the least itself. */
static void test_min(void)
{
	static const char text[] = HEAD "field v int min=1\nfield m money min=0\nfield q decimal min=0.001\n";
	struct kt_schema *s;
	struct kt_error err;

	if (!is_int(parse(text, &s, &err), 0, "a schema with min= parses"))
		return;
	good(s, "v", "1", "1");
	invalid(s, "v", "0", "v: 0 is below its least value, 1");
	invalid(s, "v", "-3", "v: -3 is below its least value, 1");
	good(s, "m", "0", "0.00");
	good(s, "m", "12,50", "12.50");
	invalid(s, "m", "-0,01", "m: -0,01 is below its least value, 0.00");
	good(s, "q", "0.001", "0.001");
	invalid(s, "q", "0", "q: 0 is below its least value, 0.001");
	good(s, "q", "", "");
	kt_schema_free(s);
}

static void test_field_lookup(void)
{
	struct kt_schema *s;
	struct kt_error err;

	if (!is_int(parse(value_schema, &s, &err), 0, "the value schema parses"))
		return;
	ok(kt_schema_field(s, "t") == &s->fields[0], "the first field");
	ok(kt_schema_field(s, "inn") == &s->fields[8], "a middle field");
	ok(kt_schema_field(s, "l") == &s->fields[12], "the last field");
	ok(kt_schema_field(s, "id") == NULL, "id is not a field");
	ok(kt_schema_field(s, "created") == NULL, "created is not a field");
	ok(kt_schema_field(s, "INN") == NULL, "names are case-sensitive");
	ok(kt_schema_field(s, "in") == NULL, "no prefix match");
	ok(kt_schema_field(s, "") == NULL, "the empty name");
	kt_schema_free(s);
}

static void test_type_names(void)
{
	static const char *const names[] = {
		"text", "int", "money", "date", "datetime", "bool", "phone", "email",
		"inn", "enum", "dict", "ref", "list",
	};

	is_int(KT_LIST + 1, 13, "13 types");
	for (int t = KT_TEXT; t <= KT_LIST; t++)
		is_str(kt_ftype_name((enum kt_ftype)t), names[t], "type %d is %s", t, names[t]);
}

int main(void)
{
	test_full();
	test_syntax();
	test_errors();
	test_repeated_options();
	test_values();
	test_min();
	test_field_lookup();
	test_type_names();
	return done_testing();
}
