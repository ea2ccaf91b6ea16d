/*
 * query.c - the lists, searches and lookups of the public API: the
 * caller is resolved, what they typed resolved to stored values, and the
 * index asked (index/query.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Parses one "FIELD OP VALUE" condition of --where (cond, which is
 * modified) into c: the value resolved to its stored form, folded for ~,
 * into *value (caller frees).  Returns 0 or an error naming the
 * condition. */
static int condition(struct kt_books *b, const struct kt_schema *s, char *cond,
                     struct index_cond *c, char **value, struct kt_error *err)
{
	static const char *const ops[] = { "!=", "<=", ">=", "=", "<", ">", "~" };
	char *p = cond;
	const char *op = NULL;

	*value = NULL;
	while (*p == ' ')
		p++;
	char *name = p;
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')
		p++;
	char *name_end = p;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof ops / sizeof *ops && !op; i++)
		if (!strncmp(p, ops[i], strlen(ops[i])))
			op = ops[i];
	if (!op || name_end == name)
		return kt_error_set(err, KT_EINVAL, "--where: \"%s\" is not FIELD OP VALUE (OP one of = != < <= > >= ~)", cond);
	*name_end = '\0';
	char *v = p + strlen(op);
	while (*v == ' ')
		v++;
	size_t vlen = strlen(v);
	while (vlen && v[vlen - 1] == ' ')
		v[--vlen] = '\0';
	if (vlen >= 2 && (v[0] == '\'' || v[0] == '"') && v[vlen - 1] == v[0]) {
		v[vlen - 1] = '\0';
		v++;
	}
	const struct kt_field *f = kt_schema_field(s, name);
	if (!f && strcmp(name, "id") && strcmp(name, "created"))
		return kt_error_set(err, KT_EINVAL, "--where: %s: no such field in %s", name, s->file);
	*c = (struct index_cond){ name, op, NULL };
	int rc = 0;
	if (*op == '~')
		*value = kt_fold(v);
	else if (f)
		rc = value_resolve(b, f, v, value, err);
	else
		*value = strdup(v);
	if (!rc && !*value)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	c->value = *value;
	return rc;
}

/* Parses a --where expression, conditions joined by "and", into *conds
 * and *values (both caller frees, each value too) and *n.  where is
 * copied into *text, which the conditions point into (caller frees).
 * Returns 0 or an error. */
static int where_clause(struct kt_books *b, const struct kt_schema *s, const char *where,
                        char **text, struct index_cond **conds, char ***values, size_t *n,
                        struct kt_error *err)
{
	int rc = (*text = strdup(where ? where : "")) ? 0 : KT_ENOMEM;

	*n = 0;
	for (char *p = *text, *next; !rc && p && *p; p = next) {
		char *and = strstr(p, " and ");
		char *AND = strstr(p, " AND ");
		if (!and || (AND && AND < and))
			and = AND;
		next = and ? and + 5 : NULL;
		if (and)
			*and = '\0';
		struct index_cond *cs = realloc(*conds, (*n + 1) * sizeof *cs);
		char **vs = realloc(*values, (*n + 1) * sizeof *vs);
		if (cs)
			*conds = cs;
		if (vs)
			*values = vs;
		if (!cs || !vs) {
			rc = KT_ENOMEM;
			break;
		}
		rc = condition(b, s, p, &cs[*n], &vs[*n], err);
		(*n)++;
	}
	if (rc == KT_ENOMEM)
		kt_error_set(err, rc, "out of memory");
	return rc;
}

/* Fills cols with the columns a list shows, and the field also when they
 * lack it.  Returns their number. */
static size_t list_columns(const struct kt_schema *s, int all, const char *also,
                           struct kt_column *cols)
{
	size_t n = 0;

	cols[n++] = (struct kt_column){ "id", KT_TEXT, kt_schema_label(s, "id") };
	if (all || !s->ncolumns) {
		for (size_t i = 0; i < s->nfields; i++)
			cols[n++] = (struct kt_column){ s->fields[i].name, s->fields[i].type,
			                                s->fields[i].label ? s->fields[i].label : s->fields[i].name };
		cols[n++] = (struct kt_column){ "created", KT_DATETIME, kt_schema_label(s, "created") };
		return n;
	}
	for (size_t i = 0; i < s->ncolumns; i++) {
		if (strcmp(s->columns[i], "id"))
			cols[n++] = (struct kt_column){ s->columns[i], schema_column_type(s, s->columns[i]),
			                                kt_schema_label(s, s->columns[i]) };
	}
	const struct kt_field *f = also ? kt_schema_field(s, also) : NULL;
	for (size_t i = 0; f && i < n; i++)
		if (!strcmp(cols[i].name, also))
			f = NULL;
	if (f)
		cols[n++] = (struct kt_column){ f->name, f->type, f->label ? f->label : f->name };
	return n;
}

/* Runs a list query.  See kontora.h. */
int kt_list(struct kt_books *b, const struct kt_query *q, kt_row_fn fn,
            void *arg, struct kt_error *err)
{
	const struct kt_schema *s = q->schema;
	struct kt_column *cols = calloc(s->nfields + s->ncolumns + 4, sizeof *cols);
	struct index_list l = { .s = s, .cols = cols, .limit = q->limit };
	struct index_cond *conds = NULL;
	char **values = NULL, *text = NULL;
	size_t n = 0;
	int rc = cols ? where_clause(b, s, q->where, &text, &conds, &values, &n, err)
	              : kt_error_set(err, KT_ENOMEM, "out of memory");

	l.ncols = cols ? list_columns(s, q->all_columns, q->also, cols) : 0;
	l.conds = conds;
	l.nconds = n;
	/* Records in an archive state of the type's workflow only with all. */
	const struct kt_flow *flow = q->all ? NULL : kt_books_flow(b, s->name);
	if (flow) {
		l.hide = flow->archive;
		l.nhide = flow->narchive;
		l.hide_field = flow->field;
	}
	l.sort = q->sort ? q->sort : s->sort ? s->sort : "created";
	const char *sort = l.sort + (*l.sort == '-');
	if (!rc && strcmp(sort, "id") && strcmp(sort, "created") && !kt_schema_field(s, sort))
		rc = kt_error_set(err, KT_EINVAL, "--sort: %s: no such field in %s", sort, s->file);
	/* One read transaction: what fn looks up for each row (the titles of
	 * references) needs no refresh of its own. */
	if (!rc && !(rc = books_identity(b, err)) && !(rc = index_read_begin(b->index, err))) {
		rc = index_list(b->index, &b->who, &l, fn, arg, err);
		index_read_end(b->index);
	}
	for (size_t i = 0; i < n; i++)
		free(values[i]);
	free(values);
	free(conds);
	free(text);
	free(cols);
	return rc;
}

/* Runs one read-only statement.  See kontora.h. */
int kt_sql(struct kt_books *b, const char *sql, kt_row_fn fn, void *arg,
           struct kt_error *err)
{
	return kt_sql_bind(b, sql, NULL, 0, fn, arg, err);
}

/* Runs one read-only statement with named parameters.  See kontora.h. */
int kt_sql_bind(struct kt_books *b, const char *sql, const struct kt_param *params,
                size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err)
{
	int rc = access_whole(b, "sql", err);

	return rc ? rc : index_sql(b->index, sql, params, nparams, fn, arg, err);
}

/* Runs a statement on what the caller may see.  See kontora.h. */
int kt_sql_seen(struct kt_books *b, const char *sql, const struct kt_param *params,
                size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err)
{
	int rc = books_identity(b, err);

	return rc ? rc : index_sql_seen(b->index, &b->who, sql, params, nparams, fn, arg, err);
}

/* Lists the named parameters of a statement.  See kontora.h. */
int kt_sql_params(struct kt_books *b, const char *sql,
                  int (*fn)(void *arg, const char *name), void *arg,
                  struct kt_error *err)
{
	int rc = access_whole(b, "sql", err);

	return rc ? rc : index_sql_params(b->index, sql, fn, arg, err);
}

/* Searches every record.  See kontora.h. */
int kt_search(struct kt_books *b, const char *text, long limit, kt_row_fn fn, void *arg,
              struct kt_error *err)
{
	int rc = books_identity(b, err);

	return rc ? rc : index_search(b->index, &b->who, text, limit, fn, arg, err);
}

/* Finds records by phone.  See kontora.h. */
int kt_lookup_phone(struct kt_books *b, const char *phone, kt_row_fn fn, void *arg,
                    struct kt_error *err)
{
	char norm[20];
	int rc;

	if (kt_phone_normalize(phone, norm))
		return kt_error_set(err, KT_EINVAL, "\"%s\" is not a phone number", phone);
	rc = books_identity(b, err);
	return rc ? rc : index_lookup_phone(b->index, &b->who, norm, fn, arg, err);
}

/* Resolves an id prefix.  See kontora.h. */
int kt_resolve_id(struct kt_books *b, const char *type, const char *prefix,
                  char **id, const struct kt_schema **schema, struct kt_error *err)
{
	/* "kontora lead show ''", or $ID of a script that found nothing. */
	if (!prefix[strspn(prefix, " \t")] && type)
		return kt_error_set(err, KT_EINVAL, "an id is missing: give the id of a %s (or the first "
		                    "letters of it; kontora %s list shows them)", type, type);
	if (!prefix[strspn(prefix, " \t")])
		return kt_error_set(err, KT_EINVAL, "an id is missing: give the id of the record (or the "
		                    "first letters of it; kontora TYPE list shows them)");
	return index_resolve_id(b->index, type, prefix, id, schema, err);
}

/* Refreshes the index.  See kontora.h. */
int kt_index_refresh(struct kt_books *b, struct kt_error *err)
{
	return index_open(b->index, err);
}

/* Rebuilds the index.  See kontora.h. */
int kt_index_rebuild(struct kt_books *b, struct kt_error *err)
{
	return index_rebuild(b->index, err);
}
