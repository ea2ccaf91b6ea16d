/*
 * check.c - kontora check: validate the whole books, one line per problem.
 */
#include <string.h>

#include "cmd.h"

static const char check_usage[] = N_("usage: kontora check\n");

/* Prints one problem as file:line: field: message. */
static void print_problem(void *arg, const char *file, long line, const char *field,
                          const char *message)
{
	printf("%s", file);
	if (line > 0)
		printf(":%ld", line);
	if (field)
		printf(": %s", field);
	printf(": %s\n", message);
}

int cmd_check(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage(check_usage, 1);
	if (argc != 1)
		usage(check_usage, 0);
	int n = kt_check(ctx->books, print_problem, NULL, &err);
	progress_done();
	if (n < 0)
		die_err(&err);
	/* The requisites of clients and of the company, which documents print. */
	int r = kt_doc_check(ctx->books, print_problem, NULL, &err);
	if (r < 0)
		die_err(&err);
	n += r;
	fflush(stdout);
	if (n)
		fprintf(stderr, kt_ngettext("kontora: %d problem\n", "kontora: %d problems\n", (unsigned long)n), n);
	return n ? 1 : 0;
}
