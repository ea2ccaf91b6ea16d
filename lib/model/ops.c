/*
 * ops.c - a change to the books as operations on their files: records
 * added, edited and removed in shards, keys of kontora.conf set, entries
 * of dictionaries added and removed, files written.  An op list is built
 * and validated by books/change.c, described here in words, applied to
 * bytes by model/apply.c and committed by store/commit.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/model.h"

/* The ops a commit message describes and names in trailers. */
enum { MESSAGE_OPS = 100 };

/* Adds from this op on are spilled (op_spill()): a change of a few
 * records never touches the disk and its message needs no read back,
 * while an import of a hundred thousand keeps ~150 bytes a record in
 * memory instead of the record itself, which held as strings with their
 * names weighs about twice its CSV. */
enum { SPILL_FROM = MESSAGE_OPS };

/* Frees what o holds. */
static void op_free(struct op *o)
{
	/* A spilled add holds one block (op_spill()). */
	int spilled = o->kind == OP_ADD && o->spill_len;

	for (size_t i = 0; !spilled && i < o->n; i++) {
		free(o->names[i]);
		free(o->values[i]);
	}
	free(o->names);
	if (!spilled) {
		free(o->values);
		free(o->path);
	}
	kt_record_free(o->old);
	if (o->kind == OP_FILE)
		kt_buf_free(&o->bytes);
}

/* Makes room for n ops.  See model.h. */
int ops_reserve(struct ops *ops, size_t n)
{
	struct op *v;

	if (n <= ops->cap)
		return 0;
	if (n > SIZE_MAX / sizeof *v || !(v = realloc(ops->v, n * sizeof *v)))
		return KT_ENOMEM;
	ops->v = v;
	ops->cap = n;
	return 0;
}

/* Appends a zeroed op.  See model.h. */
struct op *ops_new(struct ops *ops, enum op_kind kind, const struct kt_schema *s)
{
	/* Doubling: a batch adds a hundred thousand ops. */
	if (ops->n == ops->cap && ops_reserve(ops, ops->cap ? ops->cap * 2 : 16))
		return NULL;
	struct op *v = ops->v;

	ops->nother += kind != OP_ADD;
	memset(&v[ops->n], 0, sizeof *v);
	v[ops->n].kind = kind;
	v[ops->n].s = s;
	return &v[ops->n++];
}

/* Drops the last op.  See model.h. */
void ops_drop_last(struct ops *ops)
{
	struct op *o = &ops->v[--ops->n];

	ops->nother -= o->kind != OP_ADD;
	op_free(o);
}

/* The spilled rows mapped, as far as they were when a row was last
 * read back beyond the mapping: a commit reads its new records back in
 * id order, all over the file, and one pread(2) a row was a fifth of
 * writing the shard of 10,000 payments.  Only up to SPILL_MAP bytes:
 * the pages read count in the process's memory, which an import of
 * 100,000 leads or products must keep under its bound. */
enum { SPILL_MAP = 16 << 20 };
struct spill_view {
	const char *data;         /* NULL: none mapped */
	size_t len;
};

/* Frees the ops.  See model.h. */
void ops_free(struct ops *ops)
{
	for (size_t i = 0; i < ops->n; i++)
		op_free(&ops->v[i]);
	free(ops->v);
	kt_buf_free(&ops->row);
	if (ops->view && ops->view->data)
		munmap((void *)ops->view->data, ops->view->len);
	free(ops->view);
	if (ops->spill)
		fclose(ops->spill);
	memset(ops, 0, sizeof *ops);
}

/* Appends (name, value) to o.  See model.h. */
int op_set(struct op *o, const char *name, const char *value)
{
	return pairs_append(&o->names, &o->values, &o->n, name, value);
}

/* Returns the value of name in o.  See model.h. */
const char *op_get(const struct op *o, const char *name)
{
	for (size_t i = o->n; i-- > 0;)
		if (!strcmp(o->names[i], name))
			return o->values[i];
	return NULL;
}

/* Writes the row of add o, its columns values, to the ops' temporary
 * file, and keeps of o its id and path alone.  Returns 0, or -1 when the
 * file cannot be made or written (o is then as it was). */
static int op_spill(struct ops *ops, struct op *o, char *const *values, size_t n)
{
	/* tmpfile(): unlinked at once, gone with the process however it ends.
	 * Rows go through stdio's buffer, appended: a write(2) a row was a
	 * twentieth of an import of 100,000 products (op_add_row() flushes
	 * before it reads one back). */
	if (!ops->view && !(ops->view = calloc(1, sizeof *ops->view)))
		return -1;
	if (!ops->spill && (!(ops->spill = tmpfile()) || setvbuf(ops->spill, NULL, _IOFBF, 1 << 16)))
		return -1;
	/* What the op keeps, its id and path, in one block: the names and
	 * values arrays, "id", the id and the path (five allocations a record
	 * before, a third of the memory of a change of 100,000 adds). */
	size_t plen = strlen(o->path) + 1;
	char **block = malloc(2 * sizeof(char *) + 3 + sizeof o->id + plen);
	/* The row's buffer is kept for the next: one a record was a malloc
	 * and its growth each. */
	kt_buf_reset(&ops->row);
	if (!block || kt_csv_add_row(&ops->row, values, n) ||
	    fwrite(ops->row.data, 1, ops->row.len, ops->spill) != ops->row.len) {
		/* A row cut short must not shift those after it. */
		if (block)
			fseeko(ops->spill, ops->spill_end, SEEK_SET);
		free(block);
		return -1;
	}
	o->spill_at = ops->spill_end;
	o->spill_len = ops->row.len;
	ops->spill_end += (off_t)ops->row.len;
	char *p = (char *)(block + 2);
	block[0] = memcpy(p, "id", 3);
	block[1] = memcpy(p + 3, o->id, sizeof o->id);
	char *path = memcpy(p + 3 + sizeof o->id, o->path, plen);
	free(o->path);
	o->names = block;
	o->values = block + 1;
	o->path = path;
	o->n = 1;
	return 0;
}

/* Gives add o its columns.  See model.h. */
int op_add_columns(struct ops *ops, struct op *o, char *const *names, char *const *values, size_t n)
{
	/* Spilled straight from the caller's columns: an import's record
	 * was copied, pair by pair, only to be written out and freed. */
	if ((size_t)(o - ops->v) >= SPILL_FROM && !op_spill(ops, o, values, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (op_set(o, names[i], values[i]))
			return KT_ENOMEM;
	return 0;
}

/* Keeps what describing edit o needs of the record before.  See model.h. */
int op_keep_old(const struct ops *ops, struct op *o, struct kt_record **old)
{
	struct kt_record *r;

	if ((size_t)(o - ops->v) < SPILL_FROM) {
		if (!o->old) {
			o->old = *old;
			*old = NULL;
		}
		return 0;
	}
	if (!(r = calloc(1, sizeof *r)) || !(r->names = calloc(o->n + 1, sizeof *r->names)) ||
	    !(r->values = calloc(o->n + 1, sizeof *r->values))) {
		kt_record_free(r);
		return KT_ENOMEM;
	}
	r->schema = (*old)->schema;
	for (size_t i = 0; i < o->n; i++) {
		const char *v = kt_record_get(*old, o->names[i]);
		if (!v)
			continue;
		r->names[r->n] = strdup(o->names[i]);
		r->values[r->n] = strdup(v);
		if (!r->names[r->n++] || !r->values[r->n - 1]) {
			kt_record_free(r);
			return KT_ENOMEM;
		}
	}
	kt_record_free(o->old);
	o->old = r;
	return 0;
}

/* Appends the row of add o.  See model.h. */
int op_add_row(const struct ops *ops, const struct op *o, struct kt_buf *out)
{
	if (!o->spill_len)
		return kt_csv_add_row(out, o->values, o->n) ? KT_ENOMEM : 0;
	if (kt_buf_grow(out, o->spill_len))
		return KT_ENOMEM;
	if (fflush(ops->spill))
		return KT_EIO;
	struct spill_view *v = ops->view;
	size_t end = (size_t)o->spill_at + o->spill_len;
	if (v->len < end && ops->spill_end <= SPILL_MAP) {
		if (v->data)
			munmap((void *)v->data, v->len);
		void *m = mmap(NULL, (size_t)ops->spill_end, PROT_READ, MAP_SHARED, fileno(ops->spill), 0);
		v->data = m == MAP_FAILED ? NULL : m;
		v->len = v->data ? (size_t)ops->spill_end : 0;
	}
	/* Not mapped (too big, or no memory for it): read. */
	if (v->len >= end)
		memcpy(out->data + out->len, v->data + o->spill_at, o->spill_len);
	else if (pread(fileno(ops->spill), out->data + out->len, o->spill_len, o->spill_at) != (ssize_t)o->spill_len)
		return KT_EIO;
	out->len += o->spill_len;
	out->data[out->len] = '\0';
	return 0;
}

/* Reads the columns of add o.  See model.h. */
int op_row_read(const struct ops *ops, const struct op *o, struct op_row *r, struct kt_error *err)
{
	struct kt_buf row = { 0 };
	int rc;

	memset(r, 0, sizeof *r);
	if (!o->spill_len) {
		r->n = o->n;
		r->names = o->names;
		r->values = o->values;
		return 0;
	}
	/* The row alone parses as a header: its values. */
	if ((rc = op_add_row(ops, o, &row)))
		rc = kt_error_set(err, rc, "%s: the new record %s cannot be read back from a temporary file",
		                  o->path, o->id);
	else
		rc = kt_csv_parse(row.data, row.len, o->path, &r->csv, err);
	kt_buf_free(&row);
	if (!rc && r->csv->nheader != o->s->nfields + 2)
		rc = kt_error_set(err, KT_EIO, "%s: the new record %s was read back damaged", o->path, o->id);
	if (!rc && !(r->names = calloc(r->csv->nheader, sizeof *r->names)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (rc) {
		op_row_free(r);
		return rc;
	}
	r->n = r->csv->nheader;
	r->values = r->csv->header;
	for (size_t i = 0; i < r->n; i++)
		r->names[i] = (char *)(i == 0 ? "id" : i == r->n - 1 ? "created" : o->s->fields[i - 1].name);
	return 0;
}

/* Frees a row read.  See model.h. */
void op_row_free(struct op_row *r)
{
	if (r->csv) {
		free(r->names);
		kt_csv_free(r->csv);
	}
	memset(r, 0, sizeof *r);
}

/* Returns 1 for an op on a dictionary.  See model.h. */
int op_is_dict(const struct op *o)
{
	return o->kind == OP_DICT_ADD || o->kind == OP_DICT_REMOVE;
}

/* Returns the length of a dict op's dictionary name.  See model.h. */
int op_dict_name_len(const struct op *o)
{
	return (int)(strlen(o->path) - strlen("dicts/") - strlen(".csv"));
}

/* Describes the first n ops in words.  See model.h. */
int ops_describe(const struct ops *ops, size_t n, struct kt_buf *out)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < n && i < ops->n; i++) {
		const struct op *o = &ops->v[i];
		switch (o->kind) {
		case OP_ADD: {
			struct op_row r;
			struct kt_error err = { 0 };
			if (op_row_read(ops, o, &r, &err))
				return err.code;
			for (size_t f = 0; !rc && f < r.n; f++)
				if (*r.values[f])
					rc = kt_buf_addf(out, "%s: %s\n", r.names[f], r.values[f]);
			op_row_free(&r);
			break;
		}
		case OP_EDIT:
			for (size_t f = 0; !rc && f < o->n; f++) {
				const char *old = kt_record_get(o->old, o->names[f]);
				old = old ? old : "";
				rc = kt_buf_addf(out, "%s: %s%s->%s%s\n", o->names[f], old, *old ? " " : "",
				                 *o->values[f] ? " " : "", o->values[f]);
			}
			break;
		case OP_REMOVE:
			rc = kt_buf_addf(out, "removed %s %s\n", o->s->name, o->id);
			break;
		case OP_CONFIG:
			rc = op_get(o, "--unset") ? kt_buf_addf(out, "unset %s\n", o->names[0])
			                          : kt_buf_addf(out, "%s = %s\n", o->names[0], o->values[0]);
			break;
		case OP_DICT_ADD:
			rc = kt_buf_addf(out, "add %s: %s\n", o->names[0], o->values[0]);
			break;
		case OP_DICT_REMOVE:
			rc = kt_buf_addf(out, "remove %s\n", o->names[0]);
			break;
		case OP_FILE:
			rc = kt_buf_addf(out, "file %s (%zu bytes)\n", o->path, o->bytes.len);
			break;
		}
	}
	return rc ? KT_ENOMEM : 0;
}

/* Builds the commit message.  See model.h. */
int ops_message(const struct ops *ops, const char *subject, const char *command,
                struct kt_buf *m)
{
	const struct op *o = &ops->v[0];
	int rc = 0;

	if (subject)
		rc = kt_buf_adds(m, subject);
	else if (o->kind == OP_CONFIG)
		rc = kt_buf_addf(m, "config: %s %s", op_get(o, "--unset") ? "unset" : "set", o->names[0]);
	else if (op_is_dict(o)) {
		rc = kt_buf_addf(m, "dict %.*s: %s %s (%s)", op_dict_name_len(o), o->path + 6,
		                 o->kind == OP_DICT_ADD ? "add" : "remove", o->names[0], o->values[0]);
		if (!rc && ops->n > 1)
			rc = kt_buf_addf(m, " and %zu more", ops->n - 1);
	} else if (o->kind == OP_FILE) {
		rc = kt_buf_addf(m, "file %s", o->path);
		if (!rc && ops->n > 1)
			rc = kt_buf_addf(m, " and %zu more", ops->n - 1);
	} else {
		const char *verb = o->kind == OP_ADD ? "add" : o->kind == OP_EDIT ? "edit" : "remove";
		const struct kt_record *r = o->old;
		const char *title = o->s->title ? (r ? kt_record_get(r, o->s->title) : op_get(o, o->s->title)) : NULL;
		rc = kt_buf_addf(m, "%s %s: %s", o->s->name, o->id, verb);
		for (size_t f = 0; !rc && o->kind == OP_EDIT && f < o->n; f++)
			rc = kt_buf_addf(m, "%s%s", f ? ", " : " ", o->names[f]);
		if (!rc && o->kind != OP_EDIT && title && *title)
			rc = kt_buf_addf(m, " %s", title);
		if (!rc && ops->n > 1)
			rc = kt_buf_addf(m, " and %zu more", ops->n - 1);
	}
	if (!rc)
		rc = kt_buf_adds(m, "\n\n");
	/* An import's commit would hold megabytes of fields: the first ops
	 * tell what it was, the data holds the rest. */
	if (!rc)
		rc = ops_describe(ops, MESSAGE_OPS, m);
	if (!rc && ops->n > MESSAGE_OPS)
		rc = kt_buf_addf(m, "... and %zu more\n", ops->n - MESSAGE_OPS);
	if (!rc)
		rc = kt_buf_addf(m, "\nKontora-Command: %s\n", command);
	struct strmap named = { 0 };
	for (size_t i = 0; !rc && i < ops->n && named.n < MESSAGE_OPS; i++)
		if (ops->v[i].id[0] && !strmap_get(&named, ops->v[i].id, NULL))
			rc = strmap_put(&named, ops->v[i].id, i) ||
			     kt_buf_addf(m, "Kontora-Record: %s\n", ops->v[i].id);
	strmap_free(&named);
	return rc ? KT_ENOMEM : 0;
}

/* Orders ops by id, the ops of one id in the order they were made
 * (qsort).  The ids are zero-padded char[9] (ops_new() zeroes an op), so
 * memcmp orders them as strcmp would. */
static int op_id_cmp(const void *a, const void *b)
{
	const struct op *x = *(const struct op *const *)a, *y = *(const struct op *const *)b;
	int c = memcmp(x->id, y->id, sizeof x->id);

	return c ? c : x < y ? -1 : x > y;
}

/* Groups the ops by path.  See model.h.  Each op's path is looked up once
 * in a map of the few paths: a commit asked, for each of its paths, every
 * op whether it was on it (an import of 100,000 leads: 64 paths times
 * 200,000 ops, a strcmp each). */
int ops_group(const struct ops *ops, struct ops_paths *g)
{
	struct strmap at = { 0 };
	size_t *group = ops->n ? malloc(ops->n * sizeof *group) : NULL;
	int rc = ops->n && !group ? KT_ENOMEM : 0;

	memset(g, 0, sizeof *g);
	for (size_t i = 0; !rc && i < ops->n; i++) {
		if (strmap_get(&at, ops->v[i].path, &group[i]))
			continue;
		group[i] = g->n;
		char **paths = realloc(g->paths, (g->n + 1) * sizeof *paths);
		if (!paths || strmap_put(&at, ops->v[i].path, g->n))
			rc = KT_ENOMEM;
		if (paths)
			g->paths = paths;
		if (!rc)
			g->paths[g->n++] = ops->v[i].path;
	}
	strmap_free(&at);
	if (!rc && (!(g->first = calloc(g->n + 1, sizeof *g->first)) ||
	            (ops->n && !(g->ops = malloc(ops->n * sizeof *g->ops)))))
		rc = KT_ENOMEM;
	/* Counted, then each group's start, then filled in op order. */
	for (size_t i = 0; !rc && i < ops->n; i++)
		g->first[group[i] + 1]++;
	for (size_t k = 0; !rc && k < g->n; k++)
		g->first[k + 1] += g->first[k];
	for (size_t i = 0; !rc && i < ops->n; i++)
		g->ops[g->first[group[i]]++] = &ops->v[i];
	for (size_t k = g->n; !rc && k > 0; k--)
		g->first[k] = g->first[k - 1];
	if (!rc && g->first)
		g->first[0] = 0;
	for (size_t k = 0; !rc && k < g->n; k++)
		qsort(g->ops + g->first[k], g->first[k + 1] - g->first[k], sizeof *g->ops, op_id_cmp);
	free(group);
	if (rc)
		ops_group_free(g);
	return rc;
}

/* Frees what ops_group() made.  See model.h. */
void ops_group_free(struct ops_paths *g)
{
	free(g->paths);
	free(g->first);
	free(g->ops);
	memset(g, 0, sizeof *g);
}
