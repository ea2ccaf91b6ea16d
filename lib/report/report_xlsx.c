/*
 * report_xlsx.c - a run report as an XLSX workbook for the accountant:
 * the title and period above a table whose numbers are numbers (money
 * in roubles formatted "1 234,50 ₽", percent as a fraction formatted
 * "0.0%", decimals such as days "0.0", dates as dates), a bold frozen header with an autofilter,
 * columns as wide as their values, a totals row of SUM formulas (their
 * values cached, so viewers that do not calculate show them), and
 * Excel's own chart of the report beside the table.
 *
 * Text goes in with worksheet_write_string() whatever it holds, so a
 * value beginning with "=" stays text in every spreadsheet: that is the
 * neutralising of formulas for XLSX.  Excel has no funnel chart that
 * libxlsxwriter writes; a funnel is drawn as horizontal bars, largest on
 * top.
 *
 * The rows are written as kt_report_run() gives them, libxlsxwriter in
 * constant_memory mode: a row goes to the sheet's temporary file when
 * the next begins, so that a workbook of a million rows takes no more
 * memory than one of ten.  What needs the number of rows (the totals'
 * formulas, the autofilter, the alert's format, the chart's ranges) is
 * written at the end, when it is known.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report/report.h"

#define HEAD_ROW 3           /* the table's header; title and period above */
#define MAX_WIDTH 50

static const char sheet_name[] = "Отчет";

/* The formats of a workbook. */
struct formats {
	lxw_format *title, *bold, *money, *int_, *percent, *decimal, *date, *month;
	lxw_format *tmoney, *tint;   /* the totals row */
};

/* Makes the formats of wb. */
static void make_formats(lxw_workbook *wb, struct formats *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->bold = workbook_add_format(wb);
	format_set_bold(f->bold);
	format_set_bg_color(f->bold, 0xE4E4E4);
	format_set_bottom(f->bold, LXW_BORDER_THIN);
	f->money = workbook_add_format(wb);
	format_set_num_format(f->money, "#,##0.00\" ₽\"");
	f->int_ = workbook_add_format(wb);
	format_set_num_format(f->int_, "#,##0");
	f->percent = workbook_add_format(wb);
	format_set_num_format(f->percent, "0.0%");
	f->decimal = workbook_add_format(wb);
	format_set_num_format(f->decimal, "#,##0.0");
	f->date = workbook_add_format(wb);
	format_set_num_format(f->date, "dd.mm.yyyy");
	f->month = workbook_add_format(wb);
	format_set_num_format(f->month, "mm.yyyy");
	f->tmoney = workbook_add_format(wb);
	format_set_num_format(f->tmoney, "#,##0.00\" ₽\"");
	format_set_bold(f->tmoney);
	format_set_top(f->tmoney, LXW_BORDER_THIN);
	f->tint = workbook_add_format(wb);
	format_set_num_format(f->tint, "#,##0");
	format_set_bold(f->tint);
	format_set_top(f->tint, LXW_BORDER_THIN);
}

/* Writes value v of column c at (row, col) by its type; a value that
 * does not parse as its type goes in as text.  Returns the characters it
 * takes on screen, for the column's width. */
static size_t write_cell(lxw_worksheet *ws, const struct formats *f, lxw_row_t row,
                         lxw_col_t col, const struct kt_report_col *c, const char *v)
{
	char *end;
	int64_t milli;
	size_t n = strlen(v);
	lxw_datetime dt = { 0 };

	if (!*v)
		return 0;
	if (c->type == KT_R_MONEY || c->type == KT_R_INT) {
		long long k = strtoll(v, &end, 10);
		if (!*end) {
			worksheet_write_number(ws, row, col,
			                       c->type == KT_R_MONEY ? (double)k / 100 : (double)k,
			                       c->type == KT_R_MONEY ? f->money : f->int_);
			return n + 5;
		}
	} else if (c->type == KT_R_PERCENT && !kt_decimal_parse(v, 6, &milli)) {
		worksheet_write_number(ws, row, col, (double)milli / 1e8, f->percent);
		return n + 2;
	} else if (c->type == KT_R_DECIMAL && !kt_decimal_parse(v, 6, &milli)) {
		worksheet_write_number(ws, row, col, (double)milli / 1e6, f->decimal);
		return n + 2;
	} else if (c->type == KT_R_DATE && (n == 10 || n == 7) &&
	           sscanf(v, "%4d-%2d", &dt.year, &dt.month) == 2 &&
	           (n == 7 ? (dt.day = 1) : sscanf(v + 8, "%2d", &dt.day)) == 1 &&
	           (n == 7 || kt_date_valid(v))) {
		worksheet_write_datetime(ws, row, col, &dt, n == 7 ? f->month : f->date);
		return 10;
	}
	worksheet_write_string(ws, row, col, v, NULL);
	return kt_utf8_width(v);
}

/* Writes the totals row at row, under the table's nrows rows, when r has
 * totals: "Итого" in the first column, a SUM of each totalled column over
 * the rows, with the total as its value; when the table leaves rows out,
 * the totals of every row as numbers (a SUM would give the rows shown's)
 * and a line under them saying what was left out.  Returns 0 or
 * KT_ENOMEM. */
static int totals(lxw_worksheet *ws, const struct formats *f, const struct kt_report *r,
                  size_t nrows, lxw_row_t row)
{
	char formula[80], from[16], to[16];
	struct kt_buf note = { 0 };

	if (r->totals)
		worksheet_write_string(ws, row, 0, "Итого", f->tint);
	for (size_t c = 0; r->totals && c < r->ncols; c++) {
		const struct kt_report_col *col = &r->cols[c];
		lxw_format *fmt = col->type == KT_R_MONEY ? f->tmoney : f->tint;
		double v = col->type == KT_R_MONEY ? (double)col->sum / 100 : (double)col->sum;
		if (!col->total)
			continue;
		lxw_rowcol_to_cell(from, HEAD_ROW + 1, (lxw_col_t)c);
		lxw_rowcol_to_cell(to, row - 1, (lxw_col_t)c);
		snprintf(formula, sizeof formula, "=SUM(%s:%s)", from, to);
		if (nrows < r->nrows)
			worksheet_write_number(ws, row, (lxw_col_t)c, v, fmt);
		else
			worksheet_write_formula_num(ws, row, (lxw_col_t)c, formula, fmt, v);
	}
	if (nrows == r->nrows)
		return 0;
	if (report_left_out(r, nrows, &note))
		return KT_ENOMEM;
	worksheet_write_string(ws, r->totals ? row + 1 : row, 0, note.data, NULL);
	kt_buf_free(&note);
	return 0;
}

/* Makes the values above zero of r's alert columns red, as a conditional
 * format of their nrows rows: Excel keeps it when the numbers are edited. */
static void alerts(lxw_workbook *wb, lxw_worksheet *ws, const struct kt_report *r, size_t nrows)
{
	lxw_format *red = NULL;

	for (size_t c = 0; nrows && c < r->ncols; c++) {
		if (!r->cols[c].alert)
			continue;
		if (!red && (red = workbook_add_format(wb)))
			format_set_font_color(red, 0xC62828);
		lxw_conditional_format cf = { .type = LXW_CONDITIONAL_TYPE_CELL,
		                              .criteria = LXW_CONDITIONAL_CRITERIA_GREATER_THAN,
		                              .value = 0, .format = red };
		worksheet_conditional_format_range(ws, HEAD_ROW + 1, (lxw_col_t)c,
		                                   (lxw_row_t)(HEAD_ROW + nrows), (lxw_col_t)c, &cf);
	}
}

/* The rows a chart draws at most: a line of four years by week, or a
 * thousand bars.  A chart of every client of the books (100,000 bars
 * for report attention at a million leads) shows nothing, and Excel and
 * LibreOffice take minutes to open it. */
#define CHART_ROWS 1000

/* Adds r's chart of the table's first nrows rows (CHART_ROWS at most) to
 * the sheet, to the right of the table: ranges of the sheet, which Excel
 * reads when it opens it. */
static void chart(lxw_workbook *wb, lxw_worksheet *ws, const struct kt_report *r, size_t nrows,
                  const char *sheet)
{
	uint8_t type = r->chart == KT_CHART_LINE ? LXW_CHART_LINE :
	               r->chart == KT_CHART_FUNNEL ? LXW_CHART_BAR : LXW_CHART_COLUMN;
	lxw_chart *ch;
	lxw_row_t first = HEAD_ROW + 1;
	lxw_row_t last = (lxw_row_t)(HEAD_ROW + (nrows < CHART_ROWS ? nrows : CHART_ROWS));

	if (r->chart == KT_CHART_NONE || !nrows || !(ch = workbook_add_chart(wb, type)))
		return;
	for (size_t s = 0; s < r->nchart_y; s++) {
		lxw_chart_series *ser = chart_add_series(ch, NULL, NULL);
		lxw_col_t y = (lxw_col_t)r->chart_y[s], x = (lxw_col_t)r->chart_x;
		chart_series_set_categories(ser, sheet, first, x, last, x);
		chart_series_set_values(ser, sheet, first, y, last, y);
		chart_series_set_name_range(ser, sheet, HEAD_ROW, y);
	}
	chart_title_set_name(ch, r->title);
	if (r->chart == KT_CHART_FUNNEL) {
		/* Largest (first) stage on top, as a funnel reads. */
		chart_axis_set_reverse(ch->y_axis);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	} else
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options opt = { .x_scale = 1.5, .y_scale = 1.5 };
	worksheet_insert_chart_opt(ws, 1, (lxw_col_t)(r->ncols + 1), ch, &opt);
}

/* A workbook being written: see kontora.h. */
struct kt_report_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct formats f;
	size_t *width;       /* per column: the most characters it shows */
	size_t nrows;        /* the rows written */
	char *path, *tmp;     /* tmp: where the workbook is written, path when direct */
	int direct;           /* path is a link, a pipe or a device: written there */
};

/* Frees x; when the workbook was not closed, it is dropped and its
 * temporary file removed. */
static void xlsx_free(struct kt_report_xlsx *x)
{
	if (x->wb) {
		lxw_workbook_free(x->wb);
		if (!x->direct)
			unlink(x->tmp);
	}
	free(x->width);
	free(x->path);
	free(x->tmp);
	free(x);
}

/* Starts writing a report as XLSX.  See kontora.h. */
int kt_report_xlsx_open(const struct kt_report *r, const char *path,
                        struct kt_report_xlsx **out, struct kt_error *err)
{
	struct kt_report_xlsx *x = calloc(1, sizeof *x);
	struct kt_buf tmp = { 0 }, sub = { 0 };
	lxw_workbook_options wo = { .constant_memory = 1, .tmpdir = NULL };

	/* Written beside its file and renamed over it, so that a failure
	 * leaves no file; a link, a pipe or a device is written where it
	 * is, never replaced (as CSV and JSON, cmd/report.c). */
	struct stat st;
	int direct = !lstat(path, &st) && !S_ISREG(st.st_mode);

	*out = NULL;
	if (!x || !(x->width = calloc(r->ncols ? r->ncols : 1, sizeof *x->width)) ||
	    !(x->path = strdup(path)) ||
	    (direct ? kt_buf_adds(&tmp, path) : kt_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid())) ||
	    (r->period && kt_buf_addf(&sub, "Период: %s", r->period)) ||
	    (r->made && kt_buf_addf(&sub, "%sСформирован: %s", sub.len ? "    " : "", r->made))) {
		if (x)
			xlsx_free(x);
		kt_buf_free(&tmp);
		kt_buf_free(&sub);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	x->tmp = tmp.data;
	x->direct = direct;
	if (!(x->wb = workbook_new_opt(x->tmp, &wo)) ||
	    !(x->ws = workbook_add_worksheet(x->wb, sheet_name))) {
		xlsx_free(x);
		kt_buf_free(&sub);
		return kt_error_set(err, KT_EIO, "%s: cannot start the workbook", path);
	}
	make_formats(x->wb, &x->f);
	worksheet_write_string(x->ws, 0, 0, r->title, x->f.title);
	if (sub.len)
		worksheet_write_string(x->ws, 1, 0, sub.data, NULL);
	for (size_t c = 0; c < r->ncols; c++) {
		worksheet_write_string(x->ws, HEAD_ROW, (lxw_col_t)c, r->cols[c].label, x->f.bold);
		x->width[c] = kt_utf8_width(r->cols[c].label) + 3;   /* the autofilter's arrow */
	}
	kt_buf_free(&sub);
	*out = x;
	return 0;
}

/* Writes a row.  See kontora.h. */
int kt_report_xlsx_row(void *arg, const struct kt_report *r, char *const *values,
                       struct kt_error *err)
{
	struct kt_report_xlsx *x = arg;
	lxw_row_t row = (lxw_row_t)(HEAD_ROW + 1 + x->nrows);

	for (size_t c = 0; c < r->ncols; c++) {
		size_t w = write_cell(x->ws, &x->f, row, (lxw_col_t)c, &r->cols[c], values[c]);
		if (w > x->width[c])
			x->width[c] = w;
	}
	x->nrows++;
	return 0;
}

/* Ends a workbook.  See kontora.h. */
int kt_report_xlsx_close(struct kt_report_xlsx *x, const struct kt_report *r, int ok,
                         struct kt_error *err)
{
	lxw_worksheet *ws = x->ws;
	lxw_row_t last = (lxw_row_t)(HEAD_ROW + x->nrows);
	int rc = 0;

	if (!ok) {
		xlsx_free(x);
		return 0;
	}
	/* The autofilter and the alert's format while the last row is still
	 * the row being written: in constant_memory mode libxlsxwriter drops a
	 * range that ends above it, as it would once the totals are written. */
	worksheet_autofilter(ws, HEAD_ROW, 0, last, (lxw_col_t)(r->ncols - 1));
	alerts(x->wb, ws, r, x->nrows);
	if ((r->totals || x->nrows < r->nrows) && totals(ws, &x->f, r, x->nrows, last + 1)) {
		xlsx_free(x);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t c = 0; c < r->ncols; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		                     (double)(x->width[c] < MAX_WIDTH ? x->width[c] + 1 : MAX_WIDTH),
		                     NULL);
	/* Printed: A4 landscape, as wide as the page, the header on each page. */
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, HEAD_ROW, HEAD_ROW);
	worksheet_freeze_panes(ws, HEAD_ROW + 1, 0);
	chart(x->wb, ws, r, x->nrows, sheet_name);
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR)
		rc = kt_error_set(err, KT_EIO, "%s: %s", x->path, lxw_strerror(e));
	else if (!x->direct && rename(x->tmp, x->path))
		rc = kt_error_set(err, KT_EIO, "%s: %s", x->path, strerror(errno));
	if (rc && !x->direct)
		unlink(x->tmp);
	xlsx_free(x);
	return rc;
}
