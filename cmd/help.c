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

/* Returns the books the command runs in, or NULL outside books. */
static struct kt_books *books_here(struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };
	char *root;

	if (kt_books_find(ctx->books_dir ? ctx->books_dir : ".", &root, &err))
		return NULL;
	free(root);
	return need_books(ctx);
}

/* Returns 1 if name is a record type: a default schema, or one of the
 * books b (NULL: none). */
static int is_type(struct kt_ctx *ctx, struct kt_books *b, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/schemas/%s.schema", ctx->datadir, name);
	if (!strchr(name, '/') && !access(path, R_OK))
		return 1;
	return b && kt_books_type(b, name) != NULL;
}

/* Returns 1 if name is one of the commands. */
static int is_command(const struct kt_ctx *ctx, const char *name)
{
	for (const char *const *c = ctx->commands; c && *c; c++)
		if (!strcmp(*c, name))
			return 1;
	return 0;
}

/* Returns the page name of a command: a record type with a page of its
 * own (kontora-task) has it, the others share kontora-record.  A word
 * that is neither ends kontora as a mistyped command does (exit 2), not
 * with man(1)'s "no manual entry" and its exit status. */
static const char *page_of(struct kt_ctx *ctx, const char *cmd)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/man/kontora-%s.1", ctx->datadir, cmd);
	if ((!strchr(cmd, '/') && !access(path, R_OK)) || is_command(ctx, cmd))
		return cmd;
	struct kt_books *b = books_here(ctx);
	if (!is_type(ctx, b, cmd))
		unknown_word(ctx, b, cmd);
	return "record";
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
