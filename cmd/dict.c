/*
 * dict.c - kontora dict: list the dictionaries (dicts/NAME.csv), their
 * entries, and add or remove an entry, each change one commit.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char dict_usage[] = N_(
	"usage: kontora dict\n"
	"       kontora dict list NAME [-f table|tsv|csv|json]\n"
	"       kontora dict add NAME ID LABEL [--dry-run]\n"
	"       kontora dict rm NAME ID [--force] [--dry-run]\n");

enum { OPT_DRY = 1000, OPT_FORCE };

static int print_name(void *arg, const char *name)
{
	printf("%s\n", name);
	return 0;
}

/* Parses the options of a subcommand: -f for list, --force for rm,
 * --dry-run for add and rm.  Returns the index of the first operand. */
static int parse_options(int argc, char **argv, const char *sub, enum out_format *fmt,
                         int *force, int *dry_run)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int is_list = !strcmp(sub, "list"), c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(dict_usage, 1);
		else if (c == 'f' && is_list)
			*fmt = out_format(optarg, dict_usage);
		else if (c == OPT_FORCE && !strcmp(sub, "rm"))
			*force = 1;
		else if (c == OPT_DRY && !is_list)
			*dry_run = 1;
		else
			option_error(argv, dict_usage);
	}
	return optind;
}

static int dict_list(struct kt_books *b, const char *name, enum out_format fmt)
{
	struct kt_error err = { 0 };
	struct printer *p = printer_new(fmt, stdout);
	int rc = kt_dict_list(b, name, printer_row, p, &err);

	printer_end(p);
	if (rc)
		die_err(&err);
	return 0;
}

/* Adds (label not NULL) or removes an entry in one commit, or prints what
 * would change for a dry run. */
static int dict_change(struct kt_books *b, const char *name, const char *id,
                       const char *label, int force, int dry_run)
{
	struct kt_error err = { 0 };
	struct kt_change *c;

	if (kt_change_begin(b, label ? "dict add" : "dict rm", &c, &err))
		die_err(&err);
	if (label ? kt_change_dict_add(c, name, id, label, &err)
	          : kt_change_dict_remove(c, name, id, force, &err)) {
		kt_change_free(c);
		die_err(&err);
	}
	change_finish(c, dry_run, NULL, id);
	return 0;
}

int cmd_dict(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };
	enum out_format fmt = OUT_TABLE;
	int force = 0, dry_run = 0;

	if (argc == 1) {
		if (kt_dict_names(ctx->books, print_name, NULL, &err))
			die_err(&err);
		return 0;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help"))
		usage(dict_usage, 1);
	if (strcmp(sub, "list") && strcmp(sub, "add") && strcmp(sub, "rm"))
		no_such_subcommand(dict_usage, "dict", sub, (const char *const[]){ "list", "add", "rm", NULL });
	argc--;
	argv++;
	int first = parse_options(argc, argv, sub, &fmt, &force, &dry_run);
	int n = argc - first;
	char **op = argv + first;
	if (!strcmp(sub, "list"))
		return n == 1 ? dict_list(ctx->books, op[0], fmt) : (usage(dict_usage, 0), 0);
	if (!strcmp(sub, "add"))
		return n == 3 ? dict_change(ctx->books, op[0], op[1], op[2], 0, dry_run)
		              : (usage(dict_usage, 0), 0);
	return n == 2 ? dict_change(ctx->books, op[0], op[1], NULL, force, dry_run)
	              : (usage(dict_usage, 0), 0);
}
