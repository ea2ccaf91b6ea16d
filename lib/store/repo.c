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

/* Resolves HEAD or the pinned commit to its commit and tree.  See repo.h. */
int head_tree(const struct store *st, git_commit **commit, git_tree **tree,
              struct kt_error *err)
{
	git_object *obj = NULL;
	git_commit *c;

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

/* Calls fn for every file of HEAD's directory.  See store.h. */
int store_each_file(struct store *st, const char *dir, const char *suffix, char dir_hex[41],
                    int (*fn)(void *arg, const char *path, const char *base,
                              const char *text, size_t len, struct kt_error *err),
                    void *arg, struct kt_error *err)
{
	git_tree *head = NULL, *tree = NULL;
	git_tree_entry *e = NULL;
	size_t slen = strlen(suffix);
	int rc = head_tree(st, NULL, &head, err);

	if (rc)
		return rc;
	if (git_tree_entry_bypath(&e, head, dir) || git_tree_lookup(&tree, st->repo, git_tree_entry_id(e))) {
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
		rc = fn(arg, path, base, text, tlen, err);
		git_blob_free(blob);
	}
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_tree_free(head);
	return rc;
}

/* Reads git's user.name and user.email.  See kontora.h. */
int kt_git_identity(char **name, char **email, struct kt_error *err)
{
	git_config *cfg = NULL;
	git_buf n = { 0 }, e = { 0 };
	int rc = KT_ENOTFOUND;

	git_libgit2_init();
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

/* Writes HEAD's commit id.  See store.h. */
int store_head(struct store *st, char hex[41], struct kt_error *err)
{
	git_oid id;

	if (*st->at) {
		memcpy(hex, st->at, 41);
		return 0;
	}
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
	if (!rc && !(rc = tree_blob(st->repo, tree, path, &blob, &f->data, &f->len, err))) {
		f->blob = blob;
		f->present = blob != NULL;
	}
	git_tree_free(tree);
	return rc;
}

/* Releases a file read from HEAD.  See store.h. */
void store_file_free(struct store_file *f)
{
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

	if (!rc)
		rc = !git_tree_entry_bypath(&e, tree, path);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
}

/* Lists the files of a directory of HEAD.  See store.h. */
int store_list_dir(struct store *st, const char *dir,
                   int (*fn)(void *arg, const char *name, size_t size), void *arg,
                   struct kt_error *err)
{
	git_tree *head = NULL, *tree = NULL;
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	int rc = head_tree(st, NULL, &head, err);

	if (rc)
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

/* Reads the text of a blob.  See repo.h. */
int blob_text(struct store *st, const git_oid *id, git_blob **blob,
                     const char **buf, size_t *len, struct kt_error *err)
{
	*blob = NULL;
	*buf = "";
	*len = 0;
	if (git_oid_is_zero(id))
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
	int rc = commit_tree(st, from, &otree, err);

	if (rc)
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
		                          "", "", 0, 0, i, n, NULL, NULL, NULL, 0 };
		git_blob *ob = NULL, *nb = NULL;
		if (!(rc = blob_text(st, &d->old_file.id, &ob, &sd.old, &sd.old_len, err)) &&
		    !(rc = blob_text(st, &d->new_file.id, &nb, &sd.new, &sd.new_len, err)))
			rc = fn(arg, &sd, err);
		git_blob_free(ob);
		git_blob_free(nb);
	}
	git_diff_free(diff);
	git_tree_free(otree);
	git_tree_free(ntree);
	return rc;
}

/* Reads git's user.email for the books.  See store.h. */
int store_user_email(struct store *st, char **email, struct kt_error *err)
{
	git_config *cfg = NULL;
	git_buf v = { 0 };
	int rc = 0;

	*email = NULL;
	if (!git_repository_config_snapshot(&cfg, st->repo) &&
	    !git_config_get_string_buf(&v, cfg, "user.email") && !(*email = strdup(v.ptr)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	git_buf_dispose(&v);
	git_config_free(cfg);
	return rc;
}

/* Hashes bytes as git hashes a blob.  See store.h. */
int store_hash(const void *data, size_t len, char hex[41], struct kt_error *err)
{
	git_oid oid;

	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB))
		return git_fail(err, "hash");
	git_oid_tostr(hex, 41, &oid);
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
