/*
 * init.c - kontora init DIR [--company FILE]: new books.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char init_usage[] = N_("usage: kontora init DIR [--company FILE]\n");

int cmd_init(int argc, char **argv, struct kt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "company", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_init opt = { .datadir = ctx->datadir, .now = ctx->opt.now };
	struct kt_error err = { 0 };
	char *name = NULL, *email = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(init_usage, 1);
		else if (c == 'c')
			opt.company = optarg;
		else
			option_error(argv, init_usage);
	}
	if (optind != argc - 1)
		usage(init_usage, 0);
	opt.dir = argv[optind];
	if (kt_git_identity(&name, &email, &err))
		die_err(&err);
	opt.name = name;
	opt.email = email;
	int rc = kt_books_init(&opt, &err);
	free(name);
	free(email);
	if (rc)
		die_err(&err);
	fprintf(stderr, _("kontora: new books in %s\n"), opt.dir);
	return 0;
}
