/*
 * attach.c - kontora attach ID FILE...: stores files (price lists,
 * specifications, photos) with a record under files/ID/ in the books, in
 * one commit; kontora attach --list ID lists them.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char attach_usage[] = N_(
	"usage: kontora attach ID FILE... [--name NAME] [--force] [--dry-run]\n"
	"       kontora attach --list ID [-f table|tsv|csv|json]\n");

/* kontora attach --list ID: the record's files as a table. */
static int attach_list(struct kt_books *b, const char *prefix, enum out_format fmt)
{
	struct kt_error err = { 0 };
	const struct kt_schema *s;
	char *id;

	if (fmt == OUT_XLSX)
		usage(attach_usage, 0);
	if (kt_resolve_id(b, NULL, prefix, &id, &s, &err))
		die_err(&err);
	struct printer *p = printer_new(fmt, stdout);
	int rc = kt_files_list(b, id, printer_row, p, &err);
	free(id);
	if (rc) {
		printer_abort(p);
		die_err(&err);
	}
	printer_end(p);
	return 0;
}

/* Appends to subject the names of the files, at most three, then how
 * many more. */
static void subject_names(struct kt_buf *subject, char *const *paths, size_t n)
{
	for (size_t i = 0; i < n && i < 3; i++)
		if (kt_buf_addf(subject, "%s%s", i ? ", " : " ", strrchr(paths[i], '/') + 1))
			die("out of memory");
	if (n > 3 && kt_buf_addf(subject, " and %zu more", n - 3))
		die("out of memory");
}

/* Frees the n paths of paths (NULL ones too) and the array. */
static void paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* kontora attach: see kontora-attach(1).  Returns the exit status. */
int cmd_attach(int argc, char **argv, struct kt_ctx *ctx)
{
	enum { OPT_DRY = 1000, OPT_FORCE, OPT_LIST, OPT_NAME };
	static const struct option opts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_books *b = ctx->books;
	struct kt_error err = { 0 };
	const char *name = NULL, *format = NULL;
	int dry_run = 0, force = 0, list = 0, c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(attach_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == OPT_FORCE)
			force = 1;
		else if (c == OPT_LIST)
			list = 1;
		else if (c == OPT_NAME)
			name = optarg;
		else if (c == 'f')
			format = optarg;
		else
			option_error(argv, attach_usage);
	}
	if (list) {
		if (optind != argc - 1 || name || force || dry_run)
			usage(attach_usage, 0);
		return attach_list(b, argv[optind], format ? out_format(format, attach_usage) : OUT_TABLE);
	}
	if (format || argc - optind < 2)
		usage(attach_usage, 0);
	if (name && argc - optind > 2) {
		fputs("kontora: error: --name: one file at a time\n", stderr);
		usage(attach_usage, 0);
	}

	const struct kt_schema *s;
	char *id;
	if (kt_resolve_id(b, NULL, argv[optind], &id, &s, &err))
		die_err(&err);
	struct kt_change *ch;
	if (kt_change_begin(b, "attach", &ch, &err)) {
		free(id);
		die_err(&err);
	}
	size_t n = (size_t)(argc - optind - 1);
	char **paths = calloc(n, sizeof *paths);
	if (!paths)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		if (kt_change_attach(ch, id, argv[optind + 1 + (int)i], name, force, &paths[i], &err)) {
			char what[64];
			snprintf(what, sizeof what, "%s %s: ", s->name, id);
			kt_change_free(ch);
			paths_free(paths, n);
			free(id);
			/* The record is named once, by the library or here. */
			if (!strncmp(err.msg, what, strlen(what)))
				die_err(&err);
			die("%s%s", what, err.msg);
		}

	struct kt_buf subject = { 0 };
	if (kt_buf_addf(&subject, "%s %s: attach", s->name, id))
		die("out of memory");
	subject_names(&subject, paths, n);
	/* Files the books already have make no commit: said here, with why. */
	if (!change_finish(ch, dry_run, subject.data, NULL) && !dry_run)
		warn("%s: nothing to change (the same bytes are there)", id);
	for (size_t i = 0; !dry_run && i < n; i++)
		printf("%s\n", paths[i]);
	paths_free(paths, n);
	kt_buf_free(&subject);
	free(id);
	return 0;
}
