/*
 * access.c - unit tests for the "access ROLE MODE [FIELD]" lines of a
 * schema (lib/model/access.c through kt_schema_parse()): what is kept, and
 * every mistake named by file:line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

#define FILE_NAME "schemas/deal.schema"

/* A type with an owner, a ref and a text field holding ids. */
#define HEAD \
	"type deal\nprefix D\nowner manager\n" \
	"field manager ref:employee\nfield client ref:client\nfield on text\nfield amount money\n"

/* Parses HEAD plus lines; returns the parse's code, the schema in *out
 * when it parsed (or NULL) and the message in err. */
static int parse(const char *lines, struct kt_schema **out, struct kt_error *err)
{
	char text[2048];

	snprintf(text, sizeof text, "%s%s", HEAD, lines);
	memset(err, 0, sizeof *err);
	*out = NULL;
	return kt_schema_parse(text, strlen(text), FILE_NAME, out, err);
}

static void test_kept(void)
{
	struct kt_schema *s;
	struct kt_error err;

	is_int(parse("", &s, &err), 0, "no access lines");
	is_int((long long)s->naccess, 0, "no access lines: none kept");
	kt_schema_free(s);

	is_int(parse("access manager own\naccess manager via client\n"
	             "access lab none\naccess accountant read\naccess director all\n"
	             "access manager via on\n", &s, &err), 0, "every mode: %s", err.msg);
	is_int((long long)s->naccess, 6, "six lines kept");
	is_str(s->access[0].role, "manager", "role");
	is_int(s->access[0].mode, KT_ACCESS_OWN, "own");
	ok(s->access[0].field == NULL, "own has no field");
	is_int(s->access[0].line, 8, "the line is kept");
	is_int(s->access[1].mode, KT_ACCESS_VIA, "via");
	is_str(s->access[1].field, "client", "via's field");
	is_int(s->access[2].mode, KT_ACCESS_NONE, "none");
	is_int(s->access[3].mode, KT_ACCESS_READ, "read");
	is_int(s->access[4].mode, KT_ACCESS_ALL, "all");
	is_str(s->access[5].field, "on", "via a text field");
	kt_schema_free(s);

	is_int(parse("access manager via on  # the record it is on\n", &s, &err), 0,
	       "a comment after the line");
	kt_schema_free(s);
}

static void test_mistakes(void)
{
	static const struct {
		const char *lines, *msg;
	} bad[] = {
		{ "access manager\n",
		  FILE_NAME ":8: access needs a role and all, read, own, via FIELD or none" },
		{ "access manager mine\n",
		  FILE_NAME ":8: access manager: unknown mode \"mine\" (all, read, own, via FIELD, none)" },
		{ "access manager via\n", FILE_NAME ":8: access manager via: via takes one field" },
		{ "access manager own client\n", FILE_NAME ":8: access manager own: takes no more words" },
		{ "access admin read\n",
		  FILE_NAME ":8: access admin: admin always sees and changes everything" },
		{ "access lab none\naccess lab own\n",
		  FILE_NAME ":9: access lab: only own, via and named lines combine (line 8 gives none)" },
		{ "access lab own\naccess lab all\n",
		  FILE_NAME ":9: access lab: only own, via and named lines combine (line 8 gives own)" },
		{ "access lab own\naccess lab own\n", FILE_NAME ":9: access lab: same as line 8" },
		{ "access lab named\n", FILE_NAME ":8: access lab named: named takes one TYPE.FIELD" },
		{ "access lab named client\n", FILE_NAME ":8: access lab named: \"client\" is not TYPE.FIELD" },
		{ "access lab named calc.client\naccess lab named calc.client\n",
		  FILE_NAME ":9: access lab: same as line 8" },
		{ "access lab via on\naccess lab via on\n", FILE_NAME ":9: access lab: same as line 8" },
		{ "access lab via nothing\n", FILE_NAME ":8: access lab via: no field \"nothing\"" },
		{ "access lab via amount\n",
		  FILE_NAME ":8: access lab via: amount is money, not ref or text (an id)" },
	};
	struct kt_schema *s;
	struct kt_error err;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		is_int(parse(bad[i].lines, &s, &err), KT_ESCHEMA, "refused: %s", bad[i].lines);
		is_str(err.msg, bad[i].msg, "message: %s", bad[i].lines);
		ok(s == NULL, "nothing returned: %s", bad[i].lines);
	}

	const char *no_owner = "type note\nprefix N\nfield text text\naccess manager own\n";
	memset(&err, 0, sizeof err);
	is_int(kt_schema_parse(no_owner, strlen(no_owner), "schemas/note.schema", &s, &err),
	       KT_ESCHEMA, "own without an owner line");
	is_str(err.msg, "schemas/note.schema:4: access manager own: the type has no owner line",
	       "own without an owner: message");
}

int main(void)
{
	test_kept();
	test_mistakes();
	return done_testing();
}
