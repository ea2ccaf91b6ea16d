/*
 * attach.c - materials attached to records: files/ID/NAME in the books,
 * written as blobs by a change (kt_change_file() in books/change.c),
 * listed from HEAD's tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Reads attach.max-size.  See kontora.h. */
int kt_attach_max_size(struct kt_books *b, int64_t *max, struct kt_error *err)
{
	char *v = NULL;
	int rc = kt_config_get(b, "attach.max-size", &v, err);

	*max = KT_ATTACH_MAX;
	if (rc == KT_ENOTFOUND)
		return 0;
	if (!rc && kt_size_parse(v, max))
		rc = kt_error_set(err, KT_EINVAL, "kontora.conf: attach.max-size: \"%s\" is not a size "
		                  "(bytes, or a number with K, M or G)", v);
	free(v);
	return rc;
}

/* Checks that the record id (full) exists and the caller may see it
 * (through kt_record_read()) or, with op ACCESS_WRITE, change it.
 * Returns 0, KT_ENOTFOUND naming it, or an error (KT_EACCESS naming the
 * rule). */
static int record_exists(struct kt_books *b, const char *id, enum access_op op,
                         struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type_by_prefix(b, id[0]);
	struct kt_record *r = NULL;
	int rc;

	if (!s || !id_valid(s, id))
		return kt_error_set(err, KT_ENOTFOUND, "no record %s", id);
	rc = kt_record_read(b, s, id, &r, err);
	kt_record_free(r);
	if (rc == KT_ENOTFOUND)
		return kt_error_set(err, rc, "no %s %s", s->name, id);
	return rc || op == ACCESS_READ ? rc : access_record(b, s, id, op, err);
}

/* Attaches a file to a record.  See kontora.h. */
int kt_change_attach(struct kt_change *c, const char *id, const char *file,
                     const char *name, int force, char **path, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	struct kt_buf bytes = { 0 };
	int64_t max;
	int rc;

	*path = NULL;
	if (!name) {
		const char *slash = strrchr(file, '/');
		name = slash ? slash + 1 : file;
	}
	if (!file_name_ok(name, strlen(name)))
		return kt_error_set(err, KT_EINVAL, "\"%s\": not a name for a file (one name, no slash, "
		                    "not starting with a dot, UTF-8)", name);
	if ((rc = record_exists(b, id, ACCESS_WRITE, err)) || (rc = kt_attach_max_size(b, &max, err)))
		return rc;
	if (asprintf(path, "files/%s/%s", id, name) < 0) {
		*path = NULL;
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	rc = force ? 0 : store_exists(b->store, *path, err);
	if (rc > 0)
		rc = kt_error_set(err, KT_EEXISTS, "%s: already there (--force replaces it)", *path);
	if (!rc && !(rc = file_read(file, max, "attach.max-size", &bytes, err)))
		rc = kt_change_file(c, *path, bytes.data, bytes.len, id, err);
	kt_buf_free(&bytes);
	if (rc) {
		free(*path);
		*path = NULL;
	}
	return rc;
}

/* What kt_files_list() hands on to each file. */
struct listing {
	const char *dir;
	kt_row_fn fn;
	void *arg;
};

/* Passes one file of a record's directory on as a row.  Returns 0, the
 * caller's non-zero return, or KT_ENOMEM. */
static int list_file(void *listing, const char *name, size_t size)
{
	static const struct kt_column cols[] = {
		{ "name", KT_TEXT, "name" }, { "size", KT_INT, "size" }, { "path", KT_TEXT, "path" },
	};
	struct listing *l = listing;
	char bytes[32], *full;
	int rc;

	if (!name)
		return l->fn(l->arg, 3, cols, NULL);
	if (asprintf(&full, "%s/%s", l->dir, name) < 0)
		return KT_ENOMEM;
	snprintf(bytes, sizeof bytes, "%zu", size);
	char *values[] = { (char *)name, bytes, full };
	rc = l->fn(l->arg, 3, cols, values);
	free(full);
	return rc;
}

/* Lists a record's files.  See kontora.h. */
int kt_files_list(struct kt_books *b, const char *id, kt_row_fn fn, void *arg,
                  struct kt_error *err)
{
	char dir[32];
	struct listing l = { dir, fn, arg };
	int rc = record_exists(b, id, ACCESS_READ, err);

	snprintf(dir, sizeof dir, "files/%s", id);
	if (!rc)
		rc = list_file(&l, NULL, 0);
	if (!rc)
		rc = store_list_dir(b->store, dir, list_file, &l, err);
	return rc == KT_ENOMEM ? kt_error_set(err, rc, "out of memory") : rc;
}
