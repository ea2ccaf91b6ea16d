/*
 * feed.c - the full-text table of a rebuild or of a big refresh, filled
 * by a second thread.
 *
 * Filling FTS5 with every record's words costs well over half the CPU of
 * loading the type tables (5.6 s against 8 s at 1M leads, after the
 * table went contentless and lost the words nobody types), so a rebuild
 * that did both in turn would break its budget.  The full text therefore
 * lives in a database file of its own (search.db beside index.db,
 * attached as "search"), and while the rebuild loads the rows, it hands
 * each row's folded text to a thread that inserts it into that file
 * through its own connection: the two cores work at once.  The rows go in
 * batches through a short queue, which bounds the memory.
 *
 * A refresh of a big change (an import) does the same on the live
 * search.db (fts_feed_open()): the thread takes its write lock after the
 * refresh has taken index.db's, deletes and inserts in the order they
 * come, and commits under a new token before index.db commits with it
 * (index.c, refresh_with()).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "index/db.h"

/* Bytes of rows in a batch, and batches waiting at most: a few MB. */
#define BATCH_BYTES (1 << 20)
#define QUEUE_MAX 4

/* A batch of rows: each a char, 'i' to insert the text, not yet folded,
 * or 'd' to delete it, folded (searched_body()); an int64 rowid; a
 * size_t length and the text. */
struct batch {
	struct kt_buf rows;
	struct batch *next;
};

struct fts_feed {
	sqlite3 *db;
	sqlite3_stmt *ins, *del;         /* del: a refresh's only */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;      /* a batch queued or taken, or done */
	struct batch *head, *tail;   /* the queue, oldest first */
	size_t queued;
	int done;                    /* no more batches will come */
	struct batch *filling;       /* the batch the loader appends to */
	int rc;                      /* the thread's first error */
	struct kt_error err;
};

/* Appends a row of fts to rows, op 'i' or 'd'.  Returns 0 or KT_ENOMEM. */
static int fts_rows_add(struct kt_buf *rows, char op, int64_t rowid, const char *body, size_t len)
{
	return kt_buf_addc(rows, op) || kt_buf_add(rows, &rowid, sizeof rowid) ||
	       kt_buf_add(rows, &len, sizeof len) || kt_buf_add(rows, body, len) ? KT_ENOMEM : 0;
}

/* Inserts each row 'i' of rows with f->ins (rowid, body), folding it
 * where it is (fold_words()), and deletes each row 'd' with f->del, in
 * their order.  Returns SQLITE_DONE or the failing step's code. */
static int fts_rows_apply(struct fts_feed *f, struct kt_buf *rows)
{
	for (size_t at = 0; at < rows->len;) {
		char op = rows->data[at++];
		int64_t rowid;
		size_t len;
		memcpy(&rowid, rows->data + at, sizeof rowid);
		memcpy(&len, rows->data + at + sizeof rowid, sizeof len);
		at += sizeof rowid + sizeof len;
		sqlite3_stmt *st = op == 'd' ? f->del : f->ins;
		sqlite3_bind_int64(st, 1, rowid);
		sqlite3_bind_text(st, 2, rows->data + at, op == 'd' ? (int)len : (int)fold_words(rows->data + at, len),
		                  SQLITE_STATIC);
		at += len;
		int step = sqlite3_step(st);
		sqlite3_reset(st);
		if (step != SQLITE_DONE)
			return step;
	}
	return SQLITE_DONE;
}

/* The thread: takes batches off the queue and inserts them until the
 * loader is done.  Returns NULL; its error is in f->rc. */
static void *feed_run(void *arg)
{
	struct fts_feed *f = arg;

	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (!f->head && !f->done)
			pthread_cond_wait(&f->changed, &f->lock);
		struct batch *b = f->head;
		if (b) {
			f->head = b->next;
			if (!f->head)
				f->tail = NULL;
			f->queued--;
			pthread_cond_signal(&f->changed);
		}
		pthread_mutex_unlock(&f->lock);
		if (!b)
			return NULL;
		/* After an error the batches are still taken, so the loader
		 * never waits for room forever. */
		if (!f->rc && fts_rows_apply(f, &b->rows) != SQLITE_DONE)
			f->rc = db_fail(f->db, &f->err, "search");
		kt_buf_free(&b->rows);
		free(b);
	}
}

/* Queues b (NULL: none) and, when last, tells the thread no more come;
 * waits while the queue is full. */
static void feed_push(struct fts_feed *f, struct batch *b, int last)
{
	pthread_mutex_lock(&f->lock);
	while (b && f->queued >= QUEUE_MAX)
		pthread_cond_wait(&f->changed, &f->lock);
	if (b) {
		if (f->tail)
			f->tail->next = b;
		else
			f->head = b;
		f->tail = b;
		f->queued++;
	}
	if (last)
		f->done = 1;
	pthread_cond_signal(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

/* Starts f's thread on its connection f->db, which holds its write
 * transaction.  Returns 0 or an error (f is freed). */
static int feed_run_start(struct fts_feed *f, struct fts_feed **out, struct kt_error *err)
{
	int rc = db_prepare(f->db, "INSERT INTO fts(rowid, body) VALUES(?, ?)", &f->ins, err);

	if (!rc)
		rc = db_prepare(f->db, "INSERT INTO fts(fts, rowid, body) VALUES('delete', ?, ?)", &f->del, err);
	if (!rc) {
		pthread_mutex_init(&f->lock, NULL);
		pthread_cond_init(&f->changed, NULL);
		if (pthread_create(&f->thread, NULL, feed_run, f)) {
			pthread_cond_destroy(&f->changed);
			pthread_mutex_destroy(&f->lock);
			rc = kt_error_set(err, KT_ENOMEM, "cannot start a thread");
		}
	}
	if (rc) {
		sqlite3_finalize(f->ins);
		sqlite3_finalize(f->del);
		sqlite3_close(f->db);
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* Opens path on a connection of f's own: only the thread uses it, so
 * without a lock on every call.  Returns 0 or an error (f->db closed). */
static int feed_connect(struct fts_feed *f, const char *path, struct kt_error *err)
{
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) == SQLITE_OK)
		return 0;
	int rc = db_fail(f->db, err, path);
	sqlite3_close(f->db);
	f->db = NULL;
	return rc;
}

/* Starts the thread.  See db.h. */
int fts_feed_start(const char *path, struct fts_feed **out, struct kt_error *err)
{
	struct fts_feed *f = calloc(1, sizeof *f);
	int rc;

	*out = NULL;
	if (!f)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(rc = feed_connect(f, path, err)))
		rc = db_exec(f->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
		                    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
		                    "CREATE VIRTUAL TABLE fts USING fts5(" FTS_COLUMNS ");" FTS_TUNE, err);
	if (rc) {
		sqlite3_close(f->db);
		free(f);
		return rc;
	}
	return feed_run_start(f, out, err);
}

/* Returns 1 if db's meta names the build token, else 0 (no meta: an
 * empty search.db). */
static int feed_token_is(sqlite3 *db, const char *token)
{
	sqlite3_stmt *st;
	int same = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'fts'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		same = !strcmp((const char *)sqlite3_column_text(st, 0), token);
	sqlite3_finalize(st);
	return same;
}

/* Starts the thread on the live full text.  See db.h. */
int fts_feed_open(const char *path, const char *token, struct fts_feed **out, struct kt_error *err)
{
	struct fts_feed *f = calloc(1, sizeof *f);
	int rc;

	*out = NULL;
	if (!f)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	/* As the attached search.db: its rollback journal keeps it whole
	 * when the process is killed, no fsync; and a reader's lock is
	 * waited for as index.db's are (open_db()). */
	if (!(rc = feed_connect(f, path, err))) {
		sqlite3_busy_timeout(f->db, 30000);
		rc = db_exec(f->db, "PRAGMA synchronous=OFF; BEGIN IMMEDIATE", err);
	}
	if (!rc && !feed_token_is(f->db, token)) {
		/* Not the index's: the next search builds it whole. */
		sqlite3_close(f->db);
		free(f);
		return 0;
	}
	if (rc) {
		sqlite3_close(f->db);
		free(f);
		return rc;
	}
	return feed_run_start(f, out, err);
}

/* Appends a row op to the batch being filled, and queues the batch
 * when full.  Returns 0 or KT_ENOMEM. */
static int feed_row(struct fts_feed *f, char op, int64_t rowid, const char *body, size_t len)
{
	if (!f->filling && !(f->filling = calloc(1, sizeof *f->filling)))
		return KT_ENOMEM;
	struct kt_buf *r = &f->filling->rows;
	/* A batch's room taken at once: grown by doubling, each batch was
	 * copied once more by realloc() (half of handing a 1C catalogue's
	 * bodies over). */
	if (!r->cap && kt_buf_grow(r, BATCH_BYTES + (64 << 10)))
		return KT_ENOMEM;
	if (fts_rows_add(r, op, rowid, body, len))
		return KT_ENOMEM;
	if (r->len >= BATCH_BYTES) {
		feed_push(f, f->filling, 0);
		f->filling = NULL;
	}
	return 0;
}

/* Hands a row's text to the thread.  See db.h. */
int fts_feed_add(struct fts_feed *f, int64_t rowid, const char *body, size_t len)
{
	return feed_row(f, 'i', rowid, body, len);
}

/* Hands a deleted row's text to the thread.  See db.h. */
int fts_feed_delete(struct fts_feed *f, int64_t rowid, const char *body, size_t len)
{
	return feed_row(f, 'd', rowid, body, len);
}

/* Waits for the thread and ends the feed.  See db.h. */
int fts_feed_finish(struct fts_feed *f, const char *token, struct kt_error *err)
{
	int rc;

	if (!f)
		return 0;
	feed_push(f, token ? f->filling : NULL, 1);
	if (!token && f->filling) {
		kt_buf_free(&f->filling->rows);
		free(f->filling);
	}
	f->filling = NULL;
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->changed);
	pthread_mutex_destroy(&f->lock);
	sqlite3_finalize(f->ins);
	sqlite3_finalize(f->del);
	rc = f->rc ? kt_error_set(err, f->rc, "%s", f->err.msg) : 0;
	if (token && !rc && !(rc = meta_set(f->db, "fts", token, err)))
		rc = db_exec(f->db, "COMMIT", err);
	sqlite3_close(f->db);
	free(f);
	return rc;
}
