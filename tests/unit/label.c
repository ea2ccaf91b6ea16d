/*
 * label.c - unit tests for lib/books/labels.c: which label keys kontora config
 * accepts (label_check) and what people see for a dictionary entry
 * (kt_dict_label).  Applying kontora.conf's labels needs a repository and
 * is tested by tests/t/t1080-labels.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "books/books.h"
#include "tap.h"

static const char lead_schema[] =
	"type lead\nprefix L\nlabel \"Лид\"\n"
	"field title text label=\"Название\"\n"
	"field stage dict:funnel_stage default=new\n"
	"field amount money\n";

/* Books in memory: the lead schema and the dictionary funnel_stage. */
static void books(struct kt_books *b)
{
	struct kt_schema *s;
	struct kt_error err;
	static const char stages[] = "id,name\nnew,Новый\nwon,Заказ\n";

	memset(b, 0, sizeof *b);
	if (kt_schema_parse(lead_schema, strlen(lead_schema), "schemas/lead.schema", &s, &err) ||
	    types_add(&b->types, s, &err) || !(b->dicts = calloc(1, sizeof *b->dicts)) ||
	    dict_parse(stages, strlen(stages), "dicts/funnel_stage.csv", &b->dicts[0], &err)) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	b->dicts[0].name = strdup("funnel_stage");
	b->ndicts = 1;
	b->dicts_loaded = 1;
}

/* Runs label_check on key and value; returns its status and the message
 * in msg (1024 bytes). */
static int check(struct kt_books *b, const char *key, const char *value, char *msg)
{
	struct kt_error err = { 0 };
	int rc = label_check(b, key, value, &err);

	strcpy(msg, rc ? err.msg : "");
	return rc;
}

static void test_check(struct kt_books *b)
{
	char msg[1024];

	is_int(check(b, "vat.rate", "22", msg), 0, "other sections are not label_check's");
	is_int(check(b, "label.lead", "Заявка", msg), 0, "a type");
	is_int(check(b, "label.lead.amount", "Сумма сделки", msg), 0, "a field of a type");
	is_int(check(b, "label.funnel_stage.won", "Продажа", msg), 0, "an entry of a dictionary");
	is_int(check(b, "LABEL.lead", "Заявка", msg), 0, "the section in any case, as git-config");
	is_int(check(b, "label.lead.nosuch", "x", msg), KT_EINVAL, "a field the type lacks");
	is_str(msg, "label.lead.nosuch: schemas/lead.schema has no field nosuch", "names the schema");
	is_int(check(b, "label.funnel_stage.lost", "x", msg), KT_EINVAL, "an entry the dictionary lacks");
	is_str(msg, "label.funnel_stage.lost: dicts/funnel_stage.csv has no entry lost", "names the file");
	is_int(check(b, "label.nosuch", "x", msg), KT_EINVAL, "a type the books lack");
	ok(strstr(msg, "no record type nosuch") != NULL, "says so: %s", msg);
	is_int(check(b, "label.funnel_stage", "x", msg), KT_EINVAL, "a dictionary is no type");
	is_int(check(b, "label.x.y", "x", msg), KT_EINVAL, "neither type nor dictionary");
	is_str(msg, "label.x.y: no record type or dictionary x", "says so");
	is_int(check(b, "label.lead", "", msg), KT_EINVAL, "an empty label");
	is_int(check(b, "label.lead", "a\nb", msg), KT_EINVAL, "a label of two lines");
	is_int(check(b, "label.lead", "\xff", msg), KT_EINVAL, "a label that is not UTF-8");
}

static void test_dict_label(struct kt_books *b)
{
	is_str(kt_dict_label(b, "funnel_stage", "won"), "Заказ", "no label: the entry's name");
	is_str(kt_dict_label(b, "funnel_stage", "gone"), "gone", "no entry: the id itself");
	is_str(kt_dict_label(b, "nosuch", "x"), "x", "no dictionary: the id itself");
	b->labels = malloc(2 * sizeof *b->labels);
	b->labels[0] = strdup("funnel_stage.won");
	b->labels[1] = strdup("Продажа");
	b->nlabels = 1;
	is_str(kt_dict_label(b, "funnel_stage", "won"), "Продажа", "a label wins over the name");
	is_str(kt_dict_label(b, "funnel_stage", "new"), "Новый", "other entries keep their names");
	is_str(kt_dict_label(b, "funnel", "stage.won"), "stage.won", "a dictionary is matched whole");
	labels_free(b);
	ok(!b->labels && !b->nlabels, "labels_free empties them");
	is_str(kt_dict_label(b, "funnel_stage", "won"), "Заказ", "the name again");
}

int main(void)
{
	struct kt_books b;

	books(&b);
	test_check(&b);
	test_dict_label(&b);
	types_free(&b.types);
	dict_free(&b.dicts[0]);
	free(b.dicts);
	return done_testing();
}
