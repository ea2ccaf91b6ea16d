/*
 * log.c - kontora log ID: every change of a record, from git's history.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static const char log_usage[] = N_("usage: kontora log ID\n");

/* Prints one commit's changes of the record. */
static int print_entry(void *arg, const struct kt_log_entry *e)
{
	time_t t = (time_t)e->time;
	struct tm tm;
	char when[32];

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	printf("%s  %s <%s>  %s\n", when, e->author, e->email, e->subject);
	for (size_t i = 0; i < e->nchanges; i++) {
		const struct kt_field_change *c = &e->changes[i];
		printf("    %s: %s%s->%s%s\n", c->field, c->old, *c->old ? " " : "",
		       *c->new ? " " : "", c->new);
	}
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
	int rc = kt_resolve_id(ctx->books, NULL, argv[1], &id, &s, &err);
	/* A removed record is no longer in the index: its full id still has
	 * a history. */
	if (rc == KT_ENOTFOUND && strlen(argv[1]) == 8 &&
	    (s = kt_books_type_by_prefix(ctx->books, argv[1][0]))) {
		if (!(id = strdup(argv[1])))
			die("out of memory");
		for (char *c = id; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		rc = 0;
	}
	if (rc)
		die_err(&err);
	rc = kt_log(ctx->books, s, id, print_entry, NULL, &err);
	free(id);
	if (rc)
		die_err(&err);
	return 0;
}
