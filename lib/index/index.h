/*
 * index.h - the index as the wings above see it: a SQLite database in
 * .git/kontora/index.db that reflects HEAD (one table per type, full-text
 * search), kept current from the store's diffs, and every query the
 * books ask of it, the access rules among them.  Only this wing includes
 * sqlite3.h (in index/db.h, its own); nothing here names a SQLite type.
 * Uses util/, model/ and store/.
 */
#ifndef KT_INDEX_H
#define KT_INDEX_H

#include "store/store.h"

/* The index of one books. */
struct index;

/* Makes the index of the books of st whose types (owned by the caller,
 * who keeps them while the index lives) come from HEAD's schemas tree
 * schemas_tree (hex): an index built from another is rebuilt.  Opens
 * nothing yet.  Returns it, or NULL when out of memory. */
struct index *index_new(struct store *st, const struct types *types, const char *schemas_tree);
/* Closes and frees ix; NULL is fine. */
void index_free(struct index *ix);
/* Has long work (a rebuild, building the full-text table) call fn now
 * and then; see kt_books_progress(). */
void index_progress(struct index *ix,
                    void (*fn)(void *arg, const char *what, size_t done, size_t total),
                    void *arg);

/* Opens the index, creating or rebuilding it when missing or built from
 * other schemas, and brings it to HEAD.  Returns 0 or an error. */
int index_open(struct index *ix, struct kt_error *err);
/* Opens the index and holds one read transaction on it until
 * index_read_end(), for a batch that asks it thousands of questions:
 * without it every query takes and drops SQLite's lock (a fifth of an
 * import).  Nothing may refresh the index meanwhile: end it before the
 * change is committed.  Nests: inside a batch's transaction (a list the
 * batch makes), it only counts, and the matching index_read_end() leaves
 * the batch's open.  Returns 0 or an error. */
int index_read_begin(struct index *ix, struct kt_error *err);
/* Ends a index_read_begin(): the transaction with the outermost. */
void index_read_end(struct index *ix);
/* Builds the index anew from HEAD.  Returns 0 or an error. */
int index_rebuild(struct index *ix, struct kt_error *err);

/* ------------------------------------------------------------- lookups */

/* Finds the shard path of the record with full id.  Returns 0 and *shard
 * (caller frees), KT_ENOTFOUND, or an error. */
int index_shard_of(struct index *ix, const struct kt_schema *s,
                   const char *id, char **shard, struct kt_error *err);

/* Replaces *path, a shard path of record id of s as shard_path() makes
 * it, with the deepest shard that holds id in the index's HEAD: while the
 * index knows shards below path's directory (path without .csv, made when
 * the shard grew past the split size), the child of the id's next
 * character (shard_child()), whether it exists yet or not.  Returns 0 or
 * an error (*path is freed and NULL then). */
int index_shard_deepest(struct index *ix, const struct kt_schema *s, const char *id,
                        char **path, struct kt_error *err);

/* Writes into hex the blob id of the shard at path as the index has it
 * (HEAD's, once index_open() brought it there), for store_read_rows().
 * Returns 0, KT_ENOTFOUND, or an error. */
int index_shard_blob(struct index *ix, const char *path, char hex[41], struct kt_error *err);

/* Returns 1 if a record of s has field (or id when field is NULL) equal to
 * value, writing its id to other (9 bytes) when not NULL; 0 if none; <0 on
 * error.  except (may be NULL) is an id to ignore. */
int index_exists(struct index *ix, const struct kt_schema *s,
                 const char *field, const char *value, const char *except,
                 char other[9], struct kt_error *err);

/* Tells which of the n values some record of s holds in its field f
 * (NULL: its id), any record, whoever's: a question for a whole batch,
 * before asking per value who may see it.  Sets found[i] to 1 for each
 * such values[i] and leaves the others.  Give the values sorted: their
 * descents into f's B-tree then read each page once.  Returns 0 or an
 * error. */
int index_present(struct index *ix, const struct kt_schema *s, const struct kt_field *f,
                  char *const *values, size_t n, unsigned char *found, struct kt_error *err);

/* Lists records whose ref fields point at the record value (its id, or
 * key) of type target, appending "TYPE ID" words to out; returns their
 * number or an error. */
int index_referrers(struct index *ix, const struct kt_schema *target,
                    const char *value, struct kt_buf *out, struct kt_error *err);

/* Counts the records whose dict fields of dictionary dict hold id (a
 * record with two such fields counts once), appending "TYPE ID" of one of
 * them to example.  Returns the count (>= 0) or an error. */
int index_dict_users(struct index *ix, const char *dict, const char *id,
                     struct kt_buf *example, struct kt_error *err);

/* Resolves an id prefix, or a key of type, as kt_resolve_id() does.
 * Returns 0, *id (caller frees) and *schema, or an error. */
int index_resolve_id(struct index *ix, const char *type, const char *prefix,
                     char **id, const struct kt_schema **schema, struct kt_error *err);

/* Reads the n fields of the record of s whose column col equals value
 * into values (each caller frees; NULL for an empty field).  Returns 1
 * when there is such a record, 0 when none (values all NULL), or an
 * error. */
int index_get(struct index *ix, const struct kt_schema *s, const char *col, const char *value,
              const char *const *fields, size_t n, char **values, struct kt_error *err);

/* Reads them as index_get() does, but as they are stored in CSV (money
 * as 1234.50, bools as true/false, "" for an empty one), as kt_list()
 * gives them: what the 1C import compares with.  Returns 1, 0 or an
 * error. */
int index_get_stored(struct index *ix, const struct kt_schema *s, const char *col, const char *value,
                     const char *const *fields, size_t n, char **values, struct kt_error *err);

/* Calls fn(arg, value, id) for every record of s whose field is not
 * empty, in no order.  Returns 0, fn's non-zero return, or an error. */
int index_each_value(struct index *ix, const struct kt_schema *s, const char *field,
                     int (*fn)(void *arg, const char *value, const char *id), void *arg,
                     struct kt_error *err);

/* Calls fn(arg, key, title) for every record of s that who may see and
 * whose title is not empty, in no order: key is what a reference to it
 * holds (its id, or s's key), title s's title field (the id when s names
 * none).  Returns 0, fn's non-zero return, or an error. */
int index_each_title(struct index *ix, const struct kt_identity *who, const struct kt_schema *s,
                     int (*fn)(void *arg, const char *key, const char *title), void *arg,
                     struct kt_error *err);

/* ------------------------------------------------------------- access */

/* The access rules as SQL, for who (login and role resolved).  See
 * access_where() and friends in books/books.h for what each says. */

/* Returns in *where an SQL condition on the columns of s's table that
 * holds for the records who may see (ACCESS_READ) or change
 * (ACCESS_WRITE): NULL when every record, "0" when none.  Caller frees.
 * Returns 0 or KT_ENOMEM. */
int index_access_where(struct index *ix, const struct kt_identity *who,
                       const struct kt_schema *s, enum access_op op, char **where,
                       struct kt_error *err);
/* The same condition, asked of each row of s's table (which the
 * statement names r, as in "FROM lead AS r") by its own lookups: a via
 * line is an EXISTS that looks up the one record the row names.  For a
 * list with a limit, which stops after a few rows: the other form
 * gathers first every record that the via line lets who see (a manager's
 * task list of 100 rows, 1.06 s against 0.02 s at 1M leads and tasks,
 * bench/README.md).  Returns 0 or KT_ENOMEM. */
int index_access_where_each(struct index *ix, const struct kt_identity *who,
                            const struct kt_schema *s, enum access_op op, char **where,
                            struct kt_error *err);
/* Returns 0 if who may see (READ) or change (WRITE) the record id of s,
 * or when there is no such record; else KT_EACCESS naming the rule. */
int index_access_record(struct index *ix, const struct kt_identity *who,
                        const struct kt_schema *s, const char *id, enum access_op op,
                        struct kt_error *err);
/* Returns 0 if who may write the record id of s as it will be: old's
 * values (NULL for a new record) with (names, values) over them; and
 * every record the write names anew through the role's "via" fields is
 * one who may see.  Else KT_EACCESS naming the rule, or another error. */
int index_access_values(struct index *ix, const struct kt_identity *who,
                        const struct kt_schema *s, const char *id,
                        const struct kt_record *old, char *const *names,
                        char *const *values, size_t n, struct kt_error *err);
/* Returns 0 if who sees every record of every type, as what (a command
 * reading the whole index) needs; else KT_EACCESS naming the first type
 * and rule that hides some. */
int index_access_whole(struct index *ix, const struct kt_identity *who, const char *what,
                       struct kt_error *err);

/* ------------------------------------------------------------- queries */

/* One condition of a list: FIELD OP VALUE, the value in stored form. */
struct index_cond {
	const char *field;
	const char *op;          /* = != < <= > >= ~ */
	const char *value;       /* stored form; for ~ folded */
};

/* A list of records: what kt_list() asks, with its conditions resolved. */
struct index_list {
	const struct kt_schema *s;
	const struct kt_column *cols;   /* the columns shown */
	size_t ncols;
	const struct index_cond *conds;
	size_t nconds;
	char *const *hide;       /* states of field hide_field left out (archive) */
	size_t nhide;
	const char *hide_field;
	const char *sort;        /* a column; "-" before it sorts descending */
	long limit;              /* 0: all */
};

/* Runs the list q for who, calling fn with the header then every row.
 * Returns 0, fn's non-zero return, or an error. */
int index_list(struct index *ix, const struct kt_identity *who, const struct index_list *q,
               kt_row_fn fn, void *arg, struct kt_error *err);

/* Runs one read-only statement with named parameters; see kt_sql_bind().
 * The caller checks that the caller may read the whole index. */
int index_sql(struct index *ix, const char *sql, const struct kt_param *params,
              size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err);
/* Runs sql as index_sql() does on what who may see; see kt_sql_seen(). */
int index_sql_seen(struct index *ix, const struct kt_identity *who, const char *sql,
                   const struct kt_param *params, size_t nparams, kt_row_fn fn, void *arg,
                   struct kt_error *err);
/* Calls fn with the name of every named parameter of sql; see
 * kt_sql_params(). */
int index_sql_params(struct index *ix, const char *sql, int (*fn)(void *arg, const char *name),
                     void *arg, struct kt_error *err);

/* Finds the records whose words match text for who; see kt_search(). */
int index_search(struct index *ix, const struct kt_identity *who, const char *text,
                 long limit, kt_row_fn fn, void *arg, struct kt_error *err);

/* Finds the records with the phone number norm (+7XXXXXXXXXX) that who
 * may see; see kt_lookup_phone().  Returns their number or an error. */
int index_lookup_phone(struct index *ix, const struct kt_identity *who, const char *norm,
                       kt_row_fn fn, void *arg, struct kt_error *err);

/* What index_newest() looks for: a record of s whose field f holds
 * value; with ref, only one whose field ref is set; with since, created
 * at or after it; with state, one whose field state is none of the n
 * states of not_in. */
struct index_find {
	const struct kt_schema *s;
	const struct kt_field *f;
	const char *value;
	const struct kt_field *ref;
	const char *since;
	const char *state;
	char *const *not_in;
	size_t n;
};

/* Finds the newest record q asks for that who may see (who NULL: any
 * record).  Returns 1 with *id, and with *ref_value and *created when
 * not NULL (the value of q->ref, "" without one, and the record's
 * created; caller frees each), 0 when none, or an error. */
int index_newest(struct index *ix, const struct kt_identity *who, const struct index_find *q,
                 char **id, char **ref_value, char **created, struct kt_error *err);

/* What index_owner_counts() counts: the records of s with an owner,
 * created at or after since (NULL: any time), whose field empty (NULL:
 * none) is empty, and whose field state is not one of the n states of
 * not_in. */
struct index_count {
	const struct kt_schema *s;
	const char *since;
	const char *empty;
	const char *state;
	char *const *not_in;
	size_t n;
};

/* Sets the function a full build of the index calls, with arg, to name
 * by index_count_keep() the count tables (index/count.c) it makes from
 * the rows as they load, so that no count after a reindex scans the
 * records.  fn returns 0 or an error. */
void index_count_plan(struct index *ix, int (*fn)(void *arg, struct index *ix, struct kt_error *err),
                      void *arg);
/* Asks the build under way (from the plan's function) for the count
 * table that index_owner_counts(q) reads; a q that no table answers is
 * ignored.  Returns 0 or KT_ENOMEM. */
int index_count_keep(struct index *ix, const struct index_count *q);

/* Calls fn(arg, owner, count) for every owner of the records q counts.
 * Returns 0, fn's non-zero return, or an error. */
int index_owner_counts(struct index *ix, const struct index_count *q,
                       int (*fn)(void *arg, const char *owner, long count), void *arg,
                       struct kt_error *err);

/* Calls fn(arg, key) for the key (login) of every employee of type e
 * whose role is role and who is active (active not false, when e has
 * such a field), in key order.  Returns 0, fn's non-zero return, or an
 * error. */
int index_employees(struct index *ix, const struct kt_schema *e, const char *role,
                    int (*fn)(void *arg, const char *key), void *arg, struct kt_error *err);

/* ---------------------------------------------------------------- seen */

/* What kontora check remembers while it reads a whole books: keys with
 * where each was first seen, and references to verify at the end, in a
 * private temporary database on disk, so that memory stays bounded by
 * the largest shard (index/seen.c). */
struct seen;

/* Where a key was first seen. */
struct seen_first {
	const char *id;          /* the record, or "" */
	const char *file;        /* the file, or "" */
	long line;
};

/* Opens an empty set (seen_close()).  Returns 0 and *out or KT_EDB. */
int seen_open(struct seen **out, struct kt_error *err);
/* Closes and deletes the set; NULL is fine. */
void seen_close(struct seen *sn);
/* Remembers the file name and returns its number for seen_put() and
 * seen_ref() (> 0), or KT_EDB. */
int64_t seen_file(struct seen *sn, const char *name, struct kt_error *err);
/* Adds key with the record id (or NULL), the file number (0 for none)
 * and the line, unless it is there.  Returns 0 when added, 1 when it was
 * there already (*first, valid until the next call, says where), or an
 * error. */
int seen_put(struct seen *sn, const char *key, const char *id, int64_t file, long line,
             struct seen_first *first, struct kt_error *err);
/* Returns 1 if key is in the set, 0 if not, or an error. */
int seen_has(struct seen *sn, const char *key, struct kt_error *err);
/* Remembers a reference to verify: in file (number) at line, field names
 * value, a record of type; it is missing when neither the key need nor
 * the key unless is in the set at the end.  Returns 0 or an error. */
int seen_ref(struct seen *sn, int64_t file, long line, const char *field, const char *type,
             const char *value, const char *need, const char *unless, struct kt_error *err);
/* Calls fn(arg, file, line, field, type, value) for every reference that
 * is missing, in the order they were remembered.  Returns 0, fn's
 * non-zero return, or an error. */
int seen_missing_refs(struct seen *sn,
                      int (*fn)(void *arg, const char *file, long line, const char *field,
                                const char *type, const char *value),
                      void *arg, struct kt_error *err);

#endif
