/*
 * record.c - reading one record, found through the index, and turning
 * what people type into what is stored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "books/books.h"

/* Resolves a reference value to the id (or key) it is stored as.  Returns
 * 0 and *out (caller frees), or an error naming the field. */
static int resolve_ref(struct kt_books *b, const struct kt_field *f,
                       const char *v, char **out, struct kt_error *err)
{
	const struct kt_schema *t = kt_books_type(b, f->arg);
	const struct kt_schema *found;
	int rc;

	if (!t)
		return kt_error_set(err, KT_ESCHEMA, "%s: refers to type %s, which has no schema", f->name, f->arg);
	if (t->key) {
		rc = index_exists(b->index, t, t->key, v, NULL, NULL, err);
		if (rc < 0)
			return rc;
		if (rc)
			return (*out = strdup(v)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	char *id;
	rc = index_resolve_id(b->index, t->name, v, &id, &found, err);
	if (rc == KT_ENOTFOUND)
		return kt_error_set(err, KT_EINVAL, "%s: no %s \"%s\"", f->name, t->name, v);
	if (rc)
		return kt_error_set(err, rc, "%s: %s", f->name, err->msg);
	if (!t->key) {
		*out = id;
		return 0;
	}
	/* Records referred to by key are stored by key, even when named by id. */
	struct kt_record *r;
	rc = kt_record_read(b, t, id, &r, err);
	free(id);
	if (rc)
		return rc;
	*out = strdup(kt_record_get(r, t->key));
	kt_record_free(r);
	return *out ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
}

/* Resolves a value against the books.  See books.h. */
int value_resolve(struct kt_books *b, const struct kt_field *f,
                       const char *value, char **out, struct kt_error *err)
{
	char *v, iso[21];
	int rc;

	/* Dates as people type them (15.12, завтра, +3d): as stored first.
	 * A date stored so already (an import's) is itself: its parse was
	 * four thousand instructions, a fifth of adding a payment's fields. */
	if (value && (f->type == KT_DATE || f->type == KT_DATETIME) &&
	    !(f->type == KT_DATE && kt_date_valid(value))) {
		rc = f->type == KT_DATE ? kt_date_parse(value, b->now, iso)
		                        : kt_datetime_parse(value, b->now, iso);
		if (!rc)
			value = iso;
		else if (value[strspn(value, " \t")])
			return f->type == KT_DATE
			       ? kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not a valid date (2026-12-15, "
			                      "15.12.2026, 15.12, сегодня, завтра, +3d, +2w)", f->name, value)
			       : kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not a valid datetime (2026-12-15, "
			                      "15.12.2026, 15.12, сегодня, завтра, +3d, +2w; a time: 15.12.2026 "
			                      "14:30, 2026-12-15T14:30:00+03:00)", f->name, value);
	}
	rc = kt_value_normalize(f, value, &v, err);

	if (rc || !*v || (f->type != KT_DICT && f->type != KT_REF)) {
		*out = rc ? NULL : v;
		return rc;
	}
	if (f->type == KT_REF) {
		rc = resolve_ref(b, f, v, out, err);
		free(v);
		return rc;
	}
	struct kt_error derr = { 0 };
	const struct dict *d = books_dict(b, f->arg, &derr);
	const char *id = d ? dict_lookup(d, v) : NULL;
	if (derr.code) {
		free(v);
		*err = derr;
		return derr.code;
	}
	if (!id) {
		rc = kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not in dicts/%s.csv", f->name, v, f->arg);
		free(v);
		return rc;
	}
	free(v);
	return (*out = strdup(id)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
}

/* Drops the shard read last.  See books.h. */
void books_rows_drop(struct kt_books *b)
{
	shard_rows_free(&b->rows);
	shard_reader_free(&b->rows_in);
	if (b->rows_copy)
		fclose(b->rows_copy);
	b->rows_copy = NULL;
	free(b->rows_path);
	b->rows_path = NULL;
}

/* Makes b->rows the rows of the shard at path of HEAD, and keeps its
 * bytes: kept from the last call while HEAD has not moved (the bytes of a
 * commit do not change), else read afresh.  Returns 0 or an error. */
static int read_shard(struct kt_books *b, const char *path, struct kt_error *err)
{
	struct shard_reader in;
	char head[41], blob[41];
	struct kt_error ignored;
	int rc = store_head(b->store, head, err);

	if (rc || (b->rows_path && !strcmp(b->rows_path, path) && !strcmp(b->rows_head, head)))
		return rc;
	books_rows_drop(b);
	/* Read after HEAD: should HEAD move between, the next call sees
	 * another head and reads again; the rows are always of these bytes.
	 * The worktree's copy serves a small shard when it is the blob the
	 * index names, which spares a read command libgit2.  A reader with no
	 * fill holds the bytes whole: they are kept with it; one read in
	 * pieces is copied to a file (tmpfile(): gone with the process however
	 * it ends). */
	rc = store_read_rows(b->store, path, index_shard_blob(b->index, path, blob, &ignored) ? NULL : blob,
	                     &in, err);
	if (!rc && in.fill && !(b->rows_copy = tmpfile()))
		rc = kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	if (!rc)
		rc = shard_rows_scan(&in, b->rows_copy, &b->rows, err);
	if (!rc && b->rows_copy && fflush(b->rows_copy))
		rc = kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	if (!rc && !(b->rows_path = strdup(path)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (in.fill || rc)
		shard_reader_free(&in);
	else
		b->rows_in = in;
	if (rc) {
		books_rows_drop(b);
		return rc;
	}
	snprintf(b->rows_head, sizeof b->rows_head, "%s", head);
	return 0;
}

/* Appends the bytes [off, off + len) of the shard read_shard() keeps to
 * out.  Returns 0, KT_ENOMEM or KT_EIO. */
static int kept_bytes(struct kt_books *b, size_t off, size_t len, struct kt_buf *out)
{
	if (!b->rows_copy)
		return kt_buf_add(out, b->rows_in.data + off, len) ? KT_ENOMEM : 0;
	if (kt_buf_grow(out, len))
		return KT_ENOMEM;
	if (pread(fileno(b->rows_copy), out->data + out->len, len, (off_t)off) != (ssize_t)len)
		return KT_EIO;
	out->len += len;
	out->data[out->len] = '\0';
	return 0;
}

/* Reads a record.  See kontora.h. */
int kt_record_read(struct kt_books *b, const struct kt_schema *s,
                   const char *id, struct kt_record **out, struct kt_error *err)
{
	struct kt_csv *csv = NULL;
	struct kt_buf text = { 0 };
	char *path;
	size_t start, end, skipped;
	int rc = index_shard_of(b->index, s, id, &path, err);

	if (!rc && (rc = access_record(b, s, id, ACCESS_READ, err)))
		free(path);
	if (rc)
		return rc;
	if ((rc = read_shard(b, path, err)))
		goto done;
	if (!shard_rows_find(&b->rows, id, &start, &end, &skipped)) {
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: no row %s; run kontora reindex", path, id);
		goto done;
	}
	/* The header and the row alone, parsed with the row's line. */
	if ((rc = kept_bytes(b, 0, b->rows.hlen, &text)) || (rc = kept_bytes(b, start, end - start, &text))) {
		rc = rc == KT_EIO ? kt_error_set(err, rc, "%s: the copy of the shard cannot be read", path)
		                  : kt_error_set(err, rc, "out of memory");
		goto done;
	}
	if ((rc = shard_parse_range(text.data, text.len, b->rows.hlen, text.len, skipped, path, &csv, err)))
		goto done;
	if (csv->nrows != 1)
		rc = kt_error_set(err, KT_ECSV, "%s: the row of %s is malformed; run kontora check", path, id);
	else if (record_from_row(s, csv->header, csv->nheader, csv->rows[0].fields,
	                         csv->rows[0].nfields, out))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
done:
	kt_csv_free(csv);
	kt_buf_free(&text);
	free(path);
	return rc;
}
