/*
 * change.c - one change to the books, made of operations validated as
 * they are made: values normalised and resolved, required and unique
 * fields, references, the caller's rights and the workflow's edit lines.
 * The store commits it as exactly one commit (store/commit.c), and the
 * index follows.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "books/books.h"

struct kt_change {
	struct kt_books *b;
	char *command;
	struct ops ops;
	/* The ids and unique values of the records added, "TYPE\037id\037L3F9K2QX"
	 * and "TYPE\037FIELD\037value" -> their op, so that a batch of a
	 * hundred thousand adds is not quadratic; other ops are few and
	 * looked through. */
	struct strmap added;
	/* The same for edits, so that an import editing thousands of records
	 * is not quadratic either: "id\037L3F9K2QX" -> the op that edits it,
	 * "TYPE\037FIELD\037value" -> the op that sets a unique field to
	 * value.  An entry is a hint: the op it names is checked, for ops are
	 * dropped and edited again. */
	struct strmap edited;
	/* References to records named by key (employees by login) resolved
	 * so far, "TYPE\037value" -> their index in refs_v: an import names
	 * the same few managers in 200,000 records.  Only what resolved: the
	 * index does not change under the change's lock. */
	struct strmap refs;
	char **refs_v;
	size_t nrefs;
	struct kt_buf key;           /* the key made last for added, edited or refs (key_of()) */
	/* The shards new records went into that the index knows nothing
	 * below (index_shard_deepest()): the shards do not change under the
	 * change's lock, and an import asks of a few for each record. */
	struct strmap leaves;
	char created[21];            /* b->now formatted: new records' created */
	struct kt_error warning;     /* what the commit left undone, or code 0 */
	int actions;                 /* adding what a move's actions add (change_actions()) */
	struct id_pool {             /* new ids drawn ahead (kt_change_ids()) */
		const struct kt_schema *s;
		char (*ids)[9];          /* not in the index, handed out in this order */
		size_t n, next;
	} pools[2];
};

/* Marks what c adds next as a move's actions'.  See books.h. */
void change_actions(struct kt_change *c, int on)
{
	c->actions = on;
}

/* Starts a change.  See kontora.h. */
int kt_change_begin(struct kt_books *b, const char *command,
                    struct kt_change **out, struct kt_error *err)
{
	struct kt_change *c;
	int rc;

	if ((rc = store_lock(b->store, err)))
		return rc;
	if ((rc = store_recover(b->store, err)) || (rc = index_open(b->index, err)) ||
	    (rc = books_identity(b, err))) {
		store_unlock(b->store);
		return rc;
	}
	if (!(c = calloc(1, sizeof *c)) || !(c->command = strdup(command))) {
		free(c);
		store_unlock(b->store);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	c->b = b;
	kt_datetime_format(b->now, c->created);
	*out = c;
	return 0;
}

/* Returns the books c changes.  See books.h. */
struct kt_books *change_books(const struct kt_change *c)
{
	return c->b;
}

/* Drops the change and releases the lock; NULL is fine. */
void kt_change_free(struct kt_change *c)
{
	if (!c)
		return;
	ops_free(&c->ops);
	free(c->command);
	strmap_free(&c->added);
	strmap_free(&c->edited);
	strmap_free(&c->refs);
	strv_free(c->refs_v, c->nrefs);
	kt_buf_free(&c->key);
	strmap_free(&c->leaves);
	for (size_t i = 0; i < sizeof c->pools / sizeof c->pools[0]; i++)
		free(c->pools[i].ids);
	store_unlock(c->b->store);
	free(c);
}

/* Makes k the key "a\037b\037c" (c NULL: "a\037b") of the change's maps,
 * without printf: an import makes a dozen a record.  Returns 0 or
 * KT_ENOMEM. */
static int key_of(struct kt_buf *k, const char *a, const char *b, const char *c)
{
	kt_buf_reset(k);
	int rc = kt_buf_adds(k, a) || kt_buf_addc(k, '\037') || kt_buf_adds(k, b) ||
	         (c && (kt_buf_addc(k, '\037') || kt_buf_adds(k, c)));
	return rc ? KT_ENOMEM : 0;
}

/* Finds the edit op of this change that sets field name of a record of
 * s to value (s NULL and name "id": the edit op of the record value).
 * Returns 1 and *at, 0 when there is none, or KT_ENOMEM. */
static int edited_lookup(struct kt_change *c, const struct kt_schema *s, const char *name,
                         const char *value, size_t *at)
{
	if (s ? key_of(&c->key, s->name, name, value) : key_of(&c->key, "id", value, NULL))
		return KT_ENOMEM;
	if (!strmap_get(&c->edited, c->key.data, at) || *at >= c->ops.n)
		return 0;
	const struct op *o = &c->ops.v[*at];
	const char *v = s ? op_get(o, name) : o->id;
	return o->kind == OP_EDIT && (!s || o->s == s) && v && !strcmp(v, value);
}

/* Remembers that op at edits its record, and sets name to value when
 * name is a unique field (NULL: only the record).  Returns 0 or
 * KT_ENOMEM. */
static int edited_remember(struct kt_change *c, size_t at, const char *name, const char *value)
{
	const struct op *o = &c->ops.v[at];
	int rc = name ? key_of(&c->key, o->s->name, name, value) : key_of(&c->key, "id", o->id, NULL);

	return rc || strmap_put(&c->edited, c->key.data, at) ? KT_ENOMEM : 0;
}

/* Checks that no other record of s, nor another add of this change, has
 * value in unique field f.  Returns 0 or an error. */
static int check_unique(struct kt_change *c, const struct kt_schema *s,
                        const struct kt_field *f, const char *value,
                        const char *self, struct kt_error *err)
{
	char other[9];
	size_t at;
	int rc;

	if (!f->unique || !*value)
		return 0;
	if (key_of(&c->key, s->name, f->name, value))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	rc = strmap_get(&c->added, c->key.data, &at) && strcmp(c->ops.v[at].id, self ? self : "");
	if (rc)
		return kt_error_set(err, KT_EEXISTS, "%s: %s is already used by %s", f->name, value, c->ops.v[at].id);
	if (c->ops.nother && (rc = edited_lookup(c, s, f->name, value, &at)) < 0)
		return kt_error_set(err, rc, "out of memory");
	if (rc && strcmp(c->ops.v[at].id, self ? self : ""))
		return kt_error_set(err, KT_EEXISTS, "%s: %s is already used by %s", f->name, value,
		                    c->ops.v[at].id);
	rc = index_exists(c->b->index, s, f->name, value, self, other, err);
	if (rc > 0)
		return kt_error_set(err, KT_EEXISTS, "%s: %s is already used by %s", f->name, value, other);
	return rc;
}

/* Remembers the id and unique values of the added record of op at, its
 * columns values as kt_change_add() makes them (values[f + 1] is field
 * f's), for check_unique() and new ids.  Returns 0 or KT_ENOMEM. */
static int remember_added(struct kt_change *c, size_t at, char *const *values)
{
	const struct op *o = &c->ops.v[at];
	int rc = key_of(&c->key, o->s->name, "id", o->id) || strmap_put(&c->added, c->key.data, at);

	for (size_t f = 0; !rc && f < o->s->nfields; f++) {
		const struct kt_field *fd = &o->s->fields[f];
		if (!fd->unique || !*values[f + 1])
			continue;
		rc = key_of(&c->key, o->s->name, fd->name, values[f + 1]) || strmap_put(&c->added, c->key.data, at);
	}
	return rc ? KT_ENOMEM : 0;
}

/* Returns 1 if id is the id of a record this change adds.  See
 * books.h. */
int change_adds(struct kt_change *c, const struct kt_schema *s, const char *id)
{
	/* Out of memory for the key, which is the added map's as
	 * remember_added() makes it: no id it knows. */
	return !key_of(&c->key, s->name, "id", id) && strmap_get(&c->added, c->key.data, NULL);
}

/* value_resolve() for a change: a reference may also name, by its full
 * id, a record this change adds (a lead and its new client in one
 * commit).  Returns 0 and *out (caller frees), or an error. */
static int change_value(struct kt_change *c, const struct kt_field *f, const char *in,
                        char **out, struct kt_error *err)
{
	const struct kt_schema *t = f->type == KT_REF && in ? kt_books_type(c->b, f->arg) : NULL;
	size_t at;
	int rc;

	if (t && !t->key && change_adds(c, t, in))
		return (*out = strdup(in)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!t || !t->key)
		return value_resolve(c->b, f, in, out, err);
	if (key_of(&c->key, t->name, in, NULL))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (strmap_get(&c->refs, c->key.data, &at))
		rc = (*out = strdup(c->refs_v[at])) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (!(rc = value_resolve(c->b, f, in, out, err)) &&
	         (strv_push(&c->refs_v, &c->nrefs, *out) || strmap_put(&c->refs, c->key.data, c->nrefs - 1))) {
		free(*out);
		*out = NULL;
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	return rc;
}

/* ----------------------------------------------------------- processed */

/* The processed mark: a record of a type with a bool field "processed"
 * that is false stays marked until someone acts on it: any edit (a move,
 * an assignment) or a record added "on" it (a note, a task) sets it true
 * in the same change.  New web leads come in marked. */

/* Sets processed=true on the record id of s when it is false (per the
 * index: what HEAD says; a record added by this same change is not
 * there, so an import's own task on its new lead leaves the lead
 * marked).  Returns 0 or an error. */
static int mark_processed(struct kt_change *c, const struct kt_schema *s, const char *id,
                          struct kt_error *err)
{
	static const char *const field = "processed";
	char *names[] = { "processed" }, *values[] = { "true" };
	char *now;
	int rc = index_get(change_books(c)->index, s, "id", id, &field, 1, &now, err);

	if (rc < 0)
		return rc;
	int unprocessed = now && !strcmp(now, "0");
	free(now);
	/* The mark goes with an action the caller was let take: no edit line
	 * of the workflow is asked (a note on a won lead processes it too). */
	return unprocessed ? change_set(c, s, id, names, values, 1, 0, err) : 0;
}

/* Returns 1 if records of s carry the processed mark. */
static int has_processed(const struct kt_schema *s)
{
	const struct kt_field *f = kt_schema_field(s, "processed");

	return f && f->type == KT_BOOL;
}

/* The processed mark: an edit of the record id of s whose fields names
 * do not include processed sets processed=true when it is false.
 * Returns 0 or an error. */
static int processed_touch(struct kt_change *c, const struct kt_schema *s, const char *id,
                    char *const *names, size_t n, struct kt_error *err)
{
	if (!has_processed(s))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], "processed"))
			return 0;
	return mark_processed(c, s, id, err);
}

/* The same for a record added on the record id (its field "on"): a note
 * or a task.  Returns 0 or an error. */
static int processed_touch_on(struct kt_change *c, const char *id, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type_by_prefix(change_books(c), *id);
	struct kt_error denied = { 0 };
	int rc;

	/* A lead added by the same change (an import's, with its task) keeps
	 * its mark. */
	if (!s || !has_processed(s) || !id_valid(s, id) || change_adds(c, s, id))
		return 0;
	/* Only someone who may change it processes it: a note by another
	 * leaves it marked. */
	rc = access_record(change_books(c), s, id, ACCESS_WRITE, &denied);
	if (rc == KT_EACCESS)
		return 0;
	if (rc)
		return kt_error_set(err, rc, "%s", denied.msg);
	return mark_processed(c, s, id, err);
}

/* -------------------------------------------------------------- records */

/* Makes room for n more records.  See kontora.h. */
int kt_change_reserve(struct kt_change *c, size_t n)
{
	return ops_reserve(&c->ops, c->ops.n + n);
}

/* index_shard_deepest() for a change: *path, a shard of a new record
 * id of s, replaced by the deepest shard that holds it.  Returns 0 or an
 * error (*path freed and NULL then). */
static int deepest_shard(struct kt_change *c, const struct kt_schema *s, const char *id,
                         char **path, struct kt_error *err)
{
	char *asked;
	int rc;

	if (strmap_get(&c->leaves, *path, NULL))
		return 0;
	if (!(asked = strdup(*path))) {
		free(*path);
		*path = NULL;
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	rc = index_shard_deepest(c->b->index, s, id, path, err);
	if (!rc && !strcmp(asked, *path) && strmap_put(&c->leaves, asked, 0)) {
		free(*path);
		*path = NULL;
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	free(asked);
	return rc;
}

/* Returns the value of name among the n columns (names, values), or
 * NULL. */
static const char *column(char *const *names, char *const *values, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return values[i];
	return NULL;
}

/* The value of an empty field of a new record, not to be freed. */
static char no_value[] = "";

/* Fills values[1..nfields] of a new record of s, field f from *given[f]
 * when given[f] is not NULL, else from the field's default, normalised
 * and resolved, and checks them (required, unique).  Returns 0 or an
 * error; what it filled is the caller's to free, but no_value, either
 * way. */
static int add_fields(struct kt_change *c, const struct kt_schema *s, char *const *const *given,
                      char **values, struct kt_error *err)
{
	int rc = 0;

	for (size_t f = 0; !rc && f < s->nfields; f++) {
		const struct kt_field *fd = &s->fields[f];
		const char *v = fd->def;
		/* A record one may add only as one's own is one's own. */
		if (s->owner && !v && !strcmp(fd->name, s->owner))
			v = access_own_default(&c->b->who, s);
		if (given[f])
			v = *given[f];
		/* Nothing normalises or resolves to anything but "": half of an
		 * import's fields are empty, and each was a malloc. */
		if (!v || !*v)
			values[f + 1] = no_value;
		else if ((rc = change_value(c, fd, v, &values[f + 1], err)))
			break;
		if (fd->required && !*values[f + 1])
			rc = kt_error_set(err, KT_EINVAL, "%s: required", fd->name);
		if (!rc)
			rc = check_unique(c, s, fd, values[f + 1], NULL, err);
	}
	return rc;
}

/* Points given[f] at the value of field f of s among (names, values),
 * n of them, the last one named (given zeroed, each name looked up once,
 * not once a field), and *created at the value of created or NULL.
 * Returns 0 or an error for a name that is no field, or a created that
 * is no time. */
static int add_given(const struct kt_schema *s, char *const *names, char *const *values, size_t n,
                     char *const **given, const char **created, struct kt_error *err)
{
	size_t next = 0;

	*created = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct kt_field *fd;
		/* Names given in the schema's order (an import's, a form's)
		 * are each found at the first compare. */
		if (next < s->nfields && !strcmp(names[i], s->fields[next].name))
			fd = &s->fields[next];
		else
			fd = strcmp(names[i], "created") ? kt_schema_field(s, names[i]) : NULL;
		if (fd) {
			given[fd - s->fields] = &values[i];
			next = (size_t)(fd - s->fields) + 1;
		} else if (!strcmp(names[i], "created"))
			*created = values[i];
		else
			return kt_error_set(err, KT_EINVAL, "%s: no such field in %s", names[i], s->file);
	}
	if (*created && !kt_datetime_valid(*created))
		return kt_error_set(err, KT_EINVAL, "created: \"%s\" is not a time YYYY-MM-DDTHH:MM:SSZ",
		                    *created);
	return 0;
}

/* Writes into id a new id of s that neither the index nor this change
 * knows.  Returns 0 or an error. */
static int add_id(struct kt_change *c, const struct kt_schema *s, char id[9], struct kt_error *err)
{
	int rc;

	for (size_t i = 0; i < sizeof c->pools / sizeof c->pools[0]; i++) {
		struct id_pool *p = &c->pools[i];
		while (p->s == s && p->next < p->n) {
			memcpy(id, p->ids[p->next++], 9);
			if (!change_adds(c, s, id))
				return 0;
		}
	}
	do {
		if (id_new(s, id))
			return kt_error_set(err, KT_EIO, "no random numbers for a new id");
		rc = index_exists(c->b->index, s, NULL, id, NULL, NULL, err);
	} while (rc > 0 || (rc == 0 && change_adds(c, s, id)));
	return rc;
}

/* Orders ids by strcmp (qsort). */
static int id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Draws new ids ahead.  See kontora.h.  Asked one at a time, each new id
 * was a descent into a random page of an index of a million ids; sorted,
 * a batch's reads its pages in order, most of them once. */
int kt_change_ids(struct kt_change *c, const struct kt_schema *s, size_t n, struct kt_error *err)
{
	struct id_pool *p = &c->pools[0];
	char **sorted = NULL;
	unsigned char *taken = NULL;
	int rc = 0;

	/* The pool of s, else an empty one, else the second. */
	if (c->pools[1].s == s || (c->pools[0].s != s && c->pools[1].s != s && c->pools[0].s))
		p = &c->pools[1];
	free(p->ids);
	*p = (struct id_pool){ s, n ? malloc(n * sizeof *p->ids) : NULL, 0, 0 };
	if (n && (!p->ids || !(sorted = malloc(n * sizeof *sorted)) || !(taken = calloc(n, 1))))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		if (id_new(s, p->ids[i]))
			rc = kt_error_set(err, KT_EIO, "no random numbers for a new id");
		sorted[i] = p->ids[i];
	}
	if (!rc) {
		qsort(sorted, n, sizeof *sorted, id_cmp);
		rc = index_present(c->b->index, s, NULL, sorted, n, taken, err);
	}
	/* The ids the index has are dropped; the others keep their order. */
	for (size_t i = 0; !rc && i < n; i++)
		if (taken[i])
			sorted[i][0] = '\0';
	for (size_t i = 0; !rc && i < n; i++)
		if (p->ids[i][0])
			memmove(p->ids[p->n++], p->ids[i], 9);
	free(sorted);
	free(taken);
	if (rc) {
		free(p->ids);
		*p = (struct id_pool){ 0 };
	}
	return rc;
}

/* Returns 0 if the caller may add the record id of s whose n columns
 * are (names, values), else KT_EACCESS or another error. */
static int add_allowed(struct kt_change *c, const struct kt_schema *s, const char *id,
                       char *const *names, char *const *values, size_t n, struct kt_error *err)
{
	struct kt_books *b = c->b;
	/* A part added with its whole in one change (a document's lines) is
	 * the caller's as the whole is, whose access was checked when it was
	 * added: the index, which access reads, does not hold it yet. */
	const char *whole = s->part_of ? column(names, values, n, s->part_of) : NULL;
	const struct kt_schema *ws = whole && *whole ? kt_books_type_by_prefix(b, whole[0]) : NULL;
	int rc = 0;

	/* The tasks and notices of a move's actions are the move's, which
	 * was checked: an accountant's issue gives the manager a task. */
	if (!c->actions && !(ws && change_adds(c, ws, whole)))
		rc = access_values(b, s, id, NULL, names, values, n, err);
	if (!rc && whole)
		rc = part_frozen_check(b, s, NULL, whole, err);
	return rc;
}

/* Adds a record.  See kontora.h. */
int kt_change_add(struct kt_change *c, const struct kt_schema *s,
                  char *const *names, char *const *values, size_t n,
                  const char **id, struct kt_error *err)
{
	char created[21], newid[9];
	const char *given_created;
	char *path = NULL;
	int rc;

	/* The columns, id, the fields in order and created, are made and
	 * checked here and given to the op once valid (op_add_columns()):
	 * the names are the schema's, and a spilled record's values go
	 * straight to the file.  given[f]: where field f's value is among
	 * values, the last given (each name looked up once). */
	/* A schema of up to ADD_FIELDS fields has its arrays on the stack:
	 * two callocs and frees a record, in an import of a hundred thousand
	 * records each freed next to the heap's top, which made glibc gather
	 * its fast bins (malloc_consolidate()) record after record. */
	enum { ADD_FIELDS = 62 };
	char *stack_cols[2 * (ADD_FIELDS + 2)];
	char *const *stack_given[ADD_FIELDS + 1];
	size_t ncol = s->nfields + 2;
	int small = s->nfields <= ADD_FIELDS;
	/* NULL when on the stack: freed as they are on every path. */
	char **heap_cols = small ? NULL : malloc(2 * ncol * sizeof *heap_cols);
	char *const **heap_given = small ? NULL : malloc((s->nfields + 1) * sizeof *heap_given);
	char **cols = small ? stack_cols : heap_cols;
	char *const **given = small ? stack_given : heap_given;
	if (!cols || !given) {
		free(heap_cols);
		free(heap_given);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	memset(cols, 0, 2 * ncol * sizeof *cols);
	memset(given, 0, (s->nfields + 1) * sizeof *given);
	char **vals = cols + ncol;
	if ((rc = add_given(s, names, values, n, given, &given_created, err)) ||
	    (rc = add_id(c, s, newid, err))) {
		free(heap_cols);
		free(heap_given);
		return rc;
	}
	cols[0] = "id";
	vals[0] = newid;
	for (size_t f = 0; f < s->nfields; f++)
		cols[f + 1] = s->fields[f].name;
	cols[ncol - 1] = "created";
	vals[ncol - 1] = created;
	snprintf(created, sizeof created, "%s", given_created ? given_created : c->created);
	rc = add_fields(c, s, given, vals, err);
	free(heap_given);
	if (!rc && !(path = shard_path(s, created, newid)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* The month's shard, or the one below it that a split made. */
	else if (!rc)
		rc = deepest_shard(c, s, newid, &path, err);
	if (!rc)
		rc = add_allowed(c, s, newid, cols, vals, ncol, err);
	struct op *o = rc ? NULL : ops_new(&c->ops, OP_ADD, s);
	if (o) {
		memcpy(o->id, newid, sizeof newid);
		o->path = path;
		path = NULL;
		if (op_add_columns(&c->ops, o, cols, vals, ncol)) {
			ops_drop_last(&c->ops);
			o = NULL;
		}
	}
	if (!rc && !o)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* A note or a task on an unprocessed lead processes it (below); the
	 * edit may move c->ops.v. */
	size_t at = o ? (size_t)(o - c->ops.v) : 0;
	if (!rc && (rc = remember_added(c, at, vals)))
		kt_error_set(err, rc, "out of memory");
	const char *on = rc ? NULL : column(cols, vals, ncol, "on");
	if (on && *on)
		rc = processed_touch_on(c, on, err);
	for (size_t f = 0; f < s->nfields; f++)
		if (vals[f + 1] != no_value)
			free(vals[f + 1]);
	free(heap_cols);
	free(path);
	if (rc)
		return rc;
	/* The id value, not the op's id[]: later adds move c->ops.v, and a
	 * caller adding a document's lines holds the document's id
	 * meanwhile. */
	*id = op_get(&c->ops.v[at], "id");
	return 0;
}

/* Returns the op of this change that already edits id, or NULL. */
static struct op *edit_of(struct kt_change *c, const char *id)
{
	size_t at;
	int found = edited_lookup(c, NULL, "id", id, &at);

	/* Every edit op is remembered when it is made and never dropped: a
	 * record not in the map has none.  Looking through every op for each
	 * edit made an import of many edits cost their square. */
	if (found >= 0)
		return found ? &c->ops.v[at] : NULL;
	/* Out of memory for the lookup's key: look through. */
	for (size_t i = 0; i < c->ops.n; i++)
		if (c->ops.v[i].kind == OP_EDIT && !strcmp(c->ops.v[i].id, id))
			return &c->ops.v[i];
	return NULL;
}

/* Sets fields of a record, by the workflow's edit lines when rules.  See
 * internal.h. */
int change_set(struct kt_change *c, const struct kt_schema *s,
               const char *id, char *const *names,
               char *const *values, size_t n, int rules, struct kt_error *err)
{
	struct kt_record *old;
	struct op *o = edit_of(c, id);
	int rc = access_record(c->b, s, id, ACCESS_WRITE, err);

	if (rc || (rc = kt_record_read(c->b, s, id, &old, err)))
		return rc;
	if (rules && (rc = flow_edit_check(c->b, s, old, names, values, n, err))) {
		kt_record_free(old);
		return rc;
	}
	if (!o) {
		if (!(o = ops_new(&c->ops, OP_EDIT, s))) {
			kt_record_free(old);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		snprintf(o->id, sizeof o->id, "%s", id);
		if (index_shard_of(c->b->index, s, id, &o->path, err)) {
			rc = err->code;
			ops_drop_last(&c->ops);
			kt_record_free(old);
			return rc;
		}
		if (edited_remember(c, (size_t)(o - c->ops.v), NULL, NULL)) {
			ops_drop_last(&c->ops);
			kt_record_free(old);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
	}
	/* old is what HEAD holds, read again for every edit of the record:
	 * the op keeps of it only what describing the op needs. */
	for (size_t i = 0; !rc && i < n; i++) {
		const struct kt_field *f = kt_schema_field(s, names[i]);
		const char *cur = kt_record_get(old, names[i]);
		char *v = NULL;

		if (!strcmp(names[i], "id") || !strcmp(names[i], "created"))
			rc = kt_error_set(err, KT_EINVAL, "%s: cannot be changed", names[i]);
		else if (!f && !cur)
			rc = kt_error_set(err, KT_EINVAL, "%s: no such field in %s", names[i], s->file);
		else if (!f)
			rc = (v = strdup(values[i])) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
		else if (!(rc = change_value(c, f, values[i], &v, err))) {
			if (f->required && !*v)
				rc = kt_error_set(err, KT_EINVAL, "%s: required, cannot be emptied", f->name);
			else
				rc = check_unique(c, s, f, v, id, err);
		}
		if (!rc && strcmp(v, op_get(o, names[i]) ? op_get(o, names[i]) : cur) &&
		    ((rc = op_set(o, names[i], v)) ||
		     (f && f->unique && *v && (rc = edited_remember(c, (size_t)(o - c->ops.v), f->name, v)))))
			kt_error_set(err, rc, "out of memory");
		free(v);
	}
	if (!rc)
		rc = access_values(c->b, s, id, old, o->names, o->values, o->n, err);
	if (!rc && (rc = op_keep_old(&c->ops, o, &old)))
		kt_error_set(err, rc, "out of memory");
	kt_record_free(old);
	/* Any edit of an unprocessed lead processes it (above). */
	return rc ? rc : processed_touch(c, s, id, names, n, err);
}

/* Sets fields of a record as the workflow's edit lines allow.  See
 * kontora.h. */
int kt_change_edit(struct kt_change *c, const struct kt_schema *s,
                   const char *id, char *const *names,
                   char *const *values, size_t n, struct kt_error *err)
{
	return change_set(c, s, id, names, values, n, 1, err);
}

/* The parts of a record being removed, as index_sql() gives them. */
struct parts {
	struct kt_change *c;
	const struct kt_schema *s;
	struct kt_error *err;
};

/* Removes one part (a row: its id).  Returns 0 or an error. */
static int remove_part(void *arg, size_t ncols, const struct kt_column *cols, char *const *v)
{
	struct parts *p = arg;

	return v ? kt_change_remove(p->c, p->s, v[0], 1, p->err) : 0;
}

/* Removes, in c, the records that are part of id ("part-of" in
 * kontora-schema(5)): a document's lines go with it.  Returns 0 or an
 * error. */
static int remove_parts(struct kt_change *c, const char *id, struct kt_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < c->b->types.n; i++) {
		const struct kt_schema *t = c->b->types.v[i];
		struct parts p = { c, t, err };
		const struct kt_param param = { "id", id };
		char sql[256];
		if (!t->part_of)
			continue;
		snprintf(sql, sizeof sql, "SELECT id FROM \"%s\" WHERE \"%s\" = :id", t->name, t->part_of);
		rc = index_sql(c->b->index, sql, &param, 1, remove_part, &p, err);
	}
	return rc;
}

/* Removes a record, and the records that are part of it.  See
 * kontora.h. */
int kt_change_remove(struct kt_change *c, const struct kt_schema *s,
                     const char *id, int force, struct kt_error *err)
{
	struct kt_record *old;
	int rc = access_record(c->b, s, id, ACCESS_WRITE, err);

	if (rc || (rc = kt_record_read(c->b, s, id, &old, err)))
		return rc;
	if ((rc = frozen_check(c->b, s, old, err))) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		kt_error_set(err, rc, "%s %s", s->name, msg);
		kt_record_free(old);
		return rc;
	}
	if (!force) {
		struct kt_buf who = { 0 };
		const char *key = s->key ? kt_record_get(old, s->key) : id;
		rc = index_referrers(c->b->index, s, key, &who, err);
		if (rc > 0)
			rc = kt_error_set(err, KT_EEXISTS, "%s %s is referred to by %s (use --force to remove it anyway)",
			                  s->name, id, who.data);
		kt_buf_free(&who);
		if (rc) {
			kt_record_free(old);
			return rc;
		}
	}
	struct op *o = ops_new(&c->ops, OP_REMOVE, s);
	if (!o) {
		kt_record_free(old);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	snprintf(o->id, sizeof o->id, "%s", id);
	o->old = old;
	/* Where the index has it: shard_path() knows no split. */
	if ((rc = index_shard_of(c->b->index, s, id, &o->path, err))) {
		ops_drop_last(&c->ops);
		return rc;
	}
	return remove_parts(c, id, err);
}

/* Keys whose values kontora itself reads, and what they may be. */
static const struct {
	const char *key;
	const char *words;   /* |-separated, or NULL for a number */
} known_keys[] = {
	{ "vat.rate", NULL },
	{ "vat.mode", "included|on-top" },
	{ "assign.rule", "round-robin|least-loaded|none" },
};

/* Checks value for key when key is one of known_keys.  A word may be
 * given in any case, as kontora reads it; word then gets it as
 * known_keys spells it, which is what kontora.conf gets (else word is
 * left as it was).  Returns 0 or KT_EINVAL. */
static int check_config_value(const char *key, const char *v, char word[32], struct kt_error *err)
{
	size_t len = strlen(v);
	int64_t size;

	if ((!strcasecmp(key, "attach.max-size") || !strcasecmp(key, "webhook.max-size")) &&
	    kt_size_parse(v, &size))
		return kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not a size (bytes, or a number "
		                    "with K, M or G)", key, v);
	for (size_t i = 0; i < sizeof known_keys / sizeof *known_keys; i++) {
		if (strcasecmp(key, known_keys[i].key))
			continue;
		const char *w = known_keys[i].words;
		if (!w && v[strspn(v, "0123456789")] == '\0' && *v)
			return 0;
		for (const char *p = w; p && len; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
			if (len < 32 && !strncasecmp(p, v, len) && (p[len] == '|' || !p[len])) {
				memcpy(word, p, len);
				word[len] = '\0';
				return 0;
			}
		return kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not %s%s", key, v,
		                    w ? "one of " : "a number", w ? w : "");
	}
	return 0;
}

/* Sets or unsets a key of kontora.conf.  See kontora.h. */
int kt_change_config(struct kt_change *c, const char *key, const char *value,
                     struct kt_error *err)
{
	const char *dot = strchr(key, '.');
	char word[32] = "";
	struct op *o;

	if (access_settings(c->b, "config", err))
		return err->code;
	if (!dot || dot == key || !dot[1] || strchr(key, ' '))
		return kt_error_set(err, KT_EINVAL, "%s: a key is section.name", key);
	if (value && (check_config_value(key, value, word, err) || label_check(c->b, key, value, err)))
		return err->code;
	if (!(o = ops_new(&c->ops, OP_CONFIG, NULL)) || !(o->path = strdup("kontora.conf")) ||
	    op_set(o, key, *word ? word : value ? value : "") ||
	    (!value && op_set(o, "--unset", "")))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Writes a file under files/.  See kontora.h. */
int kt_change_file(struct kt_change *c, const char *path, const void *data, size_t len,
                   const char *record, struct kt_error *err)
{
	struct op *o;

	if (strncmp(path, "files/", 6) || !files_path_valid(path + 6))
		return kt_error_set(err, KT_EINVAL, "%s: not a file name under files/", path);
	for (size_t i = 0; i < c->ops.n; i++)
		if (!strcmp(c->ops.v[i].path, path))
			return kt_error_set(err, KT_EEXISTS, "%s: written twice by one change", path);
	if (!(o = ops_new(&c->ops, OP_FILE, NULL)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(o->path = strdup(path)) || kt_buf_add(&o->bytes, data, len)) {
		ops_drop_last(&c->ops);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	snprintf(o->id, sizeof o->id, "%s", record ? record : "");
	return 0;
}

/* ------------------------------------------------------- dictionaries */

/* Returns 1 if s is a non-empty word of lower-case Latin letters, digits
 * and _, as dictionaries' names and entries' ids are. */
static int dict_word(const char *s)
{
	return *s && s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_")] == '\0';
}

/* Returns 1 if a and b are equal ignoring case and ё, else 0. */
static int same_folded(const char *a, const char *b)
{
	char *fa = kt_fold(a), *fb = kt_fold(b);
	int eq = fa && fb && !strcmp(fa, fb);

	free(fa);
	free(fb);
	return eq;
}

/* Returns the index of entry id in d, or d->n. */
static size_t dict_index(const struct dict *d, const char *id)
{
	size_t i = 0;

	while (i < d->n && strcmp(d->ids[i], id))
		i++;
	return i;
}

/* Builds in *d the dictionary dict as c would leave it: HEAD's entries,
 * then the dict ops of c on path so far.  *exists says whether there is
 * such a dictionary at all.  Returns 0 or an error (free d with
 * dict_free() either way). */
static int dict_state(struct kt_change *c, const char *dict, const char *path,
                      struct dict *d, int *exists, struct kt_error *err)
{
	struct kt_error derr = { 0 };
	const struct dict *head = books_dict(c->b, dict, &derr);
	size_t cap = (head ? head->n : 0) + c->ops.n + 1;

	memset(d, 0, sizeof *d);
	if (derr.code)
		return err ? (*err = derr).code : derr.code;
	*exists = head != NULL;
	d->ids = calloc(cap, sizeof *d->ids);
	d->names = calloc(cap, sizeof *d->names);
	if (!d->ids || !d->names)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; head && i < head->n; i++) {
		d->n = i + 1;   /* so that dict_free() frees what was copied */
		d->ids[i] = strdup(head->ids[i]);
		d->names[i] = strdup(head->names[i]);
		if (!d->ids[i] || !d->names[i])
			return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < c->ops.n; i++) {
		const struct op *o = &c->ops.v[i];
		if (!op_is_dict(o) || strcmp(o->path, path))
			continue;
		*exists = 1;
		size_t k = dict_index(d, o->names[0]);
		if (o->kind == OP_DICT_ADD && k == d->n) {
			d->n++;
			d->ids[k] = strdup(o->names[0]);
			d->names[k] = strdup(o->values[0]);
			if (!d->ids[k] || !d->names[k])
				return kt_error_set(err, KT_ENOMEM, "out of memory");
		} else if (o->kind == OP_DICT_REMOVE && k < d->n) {
			free(d->ids[k]);
			free(d->names[k]);
			memmove(d->ids + k, d->ids + k + 1, (d->n - k - 1) * sizeof *d->ids);
			memmove(d->names + k, d->names + k + 1, (d->n - k - 1) * sizeof *d->names);
			d->n--;
		}
	}
	return 0;
}

/* Appends a dict op of kind on path for entry (id, name).  Returns 0 or
 * KT_ENOMEM. */
static int new_dict_op(struct kt_change *c, enum op_kind kind, const char *path,
                       const char *id, const char *name, struct kt_error *err)
{
	struct op *o = ops_new(&c->ops, kind, NULL);

	if (!o)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(o->path = strdup(path)) || op_set(o, id, name)) {
		ops_drop_last(&c->ops);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Adds an entry to a dictionary.  See kontora.h. */
int kt_change_dict_add(struct kt_change *c, const char *dict, const char *id,
                       const char *name, struct kt_error *err)
{
	char path[PATH_MAX];
	struct dict d;
	int exists, rc;

	if (access_settings(c->b, "dict add", err))
		return err->code;
	if (!dict_word(dict) || strlen(dict) > 200)
		return kt_error_set(err, KT_EINVAL, "dict %s: a dictionary's name is lower-case letters, digits and _",
		                    dict);
	if (!*id)
		return kt_error_set(err, KT_EINVAL, "dict %s: the id is empty", dict);
	if (!dict_word(id))
		return kt_error_set(err, KT_EINVAL, "dict %s: id \"%s\": only lower-case letters, digits and _ are allowed",
		                    dict, id);
	if (!*name)
		return kt_error_set(err, KT_EINVAL, "dict %s: %s: the name is empty", dict, id);
	if (!kt_utf8_valid(name, strlen(name), NULL))
		return kt_error_set(err, KT_EINVAL, "dict %s: %s: the name is not valid UTF-8", dict, id);
	if (strpbrk(name, "\t\r\n"))
		return kt_error_set(err, KT_EINVAL, "dict %s: %s: the name must be one line without tabs", dict, id);
	snprintf(path, sizeof path, "dicts/%s.csv", dict);
	rc = dict_state(c, dict, path, &d, &exists, err);
	for (size_t i = 0; !rc && i < d.n; i++) {
		if (!strcmp(d.ids[i], id))
			rc = kt_error_set(err, KT_EEXISTS, "dict %s: %s already exists (%s)", dict, id, d.names[i]);
		else if (same_folded(d.names[i], name) || same_folded(d.ids[i], name))
			rc = kt_error_set(err, KT_EEXISTS, "dict %s: %s: the name \"%s\" is already used by %s",
			                  dict, id, name, d.ids[i]);
		else if (same_folded(d.names[i], id))
			rc = kt_error_set(err, KT_EEXISTS, "dict %s: %s: that is already the name of %s",
			                  dict, id, d.ids[i]);
	}
	dict_free(&d);
	return rc ? rc : new_dict_op(c, OP_DICT_ADD, path, id, name, err);
}

/* Says, in out, which field of which schema has the entry (id, name) of
 * dict as its default, if any.  Returns 1 if one has, else 0. */
static int dict_default_of(const struct kt_books *b, const char *dict, const char *id,
                           const char *name, char *out, size_t size)
{
	for (size_t t = 0; t < b->types.n; t++) {
		const struct kt_schema *s = b->types.v[t];
		for (size_t i = 0; i < s->nfields; i++) {
			const struct kt_field *f = &s->fields[i];
			if (f->type != KT_DICT || !f->arg || strcmp(f->arg, dict) || !f->def)
				continue;
			if (!strcmp(f->def, id) || same_folded(f->def, name) || same_folded(f->def, id)) {
				snprintf(out, size, "%s.%s (%s)", s->name, f->name, s->file);
				return 1;
			}
		}
	}
	return 0;
}

/* Removes an entry from a dictionary.  See kontora.h. */
int kt_change_dict_remove(struct kt_change *c, const char *dict, const char *id,
                          int force, struct kt_error *err)
{
	char path[PATH_MAX], where[512];
	struct kt_buf example = { 0 };
	struct dict d;
	int exists, rc;

	if (access_settings(c->b, "dict rm", err))
		return err->code;
	if (!dict_word(dict) || strlen(dict) > 200)
		return kt_error_set(err, KT_EINVAL, "dict %s: a dictionary's name is lower-case letters, digits and _",
		                    dict);
	snprintf(path, sizeof path, "dicts/%s.csv", dict);
	if ((rc = dict_state(c, dict, path, &d, &exists, err))) {
		dict_free(&d);
		return rc;
	}
	size_t k = dict_index(&d, id);
	if (!exists)
		rc = kt_error_set(err, KT_ENOTFOUND, "dict %s: no such dictionary (%s)", dict, path);
	else if (k == d.n)
		rc = kt_error_set(err, KT_ENOTFOUND, "dict %s: no entry %s", dict, id);
	else if (!force && dict_default_of(c->b, dict, id, d.names[k], where, sizeof where))
		rc = kt_error_set(err, KT_EEXISTS, "dict %s: %s is the default of %s; use --force", dict, id, where);
	else if (!force && (rc = index_dict_users(c->b->index, dict, id, &example, err)) > 0)
		rc = rc == 1 ? kt_error_set(err, KT_EEXISTS, "dict %s: %s is used by %d record (%s); use --force",
		                            dict, id, rc, example.data)
		             : kt_error_set(err, KT_EEXISTS, "dict %s: %s is used by %d records (%s, ...); use "
		                            "--force", dict, id, rc, example.data);
	if (!rc)
		rc = new_dict_op(c, OP_DICT_REMOVE, path, id, d.names[k], err);
	kt_buf_free(&example);
	dict_free(&d);
	return rc;
}

/* Describes the change.  See kontora.h. */
int kt_change_describe(const struct kt_change *c, struct kt_buf *out)
{
	return ops_describe(&c->ops, c->ops.n, out);
}

/* ------------------------------------------------------- applying ops */

/* Commits the change.  See kontora.h. */
int kt_change_commit(struct kt_change *c, const char *subject, char oid[41],
                     struct kt_error *err)
{
	struct kt_books *b = c->b;
	struct kt_buf msg = { 0 };
	char id[41];
	size_t real = 0;
	int rc;

	if (oid)
		oid[0] = '\0';
	for (size_t i = 0; i < c->ops.n; i++)
		real += c->ops.v[i].kind != OP_EDIT || c->ops.v[i].n;
	if (!real)
		return 0;
	if (ops_message(&c->ops, subject, c->command, &msg)) {
		kt_buf_free(&msg);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	books_rows_drop(b);
	rc = store_commit(b->store, &c->ops, msg.data, &b->who, b->now, id, &c->warning, err);
	kt_buf_free(&msg);
	if (rc || !*id)
		return rc;
	if (oid)
		memcpy(oid, id, sizeof id);
	/* The dictionaries loaded from the HEAD before are stale now. */
	for (size_t i = 0; i < c->ops.n; i++)
		if (op_is_dict(&c->ops.v[i])) {
			books_dicts_reset(b);
			break;
		}
	/* The ops are committed: the index refresh reads the shards they
	 * changed, which it then holds, old and new. */
	ops_free(&c->ops);
	strmap_free(&c->added);
	strmap_free(&c->edited);
	/* The commit stands: what fails now is for the next command to finish. */
	struct kt_error ierr = { 0 };
	if (!c->warning.code && kt_index_refresh(b, &ierr))
		c->warning = ierr;
	return 0;
}

/* Says what a commit left undone.  See kontora.h. */
const char *kt_change_warning(const struct kt_change *c)
{
	return c->warning.code ? c->warning.msg : NULL;
}
