/*
 * record.c - reading records and lists through the index, and turning what
 * people type into what is stored.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
		rc = index_exists(b, t, t->key, v, NULL, NULL, err);
		if (rc < 0)
			return rc;
		if (rc)
			return (*out = strdup(v)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	char *id;
	rc = kt_resolve_id(b, t->name, v, &id, &found, err);
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

/* Resolves a value against the books.  See internal.h. */
int value_resolve(struct kt_books *b, const struct kt_field *f,
                       const char *value, char **out, struct kt_error *err)
{
	char *v;
	int rc = kt_value_normalize(f, value, &v, err);

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

/* Reads a record.  See kontora.h. */
int kt_record_read(struct kt_books *b, const struct kt_schema *s,
                   const char *id, struct kt_record **out, struct kt_error *err)
{
	struct store_file f = { 0 };
	struct kt_csv *csv = NULL;
	char *path;
	const char *buf;
	size_t len, start, end;
	int rc = index_shard_of(b, s, id, &path, err);

	if (!rc && (rc = access_record(b, s, id, ACCESS_READ, err)))
		free(path);
	if (rc)
		return rc;
	if ((rc = store_read(b->store, path, &f, err)))
		goto done;
	buf = f.data;
	len = f.len;
	if (!shard_find_row(buf, len, id, &start, &end)) {
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: no row %s; run kontora reindex", path, id);
		goto done;
	}
	if ((rc = shard_parse_range(buf, len, start, end, path, &csv, err)))
		goto done;
	if (csv->nrows != 1)
		rc = kt_error_set(err, KT_ECSV, "%s: the row of %s is malformed; run kontora check", path, id);
	else if (record_from_row(s, csv->header, csv->nheader, csv->rows[0].fields,
	                         csv->rows[0].nfields, out))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
done:
	kt_csv_free(csv);
	store_file_free(&f);
	free(path);
	return rc;
}

/* Copies name and email into b's identity.  Returns 0 or KT_ENOMEM. */
static int set_identity(struct kt_books *b, const char *name, const char *email,
                        const char *login)
{
	free(b->who_name);
	free(b->who_email);
	b->who_name = strdup(name);
	b->who_email = strdup(email);
	if (login != b->who_login) {
		free(b->who_login);
		b->who_login = login ? strdup(login) : NULL;
	}
	b->who.name = b->who_name;
	b->who.email = b->who_email;
	b->who.login = b->who_login;
	return b->who_name && b->who_email ? 0 : KT_ENOMEM;
}

/* Looks up the employee whose field equals value; fills b's identity from
 * it.  Returns 1 found, 0 not, or an error. */
static int employee_by(struct kt_books *b, const char *field, const char *value,
                       struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type(b, "employee");
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	if (!s || !kt_schema_field(s, field) || !kt_schema_field(s, "login"))
		return 0;
	snprintf(sql, sizeof sql, "SELECT coalesce(name, login), coalesce(email, ''), login "
	         "FROM employee WHERE \"%s\" = ? LIMIT 1", field);
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		return kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_ROW;
	if (rc) {
		const char *email = (const char *)sqlite3_column_text(st, 1);
		char fallback[300];
		/* git needs an e-mail; an employee without one gets login@kontora. */
		snprintf(fallback, sizeof fallback, "%s@kontora", (const char *)sqlite3_column_text(st, 2));
		if (set_identity(b, (const char *)sqlite3_column_text(st, 0), *email ? email : fallback,
		                 (const char *)sqlite3_column_text(st, 2)))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Finds who acts.  See internal.h. */
int books_identity(struct kt_books *b, struct kt_error *err)
{
	char *email = NULL;
	int rc;

	if (b->who.role)
		return 0;
	if ((rc = index_open(b, err)))
		return rc;
	if (b->who_login) {
		rc = employee_by(b, "login", b->who_login, err);
		if (rc == 0)
			rc = kt_error_set(err, KT_EINVAL, "KONTORA_USER=%s: no employee with that login", b->who_login);
	} else if (!(rc = store_user_email(b->store, &email, err))) {
		rc = email ? employee_by(b, "email", email, err) : 0;
		if (rc == 0 && email)
			rc = kt_error_set(err, KT_EACCESS, "you are not an employee of these books (git user.email %s "
			                  "matches none; set KONTORA_USER=LOGIN, or ask an admin to run: "
			                  "kontora employee add --login ... --email %s)", email, email);
		else if (rc == 0)
			rc = kt_error_set(err, KT_EACCESS, "you are not an employee of these books (git user.email "
			                  "is not set; set KONTORA_USER=LOGIN)");
		free(email);
	}
	return rc < 0 ? rc : access_caller(b, err);
}

/* Returns who acts (owned by b); resolved by kt_change_begin(). */
const struct kt_identity *kt_books_identity(const struct kt_books *b)
{
	return &b->who;
}

/* Resolves who acts and returns it.  See kontora.h. */
int kt_books_whoami(struct kt_books *b, const struct kt_identity **who,
                    struct kt_error *err)
{
	int rc = books_identity(b, err);

	if (rc)
		return rc;
	*who = &b->who;
	return 0;
}

/* ----------------------------------------------------------------- lists */

/* Returns the type of column name of s (id and created are text). */
static enum kt_ftype column_type(const struct kt_schema *s, const char *name)
{
	const struct kt_field *f = kt_schema_field(s, name);
	return f ? f->type : strcmp(name, "created") ? KT_TEXT : KT_DATETIME;
}

/* Appends one "FIELD OP VALUE" condition of --where to sql, with its
 * bound value in *bind (caller frees).  Returns 0 or an error naming the
 * condition. */
static int condition(struct kt_books *b, const struct kt_schema *s, char *cond,
                     struct kt_buf *sql, char **bind, int64_t *num, int *is_num,
                     struct kt_error *err)
{
	static const char *const ops[] = { "!=", "<=", ">=", "=", "<", ">", "~" };
	char *p = cond;
	const char *op = NULL;

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
	char *value = p + strlen(op);
	while (*value == ' ')
		value++;
	size_t vlen = strlen(value);
	while (vlen && value[vlen - 1] == ' ')
		value[--vlen] = '\0';
	if (vlen >= 2 && (value[0] == '\'' || value[0] == '"') && value[vlen - 1] == value[0]) {
		value[vlen - 1] = '\0';
		value++;
	}
	const struct kt_field *f = kt_schema_field(s, name);
	if (!f && strcmp(name, "id") && strcmp(name, "created"))
		return kt_error_set(err, KT_EINVAL, "--where: %s: no such field in %s", name, s->file);
	*is_num = 0;
	if (*op == '~') {
		if (!(*bind = kt_fold(value)))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		return kt_buf_addf(sql, " AND instr(fold(\"%s\"), ?) > 0", name) ? KT_ENOMEM : 0;
	}
	int rc = f ? value_resolve(b, f, value, bind, err) : (*bind = strdup(value)) ? 0 : KT_ENOMEM;
	if (rc)
		return rc;
	if (!**bind && (!strcmp(op, "=") || !strcmp(op, "!=")))
		return kt_buf_addf(sql, !strcmp(op, "=") ? " AND (\"%s\" IS NULL OR \"%s\" = ?)"
		                                         : " AND (\"%s\" IS NOT NULL AND \"%s\" != ?)",
		                   name, name) ? KT_ENOMEM : 0;
	enum kt_ftype t = column_type(s, name);
	if (t == KT_MONEY || t == KT_INT || t == KT_BOOL) {
		*is_num = 1;
		if (t == KT_MONEY)
			kt_money_parse(*bind, num);
		else if (t == KT_BOOL)
			*num = bool_value(*bind);
		else
			*num = strtoll(*bind, NULL, 10);
	}
	/* An empty field differs from any value. */
	if (!strcmp(op, "!="))
		return kt_buf_addf(sql, " AND (\"%s\" IS NULL OR \"%s\" != ?)", name, name) ? KT_ENOMEM : 0;
	return kt_buf_addf(sql, " AND \"%s\" %s ?", name, op) ? KT_ENOMEM : 0;
}

/* Builds "WHERE ..." of a --where expression into sql and binds into st
 * afterwards: collects the values in binds.  Returns 0 or an error. */
static int where_clause(struct kt_books *b, const struct kt_schema *s, const char *where,
                        struct kt_buf *sql, char ***binds, int64_t **nums, int **isnum,
                        size_t *n, struct kt_error *err)
{
	char *copy = strdup(where ? where : "");
	int rc = copy ? kt_buf_adds(sql, " WHERE 1") : KT_ENOMEM;

	*n = 0;
	for (char *p = copy, *next; !rc && p && *p; p = next) {
		char *and = strstr(p, " and ");
		char *AND = strstr(p, " AND ");
		if (!and || (AND && AND < and))
			and = AND;
		next = and ? and + 5 : NULL;
		if (and)
			*and = '\0';
		char **bs = realloc(*binds, (*n + 1) * sizeof *bs);
		int64_t *ns = realloc(*nums, (*n + 1) * sizeof *ns);
		int *is = realloc(*isnum, (*n + 1) * sizeof *is);
		if (bs)
			*binds = bs;
		if (ns)
			*nums = ns;
		if (is)
			*isnum = is;
		if (!bs || !ns || !is) {
			rc = KT_ENOMEM;
			break;
		}
		bs[*n] = NULL;
		rc = condition(b, s, p, sql, &bs[*n], &ns[*n], &is[*n], err);
		(*n)++;
	}
	free(copy);
	if (rc == KT_ENOMEM)
		kt_error_set(err, rc, "out of memory");
	return rc;
}

/* Formats column i of a result row as stored in CSV into out (40 bytes
 * for numbers); returns the text (owned by st or out). */
static const char *column_text(sqlite3_stmt *st, int i, enum kt_ftype t, char out[40])
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return "";
	if (sqlite3_column_type(st, i) == SQLITE_INTEGER) {
		int64_t v = sqlite3_column_int64(st, i);
		if (t == KT_MONEY)
			return kt_money_format(v, 0, out);
		if (t == KT_BOOL)
			return v ? "true" : "false";
	}
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

/* Steps st and calls fn for every row.  Returns 0, fn's value, or an
 * error. */
static int each_row(sqlite3 *db, sqlite3_stmt *st, const struct kt_column *cols, size_t ncols,
                    kt_row_fn fn, void *arg, struct kt_error *err)
{
	char (*num)[40] = calloc(ncols ? ncols : 1, sizeof *num);
	char **values = calloc(ncols ? ncols : 1, sizeof *values);
	int rc = num && values ? fn(arg, ncols, cols, NULL) : kt_error_set(err, KT_ENOMEM, "out of memory");
	int step = SQLITE_DONE;

	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++)
			values[i] = (char *)column_text(st, (int)i, cols[i].type, num[i]);
		rc = fn(arg, ncols, cols, values);
	}
	if (!rc && step != SQLITE_DONE)
		rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(db));
	free(num);
	free(values);
	return rc;
}

/* Fills cols with the columns a list shows, and the field also when they
 * lack it.  Returns their number. */
static size_t list_columns(const struct kt_schema *s, int all, const char *also,
                           struct kt_column *cols)
{
	size_t n = 0;

	cols[n++] = (struct kt_column){ "id", KT_TEXT, "id" };
	if (all || !s->ncolumns) {
		for (size_t i = 0; i < s->nfields; i++)
			cols[n++] = (struct kt_column){ s->fields[i].name, s->fields[i].type,
			                                s->fields[i].label ? s->fields[i].label : s->fields[i].name };
		cols[n++] = (struct kt_column){ "created", KT_DATETIME, "created" };
		return n;
	}
	for (size_t i = 0; i < s->ncolumns; i++) {
		const struct kt_field *f = kt_schema_field(s, s->columns[i]);
		if (strcmp(s->columns[i], "id"))
			cols[n++] = (struct kt_column){ s->columns[i], column_type(s, s->columns[i]),
			                                f && f->label ? f->label : s->columns[i] };
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
	struct kt_buf sql = { 0 };
	char **binds = NULL;
	int64_t *nums = NULL;
	int *isnum = NULL;
	size_t nbinds = 0, ncols;
	sqlite3_stmt *st = NULL;
	char *seen = NULL;      /* what the caller may see, or NULL: all */
	int rc = cols ? index_open(b, err) : kt_error_set(err, KT_ENOMEM, "out of memory");

	if (rc)
		goto done;
	ncols = list_columns(s, q->all_columns, q->also, cols);
	rc = kt_buf_adds(&sql, "SELECT ");
	for (size_t i = 0; !rc && i < ncols; i++)
		rc = kt_buf_addf(&sql, "%s\"%s\"", i ? ", " : "", cols[i].name);
	if (!rc)
		rc = kt_buf_addf(&sql, " FROM \"%s\"", s->name);
	if (rc || (rc = where_clause(b, s, q->where, &sql, &binds, &nums, &isnum, &nbinds, err)) ||
	    (rc = access_where(b, s, ACCESS_READ, &seen, err)))
		goto done;
	if (seen && kt_buf_addf(&sql, " AND %s", seen)) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	/* Records in an archive state of the type's workflow only with all. */
	const struct kt_flow *flow = q->all ? NULL : kt_books_flow(b, s->name);
	if (flow && flow->narchive) {
		rc = kt_buf_addf(&sql, " AND (\"%s\" IS NULL OR \"%s\" NOT IN (", flow->field, flow->field);
		for (size_t i = 0; !rc && i < flow->narchive; i++) {
			char *lit = sqlite3_mprintf("%Q", flow->archive[i]);
			rc = !lit || kt_buf_addf(&sql, "%s%s", i ? ", " : "", lit) ? KT_ENOMEM : 0;
			sqlite3_free(lit);
		}
		if (rc || (rc = kt_buf_adds(&sql, "))"))) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			goto done;
		}
	}
	const char *sort = q->sort ? q->sort : s->sort ? s->sort : "created";
	int desc = *sort == '-';
	sort += desc;
	if (strcmp(sort, "id") && strcmp(sort, "created") && !kt_schema_field(s, sort)) {
		rc = kt_error_set(err, KT_EINVAL, "--sort: %s: no such field in %s", sort, s->file);
		goto done;
	}
	enum kt_ftype t = column_type(s, sort);
	rc = kt_buf_addf(&sql, " ORDER BY \"%s\"%s%s, id", sort,
	                 t == KT_TEXT || t == KT_LIST ? " COLLATE ru" : "", desc ? " DESC" : "");
	if (!rc && q->limit > 0)
		rc = kt_buf_addf(&sql, " LIMIT %ld", q->limit);
	if (rc) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(b->db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
		goto done;
	}
	for (size_t i = 0; i < nbinds; i++) {
		if (isnum[i])
			sqlite3_bind_int64(st, (int)i + 1, nums[i]);
		else
			sqlite3_bind_text(st, (int)i + 1, binds[i], -1, SQLITE_STATIC);
	}
	rc = each_row(b->db, st, cols, ncols, fn, arg, err);
done:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nbinds; i++)
		free(binds[i]);
	free(binds);
	free(nums);
	free(isnum);
	free(cols);
	free(seen);
	kt_buf_free(&sql);
	return rc;
}

/* Turns SQLite's query_only on or off.  Returns 0 or KT_EDB. */
static int exec_query_only(sqlite3 *db, int on, struct kt_error *err)
{
	if (sqlite3_exec(db, on ? "PRAGMA query_only=1" : "PRAGMA query_only=0", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	return kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(db));
}

/* SQLite authorizer for kt_sql: reading only.  sqlite3_stmt_readonly()
 * passes ATTACH, which creates files. */
static int only_reads(void *arg, int action, const char *a, const char *b,
                      const char *db, const char *view)
{
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
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
static int prepare_read(struct kt_books *b, const char *sql, sqlite3_stmt **st,
                        struct kt_error *err)
{
	const char *tail = NULL;
	int rc = 0;

	*st = NULL;
	sqlite3_set_authorizer(b->db, only_reads, NULL);
	int prc = sqlite3_prepare_v2(b->db, sql, -1, st, &tail);
	if (prc == SQLITE_AUTH)
		return kt_error_set(err, KT_EREADONLY, "the index is read-only: only statements that read are allowed");
	if (prc != SQLITE_OK)
		return kt_error_set(err, KT_EDB, "%s", sqlite3_errmsg(b->db));
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
	sqlite3_stmt *st = NULL;
	struct kt_column *cols = NULL;
	int rc = index_open(b, err);

	if (rc || (rc = access_whole(b, "sql", err)))
		return rc;
	if ((rc = prepare_read(b, sql, &st, err)))
		goto done;
	for (size_t i = 0; i < nparams; i++) {
		char name[256];
		snprintf(name, sizeof name, ":%s", params[i].name);
		int at = sqlite3_bind_parameter_index(st, name);
		if (at && sqlite3_bind_text(st, at, params[i].value, -1, SQLITE_STATIC) != SQLITE_OK) {
			rc = kt_error_set(err, KT_EDB, "%s", sqlite3_errmsg(b->db));
			goto done;
		}
	}
	size_t n = (size_t)sqlite3_column_count(st);
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
	if (!(rc = exec_query_only(b->db, 1, err))) {
		rc = each_row(b->db, st, cols, n, fn, arg, err);
		exec_query_only(b->db, 0, NULL);
	}
done:
	sqlite3_set_authorizer(b->db, NULL, NULL);
	for (size_t i = 0; cols && i < (size_t)sqlite3_column_count(st); i++)
		free((char *)cols[i].name);
	free(cols);
	sqlite3_finalize(st);
	return rc;
}

/* Lists the named parameters of a statement.  See kontora.h. */
int kt_sql_params(struct kt_books *b, const char *sql,
                  int (*fn)(void *arg, const char *name), void *arg,
                  struct kt_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = index_open(b, err);

	if (!rc && !(rc = access_whole(b, "sql", err)) && !(rc = prepare_read(b, sql, &st, err)))
		for (int i = 1; !rc && i <= sqlite3_bind_parameter_count(st); i++) {
			const char *name = sqlite3_bind_parameter_name(st, i);
			if (name && *name == ':')
				rc = fn(arg, name + 1);
		}
	sqlite3_set_authorizer(b->db, NULL, NULL);
	sqlite3_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------- lookup */

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

/* Finds records by phone.  See kontora.h. */
int kt_lookup_phone(struct kt_books *b, const char *phone, kt_row_fn fn, void *arg,
                    struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "type", KT_TEXT, "type" }, { "id", KT_TEXT, "id" },
		{ "title", KT_TEXT, "title" }, { "field", KT_TEXT, "field" },
	};
	struct phone_hit *hits = NULL;
	size_t n = 0, cap = 0;
	char norm[20];
	int rc;

	if (kt_phone_normalize(phone, norm))
		return kt_error_set(err, KT_EINVAL, "\"%s\" is not a phone number", phone);
	if ((rc = index_open(b, err)))
		return rc;
	for (size_t t = 0; !rc && t < b->types.n; t++) {
		const struct kt_schema *s = b->types.v[t];
		size_t first = n;        /* this type's hits start here */
		char *seen = NULL;       /* what the caller may see, or NULL: all */
		if ((rc = access_where(b, s, ACCESS_READ, &seen, err)))
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
			int prepared = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
			free(sql);
			if (prepared != SQLITE_OK) {
				rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
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
				rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
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
