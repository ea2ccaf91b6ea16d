/*
 * cache.c - what every command reads of a commit besides records (the
 * schemas, the workflows, kontora.conf's entries), kept in
 * .git/kontora/head.cache under the commit's id, so that a read whose
 * index is current opens the books without libgit2 (its init alone costs
 * as much as the rest of such a command).  A commit never changes, so an
 * entry is valid while HEAD is that commit; store/repo.c and
 * store/config.c fill it when they read git, store_close() writes it.
 *
 * The text: "kontora head cache 1 COMMIT\n", then entries, each
 * "TAG NAMELEN DATALEN\n", the name, the data and "\n".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo.h"

#define MAGIC "kontora head cache 1 "
#define HEADER_LEN (sizeof MAGIC - 1 + 41)

/* One entry of the cache, pointing into its text. */
struct entry {
	char tag;
	const char *name, *data;
	size_t nlen, len;
};

/* Reads the entry at *pos of c's text into e and moves *pos past it.
 * Returns 1, or 0 at the end (or at anything malformed: the rest is
 * ignored). */
static int next_entry(const struct kt_buf *c, size_t *pos, struct entry *e)
{
	const char *p = c->data + *pos, *end = c->data + c->len;
	char *after;

	if (p + 4 > end || p[1] != ' ')
		return 0;
	e->tag = p[0];
	e->nlen = strtoul(p + 2, &after, 10);
	if (*after != ' ')
		return 0;
	e->len = strtoul(after + 1, &after, 10);
	if (*after != '\n' || e->nlen > (size_t)(end - after) || e->len > (size_t)(end - after) ||
	    after + 1 + e->nlen + e->len >= end || after[1 + e->nlen + e->len] != '\n')
		return 0;
	e->name = after + 1;
	e->data = e->name + e->nlen;
	*pos = (size_t)(e->data + e->len + 1 - c->data);
	return 1;
}

/* Reads head.cache once; a missing or foreign file is an empty cache. */
static void cache_load(struct store *st)
{
	char path[PATH_MAX];

	if (st->cache_loaded)
		return;
	st->cache_loaded = 1;
	snprintf(path, sizeof path, "%s/head.cache", st->dir);
	if (file_read(path, 64 << 20, NULL, &st->cache, NULL) || st->cache.len < HEADER_LEN ||
	    memcmp(st->cache.data, MAGIC, sizeof MAGIC - 1) || st->cache.data[HEADER_LEN - 1] != '\n')
		kt_buf_reset(&st->cache);
}

/* Returns 1 if the cache is of commit.  See repo.h. */
int cache_is(struct store *st, const char *commit)
{
	cache_load(st);
	return st->cache.len >= HEADER_LEN && !memcmp(st->cache.data + sizeof MAGIC - 1, commit, 40);
}

/* Makes the cache that of commit.  See repo.h. */
int cache_start(struct store *st, const char *commit)
{
	if (cache_is(st, commit))
		return 0;
	kt_buf_reset(&st->cache);
	st->cache_dirty = 1;
	return kt_buf_addf(&st->cache, MAGIC "%.40s\n", commit) ? KT_ENOMEM : 0;
}

/* Empties the cache.  See repo.h. */
void cache_drop(struct store *st)
{
	kt_buf_reset(&st->cache);
	st->cache_loaded = 1;
	st->cache_dirty = 0;
}

/* Finds an entry.  See repo.h. */
int cache_find(struct store *st, char tag, const char *name, const char **data, size_t *len)
{
	size_t pos = HEADER_LEN, nlen = strlen(name);
	struct entry e;

	cache_load(st);
	while (st->cache.len > pos && next_entry(&st->cache, &pos, &e))
		if (e.tag == tag && e.nlen == nlen && !memcmp(e.name, name, nlen)) {
			*data = e.data;
			*len = e.len;
			return 1;
		}
	return 0;
}

/* Adds an entry.  See repo.h. */
int cache_add(struct store *st, char tag, const char *name, const char *data, size_t len)
{
	st->cache_dirty = 1;
	if (kt_buf_addf(&st->cache, "%c %zu %zu\n%s", tag, strlen(name), len, name) ||
	    kt_buf_add(&st->cache, data, len) || kt_buf_addc(&st->cache, '\n'))
		return KT_ENOMEM;
	return 0;
}

/* Calls fn for the entries of a tag.  See repo.h. */
int cache_each(struct store *st, char tag,
               int (*fn)(void *arg, const char *name, size_t nlen, const char *data, size_t len),
               void *arg)
{
	size_t pos = HEADER_LEN;
	struct entry e;
	int rc = 0;

	cache_load(st);
	while (!rc && st->cache.len > pos && next_entry(&st->cache, &pos, &e))
		if (e.tag == tag)
			rc = fn(arg, e.name, e.nlen, e.data, e.len);
	return rc;
}
