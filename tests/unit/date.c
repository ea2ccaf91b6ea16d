/*
 * date.c - unit tests for lib/util/date.c: dates and times as people type
 * them, in Moscow (UTC+3, no summer time) and in Berlin (summer time).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kontora.h"
#include "tap.h"

/* 2026-11-23 10:00:00 UTC, a Monday: 13:00 in Moscow. */
static const time_t now = 1795428000;

static void test_date(void)
{
	static const struct { const char *in, *out; } good[] = {
		{ "2026-12-15", "2026-12-15" }, { "15.12.2026", "2026-12-15" }, { "5.1.2027", "2027-01-05" },
		{ "15.12", "2026-12-15" }, { " 01.03 ", "2026-03-01" }, { "29.02.2028", "2028-02-29" },
		{ "сегодня", "2026-11-23" }, { "today", "2026-11-23" }, { "Today", "2026-11-23" },
		{ "завтра", "2026-11-24" }, { "tomorrow", "2026-11-24" }, { "послезавтра", "2026-11-25" },
		{ "вчера", "2026-11-22" }, { "yesterday", "2026-11-22" }, { "+3d", "2026-11-26" },
		{ "+2w", "2026-12-07" }, { "-1d", "2026-11-22" }, { "+0d", "2026-11-23" },
		{ "+10д", "2026-12-03" }, { "+1н", "2026-11-30" }, { "+40d", "2027-01-02" },
	};
	static const char *const bad[] = {
		"", " ", "x", "15", "15.", "15.13", "32.12", "29.02", "29.02.2027", "15.12.26",
		"2026-12-1", "2026-13-01", "+3", "+3x", "+d", "3d", "today x", "todayx",
		"2026-12-15T10:00:00Z", "15.12.2026 10:00", "+123456d", "сегодня!",
	};
	char out[11];

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		strcpy(out, "?");
		ok(!kt_date_parse(good[i].in, now, out), "date \"%s\" is read", good[i].in);
		is_str(out, good[i].out, "date \"%s\"", good[i].in);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(kt_date_parse(bad[i], now, out), KT_EINVAL, "not a date: \"%s\"", bad[i]);
}

static void test_datetime(void)
{
	static const struct { const char *in, *out; } good[] = {
		{ "2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z" },
		{ "2026-11-10T10:00:00+03:00", "2026-11-10T07:00:00Z" },
		{ "2026-11-10T10:00+0300", "2026-11-10T07:00:00Z" },
		{ "2026-11-10T10:00:00-05", "2026-11-10T15:00:00Z" },
		{ "2026-11-10T10:00z", "2026-11-10T10:00:00Z" },
		{ "2026-11-10 10:00", "2026-11-10T07:00:00Z" },        /* local: Moscow */
		{ "15.12.2026 14:30", "2026-12-15T11:30:00Z" },
		{ "завтра 09:00", "2026-11-24T06:00:00Z" },
		{ "15.12", "2026-12-14T21:00:00Z" },                   /* local midnight */
		{ "now", "2026-11-23T10:00:00Z" }, { "сейчас", "2026-11-23T10:00:00Z" },
	};
	static const char *const bad[] = {
		"", "2026-11-10T25:00:00Z", "2026-11-10T10:60Z", "2026-11-10T10Z", "2026-11-10Z",
		"2026-11-10T10:00:00+3", "2026-11-10T10:00:00+15:00", "2026-11-10T10:00:00+03:60",
		"2026-11-10T10:00:00 Z", "2026-11-10T10:00:00+03:00x", "15.12.2026 14", "x 10:00",
	};
	char out[21];

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		strcpy(out, "?");
		ok(!kt_datetime_parse(good[i].in, now, out), "time \"%s\" is read", good[i].in);
		is_str(out, good[i].out, "time \"%s\"", good[i].in);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(kt_datetime_parse(bad[i], now, out), KT_EINVAL, "not a time: \"%s\"", bad[i]);
}

/* Days counted across a change of summer time stay calendar days. */
static void test_summer_time(void)
{
	char out[21];
	/* 2026-10-24 12:00 UTC, Saturday before Berlin's clocks go back. */
	time_t sat = 1792843200;

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	ok(!kt_date_parse("+1d", sat, out) && !strcmp(out, "2026-10-25"), "+1d over the change: %s", out);
	ok(!kt_datetime_parse("+2d", sat, out) && !strcmp(out, "2026-10-25T23:00:00Z"),
	   "+2d at midnight after the change: %s", out);
	ok(!kt_datetime_parse("2026-07-01 12:00", sat, out) && !strcmp(out, "2026-07-01T10:00:00Z"),
	   "a local time in summer: %s", out);
}

int main(void)
{
	setenv("TZ", "Europe/Moscow", 1);
	tzset();
	test_date();
	test_datetime();
	test_summer_time();
	return done_testing();
}
