/*
 * date.c - dates and times as people type them: ISO, 15.12.2026, 15.12
 * (this year), сегодня/today, завтра/tomorrow, вчера/yesterday, +3d,
 * +2w, -1d; times with a zone (Z, +03:00) or in local time.  One parser
 * for every place kontora reads a date: field values, --where, the
 * options of commands and KONTORA_NOW.  What is stored does not change:
 * YYYY-MM-DD and YYYY-MM-DDTHH:MM:SSZ.  Relative forms count from the
 * clock the caller gives, in the local time zone (TZ).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/util.h"

/* Words for days relative to today, in both languages. */
static const struct {
	const char *word;
	int days;
} day_words[] = {
	{ "сегодня", 0 }, { "today", 0 }, { "завтра", 1 }, { "tomorrow", 1 },
	{ "послезавтра", 2 }, { "вчера", -1 }, { "yesterday", -1 },
};

/* The units of +3d and +2w, and Russian д (день) and н (неделя). */
static const struct {
	const char *word;
	int days;
} units[] = { { "d", 1 }, { "w", 7 }, { "д", 1 }, { "н", 7 } };

/* Reads n digits at *s into *v, advancing *s past them.  Returns 1 when
 * there were between 1 and n of them (exactly n when exact), else 0. */
static int digits(const char **s, int n, int exact, int *v)
{
	int k = 0;

	*v = 0;
	while (k < n && isdigit((unsigned char)**s)) {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	return k && (!exact || k == n) && !isdigit((unsigned char)**s);
}

/* Sets *tm to the local calendar day of now moved by days, at midnight.
 * Returns 0, or -1 when the clock cannot be read as a local time. */
static int local_day(time_t now, int days, struct tm *tm)
{
	if (!localtime_r(&now, tm))
		return -1;
	tm->tm_mday += days;
	tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	tm->tm_isdst = -1;
	return mktime(tm) == (time_t)-1 ? -1 : 0;
}

/* Writes y-m-d (years 1-9999, months and days of two digits) as
 * YYYY-MM-DD into out, without printf: an import dates every task. */
static void iso_day(int y, int m, int d, char out[11])
{
	int v[3] = { y, m, d }, width[3] = { 4, 2, 2 };
	char *p = out;

	for (int i = 0; i < 3; i++) {
		for (int k = width[i] - 1; k >= 0; k--, v[i] /= 10)
			p[k] = (char)('0' + v[i] % 10);
		p += width[i];
		*p++ = i < 2 ? '-' : '\0';
	}
}

/* Returns 1 if y-m-d is a day of the calendar (years 1-9999). */
static int real_day(int y, int m, int d)
{
	char iso[11];

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	iso_day(y, m, d, iso);
	return kt_date_valid(iso);
}

/* Parses the date at the start of *s as date_parse() reads it, advancing
 * *s past it, into *y, *m, *d.  Returns 0 or -1. */
static int date_part(const char **s, time_t now, int *y, int *m, int *d)
{
	const char *p = *s;
	struct tm tm;
	int n;

	for (size_t i = 0; i < sizeof day_words / sizeof *day_words; i++) {
		size_t len = strlen(day_words[i].word);
		if (!strncasecmp(p, day_words[i].word, len) && (!p[len] || p[len] == ' ' || p[len] == 'T')) {
			if (local_day(now, day_words[i].days, &tm))
				return -1;
			*y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
			*s = p + len;
			return 0;
		}
	}
	if (*p == '+' || *p == '-') {
		/* +3d, +2w, -1d */
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (!digits(&p, 5, 0, &n))
			return -1;
		size_t u = 0;
		while (u < sizeof units / sizeof *units && strncmp(p, units[u].word, strlen(units[u].word)))
			u++;
		if (u == sizeof units / sizeof *units)
			return -1;
		n *= units[u].days;
		p += strlen(units[u].word);
		if (local_day(now, sign * n, &tm))
			return -1;
		*y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
		*s = p;
		return 0;
	}
	if (digits(&p, 4, 1, y) && *p == '-') {
		/* YYYY-MM-DD */
		p++;
		if (!digits(&p, 2, 1, m) || *p++ != '-' || !digits(&p, 2, 1, d))
			return -1;
	} else {
		/* DD.MM.YYYY or DD.MM (this year) */
		p = *s;
		if (!digits(&p, 2, 0, d) || *p++ != '.' || !digits(&p, 2, 0, m))
			return -1;
		if (*p == '.') {
			p++;
			if (!digits(&p, 4, 1, y))
				return -1;
		} else {
			if (local_day(now, 0, &tm))
				return -1;
			*y = tm.tm_year + 1900;
		}
	}
	if (!real_day(*y, *m, *d))
		return -1;
	*s = p;
	return 0;
}

/* Reads a date as people type it.  See kontora.h. */
int kt_date_parse(const char *in, time_t now, char out[11])
{
	const char *p = in;
	int y, m, d;

	while (*p == ' ')
		p++;
	if (date_part(&p, now, &y, &m, &d))
		return KT_EINVAL;
	while (*p == ' ')
		p++;
	if (*p)
		return KT_EINVAL;
	iso_day(y, m, d, out);
	return 0;
}

/* Reads the zone at p: Z, +HH:MM, +HHMM, +HH (or -), into *offset
 * (seconds east of UTC).  Returns 1 when there is one, 0 when p is at
 * the end (local time), -1 for anything else. */
static int zone(const char *p, long *offset)
{
	int h, m = 0;

	if (!*p)
		return 0;
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		*offset = 0;
		return 1;
	}
	if (*p != '+' && *p != '-')
		return -1;
	int sign = *p++ == '-' ? -1 : 1;
	const char *start = p;
	if (!digits(&p, 4, 0, &h))
		return -1;
	if (p - start == 4) {
		m = h % 100, h /= 100;
	} else if (p - start != 2) {
		return -1;
	} else if (*p == ':') {
		p++;
		if (!digits(&p, 2, 1, &m))
			return -1;
	}
	if (*p || h > 14 || m > 59)
		return -1;
	*offset = sign * (h * 3600L + m * 60L);
	return 1;
}

/* Reads a time as people type it.  See kontora.h. */
int kt_time_parse(const char *in, time_t now, time_t *out)
{
	const char *p = in;
	struct tm tm = { 0 };
	int y, m, d, hh = 0, mm = 0, ss = 0, with_time = 0, rc;
	long offset = 0;

	while (*p == ' ')
		p++;
	if (!strcasecmp(p, "now") || !strcmp(p, "сейчас")) {
		*out = now;
		return 0;
	}
	if (date_part(&p, now, &y, &m, &d))
		return KT_EINVAL;
	if (*p == 'T' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (!digits(&p, 2, 1, &hh) || *p++ != ':' || !digits(&p, 2, 1, &mm))
			return KT_EINVAL;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, 1, &ss))
				return KT_EINVAL;
		}
		if (hh > 23 || mm > 59 || ss > 59)
			return KT_EINVAL;
		with_time = 1;
	}
	while (*p == ' ' && !with_time)
		p++;
	if ((rc = zone(p, &offset)) < 0 || (rc && !with_time))
		return KT_EINVAL;
	tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d;
	tm.tm_hour = hh, tm.tm_min = mm, tm.tm_sec = ss;
	if (rc) {
		*out = timegm(&tm) - offset;
		return 0;
	}
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? KT_EINVAL : 0;
}

/* Reads a time as people type it, as stored.  See kontora.h. */
int kt_datetime_parse(const char *in, time_t now, char out[21])
{
	time_t t;

	if (kt_time_parse(in, now, &t) || !*kt_datetime_format(t, out))
		return KT_EINVAL;
	return 0;
}
