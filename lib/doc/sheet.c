/*
 * sheet.c - a proposal or an invoice as an XLSX workbook with the layout
 * of the PDF (print.c): the bank block, the title, the parties, the table,
 * the totals, the words, the signatures, one sheet printed on A4 portrait
 * and fitted to the page's width, the table's header repeated on every
 * printed page.  Money and quantities are numbers with a number format,
 * so that a buyer's accountant can add them up.  Doubles are handed to
 * libxlsxwriter only here, from kopecks / 100 (exact to the kopeck up to
 * 2^53 kopecks), and the C locale gives them a decimal point
 * (lib/export/xlsx.c says why).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "doc/doc.h"

/* Columns A..F as the PDF's table: their widths in characters. */
static const double col_width[6] = { 5, 52, 9, 6, 12, 14 };

/* The formats of the sheet. */
struct sheet {
	struct doc_form f;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *small, *bold, *title, *wrap, *wrap_bold;
	lxw_format *head, *cell, *cell_wrap, *cell_int, *cell_qty, *cell_money;
	lxw_format *label_right, *money_bold, *box, *box_small;
	lxw_row_t row;               /* the next row to write */
	struct kt_error *err;
	int rc;
};

/* Returns a new format of the workbook with the given traits. */
static lxw_format *format(lxw_workbook *wb, int bold, double size, int wrap, int border,
                          const char *num, uint8_t align)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_font_name(f, "DejaVu Sans");
	format_set_font_size(f, size);
	if (bold)
		format_set_bold(f);
	if (wrap)
		format_set_text_wrap(f);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	if (num)
		format_set_num_format(f, num);
	if (align)
		format_set_align(f, align);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

/* Makes the formats. */
static void formats(struct sheet *sh)
{
	lxw_workbook *wb = sh->wb;

	sh->small = format(wb, 0, 7, 1, 0, NULL, 0);
	sh->bold = format(wb, 1, 9, 0, 0, NULL, 0);
	sh->title = format(wb, 1, 13, 0, 0, NULL, 0);
	format_set_bottom(sh->title, LXW_BORDER_MEDIUM);
	sh->wrap = format(wb, 0, 9, 1, 0, NULL, 0);
	sh->wrap_bold = format(wb, 1, 9, 1, 0, NULL, 0);
	sh->head = format(wb, 1, 8.5, 1, 1, NULL, LXW_ALIGN_CENTER);
	format_set_bg_color(sh->head, 0xE6E6E6);
	sh->cell = format(wb, 0, 9, 0, 1, NULL, 0);
	sh->cell_wrap = format(wb, 0, 9, 1, 1, NULL, 0);
	sh->cell_int = format(wb, 0, 9, 0, 1, "0", LXW_ALIGN_CENTER);
	sh->cell_qty = format(wb, 0, 9, 0, 1, "#,##0.###", 0);
	sh->cell_money = format(wb, 0, 9, 0, 1, "#,##0.00", 0);
	sh->label_right = format(wb, 1, 9, 0, 0, NULL, LXW_ALIGN_RIGHT);
	sh->money_bold = format(wb, 1, 9, 0, 0, "#,##0.00", 0);
	sh->box = format(wb, 0, 9, 1, 1, NULL, 0);
	sh->box_small = format(wb, 0, 7, 1, 1, NULL, 0);
}

/* Keeps the first libxlsxwriter error. */
static void check(struct sheet *sh, lxw_error e, const char *what)
{
	if (e && !sh->rc)
		sh->rc = kt_error_set(sh->err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? KT_ENOMEM : KT_EINVAL,
		                      "%s: %s", what, lxw_strerror(e));
}

/* Returns the wording of key, or "" after an error (kept in sh->rc). */
static const char *words(struct sheet *sh, const char *key)
{
	const char *s = sh->rc ? NULL : doc_form_text(&sh->f, key, sh->err);

	if (!s && !sh->rc)
		sh->rc = sh->err && sh->err->code ? sh->err->code : KT_ENOMEM;
	return s ? s : "";
}

/* Returns how many lines s takes in a cell width characters wide:
 * characters over the width, and the newlines. */
static int lines_in(const char *s, double width)
{
	size_t chars = 0, lines = 1;

	for (; *s; s++) {
		if (*s == '\n') {
			lines++;
			chars = 0;
		} else if ((*s & 0xc0) != 0x80 && ++chars > width) {
			lines++;
			chars = 1;
		}
	}
	return (int)lines;
}

/* Writes s into columns [c0, c1] of a row (merged when they are more than
 * one), as tall as its lines need, and moves to the next row. */
static void text_row(struct sheet *sh, int c0, int c1, const char *s, lxw_format *f)
{
	double width = 0;

	for (int c = c0; c <= c1; c++)
		width += col_width[c];
	if (c1 > c0)
		check(sh, worksheet_merge_range(sh->ws, sh->row, (lxw_col_t)c0, sh->row, (lxw_col_t)c1,
		                                s, f), "merge");
	else
		check(sh, worksheet_write_string(sh->ws, sh->row, (lxw_col_t)c0, s, f), "text");
	int lines = lines_in(s, width * 1.1);
	if (lines > 1)
		worksheet_set_row(sh->ws, sh->row, 12.5 * lines, NULL);
	sh->row++;
}

/* The bank block of an invoice, five rows as in 1C's form. */
static void bank_block(struct sheet *sh)
{
	const struct kt_party *s = &sh->f.d->supplier;
	const char *recipient = s->legal_name && *s->legal_name ? s->legal_name : s->name;
	lxw_row_t r = sh->row;
	struct kt_buf ids = { 0 };

	/* ИНН and КПП share a cell: column A is only as wide as a number. */
	if (kt_buf_addf(&ids, "%s %s", words(sh, "inn"), s->inn ? s->inn : "") ||
	    kt_buf_addf(&ids, "    %s %s", words(sh, "kpp"), s->kpp ? s->kpp : ""))
		check(sh, LXW_ERROR_MEMORY_MALLOC_FAILED, "bank block");
	worksheet_merge_range(sh->ws, r, 0, r, 2, s->bank ? s->bank : "", sh->box);
	worksheet_merge_range(sh->ws, r + 1, 0, r + 1, 2, words(sh, "bank.bank"), sh->box_small);
	worksheet_merge_range(sh->ws, r + 2, 0, r + 2, 2, ids.data ? ids.data : "", sh->box);
	worksheet_merge_range(sh->ws, r + 3, 0, r + 3, 2, recipient ? recipient : "", sh->box);
	worksheet_merge_range(sh->ws, r + 4, 0, r + 4, 2, words(sh, "bank.recipient"), sh->box_small);
	worksheet_write_string(sh->ws, r, 3, words(sh, "bank.bik"), sh->box);
	worksheet_merge_range(sh->ws, r, 4, r, 5, s->bik ? s->bik : "", sh->box);
	worksheet_write_string(sh->ws, r + 1, 3, words(sh, "bank.account"), sh->box);
	worksheet_merge_range(sh->ws, r + 1, 4, r + 1, 5, s->corr_account ? s->corr_account : "", sh->box);
	worksheet_merge_range(sh->ws, r + 2, 3, r + 4, 3, words(sh, "bank.account"), sh->box);
	worksheet_merge_range(sh->ws, r + 2, 4, r + 4, 5, s->account ? s->account : "", sh->box);
	sh->row = r + 6;
	kt_buf_free(&ids);
}

/* The title and the two parties. */
static void heading(struct sheet *sh)
{
	const struct kt_document *d = sh->f.d;
	const struct {
		const char *key;
		const struct kt_party *p;
	} parties[] = { { "supplier", &d->supplier }, { "buyer", &d->buyer } };

	worksheet_set_row(sh->ws, sh->row, 20, NULL);
	text_row(sh, 0, 5, words(sh, d->number && *d->number ? "title" : "title.draft"), sh->title);
	sh->row++;
	/* The label on a row of its own, its lines joined: column A is
	 * narrow. */
	for (size_t i = 0; i < 2; i++) {
		char *label = strdup(words(sh, parties[i].key));
		if (!label) {
			check(sh, LXW_ERROR_MEMORY_MALLOC_FAILED, "party");
			return;
		}
		for (char *nl = label; (nl = strchr(nl, '\n'));)
			*nl = ' ';
		text_row(sh, 0, 5, label, sh->small);
		free(label);
		const char *line = doc_form_party(&sh->f, parties[i].p);
		text_row(sh, 0, 5, line ? line : "", sh->wrap_bold);
	}
	sh->row++;
}

/* The table: its header (repeated on every printed page) and lines. */
static void table(struct sheet *sh)
{
	static const char *const keys[6] = {
		"col.n", "col.name", "col.qty", "col.unit", "col.price", "col.sum",
	};
	const struct kt_document *d = sh->f.d;

	for (int c = 0; c < 6; c++)
		check(sh, worksheet_write_string(sh->ws, sh->row, (lxw_col_t)c, words(sh, keys[c]),
		                                 sh->head), "header");
	worksheet_repeat_rows(sh->ws, sh->row, sh->row);
	sh->row++;
	for (size_t i = 0; !sh->rc && i < d->nlines; i++, sh->row++) {
		const struct kt_document_line *l = &d->lines[i];
		const char *name = l->name ? l->name : "";
		check(sh, worksheet_write_number(sh->ws, sh->row, 0, (double)(i + 1), sh->cell_int), "line");
		check(sh, worksheet_write_string(sh->ws, sh->row, 1, name, sh->cell_wrap), "line");
		check(sh, worksheet_write_number(sh->ws, sh->row, 2, (double)l->qty_milli / 1000,
		                                 sh->cell_qty), "line");
		check(sh, worksheet_write_string(sh->ws, sh->row, 3, l->unit ? l->unit : "", sh->cell),
		      "line");
		check(sh, worksheet_write_number(sh->ws, sh->row, 4, (double)l->price / 100,
		                                 sh->cell_money), "line");
		check(sh, worksheet_write_number(sh->ws, sh->row, 5, (double)l->sum / 100, sh->cell_money),
		      "line");
		int lines = lines_in(name, col_width[1] * 1.1);
		if (lines > 1)
			worksheet_set_row(sh->ws, sh->row, 12.5 * lines, NULL);
	}
}

/* One line of the totals: the label over A..E, right-aligned; the amount
 * in F, or text there (Без НДС: "-"). */
static void total_row(struct sheet *sh, const char *label, const int64_t *amount)
{
	worksheet_merge_range(sh->ws, sh->row, 0, sh->row, 4, label, sh->label_right);
	if (amount)
		check(sh, worksheet_write_number(sh->ws, sh->row, 5, (double)*amount / 100, sh->money_bold),
		      "total");
	else
		check(sh, worksheet_write_string(sh->ws, sh->row, 5, "-", sh->label_right), "total");
	sh->row++;
}

/* Totals, VAT lines, count, words, notes, footer and signatures. */
static void tail(struct sheet *sh)
{
	const struct kt_document *d = sh->f.d;

	total_row(sh, words(sh, "total"), &d->subtotal);
	for (size_t i = 0; i < d->nvats; i++) {
		const char *label = doc_form_vat(&sh->f, &d->vats[i], sh->err);
		if (!label) {
			sh->rc = sh->err ? sh->err->code : KT_ENOMEM;
			return;
		}
		total_row(sh, label, d->vats[i].rate == KT_VAT_NONE ? NULL : &d->vats[i].vat);
	}
	total_row(sh, words(sh, "grand"), &d->total);
	sh->row++;
	text_row(sh, 0, 5, words(sh, "count"), sh->wrap);
	text_row(sh, 0, 5, words(sh, "words"), sh->wrap_bold);
	if (sh->f.invoice && d->due)
		text_row(sh, 0, 5, words(sh, "due"), sh->wrap);
	if (!sh->f.invoice && d->valid_until)
		text_row(sh, 0, 5, words(sh, "valid"), sh->wrap);
	if (!sh->f.invoice)
		text_row(sh, 0, 5, d->terms && *d->terms ? d->terms : words(sh, "terms"), sh->wrap);
	const char *footer = words(sh, "footer");
	if (*footer)
		text_row(sh, 0, 5, footer, sh->small);
	sh->row += 2;
	struct kt_buf director = { 0 }, accountant = { 0 };
	if (kt_buf_addf(&director, "%s ____________ %s", words(sh, "sign.director"),
	                d->supplier.director ? d->supplier.director : "") ||
	    kt_buf_addf(&accountant, "%s ____________ %s", words(sh, "sign.accountant"),
	                d->supplier.accountant ? d->supplier.accountant : ""))
		check(sh, LXW_ERROR_MEMORY_MALLOC_FAILED, "signatures");
	worksheet_merge_range(sh->ws, sh->row, 0, sh->row, 1, director.data ? director.data : "", sh->bold);
	worksheet_merge_range(sh->ws, sh->row, 2, sh->row, 5, accountant.data ? accountant.data : "",
	                      sh->bold);
	kt_buf_free(&director);
	kt_buf_free(&accountant);
}

/* A4 portrait, fitted to one page wide, narrow margins, and the page's
 * wording in the footer with Excel's page fields. */
static void print_setup(struct sheet *sh)
{
	lxw_header_footer_options none = { 0 };
	struct kt_buf footer = { 0 };

	worksheet_set_paper(sh->ws, 9);
	worksheet_set_portrait(sh->ws);
	worksheet_fit_to_pages(sh->ws, 1, 0);
	worksheet_set_margins(sh->ws, 0.4, 0.4, 0.5, 0.6);
	snprintf(sh->f.page, sizeof sh->f.page, "&P");
	snprintf(sh->f.pages, sizeof sh->f.pages, "&N");
	if (kt_buf_addf(&footer, "&R%s", words(sh, "page")))
		check(sh, LXW_ERROR_MEMORY_MALLOC_FAILED, "footer");
	check(sh, worksheet_set_footer_opt(sh->ws, footer.data ? footer.data : "", &none), "footer");
	kt_buf_free(&footer);
	for (int c = 0; c < 6; c++)
		worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c, col_width[c], NULL);
}

int kt_document_xlsx(const struct kt_document *d, const char *templates_dir,
                     const char *path, struct kt_error *err)
{
	struct sheet sh = { .err = err };
	struct kt_buf tmp = { 0 };
	int rc;

	if ((rc = doc_form_open(&sh.f, d, templates_dir, err)))
		return rc;
	if (kt_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid())) {
		doc_form_close(&sh.f);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	/* The sheet's name: Excel takes at most 31 characters and none of
	 * []:*?/\ ; another name falls back to Sheet1. */
	const char *name = words(&sh, "sheet");
	/* libxlsxwriter says on stderr why it cannot create the file: try it
	 * first, for the message. */
	FILE *probe = sh.rc ? NULL : fopen(tmp.data, "w");
	if (!sh.rc && (!probe || fclose(probe)))
		sh.rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	else if (!sh.rc && !(sh.wb = workbook_new(tmp.data)))
		sh.rc = kt_error_set(err, KT_EIO, "%s: cannot start a workbook", path);
	if (!sh.rc && (!*name || workbook_validate_sheet_name(sh.wb, name) != LXW_NO_ERROR))
		name = NULL;
	if (!sh.rc && !(sh.ws = workbook_add_worksheet(sh.wb, name)))
		sh.rc = kt_error_set(err, KT_ENOMEM, "%s: cannot add a sheet", path);
	if (!sh.rc) {
		formats(&sh);
		print_setup(&sh);
		if (sh.f.invoice) {
			const char *notice = words(&sh, "notice");
			if (*notice)
				text_row(&sh, 0, 5, notice, sh.small);
			sh.row++;
			bank_block(&sh);
		}
		heading(&sh);
		table(&sh);
		tail(&sh);
	}
	doc_form_close(&sh.f);
	if (sh.rc) {
		if (sh.wb)
			lxw_workbook_free(sh.wb);
	} else {
		lxw_error e = workbook_close(sh.wb);
		if (e)
			sh.rc = kt_error_set(err, KT_EIO, "%s: %s", path, e == LXW_ERROR_CREATING_XLSX_FILE ?
			                     strerror(errno) : lxw_strerror(e));
		else if (rename(tmp.data, path))
			sh.rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	}
	if (sh.rc)
		unlink(tmp.data);
	kt_buf_free(&tmp);
	return sh.rc;
}
