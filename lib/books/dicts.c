/*
 * dicts.c - the books' dictionaries: HEAD's dicts/NAME.csv, loaded when
 * first needed, looked up and listed.
 */
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Calls fn with every dictionary's name.  See kontora.h. */
int kt_dict_names(struct kt_books *b, int (*fn)(void *arg, const char *name),
                  void *arg, struct kt_error *err)
{
	struct kt_error derr = { 0 };
	int rc = 0;

	books_dict(b, "", &derr);
	if (derr.code) {
		if (err)
			*err = derr;
		return derr.code;
	}
	for (size_t i = 0; !rc && i < b->ndicts; i++)
		if (b->dicts[i].name)
			rc = fn(arg, b->dicts[i].name);
	return rc;
}

/* Calls fn with the entries of a dictionary.  See kontora.h. */
int kt_dict_list(struct kt_books *b, const char *dict, kt_row_fn fn, void *arg,
                 struct kt_error *err)
{
	static const struct kt_column cols[] = {
		{ "id", KT_TEXT, "id" },
		{ "name", KT_TEXT, "name" },
	};
	struct kt_error derr = { 0 };
	const struct dict *d = books_dict(b, dict, &derr);
	int rc;

	if (derr.code) {
		if (err)
			*err = derr;
		return derr.code;
	}
	if (!d)
		return kt_error_set(err, KT_ENOTFOUND, "dict %s: no such dictionary (dicts/%s.csv)", dict, dict);
	if ((rc = fn(arg, 2, cols, NULL)))
		return rc;
	for (size_t i = 0; !rc && i < d->n; i++) {
		char *row[2] = { d->ids[i], d->names[i] };
		rc = fn(arg, 2, cols, row);
	}
	return rc;
}

/* Parses one dictionary into b's.  Returns 0 or an error. */
static int add_dict(void *books, const char *path, const char *base,
                    const char *text, size_t len, struct kt_error *err)
{
	struct kt_books *b = books;
	struct dict *d = realloc(b->dicts, (b->ndicts + 1) * sizeof *d);

	if (!d)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	b->dicts = d;
	d = &b->dicts[b->ndicts++];
	memset(d, 0, sizeof *d);
	int rc = dict_parse(text, len, path, d, err);
	if (!rc && !(d->name = strdup(base)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc;
}

/* Loads every dictionary (dicts/NAME.csv) of HEAD; none at all is fine.
 * Returns 0 or an error. */
static int load_dicts(struct kt_books *b, struct kt_error *err)
{
	int rc = store_each_file(b->store, "dicts", ".csv", NULL, add_dict, b, err);

	b->dicts_loaded = 1;
	return rc == KT_ENOTFOUND ? 0 : rc;
}

/* Forgets the loaded dictionaries.  See books.h. */
void books_dicts_reset(struct kt_books *b)
{
	for (size_t i = 0; i < b->ndicts; i++)
		dict_free(&b->dicts[i]);
	free(b->dicts);
	b->dicts = NULL;
	b->ndicts = 0;
	b->dicts_loaded = 0;
}

/* Returns the dictionary called name.  See books.h. */
const struct dict *books_dict(struct kt_books *b, const char *name,
                              struct kt_error *err)
{
	if (!b->dicts_loaded && load_dicts(b, err))
		return NULL;
	for (size_t i = 0; i < b->ndicts; i++)
		if (b->dicts[i].name && !strcmp(b->dicts[i].name, name))
			return &b->dicts[i];
	return NULL;
}
