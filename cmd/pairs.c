/*
 * pairs.c - (name, value) pairs that commands gather from their options
 * for kt_change_add() and kt_change_edit(), and text cut to one line for
 * commit subjects.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* Appends (name, value) to p, dashes in name made underscores (--due-date
 * is the field due_date).  Dies when out of memory. */
void pairs_add(struct pairs *p, const char *name, size_t nlen, const char *value)
{
	char **names = realloc(p->names, (p->n + 1) * sizeof *names);
	char **values = names ? realloc(p->values, (p->n + 1) * sizeof *values) : NULL;

	if (!names || !values)
		die("out of memory");
	p->names = names;
	p->values = values;
	if (!(names[p->n] = strndup(name, nlen)) || !(values[p->n] = strdup(value)))
		die("out of memory");
	for (char *c = names[p->n]; *c; c++)
		if (*c == '-')
			*c = '_';
	p->n++;
}

/* Frees what p holds (not p). */
void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p->names);
	free(p->values);
}

/* Appends text to b as one line, cut to its first max characters
 * (trailing spaces dropped) and "…" when longer.  Control characters
 * become spaces.  Dies when out of memory. */
void add_cut(struct kt_buf *b, const char *text, size_t max)
{
	size_t chars = 0, start = b->len;
	const char *p = text;

	for (; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch & 0xC0) != 0x80 && chars++ == max)
			break;
		if (kt_buf_addc(b, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch))
			die("out of memory");
	}
	if (!*p)
		return;
	while (b->len > start && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	if (kt_buf_adds(b, "…"))
		die("out of memory");
}
