/*
 * apply.c - the new bytes of a shard or a dictionary once a change's ops
 * are applied to them.  A shard in canonical form is spliced, its
 * untouched rows copied as they are; one a person edited by hand is
 * rewritten whole in canonical form: the schema's columns then unknown
 * ones, rows sorted by id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Appends the row of add op o of ops to b.  Returns 0 or an error. */
static int add_row(struct kt_buf *b, const struct ops *ops, const struct op *o, struct kt_error *err)
{
	int rc = op_add_row(ops, o, b);

	if (rc == KT_EIO)
		return kt_error_set(err, rc, "%s: the new record %s cannot be read back from a temporary file",
		                    o->path, o->id);
	return rc ? kt_error_set(err, rc, "out of memory") : 0;
}

/* Returns the field values of the row [start,end) of buf after applying
 * edit o, as a CSV row appended to out.  The header of buf must be
 * canonical for o->s. */
static int edited_row(const char *buf, size_t len, size_t start, size_t end,
                      size_t skipped, const struct op *o, struct kt_buf *out,
                      struct kt_error *err)
{
	struct kt_csv *csv;
	int rc = shard_parse_range(buf, len, start, end, skipped, o->path, &csv, err);

	if (rc)
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
		const char *v = op_get(o, csv->header[i]);
		fields[i] = v ? (char *)v : i < r->nfields ? r->fields[i] : (char *)"";
	}
	rc = kt_csv_add_row(out, fields, csv->nheader) ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
	free(fields);
	kt_csv_free(csv);
	return rc;
}

/* A replacement of bytes [start, end) of a shard by the text of op; the
 * newlines between the header and start. */
struct splice {
	size_t start, end, skipped;
	const struct op *op;
};

static int splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->op->id, y->op->id);
}

/* Returns 1 if the rows of buf are in id order, as kontora writes them;
 * a file edited by hand may not be. */
static int rows_sorted(const char *buf, size_t len)
{
	const char *prev = NULL;

	for (size_t pos = shard_header_len(buf, len); pos < len; pos = shard_row_end(buf, len, pos)) {
		if (len - pos < 8 || (prev && memcmp(prev, buf + pos, 8) > 0))
			return 0;
		prev = buf + pos;
	}
	return 1;
}

static int splice_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct splice *)a)->op->id, ((const struct splice *)b)->op->id);
}

/* Sets where each of the n adds of sp goes in sorted buf: before the
 * first row whose id sorts after its own.  One sweep over buf for them
 * all, as an import adds thousands to one shard. */
static void insert_positions(const char *buf, size_t len, struct splice *sp, size_t n)
{
	size_t pos = len ? shard_header_len(buf, len) : 0;

	qsort(sp, n, sizeof *sp, splice_id_cmp);
	for (size_t i = 0; i < n; i++) {
		while (pos < len && memcmp(buf + pos, sp[i].op->id, 8) <= 0)
			pos = shard_row_end(buf, len, pos);
		sp[i].start = sp[i].end = pos;
	}
}

/* Returns 1 if buf starts with the canonical header of s. */
static int canonical_header(const char *buf, size_t len, const struct kt_schema *s)
{
	struct kt_buf h = { 0 };
	size_t hlen = shard_header_len(buf, len);
	int same = !shard_header(&h, s, NULL, 0) && !kt_buf_addc(&h, '\n') &&
	           h.len == hlen && !memcmp(h.data, buf, hlen);

	kt_buf_free(&h);
	return same;
}

/* Applies the ops on path to a shard whose header is canonical and rows
 * sorted, copying untouched rows as they are.  Returns 0, 1 when the
 * shard is not fit for splicing, or an error. */
static int splice_shard(const struct ops *ops, const struct kt_schema *s, const char *path,
                        const char *buf, size_t len, struct kt_buf *out,
                        struct kt_error *err)
{
	struct splice *sp = calloc(ops->n, sizeof *sp);
	struct shard_rows rows = { 0 };
	size_t n = 0, pos = 0;
	int rc = 0, have_rows = 0;

	if (!sp)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	/* Splicing keeps the file canonical only if it already is. */
	if (len && (!canonical_header(buf, len, s) || !rows_sorted(buf, len)))
		rc = 1;
	/* The adds first, placed in one sweep, then the edits and removes. */
	for (size_t i = 0; i < ops->n && rc == 0; i++)
		if (ops->v[i].kind == OP_ADD && !strcmp(ops->v[i].path, path))
			sp[n++] = (struct splice){ .op = &ops->v[i] };
	if (!rc)
		insert_positions(buf, len, sp, n);
	/* The rows are found in one pass when there are edits or removes. */
	for (size_t i = 0; i < ops->n && rc == 0; i++) {
		const struct op *o = &ops->v[i];
		if (o->kind == OP_ADD || strcmp(o->path, path))
			continue;
		if (!have_rows++ && shard_rows_read(buf, len, &rows))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else if (!shard_rows_find(&rows, o->id, &sp[n].start, &sp[n].end, &sp[n].skipped))
			rc = kt_error_set(err, KT_ENOTFOUND, "%s: no row %s; run kontora reindex", path, o->id);
		else
			sp[n++].op = o;
	}
	shard_rows_free(&rows);
	qsort(sp, n, sizeof *sp, splice_cmp);
	if (!rc && !len && n && (rc = shard_header(out, sp[0].op->s, NULL, 0) || kt_buf_addc(out, '\n')))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const struct op *o = sp[i].op;
		if (kt_buf_add(out, buf + pos, sp[i].start - pos))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else if (o->kind == OP_ADD)
			rc = add_row(out, ops, o, err);
		else if (o->kind == OP_EDIT)
			rc = edited_row(buf, len, sp[i].start, sp[i].end, sp[i].skipped, o, out, err);
		pos = sp[i].end;
	}
	if (!rc && kt_buf_add(out, buf + pos, len - pos))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	free(sp);
	return rc;
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

/* Rewrites a shard whole in the canonical form: schema columns, then the
 * unknown ones; rows sorted by id; then applies the ops.  Returns 0 or an
 * error. */
static int rewrite_shard(const struct ops *ops, const struct kt_schema *s,
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

/* Applies the record ops on path to a shard's text.  See model.h. */
int ops_apply_shard(const struct ops *ops, const struct kt_schema *s, const char *path,
                    const char *buf, size_t len, struct kt_buf *out, struct kt_error *err)
{
	int rc = splice_shard(ops, s, path, buf, len, out, err);

	if (rc != 1)
		return rc;
	kt_buf_reset(out);
	return rewrite_shard(ops, s, path, buf, len, out, err);
}
