/*
 * list.c - kontora list TYPE ...: kontora TYPE list with the type after
 * the command (cmd/util-record.c lists).
 */
#include <string.h>

#include "cmd.h"

static const char list_usage[] = N_(
	"usage: kontora list TYPE [--where EXPR] [--mine] [--sort [-]FIELD] [--limit N]\n"
	"                         [-f table|tsv|csv|json|xlsx] [-o FILE]\n");

int cmd_list(int argc, char **argv, struct kt_ctx *ctx)
{
	if (argc < 2)
		usage(list_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(list_usage, 1);
	const struct kt_schema *s = record_type(ctx, argv[1], argc, argv, list_usage);
	return record_list(argc - 1, argv + 1, ctx->books, s, list_usage);
}
