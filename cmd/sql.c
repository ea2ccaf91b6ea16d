/*
 * sql.c - kontora sql QUERY: one read-only statement on the index.
 */
#include <getopt.h>
#include <string.h>

#include "cmd.h"

static const char sql_usage[] = N_("usage: kontora sql [-f table|tsv|csv|json|xlsx] [-o FILE] QUERY\n");

int cmd_sql(int argc, char **argv, struct kt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	enum out_format fmt = OUT_TABLE;
	const char *output = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "hf:o:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(sql_usage, 1);
		else if (c == 'f')
			fmt = out_format(optarg, sql_usage);
		else if (c == 'o')
			output = optarg;
		else
			option_error(argv, sql_usage);
	}
	if (optind != argc - 1)
		usage(sql_usage, 0);
	struct printer *p = printer_open(fmt, output, "sql", sql_usage);
	int rc = kt_sql(ctx->books, argv[optind], printer_row, p, &err);
	if (rc) {
		printer_abort(p);
		die_err(&err);
	}
	printer_end(p);
	return 0;
}
