/*
 * search.c - full-text search: kontora search, and the fts table built
 * again by a search that finds it missing or not the index's (search.db
 * removed, or a rebuild's renames half done); a rebuild fills it itself.
 * SQLite's unicode61 folds Cyrillic case but not ё, so the text indexed
 * and the words searched for are folded by kt_fold() first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* Returns the number of records of every type, for progress. */
static size_t count_records(struct index *ix)
{
	size_t n = 0;

	for (size_t t = 0; t < ix->types->n; t++) {
		sqlite3_stmt *st;
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", ix->types->v[t]->name);
		if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL) != SQLITE_OK)
			continue;
		if (sqlite3_step(st) == SQLITE_ROW)
			n += (size_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return n;
}

/* Fills fts in search.db anew from the type tables and marks it the
 * index's; from then on every refresh keeps it current.  Returns 0 or an
 * error. */
static int build_fts(struct index *ix, struct kt_error *err)
{
	sqlite3_stmt *ins = NULL;
	struct kt_buf body = { 0 }, sql = { 0 };
	int rc = db_exec(ix->db, "BEGIN IMMEDIATE", err);

	if (rc)
		return rc;
	if (fts_built(ix))
		return db_exec(ix->db, "COMMIT", err);
	rc = db_exec(ix->db, "CREATE TABLE IF NOT EXISTS search.meta(key TEXT PRIMARY KEY, value TEXT);"
	                     "DROP TABLE IF EXISTS search.fts;"
	                     "CREATE VIRTUAL TABLE search.fts USING fts5(" FTS_COLUMNS ");" FTS_TUNE, err);
	if (!rc)
		rc = db_prepare(ix->db, "INSERT INTO fts(rowid, body) VALUES(?, ?)", &ins, err);
	size_t done = 0, total = ix->progress ? count_records(ix) : 0;
	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *s = ix->types->v[t];
		sqlite3_stmt *rows = NULL;
		kt_buf_reset(&sql);
		if (kt_buf_adds(&sql, "SELECT rowid") || searched_columns(&sql, s) ||
		    kt_buf_addf(&sql, " FROM \"%s\"", s->name))
			rc = KT_ENOMEM;
		if (rc) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			break;
		}
		if ((rc = db_prepare(ix->db, sql.data, &rows, err)))
			break;
		while (!rc && sqlite3_step(rows) == SQLITE_ROW) {
			if (searched_body(&body, s, rows, 1))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			sqlite3_bind_int64(ins, 1, fts_rowid(ix, s, sqlite3_column_int64(rows, 0)));
			sqlite3_bind_text(ins, 2, body.data ? body.data : "", (int)body.len, SQLITE_STATIC);
			if (!rc && sqlite3_step(ins) != SQLITE_DONE)
				rc = db_fail(ix->db, err, "fts");
			sqlite3_reset(ins);
			if (ix->progress && (++done % 10000 == 0 || done == total))
				ix->progress(ix->progress_arg, N_("indexing records for search"), done, total);
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(ins);
	kt_buf_free(&body);
	kt_buf_free(&sql);
	char token[64], *mark = NULL;
	fts_token(token);
	if (!rc && !(rc = meta_set(ix->db, "fts", token, err)) &&
	    !(mark = sqlite3_mprintf("INSERT OR REPLACE INTO search.meta VALUES('fts', %Q)", token)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc)
		rc = db_exec(ix->db, mark, err);
	sqlite3_free(mark);
	if (rc)
		db_exec(ix->db, "ROLLBACK", NULL);
	else
		rc = db_exec(ix->db, "COMMIT", err);
	return rc;
}

/* Appends one term of an FTS5 query: a quoted prefix; for a number, as
 * a phone is indexed by its digits with 7 first (+74951234567), also the
 * number with 8, the trunk prefix, read as 7 (8 495 ...), or with 7 put
 * before it when it has neither (495 ...).  Returns 0 or KT_ENOMEM. */
static int add_term(struct kt_buf *q, const char *word, int number)
{
	int rc = q->len ? kt_buf_adds(q, " AND ") : 0;
	const char *after7 = !number ? NULL : word[0] == '8' && strlen(word) >= 4 ? word + 1
	                                    : word[0] != '7' && word[0] != '8' ? word : NULL;

	if (rc)
		return rc;
	if (after7)
		return kt_buf_addf(q, "(\"%s\"* OR \"7%s\"*)", word, after7);
	return kt_buf_addf(q, "\"%s\"*", word);
}

/* Turns what a person typed into an FTS5 query: every word, folded, as a
 * prefix, all required.  Digits written in groups ("916 555 01") are one
 * number, as phones are indexed.  Returns it (caller frees) or NULL. */
static char *fts_query(const char *text)
{
	static const char seps[] = " \t\n,;()+-\"'*";
	char *folded = kt_fold(text);
	struct kt_buf q = { 0 }, number = { 0 };
	int rc = folded ? 0 : KT_ENOMEM;

	for (char *w = folded ? strtok(folded, seps) : NULL; !rc && w; w = strtok(NULL, seps)) {
		if (w[strspn(w, "0123456789")] == '\0') {
			rc = kt_buf_adds(&number, w);
			continue;
		}
		if (number.len && !(rc = add_term(&q, number.data, 1)))
			kt_buf_reset(&number);
		if (!rc)
			rc = add_term(&q, w, 0);
	}
	if (!rc && number.len)
		rc = add_term(&q, number.data, 1);
	free(folded);
	kt_buf_free(&number);
	if (rc || kt_buf_adds(&q, "")) {
		kt_buf_free(&q);
		return NULL;
	}
	return kt_buf_detach(&q);
}

/* Searches the records' words.  See index.h. */
int index_search(struct index *ix, const struct kt_identity *who, const char *text,
                 long limit, kt_row_fn fn, void *arg, struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "type", KT_TEXT, "type" }, { "id", KT_TEXT, "id" }, { "title", KT_TEXT, "title" },
	};
	sqlite3_stmt *hits = NULL;
	char *q = NULL;
	int rc = index_open(ix, err);

	if (!rc && !fts_built(ix))
		rc = build_fts(ix, err);
	if (rc)
		return rc;
	if (!(q = fts_query(text)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!*q) {
		free(q);
		return kt_error_set(err, KT_EINVAL, "nothing to search for");
	}
	/* What the caller may see of each type: NULL all, else a condition. */
	char **seen = calloc(ix->types->n + 1, sizeof *seen);
	int filtered = 0;
	if (!seen)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t t = 0; !rc && t < ix->types->n; t++)
		if (!(rc = index_access_where(ix, who, ix->types->v[t], ACCESS_READ, &seen[t], err)) && seen[t])
			filtered = 1;
	if (!rc)
		rc = db_prepare(ix->db, "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?", &hits, err);
	if (!rc) {
		sqlite3_bind_text(hits, 1, q, -1, SQLITE_STATIC);
		/* Hidden hits do not count: the limit is applied to what is shown. */
		sqlite3_bind_int64(hits, 2, limit > 0 && !filtered ? limit : -1);
	}
	if (!rc)
		rc = fn(arg, 3, cols, NULL);
	long shown = 0;
	while (!rc && (limit <= 0 || shown < limit) && sqlite3_step(hits) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(hits, 0);
		size_t t = (size_t)(at >> 40);
		const struct kt_schema *s = (t < ix->types->n ? ix->types->v[t] : NULL);
		sqlite3_stmt *rec = NULL;
		char *sql;
		if (!s)
			continue;
		if (asprintf(&sql, "SELECT id, coalesce(\"%s\", '') FROM \"%s\" WHERE rowid = ? AND %s",
		             s->title ? s->title : "id", s->name, seen[t] ? seen[t] : "1") < 0) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			break;
		}
		rc = db_prepare(ix->db, sql, &rec, err);
		free(sql);
		if (rc)
			break;
		sqlite3_bind_int64(rec, 1, at & (((int64_t)1 << 40) - 1));
		if (sqlite3_step(rec) == SQLITE_ROW) {
			char *values[] = { s->name, (char *)sqlite3_column_text(rec, 0),
			                   (char *)sqlite3_column_text(rec, 1) };
			rc = fn(arg, 3, cols, values);
			shown++;
		}
		sqlite3_finalize(rec);
	}
	for (size_t t = 0; seen && t < ix->types->n; t++)
		free(seen[t]);
	free(seen);
	sqlite3_finalize(hits);
	free(q);
	return rc;
}
