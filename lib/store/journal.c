/*
 * journal.c - the write lock, and the journal that makes a change whole.
 *
 * A change moves the branch first and brings the worktree and git's
 * index up to it after, naming the paths in .git/kontora/pending before
 * the branch moves.  A writer killed in between leaves the journal: the
 * next command replays it, so the books are never between.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/repo.h"

/* Removes the files a killed writer left in .git/kontora with the new
 * contents of its change (store/commit.c; a shard's may weigh a hundred
 * megabytes): only a writer makes them, under the write lock, which the
 * caller now holds. */
static void remove_scraps(const struct store *st)
{
	char path[PATH_MAX];
	DIR *d = opendir(st->dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "new.", 4)) {
			snprintf(path, sizeof path, "%s/%s", st->dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
}

/* Takes the write lock.  See store.h. */
int store_lock(struct store *st, struct kt_error *err)
{
	char path[PATH_MAX];

	if (st->lock_fd >= 0)
		return 0;
	if (*st->at)
		return kt_error_set(err, KT_EINVAL, "the books as of commit %.7s are read-only", st->at);
	/* Everything a writer does under the lock (store_commit(), its
	 * config_apply() and sync_contents()) uses the repository. */
	int rc = store_git(st, err);
	if (rc)
		return rc;
	snprintf(path, sizeof path, "%s/lock", st->dir);
	st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (st->lock_fd < 0 || flock(st->lock_fd, LOCK_EX)) {
		int e = errno;
		if (st->lock_fd >= 0)
			close(st->lock_fd);
		st->lock_fd = -1;
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(e));
	}
	remove_scraps(st);
	/* What was read before the lock may be older than HEAD now. */
	st->generation++;
	store_fault(st, "lock");
	return 0;
}

/* Releases the write lock.  See store.h. */
void store_unlock(struct store *st)
{
	if (st->lock_fd < 0)
		return;
	close(st->lock_fd);
	st->lock_fd = -1;
	st->generation++;
}

/* Returns 1 while the lock is held.  See store.h. */
int store_locked(const struct store *st)
{
	return st->lock_fd >= 0;
}

/* Returns the generation of what HEAD was read as.  See store.h. */
unsigned long store_generation(const struct store *st)
{
	return st->generation;
}

/* Renames the file tmp to root/path, creating the directories between.
 * Returns 0 or KT_EIO (tmp is removed then). */
static int place_file(const char *root, const char *path, const char *tmp, struct kt_error *err)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s/%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int bad = mkdir(full, 0777) && errno != EEXIST;
		*p = '/';
		if (bad) {
			int e = errno;
			unlink(tmp);
			return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(e));
		}
	}
	if (rename(tmp, full)) {
		int e = errno;
		unlink(tmp);
		return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(e));
	}
	return 0;
}

/* Writes a file atomically.  See repo.h. */
int write_file(const struct store *st, const char *root, const char *path,
                      const char *buf, size_t len, struct kt_error *err)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof tmp, "%s/tmp.%ld", st->dir, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return kt_error_set(err, KT_EIO, "%s: %s", tmp, strerror(errno));
	size_t w = fwrite(buf, 1, len, f);
	if (fclose(f) || w != len) {
		int e = errno;
		unlink(tmp);
		return kt_error_set(err, KT_EIO, "%s/%s: %s", root, path, strerror(e));
	}
	return place_file(root, path, tmp, err);
}

/* Renames the file of c into the worktree, or removes the worktree's
 * when c is gone.  Returns 0 or an error. */
static int write_worktree(struct store *st, const struct content *c, struct kt_error *err)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s/%s", st->root, c->path);
	if (!c->gone)
		return place_file(st->root, c->path, c->tmp, err);
	if (unlink(full) && errno != ENOENT)
		return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(errno));
	return 0;
}

/* Makes git's index entry of c match the file just written.  Returns 0 or
 * an error. */
static int stage_content(struct store *st, git_index *idx, const struct content *c,
                         struct kt_error *err)
{
	char full[PATH_MAX];
	struct stat sb;

	if (c->gone) {
		git_index_remove(idx, c->path, 0);
		return 0;
	}
	snprintf(full, sizeof full, "%s/%s", st->root, c->path);
	if (stat(full, &sb))
		return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(errno));
	/* Filling the entry from stat spares hashing the file again and keeps
	 * git status from re-reading it. */
	git_index_entry ie = { 0 };
	ie.ctime.seconds = (int32_t)sb.st_ctim.tv_sec;
	ie.ctime.nanoseconds = (uint32_t)sb.st_ctim.tv_nsec;
	ie.mtime.seconds = (int32_t)sb.st_mtim.tv_sec;
	ie.mtime.nanoseconds = (uint32_t)sb.st_mtim.tv_nsec;
	ie.dev = (uint32_t)sb.st_dev;
	ie.ino = (uint32_t)sb.st_ino;
	ie.mode = GIT_FILEMODE_BLOB;
	ie.uid = sb.st_uid;
	ie.gid = sb.st_gid;
	ie.file_size = (uint32_t)sb.st_size;
	git_oid_cpy(&ie.id, &c->id);
	ie.path = c->path;
	return git_index_add(idx, &ie) ? git_fail(err, c->path) : 0;
}

/* Returns the id of a process that has path open, or 0 when none does
 * (or /proc cannot tell).  git keeps a lock file open while it holds the
 * lock: one that no process has open is a dead process's. */
static long lock_holder(const char *path)
{
	char real[PATH_MAX], fd_dir[300], link[PATH_MAX + 300], target[PATH_MAX];
	DIR *proc = opendir("/proc");
	struct dirent *p;
	long holder = 0;

	if (!proc || !realpath(path, real)) {
		if (proc)
			closedir(proc);
		return 0;
	}
	while (!holder && (p = readdir(proc))) {
		if (p->d_name[strspn(p->d_name, "0123456789")] || !*p->d_name)
			continue;
		snprintf(fd_dir, sizeof fd_dir, "/proc/%s/fd", p->d_name);
		DIR *fds = opendir(fd_dir);
		struct dirent *f;
		while (fds && !holder && (f = readdir(fds))) {
			snprintf(link, sizeof link, "%s/%s", fd_dir, f->d_name);
			ssize_t n = readlink(link, target, sizeof target - 1);
			if (n > 0 && (target[n] = '\0', !strcmp(target, real)))
				holder = strtol(p->d_name, NULL, 10);
		}
		if (fds)
			closedir(fds);
	}
	closedir(proc);
	return holder;
}

/* Removes git's lock file path (under .git/) when it is stale: older than
 * LOCK_STALE seconds and open in no process, which is what a killed git
 * or kontora leaves; says so through st's warn.  Returns 1 if removed,
 * else 0 (no such file, or a live one). */
int lock_remove_stale(struct store *st, const char *path)
{
	struct stat sb;
	char msg[PATH_MAX + 128];

	if (stat(path, &sb) || time(NULL) - sb.st_mtime < LOCK_STALE || lock_holder(path) ||
	    unlink(path))
		return 0;
	snprintf(msg, sizeof msg, _("removed %s, left %lds ago by a process that is gone"),
	         path + strlen(st->root) + 1, (long)(time(NULL) - sb.st_mtime));
	store_warn(st, msg);
	return 1;
}

/* Says why git's lock file path stops a write: a live process holds it,
 * naming the process.  Returns KT_ECONFLICT. */
int lock_busy(struct store *st, const char *path, struct kt_error *err)
{
	long pid = lock_holder(path);
	char who[64] = "";

	if (pid)
		snprintf(who, sizeof who, _(" (process %ld)"), pid);
	return kt_error_set(err, KT_ECONFLICT, "%s is held by a running git%s; nothing was changed, "
	                    "try again when it is done", path + strlen(st->root) + 1, who);
}

/* Brings the worktree and git's index to the committed contents.  A
 * person's git may hold index.lock for a moment: then the index is read
 * again and the update retried, for up to about five seconds.  See
 * repo.h. */
int sync_contents(struct store *st, const struct content *cs, size_t n,
                  struct kt_error *err)
{
	char lock[PATH_MAX];
	git_index *idx = NULL;
	int rc = 0;

	snprintf(lock, sizeof lock, "%s/.git/index.lock", st->root);
	for (size_t i = 0; !rc && i < n; i++)
		rc = write_worktree(st, &cs[i], err);
	if (!rc)
		store_fault(st, "worktree");
	if (!rc && git_repository_index(&idx, st->repo))
		rc = git_fail(err, "git index");
	for (int tries = 0; !rc; tries++) {
		/* git_repository_index() has just read it (a 200 KB index at ten
		 * million leads): again only if it changed on disk, and after
		 * another writer held its lock. */
		if (git_index_read(idx, tries > 0)) {
			rc = git_fail(err, "git index");
			break;
		}
		for (size_t i = 0; !rc && i < n; i++)
			rc = stage_content(st, idx, &cs[i], err);
		if (rc)
			break;
		int g = git_index_write(idx);
		if (!g) {
			store_fault(st, "index");
			break;
		}
		if (g != GIT_ELOCKED)
			rc = git_fail(err, "git index");
		else if (tries == 500)
			rc = lock_busy(st, lock, err);
		else if (!lock_remove_stale(st, lock))
			usleep(10000);
	}
	git_index_free(idx);
	return rc;
}

/* Writes what HEAD holds at path into c's file, a piece at a time (gone
 * when nothing).  Returns 0 or an error. */
static int head_content(struct store *st, git_tree *tree, const char *path,
                        struct content *c, struct kt_error *err)
{
	git_tree_entry *e = NULL;
	FILE *f;
	int rc = 0;

	c->gone = git_tree_entry_bypath(&e, tree, path) != 0;
	if (c->gone)
		return 0;
	git_oid_cpy(&c->id, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (!(f = fopen(c->tmp, "wb")))
		return kt_error_set(err, KT_EIO, "%s: %s", c->tmp, strerror(errno));
	rc = blob_to_file(st, &c->id, f, err);
	if (fclose(f) && !rc)
		rc = kt_error_set(err, KT_EIO, "%s: %s", c->tmp, strerror(errno));
	return rc;
}

/* Brings paths up to HEAD in the worktree and git's index.  Returns 0 or
 * an error. */
static int sync_paths(struct store *st, char *const *paths, size_t n, struct kt_error *err)
{
	struct content *cs = calloc(n ? n : 1, sizeof *cs);
	git_tree *tree = NULL;
	int rc = cs ? head_tree(st, NULL, &tree, err) : kt_error_set(err, KT_ENOMEM, "out of memory");

	/* Nothing of libgit2 to free when it could not be loaded. */
	if (rc) {
		free(cs);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		cs[i].path = paths[i];
		if (asprintf(&cs[i].tmp, "%s/new.%ld.%zu", st->dir, (long)getpid(), i) < 0) {
			cs[i].tmp = NULL;
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		} else {
			rc = head_content(st, tree, paths[i], &cs[i], err);
		}
	}
	if (!rc)
		rc = sync_contents(st, cs, n, err);
	for (size_t i = 0; cs && i < n; i++) {
		if (cs[i].tmp)
			unlink(cs[i].tmp);
		free(cs[i].tmp);
	}
	free(cs);
	git_tree_free(tree);
	return rc;
}

static void journal_path(const struct store *st, char *out, size_t size)
{
	snprintf(out, size, "%s/pending", st->dir);
}

/* Writes the journal naming paths.  See repo.h. */
int journal_write(struct store *st, char *const *paths, size_t n,
                         struct kt_error *err)
{
	struct kt_buf buf = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++)
		rc = kt_buf_addf(&buf, "%s\n", paths[i]);
	if (!rc)
		rc = write_file(st, st->dir, "pending", buf.data, buf.len, err);
	else
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	kt_buf_free(&buf);
	return rc;
}

/* Replays a journal left by a killed writer.  See store.h. */
int store_recover(struct store *st, struct kt_error *err)
{
	char path[PATH_MAX], line[PATH_MAX];
	char **paths = NULL;
	size_t n = 0;
	int rc = 0;

	journal_path(st, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	remove_scraps(st);
	while (!rc && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char **p = realloc(paths, (n + 1) * sizeof *p);
		if (!p || !(p[n] = strdup(line)))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		if (p)
			paths = p;
		if (!rc)
			n++;
	}
	fclose(f);
	if (!rc)
		rc = sync_paths(st, paths, n, err);
	if (!rc)
		unlink(path);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* Replays a journal a killed writer left.  See repo.h. */
int journal_recover_any(struct store *st, struct kt_error *err)
{
	char path[PATH_MAX];
	int rc = 0;

	journal_path(st, path, sizeof path);
	if (access(path, F_OK) || st->lock_fd >= 0)
		return 0;
	snprintf(path, sizeof path, "%s/lock", st->dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (!flock(fd, LOCK_EX | LOCK_NB)) {
		st->lock_fd = fd;
		rc = store_recover(st, err);
		st->lock_fd = -1;
	}
	close(fd);
	return rc;
}

/* Removes the journal.  See repo.h. */
void journal_remove(struct store *st)
{
	char path[PATH_MAX];

	journal_path(st, path, sizeof path);
	unlink(path);
}
