/*
 * config.c - kontora.conf, in git-config syntax: read from HEAD, changed
 * by a commit, and read from a file by the webhook, which never opens
 * the books.  libgit2 parses and writes configuration only in files, so
 * HEAD's blob goes through a scratch file in .git/kontora.
 */
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

/* Opens HEAD's kontora.conf.  Returns 0 and *cfg (git_config_free) or an
 * error. */
static int open_config(struct store *st, git_config **cfg, struct kt_error *err)
{
	char path[PATH_MAX];
	struct store_file f;
	int rc = store_read(st, "kontora.conf", &f, err);

	if (!rc && !(rc = scratch(st, "config", f.data, f.len, path, err))) {
		if (git_config_open_ondisk(cfg, path))
			rc = git_fail(err, "kontora.conf");
		unlink(path);
	}
	store_file_free(&f);
	return rc;
}

/* Reads one key of kontora.conf.  See store.h. */
int store_config_get(struct store *st, const char *key, char **value, struct kt_error *err)
{
	git_config *cfg;
	int rc = open_config(st, &cfg, err);

	if (rc)
		return rc;
	rc = config_string(cfg, "kontora.conf", key, value, err);
	git_config_free(cfg);
	return rc;
}

/* Calls fn for every entry of kontora.conf.  See store.h. */
int store_config_each(struct store *st, int (*fn)(void *arg, const char *key, const char *value),
                      void *arg, struct kt_error *err)
{
	git_config *cfg;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int rc = open_config(st, &cfg, err);

	if (rc)
		return rc;
	if (git_config_iterator_new(&it, cfg))
		rc = git_fail(err, "kontora.conf");
	while (!rc && !git_config_next(&e, it))
		rc = fn(arg, e->name, e->value);
	git_config_iterator_free(it);
	git_config_free(cfg);
	return rc;
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
	int rc;

	git_libgit2_init();
	if (git_config_open_ondisk(&cfg, path))
		rc = git_fail(err, path);
	else
		rc = config_string(cfg, path, key, value, err);
	git_config_free(cfg);
	git_libgit2_shutdown();
	return rc;
}
