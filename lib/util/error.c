/*
 * error.c - filling a struct kt_error.
 */
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/util.h"

/* See kontora.h. */
const char *kt_gettext(const char *msgid)
{
	return dgettext("kontora", msgid);
}

/* See kontora.h. */
const char *kt_ngettext(const char *msgid, const char *plural, unsigned long n)
{
	return dngettext("kontora", msgid, plural, n);
}

/* Sets err->code and formats the message, in the language of the
 * caller's messages (kt_gettext()), into err->msg (cut to fit), unless
 * err is NULL.  Returns code. */
int kt_error_set(struct kt_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, kt_gettext(fmt), ap);
	va_end(ap);
	return code;
}
