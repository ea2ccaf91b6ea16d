/*
 * lookup.c - kontora lookup PHONE: whose number is it, for telephony
 * screen-pop scripts.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char lookup_usage[] = N_("usage: kontora lookup [-f table|tsv|csv|json] PHONE\n");

/* Prints nothing at all, not even the header, until a record is found. */
struct lookup_out {
	enum out_format fmt;
	struct printer *p;
};

static int lookup_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct lookup_out *o = arg;

	if (!values)
		return 0;
	if (!o->p) {
		o->p = printer_new(o->fmt, stdout);
		printer_row(o->p, ncols, cols, NULL);
	}
	return printer_row(o->p, ncols, cols, values);
}

int cmd_lookup(int argc, char **argv, struct kt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct lookup_out o = { OUT_TABLE, NULL };
	struct kt_error err = { 0 };
	struct kt_buf phone = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(lookup_usage, 1);
		else if (c == 'f') {
			o.fmt = out_format(optarg, lookup_usage);
			/* A screen-pop script reads stdout, where no workbook goes. */
			if (o.fmt == OUT_XLSX)
				usage(lookup_usage, 0);
		} else {
			option_error(argv, lookup_usage);
		}
	}
	if (optind == argc)
		usage(lookup_usage, 0);
	/* A number written in groups may come as several words: 8 495 123-45-67. */
	for (int i = optind; i < argc; i++)
		if ((phone.len && kt_buf_addc(&phone, ' ')) || kt_buf_adds(&phone, argv[i]))
			die("out of memory");
	int rc = kt_lookup_phone(ctx->books, phone.data, lookup_row, &o, &err);
	kt_buf_free(&phone);
	if (o.p)
		printer_end(o.p);
	if (rc < 0)
		die_err(&err);
	return rc > 0 ? 0 : 1;
}
