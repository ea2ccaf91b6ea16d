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
 * that needs it, like the full-text table by the first search, so a
 * count costs a few hundred rows whatever the size of the books.  A full
 * build makes the tables its plan names (index_count_plan(): the books
 * name those of the distribution rule in kontora.conf) from the rows as
 * the loader inserts them, a map in memory written at the end, since a
 * GROUP BY after the load is another scan of every record (1.1 s at a
 * million leads).  A refresh keeps every table there is current the same
 * way: the loader adds the rows it inserts and the deleter takes off
 * those it deletes, in a map of changes written once at the end
 * (count_finish()).  Triggers did this before INDEX_FORMAT 13;
 * SQLite parsed their 15 KB of SQL at every command's first query, and
 * each inserted row ran eight statements and opened a statement journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* Appends to sql the filling of table t, counting records of s by field
 * f of kind k, by a GROUP BY of the records.  Returns 0 or KT_ENOMEM. */
static int fill_sql(struct kt_buf *sql, const struct kt_schema *s, const char *t, const char *f, char k)
{
	const char *o = s->owner;

	return kt_buf_addf(sql, "INSERT INTO \"%s\" SELECT \"%s\", substr(created, 1, 7), %s\"%s\"%s, "
	                   "count(*) FROM \"%s\" NOT INDEXED WHERE \"%s\" IS NOT NULL GROUP BY 1, 2, 3;",
	                   t, o, k == 'e' ? "(" : "", f, k == 'e' ? " IS NULL)" : "", s->name, o) ? KT_ENOMEM : 0;
}

/* Appends to sql the making of table t, counting records of s by field
 * f of kind k, and its filling by a GROUP BY when fill is set.  Returns 0
 * or KT_ENOMEM. */
static int make_sql(struct kt_buf *sql, const struct kt_schema *s, const char *t,
                    const char *f, char k, int fill)
{
	if (kt_buf_addf(sql, "CREATE TABLE \"%s\"(owner TEXT NOT NULL, month TEXT, v, n INTEGER NOT NULL);"
	                "CREATE INDEX \"%s_key\" ON \"%s\"(owner, month, v);", t, t, t))
		return KT_ENOMEM;
	return fill ? fill_sql(sql, s, t, f, k) : 0;
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
		rc = make_sql(&sql, s, t, f, k, 1) ? kt_error_set(err, KT_ENOMEM, "out of memory")
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

/* Writes into t the name of the count table that answers q: when q asks
 * about exactly one field, since a month start.  Returns 1, or 0 when
 * none does. */
static int table_of(const struct index_count *q, char t[160])
{
	const char *f = q->empty ? q->empty : q->state;

	return q->s->owner && f && !(q->empty && q->state) && month_start(q->since) &&
	       snprintf(t, 160, "_count_%s_%s_%c", q->s->name, f, q->empty ? 'e' : 'v') < 160;
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

	if (table_of(q, t)) {
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

/* ------------------------------------------------------------- builds */

/* Sets the plan of the count tables a build makes.  See index.h. */
void index_count_plan(struct index *ix, int (*fn)(void *arg, struct index *ix, struct kt_error *err),
                      void *arg)
{
	ix->count_plan = fn;
	ix->count_plan_arg = arg;
}

/* Returns the number + 1 of s's field name, or -2 (no loader slot). */
static long field_slot(const struct kt_schema *s, const char *name)
{
	const struct kt_field *f = kt_schema_field(s, name);

	return f ? (long)(f - s->fields) + 1 : -2;
}

/* Asks the build for a count table.  See index.h. */
int index_count_keep(struct index *ix, const struct index_count *q)
{
	struct count_table *t;
	char name[160];
	long slot;

	if (!table_of(q, name) || (slot = field_slot(q->s, q->empty ? q->empty : q->state)) < 0)
		return 0;
	for (size_t i = 0; i < ix->ncounts; i++)
		if (!strcmp(ix->counts[i].name, name))
			return 0;
	if (!(t = realloc(ix->counts, (ix->ncounts + 1) * sizeof *t)))
		return KT_ENOMEM;
	ix->counts = t;
	t += ix->ncounts++;
	memset(t, 0, sizeof *t);
	t->s = q->s;
	memcpy(t->name, name, sizeof name);
	t->field = q->s->fields[slot - 1].name;
	t->kind = q->empty ? 'e' : 'v';
	t->slot = slot;
	/* The loader binds numbers as integers: the map would key them as
	 * text, so such a value is counted after the load. */
	enum kt_ftype ft = q->s->fields[slot - 1].type;
	t->scan = t->kind == 'v' && (ft == KT_MONEY || ft == KT_INT || ft == KT_BOOL || ft == KT_DECIMAL);
	return 0;
}

/* Forgets the build's count tables.  See db.h. */
void count_build_free(struct index *ix)
{
	for (size_t i = 0; i < ix->ncounts; i++) {
		struct count_table *t = &ix->counts[i];
		for (size_t j = 0; j < t->nkeys; j++)
			free(t->keys[j]);
		free(t->keys);
		free(t->n);
		strmap_free(&t->at);
	}
	free(ix->counts);
	ix->counts = NULL;
	ix->ncounts = 0;
}

/* Asks the plan for the build's count tables.  See db.h. */
int count_build_start(struct index *ix, struct kt_error *err)
{
	count_build_free(ix);
	return ix->count_plan ? ix->count_plan(ix->count_plan_arg, ix, err) : 0;
}

/* Readies cr for rows of s.  See db.h. */
void count_row_init(struct count_row *cr, struct index *ix, const struct kt_schema *s)
{
	memset(cr, 0, sizeof *cr);
	cr->s = s;
	for (size_t i = 0; i < ix->ncounts; i++)
		if (ix->counts[i].s == s)
			ix->counts[i].touched = 1;
	for (size_t i = 0; i < ix->ncounts; i++)
		if (ix->counts[i].s == s && !ix->counts[i].scan) {
			if (cr->n < sizeof cr->t / sizeof *cr->t)
				cr->t[cr->n++] = &ix->counts[i];
			else
				ix->counts[i].scan = 1;
		}
	cr->owner = cr->n ? field_slot(s, s->owner) : -3;
	/* An owner that is no field (a schema checks that it is) is never
	 * bound: counted after the load rather than not at all. */
	for (size_t i = 0; cr->owner < 0 && i < cr->n; i++)
		cr->t[i]->scan = 1;
	if (cr->owner < 0)
		cr->n = 0;
}

/* Copies v[0..len) into out (size bytes) and *olen, or marks the row's
 * tables for a scan when it does not fit or holds the key's separator
 * or, for ascii, a byte that SQLite's substr() would count otherwise. */
static void keep(struct count_row *cr, char *out, size_t size, size_t *olen, const char *v,
                 size_t len, int ascii)
{
	int bad = len >= size || memchr(v, '\037', len);

	for (size_t i = 0; ascii && !bad && i < len; i++)
		bad = (unsigned char)v[i] >= 0x80;
	if (bad) {
		for (size_t i = 0; i < cr->n; i++)
			cr->t[i]->scan = 1;
		cr->n = 0;
		return;
	}
	memcpy(out, v, len);
	*olen = len;
}

/* Keeps a field of the row.  See db.h. */
void count_field(struct count_row *cr, long slot, const char *v, size_t len)
{
	if (!cr->n)
		return;
	if (slot == cr->owner)
		keep(cr, cr->who, sizeof cr->who, &cr->wlen, v, len, 0);
	else if (slot == -1)
		keep(cr, cr->month, sizeof cr->month, &cr->mlen, v, len < 7 ? len : 7, 1);
	for (size_t i = 0; i < cr->n; i++)
		if (cr->t[i]->slot == slot)
			keep(cr, cr->t[i]->value, sizeof cr->t[i]->value, &cr->t[i]->len, v, len, 0);
}

/* Adds delta to the count of key in t.  Returns 0 or KT_ENOMEM. */
static int bump(struct count_table *t, const char *key, int delta)
{
	size_t at;

	if (strmap_get(&t->at, key, &at)) {
		t->n[at] += delta;
		return 0;
	}
	if (t->nkeys == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **k = realloc(t->keys, cap * sizeof *k);
		if (k)
			t->keys = k;
		long *n = realloc(t->n, cap * sizeof *n);
		if (!k || !n)
			return KT_ENOMEM;
		t->n = n;
		t->cap = cap;
	}
	if (!(t->keys[t->nkeys] = strdup(key)) || strmap_put(&t->at, key, t->nkeys)) {
		free(t->keys[t->nkeys]);
		return KT_ENOMEM;
	}
	t->n[t->nkeys++] = delta;
	return 0;
}

/* Appends to *p the tag of a value ("n" NULL, "m" text) and the text,
 * then c. */
static void put(char **p, const char *v, size_t len, char c)
{
	*(*p)++ = len ? 'm' : 'n';
	memcpy(*p, v, len);
	*p += len;
	*(*p)++ = c;
}

/* Ends a row.  See db.h. */
int count_row_end(struct count_row *cr, int delta)
{
	char key[sizeof cr->who + sizeof cr->month + sizeof cr->t[0]->value + 8], *p;
	int rc = 0;

	for (size_t i = 0; !rc && delta && cr->wlen && i < cr->n; i++) {
		struct count_table *t = cr->t[i];
		/* owner, month and value: a row of the table, as bind_key() reads it */
		p = key;
		memcpy(p, cr->who, cr->wlen);
		p += cr->wlen;
		*p++ = '\037';
		put(&p, cr->month, cr->mlen, '\037');
		if (t->kind == 'e')
			*p++ = t->len ? '0' : '1';
		else
			put(&p, t->value, t->len, '\0');
		*p = '\0';
		rc = bump(t, key, delta);
	}
	for (size_t i = 0; i < cr->n; i++)
		cr->t[i]->len = 0;
	cr->wlen = cr->mlen = 0;
	return rc;
}

/* Binds to st (owner, month, v, n) the count of the key i of t. */
static void bind_key(sqlite3_stmt *st, const struct count_table *t, size_t i)
{
	const char *k = t->keys[i], *m = strchr(k, '\037') + 1, *v = strchr(m, '\037') + 1;

	sqlite3_bind_text(st, 1, k, (int)(m - 1 - k), SQLITE_STATIC);
	if (*m == 'm')
		sqlite3_bind_text(st, 2, m + 1, (int)(v - 2 - m), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	if (t->kind == 'e')
		sqlite3_bind_int(st, 3, *v == '1');
	else if (*v == 'm')
		sqlite3_bind_text(st, 3, v + 1, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, t->n[i]);
}

/* Writes the rows of t's map into its table: as new rows when add is 0
 * (a build's table is empty), else added to the rows of the same key,
 * which are made when missing (a refresh's changes).  Returns 0 or an
 * error. */
static int write_rows(struct index *ix, const struct count_table *t, int add, struct kt_error *err)
{
	char ins[sizeof t->name + 64], upd[sizeof t->name + 96];
	sqlite3_stmt *st = NULL, *up = NULL;
	int rc;

	snprintf(ins, sizeof ins, "INSERT INTO \"%s\"(owner, month, v, n) VALUES(?, ?, ?, ?)", t->name);
	snprintf(upd, sizeof upd, "UPDATE \"%s\" SET n = n + ?4 WHERE owner = ?1 AND month IS ?2 AND v IS ?3",
	         t->name);
	if ((rc = db_prepare(ix->db, ins, &st, err)) || (add && (rc = db_prepare(ix->db, upd, &up, err))))
		goto done;
	for (size_t i = 0; !rc && i < t->nkeys; i++) {
		if (add && !t->n[i])
			continue;
		if (add) {
			bind_key(up, t, i);
			if (sqlite3_step(up) != SQLITE_DONE)
				rc = db_fail(ix->db, err, t->name);
			sqlite3_reset(up);
			if (rc || sqlite3_changes(ix->db))
				continue;
		}
		bind_key(st, t, i);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(ix->db, err, t->name);
		sqlite3_reset(st);
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return rc;
}

/* Writes what a build or a refresh counted into the count tables and
 * forgets it.  See db.h. */
int count_finish(struct index *ix, int refresh, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < ix->ncounts; i++) {
		struct count_table *t = &ix->counts[i];
		kt_buf_reset(&sql);
		if (!refresh)
			rc = make_sql(&sql, t->s, t->name, t->field, t->kind, t->scan);
		else if (t->scan && t->touched)
			rc = kt_buf_addf(&sql, "DELETE FROM \"%s\";", t->name) ||
			     fill_sql(&sql, t->s, t->name, t->field, t->kind);
		if (rc)
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else if (sql.len)
			rc = db_exec(ix->db, sql.data, err);
		if (!rc && !t->scan)
			rc = write_rows(ix, t, refresh, err);
	}
	kt_buf_free(&sql);
	count_build_free(ix);
	return rc;
}

/* ---------------------------------------------------------- refreshes */

/* Returns the schema of the index's types whose count table is called
 * name ("_count_TYPE_FIELD_K"), with *q asking for that table (q's field
 * is copied into field), or NULL when no type and field make that name. */
static const struct kt_schema *table_type(const struct index *ix, const char *name,
                                          struct index_count *q, char field[160])
{
	size_t len = strlen(name);

	if (strncmp(name, "_count_", 7) || len < 11 || name[len - 2] != '_' ||
	    (name[len - 1] != 'e' && name[len - 1] != 'v'))
		return NULL;
	for (size_t i = 0; i < ix->types->n; i++) {
		const struct kt_schema *s = ix->types->v[i];
		size_t tl = strlen(s->name), fl = len - 7 - tl - 3;
		if (len < 7 + tl + 4 || strncmp(name + 7, s->name, tl) || name[7 + tl] != '_' || fl >= 160)
			continue;
		memcpy(field, name + 7 + tl + 1, fl);
		field[fl] = '\0';
		if (!kt_schema_field(s, field))
			continue;
		memset(q, 0, sizeof *q);
		q->s = s;
		*(name[len - 1] == 'e' ? &q->empty : &q->state) = field;
		return s;
	}
	return NULL;
}

/* Readies the count tables there are for a refresh.  See db.h. */
int count_refresh_start(struct index *ix, struct kt_error *err)
{
	static const char tables[] = "SELECT name FROM sqlite_master WHERE type = 'table' "
	                             "AND name LIKE '\\_count\\_%' ESCAPE '\\'";
	struct kt_buf drop = { 0 };
	sqlite3_stmt *st;
	int rc, step;

	count_build_free(ix);
	if ((rc = index_stmt(ix, tables, &st, err)))
		return rc;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		struct index_count q;
		char field[160], have[160];
		/* A table no field of HEAD's schemas counts goes: a count that
		 * needs it makes it again, filled from the rows. */
		if (!table_type(ix, name, &q, field) || !table_of(&q, have) || strcmp(have, name))
			rc = kt_buf_addf(&drop, "DROP TABLE \"%s\";", name) ? KT_ENOMEM : 0;
		else
			rc = index_count_keep(ix, &q);
	}
	sqlite3_reset(st);
	if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (step != SQLITE_DONE)
		rc = db_fail(ix->db, err, "count tables");
	else if (drop.len)
		rc = db_exec(ix->db, drop.data, err);
	kt_buf_free(&drop);
	if (rc)
		count_build_free(ix);
	return rc;
}

/* Appends the deleter's columns.  See db.h. */
int count_returning(struct kt_buf *sql, const struct count_row *cr)
{
	if (!cr->n)
		return 0;
	if (kt_buf_addf(sql, ", \"%s\", created", cr->s->owner))
		return KT_ENOMEM;
	for (size_t i = 0; i < cr->n; i++)
		if (kt_buf_addf(sql, ", \"%s\"", cr->t[i]->field))
			return KT_ENOMEM;
	return 0;
}

/* Keeps the value of column col of st for the field at slot. */
static void count_column(struct count_row *cr, long slot, sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	count_field(cr, slot, v ? v : "", v ? (size_t)sqlite3_column_bytes(st, col) : 0);
}

/* Keeps a deleted row's values.  See db.h. */
void count_columns(struct count_row *cr, sqlite3_stmt *st, int col)
{
	size_t n = cr->n;

	if (!n)
		return;
	count_column(cr, cr->owner, st, col);
	count_column(cr, -1, st, col + 1);
	for (size_t i = 0; i < n && cr->n; i++)
		count_column(cr, cr->t[i]->slot, st, col + 2 + (int)i);
}
