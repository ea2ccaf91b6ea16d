/*
 * repo.c - the books' repository: finding and opening it, and reading
 * what HEAD holds.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/repo.h"

/* Returns libgit2's last error message (static or owned by libgit2). */
const char *git_message(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}

/* Sets err to "what: libgit2's message"; returns KT_EGIT. */
int git_fail(struct kt_error *err, const char *what)
{
	return kt_error_set(err, KT_EGIT, "%s: %s", what, git_message());
}

/* Reads the blob at path in tree.  See repo.h. */
int tree_blob(git_repository *repo, const git_tree *tree, const char *path,
              git_blob **blob, const char **buf, size_t *len,
              struct kt_error *err)
{
	git_tree_entry *e = NULL;
	int rc = git_tree_entry_bypath(&e, tree, path);

	*blob = NULL;
	*buf = "";
	*len = 0;
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc)
		return git_fail(err, path);
	rc = git_blob_lookup(blob, repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (rc)
		return git_fail(err, path);
	*buf = git_blob_rawcontent(*blob);
	*len = (size_t)git_blob_rawsize(*blob);
	return 0;
}

/* Initialises libgit2 and opens the repository once.  See repo.h. */
int store_git(struct store *st, struct kt_error *err)
{
	int rc;

	if (st->repo)
		return 0;
	if (!st->git_on) {
		store_fault(st, "libgit2");
		if ((rc = git_start(err)))
			return rc;
		st->git_on = 1;
		/* An edit reads its shard's blob several times (the record, the
		 * commit, the index refresh); libgit2 does not cache blobs unless
		 * told to. */
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, (size_t)16 << 20);
		/* ... but a reindex reads every shard once: keep memory to a few
		 * shards. */
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)24 << 20);
		/* Every object read is hashed again unless told not to, which
		 * costs as much as reading it; git fsck and kontora check are for
		 * that. */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	}
	return git_repository_open(&st->repo, st->root) ? git_fail(err, st->root) : 0;
}

/* Resolves HEAD or the pinned commit to its commit and tree.  See repo.h. */
int head_tree(struct store *st, git_commit **commit, git_tree **tree,
              struct kt_error *err)
{
	git_object *obj = NULL;
	git_commit *c;
	int rc = store_git(st, err);

	if (rc)
		return rc;
	if (git_revparse_single(&obj, st->repo, *st->at ? st->at : "HEAD^{commit}"))
		return git_fail(err, *st->at ? st->at : "HEAD");
	c = (git_commit *)obj;
	if (tree && git_commit_tree(tree, c)) {
		git_commit_free(c);
		return git_fail(err, "HEAD's tree");
	}
	if (commit)
		*commit = c;
	else
		git_commit_free(c);
	return 0;
}

/* Returns 1 if dir holds kontora.conf and .git. */
static int is_books(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof path, "%s/kontora.conf", dir);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	snprintf(path, sizeof path, "%s/.git", dir);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Finds the books at start or above.  See kontora.h. */
int kt_books_find(const char *start, char **root, struct kt_error *err)
{
	char *dir = realpath(start, NULL);

	if (!dir)
		return kt_error_set(err, KT_ENOTBOOKS, "%s: %s", start, strerror(errno));
	for (;;) {
		if (is_books(dir)) {
			*root = dir;
			return 0;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	free(dir);
	return kt_error_set(err, KT_ENOTBOOKS, "not inside kontora books (run 'kontora init DIR')");
}

/* What store_each_file() passes on from the cache: the directory and
 * suffix asked for, and its caller's function. */
struct each_file {
	const char *dir, *suffix;
	int (*fn)(void *arg, const char *path, const char *base, const char *text, size_t len,
	          struct kt_error *err);
	void *arg;
	struct kt_error *err;
};

/* cache_each() callback: passes a cached file right under the directory
 * with the suffix to the caller's function.  Returns its return. */
static int cached_file(void *arg, const char *name, size_t nlen, const char *data, size_t len)
{
	struct each_file *ef = arg;
	size_t dlen = strlen(ef->dir), slen = strlen(ef->suffix);
	char path[PATH_MAX], base[PATH_MAX];

	if (nlen >= sizeof path || nlen <= dlen + 1 + slen || memcmp(name, ef->dir, dlen) ||
	    name[dlen] != '/' || memchr(name + dlen + 1, '/', nlen - dlen - 1) ||
	    memcmp(name + nlen - slen, ef->suffix, slen))
		return 0;
	snprintf(path, sizeof path, "%.*s", (int)nlen, name);
	snprintf(base, sizeof base, "%.*s", (int)(nlen - dlen - 1 - slen), name + dlen + 1);
	return ef->fn(ef->arg, path, base, data, len, ef->err);
}

/* Serves store_each_file() from the cache when it holds the directory
 * for HEAD, with what store_each_file() returns in *rc.  Returns 1 when
 * it did, 0 when the caller reads git. */
static int each_cached_file(struct store *st, struct each_file *ef, char dir_hex[41], int *rc)
{
	char head[41], key[PATH_MAX];
	const char *tree;
	size_t len;
	struct kt_error ignored;

	snprintf(key, sizeof key, "%s|%s", ef->dir, ef->suffix);
	if (store_head(st, head, &ignored) || !cache_is(st, head) ||
	    !cache_find(st, 'T', key, &tree, &len))
		return 0;
	if (dir_hex && len)
		snprintf(dir_hex, 41, "%.*s", (int)len, tree);
	*rc = len ? cache_each(st, 'F', cached_file, ef) : KT_ENOTFOUND;
	return 1;
}

/* Remembers in the cache that the commit read has the directory key
 * ("DIR|SUFFIX") at tree id dir (NULL: none), after its files.  A cache
 * that cannot grow is dropped: it is only a cache. */
static void cache_dir(struct store *st, const char *key, const git_oid *dir)
{
	char hex[41] = "";

	if (dir)
		git_oid_tostr(hex, sizeof hex, dir);
	if (cache_add(st, 'T', key, hex, strlen(hex)))
		cache_drop(st);
}

/* Calls fn for every file of HEAD's directory.  See store.h. */
int store_each_file(struct store *st, const char *dir, const char *suffix, char dir_hex[41],
                    int (*fn)(void *arg, const char *path, const char *base,
                              const char *text, size_t len, struct kt_error *err),
                    void *arg, struct kt_error *err)
{
	struct each_file ef = { dir, suffix, fn, arg, err };
	git_commit *c = NULL;
	git_tree *head = NULL, *tree = NULL;
	git_tree_entry *e = NULL;
	size_t slen = strlen(suffix);
	char key[PATH_MAX], hex[41];
	int rc, caching;

	if (each_cached_file(st, &ef, dir_hex, &rc) || (rc = head_tree(st, &c, &head, err)))
		return rc;
	caching = !cache_start(st, git_oid_tostr(hex, sizeof hex, git_commit_id(c)));
	snprintf(key, sizeof key, "%s|%s", dir, suffix);
	if (git_tree_entry_bypath(&e, head, dir) || git_tree_lookup(&tree, st->repo, git_tree_entry_id(e))) {
		if (caching)
			cache_dir(st, key, NULL);
		rc = KT_ENOTFOUND;
		goto done;
	}
	if (dir_hex)
		git_oid_tostr(dir_hex, 41, git_tree_entry_id(e));
	for (size_t i = 0; !rc && i < git_tree_entrycount(tree); i++) {
		const char *name = git_tree_entry_name(git_tree_entry_byindex(tree, i));
		size_t len = strlen(name);
		char path[PATH_MAX], base[PATH_MAX];
		git_blob *blob;
		const char *text;
		size_t tlen;

		if (len <= slen || strcmp(name + len - slen, suffix))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, name);
		snprintf(base, sizeof base, "%.*s", (int)(len - slen), name);
		if ((rc = tree_blob(st->repo, head, path, &blob, &text, &tlen, err)))
			break;
		if (caching && cache_add(st, 'F', path, text, tlen))
			cache_drop(st), caching = 0;
		rc = fn(arg, path, base, text, tlen, err);
		git_blob_free(blob);
	}
	/* Only a directory read whole is cached. */
	if (caching && !rc)
		cache_dir(st, key, git_tree_entry_id(e));
	else if (caching)
		cache_drop(st);
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_tree_free(head);
	git_commit_free(c);
	return rc;
}

/* Reads git's user.name and user.email.  See kontora.h. */
int kt_git_identity(char **name, char **email, struct kt_error *err)
{
	git_config *cfg = NULL;
	git_buf n = { 0 }, e = { 0 };
	int rc = git_start(err);

	if (rc)
		return rc;
	rc = KT_ENOTFOUND;
	if (!git_config_open_default(&cfg) &&
	    !git_config_get_string_buf(&n, cfg, "user.name") &&
	    !git_config_get_string_buf(&e, cfg, "user.email")) {
		*name = strdup(n.ptr);
		*email = strdup(e.ptr);
		rc = *name && *email ? 0 : KT_ENOMEM;
	}
	git_buf_dispose(&n);
	git_buf_dispose(&e);
	git_config_free(cfg);
	git_libgit2_shutdown();
	if (rc == KT_ENOTFOUND)
		return kt_error_set(err, rc, "git's user.name and user.email are not set "
		                    "(git config --global user.name ...)");
	return rc ? kt_error_set(err, rc, "out of memory") : 0;
}

const char *store_root(const struct store *st)
{
	return st->root;
}

const char *store_dir(const struct store *st)
{
	return st->dir;
}

/* Returns 1 if s[0..n) is 40 lower-case hex digits. */
static int is_hex40(const char *s, size_t n)
{
	return n == 40 && strspn(s, "0123456789abcdef") >= 40;
}

/* Finds the branch ref (refs/heads/...) in the packed-refs text buf and
 * writes its id into hex.  Returns 0, or 1 when it is not there. */
static int packed_ref(const char *buf, const char *ref, char hex[41])
{
	size_t rlen = strlen(ref);

	for (const char *l = buf; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		size_t n = strcspn(l, "\n");
		if (n == 41 + rlen && l[40] == ' ' && is_hex40(l, 40) && !memcmp(l + 41, ref, rlen)) {
			memcpy(hex, l, 40);
			hex[40] = '\0';
			return 0;
		}
	}
	return 1;
}

/* Reads the text of the small file .git/name into out.  Returns 0, or 1
 * when it cannot. */
static int git_file(const struct store *st, const char *name, struct kt_buf *out)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/.git/%s", st->root, name);
	kt_buf_reset(out);
	return file_read(path, 1 << 20, NULL, out, NULL) || !out->data ? 1 : 0;
}

/* Reads HEAD's commit id from git's files, as git does: .git/HEAD holds
 * an id (detached) or "ref: refs/heads/NAME", whose loose ref file holds
 * the id, else its line in packed-refs.  Returns 0, or 1 when anything
 * is unusual (a ref of another kind, no such branch yet, reftable, a
 * line it cannot read): libgit2 decides then. */
static int head_from_files(const struct store *st, char hex[41])
{
	struct kt_buf b = { 0 };
	char ref[PATH_MAX];
	int rc = git_file(st, "HEAD", &b);

	if (!rc && b.len == 41 && b.data[40] == '\n' && is_hex40(b.data, 40)) {
		memcpy(hex, b.data, 40);
		hex[40] = '\0';
	} else if (!rc && b.len > 16 && b.len < sizeof ref + 5 && !strncmp(b.data, "ref: refs/heads/", 16) &&
	           b.data[b.len - 1] == '\n' && !strstr(b.data, "..") &&
	           strspn(b.data + 5, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-") ==
	           b.len - 6) {
		snprintf(ref, sizeof ref, "%.*s", (int)(b.len - 6), b.data + 5);
		if (git_file(st, ref, &b)) {
			rc = git_file(st, "packed-refs", &b) || packed_ref(b.data, ref, hex);
		} else if (b.len == 41 && b.data[40] == '\n' && is_hex40(b.data, 40)) {
			memcpy(hex, b.data, 40);
			hex[40] = '\0';
		} else {
			rc = 1;
		}
	} else {
		rc = 1;
	}
	kt_buf_free(&b);
	return rc;
}

/* Writes HEAD's commit id.  See store.h. */
int store_head(struct store *st, char hex[41], struct kt_error *err)
{
	git_oid id;
	int rc;

	if (*st->at) {
		memcpy(hex, st->at, 41);
		return 0;
	}
	if (!head_from_files(st, hex))
		return 0;
	if ((rc = store_git(st, err)))
		return rc;
	if (git_reference_name_to_id(&id, st->repo, "HEAD"))
		return git_fail(err, "HEAD");
	git_oid_tostr(hex, 41, &id);
	return 0;
}

/* Pins st to the commit rev names.  See store.h. */
int store_pin(struct store *st, const char *rev, struct kt_error *err)
{
	git_object *obj = NULL;
	char *spec = NULL;
	int rc = store_git(st, err);

	if (rc)
		return rc;
	if (asprintf(&spec, "%s^{commit}", rev) < 0)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	int bad = git_revparse_single(&obj, st->repo, spec);
	free(spec);
	/* libgit2 says of an empty reflog "asked for 1793791978" (the date
	 * in seconds): what @{...} reads says more. */
	if (bad && strstr(rev, "@{"))
		return kt_error_set(err, KT_ENOTFOUND, "--at %s: no such commit in the books (@{...} reads "
		                    "the reflog of this clone, .git/logs/, where the branch has been here; "
		                    "it has no such entry, or the date is none git reads)", rev);
	if (bad)
		return kt_error_set(err, KT_ENOTFOUND, "--at %s: no such commit in the books (%s)", rev,
		                    git_message());
	git_oid_tostr(st->at, sizeof st->at, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/* Returns the pinned commit.  See store.h. */
const char *store_pinned(const struct store *st)
{
	return *st->at ? st->at : NULL;
}

/* Reads a file of HEAD.  See store.h. */
int store_read(struct store *st, const char *path, struct store_file *f, struct kt_error *err)
{
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	int rc = head_tree(st, NULL, &tree, err);

	memset(f, 0, sizeof *f);
	f->data = "";
	if (rc)
		return rc;
	if (!(rc = tree_blob(st->repo, tree, path, &blob, &f->data, &f->len, err))) {
		f->blob = blob;
		f->present = blob != NULL;
	}
	git_tree_free(tree);
	return rc;
}

/* Releases a file read from HEAD.  See store.h. */
void store_file_free(struct store_file *f)
{
	/* libgit2 may not be loaded: nothing of it to free then. */
	if (f->blob)
		git_blob_free(f->blob);
	f->blob = NULL;
	f->data = "";
	f->len = 0;
}

/* Tells whether HEAD has a file.  See store.h. */
int store_exists(struct store *st, const char *path, struct kt_error *err)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int rc = head_tree(st, NULL, &tree, err);

	if (rc)
		return rc;
	rc = !git_tree_entry_bypath(&e, tree, path);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
}

/* Caches the names in HEAD's directory dir.  See repo.h. */
int cache_names(struct store *st, const char *dir, struct kt_error *err)
{
	git_commit *c = NULL;
	git_tree *head = NULL, *tree = NULL;
	git_tree_entry *e = NULL;
	struct kt_buf names = { 0 };
	char hex[41];
	const char *data;
	size_t len;
	int rc;

	if (!store_head(st, hex, err) && cache_is(st, hex) && cache_find(st, 'D', dir, &data, &len))
		return 0;
	if ((rc = head_tree(st, &c, &head, err)))
		return rc;
	if (!git_tree_entry_bypath(&e, head, dir) && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&tree, st->repo, git_tree_entry_id(e)))
		rc = git_fail(err, dir);
	for (size_t i = 0; !rc && tree && i < git_tree_entrycount(tree); i++)
		if (kt_buf_adds(&names, git_tree_entry_name(git_tree_entry_byindex(tree, i))) ||
		    kt_buf_addc(&names, '\n'))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && (cache_start(st, git_oid_tostr(hex, sizeof hex, git_commit_id(c))) ||
	            cache_add(st, 'D', dir, names.data ? names.data : "", names.len)))
		cache_drop(st);
	kt_buf_free(&names);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_tree_free(head);
	git_commit_free(c);
	return rc;
}

/* Returns 1 if the cache knows that HEAD has no directory dir, which the
 * directory above it lacks, else 0. */
static int cached_absent(struct store *st, const char *dir)
{
	const char *slash = strrchr(dir, '/'), *names, *end, *nl;
	char parent[PATH_MAX], head[41];
	size_t len, nlen;
	struct kt_error ignored;

	if (!slash || (size_t)(slash - dir) >= sizeof parent)
		return 0;
	snprintf(parent, sizeof parent, "%.*s", (int)(slash - dir), dir);
	if (cache_names(st, parent, &ignored) || store_head(st, head, &ignored) || !cache_is(st, head) ||
	    !cache_find(st, 'D', parent, &names, &len))
		return 0;
	nlen = strlen(slash + 1);
	for (end = names + len; (nl = memchr(names, '\n', (size_t)(end - names))); names = nl + 1)
		if ((size_t)(nl - names) == nlen && !memcmp(names, slash + 1, nlen))
			return 0;
	return 1;
}

/* Lists the files of a directory of HEAD.  See store.h. */
int store_list_dir(struct store *st, const char *dir,
                   int (*fn)(void *arg, const char *name, size_t size), void *arg,
                   struct kt_error *err)
{
	git_tree *head = NULL, *tree = NULL;
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	int rc;

	/* Most records have no files: the names under files/ tell so
	 * without git. */
	if (cached_absent(st, dir))
		return 0;
	if ((rc = head_tree(st, NULL, &head, err)))
		return rc;
	if (git_repository_odb(&odb, st->repo)) {
		rc = git_fail(err, "objects");
		goto done;
	}
	if (!git_tree_entry_bypath(&e, head, dir) && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&tree, st->repo, git_tree_entry_id(e))) {
		rc = git_fail(err, dir);
		goto done;
	}
	for (size_t i = 0; !rc && tree && i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *f = git_tree_entry_byindex(tree, i);
		size_t size;
		git_object_t type;
		if (git_tree_entry_type(f) != GIT_OBJECT_BLOB)
			continue;
		/* The header alone: the size without reading the whole blob. */
		if (git_odb_read_header(&size, &type, odb, git_tree_entry_id(f)))
			rc = git_fail(err, dir);
		else
			rc = fn(arg, git_tree_entry_name(f), size);
	}
done:
	git_odb_free(odb);
	git_tree_free(tree);
	git_tree_entry_free(e);
	git_tree_free(head);
	return rc;
}

/* Reads a blob whole.  See repo.h. */
int blob_text(struct store *st, const git_oid *id, git_blob **blob, const char **buf, size_t *len,
              struct kt_error *err)
{
	*blob = NULL;
	*buf = "";
	*len = 0;
	if (!id || git_oid_is_zero(id))
		return 0;
	if (git_blob_lookup(blob, st->repo, id))
		return git_fail(err, "blob");
	*buf = git_blob_rawcontent(*blob);
	*len = (size_t)git_blob_rawsize(*blob);
	return 0;
}

/* Looks up the tree of the commit hex into *tree (NULL for ""). Returns
 * 0, 1 when hex is no commit, or an error. */
static int commit_tree(struct store *st, const char *hex, git_tree **tree, struct kt_error *err)
{
	git_commit *c = NULL;
	git_oid oid;
	int rc = 0;

	*tree = NULL;
	if (!*hex)
		return 0;
	if (git_oid_fromstr(&oid, hex) || git_commit_lookup(&c, st->repo, &oid))
		return 1;
	if (git_commit_tree(tree, c))
		rc = git_fail(err, "commit tree");
	git_commit_free(c);
	return rc;
}

/* Calls fn for every file that differs between two commits.  See
 * store.h. */
int store_diff(struct store *st, const char *from, const char *to, const char *prefix,
               int (*fn)(void *arg, const struct store_delta *d, struct kt_error *err),
               void *arg, struct kt_error *err)
{
	git_tree *otree = NULL, *ntree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	char *spec = (char *)prefix;
	int rc = store_git(st, err);

	if (rc || (rc = commit_tree(st, from, &otree, err)))
		return rc;
	if ((rc = commit_tree(st, to, &ntree, err)) == 1)
		rc = kt_error_set(err, KT_EGIT, "%s: no such commit", to);
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.pathspec.strings = &spec;
	opts.pathspec.count = 1;
	if (!rc && git_diff_tree_to_tree(&diff, st->repo, otree, ntree, &opts))
		rc = git_fail(err, "diff");
	size_t n = diff ? git_diff_num_deltas(diff) : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct store_delta sd = { d->new_file.path ? d->new_file.path : d->old_file.path,
		                          "", "", i, n, NULL, NULL, NULL, 0 };
		if (!git_oid_is_zero(&d->old_file.id))
			git_oid_tostr(sd.old, sizeof sd.old, &d->old_file.id);
		if (!git_oid_is_zero(&d->new_file.id))
			git_oid_tostr(sd.new, sizeof sd.new, &d->new_file.id);
		rc = fn(arg, &sd, err);
	}
	git_diff_free(diff);
	git_tree_free(otree);
	git_tree_free(ntree);
	return rc;
}

/* Appends to sig what identifies the file path as it is now (its inode,
 * size and times, or "-" when there is none).  Returns 0, 1 when the
 * file includes others (an [include] or [includeIf] section, which the
 * signature would not follow), or KT_ENOMEM. */
static int sign_file(struct kt_buf *sig, const char *path)
{
	struct kt_buf text = { 0 };
	struct stat sb;
	int rc;

	if (stat(path, &sb))
		return kt_buf_addf(sig, "%s -\n", path) ? KT_ENOMEM : 0;
	if (file_read(path, 1 << 20, NULL, &text, NULL) || (text.data && strcasestr(text.data, "include")))
		rc = 1;
	else
		rc = kt_buf_addf(sig, "%s %lu %lld %lld.%09ld %lld.%09ld\n", path, (unsigned long)sb.st_ino,
		                 (long long)sb.st_size, (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec,
		                 (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec) ? KT_ENOMEM : 0;
	kt_buf_free(&text);
	return rc;
}

/* Writes into sig what identifies the configuration files libgit2 reads
 * git's user.email from for these books (system, XDG, global, the
 * repository's), as they are now.  Returns 0, 1 when it cannot be told
 * (a file includes another, or the caller gave no home), or KT_ENOMEM. */
static int config_signature(struct store *st, struct kt_buf *sig)
{
	const char *home = st->opt.home, *xdg = st->opt.xdg_config_home;
	char path[PATH_MAX];
	int rc = home ? sign_file(sig, "/etc/gitconfig") : 1;

	if (!rc && xdg && *xdg)
		snprintf(path, sizeof path, "%s/git/config", xdg);
	else if (!rc)
		snprintf(path, sizeof path, "%s/.config/git/config", home);
	if (!rc && !(rc = sign_file(sig, path))) {
		snprintf(path, sizeof path, "%s/.gitconfig", home);
		rc = sign_file(sig, path);
	}
	if (!rc) {
		snprintf(path, sizeof path, "%s/.git/config", st->root);
		rc = sign_file(sig, path);
	}
	if (!rc) {
		snprintf(path, sizeof path, "%s/.git/config.worktree", st->root);
		rc = sign_file(sig, path);
	}
	return rc;
}

/* Reads git's user.email for the books.  The answer is cached with the
 * signature of the files it came from, which saves a read command
 * loading libgit2 only to learn who runs it.  See store.h. */
int store_user_email(struct store *st, char **email, struct kt_error *err)
{
	git_config *cfg = NULL;
	git_buf v = { 0 };
	struct kt_buf sig = { 0 };
	char head[41];
	const char *data;
	size_t len;
	struct kt_error ignored;
	int signed_ = config_signature(st, &sig), rc;

	*email = NULL;
	if (signed_ == KT_ENOMEM) {
		kt_buf_free(&sig);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (!signed_ && !store_head(st, head, &ignored) && cache_is(st, head) &&
	    cache_find(st, 'E', sig.data, &data, &len)) {
		rc = *data == '=' && !(*email = strndup(data + 1, len - 1)) ? KT_ENOMEM : 0;
		kt_buf_free(&sig);
		return rc ? kt_error_set(err, rc, "out of memory") : 0;
	}
	if ((rc = store_git(st, err))) {
		kt_buf_free(&sig);
		return rc;
	}
	if (!git_repository_config_snapshot(&cfg, st->repo) &&
	    !git_config_get_string_buf(&v, cfg, "user.email") && !(*email = strdup(v.ptr)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* Cached only with the commit it rides along with; a cache of
	 * another commit is not made over for it. */
	if (!rc && !signed_ && !store_head(st, head, &ignored) && cache_is(st, head)) {
		struct kt_buf val = { 0 };
		if (kt_buf_adds(&val, *email ? "=" : "-") || kt_buf_adds(&val, *email ? *email : "") ||
		    cache_add(st, 'E', sig.data, val.data, val.len))
			cache_drop(st);
		kt_buf_free(&val);
	}
	kt_buf_free(&sig);
	git_buf_dispose(&v);
	git_config_free(cfg);
	return rc;
}

/* Hashes bytes as git hashes a blob.  See store.h. */
int store_hash(const void *data, size_t len, char hex[41], struct kt_error *err)
{
	kt_blob_id(data, len, hex);
	return 0;
}

/* Passes a warning to the command.  See repo.h. */
void store_warn(struct store *st, const char *msg)
{
	if (st->opt.warning)
		st->opt.warning(st->opt.warning_arg, msg);
}

/* Calls the command's fault function.  See repo.h. */
void store_fault(struct store *st, const char *point)
{
	if (st->opt.fault_point)
		st->opt.fault_point(st->opt.fault_arg, point);
}
