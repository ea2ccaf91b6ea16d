/*
 * open.c - opening the books' repository, which finishes a journal a
 * killed writer left, and closing it, which releases the write lock.
 * Opening touches no git: store_git() (store/repo.c) initialises libgit2
 * when a function first needs it.
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
	st->lock_fd = -1;
	if (opt)
		st->opt = *opt;
	if (!(st->root = strdup(root)) || asprintf(&st->dir, "%s/.git/kontora", root) < 0) {
		st->dir = NULL;
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	} else if (mkdir(st->dir, 0777) && errno != EEXIST) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", st->dir, strerror(errno));
	}
	if (rc) {
		store_close(st);
		return rc;
	}
	/* libgit2 waits for the first function that needs git (store_git()).
	 * A write retries the replay and reports what stops it; a read need
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

/* cache_each() callback: collects the names of the entries of a tag. */
static int dir_key(void *keys, const char *name, size_t nlen, const char *data, size_t len)
{
	struct kt_buf *k = keys;

	return kt_buf_add(k, name, nlen) || kt_buf_addc(k, '\0') ? KT_ENOMEM : 0;
}

/* store_each_file() callback that only has the file read (and cached). */
static int skip_file(void *arg, const char *path, const char *base, const char *text,
                     size_t len, struct kt_error *err)
{
	return 0;
}

/* store_config_each() callback that only has the entry read (and cached). */
static int skip_entry(void *arg, const char *key, const char *value)
{
	return 0;
}

/* Brings the cache to HEAD when this command used git: what it held of
 * an older commit (after a write that moved HEAD, or a commit by git
 * itself) is read again at HEAD, and so is what every read needs (the
 * schemas, the workflows, kontora.conf, the names under files/), so that
 * the next command finds it without libgit2. */
static void cache_follow(struct store *st)
{
	struct kt_buf keys = { 0 }, dirs = { 0 }, emails = { 0 };
	struct kt_error ignored;

	if (!st->repo || *st->at || cache_each(st, 'T', dir_key, &keys) ||
	    cache_each(st, 'D', dir_key, &dirs) || cache_each(st, 'E', dir_key, &emails) ||
	    kt_buf_adds(&keys, "schemas|.schema") || kt_buf_addc(&keys, '\0') ||
	    kt_buf_adds(&keys, "workflows|.flow") || kt_buf_addc(&keys, '\0'))
		goto done;
	for (size_t at = 0; at < keys.len; at += strlen(keys.data + at) + 1) {
		char *key = keys.data + at, *bar = strchr(key, '|');
		if (!bar)
			continue;
		*bar = '\0';
		int rc = store_each_file(st, key, bar + 1, NULL, skip_file, NULL, &ignored);
		if (rc && rc != KT_ENOTFOUND)
			cache_drop(st);
	}
	if (store_config_each(st, skip_entry, NULL, &ignored) || cache_names(st, "files", &ignored))
		cache_drop(st);
	for (size_t at = 0; at < dirs.len; at += strlen(dirs.data + at) + 1)
		if (cache_names(st, dirs.data + at, &ignored))
			cache_drop(st);
	if (emails.len) {
		char *email = NULL;
		store_user_email(st, &email, &ignored);
		free(email);
	}
done:
	kt_buf_free(&keys);
	kt_buf_free(&dirs);
	kt_buf_free(&emails);
}

/* Closes the repository.  See store.h. */
void store_close(struct store *st)
{
	struct kt_error ignored;

	if (!st)
		return;
	cache_follow(st);
	/* Another command may write it meanwhile: each write is whole
	 * (renamed into place) and names its commit. */
	if (st->cache_dirty && !*st->at)
		write_file(st, st->dir, "head.cache", st->cache.data, st->cache.len, &ignored);
	kt_buf_free(&st->cache);
	blob_keep_free(st);
	store_unlock(st);
	if (st->git_on) {
		git_repository_free(st->repo);
		git_libgit2_shutdown();
	}
	free(st->root);
	free(st->dir);
	free(st);
}
