/*
 * access.c - roles and visibility as SQL: what the acting employee may see
 * and change, from the "access ROLE MODE [FIELD]" lines of the schemas
 * (model/access.c reads them; see kontora-schema(5)).  Every read (lists,
 * search, lookup, one record, a record's log) and every change goes
 * through the SQL condition built here, so the rules live in one place
 * and are data.  The caller's role is resolved before (books/identity.c)
 * and the index open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* How deep "via" may follow records to records (activity on a task on a
 * lead): deep enough for the shipped schemas, and it ends a cycle. */
#define VIA_DEPTH 3

/* What a condition is: never true, always true, or an SQL expression. */
enum { COND_NONE, COND_ALL, COND_SOME };

static int cond(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                enum access_op op, int depth, const char *of, struct kt_buf *sql, int *kind);

/* Appends to sql an expression true when field f of s names a record the
 * caller may see (READ) or change (WRITE).  Sets *kind.  For a list (of
 * NULL) it is "FIELD IN (...)", every such record gathered once for all
 * the rows.  For one record, the row named of, it is an EXISTS that looks
 * the one named record up by its id: the IN gathered them all for the one
 * row (a manager's 50,000 leads and their clients for a task's check, a
 * second at 1M leads).  Returns 0 or KT_ENOMEM. */
static int via_cond(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                    const struct kt_field *f, enum access_op op, int depth, const char *of,
                    struct kt_buf *sql, int *kind)
{
	struct kt_buf sub = { 0 }, in = { 0 };
	int rc = 0, k, some = 0;
	char alias[16];

	/* The looked-up record's own name at each depth, so that the
	 * reference is the outer row's even when both are of one type. */
	snprintf(alias, sizeof alias, "v%d", depth);
	*kind = COND_NONE;
	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *ts = ix->types->v[t];
		const char *key = ts->key ? ts->key : "id";
		if (f->type == KT_REF ? strcmp(ts->name, f->arg) : !!ts->key)
			continue;
		kt_buf_reset(&sub);
		if ((rc = cond(ix, who, ts, op, depth, of ? alias : NULL, &sub, &k)) || k == COND_NONE)
			continue;
		if (of)
			rc = kt_buf_addf(&in, "%sEXISTS (SELECT 1 FROM \"%s\" AS %s WHERE %s.\"%s\" = %s.\"%s\"",
			                 some++ ? " OR " : "", ts->name, alias, alias, key, of, f->name);
		else
			rc = kt_buf_addf(&in, "%sSELECT \"%s\" FROM \"%s\"", some++ ? " UNION ALL " : "",
			                 key, ts->name);
		if (!rc && k == COND_SOME)
			rc = kt_buf_addf(&in, " %s %s", of ? "AND" : "WHERE", sub.data);
		if (!rc && of)
			rc = kt_buf_adds(&in, ")");
	}
	if (!rc && some) {
		rc = of ? kt_buf_addf(sql, "(%s)", in.data) : kt_buf_addf(sql, "\"%s\" IN (%s)", f->name, in.data);
		*kind = COND_SOME;
	}
	kt_buf_free(&sub);
	kt_buf_free(&in);
	return rc;
}

/* Appends to sql "id IN (...)": the records of s that field FIELD of the
 * records of TYPE the caller may see names, for "named TYPE.FIELD".  Sets
 * *kind (COND_NONE when the books lack TYPE.FIELD or the caller sees no
 * TYPE record).  Returns 0 or KT_ENOMEM. */
static int named_cond(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                      const char *type_field, int depth, struct kt_buf *sql, int *kind)
{
	const char *dot = strchr(type_field, '.');
	char type[128];
	struct kt_buf sub = { 0 };
	int rc, k;

	*kind = COND_NONE;
	snprintf(type, sizeof type, "%.*s", (int)(dot - type_field), type_field);
	const struct kt_schema *ts = types_find(ix->types, type);
	if (!ts || !kt_schema_field(ts, dot + 1))
		return 0;
	if ((rc = cond(ix, who, ts, ACCESS_READ, depth, NULL, &sub, &k)) || k == COND_NONE) {
		kt_buf_free(&sub);
		return rc;
	}
	rc = kt_buf_addf(sql, "\"%s\" IN (SELECT \"%s\" FROM \"%s\"%s%s)", s->key ? s->key : "id",
	                 dot + 1, ts->name, k == COND_SOME ? " WHERE " : "", k == COND_SOME ? sub.data : "");
	kt_buf_free(&sub);
	*kind = COND_SOME;
	return rc ? KT_ENOMEM : 0;
}

/* Sets *kind and, for COND_SOME, appends to sql an expression over the
 * columns of s's index table that is true for the records the caller may
 * see (READ) or change (WRITE): for a list when of is NULL, for the one
 * row named of otherwise (see via_cond()).  Returns 0 or KT_ENOMEM. */
static int cond(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                enum access_op op, int depth, const char *of, struct kt_buf *sql, int *kind)
{
	struct access_rules r;
	struct kt_buf part = { 0 };
	int rc = 0, k, parts = 0;

	*kind = COND_NONE;
	access_rules(s, who->role, &r);
	for (size_t i = 0; !rc && i < r.n && *kind != COND_ALL; i++) {
		const struct kt_access *a = r.v[i];
		if (a->mode == KT_ACCESS_ALL || (a->mode == KT_ACCESS_READ && op == ACCESS_READ)) {
			*kind = COND_ALL;
		} else if (a->mode == KT_ACCESS_OWN) {
			/* For one record, under a unary "+", which SQLite does not
			 * look up in an index: else, with no statistics, it may
			 * look up a via's record among the owner's (50,000 leads
			 * of a manager read for a lead of someone else's) rather
			 * than by its id. */
			char *lit = sqlite3_mprintf("%Q", who->login);
			rc = !lit || kt_buf_addf(&part, "%s%s\"%s\" = %s", parts++ ? " OR " : "",
			                         of ? "+" : "", s->owner, lit);
			sqlite3_free(lit);
		} else if (a->mode == KT_ACCESS_NAMED && op == ACCESS_READ && depth > 0) {
			size_t at = part.len;
			if (parts && (rc = kt_buf_adds(&part, " OR ")))
				break;
			rc = named_cond(ix, who, s, a->field, depth - 1, &part, &k);
			if (k == COND_SOME)
				parts++;
			else if (part.data)
				part.data[part.len = at] = '\0';
		} else if (a->mode == KT_ACCESS_VIA && depth > 0) {
			size_t at = part.len;
			if (parts && (rc = kt_buf_adds(&part, " OR ")))
				break;
			rc = via_cond(ix, who, s, kt_schema_field(s, a->field), op, depth - 1, of, &part, &k);
			if (k == COND_SOME)
				parts++;
			else if (part.data)
				part.data[part.len = at] = '\0';
		}
	}
	if (!rc && *kind != COND_ALL && parts) {
		*kind = COND_SOME;
		rc = kt_buf_addf(sql, "(%s)", part.data);
	}
	kt_buf_free(&part);
	return rc ? KT_ENOMEM : 0;
}

/* Returns 1 if who's rules for s have a via line. */
static int has_via(const struct kt_identity *who, const struct kt_schema *s)
{
	struct access_rules r;

	access_rules(s, who->role, &r);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i]->mode == KT_ACCESS_VIA)
			return 1;
	return 0;
}

/* Sets *where to the condition of what who may see or change, for the
 * rows of a list (of NULL) or for each row of s's table, the statement's
 * row of that name (of).  Returns 0 or KT_ENOMEM. */
static int access_where(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                        enum access_op op, const char *of, char **where, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int kind;

	*where = NULL;
	if (cond(ix, who, s, op, VIA_DEPTH, of, &sql, &kind))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (kind == COND_SOME)
		*where = kt_buf_detach(&sql);
	else if (kind == COND_NONE && !(*where = strdup("0")))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	kt_buf_free(&sql);
	return 0;
}

/* Returns the SQL condition of what who may see or change.  See
 * index.h. */
int index_access_where(struct index *ix, const struct kt_identity *who,
                       const struct kt_schema *s, enum access_op op, char **where,
                       struct kt_error *err)
{
	return access_where(ix, who, s, op, NULL, where, err);
}

/* Returns the condition of what who may see, asked row by row.  See
 * index.h. */
int index_access_where_each(struct index *ix, const struct kt_identity *who,
                            const struct kt_schema *s, enum access_op op, char **where,
                            struct kt_error *err)
{
	/* Without a via line the two forms are one: the owner's term, which
	 * the owner's index serves in the list's order. */
	return access_where(ix, who, s, op, has_via(who, s) ? "r" : NULL, where, err);
}

/* ------------------------------------------------------------ checks */

/* Looks up the record of s whose column col is value in the index: sets
 * *found, *allowed (whether the caller may see or change it) and *owner
 * (its owner field's value, caller frees; NULL when s has no owner).
 * When the caller may see or change every record of s, it looks nothing
 * up: *allowed is 1 and *found 0 (both callers deny only a record found
 * and not allowed; a list asks for the reference of every row).
 * Returns 0 or an error. */
static int row_allowed(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                       const char *col, const char *value, enum access_op op, int *found,
                       int *allowed, char **owner, struct kt_error *err)
{
	struct kt_buf expr = { 0 }, sql = { 0 };
	sqlite3_stmt *st = NULL;
	int kind, rc;

	*found = *allowed = 0;
	*owner = NULL;
	if (cond(ix, who, s, op, VIA_DEPTH, "r", &expr, &kind)) {
		kt_buf_free(&expr);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (kind == COND_ALL) {
		kt_buf_free(&expr);
		*allowed = 1;
		return 0;
	}
	rc = kt_buf_addf(&sql, "SELECT %s, %s%s%s FROM \"%s\" AS r WHERE \"%s\" = ? LIMIT 1",
	                 kind == COND_SOME ? expr.data : "0", s->owner ? "\"" : "",
	                 s->owner ? s->owner : "NULL", s->owner ? "\"" : "", s->name, col);
	kt_buf_free(&expr);
	/* Kept: a list asks it for the reference of every row it shows. */
	if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = index_stmt(ix, sql.data, &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
		if ((*found = sqlite3_step(st) == SQLITE_ROW)) {
			const char *o = (const char *)sqlite3_column_text(st, 1);
			*allowed = sqlite3_column_int(st, 0) != 0;
			if (s->owner && !(*owner = strdup(o ? o : "")))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		sqlite3_reset(st);
	}
	kt_buf_free(&sql);
	return rc;
}

/* Checks that who may see or change a record.  See index.h. */
int index_access_record(struct index *ix, const struct kt_identity *who,
                        const struct kt_schema *s, const char *id, enum access_op op,
                        struct kt_error *err)
{
	int found, allowed, rc;
	char *owner, what[300];

	if ((rc = row_allowed(ix, who, s, "id", id, op, &found, &allowed, &owner, err)))
		return rc;
	snprintf(what, sizeof what, "%s %s", s->name, id);
	if (found && !allowed)
		rc = access_deny(who, s, op, what, owner, err);
	free(owner);
	return rc;
}

/* Returns the value of field name in the record being written: the last
 * of names/values, else old's, else "". */
static const char *new_value(const struct kt_record *old, char *const *names,
                             char *const *values, size_t n, const char *name)
{
	const char *v = old ? kt_record_get(old, name) : NULL;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			v = values[i];
	return v ? v : "";
}

/* Checks that who may write a record as it will be.  See index.h. */
int index_access_values(struct index *ix, const struct kt_identity *who,
                        const struct kt_schema *s, const char *id,
                        const struct kt_record *old, char *const *names,
                        char *const *values, size_t n, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	struct access_rules r;
	char what[300];
	int kind, rc = 0;

	snprintf(what, sizeof what, "%s %s", s->name, id);
	/* A record written "via" another must name one the caller may see
	 * when the write sets that field: checked first, as it says best what
	 * is wrong. */
	access_rules(s, who->role, &r);
	for (size_t i = 0; !rc && i < r.n; i++) {
		const char *v = r.v[i]->field ? new_value(old, names, values, n, r.v[i]->field) : "";
		const char *was = old && r.v[i]->field ? kt_record_get(old, r.v[i]->field) : NULL;
		const struct kt_field *f = *v && (!was || strcmp(was, v)) ? kt_schema_field(s, r.v[i]->field)
		                                                          : NULL;
		const struct kt_schema *t = !f ? NULL : f->type == KT_REF ? types_find(ix->types, f->arg)
		                                                          : types_by_prefix(ix->types, v[0]);
		int found, allowed;
		char *owner, on[400];
		if (!t || (rc = row_allowed(ix, who, t, t->key ? t->key : "id", v, ACCESS_READ,
		                            &found, &allowed, &owner, err)))
			continue;
		snprintf(on, sizeof on, "%s: %s: %s %s", what, f->name, t->name, v);
		if (found && !allowed)
			rc = access_deny(who, t, ACCESS_READ, on, owner, err);
		free(owner);
	}
	struct kt_buf where = { 0 };
	if (!rc && cond(ix, who, s, ACCESS_WRITE, VIA_DEPTH, "r", &where, &kind))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* Only a rule on the record's values needs SQLite: an import asks
	 * here for every row, and preparing the statement each time was a
	 * fifth of it.  The statement is kept: its text is the same for the
	 * whole batch.  The rule is a WHERE, not a column: there SQLite
	 * stops at the first of its ORs that holds, where as a column it
	 * computed them all.  A "via" rule is asked of the one record it
	 * names (an EXISTS by its id, see via_cond()), not as an IN over
	 * every record the caller may change: a manager's task on a lead of
	 * theirs, assigned to someone else, took a second at 1M leads. */
	int allowed = kind == COND_ALL;
	if (!rc && kind == COND_SOME) {
		if (kt_buf_adds(&sql, "SELECT 1 FROM (SELECT ? AS id"))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < s->nfields; i++)
			if (kt_buf_addf(&sql, ", ? AS \"%s\"", s->fields[i].name))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		if (!rc && kt_buf_cat(&sql, ") AS r WHERE ", where.data, (char *)NULL))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		if (!rc && !(rc = index_stmt(ix, sql.data, &st, err))) {
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
			for (size_t i = 0; i < s->nfields; i++) {
				const char *v = new_value(old, names, values, n, s->fields[i].name);
				if (*v)
					sqlite3_bind_text(st, (int)i + 2, v, -1, SQLITE_STATIC);
			}
			int step = sqlite3_step(st);
			if (step != SQLITE_ROW && step != SQLITE_DONE)
				rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(ix->db));
			else
				allowed = step == SQLITE_ROW;
			sqlite3_reset(st);
		}
	}
	kt_buf_free(&where);
	if (!rc && !allowed)
		rc = access_deny(who, s, ACCESS_WRITE, what,
		                 s->owner ? new_value(old, names, values, n, s->owner) : NULL, err);
	kt_buf_free(&sql);
	return rc;
}


/* Checks that who sees every record of every type.  See index.h. */
int index_access_whole(struct index *ix, const struct kt_identity *who, const char *what,
                       struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	char why[300];
	int kind, rc = 0;

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		kt_buf_reset(&sql);
		if (cond(ix, who, ix->types->v[t], ACCESS_READ, VIA_DEPTH, NULL, &sql, &kind))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else if (kind != COND_ALL) {
			snprintf(why, sizeof why, "%s reads the whole index, and of %s records", what,
			         ix->types->v[t]->name);
			rc = access_deny(who, ix->types->v[t], ACCESS_READ, why, NULL, err);
		}
	}
	kt_buf_free(&sql);
	return rc;
}

