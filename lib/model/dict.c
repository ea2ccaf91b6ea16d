/*
 * dict.c - dictionaries: dicts/NAME.csv with columns id,name, the lists
 * that dict: fields take their values from.
 */
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Frees what d holds (not d itself). */
void dict_free(struct dict *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->ids[i]);
		free(d->names[i]);
	}
	free(d->ids);
	free(d->names);
	free(d->name);
	memset(d, 0, sizeof *d);
}

/* Parses dicts/NAME.csv text into d (whose name the caller sets).
 * Returns 0 or an error naming file:line. */
int dict_parse(const char *text, size_t len, const char *file, struct dict *d,
               struct kt_error *err)
{
	struct kt_csv *csv;
	int rc = kt_csv_parse(text, len, file, &csv, err);

	if (rc)
		return rc;
	if (csv->nheader < 2 || strcmp(csv->header[0], "id") || strcmp(csv->header[1], "name")) {
		kt_csv_free(csv);
		return kt_error_set(err, KT_EINVAL, "%s:1: the header must be id,name", file);
	}
	d->ids = calloc(csv->nrows + 1, sizeof *d->ids);
	d->names = calloc(csv->nrows + 1, sizeof *d->names);
	if (!d->ids || !d->names)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < csv->nrows; i++) {
		struct kt_csv_row *r = &csv->rows[i];
		if (!*r->fields[0]) {
			rc = kt_error_set(err, KT_EINVAL, "%s:%ld: id: empty", file, r->line);
			break;
		}
		if (r->nfields < 2) {
			rc = kt_error_set(err, KT_EINVAL, "%s:%ld: name: missing", file, r->line);
			break;
		}
		/* The parsed strings move into the dictionary. */
		d->ids[d->n] = r->fields[0];
		d->names[d->n++] = r->fields[1];
		r->fields[0] = r->fields[1] = NULL;
	}
	kt_csv_free(csv);
	return rc;
}

/* Returns 1 if a and b are equal ignoring case and ё, else 0. */
static int fold_equal(const char *a, const char *b)
{
	char *fa = kt_fold(a), *fb = kt_fold(b);
	int eq = fa && fb && !strcmp(fa, fb);

	free(fa);
	free(fb);
	return eq;
}

/* Returns the id of the entry whose id is value, or whose name equals
 * value ignoring case and ё; NULL if none (owned by d). */
const char *dict_lookup(const struct dict *d, const char *value)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->ids[i], value))
			return d->ids[i];
	for (size_t i = 0; i < d->n; i++)
		if (fold_equal(d->names[i], value) || fold_equal(d->ids[i], value))
			return d->ids[i];
	return NULL;
}
