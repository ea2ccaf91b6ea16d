/*
 * util-employee.c - kontora employee deactivate LOGIN --to OTHER: an
 * employee who leaves is made inactive and their open records go to
 * another, in one commit.  A subcommand of the record type employee
 * (cmd/util-record.c has the others).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char deactivate_usage[] = N_(
	"usage: kontora employee deactivate LOGIN --to OTHER [--dry-run]\n");

/* Ids (and the active field) of the rows a list query gave. */
struct found {
	size_t n;
	char **ids;
	char *active;       /* of the first row, when the query has the column */
};

/* A kt_row_fn collecting the id of every row (and active) into a struct
 * found.  Returns 0. */
static int collect(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct found *f = arg;

	if (!values)
		return 0;
	for (size_t i = 0; i < ncols; i++) {
		if (!strcmp(cols[i].name, "active") && !f->active && !(f->active = strdup(values[i])))
			die("out of memory");
		if (strcmp(cols[i].name, "id"))
			continue;
		char **ids = realloc(f->ids, (f->n + 1) * sizeof *ids);
		if (!ids || !(ids[f->n] = strdup(values[i])))
			die("out of memory");
		f->ids = ids;
		f->n++;
	}
	return 0;
}

static void found_free(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->ids[i]);
	free(f->ids);
	free(f->active);
}

/* Runs a list query of s with where (every column, open records only)
 * into f, or dies. */
static void query(struct kt_books *b, const struct kt_schema *s, const char *where,
                  struct found *f)
{
	struct kt_query q = { .schema = s, .where = where, .all_columns = 1 };
	struct kt_error err = { 0 };

	if (kt_list(b, &q, collect, f, &err))
		die_err(&err);
}

/* Finds the employee whose login is login: fills f (one id and active) or
 * dies naming who is missing. */
static void employee(struct kt_books *b, const struct kt_schema *s, const char *login,
                     struct found *f)
{
	struct kt_buf where = { 0 };

	if (kt_buf_addf(&where, "login=\"%s\"", login))
		die("out of memory");
	query(b, s, where.data, f);
	kt_buf_free(&where);
	if (f->n != 1)
		die("employee %s: no employee with that login", login);
}

int employee_deactivate(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	enum { OPT_DRY = 1000, OPT_TO };
	static const struct option opts[] = {
		{ "to", required_argument, NULL, OPT_TO },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	struct found who = { 0 }, heir = { 0 };
	struct kt_buf subject = { 0 }, moved = { 0 };
	const char *to = NULL;
	int dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(deactivate_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == OPT_TO)
			to = optarg;
		else
			option_error(argv, deactivate_usage);
	}
	if (optind != argc - 1 || !to) {
		if (!to)
			fputs("kontora: error: deactivate needs --to OTHER, who takes the open records\n", stderr);
		usage(deactivate_usage, 0);
	}
	const char *login = argv[optind];
	if (!kt_schema_field(s, "active"))
		die("%s: no field active", s->file);
	if (!strcmp(login, to))
		die("employee %s: --to names the same employee", login);
	employee(b, s, login, &who);
	employee(b, s, to, &heir);
	if (who.active && !strcmp(who.active, "false"))
		die("employee %s is already inactive", login);
	if (heir.active && !strcmp(heir.active, "false"))
		die("employee %s is inactive: the records of %s must go to an active employee", to, login);

	struct kt_change *ch;
	char *names[] = { "active" }, *values[] = { "false" };
	if (kt_change_begin(b, "employee deactivate", &ch, &err))
		die_err(&err);
	if (kt_change_edit(ch, s, who.ids[0], names, values, 1, &err)) {
		kt_change_free(ch);
		die_err(&err);
	}
	/* Every type with an owner: its records of login that are open (not
	 * archived by the type's workflow; tasks not done) go to to. */
	for (size_t t = 0; t < kt_books_ntypes(b); t++) {
		const struct kt_schema *ts = kt_books_type_at(b, t);
		const struct kt_field *done = kt_schema_field(ts, "done");
		struct found open = { 0 };
		struct kt_buf where = { 0 };
		if (!ts->owner)
			continue;
		if (kt_buf_addf(&where, "%s=\"%s\"", ts->owner, login) ||
		    (done && done->type == KT_BOOL && kt_buf_adds(&where, " and done!=true")))
			die("out of memory");
		query(b, ts, where.data, &open);
		kt_buf_free(&where);
		char *owner[] = { ts->owner }, *heir_login[] = { (char *)to };
		for (size_t i = 0; i < open.n; i++)
			if (kt_change_edit(ch, ts, open.ids[i], owner, heir_login, 1, &err)) {
				kt_change_free(ch);
				die_err(&err);
			}
		if (open.n && kt_buf_addf(&moved, "%s%zu %s%s", moved.len ? ", " : "", open.n, ts->name,
		                          open.n == 1 ? "" : "s"))
			die("out of memory");
		found_free(&open);
	}
	if (kt_buf_addf(&subject, "employee %s: deactivated; %s now %s's", login,
	                moved.len ? moved.data : "no open records", to))
		die("out of memory");
	if (change_finish(ch, dry_run, subject.data, login))
		printf(_("deactivated %s; %s now %s's\n"), login, moved.len ? moved.data : _("no open records"), to);
	kt_buf_free(&subject);
	kt_buf_free(&moved);
	found_free(&who);
	found_free(&heir);
	return 0;
}
