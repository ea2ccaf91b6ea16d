/*
 * xlsx-base.c - the baseline of `kontora list TYPE -f xlsx`: a bare loop
 * over libxlsxwriter in constant_memory mode writing the same cells.
 *
 *     xlsx-base OUT.xlsx TYPES <cells.csv
 *
 * cells.csv holds the cells kontora writes, a column each: the header's
 * labels, then rows with the titles of references, the names of states
 * and dictionary entries, and the ids (bench/xlsx-cells.py makes it from
 * kontora's workbook).  TYPES has a letter per column, as kontora writes
 * it: s a string, m money (a number with a money format), n a number, b a
 * boolean, d a date, t a date and time.  The header is bold, an empty
 * value is left blank, the header row frozen.  Rows are read as they come
 * (libcsv), so the memory is libxlsxwriter's alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <xlsxwriter.h>

struct base {
	lxw_worksheet *ws;
	lxw_format *bold, *money, *date, *datetime;
	const char *types;
	lxw_row_t row;
	lxw_col_t col;          /* the next cell's column, the CSV field's number */
	char *v;                /* the field, NUL-terminated */
	size_t cap;
};

/* Writes one cell of type t from the text v. */
static void cell(struct base *b, char t, const char *v)
{
	lxw_datetime dt = { 0 };

	switch (t) {
	case 'm':
		worksheet_write_number(b->ws, b->row, b->col, strtod(v, NULL), b->money);
		return;
	case 'n':
		worksheet_write_number(b->ws, b->row, b->col, strtod(v, NULL), NULL);
		return;
	case 'b':
		worksheet_write_boolean(b->ws, b->row, b->col, !strcmp(v, "true"), NULL);
		return;
	case 'd':
		sscanf(v, "%4d-%2d-%2d", &dt.year, &dt.month, &dt.day);
		worksheet_write_datetime(b->ws, b->row, b->col, &dt, b->date);
		return;
	case 't':
		sscanf(v, "%4d-%2d-%2dT%2d:%2d:%lfZ", &dt.year, &dt.month, &dt.day, &dt.hour,
		       &dt.min, &dt.sec);
		worksheet_write_datetime(b->ws, b->row, b->col, &dt, b->datetime);
		return;
	default:
		worksheet_write_string(b->ws, b->row, b->col, v, b->row ? NULL : b->bold);
	}
}

/* libcsv's field callback: writes the field's cell. */
static void on_field(void *data, size_t len, void *arg)
{
	struct base *b = arg;
	char t = b->col < strlen(b->types) ? b->types[b->col] : 's';

	if (len + 1 > b->cap && !(b->v = realloc(b->v, b->cap = 2 * len + 64)))
		exit(1);
	memcpy(b->v, data ? data : "", len);
	b->v[len] = '\0';
	if (len)
		cell(b, b->row ? t : 's', b->v);
	b->col++;
}

/* libcsv's row callback. */
static void on_row(int c, void *arg)
{
	struct base *b = arg;

	b->row++;
	b->col = 0;
}

int main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	struct base b = { 0 };
	struct csv_parser p;
	char buf[65536];
	size_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: xlsx-base OUT.xlsx TYPES <cells.csv\n");
		return 2;
	}
	lxw_workbook *wb = workbook_new_opt(argv[1], &opt);
	if (!wb || !(b.ws = workbook_add_worksheet(wb, NULL)) || csv_init(&p, CSV_APPEND_NULL)) {
		fprintf(stderr, "xlsx-base: %s: cannot create\n", argv[1]);
		return 1;
	}
	b.types = argv[2];
	b.bold = workbook_add_format(wb);
	b.money = workbook_add_format(wb);
	b.date = workbook_add_format(wb);
	b.datetime = workbook_add_format(wb);
	format_set_bold(b.bold);
	format_set_num_format(b.money, "#,##0.00\" ₽\"");
	format_set_num_format(b.date, "dd.mm.yyyy");
	format_set_num_format(b.datetime, "dd.mm.yyyy hh:mm");
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &b) != n) {
			fprintf(stderr, "xlsx-base: bad CSV\n");
			return 1;
		}
	csv_fini(&p, on_field, on_row, &b);
	csv_free(&p);
	free(b.v);
	worksheet_freeze_panes(b.ws, 1, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
