/*
 * books.c - the books: a git repository holding kontora.conf, schemas/,
 * dicts/, workflows/ and data/.  Finding, opening and creating them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

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

/* Reads the blob at path in tree.  See internal.h. */
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

/* Resolves HEAD to its commit and tree.  See internal.h. */
int head_tree(git_repository *repo, git_commit **commit, git_tree **tree,
              struct kt_error *err)
{
	git_object *obj = NULL;
	git_commit *c;

	if (git_revparse_single(&obj, repo, "HEAD^{commit}"))
		return git_fail(err, "HEAD");
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

/* Calls fn for every file of HEAD's directory.  See internal.h. */
int each_head_file(struct kt_books *b, const char *dir, const char *suffix,
                          git_oid *dir_id,
                          int (*fn)(struct kt_books *b, const char *path, const char *base,
                                    const char *text, size_t len, struct kt_error *err),
                          struct kt_error *err)
{
	git_tree *head = NULL, *tree = NULL;
	git_tree_entry *e = NULL;
	size_t slen = strlen(suffix);
	int rc = head_tree(b->repo, NULL, &head, err);

	if (rc)
		return rc;
	if (git_tree_entry_bypath(&e, head, dir) || git_tree_lookup(&tree, b->repo, git_tree_entry_id(e))) {
		rc = KT_ENOTFOUND;
		goto done;
	}
	if (dir_id)
		git_oid_cpy(dir_id, git_tree_entry_id(e));
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
		if ((rc = tree_blob(b->repo, head, path, &blob, &text, &tlen, err)))
			break;
		rc = fn(b, path, base, text, tlen, err);
		git_blob_free(blob);
	}
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_tree_free(head);
	return rc;
}

/* Parses one schema file into b's types.  Returns 0 or an error. */
static int add_schema(struct kt_books *b, const char *path, const char *base,
                      const char *text, size_t len, struct kt_error *err)
{
	struct kt_schema *s;
	int rc = kt_schema_parse(text, len, path, &s, err);

	return rc ? rc : types_add(&b->types, s, err);
}

/* Loads every schema file (schemas/NAME.schema) of HEAD into b.  Returns
 * 0 or an error. */
static int load_schemas(struct kt_books *b, struct kt_error *err)
{
	int rc = each_head_file(b, "schemas", ".schema", &b->schemas_tree, add_schema, err);

	if (rc == KT_ENOTFOUND)
		return kt_error_set(err, KT_ESCHEMA, "%s: no schemas/ directory committed", b->root);
	return rc;
}

/* Parses one workflow file into b's flows.  A file that cannot be parsed
 * is remembered in b->flow_err (the first such) and skipped, so that the
 * books still open and kontora check can say what is wrong.  Returns 0
 * or KT_ENOMEM. */
static int add_flow(struct kt_books *b, const char *path, const char *base,
                    const char *text, size_t len, struct kt_error *err)
{
	struct kt_flow *f, **flows;
	struct kt_error e = { 0 };
	int rc = kt_flow_parse(text, len, path, (const struct kt_schema *const *)b->types.v,
	                       b->types.n, &f, &e);

	if (rc == KT_ENOMEM)
		return kt_error_set(err, rc, "out of memory");
	if (rc) {
		if (!b->flow_err.code)
			b->flow_err = e;
		return 0;
	}
	if (!(flows = realloc(b->flows, (b->nflows + 1) * sizeof *flows))) {
		kt_flow_free(f);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	b->flows = flows;
	b->flows[b->nflows++] = f;
	return 0;
}

/* Loads every workflow (workflows/TYPE.flow) of HEAD; none at all is
 * fine.  Returns 0 or an error. */
static int load_flows(struct kt_books *b, struct kt_error *err)
{
	int rc = each_head_file(b, "workflows", ".flow", NULL, add_flow, err);

	return rc == KT_ENOTFOUND ? 0 : rc;
}

/* Returns the workflow of type.  See kontora.h. */
const struct kt_flow *kt_books_flow(const struct kt_books *b, const char *type)
{
	for (size_t i = 0; i < b->nflows; i++)
		if (!strcmp(b->flows[i]->type, type))
			return b->flows[i];
	return NULL;
}

/* Returns whether every workflow loaded.  See kontora.h. */
int kt_books_flow_status(const struct kt_books *b, struct kt_error *err)
{
	if (b->flow_err.code && err)
		*err = b->flow_err;
	return b->flow_err.code;
}

/* Opens the books at root.  See kontora.h. */
int kt_books_open(const char *root, const struct kt_options *opt,
                  struct kt_books **out, struct kt_error *err)
{
	struct kt_books *b = calloc(1, sizeof *b);
	int rc;

	if (!b)
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
	b->lock_fd = -1;
	b->now = opt && opt->now ? opt->now : time(NULL);
	if (opt && opt->user && !(b->who_login = strdup(opt->user))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto fail;
	}
	if (!(b->root = strdup(root)) ||
	    asprintf(&b->kontora_dir, "%s/.git/kontora", root) < 0) {
		b->kontora_dir = NULL;
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto fail;
	}
	if (mkdir(b->kontora_dir, 0777) && errno != EEXIST) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", b->kontora_dir, strerror(errno));
		goto fail;
	}
	if (git_repository_open(&b->repo, root)) {
		rc = git_fail(err, root);
		goto fail;
	}
	if ((rc = load_schemas(b, err)) || (rc = load_flows(b, err)))
		goto fail;
	/* A write retries the replay and reports what stops it; a read need
	 * not wait for it, as it reads HEAD. */
	struct kt_error ignored;
	journal_recover_any(b, &ignored);
	*out = b;
	return 0;
fail:
	kt_books_close(b);
	return rc;
}

/* Closes the books and frees everything they hold; NULL is fine. */
void kt_books_close(struct kt_books *b)
{
	if (!b)
		return;
	index_close(b);
	if (b->lock_fd >= 0)
		close(b->lock_fd);
	types_free(&b->types);
	books_dicts_reset(b);
	labels_free(b);
	for (size_t i = 0; i < b->nflows; i++)
		kt_flow_free(b->flows[i]);
	free(b->flows);
	git_repository_free(b->repo);
	free(b->root);
	free(b->kontora_dir);
	free(b->who_name);
	free(b->who_email);
	free(b->who_login);
	free(b->who_role);
	free(b);
	git_libgit2_shutdown();
}

void kt_books_progress(struct kt_books *b,
                       void (*fn)(void *arg, const char *what, size_t done, size_t total),
                       void *arg)
{
	b->progress = fn;
	b->progress_arg = arg;
}

const char *kt_books_root(const struct kt_books *b)
{
	return b->root;
}

/* Returns the books' clock.  See kontora.h. */
time_t kt_books_now(const struct kt_books *b)
{
	return b->now;
}

size_t kt_books_ntypes(const struct kt_books *b)
{
	return b->types.n;
}

const struct kt_schema *kt_books_type_at(const struct kt_books *b, size_t i)
{
	return i < b->types.n ? b->types.v[i] : NULL;
}

/* Returns the schema called name (owned by b), or NULL. */
const struct kt_schema *kt_books_type(const struct kt_books *b, const char *name)
{
	return types_find(&b->types, name);
}

/* Returns the schema whose id letter is letter, any case (owned by b). */
const struct kt_schema *kt_books_type_by_prefix(const struct kt_books *b, char letter)
{
	return types_by_prefix(&b->types, letter);
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

/* ---------------------------------------------------------------- config */

/* Opens HEAD's kontora.conf, as every command reads the books at HEAD:
 * libgit2 parses configuration only from files, so the blob is copied to
 * a scratch file first.  Returns 0 and *cfg (git_config_free) or an
 * error. */
static int open_config(struct kt_books *b, git_config **cfg, struct kt_error *err)
{
	char path[PATH_MAX];
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	const char *text;
	size_t len;
	FILE *f;
	int rc = head_tree(b->repo, NULL, &tree, err);

	if (!rc)
		rc = tree_blob(b->repo, tree, "kontora.conf", &blob, &text, &len, err);
	snprintf(path, sizeof path, "%s/config.%ld", b->kontora_dir, (long)getpid());
	if (!rc && (!(f = fopen(path, "wb")) || fwrite(text, 1, len, f) != len || fclose(f)))
		rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (!rc && git_config_open_ondisk(cfg, path))
		rc = git_fail(err, "kontora.conf");
	unlink(path);
	git_blob_free(blob);
	git_tree_free(tree);
	return rc;
}

/* Reads one key of kontora.conf.  See kontora.h. */
int kt_config_get(struct kt_books *b, const char *key, char **value,
                  struct kt_error *err)
{
	git_config *cfg;
	git_buf v = { 0 };
	int rc = open_config(b, &cfg, err);

	if (rc)
		return rc;
	rc = git_config_get_string_buf(&v, cfg, key);
	if (rc == GIT_ENOTFOUND)
		rc = kt_error_set(err, KT_ENOTFOUND, "kontora.conf: no key %s", key);
	else if (rc)
		rc = git_fail(err, key);
	else if (!(*value = strdup(v.ptr)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	git_buf_dispose(&v);
	git_config_free(cfg);
	return rc;
}

/* Calls fn for every entry of kontora.conf.  See kontora.h. */
int kt_config_foreach(struct kt_books *b,
                      int (*fn)(void *arg, const char *key, const char *value),
                      void *arg, struct kt_error *err)
{
	git_config *cfg;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int rc = open_config(b, &cfg, err);

	if (rc)
		return rc;
	if (git_config_iterator_new(&it, cfg)) {
		rc = git_fail(err, "kontora.conf");
	} else {
		int g;
		while (!rc && !(g = git_config_next(&e, it)))
			rc = fn(arg, e->name, e->value);
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	return rc;
}
