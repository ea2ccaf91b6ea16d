/*
 * store.h - the books on disk and in git, as the wings above see them:
 * reading what HEAD holds, the write lock, committing a change (one
 * commit, compare-and-swap, the journal that finishes a killed writer's
 * worktree), the history of a record and kontora.conf.  Only this wing
 * includes git2.h (in store/repo.h, its own); nothing here names a git
 * type.  Uses util/ and model/.
 */
#ifndef KT_STORE_H
#define KT_STORE_H

#include "model/model.h"

/* The books' git repository, its worktree and .git/kontora. */
struct store;

/* Opens the books at root (kt_books_find() found it) and finishes a
 * journal a killed writer left, unless a writer is at work.  opt (may be
 * NULL) gives the command's warn and fault functions.  Returns 0 and
 * *out (store_close()), or an error. */
int store_open(const char *root, const struct kt_options *opt, struct store **out,
               struct kt_error *err);
/* Closes st and releases its lock; NULL is fine. */
void store_close(struct store *st);

/* Returns the books' root directory (owned by st). */
const char *store_root(const struct store *st);
/* Returns .git/kontora, where the index, the lock and the journal live
 * (owned by st). */
const char *store_dir(const struct store *st);

/* ---------------------------------------------------------- reading HEAD */

/* Pins st to the commit rev names (a hash, HEAD~3, a tag, anything git
 * rev-parse takes): from now on "HEAD" below means that commit, and st
 * takes no write lock.  Returns 0, KT_ENOTFOUND (no such commit), or
 * KT_ENOMEM. */
int store_pin(struct store *st, const char *rev, struct kt_error *err);
/* Returns the commit st is pinned to (40 hex digits, owned by st), or
 * NULL when it reads HEAD. */
const char *store_pinned(const struct store *st);

/* A file as HEAD holds it: its bytes, held until store_file_free(). */
struct store_file {
	const char *data;     /* "" when absent */
	size_t len;
	int present;          /* 0: HEAD has no such file */
	void *blob;           /* the store's */
};

/* Writes HEAD's commit id (40 hex digits) into hex: read from .git/HEAD
 * and the branch's loose ref or packed-refs line as git does, through
 * libgit2 when any of it is unusual.  Returns 0 or KT_EGIT. */
int store_head(struct store *st, char hex[41], struct kt_error *err);

/* Reads the file at path of HEAD into *f (free with store_file_free(),
 * also after an error).  A path HEAD lacks is no error: f->present is 0.
 * Returns 0 or KT_EGIT. */
int store_read(struct store *st, const char *path, struct store_file *f,
               struct kt_error *err);
void store_file_free(struct store_file *f);
/* Reads the blob hex (40 hex digits; "" for none: f->present 0) whole
 * into *f (free with store_file_free(), also after an error).  Returns 0
 * or KT_EGIT. */
int store_blob_text(struct store *st, const char *hex, struct store_file *f,
                    struct kt_error *err);
/* Starts r (model.h) on the rows of the file at path of HEAD (none when
 * HEAD has no such file): read whole when small, else a piece at a time.
 * id (NULL: not known) is the blob HEAD holds there, as the index
 * recorded it (40 hex digits): a small file is then read from the
 * worktree when it hashes to id, which needs no libgit2, or from the
 * bytes the command holds of that blob.  Returns 0 or an error; free r with
 * shard_reader_free() either way. */
int store_read_rows(struct store *st, const char *path, const char *id, struct shard_reader *r,
                    struct kt_error *err);

/* Returns 1 if HEAD has a file at path, 0 if not, or KT_EGIT. */
int store_exists(struct store *st, const char *path, struct kt_error *err);

/* Calls fn(arg, path, base, text, len, err) for every file of HEAD's
 * directory dir whose name ends with suffix, in name order; base is the
 * name without the suffix.  dir_hex (when not NULL) gets the directory's
 * tree id.  Returns 0, KT_ENOTFOUND when HEAD has no such directory,
 * fn's non-zero return, or an error. */
int store_each_file(struct store *st, const char *dir, const char *suffix, char dir_hex[41],
                    int (*fn)(void *arg, const char *path, const char *base,
                              const char *text, size_t len, struct kt_error *err),
                    void *arg, struct kt_error *err);

/* Calls fn(arg, name, size) for every file right under HEAD's directory
 * dir, in name order; none when there is no such directory.  Returns 0,
 * fn's non-zero return, or KT_EGIT. */
int store_list_dir(struct store *st, const char *dir,
                   int (*fn)(void *arg, const char *name, size_t size), void *arg,
                   struct kt_error *err);

/* Calls the command's fault function at point, if any: tests stop or
 * pause a write there (KONTORA_FAULT, docs/testing.md); the index's
 * refresh has points of its own. */
void store_fault(struct store *st, const char *point);

/* A file that differs between two commits: its blob in each ("" where
 * it is absent; read with store_blob_rows()), and where it stands among
 * the count files of the diff. */
struct store_delta {
	const char *path;
	char old[41], new[41];
	size_t at, count;
	/* store_walk()'s: the commit that made the change (40 hex digits),
	 * its author's e-mail and name, and its author time (seconds since
	 * the epoch); NULL and 0 from store_diff(). */
	const char *commit, *email, *name;
	int64_t time;
};

/* Calls fn(arg, delta, err) for every file under prefix ("data/") that
 * differs between the commits from (hex; "" for none: every file is new)
 * and to.  Returns 0, 1 when from is no commit of the repository (the
 * caller starts over from ""), fn's non-zero return, or an error. */
int store_diff(struct store *st, const char *from, const char *to, const char *prefix,
               int (*fn)(void *arg, const struct store_delta *d, struct kt_error *err),
               void *arg, struct kt_error *err);

/* Calls fn(arg, delta, err) for every file under the directories dirs
 * (ndirs of them, "data/calc_request") that a commit changed against its
 * first parent, commit by commit along the first parents of to (hex),
 * oldest first, beginning after from (hex; "" for the first commit);
 * each delta names its commit, author and time.  A commit that changed
 * none of the directories costs the lookup of their trees, no diff.
 * Returns 0, 1 when from is no commit or no ancestor of to along first
 * parents (the caller starts over from ""), fn's non-zero return, or an
 * error. */
int store_walk(struct store *st, const char *from, const char *to, char *const *dirs,
               size_t ndirs, int (*fn)(void *arg, const struct store_delta *d,
                                       struct kt_error *err),
               void *arg, struct kt_error *err);

/* Starts r (model.h) on the rows of the blob hex (40 hex digits; "" for
 * no file): read whole when small, else a piece at a time, so that a
 * shard of any size costs a window of kt_options.stream_bytes.  path
 * (NULL: none) is where the blob may stand in the work tree, as a
 * commit's new file does: a small file there that hashes to hex is read
 * instead of the blob (hashing costs a fifth of inflating).  Returns 0
 * or an error; free r with shard_reader_free() either way. */
int store_blob_rows(struct store *st, const char *hex, const char *path, struct shard_reader *r,
                    struct kt_error *err);

/* Returns in *email git's user.email for these books (the repository's
 * configuration over the global one; caller frees), or NULL when it is
 * not set.  Returns 0 or KT_ENOMEM. */
int store_user_email(struct store *st, char **email, struct kt_error *err);

/* Writes into hex the id git gives a blob of data[0..len): its SHA-1
 * over "blob LEN\0" and the bytes (kt_blob_id(), no libgit2).  Returns 0. */
int store_hash(const void *data, size_t len, char hex[41], struct kt_error *err);

/* ------------------------------------------------------------- config */

/* Reads key of HEAD's kontora.conf into *value (caller frees).  Returns
 * 0, KT_ENOTFOUND, or an error. */
int store_config_get(struct store *st, const char *key, char **value, struct kt_error *err);
/* Calls fn(arg, key, value) for every entry of HEAD's kontora.conf, in
 * file order.  Returns 0, fn's non-zero return, or an error. */
int store_config_each(struct store *st, int (*fn)(void *arg, const char *key, const char *value),
                      void *arg, struct kt_error *err);

/* ------------------------------------------------------------ history */

/* Calls fn for every commit reachable from HEAD that changed the record
 * id of s in the shard path (NULL: the shard a commit removed the record
 * from, found by walking the history), newest first.  Returns 0, fn's
 * non-zero return, KT_ENOTFOUND when the record was never in the books,
 * or an error. */
int store_log(struct store *st, const struct kt_schema *s, const char *id, const char *path,
              int (*fn)(void *arg, const struct kt_log_entry *e), void *arg,
              struct kt_error *err);

/* ------------------------------------------------------------- writing */

/* Takes the books' write lock, waiting for another writer.  Returns 0 or
 * KT_EIO. */
int store_lock(struct store *st, struct kt_error *err);
/* Releases the write lock (nothing when not held). */
void store_unlock(struct store *st);
/* Returns 1 while st holds the write lock. */
int store_locked(const struct store *st);
/* Returns a number that changes whenever the lock is taken or released
 * and whenever st commits: what was read of HEAD under the lock at one
 * generation is current while it stays the same. */
unsigned long store_generation(const struct store *st);

/* Finishes a change a killed writer left half done: brings the files its
 * journal names up to HEAD in the worktree and git's index.  Must hold
 * the lock.  Returns 0 or an error. */
int store_recover(struct store *st, struct kt_error *err);

/* Commits ops (made against HEAD; applied again to a HEAD that moved) as
 * one commit by who at when, with message: builds the new contents from
 * HEAD's blobs, refusing a path whose worktree copy differs from HEAD's,
 * and moves the branch with a compare-and-swap.  Then brings the
 * worktree and git's index up to the commit under a journal.  Must hold
 * the lock.  Returns 0 and the commit's id in oid ("" when the change
 * changes nothing, and then no commit), or an error with nothing
 * committed.  A failure after the branch moved is no error: the commit
 * stands, warning says what is left for the journal to finish. */
int store_commit(struct store *st, const struct ops *ops, const char *message,
                 const struct kt_identity *who, time_t when, char oid[41],
                 struct kt_error *warning, struct kt_error *err);

#endif
