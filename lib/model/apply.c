/*
 * apply.c - the new bytes of a shard or a dictionary once a change's ops
 * are applied to them.  A shard in canonical form is merged with the
 * ops sorted by id as its rows are read, one at a time, its
 * untouched rows copied as they are; one a person edited by hand is
 * rewritten whole in canonical form: the schema's columns then unknown
 * ones, rows sorted by id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Writes len bytes at data to out.  Returns 0 or KT_EIO. */
static int put(FILE *out, const char *data, size_t len, const char *path, struct kt_error *err)
{
	if (len && fwrite(data, 1, len, out) != len)
		return kt_error_set(err, KT_EIO, "%s: the new text cannot be written to a temporary file", path);
	return 0;
}

/* Writes the row of add op o of ops to out.  Returns 0 or an error. */
static int add_row(FILE *out, const struct ops *ops, const struct op *o, struct kt_error *err)
{
	struct kt_buf b = { 0 };
	int rc = op_add_row(ops, o, &b);

	if (rc == KT_EIO)
		rc = kt_error_set(err, rc, "%s: the new record %s cannot be read back from a temporary file",
		                  o->path, o->id);
	else if (rc)
		rc = kt_error_set(err, rc, "out of memory");
	else
		rc = put(out, b.data, b.len, o->path, err);
	kt_buf_free(&b);
	return rc;
}

/* Writes the row of reader in after edit o on it to out: its fields
 * with the values o sets.  The header of in must be canonical for o's
 * schema.  Returns 0 or an error. */
static int changed_row(const struct shard_reader *in, const struct op *o, FILE *out,
                       struct kt_error *err)
{
	struct kt_csv *csv;
	struct kt_buf b = { 0 };
	int rc;

	if ((rc = shard_reader_parse(in, o->path, &csv, err)))
		return rc;
	if (csv->nrows != 1) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_ECSV, "%s: the row of %s is malformed; run kontora check", o->path, o->id);
	}
	struct kt_csv_row *r = &csv->rows[0];
	char **fields = calloc(csv->nheader, sizeof *fields);
	if (!fields) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < csv->nheader; i++) {
		const char *val = op_get(o, csv->header[i]);
		fields[i] = val ? (char *)val : i < r->nfields ? r->fields[i] : (char *)"";
	}
	if (kt_csv_add_row(&b, fields, csv->nheader))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = put(out, b.data, b.len, o->path, err);
	kt_buf_free(&b);
	free(fields);
	kt_csv_free(csv);
	return rc;
}

/* Returns 1 if the header line h[0..len) is the canonical header of s. */
static int canonical_header(const char *h, size_t len, const struct kt_schema *s)
{
	struct kt_buf c = { 0 };
	int same = !shard_header(&c, s, NULL, 0) && !kt_buf_addc(&c, '\n') &&
	           c.len == len && !memcmp(c.data, h, len);

	kt_buf_free(&c);
	return same;
}

/* Writes the ops of v[*i..n) whose ids sort before the 8 bytes at id (all
 * of them when id is NULL): adds go in, while an edit or a remove there
 * names a row the shard lacks, or one a hand edit put out of order
 * further down.  Returns 0, 1 for such an edit (ops_rewrite_shard() tells
 * which), or an error. */
static int ops_before(const struct ops *ops, const struct op *const *v, size_t n, size_t *i,
                      const char *id, FILE *out, size_t *rows, struct kt_error *err)
{
	int rc = 0;

	for (; !rc && *i < n && (!id || memcmp(v[*i]->id, id, 8) < 0); ++*i) {
		if (v[*i]->kind != OP_ADD)
			return 1;
		rc = add_row(out, ops, v[*i], err);
		++*rows;
	}
	return rc;
}

/* Applies the record ops on path to a shard's rows (see model.h):
 * merges them, sorted by id, with the rows of a shard whose header is
 * canonical and rows sorted, copying untouched rows as they are.
 * Returns 0, 1 when the shard is not fit for it, or an error. */
int ops_apply_shard(const struct ops *ops, const struct kt_schema *s, const char *path,
                    const struct op *const *v, size_t n, struct shard_reader *in, FILE *out,
                    size_t *rows, struct kt_error *err)
{
	struct kt_buf h = { 0 };
	char prev[8];
	size_t i = 0;
	int rc, first = 1;

	*rows = 0;
	/* Merging keeps the file canonical only if it already is. */
	if (in->hlen && !canonical_header(in->header, in->hlen, s))
		return 1;
	if (in->hlen)
		rc = put(out, in->header, in->hlen, path, err);
	else if (shard_header(&h, s, NULL, 0) || kt_buf_addc(&h, '\n'))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = put(out, h.data, h.len, path, err);
	kt_buf_free(&h);
	while (!rc && !(rc = shard_reader_next(in, err)) && in->rowlen) {
		if (in->rowlen < 8 || (!first && memcmp(prev, in->row, 8) > 0))
			return 1;
		memcpy(prev, in->row, 8);
		first = 0;
		if ((rc = ops_before(ops, v, n, &i, in->row, out, rows, err)))
			break;
		/* A record has one edit op (change_set() adds to it), and may be
		 * removed after it. */
		size_t k = i;
		int removed = 0;
		for (; k < n && v[k]->kind != OP_ADD && !memcmp(v[k]->id, in->row, 8); k++)
			removed |= v[k]->kind == OP_REMOVE;
		if (k == i)
			rc = put(out, in->row, in->rowlen, path, err);
		else if (!removed)
			rc = changed_row(in, v[i], out, err);
		*rows += !removed;
		i = k;
	}
	return rc ? rc : ops_before(ops, v, n, &i, NULL, out, rows, err);
}

/* Writes records in the canonical form: the schema's columns, then the
 * columns of csv's header the schema does not know.  Returns 0 or an
 * error. */
static int write_records(const struct kt_schema *s, const struct kt_csv *csv,
                         struct kt_record *const *recs, size_t n,
                         struct kt_buf *out, struct kt_error *err)
{
	size_t ncols = 0;
	const char **cols = calloc(s->nfields + 2 + csv->nheader, sizeof *cols);
	char **row = calloc(s->nfields + 2 + csv->nheader, sizeof *row);
	int rc = 0;

	if (!cols || !row)
		rc = KT_ENOMEM;
	for (size_t i = 0; !rc && i < s->nfields + 2; i++)
		cols[ncols++] = i == 0 ? "id" : i <= s->nfields ? s->fields[i - 1].name : "created";
	for (size_t i = 0; !rc && i < csv->nheader; i++)
		if (strcmp(csv->header[i], "id") && strcmp(csv->header[i], "created") &&
		    !kt_schema_field(s, csv->header[i]))
			cols[ncols++] = csv->header[i];
	if (!rc)
		rc = shard_header(out, s, (char *const *)cols + s->nfields + 2, ncols - s->nfields - 2) ||
		     kt_buf_addc(out, '\n');
	for (size_t i = 0; !rc && i < n; i++) {
		for (size_t k = 0; k < ncols; k++) {
			const char *v = kt_record_get(recs[i], cols[k]);
			row[k] = (char *)(v ? v : "");
		}
		rc = kt_csv_add_row(out, row, ncols);
	}
	free(cols);
	free(row);
	return rc ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
}

static int record_cmp(const void *a, const void *b)
{
	const struct kt_record *x = *(struct kt_record *const *)a;
	const struct kt_record *y = *(struct kt_record *const *)b;
	return strcmp(x->values[0], y->values[0]);
}

/* Rewrites a shard whole in the canonical form.  See model.h. */
int ops_rewrite_shard(const struct ops *ops, const struct kt_schema *s,
                         const char *path, const char *buf, size_t len,
                         struct kt_buf *out, struct kt_error *err)
{
	struct kt_csv *csv = NULL;
	struct kt_record **recs = NULL;
	size_t n = 0;
	int rc = kt_csv_parse(buf, len, path, &csv, err);

	if (rc)
		return rc;
	recs = calloc(csv->nrows + ops->n + 1, sizeof *recs);
	if (!recs)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		struct kt_csv_row *r = &csv->rows[i];
		if (r->nfields > csv->nheader)
			rc = kt_error_set(err, KT_ECSV, "%s:%ld: more fields than the header names; fix the row by hand",
			                  path, r->line);
		else if (record_from_row(s, csv->header, csv->nheader, r->fields, r->nfields, &recs[n++]))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; !rc && i < ops->n; i++) {
		const struct op *o = &ops->v[i];
		if (strcmp(o->path, path))
			continue;
		if (o->kind == OP_ADD) {
			struct op_row r;
			if ((rc = op_row_read(ops, o, &r, err)))
				break;
			if (record_from_row(s, r.names, r.n, r.values, r.n, &recs[n++]))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			op_row_free(&r);
			continue;
		}
		size_t k = 0;
		while (k < n && strcmp(recs[k]->values[0], o->id))
			k++;
		if (k == n) {
			rc = kt_error_set(err, KT_ENOTFOUND, "%s: no row %s; run kontora reindex", path, o->id);
		} else if (o->kind == OP_REMOVE) {
			kt_record_free(recs[k]);
			recs[k] = recs[--n];
		} else {
			for (size_t f = 0; !rc && f < recs[k]->n; f++) {
				const char *v = op_get(o, recs[k]->names[f]);
				if (v && !(free(recs[k]->values[f]), recs[k]->values[f] = strdup(v)))
					rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			}
		}
	}
	if (!rc)
		qsort(recs, n, sizeof *recs, record_cmp);
	if (!rc && n)
		rc = write_records(s, csv, recs, n, out, err);
	for (size_t i = 0; i < n; i++)
		kt_record_free(recs[i]);
	free(recs);
	kt_csv_free(csv);
	return rc;
}

/* Applies the dict ops on path to a dictionary's text.  See model.h. */
int ops_apply_dict(const struct ops *ops, const char *path,
                      const char *buf, size_t len, struct kt_buf *out,
                      struct kt_error *err)
{
	static char *const id_name[] = { "id", "name" };
	struct kt_csv *csv = NULL;
	struct entry {
		char *const *fields;   /* a row of the file, or NULL for add */
		size_t n;
		const struct op *add;
	} *e = NULL;
	size_t n = 0, ncols;
	char **row = NULL;
	int rc = kt_csv_parse(buf, len, path, &csv, err);

	if (rc)
		return rc;
	if (csv->nheader && (csv->nheader < 2 || strcmp(csv->header[0], "id") || strcmp(csv->header[1], "name"))) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_EINVAL, "%s:1: the header must be id,name", path);
	}
	ncols = csv->nheader ? csv->nheader : 2;
	e = calloc(csv->nrows + ops->n + 1, sizeof *e);
	row = calloc(ncols, sizeof *row);
	if (!e || !row)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < csv->nrows; i++)
		e[n++] = (struct entry){ csv->rows[i].fields, csv->rows[i].nfields, NULL };
	for (size_t i = 0; !rc && i < ops->n; i++) {
		const struct op *o = &ops->v[i];
		if (!op_is_dict(o) || strcmp(o->path, path))
			continue;
		size_t k = 0;
		while (k < n && strcmp(e[k].add ? e[k].add->names[0] : e[k].n ? e[k].fields[0] : "",
		                       o->names[0]))
			k++;
		if (o->kind == OP_DICT_ADD && k < n) {
			rc = kt_error_set(err, KT_EEXISTS, "dict %.*s: %s already exists", op_dict_name_len(o),
			                  o->path + 6, o->names[0]);
		} else if (o->kind == OP_DICT_ADD) {
			e[n++] = (struct entry){ NULL, 0, o };
		} else if (k == n) {
			rc = kt_error_set(err, KT_ENOTFOUND, "dict %.*s: no entry %s", op_dict_name_len(o),
			                  o->path + 6, o->names[0]);
		} else {
			memmove(e + k, e + k + 1, (n - k - 1) * sizeof *e);
			n--;
		}
	}
	if (!rc && kt_csv_add_row(out, csv->nheader ? csv->header : id_name, ncols))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const struct op *o = e[i].add;
		for (size_t k = 0; o && k < ncols; k++)
			row[k] = k == 0 ? o->names[0] : k == 1 ? o->values[0] : (char *)"";
		if (o ? kt_csv_add_row(out, row, ncols) : kt_csv_add_row(out, e[i].fields, e[i].n))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	free(row);
	free(e);
	kt_csv_free(csv);
	return rc;
}
