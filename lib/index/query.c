/*
 * query.c - reading rows out of the index: lists of records with their
 * conditions, the caller's access and the workflow's archive; read-only
 * SQL; records by phone.
 * Values come out as they are stored in CSV: money as 1234.50, bools as
 * true/false.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* Steps st and calls fn with the header, then every row.  Returns 0,
 * fn's value, or an error. */
static int each_row(sqlite3 *db, sqlite3_stmt *st, const struct kt_column *cols, size_t ncols,
                    kt_row_fn fn, void *arg, struct kt_error *err)
{
	char (*num)[40] = calloc(ncols ? ncols : 1, sizeof *num);
	char **values = calloc(ncols ? ncols : 1, sizeof *values);
	int rc = num && values ? fn(arg, ncols, cols, NULL) : kt_error_set(err, KT_ENOMEM, "out of memory");
	int step = SQLITE_DONE;

	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++)
			values[i] = (char *)db_column_text(st, (int)i, cols[i].type, num[i]);
		rc = fn(arg, ncols, cols, values);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "list");
	free(num);
	free(values);
	return rc;
}

/* Appends to sql the SQL of condition c on s: a ? for its value, bound
 * as a number for numeric columns (*num, *is_num).  Returns 0 or
 * KT_ENOMEM. */
static int cond_sql(const struct kt_schema *s, const struct index_cond *c, struct kt_buf *sql,
                    int64_t *num, int *is_num)
{
	const char *name = c->field, *op = c->op;

	*is_num = 0;
	if (*op == '~')
		return kt_buf_addf(sql, " AND instr(fold(\"%s\"), ?) > 0", name);
	if (!*c->value && (!strcmp(op, "=") || !strcmp(op, "!=")))
		return kt_buf_addf(sql, !strcmp(op, "=") ? " AND (\"%s\" IS NULL OR \"%s\" = ?)"
		                                         : " AND (\"%s\" IS NOT NULL AND \"%s\" != ?)",
		                   name, name);
	enum kt_ftype t = schema_column_type(s, name);
	if (t == KT_MONEY || t == KT_INT || t == KT_BOOL || t == KT_DECIMAL) {
		*is_num = 1;
		if (t == KT_MONEY)
			kt_money_parse(c->value, num);
		else if (t == KT_DECIMAL)
			kt_decimal_parse(c->value, 3, num);
		else if (t == KT_BOOL)
			*num = bool_value(c->value);
		else
			*num = strtoll(c->value, NULL, 10);
	}
	/* An empty field differs from any value. */
	if (!strcmp(op, "!="))
		return kt_buf_addf(sql, " AND (\"%s\" IS NULL OR \"%s\" != ?)", name, name);
	return kt_buf_addf(sql, " AND \"%s\" %s ?", name, op);
}

/* Appends to sql " AND (field IS NULL OR field NOT IN (states...))".
 * Returns 0 or KT_ENOMEM. */
int not_in_sql(struct kt_buf *sql, const char *field, char *const *states, size_t n)
{
	int rc = kt_buf_addf(sql, " AND (\"%s\" IS NULL OR \"%s\" NOT IN (", field, field);

	for (size_t i = 0; !rc && i < n; i++) {
		char *lit = sqlite3_mprintf("%Q", states[i]);
		rc = !lit || kt_buf_addf(sql, "%s%s", i ? ", " : "", lit);
		sqlite3_free(lit);
	}
	return rc || kt_buf_adds(sql, "))") ? KT_ENOMEM : 0;
}

/* The longest list whose rows are each asked whether the caller may see
 * them (index_access_where_each()).  A manager's task list at 1M leads
 * and tasks: 100 rows 1.06 -> 0.02 s, 1,000 rows 1.18 -> 0.17 s, but
 * 10,000 rows 1.10 -> 1.33 s (each row's lookups outweigh the gather). */
#define ASKED_ROW_BY_ROW 1000

/* Builds the SQL of list q for who into sql, with the numbers to bind
 * for its conditions in nums and isnum (room for q->nconds).  Returns 0
 * or an error. */
static int list_sql(struct index *ix, const struct kt_identity *who, const struct index_list *q,
                    struct kt_buf *sql, int64_t *nums, int *isnum, struct kt_error *err)
{
	const struct kt_schema *s = q->s;
	const char *sort = q->sort;
	int desc = *sort == '-', rc = kt_buf_adds(sql, "SELECT ");
	char *seen = NULL;      /* what the caller may see, or NULL: all */

	for (size_t i = 0; !rc && i < q->ncols; i++)
		rc = kt_buf_addf(sql, "%s\"%s\"", i ? ", " : "", q->cols[i].name);
	if (!rc)
		rc = kt_buf_addf(sql, " FROM \"%s\" AS r WHERE 1", s->name);
	for (size_t i = 0; !rc && i < q->nconds; i++)
		rc = cond_sql(s, &q->conds[i], sql, &nums[i], &isnum[i]);
	if (rc)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	/* A short list stops after its rows: it asks each row whether the
	 * caller may see it, rather than gathering first all that a via
	 * line lets the caller see. */
	int short_list = q->limit > 0 && q->limit <= ASKED_ROW_BY_ROW;
	if ((rc = (short_list ? index_access_where_each : index_access_where)(ix, who, s, ACCESS_READ,
	                                                                      &seen, err)))
		return rc;
	if (seen)
		rc = kt_buf_addf(sql, " AND %s", seen);
	free(seen);
	/* Records in an archive state of the type's workflow only when asked. */
	if (!rc && q->nhide)
		rc = not_in_sql(sql, q->hide_field, q->hide, q->nhide);
	sort += desc;
	/* Ids are ASCII: in their own order, the index on id serves a list
	 * with a limit instead of a sort of every row. */
	enum kt_ftype t = strcmp(sort, "id") ? schema_column_type(s, sort) : KT_DATETIME;
	if (!rc)
		rc = kt_buf_addf(sql, " ORDER BY \"%s\"%s%s, id", sort,
		                 t == KT_TEXT || t == KT_LIST ? " COLLATE ru" : "", desc ? " DESC" : "");
	if (!rc && q->limit > 0)
		rc = kt_buf_addf(sql, " LIMIT %ld", q->limit);
	return rc ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
}

/* Runs a list.  See index.h. */
int index_list(struct index *ix, const struct kt_identity *who, const struct index_list *q,
               kt_row_fn fn, void *arg, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int64_t *nums = calloc(q->nconds + 1, sizeof *nums);
	int *isnum = calloc(q->nconds + 1, sizeof *isnum);
	sqlite3_stmt *st = NULL;
	int rc = nums && isnum ? index_open(ix, err) : kt_error_set(err, KT_ENOMEM, "out of memory");

	/* A long list walks the index on its order and reads the table's
	 * rows out of order: a month's rows, about 4 MB at 1M leads, are
	 * read over and over through the default 2 MB cache (562,000 reads
	 * of a page for a million leads, 66,700 with 8 MB, each page once).
	 * The cache grows only with the pages read, so the bound costs a
	 * short list nothing. */
	int long_list = q->limit <= 0 || q->limit > 10000;
	if (!rc && long_list)
		rc = db_cache(ix->db, 8192, err);
	if (!rc && !(rc = list_sql(ix, who, q, &sql, nums, isnum, err)) &&
	    !(rc = db_prepare(ix->db, sql.data, &st, err))) {
		for (size_t i = 0; i < q->nconds; i++) {
			if (isnum[i])
				sqlite3_bind_int64(st, (int)i + 1, nums[i]);
			else
				sqlite3_bind_text(st, (int)i + 1, q->conds[i].value, -1, SQLITE_STATIC);
		}
		rc = each_row(ix->db, st, q->cols, q->ncols, fn, arg, err);
	}
	sqlite3_finalize(st);
	if (long_list && ix->db)
		db_cache(ix->db, DB_CACHE_DEFAULT, NULL);
	free(nums);
	free(isnum);
	kt_buf_free(&sql);
	return rc;
}

/* ----------------------------------------------------------------- SQL */

/* Turns SQLite's query_only on or off.  Returns 0 or KT_EDB. */
static int query_only(sqlite3 *db, int on, struct kt_error *err)
{
	return db_exec(db, on ? "PRAGMA query_only=1" : "PRAGMA query_only=0", err);
}

/* SQLite authorizer for index_sql(): reading only.
 * sqlite3_stmt_readonly() passes ATTACH, which creates files.  arg
 * non-NULL (index_sql_seen()): the statement reads only the temporary
 * views of what the caller may see, and the index's own tables only
 * through them (view names the view responsible), never the full-text
 * table or a record type's table directly. */
static int only_reads(void *arg, int action, const char *a, const char *b,
                      const char *db, const char *view)
{
	switch (action) {
	case SQLITE_READ:
		if (arg && !view && db && strcmp(db, "temp"))
			return SQLITE_DENY;
		return SQLITE_OK;
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
	case SQLITE_PRAGMA:
		return SQLITE_OK;
	case SQLITE_UPDATE:
		/* Opening a virtual table (fts) declares it, which SQLite checks
		 * as an update of sqlite_master; writes stay refused by
		 * sqlite3_stmt_readonly() and query_only. */
		return a && !strcmp(a, "sqlite_master") ? SQLITE_OK : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

/* Prepares sql under the read-only authorizer, which stays set (the
 * caller removes it).  Returns 0 and *st (sqlite3_finalize), or an
 * error: KT_EREADONLY, KT_EDB, or KT_EINVAL for no or several
 * statements. */
static int prepare_read(struct index *ix, const char *sql, int seen, sqlite3_stmt **st,
                        struct kt_error *err)
{
	const char *tail = NULL;
	int rc = 0;

	*st = NULL;
	sqlite3_set_authorizer(ix->db, only_reads, seen ? ix : NULL);
	int prc = sqlite3_prepare_v2(ix->db, sql, -1, st, &tail);
	/* Reading past the views fails as not authorized, or, for the
	 * full-text table, as its constructor failing to read its own. */
	if (prc != SQLITE_OK && seen)
		return kt_error_set(err, prc == SQLITE_AUTH ? KT_EACCESS : KT_EDB,
		                    "%s (for this caller only the tables of record types can be "
		                    "read, as far as the caller may see them)", sqlite3_errmsg(ix->db));
	if (prc == SQLITE_AUTH)
		return kt_error_set(err, KT_EREADONLY, "the index is read-only: only statements that read are allowed");
	if (prc != SQLITE_OK)
		return kt_error_set(err, KT_EDB, "%s", sqlite3_errmsg(ix->db));
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (!*st)
		rc = kt_error_set(err, KT_EINVAL, "no statement");
	else if (tail && *tail)
		rc = kt_error_set(err, KT_EINVAL, "one statement at a time");
	else if (!sqlite3_stmt_readonly(*st))
		rc = kt_error_set(err, KT_EREADONLY, "the index is read-only: only statements that read are allowed");
	return rc;
}

/* Runs sql as index_sql() does; seen: under the authorizer that opens
 * only the temporary views of index_sql_seen().  Returns as index_sql(). */
static int run_sql(struct index *ix, const char *sql, int seen, const struct kt_param *params,
                   size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err)
{
	sqlite3_stmt *st = NULL;
	struct kt_column *cols = NULL;
	size_t n = 0;
	int rc = index_open(ix, err);

	if (rc || (rc = prepare_read(ix, sql, seen, &st, err)))
		goto done;
	for (size_t i = 0; i < nparams; i++) {
		char name[256];
		snprintf(name, sizeof name, ":%s", params[i].name);
		int at = sqlite3_bind_parameter_index(st, name);
		if (at && sqlite3_bind_text(st, at, params[i].value, -1, SQLITE_STATIC) != SQLITE_OK) {
			rc = kt_error_set(err, KT_EDB, "%s", sqlite3_errmsg(ix->db));
			goto done;
		}
	}
	n = (size_t)sqlite3_column_count(st);
	if (!(cols = calloc(n ? n : 1, sizeof *cols))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	/* SQLite may re-prepare on the first step, which frees its names. */
	for (size_t i = 0; !rc && i < n; i++) {
		char *name = strdup(sqlite3_column_name(st, (int)i));
		cols[i] = (struct kt_column){ name, KT_TEXT, name };
		if (!name)
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (rc)
		goto done;
	/* query_only guards what sqlite3_stmt_readonly() may miss (functions). */
	if (!(rc = query_only(ix->db, 1, err))) {
		rc = each_row(ix->db, st, cols, n, fn, arg, err);
		query_only(ix->db, 0, NULL);
	}
done:
	if (ix->db)
		sqlite3_set_authorizer(ix->db, NULL, NULL);
	for (size_t i = 0; cols && i < n; i++)
		free((char *)cols[i].name);
	free(cols);
	sqlite3_finalize(st);
	return rc;
}

/* Runs one read-only statement with named parameters.  See index.h. */
int index_sql(struct index *ix, const char *sql, const struct kt_param *params,
              size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err)
{
	return run_sql(ix, sql, 0, params, nparams, fn, arg, err);
}

/* Drops the temporary tables and views of index_sql_seen() (those that
 * exist; dropping the other kind fails, quietly). */
static void drop_seen(struct index *ix)
{
	char sql[200];

	db_exec(ix->db, "DROP TABLE IF EXISTS temp.status_history", NULL);
	for (size_t t = 0; t < ix->types->n; t++) {
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS temp.\"%s\"", ix->types->v[t]->name);
		db_exec(ix->db, sql, NULL);
		snprintf(sql, sizeof sql, "DROP VIEW IF EXISTS temp.\"%s\"", ix->types->v[t]->name);
		db_exec(ix->db, sql, NULL);
	}
}

/* Makes the temporary status_history of index_sql_seen(): the rows of the
 * records the caller sees, read from the temporary tables of their
 * types made before (make is scratch).  Returns 0 or an error. */
static int seen_history(struct index *ix, struct kt_buf *make, struct kt_error *err)
{
	int rc;

	kt_buf_reset(make);
	rc = kt_buf_adds(make, "CREATE TEMP TABLE status_history AS SELECT * FROM main.status_history WHERE 0");
	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const char *name = ix->types->v[t]->name;
		if (ix->types->v[t]->history)
			rc = kt_buf_addf(make, " OR (type = '%s' AND id IN (SELECT id FROM temp.\"%s\"))",
			                 name, name);
	}
	if (rc)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return db_exec(ix->db, make->data, err);
}

/* Runs sql on what who may see.  See index.h. */
int index_sql_seen(struct index *ix, const struct kt_identity *who, const char *sql,
                   const struct kt_param *params, size_t nparams, kt_row_fn fn, void *arg,
                   struct kt_error *err)
{
	size_t n = ix->types ? ix->types->n : 0;
	char **where = calloc(n ? n : 1, sizeof *where);
	struct kt_buf make = { 0 };
	int rc = where ? index_open(ix, err) : kt_error_set(err, KT_ENOMEM, "out of memory");
	int whole = 1;

	for (size_t t = 0; !rc && t < n; t++) {
		rc = index_access_where(ix, who, ix->types->v[t], ACCESS_READ, &where[t], err);
		whole &= !rc && !where[t];
	}
	if (!rc && whole)
		rc = run_sql(ix, sql, 0, params, nparams, fn, arg, err);
	if (rc || whole)
		goto done;
	/* A temporary object named as its type's table hides the table
	 * (SQLite looks a name up in temp before main).  What the caller
	 * sees of a type is copied into a temporary table: its condition
	 * may read its own table (a task on a task), which a view could
	 * not.  A type seen whole is a view of its table. */
	for (size_t t = 0; !rc && t < n; t++) {
		const char *name = ix->types->v[t]->name;
		kt_buf_reset(&make);
		if (where[t] ? kt_buf_addf(&make, "CREATE TEMP TABLE \"%s\" AS SELECT * FROM main.\"%s\" "
		                           "WHERE %s", name, name, where[t]) :
		               kt_buf_addf(&make, "CREATE TEMP VIEW \"%s\" AS SELECT * FROM main.\"%s\"",
		                           name, name))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else
			rc = db_exec(ix->db, make.data, err);
	}
	if (!rc)
		rc = seen_history(ix, &make, err);
	if (!rc)
		rc = run_sql(ix, sql, 1, params, nparams, fn, arg, err);
	if (ix->db)
		drop_seen(ix);
done:
	for (size_t t = 0; where && t < n; t++)
		free(where[t]);
	free(where);
	kt_buf_free(&make);
	return rc;
}

/* Lists the named parameters of a statement.  See index.h. */
int index_sql_params(struct index *ix, const char *sql, int (*fn)(void *arg, const char *name),
                     void *arg, struct kt_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = index_open(ix, err);

	if (!rc && !(rc = prepare_read(ix, sql, 0, &st, err)))
		for (int i = 1; !rc && i <= sqlite3_bind_parameter_count(st); i++) {
			const char *name = sqlite3_bind_parameter_name(st, i);
			if (name && *name == ':')
				rc = fn(arg, name + 1);
		}
	if (ix->db)
		sqlite3_set_authorizer(ix->db, NULL, NULL);
	sqlite3_finalize(st);
	return rc;
}

/* A record found by kt_lookup_phone(). */
struct phone_hit {
	int rank;                  /* 0 client, 1 contact, 2 lead, 3 other */
	const struct kt_schema *s;
	const char *field;         /* owned by s */
	char *id, *title, *created;
};

/* Orders hits best first: by rank, then newest first, then by id. */
static int phone_hit_cmp(const void *a, const void *b)
{
	const struct phone_hit *x = a, *y = b;
	int c;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if ((c = strcmp(y->created, x->created)))
		return c;
	return strcmp(x->id, y->id);
}

/* Returns the rank of a type in lookup results. */
static int phone_rank(const struct kt_schema *s)
{
	static const char *const best[] = { "client", "contact", "lead" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s->name, best[i]))
			return i;
	return 3;
}

/* Finds records by phone.  See index.h. */
int index_lookup_phone(struct index *ix, const struct kt_identity *who, const char *norm,
                       kt_row_fn fn, void *arg, struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "type", KT_TEXT, "type" }, { "id", KT_TEXT, "id" },
		{ "title", KT_TEXT, "title" }, { "field", KT_TEXT, "field" },
	};
	struct phone_hit *hits = NULL;
	size_t n = 0, cap = 0;
	int rc = index_open(ix, err);

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *s = ix->types->v[t];
		size_t first = n;        /* this type's hits start here */
		char *seen = NULL;       /* what the caller may see, or NULL: all */
		if ((rc = index_access_where(ix, who, s, ACCESS_READ, &seen, err)))
			break;
		for (size_t i = 0; !rc && i < s->nfields; i++) {
			const struct kt_field *f = &s->fields[i];
			sqlite3_stmt *st;
			char *sql;
			if (f->type != KT_PHONE)
				continue;
			/* Phone fields are indexed (partial, non-empty values). */
			if (asprintf(&sql, "SELECT id, coalesce(\"%s\", ''), coalesce(created, '') "
			             "FROM \"%s\" WHERE \"%s\" = ? AND %s", s->title ? s->title : "id",
			             s->name, f->name, seen ? seen : "1") < 0) {
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
				break;
			}
			int prepared = sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL);
			free(sql);
			if (prepared != SQLITE_OK) {
				rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(ix->db));
				break;
			}
			sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
			int step = SQLITE_DONE;
			while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
				const char *id = (const char *)sqlite3_column_text(st, 0);
				size_t k = first;
				/* A record with the number in two fields is one hit: the first field's. */
				while (k < n && strcmp(hits[k].id, id))
					k++;
				if (k < n)
					continue;
				if (n == cap) {
					size_t ncap = cap ? 2 * cap : 8;
					struct phone_hit *h = realloc(hits, ncap * sizeof *h);
					if (!h) {
						rc = kt_error_set(err, KT_ENOMEM, "out of memory");
						break;
					}
					hits = h;
					cap = ncap;
				}
				struct phone_hit *h = &hits[n];
				*h = (struct phone_hit){ phone_rank(s), s, f->name, strdup(id),
				                         strdup((const char *)sqlite3_column_text(st, 1)),
				                         strdup((const char *)sqlite3_column_text(st, 2)) };
				n++;
				if (!h->id || !h->title || !h->created)
					rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			}
			if (!rc && step != SQLITE_DONE)
				rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(ix->db));
			sqlite3_finalize(st);
		}
		free(seen);
	}
	if (!rc && n > 1)
		qsort(hits, n, sizeof *hits, phone_hit_cmp);
	if (!rc)
		rc = fn(arg, 4, cols, NULL);
	for (size_t i = 0; !rc && i < n; i++) {
		char *values[] = { hits[i].s->name, hits[i].id, hits[i].title, (char *)hits[i].field };
		rc = fn(arg, 4, cols, values);
	}
	for (size_t i = 0; i < n; i++) {
		free(hits[i].id);
		free(hits[i].title);
		free(hits[i].created);
	}
	free(hits);
	return rc ? rc : (int)n;
}

/* ------------------------------------------------- what leads are given */

/* Returns a copy of column i of the row st is on ("" for NULL), or NULL
 * when out of memory.  Caller frees. */
static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return strdup(v ? (const char *)v : "");
}

/* Finds the newest record by a field.  See index.h. */
int index_newest(struct index *ix, const struct kt_identity *who, const struct index_find *q,
                 char **id, char **ref_value, char **created, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	sqlite3_stmt *st;
	char *seen = NULL, *v[3] = { NULL, NULL, NULL };
	int rc = who ? index_access_where(ix, who, q->s, ACCESS_READ, &seen, err) : 0;
	int step = SQLITE_DONE;

	if (rc)
		return rc;
	/* No ORDER BY: SQLite would open a temporary B-tree to sort on every
	 * call (a third of the call, and an import asks five a lead), for the
	 * one or few rows of a phone or an e-mail.  The newest (then the
	 * least id) is picked below. */
	/* Put together without printf: an import asks five a lead.  What
	 * the caller may see goes in under a unary +, which SQLite does not
	 * look up in an index: given "manager = ?" beside the field's
	 * "email = ?", it read every client of the manager (5,000 at 1M) to
	 * find the few of the e-mail, for each lead a manager imported. */
	const char *ref = q->ref ? q->ref->name : "id";
	if (kt_buf_cat(&sql, "SELECT id, \"", ref, "\", created FROM \"", q->s->name,
	               "\" WHERE \"", q->f->name, "\" = ?1", (char *)NULL) ||
	    (q->ref && kt_buf_cat(&sql, " AND \"", ref, "\" IS NOT NULL", (char *)NULL)) ||
	    (q->since && kt_buf_adds(&sql, " AND created >= ?2")) ||
	    (q->n && not_in_sql(&sql, q->state, q->not_in, q->n)) ||
	    (seen && kt_buf_addf(&sql, " AND +(%s)", seen)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (!(rc = index_stmt(ix, sql.data, &st, err))) {
		sqlite3_bind_text(st, 1, q->value, -1, SQLITE_TRANSIENT);
		if (q->since)
			sqlite3_bind_text(st, 2, q->since, -1, SQLITE_TRANSIENT);
	}
	kt_buf_free(&sql);
	free(seen);
	if (rc)
		return rc;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rid = (const char *)sqlite3_column_text(st, 0);
		const char *rcreated = (const char *)sqlite3_column_text(st, 2);
		int c = v[0] ? strcmp(rcreated ? rcreated : "", v[2]) : 1;
		if (c < 0 || (c == 0 && strcmp(rid ? rid : "", v[0]) >= 0))
			continue;
		for (int i = 0; i < 3; i++) {
			free(v[i]);
			v[i] = column_dup(st, i);
		}
		if (!v[0] || !v[1] || !v[2])
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(ix->db, err, "lookup");
	sqlite3_reset(st);
	if (!rc && v[0]) {
		*id = v[0];
		v[0] = NULL;
		if (ref_value) {
			*ref_value = v[1];
			v[1] = NULL;
		}
		if (created) {
			*created = v[2];
			v[2] = NULL;
		}
		rc = 1;
	}
	for (int i = 0; i < 3; i++)
		free(v[i]);
	return rc;
}

/* Lists the active employees of a role.  See index.h. */
int index_employees(struct index *ix, const struct kt_schema *e, const char *role,
                    int (*fn)(void *arg, const char *key), void *arg, struct kt_error *err)
{
	const char *key = e->key ? e->key : "id";
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc, step = SQLITE_DONE;

	snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" WHERE role = ?1 AND \"%s\" IS NOT NULL%s "
	         "ORDER BY \"%s\"", key, e->name, key,
	         kt_schema_field(e, "active") ? " AND coalesce(active, 1) != 0" : "", key);
	if (!(rc = index_open(ix, err)) && !(rc = db_prepare(ix->db, sql, &st, err)))
		sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0));
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(ix->db, err, "employees");
	sqlite3_finalize(st);
	return rc;
}
