/*
 * tick.c - kontora tick [--dry-run]: fires the timed robots of the
 * workflows (their "every" lines) that are due at the books' clock, in
 * one commit listing what fired, and prints each.  Run from cron; a
 * second tick at once fires nothing and commits nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char tick_usage[] = N_(
	"usage: kontora tick [--dry-run]\n");

/* What fired, one line each, for stdout and the commit message. */
struct fired {
	struct kt_buf lines;
};

/* A kt_tick_fn: adds "TYPE ID: notice for LOGIN: TEXT (FILE:LINE)" to
 * the lines.  Dies when out of memory. */
static void fired_line(void *arg, const struct kt_flow_timer *t, const char *type,
                       const char *id, const char *to)
{
	struct fired *f = arg;
	const char *file = strchr(t->rule, ' ');
	int len = file ? (int)(file - t->rule) : (int)strlen(t->rule);

	if (kt_buf_addf(&f->lines, _("%s %s: notice for %s: %s (%.*s:%ld)\n"), type, id,
	                *to ? to : _("nobody"), t->text, len, t->rule, t->line))
		die("out of memory");
}

int cmd_tick(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };
	struct fired f = { { 0 } };
	struct kt_buf msg = { 0 };
	struct kt_change *ch;
	int dry_run, n;

	dry_run = dry_run_option(argc, argv, tick_usage);
	if (optind < argc)
		usage_error(tick_usage, "tick takes no arguments");
	if (kt_change_begin(ctx->books, "tick", &ch, &err))
		die_err(&err);
	if ((n = kt_tick(ch, fired_line, &f, &err)) < 0) {
		kt_change_free(ch);
		die_err(&err);
	}
	if (f.lines.data)
		fputs(f.lines.data, stdout);
	if (!n) {
		kt_change_free(ch);   /* nothing due: no commit */
		return 0;
	}
	/* The subject counts, the body lists each notice for git log. */
	if (kt_buf_addf(&msg, "tick: %d notice%s\n\n%s", n, n == 1 ? "" : "s", f.lines.data))
		die("out of memory");
	while (msg.len && msg.data[msg.len - 1] == '\n')
		msg.data[--msg.len] = '\0';
	change_finish(ch, dry_run, dry_run ? NULL : msg.data, NULL);
	kt_buf_free(&msg);
	kt_buf_free(&f.lines);
	return 0;
}
