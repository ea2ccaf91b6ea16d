/*
 * error.c - filling a struct kt_error.
 */
#include <stdarg.h>
#include <stdio.h>

#include "util/util.h"

/* Sets err->code and formats the message into err->msg (cut to fit), unless
 * err is NULL.  Returns code. */
int kt_error_set(struct kt_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}
