/*
 * check.c - kontora check: validating the books' worktree as a person left
 * it after editing by hand, before committing.  Schemas and dictionaries
 * are read from the worktree; records are validated against the schemas
 * committed in HEAD (b->types), which are what the commands use.
 *
 * Every problem goes to the caller's kt_problem_fn as it is found, in a
 * fixed order (schemas, dictionaries, then types, month directories and
 * shards by name); references are verified at the end, once every record
 * has been seen.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ------------------------------------------------------- a set of strings */

/* One slot of the hash table: a string seen and where it was first seen. */
struct entry {
	char *key;          /* NULL while the slot is free; owned */
	char *id;           /* the record holding a unique value, or NULL; owned */
	const char *file;   /* where first seen (owned by the check) */
	long line;
};

/* An open-addressing hash table of strings; cap is 0 or a power of two. */
struct map {
	struct entry *slots;
	size_t cap, n;
};

/* Returns the FNV-1a hash of s. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Returns the slot of m (which has room) holding key, or the free slot
 * where key would go.  The slot is owned by m. */
static struct entry *map_slot(const struct map *m, const char *key)
{
	size_t i = (size_t)hash_str(key) & (m->cap - 1);

	while (m->slots[i].key && strcmp(m->slots[i].key, key))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

/* Doubles the room of m.  Returns 0 or KT_ENOMEM (m unchanged). */
static int map_grow(struct map *m)
{
	struct map bigger = { 0 };

	bigger.cap = m->cap ? m->cap * 2 : 1024;
	bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
	if (!bigger.slots)
		return KT_ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*map_slot(&bigger, m->slots[i].key) = m->slots[i];
	bigger.n = m->n;
	free(m->slots);
	*m = bigger;
	return 0;
}

/* Returns the entry of key in m (owned by m), or NULL if key is not in m. */
static const struct entry *map_get(const struct map *m, const char *key)
{
	const struct entry *e;

	if (!m->cap)
		return NULL;
	e = map_slot(m, key);
	return e->key ? e : NULL;
}

/* Adds key to m unless it is there.  Returns 1 and *e the entry already
 * there, 0 and *e a new entry (key copied, the rest zero, for the caller to
 * fill), or KT_ENOMEM.  *e is owned by m and valid until the next
 * map_put(). */
static int map_put(struct map *m, const char *key, struct entry **e)
{
	if ((m->n + 1) * 2 > m->cap && map_grow(m))
		return KT_ENOMEM;
	*e = map_slot(m, key);
	if ((*e)->key)
		return 1;
	if (!((*e)->key = strdup(key)))
		return KT_ENOMEM;
	m->n++;
	return 0;
}

/* Frees everything m holds and empties it. */
static void map_free(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
		free(m->slots[i].id);
	}
	free(m->slots);
	memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------- the check */

/* A reference to verify once every record has been read. */
struct pending {
	const char *file;             /* owned by the check */
	long line;
	const struct kt_field *f;     /* owned by the books */
	char *value;                  /* owned */
};

/* The state of one kt_check().  The map holds, by key "KIND\tA\tB\tVALUE":
 * i (type, "", id) the ids of records, with their file and line;
 * k (type, "", value) the key values of types that have a key;
 * u (type, field, value) the values of unique fields, with the record;
 * d (dict, "", id) the ids of the worktree's dictionaries;
 * b (dict, "", "") dictionaries that could not be read;
 * x (type, "", "") types with a shard whose rows could not be read, whose
 *   references are then not verified. */
struct check {
	struct kt_books *b;
	kt_problem_fn fn;
	void *arg;
	int count;
	int root_fd;
	struct map seen;
	struct kt_buf key;            /* scratch for make_key() */
	char **files;                 /* shard paths entries point to */
	size_t nfiles, files_cap;
	struct pending *refs;
	size_t nrefs, refs_cap;
};

/* Makes room for n + 1 items of size bytes in the array v whose room is
 * *cap.  Returns the (maybe moved) array, or NULL if out of memory (v is
 * then unchanged and still owned by the caller). */
static void *grow_array(void *v, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return v;
	v = realloc(v, want * size);
	if (v)
		*cap = want;
	return v;
}

/* Reports one problem to the caller's function and counts it.  Returns 0
 * or KT_ENOMEM. */
__attribute__((format(printf, 5, 6)))
static int problem(struct check *c, const char *file, long line,
                   const char *field, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return KT_ENOMEM;
	c->count++;
	if (c->fn)
		c->fn(c->arg, file, line, field, msg);
	free(msg);
	return 0;
}

/* Returns rc when it is an error, else 1: a problem was reported and the
 * caller skips the rest of what it was checking. */
static int skipped(int rc)
{
	return rc < 0 ? rc : 1;
}

/* Reports a parser's error message about file ("FILE:LINE: text" or
 * "FILE: text") as a problem, the line split out and the file name not
 * repeated.  Returns 0 or KT_ENOMEM. */
static int problem_from(struct check *c, const char *file, const char *msg)
{
	size_t n = strlen(file);
	long line = 0;
	char *end;

	if (!strncmp(msg, file, n) && msg[n] == ':') {
		msg += n + 1;
		if (isdigit((unsigned char)*msg)) {
			long l = strtol(msg, &end, 10);
			if (*end == ':') {
				line = l;
				msg = end + 1;
			}
		}
		while (*msg == ' ')
			msg++;
	}
	return problem(c, file, line, NULL, "%s", msg);
}

/* Builds the map key "kind\ta\tb\tvalue" in c->key.  Returns it (owned by
 * c, valid until the next call) or NULL if out of memory. */
static const char *make_key(struct check *c, char kind, const char *a,
                            const char *b, const char *value)
{
	kt_buf_reset(&c->key);
	if (kt_buf_addf(&c->key, "%c\t%s\t%s\t%s", kind, a, b, value))
		return NULL;
	return c->key.data;
}

/* Adds the key (kind, a, b, value) to the map.  Returns 1 and *e the entry
 * already there, 0 and *e a new one, or KT_ENOMEM (see map_put()). */
static int put_key(struct check *c, char kind, const char *a, const char *b,
                   const char *value, struct entry **e)
{
	const char *key = make_key(c, kind, a, b, value);

	return key ? map_put(&c->seen, key, e) : KT_ENOMEM;
}

/* Returns 1 if the key (kind, a, b, value) is in the map, 0 if not, or
 * KT_ENOMEM. */
static int has_key(struct check *c, char kind, const char *a, const char *b,
                   const char *value)
{
	const char *key = make_key(c, kind, a, b, value);

	return key ? map_get(&c->seen, key) != NULL : KT_ENOMEM;
}

/* Returns the line (1-based) of the byte at offset off of buf. */
static long line_at(const char *buf, size_t off)
{
	long line = 1;

	for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + off - p))); p++)
		line++;
	return line;
}

/* ------------------------------------------------------------- files */

/* Compares directory entries by name in byte order, for scandirat(). */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Returns 1 for the directory entries check looks at: not hidden. */
static int visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Frees n entries of a scandirat() list and the list. */
static void free_entries(struct dirent **ents, int n)
{
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

/* Lists the visible entries of directory rel (relative to the books) in
 * byte order into *ents (free with free_entries()).  A directory that
 * cannot be read gives no entries and a problem, unless it is missing and
 * missing_ok.  Returns the number of entries or KT_ENOMEM. */
static int list_dir(struct check *c, const char *rel, int missing_ok,
                    struct dirent ***ents)
{
	int n = scandirat(c->root_fd, rel, ents, visible, by_name);

	if (n >= 0)
		return n;
	*ents = NULL;
	if (errno == ENOMEM)
		return KT_ENOMEM;
	if (errno == ENOENT && missing_ok)
		return 0;
	return problem(c, rel, 0, NULL, "%s", strerror(errno));
}

/* Returns 1 if rel (relative to the books) is a directory, else 0. */
static int is_dir(const struct check *c, const char *rel)
{
	struct stat st;

	return !fstatat(c->root_fd, rel, &st, 0) && S_ISDIR(st.st_mode);
}

/* Reads the whole file rel into out.  Returns 0, KT_EIO with errno set, or
 * KT_ENOMEM.  out is the caller's to free either way. */
static int read_all(const struct check *c, const char *rel, struct kt_buf *out)
{
	int fd = openat(c->root_fd, rel, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? KT_EIO : 0;
	ssize_t n = 1;

	while (!rc && n > 0) {
		if (kt_buf_grow(out, 65536)) {
			rc = KT_ENOMEM;
			break;
		}
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = KT_EIO;
		else
			out->len += (size_t)n;
	}
	if (out->data)
		out->data[out->len] = '\0';
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return rc;
}

/* Reads file rel into out, reporting a file that cannot be read.  Returns
 * 0 when read, 1 when reported, or KT_ENOMEM.  The caller frees out. */
static int load(struct check *c, const char *rel, struct kt_buf *out)
{
	int rc = read_all(c, rel, out);

	if (rc == KT_EIO)
		return skipped(problem(c, rel, 0, NULL, "%s", strerror(errno)));
	return rc;
}

/* Reports what is wrong with the bytes of a CSV file as a whole: a byte
 * order mark, CR LF line endings, a missing final newline.  Returns 0 or
 * KT_ENOMEM. */
static int check_bytes(struct check *c, const char *file, const char *buf,
                       size_t len)
{
	const char *crlf = memmem(buf, len, "\r\n", 2);
	int rc = 0;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		rc = problem(c, file, 1, NULL, "starts with a byte order mark");
	if (!rc && crlf)
		rc = problem(c, file, line_at(buf, (size_t)(crlf - buf)), NULL,
		             "CRLF line endings");
	if (!rc && len && buf[len - 1] != '\n')
		rc = problem(c, file, line_at(buf, len - 1), NULL,
		             "no newline at the end of the file");
	return rc;
}

/* Parses the CSV of file, reporting it when malformed.  Returns 0 and
 * *csv (kt_csv_free()), 1 when reported (*csv NULL), or KT_ENOMEM. */
static int parse_csv(struct check *c, const char *file, const char *buf,
                     size_t len, struct kt_csv **csv)
{
	struct kt_error e = { 0 };
	int rc = kt_csv_parse(buf, len, file, csv, &e);

	if (rc == KT_ECSV)
		return skipped(problem_from(c, file, e.msg));
	return rc < 0 ? KT_ENOMEM : 0;
}

/* ----------------------------------------------------------- schemas */

/* Reports a worktree schema that repeats the type or prefix of one before
 * it.  Returns 0 or KT_ENOMEM. */
static int check_schema_clash(struct check *c, const struct kt_schema *s,
                              struct kt_schema *const *seen, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(seen[i]->name, s->name))
			return problem(c, s->file, 0, NULL, "type %s is also defined in %s",
			               s->name, seen[i]->file);
		if (seen[i]->prefix == s->prefix)
			return problem(c, s->file, 0, NULL, "prefix %c is also used by %s",
			               s->prefix, seen[i]->file);
	}
	return 0;
}

/* Parses the worktree's schema file path, reporting it when wrong.
 * Returns 0 and *out (kt_schema_free(); NULL when reported) or
 * KT_ENOMEM. */
static int parse_schema_file(struct check *c, const char *path,
                             struct kt_schema **out)
{
	struct kt_buf text = { 0 };
	struct kt_error e = { 0 };
	int rc = load(c, path, &text);

	*out = NULL;
	if (!rc) {
		rc = kt_schema_parse(text.data ? text.data : "", text.len, path, out, &e);
		if (rc == KT_ESCHEMA)
			rc = problem_from(c, path, e.msg);
	}
	kt_buf_free(&text);
	return rc < 0 ? KT_ENOMEM : 0;
}

/* Returns 1 if name ends with suffix and has something before it. */
static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && !strcmp(name + n - s, suffix);
}

/* Checks every schema file of the worktree (schemas/NAME.schema).  Returns 0 or
 * KT_ENOMEM. */
static int check_schemas(struct check *c)
{
	struct dirent **ents;
	int n = list_dir(c, "schemas", 0, &ents), rc = n < 0 ? n : 0;
	struct kt_schema **seen = calloc(n > 0 ? (size_t)n : 1, sizeof *seen);
	size_t nseen = 0;
	char *path;

	if (!seen)
		rc = KT_ENOMEM;
	for (int i = 0; !rc && i < n; i++) {
		if (!has_suffix(ents[i]->d_name, ".schema"))
			continue;
		if (asprintf(&path, "schemas/%s", ents[i]->d_name) < 0) {
			rc = KT_ENOMEM;
			break;
		}
		rc = parse_schema_file(c, path, &seen[nseen]);
		free(path);
		if (rc || !seen[nseen])
			continue;
		rc = check_schema_clash(c, seen[nseen], seen, nseen);
		nseen++;
	}
	for (size_t i = 0; i < nseen; i++)
		kt_schema_free(seen[i]);
	free(seen);
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* ------------------------------------------------------ dictionaries */

/* Records the ids of the dictionary name (parsed as csv), reporting
 * duplicates.  Returns 0 or KT_ENOMEM. */
static int note_dict_ids(struct check *c, const char *name, const char *file,
                         const struct kt_csv *csv)
{
	struct entry *e;
	int rc = 0;

	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		const struct kt_csv_row *r = &csv->rows[i];
		rc = put_key(c, 'd', name, "", r->fields[0], &e);
		if (rc == 1)
			rc = problem(c, file, r->line, "id", "duplicate \"%s\" (also on line %ld)",
			             r->fields[0], e->line);
		else if (!rc)
			e->line = r->line;
	}
	return rc;
}

/* Checks the parsed text of dicts/NAME.csv and records its ids.  Returns
 * 0, 1 when the dictionary is unusable (reported), or KT_ENOMEM. */
static int check_dict_text(struct check *c, const char *name, const char *file,
                           const char *buf, size_t len)
{
	struct dict d = { 0 };
	struct kt_error e = { 0 };
	struct kt_csv *csv = NULL;
	int rc = dict_parse(buf, len, file, &d, &e);

	dict_free(&d);
	if (rc == KT_ENOMEM)
		return rc;
	if (rc)
		return skipped(problem_from(c, file, e.msg));
	/* dict_parse() keeps no lines: the rows again, for the duplicates. */
	rc = parse_csv(c, file, buf, len, &csv);
	if (!rc)
		rc = note_dict_ids(c, name, file, csv);
	kt_csv_free(csv);
	return rc;
}

/* Checks one dictionary file of the worktree (dicts/FILE), marking it
 * unusable when it cannot be read.  Returns 0 or KT_ENOMEM. */
static int check_dict(struct check *c, const char *entry)
{
	struct kt_buf text = { 0 };
	struct entry *e;
	char *file = NULL, *name = strndup(entry, strlen(entry) - 4);
	int rc = name && asprintf(&file, "dicts/%s", entry) >= 0 ? 0 : KT_ENOMEM;

	if (!rc)
		rc = load(c, file, &text);
	if (!rc)
		rc = check_bytes(c, file, text.data ? text.data : "", text.len);
	if (!rc)
		rc = check_dict_text(c, name, file, text.data ? text.data : "", text.len);
	if (rc == 1)
		rc = put_key(c, 'b', name, "", "", &e) < 0 ? KT_ENOMEM : 0;
	kt_buf_free(&text);
	free(file);
	free(name);
	return rc;
}

/* Checks every dictionary of the worktree (dicts/NAME.csv).  Returns 0 or KT_ENOMEM. */
static int check_dicts(struct check *c)
{
	struct dirent **ents;
	int n = list_dir(c, "dicts", 1, &ents), rc = n < 0 ? n : 0;

	for (int i = 0; !rc && i < n; i++)
		if (has_suffix(ents[i]->d_name, ".csv"))
			rc = check_dict(c, ents[i]->d_name);
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* ------------------------------------------------------------ shards */

/* What check knows of the shard being checked. */
struct shard {
	const struct kt_schema *s;
	const char *file;             /* owned by the check */
	const char *month;            /* "2026-11", the start of the name under data/TYPE */
	const char *split;            /* split by id: "L3.csv", whose first two
	                                 characters start every id; else NULL */
	const struct kt_csv *csv;
	long *cols;                   /* header column of each schema field, or -1 */
	char *bad;                    /* per header column: invalid UTF-8 in this row */
	long id_col, created_col;
	const char *prev_id;          /* the last valid id, for the order */
};

/* Returns the value in column col of row r, "" when the row has none. */
static const char *value_at(const struct shard *sh, const struct kt_csv_row *r,
                            long col)
{
	return col >= 0 && (size_t)col < r->nfields ? r->fields[col] : "";
}

/* Returns 1 if column col of the row being checked holds invalid UTF-8. */
static int is_bad(const struct shard *sh, long col)
{
	return col >= 0 && (size_t)col < sh->csv->nheader && sh->bad[col];
}

/* Returns the first column of the header called name, or -1. */
static long column(const struct kt_csv *csv, const char *name)
{
	for (size_t i = 0; i < csv->nheader; i++)
		if (!strcmp(csv->header[i], name))
			return (long)i;
	return -1;
}

/* Reports a header that repeats a column name.  Returns 0 or KT_ENOMEM. */
static int check_duplicate_columns(struct check *c, const struct shard *sh)
{
	const struct kt_csv *csv = sh->csv;
	int rc = 0;

	for (size_t i = 1; !rc && i < csv->nheader; i++)
		if (column(csv, csv->header[i]) < (long)i)
			rc = problem(c, sh->file, 1, NULL, "duplicate column \"%s\"",
			             csv->header[i]);
	return rc;
}

/* Checks the header of a shard and finds its columns.  Returns 0 when the
 * rows can be checked, 1 when they cannot (reported), or KT_ENOMEM. */
static int check_header(struct check *c, struct shard *sh)
{
	int rc;

	if (!sh->csv->nheader)
		return skipped(problem(c, sh->file, 0, NULL, "empty file: a shard has at least its header"));
	rc = check_duplicate_columns(c, sh);
	for (size_t i = 0; i < sh->s->nfields; i++)
		sh->cols[i] = column(sh->csv, sh->s->fields[i].name);
	sh->id_col = column(sh->csv, "id");
	sh->created_col = column(sh->csv, "created");
	if (!rc && sh->id_col < 0)
		rc = skipped(problem(c, sh->file, 1, NULL, "the header has no \"id\" column"));
	if (!rc && sh->created_col < 0)
		rc = skipped(problem(c, sh->file, 1, NULL, "the header has no \"created\" column"));
	return rc;
}

/* Checks that every field of row r is UTF-8, marking the bad ones in
 * sh->bad.  Returns 0 or KT_ENOMEM. */
static int check_utf8(struct check *c, struct shard *sh, const struct kt_csv_row *r)
{
	size_t nheader = sh->csv->nheader, bad;
	int rc = 0;

	memset(sh->bad, 0, nheader);
	for (size_t i = 0; !rc && i < r->nfields; i++) {
		if (kt_utf8_valid(r->fields[i], strlen(r->fields[i]), &bad))
			continue;
		if (i < nheader)
			sh->bad[i] = 1;
		rc = problem(c, sh->file, r->line, i < nheader ? sh->csv->header[i] : NULL,
		             "invalid UTF-8 at byte %zu", bad + 1);
	}
	return rc;
}

/* Checks the id of row r: its form, that it is not used before in the
 * type, that rows are sorted by it.  Returns 0 or KT_ENOMEM. */
static int check_id(struct check *c, struct shard *sh, const struct kt_csv_row *r)
{
	const char *id = value_at(sh, r, sh->id_col);
	struct entry *e;
	int rc;

	if (is_bad(sh, sh->id_col))
		return 0;
	if (!id_valid(sh->s, id))
		return problem(c, sh->file, r->line, "id", "\"%s\" is not an id of type %s",
		               id, sh->s->name);
	rc = put_key(c, 'i', sh->s->name, "", id, &e);
	if (rc == 1)
		rc = problem(c, sh->file, r->line, "id", "duplicate of line %ld in %s",
		             e->line, e->file);
	else if (!rc) {
		e->file = sh->file;
		e->line = r->line;
	}
	if (!rc && sh->split && strncmp(id, sh->split, 2))
		rc = problem(c, sh->file, r->line, "id", "\"%s\" does not belong in %s",
		             id, sh->file);
	if (!rc && sh->prev_id && strcmp(sh->prev_id, id) > 0)
		rc = problem(c, sh->file, r->line, "id",
		             "out of order: %s comes after %s (rows are sorted by id)",
		             id, sh->prev_id);
	sh->prev_id = id;
	return rc;
}

/* Checks the created time of row r and that it belongs in this shard.
 * Returns 0 or KT_ENOMEM. */
static int check_created(struct check *c, const struct shard *sh,
                         const struct kt_csv_row *r)
{
	const char *v = value_at(sh, r, sh->created_col);

	if (is_bad(sh, sh->created_col))
		return 0;
	if (!*v)
		return problem(c, sh->file, r->line, "created", "required");
	if (!kt_datetime_valid(v))
		return problem(c, sh->file, r->line, "created",
		               "\"%s\" is not a time (YYYY-MM-DDTHH:MM:SSZ)", v);
	if (strncmp(v, sh->month, 7))
		return problem(c, sh->file, r->line, "created", "\"%s\" does not belong in %s",
		               v, sh->file);
	return 0;
}

/* Checks that value v of dict field f is an id of the worktree's
 * dictionary.  Returns 0 or KT_ENOMEM. */
static int check_dict_value(struct check *c, const struct shard *sh,
                            const struct kt_csv_row *r, const struct kt_field *f,
                            const char *v)
{
	int rc = has_key(c, 'b', f->arg, "", "");

	if (rc)
		return rc < 0 ? rc : 0;   /* an unreadable dictionary is reported once */
	rc = has_key(c, 'd', f->arg, "", v);
	if (rc)
		return rc < 0 ? rc : 0;
	return problem(c, sh->file, r->line, f->name, "\"%s\" is not in dicts/%s.csv",
	               v, f->arg);
}

/* Checks that value v of unique field f was not seen before in the type.
 * Returns 0 or KT_ENOMEM. */
static int check_unique(struct check *c, const struct shard *sh,
                        const struct kt_csv_row *r, const struct kt_field *f,
                        const char *v)
{
	struct entry *e;
	int rc = put_key(c, 'u', sh->s->name, f->name, v, &e);

	if (rc == 1)
		return problem(c, sh->file, r->line, f->name, "duplicate of %s (%s:%ld)",
		               e->id, e->file, e->line);
	if (rc)
		return rc;
	e->file = sh->file;
	e->line = r->line;
	e->id = strdup(value_at(sh, r, sh->id_col));
	return e->id ? 0 : KT_ENOMEM;
}

/* Remembers that value v of ref field f of row r must exist, for
 * check_refs().  Returns 0 or KT_ENOMEM. */
static int add_ref(struct check *c, const struct shard *sh,
                   const struct kt_csv_row *r, const struct kt_field *f,
                   const char *v)
{
	struct pending *refs = grow_array(c->refs, &c->refs_cap, c->nrefs, sizeof *refs);
	struct pending *p;

	if (!refs)
		return KT_ENOMEM;
	c->refs = refs;
	p = &refs[c->nrefs];
	p->file = sh->file;
	p->line = r->line;
	p->f = f;
	if (!(p->value = strdup(v)))
		return KT_ENOMEM;
	c->nrefs++;
	return 0;
}

/* Checks what non-empty stored value v of field f needs beyond its form:
 * dictionary, uniqueness, references; records key values.  Returns 0 or
 * KT_ENOMEM. */
static int check_links(struct check *c, const struct shard *sh,
                       const struct kt_csv_row *r, const struct kt_field *f,
                       const char *v)
{
	struct entry *e;
	int rc = 0;

	if (f->type == KT_DICT)
		rc = check_dict_value(c, sh, r, f, v);
	if (!rc && f->unique)
		rc = check_unique(c, sh, r, f, v);
	if (!rc && sh->s->key && !strcmp(sh->s->key, f->name))
		rc = put_key(c, 'k', sh->s->name, "", v, &e) < 0 ? KT_ENOMEM : 0;
	if (!rc && f->type == KT_REF)
		rc = add_ref(c, sh, r, f, v);
	return rc;
}

/* Returns msg without a leading "name: ". */
static const char *without_field(const char *msg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(msg, name, n) && msg[n] == ':' && msg[n + 1] == ' ' ? msg + n + 2 : msg;
}

/* Checks the value of schema field number fi in row r: required, valid,
 * in stored form, then check_links().  Returns 0 or KT_ENOMEM. */
static int check_value(struct check *c, const struct shard *sh,
                       const struct kt_csv_row *r, size_t fi)
{
	const struct kt_field *f = &sh->s->fields[fi];
	const char *v = value_at(sh, r, sh->cols[fi]);
	struct kt_error e = { 0 };
	char *norm;
	int rc;

	if (is_bad(sh, sh->cols[fi]))
		return 0;
	if (!*v)
		return f->required ? problem(c, sh->file, r->line, f->name, "required") : 0;
	rc = kt_value_normalize(f, v, &norm, &e);
	if (rc == KT_ENOMEM)
		return rc;
	if (rc)
		return problem(c, sh->file, r->line, f->name, "%s", without_field(e.msg, f->name));
	if (!*norm)
		rc = f->required ? problem(c, sh->file, r->line, f->name, "required") :
		     problem(c, sh->file, r->line, f->name, "\"%s\" should be empty", v);
	else if (strcmp(norm, v))
		rc = problem(c, sh->file, r->line, f->name, "\"%s\" should be written %s", v, norm);
	if (!rc && *norm)
		rc = check_links(c, sh, r, f, norm);
	free(norm);
	return rc;
}

/* Checks one row of a shard.  Returns 0 or KT_ENOMEM. */
static int check_row(struct check *c, struct shard *sh, const struct kt_csv_row *r)
{
	int rc = 0;

	if (r->nfields != sh->csv->nheader)
		rc = problem(c, sh->file, r->line, NULL, "%zu fields, the header has %zu",
		             r->nfields, sh->csv->nheader);
	if (!rc)
		rc = check_utf8(c, sh, r);
	if (!rc)
		rc = check_id(c, sh, r);
	if (!rc)
		rc = check_created(c, sh, r);
	for (size_t i = 0; !rc && i < sh->s->nfields; i++)
		rc = check_value(c, sh, r, i);
	return rc;
}

/* Checks the header and rows of a parsed shard of type s, file being
 * data/TYPE/NAME.  Returns 0, 1 when the rows could not be checked
 * (reported), or KT_ENOMEM. */
static int check_rows(struct check *c, const struct kt_schema *s,
                      const char *file, const char *name,
                      const struct kt_csv *csv)
{
	struct shard sh = { .s = s, .file = file, .csv = csv };
	int rc;

	sh.month = name;
	sh.split = s->split ? strrchr(name, '/') + 1 : NULL;
	sh.cols = calloc(s->nfields + 1, sizeof *sh.cols);
	sh.bad = calloc(csv->nheader + 1, 1);
	rc = sh.cols && sh.bad ? check_header(c, &sh) : KT_ENOMEM;
	for (size_t i = 0; !rc && i < csv->nrows; i++)
		rc = check_row(c, &sh, &csv->rows[i]);
	free(sh.cols);
	free(sh.bad);
	return rc;
}

/* Marks type s as not wholly read: references to it are not verified,
 * since the record referred to may be in the shard that was skipped.
 * Returns 0 or KT_ENOMEM. */
static int mark_unread(struct check *c, const struct kt_schema *s)
{
	struct entry *e;

	return put_key(c, 'x', s->name, "", "", &e) < 0 ? KT_ENOMEM : 0;
}

/* Keeps a copy of a shard's path for the rest of the check.  Returns the
 * copy (owned by c) or NULL if out of memory. */
static const char *keep_file(struct check *c, const char *type, const char *name)
{
	char **files = grow_array(c->files, &c->files_cap, c->nfiles, sizeof *files);

	if (!files)
		return NULL;
	c->files = files;
	if (asprintf(&files[c->nfiles], "data/%s/%s", type, name) < 0)
		return NULL;
	return files[c->nfiles++];
}

/* Checks the shard data/TYPE/NAME of type s (NAME is YYYY-MM.csv, or
 * YYYY-MM/XY.csv for a type split by id).  Returns 0 or KT_ENOMEM. */
static int check_shard(struct check *c, const struct kt_schema *s, const char *name)
{
	const char *file = keep_file(c, s->name, name);
	struct kt_buf text = { 0 };
	struct kt_csv *csv = NULL;
	int rc = file ? load(c, file, &text) : KT_ENOMEM;

	if (!rc)
		rc = check_bytes(c, file, text.data ? text.data : "", text.len);
	if (!rc)
		rc = parse_csv(c, file, text.data ? text.data : "", text.len, &csv);
	kt_buf_free(&text);
	if (!rc)
		rc = check_rows(c, s, file, name, csv);
	kt_csv_free(csv);
	return rc == 1 ? mark_unread(c, s) : rc;
}

/* Returns 1 if name is a month, YYYY-MM, followed by suffix, else 0. */
static int month_name(const char *name, const char *suffix)
{
	for (int i = 0; i < 7; i++)
		if (i == 4 ? name[i] != '-' : !isdigit((unsigned char)name[i]))
			return 0;
	int month = (name[5] - '0') * 10 + name[6] - '0';
	return month >= 1 && month <= 12 && !strcmp(name + 7, suffix);
}

/* Returns 1 if name is the name of a shard in a month directory of type s,
 * which is split by id: XY.csv, X the type's letter and Y a Crockford
 * base32 character (the first two characters of the ids it holds). */
static int split_name(const struct kt_schema *s, const char *name)
{
	return name[0] == s->prefix && name[1] &&
	       strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", name[1]) &&
	       !strcmp(name + 2, ".csv");
}

/* Reports path, an entry of data/TYPE that is not where records of s are
 * stored.  Returns 0 or KT_ENOMEM. */
static int not_a_shard(struct check *c, const struct kt_schema *s,
                       const char *path)
{
	if (s->split)
		return problem(c, path, 0, NULL, "not a shard (data/%s/YYYY-MM/%c?.csv)",
		               s->name, s->prefix);
	return problem(c, path, 0, NULL, "not a shard (data/%s/YYYY-MM.csv)", s->name);
}

/* Checks the entry name of directory data/TYPE (or, when month is not
 * NULL, of its month directory data/TYPE/MONTH) of type s: a shard, or
 * for a type split by id a month directory whose entries are checked in
 * turn.  Returns 0 or KT_ENOMEM. */
static int check_entry(struct check *c, const struct kt_schema *s,
                       const char *month, const char *name)
{
	char *rel = NULL, *path = NULL;
	int rc = 0;

	if (month ? asprintf(&rel, "%s/%s", month, name) < 0 : !(rel = strdup(name)))
		return KT_ENOMEM;
	if (asprintf(&path, "data/%s/%s", s->name, rel) < 0) {
		free(rel);
		return KT_ENOMEM;
	}
	if (!s->split)
		rc = month_name(name, ".csv") && !is_dir(c, path) ?
		     check_shard(c, s, rel) : not_a_shard(c, s, path);
	else if (month)
		rc = split_name(s, name) && !is_dir(c, path) ?
		     check_shard(c, s, rel) : not_a_shard(c, s, path);
	else if (month_name(name, "") && is_dir(c, path)) {
		struct dirent **ents;
		int n = list_dir(c, path, 0, &ents);
		rc = n < 0 ? n : 0;
		for (int i = 0; !rc && i < n; i++)
			rc = check_entry(c, s, name, ents[i]->d_name);
		free_entries(ents, n > 0 ? n : 0);
	} else
		rc = not_a_shard(c, s, path);
	free(rel);
	free(path);
	return rc;
}

/* Checks the directory data/TYPE of type s: every entry must be a shard,
 * or for a type split by id a month directory of shards.  Returns 0 or
 * KT_ENOMEM. */
static int check_type(struct check *c, const struct kt_schema *s, const char *dir)
{
	struct dirent **ents;
	int n = list_dir(c, dir, 0, &ents), rc = n < 0 ? n : 0;

	for (int i = 0; !rc && i < n; i++)
		rc = check_entry(c, s, NULL, ents[i]->d_name);
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* Checks every directory of data/: each must be a type with a schema
 * committed.  Returns 0 or KT_ENOMEM. */
static int check_data(struct check *c)
{
	struct dirent **ents;
	int n = list_dir(c, "data", 1, &ents), rc = n < 0 ? n : 0;
	char *path;

	for (int i = 0; !rc && i < n; i++) {
		const char *name = ents[i]->d_name;
		const struct kt_schema *s = kt_books_type(c->b, name);
		if (asprintf(&path, "data/%s", name) < 0) {
			rc = KT_ENOMEM;
			break;
		}
		if (!is_dir(c, path))
			rc = problem(c, path, 0, NULL, "not a type's directory (data/TYPE/YYYY-MM.csv)");
		else if (!s)
			rc = problem(c, path, 0, NULL, "no schema for type %s", name);
		else
			rc = check_type(c, s, path);
		free(path);
	}
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* Verifies every reference seen: the target type must hold a record with
 * that key value (types with a key, like employee) or id, unless a shard
 * of that type could not be read.  Returns 0 or KT_ENOMEM. */
static int check_refs(struct check *c)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < c->nrefs; i++) {
		const struct pending *p = &c->refs[i];
		const struct kt_schema *t = kt_books_type(c->b, p->f->arg);
		rc = has_key(c, 'x', p->f->arg, "", "");
		if (!rc)
			rc = has_key(c, t && t->key ? 'k' : 'i', p->f->arg, "", p->value);
		if (!rc)
			rc = problem(c, p->file, p->line, p->f->name, "no %s %s",
			             p->f->arg, p->value);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

/* Frees what c holds. */
static void check_free(struct check *c)
{
	map_free(&c->seen);
	kt_buf_free(&c->key);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i].value);
	free(c->refs);
	if (c->root_fd >= 0)
		close(c->root_fd);
}

/*
 * Validates the worktree of the books: schemas, dictionaries, shards, then
 * references.  Returns the number of problems passed to fn (which may be
 * NULL to count only), or KT_EIO when the books cannot be read at all or
 * KT_ENOMEM, with err filled.
 */
int kt_check(struct kt_books *b, kt_problem_fn fn, void *arg,
             struct kt_error *err)
{
	struct check c = { .b = b, .fn = fn, .arg = arg };
	int rc;

	c.root_fd = open(b->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.root_fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", b->root, strerror(errno));
	rc = check_schemas(&c);
	if (!rc)
		rc = check_dicts(&c);
	if (!rc)
		rc = check_data(&c);
	if (!rc)
		rc = check_refs(&c);
	if (!rc)
		rc = c.count;
	check_free(&c);
	if (rc < 0)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc;
}
