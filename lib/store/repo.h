/*
 * repo.h - inside the store wing: the repository behind struct store and
 * the helpers its files share.  With store/gitapi.h, the one header of
 * libkontora that includes git2.h (libgit2 loaded when first needed);
 * only lib/store/ includes them (make lint).
 */
#ifndef KT_STORE_REPO_H
#define KT_STORE_REPO_H

#include "store/gitapi.h"
#include "store/store.h"

struct store {
	char *root;
	char *dir;                  /* .git/kontora: the lock, the journal, scratch files */
	git_repository *repo;       /* NULL until store_git() opens it */
	int git_on;                 /* git_libgit2_init() called: store_close() shuts down */
	int lock_fd;                /* -1 when not holding the write lock */
	unsigned long generation;   /* see store_generation() */
	struct kt_options opt;      /* the command's warn and fault functions */
	char at[41];                /* the commit read instead of HEAD (--at), or "" */
	struct kt_buf cache;        /* head.cache's text (store/cache.c) */
	int cache_loaded, cache_dirty;
	/* Blobs whose bytes the command holds (blob_keep()): a work-tree file
	 * that hashed to one, or a shard the commit wrote, so that an edit and
	 * the index refresh after it inflate no shard it has read or written. */
	struct kept_blob {
		char id[41];
		char *data;
		size_t len;
	} kept[4];
	size_t nkept, kept_bytes;
};

/* The cache of what commands read of a commit besides records
 * (store/cache.c).  Tags: 'T' a directory read for files of a suffix
 * (name "DIR|SUFFIX", data its tree id, "" when the commit has no such
 * directory), 'F' one such file (name its path), 'C' an entry of
 * kontora.conf (name the key as libgit2 names it, data "=" and the value
 * or "-" for none), 'K' kontora.conf read whole (after its entries),
 * 'D' the names in a directory (name the directory, data the names,
 * each followed by a newline; "" when there is no such directory). */

/* Returns 1 if the cache (read from head.cache on first use) is that of
 * the commit (hex), else 0. */
int cache_is(struct store *st, const char *commit);
/* Makes the cache that of commit, dropping the entries of another.
 * Returns 0 or KT_ENOMEM. */
int cache_start(struct store *st, const char *commit);
/* Empties the cache, which store_close() then leaves on disk as it was:
 * what could not be cached whole is not cached. */
void cache_drop(struct store *st);
/* Finds the entry of tag and name: returns 1 with its bytes in *data
 * (owned by st, valid until the next cache_add()) and *len, or 0. */
int cache_find(struct store *st, char tag, const char *name, const char **data, size_t *len);
/* Adds an entry of tag and name with data[0..len) and marks the cache
 * for store_close() to write.  Returns 0 or KT_ENOMEM. */
int cache_add(struct store *st, char tag, const char *name, const char *data, size_t len);
/* Calls fn(arg, name, nlen, data, len) for each entry of tag, in the
 * order they were added.  Returns 0 or fn's non-zero return. */
int cache_each(struct store *st, char tag,
               int (*fn)(void *arg, const char *name, size_t nlen, const char *data, size_t len),
               void *arg);

/* Returns the libgit2 error of the last call as text (never NULL). */
const char *git_message(void);

/* Sets err to "what: libgit2's message" with code KT_EGIT; returns KT_EGIT. */
int git_fail(struct kt_error *err, const char *what);

/* Reads the blob at path in tree into *blob (the caller frees it with
 * git_blob_free), *buf (its bytes) and *len.  A path that does not exist
 * gives *blob NULL, *buf "" and returns 0. */
int tree_blob(git_repository *repo, const git_tree *tree, const char *path,
              git_blob **blob, const char **buf, size_t *len,
              struct kt_error *err);

/* Returns in *buf and *len the text of blob id ("" for a zero id), and
 * in *blob the blob to free with git_blob_free (NULL for a zero id).
 * Returns 0 or KT_EGIT. */
int blob_text(struct store *st, const git_oid *id, git_blob **blob,
              const char **buf, size_t *len, struct kt_error *err);

/* Loads and initialises libgit2 and opens st's repository the first time a
 * function of the store needs git: a read whose index is current and
 * whose types are cached never does (the 4 ms of libgit2's init, most of
 * it the system's CA certificates, are half of such a command).  Calls
 * the fault point "libgit2" when it initialises it, which tests use to
 * see that a command did not.  Returns 0 or KT_EGIT. */
int store_git(struct store *st, struct kt_error *err);

/* Puts the names in HEAD's directory dir into the cache, unless they
 * are there (read through libgit2 otherwise).  Returns 0 or an error. */
int cache_names(struct store *st, const char *dir, struct kt_error *err);

/* Resolves HEAD (or the commit st is pinned to, store_pin()) to its
 * commit and tree.  *commit and *tree (either may be NULL if not wanted)
 * are freed by the caller with git_commit_free and git_tree_free.
 * Returns 0 or an error. */
int head_tree(struct store *st, git_commit **commit, git_tree **tree,
              struct kt_error *err);

/* Writes len bytes to root/path atomically, creating directories.  The
 * temporary file lives in st's .git/kontora, so that a writer killed at
 * this point leaves nothing in the worktree.  Returns 0 or KT_EIO. */
int write_file(const struct store *st, const char *root, const char *path,
               const char *buf, size_t len, struct kt_error *err);

/* Applies the config ops of ops to kontora.conf's text buf[0..len)
 * through libgit2's config writer, appending the new text to out
 * (store/config.c).  Returns 0 or an error. */
int config_apply(struct store *st, const struct ops *ops, const char *buf, size_t len,
                 struct kt_buf *out, struct kt_error *err);

/* The new content of one path of a change, as committed. */
struct content {
	char *path;          /* owned by the ops */
	char *tmp;           /* its bytes: a file in .git/kontora, renamed into the worktree */
	git_oid id;
	int gone;            /* the file is removed */
};

/* Starts r (model.h) on the rows of blob id (NULL: no file, no rows):
 * read whole when small, else a piece at a time (store/blob.c).  Returns
 * 0 or an error; free r with shard_reader_free() either way. */
int blob_rows(struct store *st, const git_oid *id, struct shard_reader *r, struct kt_error *err);
/* Returns the blob hex the command holds (blob_keep()), or NULL. */
const struct kept_blob *blob_kept(const struct store *st, const char *hex);
/* Takes data[0..len) (malloc'd, or NULL when len is 0), the bytes of
 * blob hex, and holds it until store_close(), while the blobs held stay
 * within kt_options.stream_bytes in all (a shard read whole is at most
 * that).  Returns 1 when it took data, else 0 (the caller keeps it). */
int blob_keep(struct store *st, const char *hex, char *data, size_t len);
/* Frees the blobs held. */
void blob_keep_free(struct store *st);
/* Writes the bytes of blob id (NULL: none) to f, a piece at a time.
 * Returns 0 or an error. */
int blob_to_file(struct store *st, const git_oid *id, FILE *f, struct kt_error *err);
/* Writes the bytes of f, from its start to its end, into git as a blob
 * whose id goes to *id, a piece at a time; hold (a shard, which the
 * index refresh reads next) keeps its bytes too when blob_keep() has
 * room.  Returns 0 or an error. */
int blob_from_file(struct store *st, FILE *f, int hold, git_oid *id, struct kt_error *err);
/* Returns 1 if the file at full holds the bytes of blob id (NULL: there
 * is no such file, or it is empty), else 0. */
int blob_matches_file(struct store *st, const git_oid *id, const char *full);
/* Reads blob id (NULL or zero: none, "") whole into *blob (the caller
 * frees it with git_blob_free), *buf and *len (store/repo.c).  Returns 0
 * or an error. */
int blob_text(struct store *st, const git_oid *id, git_blob **blob, const char **buf, size_t *len,
              struct kt_error *err);

/* How old git's lock file must be before kontora takes it for a dead
 * process's, in seconds: git holds its locks for milliseconds. */
#define LOCK_STALE 2

/* Removes git's lock file path when it is stale: older than LOCK_STALE
 * seconds and open in no process; says so through store_warn().  Returns
 * 1 if removed, else 0 (no such file, or one a process holds)
 * (store/journal.c). */
int lock_remove_stale(struct store *st, const char *path);
/* Fills err with why git's lock file path stops a write, naming the
 * process that holds it.  Returns KT_ECONFLICT. */
int lock_busy(struct store *st, const char *path, struct kt_error *err);

/* Passes msg to the command's warn function, if any (store/repo.c). */
void store_warn(struct store *st, const char *msg);

/* Writes the journal naming the n paths (store/journal.c).  Returns 0 or
 * KT_EIO. */
int journal_write(struct store *st, char *const *paths, size_t n, struct kt_error *err);
/* Removes the journal: the change it names is finished or was never
 * committed. */
void journal_remove(struct store *st);
/* Brings the worktree and git's index to the n contents cs, removing a
 * stale index.lock and waiting up to five seconds for a live one.
 * Returns 0 or an error. */
int sync_contents(struct store *st, const struct content *cs, size_t n,
                  struct kt_error *err);
/* Replays a journal a killed writer left, unless a writer is at work now
 * (then the journal is its own).  Returns 0 or an error; readers may go
 * on after an error, as they read HEAD. */
int journal_recover_any(struct store *st, struct kt_error *err);

#endif
