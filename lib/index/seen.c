/*
 * seen.c - what a check of a whole books remembers, in a private
 * temporary SQLite database, so that its memory stays bounded by the
 * largest shard, never by the books:
 * files (name): the files read, by rowid;
 * seen (key, id, file, line): each key with where it was first seen;
 * refs (file, line, field, type, value, need, unless): the references to
 *   verify once everything has been read, in the order they were found.
 * Nothing is ever committed: closing the database deletes it.
 */
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

struct seen {
	sqlite3 *db;
	sqlite3_stmt *add_file;       /* INSERT INTO files */
	sqlite3_stmt *put;            /* INSERT OR IGNORE INTO seen */
	sqlite3_stmt *get;            /* where a key of seen was first seen */
	sqlite3_stmt *has;            /* whether a key is in seen */
	sqlite3_stmt *add_ref;        /* INSERT INTO refs */
	char *first_id, *first_file;  /* the last seen_put()'s first */
};

/* The database's settings, tables and one transaction for all. */
static const char setup[] =
	"PRAGMA cache_size=-8000; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	"PRAGMA temp_store=FILE;"
	"CREATE TABLE files(name TEXT NOT NULL);"
	"CREATE TABLE seen(key TEXT PRIMARY KEY, id TEXT, file INTEGER, line INTEGER)"
	" WITHOUT ROWID;"
	"CREATE TABLE refs(file INTEGER, line INTEGER, field TEXT, type TEXT, value TEXT,"
	" need TEXT, unless TEXT);"
	"BEGIN";

/* The references whose record was not seen, in the order they were found:
 * seen has neither the key they need nor the one that excuses them
 * (looked up second: that is rarely needed). */
static const char missing[] =
	"SELECT (SELECT name FROM files WHERE files.rowid = refs.file),"
	" refs.line, refs.field, refs.type, refs.value FROM refs"
	" WHERE NOT EXISTS (SELECT 1 FROM seen WHERE key = refs.need)"
	" AND NOT EXISTS (SELECT 1 FROM seen WHERE key = refs.unless)"
	" ORDER BY refs.rowid";

/* Fills err with SQLite's last message on sn.  Returns KT_EDB. */
static int seen_fail(const struct seen *sn, struct kt_error *err)
{
	return kt_error_set(err, KT_EDB, "check: %s",
	                    sn->db ? sqlite3_errmsg(sn->db) : "cannot open a temporary database");
}

/* Runs the write statement st once with what is bound and resets it.
 * Returns 0 or KT_EDB. */
static int run(struct seen *sn, sqlite3_stmt *st, struct kt_error *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : seen_fail(sn, err);

	sqlite3_reset(st);
	return rc;
}

/* Binds text v (NULL: SQL NULL) to parameter i of st.  Returns SQLite's
 * status. */
static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Returns the text in column col of the row st is on, "" for NULL (owned
 * by st, valid until its next step or reset). */
static const char *column_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? (const char *)s : "";
}

/* Opens an empty set.  See index.h. */
int seen_open(struct seen **out, struct kt_error *err)
{
	struct seen *sn = calloc(1, sizeof *sn);

	if (!sn)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	*out = sn;
	/* An empty name: a temporary database on disk, deleted on close. */
	if (sqlite3_open_v2("", &sn->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_exec(sn->db, setup, NULL, NULL, NULL) != SQLITE_OK)
		return seen_fail(sn, err);
	if (db_prepare(sn->db, "INSERT INTO files(name) VALUES (?1)", &sn->add_file, err) ||
	    db_prepare(sn->db, "INSERT OR IGNORE INTO seen(key, id, file, line)"
	                       " VALUES (?1, ?2, ?3, ?4)", &sn->put, err) ||
	    db_prepare(sn->db, "SELECT seen.id, files.name, seen.line FROM seen"
	                       " LEFT JOIN files ON files.rowid = seen.file"
	                       " WHERE seen.key = ?1", &sn->get, err) ||
	    db_prepare(sn->db, "SELECT 1 FROM seen WHERE key = ?1", &sn->has, err) ||
	    db_prepare(sn->db, "INSERT INTO refs(file, line, field, type, value, need, unless)"
	                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &sn->add_ref, err))
		return seen_fail(sn, err);
	return 0;
}

/* Closes and deletes the set.  See index.h. */
void seen_close(struct seen *sn)
{
	if (!sn)
		return;
	sqlite3_finalize(sn->add_file);
	sqlite3_finalize(sn->put);
	sqlite3_finalize(sn->get);
	sqlite3_finalize(sn->has);
	sqlite3_finalize(sn->add_ref);
	sqlite3_close(sn->db);
	free(sn->first_id);
	free(sn->first_file);
	free(sn);
}

/* Remembers a file name.  See index.h. */
int64_t seen_file(struct seen *sn, const char *name, struct kt_error *err)
{
	if (sqlite3_bind_text(sn->add_file, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
		return seen_fail(sn, err);
	if (run(sn, sn->add_file, err))
		return KT_EDB;
	return sqlite3_last_insert_rowid(sn->db);
}

/* Fills *first with where key was first seen.  Returns 0, KT_ENOMEM or
 * KT_EDB. */
static int get_first(struct seen *sn, const char *key, struct seen_first *first,
                     struct kt_error *err)
{
	sqlite3_stmt *st = sn->get;
	int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	         sqlite3_step(st) == SQLITE_ROW ? 0 : seen_fail(sn, err);

	free(sn->first_id);
	free(sn->first_file);
	sn->first_id = sn->first_file = NULL;
	if (!rc) {
		sn->first_id = strdup(column_str(st, 0));
		sn->first_file = strdup(column_str(st, 1));
		*first = (struct seen_first){ sn->first_id, sn->first_file,
		                              (long)sqlite3_column_int64(st, 2) };
		if (!sn->first_id || !sn->first_file)
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	sqlite3_reset(st);
	return rc;
}

/* Adds a key unless it is there.  See index.h. */
int seen_put(struct seen *sn, const char *key, const char *id, int64_t file, long line,
             struct seen_first *first, struct kt_error *err)
{
	sqlite3_stmt *st = sn->put;
	int rc;

	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    bind_text(st, 2, id) != SQLITE_OK ||
	    (file ? sqlite3_bind_int64(st, 3, file) : sqlite3_bind_null(st, 3)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, line) != SQLITE_OK)
		return seen_fail(sn, err);
	rc = run(sn, st, err);
	if (rc || sqlite3_changes(sn->db))
		return rc;
	rc = get_first(sn, key, first, err);
	return rc ? rc : 1;
}

/* Tells whether a key is in the set.  See index.h. */
int seen_has(struct seen *sn, const char *key, struct kt_error *err)
{
	sqlite3_stmt *st = sn->has;
	int rc;

	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK)
		return seen_fail(sn, err);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : seen_fail(sn, err);
	sqlite3_reset(st);
	return rc;
}

/* Remembers a reference to verify.  See index.h. */
int seen_ref(struct seen *sn, int64_t file, long line, const char *field, const char *type,
             const char *value, const char *need, const char *unless, struct kt_error *err)
{
	sqlite3_stmt *st = sn->add_ref;

	if (sqlite3_bind_int64(st, 1, file) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, line) != SQLITE_OK ||
	    bind_text(st, 3, field) != SQLITE_OK || bind_text(st, 4, type) != SQLITE_OK ||
	    bind_text(st, 5, value) != SQLITE_OK || bind_text(st, 6, need) != SQLITE_OK ||
	    bind_text(st, 7, unless) != SQLITE_OK)
		return seen_fail(sn, err);
	return run(sn, st, err);
}

/* Reports the references to nothing seen.  See index.h. */
int seen_missing_refs(struct seen *sn,
                      int (*fn)(void *arg, const char *file, long line, const char *field,
                                const char *type, const char *value),
                      void *arg, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = db_prepare(sn->db, missing, &st, err), step = SQLITE_DONE;

	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(arg, column_str(st, 0), (long)sqlite3_column_int64(st, 1), column_str(st, 2),
		        column_str(st, 3), column_str(st, 4));
	if (!rc && step != SQLITE_DONE)
		rc = seen_fail(sn, err);
	sqlite3_finalize(st);
	return rc;
}
