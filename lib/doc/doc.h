/*
 * doc.h - the documents wing: proposals, invoices and contracts as PDF and
 * XLSX.  The public functions are in kontora.h; this face holds what the
 * writers share: the wording files of templates/, placeholders, money and
 * dates as printed, and a thin layer over libharu.
 */
#ifndef KT_DOC_H
#define KT_DOC_H

#include "util/util.h"

/* ------------------------------------------------- doc/template.c */

/* A wording file, templates/NAME.tmpl: "key = value" lines, an indented
 * line continuing the value above (docs/documents.md). */
struct doc_words {
	char *file;              /* the path, for messages */
	size_t n;
	char **keys, **values;
	long *lines;             /* where each key is written */
};

/* Looks up the value of placeholder {key} (key not NUL-terminated: len
 * bytes) for doc_expand(): returns the text, "" for a known placeholder
 * without a value, or NULL for an unknown one. */
typedef const char *(*doc_lookup_fn)(void *arg, const char *key, size_t len);

/* Reads dir/name.tmpl and checks that it has every key of keys (NULL
 * ended) and no other, and that its placeholders are all known to fn
 * (called with arg).  Returns 0 and *out (doc_words_free()), or an error
 * naming the file and line: KT_ENOTFOUND for a missing file, KT_EINVAL
 * for a bad one. */
int doc_words_load(const char *dir, const char *name, const char *const *keys,
                   doc_lookup_fn fn, void *arg, struct doc_words **out,
                   struct kt_error *err);
/* Frees w; NULL is fine. */
void doc_words_free(struct doc_words *w);
/* Returns 1 when w has key, else 0. */
int doc_words_has(const struct doc_words *w, const char *key);
/* Returns the value of key (owned by w), "" when w lacks it. */
const char *doc_words_get(const struct doc_words *w, const char *key);
/* Appends the value of key to out with its placeholders filled by fn.
 * Returns 0 or an error naming the file, line and placeholder. */
int doc_words_expand(const struct doc_words *w, const char *key, doc_lookup_fn fn,
                     void *arg, struct kt_buf *out, struct kt_error *err);

/* Appends text to out with every {key} replaced by fn's value ("{{" is a
 * "{").  where ("templates/x.tmpl:3") names the text in messages.
 * Returns 0, KT_EINVAL naming an unknown or unclosed placeholder, or
 * KT_ENOMEM. */
int doc_expand(const char *text, doc_lookup_fn fn, void *arg, const char *where,
               struct kt_buf *out, struct kt_error *err);

/* --------------------------------------------------- doc/format.c */

/* Writes kopecks as printed on a document, "1 234,50" (no currency
 * sign), into out (40 bytes).  Returns out. */
char *doc_money(int64_t kopecks, char out[40]);
/* Writes a quantity in thousandths as printed, "1,5" or "12", into out
 * (32 bytes).  Returns out. */
char *doc_qty(int64_t milli, char out[32]);
/* Writes the date YYYY-MM-DD as "07.12.2026" (form 0), "7 декабря 2026
 * г." (form 1) or, as contracts date themselves, "«07» декабря 2026 г."
 * (form 2) into out (40 bytes); NULL or a bad date gives "".  Returns
 * out. */
char *doc_date(const char *date, int form, char out[40]);

/* ------------------------------------------------------ doc/pdf.c */

/* A PDF being drawn: A4 pages, DejaVu Sans and Bold embedded, a cursor
 * y going down the current page between the margins. */
struct pdf;

#define PDF_LEFT   40.0
#define PDF_RIGHT  555.0           /* A4 is 595 pt wide */
#define PDF_TOP    800.0
#define PDF_BOTTOM 50.0            /* above it only the page footer */

enum { PDF_REGULAR = 0, PDF_BOLD = 1 };
enum { PDF_ALIGN_LEFT, PDF_ALIGN_CENTER, PDF_ALIGN_RIGHT, PDF_ALIGN_JUSTIFY };

/* Starts a PDF with its first page.  fonts is the directory of the
 * DejaVu fonts (NULL: /usr/share/fonts/truetype/dejavu).  Returns 0 and
 * *out (pdf_free()), or an error naming a font that cannot be loaded. */
int pdf_new(const char *fonts, struct pdf **out, struct kt_error *err);
/* Frees p without writing anything; NULL is fine. */
void pdf_free(struct pdf *p);
/* Adds a page and puts the cursor at its top. */
void pdf_add_page(struct pdf *p);
/* Returns the cursor's y on the current page. */
double pdf_y(const struct pdf *p);
/* Moves the cursor to y. */
void pdf_set_y(struct pdf *p, double y);
/* Returns the width of s in font (PDF_REGULAR, PDF_BOLD) at size. */
double pdf_width(struct pdf *p, int font, double size, const char *s);
/* Draws s with its baseline at y, aligned in [x0, x1]. */
void pdf_text(struct pdf *p, double x0, double x1, double y, int font, double size,
              int align, const char *s);
/* pdf_text() of s whose width w the caller measured already (a table of
 * many rows measures each cell once, to size its columns). */
void pdf_text_sized(struct pdf *p, double x0, double x1, double y, int font, double size,
                    int align, const char *s, double w);
/* Breaks s into lines of at most width points (at spaces, a word too
 * long at characters; newlines kept).  Returns 0 and *lines, *n (free
 * with strv_free()), or KT_ENOMEM. */
int pdf_wrap(struct pdf *p, int font, double size, double width, const char *s,
             char ***lines, size_t *n);
/* Draws s wrapped into [x0, x1] from the cursor down, a new page when
 * the next line would pass PDF_BOTTOM; moves the cursor below it.
 * PDF_ALIGN_JUSTIFY stretches every line but the last to both edges (s
 * is then one paragraph, without newlines).  Returns 0 or KT_ENOMEM. */
int pdf_para(struct pdf *p, double x0, double x1, int font, double size, int align,
             const char *s);
/* Strokes a line from (x0, y0) to (x1, y1), width w points. */
void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double w);
/* Fills the rectangle with bottom left (x, y) black, or grey when grey
 * is between 0 and 1. */
void pdf_fill(struct pdf *p, double x, double y, double w, double h, double grey);
/* Draws the text that follows in the colour rgb (0xRRGGBB; 0 for black
 * again) on the current page. */
void pdf_text_colour(struct pdf *p, unsigned rgb);
/* Draws the path through the n points xy (x0, y0, x1, y1, ...) in the
 * colour rgb (0xRRGGBB): closed and filled when fill, else stroked w
 * points wide.  The colours go back to black after. */
void pdf_shape(struct pdf *p, const double *xy, size_t n, unsigned rgb, int fill, double w);
/* Draws the PNG file at path into the box (x, y, w, h), keeping its
 * proportions.  Returns 0 or an error naming the file. */
int pdf_png(struct pdf *p, const char *path, double x, double y, double w, double h,
            struct kt_error *err);
/* Returns the number of pages so far. */
size_t pdf_pages(const struct pdf *p);
/* Draws text centred at the bottom of page page (1-based), below
 * PDF_BOTTOM: "Страница 2 из 3" once the number of pages is known. */
void pdf_footer(struct pdf *p, size_t page, const char *text);
/* Writes the PDF to path through a temporary file renamed into place, so
 * a failure leaves nothing.  Frees p in every case.  Returns 0 or an
 * error naming the path (or libharu's error code). */
int pdf_save(struct pdf *p, const char *path, struct kt_error *err);

/* ------------------------------------------------------- doc/qr.c */

/* Draws the QR code of text (byte mode, level M) as a square of side
 * points with bottom left (x, y).  Returns 0 or an error. */
int pdf_qr(struct pdf *p, const char *text, double x, double y, double side,
           struct kt_error *err);

/* ---------------------------------------------------- doc/form.c */

/* A proposal or invoice being written: the document, its wording
 * (templates/invoice.tmpl or templates/proposal.tmpl) and the values of
 * the placeholders, which both writers (PDF and XLSX) fill the same way. */
struct doc_form {
	const struct kt_document *d;
	struct doc_words *w;
	int invoice;                 /* 1: an invoice; 0: a proposal */
	char date[40], date_long[40], due[40], due_long[40];
	char valid[40], valid_long[40], total[40], count[24];
	char rate[8];                /* the VAT rate of the line being written */
	char page[24], pages[24];    /* the page being numbered */
	struct kt_buf text;          /* what doc_form_text() returned last */
	struct kt_buf party;         /* what doc_form_party() returned last */
};

/* Opens f for d with the wording of templates_dir.  Returns 0 (close with
 * doc_form_close()), KT_EINVAL for a document that is neither an invoice
 * nor a proposal, or the error of loading the wording. */
int doc_form_open(struct doc_form *f, const struct kt_document *d, const char *templates_dir,
                  struct kt_error *err);
void doc_form_close(struct doc_form *f);
/* The doc_lookup_fn of the wording (arg a struct doc_form): {number},
 * {date}, {date.long}, {due}, {due.long}, {valid_until},
 * {valid_until.long}, {count}, {total}, {words}, {rate}, {page}, {pages},
 * {supplier}, {buyer}. */
const char *doc_form_lookup(void *arg, const char *key, size_t len);
/* Returns the wording of key with its placeholders filled (owned by f,
 * valid until the next call), or NULL with err set. */
const char *doc_form_text(struct doc_form *f, const char *key, struct kt_error *err);
/* Returns a party's requisites on one line, as 1C prints them: "ООО
 * «Ромашка», ИНН 7707083893, КПП 773601001, address, тел.: phone"
 * (owned by f, valid until the next call), or NULL when out of memory. */
const char *doc_form_party(struct doc_form *f, const struct kt_party *p);
/* Returns the label of a VAT line ("В том числе НДС 22%:", "НДС 10%:",
 * "Без НДС") as doc_form_text() does. */
const char *doc_form_vat(struct doc_form *f, const struct kt_vat_total *v, struct kt_error *err);

#endif
