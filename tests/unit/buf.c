/*
 * buf.c - unit tests for lib/util/buf.c and lib/util/error.c.
 */
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

static void test_add(void)
{
	struct kt_buf b = { 0 };

	ok(b.data == NULL, "a new buffer holds nothing");
	is_int(kt_buf_adds(&b, ""), 0, "adds of \"\"");
	is_str(b.data, "", "adding nothing still gives a string");
	is_int(kt_buf_adds(&b, "привет"), 0, "adds");
	is_int(kt_buf_addc(&b, ','), 0, "addc");
	is_int(kt_buf_add(&b, " world!!", 6), 0, "add with a length");
	is_str(b.data, "привет, world", "contents");
	is_int((long long)b.len, (long long)strlen("привет, world"), "len");
	ok(b.cap > b.len, "room for the NUL");
	is_int(kt_buf_cat(&b, "; ", "", "ёж", " и ", "уж", (char *)NULL), 0, "cat");
	is_str(b.data, "привет, world; ёж и уж", "cat appends every string up to NULL");
	kt_buf_reset(&b);
	is_int(kt_buf_cat(&b, (char *)NULL), 0, "cat of nothing");
	ok(b.len == 0 && !*b.data, "leaves the string empty");
	kt_buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "free empties");
}

static void test_addf(void)
{
	struct kt_buf b = { 0 };
	char big[1000];
	int i;

	is_int(kt_buf_addf(&b, "%d-%s", 42, "x"), 0, "addf");
	is_str(b.data, "42-x", "addf contents");
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	is_int(kt_buf_addf(&b, "[%s]", big), 0, "addf longer than the room left");
	is_int((long long)b.len, 4 + 2 + 999, "len after a long addf");
	ok(b.data[5] == 'z' && b.data[b.len - 1] == ']' && b.data[b.len] == '\0',
	   "a long addf is complete and terminated");
	kt_buf_reset(&b);
	for (i = 0; i < 10000; i++)
		kt_buf_addf(&b, "%d,", i % 10);
	is_int((long long)b.len, 20000, "many small addf");
	ok(memcmp(b.data + 19990, "5,6,7,8,9,", 10) == 0, "many small addf contents");
	kt_buf_free(&b);
}

static void test_grow_reset(void)
{
	struct kt_buf b = { 0 };

	is_int(kt_buf_grow(&b, 100), 0, "grow");
	ok(b.cap >= 101 && b.len == 0, "grow makes room for len and NUL");
	is_int(kt_buf_grow(&b, (size_t)-1), KT_ENOMEM, "grow beyond SIZE_MAX fails");
	kt_buf_adds(&b, "abc");
	kt_buf_reset(&b);
	ok(b.len == 0 && b.data && b.data[0] == '\0' && b.cap > 0,
	   "reset keeps the memory and leaves \"\"");
	kt_buf_reset(&b);
	kt_buf_free(&b);
	kt_buf_reset(&b);
	ok(b.data == NULL, "reset of an empty buffer");
	kt_buf_free(&b);
}

static void test_detach(void)
{
	struct kt_buf b = { 0 };
	char *s;

	s = kt_buf_detach(&b);
	is_str(s, "", "detach of an empty buffer gives \"\"");
	free(s);
	kt_buf_adds(&b, "abc");
	s = kt_buf_detach(&b);
	is_str(s, "abc", "detach gives the string");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "detach empties the buffer");
	free(s);
}

static void test_error(void)
{
	struct kt_error err = { 0 };
	char big[2000];

	is_int(kt_error_set(&err, KT_EINVAL, "%s: bad %d", "inn", 7), KT_EINVAL,
	       "error_set returns the code");
	is_int(err.code, KT_EINVAL, "error_set sets the code");
	is_str(err.msg, "inn: bad 7", "error_set formats");
	is_int(kt_error_set(NULL, KT_EIO, "x"), KT_EIO, "error_set with NULL");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	kt_error_set(&err, KT_ECSV, "%s", big);
	is_int((long long)strlen(err.msg), sizeof err.msg - 1, "a long message is cut");
}

int main(void)
{
	test_add();
	test_addf();
	test_grow_reset();
	test_detach();
	test_error();
	return done_testing();
}
