/*
 * open.c - opening the books' repository, which finishes a journal a
 * killed writer left, and closing it, which releases the write lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/repo.h"

/* Opens the books' repository.  See store.h. */
int store_open(const char *root, const struct kt_options *opt, struct store **out,
               struct kt_error *err)
{
	struct store *st = calloc(1, sizeof *st);
	int rc = 0;

	if (!st)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	git_libgit2_init();
	/* An edit reads its shard's blob several times (the record, the commit,
	 * the index refresh); libgit2 does not cache blobs unless told to. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, (size_t)16 << 20);
	/* ... but a reindex reads every shard once: keep memory to a few shards. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)24 << 20);
	/* Every object read is hashed again unless told not to, which costs
	 * as much as reading it; git fsck and kontora check are for that. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	st->lock_fd = -1;
	if (opt)
		st->opt = *opt;
	if (!(st->root = strdup(root)) || asprintf(&st->dir, "%s/.git/kontora", root) < 0) {
		st->dir = NULL;
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	} else if (mkdir(st->dir, 0777) && errno != EEXIST) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", st->dir, strerror(errno));
	} else if (git_repository_open(&st->repo, root)) {
		rc = git_fail(err, root);
	}
	if (rc) {
		store_close(st);
		return rc;
	}
	/* A write retries the replay and reports what stops it; a read need
	 * not wait for it, as it reads HEAD. */
	struct kt_error ignored;
	journal_recover_any(st, &ignored);
	if (opt && opt->at && (rc = store_pin(st, opt->at, err))) {
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

/* Closes the repository.  See store.h. */
void store_close(struct store *st)
{
	if (!st)
		return;
	store_unlock(st);
	git_repository_free(st->repo);
	free(st->root);
	free(st->dir);
	free(st);
	git_libgit2_shutdown();
}
