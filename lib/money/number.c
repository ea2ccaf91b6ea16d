/* number.c - a document's number from its format: "{n}", "{n:04}",
 * "{yyyy}", "{yy}" and text ("КХ-{yyyy}-{n:04}"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money/money.h"

/* Appends the placeholder name (without braces) for number n in year.
 * Returns 0, KT_EINVAL for a placeholder that is none, or KT_ENOMEM. */
static int placeholder(struct kt_buf *b, const char *name, size_t len, long n, int year)
{
	if (len == 1 && name[0] == 'n')
		return kt_buf_addf(b, "%ld", n);
	if (len == 4 && !memcmp(name, "yyyy", 4))
		return kt_buf_addf(b, "%04d", year);
	if (len == 2 && !memcmp(name, "yy", 2))
		return kt_buf_addf(b, "%02d", year % 100);
	if (len == 5 && !memcmp(name, "n:0", 3) && name[3] >= '1' && name[3] <= '9' &&
	    name[4] >= '0' && name[4] <= '9')
		return kt_buf_addf(b, "%0*ld", (name[3] - '0') * 10 + name[4] - '0', n);
	if (len == 4 && !memcmp(name, "n:0", 3) && name[3] >= '1' && name[3] <= '9')
		return kt_buf_addf(b, "%0*ld", name[3] - '0', n);
	return KT_EINVAL;
}

/* Formats a document number.  See kontora.h. */
int kt_number_format(const char *format, long n, int year, char **out, struct kt_error *err)
{
	struct kt_buf b = { 0 };
	/* Books made before documents came have "%n", which meant {n}. */
	const char *p = format && *format && strcmp(format, "%n") ? format : "{n}";
	int has_n = 0, rc = 0;

	while (!rc && *p) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close) {
			has_n |= p[1] == 'n';
			rc = placeholder(&b, p + 1, (size_t)(close - p - 1), n, year);
			if (rc == KT_EINVAL)
				kt_error_set(err, rc, "number format \"%s\": unknown placeholder %.*s "
				             "(known: {n}, {n:04}, {yyyy}, {yy})", format, (int)(close - p + 1), p);
			p = close + 1;
		} else if (*p == '{' || *p == '}') {
			rc = kt_error_set(err, KT_EINVAL, "number format \"%s\": unmatched %c", format, *p);
		} else {
			rc = kt_buf_addc(&b, *p++);
		}
	}
	if (!rc && !has_n)
		rc = kt_error_set(err, KT_EINVAL, "number format \"%s\" has no {n}", format);
	if (rc == KT_ENOMEM)
		kt_error_set(err, rc, "out of memory");
	if (rc) {
		kt_buf_free(&b);
		return rc;
	}
	*out = kt_buf_detach(&b);
	return 0;
}
