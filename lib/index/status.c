/*
 * status.c - status_history: when each value of a field began and ended,
 * for the types whose schema has a "history FIELD" line (the lab's
 * requests and their status), read from git.  A report counts from it
 * the days a request spent in each status (kontora-report(5)).
 *
 * The history is not in the files, only in the commits, so the table is
 * kept as the index is: a refresh walks the commits between the one the
 * index reflects and HEAD, one by one along first parents
 * (store_walk()), and a full build walks them all, but only the
 * directories of those types: a commit that changed no file of theirs
 * costs two tree lookups.  In each file a commit changed, the rows of
 * both versions are compared by id; a record whose value changed (or
 * that came or went) closes its open row (until = the commit's time) and
 * opens one for the new value.  Times are the commits' author times in
 * UTC, as ISO 8601 ("2026-11-02T09:00:00Z"), which SQLite's julianday()
 * reads.  A refresh and a rebuild walk the same commits and so give the
 * same table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/db.h"

/* Creates the table.  See db.h. */
int status_create(struct index *ix, struct kt_error *err)
{
	return db_exec(ix->db,
		"CREATE TABLE status_history(type TEXT NOT NULL, id TEXT NOT NULL, status TEXT,"
		" since TEXT NOT NULL, until TEXT, author TEXT, author_name TEXT, \"commit\" TEXT);"
		"CREATE INDEX status_history_id ON status_history(type, id);", err);
}

/* Returns the column of the header of csv called name, or -1. */
static long column(const struct kt_csv *csv, const char *name)
{
	for (size_t i = 0; i < csv->nheader; i++)
		if (!strcmp(csv->header[i], name))
			return (long)i;
	return -1;
}

/* Returns the value of column col of row (owned by the row; "" when the
 * row is short or col is -1). */
static const char *value(const struct kt_csv_row *row, long col)
{
	return col >= 0 && (size_t)col < row->nfields ? row->fields[col] : "";
}

/* The rows of one version of a shard: the parsed CSV, its id and value
 * columns, and the ids by row. */
struct version {
	struct kt_csv *csv;
	long id, field;
	struct strmap ids;
};

/* Parses a version of a shard into v (free with version_free(), also
 * after an error).  A version that is no CSV (a file broken by hand in
 * an old commit, which kontora check reported then) counts as empty.
 * Returns 0 or KT_ENOMEM. */
static int version_read(struct version *v, const struct kt_schema *s, const char *path,
                        const char *text, size_t len)
{
	struct kt_error ignored = { 0 };

	memset(v, 0, sizeof *v);
	v->id = v->field = -1;
	if (kt_csv_parse(text, len, path, &v->csv, &ignored))
		return ignored.code == KT_ENOMEM ? KT_ENOMEM : 0;
	v->id = column(v->csv, "id");
	v->field = column(v->csv, s->history);
	for (size_t i = 0; v->id >= 0 && i < v->csv->nrows; i++)
		if (strmap_put(&v->ids, value(&v->csv->rows[i], v->id), i))
			return KT_ENOMEM;
	return 0;
}

static void version_free(struct version *v)
{
	kt_csv_free(v->csv);
	strmap_free(&v->ids);
}

/* What one update knows of the commit being read. */
struct update {
	struct index *ix;
	char time[32];
	int64_t at;
};

/* Closes the open row of record id of s (until = the delta's time),
 * unless the delta's own commit opened it.  Returns 0 or KT_EDB. */
static int close_row(struct update *u, const struct kt_schema *s, const char *id,
                     const struct store_delta *d, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = index_stmt(u->ix, "UPDATE status_history SET until = ? WHERE type = ? AND id = ?"
	                           " AND until IS NULL AND \"commit\" <> ?", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, u->time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->commit, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(u->ix->db, err, "status_history");
	sqlite3_reset(st);
	return rc;
}

/* Opens a row: record id of s holds status since the delta's time.
 * Returns 0 or KT_EDB. */
static int open_row(struct update *u, const struct kt_schema *s, const char *id,
                    const char *status, const struct store_delta *d, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = index_stmt(u->ix, "INSERT INTO status_history(type, id, status, since, author,"
	                           " author_name, \"commit\") VALUES(?, ?, ?, ?, ?, ?, ?)", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->commit, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(u->ix->db, err, "status_history");
	sqlite3_reset(st);
	return rc;
}

/* Opens again the last row of record id of s when this commit's time
 * closed it and it held status: the record left one file and came into
 * another unchanged, as a shard split past its size does (the old file
 * comes first in the diff: "L3.csv" sorts before "L3/").  Returns 1 when
 * it did, 0 when there was no such row, or KT_EDB. */
static int reopen_row(struct update *u, const struct kt_schema *s, const char *id,
                      const char *status, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = index_stmt(u->ix, "UPDATE status_history SET until = NULL WHERE rowid ="
	                           " (SELECT max(rowid) FROM status_history WHERE type = ?1 AND id = ?2)"
	                           " AND until = ?3 AND status = ?4", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(u->ix->db, err, "status_history");
	else
		rc = sqlite3_changes(u->ix->db) > 0;
	sqlite3_reset(st);
	return rc;
}

/* Records what one commit did to one shard: the records whose value
 * changed, came or went.  Returns 0 or an error. */
static int on_delta(void *arg, const struct store_delta *d, struct kt_error *err)
{
	struct update *u = arg;
	const struct kt_schema *s = type_of_path(u->ix, d->path);
	struct version old = { 0 }, new = { 0 };
	struct store_file of = { 0 }, nf = { 0 };
	int rc = 0;

	if (!s || !s->history)
		return 0;
	if (d->time != u->at) {
		time_t t = (time_t)d->time;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(u->time, sizeof u->time, "%Y-%m-%dT%H:%M:%SZ", &tm);
		u->at = d->time;
	}
	/* A history's shards (requests to the lab) are small: read whole. */
	if ((rc = store_blob_text(u->ix->store, d->old, &of, err)) ||
	    (rc = store_blob_text(u->ix->store, d->new, &nf, err)))
		goto done;
	if (version_read(&old, s, d->path, of.data, of.len) ||
	    version_read(&new, s, d->path, nf.data, nf.len)) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; !rc && new.id >= 0 && i < new.csv->nrows; i++) {
		const struct kt_csv_row *row = &new.csv->rows[i];
		const char *id = value(row, new.id), *now = value(row, new.field);
		size_t at;
		int had = old.id >= 0 && strmap_get(&old.ids, id, &at);
		if (!*id || (had && !strcmp(value(&old.csv->rows[at], old.field), now)))
			continue;
		if (!(rc = close_row(u, s, id, d, err)) && *now &&
		    (had || !(rc = reopen_row(u, s, id, now, err))))
			rc = open_row(u, s, id, now, d, err);
		rc = rc == 1 ? 0 : rc;
	}
	for (size_t i = 0; !rc && old.id >= 0 && i < old.csv->nrows; i++) {
		const char *id = value(&old.csv->rows[i], old.id);
		if (*id && !(new.id >= 0 && strmap_get(&new.ids, id, NULL)))
			rc = close_row(u, s, id, d, err);
	}
done:
	version_free(&old);
	version_free(&new);
	store_file_free(&of);
	store_file_free(&nf);
	return rc;
}

/* Brings status_history from one commit to another.  See db.h. */
int status_update(struct index *ix, const char *from, const char *to, struct kt_error *err)
{
	struct update u = { ix, "", -1 };
	char **dirs = calloc(ix->types->n ? ix->types->n : 1, sizeof *dirs);
	size_t n = 0;
	int rc = dirs ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		char *dir;
		if (!ix->types->v[t]->history)
			continue;
		if (asprintf(&dir, "data/%s", ix->types->v[t]->name) < 0)
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else
			dirs[n++] = dir;
	}
	if (!rc && n)
		rc = store_walk(ix->store, from, to, dirs, n, on_delta, &u, err);
	for (size_t i = 0; dirs && i < n; i++)
		free(dirs[i]);
	free(dirs);
	return rc;
}
