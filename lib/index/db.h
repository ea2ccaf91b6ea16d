/*
 * db.h - inside the index wing: the SQLite database behind struct index
 * and the helpers its files share.  The one header of libkontora that
 * includes sqlite3.h; only lib/index/ includes it (make lint).
 */
#ifndef KT_INDEX_DB_H
#define KT_INDEX_DB_H

#include <sqlite3.h>

#include "index/index.h"

struct index {
	sqlite3 *db;                /* opened by index_open() */
	sqlite3_stmt **stmts;       /* statements kept by index_stmt(), by SQL */
	size_t nstmts;
	struct strmap stmt_of;
	struct store *store;        /* the books the index reflects */
	const struct types *types;  /* HEAD's, owned by the caller */
	char schemas_tree[41];      /* the tree they came from: a new one rebuilds */
	void (*progress)(void *arg, const char *what, size_t done, size_t total);
	void *progress_arg;
	int fresh;                  /* brought to HEAD under the write lock at the */
	unsigned long fresh_at;     /* store's generation fresh_at: no writer can
	                             * have moved HEAD since */
	struct fts_feed *feed;      /* while a rebuild or a big refresh loads: takes
	                             * the rows' text */
	int fts_on;                 /* a refresh keeps fts current: fts_built() asked
	                             * once, under its write lock */
	int reading;                /* index_read_begin()s not yet ended: in its transaction */
	struct exists_answer {      /* index_exists()'s last answers in that transaction */
		const struct kt_schema *s;
		char *question;         /* field NUL value NUL except, NULL: none */
		size_t len;
		int found;
		char other[9];
	} answers[4];
	unsigned next_answer;
	struct exists_stmt {        /* index_exists()'s statements, found without */
		const struct kt_schema *s;  /* printing their SQL: s's and the field's */
		const struct kt_field *f;   /* (NULL: by id) own pointers */
		sqlite3_stmt *st;       /* kept by index_stmt() until index_close() */
	} exists_stmts[8];
	unsigned next_exists_stmt;
	int checked;                /* refresh() found the layout and schemas right */
	int (*count_plan)(void *arg, struct index *ix, struct kt_error *err);
	void *count_plan_arg;       /* index_count_plan() */
	struct count_table *counts; /* the count tables a build makes or a refresh changes */
	size_t ncounts;
};

/* Forgets index_exists()'s answers (index/lookup.c): the transaction
 * whose snapshot they were of has ended. */
void exists_forget(struct index *ix);

/* A count table (index/count.c) that a build fills from the rows as the
 * loader inserts them: a map of (owner, month, value) to a number. */
struct count_table {
	const struct kt_schema *s;
	char name[160];             /* "_count_TYPE_FIELD_K" */
	const char *field;          /* owned by s */
	char kind;                  /* 'e' empty or not, 'v' the value */
	long slot;                  /* the field's number in s + 1 */
	int scan;                   /* a value the map cannot key: GROUP BY after the load */
	int touched;                /* rows of s were loaded or deleted */
	struct strmap at;           /* key -> its number in keys and n */
	char **keys;
	long *n;
	size_t nkeys, cap;
	char value[256];            /* the row's value of the field */
	size_t len;                 /* 0: empty (NULL) */
};

/* What the loader keeps of a row for the count tables of its type. */
struct count_row {
	const struct kt_schema *s;
	struct count_table *t[8];
	size_t n;
	long owner;                 /* the owner field's number + 1 */
	char who[128], month[8];
	size_t wlen, mlen;          /* 0: empty (NULL) */
};

/* Readies cr for rows of s: the count tables of the build or refresh
 * under way (count_build_start(), count_refresh_start()). */
void count_row_init(struct count_row *cr, struct index *ix, const struct kt_schema *s);
/* Keeps the value v[0..len) of the field at slot (the loader's: field
 * number + 1, -1 created) of the row being read. */
void count_field(struct count_row *cr, long slot, const char *v, size_t len);
/* Ends a row, adding delta to the count of its key: 1 for a row
 * inserted, -1 for one deleted, 0 not to count it.  Returns 0 or
 * KT_ENOMEM. */
int count_row_end(struct count_row *cr, int delta);
/* Appends to sql, a DELETE ... RETURNING, the columns count_columns()
 * reads of a deleted row.  Returns 0 or KT_ENOMEM. */
int count_returning(struct kt_buf *sql, const struct count_row *cr);
/* Keeps the values of a deleted row, the columns of count_returning()
 * from column col of st on. */
void count_columns(struct count_row *cr, sqlite3_stmt *st, int col);
/* Asks the plan (index_count_plan()) for the count tables of a build.
 * Returns 0 or an error. */
int count_build_start(struct index *ix, struct kt_error *err);
/* Writes what was counted into the count tables and forgets it: a build
 * (refresh 0) makes each table from its rows; a refresh (1) adds its
 * changes to the tables, and fills one whose values the map could not
 * key again by a GROUP BY.  Returns 0 or an error. */
int count_finish(struct index *ix, int refresh, struct kt_error *err);
/* Forgets the build's count tables. */
void count_build_free(struct index *ix);
/* Readies a refresh to keep current every count table of the index: one
 * of no type and field of HEAD's schemas is dropped.  Returns 0 or an
 * error. */
int count_refresh_start(struct index *ix, struct kt_error *err);

/* Sets err from SQLite's last message on db, naming what; returns
 * KT_EDB. */
int db_fail(sqlite3 *db, struct kt_error *err, const char *what);
/* SQLite's own page cache, in KiB. */
#define DB_CACHE_DEFAULT 2000
/* Sets the page cache of db to kib KiB: a larger one for work that
 * touches many pages, put back to DB_CACHE_DEFAULT after (it grows only
 * with the pages touched, and shrinks when set back).  err may be NULL.
 * Returns 0 or KT_EDB. */
int db_cache(sqlite3 *db, int kib, struct kt_error *err);
/* Runs SQL without results.  Returns 0 or KT_EDB. */
int db_exec(sqlite3 *db, const char *sql, struct kt_error *err);
/* Prepares sql on db into *st (sqlite3_finalize).  Returns 0 or KT_EDB. */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct kt_error *err);

/* Returns column i of a result row of st as it is stored in CSV (money
 * as 1234.50, bools as true/false, NULL as ""), of field type t: the
 * text is st's or written into out (40 bytes, for numbers). */
const char *db_column_text(sqlite3_stmt *st, int i, enum kt_ftype t, char out[40]);

/* Returns in *st the statement of sql on the open index, prepared once
 * and kept (owned by ix): reset and without bindings.  The caller resets
 * it when done, and never finalizes it.  For what runs once per record
 * of a batch.  Returns 0 or KT_EDB. */
int index_stmt(struct index *ix, const char *sql, sqlite3_stmt **st, struct kt_error *err);

/* Appends to sql " AND (field IS NULL OR field NOT IN (states...))".
 * Returns 0 or KT_ENOMEM. */
int not_in_sql(struct kt_buf *sql, const char *field, char *const *states, size_t n);

/* Sets the meta value of key.  Returns 0 or an error. */
int meta_set(sqlite3 *db, const char *key, const char *value, struct kt_error *err);

/* Returns the schema of a shard path, data/TYPE/NAME.csv or for a type
 * split by id data/TYPE/MONTH/NAME.csv, or NULL. */
const struct kt_schema *type_of_path(struct index *ix, const char *path);

/* Creates the table status_history (kontora-report(5)).  Returns 0 or
 * KT_EDB. */
int status_create(struct index *ix, struct kt_error *err);
/* Brings status_history from the commit from (hex; "" for none: empty
 * table) to the commit to, walking the history of the types whose schema
 * has a history line (index/status.c).  Returns 0, 1 when from is no
 * first-parent ancestor of to (the caller rebuilds), or an error. */
int status_update(struct index *ix, const char *from, const char *to, struct kt_error *err);

/* Returns 1 if fields of type t are full-text searched. */
int field_searched(const struct kt_field *f);
/* Returns 1 if the full-text table has been built and is kept current. */
int fts_built(struct index *ix);
/* Writes to out (64 bytes) a new token naming a build of the full text. */
void fts_token(char *out);
/* Returns the rowid in fts of the row rowid of s's table: the type's
 * number in the top bits. */
int64_t fts_rowid(const struct index *ix, const struct kt_schema *s, int64_t rowid);
/* Appends the searchable text of a value to body, not folded.  Returns 0
 * or KT_ENOMEM. */
int add_searchable(struct kt_buf *body, const char *v, size_t len);
/* Appends to sql the searched fields of s as columns ", \"F\"".
 * Returns 0 or KT_ENOMEM. */
int searched_columns(struct kt_buf *sql, const struct kt_schema *s);
/* Sets body to the searchable text of the row of s that st holds, its
 * searched_columns() from column first on.  Returns 0 or KT_ENOMEM. */
int searched_body(struct kt_buf *body, const struct kt_schema *s, sqlite3_stmt *st, int first);
/* The columns of fts: contentless (the text is the type tables', and a
 * row is deleted by giving its text again), cut into words by FTS5's
 * ascii tokenizer, the text folded first by fold_words(): unicode61 took
 * two thirds of the full text's CPU (bench/README.md). */
#define FTS_COLUMNS "body, content='', tokenize='ascii'"
/* Run on a new fts: FTS5 merges its segments 16 at a time rather than 4,
 * 14% less CPU to build a million rows, searches as fast. */
#define FTS_TUNE "INSERT INTO fts(fts, rank) VALUES('automerge', 16);"

/* The full text of a rebuild or a big refresh, filled by a thread of its
 * own (feed.c). */
struct fts_feed;
/* Creates the database at path with an empty fts table and starts the
 * thread that fills it.  Returns 0 and *f (fts_feed_finish), or an error. */
int fts_feed_start(const char *path, struct fts_feed **f, struct kt_error *err);
/* Opens the full text at path in a write transaction of its own (waiting
 * for other writers as index.db's connection does) and, if its meta
 * names token (the build index.db names), starts the thread that keeps
 * it current.  Returns 0 and *f (fts_feed_finish), or NULL when the
 * token differs (nothing to keep current); or an error. */
int fts_feed_open(const char *path, const char *token, struct fts_feed **f, struct kt_error *err);
/* Queues the text of the fts row rowid (copied), not yet folded: the
 * thread folds it.  Returns 0 or KT_ENOMEM. */
int fts_feed_add(struct fts_feed *f, int64_t rowid, const char *body, size_t len);
/* Queues the deletion of the fts row rowid whose text was body (copied),
 * folded as searched_body() folds it: done in turn with the rows queued
 * before and after.  Returns 0 or KT_ENOMEM. */
int fts_feed_delete(struct fts_feed *f, int64_t rowid, const char *body, size_t len);
/* Waits until the thread has inserted every row queued, marks the table
 * built as token and commits it; with token NULL drops what is queued and
 * commits nothing.  Frees f (NULL: nothing).  Returns 0 or an error. */
int fts_feed_finish(struct fts_feed *f, const char *token, struct kt_error *err);

#endif
