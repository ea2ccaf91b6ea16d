/*
 * export.c - kontora export 1c: the issued invoices of a period, and the
 * clients 1C does not know yet, as a CommerceML file for 1C's "обмен с
 * сайтом".  See kontora-export(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char export_usage[] = N_(
	"usage: kontora export 1c [--from DATE] [--to DATE] [-o FILE]\n");

/* Reads the date typed for option into day, or dies naming it. */
static void typed_date(struct kt_books *b, const char *option, const char *typed, char day[11])
{
	if (kt_date_parse(typed, kt_books_now(b), day))
		usage_error(export_usage, "export 1c: %s: not a date: %s", option, typed);
}

/* kontora export 1c: writes the file to -o FILE (through a temporary
 * file renamed into place) or standard output, and says on standard
 * error how many invoices and new clients went. */
static int export_1c(int argc, char **argv, struct kt_books *b)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char from[11] = "", to[11] = "";
	const char *path = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(export_usage, 1);
		else if (c == 'F')
			typed_date(b, "--from", optarg, from);
		else if (c == 'T')
			typed_date(b, "--to", optarg, to);
		else if (c == 'o')
			path = optarg;
		else
			option_error(argv, export_usage);
	}
	if (optind != argc)
		usage_error(export_usage, "export 1c: unexpected %s", argv[optind]);
	if (*from && *to && strcmp(from, to) > 0)
		usage_error(export_usage, "export 1c: --from %s is after --to %s", from, to);

	struct kt_error err = { 0 };
	struct kt_buf out = { 0 };
	size_t norders = 0, nclients = 0;
	if (kt_export_1c(b, *from ? from : NULL, *to ? to : NULL, &out, &norders, &nclients, &err))
		die_err(&err);
	if (path ? kt_file_replace(path, out.data, out.len, &err) :
	    fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout)) {
		if (!path)
			die("cannot write to standard output");
		die_err(&err);
	}
	kt_buf_free(&out);
	fprintf(stderr, _("kontora: for 1C: invoices: %zu, new clients: %zu\n"), norders, nclients);
	return 0;
}

/* kontora export: what kontora writes for other programs; 1C for now. */
int cmd_export(int argc, char **argv, struct kt_ctx *ctx)
{
	if (argc < 2)
		usage(export_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(export_usage, 1);
	if (!strcmp(argv[1], "1c"))
		return export_1c(argc - 1, argv + 1, ctx->books);
	usage_error(export_usage, "export %s: not 1c", argv[1]);
}
