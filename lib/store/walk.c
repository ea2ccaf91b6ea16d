/*
 * walk.c - what some directories went through, commit by commit: the
 * index's status_history is read from it (index/status.c).
 *
 * The walk follows first parents only, oldest first, as `git log
 * --first-parent --reverse -- DIR` would: the books' history is a line
 * of commits, one per change, and a merge (kontora sync, a git pull)
 * counts as one change made at the merge's time.  Each directory's tree
 * id is compared with the one of the commit before, so that a commit
 * that touched only leads costs two tree lookups and no diff: a full
 * reindex walks every commit but reads only the lab's small files.
 */
#include <stdlib.h>
#include <string.h>

#include "store/repo.h"

/* What one walk keeps from commit to commit. */
struct walk {
	struct store *st;
	char *const *dirs;
	size_t ndirs;
	git_oid *before;        /* the directories' tree ids in the commit before */
	git_oid *now;           /* and in the commit being looked at */
	git_oid last;           /* the commit before, whose ids before holds */
	int have_last;
	int (*fn)(void *arg, const struct store_delta *d, struct kt_error *err);
	void *arg;
};

/* Finds the id of the tree at path dir of tree (NULL: no tree) into *id,
 * zero when there is no such directory.  Returns 0 or KT_EGIT. */
static int dir_id(git_tree *tree, const char *dir, git_oid *id, struct kt_error *err)
{
	git_tree_entry *e = NULL;
	int rc = tree ? git_tree_entry_bypath(&e, tree, dir) : GIT_ENOTFOUND;

	memset(id, 0, sizeof *id);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc)
		return git_fail(err, dir);
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_oid_cpy(id, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return 0;
}

/* Fills ids with the tree ids of the walk's directories in commit cid
 * (NULL: before the first commit, all zero).  Returns 0 or KT_EGIT. */
static int dir_ids(struct walk *w, const git_oid *cid, git_oid *ids, struct kt_error *err)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int rc = 0;

	if (cid && (git_commit_lookup(&c, w->st->repo, cid) || git_commit_tree(&tree, c)))
		rc = git_fail(err, "commit tree");
	for (size_t i = 0; !rc && i < w->ndirs; i++)
		rc = dir_id(tree, w->dirs[i], &ids[i], err);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

/* Looks up the tree id (zero: none) into *tree (NULL for zero).  Returns 0
 * or KT_EGIT. */
static int tree_of(git_repository *repo, const git_oid *id, git_tree **tree,
                   struct kt_error *err)
{
	*tree = NULL;
	if (git_oid_is_zero(id))
		return 0;
	return git_tree_lookup(tree, repo, id) ? git_fail(err, "tree") : 0;
}

/* Calls the walk's fn for every file that differs between the trees of
 * directory dir of ids old and new, as changed by commit c.  Returns 0,
 * fn's non-zero return, or an error. */
static int dir_changes(struct walk *w, git_commit *c, const char *dir, const git_oid *old,
                       const git_oid *new, struct kt_error *err)
{
	const git_signature *who = git_commit_author(c);
	git_tree *ot = NULL, *nt = NULL;
	git_diff *diff = NULL;
	struct kt_buf path = { 0 };
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	git_oid_tostr(hex, sizeof hex, git_commit_id(c));
	if ((rc = tree_of(w->st->repo, old, &ot, err)) || (rc = tree_of(w->st->repo, new, &nt, err)))
		goto done;
	if (git_diff_tree_to_tree(&diff, w->st->repo, ot, nt, NULL)) {
		rc = git_fail(err, "diff");
		goto done;
	}
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; !rc && i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *rel = d->new_file.path ? d->new_file.path : d->old_file.path;
		struct store_delta sd = { NULL, "", "", i, n, hex,
		                          who && who->email ? who->email : "",
		                          who && who->name ? who->name : "",
		                          who ? (int64_t)who->when.time : (int64_t)git_commit_time(c) };
		kt_buf_reset(&path);
		if (kt_buf_addf(&path, "%s/%s", dir, rel)) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			break;
		}
		sd.path = path.data;
		if (!git_oid_is_zero(&d->old_file.id))
			git_oid_tostr(sd.old, sizeof sd.old, &d->old_file.id);
		if (!git_oid_is_zero(&d->new_file.id))
			git_oid_tostr(sd.new, sizeof sd.new, &d->new_file.id);
		rc = w->fn(w->arg, &sd, err);
	}
done:
	kt_buf_free(&path);
	git_diff_free(diff);
	git_tree_free(ot);
	git_tree_free(nt);
	return rc;
}

/* Looks at one commit of the walk: the directories it changed against
 * its first parent.  first: c is the walk's first commit, whose first
 * parent must be from (NULL: the walk starts at the root); it is not
 * when from was reached only through a merge's other side.  Returns 0, 1
 * when the first commit does not follow from, fn's non-zero return, or
 * an error. */
static int walk_one(struct walk *w, git_commit *c, const git_oid *from, int first,
                    struct kt_error *err)
{
	const git_oid *parent = git_commit_parentcount(c) ? git_commit_parent_id(c, 0) : NULL;
	int rc;

	if (first && from && (!parent || !git_oid_equal(parent, from)))
		return 1;
	if (!(w->have_last && parent && git_oid_equal(parent, &w->last)) &&
	    (rc = dir_ids(w, parent, w->before, err)))
		return rc;
	if ((rc = dir_ids(w, git_commit_id(c), w->now, err)))
		return rc;
	for (size_t i = 0; !rc && i < w->ndirs; i++)
		if (!git_oid_equal(&w->before[i], &w->now[i]))
			rc = dir_changes(w, c, w->dirs[i], &w->before[i], &w->now[i], err);
	memcpy(w->before, w->now, w->ndirs * sizeof *w->now);
	git_oid_cpy(&w->last, git_commit_id(c));
	w->have_last = 1;
	return rc;
}

/* Calls fn for what commits did to some directories.  See store.h. */
int store_walk(struct store *st, const char *from, const char *to, char *const *dirs,
               size_t ndirs, int (*fn)(void *arg, const struct store_delta *d,
                                       struct kt_error *err),
               void *arg, struct kt_error *err)
{
	struct walk w = { st, dirs, ndirs, NULL, NULL, { { 0 } }, 0, fn, arg };
	git_revwalk *rw = NULL;
	git_oid f, t, id;
	int rc = store_git(st, err), g, first = 1;

	if (rc)
		return rc;
	if (git_oid_fromstr(&t, to))
		return kt_error_set(err, KT_EGIT, "%s: no such commit", to);
	if (*from && git_oid_fromstr(&f, from))
		return 1;
	if (*from && git_oid_equal(&f, &t))
		return 0;
	/* A branch moved back or elsewhere (git reset): what the caller keeps
	 * of from's history is no beginning for to's. */
	if (*from && git_graph_descendant_of(st->repo, &t, &f) <= 0)
		return 1;
	if (!(w.before = calloc(ndirs ? ndirs : 1, sizeof *w.before)) ||
	    !(w.now = calloc(ndirs ? ndirs : 1, sizeof *w.now))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	if (git_revwalk_new(&rw, st->repo) ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) ||
	    git_revwalk_simplify_first_parent(rw) || git_revwalk_push(rw, &t) ||
	    (*from && git_revwalk_hide(rw, &f))) {
		rc = git_fail(err, "revwalk");
		goto done;
	}
	while (!rc && (g = git_revwalk_next(&id, rw)) != GIT_ITEROVER) {
		git_commit *c = NULL;
		if (g || git_commit_lookup(&c, st->repo, &id))
			rc = git_fail(err, "commit");
		else
			rc = walk_one(&w, c, *from ? &f : NULL, first, err);
		first = 0;
		git_commit_free(c);
	}
done:
	git_revwalk_free(rw);
	free(w.before);
	free(w.now);
	return rc;
}
