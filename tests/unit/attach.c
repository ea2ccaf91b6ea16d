/*
 * attach.c - unit tests for lib/model/files.c and lib/util/text.c: the sizes of attach.max-size and
 * the paths under files/ that kt_change_file() takes.  Storing and
 * listing need books: tests/t/t1060-attach.sh.
 */
#include <stdint.h>
#include <string.h>

#include "model/model.h"
#include "tap.h"

static void size_is(const char *s, int64_t expected)
{
	int64_t got = -1;

	is_int(kt_size_parse(s, &got), 0, "size \"%s\" parses", s);
	is_int((int)(got == expected), 1, "size \"%s\" is %lld (got %lld)", s, (long long)expected,
	       (long long)got);
}

static void test_sizes(void)
{
	static const char *const bad[] = {
		"", "0", "0K", "-1", "+5", " 5", "5 ", "5MB", "5T", "1.5M", "M", "k5", "2048G",
		"99999999999999999999",
	};
	int64_t got;

	size_is("1", 1);
	size_is("1024", 1024);
	size_is("1K", 1024);
	size_is("1k", 1024);
	size_is("20M", 20 * 1024 * 1024);
	size_is("20m", 20 * 1024 * 1024);
	size_is("2G", (int64_t)2 << 30);
	size_is("1024G", (int64_t)1 << 40);
	is_int((int)(KT_ATTACH_MAX == 20 * 1024 * 1024), 1, "the default is 20 MB");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(kt_size_parse(bad[i], &got), KT_EINVAL, "size \"%s\" is refused", bad[i]);
}

static void test_paths(void)
{
	static const char *const good[] = {
		"C7Q4M2ZX/price.pdf", "C7Q4M2ZX/Прайс 2026.txt", "L3F9K2QX/a", "C7Q4M2ZX/a.b.c",
		"L3F9K2QX/calc/formula.xlsx",
	};
	static const char *const bad[] = {
		"", "C7Q4M2ZX", "C7Q4M2ZX/", "/C7Q4M2ZX/a", "C7Q4M2ZX//a", "C7Q4M2ZX/.hidden",
		"C7Q4M2ZX/..", "../etc/passwd", "C7Q4M2ZX/./a", ".git/config", "C7Q4M2ZX/a\nb",
		"C7Q4M2ZX/a\tb", "C7Q4M2ZX/\xff\xfe",
	};
	char longname[300];

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		is_int(files_path_valid(good[i]), 1, "path \"%s\" is taken", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(files_path_valid(bad[i]), 0, "path \"%s\" is refused", bad[i]);
	memset(longname, 'a', sizeof longname);
	memcpy(longname, "C7Q4M2ZX/", 9);
	longname[9 + 255] = '\0';
	is_int(files_path_valid(longname), 1, "a name of 255 bytes is taken");
	longname[9 + 255] = 'a';
	longname[9 + 256] = '\0';
	is_int(files_path_valid(longname), 0, "a name of 256 bytes is refused");
}

int main(void)
{
	test_sizes();
	test_paths();
	return done_testing();
}
