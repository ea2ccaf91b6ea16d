/*
 * xlsx.c - rows to an Excel workbook of one sheet, for people who open
 * lists in Excel: real numbers and dates with formats, a bold frozen
 * header, an autofilter and columns as wide as their values.
 *
 * The workbook is written in libxlsxwriter's constant_memory mode: each
 * row goes to a temporary file as soon as the next one starts, so a
 * million rows take a few megabytes.  Rows must therefore come in order,
 * which they do.  Column widths, the frozen pane and the autofilter are
 * kept in the worksheet and written when the workbook is assembled at
 * workbook_close() (the <cols> element is written then, before the sheet
 * data copied from the temporary file), so they can be set at the end,
 * once every value has been seen.
 *
 * Numbers: libxlsxwriter formats doubles with snprintf("%.16G"), which
 * follows LC_NUMERIC.  kontora never calls setlocale(), so the program
 * stays in the C locale and numbers are written with a decimal point, as
 * the XLSX format requires.  A program that calls setlocale(LC_ALL, "")
 * must set LC_NUMERIC back to "C" before using these functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "export/export.h"

/* Excel's limits: rows per sheet, characters of a column width we set. */
#define XLSX_MAX_ROWS 1048576
#define XLSX_MAX_WIDTH 60
/* Whole numbers a double holds exactly (2^53). */
#define XLSX_MAX_EXACT 9007199254740992LL

/* The stdio buffer of a sheet's temporary file (kt_xlsx_open()), taken
 * by one workbook at a time and given back by xlsx_drop() whatever way
 * the workbook ends.  It is static, never freed: libxlsxwriter closes
 * the file when it assembles the workbook, but leaves it open when it
 * fails before, and glibc flushes an open file at exit. */
static char tmp_buffer[256 * 1024];
static const struct kt_xlsx *tmp_buffer_of;

struct kt_xlsx {
	char *path;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money, *date, *datetime;
	size_t ncols;           /* columns of the header */
	size_t *width;          /* widest value of each column, in characters */
	size_t rows;            /* rows written, the header included */
	int error;              /* the first error of kt_xlsx_row(), or 0 */
	struct kt_error err;    /* and its message */
};

/* Frees x and its workbook without writing anything, and gives back
 * the temporary file's buffer if x has it.  A workbook not yet closed
 * has its temporary file open, which libxlsxwriter never closes when
 * it frees one: close it here, or the file, its descriptor and the
 * rows in it stay until exit. */
static void xlsx_drop(struct kt_xlsx *x)
{
	if (!x)
		return;
	if (x->wb && x->ws && x->ws->optimize_tmpfile) {
		fclose(x->ws->optimize_tmpfile);
		x->ws->optimize_tmpfile = x->ws->file = NULL;
	}
	if (tmp_buffer_of == x)
		tmp_buffer_of = NULL;
	if (x->wb)
		lxw_workbook_free(x->wb);
	free(x->width);
	free(x->path);
	free(x);
}

/* Remembers the first error of a row, "PATH: what"; returns code. */
static int row_error(struct kt_xlsx *x, int code, const char *what)
{
	if (!x->error)
		x->error = kt_error_set(&x->err, code, "%s: %s", x->path, what);
	return code;
}

/* Makes room for the widths of ncols columns; 0 or KT_ENOMEM. */
static int grow_widths(struct kt_xlsx *x, size_t ncols)
{
	size_t *w;

	if (ncols <= x->ncols)
		return 0;
	if (!(w = realloc(x->width, ncols * sizeof *w)))
		return KT_ENOMEM;
	memset(w + x->ncols, 0, (ncols - x->ncols) * sizeof *w);
	x->width = w;
	x->ncols = ncols;
	return 0;
}

static void seen(struct kt_xlsx *x, size_t col, size_t width)
{
	if (col < x->ncols && width > x->width[col])
		x->width[col] = width;
}

int kt_xlsx_open(const char *path, const char *sheet, struct kt_xlsx **out,
                 struct kt_error *err)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	struct kt_xlsx *x;
	char name[32 * 4];
	size_t len = 0, chars = 0;

	*out = NULL;
	if (!(x = calloc(1, sizeof *x)) || !(x->path = strdup(path))) {
		free(x);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	/* Excel allows 31 characters in a sheet's name, none of []:*?/\. */
	for (const char *s = sheet ? sheet : ""; *s && len + 4 < sizeof name; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) != 0x80 && ++chars > 31)
			break;
		name[len++] = strchr("[]:*?/\\", c) ? '_' : (char)c;
	}
	name[len] = '\0';
	if (!(x->wb = workbook_new_opt(path, &opt))) {
		xlsx_drop(x);
		return kt_error_set(err, KT_ENOMEM, "%s: cannot create the workbook: out of memory", path);
	}
	if (*name && workbook_validate_sheet_name(x->wb, name)) {
		xlsx_drop(x);
		return kt_error_set(err, KT_EINVAL, "%s: '%s' cannot name a sheet", path, name);
	}
	if (!(x->ws = workbook_add_worksheet(x->wb, *name ? name : NULL))) {
		xlsx_drop(x);
		return kt_error_set(err, KT_EIO, "%s: cannot add a sheet (no temporary file?)", path);
	}
	/* The sheet's rows go to a temporary file through stdio's 4 KiB
	 * buffer, a write(2) for each 4 KiB (230,000 for a million leads)
	 * and a read(2) for each when the workbook is assembled.  Nothing is
	 * written to it before the second row, so its buffer can still be
	 * set (glibc ignores a size without the buffer). */
	if (!tmp_buffer_of && x->ws->optimize_tmpfile &&
	    !setvbuf(x->ws->optimize_tmpfile, tmp_buffer, _IOFBF, sizeof tmp_buffer))
		tmp_buffer_of = x;
	x->bold = workbook_add_format(x->wb);
	x->money = workbook_add_format(x->wb);
	x->date = workbook_add_format(x->wb);
	x->datetime = workbook_add_format(x->wb);
	if (!x->bold || !x->money || !x->date || !x->datetime) {
		xlsx_drop(x);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	format_set_bold(x->bold);
	/* Excel shows "," and "." in the reader's locale: 1 234,50 ₽ in Russia. */
	format_set_num_format(x->money, "#,##0.00\" ₽\"");
	format_set_num_format(x->date, "dd.mm.yyyy");
	format_set_num_format(x->datetime, "dd.mm.yyyy hh:mm");
	*out = x;
	return 0;
}

/* Writes the header row: the columns' labels, bold. */
static int write_header(struct kt_xlsx *x, size_t ncols, const struct kt_column *cols)
{
	if (grow_widths(x, ncols))
		return row_error(x, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < ncols; i++) {
		const char *label = cols[i].label ? cols[i].label : cols[i].name;
		lxw_error e = worksheet_write_string(x->ws, 0, (lxw_col_t)i, label, x->bold);
		if (e)
			return row_error(x, KT_EIO, lxw_strerror(e));
		/* Room for the autofilter's button too. */
		seen(x, i, kt_utf8_width(label) + 3);
	}
	x->rows = 1;
	return 0;
}

/* Parses a whole number; 1 if s is one a double holds exactly. */
static int parse_int(const char *s, double *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v > XLSX_MAX_EXACT || v < -XLSX_MAX_EXACT)
		return 0;
	*out = (double)v;
	return 1;
}

/* Returns the number the n digits at s make, digits the caller has
 * checked (kt_date_valid(), kt_datetime_valid()); sscanf() took 1.3% of
 * a long list's time. */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Sets the date of dt from YYYY-MM-DD at s, checked. */
static void date_of(const char *s, lxw_datetime *dt)
{
	dt->year = digits(s, 4);
	dt->month = digits(s + 5, 2);
	dt->day = digits(s + 8, 2);
}

/* Writes one cell: a typed value where the text is one, else a string.
 * Returns libxlsxwriter's error and the value's width in *width. */
static lxw_error write_cell(struct kt_xlsx *x, lxw_row_t row, lxw_col_t col,
                            enum kt_ftype type, const char *v, size_t *width)
{
	lxw_datetime dt = { 0 };
	char buf[40];
	int64_t kopecks;
	double n;

	switch (type) {
	case KT_MONEY:
		if (kt_money_parse(v, &kopecks))
			break;
		*width = kt_utf8_width(kt_money_format(kopecks, 1, buf));
		/* A double is what Excel stores; kopecks / 100 is as exact as it gets. */
		return worksheet_write_number(x->ws, row, col, (double)kopecks / 100.0, x->money);
	case KT_DECIMAL:
		if (kt_decimal_parse(v, 3, &kopecks))
			break;
		*width = strlen(v);
		return worksheet_write_number(x->ws, row, col, (double)kopecks / 1000.0, NULL);
	case KT_INT:
		if (!parse_int(v, &n))
			break;
		*width = strlen(v);
		return worksheet_write_number(x->ws, row, col, n, NULL);
	case KT_DATE:
		if (!kt_date_valid(v) || (date_of(v, &dt), dt.year < 1900))
			break;
		*width = 10;
		return worksheet_write_datetime(x->ws, row, col, &dt, x->date);
	case KT_DATETIME:
		/* Stored in UTC, and written so: a spreadsheet has no time zone. */
		if (!kt_datetime_valid(v) || (date_of(v, &dt), dt.year < 1900))
			break;
		dt.hour = digits(v + 11, 2);
		dt.min = digits(v + 14, 2);
		dt.sec = digits(v + 17, 2);
		*width = 16;
		return worksheet_write_datetime(x->ws, row, col, &dt, x->datetime);
	case KT_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			break;
		*width = 6;
		return worksheet_write_boolean(x->ws, row, col, !strcmp(v, "true"), NULL);
	default:
		break;
	}
	/* A character takes a byte or more: a value no longer in bytes than
	 * the column is wide, or a column as wide as it gets, needs no count
	 * of its characters (1.2% of a million leads). */
	*width = x->width[col] >= XLSX_MAX_WIDTH || strlen(v) < x->width[col] ? 0 : kt_utf8_width(v);
	return worksheet_write_string(x->ws, row, col, v, NULL);
}

int kt_xlsx_row(void *xlsx, size_t ncols, const struct kt_column *cols,
                char *const *values)
{
	struct kt_xlsx *x = xlsx;
	int rc;

	if (x->error)
		return x->error;
	if (!x->rows && (rc = write_header(x, ncols, cols)))
		return rc;
	if (!values)
		return 0;
	if (x->rows >= XLSX_MAX_ROWS)
		return row_error(x, KT_EINVAL, "more rows than an Excel sheet holds (1048576)");
	if (grow_widths(x, ncols))
		return row_error(x, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < ncols; i++) {
		size_t width = 0;
		lxw_error e;

		if (!values[i] || !*values[i])
			continue;       /* left blank */
		e = write_cell(x, (lxw_row_t)x->rows, (lxw_col_t)i, cols[i].type, values[i], &width);
		if (e) {
			char what[300];
			snprintf(what, sizeof what, _("row %zu, column %zu: %s"), x->rows + 1, i + 1,
			         lxw_strerror(e));
			return row_error(x, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? KT_ENOMEM :
			                 e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ? KT_EINVAL : KT_EIO,
			                 what);
		}
		seen(x, i, width + 1);
	}
	x->rows++;
	return 0;
}

int kt_xlsx_close(struct kt_xlsx *x, struct kt_error *err)
{
	lxw_workbook *wb;
	lxw_error e;
	int fd, created, rc;

	if (x->error) {
		int code = x->error;
		if (err)
			*err = x->err;
		xlsx_drop(x);
		return code;
	}
	for (size_t i = 0; i < x->ncols; i++)
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
		                     (double)(x->width[i] < XLSX_MAX_WIDTH ? x->width[i] : XLSX_MAX_WIDTH),
		                     NULL);
	if (x->ncols) {
		worksheet_freeze_panes(x->ws, 1, 0);
		worksheet_autofilter(x->ws, 0, 0, (lxw_row_t)(x->rows ? x->rows - 1 : 0),
		                     (lxw_col_t)(x->ncols - 1));
	}
	/* libxlsxwriter prints its errors on stderr, and says little of why a
	 * file cannot be created: try first, to say it once and well. */
	created = (fd = open(x->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(x->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", x->path, strerror(errno));
		xlsx_drop(x);
		return rc;
	}
	close(fd);
	/* workbook_close() frees the workbook whatever happens, and may
	 * leave the temporary file open when it fails (or when the sheet has
	 * no rows): empty its buffer first, so that nothing in the file ever
	 * uses it again and xlsx_drop() can give it to the next workbook. */
	if (x->ws->optimize_tmpfile)
		fflush(x->ws->optimize_tmpfile);
	wb = x->wb;
	x->wb = NULL;
	e = workbook_close(wb);
	rc = e ? kt_error_set(err, KT_EIO, "%s: cannot write: %s", x->path, lxw_strerror(e)) : 0;
	if (e && created)
		unlink(x->path);
	xlsx_drop(x);
	return rc;
}

void kt_xlsx_free(struct kt_xlsx *x)
{
	xlsx_drop(x);
}
