/*
 * change.c - one change to the books, committed as exactly one commit.
 *
 * A change is a list of operations validated when they are made.  The
 * commit applies them to HEAD's blobs (never to the worktree), builds a
 * tree and a commit, and moves the branch with a compare-and-swap; if
 * someone moved it meanwhile, the operations are applied again to the new
 * HEAD.  Only then are the worktree and git's index brought up to date,
 * under a journal that the next command replays if this one is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum op_kind { OP_ADD, OP_EDIT, OP_REMOVE, OP_CONFIG, OP_DICT_ADD, OP_DICT_REMOVE, OP_FILE };

struct op {
	enum op_kind kind;
	const struct kt_schema *s;
	char id[9];
	char *path;               /* the shard, kontora.conf, dicts/NAME.csv, or a file */
	size_t n;                 /* add: every column; edit: the fields set;
	                           * dict ops: one pair, the entry's id and name */
	char **names, **values;
	struct kt_record *old;    /* edit, remove: the record before */
	struct kt_buf bytes;      /* file: its whole content */
};

struct kt_change {
	struct kt_books *b;
	char *command;
	struct op *ops;
	size_t nops, capops;
	/* The ids and unique values of the records added, "TYPE\037id\037L3F9K2QX"
	 * and "TYPE\037FIELD\037value" -> their op, so that a batch of a
	 * hundred thousand adds is not quadratic; other ops are few and
	 * looked through. */
	struct strmap added;
	size_t nother;
};

/* The ops a commit message describes and names in trailers. */
enum { MESSAGE_OPS = 100 };

/* Attempts at moving the branch: some wait 10 ms for a ref lock. */
enum { MAX_ATTEMPTS = 400, NOTHING = 1 };

/* ----------------------------------------------------------- the lock */

/* Takes the books' write lock, waiting for another writer.  Returns 0 or
 * KT_EIO. */
static int lock_books(struct kt_books *b, struct kt_error *err)
{
	char path[PATH_MAX];

	if (b->lock_fd >= 0)
		return 0;
	snprintf(path, sizeof path, "%s/lock", b->kontora_dir);
	b->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (b->lock_fd < 0 || flock(b->lock_fd, LOCK_EX)) {
		int e = errno;
		if (b->lock_fd >= 0)
			close(b->lock_fd);
		b->lock_fd = -1;
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(e));
	}
	/* What was read before the lock may be older than HEAD now. */
	b->index_fresh = 0;
	return 0;
}

static void unlock_books(struct kt_books *b)
{
	if (b->lock_fd >= 0)
		close(b->lock_fd);
	b->lock_fd = -1;
	b->index_fresh = 0;
}

/* ---------------------------------------------------- worktree, journal */

/* The new content of one path of a change, as committed. */
struct content {
	char *path;          /* owned by the ops */
	struct kt_buf data;
	git_oid id;
	int gone;            /* the file is removed */
};

/* Writes len bytes to root/path atomically, creating directories.  The
 * temporary file lives in .git/kontora, so that a writer killed at this
 * point leaves nothing in the worktree.  Returns 0 or KT_EIO. */
static int write_file(const struct kt_books *b, const char *root, const char *path,
                      const char *buf, size_t len, struct kt_error *err)
{
	char full[PATH_MAX], tmp[PATH_MAX];

	snprintf(full, sizeof full, "%s/%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int bad = mkdir(full, 0777) && errno != EEXIST;
		*p = '/';
		if (bad)
			return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(errno));
	}
	snprintf(tmp, sizeof tmp, "%s/tmp.%ld", b->kontora_dir, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return kt_error_set(err, KT_EIO, "%s: %s", tmp, strerror(errno));
	size_t w = fwrite(buf, 1, len, f);
	if (fclose(f) || w != len || rename(tmp, full)) {
		int e = errno;
		unlink(tmp);
		return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(e));
	}
	return 0;
}

/* Writes (or removes) the worktree file of c.  Returns 0 or an error. */
static int write_worktree(struct kt_books *b, const struct content *c, struct kt_error *err)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s/%s", b->root, c->path);
	if (!c->gone)
		return write_file(b, b->root, c->path, c->data.data ? c->data.data : "", c->data.len, err);
	if (unlink(full) && errno != ENOENT)
		return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(errno));
	return 0;
}

/* Makes git's index entry of c match the file just written.  Returns 0 or
 * an error. */
static int stage_content(struct kt_books *b, git_index *idx, const struct content *c,
                         struct kt_error *err)
{
	char full[PATH_MAX];
	struct stat st;

	if (c->gone) {
		git_index_remove(idx, c->path, 0);
		return 0;
	}
	snprintf(full, sizeof full, "%s/%s", b->root, c->path);
	if (stat(full, &st))
		return kt_error_set(err, KT_EIO, "%s: %s", full, strerror(errno));
	/* Filling the entry from stat spares hashing the file again and keeps
	 * git status from re-reading it. */
	git_index_entry ie = { 0 };
	ie.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
	ie.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
	ie.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
	ie.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
	ie.dev = (uint32_t)st.st_dev;
	ie.ino = (uint32_t)st.st_ino;
	ie.mode = GIT_FILEMODE_BLOB;
	ie.uid = st.st_uid;
	ie.gid = st.st_gid;
	ie.file_size = (uint32_t)st.st_size;
	git_oid_cpy(&ie.id, &c->id);
	ie.path = c->path;
	return git_index_add(idx, &ie) ? git_fail(err, c->path) : 0;
}

/* Removes .git/index.lock when it is older than two seconds: while a
 * dead writer's journal is replayed, such a lock is that writer's (git's
 * own commands hold it for milliseconds).  Returns 1 if removed. */
static int remove_stale_lock(const struct kt_books *b)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof path, "%s/.git/index.lock", b->root);
	return !stat(path, &st) && time(NULL) - st.st_mtime >= 2 && !unlink(path);
}

/* Brings the worktree and git's index to the committed contents.  A
 * person's git may hold index.lock for a moment: then the index is read
 * again and the update retried, for up to about five seconds.  Returns 0
 * or an error. */
static int sync_contents(struct kt_books *b, const struct content *cs, size_t n,
                         int recovering, struct kt_error *err)
{
	git_index *idx = NULL;
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++)
		rc = write_worktree(b, &cs[i], err);
	if (!rc && git_repository_index(&idx, b->repo))
		rc = git_fail(err, "git index");
	for (int tries = 0; !rc; tries++) {
		if (git_index_read(idx, 1)) {
			rc = git_fail(err, "git index");
			break;
		}
		for (size_t i = 0; !rc && i < n; i++)
			rc = stage_content(b, idx, &cs[i], err);
		if (rc)
			break;
		int g = git_index_write(idx);
		if (!g)
			break;
		if (g != GIT_ELOCKED || tries == 500)
			rc = git_fail(err, "git index");
		else if (!recovering || !remove_stale_lock(b))
			usleep(10000);
	}
	git_index_free(idx);
	return rc;
}

/* Reads what HEAD holds at path into c (gone when nothing).  Returns 0 or
 * an error. */
static int head_content(struct kt_books *b, git_tree *tree, const char *path,
                        struct content *c, struct kt_error *err)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc = 0;

	c->gone = git_tree_entry_bypath(&e, tree, path) != 0;
	if (c->gone)
		return 0;
	git_oid_cpy(&c->id, git_tree_entry_id(e));
	if (git_blob_lookup(&blob, b->repo, &c->id))
		rc = git_fail(err, path);
	else if (kt_buf_add(&c->data, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	git_blob_free(blob);
	git_tree_entry_free(e);
	return rc;
}

/* Brings paths up to HEAD in the worktree and git's index.  Returns 0 or
 * an error. */
static int sync_paths(struct kt_books *b, char *const *paths, size_t n, struct kt_error *err)
{
	struct content *cs = calloc(n ? n : 1, sizeof *cs);
	git_tree *tree = NULL;
	int rc = cs ? head_tree(b->repo, NULL, &tree, err) : kt_error_set(err, KT_ENOMEM, "out of memory");

	for (size_t i = 0; !rc && i < n; i++) {
		cs[i].path = paths[i];
		rc = head_content(b, tree, paths[i], &cs[i], err);
	}
	if (!rc)
		rc = sync_contents(b, cs, n, 1, err);
	for (size_t i = 0; cs && i < n; i++)
		kt_buf_free(&cs[i].data);
	free(cs);
	git_tree_free(tree);
	return rc;
}

static void journal_path(const struct kt_books *b, char *out, size_t size)
{
	snprintf(out, size, "%s/pending", b->kontora_dir);
}

/* Writes the journal naming paths.  Returns 0 or KT_EIO. */
static int journal_write(struct kt_books *b, char *const *paths, size_t n,
                         struct kt_error *err)
{
	struct kt_buf buf = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++)
		rc = kt_buf_addf(&buf, "%s\n", paths[i]);
	if (!rc)
		rc = write_file(b, b->kontora_dir, "pending", buf.data, buf.len, err);
	else
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	kt_buf_free(&buf);
	return rc;
}

/* Replays a journal left by a killed writer.  See internal.h. */
int journal_recover(struct kt_books *b, struct kt_error *err)
{
	char path[PATH_MAX], line[PATH_MAX];
	char **paths = NULL;
	size_t n = 0;
	int rc = 0;

	journal_path(b, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
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
		rc = sync_paths(b, paths, n, err);
	if (!rc)
		unlink(path);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* Replays a journal a killed writer left, unless a writer is at work now
 * (then the journal is its own).  Returns 0 or an error; readers may go
 * on after an error, as they read HEAD. */
int journal_recover_any(struct kt_books *b, struct kt_error *err)
{
	char path[PATH_MAX];
	int rc = 0;

	journal_path(b, path, sizeof path);
	if (access(path, F_OK) || b->lock_fd >= 0)
		return 0;
	snprintf(path, sizeof path, "%s/lock", b->kontora_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (!flock(fd, LOCK_EX | LOCK_NB)) {
		b->lock_fd = fd;
		rc = journal_recover(b, err);
		b->lock_fd = -1;
	}
	close(fd);
	return rc;
}

/* ------------------------------------------------------------- the change */

/* Starts a change.  See kontora.h. */
int kt_change_begin(struct kt_books *b, const char *command,
                    struct kt_change **out, struct kt_error *err)
{
	struct kt_change *c;
	int rc;

	if ((rc = lock_books(b, err)))
		return rc;
	if ((rc = journal_recover(b, err)) || (rc = index_open(b, err)) ||
	    (rc = books_identity(b, err))) {
		unlock_books(b);
		return rc;
	}
	if (!(c = calloc(1, sizeof *c)) || !(c->command = strdup(command))) {
		free(c);
		unlock_books(b);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	c->b = b;
	*out = c;
	return 0;
}

static void op_free(struct op *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->names[i]);
		free(o->values[i]);
	}
	free(o->names);
	free(o->values);
	free(o->path);
	kt_record_free(o->old);
	kt_buf_free(&o->bytes);
}

/* Returns the books c changes.  See internal.h. */
struct kt_books *change_books(const struct kt_change *c)
{
	return c->b;
}

/* Drops the change and releases the lock; NULL is fine. */
void kt_change_free(struct kt_change *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nops; i++)
		op_free(&c->ops[i]);
	free(c->ops);
	free(c->command);
	strmap_free(&c->added);
	unlock_books(c->b);
	free(c);
}

/* Appends a zeroed op to c.  Returns it or NULL when out of memory. */
static struct op *new_op(struct kt_change *c, enum op_kind kind,
                         const struct kt_schema *s)
{
	struct op *ops = c->ops;

	/* Doubling: a batch adds a hundred thousand ops. */
	if (c->nops == c->capops) {
		size_t cap = c->capops ? c->capops * 2 : 16;
		if (!(ops = realloc(c->ops, cap * sizeof *ops)))
			return NULL;
		c->ops = ops;
		c->capops = cap;
	}
	c->nother += kind != OP_ADD;
	memset(&ops[c->nops], 0, sizeof *ops);
	ops[c->nops].kind = kind;
	ops[c->nops].s = s;
	return &ops[c->nops++];
}

/* Appends (name, value) to o.  Returns 0 or KT_ENOMEM. */
static int op_set(struct op *o, const char *name, const char *value)
{
	char **names = realloc(o->names, (o->n + 1) * sizeof *names);
	if (!names)
		return KT_ENOMEM;
	o->names = names;
	char **values = realloc(o->values, (o->n + 1) * sizeof *values);
	if (!values)
		return KT_ENOMEM;
	o->values = values;
	names[o->n] = strdup(name);
	values[o->n] = strdup(value);
	if (!names[o->n] || !values[o->n]) {
		free(names[o->n]);
		free(values[o->n]);
		return KT_ENOMEM;
	}
	o->n++;
	return 0;
}

/* Returns the value of name in o, or NULL. */
static const char *op_get(const struct op *o, const char *name)
{
	for (size_t i = o->n; i-- > 0;)
		if (!strcmp(o->names[i], name))
			return o->values[i];
	return NULL;
}

/* Checks that no other record of s, nor another add of this change, has
 * value in unique field f.  Returns 0 or an error. */
static int check_unique(struct kt_change *c, const struct kt_schema *s,
                        const struct kt_field *f, const char *value,
                        const char *self, struct kt_error *err)
{
	struct kt_buf key = { 0 };
	char other[9];
	size_t at;
	int rc;

	if (!f->unique || !*value)
		return 0;
	if (kt_buf_addf(&key, "%s\037%s\037%s", s->name, f->name, value)) {
		kt_buf_free(&key);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	rc = strmap_get(&c->added, key.data, &at) && strcmp(c->ops[at].id, self ? self : "");
	kt_buf_free(&key);
	if (rc)
		return kt_error_set(err, KT_EEXISTS, "%s: %s is already used by %s", f->name, value, c->ops[at].id);
	for (size_t i = 0; c->nother && i < c->nops; i++) {
		const struct op *o = &c->ops[i];
		const char *v = o->s == s && o->kind == OP_EDIT ? op_get(o, f->name) : NULL;
		if (v && !strcmp(v, value) && strcmp(o->id, self ? self : ""))
			return kt_error_set(err, KT_EEXISTS, "%s: %s is already used by %s", f->name, value, o->id);
	}
	rc = index_exists(c->b, s, f->name, value, self, other, err);
	if (rc > 0)
		return kt_error_set(err, KT_EEXISTS, "%s: %s is already used by %s", f->name, value, other);
	return rc;
}

/* Remembers the id and unique values of the added record of op at, for
 * check_unique() and new ids.  Returns 0 or KT_ENOMEM. */
static int remember_added(struct kt_change *c, size_t at)
{
	const struct op *o = &c->ops[at];
	struct kt_buf key = { 0 };
	int rc = kt_buf_addf(&key, "%s\037id\037%s", o->s->name, o->id) ||
	         strmap_put(&c->added, key.data, at);

	for (size_t f = 0; !rc && f < o->s->nfields; f++) {
		const struct kt_field *fd = &o->s->fields[f];
		const char *v = fd->unique ? op_get(o, fd->name) : NULL;
		if (!v || !*v)
			continue;
		kt_buf_reset(&key);
		rc = kt_buf_addf(&key, "%s\037%s\037%s", o->s->name, fd->name, v) ||
		     strmap_put(&c->added, key.data, at);
	}
	kt_buf_free(&key);
	return rc ? KT_ENOMEM : 0;
}

/* Returns 1 if id is the id of a record this change adds.  See
 * internal.h. */
int change_adds(const struct kt_change *c, const struct kt_schema *s, const char *id)
{
	char key[128];

	snprintf(key, sizeof key, "%s\037id\037%s", s->name, id);
	return strmap_get(&c->added, key, NULL);
}

/* value_resolve() for a change: a reference may also name, by its full
 * id, a record this change adds (a lead and its new client in one
 * commit).  Returns 0 and *out (caller frees), or an error. */
static int change_value(struct kt_change *c, const struct kt_field *f, const char *in,
                        char **out, struct kt_error *err)
{
	const struct kt_schema *t = f->type == KT_REF && in ? kt_books_type(c->b, f->arg) : NULL;

	if (t && !t->key && change_adds(c, t, in))
		return (*out = strdup(in)) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	return value_resolve(c->b, f, in, out, err);
}

/* Adds a record.  See kontora.h. */
int kt_change_add(struct kt_change *c, const struct kt_schema *s,
                  char *const *names, char *const *values, size_t n,
                  const char **id, struct kt_error *err)
{
	struct kt_books *b = c->b;
	char created[21], newid[9];
	const char *given_created = NULL;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "created"))
			given_created = values[i];
		else if (!kt_schema_field(s, names[i]))
			return kt_error_set(err, KT_EINVAL, "%s: no such field in %s", names[i], s->file);
	}
	if (given_created && !kt_datetime_valid(given_created))
		return kt_error_set(err, KT_EINVAL, "created: \"%s\" is not a time YYYY-MM-DDTHH:MM:SSZ", given_created);
	do {
		if (id_new(s, newid))
			return kt_error_set(err, KT_EIO, "no random numbers for a new id");
		rc = index_exists(b, s, NULL, newid, NULL, NULL, err);
	} while (rc > 0 || (rc == 0 && change_adds(c, s, newid)));
	if (rc < 0)
		return rc;

	struct op *o = new_op(c, OP_ADD, s);
	if (!o)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	memcpy(o->id, newid, sizeof newid);
	rc = op_set(o, "id", newid);
	for (size_t f = 0; !rc && f < s->nfields; f++) {
		const struct kt_field *fd = &s->fields[f];
		const char *given = fd->def;
		char *v;
		/* A record one may add only as one's own is one's own. */
		if (s->owner && !strcmp(fd->name, s->owner) && !given)
			given = access_own_default(&b->who, s);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(names[i], fd->name))
				given = values[i];
		if ((rc = change_value(c, fd, given, &v, err)))
			break;
		if (fd->required && !*v)
			rc = kt_error_set(err, KT_EINVAL, "%s: required", fd->name);
		if (!rc)
			rc = check_unique(c, s, fd, v, NULL, err);
		if (!rc && (rc = op_set(o, fd->name, v)))
			kt_error_set(err, rc, "out of memory");
		free(v);
	}
	if (!rc) {
		kt_datetime_format(b->now, created);
		if (given_created)
			snprintf(created, sizeof created, "%s", given_created);
		if ((rc = op_set(o, "created", created)) || !(o->path = shard_path(s, created, newid)))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (!rc)
		rc = access_values(b, s, newid, NULL, o->names, o->values, o->n, err);
	if (rc) {
		op_free(o);
		c->nops--;
		return rc;
	}
	/* A note or a task on an unprocessed lead processes it (lead.c); the
	 * edit may move c->ops. */
	size_t at = (size_t)(o - c->ops);
	if ((rc = remember_added(c, at)))
		return kt_error_set(err, rc, "out of memory");
	if (op_get(o, "on") && *op_get(o, "on") && (rc = processed_touch_on(c, op_get(o, "on"), err)))
		return rc;
	*id = c->ops[at].id;
	return 0;
}

/* Returns the op of this change that already edits id, or NULL. */
static struct op *edit_of(struct kt_change *c, const char *id)
{
	for (size_t i = 0; i < c->nops; i++)
		if (c->ops[i].kind == OP_EDIT && !strcmp(c->ops[i].id, id))
			return &c->ops[i];
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
		if (!(o = new_op(c, OP_EDIT, s))) {
			kt_record_free(old);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		snprintf(o->id, sizeof o->id, "%s", id);
		o->old = old;
		old = NULL;
		if (index_shard_of(c->b, s, id, &o->path, err)) {
			rc = err->code;
			c->nops--;
			op_free(o);
			return rc;
		}
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const struct kt_field *f = kt_schema_field(s, names[i]);
		const char *cur = kt_record_get(o->old, names[i]);
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
		    (rc = op_set(o, names[i], v)))
			kt_error_set(err, rc, "out of memory");
		free(v);
	}
	kt_record_free(old);
	if (!rc)
		rc = access_values(c->b, s, id, o->old, o->names, o->values, o->n, err);
	/* Any edit of an unprocessed lead processes it (lead.c). */
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

/* Removes a record.  See kontora.h. */
int kt_change_remove(struct kt_change *c, const struct kt_schema *s,
                     const char *id, int force, struct kt_error *err)
{
	struct kt_record *old;
	int rc = access_record(c->b, s, id, ACCESS_WRITE, err);

	if (rc || (rc = kt_record_read(c->b, s, id, &old, err)))
		return rc;
	if (!force) {
		struct kt_buf who = { 0 };
		const char *key = s->key ? kt_record_get(old, s->key) : id;
		rc = index_referrers(c->b, s, key, &who, err);
		if (rc > 0)
			rc = kt_error_set(err, KT_EEXISTS, "%s %s is referred to by %s (use --force to remove it anyway)",
			                  s->name, id, who.data);
		kt_buf_free(&who);
		if (rc) {
			kt_record_free(old);
			return rc;
		}
	}
	struct op *o = new_op(c, OP_REMOVE, s);
	if (!o) {
		kt_record_free(old);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	snprintf(o->id, sizeof o->id, "%s", id);
	o->old = old;
	if (!(o->path = shard_path(s, kt_record_get(old, "created"), id))) {
		rc = index_shard_of(c->b, s, id, &o->path, err);
		if (rc) {
			c->nops--;
			op_free(o);
		}
	}
	return rc;
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

/* Checks a value of one of known_keys.  Returns 0 or KT_EINVAL. */
static int check_config_value(const char *key, const char *value, struct kt_error *err)
{
	int64_t size;

	if ((!strcasecmp(key, "attach.max-size") || !strcasecmp(key, "webhook.max-size")) &&
	    kt_size_parse(value, &size))
		return kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not a size (bytes, or a number "
		                    "with K, M or G)", key, value);
	for (size_t i = 0; i < sizeof known_keys / sizeof *known_keys; i++) {
		if (strcasecmp(key, known_keys[i].key))
			continue;
		const char *w = known_keys[i].words;
		if (!w && value[strspn(value, "0123456789")] == '\0' && *value)
			return 0;
		for (const char *p = w; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
			if (!strncmp(p, value, strlen(value)) && (p[strlen(value)] == '|' || !p[strlen(value)]) && *value)
				return 0;
		return kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not %s%s", key, value,
		                    w ? "one of " : "a number", w ? w : "");
	}
	return 0;
}

/* Sets or unsets a key of kontora.conf.  See kontora.h. */
int kt_change_config(struct kt_change *c, const char *key, const char *value,
                     struct kt_error *err)
{
	const char *dot = strchr(key, '.');
	struct op *o;

	if (access_settings(c->b, "config", err))
		return err->code;
	if (!dot || dot == key || !dot[1] || strchr(key, ' '))
		return kt_error_set(err, KT_EINVAL, "%s: a key is section.name", key);
	if (value && (check_config_value(key, value, err) || label_check(c->b, key, value, err)))
		return err->code;
	if (!(o = new_op(c, OP_CONFIG, NULL)) || !(o->path = strdup("kontora.conf")) ||
	    op_set(o, key, value ? value : "") ||
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
	for (size_t i = 0; i < c->nops; i++)
		if (!strcmp(c->ops[i].path, path))
			return kt_error_set(err, KT_EEXISTS, "%s: written twice by one change", path);
	if (!(o = new_op(c, OP_FILE, NULL)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(o->path = strdup(path)) || kt_buf_add(&o->bytes, data, len)) {
		op_free(o);
		c->nops--;
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

static int is_dict_op(const struct op *o)
{
	return o->kind == OP_DICT_ADD || o->kind == OP_DICT_REMOVE;
}

/* Returns the length of the dictionary's name in a dict op's path
 * "dicts/NAME.csv"; the name starts at path + 6. */
static int dict_name_len(const struct op *o)
{
	return (int)(strlen(o->path) - strlen("dicts/") - strlen(".csv"));
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
	size_t cap = (head ? head->n : 0) + c->nops + 1;

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
	for (size_t i = 0; i < c->nops; i++) {
		const struct op *o = &c->ops[i];
		if (!is_dict_op(o) || strcmp(o->path, path))
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
	struct op *o = new_op(c, kind, NULL);

	if (!o)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(o->path = strdup(path)) || op_set(o, id, name)) {
		op_free(o);
		c->nops--;
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
	else if (!force && (rc = index_dict_users(c->b, dict, id, &example, err)) > 0)
		rc = kt_error_set(err, KT_EEXISTS, "dict %s: %s is used by %d record%s (%s%s); use --force",
		                  dict, id, rc, rc == 1 ? "" : "s", example.data, rc == 1 ? "" : ", ...");
	if (!rc)
		rc = new_dict_op(c, OP_DICT_REMOVE, path, id, d.names[k], err);
	kt_buf_free(&example);
	dict_free(&d);
	return rc;
}

/* Describes the first n ops of c in words, one line per field, appended
 * to out.  Returns 0 or KT_ENOMEM. */
static int describe_ops(const struct kt_change *c, size_t n, struct kt_buf *out)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < n && i < c->nops; i++) {
		const struct op *o = &c->ops[i];
		switch (o->kind) {
		case OP_ADD:
			for (size_t f = 0; !rc && f < o->n; f++)
				if (*o->values[f])
					rc = kt_buf_addf(out, "%s: %s\n", o->names[f], o->values[f]);
			break;
		case OP_EDIT:
			for (size_t f = 0; !rc && f < o->n; f++) {
				const char *old = kt_record_get(o->old, o->names[f]);
				old = old ? old : "";
				rc = kt_buf_addf(out, "%s: %s%s->%s%s\n", o->names[f], old, *old ? " " : "",
				                 *o->values[f] ? " " : "", o->values[f]);
			}
			break;
		case OP_REMOVE:
			rc = kt_buf_addf(out, "removed %s %s\n", o->s->name, o->id);
			break;
		case OP_CONFIG:
			rc = op_get(o, "--unset") ? kt_buf_addf(out, "unset %s\n", o->names[0])
			                          : kt_buf_addf(out, "%s = %s\n", o->names[0], o->values[0]);
			break;
		case OP_DICT_ADD:
			rc = kt_buf_addf(out, "add %s: %s\n", o->names[0], o->values[0]);
			break;
		case OP_DICT_REMOVE:
			rc = kt_buf_addf(out, "remove %s\n", o->names[0]);
			break;
		case OP_FILE:
			rc = kt_buf_addf(out, "file %s (%zu bytes)\n", o->path, o->bytes.len);
			break;
		}
	}
	return rc ? KT_ENOMEM : 0;
}

/* Describes the change.  See kontora.h. */
int kt_change_describe(const struct kt_change *c, struct kt_buf *out)
{
	return describe_ops(c, c->nops, out);
}

/* ------------------------------------------------------- applying ops */

/* Appends the row of an add op to b. */
static int add_row(struct kt_buf *b, const struct op *o)
{
	return kt_csv_add_row(b, o->values, o->n);
}

/* Returns the field values of the row [start,end) of buf after applying
 * edit o, as a CSV row appended to out.  The header of buf must be
 * canonical for o->s. */
static int edited_row(const char *buf, size_t len, size_t start, size_t end,
                      const struct op *o, struct kt_buf *out,
                      struct kt_error *err)
{
	struct kt_csv *csv;
	int rc = shard_parse_range(buf, len, start, end, o->path, &csv, err);

	if (rc)
		return rc;
	if (csv->nrows != 1) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_ECSV, "%s: the row of %s is malformed; run kontora check", o->path, o->id);
	}
	struct kt_csv_row *r = &csv->rows[0];
	char **fields = calloc(csv->nheader, sizeof *fields);
	if (!fields) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < csv->nheader; i++) {
		const char *v = op_get(o, csv->header[i]);
		fields[i] = v ? (char *)v : i < r->nfields ? r->fields[i] : (char *)"";
	}
	rc = kt_csv_add_row(out, fields, csv->nheader) ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
	free(fields);
	kt_csv_free(csv);
	return rc;
}

/* A replacement of bytes [start, end) of a shard by the text of op. */
struct splice {
	size_t start, end;
	const struct op *op;
};

static int splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->op->id, y->op->id);
}

/* Returns 1 if the rows of buf are in id order, as kontora writes them;
 * a file edited by hand may not be. */
static int rows_sorted(const char *buf, size_t len)
{
	const char *prev = NULL;

	for (size_t pos = shard_header_len(buf, len); pos < len; pos = shard_row_end(buf, len, pos)) {
		if (len - pos < 8 || (prev && memcmp(prev, buf + pos, 8) > 0))
			return 0;
		prev = buf + pos;
	}
	return 1;
}

static int splice_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct splice *)a)->op->id, ((const struct splice *)b)->op->id);
}

/* Sets where each of the n adds of sp goes in sorted buf: before the
 * first row whose id sorts after its own.  One sweep over buf for them
 * all, as an import adds thousands to one shard. */
static void insert_positions(const char *buf, size_t len, struct splice *sp, size_t n)
{
	size_t pos = len ? shard_header_len(buf, len) : 0;

	qsort(sp, n, sizeof *sp, splice_id_cmp);
	for (size_t i = 0; i < n; i++) {
		while (pos < len && memcmp(buf + pos, sp[i].op->id, 8) <= 0)
			pos = shard_row_end(buf, len, pos);
		sp[i].start = sp[i].end = pos;
	}
}

/* Returns 1 if buf starts with the canonical header of s. */
static int canonical_header(const char *buf, size_t len, const struct kt_schema *s)
{
	struct kt_buf h = { 0 };
	size_t hlen = shard_header_len(buf, len);
	int same = !shard_header(&h, s, NULL, 0) && !kt_buf_addc(&h, '\n') &&
	           h.len == hlen && !memcmp(h.data, buf, hlen);

	kt_buf_free(&h);
	return same;
}

/* Returns the first op of c on path (every op on a path is of one sort:
 * records of one type, config, or one dictionary). */
static const struct op *op_on(const struct kt_change *c, const char *path)
{
	for (size_t i = 0; i < c->nops; i++)
		if (!strcmp(c->ops[i].path, path))
			return &c->ops[i];
	return NULL;
}

/* Returns the schema of the ops on path (NULL for kontora.conf and
 * dictionaries). */
static const struct kt_schema *schema_of(const struct kt_change *c, const char *path)
{
	for (size_t i = 0; i < c->nops; i++)
		if (!strcmp(c->ops[i].path, path))
			return c->ops[i].s;
	return NULL;
}

/* Applies the ops on path to a shard whose header is canonical and rows
 * sorted, copying untouched rows as they are.  Returns 0, 1 when the
 * shard is not fit for splicing, or an error. */
static int splice_shard(const struct kt_change *c, const char *path,
                        const char *buf, size_t len, struct kt_buf *out,
                        struct kt_error *err)
{
	struct splice *sp = calloc(c->nops, sizeof *sp);
	size_t n = 0, pos = 0;
	int rc = 0;

	if (!sp)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	/* Splicing keeps the file canonical only if it already is. */
	if (len && (!canonical_header(buf, len, schema_of(c, path)) || !rows_sorted(buf, len)))
		rc = 1;
	/* The adds first, placed in one sweep, then the edits and removes. */
	for (size_t i = 0; i < c->nops && rc == 0; i++)
		if (c->ops[i].kind == OP_ADD && !strcmp(c->ops[i].path, path))
			sp[n++] = (struct splice){ 0, 0, &c->ops[i] };
	if (!rc)
		insert_positions(buf, len, sp, n);
	for (size_t i = 0; i < c->nops && rc == 0; i++) {
		const struct op *o = &c->ops[i];
		if (o->kind == OP_ADD || strcmp(o->path, path))
			continue;
		if (!shard_find_row(buf, len, o->id, &sp[n].start, &sp[n].end))
			rc = kt_error_set(err, KT_ENOTFOUND, "%s: no row %s; run kontora reindex", path, o->id);
		else
			sp[n++].op = o;
	}
	qsort(sp, n, sizeof *sp, splice_cmp);
	if (!rc && !len && n && (rc = shard_header(out, sp[0].op->s, NULL, 0) || kt_buf_addc(out, '\n')))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const struct op *o = sp[i].op;
		if (kt_buf_add(out, buf + pos, sp[i].start - pos))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else if (o->kind == OP_ADD)
			rc = add_row(out, o) ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
		else if (o->kind == OP_EDIT)
			rc = edited_row(buf, len, sp[i].start, sp[i].end, o, out, err);
		pos = sp[i].end;
	}
	if (!rc && kt_buf_add(out, buf + pos, len - pos))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	free(sp);
	return rc;
}

/* Writes records in the canonical form: the schema's columns, then the
 * columns of csv's header the schema does not know.  Returns 0 or an
 * error. */
static int write_records(const struct kt_schema *s, const struct kt_csv *csv,
                         struct kt_record *const *recs, size_t n,
                         struct kt_buf *out, struct kt_error *err)
{
	size_t ncols = 0;
	const char **cols = calloc(s->nfields + 2 + csv->nheader, sizeof *cols);
	char **row = calloc(s->nfields + 2 + csv->nheader, sizeof *row);
	int rc = 0;

	if (!cols || !row)
		rc = KT_ENOMEM;
	for (size_t i = 0; !rc && i < s->nfields + 2; i++)
		cols[ncols++] = i == 0 ? "id" : i <= s->nfields ? s->fields[i - 1].name : "created";
	for (size_t i = 0; !rc && i < csv->nheader; i++)
		if (strcmp(csv->header[i], "id") && strcmp(csv->header[i], "created") &&
		    !kt_schema_field(s, csv->header[i]))
			cols[ncols++] = csv->header[i];
	if (!rc)
		rc = shard_header(out, s, (char *const *)cols + s->nfields + 2, ncols - s->nfields - 2) ||
		     kt_buf_addc(out, '\n');
	for (size_t i = 0; !rc && i < n; i++) {
		for (size_t k = 0; k < ncols; k++) {
			const char *v = kt_record_get(recs[i], cols[k]);
			row[k] = (char *)(v ? v : "");
		}
		rc = kt_csv_add_row(out, row, ncols);
	}
	free(cols);
	free(row);
	return rc ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
}

static int record_cmp(const void *a, const void *b)
{
	const struct kt_record *x = *(struct kt_record *const *)a;
	const struct kt_record *y = *(struct kt_record *const *)b;
	return strcmp(x->values[0], y->values[0]);
}

/* Rewrites a shard whole in the canonical form: schema columns, then the
 * unknown ones; rows sorted by id; then applies the ops.  Returns 0 or an
 * error. */
static int rewrite_shard(const struct kt_change *c, const struct kt_schema *s,
                         const char *path, const char *buf, size_t len,
                         struct kt_buf *out, struct kt_error *err)
{
	struct kt_csv *csv = NULL;
	struct kt_record **recs = NULL;
	size_t n = 0;
	int rc = kt_csv_parse(buf, len, path, &csv, err);

	if (rc)
		return rc;
	recs = calloc(csv->nrows + c->nops + 1, sizeof *recs);
	if (!recs)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		struct kt_csv_row *r = &csv->rows[i];
		if (r->nfields > csv->nheader)
			rc = kt_error_set(err, KT_ECSV, "%s:%ld: more fields than the header names; fix the row by hand",
			                  path, r->line);
		else if (record_from_row(s, csv->header, csv->nheader, r->fields, r->nfields, &recs[n++]))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; !rc && i < c->nops; i++) {
		const struct op *o = &c->ops[i];
		if (strcmp(o->path, path))
			continue;
		if (o->kind == OP_ADD) {
			if (record_from_row(s, o->names, o->n, o->values, o->n, &recs[n++]))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			continue;
		}
		size_t k = 0;
		while (k < n && strcmp(recs[k]->values[0], o->id))
			k++;
		if (k == n) {
			rc = kt_error_set(err, KT_ENOTFOUND, "%s: no row %s; run kontora reindex", path, o->id);
		} else if (o->kind == OP_REMOVE) {
			kt_record_free(recs[k]);
			recs[k] = recs[--n];
		} else {
			for (size_t f = 0; !rc && f < recs[k]->n; f++) {
				const char *v = op_get(o, recs[k]->names[f]);
				if (v && !(free(recs[k]->values[f]), recs[k]->values[f] = strdup(v)))
					rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			}
		}
	}
	if (!rc)
		qsort(recs, n, sizeof *recs, record_cmp);
	if (!rc && n)
		rc = write_records(s, csv, recs, n, out, err);
	for (size_t i = 0; i < n; i++)
		kt_record_free(recs[i]);
	free(recs);
	kt_csv_free(csv);
	return rc;
}

/* Applies the config ops to kontora.conf's text through libgit2's config
 * writer, in a scratch file under .git/kontora.  Returns 0 or an error. */
static int apply_config(const struct kt_change *c, const char *buf, size_t len,
                        struct kt_buf *out, struct kt_error *err)
{
	char tmp[PATH_MAX];
	git_config *cfg = NULL;
	int rc;

	snprintf(tmp, sizeof tmp, "%s/kontora.conf.%ld", c->b->kontora_dir, (long)getpid());
	if ((rc = write_file(c->b, c->b->kontora_dir, strrchr(tmp, '/') + 1, buf, len, err)))
		return rc;
	if (git_config_open_ondisk(&cfg, tmp)) {
		rc = git_fail(err, "kontora.conf");
		goto done;
	}
	for (size_t i = 0; !rc && i < c->nops; i++) {
		const struct op *o = &c->ops[i];
		if (o->kind != OP_CONFIG)
			continue;
		int g = op_get(o, "--unset") ? git_config_delete_entry(cfg, o->names[0])
		                             : git_config_set_string(cfg, o->names[0], o->values[0]);
		if (g == GIT_ENOTFOUND)
			rc = kt_error_set(err, KT_ENOTFOUND, "kontora.conf: no key %s", o->names[0]);
		else if (g)
			rc = git_fail(err, o->names[0]);
	}
	git_config_free(cfg);
	cfg = NULL;
	FILE *f = rc ? NULL : fopen(tmp, "rb");
	if (f) {
		char chunk[8192];
		size_t r;
		while ((r = fread(chunk, 1, sizeof chunk, f)) > 0 && !rc)
			if (kt_buf_add(out, chunk, r))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		fclose(f);
	} else if (!rc) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", tmp, strerror(errno));
	}
done:
	unlink(tmp);
	return rc;
}

/* Applies the dict ops on path to the dictionary's text buf (empty when
 * there is none yet): its rows in their order, minus the removed entries,
 * then the added ones, written with kt_csv_add_row under the header of the
 * file (id,name for a new one; columns after name are kept).  The ops were
 * validated against an older HEAD, so an entry added or removed meanwhile
 * is an error here.  Returns 0 or an error. */
static int apply_dict(const struct kt_change *c, const char *path,
                      const char *buf, size_t len, struct kt_buf *out,
                      struct kt_error *err)
{
	static char *const id_name[] = { "id", "name" };
	struct kt_csv *csv = NULL;
	struct entry {
		char *const *fields;   /* a row of the file, or NULL for add */
		size_t n;
		const struct op *add;
	} *e = NULL;
	size_t n = 0, ncols;
	char **row = NULL;
	int rc = kt_csv_parse(buf, len, path, &csv, err);

	if (rc)
		return rc;
	if (csv->nheader && (csv->nheader < 2 || strcmp(csv->header[0], "id") || strcmp(csv->header[1], "name"))) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_EINVAL, "%s:1: the header must be id,name", path);
	}
	ncols = csv->nheader ? csv->nheader : 2;
	e = calloc(csv->nrows + c->nops + 1, sizeof *e);
	row = calloc(ncols, sizeof *row);
	if (!e || !row)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < csv->nrows; i++)
		e[n++] = (struct entry){ csv->rows[i].fields, csv->rows[i].nfields, NULL };
	for (size_t i = 0; !rc && i < c->nops; i++) {
		const struct op *o = &c->ops[i];
		if (!is_dict_op(o) || strcmp(o->path, path))
			continue;
		size_t k = 0;
		while (k < n && strcmp(e[k].add ? e[k].add->names[0] : e[k].n ? e[k].fields[0] : "",
		                       o->names[0]))
			k++;
		if (o->kind == OP_DICT_ADD && k < n) {
			rc = kt_error_set(err, KT_EEXISTS, "dict %.*s: %s already exists", dict_name_len(o),
			                  o->path + 6, o->names[0]);
		} else if (o->kind == OP_DICT_ADD) {
			e[n++] = (struct entry){ NULL, 0, o };
		} else if (k == n) {
			rc = kt_error_set(err, KT_ENOTFOUND, "dict %.*s: no entry %s", dict_name_len(o),
			                  o->path + 6, o->names[0]);
		} else {
			memmove(e + k, e + k + 1, (n - k - 1) * sizeof *e);
			n--;
		}
	}
	if (!rc && kt_csv_add_row(out, csv->nheader ? csv->header : id_name, ncols))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const struct op *o = e[i].add;
		for (size_t k = 0; o && k < ncols; k++)
			row[k] = k == 0 ? o->names[0] : k == 1 ? o->values[0] : (char *)"";
		if (o ? kt_csv_add_row(out, row, ncols) : kt_csv_add_row(out, e[i].fields, e[i].n))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	free(row);
	free(e);
	kt_csv_free(csv);
	return rc;
}

/* Refuses to write path when the worktree's copy differs from HEAD's, so
 * that hand edits not yet committed are never overwritten. */
static int check_clean(const struct kt_books *b, const char *path,
                       const char *head, size_t len, struct kt_error *err)
{
	char full[PATH_MAX];
	struct stat st;
	int clean = 0;

	snprintf(full, sizeof full, "%s/%s", b->root, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		clean = errno == ENOENT && len == 0;
	else if (!fstat(fd, &st) && (size_t)st.st_size == len) {
		char *disk = malloc(len + 1);
		clean = disk && read(fd, disk, len + 1) == (ssize_t)len && !memcmp(disk, head, len);
		free(disk);
	}
	if (fd >= 0)
		close(fd);
	if (clean)
		return 0;
	return kt_error_set(err, KT_EDIRTY, "%s has uncommitted changes; commit them with git or restore the file",
	                    path);
}

/* Computes the new content of c->path from HEAD's tree into c, and
 * writes its blob.  Returns 0 or an error. */
static int new_content(const struct kt_change *ch, git_tree *tree, struct content *c,
                       struct kt_error *err)
{
	const struct op *first = op_on(ch, c->path);
	const struct kt_schema *s = schema_of(ch, c->path);
	git_blob *blob;
	const char *buf;
	size_t len;
	int rc = tree_blob(ch->b->repo, tree, c->path, &blob, &buf, &len, err);

	if (rc)
		return rc;
	kt_buf_reset(&c->data);
	if (!(rc = check_clean(ch->b, c->path, buf, len, err))) {
		if (first && first->kind == OP_CONFIG) {
			rc = apply_config(ch, buf, len, &c->data, err);
		} else if (first && first->kind == OP_FILE) {
			if (kt_buf_add(&c->data, first->bytes.data, first->bytes.len))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		} else if (first && is_dict_op(first)) {
			rc = apply_dict(ch, c->path, buf, len, &c->data, err);
		} else if (!s) {
			rc = kt_error_set(err, KT_EINVAL, "%s: no operation of this change writes it", c->path);
		} else if ((rc = splice_shard(ch, c->path, buf, len, &c->data, err)) == 1) {
			kt_buf_reset(&c->data);
			rc = rewrite_shard(ch, s, c->path, buf, len, &c->data, err);
		}
	}
	git_blob_free(blob);
	/* A shard left with its header alone goes away. */
	c->gone = s && (!c->data.len || shard_header_len(c->data.data, c->data.len) == c->data.len);
	if (!rc && !c->gone &&
	    git_blob_create_from_buffer(&c->id, ch->b->repo, c->data.data ? c->data.data : "", c->data.len))
		rc = git_fail(err, c->path);
	return rc;
}

/* Builds the commit message.  Returns 0 or KT_ENOMEM. */
static int message(const struct kt_change *c, const char *subject, struct kt_buf *m)
{
	const struct op *o = &c->ops[0];
	int rc = 0;

	if (subject)
		rc = kt_buf_adds(m, subject);
	else if (o->kind == OP_CONFIG)
		rc = kt_buf_addf(m, "config: %s %s", op_get(o, "--unset") ? "unset" : "set", o->names[0]);
	else if (is_dict_op(o)) {
		rc = kt_buf_addf(m, "dict %.*s: %s %s (%s)", dict_name_len(o), o->path + 6,
		                 o->kind == OP_DICT_ADD ? "add" : "remove", o->names[0], o->values[0]);
		if (!rc && c->nops > 1)
			rc = kt_buf_addf(m, " and %zu more", c->nops - 1);
	} else if (o->kind == OP_FILE) {
		rc = kt_buf_addf(m, "file %s", o->path);
		if (!rc && c->nops > 1)
			rc = kt_buf_addf(m, " and %zu more", c->nops - 1);
	} else {
		const char *verb = o->kind == OP_ADD ? "add" : o->kind == OP_EDIT ? "edit" : "remove";
		const struct kt_record *r = o->old;
		const char *title = o->s->title ? (r ? kt_record_get(r, o->s->title) : op_get(o, o->s->title)) : NULL;
		rc = kt_buf_addf(m, "%s %s: %s", o->s->name, o->id, verb);
		for (size_t f = 0; !rc && o->kind == OP_EDIT && f < o->n; f++)
			rc = kt_buf_addf(m, "%s%s", f ? ", " : " ", o->names[f]);
		if (!rc && o->kind != OP_EDIT && title && *title)
			rc = kt_buf_addf(m, " %s", title);
		if (!rc && c->nops > 1)
			rc = kt_buf_addf(m, " and %zu more", c->nops - 1);
	}
	if (!rc)
		rc = kt_buf_adds(m, "\n\n");
	/* An import's commit would hold megabytes of fields: the first ops
	 * tell what it was, the data holds the rest. */
	if (!rc)
		rc = describe_ops(c, MESSAGE_OPS, m);
	if (!rc && c->nops > MESSAGE_OPS)
		rc = kt_buf_addf(m, "... and %zu more\n", c->nops - MESSAGE_OPS);
	if (!rc)
		rc = kt_buf_addf(m, "\nKontora-Command: %s\n", c->command);
	struct strmap named = { 0 };
	for (size_t i = 0; !rc && i < c->nops && named.n < MESSAGE_OPS; i++)
		if (c->ops[i].id[0] && !strmap_get(&named, c->ops[i].id, NULL))
			rc = strmap_put(&named, c->ops[i].id, i) ||
			     kt_buf_addf(m, "Kontora-Record: %s\n", c->ops[i].id);
	strmap_free(&named);
	return rc ? KT_ENOMEM : 0;
}

/* Returns the distinct paths the ops touch, in *paths (free the array,
 * not the strings, which the ops own). */
static size_t touched_paths(const struct kt_change *c, char ***paths)
{
	size_t n = 0;

	*paths = calloc(c->nops, sizeof **paths);
	for (size_t i = 0; *paths && i < c->nops; i++) {
		size_t k = 0;
		while (k < n && strcmp((*paths)[k], c->ops[i].path))
			k++;
		if (k == n)
			(*paths)[n++] = c->ops[i].path;
	}
	return n;
}

/* Removes a branch's ref lock left by a killed process: older than two
 * seconds, while kontora's own lock is held (git holds it for
 * milliseconds).  Returns 1 if removed. */
static int remove_stale_ref_lock(const struct kt_books *b, const char *ref)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof path, "%s/.git/%s.lock", b->root, ref);
	return !stat(path, &st) && time(NULL) - st.st_mtime >= 2 && !unlink(path);
}

/* Makes one attempt: a commit on top of the branch's current tip, and the
 * compare-and-swap.  Returns 0, GIT_EMODIFIED when the branch moved or is
 * locked for a moment, NOTHING when the tree would not change, or an
 * error. */
static int attempt(struct kt_change *c, const char *msg, struct content *cs,
                   size_t n, git_oid *out, struct kt_error *err)
{
	struct kt_books *b = c->b;
	git_reference *head = NULL, *moved = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *newtree = NULL;
	git_signature *sig = NULL;
	git_tree_update *up = calloc(n ? n : 1, sizeof *up);
	char **paths = calloc(n ? n : 1, sizeof *paths);
	git_oid tree_oid;
	size_t nup = 0;
	int rc = 0;

	if (!up || !paths) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	if (git_repository_head(&head, b->repo) || !git_reference_is_branch(head)) {
		rc = kt_error_set(err, KT_EGIT, "HEAD is not a branch: check out main");
		goto done;
	}
	if (git_commit_lookup(&parent, b->repo, git_reference_target(head)) ||
	    git_commit_tree(&tree, parent)) {
		rc = git_fail(err, "HEAD");
		goto done;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		git_tree_entry *e = NULL;
		paths[i] = cs[i].path;
		if ((rc = new_content(c, tree, &cs[i], err)))
			break;
		/* Removing what is not there would make libgit2 fail. */
		if (cs[i].gone && git_tree_entry_bypath(&e, tree, cs[i].path))
			continue;
		git_tree_entry_free(e);
		up[nup].action = cs[i].gone ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT;
		up[nup].filemode = GIT_FILEMODE_BLOB;
		up[nup].path = cs[i].path;
		git_oid_cpy(&up[nup++].id, &cs[i].id);
	}
	if (rc)
		goto done;
	if (git_tree_create_updated(&tree_oid, b->repo, tree, nup, up) ||
	    git_tree_lookup(&newtree, b->repo, &tree_oid)) {
		rc = git_fail(err, "tree");
		goto done;
	}
	/* A change that changes nothing (the same value set again) is no commit. */
	if (git_oid_equal(&tree_oid, git_tree_id(tree))) {
		rc = NOTHING;
		goto done;
	}
	const struct kt_identity *who = kt_books_identity(b);
	const git_commit *parents[] = { parent };
	if (git_signature_new(&sig, who->name, who->email, (git_time_t)b->now, 0) ||
	    git_commit_create(out, b->repo, NULL, sig, sig, NULL, msg, newtree, 1, parents)) {
		rc = git_fail(err, "commit");
		goto done;
	}
	if ((rc = journal_write(b, paths, n, err)))
		goto done;
	int g = git_reference_create_matching(&moved, b->repo, git_reference_name(head), out, 1,
	                                      git_reference_target(head), "kontora");
	if (g == GIT_EMODIFIED || g == GIT_ELOCKED) {
		char jp[PATH_MAX];
		journal_path(b, jp, sizeof jp);
		unlink(jp);
		if (g == GIT_ELOCKED && !remove_stale_ref_lock(b, git_reference_name(head)))
			usleep(10000);
		rc = GIT_EMODIFIED;
	} else if (g) {
		rc = git_fail(err, git_reference_name(head));
	}
done:
	git_reference_free(moved);
	git_reference_free(head);
	git_signature_free(sig);
	git_tree_free(newtree);
	git_tree_free(tree);
	git_commit_free(parent);
	free(up);
	free(paths);
	return rc;
}

/* Commits the change.  See kontora.h. */
int kt_change_commit(struct kt_change *c, const char *subject, char oid[41],
                     struct kt_error *err)
{
	struct kt_buf msg = { 0 };
	struct content *cs;
	char **paths = NULL;
	size_t n, real = 0;
	git_oid id;
	int rc;

	if (oid)
		oid[0] = '\0';
	for (size_t i = 0; i < c->nops; i++)
		real += c->ops[i].kind != OP_EDIT || c->ops[i].n;
	if (!real)
		return 0;
	n = touched_paths(c, &paths);
	cs = calloc(n ? n : 1, sizeof *cs);
	if (!paths || !cs || message(c, subject, &msg)) {
		free(paths);
		free(cs);
		kt_buf_free(&msg);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		cs[i].path = paths[i];
	rc = GIT_EMODIFIED;
	for (int i = 0; rc == GIT_EMODIFIED && i < MAX_ATTEMPTS; i++)
		rc = attempt(c, msg.data, cs, n, &id, err);
	if (rc == GIT_EMODIFIED)
		rc = kt_error_set(err, KT_ECONFLICT, "the branch kept moving; nothing was changed, try again");
	if (rc == NOTHING) {
		rc = 0;
	} else if (!rc) {
		char jp[PATH_MAX];
		journal_path(c->b, jp, sizeof jp);
		if (!(rc = sync_contents(c->b, cs, n, 0, err)))
			unlink(jp);
		if (oid)
			git_oid_tostr(oid, 41, &id);
		c->b->index_fresh = 0;
		if (!rc)
			rc = kt_index_refresh(c->b, err);
	}
	/* The dictionaries loaded from the HEAD before are stale now. */
	for (size_t i = 0; i < c->nops; i++)
		if (is_dict_op(&c->ops[i])) {
			books_dicts_reset(c->b);
			break;
		}
	for (size_t i = 0; i < n; i++)
		kt_buf_free(&cs[i].data);
	free(cs);
	free(paths);
	kt_buf_free(&msg);
	return rc;
}
