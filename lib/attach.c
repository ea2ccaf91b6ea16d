/*
 * attach.c - materials attached to records: files/ID/NAME in the books,
 * written as blobs by a change (kt_change_file() in change.c), listed from
 * HEAD's tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Returns 1 if s[0..len) is a name attach takes for a file: not empty, at
 * most 255 bytes, valid UTF-8, no slash or control character, not
 * starting with a dot (hidden, and . and ..). */
static int name_ok(const char *s, size_t len)
{
	if (!len || len > 255 || s[0] == '.' || !kt_utf8_valid(s, len, NULL))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F || s[i] == '/')
			return 0;
	return 1;
}

/* Checks the part of a path after files/.  See internal.h. */
int files_path_valid(const char *rel)
{
	size_t parts = 0;

	for (const char *p = rel;; parts++) {
		size_t len = strcspn(p, "/");
		if (!name_ok(p, len))
			return 0;
		if (!p[len])
			return parts >= 1;
		p += len + 1;
	}
}

/* Reads attach.max-size.  See kontora.h. */
int kt_attach_max_size(struct kt_books *b, int64_t *max, struct kt_error *err)
{
	char *v = NULL;
	int rc = kt_config_get(b, "attach.max-size", &v, err);

	*max = KT_ATTACH_MAX;
	if (rc == KT_ENOTFOUND)
		return 0;
	if (!rc && kt_size_parse(v, max))
		rc = kt_error_set(err, KT_EINVAL, "kontora.conf: attach.max-size: \"%s\" is not a size "
		                  "(bytes, or a number with K, M or G)", v);
	free(v);
	return rc;
}

/* Checks that the record id (full) exists and the caller may see it
 * (through kt_record_read()) or, with op ACCESS_WRITE, change it.
 * Returns 0, KT_ENOTFOUND naming it, or an error (KT_EACCESS naming the
 * rule). */
static int record_exists(struct kt_books *b, const char *id, enum access_op op,
                         struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type_by_prefix(b, id[0]);
	struct kt_record *r = NULL;
	int rc;

	if (!s || !id_valid(s, id))
		return kt_error_set(err, KT_ENOTFOUND, "no record %s", id);
	rc = kt_record_read(b, s, id, &r, err);
	kt_record_free(r);
	if (rc == KT_ENOTFOUND)
		return kt_error_set(err, rc, "no %s %s", s->name, id);
	return rc || op == ACCESS_READ ? rc : access_record(b, s, id, op, err);
}

/* Says that file is over the size limit max.  Returns KT_EINVAL. */
static int too_big(const char *file, int64_t max, struct kt_error *err)
{
	return kt_error_set(err, KT_EINVAL, "%s: larger than attach.max-size (%lld bytes); "
	                    "set it in kontora.conf to allow more", file, (long long)max);
}

/* Reads the regular file at file, at most max bytes, into out.  Returns 0,
 * KT_EIO naming the file, or KT_EINVAL for one over max (the message says
 * so) or not a regular file. */
static int read_file(const char *file, int64_t max, struct kt_buf *out, struct kt_error *err)
{
	struct stat st;
	char chunk[65536];
	ssize_t got;
	int rc = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", file, strerror(errno));
	if (fstat(fd, &st))
		rc = kt_error_set(err, KT_EIO, "%s: %s", file, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = kt_error_set(err, KT_EINVAL, "%s: not a regular file", file);
	else if (st.st_size > max)
		rc = too_big(file, max, err);
	else if (kt_buf_grow(out, (size_t)st.st_size))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* The size is checked as the bytes come: the file may grow meanwhile. */
	while (!rc && (got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = kt_error_set(err, KT_EIO, "%s: %s", file, strerror(errno));
		else if ((int64_t)(out->len + (size_t)got) > max)
			rc = too_big(file, max, err);
		else if (kt_buf_add(out, chunk, (size_t)got))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	close(fd);
	return rc;
}

/* Attaches a file to a record.  See kontora.h. */
int kt_change_attach(struct kt_change *c, const char *id, const char *file,
                     const char *name, int force, char **path, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	struct kt_buf bytes = { 0 };
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int64_t max;
	int rc;

	*path = NULL;
	if (!name) {
		const char *slash = strrchr(file, '/');
		name = slash ? slash + 1 : file;
	}
	if (!name_ok(name, strlen(name)))
		return kt_error_set(err, KT_EINVAL, "\"%s\": not a name for a file (one name, no slash, "
		                    "not starting with a dot, UTF-8)", name);
	if ((rc = record_exists(b, id, ACCESS_WRITE, err)) || (rc = kt_attach_max_size(b, &max, err)))
		return rc;
	if (asprintf(path, "files/%s/%s", id, name) < 0) {
		*path = NULL;
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if ((rc = head_tree(b->repo, NULL, &tree, err)))
		goto done;
	if (!force && !git_tree_entry_bypath(&e, tree, *path)) {
		rc = kt_error_set(err, KT_EEXISTS, "%s: already there (--force replaces it)", *path);
		goto done;
	}
	if (!(rc = read_file(file, max, &bytes, err)))
		rc = kt_change_file(c, *path, bytes.data, bytes.len, id, err);
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	kt_buf_free(&bytes);
	if (rc) {
		free(*path);
		*path = NULL;
	}
	return rc;
}

/* Lists a record's files.  See kontora.h. */
int kt_files_list(struct kt_books *b, const char *id, kt_row_fn fn, void *arg,
                  struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "name", KT_TEXT, "name" }, { "size", KT_INT, "size" }, { "path", KT_TEXT, "path" },
	};
	git_tree *head = NULL, *dir = NULL;
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	char where[32];
	int rc = record_exists(b, id, ACCESS_READ, err);

	if (rc || (rc = head_tree(b->repo, NULL, &head, err)))
		return rc;
	if (git_repository_odb(&odb, b->repo)) {
		rc = git_fail(err, "objects");
		goto done;
	}
	snprintf(where, sizeof where, "files/%s", id);
	if (!git_tree_entry_bypath(&e, head, where) && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&dir, b->repo, git_tree_entry_id(e))) {
		rc = git_fail(err, where);
		goto done;
	}
	rc = fn(arg, 3, cols, NULL);
	for (size_t i = 0; !rc && dir && i < git_tree_entrycount(dir); i++) {
		const git_tree_entry *f = git_tree_entry_byindex(dir, i);
		size_t size;
		git_object_t type;
		char bytes[32], *full;
		if (git_tree_entry_type(f) != GIT_OBJECT_BLOB)
			continue;
		/* The header alone: the size without reading the whole blob. */
		if (git_odb_read_header(&size, &type, odb, git_tree_entry_id(f))) {
			rc = git_fail(err, where);
			break;
		}
		if (asprintf(&full, "%s/%s", where, git_tree_entry_name(f)) < 0) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			break;
		}
		snprintf(bytes, sizeof bytes, "%zu", size);
		char *values[] = { (char *)git_tree_entry_name(f), bytes, full };
		rc = fn(arg, 3, cols, values);
		free(full);
	}
done:
	git_odb_free(odb);
	git_tree_free(dir);
	git_tree_entry_free(e);
	git_tree_free(head);
	return rc;
}
