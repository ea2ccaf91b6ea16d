/*
 * util-task.c - kontora task done ID [--result TEXT]: closes a task, with
 * what came of it, in one commit.  A subcommand of the record type task
 * (cmd/util-record.c has the others).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char done_usage[] = N_(
	"usage: kontora task done ID [--result TEXT] [--dry-run]\n");

int task_done(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	enum { OPT_DRY = 1000, OPT_RESULT };
	static const struct option opts[] = {
		{ "result", required_argument, NULL, OPT_RESULT },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	struct kt_buf subject = { 0 };
	const struct kt_schema *found;
	const char *result = NULL;
	struct kt_record *r;
	int dry_run = 0, c;
	char *id;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(done_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == OPT_RESULT)
			result = optarg;
		else
			option_error(argv, done_usage);
	}
	if (optind != argc - 1)
		usage(done_usage, 0);
	if (!kt_schema_field(s, "done"))
		die("%s: no field done", s->file);
	if (kt_resolve_id(b, s->name, argv[optind], &id, &found, &err))
		die_err(&err);
	if (kt_record_read(b, s, id, &r, &err))
		die_err(&err);
	const char *done = kt_record_get(r, "done");
	int already = done && !strcmp(done, "true");
	kt_record_free(r);
	if (already)
		die("%s %s: already done", s->name, id);

	char *names[] = { "done", "result" };
	char *values[] = { "true", (char *)result };
	struct kt_change *ch;
	if (kt_change_begin(b, "task done", &ch, &err))
		die_err(&err);
	if (kt_change_edit(ch, s, id, names, values, result ? 2 : 1, &err)) {
		kt_change_free(ch);
		die("%s %s", s->name, err.msg);
	}
	if (kt_buf_addf(&subject, "%s %s: done", s->name, id))
		die("out of memory");
	if (result && result[strspn(result, " \t\r\n")]) {
		if (kt_buf_adds(&subject, ": "))
			die("out of memory");
		add_cut(&subject, result + strspn(result, " \t\r\n"), 60);
	}
	change_finish(ch, dry_run, subject.data, id);
	kt_buf_free(&subject);
	free(id);
	return 0;
}
