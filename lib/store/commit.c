/*
 * commit.c - a change committed as exactly one commit.
 *
 * The ops are applied to HEAD's blobs (never to the worktree), row by
 * row into a file of .git/kontora, which is hashed into git a piece at
 * a time and renamed into the worktree once the change stands, so that a
 * shard of any size is never held whole; a tree and a commit are built,
 * and the branch is moved with a compare-and-swap; if someone moved it meanwhile, the ops are applied again to the
 * new HEAD.  Only then are the worktree and git's index brought up to
 * date, under the journal (store/journal.c).  Up to the branch's move a
 * failure leaves nothing committed; after it the commit stands, and what
 * is left is the journal's to finish.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/repo.h"

/* Attempts at a commit when the branch moved meanwhile, and at moving it
 * while its ref lock is held, 10 ms apart. */
enum { MAX_ATTEMPTS = 400, NOTHING = 1, LOCKED = 2 };

/* Refuses to write path when the worktree's copy differs from HEAD's
 * (blob head, NULL when HEAD has none), so that hand edits not yet
 * committed are never overwritten.  Returns 0 or KT_EDIRTY. */
static int check_clean(struct store *st, const char *path, const git_oid *head, struct kt_error *err)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s/%s", st->root, path);
	if (blob_matches_file(st, head, full))
		return 0;
	return kt_error_set(err, KT_EDIRTY, "%s has uncommitted changes; commit them with git or restore the file",
	                    path);
}

/* Writes the whole text b to out, from its start.  Returns 0 or KT_EIO. */
static int put_text(FILE *out, const struct kt_buf *b, struct kt_error *err)
{
	rewind(out);
	if (ftruncate(fileno(out), 0) || (b->len && fwrite(b->data, 1, b->len, out) != b->len))
		return kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	return 0;
}

/* Writes the new text of the shard path of s, blob old in HEAD (NULL:
 * none yet), to out, and the number of its rows into *rows: merged with
 * the ops on it, v[0..n) sorted by id, row by row, or rewritten whole
 * when a hand edit left it out of canonical form.  Returns 0 or an
 * error. */
static int new_shard(struct store *st, const struct ops *ops, const struct kt_schema *s,
                     const char *path, const struct op *const *v, size_t n,
                     const git_oid *old, FILE *out, size_t *rows, struct kt_error *err)
{
	struct shard_reader in;
	struct kt_buf b = { 0 };
	git_blob *blob = NULL;
	const char *buf;
	size_t len;
	int rc = blob_rows(st, old, &in, err);

	if (!rc)
		rc = ops_apply_shard(ops, s, path, v, n, &in, out, rows, err);
	shard_reader_free(&in);
	if (rc != 1)
		return rc;
	if (!(rc = blob_text(st, old, &blob, &buf, &len, err)) &&
	    !(rc = ops_rewrite_shard(ops, s, path, buf, len, &b, err)))
		rc = put_text(out, &b, err);
	*rows = b.len > shard_header_len(b.data, b.len);
	git_blob_free(blob);
	kt_buf_free(&b);
	return rc;
}

/* Writes the new text of kontora.conf, a dictionary or a file of the
 * ops, whose first op on path is first, blob old in HEAD, to out: small
 * files, read and made whole.  Returns 0 or an error. */
static int new_whole(struct store *st, const struct ops *ops, const struct op *first,
                     const char *path, const git_oid *old, FILE *out, struct kt_error *err)
{
	struct kt_buf b = { 0 };
	git_blob *blob = NULL;
	const char *buf;
	size_t len;
	int rc = blob_text(st, old, &blob, &buf, &len, err);

	if (!rc && first->kind == OP_CONFIG)
		rc = config_apply(st, ops, buf, len, &b, err);
	else if (!rc && first->kind == OP_FILE && kt_buf_add(&b, first->bytes.data, first->bytes.len))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (!rc && op_is_dict(first))
		rc = ops_apply_dict(ops, path, buf, len, &b, err);
	if (!rc)
		rc = put_text(out, &b, err);
	git_blob_free(blob);
	kt_buf_free(&b);
	return rc;
}

/* The contents of a commit: first the n0 paths the ops write, then the
 * shards that splitting one of them made, in the order they were made;
 * every path and temporary name the contents' own. */
struct contents {
	struct content *v;
	size_t n, cap, n0;
};

/* Returns 1 if tree holds a directory where the shard path would split
 * into (path without .csv), else 0. */
static int split_already(git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%.*s", (int)(strlen(path) - 4), path);
	if (git_tree_entry_bypath(&e, tree, dir))
		return 0;
	git_tree_entry_free(e);
	return 1;
}

/* Returns the bytes past which a shard is split. */
static size_t split_bytes(const struct store *st)
{
	return st->opt.split_bytes ? st->opt.split_bytes : SHARD_SPLIT_BYTES;
}

/* Drops the contents a split made, from the first at on: their files
 * removed.  Returns nothing. */
static void contents_drop(struct contents *cs, size_t at)
{
	for (size_t i = at; i < cs->n; i++) {
		if (cs->v[i].tmp)
			unlink(cs->v[i].tmp);
		free(cs->v[i].tmp);
		free(cs->v[i].path);
	}
	cs->n = at < cs->n ? at : cs->n;
}

/* Names the temporary file of content at of a commit in c->tmp (caller
 * frees; NULL when out of memory).  Returns 0 or KT_ENOMEM. */
static int content_tmp(const struct store *st, struct content *c, size_t at)
{
	if (asprintf(&c->tmp, "%s/new.%ld.%zu", st->dir, (long)getpid(), at) >= 0)
		return 0;
	c->tmp = NULL;
	return KT_ENOMEM;
}

/* Appends to cs the content of the shard path (taken: freed on failure),
 * its file made, opened into *f.  Returns 0 or an error. */
static int contents_add(struct store *st, struct contents *cs, char *path, FILE **f,
                        struct kt_error *err)
{
	struct content *c;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap * 2;
		struct content *v = realloc(cs->v, cap * sizeof *v);
		if (!v) {
			free(path);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		cs->v = v;
		cs->cap = cap;
	}
	c = memset(&cs->v[cs->n], 0, sizeof *c);
	c->path = path;
	if (content_tmp(st, c, cs->n)) {
		free(path);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	cs->n++;
	if (!(*f = fopen(c->tmp, "w+b")))
		return kt_error_set(err, KT_EIO, "%s: %s", c->tmp, strerror(errno));
	return 0;
}

/* A range of a shard's temporary file as shard_reader reads it: the
 * shard's header first (none at the top, where the file begins with
 * it), then bytes [at, end) of fd, read with pread(2) so that a split
 * and the split of one of its parts read the one file at once. */
struct range {
	int fd;
	off_t at, end;
	const char *head;
	size_t hlen;
};

/* shard_reader's fill function over a range. */
static int range_fill(void *arg, char *buf, size_t cap, size_t *got, struct kt_error *err)
{
	struct range *r = arg;
	ssize_t n = 0;

	if (r->hlen) {
		*got = r->hlen < cap ? r->hlen : cap;
		memcpy(buf, r->head, *got);
		r->head += *got;
		r->hlen -= *got;
		return 0;
	}
	if (r->at < r->end && (n = pread(r->fd, buf, (size_t)(r->end - r->at) < cap ? (size_t)(r->end - r->at) : cap,
	                                 r->at)) < 0)
		return kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	r->at += n;
	*got = (size_t)n;
	return 0;
}

/* Appends to cs the shard path (taken), its text the header head[0..hlen)
 * and bytes [at, end) of fd: its file written and its blob.  Returns 0
 * or an error. */
static int part_write(struct store *st, struct contents *cs, char *path, int fd, const char *head,
                      size_t hlen, off_t at, off_t end, struct kt_error *err)
{
	enum { PIECE = 1 << 16 };
	size_t i = cs->n;
	FILE *out = NULL;
	char *piece = malloc(PIECE);
	int rc = piece ? contents_add(st, cs, path, &out, err) : kt_error_set(err, KT_ENOMEM, "out of memory");

	if (!piece)
		free(path);
	if (!rc && fwrite(head, 1, hlen, out) != hlen)
		rc = kt_error_set(err, KT_EIO, "%s: %s", cs->v[i].tmp, strerror(errno));
	while (!rc && at < end) {
		ssize_t n = pread(fd, piece, (size_t)(end - at) < PIECE ? (size_t)(end - at) : PIECE, at);
		if (n <= 0 || fwrite(piece, 1, (size_t)n, out) != (size_t)n)
			rc = kt_error_set(err, KT_EIO, "%s: %s", cs->v[i].tmp, strerror(n ? errno : EIO));
		at += n;
	}
	if (!rc)
		rc = blob_from_file(st, out, 1, &cs->v[i].id, err);
	if (out && fclose(out) && !rc)
		rc = kt_error_set(err, KT_EIO, "%s: %s", cs->v[i].tmp, strerror(errno));
	free(piece);
	return rc;
}

static int split_range(struct store *st, git_tree *tree, const struct kt_schema *s, struct contents *cs,
                       const char *path, int fd, const char *head, size_t hlen, off_t at, off_t end,
                       struct kt_error *err);

/* Ends a part of a split, the shard path (taken) of the rows [at, end) of
 * fd below the header head[0..hlen): split again when still too big (and
 * no directory is there already, a hand edit's: kontora check says so),
 * else written whole.  Returns 0 or an error. */
static int part_end(struct store *st, git_tree *tree, const struct kt_schema *s, struct contents *cs,
                    char *path, int fd, const char *head, size_t hlen, off_t at, off_t end,
                    struct kt_error *err)
{
	size_t first = cs->n;
	int rc = 1;

	if (hlen + (size_t)(end - at) > split_bytes(st) && !split_already(tree, path)) {
		store_fault(st, "split");
		rc = split_range(st, tree, s, cs, path, fd, head, hlen, at, end, err);
	}
	if (rc != 1) {
		free(path);
		return rc;
	}
	contents_drop(cs, first);
	return part_write(st, cs, path, fd, head, hlen, at, end, err);
}

/* Splits the rows [at, end) of fd, those of the shard path below the
 * header head[0..hlen) (NULL at the top, where the range begins with the
 * header), into the shards one id character longer below its directory.
 * Rows are in id order: a part's rows come together, and each part is
 * ended by part_end() when the next begins, its size known then.  So
 * only the shards that stay are written: a part split again is only read
 * (at 100,000 products, the 32 parts of 5.8 MB each that split again
 * into 1,024 were written for nothing: 0.36 s of the import's 2 s of
 * system time).  Returns 0, 1 when a row's id cannot go below (a hand
 * edit: kontora check reports it; the caller keeps the shard whole), or
 * an error. */
static int split_range(struct store *st, git_tree *tree, const struct kt_schema *s, struct contents *cs,
                       const char *path, int fd, const char *head, size_t hlen, off_t at, off_t end,
                       struct kt_error *err)
{
	struct range r = { .fd = fd, .at = at, .end = end, .head = head, .hlen = hlen };
	struct shard_reader in = { 0 };
	char *part = NULL;
	off_t start = 0, pos;
	int rc = shard_reader_start(&in, NULL, 0, range_fill, NULL, &r, 1 << 16, err);

	/* The range's first row is past the header when the range holds it. */
	pos = at + (off_t)in.hlen - (off_t)hlen;
	head = in.header;
	hlen = in.hlen;
	while (!rc && !(rc = shard_reader_next(&in, err)) && in.rowlen) {
		char id[9];
		size_t n = 0;
		while (n < in.rowlen && n < 8 && in.row[n] != ',' && in.row[n] != '\n')
			n++;
		/* A row whose id begins with the part's name is the part's (no
		 * path made for each of 10,000 rows to find that out). */
		const char *name = part ? strrchr(part, '/') + 1 : NULL;
		size_t nlen = name ? strlen(name) - strlen(".csv") : 0;
		if (!name || n < nlen || memcmp(in.row, name, nlen)) {
			memcpy(id, in.row, n);
			id[n] = '\0';
			char *child = shard_child(s, path, id);
			if (!child) {
				rc = 1;
				break;
			}
			rc = part ? part_end(st, tree, s, cs, part, fd, head, hlen, start, pos, err) : 0;
			part = child;
			start = pos;
		}
		pos += (off_t)in.rowlen;
	}
	if (!rc && part) {
		rc = part_end(st, tree, s, cs, part, fd, head, hlen, start, pos, err);
		part = NULL;
	}
	free(part);
	shard_reader_free(&in);
	return rc;
}

/* Splits the shard text in f (canonical: rows sorted by id), content at
 * of cs, into the shards one id character longer below its directory,
 * each appended to cs (split again when still too big); the shard itself
 * is gone then.  A row whose id cannot go below (a hand edit: kontora
 * check reports it) leaves the shard whole.  Returns 0 or an error. */
static int split_content(struct store *st, git_tree *tree, const struct kt_schema *s,
                         struct contents *cs, size_t at, FILE *f, off_t len, struct kt_error *err)
{
	size_t first = cs->n;
	int rc = split_range(st, tree, s, cs, cs->v[at].path, fileno(f), NULL, 0, 0, len, err);

	if (rc == 1) {
		contents_drop(cs, first);
		return blob_from_file(st, f, 1, &cs->v[at].id, err);
	}
	cs->v[at].gone = !rc;
	return rc;
}

/* Finishes content at of cs, its text in f: its blob written, or split
 * when it is a shard of s grown past the split size.  Returns 0 or an
 * error. */
static int finish_content(struct store *st, git_tree *tree, const struct kt_schema *s,
                          struct contents *cs, size_t at, FILE *f, struct kt_error *err)
{
	off_t len;

	if (fflush(f) || fseeko(f, 0, SEEK_END) || (len = ftello(f)) < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", cs->v[at].tmp, strerror(errno));
	/* A directory there already is a hand edit's: kontora check says so. */
	if (s && (size_t)len > split_bytes(st) && !split_already(tree, cs->v[at].path)) {
		store_fault(st, "split");
		return split_content(st, tree, s, cs, at, f, len, err);
	}
	return blob_from_file(st, f, s != NULL, &cs->v[at].id, err);
}

/* Computes the new content at of cs, the path g->paths[at], from tree
 * into its temporary file, and writes its blob, a piece at a time, or
 * the blobs of the shards it splits into.  Returns 0 or an error. */
static int new_content(struct store *st, const struct ops *ops, const struct ops_paths *g,
                       git_tree *tree, struct contents *cs, size_t at, struct kt_error *err)
{
	struct content *c = &cs->v[at];
	/* The path's first op: every op on it is of its sort. */
	const struct op *first = g->first[at + 1] > g->first[at] ? g->ops[g->first[at]] : NULL;
	const struct kt_schema *s = first ? first->s : NULL;
	git_tree_entry *e = NULL;
	const git_oid *old = NULL;
	size_t rows = 1;
	FILE *out = NULL;
	int rc = git_tree_entry_bypath(&e, tree, c->path);

	if (rc && rc != GIT_ENOTFOUND)
		return git_fail(err, c->path);
	old = e ? git_tree_entry_id(e) : NULL;
	if (!first)
		rc = kt_error_set(err, KT_EINVAL, "%s: no operation of this change writes it", c->path);
	else if (s && !old && split_already(tree, c->path))
		rc = kt_error_set(err, KT_ECONFLICT, "%s was split by another change meanwhile; nothing was "
		                  "changed, try again", c->path);
	else if (!(rc = check_clean(st, c->path, old, err)) && !(out = fopen(c->tmp, "w+b")))
		rc = kt_error_set(err, KT_EIO, "%s: %s", c->tmp, strerror(errno));
	else if (!rc && s)
		rc = new_shard(st, ops, s, c->path, g->ops + g->first[at], g->first[at + 1] - g->first[at],
		               old, out, &rows, err);
	else if (!rc)
		rc = new_whole(st, ops, first, c->path, old, out, err);
	/* A shard left with its header alone goes away. */
	c->gone = s && !rows;
	git_tree_entry_free(e);
	if (!rc && !c->gone)
		rc = finish_content(st, tree, s, cs, at, out, err);
	if (out && fclose(out) && !rc)
		rc = kt_error_set(err, KT_EIO, "%s: %s", cs->v[at].tmp, strerror(errno));
	return rc;
}

/* Builds the tree of the n contents cs over tree into *out.  Returns 0 or
 * an error. */
static int new_tree(struct store *st, git_tree *tree, const struct content *cs, size_t n,
                    git_oid *out, struct kt_error *err)
{
	git_tree_update *up = calloc(n ? n : 1, sizeof *up);
	size_t nup = 0;
	int rc = 0;

	if (!up)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		git_tree_entry *e = NULL;
		/* Removing what is not there would make libgit2 fail. */
		if (cs[i].gone && git_tree_entry_bypath(&e, tree, cs[i].path))
			continue;
		git_tree_entry_free(e);
		up[nup].action = cs[i].gone ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT;
		up[nup].filemode = GIT_FILEMODE_BLOB;
		up[nup].path = cs[i].path;
		git_oid_cpy(&up[nup++].id, &cs[i].id);
	}
	if (git_tree_create_updated(out, st->repo, tree, nup, up))
		rc = git_fail(err, "tree");
	free(up);
	return rc;
}

/* Moves the branch head from its target to commit id, unless someone
 * moved it meanwhile.  The journal is written first and taken back when
 * the branch does not move.  A ref lock is waited for up to about four
 * seconds, or removed when it is stale.  Returns 0, GIT_EMODIFIED when
 * the branch moved, LOCKED when a live process kept its ref lock, or an
 * error. */
static int move_branch(struct store *st, git_reference *head, char *const *paths, size_t n,
                       const git_oid *id, struct kt_error *err)
{
	char lock[PATH_MAX];
	int rc, g;

	if ((rc = journal_write(st, paths, n, err)))
		return rc;
	store_fault(st, "cas");
	snprintf(lock, sizeof lock, "%s/.git/%s.lock", st->root, git_reference_name(head));
	for (int tries = 0;; tries++) {
		git_reference *moved = NULL;
		g = git_reference_create_matching(&moved, st->repo, git_reference_name(head), id, 1,
		                                  git_reference_target(head), "kontora");
		git_reference_free(moved);
		if (g != GIT_ELOCKED || tries == MAX_ATTEMPTS)
			break;
		if (!lock_remove_stale(st, lock))
			usleep(10000);
	}
	if (!g)
		return 0;
	journal_remove(st);
	if (g == GIT_EMODIFIED || g == GIT_ELOCKED)
		return g == GIT_ELOCKED ? LOCKED : GIT_EMODIFIED;
	return git_fail(err, git_reference_name(head));
}

/* Makes one attempt: the commit of ops, grouped by path in g (the paths
 * of cs's first n0 contents), on top of the branch's current tip, and
 * the compare-and-swap.  Returns 0 with the commit in *out,
 * GIT_EMODIFIED when the branch moved, LOCKED when a live process holds
 * its ref lock, NOTHING when the tree would not change, or an error. */
static int attempt(struct store *st, const struct ops *ops, const struct ops_paths *g, const char *msg,
                   const struct kt_identity *who, time_t when, struct contents *cs,
                   git_oid *out, struct kt_error *err)
{
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *newtree = NULL;
	git_signature *sig = NULL;
	char **paths = NULL;
	git_oid tree_oid;
	int rc = 0;

	/* What an earlier attempt split, it split in its own tree: start
	 * again from the paths of the ops. */
	contents_drop(cs, cs->n0);
	if (git_repository_head(&head, st->repo) || !git_reference_is_branch(head)) {
		rc = kt_error_set(err, KT_EGIT, "HEAD is not a branch: check out main");
		goto done;
	}
	if (git_commit_lookup(&parent, st->repo, git_reference_target(head)) ||
	    git_commit_tree(&tree, parent)) {
		rc = git_fail(err, "HEAD");
		goto done;
	}
	for (size_t i = 0; !rc && i < cs->n0; i++)
		rc = new_content(st, ops, g, tree, cs, i, err);
	if (!rc && !(paths = calloc(cs->n ? cs->n : 1, sizeof *paths)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (rc)
		goto done;
	for (size_t i = 0; i < cs->n; i++)
		paths[i] = cs->v[i].path;
	store_fault(st, "blob");
	if ((rc = new_tree(st, tree, cs->v, cs->n, &tree_oid, err)))
		goto done;
	if (git_tree_lookup(&newtree, st->repo, &tree_oid)) {
		rc = git_fail(err, "tree");
		goto done;
	}
	/* A change that changes nothing (the same value set again) is no commit. */
	if (git_oid_equal(&tree_oid, git_tree_id(tree))) {
		rc = NOTHING;
		goto done;
	}
	store_fault(st, "tree");
	const git_commit *parents[] = { parent };
	if (git_signature_new(&sig, who->name, who->email, (git_time_t)when, 0) ||
	    git_commit_create(out, st->repo, NULL, sig, sig, NULL, msg, newtree, 1, parents)) {
		rc = git_fail(err, "commit");
		goto done;
	}
	store_fault(st, "commit");
	rc = move_branch(st, head, paths, cs->n, out, err);
done:
	git_reference_free(head);
	git_signature_free(sig);
	git_tree_free(newtree);
	git_tree_free(tree);
	git_commit_free(parent);
	free(paths);
	return rc;
}

/* Waits up to five seconds for git's index.lock to go, removing it when
 * it is stale, so that a change is refused before it is committed rather
 * than left half done after.  Returns 0 or KT_ECONFLICT. */
static int index_unlocked(struct store *st, struct kt_error *err)
{
	char lock[PATH_MAX];

	snprintf(lock, sizeof lock, "%s/.git/index.lock", st->root);
	for (int tries = 0; !access(lock, F_OK); tries++) {
		if (lock_remove_stale(st, lock))
			return 0;
		if (tries == 500)
			return lock_busy(st, lock, err);
		usleep(10000);
	}
	return 0;
}

/* Commits ops.  See store.h. */
int store_commit(struct store *st, const struct ops *ops, const char *message,
                 const struct kt_identity *who, time_t when, char oid[41],
                 struct kt_error *warning, struct kt_error *err)
{
	struct contents cs = { 0 };
	/* Grouped and sorted once, for every attempt. */
	struct ops_paths g;
	git_oid id;
	int rc = index_unlocked(st, err);

	oid[0] = '\0';
	if (rc)
		return rc;
	if (ops_group(ops, &g))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(cs.v = calloc(g.n ? g.n : 1, sizeof *cs.v))) {
		ops_group_free(&g);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	cs.n = cs.n0 = g.n;
	cs.cap = g.n ? g.n : 1;
	for (size_t i = 0; !rc && i < g.n; i++)
		if (!(cs.v[i].path = strdup(g.paths[i])) || content_tmp(st, &cs.v[i], i))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc)
		rc = GIT_EMODIFIED;
	for (int i = 0; rc == GIT_EMODIFIED && i < MAX_ATTEMPTS; i++)
		rc = attempt(st, ops, &g, message, who, when, &cs, &id, err);
	if (rc == GIT_EMODIFIED)
		rc = kt_error_set(err, KT_ECONFLICT, "the branch kept moving; nothing was changed, try again");
	else if (rc == LOCKED)
		rc = kt_error_set(err, KT_ECONFLICT, "the branch's ref lock is held by a running git; "
		                  "nothing was changed, try again when it is done");
	if (rc == NOTHING) {
		rc = 0;
	} else if (!rc) {
		git_oid_tostr(oid, 41, &id);
		st->generation++;
		store_fault(st, "ref");
		/* The branch has moved: the change is made whatever happens now. */
		if (!sync_contents(st, cs.v, cs.n, warning))
			journal_remove(st);
	}
	/* What was not renamed into the worktree: a change refused, a shard
	 * gone, or a sync that stopped (the journal writes it again). */
	contents_drop(&cs, 0);
	free(cs.v);
	ops_group_free(&g);
	return rc;
}
