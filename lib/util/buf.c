/*
 * buf.c - growable NUL-terminated byte strings.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Makes room for len more bytes plus the terminating NUL.  Returns 0 or
 * KT_ENOMEM (b is then unchanged). */
int kt_buf_grow(struct kt_buf *b, size_t len)
{
	size_t need, cap;
	char *p;

	if (len > SIZE_MAX - 1 - b->len)
		return KT_ENOMEM;
	need = b->len + len + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return KT_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Appends len bytes of data.  Returns 0 or KT_ENOMEM. */
int kt_buf_add(struct kt_buf *b, const void *data, size_t len)
{
	if (kt_buf_grow(b, len) < 0)
		return KT_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

/* Appends the string s.  Returns 0 or KT_ENOMEM. */
int kt_buf_adds(struct kt_buf *b, const char *s)
{
	return kt_buf_add(b, s, strlen(s));
}

/* Appends strings up to a NULL.  Returns 0 or KT_ENOMEM. */
int kt_buf_cat(struct kt_buf *b, ...)
{
	va_list ap;
	const char *s;
	int rc = 0;

	va_start(ap, b);
	while (!rc && (s = va_arg(ap, const char *)))
		rc = kt_buf_adds(b, s);
	va_end(ap);
	return rc;
}

/* Appends one byte.  Returns 0 or KT_ENOMEM. */
int kt_buf_addc(struct kt_buf *b, char c)
{
	return kt_buf_add(b, &c, 1);
}

/* Appends printf-formatted text.  Returns 0 or KT_ENOMEM (also for a
 * format vsnprintf() cannot handle). */
int kt_buf_addf(struct kt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (kt_buf_grow(b, 0) < 0)
		return KT_ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < b->cap - b->len) {
		b->len += (size_t)n;
		return 0;
	}
	b->data[b->len] = '\0';	/* drop the cut-off attempt */
	if (n < 0 || kt_buf_grow(b, (size_t)n) < 0)
		return KT_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Empties b, keeping its memory. */
void kt_buf_reset(struct kt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Frees b's memory and leaves it as {0}. */
void kt_buf_free(struct kt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Returns b's string, which the caller frees with free(), and leaves b as
 * {0}.  An empty b gives a new "".  NULL only if out of memory. */
char *kt_buf_detach(struct kt_buf *b)
{
	char *s = b->data;

	if (!s)
		return strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}
