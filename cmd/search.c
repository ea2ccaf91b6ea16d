/*
 * search.c - kontora search TEXT: find records by any of their words.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char search_usage[] =
	"usage: kontora search [--limit N] [-f table|tsv|csv|json|xlsx] [-o FILE] TEXT...\n";

int cmd_search(int argc, char **argv, struct kt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	struct kt_buf text = { 0 };
	enum out_format fmt = OUT_TABLE;
	const char *output = NULL;
	long limit = 50;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "hf:n:o:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(search_usage, 1);
		else if (c == 'f')
			fmt = out_format(optarg, search_usage);
		else if (c == 'o')
			output = optarg;
		else if (c == 'n' && (limit = strtol(optarg, &end, 10)) >= 0 && !*end)
			continue;
		else
			option_error(argv, search_usage);
	}
	if (optind == argc)
		usage(search_usage, 0);
	for (int i = optind; i < argc; i++)
		if ((text.len && kt_buf_addc(&text, ' ')) || kt_buf_adds(&text, argv[i]))
			die("out of memory");
	struct printer *p = printer_open(fmt, output, "search", search_usage);
	int rc = kt_search(ctx->books, text.data, limit, printer_row, p, &err);
	kt_buf_free(&text);
	if (rc) {
		printer_abort(p);
		die_err(&err);
	}
	printer_end(p);
	return 0;
}
