/*
 * shard.c - the bytes of data/TYPE/YYYY-MM.csv: finding a row, cutting a
 * range out, turning rows into records.  Rows are sorted by id, so most
 * work touches one row and copies the rest as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Returns the shard path of a record of s.  See model.h.  Put together
 * without printf: an import asks it of every record it adds. */
char *shard_path(const struct kt_schema *s, const char *created, const char *id)
{
	size_t name = strlen(s->name);
	char *path, *p;

	if (!kt_datetime_valid(created) || strlen(id) < 2)
		return NULL;
	/* "data/" name "/" YYYY-MM ["/" XX] ".csv" */
	if (!(p = path = malloc(5 + name + 1 + 7 + 3 + 4 + 1)))
		return NULL;
	p = mempcpy(p, "data/", 5);
	p = mempcpy(p, s->name, name);
	*p++ = '/';
	p = mempcpy(p, created, 7);
	if (s->split) {
		*p++ = '/';
		p = mempcpy(p, id, 2);
	}
	memcpy(p, ".csv", 5);
	return path;
}

/* Returns 1 if name[0..7) is a month YYYY-MM. */
static int is_month(const char *name)
{
	for (int i = 0; i < 7; i++)
		if (i == 4 ? name[i] != '-' : name[i] < '0' || name[i] > '9')
			return 0;
	return ((name[5] == '0' && name[6] >= '1') ||
	                          (name[5] == '1' && name[6] <= '2'));
}

/* Returns the start of the last component of path. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Returns the prefix a shard holds.  See model.h. */
size_t shard_prefix(const struct kt_schema *s, const char *path, char prefix[9])
{
	const char *base = base_name(path);
	size_t len = strlen(base);

	if (len < 5 || strcmp(base + len - 4, ".csv"))
		return 0;
	len -= 4;
	if (len == 7 && is_month(base)) {
		prefix[0] = s->prefix;
		len = 1;
	} else if (len >= 2 && len <= 8 && base[0] == s->prefix) {
		memcpy(prefix, base, len);
	} else {
		return 0;
	}
	prefix[len] = '\0';
	return len;
}

/* Returns the shard one character deeper.  See model.h. */
char *shard_child(const struct kt_schema *s, const char *path, const char *id)
{
	char prefix[9], *child;
	size_t len = shard_prefix(s, path, prefix);

	if (!len || len >= 8 || strlen(id) <= len || strncmp(id, prefix, len) ||
	    !id_char_valid(id[len]))
		return NULL;
	if (asprintf(&child, "%.*s/%.*s.csv", (int)(strlen(path) - 4), path, (int)len + 1, id) < 0)
		return NULL;
	return child;
}

/* Returns 1 if name is a file or directory name holding ids that start
 * with the len characters of prefix and one more Crockford character,
 * that one more character's being taken as part of name. */
static int longer_by_one(const char *name, size_t namelen, const char *prefix, size_t len)
{
	return namelen == len + 1 && !strncmp(name, prefix, len) &&
	       id_char_valid(name[len]);
}

/* Checks a shard's name below data/TYPE/.  See model.h. */
int shard_name_valid(const struct kt_schema *s, const char *name)
{
	char prefix[9] = { s->prefix };
	size_t len = 1;
	const char *p = name + 8;

	if (!is_month(name))
		return 0;
	if (!strcmp(name + 7, ".csv"))
		return !s->split;
	if (name[7] != '/')
		return 0;
	/* Each component one character longer than the one before. */
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!slash) {
			if (n < 5 || strcmp(p + n - 4, ".csv"))
				return 0;
			n -= 4;
		}
		if (!longer_by_one(p, n, prefix, len))
			return 0;
		memcpy(prefix, p, n);
		len = n;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

/* Writes the canonical header of s and extra columns (no newline). */
int shard_header(struct kt_buf *b, const struct kt_schema *s,
                 char *const *extra, size_t nextra)
{
	int rc = kt_csv_add_field(b, "id");

	for (size_t i = 0; !rc && i < s->nfields; i++)
		rc = kt_buf_addc(b, ',') || kt_csv_add_field(b, s->fields[i].name);
	if (!rc)
		rc = kt_buf_adds(b, ",created");
	for (size_t i = 0; !rc && i < nextra; i++)
		rc = kt_buf_addc(b, ',') || kt_csv_add_field(b, extra[i]);
	return rc ? KT_ENOMEM : 0;
}

/* Returns the offset just past the row starting at start.  See model.h. */
size_t shard_row_end(const char *buf, size_t len, size_t start)
{
	size_t n = csv_row_len(buf + start, len - start, 0);

	return n ? start + n : len;
}

/* Returns the length of the header line, newline included. */
size_t shard_header_len(const char *buf, size_t len)
{
	return shard_row_end(buf, len, 0);
}

/* Returns 1 if an even number of quotes precede pos, i.e. pos is outside
 * any quoted field. */
static int outside_quotes(const char *buf, size_t pos)
{
	size_t quotes = 0;
	const char *p = buf, *end = buf + pos;

	while ((p = memchr(p, '"', (size_t)(end - p)))) {
		quotes++;
		p++;
	}
	return quotes % 2 == 0;
}

/* Finds the row of id.  See model.h. */
int shard_find_row(const char *buf, size_t len, const char *id,
                   size_t *start, size_t *end)
{
	char needle[16];
	int n = snprintf(needle, sizeof needle, "\n%s,", id);
	const char *p = buf, *stop = buf + len;

	while (p < stop && (p = memmem(p, (size_t)(stop - p), needle, (size_t)n))) {
		size_t at = (size_t)(p - buf) + 1;
		if (outside_quotes(buf, at)) {
			*start = at;
			*end = shard_row_end(buf, len, at);
			return 1;
		}
		p++;
	}
	return 0;
}

/* Finds the rows of a shard as they are read.  See model.h. */
int shard_rows_scan(struct shard_reader *in, FILE *copy, struct shard_rows *r, struct kt_error *err)
{
	size_t pos = in->hlen, cap = 0;
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->hlen = in->hlen;
	if (copy && fwrite(in->header, 1, in->hlen, copy) != in->hlen)
		return kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
	while (!(rc = shard_reader_next(in, err)) && in->rowlen) {
		const char *comma = memchr(in->row, ',', in->rowlen);
		if (r->n == cap) {
			size_t ncap = cap ? cap * 2 : 1024, *a;
			if (!(a = realloc(r->start, ncap * sizeof *a)))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			r->start = a;
			if (!(a = realloc(r->end, ncap * sizeof *a)))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			r->end = a;
			if (!(a = realloc(r->skipped, ncap * sizeof *a)))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			r->skipped = a;
			cap = ncap;
		}
		if (comma && comma - in->row < 64) {
			char id[64];
			memcpy(id, in->row, (size_t)(comma - in->row));
			id[comma - in->row] = '\0';
			/* The first row of an id is the one shard_find_row() finds. */
			if (!strmap_get(&r->ids, id, NULL) && strmap_put(&r->ids, id, r->n))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		if (copy && fwrite(in->row, 1, in->rowlen, copy) != in->rowlen)
			return kt_error_set(err, KT_EIO, "a temporary file: %s", strerror(errno));
		r->start[r->n] = pos;
		r->end[r->n] = pos += in->rowlen;
		r->skipped[r->n++] = in->skipped;
	}
	return rc;
}

/* Finds a row among the rows found.  See model.h. */
int shard_rows_find(const struct shard_rows *r, const char *id, size_t *start, size_t *end,
                    size_t *skipped)
{
	size_t i;

	if (!strmap_get(&r->ids, id, &i))
		return 0;
	*start = r->start[i];
	*end = r->end[i];
	*skipped = r->skipped[i];
	return 1;
}

void shard_rows_free(struct shard_rows *r)
{
	strmap_free(&r->ids);
	free(r->start);
	free(r->end);
	free(r->skipped);
	memset(r, 0, sizeof *r);
}

/* Moves what is left of r's window to its start and appends the next
 * piece, growing the window when a row fills it.  Returns 0 or an
 * error. */
static int reader_refill(struct shard_reader *r, struct kt_error *err)
{
	size_t got = 0, rest = r->len - r->pos;

	if (!r->fill) {
		r->eof = 1;
		return 0;
	}
	/* The window is own once filled: data points into it. */
	if (rest == r->cap) {
		char *own = realloc(r->own, 2 * r->cap);
		if (!own)
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		r->own = own;
		r->cap *= 2;
	}
	memmove(r->own, r->own + r->pos, rest);
	r->data = r->own;
	r->pos = 0;
	r->len = rest;
	int rc = r->fill(r->arg, r->own + rest, r->cap - rest, &got, err);
	if (rc)
		return rc;
	r->eof = got == 0;
	r->len += got;
	return 0;
}

/* Finds the end of the row at r->pos, reading pieces until the window
 * holds it whole (a row ending the window may go on in the next piece)
 * or the source ends.  Returns 0 and *end, or an error. */
static int reader_row(struct shard_reader *r, size_t *end, struct kt_error *err)
{
	for (;;) {
		size_t e = shard_row_end(r->data, r->len, r->pos);
		int rc;
		if (e < r->len || r->eof) {
			*end = e;
			return 0;
		}
		if ((rc = reader_refill(r, err)))
			return rc;
	}
}

/* Starts a reader.  See model.h. */
int shard_reader_start(struct shard_reader *r, const char *data, size_t len,
                       int (*fill)(void *arg, char *buf, size_t cap, size_t *got, struct kt_error *err),
                       void (*close)(void *arg), void *arg, size_t piece, struct kt_error *err)
{
	size_t end;
	int rc;

	memset(r, 0, sizeof *r);
	r->fill = fill;
	r->close = close;
	r->arg = arg;
	r->data = fill ? "" : data;
	r->len = fill ? 0 : len;
	r->eof = !fill;
	r->cap = piece ? piece : 1;
	if (fill && !(r->own = malloc(r->cap)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if ((rc = reader_row(r, &end, err)))
		return rc;
	r->hlen = end - r->pos;
	if (!(r->header = malloc(r->hlen + 1)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	memcpy(r->header, r->data + r->pos, r->hlen);
	r->header[r->hlen] = '\0';
	r->pos = end;
	return 0;
}

/* Reads the next row.  See model.h. */
int shard_reader_next(struct shard_reader *r, struct kt_error *err)
{
	size_t end;
	int rc;

	for (const char *p = r->row; p && (p = memchr(p, '\n', (size_t)(r->row + r->rowlen - p))); p++)
		r->skipped++;
	r->row = NULL;
	r->rowlen = 0;
	if ((rc = reader_row(r, &end, err)))
		return rc;
	r->row = r->data + r->pos;
	r->rowlen = end - r->pos;
	r->pos = end;
	return 0;
}

/* Reads the next bytes, rows cut anywhere.  See model.h. */
int shard_reader_bytes(struct shard_reader *r, struct kt_error *err)
{
	int rc = 0;

	if (r->pos == r->len && !r->eof)
		rc = reader_refill(r, err);
	r->row = r->data + r->pos;
	r->rowlen = r->len - r->pos;
	r->pos = r->len;
	return rc;
}

/* Frees a reader.  See model.h. */
void shard_reader_free(struct shard_reader *r)
{
	if (r->close)
		r->close(r->arg);
	free(r->own);
	free(r->header);
	memset(r, 0, sizeof *r);
}

/* Parses the header and the current row.  See model.h. */
int shard_reader_parse(const struct shard_reader *r, const char *name, struct kt_csv **out,
                       struct kt_error *err)
{
	struct kt_buf b = { 0 };
	int rc;

	if (kt_buf_add(&b, r->header, r->hlen) || kt_buf_add(&b, r->row, r->rowlen))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = shard_parse_range(b.data, b.len, r->hlen, b.len, r->skipped, name, out, err);
	kt_buf_free(&b);
	return rc;
}

/* Parses the header of buf and the rows in [start, end).  See model.h. */
int shard_parse_range(const char *buf, size_t len, size_t start, size_t end,
                      size_t skipped, const char *name, struct kt_csv **out,
                      struct kt_error *err)
{
	size_t hlen = shard_header_len(buf, len);
	struct kt_buf b = { 0 };
	int rc = 0;

	/* The parser is told how many lines stood between the header and
	 * start, so that rows and errors get their real lines. */
	if (skipped == SHARD_COUNT) {
		skipped = 0;
		for (const char *p = buf + hlen; (p = memchr(p, '\n', (size_t)(buf + start - p))); p++)
			skipped++;
	}
	if (kt_buf_add(&b, buf, hlen) || (hlen && buf[hlen - 1] != '\n' && kt_buf_addc(&b, '\n')))
		rc = KT_ENOMEM;
	size_t rows_at = b.len;
	if (rc || kt_buf_add(&b, buf + start, end - start))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = csv_parse_gap(b.data, b.len, name, ',', rows_at, (long)skipped, out, err);
	kt_buf_free(&b);
	return rc;
}

/* Returns the index of name in header, or -1. */
static long column_of(char *const *header, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(header[i], name))
			return (long)i;
	return -1;
}

/* Returns 1 if column name belongs to s's canonical columns. */
static int is_schema_column(const struct kt_schema *s, const char *name)
{
	return !strcmp(name, "id") || !strcmp(name, "created") || kt_schema_field(s, name);
}

/* Builds a record from a shard row.  See model.h. */
int record_from_row(const struct kt_schema *s, char *const *header,
                    size_t nheader, char *const *fields, size_t nfields,
                    struct kt_record **out)
{
	struct kt_record *r = calloc(1, sizeof *r);
	size_t cap = s->nfields + 2 + nheader;

	if (!r || !(r->names = calloc(cap, sizeof *r->names)) ||
	    !(r->values = calloc(cap, sizeof *r->values))) {
		kt_record_free(r);
		return KT_ENOMEM;
	}
	r->schema = s;
	for (size_t i = 0; i < s->nfields + 2 + nheader; i++) {
		const char *name;
		if (i == 0)
			name = "id";
		else if (i <= s->nfields)
			name = s->fields[i - 1].name;
		else if (i == s->nfields + 1)
			name = "created";
		else if (!is_schema_column(s, header[i - s->nfields - 2]))
			name = header[i - s->nfields - 2];
		else
			continue;
		long col = column_of(header, nheader, name);
		const char *v = col >= 0 && (size_t)col < nfields ? fields[col] : "";
		r->names[r->n] = strdup(name);
		r->values[r->n] = strdup(v ? v : "");
		if (!r->names[r->n++] || !r->values[r->n - 1]) {
			kt_record_free(r);
			return KT_ENOMEM;
		}
	}
	*out = r;
	return 0;
}

/* Returns r's value of name, or NULL. */
const char *kt_record_get(const struct kt_record *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], name))
			return r->values[i];
	return NULL;
}

/* Frees a record; NULL is fine. */
void kt_record_free(struct kt_record *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	free(r);
}
