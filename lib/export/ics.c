/*
 * ics.c - iCalendar (RFC 5545) text for calendar applications: all-day
 * events, escaped and folded as the RFC says.
 */
#include <stdio.h>
#include <string.h>

#include "export/export.h"

/* Appends one content line to out, folded at 75 octets (a continuation
 * line is a space and at most 74 octets) without splitting a UTF-8
 * character, ended by CRLF.  Returns 0 or KT_ENOMEM. */
static int add_line(struct kt_buf *out, const char *line, size_t len)
{
	size_t room = 75;

	while (len > room) {
		size_t cut = room;
		while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		if (kt_buf_add(out, line, cut) || kt_buf_adds(out, "\r\n "))
			return KT_ENOMEM;
		line += cut;
		len -= cut;
		room = 74;
	}
	if (kt_buf_add(out, line, len) || kt_buf_adds(out, "\r\n"))
		return KT_ENOMEM;
	return 0;
}

/* Appends a property name and its text value, escaped (\\ \; \, \n; CR
 * dropped). */
static int add_text(struct kt_buf *out, const char *name, const char *value)
{
	struct kt_buf line = { 0 };
	int rc = kt_buf_adds(&line, name) || kt_buf_addc(&line, ':') ? KT_ENOMEM : 0;

	for (const char *p = value; !rc && *p; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			rc = kt_buf_addc(&line, '\\') || kt_buf_addc(&line, *p) ? KT_ENOMEM : 0;
		else if (*p == '\n')
			rc = kt_buf_adds(&line, "\\n") ? KT_ENOMEM : 0;
		else if (*p != '\r')
			rc = kt_buf_addc(&line, *p) ? KT_ENOMEM : 0;
	}
	if (!rc)
		rc = add_line(out, line.data, line.len);
	kt_buf_free(&line);
	return rc;
}

int kt_ics_begin(struct kt_buf *out)
{
	return kt_buf_adds(out, "BEGIN:VCALENDAR\r\n"
	                        "VERSION:2.0\r\n"
	                        "PRODID:-//kontora//kontora//RU\r\n") ? KT_ENOMEM : 0;
}

int kt_ics_event(struct kt_buf *out, const char *uid, const char *date,
                 const char *summary, time_t stamp)
{
	struct tm tm;
	char when[20];

	if (!kt_date_valid(date))
		return KT_EINVAL;
	if (!gmtime_r(&stamp, &tm))
		return KT_EINVAL;
	strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
	if (kt_buf_adds(out, "BEGIN:VEVENT\r\n") || add_text(out, "UID", uid) ||
	    kt_buf_addf(out, "DTSTAMP:%s\r\n", when) ||
	    kt_buf_addf(out, "DTSTART;VALUE=DATE:%.4s%.2s%.2s\r\n", date, date + 5, date + 8) ||
	    add_text(out, "SUMMARY", summary) || kt_buf_adds(out, "END:VEVENT\r\n"))
		return KT_ENOMEM;
	return 0;
}

int kt_ics_end(struct kt_buf *out)
{
	return kt_buf_adds(out, "END:VCALENDAR\r\n") ? KT_ENOMEM : 0;
}
