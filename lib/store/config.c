/*
 * config.c - kontora.conf, in git-config syntax: read from HEAD, changed
 * by a commit, and read from a file by the webhook, which never opens
 * the books.  libgit2 parses and writes configuration only in files, so
 * HEAD's blob goes through a scratch file in .git/kontora.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/repo.h"

/* Writes buf[0..len) to a scratch file of st named for this process and
 * what, into path (PATH_MAX bytes).  Returns 0 or KT_EIO. */
static int scratch(struct store *st, const char *what, const char *buf, size_t len,
                   char path[PATH_MAX], struct kt_error *err)
{
	char name[64];

	snprintf(name, sizeof name, "%s.%ld", what, (long)getpid());
	snprintf(path, PATH_MAX, "%s/%s", st->dir, name);
	return write_file(st, st->dir, name, buf, len, err);
}

/* Reads key of cfg, the configuration in the file called name, into
 * *value (caller frees).  Returns 0, KT_ENOTFOUND, or an error. */
static int config_string(git_config *cfg, const char *name, const char *key, char **value,
                         struct kt_error *err)
{
	git_buf v = { 0 };
	int rc = git_config_get_string_buf(&v, cfg, key);

	if (rc == GIT_ENOTFOUND)
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: no key %s", name, key);
	else if (rc)
		rc = git_fail(err, key);
	else if (!(*value = strdup(v.ptr)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	git_buf_dispose(&v);
	return rc;
}

/* Puts the entries of HEAD's kontora.conf into the cache, read through
 * libgit2's parser unless the cache holds them for HEAD.  Returns 0 or
 * an error. */
static int load_config(struct store *st, struct kt_error *err)
{
	char head[41], path[PATH_MAX];
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	const char *buf;
	size_t len;
	struct kt_error ignored;
	struct kt_buf v = { 0 };
	int rc;

	if (!store_head(st, head, &ignored) && cache_is(st, head) &&
	    cache_find(st, 'K', "kontora.conf", &buf, &len))
		return 0;
	/* Nothing of libgit2 to free when it could not be loaded. */
	if ((rc = head_tree(st, &c, &tree, err)))
		return rc;
	if ((rc = tree_blob(st->repo, tree, "kontora.conf", &blob, &buf, &len, err)) ||
	    (rc = scratch(st, "config", buf, len, path, err)))
		goto done;
	if (git_config_open_ondisk(&cfg, path) || git_config_iterator_new(&it, cfg))
		rc = git_fail(err, "kontora.conf");
	unlink(path);
	if (!rc && cache_start(st, git_oid_tostr(head, sizeof head, git_commit_id(c))))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	while (!rc && !git_config_next(&e, it)) {
		kt_buf_reset(&v);
		if (kt_buf_adds(&v, e->value ? "=" : "-") || kt_buf_adds(&v, e->value ? e->value : "") ||
		    cache_add(st, 'C', e->name, v.data, v.len))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (!rc && cache_add(st, 'K', "kontora.conf", "", 0))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (rc)
		cache_drop(st);
done:
	kt_buf_free(&v);
	git_config_iterator_free(it);
	git_config_free(cfg);
	git_blob_free(blob);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

/* What a walk over the cached entries of kontora.conf passes on: the
 * caller's function, or the key looked for and the last value found. */
struct config_walk {
	int (*fn)(void *arg, const char *key, const char *value);
	void *arg;
	const char *key;
	char *value;
	int found, rc;
};

/* Returns 1 if the key name[0..nlen) (as libgit2 names keys: section and
 * variable in lower case) is key as a person writes it, else 0. */
static int same_key(const char *name, size_t nlen, const char *key)
{
	const char *first = strchr(key, '.'), *last = strrchr(key, '.');

	if (!first || strlen(key) != nlen)
		return 0;
	for (size_t i = 0; i < nlen; i++) {
		int folded = key + i < first || key + i > last;
		if (folded ? tolower((unsigned char)key[i]) != name[i] : key[i] != name[i])
			return 0;
	}
	return 1;
}

/* cache_each() callback over kontora.conf's entries: passes one to the
 * walk's function, or keeps its value when it is the key looked for.
 * Returns the function's return, or KT_ENOMEM. */
static int config_entry(void *arg, const char *name, size_t nlen, const char *data, size_t len)
{
	struct config_walk *w = arg;
	char *key = strndup(name, nlen), *value = strndup(data + 1, len - 1);
	int rc = key && value ? 0 : KT_ENOMEM;

	if (!rc && w->fn) {
		rc = w->fn(w->arg, key, *data == '=' ? value : NULL);
	} else if (!rc && same_key(name, nlen, w->key)) {
		free(w->value);
		w->value = *data == '=' ? value : NULL;
		w->found = 1;
		value = NULL;
	}
	free(key);
	free(value);
	return rc;
}

/* Reads one key of kontora.conf.  See store.h. */
int store_config_get(struct store *st, const char *key, char **value, struct kt_error *err)
{
	struct config_walk w = { .key = key };
	int rc = load_config(st, err);

	if (!rc && (rc = cache_each(st, 'C', config_entry, &w)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (!rc && !w.found)
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: no key %s", "kontora.conf", key);
	/* A key without "= value" reads as empty, as git config --get prints it. */
	else if (!rc && !w.value && !(w.value = strdup("")))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (rc)
		free(w.value);
	else
		*value = w.value;
	return rc;
}

/* Calls fn for every entry of kontora.conf.  See store.h. */
int store_config_each(struct store *st, int (*fn)(void *arg, const char *key, const char *value),
                      void *arg, struct kt_error *err)
{
	struct config_walk w = { .fn = fn, .arg = arg };
	int rc = load_config(st, err);

	return rc ? rc : cache_each(st, 'C', config_entry, &w);
}

/* Applies the config ops to kontora.conf's text.  See repo.h. */
int config_apply(struct store *st, const struct ops *ops, const char *buf, size_t len,
                 struct kt_buf *out, struct kt_error *err)
{
	char path[PATH_MAX];
	git_config *cfg = NULL;
	int rc = scratch(st, "kontora.conf", buf, len, path, err);

	if (rc)
		return rc;
	if (git_config_open_ondisk(&cfg, path))
		rc = git_fail(err, "kontora.conf");
	for (size_t i = 0; !rc && i < ops->n; i++) {
		const struct op *o = &ops->v[i];
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
	if (!rc)
		rc = file_read(path, -1, NULL, out, err);
	unlink(path);
	return rc;
}

/* Reads one key of a git-config file.  See kontora.h. */
int kt_conf_file_get(const char *path, const char *key, char **value,
                     struct kt_error *err)
{
	git_config *cfg = NULL;
	int rc = git_start(err);

	if (rc)
		return rc;
	if (git_config_open_ondisk(&cfg, path))
		rc = git_fail(err, path);
	else
		rc = config_string(cfg, path, key, value, err);
	git_config_free(cfg);
	git_libgit2_shutdown();
	return rc;
}
