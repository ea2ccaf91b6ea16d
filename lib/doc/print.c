/*
 * print.c - a proposal or an invoice as a PDF, in the form 1C prints
 * ("Счет на оплату"): the bank block and the QR code, the title, the
 * parties, the table over pages, the totals, the words, the signatures.
 * The wording comes from templates/ (form.c); the drawing from pdf.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"

#define SIZE     9.0          /* the body's type */
#define SMALL    7.5          /* captions */
#define LEAD     11.0         /* a line of body text */
#define PAD      3.0          /* inside a cell */

/* The columns of the table: their left edges, the last one's right edge. */
enum { COL_N, COL_NAME, COL_QTY, COL_UNIT, COL_PRICE, COL_SUM, NCOLS };
static const double col_x[NCOLS + 1] = { 40, 65, 320, 370, 405, 475, 555 };
static const char *const col_key[NCOLS] = {
	"col.n", "col.name", "col.qty", "col.unit", "col.price", "col.sum",
};

/* What writing one PDF carries along. */
struct print {
	struct doc_form f;
	struct pdf *pdf;
	struct kt_error *err;
	int rc;                   /* the first error */
};

/* Returns the wording of key, or "" after an error (kept in pr->rc). */
static const char *words(struct print *pr, const char *key)
{
	const char *s = pr->rc ? NULL : doc_form_text(&pr->f, key, pr->err);

	if (!s && !pr->rc)
		pr->rc = pr->err && pr->err->code ? pr->err->code : KT_ENOMEM;
	return s ? s : "";
}

/* Keeps rc when it is the first error. */
static void fail(struct print *pr, int rc)
{
	if (rc && !pr->rc)
		pr->rc = rc;
}

/* Returns the number of lines s takes in width at size (0 when empty). */
static size_t count_lines(struct print *pr, int font, double size, double width, const char *s)
{
	char **lines;
	size_t n;

	if (!*s)
		return 0;
	if (pdf_wrap(pr->pdf, font, size, width, s, &lines, &n)) {
		fail(pr, kt_error_set(pr->err, KT_ENOMEM, "out of memory"));
		return 0;
	}
	strv_free(lines, n);
	return n;
}

/* Draws s wrapped in [x0, x1] with its first line's top at top.  Returns
 * the y below the last line. */
static double lines_at(struct print *pr, double x0, double x1, double top, int font,
                       double size, int align, const char *s)
{
	char **lines;
	size_t n;

	if (!*s)
		return top;
	if (pdf_wrap(pr->pdf, font, size, x1 - x0, s, &lines, &n)) {
		fail(pr, kt_error_set(pr->err, KT_ENOMEM, "out of memory"));
		return top;
	}
	for (size_t i = 0; i < n; i++) {
		top -= size * 1.25;
		pdf_text(pr->pdf, x0, x1, top + size * 0.25, font, size, align, lines[i]);
	}
	strv_free(lines, n);
	return top;
}

/* Draws the frame of a box: bottom left (x, y), w wide, h high. */
static void box(struct print *pr, double x, double y, double w, double h, double line)
{
	pdf_line(pr->pdf, x, y, x + w, y, line);
	pdf_line(pr->pdf, x, y + h, x + w, y + h, line);
	pdf_line(pr->pdf, x, y, x, y + h, line);
	pdf_line(pr->pdf, x + w, y, x + w, y + h, line);
}

/* The bank block of an invoice, 1C's layout, with the payment QR code at
 * its right when the company's requisites make one. */
static void bank_block(struct print *pr)
{
	const struct kt_party *s = &pr->f.d->supplier;
	struct kt_buf qr = { 0 }, label = { 0 };
	struct kt_error qerr = { 0 };
	int has_qr = !kt_document_qr_payload(pr->f.d, &qr, &qerr);
	double qside = 92, right = has_qr ? PDF_RIGHT - qside - 8 : PDF_RIGHT;
	double xv = right - 130, xl = xv - 32, mid = PDF_LEFT + (xl - PDF_LEFT) / 2;
	double top = pdf_y(pr->pdf), wl = xl - PDF_LEFT - 2 * PAD;
	const char *recipient = s->legal_name && *s->legal_name ? s->legal_name : s->name;

	size_t nb = count_lines(pr, PDF_REGULAR, SIZE, wl, s->bank ? s->bank : "");
	size_t nr = count_lines(pr, PDF_REGULAR, SIZE, wl, recipient ? recipient : "");
	double ha = (nb ? nb : 1) * LEAD + SMALL + 3 * PAD, hb = 15;
	double hc = (nr ? nr : 1) * LEAD + SMALL + 3 * PAD;
	if (ha < 30)
		ha = 30;
	double bottom = top - ha - hb - hc;

	/* Frame and rules. */
	box(pr, PDF_LEFT, bottom, right - PDF_LEFT, top - bottom, 0.6);
	pdf_line(pr->pdf, xl, bottom, xl, top, 0.6);
	pdf_line(pr->pdf, xv, bottom, xv, top, 0.6);
	pdf_line(pr->pdf, PDF_LEFT, top - ha, right, top - ha, 0.6);
	pdf_line(pr->pdf, xl, top - 15, right, top - 15, 0.6);
	pdf_line(pr->pdf, PDF_LEFT, top - ha - hb, xl, top - ha - hb, 0.6);
	pdf_line(pr->pdf, mid, top - ha, mid, top - ha - hb, 0.6);

	/* The bank and the recipient, each above its caption. */
	lines_at(pr, PDF_LEFT + PAD, xl - PAD, top - PAD, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
	         s->bank ? s->bank : "");
	pdf_text(pr->pdf, PDF_LEFT + PAD, xl, top - ha + PAD + 1, PDF_REGULAR, SMALL, PDF_ALIGN_LEFT,
	         words(pr, "bank.bank"));
	lines_at(pr, PDF_LEFT + PAD, xl - PAD, top - ha - hb - PAD, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
	         recipient ? recipient : "");
	pdf_text(pr->pdf, PDF_LEFT + PAD, xl, bottom + PAD + 1, PDF_REGULAR, SMALL, PDF_ALIGN_LEFT,
	         words(pr, "bank.recipient"));

	/* ИНН and КПП side by side. */
	double yb = top - ha - hb + 4.5;
	const struct {
		const char *key, *value;
		double x;
	} ids[] = { { "inn", s->inn, PDF_LEFT }, { "kpp", s->kpp, mid } };
	for (size_t i = 0; i < 2; i++) {
		kt_buf_reset(&label);
		if (kt_buf_addf(&label, "%s %s", words(pr, ids[i].key), ids[i].value ? ids[i].value : ""))
			fail(pr, kt_error_set(pr->err, KT_ENOMEM, "out of memory"));
		pdf_text(pr->pdf, ids[i].x + PAD, mid, yb, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
		         label.data ? label.data : "");
	}

	/* БИК, the correspondent account and the account. */
	const struct {
		const char *key, *value;
		double y;
	} right_cells[] = {
		{ "bank.bik", s->bik, top - 11 },
		{ "bank.account", s->corr_account, top - 15 - 11 },
		{ "bank.account", s->account, top - ha - 11 },
	};
	for (size_t i = 0; i < 3; i++) {
		pdf_text(pr->pdf, xl + PAD, xv, right_cells[i].y, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
		         words(pr, right_cells[i].key));
		pdf_text(pr->pdf, xv + PAD, right, right_cells[i].y, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
		         right_cells[i].value ? right_cells[i].value : "");
	}
	if (has_qr)
		fail(pr, pdf_qr(pr->pdf, qr.data, PDF_RIGHT - qside, top - qside, qside, pr->err));
	pdf_set_y(pr->pdf, (bottom < top - qside ? bottom : top - qside) - 18);
	kt_buf_free(&qr);
	kt_buf_free(&label);
}

/* The title, ruled under, and the two parties. */
static void heading(struct print *pr)
{
	const struct kt_document *d = pr->f.d;
	double y = pdf_y(pr->pdf);

	y = lines_at(pr, PDF_LEFT, PDF_RIGHT, y, PDF_BOLD, 13,
	             PDF_ALIGN_LEFT, words(pr, d->number && *d->number ? "title" : "title.draft"));
	pdf_line(pr->pdf, PDF_LEFT, y - 4, PDF_RIGHT, y - 4, 1.6);
	y -= 12;
	const struct {
		const char *key;
		const struct kt_party *p;
	} parties[] = { { "supplier", &d->supplier }, { "buyer", &d->buyer } };
	for (size_t i = 0; i < 2; i++) {
		char *label = strdup(words(pr, parties[i].key));
		const char *line = doc_form_party(&pr->f, parties[i].p);
		if (!label || !line) {
			free(label);
			fail(pr, kt_error_set(pr->err, KT_ENOMEM, "out of memory"));
			return;
		}
		double yl = lines_at(pr, PDF_LEFT, PDF_LEFT + 85, y - 2, PDF_REGULAR, SIZE - 0.5,
		                     PDF_ALIGN_LEFT, label);
		double yv = lines_at(pr, PDF_LEFT + 90, PDF_RIGHT, y - 2, PDF_BOLD, SIZE,
		                     PDF_ALIGN_LEFT, line);
		y = (yl < yv ? yl : yv) - 6;
		free(label);
	}
	pdf_set_y(pr->pdf, y - 4);
}

/* The header row of the table at the cursor. */
static void table_header(struct print *pr)
{
	double top = pdf_y(pr->pdf), h = 18;

	pdf_fill(pr->pdf, col_x[0], top - h, col_x[NCOLS] - col_x[0], h, 0.9);
	for (int c = 0; c < NCOLS; c++)
		pdf_text(pr->pdf, col_x[c], col_x[c + 1], top - 12, PDF_BOLD, SIZE - 0.5,
		         PDF_ALIGN_CENTER, words(pr, col_key[c]));
	pdf_line(pr->pdf, col_x[0], top, col_x[NCOLS], top, 1.2);
	pdf_line(pr->pdf, col_x[0], top - h, col_x[NCOLS], top - h, 0.6);
	for (int c = 0; c <= NCOLS; c++)
		pdf_line(pr->pdf, col_x[c], top, col_x[c], top - h, c == 0 || c == NCOLS ? 1.2 : 0.6);
	pdf_set_y(pr->pdf, top - h);
}

/* Returns the height the part after the table needs, so that it is not
 * cut by a page break. */
static double tail_height(struct print *pr)
{
	const struct kt_document *d = pr->f.d;

	return (double)(d->nvats + 2) * 15 + 60 + (d->terms || !pr->f.invoice ? 60 : 0) + 150;
}

/* One line of the table; a new page (and the header again) when it does
 * not fit on this one.  The last line goes over with the totals when they
 * would not fit under it, so that no page holds the totals alone. */
static void table_row(struct print *pr, size_t i)
{
	const struct kt_document_line *l = &pr->f.d->lines[i];
	char n[24], qty[32], price[40], sum[40], **lines;
	size_t nlines;
	double width = col_x[COL_NAME + 1] - col_x[COL_NAME] - 2 * PAD;

	if (pdf_wrap(pr->pdf, PDF_REGULAR, SIZE, width, l->name ? l->name : "", &lines, &nlines)) {
		fail(pr, kt_error_set(pr->err, KT_ENOMEM, "out of memory"));
		return;
	}
	double h = (nlines ? nlines : 1) * LEAD + 2 * PAD;
	double keep = i > 0 && i + 1 == pr->f.d->nlines ? tail_height(pr) : 0;
	if (pdf_y(pr->pdf) - h - keep < PDF_BOTTOM) {
		pdf_line(pr->pdf, col_x[0], pdf_y(pr->pdf), col_x[NCOLS], pdf_y(pr->pdf), 1.2);
		pdf_add_page(pr->pdf);
		table_header(pr);
	}
	double top = pdf_y(pr->pdf), base = top - PAD - LEAD + 2.5;
	snprintf(n, sizeof n, "%zu", i + 1);
	const char *cells[NCOLS] = {
		n, NULL, doc_qty(l->qty_milli, qty), l->unit ? l->unit : "",
		doc_money(l->price, price), doc_money(l->sum, sum),
	};
	static const int align[NCOLS] = {
		PDF_ALIGN_CENTER, PDF_ALIGN_LEFT, PDF_ALIGN_RIGHT, PDF_ALIGN_LEFT,
		PDF_ALIGN_RIGHT, PDF_ALIGN_RIGHT,
	};
	for (int c = 0; c < NCOLS; c++)
		if (cells[c])
			pdf_text(pr->pdf, col_x[c] + PAD, col_x[c + 1] - PAD, base, PDF_REGULAR, SIZE,
			         align[c], cells[c]);
	for (size_t k = 0; k < nlines; k++)
		pdf_text(pr->pdf, col_x[COL_NAME] + PAD, col_x[COL_NAME + 1] - PAD, base - k * LEAD,
		         PDF_REGULAR, SIZE, PDF_ALIGN_LEFT, lines[k]);
	strv_free(lines, nlines);
	pdf_line(pr->pdf, col_x[0], top - h, col_x[NCOLS], top - h, 0.4);
	for (int c = 0; c <= NCOLS; c++)
		pdf_line(pr->pdf, col_x[c], top, col_x[c], top - h, c == 0 || c == NCOLS ? 1.2 : 0.4);
	pdf_set_y(pr->pdf, top - h);
}

/* A line of the totals: the label right-aligned before the sum column,
 * the amount (or the text of amount) in it. */
static void total_line(struct print *pr, const char *label, const char *amount)
{
	double y = pdf_y(pr->pdf) - 13;

	pdf_text(pr->pdf, PDF_LEFT, col_x[COL_SUM] - PAD, y, PDF_BOLD, SIZE, PDF_ALIGN_RIGHT, label);
	pdf_text(pr->pdf, col_x[COL_SUM], col_x[NCOLS] - PAD, y, PDF_BOLD, SIZE, PDF_ALIGN_RIGHT,
	         amount);
	pdf_set_y(pr->pdf, y - 2);
}

/* Totals, VAT lines, the count and the words. */
static void totals(struct print *pr)
{
	const struct kt_document *d = pr->f.d;
	char money[40];
	double width = PDF_RIGHT - PDF_LEFT;

	pdf_line(pr->pdf, col_x[0], pdf_y(pr->pdf), col_x[NCOLS], pdf_y(pr->pdf), 1.2);
	if (pdf_y(pr->pdf) - tail_height(pr) < PDF_BOTTOM)
		pdf_add_page(pr->pdf);
	pdf_set_y(pr->pdf, pdf_y(pr->pdf) - 3);
	total_line(pr, words(pr, "total"), doc_money(d->subtotal, money));
	for (size_t i = 0; i < d->nvats; i++) {
		const struct kt_vat_total *v = &d->vats[i];
		const char *label = doc_form_vat(&pr->f, v, pr->err);
		if (!label) {
			fail(pr, pr->err ? pr->err->code : KT_ENOMEM);
			return;
		}
		total_line(pr, label, v->rate == KT_VAT_NONE ? "-" : doc_money(v->vat, money));
	}
	total_line(pr, words(pr, "grand"), doc_money(d->total, money));
	pdf_set_y(pr->pdf, pdf_y(pr->pdf) - 8);
	fail(pr, pdf_para(pr->pdf, PDF_LEFT, PDF_LEFT + width, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
	                  words(pr, "count")));
	fail(pr, pdf_para(pr->pdf, PDF_LEFT, PDF_LEFT + width, PDF_BOLD, SIZE, PDF_ALIGN_LEFT,
	                  words(pr, "words")));
}

/* The due date (invoices), validity and terms (proposals), the footer. */
static void notes(struct print *pr)
{
	const struct kt_document *d = pr->f.d;
	const char *keys[] = {
		pr->f.invoice && d->due ? "due" : NULL,
		!pr->f.invoice && d->valid_until ? "valid" : NULL,
	};

	pdf_set_y(pr->pdf, pdf_y(pr->pdf) - 6);
	for (size_t i = 0; i < 2; i++)
		if (keys[i])
			fail(pr, pdf_para(pr->pdf, PDF_LEFT, PDF_RIGHT, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT,
			                  words(pr, keys[i])));
	if (!pr->f.invoice) {
		/* The proposal's own terms, else the wording's. */
		const char *terms = d->terms && *d->terms ? d->terms : words(pr, "terms");
		fail(pr, pdf_para(pr->pdf, PDF_LEFT, PDF_RIGHT, PDF_REGULAR, SIZE, PDF_ALIGN_LEFT, terms));
	}
	const char *footer = words(pr, "footer");
	if (*footer) {
		pdf_set_y(pr->pdf, pdf_y(pr->pdf) - 4);
		fail(pr, pdf_para(pr->pdf, PDF_LEFT, PDF_RIGHT, PDF_REGULAR, SMALL, PDF_ALIGN_LEFT,
		                  footer));
	}
}

/* The signature lines of the director and the accountant, with the
 * signature and stamp images when kontora.conf names them. */
static void signatures(struct print *pr)
{
	const struct kt_party *s = &pr->f.d->supplier;
	const struct {
		const char *key, *name;
		double x0, x1;
	} signs[] = {
		{ "sign.director", s->director, PDF_LEFT, 290 },
		{ "sign.accountant", s->accountant, 305, PDF_RIGHT },
	};
	double y;

	if (pdf_y(pr->pdf) - 170 < PDF_BOTTOM)
		pdf_add_page(pr->pdf);
	y = pdf_y(pr->pdf) - 10;
	pdf_line(pr->pdf, PDF_LEFT, y, PDF_RIGHT, y, 1.6);
	y -= 45;
	for (size_t i = 0; i < 2; i++) {
		const char *label = words(pr, signs[i].key);
		double lw = pdf_width(pr->pdf, PDF_BOLD, SIZE, label) + 6;
		double x = signs[i].x0 + lw, x1 = signs[i].x1;
		pdf_text(pr->pdf, signs[i].x0, x, y + 2, PDF_BOLD, SIZE, PDF_ALIGN_LEFT, label);
		pdf_line(pr->pdf, x, y, x1, y, 0.6);
		pdf_text(pr->pdf, x, x1 - 4, y + 2, PDF_REGULAR, SIZE, PDF_ALIGN_RIGHT,
		         signs[i].name ? signs[i].name : "");
	}
	/* The signature over the director's line, between the label and the
	 * name; the stamp under the line, clear of both. */
	if (s->signature_png && *s->signature_png)
		fail(pr, pdf_png(pr->pdf, s->signature_png, 125, y - 6, 80, 36, pr->err));
	if (s->stamp_png && *s->stamp_png)
		fail(pr, pdf_png(pr->pdf, s->stamp_png, 110, y - 112, 100, 100, pr->err));
	pdf_set_y(pr->pdf, y - 115);
}

/* "Страница N из M" on every page, once M is known. */
static void page_numbers(struct print *pr)
{
	size_t pages = pdf_pages(pr->pdf);

	snprintf(pr->f.pages, sizeof pr->f.pages, "%zu", pages);
	for (size_t i = 1; i <= pages; i++) {
		snprintf(pr->f.page, sizeof pr->f.page, "%zu", i);
		pdf_footer(pr->pdf, i, words(pr, "page"));
	}
}

int kt_document_pdf(const struct kt_document *d, const char *templates_dir,
                    const char *path, struct kt_error *err)
{
	struct print pr = { .err = err };
	int rc;

	if ((rc = doc_form_open(&pr.f, d, templates_dir, err)))
		return rc;
	if ((rc = pdf_new(NULL, &pr.pdf, err))) {
		doc_form_close(&pr.f);
		return rc;
	}
	if (pr.f.invoice) {
		const char *notice = words(&pr, "notice");
		if (*notice) {
			fail(&pr, pdf_para(pr.pdf, PDF_LEFT, PDF_RIGHT, PDF_REGULAR, SMALL, PDF_ALIGN_CENTER,
			                   notice));
			pdf_set_y(pr.pdf, pdf_y(pr.pdf) - 8);
		}
		bank_block(&pr);
	}
	heading(&pr);
	table_header(&pr);
	for (size_t i = 0; !pr.rc && i < d->nlines; i++)
		table_row(&pr, i);
	totals(&pr);
	notes(&pr);
	signatures(&pr);
	page_numbers(&pr);
	doc_form_close(&pr.f);
	if (pr.rc) {
		pdf_free(pr.pdf);
		return pr.rc;
	}
	return pdf_save(pr.pdf, path, err);
}
