/*
 * ics.c - unit tests for lib/export/ics.c: iCalendar events, escaping, folding.
 */
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

#define STAMP 1795428000   /* 2026-11-23T10:00:00Z */

/* Returns 1 if every line of s ends in CRLF, is at most 75 octets and
 * does not end in the middle of a UTF-8 character. */
static int lines_ok(const char *s)
{
	while (*s) {
		const char *end = strstr(s, "\r\n");
		if (!end || end - s > 75 || strchr(s, '\n') != end + 1)
			return 0;
		if (end > s && ((unsigned char)end[-1] & 0xC0) == 0xC0)
			return 0;
		if (((unsigned char)end[2] & 0xC0) == 0x80 || (end[2] == ' ' && ((unsigned char)end[3] & 0xC0) == 0x80))
			return 0;
		s = end + 2;
	}
	return 1;
}

/* Undoes the folding of s: CRLF followed by a space is removed. */
static char *unfold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (s[0] == '\r' && s[1] == '\n' && s[2] == ' ') {
			s += 2;
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void test_frame(void)
{
	struct kt_buf b = { 0 };

	ok(!kt_ics_begin(&b) && !kt_ics_end(&b), "begin and end");
	is_str(b.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kontora//kontora//RU\r\n"
	       "END:VCALENDAR\r\n", "a calendar with no events");
	kt_buf_free(&b);
}

static void test_event(void)
{
	struct kt_buf b = { 0 };

	ok(!kt_ics_event(&b, "T1234567@kontora", "2026-12-01", "Позвонить, уточнить; a\\b\nещё", STAMP),
	   "an event");
	is_str(b.data, "BEGIN:VEVENT\r\n"
	       "UID:T1234567@kontora\r\n"
	       "DTSTAMP:20261123T100000Z\r\n"
	       "DTSTART;VALUE=DATE:20261201\r\n"
	       "SUMMARY:Позвонить\\, уточнить\\; a\\\\b\\nещё\r\n"
	       "END:VEVENT\r\n", "escaped , ; \\ and newline; all-day date; CRLF");
	kt_buf_reset(&b);
	is_int(kt_ics_event(&b, "T1", "2026-02-30", "x", STAMP), KT_EINVAL, "a bad date is refused");
	kt_buf_free(&b);
}

static void test_fold(void)
{
	struct kt_buf b = { 0 };
	char ascii[200];

	/* "SUMMARY:" is 8 octets: 67 more make exactly 75, not folded. */
	memset(ascii, 'a', 67);
	ascii[67] = '\0';
	kt_ics_event(&b, "U", "2026-12-01", ascii, STAMP);
	ok(strstr(b.data, "SUMMARY:aaa") && strstr(b.data, "a\r\nEND:VEVENT"), "75 octets stay one line");
	ok(lines_ok(b.data), "every line at most 75 octets");
	kt_buf_reset(&b);

	/* 68: folded after 75 octets, the rest after a space. */
	memset(ascii, 'a', 68);
	ascii[68] = '\0';
	kt_ics_event(&b, "U", "2026-12-01", ascii, STAMP);
	ok(strstr(b.data, "a\r\n a\r\nEND:VEVENT") != NULL, "76 octets: one octet folded");
	kt_buf_reset(&b);

	/* Cyrillic letters are two octets: a fold must come between two. */
	const char *text = "Позвонить клиенту Ромашка и договориться о поставке образцов "
	                   "в понедельник утром, до обеда, не позже";
	kt_ics_event(&b, "U", "2026-12-01", text, STAMP);
	ok(lines_ok(b.data), "Cyrillic folded at character boundaries, lines <= 75 octets");
	char *sum = strstr(b.data, "SUMMARY:");
	ok(sum && strstr(sum, "\r\n ") && strstr(sum, "\r\n ") < strstr(sum, "END:"), "the summary is folded");
	char *plain = unfold(b.data);
	ok(strstr(plain, "SUMMARY:Позвонить клиенту Ромашка и договориться о поставке образцов "
	                 "в понедельник утром\\, до обеда\\, не позже\r\n") != NULL,
	   "unfolding gives the escaped text back");
	free(plain);
	kt_buf_reset(&b);

	/* A long line of 3- and 4-octet characters. */
	char mixed[400] = "";
	for (int i = 0; i < 30; i++)
		strcat(mixed, i % 2 ? "€" : "𝄞");
	kt_ics_event(&b, "U", "2026-12-01", mixed, STAMP);
	ok(lines_ok(b.data), "3- and 4-octet characters never split");
	plain = unfold(b.data);
	ok(strstr(plain, mixed) != NULL, "and come back whole");
	free(plain);
	kt_buf_free(&b);
}

int main(void)
{
	test_frame();
	test_event();
	test_fold();
	return done_testing();
}
