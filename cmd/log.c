/*
 * log.c - kontora log ID: every change of a record, from git's history.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static const char log_usage[] = "usage: kontora log ID\n";

/* Prints one commit's changes of the record. */
static int print_entry(void *arg, const struct kt_log_entry *e)
{
	time_t t = (time_t)e->time;
	struct tm tm;
	char when[32];

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	printf("%s  %s <%s>  %s\n", when, e->author, e->email, e->subject);
	for (size_t i = 0; i < e->nchanges; i++)
		printf("    %s: %s%s-> %s\n", e->changes[i].field, e->changes[i].old,
		       *e->changes[i].old ? " " : "", e->changes[i].new);
	if (e->removed)
		printf("    removed\n");
	return 0;
}

int cmd_log(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };
	const struct kt_schema *s;
	char *id;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage(log_usage, 1);
	if (argc != 2)
		usage(log_usage, 0);
	if (kt_resolve_id(ctx->books, NULL, argv[1], &id, &s, &err))
		die_err(&err);
	int rc = kt_log(ctx->books, s, id, print_entry, NULL, &err);
	free(id);
	if (rc)
		die_err(&err);
	return 0;
}
