/*
 * search.c - full-text search: kontora search, and the fts table built
 * again by a search that finds it missing or not the index's (search.db
 * removed, or a rebuild's renames half done); a rebuild fills it itself.
 * The text indexed and the words searched for are folded by kontora
 * (fold_words(): case, ё, diacritics, punctuation as spaces) and cut by
 * FTS5's ascii tokenizer, which does no folding of its own.
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
	char *folded = strdup(text);
	struct kt_buf q = { 0 }, number = { 0 };
	int rc = folded ? 0 : KT_ENOMEM;

	/* As the text was folded for fts: « », dashes and such cut words. */
	if (folded)
		folded[fold_words(folded, strlen(folded))] = '\0';

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

/* The matches ranked of each type: the newest this many the caller may
 * see (kontora-search(1), "Order").  Ranking is FTS5's bm25, ~2.5 us a
 * match; the newest are the first of a scan in descending rowid, ~0.1 us
 * a match. */
#define SEARCH_WINDOW 1000

/* A match of the full text: its rowid in fts and its rank (bm25, lower
 * is better; infinity, 1e999 in SQL, for a match past its type's window). */
struct hit {
	int64_t at;
	double rank;
};

/* One search under way: what the caller may see and how to show it. */
struct search {
	struct index *ix;
	char **seen;             /* per type: NULL all, else the condition */
	sqlite3_stmt **rec;      /* per type: the record's id and title, prepared once */
	size_t window;           /* matches ranked per type */
	size_t *matched;         /* per type: matches the caller may see met so far */
	size_t older;            /* matches past their window kept so far */
	long limit, shown;
	int rc;                  /* an error of search_take(), in err */
	struct kt_error *err;
	kt_row_fn fn;
	void *arg;
};

/* Steps the statement of the record of the match at, prepared on first
 * use, if the caller may see it.  Returns 0 and in *rec the statement on
 * its row (id, title; reset it after) or NULL when the caller may not see
 * it; or an error. */
static int record_of(struct search *se, int64_t at, sqlite3_stmt **rec, struct kt_error *err)
{
	size_t t = (size_t)(at >> 40);
	const struct kt_schema *s = t < se->ix->types->n ? se->ix->types->v[t] : NULL;
	int rc;

	*rec = NULL;
	if (!s || (se->seen[t] && !strcmp(se->seen[t], "0")))
		return 0;
	if (!se->rec[t]) {
		char *sql;
		if (asprintf(&sql, "SELECT id, coalesce(\"%s\", '') FROM \"%s\" WHERE rowid = ? AND %s",
		             s->title ? s->title : "id", s->name, se->seen[t] ? se->seen[t] : "1") < 0)
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		rc = db_prepare(se->ix->db, sql, &se->rec[t], err);
		free(sql);
		if (rc)
			return rc;
	}
	sqlite3_bind_int64(se->rec[t], 1, at & (((int64_t)1 << 40) - 1));
	if (sqlite3_step(se->rec[t]) == SQLITE_ROW)
		*rec = se->rec[t];
	else
		sqlite3_reset(se->rec[t]);
	return 0;
}

/* search_take(rowid), an SQL function of the scan, which goes by
 * descending rowid: for the fts row rowid of a record the caller may
 * see, 1 while its type has had fewer such matches than the window (the
 * newest: ranked), 2 past it while the search may still show it (at
 * most limit kept), else 0.  A match the caller may not see counts for
 * nothing, so that theirs are ranked however many newer ones others
 * have. */
static void sql_take(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	struct search *se = sqlite3_user_data(c);
	int64_t at = sqlite3_value_int64(argv[0]);
	size_t t = (size_t)(at >> 40);
	sqlite3_stmt *rec = NULL;
	int take;

	(void)argc;
	if (t >= se->ix->types->n ||
	    (se->matched[t] >= se->window && se->limit > 0 && se->older >= (size_t)se->limit))
		take = 0;
	/* Who may see every record of the type looks nothing up. */
	else if (se->seen[t] && (se->rc = record_of(se, at, &rec, se->err)))
		take = -1;
	else if (se->seen[t] && !rec)
		take = 0;
	else
		take = se->matched[t] < se->window ? (se->matched[t]++, 1) : (se->older++, 2);
	if (rec)
		sqlite3_reset(rec);
	if (take < 0)
		sqlite3_result_error(c, "search", -1);
	else
		sqlite3_result_int(c, take);
}

/* Orders hits best first, a tie newest first.  For qsort(). */
static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

/* Scans every match of q once, newest first, ranking the newest of each
 * type the caller may see (the rank is evaluated only where search_take()
 * says so: the CASE is lazy) and keeping those past the window after
 * them, newest first.  Returns 0 and *hits (caller frees) of *n matches
 * in the order shown, or an error. */
static int ranked(struct search *se, const char *q, struct hit **hits, size_t *n,
                  struct kt_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = 0, step = SQLITE_DONE;

	*hits = NULL;
	*n = 0;
	se->err = err;
	if (sqlite3_create_function(se->ix->db, "search_take", 1, SQLITE_UTF8, se, sql_take,
	                            NULL, NULL) != SQLITE_OK)
		return db_fail(se->ix->db, err, "search");
	rc = db_prepare(se->ix->db, "SELECT rowid, CASE search_take(rowid) WHEN 1 THEN rank "
	                "WHEN 2 THEN 1e999 END FROM fts WHERE fts MATCH ? ORDER BY rowid DESC", &st, err);
	if (!rc)
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		if (*n == cap) {
			struct hit *more = realloc(*hits, (cap = cap ? 2 * cap : 64) * sizeof *more);
			if (!more) {
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
				break;
			}
			*hits = more;
		}
		(*hits)[(*n)++] = (struct hit){ sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1) };
	}
	if (!rc && step != SQLITE_DONE)
		rc = se->rc ? se->rc : db_fail(se->ix->db, err, "search");
	sqlite3_finalize(st);
	sqlite3_create_function(se->ix->db, "search_take", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	if (!rc && *n)
		qsort(*hits, *n, sizeof **hits, hit_cmp);
	return rc;
}

/* Shows the match at of fts if the caller may see its record.  Returns 0,
 * fn's non-zero return, or an error. */
static int show(struct search *se, int64_t at, struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "type", KT_TEXT, "type" }, { "id", KT_TEXT, "id" }, { "title", KT_TEXT, "title" },
	};
	sqlite3_stmt *rec;
	int rc = record_of(se, at, &rec, err);

	if (rc || !rec)
		return rc;
	char *values[] = { se->ix->types->v[at >> 40]->name, (char *)sqlite3_column_text(rec, 0),
	                   (char *)sqlite3_column_text(rec, 1) };
	rc = se->fn(se->arg, 3, cols, values);
	se->shown++;
	sqlite3_reset(rec);
	return rc;
}

/* Returns 1 while the search may show more matches. */
static int wants_more(const struct search *se)
{
	return se->limit <= 0 || se->shown < se->limit;
}

/* Frees what a search holds. */
static void search_free(struct search *se)
{
	for (size_t t = 0; t < se->ix->types->n; t++) {
		if (se->seen)
			free(se->seen[t]);
		if (se->rec)
			sqlite3_finalize(se->rec[t]);
	}
	free(se->seen);
	free(se->rec);
	free(se->matched);
}

/* Tries of search_begin(): each that finds the full text not the index's
 * either builds it or finds another process's refresh committed between
 * the two files; only refreshes that come one after another as fast
 * would need more. */
#define SEARCH_TRIES 4

/* Begins the read transaction of a search (index_read_begin()) in which
 * the full text is the index's: its first statement (fts_built()) takes
 * the read locks of both files, so that a big refresh, which commits
 * search.db and then index.db (index.c, refresh_with()), cannot commit
 * either in between until the search ends.  A search that comes between
 * its two commits finds the tokens differing, and build_fts() waits for
 * index.db's write lock and then finds them the same.  Returns 0 (end
 * with index_read_end()) or an error. */
static int search_begin(struct index *ix, struct kt_error *err)
{
	int rc = 0;

	for (int i = 0; !rc && i < SEARCH_TRIES; i++) {
		if ((rc = index_read_begin(ix, err)))
			return rc;
		if (fts_built(ix))
			return 0;
		index_read_end(ix);
		rc = build_fts(ix, err);
	}
	return rc ? rc : kt_error_set(err, KT_ECONFLICT, "index: the full text keeps changing; try again");
}

/* Searches the records' words.  See index.h. */
int index_search(struct index *ix, const struct kt_identity *who, const char *text,
                 long limit, kt_row_fn fn, void *arg, struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "type", KT_TEXT, "type" }, { "id", KT_TEXT, "id" }, { "title", KT_TEXT, "title" },
	};
	struct search se = { .ix = ix, .window = SEARCH_WINDOW, .limit = limit, .fn = fn, .arg = arg };
	struct hit *hits = NULL;
	size_t nhits = 0, n = ix->types->n;
	char *q = fts_query(text);
	int rc = q ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");

	if (!rc && !*q)
		rc = kt_error_set(err, KT_EINVAL, "nothing to search for");
	if (!rc)
		rc = search_begin(ix, err);
	if (rc) {
		free(q);
		return rc;
	}
	if (!(se.seen = calloc(n + 1, sizeof *se.seen)) || !(se.rec = calloc(n + 1, sizeof *se.rec)) ||
	    !(se.matched = calloc(n + 1, sizeof *se.matched)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t t = 0; !rc && t < n; t++)
		rc = index_access_where(ix, who, ix->types->v[t], ACCESS_READ, &se.seen[t], err);
	if (!rc)
		rc = ranked(&se, q, &hits, &nhits, err);
	if (!rc)
		rc = fn(arg, 3, cols, NULL);
	for (size_t i = 0; !rc && i < nhits && wants_more(&se); i++)
		rc = show(&se, hits[i].at, err);
	free(hits);
	search_free(&se);
	free(q);
	index_read_end(ix);
	return rc;
}
