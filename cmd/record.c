/*
 * record.c - kontora TYPE add|show|edit|list|rm|...: the command of every
 * record type in the books' schemas/, so that a new schema file is a new
 * command without C code.  Its subcommands are in cmd/util-record.c,
 * shared with the commands that pass records on to them.
 */
#include "cmd.h"

int cmd_record(int argc, char **argv, struct kt_ctx *ctx)
{
	const struct kt_schema *s = record_type(ctx, argv[0], argc, argv, record_usage);

	return record_command(argc, argv, ctx->books, s);
}
