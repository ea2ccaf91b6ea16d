/*
 * util-thin.c - what makes the kontora people run thin.  It links only what
 * most commands need (git, SQLite, jansson, libcsv); the commands and the
 * format that need the heavy libraries (libxml2, libxlsxwriter, libharu,
 * libqrencode, GMime: documents, contracts, reports, imports, mail, the
 * 1C export and -f xlsx) are stand-ins here that run kontora-full, all
 * of kontora, on the same command line.  Loading those libraries cost
 * every command about 4 ms, more than the rest of a lead show
 * (bench/README.md, start-up).
 *
 * A stand-in runs before its command has written anything or changed
 * the books: a heavy command at dispatch (main() may have opened the
 * books, which kontora-full does again), kt_xlsx_open() at the first row
 * of a list that -f xlsx writes to a file.  The Makefile links this file
 * before libkontora.a, so that the archive's xlsx.o is never taken; were
 * it needed for anything else, the link would fail on the duplicate.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"

/* Writes into path kontora-full's: beside this binary (the build tree),
 * else the installed one in KT_LIBEXECDIR. */
static void full_path(char path[PATH_MAX])
{
	char self[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			snprintf(path, PATH_MAX, "%s/kontora-full", self);
			if (!access(path, X_OK))
				return;
		}
	}
	snprintf(path, PATH_MAX, "%s/kontora-full", KT_LIBEXECDIR);
}

/* Runs kontora-full with this process's command line as it was given
 * (/proc/self/cmdline: main() has consumed the global options); does not
 * return. */
static void __attribute__((noreturn)) run_full(void)
{
	char path[PATH_MAX], **argv = NULL, chunk[4096];
	struct kt_buf line = { 0 };
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t n = 0, got;

	full_path(path);
	if (!f)
		die("/proc/self/cmdline: %s", strerror(errno));
	while ((got = fread(chunk, 1, sizeof chunk, f)))
		if (kt_buf_add(&line, chunk, got))
			die("out of memory");
	fclose(f);
	for (size_t at = 0; at < line.len; at += strlen(line.data + at) + 1) {
		char **v = realloc(argv, (n + 2) * sizeof *v);
		if (!v)
			die("out of memory");
		argv = v;
		argv[n++] = line.data + at;
	}
	if (!argv)
		die("/proc/self/cmdline: empty");
	argv[n] = NULL;
	execv(path, argv);
	die("%s: %s", path, strerror(errno));
}

/* The heavy commands: each runs kontora-full.  Returns never. */
int cmd_contract(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }
int cmd_export(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }
int cmd_import(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }
int cmd_invoice(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }
int cmd_mail(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }
int cmd_proposal(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }
int cmd_report(int argc, char **argv, struct kt_ctx *ctx) { run_full(); }

/* -f xlsx: the first row of the list runs kontora-full, which writes the
 * workbook.  Returns never; the others are never reached. */
int kt_xlsx_open(const char *path, const char *sheet, struct kt_xlsx **out, struct kt_error *err)
{
	run_full();
}

int kt_xlsx_row(void *xlsx, size_t ncols, const struct kt_column *cols, char *const *values)
{
	run_full();
}

int kt_xlsx_close(struct kt_xlsx *x, struct kt_error *err)
{
	run_full();
}

void kt_xlsx_free(struct kt_xlsx *x)
{
}
