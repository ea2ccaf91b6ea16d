/*
 * log.c - kontora log: the history of one record, for a caller who may
 * see it (store/history.c walks the commits).
 */
#include <stdlib.h>

#include "books/books.h"

/* Calls fn for every commit that changed the record.  See kontora.h. */
int kt_log(struct kt_books *b, const struct kt_schema *s, const char *id,
           int (*fn)(void *arg, const struct kt_log_entry *e), void *arg,
           struct kt_error *err)
{
	char *path = NULL;
	int rc;

	if (!id_valid(s, id))
		return kt_error_set(err, KT_ENOTFOUND, "no %s %s", s->name, id);
	if ((rc = access_record(b, s, id, ACCESS_READ, err)))
		return rc;
	rc = index_shard_of(b->index, s, id, &path, err);
	if (rc && rc != KT_ENOTFOUND)
		return rc;
	rc = store_log(b->store, s, id, path, fn, arg, err);
	free(path);
	return rc;
}
