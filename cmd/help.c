/*
 * help.c - kontora help [COMMAND]: the manual page of a command.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char help_usage[] = N_("usage: kontora help [COMMAND]\n");

/* Returns 1 if name is a record type: a default schema, or one of the
 * books the command runs in. */
static int is_type(struct kt_ctx *ctx, const char *name)
{
	struct kt_error err = { 0 };
	char path[PATH_MAX], *root;

	snprintf(path, sizeof path, "%s/schemas/%s.schema", ctx->datadir, name);
	if (!strchr(name, '/') && !access(path, R_OK))
		return 1;
	if (kt_books_find(ctx->books_dir ? ctx->books_dir : ".", &root, &err))
		return 0;
	free(root);
	return kt_books_type(need_books(ctx), name) != NULL;
}

/* Returns the page name of a command: a record type with a page of its
 * own (kontora-task) has it, the others share kontora-record. */
static const char *page_of(struct kt_ctx *ctx, const char *cmd)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/man/kontora-%s.1", ctx->datadir, cmd);
	if (!strchr(cmd, '/') && !access(path, R_OK))
		return cmd;
	return is_type(ctx, cmd) ? "record" : cmd;
}

int cmd_help(int argc, char **argv, struct kt_ctx *ctx)
{
	char page[128], local[PATH_MAX];

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage(help_usage, 1);
	if (argc > 2)
		usage(help_usage, 0);
	if (argc == 1)
		snprintf(page, sizeof page, "kontora");
	else
		snprintf(page, sizeof page, "kontora-%s", page_of(ctx, argv[1]));
	fflush(stdout);
	for (int section = 1; section <= 5; section += 4) {
		snprintf(local, sizeof local, "%s/man/%s.%d", ctx->datadir, page, section);
		if (access(local, R_OK))
			continue;
		execlp("man", "man", "-l", local, (char *)NULL);
		/* No man(1) on the machine: mandoc formats the page itself. */
		execlp("mandoc", "mandoc", "-a", local, (char *)NULL);
	}
	execlp("man", "man", page, (char *)NULL);
	die("cannot run man(1) to show %s", page);
}
