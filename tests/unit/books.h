/*
 * books.h - new books for a unit test of what needs them (an import, the
 * change's ids): made as the admin at a fixed time in a directory of
 * their own, and removed after.  Include after tap.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kontora.h"

/* Makes new books in dir (a mkdtemp() template, filled in) and opens
 * them into *b.  Returns 1, or 0 after a failed test saying why. */
static int books_new(char *dir, struct kt_books **b)
{
	struct kt_error err = { 0 };
	struct kt_init init = { .datadir = ".", .name = "Админ", .email = "admin@example.com",
	                        .now = 1795341600 };
	struct kt_options opt = { .user = "admin", .now = 1795341600 };

	if (!ok(mkdtemp(dir) != NULL, "a directory for the books"))
		return 0;
	init.dir = dir;
	if (!is_int(kt_books_init(&init, &err), 0, "new books") ||
	    !is_int(kt_books_open(dir, &opt, b, &err), 0, "open them")) {
		printf("# %s\n", err.msg);
		return 0;
	}
	return 1;
}

/* Closes b and removes its directory dir.  Returns 1, or 0 when dir could
 * not be removed. */
static int books_done(struct kt_books *b, const char *dir)
{
	char cmd[256];

	kt_books_close(b);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0;
}
