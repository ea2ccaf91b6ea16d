/*
 * tap.h - a tiny Test Anything Protocol helper for the unit tests:
 * ok(cond, name...), is_str(got, expected, name...) and is_int(got,
 * expected, name...) print "ok N - name" or "not ok N - name" (then
 * "# got: ... expected: ...") and return whether the check passed;
 * main() ends with "return done_testing();".
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TAP_FN static __attribute__((unused))
#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TAP_CHECK(pass) \
	do { va_list ap; va_start(ap, fmt); tap_result(pass, fmt, ap); va_end(ap); } while (0)

static int tap_run, tap_failed;

/* Prints s with \n \r \t escaped so that a TAP line stays one line. */
TAP_FN void tap_escape(const char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			printf("\\%c", *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't');
		else
			putchar(*s);
}

/* Prints label, then s escaped in double quotes, or NULL. */
TAP_FN void tap_show(const char *label, const char *s)
{
	fputs(label, stdout);
	if (s) {
		putchar('"');
		tap_escape(s);
	}
	fputs(s ? "\"" : "NULL", stdout);
}

/* Prints the result line of the next check.  Returns pass. */
TAP_FN TAP_PRINTF(2, 0) int tap_result(int pass, const char *fmt, va_list ap)
{
	char name[512];

	vsnprintf(name, sizeof name, fmt, ap);
	tap_failed += !pass;
	printf("%sok %d - ", pass ? "" : "not ", ++tap_run);
	tap_escape(name);
	putchar('\n');
	return pass;
}

TAP_FN TAP_PRINTF(2, 3) int ok(int pass, const char *fmt, ...)
{
	TAP_CHECK(pass);
	return pass;
}

TAP_FN TAP_PRINTF(3, 4)
int is_str(const char *got, const char *expected, const char *fmt, ...)
{
	int pass = got && expected ? strcmp(got, expected) == 0 : got == expected;

	TAP_CHECK(pass);
	if (!pass) {
		tap_show("# got: ", got);
		tap_show(" expected: ", expected);
		putchar('\n');
	}
	return pass;
}

TAP_FN TAP_PRINTF(3, 4)
int is_int(long long got, long long expected, const char *fmt, ...)
{
	TAP_CHECK(got == expected);
	if (got != expected)
		printf("# got: %lld expected: %lld\n", got, expected);
	return got == expected;
}

/* Prints "ok N # skip why": a check that cannot run here (a tool is
 * missing).  Returns 1. */
TAP_FN TAP_PRINTF(1, 2) int skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # skip ", ++tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 1;
}

/* Prints the plan "1..N".  Returns the exit status: 1 if a check failed. */
TAP_FN int done_testing(void)
{
	printf("1..%d\n", tap_run);
	return tap_failed > 0;
}

#endif
