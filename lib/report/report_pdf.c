/*
 * report_pdf.c - a run report as an A4 PDF for the director: the title
 * with the period and the date made, the chart drawn in vectors (bars,
 * lines or a funnel, labels and legend in DejaVu, so Cyrillic shows),
 * then the table over as many pages as it takes, its header repeated on
 * each, the totals row last, "Страница N из M" on every page.  Drawn
 * through the documents' PDF layer (pdf.c).
 *
 * The table has the rows kt_report_run() kept, at most r->limit
 * (KT_REPORT_PDF_ROWS unless the caller says otherwise): libharu holds
 * every page in memory until it writes the file.  The totals are of
 * every row, and a line under the table says how many were left out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define CHART_H 210.0      /* the chart's plot area */
#define TABLE_SIZE 8.0     /* the table's font size */
#define ROW_H 13.0
#define ALERT 0xc62828     /* the red of values of an alert column above zero */
#define TEXT_MAX 150.0     /* the widest a text column gets */
#define CHART_MAX 24       /* categories drawn; the table has them all */

/* The colours of the series, and of the funnel's stages in turn. */
static const unsigned palette[] = { 0x2f6db5, 0xe0823d, 0x4fa35a, 0xb8453c, 0x7d62b3, 0x3fa7a8 };

/* Returns s when it fits width points in font and size (its width is w,
 * or measured here when w is negative), else as much of it as fits,
 * ending with "…", copied into out; "" when out of memory. */
static const char *fit(struct pdf *p, int font, double size, double width, const char *s,
                       double w, struct kt_buf *out)
{
	size_t n = strlen(s);

	if ((w < 0 ? pdf_width(p, font, size, s) : w) <= width)
		return s;
	while (n > 0) {
		do
			n--;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80);
		kt_buf_reset(out);
		if (kt_buf_add(out, s, n) || kt_buf_adds(out, "…"))
			return "";
		if (pdf_width(p, font, size, out->data) <= width)
			return out->data;
	}
	return kt_buf_adds(out, "…") ? "" : out->data;
}

/* Returns cell (row, col) of r. */
static const char *cell(const struct kt_report *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}

/* Returns the value of a number cell as a double, for geometry only
 * (money in roubles, percent as it is). */
static double number(const struct kt_report_col *c, const char *v)
{
	double d = strtod(v, NULL);

	return c->type == KT_R_MONEY ? d / 100 : d;
}

/* Returns the largest value of the chart's series over its rows (at
 * least 1, so that an empty chart still has a scale). */
static double chart_max(const struct kt_report *r, size_t nrows)
{
	double max = 0;

	for (size_t i = 0; i < nrows; i++)
		for (size_t s = 0; s < r->nchart_y; s++) {
			double v = number(&r->cols[r->chart_y[s]], cell(r, i, r->chart_y[s]));
			if (v > max)
				max = v;
		}
	return max > 0 ? max : 1;
}

/* Returns the least round number (1, 2, 2.5 or 5 times a power of ten)
 * at or above v > 0. */
static double nice(double v)
{
	static const double steps[] = { 1, 2, 2.5, 5, 10 };
	double p = pow(10, floor(log10(v)));

	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (steps[i] * p >= v)
			return steps[i] * p;
	return 10 * p;
}

/* Returns the top of a value axis at or above v > 0 whose four steps are
 * round; whole (counts, roubles): each step a whole number, so that a
 * count of 1 is not drawn on an axis labelled 0 0 1 1 1. */
static double axis_top(double v, int whole)
{
	if (!whole)
		return nice(v);
	return 4 * ceil(nice(v / 4));
}

/* Draws the legend (a coloured square and the label of each series) at
 * the top right of the chart, at y. */
static void legend(struct pdf *p, const struct kt_report *r, double y)
{
	double x = PDF_RIGHT;

	for (size_t s = r->nchart_y; s-- > 0;) {
		const char *label = r->cols[r->chart_y[s]].label;
		double w = pdf_width(p, PDF_REGULAR, 8, label);
		x -= w;
		pdf_text(p, x, x + w, y, PDF_REGULAR, 8, PDF_ALIGN_LEFT, label);
		double sq[] = { x - 12, y - 1, x - 4, y - 1, x - 4, y + 7, x - 12, y + 7 };
		pdf_shape(p, sq, 4, palette[s % 6], 1, 0);
		x -= 22;
	}
}

/* Draws the value axis of a bar or line chart over [x0, x1] x [y0, y0 +
 * CHART_H]: four grid lines labelled in the first series' unit. */
static void axis(struct pdf *p, const struct kt_report *r, double max, double x0, double x1,
                 double y0, struct kt_buf *buf)
{
	const struct kt_report_col *c = &r->cols[r->chart_y[0]];

	for (int i = 0; i <= 4; i++) {
		double y = y0 + CHART_H * i / 4, v = max * i / 4;
		char num[32];
		/* The label in the column's own form: money as whole roubles. */
		if (c->type == KT_R_MONEY)
			snprintf(num, sizeof num, "%lld", (long long)(v + 0.5) * 100);
		else if (c->type == KT_R_PERCENT || c->type == KT_R_DECIMAL)
			snprintf(num, sizeof num, "%.1f", v);
		else
			snprintf(num, sizeof num, "%lld", (long long)(v + 0.5));
		const char *label = kt_report_cell(c, num, 1, buf);
		double grid[] = { x0, y, x1, y };
		pdf_shape(p, grid, 2, i ? 0xdddddd : 0x000000, 0, 0.5);
		pdf_text(p, PDF_LEFT, x0 - 4, y - 3, PDF_REGULAR, 7, PDF_ALIGN_RIGHT, label ? label : "");
	}
}

/* Draws a bar or line chart of r's first n rows with its plot's bottom
 * at y0. */
static void bars_or_lines(struct pdf *p, const struct kt_report *r, size_t n, double y0,
                          struct kt_buf *buf)
{
	int whole = r->cols[r->chart_y[0]].type == KT_R_INT ||
	            r->cols[r->chart_y[0]].type == KT_R_MONEY;
	double max = axis_top(chart_max(r, n), whole), x0 = PDF_LEFT + 70, x1 = PDF_RIGHT;
	double step = (x1 - x0) / (double)(n ? n : 1);

	axis(p, r, max, x0, x1, y0, buf);
	for (size_t s = 0; s < r->nchart_y; s++) {
		const struct kt_report_col *c = &r->cols[r->chart_y[s]];
		double bw = step * 0.7 / (double)r->nchart_y, prev[2] = { 0, 0 };
		for (size_t i = 0; i < n; i++) {
			double h = CHART_H * number(c, cell(r, i, r->chart_y[s])) / max;
			if (h < 0)
				h = 0;
			if (r->chart == KT_CHART_BAR) {
				double x = x0 + step * (double)i + step * 0.15 + bw * (double)s;
				double box[] = { x, y0, x + bw, y0, x + bw, y0 + h, x, y0 + h };
				pdf_shape(p, box, 4, palette[s % 6], 1, 0);
				continue;
			}
			double pt[] = { x0 + step * ((double)i + 0.5), y0 + h };
			double seg[] = { prev[0], prev[1], pt[0], pt[1] };
			double dot[] = { pt[0] - 2, pt[1] - 2, pt[0] + 2, pt[1] - 2, pt[0] + 2, pt[1] + 2,
			                 pt[0] - 2, pt[1] + 2 };
			if (i)
				pdf_shape(p, seg, 2, palette[s % 6], 0, 1.5);
			pdf_shape(p, dot, 4, palette[s % 6], 1, 0);
			prev[0] = pt[0];
			prev[1] = pt[1];
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *label = kt_report_cell(&r->cols[r->chart_x], cell(r, i, r->chart_x), 1, buf);
		struct kt_buf cut = { 0 };
		double x = x0 + step * (double)i;
		pdf_text(p, x, x + step, y0 - 10, PDF_REGULAR, 7, PDF_ALIGN_CENTER,
		         fit(p, PDF_REGULAR, 7, step - 2, label ? label : "", -1, &cut));
		kt_buf_free(&cut);
	}
}

/* Draws a funnel of r's first n rows (the first series) with its bottom
 * at y0: a centred bar per row as wide as its value, each joined to the
 * next by a trapezoid, its label and value beside it. */
static void funnel(struct pdf *p, const struct kt_report *r, size_t n, double y0,
                   struct kt_buf *buf)
{
	const struct kt_report_col *c = &r->cols[r->chart_y[0]];
	double max = chart_max(r, n), mid = PDF_LEFT + 330, half = 150;
	double h = n ? CHART_H / (double)n : CHART_H, bar = h * 0.72;
	struct kt_buf cut = { 0 };

	for (size_t i = 0; i < n; i++) {
		double v = number(c, cell(r, i, r->chart_y[0])), w = half * (v > 0 ? v : 0) / max;
		double top = y0 + CHART_H - h * (double)i, bottom = top - bar;
		double box[] = { mid - w, bottom, mid + w, bottom, mid + w, top, mid - w, top };
		if (w < 1)
			box[0] = box[6] = mid - 1, box[2] = box[4] = mid + 1;
		pdf_shape(p, box, 4, palette[i % 6], 1, 0);
		if (i + 1 < n) {
			double nv = number(c, cell(r, i + 1, r->chart_y[0]));
			double nw = half * (nv > 0 ? nv : 0) / max;
			double join[] = { box[0], bottom, box[2], bottom, mid + nw, top - h,
			                  mid - nw, top - h };
			pdf_shape(p, join, 4, 0xe4e4e4, 1, 0);
		}
		const char *label = kt_report_cell(&r->cols[r->chart_x], cell(r, i, r->chart_x), 1, buf);
		pdf_text(p, PDF_LEFT, mid - half - 8, bottom + bar / 2 - 3, PDF_REGULAR, 8,
		         PDF_ALIGN_RIGHT, fit(p, PDF_REGULAR, 8, mid - half - 8 - PDF_LEFT,
		                              label ? label : "", -1, &cut));
		const char *value = kt_report_cell(c, cell(r, i, r->chart_y[0]), 1, buf);
		pdf_text(p, mid + half + 8, PDF_RIGHT, bottom + bar / 2 - 3, PDF_BOLD, 8,
		         PDF_ALIGN_LEFT, value ? value : "");
	}
	kt_buf_free(&cut);
}

/* Draws r's chart below the cursor and moves the cursor below it. */
static void chart(struct pdf *p, const struct kt_report *r, struct kt_buf *buf)
{
	size_t n = r->nkept < CHART_MAX ? r->nkept : CHART_MAX;
	double y0 = pdf_y(p) - CHART_H - 20;

	if (r->chart == KT_CHART_NONE || !r->nkept)
		return;
	legend(p, r, pdf_y(p) - 8);
	if (r->chart == KT_CHART_FUNNEL)
		funnel(p, r, n, y0, buf);
	else
		bars_or_lines(p, r, n, y0, buf);
	pdf_set_y(p, y0 - 30);
}

/* Returns the width of the longest word of a header in bold at size
 * (headers wrap at spaces). */
static double longest_word(struct pdf *p, double size, const char *label)
{
	char word[256];
	double max = 0;

	for (const char *s = label; *s; s += strspn(s, " ")) {
		size_t n = strcspn(s, " ");
		snprintf(word, sizeof word, "%.*s", (int)(n < 255 ? n : 255), s);
		double w = pdf_width(p, PDF_BOLD, size, word);
		if (w > max)
			max = w;
		s += n;
	}
	return max;
}

/* Measures the columns of the table: each as wide as its widest cell
 * (rows kept, totals) and the longest word of its header.  When that is wider
 * than the page, each column gets its cells' width and what room is
 * left is shared by the headers that want more (they wrap); when even
 * the cells are too wide, all are scaled down (cells are then cut with
 * "…").  The headers' font is made smaller (down to 6 points, in *hsize)
 * when that lets every word of them fit.  cellw (nkept x ncols) gets the
 * width of each cell, so that drawing it measures it no more.  Returns
 * the widths (caller frees) or NULL. */
static double *widths(struct pdf *p, const struct kt_report *r, double *hsize, double *cellw,
                      struct kt_buf *buf)
{
	double *w = calloc(r->ncols, sizeof *w), *head = calloc(r->ncols, sizeof *head);
	double page = PDF_RIGHT - PDF_LEFT, cells = 0, all = 0, want = 0;
	char num[24];

	for (size_t c = 0; w && head && c < r->ncols; c++) {
		for (size_t i = 0; i < r->nkept; i++) {
			const char *v = kt_report_cell(&r->cols[c], cell(r, i, c), 1, buf);
			double cw = pdf_width(p, PDF_REGULAR, TABLE_SIZE, v ? v : "");
			cellw[i * r->ncols + c] = cw;
			if (cw > w[c])
				w[c] = cw;
		}
		snprintf(num, sizeof num, "%lld", (long long)r->cols[c].sum);
		const char *t = c ? kt_report_cell(&r->cols[c], num, 1, buf) : "Итого";
		double tw = (r->cols[c].total || !c) && t ? pdf_width(p, PDF_BOLD, TABLE_SIZE, t) : 0;
		w[c] = (tw > w[c] ? tw : w[c]) + 6;
		if (r->cols[c].type == KT_R_TEXT && w[c] > TEXT_MAX)
			w[c] = TEXT_MAX;   /* long names are cut, the numbers keep their room */
		cells += w[c];
	}
	for (*hsize = TABLE_SIZE; w && head; *hsize -= 1) {
		all = want = 0;
		for (size_t c = 0; c < r->ncols; c++) {
			head[c] = longest_word(p, *hsize, r->cols[c].label) + 6;
			all += head[c] > w[c] ? head[c] : w[c];
			want += head[c] > w[c] ? head[c] - w[c] : 0;
		}
		if (all <= PDF_RIGHT - PDF_LEFT || *hsize <= 6)
			break;
	}
	for (size_t c = 0; w && head && c < r->ncols; c++) {
		double extra = head[c] > w[c] ? head[c] - w[c] : 0;
		if (all <= page)
			w[c] += extra;
		else if (cells <= page)
			w[c] += extra * (page - cells) / want;
		else
			w[c] *= page / cells;
	}
	free(head);
	if (!head) {
		free(w);
		return NULL;
	}
	return w;
}

/* Draws the table's header at the cursor, each label wrapped into its
 * column, bold on grey; moves the cursor below it.  Returns 0 or
 * KT_ENOMEM. */
static int table_header(struct pdf *p, const struct kt_report *r, const double *w, double size)
{
	char ***lines = calloc(r->ncols, sizeof *lines);
	size_t *n = calloc(r->ncols, sizeof *n), most = 1;
	double x = PDF_LEFT, y = pdf_y(p);
	int rc = !lines || !n ? KT_ENOMEM : 0;

	for (size_t c = 0; !rc && c < r->ncols; c++) {
		rc = pdf_wrap(p, PDF_BOLD, size, w[c] - 4, r->cols[c].label, &lines[c], &n[c]);
		if (!rc && n[c] > most)
			most = n[c];
	}
	if (!rc) {
		double h = ROW_H + (double)(most - 1) * (size + 1.5);
		pdf_fill(p, PDF_LEFT, y - h + ROW_H - 4, PDF_RIGHT - PDF_LEFT, h, 0.88);
		for (size_t c = 0; c < r->ncols; c++) {
			int right = r->cols[c].type != KT_R_TEXT && r->cols[c].type != KT_R_DATE;
			for (size_t i = 0; i < n[c]; i++)
				pdf_text(p, x + 2, x + w[c] - 2, y - (double)i * (size + 1.5),
				         PDF_BOLD, size, right ? PDF_ALIGN_RIGHT : PDF_ALIGN_LEFT,
				         lines[c][i]);
			x += w[c];
		}
		pdf_line(p, PDF_LEFT, y - h + ROW_H - 4, PDF_RIGHT, y - h + ROW_H - 4, 0.5);
		pdf_set_y(p, y - h);
	}
	for (size_t c = 0; lines && c < r->ncols; c++)
		strv_free(lines[c], n[c]);
	free(lines);
	free(n);
	return rc;
}

/* Draws one row of the table at the cursor: its cells (their widths in
 * cellw, as widths() measured them), or the totals (bold on light grey)
 * when total; moves the cursor down. */
static void table_row(struct pdf *p, const struct kt_report *r, const double *w,
                      const double *cellw, size_t row, int total, struct kt_buf *buf)
{
	double x = PDF_LEFT, y = pdf_y(p);
	struct kt_buf cut = { 0 };
	char num[24];

	if (total)
		pdf_fill(p, PDF_LEFT, y - 4, PDF_RIGHT - PDF_LEFT, ROW_H, 0.94);
	for (size_t c = 0; c < r->ncols; c++) {
		const struct kt_report_col *col = &r->cols[c];
		const char *v;
		snprintf(num, sizeof num, "%lld", (long long)col->sum);
		if (total)
			v = col->total ? kt_report_cell(col, num, 1, buf) : c ? "" : "Итого";
		else
			v = kt_report_cell(col, cell(r, row, c), 1, buf);
		int right = col->type != KT_R_TEXT && col->type != KT_R_DATE;
		int red = col->alert && strtod(total ? num : cell(r, row, c), NULL) > 0;
		int font = total ? PDF_BOLD : PDF_REGULAR;
		double vw = total ? -1 : cellw[row * r->ncols + c];
		const char *s = fit(p, font, TABLE_SIZE, w[c] - 4, v ? v : "", vw, &cut);
		if (red)
			pdf_text_colour(p, ALERT);
		if (s != v || vw < 0)
			vw = right ? pdf_width(p, font, TABLE_SIZE, s) : 0;
		pdf_text_sized(p, x + 2, x + w[c] - 2, y, font, TABLE_SIZE,
		               right ? PDF_ALIGN_RIGHT : PDF_ALIGN_LEFT, s, vw);
		if (red)
			pdf_text_colour(p, 0);
		x += w[c];
	}
	pdf_line(p, PDF_LEFT, y - 4, PDF_RIGHT, y - 4, 0.3);
	pdf_set_y(p, y - ROW_H);
	kt_buf_free(&cut);
}

/* Draws, under the table, how many rows it leaves out of r->nrows and
 * where they all are.  Returns 0 or KT_ENOMEM. */
static int left_out(struct pdf *p, const struct kt_report *r)
{
	struct kt_buf note = { 0 };
	int rc = report_left_out(r, r->nkept, &note);

	pdf_set_y(p, pdf_y(p) - 4);
	if (!rc)
		rc = pdf_para(p, PDF_LEFT, PDF_RIGHT, PDF_BOLD, TABLE_SIZE, PDF_ALIGN_LEFT, note.data);
	kt_buf_free(&note);
	return rc;
}

/* Draws the table of the rows kept from the cursor down, a new page
 * (with the header again) when a row would pass the bottom margin, the
 * totals of every row last, then what was left out.  Returns 0 or
 * KT_ENOMEM. */
static int table(struct pdf *p, const struct kt_report *r, struct kt_buf *buf)
{
	double hsize, *cellw = calloc(r->nkept * r->ncols + 1, sizeof *cellw);
	double *w = cellw ? widths(p, r, &hsize, cellw, buf) : NULL;
	int rc = w ? table_header(p, r, w, hsize) : KT_ENOMEM;

	for (size_t i = 0; !rc && i <= r->nkept; i++) {
		if (i == r->nkept && !r->totals)
			break;
		if (pdf_y(p) - ROW_H < PDF_BOTTOM) {
			pdf_add_page(p);
			rc = table_header(p, r, w, hsize);
		}
		table_row(p, r, w, cellw, i, i == r->nkept, buf);
	}
	if (!r->nrows)
		pdf_text(p, PDF_LEFT, PDF_RIGHT, pdf_y(p), PDF_REGULAR, TABLE_SIZE, PDF_ALIGN_LEFT,
		         "Нет данных за период.");
	else if (!rc && r->nrows > r->nkept)
		rc = left_out(p, r);
	free(w);
	free(cellw);
	return rc;
}

/* Writes a report as PDF.  See kontora.h. */
int kt_report_pdf(const struct kt_report *r, const char *path, struct kt_error *err)
{
	struct pdf *p;
	struct kt_buf buf = { 0 }, sub = { 0 };
	int rc = pdf_new(NULL, &p, err);

	if (rc)
		return rc;
	pdf_text(p, PDF_LEFT, PDF_RIGHT, pdf_y(p) - 14, PDF_BOLD, 16, PDF_ALIGN_LEFT, r->title);
	if ((r->period && kt_buf_addf(&sub, "Период: %s", r->period)) ||
	    (r->made && kt_buf_addf(&sub, "%sСформирован: %s", sub.len ? "    " : "", r->made)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && sub.len)
		pdf_text(p, PDF_LEFT, PDF_RIGHT, pdf_y(p) - 32, PDF_REGULAR, 9, PDF_ALIGN_LEFT, sub.data);
	pdf_set_y(p, pdf_y(p) - 56);
	if (!rc) {
		chart(p, r, &buf);
		if (table(p, r, &buf))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t i = 1; !rc && i <= pdf_pages(p); i++) {
		kt_buf_reset(&sub);
		if (kt_buf_addf(&sub, "%s · Страница %zu из %zu", r->title, i, pdf_pages(p)))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		else
			pdf_footer(p, i, sub.data);
	}
	kt_buf_free(&buf);
	kt_buf_free(&sub);
	if (rc) {
		pdf_free(p);
		return rc;
	}
	return pdf_save(p, path, err);
}
