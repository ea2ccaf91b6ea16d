/*
 * blob.c - a blob read a piece at a time, and a file written into git
 * the same way, so that a shard of a hundred megabytes (a 1C catalogue's
 * products, all created in one month) is never held whole by a commit or
 * an index refresh.  A blob up to the threshold (kt_options.stream_bytes,
 * 4 MiB by default) is read whole through libgit2, which caches it for
 * the next reader of the same shard (an edit reads its shard three
 * times); a larger one is inflated from its loose object file as it is
 * read.  A packed blob (after git gc) is read whole: libgit2 has no
 * streamed read of packs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "store/repo.h"

/* The threshold and piece when the command sets none. */
enum { STREAM_BYTES = 4 << 20, FILE_PIECE = 64 << 10 };

/* A blob as a source of pieces: whole in memory, or its loose object
 * file inflated. */
struct blob_src {
	git_blob *blob;           /* read whole, or NULL */
	FILE *f;
	z_stream z;
	int zinit, end;
	size_t left;              /* bytes of the blob still to come */
	char pend[64];            /* bytes inflated with the object's header */
	size_t npend, at;
	unsigned char in[FILE_PIECE];
};

/* Returns the bytes over which a blob is read in pieces, and the piece. */
static size_t stream_bytes(const struct store *st)
{
	return st->opt.stream_bytes ? st->opt.stream_bytes : STREAM_BYTES;
}

/* Writes the size of blob id into *len.  Returns 0 or an error. */
static int blob_size(struct store *st, const git_oid *id, size_t *len, struct kt_error *err)
{
	git_odb *odb = NULL;
	git_object_t type;
	int rc = 0;

	if (git_repository_odb(&odb, st->repo) || git_odb_read_header(len, &type, odb, id))
		rc = git_fail(err, "blob");
	git_odb_free(odb);
	return rc;
}

/* Frees a source. */
static void src_close(void *arg)
{
	struct blob_src *b = arg;

	if (!b)
		return;
	git_blob_free(b->blob);
	if (b->f)
		fclose(b->f);
	if (b->zinit)
		inflateEnd(&b->z);
	free(b);
}

/* Inflates into out (cap bytes) what comes next of b's object file, *got
 * the bytes given.  Returns 0 or an error. */
static int src_inflate(struct blob_src *b, void *out, size_t cap, size_t *got, struct kt_error *err)
{
	b->z.next_out = out;
	b->z.avail_out = (uInt)(cap < UINT_MAX ? cap : UINT_MAX);
	while (!b->end && b->z.avail_out == cap) {
		if (!b->z.avail_in) {
			b->z.next_in = b->in;
			b->z.avail_in = (uInt)fread(b->in, 1, sizeof b->in, b->f);
			if (!b->z.avail_in)
				return kt_error_set(err, KT_EGIT, "blob: the object file ends early: %s",
				                    ferror(b->f) ? strerror(errno) : "truncated");
		}
		int z = inflate(&b->z, Z_NO_FLUSH);
		if (z == Z_STREAM_END)
			b->end = 1;
		else if (z != Z_OK)
			return kt_error_set(err, KT_EGIT, "blob: a damaged object file (zlib: %s)",
			                    b->z.msg ? b->z.msg : "error");
	}
	*got = cap - b->z.avail_out;
	return 0;
}

/* The source's fill (model.h's struct shard_reader): the bytes after the
 * object's header, checked against the size it gives. */
static int src_fill(void *arg, char *buf, size_t cap, size_t *got, struct kt_error *err)
{
	struct blob_src *b = arg;
	int rc = 0;

	*got = 0;
	if (b->at < b->npend) {
		*got = b->npend - b->at < cap ? b->npend - b->at : cap;
		memcpy(buf, b->pend + b->at, *got);
		b->at += *got;
	} else if (cap && b->left && (rc = src_inflate(b, buf, cap, got, err))) {
		return rc;
	}
	if (*got > b->left || (!*got && b->left))
		return kt_error_set(err, KT_EGIT, "blob: the object file does not hold the size it says");
	b->left -= *got;
	return 0;
}

/* Opens the loose object file of id in b and reads its header ("blob
 * SIZE\0"), keeping what was inflated after it.  Returns 0, 1 when there
 * is no loose object (a packed one), or an error. */
static int src_open_loose(struct store *st, const git_oid *id, struct blob_src *b, struct kt_error *err)
{
	char hex[GIT_OID_HEXSZ + 1], path[PATH_MAX];
	size_t got = 0;
	int rc;

	git_oid_tostr(hex, sizeof hex, id);
	snprintf(path, sizeof path, "%sobjects/%.2s/%s", git_repository_commondir(st->repo), hex, hex + 2);
	if (!(b->f = fopen(path, "rb")))
		return errno == ENOENT ? 1 : kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (inflateInit(&b->z) != Z_OK)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	b->zinit = 1;
	if ((rc = src_inflate(b, b->pend, sizeof b->pend, &got, err)))
		return rc;
	char *nul = memchr(b->pend, '\0', got);
	if (!nul || strncmp(b->pend, "blob ", 5) || strtoull(b->pend + 5, NULL, 10) != b->left)
		return kt_error_set(err, KT_EGIT, "%s: not the blob it should be", path);
	b->at = (size_t)(nul + 1 - b->pend);
	b->npend = got;
	return 0;
}

/* Starts r on the rows of blob id (NULL: no file, no rows).  See repo.h. */
int blob_rows(struct store *st, const git_oid *id, struct shard_reader *r, struct kt_error *err)
{
	struct blob_src *b = calloc(1, sizeof *b);
	int rc;

	memset(r, 0, sizeof *r);
	if (!b)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (id && (rc = store_git(st, err))) {
		free(b);
		return rc;
	}
	if (!id || git_oid_is_zero(id))
		return shard_reader_start(r, "", 0, NULL, src_close, b, 0, err);
	char hex[GIT_OID_HEXSZ + 1];
	const struct kept_blob *k = blob_kept(st, git_oid_tostr(hex, sizeof hex, id));
	if (k)
		return shard_reader_start(r, k->data, k->len, NULL, src_close, b, 0, err);
	if ((rc = blob_size(st, id, &b->left, err)) ||
	    (b->left > stream_bytes(st) && (rc = src_open_loose(st, id, b, err)) != 1)) {
		if (rc)
			src_close(b);
		return rc ? rc : shard_reader_start(r, NULL, 0, src_fill, src_close, b, stream_bytes(st), err);
	}
	/* Small, or packed: whole. */
	if (git_blob_lookup(&b->blob, st->repo, id)) {
		src_close(b);
		return git_fail(err, "blob");
	}
	return shard_reader_start(r, git_blob_rawcontent(b->blob), (size_t)git_blob_rawsize(b->blob), NULL,
	                          src_close, b, 0, err);
}

/* Returns the blob held.  See repo.h. */
const struct kept_blob *blob_kept(const struct store *st, const char *hex)
{
	for (size_t i = 0; i < st->nkept; i++)
		if (!strcmp(st->kept[i].id, hex))
			return &st->kept[i];
	return NULL;
}

/* Returns 1 if blob_keep() has room for len bytes more: a slot free,
 * and the blobs held within the threshold with them; else 0. */
static int blob_room(const struct store *st, size_t len)
{
	return st->nkept < sizeof st->kept / sizeof *st->kept && len <= stream_bytes(st) - st->kept_bytes;
}

/* Holds a blob's bytes.  See repo.h. */
int blob_keep(struct store *st, const char *hex, char *data, size_t len)
{
	struct kept_blob *k = &st->kept[st->nkept];

	if (!data || !blob_room(st, len) || blob_kept(st, hex))
		return 0;
	k->data = data;
	memcpy(k->id, hex, sizeof k->id);
	k->len = len;
	st->kept_bytes += len;
	st->nkept++;
	return 1;
}

/* Frees the blobs held.  See repo.h. */
void blob_keep_free(struct store *st)
{
	for (size_t i = 0; i < st->nkept; i++)
		free(st->kept[i].data);
	st->nkept = st->kept_bytes = 0;
}

/* Frees a work-tree file's bytes, the source of a reader. */
static void copy_close(void *arg)
{
	free(arg);
}

/* Starts r on the bytes of blob hex when they are at hand without git:
 * held by the command (blob_keep()), or in the work-tree file path (NULL:
 * none) when it is small and hashes to hex, held then when there is
 * room.  Returns 0, 1 when they are not at hand, or an error. */
static int rows_at_hand(struct store *st, const char *hex, const char *path, struct shard_reader *r,
                        struct kt_error *err)
{
	const struct kept_blob *k = blob_kept(st, hex);
	struct kt_buf b = { 0 };
	char full[PATH_MAX], got[41];
	struct stat sb;

	if (k)
		return shard_reader_start(r, k->data, k->len, NULL, NULL, NULL, 0, err);
	if (!path)
		return 1;
	snprintf(full, sizeof full, "%s/%s", st->root, path);
	if (stat(full, &sb) || (size_t)sb.st_size > stream_bytes(st) ||
	    file_read(full, (int64_t)stream_bytes(st), NULL, &b, NULL)) {
		kt_buf_free(&b);
		return 1;
	}
	kt_blob_id(b.data ? b.data : "", b.len, got);
	if (strcmp(got, hex)) {
		kt_buf_free(&b);
		return 1;
	}
	if (blob_keep(st, hex, b.data, b.len))
		return shard_reader_start(r, b.data, b.len, NULL, NULL, NULL, 0, err);
	return shard_reader_start(r, b.data ? b.data : "", b.len, NULL, copy_close, b.data, 0, err);
}

/* Starts r on the rows of the blob hex.  See store.h. */
int store_blob_rows(struct store *st, const char *hex, const char *path, struct shard_reader *r,
                    struct kt_error *err)
{
	git_oid id;
	int rc;

	memset(r, 0, sizeof *r);
	if (!*hex)
		return blob_rows(st, NULL, r, err);
	if ((rc = rows_at_hand(st, hex, path, r, err)) != 1)
		return rc;
	if ((rc = store_git(st, err)))
		return rc;
	if (git_oid_fromstr(&id, hex))
		return kt_error_set(err, KT_EGIT, "%s: not a blob id", hex);
	return blob_rows(st, &id, r, err);
}

/* Reads the blob hex whole.  See store.h. */
int store_blob_text(struct store *st, const char *hex, struct store_file *f, struct kt_error *err)
{
	git_blob *blob = NULL;
	git_oid id;
	int rc;

	memset(f, 0, sizeof *f);
	f->data = "";
	if (!*hex)
		return 0;
	if ((rc = store_git(st, err)))
		return rc;
	if (git_oid_fromstr(&id, hex))
		return kt_error_set(err, KT_EGIT, "%s: not a blob id", hex);
	rc = blob_text(st, &id, &blob, &f->data, &f->len, err);
	f->blob = blob;
	f->present = blob != NULL;
	return rc;
}

/* Starts r on the rows of HEAD's file at path.  See store.h. */
int store_read_rows(struct store *st, const char *path, const char *id, struct shard_reader *r,
                    struct kt_error *err)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int rc, g;

	memset(r, 0, sizeof *r);
	if (id && (rc = rows_at_hand(st, id, path, r, err)) != 1)
		return rc;
	rc = head_tree(st, NULL, &tree, err);
	if (!rc && (g = git_tree_entry_bypath(&e, tree, path)) && g != GIT_ENOTFOUND)
		rc = git_fail(err, path);
	if (!rc)
		rc = blob_rows(st, e ? git_tree_entry_id(e) : NULL, r, err);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
}

/* Writes the bytes of blob id to f.  See repo.h. */
int blob_to_file(struct store *st, const git_oid *id, FILE *f, struct kt_error *err)
{
	struct shard_reader r;
	int rc = blob_rows(st, id, &r, err);

	/* The rows cut the bytes where the newlines are: written back to back
	 * they are the blob. */
	if (!rc && r.hlen && fwrite(r.header, 1, r.hlen, f) != r.hlen)
		rc = KT_EIO;
	while (!rc && !(rc = shard_reader_next(&r, err)) && r.rowlen)
		if (fwrite(r.row, 1, r.rowlen, f) != r.rowlen)
			rc = KT_EIO;
	shard_reader_free(&r);
	return rc == KT_EIO ? kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno)) : rc;
}

/* Writes the bytes of f, from its start, into git as a blob.  See
 * repo.h. */
int blob_from_file(struct store *st, FILE *f, int hold, git_oid *id, struct kt_error *err)
{
	git_odb *odb = NULL;
	git_odb_stream *w = NULL;
	char *piece = malloc(FILE_PIECE);
	off_t len = 0;
	size_t got;
	int rc = 0;

	if (!piece)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (fflush(f) || fseeko(f, 0, SEEK_END) || (len = ftello(f)) < 0 || fseeko(f, 0, SEEK_SET))
		rc = kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	else if (git_repository_odb(&odb, st->repo) ||
	         git_odb_open_wstream(&w, odb, (git_object_size_t)len, GIT_OBJECT_BLOB))
		rc = git_fail(err, "blob");
	/* A shard's bytes are kept too when there is room: the index refresh
	 * after the commit reads this blob. */
	struct kt_buf bytes = { 0 };
	int keep = hold && !rc && blob_room(st, (size_t)len);
	while (!rc && (got = fread(piece, 1, FILE_PIECE, f)) > 0) {
		if (git_odb_stream_write(w, piece, got))
			rc = git_fail(err, "blob");
		if (keep && kt_buf_add(&bytes, piece, got))
			keep = 0;
	}
	if (!rc && ferror(f))
		rc = kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	if (!rc && git_odb_stream_finalize_write(id, w))
		rc = git_fail(err, "blob");
	char hex[GIT_OID_HEXSZ + 1];
	if (!rc && keep && blob_keep(st, git_oid_tostr(hex, sizeof hex, id), bytes.data, bytes.len))
		kt_buf_detach(&bytes);   /* the store's now */
	kt_buf_free(&bytes);
	git_odb_stream_free(w);
	git_odb_free(odb);
	free(piece);
	return rc;
}

/* Returns 1 if the file at full holds the bytes of blob id (NULL: no
 * file), else 0; the file is hashed a piece at a time, never read whole.
 * See repo.h. */
int blob_matches_file(struct store *st, const git_oid *id, const char *full)
{
	struct stat sb;
	size_t len = 0;
	git_oid got;
	struct kt_error ignored;

	if (stat(full, &sb))
		return errno == ENOENT && (!id || (!blob_size(st, id, &len, &ignored) && !len));
	if (!id)
		return sb.st_size == 0;
	return !blob_size(st, id, &len, &ignored) && (size_t)sb.st_size == len &&
	       !git_odb_hashfile(&got, full, GIT_OBJECT_BLOB) && git_oid_equal(&got, id);
}
