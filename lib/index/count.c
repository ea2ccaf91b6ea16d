/*
 * count.c - what the distribution of leads counts: records by owner.
 *
 * Counting a million leads by manager is a scan of the whole table
 * (0.4 s), and every lead added without a manager asks for it.  So the
 * index keeps the counts themselves, in a small table per (type, field)
 * the distribution asks about, "_count_TYPE_FIELD_K": one row per owner,
 * created month (the first 7 characters of created) and value v, with
 * the number n of records; v is whether FIELD is empty (K "e", for
 * round robin's leads without a client) or FIELD's value (K "v", for
 * least loaded's states).  Such a table is filled by the first count
 * that needs it, like the full-text table by the first search, and kept
 * current by triggers on the type's table, so a count costs a few
 * hundred rows whatever the size of the books.  A rebuilt index starts
 * without them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* Appends to sql the value v of the record r ("NEW" or "OLD"), for a
 * table of kind k on field f.  Returns 0 or KT_ENOMEM. */
static int value_sql(struct kt_buf *sql, const char *r, const char *f, char k)
{
	return kt_buf_addf(sql, k == 'e' ? "(%s.\"%s\" IS NULL)" : "%s.\"%s\"", r, f) ? KT_ENOMEM : 0;
}

/* Appends to sql the condition on table t of the row counting the record
 * r.  Returns 0 or KT_ENOMEM. */
static int key_sql(struct kt_buf *sql, const char *t, const char *owner, const char *r,
                   const char *f, char k)
{
	return kt_buf_addf(sql, "FROM \"%s\" WHERE owner = %s.\"%s\" AND month IS substr(%s.created, 1, 7)"
	                   " AND v IS ", t, r, owner, r) || value_sql(sql, r, f, k) ? KT_ENOMEM : 0;
}

/* Appends to sql the statements that count the record r (NEW or OLD) in
 * table t, add being "+ 1" or "- 1": a row for its key is made first
 * when missing.  Returns 0 or KT_ENOMEM. */
static int bump_sql(struct kt_buf *sql, const char *t, const char *owner, const char *r,
                    const char *f, char k, const char *add)
{
	if (kt_buf_addf(sql, "INSERT INTO \"%s\"(owner, month, v, n) SELECT %s.\"%s\", "
	                "substr(%s.created, 1, 7), ", t, r, owner, r) ||
	    value_sql(sql, r, f, k) || kt_buf_adds(sql, ", 0 WHERE NOT EXISTS (SELECT 1 ") ||
	    key_sql(sql, t, owner, r, f, k) || kt_buf_addf(sql, "); UPDATE \"%s\" SET n = n %s ", t, add) ||
	    kt_buf_adds(sql, "WHERE rowid = (SELECT rowid ") || key_sql(sql, t, owner, r, f, k) ||
	    kt_buf_adds(sql, ");"))
		return KT_ENOMEM;
	return 0;
}

/* Appends to sql the making and filling of table t for type s, counting
 * by field f of kind k, and the triggers that keep it current.  Returns 0
 * or KT_ENOMEM. */
static int make_sql(struct kt_buf *sql, const struct kt_schema *s, const char *t,
                    const char *f, char k)
{
	const char *o = s->owner;

	if (kt_buf_addf(sql, "CREATE TABLE \"%s\"(owner TEXT NOT NULL, month TEXT, v, n INTEGER NOT NULL);"
	                "CREATE INDEX \"%s_key\" ON \"%s\"(owner, month, v);"
	                "INSERT INTO \"%s\" SELECT \"%s\", substr(created, 1, 7), %s\"%s\"%s, count(*) "
	                "FROM \"%s\" NOT INDEXED WHERE \"%s\" IS NOT NULL GROUP BY 1, 2, 3;",
	                t, t, t, t, o, k == 'e' ? "(" : "", f, k == 'e' ? " IS NULL)" : "", s->name, o) ||
	    kt_buf_addf(sql, "CREATE TRIGGER \"%s_ins\" AFTER INSERT ON \"%s\" WHEN NEW.\"%s\" IS NOT NULL "
	                "BEGIN ", t, s->name, o) || bump_sql(sql, t, o, "NEW", f, k, "+ 1") ||
	    kt_buf_addf(sql, " END; CREATE TRIGGER \"%s_del\" AFTER DELETE ON \"%s\" WHEN OLD.\"%s\" IS NOT NULL "
	                "BEGIN ", t, s->name, o) || bump_sql(sql, t, o, "OLD", f, k, "- 1") ||
	    kt_buf_addf(sql, " END; CREATE TRIGGER \"%s_upd_old\" AFTER UPDATE ON \"%s\" WHEN OLD.\"%s\" "
	                "IS NOT NULL BEGIN ", t, s->name, o) || bump_sql(sql, t, o, "OLD", f, k, "- 1") ||
	    kt_buf_addf(sql, " END; CREATE TRIGGER \"%s_upd_new\" AFTER UPDATE ON \"%s\" WHEN NEW.\"%s\" "
	                "IS NOT NULL BEGIN ", t, s->name, o) || bump_sql(sql, t, o, "NEW", f, k, "+ 1") ||
	    kt_buf_adds(sql, " END;"))
		return KT_ENOMEM;
	return 0;
}

/* Makes table t (see make_sql()) unless there, under the index's write
 * lock.  Returns 0 or an error. */
static int ensure_table(struct index *ix, const struct kt_schema *s, const char *t,
                        const char *f, char k, struct kt_error *err)
{
	static const char has[] = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";
	struct kt_buf sql = { 0 };
	sqlite3_stmt *st;
	int rc, there;

	if ((rc = index_stmt(ix, has, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	there = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (there)
		return 0;
	/* Inside a batch's read transaction (index_read_begin()), a
	 * savepoint that writes takes the write lock. */
	int batch = !sqlite3_get_autocommit(ix->db);
	if ((rc = db_exec(ix->db, batch ? "SAVEPOINT count" : "BEGIN IMMEDIATE", err)))
		return rc;
	/* Another process may have made it while we waited. */
	if ((rc = index_stmt(ix, has, &st, err)))
		goto done;
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	there = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!there)
		rc = make_sql(&sql, s, t, f, k) ? kt_error_set(err, KT_ENOMEM, "out of memory")
		                                : db_exec(ix->db, sql.data, err);
	kt_buf_free(&sql);
done:
	if (rc) {
		db_exec(ix->db, batch ? "ROLLBACK TO count; RELEASE count" : "ROLLBACK", NULL);
		return rc;
	}
	return db_exec(ix->db, batch ? "RELEASE count" : "COMMIT", err);
}

/* Returns 1 if since (NULL: any time) is the start of a month
 * ("2026-12-01T00:00:00Z"), which a count by month can answer. */
static int month_start(const char *since)
{
	return !since || (strlen(since) == 20 && !strcmp(since + 7, "-01T00:00:00Z"));
}

/* Builds into sql the count q asks for.  From a count table when q asks
 * about exactly one field (and since is a month start), made first when
 * missing; else by scanning s's table.  Returns 0 or an error. */
static int count_sql(struct index *ix, const struct index_count *q, struct kt_buf *sql,
                     struct kt_error *err)
{
	const struct kt_schema *s = q->s;
	const char *f = q->empty ? q->empty : q->state;
	char k = q->empty ? 'e' : 'v', t[160];
	int rc;

	if (f && !(q->empty && q->state) && month_start(q->since) &&
	    snprintf(t, sizeof t, "_count_%s_%s_%c", s->name, f, k) < (int)sizeof t) {
		if ((rc = ensure_table(ix, s, t, f, k, err)))
			return rc;
		rc = kt_buf_addf(sql, "SELECT owner, sum(n) FROM \"%s\" WHERE 1", t);
		if (!rc && q->since)
			rc = kt_buf_adds(sql, " AND month >= substr(?1, 1, 7)");
		if (!rc && q->empty)
			rc = kt_buf_adds(sql, " AND v = 1");
		if (!rc && q->n)
			rc = not_in_sql(sql, "v", q->not_in, q->n);
		if (rc || kt_buf_adds(sql, " GROUP BY owner HAVING sum(n) > 0"))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		return 0;
	}
	/* A scan: through the partial index on the owner SQLite visits every
	 * record by its rowid, 1.4 s against 0.3 s at a million leads. */
	rc = kt_buf_addf(sql, "SELECT \"%s\", count(*) FROM \"%s\" NOT INDEXED WHERE \"%s\" IS NOT NULL",
	                 s->owner, s->name, s->owner);
	if (!rc && q->since)
		rc = kt_buf_adds(sql, " AND created >= ?1");
	if (!rc && q->empty)
		rc = kt_buf_addf(sql, " AND \"%s\" IS NULL", q->empty);
	if (!rc && q->n)
		rc = not_in_sql(sql, q->state, q->not_in, q->n);
	if (rc || kt_buf_addf(sql, " GROUP BY \"%s\"", s->owner))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Counts records by owner.  See index.h. */
int index_owner_counts(struct index *ix, const struct index_count *q,
                       int (*fn)(void *arg, const char *owner, long count), void *arg,
                       struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	int rc, step = SQLITE_DONE;

	if (!(rc = index_open(ix, err)) && !(rc = count_sql(ix, q, &sql, err)) &&
	    !(rc = db_prepare(ix->db, sql.data, &st, err)) && q->since)
		sqlite3_bind_text(st, 1, q->since, -1, SQLITE_STATIC);
	kt_buf_free(&sql);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0), (long)sqlite3_column_int64(st, 1));
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(ix->db, err, "count");
	sqlite3_finalize(st);
	return rc;
}
