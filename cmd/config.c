/*
 * config.c - kontora config: read and set kontora.conf like git config;
 * every set is one commit.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char config_usage[] = N_(
	"usage: kontora config KEY [VALUE] [--dry-run]\n"
	"       kontora config --unset KEY [--dry-run]\n"
	"       kontora config --list\n");

static int print_entry(void *arg, const char *key, const char *value)
{
	printf("%s=%s\n", key, value);
	return 0;
}

/* Sets (value) or unsets (NULL) key in one commit, or shows it for a dry
 * run.  A new assign.rule gets its counts now, from the admin who sets
 * it, rather than from the next lead add, which would wait a second at a
 * million leads. */
static int change(struct kt_books *b, const char *key, const char *value, int dry_run)
{
	struct kt_error err = { 0 };
	struct kt_change *c;

	if (kt_change_begin(b, "config", &c, &err) || kt_change_config(c, key, value, &err))
		die_err(&err);
	if (change_finish(c, dry_run, NULL, key) && !strcmp(key, "assign.rule") &&
	    kt_lead_counts_ready(b, &err))
		warn("%s", err.msg);
	return 0;
}

int cmd_config(int argc, char **argv, struct kt_ctx *ctx)
{
	enum { OPT_DRY = 1000 };
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "unset", no_argument, NULL, 'u' },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	int list = 0, unset = 0, dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "hl", opts, NULL)) != -1) {
		if (c == 'h')
			usage(config_usage, 1);
		else if (c == 'l')
			list = 1;
		else if (c == 'u')
			unset = 1;
		else if (c == OPT_DRY)
			dry_run = 1;
		else
			option_error(argv, config_usage);
	}
	argc -= optind;
	argv += optind;
	if (list) {
		if (argc || unset)
			usage(config_usage, 0);
		if (kt_config_foreach(ctx->books, print_entry, NULL, &err))
			die_err(&err);
		return 0;
	}
	if (unset)
		return argc == 1 ? change(ctx->books, argv[0], NULL, dry_run) : (usage(config_usage, 0), 0);
	if (argc == 2)
		return change(ctx->books, argv[0], argv[1], dry_run);
	if (argc != 1)
		usage(config_usage, 0);
	char *value;
	int rc = kt_config_get(ctx->books, argv[0], &value, &err);
	/* Like git config: a key that is not set prints nothing, exit 1. */
	if (rc == KT_ENOTFOUND)
		return 1;
	if (rc)
		die_err(&err);
	printf("%s\n", value);
	free(value);
	return 0;
}
