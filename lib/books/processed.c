/*
 * processed.c - the mark of unprocessed records: a record of a type with
 * a bool field "processed" that is false stays marked until someone acts
 * on it: any edit (a move, an assignment) or a record added "on" it (a
 * note, a task) sets it true in the same change.  New web leads come in
 * marked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Sets processed=true on the record id of s when it is false (per the
 * index: what HEAD says; a record added by this same change is not
 * there, so an import's own task on its new lead leaves the lead
 * marked).  Returns 0 or an error. */
static int mark_processed(struct kt_change *c, const struct kt_schema *s, const char *id,
                          struct kt_error *err)
{
	static const char *const field = "processed";
	char *names[] = { "processed" }, *values[] = { "true" };
	char *now;
	int rc = index_get(change_books(c)->index, s, "id", id, &field, 1, &now, err);

	if (rc < 0)
		return rc;
	int unprocessed = now && !strcmp(now, "0");
	free(now);
	/* The mark goes with an action the caller was let take: no edit line
	 * of the workflow is asked (a note on a won lead processes it too). */
	return unprocessed ? change_set(c, s, id, names, values, 1, 0, err) : 0;
}

/* Returns 1 if records of s carry the processed mark. */
static int has_processed(const struct kt_schema *s)
{
	const struct kt_field *f = kt_schema_field(s, "processed");

	return f && f->type == KT_BOOL;
}

/* An edit of the record id of s that does not set processed itself marks
 * it processed.  See books.h. */
int processed_touch(struct kt_change *c, const struct kt_schema *s, const char *id,
                    char *const *names, size_t n, struct kt_error *err)
{
	if (!has_processed(s))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], "processed"))
			return 0;
	return mark_processed(c, s, id, err);
}

/* A record added on the record id (a note, a task) marks it processed.
 * See books.h. */
int processed_touch_on(struct kt_change *c, const char *id, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type_by_prefix(change_books(c), *id);
	struct kt_error denied = { 0 };
	int rc;

	/* A lead added by the same change (an import's, with its task) keeps
	 * its mark. */
	if (!s || !has_processed(s) || !id_valid(s, id) || change_adds(c, s, id))
		return 0;
	/* Only someone who may change it processes it: a note by another
	 * leaves it marked. */
	rc = access_record(change_books(c), s, id, ACCESS_WRITE, &denied);
	if (rc == KT_EACCESS)
		return 0;
	if (rc)
		return kt_error_set(err, rc, "%s", denied.msg);
	return mark_processed(c, s, id, err);
}
