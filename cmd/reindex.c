/*
 * reindex.c - kontora reindex: rebuild .git/kontora/index.db from HEAD.
 */
#include <string.h>

#include "cmd.h"

static const char reindex_usage[] = N_("usage: kontora reindex\n");

int cmd_reindex(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage(reindex_usage, 1);
	if (argc != 1)
		usage(reindex_usage, 0);
	if (kt_index_rebuild(ctx->books, &err))
		die_err(&err);
	return 0;
}
