/*
 * check.c - kontora check: validating the books' worktree as a person left
 * it after editing by hand, before committing.  Schemas and dictionaries
 * are read from the worktree; records are validated against the schemas
 * committed in HEAD (b->types), which are what the commands use.
 *
 * Every problem goes to the caller's kt_problem_fn as it is found, in a
 * fixed order (schemas, dictionaries, workflows, then types, month directories and
 * shards by name); references are verified at the end, once every record
 * has been seen.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "books/books.h"

/* ---------------------------------------------------------- the check */

/* The state of one kt_check().  What the check remembers lives in a
 * struct seen (index/seen.c), whose memory stays bounded by the largest
 * shard, never by the books.  Its keys are "KIND\tA\tB\tVALUE":
 *   i (type, "", id) the ids of records, with their file and line;
 *   k (type, "", value) the key values of types that have a key;
 *   u (type, field, value) the values of unique fields, with the record;
 *   d (dict, "", id) the ids of the worktree's dictionaries, with the line;
 *   b (dict, "", "") dictionaries that could not be read;
 *   x (type, "", "") types with a shard whose rows could not be read, whose
 *     references are then not verified.
 * A reference needs the i key of its record (the k key for a type with a
 * key: refs hold key values, not ids) unless its type has an x key.
 * Functions that can fail return KT_ENOMEM, or KT_EDB with *err filled. */
struct check {
	const struct types *types;    /* HEAD's, which the commands use */
	kt_problem_fn fn;
	void *arg;
	struct kt_error *err;
	int count;
	int root_fd;
	struct seen *seen;
	struct kt_buf key, key2;      /* scratch for make_key() */
	struct seen_first first;      /* filled by put_key() */
	struct kt_flow **flows;       /* the worktree's workflows that parse */
	size_t nflows;
	void (*progress)(void *arg, const char *what, size_t done, size_t total);
	void *progress_arg;
	size_t rows;                  /* records checked, for progress */
};

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
	n = vasprintf(&msg, _(fmt), ap);
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

/* Builds the key "kind\ta\tb\tvalue" of seen in k.  Returns it (owned
 * by k, valid until the next call with k) or NULL if out of memory. */
static const char *make_key(struct kt_buf *k, char kind, const char *a, const char *b,
                            const char *value)
{
	kt_buf_reset(k);
	if (kt_buf_addf(k, "%c\t%s\t%s\t%s", kind, a, b, value))
		return NULL;
	return k->data;
}

/* Adds the key (kind, a, b, value) to seen unless it is there, with the
 * record id (or NULL), the file (a number of seen_file(), or 0 for none)
 * and the line where it is.  Returns 0 when added, 1 when it was there
 * already (c->first, valid until the next call, then says where it was
 * first seen), KT_ENOMEM or KT_EDB. */
static int put_key(struct check *c, char kind, const char *a, const char *b,
                   const char *value, const char *id, int64_t file, long line)
{
	const char *key = make_key(&c->key, kind, a, b, value);

	return key ? seen_put(c->seen, key, id, file, line, &c->first, c->err) : KT_ENOMEM;
}

/* Returns 1 if the key (kind, a, b, value) is in seen, 0 if not,
 * KT_ENOMEM or KT_EDB. */
static int has_key(struct check *c, char kind, const char *a, const char *b,
                   const char *value)
{
	const char *key = make_key(&c->key, kind, a, b, value);

	return key ? seen_has(c->seen, key, c->err) : KT_ENOMEM;
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
		rc = problem(c, file, text_line_at(buf, (size_t)(crlf - buf)), NULL,
		             "CRLF line endings");
	if (!rc && len && buf[len - 1] != '\n')
		rc = problem(c, file, text_line_at(buf, len - 1), NULL,
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
		c->count += access_problems(c->types, seen[nseen], c->fn, c->arg);
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
 * duplicates.  Returns 0, KT_ENOMEM or KT_EDB. */
static int note_dict_ids(struct check *c, const char *name, const char *file,
                         const struct kt_csv *csv)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		const struct kt_csv_row *r = &csv->rows[i];
		rc = put_key(c, 'd', name, "", r->fields[0], NULL, 0, r->line);
		if (rc == 1)
			rc = problem(c, file, r->line, "id", "duplicate \"%s\" (also on line %ld)",
			             r->fields[0], c->first.line);
	}
	return rc;
}

/* Checks the parsed text of dicts/NAME.csv and records its ids.  Returns
 * 0, 1 when the dictionary is unusable (reported), KT_ENOMEM or KT_EDB. */
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
 * unusable when it cannot be read.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_dict(struct check *c, const char *entry)
{
	struct kt_buf text = { 0 };
	char *file = NULL, *name = strndup(entry, strlen(entry) - 4);
	int rc = name && asprintf(&file, "dicts/%s", entry) >= 0 ? 0 : KT_ENOMEM;

	if (!rc)
		rc = load(c, file, &text);
	if (!rc)
		rc = check_bytes(c, file, text.data ? text.data : "", text.len);
	if (!rc)
		rc = check_dict_text(c, name, file, text.data ? text.data : "", text.len);
	if (rc == 1)
		rc = put_key(c, 'b', name, "", "", NULL, 0, 0);
	rc = rc < 0 ? rc : 0;
	kt_buf_free(&text);
	free(file);
	free(name);
	return rc;
}

/* Checks every dictionary of the worktree (dicts/NAME.csv).  Returns 0,
 * KT_ENOMEM or KT_EDB. */
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

/* --------------------------------------------------------- workflows */

/* Returns 1 if word is one of the |-separated values of list. */
static int in_enum(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (!strncmp(p, word, len) && (p[len] == '|' || !p[len]))
			return 1;
	return 0;
}

/* Checks the states of a parsed workflow: each one a value of its field
 * (an entry of the worktree's dictionary, or of the enum), and each but
 * the first reached by some transition.  Returns 0, KT_ENOMEM or
 * KT_EDB. */
static int check_flow_states(struct check *c, const struct kt_flow *f)
{
	const struct kt_schema *s = types_find(c->types, f->type);
	const struct kt_field *fd = s ? kt_schema_field(s, f->field) : NULL;
	int rc = 0, unread = 0;

	if (fd && fd->type == KT_DICT && (unread = has_key(c, 'b', fd->arg, "", "")) < 0)
		return unread;
	for (size_t i = 0; !rc && fd && i < f->nstates; i++) {
		const char *st = f->states[i];
		int found = 1;
		if (fd->type == KT_DICT && !unread && (found = has_key(c, 'd', fd->arg, "", st)) < 0)
			return found;
		if (fd->type == KT_DICT && !found)
			rc = problem(c, f->file, f->states_line, NULL, "states: \"%s\" is not in dicts/%s.csv",
			             st, fd->arg);
		else if (fd->type == KT_ENUM && !in_enum(fd->arg, st))
			rc = problem(c, f->file, f->states_line, NULL, "states: \"%s\" is not one of %s",
			             st, fd->arg);
	}
	for (size_t i = 1; !rc && i < f->nstates; i++) {
		size_t k = 0;
		while (k < f->ntransitions && strcmp(f->transitions[k].to, f->states[i]))
			k++;
		if (k == f->ntransitions)
			rc = problem(c, f->file, f->states_line, NULL,
			             "states: \"%s\" is unreachable: no transition leads to it",
			             f->states[i]);
	}
	return rc;
}

/* Checks that the notices of f's notify actions and timers have their kind: the
 * entry "notice" of the dictionary of activity's kind field.  Returns 0,
 * KT_ENOMEM or KT_EDB. */
static int check_flow_notices(struct check *c, const struct kt_flow *f)
{
	const struct kt_schema *s = types_find(c->types, "activity");
	const struct kt_field *fd = s ? kt_schema_field(s, "kind") : NULL;
	int rc = 0, found;

	for (size_t i = 0; !rc && fd && fd->type == KT_DICT && i < f->nactions; i++)
		if (f->actions[i].kind == KT_ACTION_NOTIFY) {
			if ((found = has_key(c, 'd', fd->arg, "", "notice")) < 0)
				return found;
			if (!found)
				rc = problem(c, f->file, f->actions[i].line, NULL,
				             "on: notify: \"notice\" is not in dicts/%s.csv", fd->arg);
		}
	/* The timers of "every" lines add notices too. */
	for (size_t i = 0; !rc && fd && fd->type == KT_DICT && i < f->ntimers; i++) {
		if ((found = has_key(c, 'd', fd->arg, "", "notice")) < 0)
			return found;
		if (!found)
			rc = problem(c, f->file, f->timers[i].line, NULL,
			             "every: notify: \"notice\" is not in dicts/%s.csv", fd->arg);
	}
	return rc;
}

/* Checks one workflow file of the worktree (workflows/NAME), keeping it
 * for the rows when it parses.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_flow(struct check *c, const char *entry)
{
	struct kt_buf text = { 0 };
	struct kt_error e = { 0 };
	struct kt_flow *f = NULL;
	char *file = NULL;
	int rc = asprintf(&file, "workflows/%s", entry) < 0 ? KT_ENOMEM : load(c, file, &text);

	if (!rc) {
		rc = kt_flow_parse(text.data ? text.data : "", text.len, file,
		                   (const struct kt_schema *const *)c->types->v, c->types->n, &f, &e);
		if (rc == KT_ESCHEMA)
			rc = problem_from(c, file, e.msg);
		else if (!rc && !(rc = check_flow_states(c, f)))
			rc = check_flow_notices(c, f);
	}
	if (!rc && f) {
		struct kt_flow **flows = realloc(c->flows, (c->nflows + 1) * sizeof *flows);
		if (!flows)
			rc = KT_ENOMEM;
		else {
			c->flows = flows;
			c->flows[c->nflows++] = f;
			f = NULL;
		}
	}
	kt_flow_free(f);
	kt_buf_free(&text);
	free(file);
	return rc < 0 ? rc : 0;
}

/* Checks every workflow of the worktree (workflows/NAME.flow).  Returns
 * 0, KT_ENOMEM or KT_EDB. */
static int check_flows(struct check *c)
{
	struct dirent **ents;
	int n = list_dir(c, "workflows", 1, &ents), rc = n < 0 ? n : 0;

	for (int i = 0; !rc && i < n; i++)
		if (has_suffix(ents[i]->d_name, ".flow"))
			rc = check_flow(c, ents[i]->d_name);
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* ------------------------------------------------------------ shards */

/* What check knows of the shard being checked. */
struct shard {
	const struct kt_schema *s;
	const char *file;             /* owned by check_shard() */
	int64_t file_id;              /* its number in seen */
	const char *month;            /* "2026-11", the start of the name under data/TYPE */
	char prefix[9];               /* what starts every id: "L3" for L3.csv
	                                 or L3/..., "C" for 2026-11.csv */
	const struct kt_csv *csv;
	long *cols;                   /* header column of each schema field, or -1 */
	char *bad;                    /* per header column: invalid UTF-8 in this row */
	long id_col, created_col;
	const char *prev_id;          /* the last valid id, for the order */
	const struct kt_flow *flow;   /* the type's workflow in the worktree, or NULL */
	long flow_col;                /* header column of its state field, or -1 */
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
 * type, that rows are sorted by it.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_id(struct check *c, struct shard *sh, const struct kt_csv_row *r)
{
	const char *id = value_at(sh, r, sh->id_col);
	int rc;

	if (is_bad(sh, sh->id_col))
		return 0;
	if (!id_valid(sh->s, id))
		return problem(c, sh->file, r->line, "id", "\"%s\" is not an id of type %s",
		               id, sh->s->name);
	rc = put_key(c, 'i', sh->s->name, "", id, NULL, sh->file_id, r->line);
	if (rc == 1)
		rc = problem(c, sh->file, r->line, "id", "duplicate of line %ld in %s",
		             c->first.line, c->first.file);
	if (!rc && strncmp(id, sh->prefix, strlen(sh->prefix)))
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
 * dictionary.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_dict_value(struct check *c, const struct shard *sh,
                            const struct kt_csv_row *r, const struct kt_field *f,
                            const char *v)
{
	int rc = has_key(c, 'd', f->arg, "", v);

	if (!rc)   /* an unreadable dictionary is reported once */
		rc = has_key(c, 'b', f->arg, "", "");
	if (rc)
		return rc < 0 ? rc : 0;
	return problem(c, sh->file, r->line, f->name, "\"%s\" is not in dicts/%s.csv",
	               v, f->arg);
}

/* Checks that value v of unique field f was not seen before in the type.
 * Returns 0, KT_ENOMEM or KT_EDB. */
static int check_unique(struct check *c, const struct shard *sh,
                        const struct kt_csv_row *r, const struct kt_field *f,
                        const char *v)
{
	int rc = put_key(c, 'u', sh->s->name, f->name, v, value_at(sh, r, sh->id_col),
	                 sh->file_id, r->line);

	if (rc == 1)
		return problem(c, sh->file, r->line, f->name, "duplicate of %s (%s:%ld)",
		               c->first.id, c->first.file, c->first.line);
	return rc;
}

/* Remembers that value v of field f of row r, a reference to a record of
 * type, must exist, for check_refs().  Returns 0 or KT_EDB. */
static int add_ref(struct check *c, const struct shard *sh,
                   const struct kt_csv_row *r, const struct kt_field *f,
                   const char *type, const char *v)
{
	const struct kt_schema *t = types_find(c->types, type);
	const char *need = make_key(&c->key, t && t->key ? 'k' : 'i', type, "", v);
	const char *unless = make_key(&c->key2, 'x', type, "", "");

	if (!need || !unless)
		return KT_ENOMEM;
	return seen_ref(c->seen, sh->file_id, r->line, f->name, type, v, need, unless, c->err);
}

/* Remembers that the record the text field f (the type's part-of) names
 * by its id must exist, or reports an id of no type.  Returns 0 or an
 * error. */
static int add_whole(struct check *c, const struct shard *sh,
                     const struct kt_csv_row *r, const struct kt_field *f, const char *v)
{
	const struct kt_schema *t = types_by_prefix(c->types, v[0]);

	if (!t)
		return problem(c, sh->file, r->line, f->name, "\"%s\" is the id of no type of these books", v);
	return add_ref(c, sh, r, f, t->name, v);
}

/* Checks what non-empty stored value v of field f needs beyond its form:
 * dictionary, uniqueness, references; records key values.  Returns 0,
 * KT_ENOMEM or KT_EDB. */
static int check_links(struct check *c, const struct shard *sh,
                       const struct kt_csv_row *r, const struct kt_field *f,
                       const char *v)
{
	int rc = 0;

	if (f->type == KT_DICT)
		rc = check_dict_value(c, sh, r, f, v);
	if (!rc && f->unique)
		rc = check_unique(c, sh, r, f, v);
	if (!rc && sh->s->key && !strcmp(sh->s->key, f->name)) {
		rc = put_key(c, 'k', sh->s->name, "", v, NULL, 0, 0);
		rc = rc < 0 ? rc : 0;
	}
	if (!rc && f->type == KT_REF)
		rc = add_ref(c, sh, r, f, f->arg, v);
	else if (!rc && f->type == KT_TEXT && sh->s->part_of && !strcmp(sh->s->part_of, f->name))
		rc = add_whole(c, sh, r, f, v);
	return rc;
}

/* Returns msg without a leading "name: ". */
static const char *without_field(const char *msg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(msg, name, n) && msg[n] == ':' && msg[n + 1] == ' ' ? msg + n + 2 : msg;
}

/* Checks the value of schema field number fi in row r: required, valid,
 * in stored form, then check_links().  Returns 0, KT_ENOMEM or KT_EDB. */
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

/* Checks one row of a shard.  Returns 0, KT_ENOMEM or KT_EDB. */
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
	int state_ok = 1;
	for (size_t i = 0; !rc && i < sh->s->nfields; i++) {
		int before = c->count;
		rc = check_value(c, sh, r, i);
		if (sh->flow && !strcmp(sh->s->fields[i].name, sh->flow->field))
			state_ok = c->count == before;
	}
	/* The state field holds a state of the workflow (when it is a valid
	 * value of its field: one problem per value). */
	const char *st = sh->flow && state_ok ? value_at(sh, r, sh->flow_col) : "";
	if (!rc && *st && !is_bad(sh, sh->flow_col) && !kt_flow_is_state(sh->flow, st))
		rc = problem(c, sh->file, r->line, sh->flow->field, "\"%s\" is not a state of %s",
		             st, sh->flow->file);
	return rc;
}

/* Checks the header and rows of a parsed shard of type s, file being
 * data/TYPE/NAME.  Returns 0, 1 when the rows could not be checked
 * (reported), KT_ENOMEM or KT_EDB. */
static int check_rows(struct check *c, const struct kt_schema *s,
                      const char *file, const char *name,
                      const struct kt_csv *csv)
{
	struct shard sh = { .s = s, .file = file, .csv = csv };
	int rc;

	if ((sh.file_id = seen_file(c->seen, file, c->err)) < 0)
		return (int)sh.file_id;
	sh.month = name;
	shard_prefix(s, name, sh.prefix);
	sh.cols = calloc(s->nfields + 1, sizeof *sh.cols);
	sh.bad = calloc(csv->nheader + 1, 1);
	rc = sh.cols && sh.bad ? check_header(c, &sh) : KT_ENOMEM;
	for (size_t i = 0; i < c->nflows && !sh.flow; i++)
		if (!strcmp(c->flows[i]->type, s->name)) {
			sh.flow = c->flows[i];
			sh.flow_col = column(csv, sh.flow->field);
		}
	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		rc = check_row(c, &sh, &csv->rows[i]);
		if (c->progress && ++c->rows % 1000 == 0)
			c->progress(c->progress_arg, N_("checking records"), c->rows, 0);
	}
	free(sh.cols);
	free(sh.bad);
	return rc;
}

/* Marks type s as not wholly read: references to it are not verified,
 * since the record referred to may be in the shard that was skipped.
 * Returns 0, KT_ENOMEM or KT_EDB. */
static int mark_unread(struct check *c, const struct kt_schema *s)
{
	int rc = put_key(c, 'x', s->name, "", "", NULL, 0, 0);

	return rc < 0 ? rc : 0;
}

/* Checks the shard data/TYPE/NAME of type s (NAME is YYYY-MM.csv,
 * YYYY-MM/XY.csv, or below a split shard's directory).  Returns 0,
 * KT_ENOMEM or KT_EDB. */
static int check_shard(struct check *c, const struct kt_schema *s, const char *name)
{
	char *file = NULL;
	struct kt_buf text = { 0 };
	struct kt_csv *csv = NULL;
	int rc = asprintf(&file, "data/%s/%s", s->name, name) < 0 ? KT_ENOMEM :
	         load(c, file, &text);

	if (!rc)
		rc = check_bytes(c, file, text.data ? text.data : "", text.len);
	if (!rc)
		rc = parse_csv(c, file, text.data ? text.data : "", text.len, &csv);
	kt_buf_free(&text);
	if (!rc)
		rc = check_rows(c, s, file, name, csv);
	kt_csv_free(csv);
	free(file);
	return rc == 1 ? mark_unread(c, s) : rc;
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

/* Returns 1 if rel, a directory below data/TYPE, may hold shards of s: a
 * month, or a shard split (its name with .csv a shard's name), else 0. */
static int shard_dir(const struct kt_schema *s, const char *rel)
{
	char name[PATH_MAX];

	if (strchr(rel, '/'))
		snprintf(name, sizeof name, "%s.csv", rel);
	else
		snprintf(name, sizeof name, "%s/%c0.csv", rel, s->prefix);
	return shard_name_valid(s, name);
}

/* Reports the shard rel.csv when rel, a directory of shards of s, is its
 * split: the records of a prefix are in one place.  Returns 0 or
 * KT_ENOMEM. */
static int check_split_twice(struct check *c, const struct kt_schema *s, const char *rel)
{
	char name[PATH_MAX], file[PATH_MAX + 160];
	struct stat st;

	snprintf(name, sizeof name, "%s.csv", rel);
	snprintf(file, sizeof file, "data/%s/%s", s->name, name);
	if (!shard_name_valid(s, name) || fstatat(c->root_fd, file, &st, 0) || S_ISDIR(st.st_mode))
		return 0;
	return problem(c, file, 0, NULL, "both a shard and the directory %.*s it was split into: "
	               "move its rows into the directory's shards", (int)strlen(file) - 4, file);
}

/* Checks the entry rel (a path below data/TYPE) of type s: a shard, or a
 * directory of shards (a month of a type split by id, or a shard that was
 * split) whose entries are checked in turn; a prefix both a file and a
 * directory is reported.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_entry(struct check *c, const struct kt_schema *s, const char *rel)
{
	char *path = NULL;
	int rc = 0;

	if (asprintf(&path, "data/%s/%s", s->name, rel) < 0)
		return KT_ENOMEM;
	if (!is_dir(c, path)) {
		rc = shard_name_valid(s, rel) ? check_shard(c, s, rel) : not_a_shard(c, s, path);
	} else if (!shard_dir(s, rel)) {
		rc = not_a_shard(c, s, path);
	} else {
		struct dirent **ents;
		int n = list_dir(c, path, 0, &ents);
		rc = n < 0 ? n : 0;
		for (int i = 0; !rc && i < n; i++) {
			char *sub;
			if (asprintf(&sub, "%s/%s", rel, ents[i]->d_name) < 0)
				rc = KT_ENOMEM;
			else
				rc = check_entry(c, s, sub);
			free(sub);
		}
		free_entries(ents, n > 0 ? n : 0);
		if (!rc)
			rc = check_split_twice(c, s, rel);
	}
	free(path);
	return rc;
}

/* Checks the directory data/TYPE of type s: every entry must be a shard,
 * or a directory of shards.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_type(struct check *c, const struct kt_schema *s, const char *dir)
{
	struct dirent **ents;
	int n = list_dir(c, dir, 0, &ents), rc = n < 0 ? n : 0;

	for (int i = 0; !rc && i < n; i++)
		rc = check_entry(c, s, ents[i]->d_name);
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* Checks every directory of data/: each must be a type with a schema
 * committed.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_data(struct check *c)
{
	struct dirent **ents;
	int n = list_dir(c, "data", 1, &ents), rc = n < 0 ? n : 0;
	char *path;

	for (int i = 0; !rc && i < n; i++) {
		const char *name = ents[i]->d_name;
		const struct kt_schema *s = types_find(c->types, name);
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

/* Checks the files of directory files/ID, whose record is id of type s:
 * each is reported when no such record was seen.  Returns 0, KT_ENOMEM or
 * KT_EDB. */
static int check_record_files(struct check *c, const struct kt_schema *s, const char *id,
                              const char *dir)
{
	struct dirent **ents;
	int n = list_dir(c, dir, 0, &ents), rc = n < 0 ? n : 0;
	int known = rc ? 0 : has_key(c, 'i', s->name, "", id);

	/* A type whose shards could not all be read: its ids are not known. */
	if (!rc && known == 0)
		known = has_key(c, 'x', s->name, "", "");
	if (known < 0)
		rc = known;
	for (int i = 0; !rc && !known && i < n; i++) {
		char *file;
		if (asprintf(&file, "%s/%s", dir, ents[i]->d_name) < 0) {
			rc = KT_ENOMEM;
			break;
		}
		rc = problem(c, file, 0, NULL, "no %s %s", s->name, id);
		free(file);
	}
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* Checks files/ (attachments): every entry must be a directory named by
 * the id of a record that exists.  Returns 0, KT_ENOMEM or KT_EDB. */
static int check_files(struct check *c)
{
	struct dirent **ents;
	char *path;

	/* Like any other file at the top, a file called files is not looked at. */
	if (!is_dir(c, "files"))
		return 0;
	int n = list_dir(c, "files", 0, &ents), rc = n < 0 ? n : 0;

	for (int i = 0; !rc && i < n; i++) {
		const char *name = ents[i]->d_name;
		const struct kt_schema *s = types_by_prefix(c->types, name[0]);
		if (asprintf(&path, "files/%s", name) < 0) {
			rc = KT_ENOMEM;
			break;
		}
		if (!is_dir(c, path) || !s || !id_valid(s, name))
			rc = problem(c, path, 0, NULL, "not a record's directory (files/ID/NAME)");
		else
			rc = check_record_files(c, s, name, path);
		free(path);
	}
	free_entries(ents, n > 0 ? n : 0);
	return rc;
}

/* Reports a reference to no record.  Returns 0 or KT_ENOMEM. */
static int missing_ref(void *check, const char *file, long line, const char *field,
                       const char *type, const char *value)
{
	return problem(check, file, line, field, "no %s %s", type, value);
}

/* Verifies every reference seen, reporting those to no record.  Returns
 * 0, KT_ENOMEM or KT_EDB. */
static int check_refs(struct check *c)
{
	return seen_missing_refs(c->seen, missing_ref, c, c->err);
}

/* Frees what c holds, closing (and so deleting) what it has seen. */
static void check_free(struct check *c)
{
	seen_close(c->seen);
	kt_buf_free(&c->key);
	kt_buf_free(&c->key2);
	for (size_t i = 0; i < c->nflows; i++)
		kt_flow_free(c->flows[i]);
	free(c->flows);
	if (c->root_fd >= 0)
		close(c->root_fd);
}

/* Validates the worktree at root.  See books.h. */
int check_worktree(const char *root, const struct types *types, kt_problem_fn fn, void *arg,
                   void (*progress)(void *arg, const char *what, size_t done, size_t total),
                   void *progress_arg, struct kt_error *err)
{
	struct check c = { .types = types, .fn = fn, .arg = arg, .err = err, .progress = progress,
	                   .progress_arg = progress_arg };
	int rc;

	c.root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.root_fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", root, strerror(errno));
	rc = seen_open(&c.seen, err);
	if (!rc)
		rc = check_schemas(&c);
	if (!rc)
		rc = check_dicts(&c);
	if (!rc)
		rc = check_flows(&c);
	if (!rc)
		rc = check_data(&c);
	if (!rc && c.progress && c.rows >= 1000)
		c.progress(c.progress_arg, N_("checking records"), c.rows, c.rows);   /* the last count */
	if (!rc)
		rc = check_refs(&c);
	if (!rc)
		rc = check_files(&c);
	if (!rc)
		rc = c.count;
	check_free(&c);
	if (rc == KT_ENOMEM)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc;   /* the count, or KT_EDB with err filled */
}

/* Validates the worktree of the books.  See kontora.h. */
int kt_check(struct kt_books *b, kt_problem_fn fn, void *arg, struct kt_error *err)
{
	return check_worktree(kt_books_root(b), &b->types, fn, arg, b->progress, b->progress_arg, err);
}
