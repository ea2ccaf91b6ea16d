/*
 * pairs.c - what the writing commands share: (name, value) pairs gathered
 * from their options for kt_change_add() and kt_change_edit(), text cut
 * to one line for commit subjects, and the end of a change (--dry-run or
 * commit).
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

/* Ends change ch and frees it: on a dry run prints subject (when not
 * NULL) and what would change; else commits it with subject (NULL: the
 * library's), dying with the error when it fails, and warning "ID:
 * nothing to change" when it changed nothing.  Returns 1 when a commit
 * was made, else 0. */
int change_finish(struct kt_change *ch, int dry_run, const char *subject, const char *id)
{
	struct kt_error err = { 0 };
	char oid[41] = "";

	if (dry_run) {
		struct kt_buf d = { 0 };
		if (kt_change_describe(ch, &d))
			die("out of memory");
		printf("%s%s%s", subject ? subject : "", subject ? "\n" : "", d.data ? d.data : "");
		kt_buf_free(&d);
	} else if (kt_change_commit(ch, subject, oid, &err)) {
		kt_change_free(ch);
		die_err(&err);
	} else if (!oid[0]) {
		warn("%s: nothing to change", id);
	}
	kt_change_free(ch);
	return oid[0] != '\0';
}
