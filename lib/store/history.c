/*
 * history.c - the history of one record, read from git.
 *
 * A record lives in one shard for its whole life (the shard is named by
 * its created time, which never changes), so its history is the history
 * of that one path, like `git log -- PATH`: commits are walked newest
 * first, and a commit whose blob at the path equals a parent's is left
 * out.  For the others the record's row is cut out of the blob (a memmem
 * for the id, then only the header and that row are parsed) in the commit
 * and in its first parent, and an entry is made when the two differ as
 * records.  Walking a linear history, the parent's row of one entry is the
 * row of the next, so the last rows read are kept.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo.h"

/* The blob at the record's path in one commit: present 0 when the commit
 * has no such file. */
struct blob_state {
	int present;
	git_oid id;
};

/* A row already read: the record (NULL when the blob has no such row) of
 * the blob id. */
struct slot {
	int used;
	unsigned long touched;
	git_oid blob;
	struct kt_record *rec;
};

/* What one walk keeps between commits. */
struct walk {
	struct store *st;
	const struct kt_schema *s;
	const char *id;
	const char *path;
	struct slot slots[2];          /* the rows read last, owned */
	unsigned long clock;
	int have_parent;               /* the blob state of the last first parent */
	git_oid parent_commit;
	struct blob_state parent_blob;
	int (*fn)(void *arg, const struct kt_log_entry *e);   /* kt_log()'s caller's */
	void *arg;
};

/* Returns 1 if a and b are the same file state (both absent or the same
 * blob), else 0. */
static int same_blob(const struct blob_state *a, const struct blob_state *b)
{
	if (!a->present || !b->present)
		return a->present == b->present;
	return git_oid_equal(&a->id, &b->id);
}

/* Finds the blob at path in commit c into *out (present 0 when there is
 * no file there).  A shard split later (docs/foundation.md, "Storage")
 * was, before its split, the shard whose directory holds it: before
 * data/lead/2026-11/L3/L3A.csv, data/lead/2026-11/L3.csv, so the record's
 * history goes on there.  Returns 0 or KT_EGIT. */
static int blob_of_commit(const git_commit *c, const char *path,
                          struct blob_state *out, struct kt_error *err)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	char at[PATH_MAX];
	int rc;

	out->present = 0;
	if (git_commit_tree(&tree, c))
		return git_fail(err, "commit tree");
	snprintf(at, sizeof at, "%s", path);
	for (;;) {
		rc = git_tree_entry_bypath(&e, tree, at);
		char *slash = strrchr(at, '/');
		/* Up to data/TYPE/X.csv: a month's or a split type's month's. */
		if (rc != GIT_ENOTFOUND || !slash || slash - at <= 5 || !memchr(at + 5, '/', (size_t)(slash - at - 5)))
			break;
		strcpy(slash, ".csv");
	}
	if (rc == 0 && git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		out->present = 1;
		git_oid_cpy(&out->id, git_tree_entry_id(e));
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	if (rc && rc != GIT_ENOTFOUND)
		return git_fail(err, path);
	return 0;
}

/* Finds the blob at the walk's path in the commit with id cid, reusing
 * the state remembered for the last first parent.  Returns 0 or
 * KT_EGIT. */
static int blob_of_id(struct walk *w, const git_oid *cid,
                      struct blob_state *out, struct kt_error *err)
{
	git_commit *c = NULL;
	int rc;

	if (w->have_parent && git_oid_equal(cid, &w->parent_commit)) {
		*out = w->parent_blob;
		return 0;
	}
	if (git_commit_lookup(&c, w->st->repo, cid))
		return git_fail(err, "commit");
	rc = blob_of_commit(c, w->path, out, err);
	git_commit_free(c);
	return rc;
}

/* Cuts the record out of a shard's bytes into *out (caller frees with
 * kt_record_free; NULL when the shard has no row of the id).  Returns 0
 * or an error (malformed CSV, out of memory). */
static int record_in(const struct walk *w, const char *buf, size_t len,
                     struct kt_record **out, struct kt_error *err)
{
	struct kt_csv *csv = NULL;
	size_t start, end;
	int rc;

	*out = NULL;
	if (!shard_find_row(buf, len, w->id, &start, &end))
		return 0;
	if ((rc = shard_parse_range(buf, len, start, end, SHARD_COUNT, w->path, &csv, err)))
		return rc;
	if (csv->nrows >= 1 && csv->rows[0].nfields >= 1 &&
	    !strcmp(csv->rows[0].fields[0], w->id) &&
	    record_from_row(w->s, csv->header, csv->nheader, csv->rows[0].fields,
	                    csv->rows[0].nfields, out))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	kt_csv_free(csv);
	return rc;
}

/* Returns in *out the record as it is in blob st (NULL when the file or
 * the row is absent), reading the blob unless one of the walk's two slots
 * holds it.  *out is owned by the walk; it stays valid through the next
 * call (which evicts the slot used least recently) but not the one after.
 * Returns 0 or an error. */
static int record_at(struct walk *w, const struct blob_state *st,
                     const struct kt_record **out, struct kt_error *err)
{
	struct slot *victim = &w->slots[0];
	git_blob *blob = NULL;
	struct kt_record *rec = NULL;
	int rc;

	*out = NULL;
	if (!st->present)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		struct slot *sl = &w->slots[i];
		if (sl->used && git_oid_equal(&sl->blob, &st->id)) {
			sl->touched = ++w->clock;
			*out = sl->rec;
			return 0;
		}
		if (!sl->used || (victim->used && sl->touched < victim->touched))
			victim = sl;
	}
	if (git_blob_lookup(&blob, w->st->repo, &st->id))
		return git_fail(err, w->path);
	rc = record_in(w, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
	               &rec, err);
	git_blob_free(blob);
	if (rc)
		return rc;
	kt_record_free(victim->rec);
	victim->used = 1;
	victim->touched = ++w->clock;
	git_oid_cpy(&victim->blob, &st->id);
	victim->rec = rec;
	*out = rec;
	return 0;
}

/* Returns r's value of name, "" when r is NULL or has no such column
 * (owned by r). */
static const char *value_of(const struct kt_record *r, const char *name)
{
	const char *v = r ? kt_record_get(r, name) : NULL;
	return v ? v : "";
}

/* Returns 1 if a column called name is left out of the field list of an
 * added or removed record (id and created say nothing new), else 0. */
static int silent_column(const char *name)
{
	return !strcmp(name, "id") || !strcmp(name, "created");
}

/* Returns 1 if a and b (either may be NULL for absent) hold the same
 * values, a column missing from one counting as empty; else 0. */
static int same_record(const struct kt_record *a, const struct kt_record *b)
{
	if (!a || !b)
		return a == b;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->values[i], value_of(b, a->names[i])))
			return 0;
	for (size_t i = 0; i < b->n; i++)
		if (!kt_record_get(a, b->names[i]) && *b->values[i])
			return 0;
	return 1;
}

/* Returns in *same 1 if the record in blob cur is the same as in one of
 * the parents of merge c after the first (the change then came from that
 * parent's side and is reported there), else 0.  Returns 0 or an
 * error. */
static int same_as_side(struct walk *w, git_commit *c,
                        const struct blob_state *cur, int *same,
                        struct kt_error *err)
{
	*same = 0;
	for (unsigned int i = 1; !*same && i < git_commit_parentcount(c); i++) {
		const struct kt_record *rcur, *rp;
		struct blob_state st;
		int rc;

		/* cur first, so that reading the parent does not evict it. */
		if ((rc = blob_of_id(w, git_commit_parent_id(c, i), &st, err)) ||
		    (rc = record_at(w, cur, &rcur, err)) ||
		    (rc = record_at(w, &st, &rp, err)))
			return rc;
		*same = same_record(rcur, rp);
	}
	return 0;
}

/* Fills ch (room for old->n + new->n entries; either record may be NULL)
 * with the fields that differ between old and new, in column order, the
 * strings borrowed from the records.  Returns their number. */
static size_t field_changes(const struct kt_record *old,
                            const struct kt_record *new,
                            struct kt_field_change *ch)
{
	size_t n = 0;

	if (!old || !new) {
		const struct kt_record *r = old ? old : new;
		for (size_t i = 0; i < r->n; i++) {
			if (silent_column(r->names[i]) || !*r->values[i])
				continue;
			ch[n].field = r->names[i];
			ch[n].old = old ? r->values[i] : "";
			ch[n].new = old ? "" : r->values[i];
			n++;
		}
		return n;
	}
	for (size_t i = 0; i < new->n; i++) {
		const char *was = value_of(old, new->names[i]);
		if (!strcmp(new->names[i], "id") || !strcmp(was, new->values[i]))
			continue;
		ch[n].field = new->names[i];
		ch[n].old = was;
		ch[n].new = new->values[i];
		n++;
	}
	/* Columns dropped from the shard by hand. */
	for (size_t i = 0; i < old->n; i++) {
		if (kt_record_get(new, old->names[i]) || !*old->values[i])
			continue;
		ch[n].field = old->names[i];
		ch[n].old = old->values[i];
		ch[n].new = "";
		n++;
	}
	return n;
}

/* Makes the entry of commit c, whose record is cur and whose first
 * parent's is par (either NULL for absent, not both), and calls fn with
 * it unless the two are the same record.  Returns 0, fn's non-zero
 * return, or KT_ENOMEM. */
static int report(git_commit *c, const struct kt_record *par,
                  const struct kt_record *cur,
                  int (*fn)(void *arg, const struct kt_log_entry *e),
                  void *arg, struct kt_error *err)
{
	const git_signature *who = git_commit_author(c);
	const char *subject = git_commit_summary(c);
	size_t room = (par ? par->n : 0) + (cur ? cur->n : 0) + 1;
	struct kt_field_change *ch = calloc(room, sizeof *ch);
	struct kt_log_entry e = { 0 };
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (!ch)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	e.nchanges = field_changes(par, cur, ch);
	if (par && cur && !e.nchanges) {
		free(ch);
		return 0;
	}
	git_oid_tostr(hex, sizeof hex, git_commit_id(c));
	e.commit = hex;
	e.time = who ? (int64_t)who->when.time : (int64_t)git_commit_time(c);
	e.tz_offset = who ? who->when.offset : git_commit_time_offset(c);
	e.author = who && who->name ? who->name : "";
	e.email = who && who->email ? who->email : "";
	e.subject = subject ? subject : "";
	e.added = !par;
	e.removed = !cur;
	e.changes = ch;
	rc = fn(arg, &e);
	free(ch);
	return rc;
}

/* Finds the record as commit c has it (*cur) and as its first parent has
 * it (*par), both owned by the walk; *skip is set instead when c did not
 * touch the record: its blob at the path is one of a parent's, the record
 * is absent from both, or a merge took it as it was on a side branch.
 * Returns 0 or an error. */
static int rows_of(struct walk *w, git_commit *c, const struct kt_record **cur,
                   const struct kt_record **par, int *skip,
                   struct kt_error *err)
{
	struct blob_state now, first = { 0 }, st;
	unsigned int np = git_commit_parentcount(c);
	int rc = blob_of_id(w, git_commit_id(c), &now, err);

	*skip = 1;
	*cur = *par = NULL;
	if (rc)
		return rc;
	for (unsigned int i = 0; i < np; i++) {
		const git_oid *pid = git_commit_parent_id(c, i);
		if (!pid)
			return git_fail(err, "commit parent");
		if ((rc = blob_of_id(w, pid, &st, err)))
			return rc;
		if (i == 0) {
			first = st;
			w->have_parent = 1;
			git_oid_cpy(&w->parent_commit, pid);
			w->parent_blob = st;
		}
		if (same_blob(&now, &st))
			return 0;
	}
	if (np == 0 && !now.present)
		return 0;
	if (np > 1) {
		int same;
		if ((rc = same_as_side(w, c, &now, &same, err)) || same)
			return rc;
	}
	if ((rc = record_at(w, &now, cur, err)) ||
	    (rc = record_at(w, &first, par, err)))
		return rc;
	*skip = !*cur && !*par;
	return 0;
}

/* Looks at one commit of the walk (w) and reports it to w's fn when it
 * changed the record.  Returns 0, fn's non-zero return, or an error (a
 * malformed shard names the commit). */
static int visit(git_commit *c, void *walk, struct kt_error *err)
{
	struct walk *w = walk;
	const struct kt_record *cur, *par;
	int skip, rc = rows_of(w, c, &cur, &par, &skip, err);

	if (rc == KT_ECSV && err) {
		char hex[GIT_OID_HEXSZ + 1], msg[sizeof err->msg];
		git_oid_tostr(hex, sizeof hex, git_commit_id(c));
		snprintf(msg, sizeof msg, "%s", err->msg);
		kt_error_set(err, rc, "commit %.10s: %s", hex, msg);
	}
	if (rc || skip)
		return rc;
	return report(c, par, cur, w->fn, w->arg, err);
}

/* Calls fn(c, arg, err) for every commit reachable from HEAD, newest
 * first (topological, then by time).  Returns 0, fn's non-zero return,
 * or an error. */
static int each_commit(git_repository *repo,
                       int (*fn)(git_commit *c, void *arg, struct kt_error *err),
                       void *arg, struct kt_error *err)
{
	git_revwalk *rw = NULL;
	git_oid id;
	int rc = 0, g;

	if (git_revwalk_new(&rw, repo))
		return git_fail(err, "revwalk");
	if (git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) || git_revwalk_push_head(rw))
		rc = git_fail(err, "HEAD");
	while (!rc && (g = git_revwalk_next(&id, rw)) != GIT_ITEROVER) {
		git_commit *c = NULL;
		if (g || git_commit_lookup(&c, repo, &id))
			rc = git_fail(err, "commit");
		else
			rc = fn(c, arg, err);
		git_commit_free(c);
	}
	git_revwalk_free(rw);
	return rc;
}

/* Sets *found to 1 and writes to name (size bytes, the caller's) the path
 * of the shard under dir (data/TYPE, any depth) that commit c changed or
 * dropped and whose version in c's parent p holds the row of id; *found is
 * 0 when there is none.  Returns 0 or an error. */
static int removed_from(git_repository *repo, git_commit *c, git_commit *p,
                        const char *dir, const char *id, char *name,
                        size_t size, int *found, struct kt_error *err)
{
	git_tree *ct = NULL, *pt = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	char *spec = (char *)dir;
	int rc = 0;

	*found = 0;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.pathspec.strings = &spec;
	opts.pathspec.count = 1;
	if (git_commit_tree(&ct, c) || git_commit_tree(&pt, p) ||
	    git_diff_tree_to_tree(&diff, repo, pt, ct, &opts)) {
		rc = git_fail(err, "commit tree");
		goto out;
	}
	for (size_t i = 0; !rc && !*found && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		git_blob *blob = NULL;
		size_t start, end;

		if (git_oid_is_zero(&d->old_file.id))
			continue;
		if (git_blob_lookup(&blob, repo, &d->old_file.id)) {
			rc = git_fail(err, d->old_file.path);
			break;
		}
		if (shard_find_row(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
		                   id, &start, &end)) {
			snprintf(name, size, "%s", d->old_file.path);
			*found = 1;
		}
		git_blob_free(blob);
	}
out:
	git_diff_free(diff);
	git_tree_free(ct);
	git_tree_free(pt);
	return rc;
}

/* What removed_path() looks for, and what it found. */
struct removal {
	git_repository *repo;
	char dir[256];
	const char *id;
	char name[512];
	int found;
};

/* Looks whether commit c removed the row of r->id from a shard of its
 * first parent.  Returns 1 (stop) when it did, 0, or an error. */
static int find_removal(git_commit *c, void *removal, struct kt_error *err)
{
	struct removal *r = removal;
	git_commit *p = NULL;
	int rc = 0;

	if (git_commit_parentcount(c) > 0 && git_commit_parent(&p, c, 0))
		rc = git_fail(err, "commit parent");
	else if (p)
		rc = removed_from(r->repo, c, p, r->dir, r->id, r->name, sizeof r->name, &r->found, err);
	git_commit_free(p);
	return rc ? rc : r->found;
}

/* Finds the shard of a record no longer in the books: the file under
 * data/TYPE/ from which the newest commit that removed it took it.
 * Returns 0 and *path (caller frees), KT_ENOTFOUND, or an error. */
static int removed_path(struct store *st, const struct kt_schema *s,
                        const char *id, char **path, struct kt_error *err)
{
	struct removal r = { .repo = st->repo, .id = id };
	int rc;

	*path = NULL;
	snprintf(r.dir, sizeof r.dir, "data/%s/", s->name);
	rc = each_commit(st->repo, find_removal, &r, err);
	if (rc < 0)
		return rc;
	if (!r.found)
		return kt_error_set(err, KT_ENOTFOUND, "no %s %s", s->name, id);
	if (!(*path = strdup(r.name)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Calls fn for every commit that changed the record.  See store.h. */
int store_log(struct store *st, const struct kt_schema *s, const char *id, const char *path,
              int (*fn)(void *arg, const struct kt_log_entry *e), void *arg,
              struct kt_error *err)
{
	struct walk w = { 0 };
	char *removed = NULL;
	int rc = store_git(st, err);

	if (rc || (!path && (rc = removed_path(st, s, id, &removed, err))))
		return rc;
	w.st = st;
	w.s = s;
	w.id = id;
	w.path = path ? path : removed;
	w.fn = fn;
	w.arg = arg;
	rc = each_commit(st->repo, visit, &w, err);
	for (size_t i = 0; i < 2; i++)
		kt_record_free(w.slots[i].rec);
	free(removed);
	return rc;
}
