/*
 * help.c - kontora help [COMMAND]: the manual page of a command.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char help_usage[] = "usage: kontora help [COMMAND]\n";

/* Returns the page name of a command: record types share kontora-record. */
static const char *page_of(const struct kt_ctx *ctx, const char *cmd)
{
	static const char *const own[] = { "init", "check", "config", "help", "list", "log",
	                                   "reindex", "search", "sql", "books", "schema", "record" };

	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcmp(cmd, own[i]))
			return cmd;
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
