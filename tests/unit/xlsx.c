/*
 * xlsx.c - unit tests for lib/export/xlsx.c: workbooks written through
 * kt_xlsx_*() into a temporary directory.  What is inside them (types,
 * formats, the frozen header, the autofilter) is checked with openpyxl by
 * tests/t/t0930-xlsx.sh; here, that a file is written or not, and the
 * errors.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kontora.h"
#include "tap.h"

static char dir[PATH_MAX];

static const struct kt_column cols[] = {
	{ "id", KT_TEXT, "id" },
	{ "name", KT_TEXT, "Название" },
	{ "amount", KT_MONEY, "Сумма" },
	{ "qty", KT_INT, "Количество" },
	{ "due", KT_DATE, "Срок" },
	{ "done", KT_BOOL, "Выполнена" },
	{ "created", KT_DATETIME, NULL },
};
#define NCOLS (sizeof cols / sizeof *cols)

/* Returns 1 if the file at path begins with a ZIP local file header. */
static int is_zip(const char *path)
{
	char head[4] = { 0 };
	FILE *f = fopen(path, "rb");
	int n = f ? (int)fread(head, 1, sizeof head, f) : 0;

	if (f)
		fclose(f);
	return n == 4 && !memcmp(head, "PK\x03\x04", 4);
}

static void path_of(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

static void test_write(void)
{
	char *row1[] = { "C1", "ООО Ромашка", "1234.50", "12", "2026-12-01", "true",
	                 "2026-11-23T10:00:00Z" };
	char *row2[] = { "C2", "Лютик", "не деньги", "x", "2026-13-01", "maybe", "" };
	char *row3[] = { "C3", "", "", "", "", "", "" };
	struct kt_error err = { 0 };
	struct kt_xlsx *x = NULL;
	char path[PATH_MAX + 32];

	path_of(path, sizeof path, "list.xlsx");
	is_int(kt_xlsx_open(path, "client", &x, &err), 0, "open");
	ok(x != NULL, "open gives a workbook");
	ok(access(path, F_OK) != 0, "nothing is written before close");
	is_int(kt_xlsx_row(x, NCOLS, cols, NULL), 0, "the header");
	is_int(kt_xlsx_row(x, NCOLS, cols, row1), 0, "a row of typed values");
	is_int(kt_xlsx_row(x, NCOLS, cols, row2), 0, "values that do not parse go as text");
	is_int(kt_xlsx_row(x, NCOLS, cols, row3), 0, "empty values");
	is_int(kt_xlsx_close(x, &err), 0, "close");
	ok(is_zip(path), "the file is a ZIP archive");
	unlink(path);
}

static void test_empty(void)
{
	struct kt_error err = { 0 };
	struct kt_xlsx *x = NULL;
	char path[PATH_MAX + 32];

	path_of(path, sizeof path, "empty.xlsx");
	is_int(kt_xlsx_open(path, "sql", &x, &err), 0, "open, for a header only");
	is_int(kt_xlsx_row(x, NCOLS, cols, NULL), 0, "the header");
	is_int(kt_xlsx_close(x, &err), 0, "close with no rows");
	ok(is_zip(path), "a workbook of the header alone");
	unlink(path);

	path_of(path, sizeof path, "odd-name.xlsx");
	is_int(kt_xlsx_open(path, "a/very:long*name[of]a?sheet\\beyond the limit", &x, &err), 0,
	       "a sheet's name with forbidden characters, too long, is mended");
	is_int(kt_xlsx_close(x, &err), 0, "close without even a header");
	ok(is_zip(path), "a workbook all the same");
	unlink(path);
}

static void test_errors(void)
{
	struct kt_error err = { 0 };
	struct kt_xlsx *x = NULL;
	char path[PATH_MAX + 32];
	char *row[NCOLS] = { "C1", NULL, "", "", "", "", "" };
	char *big;

	path_of(path, sizeof path, "no/such/dir.xlsx");
	is_int(kt_xlsx_open(path, "client", &x, &err), 0, "open does not touch the file");
	kt_xlsx_row(x, NCOLS, cols, NULL);
	is_int(kt_xlsx_close(x, &err), KT_EIO, "a file that cannot be created: KT_EIO");
	ok(strstr(err.msg, path) && strstr(err.msg, "No such file"), "the message names it: %s",
	   err.msg);

	path_of(path, sizeof path, "dropped.xlsx");
	is_int(kt_xlsx_open(path, "client", &x, &err), 0, "open, to drop");
	kt_xlsx_row(x, NCOLS, cols, NULL);
	kt_xlsx_free(x);
	ok(access(path, F_OK) != 0, "kt_xlsx_free() writes nothing");
	kt_xlsx_free(NULL);

	/* Excel's cells hold at most 32767 characters. */
	if (!(big = malloc(40001)))
		abort();
	memset(big, 'a', 40000);
	big[40000] = '\0';
	row[1] = big;
	path_of(path, sizeof path, "big.xlsx");
	is_int(kt_xlsx_open(path, "client", &x, &err), 0, "open, for a value too long");
	kt_xlsx_row(x, NCOLS, cols, NULL);
	is_int(kt_xlsx_row(x, NCOLS, cols, row), KT_EINVAL, "a value too long for a cell");
	row[1] = "short";
	is_int(kt_xlsx_row(x, NCOLS, cols, row), KT_EINVAL, "the first error is kept");
	memset(&err, 0, sizeof err);
	is_int(kt_xlsx_close(x, &err), KT_EINVAL, "and returned by close");
	ok(strstr(err.msg, path) && strstr(err.msg, "row 2, column 2"),
	   "the message names the file and the cell: %s", err.msg);
	ok(access(path, F_OK) != 0, "no file after an error");
	free(big);
}

/* Returns how many times word is in the sheet of the workbook at path
 * (unzip -p), or -1 when unzip cannot read it. */
static long count_in_sheet(const char *path, const char *word)
{
	char cmd[PATH_MAX + 80], buf[65536 + 64];
	size_t keep = 0, n, wlen = strlen(word);
	long count = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml 2>/dev/null", path);
	if (!(p = popen(cmd, "r")))
		return -1;
	while ((n = fread(buf + keep, 1, 65536, p)) > 0) {
		n += keep;
		for (char *at = buf; (at = memmem(at, n - (size_t)(at - buf), word, wlen)); at += wlen)
			count++;
		/* A word cut by the read is counted with the next. */
		keep = n < wlen ? n : wlen - 1;
		memmove(buf, buf + n - keep, keep);
		if (memmem(buf, keep, word, wlen))
			count--;
	}
	return pclose(p) ? -1 : count;
}

/* Checks that the workbook at path holds n rows of name and none of
 * other's (two checks, skipped when unzip cannot read it). */
static void holds_rows(const char *path, const char *name, long n, const char *other)
{
	if (count_in_sheet(path, "<row ") < 0) {
		skip("unzip cannot read %s", path);
		skip("unzip cannot read %s", path);
		return;
	}
	is_int(count_in_sheet(path, name), n, "%s holds its %ld rows", path, n);
	is_int(count_in_sheet(path, other), 0, "and none of those of another workbook");
}

/* Writes rows of name to x, enough to pass the temporary file's buffer. */
static void some_rows(struct kt_xlsx *x, char *name, int n)
{
	char *row[NCOLS] = { "C1", name, "1.00", "1", "2026-12-01", "true", "" };

	for (int i = 0; i < n; i++)
		kt_xlsx_row(x, NCOLS, cols, row);
}

/* Two workbooks at once, and one after a workbook dropped: the buffer of
 * the sheet's temporary file is one workbook's at a time. */
static void test_two(void)
{
	struct kt_error err = { 0 };
	struct kt_xlsx *a = NULL, *b = NULL, *c = NULL;
	char pa[PATH_MAX + 32], pb[PATH_MAX + 32], pc[PATH_MAX + 32];

	path_of(pa, sizeof pa, "a.xlsx");
	path_of(pb, sizeof pb, "b.xlsx");
	path_of(pc, sizeof pc, "c.xlsx");
	is_int(kt_xlsx_open(pa, "a", &a, &err), 0, "open a first workbook");
	is_int(kt_xlsx_open(pb, "b", &b, &err), 0, "and a second one while it is open");
	kt_xlsx_row(a, NCOLS, cols, NULL);
	kt_xlsx_row(b, NCOLS, cols, NULL);
	for (int i = 0; i < 10; i++) {
		some_rows(a, "первая", 1000);
		some_rows(b, "вторая", 700);
	}
	is_int(kt_xlsx_close(b, &err), 0, "close the second");
	is_int(kt_xlsx_close(a, &err), 0, "then the first");
	holds_rows(pa, "первая", 10000, "вторая");
	holds_rows(pb, "вторая", 7000, "первая");

	is_int(kt_xlsx_open(pc, "c", &c, &err), 0, "open a workbook to drop");
	kt_xlsx_row(c, NCOLS, cols, NULL);
	some_rows(c, "брошена", 5000);
	kt_xlsx_free(c);
	is_int(kt_xlsx_open(pc, "c", &c, &err), 0, "open one after it");
	kt_xlsx_row(c, NCOLS, cols, NULL);
	some_rows(c, "третья", 5000);
	is_int(kt_xlsx_close(c, &err), 0, "close it");
	holds_rows(pc, "третья", 5000, "брошена");
	unlink(pa);
	unlink(pb);
	unlink(pc);
}

/* Returns the descriptors this process has open, as a bit set of the
 * first 1024 in fds; 0, or -1 without /proc/self/fd. */
static int open_fds(unsigned char fds[128])
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return -1;
	memset(fds, 0, 128);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != dirfd(d) && fd < 1024)
			fds[fd / 8] |= (unsigned char)(1 << fd % 8);
	}
	closedir(d);
	return 0;
}

/* Returns the bytes on disk of the regular files open now that were not
 * in before (a sheet's temporary file), or -1 when there are none. */
static long new_files_size(const unsigned char before[128])
{
	unsigned char now[128];
	long size = -1;
	struct stat st;

	if (open_fds(now))
		return -1;
	for (int fd = 0; fd < 1024; fd++)
		if ((now[fd / 8] & ~before[fd / 8]) & (1 << fd % 8) && !fstat(fd, &st) &&
		    S_ISREG(st.st_mode))
			size = (size < 0 ? 0 : size) + (long)st.st_size;
	return size;
}

/* A workbook that fails, then one that must be written as the first of
 * the process would be: its temporary file has the 256 KiB buffer, so
 * 50 KiB of rows are not on disk yet, and nothing of the failed one is
 * left open or in it. */
static void test_after_failure(void)
{
	struct kt_error err = { 0 };
	struct kt_xlsx *x = NULL;
	unsigned char before[128];
	char path[PATH_MAX + 32];

	if (open_fds(before)) {
		for (int i = 0; i < 7; i++)
			skip("no /proc/self/fd to see the temporary files by");
		return;
	}
	path_of(path, sizeof path, "no/such/dir.xlsx");
	is_int(kt_xlsx_open(path, "failed", &x, &err), 0, "open a workbook that will fail");
	kt_xlsx_row(x, NCOLS, cols, NULL);
	some_rows(x, "неудачная", 1000);
	is_int(kt_xlsx_close(x, &err), KT_EIO, "it fails");
	is_int(new_files_size(before), -1, "its temporary file is closed");

	path_of(path, sizeof path, "after.xlsx");
	is_int(kt_xlsx_open(path, "after", &x, &err), 0, "open the next one");
	kt_xlsx_row(x, NCOLS, cols, NULL);
	some_rows(x, "следующая", 500);
	is_int(new_files_size(before), 0, "its rows wait in the 256 KiB buffer");
	is_int(kt_xlsx_close(x, &err), 0, "close it");
	holds_rows(path, "следующая", 500, "неудачная");
	unlink(path);
}

int main(void)
{
	snprintf(dir, sizeof dir, "%s/kontora-unit-xlsx.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_write();
	test_empty();
	test_errors();
	test_two();
	test_after_failure();
	rmdir(dir);
	return done_testing();
}
