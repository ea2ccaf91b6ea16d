/*
 * lookup.c - what the other wings ask the index about single records and
 * values: where a record's shard is, whether a value is taken, who refers
 * to a record or uses a dictionary entry, what an id prefix names, and
 * the fields of a record found by a column.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* Returns the shard of a record.  See index.h. */
int index_shard_of(struct index *ix, const struct kt_schema *s,
                   const char *id, char **shard, struct kt_error *err)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc = index_open(ix, err);

	*shard = NULL;
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "SELECT _shard FROM \"%s\" WHERE id = ?", s->name);
	if ((rc = db_prepare(ix->db, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && !(*shard = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	sqlite3_finalize(st);
	if (!rc && !*shard)
		rc = kt_error_set(err, KT_ENOTFOUND, "no %s %s", s->name, id);
	return rc;
}

/* Finds the deepest shard of a new record.  See index.h. */
int index_shard_deepest(struct index *ix, const struct kt_schema *s, const char *id,
                        char **path, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = index_open(ix, err);

	/* Shards below dir/ sort between "dir/" and "dir0" ('/' + 1). */
	if (!rc)
		rc = index_stmt(ix, "SELECT 1 FROM shards WHERE path > ?1 || '/' AND path < ?1 || '0' LIMIT 1",
		                &st, err);
	while (!rc) {
		size_t len = strlen(*path) - 4;
		sqlite3_bind_text(st, 1, *path, (int)len, SQLITE_STATIC);
		int below = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!below)
			return 0;
		char *child = shard_child(s, *path, id);
		if (!child)
			rc = kt_error_set(err, KT_EINVAL, "%s: no shard below it can hold %s", *path, id);
		free(*path);
		*path = child;
	}
	free(*path);
	*path = NULL;
	return rc;
}

/* Puts the question of index_exists() into one string, field NUL value
 * NUL except, in out.  Returns its length, or 0 when it does not fit. */
static size_t exists_question(const char *field, const char *value, const char *except,
                              char *out, size_t size)
{
	const char *part[3] = { field ? field : "", value, except ? except : "" };
	size_t len = 0;

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(part[i]) + 1;
		if (len + n > size)
			return 0;
		memcpy(out + len, part[i], n);
		len += n;
	}
	return len;
}

/* Returns the answer to question q (len bytes) about s that ix gave in
 * this read transaction, or NULL. */
static struct exists_answer *exists_recall(struct index *ix, const struct kt_schema *s,
                                           const char *q, size_t len)
{
	for (size_t i = 0; i < sizeof ix->answers / sizeof ix->answers[0]; i++) {
		struct exists_answer *a = &ix->answers[i];
		if (a->question && a->s == s && a->len == len && !memcmp(a->question, q, len))
			return a;
	}
	return NULL;
}

/* Keeps an answer of index_exists(), over the oldest one kept; a copy that
 * cannot be made is only not kept. */
static void exists_keep(struct index *ix, const struct kt_schema *s, const char *q, size_t len,
                        int found, const char *other)
{
	struct exists_answer *a = &ix->answers[ix->next_answer++ % (sizeof ix->answers / sizeof ix->answers[0])];

	free(a->question);
	if (!(a->question = malloc(len)))
		return;
	memcpy(a->question, q, len);
	a->s = s;
	a->len = len;
	a->found = found;
	snprintf(a->other, sizeof a->other, "%s", other ? other : "");
}

/* Forgets index_exists()'s answers.  See db.h. */
void exists_forget(struct index *ix)
{
	for (size_t i = 0; i < sizeof ix->answers / sizeof ix->answers[0]; i++) {
		free(ix->answers[i].question);
		ix->answers[i].question = NULL;
	}
}

/* Finds in *st the statement of index_exists() for field of s (NULL: the
 * id), from the few kept by the schema's and the field's own pointers:
 * printing the SQL to find it among index_stmt()'s was a third of each
 * call, and an import asks some 400,000.  A name that is no field of s is
 * printed as given, for SQLite to refuse.  Returns 0 or an error. */
static int exists_stmt(struct index *ix, const struct kt_schema *s, const char *field,
                       sqlite3_stmt **st, struct kt_error *err)
{
	const size_t nkept = sizeof ix->exists_stmts / sizeof ix->exists_stmts[0];
	const struct kt_field *f = field ? kt_schema_field(s, field) : NULL;
	char sql[512];
	int rc;

	for (size_t i = 0; (f || !field) && i < nkept; i++) {
		struct exists_stmt *k = &ix->exists_stmts[i];
		if (k->st && k->s == s && k->f == f) {
			*st = k->st;
			return 0;
		}
	}
	if (!field)
		snprintf(sql, sizeof sql, "SELECT id FROM \"%s\" WHERE id = ?2", s->name);
	else
		snprintf(sql, sizeof sql, "SELECT id FROM \"%s\" WHERE \"%s\" = ?2 AND id != ?3 LIMIT 1",
		         s->name, field);
	if ((rc = index_stmt(ix, sql, st, err)))
		return rc;
	if (f || !field)
		ix->exists_stmts[ix->next_exists_stmt++ % nkept] = (struct exists_stmt){ s, f, *st };
	return 0;
}

/* Tells whether a value is taken.  See index.h.  Within a read
 * transaction the snapshot cannot change, so the same question gets the
 * answer it got: an import asks three times whether each external id is
 * taken (when its rows are read, when its lead is prepared, when it is
 * added) and whether each manager's login exists, a hundred thousand
 * times over. */
int index_exists(struct index *ix, const struct kt_schema *s,
                 const char *field, const char *value, const char *except,
                 char other[9], struct kt_error *err)
{
	sqlite3_stmt *st;
	char q[512];
	int rc = index_open(ix, err);
	size_t qlen = ix->reading ? exists_question(field, value, except, q, sizeof q) : 0;
	const struct exists_answer *known = qlen ? exists_recall(ix, s, q, qlen) : NULL;

	if (rc)
		return rc;
	if (known) {
		if (other && known->found)
			memcpy(other, known->other, 9);
		return known->found;
	}
	if ((rc = exists_stmt(ix, s, field, &st, err)))
		return rc;
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (field)
		sqlite3_bind_text(st, 3, except ? except : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (other)
			snprintf(other, 9, "%s", id);
		if (qlen)
			exists_keep(ix, s, q, qlen, 1, id);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		if (qlen)
			exists_keep(ix, s, q, qlen, 0, NULL);
		rc = 0;
	} else {
		rc = db_fail(ix->db, err, "lookup");
	}
	sqlite3_reset(st);
	return rc;
}

/* Tells which values some record holds.  See index.h.  One statement
 * stepped for each value; most of an import's phones and e-mails are no
 * client's, and each of them cost a lookup per field that may hold it,
 * with its query put together, its access condition and its row read. */
int index_present(struct index *ix, const struct kt_schema *s, const struct kt_field *f,
                  char *const *values, size_t n, unsigned char *found, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	sqlite3_stmt *st;
	int rc = index_open(ix, err);

	if (!rc && kt_buf_cat(&sql, "SELECT 1 FROM \"", s->name, "\" WHERE \"", f ? f->name : "id",
	                      "\" = ?1 LIMIT 1", (char *)NULL))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc)
		rc = index_stmt(ix, sql.data, &st, err);
	kt_buf_free(&sql);
	for (size_t i = 0; !rc && i < n; i++) {
		sqlite3_bind_text(st, 1, values[i], -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW)
			found[i] = 1;
		else if (step != SQLITE_DONE)
			rc = db_fail(ix->db, err, "lookup");
		sqlite3_reset(st);
	}
	return rc;
}

/* Lists records referring to value.  See index.h. */
int index_referrers(struct index *ix, const struct kt_schema *target,
                    const char *value, struct kt_buf *out,
                    struct kt_error *err)
{
	int found = 0, rc = index_open(ix, err);

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *s = ix->types->v[t];
		for (size_t i = 0; !rc && i < s->nfields; i++) {
			const struct kt_field *f = &s->fields[i];
			sqlite3_stmt *st;
			char sql[512];
			if (f->type != KT_REF || strcmp(f->arg, target->name))
				continue;
			snprintf(sql, sizeof sql, "SELECT id FROM \"%s\" WHERE \"%s\" = ? LIMIT 5", s->name, f->name);
			if ((rc = db_prepare(ix->db, sql, &st, err)))
				break;
			sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
			while (!rc && sqlite3_step(st) == SQLITE_ROW)
				if (kt_buf_addf(out, "%s%s %s", found++ ? ", " : "", s->name,
				                (const char *)sqlite3_column_text(st, 0)))
					rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			sqlite3_finalize(st);
		}
	}
	return rc ? rc : found;
}

/* Resolves an id prefix.  See index.h. */
int index_resolve_id(struct index *ix, const char *type, const char *prefix,
                     char **id, const struct kt_schema **schema, struct kt_error *err)
{
	char norm[10], lo[9], hi[9];
	const struct kt_schema *s;
	sqlite3_stmt *st;
	char sql[256];
	struct kt_buf found = { 0 };
	int n = 0, rc;

	if ((rc = index_open(ix, err)))
		return rc;
	/* A type referred to by key is named by it too: employee anna. */
	const struct kt_schema *keyed = type ? types_find(ix->types, type) : NULL;
	char other[9];
	if (keyed && keyed->key && (rc = index_exists(ix, keyed, keyed->key, prefix, NULL, other, err)) != 0) {
		if (rc < 0)
			return rc;
		*schema = keyed;
		return (*id = strdup(other)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (id_prefix_normalize(prefix, norm) || !(s = types_by_prefix(ix->types, norm[0])) ||
	    (type && strcmp(type, s->name)))
		return kt_error_set(err, KT_ENOTFOUND, "no %s %s", type ? type : "record", prefix);
	/* A prefix is a range of ids. */
	size_t nlen = strlen(norm);
	memcpy(lo, "00000000", 9);
	memcpy(hi, "ZZZZZZZZ", 9);
	memcpy(lo, norm, nlen);
	memcpy(hi, norm, nlen);
	snprintf(sql, sizeof sql, "SELECT id FROM \"%s\" WHERE id BETWEEN ? AND ? ORDER BY id LIMIT 11",
	         s->name);
	/* Kept: an import resolves a reference of every row it adds. */
	if ((rc = index_stmt(ix, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		if (kt_buf_addf(&found, "%s%s", n++ ? " " : "", (const char *)sqlite3_column_text(st, 0)))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	sqlite3_reset(st);
	if (!rc && n == 0)
		rc = kt_error_set(err, KT_ENOTFOUND, "no %s %s", type ? type : s->name, prefix);
	else if (!rc && n > 1)
		rc = kt_error_set(err, KT_EAMBIGUOUS, "%s is ambiguous: %s%s", prefix, found.data,
		                  n > 10 ? " ..." : "");
	if (!rc) {
		*id = kt_buf_detach(&found);
		*schema = s;
	}
	kt_buf_free(&found);
	return rc;
}

/* Counts the records using a dictionary entry.  See index.h. */
int index_dict_users(struct index *ix, const char *dict, const char *id,
                     struct kt_buf *example, struct kt_error *err)
{
	int64_t found = 0;
	int rc = index_open(ix, err);

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *s = ix->types->v[t];
		struct kt_buf sql = { 0 };
		sqlite3_stmt *st;
		for (size_t i = 0; !rc && i < s->nfields; i++) {
			const struct kt_field *f = &s->fields[i];
			if (f->type == KT_DICT && f->arg && !strcmp(f->arg, dict) &&
			    kt_buf_addf(&sql, "%s\"%s\" = ?1", sql.len ? " OR " : "", f->name))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		if (rc || !sql.len) {
			kt_buf_free(&sql);
			continue;
		}
		char *cond = kt_buf_detach(&sql);
		if (!cond || kt_buf_addf(&sql, "SELECT count(*), min(id) FROM \"%s\" WHERE %s", s->name, cond))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		free(cond);
		if (!rc && !(rc = db_prepare(ix->db, sql.data, &st, err))) {
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW) {
				rc = db_fail(ix->db, err, "lookup");
			} else if (sqlite3_column_int64(st, 0) > 0) {
				if (!found && kt_buf_addf(example, "%s %s", s->name,
				                          (const char *)sqlite3_column_text(st, 1)))
					rc = kt_error_set(err, KT_ENOMEM, "out of memory");
				found += sqlite3_column_int64(st, 0);
			}
			sqlite3_finalize(st);
		}
		kt_buf_free(&sql);
	}
	if (rc)
		return rc;
	return found > INT_MAX ? INT_MAX : (int)found;
}


/* Reads a record's fields as index_get() does: as stored in CSV when
 * stored, else as the index holds them.  Returns 1, 0 or an error. */
static int get(struct index *ix, const struct kt_schema *s, const char *col, const char *value,
               const char *const *fields, size_t n, char **values, int stored, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	sqlite3_stmt *st;
	int rc = index_open(ix, err);

	for (size_t i = 0; i < n; i++)
		values[i] = NULL;
	if (rc)
		return rc;
	/* Put together by kt_buf_cat(), not printf: a 1C import asks once
	 * per product, and the SQL's twelve columns by printf were most of
	 * the lookup. */
	rc = kt_buf_adds(&sql, "SELECT ");
	for (size_t i = 0; !rc && i < n; i++)
		rc = kt_buf_cat(&sql, i ? ", \"" : "\"", fields[i], "\"", (char *)NULL);
	if (rc || kt_buf_cat(&sql, " FROM \"", s->name, "\" WHERE \"", col, "\" = ?1 LIMIT 1", (char *)NULL)) {
		kt_buf_free(&sql);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	rc = index_stmt(ix, sql.data, &st, err);
	kt_buf_free(&sql);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		rc = 1;
		for (size_t i = 0; i < n; i++) {
			char num[40];
			const char *v = stored ? db_column_text(st, (int)i, schema_column_type(s, fields[i]), num)
			                       : (const char *)sqlite3_column_text(st, (int)i);
			if (v && !(values[i] = strdup(v)))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		}
	} else if (step != SQLITE_DONE) {
		rc = db_fail(ix->db, err, "lookup");
	}
	sqlite3_reset(st);
	for (size_t i = 0; rc < 0 && i < n; i++) {
		free(values[i]);
		values[i] = NULL;
	}
	return rc;
}

/* Reads a record's fields.  See index.h. */
int index_get(struct index *ix, const struct kt_schema *s, const char *col, const char *value,
              const char *const *fields, size_t n, char **values, struct kt_error *err)
{
	return get(ix, s, col, value, fields, n, values, 0, err);
}

/* Reads a record's fields as stored in CSV.  See index.h. */
int index_get_stored(struct index *ix, const struct kt_schema *s, const char *col, const char *value,
                     const char *const *fields, size_t n, char **values, struct kt_error *err)
{
	return get(ix, s, col, value, fields, n, values, 1, err);
}

/* Runs sql, which selects two columns, and calls fn with them for every
 * row.  Returns 0, fn's non-zero return, or an error. */
static int each_pair(struct index *ix, const char *sql,
                     int (*fn)(void *arg, const char *a, const char *b), void *arg,
                     struct kt_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = index_open(ix, err), step = SQLITE_DONE;

	if (!rc)
		rc = db_prepare(ix->db, sql, &st, err);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1));
	if (!rc && st && step != SQLITE_DONE)
		rc = db_fail(ix->db, err, "lookup");
	sqlite3_finalize(st);
	return rc;
}

/* Calls fn for every non-empty value of a field.  See index.h. */
int index_each_value(struct index *ix, const struct kt_schema *s, const char *field,
                     int (*fn)(void *arg, const char *value, const char *id), void *arg,
                     struct kt_error *err)
{
	char sql[512];

	snprintf(sql, sizeof sql, "SELECT \"%s\", id FROM \"%s\" WHERE \"%s\" <> ''",
	         field, s->name, field);
	return each_pair(ix, sql, fn, arg, err);
}

/* Calls fn for the key and title of every record who may see.  See
 * index.h. */
int index_each_title(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                     int (*fn)(void *arg, const char *key, const char *title), void *arg,
                     struct kt_error *err)
{
	const char *key = s->key ? s->key : "id", *title = s->title ? s->title : "id";
	struct kt_buf sql = { 0 };
	char *seen = NULL;
	int rc = index_access_where(ix, who, s, ACCESS_READ, &seen, err);

	if (!rc && kt_buf_addf(&sql, "SELECT \"%s\", \"%s\" FROM \"%s\" WHERE \"%s\" <> ''%s%s",
	                       key, title, s->name, title, seen ? " AND " : "", seen ? seen : ""))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc)
		rc = each_pair(ix, sql.data, fn, arg, err);
	free(seen);
	kt_buf_free(&sql);
	return rc;
}
