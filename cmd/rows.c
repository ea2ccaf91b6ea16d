/*
 * rows.c - the rows of list queries copied into memory, for commands that
 * read several queries before printing (the client card, the lab queue).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* See cmd.h. */
int rows_add(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct rows *r = arg;

	if (!values) {
		if (r->cols)
			return 0;
		if (!(r->cols = calloc(ncols ? ncols : 1, sizeof *r->cols)))
			die("out of memory");
		for (size_t i = 0; i < ncols; i++) {
			r->cols[i] = (struct kt_column){ strdup(cols[i].name), cols[i].type, NULL };
			if (!r->cols[i].name)
				die("out of memory");
		}
		r->ncols = ncols;
		return 0;
	}
	char **cells = realloc(r->cells, (r->n + 1) * r->ncols * sizeof *cells);
	if (!cells)
		die("out of memory");
	r->cells = cells;
	for (size_t i = 0; i < r->ncols; i++)
		if (!(cells[r->n * r->ncols + i] = strdup(values[i])))
			die("out of memory");
	r->n++;
	return 0;
}

/* See cmd.h. */
void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n * r->ncols; i++)
		free(r->cells[i]);
	for (size_t i = 0; i < r->ncols; i++)
		free((char *)r->cols[i].name);
	free(r->cells);
	free(r->cols);
	memset(r, 0, sizeof *r);
}

/* See cmd.h. */
const char *cell(const struct rows *r, size_t i, const char *name)
{
	for (size_t c = 0; c < r->ncols; c++)
		if (!strcmp(r->cols[c].name, name))
			return r->cells[i * r->ncols + c];
	return "";
}

/* See cmd.h. */
void rows_query(struct kt_books *b, const char *type, const char *where, const char *sort,
                long limit, int all, struct rows *out)
{
	const struct kt_schema *s = kt_books_type(b, type);
	struct kt_query q = { .schema = s, .where = where, .sort = sort, .limit = limit,
	                      .all_columns = 1, .all = all };
	struct kt_error err = { 0 };

	if (s && kt_list(b, &q, rows_add, out, &err))
		die_err(&err);
}
