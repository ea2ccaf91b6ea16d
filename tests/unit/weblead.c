/*
 * weblead.c - unit tests for lib/intake/weblead.c: input rows of form services
 * mapped to lead fields and normalised, with the default mapping.
 */
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

/* Reads a form post body with the default mapping of source into *l.
 * Returns kt_weblead_from_row()'s status. */
static int lead_of(const char *body, enum kt_intake_format fmt, const char *source,
                   struct kt_weblead *l)
{
	struct kt_source_map m;
	struct kt_intake *in;
	struct kt_error err = { 0 };
	int rc = kt_source_map_load(NULL, source, &m, &err);

	if (!rc)
		rc = kt_intake_parse(body, strlen(body), NULL, fmt, NULL, &in, &err);
	if (!rc) {
		rc = kt_weblead_from_row(&m, &in->rows[0], l, &err);
		kt_intake_free(in);
	}
	kt_source_map_free(&m);
	return rc;
}

static void test_tilda(void)
{
	struct kt_weblead l;

	is_int(lead_of("Name=+%D0%98%D0%B2%D0%B0%D0%BD++%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2+"
	               "&Phone=8+(999)+123-45-67&Email=+Ivan%40Example.RU+"
	               "&Textarea=%D0%93%D0%B5%D0%BB%D1%8C%0A5+%D0%BB&formid=form1"
	               "&tranid=5489108%3A4802756061"
	               "&COOKIES=TILDAUTM%3Dutm_source%253Dyandex%257C%257C%257Cutm_medium%253Dcpc%3B+_ym_uid%3D1",
	               KT_INTAKE_FORM, "tilda", &l), 0, "tilda: read");
	is_str(l.reason, NULL, "tilda: not rejected");
	is_str(l.v[KT_WL_NAME], "Иван Петров", "tilda: name trimmed, inner spaces squeezed");
	is_str(l.v[KT_WL_PHONE], "+79991234567", "tilda: phone normalised");
	is_str(l.v[KT_WL_EMAIL], "ivan@example.ru", "tilda: e-mail trimmed and lower-cased");
	is_str(l.v[KT_WL_COMMENT], "Гель\n5 л", "tilda: comment keeps its lines");
	is_str(l.v[KT_WL_FORM], "form1", "tilda: formid");
	is_str(l.external_id, "tilda:5489108:4802756061", "tilda: the external id is the tranid");
	is_str(l.v[KT_WL_UTM_SOURCE], "yandex", "tilda: utm_source from the TILDAUTM cookie");
	is_str(l.v[KT_WL_UTM_MEDIUM], "cpc", "tilda: utm_medium from the cookie");
	kt_weblead_free(&l);

	is_int(lead_of("Name=A&Phone=89991234567&utm_source=google&COOKIES=TILDAUTM%3Dutm_source%3Dyandex",
	               KT_INTAKE_FORM, "tilda", &l), 0, "utm field and cookie: read");
	is_str(l.v[KT_WL_UTM_SOURCE], "google", "utm field and cookie: the field wins");
	kt_weblead_free(&l);
}

static void test_reject_and_keep(void)
{
	struct kt_weblead l;

	is_int(lead_of("Name=Nobody&Comment=hi", KT_INTAKE_FORM, "site", &l), 0, "no contacts: read");
	is_str(l.reason, "no phone and no e-mail: nobody to call back", "no contacts: rejected");
	kt_weblead_free(&l);

	is_int(lead_of("Name=X&Phone=call+me&Email=x%40y.ru", KT_INTAKE_FORM, "site", &l), 0, "bad phone: read");
	is_str(l.reason, NULL, "bad phone with an e-mail: kept");
	is_str(l.v[KT_WL_PHONE], "", "bad phone: not stored as a phone");
	is_str(l.v[KT_WL_COMMENT], "Телефон (не распознан): call me", "bad phone: kept in the comment");
	kt_weblead_free(&l);

	is_int(lead_of("Phone=%2B375+29+123-45-67&Email=not-an-email", KT_INTAKE_FORM, "site", &l), 0,
	       "foreign phone: read");
	is_str(l.v[KT_WL_PHONE], "+375291234567", "foreign phone: E.164");
	is_str(l.v[KT_WL_EMAIL], "", "bad e-mail: dropped from e-mail");
	is_str(l.v[KT_WL_COMMENT], "E-mail (не распознан): not-an-email", "bad e-mail: kept in the comment");
	kt_weblead_free(&l);

	char *big = malloc(10000 + 40);
	strcpy(big, "Phone=89991234567&Comment=");
	memset(big + strlen(big), 'x', 10001);
	big[26 + 10001] = '\0';
	is_int(lead_of(big, KT_INTAKE_FORM, "site", &l), 0, "huge field: read");
	is_str(l.reason, "Comment: longer than 10000 bytes", "huge field: rejected naming it");
	kt_weblead_free(&l);
	free(big);
}

static void test_csv_headers(void)
{
	struct kt_weblead a, b, c;

	is_int(lead_of("ФИО;Телефон;Что интересует;Дата\nЁлкин Пётр;+7 495 123 45 67;Порошок;2026-11-20\n",
	               KT_INTAKE_CSV, "export", &a), 0, "russian header: read");
	is_str(a.v[KT_WL_NAME], "Ёлкин Пётр", "russian header: ФИО is the name");
	is_str(a.v[KT_WL_PHONE], "+74951234567", "russian header: phone");
	is_str(a.v[KT_WL_PRODUCT], "Порошок", "russian header: product interest");
	ok(a.external_id && !strncmp(a.external_id, "export:h", 8) && strlen(a.external_id) == 24,
	   "no tranid: a hash id (%s)", a.external_id);
	is_int(lead_of("фио;ТЕЛЕФОН;что интересует;дата\nЁлкин Пётр;8 495 1234567;Порошок;2026-11-20\n",
	               KT_INTAKE_CSV, "export", &b), 0, "same person, other spelling: read");
	is_str(b.external_id, a.external_id, "the hash is of the normalised fields: the same id");
	is_int(lead_of("ФИО;Телефон;Что интересует;Дата\nЁлкин Пётр;+7 495 123 45 67;Порошок;2026-11-21\n",
	               KT_INTAKE_CSV, "export", &c), 0, "another day: read");
	ok(strcmp(c.external_id, a.external_id) != 0, "another time: another id");
	kt_weblead_free(&a);
	kt_weblead_free(&b);
	kt_weblead_free(&c);
}

int main(void)
{
	test_tilda();
	test_reject_and_keep();
	test_csv_headers();
	return done_testing();
}
