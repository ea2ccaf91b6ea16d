/*
 * lead.c - unit tests for lib/crm/lead.c through the public API, on books made
 * in a scratch directory from the default schemas (run from the top of
 * the source tree, as make check does): a batch of leads prepared with
 * one state, as an import distributes them in one change, what the
 * report says of dedupe, the processed mark of a lead added with its
 * task in one change, and two imports of one submission by one process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kontora.h"
#include "tap.h"
#include "books.h"

static struct kt_books *b;

/* Adds a record of type with the pairs and commits it; returns 0 or the
 * error, printed as a TAP comment. */
static int add(const char *type, char **names, char **values, size_t n)
{
	struct kt_error err = { 0 };
	struct kt_change *c = NULL;
	const char *id;
	int rc = kt_change_begin(b, "test", &c, &err);

	if (!rc && !(rc = kt_change_add(c, kt_books_type(b, type), names, values, n, &id, &err)))
		rc = kt_change_commit(c, NULL, NULL, &err);
	if (rc)
		printf("# %s\n", err.msg);
	kt_change_free(c);
	return rc;
}

static int employee(char *login, char *role, char *active)
{
	char *names[] = { "login", "name", "role", "active" };
	char *values[] = { login, login, role, active };

	return add("employee", names, values, 4);
}

/* Returns the value of name among the report's pairs, or NULL. */
static const char *pair(const struct kt_lead_report *r, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], name))
			v = r->values[i];
	return v;
}

static void test_batch(void)
{
	struct kt_error err = { 0 };
	struct kt_lead_state *st;
	struct kt_lead_report r;
	char *names[] = { "title" }, *values[] = { "Заявка" };
	char got[256] = "";

	if (!is_int(kt_lead_state_new(b, &st, &err), 0, "a state for a batch"))
		return;
	for (int i = 0; i < 11; i++) {
		if (kt_lead_prepare(st, names, values, 1, &r, &err)) {
			printf("# %s\n", err.msg);
			break;
		}
		if (i == 0) {
			is_int((long long)r.n, 2, "the pairs: title, then the manager");
			is_str(r.rule, "round-robin", "the rule");
			is_int(r.count, 0, "anna had no lead");
		}
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "",
		         r.manager ? r.manager : "-");
		kt_lead_report_free(&r);
	}
	is_str(got, "anna boris vera anna boris vera anna boris vera anna boris",
	       "11 leads of one batch go round: 4/4/3, inactive pavel and director oleg skipped");
	ok(r.n == 0 && !r.names && !r.manager, "kt_lead_report_free empties the report");

	char *given_n[] = { "title", "manager" }, *given_v[] = { "Своя", "vera" };
	kt_lead_prepare(st, given_n, given_v, 2, &r, &err);
	ok(!r.manager && !r.rule, "a manager given: nothing set");
	is_str(pair(&r, "manager"), "vera", "the given manager is in the pairs");
	kt_lead_report_free(&r);
	kt_lead_prepare(st, names, values, 1, &r, &err);
	is_str(r.manager, "anna", "vera's lead counted: then anna (4/4/4 before)");
	kt_lead_report_free(&r);
	kt_lead_state_free(st);

	/* A new batch: a lead given to anna before any count is read. */
	if (kt_lead_state_new(b, &st, &err))
		return;
	given_v[1] = "anna";
	kt_lead_prepare(st, given_n, given_v, 2, &r, &err);
	kt_lead_report_free(&r);
	kt_lead_prepare(st, names, values, 1, &r, &err);
	is_str(r.manager, "boris", "anna's lead of the batch is counted when the counts are read");
	kt_lead_report_free(&r);
	kt_lead_state_free(st);
}

static void test_dedupe(void)
{
	struct kt_error err = { 0 };
	struct kt_lead_state *st;
	struct kt_lead_report r;
	char *cn[] = { "name", "phone", "manager" }, *cv[] = { "Ромашка", "+7 495 123-45-67", "vera" };
	char *ln[] = { "title", "phone" }, *lv[] = { "Звонок", "8 (495) 123 45 67" };

	if (add("client", cn, cv, 3) || kt_lead_state_new(b, &st, &err))
		return;
	if (is_int(kt_lead_prepare(st, ln, lv, 2, &r, &err), 0, "prepare a lead with a known phone")) {
		ok(r.client && r.client[0] == 'C', "linked to the client");
		is_str(r.client_name, "Ромашка", "its name");
		is_str(r.match, "phone", "by phone");
		is_str(r.match_value, "+74951234567", "the stored form");
		is_str(r.manager, "vera", "its manager");
		is_str(r.rule, "client", "because of the client");
		is_str(pair(&r, "client"), r.client, "the client is in the pairs");
		ok(!r.contact && !pair(&r, "contact"), "no contact");
	}
	kt_lead_report_free(&r);
	kt_lead_state_free(st);
}

/* Returns the processed field of lead id at HEAD, or "?" (static). */
static const char *processed(const char *id)
{
	static char v[8];
	struct kt_error err = { 0 };
	struct kt_record *r;

	if (kt_record_read(b, kt_books_type(b, "lead"), id, &r, &err))
		return "?";
	snprintf(v, sizeof v, "%s", kt_record_get(r, "processed"));
	kt_record_free(r);
	return v;
}

static void test_processed(void)
{
	struct kt_error err = { 0 };
	struct kt_change *c = NULL;
	const char *id;
	char lead[9] = "";
	char *ln[] = { "title", "processed" }, *lv[] = { "С сайта", "false" };
	char *tn[] = { "text", "on" }, *tv[] = { "Обработать заявку", lead };

	/* As an import does: the lead and its task in one change. */
	if (kt_change_begin(b, "import", &c, &err) ||
	    kt_change_add(c, kt_books_type(b, "lead"), ln, lv, 2, &id, &err)) {
		printf("# %s\n", err.msg);
		kt_change_free(c);
		return;
	}
	snprintf(lead, sizeof lead, "%s", id);
	is_int(kt_change_add(c, kt_books_type(b, "task"), tn, tv, 2, &id, &err), 0, "a task on the new lead");
	is_int(kt_change_commit(c, NULL, NULL, &err), 0, "one commit");
	kt_change_free(c);
	is_str(processed(lead), "false", "a task added with its lead leaves the lead marked");

	char *an[] = { "on", "text" }, *av[] = { lead, "Позвонили" };
	is_int(add("activity", an, av, 2), 0, "a note on it, later");
	is_str(processed(lead), "true", "processes it");
}

/* Imports one web-lead row with tranid into the books as its own import
 * and commit; returns what became of it (-1 on an error, printed). */
static int import_one(const char *tranid)
{
	struct kt_error err = { 0 };
	struct kt_source_map m = { 0 };
	struct kt_import *im = NULL;
	struct kt_import_result res = { 0 };
	struct kt_import_summary sum;
	char *names[] = { "Name", "Phone", "tranid" };
	char *values[] = { "Ирина", "+7 916 555-01-02", (char *)tranid };
	struct kt_intake_row row = { .line = 2, .n = 3, .names = names, .values = values };
	int kind = -1;

	if (!kt_source_map_load(b, "tilda", &m, &err) && !kt_import_begin(b, "test", &im, &err) &&
	    !kt_import_row(im, &m, &row, "leads.csv", &res, &err)) {
		kind = (int)res.kind;
		if (kt_import_commit(im, 0, NULL, NULL, &sum, &err))
			kind = -1;
	}
	if (kind < 0)
		printf("# %s\n", err.msg);
	kt_import_free(im);
	kt_source_map_free(&m);
	return kind;
}

/* An import holds one read transaction, in which the index remembers
 * whether a value is taken: the next import of the same process must
 * ask again, and find the submission the first one committed. */
static void test_import_twice(void)
{
	is_int(import_one("tilda:1:77"), KT_IMPORT_NEW, "a submission imported");
	is_int(import_one("tilda:1:77"), KT_IMPORT_DUPLICATE,
	       "the same submission, imported again by the same process, is a duplicate");
}

int main(void)
{
	char dir[] = "/tmp/kontora-unit-lead.XXXXXX";

	if (!books_new(dir, &b))
		return done_testing();
	ok(!employee("vera", "manager", "true") && !employee("anna", "manager", "true") &&
	   !employee("boris", "manager", "да") && !employee("pavel", "manager", "false") &&
	   !employee("oleg", "director", "true"), "employees");
	test_batch();
	test_dedupe();
	test_processed();
	test_import_twice();
	ok(books_done(b, dir), "the books removed");
	return done_testing();
}
