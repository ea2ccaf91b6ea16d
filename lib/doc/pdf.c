/*
 * pdf.c - a thin layer over libharu for the documents: A4 pages, DejaVu
 * Sans and Bold embedded through the UTF-8 encoder (so that Cyrillic and
 * ₽ copy out of the PDF as they went in), text measured, wrapped and
 * flowed over pages.  libharu reports errors to a handler: the first is
 * kept and makes pdf_save() fail, so no half-drawn file is written.
 */
#include <errno.h>
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/doc.h"

#define DEFAULT_FONTS "/usr/share/fonts/truetype/dejavu"

struct pdf {
	HPDF_Doc doc;
	HPDF_Font font[2];         /* PDF_REGULAR, PDF_BOLD */
	HPDF_Page *pages;
	size_t npages, cap;
	double y;
	HPDF_STATUS error, detail; /* the first error libharu reported */
	/* The text object open on text_page, and its font and size: text
	 * drawn one piece after another shares one BT ... ET and sets the
	 * font only when it changes, which halves what a long table costs
	 * (each operator is a formatted write into the page's stream). */
	HPDF_Page text_page;       /* NULL: none open */
	int text_font;
	double text_size;
};

/* Ends the open text object, if any, before other drawing. */
static void text_end(struct pdf *p)
{
	if (p->text_page)
		HPDF_Page_EndText(p->text_page);
	p->text_page = NULL;
}

/* libharu's error handler: keeps the first error for pdf_save(). */
static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *arg)
{
	struct pdf *p = arg;

	if (!p->error) {
		p->error = error;
		p->detail = detail;
	}
}

/* Marks the basic Latin and Cyrillic letters as used in font before
 * anything else is measured or drawn.  libharu's subset follows one level
 * of composite glyphs: in DejaVu, Ё is Cyrillic Е and a diaeresis, and Е
 * is itself Latin E, so an Ё met first leaves E out of the subset and
 * every Е and Ё of the document blank.  Once Е is marked (and its E with
 * it), an Ё finds it there.  Costs about 150 glyphs in the subset. */
static void prime_glyphs(HPDF_Font font)
{
	char letters[512], *s = letters;

	for (int c = 0x20; c < 0x7f; c++)
		*s++ = (char)c;
	for (unsigned c = 0x410; c <= 0x44f; c++) {
		*s++ = (char)(0xc0 | (c >> 6));
		*s++ = (char)(0x80 | (c & 0x3f));
	}
	HPDF_Font_TextWidth(font, (const HPDF_BYTE *)letters, (HPDF_UINT)(s - letters));
}

/* Loads the TrueType font dir/file, embedded, with the UTF-8 encoder.
 * Returns the font or NULL with err naming the file. */
static HPDF_Font load_font(struct pdf *p, const char *dir, const char *file,
                           struct kt_error *err)
{
	char path[4096];
	const char *name;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (access(path, R_OK)) {
		kt_error_set(err, KT_EIO, "%s: %s (the fonts-dejavu-core package)", path, strerror(errno));
		return NULL;
	}
	if (!(name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE))) {
		kt_error_set(err, KT_EIO, "%s: libharu cannot load it (error %#lx)", path,
		             (unsigned long)p->error);
		return NULL;
	}
	HPDF_Font font = HPDF_GetFont(p->doc, name, "UTF-8");
	if (font)
		prime_glyphs(font);
	return font;
}

int pdf_new(const char *fonts, struct pdf **out, struct kt_error *err)
{
	struct pdf *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p || !(p->doc = HPDF_New(on_error, p))) {
		free(p);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	if (!fonts)
		fonts = DEFAULT_FONTS;
	if (!(p->font[PDF_REGULAR] = load_font(p, fonts, "DejaVuSans.ttf", err)) ||
	    !(p->font[PDF_BOLD] = load_font(p, fonts, "DejaVuSans-Bold.ttf", err))) {
		pdf_free(p);
		return err ? err->code : KT_EIO;
	}
	pdf_add_page(p);
	if (p->error) {
		unsigned long error = (unsigned long)p->error;
		pdf_free(p);
		return kt_error_set(err, KT_ENOMEM, "libharu: error %#lx", error);
	}
	*out = p;
	return 0;
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	HPDF_Free(p->doc);
	free(p->pages);
	free(p);
}

void pdf_add_page(struct pdf *p)
{
	text_end(p);
	if (p->npages == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		HPDF_Page *pages = realloc(p->pages, cap * sizeof *pages);
		if (!pages) {
			on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, p);
			return;
		}
		p->pages = pages;
		p->cap = cap;
	}
	HPDF_Page page = HPDF_AddPage(p->doc);
	if (!page)
		return;
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->pages[p->npages++] = page;
	p->y = PDF_TOP;
}

/* Returns the page being drawn, for text. */
static HPDF_Page page_text(const struct pdf *p)
{
	return p->pages[p->npages - 1];
}

/* Returns the page being drawn, its text object ended: for graphics. */
static HPDF_Page page_now(struct pdf *p)
{
	text_end(p);
	return page_text(p);
}

double pdf_y(const struct pdf *p)
{
	return p->y;
}

void pdf_set_y(struct pdf *p, double y)
{
	p->y = y;
}

size_t pdf_pages(const struct pdf *p)
{
	return p->npages;
}

/* Returns the width of the len bytes at s. */
static double width_of(struct pdf *p, int font, double size, const char *s, size_t len)
{
	HPDF_TextWidth tw = HPDF_Font_TextWidth(p->font[font], (const HPDF_BYTE *)s, (HPDF_UINT)len);

	return tw.width * size / 1000.0;
}

double pdf_width(struct pdf *p, int font, double size, const char *s)
{
	return width_of(p, font, size, s, strlen(s));
}

/* Draws s on page at (x, y), in the text object open there or a new
 * one. */
static void text_at(struct pdf *p, HPDF_Page page, double x, double y, int font, double size,
                    const char *s)
{
	if (!*s)
		return;
	if (p->text_page != page) {
		text_end(p);
		HPDF_Page_BeginText(page);
		p->text_page = page;
		p->text_font = -1;
	}
	if (p->text_font != font || p->text_size != size) {
		HPDF_Page_SetFontAndSize(page, p->font[font], (HPDF_REAL)size);
		p->text_font = font;
		p->text_size = size;
	}
	HPDF_Page_TextOut(page, (HPDF_REAL)x, (HPDF_REAL)y, s);
}

void pdf_text(struct pdf *p, double x0, double x1, double y, int font, double size,
              int align, const char *s)
{
	/* Left-aligned text needs no width: measuring is a glyph lookup per
	 * character, a tenth of a long report. */
	pdf_text_sized(p, x0, x1, y, font, size, align,
	               s, align == PDF_ALIGN_LEFT ? 0 : pdf_width(p, font, size, s));
}

void pdf_text_sized(struct pdf *p, double x0, double x1, double y, int font, double size,
                    int align, const char *s, double w)
{
	double x = x0;

	if (align == PDF_ALIGN_RIGHT)
		x = x1 - w;
	else if (align == PDF_ALIGN_CENTER)
		x = x0 + (x1 - x0 - w) / 2;
	text_at(p, page_text(p), x, y, font, size, s);
}

/* Returns the length in bytes of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	size_t i = 1;

	while (i < n && s[i])
		i++;
	return i;
}

/* Wraps one line without newlines into lines.  Returns 0 or KT_ENOMEM. */
static int wrap_line(struct pdf *p, int font, double size, double width, const char *s,
                     char ***lines, size_t *n)
{
	struct kt_buf line = { 0 };
	int rc = 0;

	while (!rc && *s) {
		size_t word = strcspn(s, " ");
		size_t at = line.len;
		if (line.len)
			rc = kt_buf_addc(&line, ' ');
		if (!rc)
			rc = kt_buf_add(&line, s, word);
		if (!rc && line.len && width_of(p, font, size, line.data, line.len) > width) {
			if (at) {
				/* The word goes to the next line. */
				line.data[at] = '\0';
				rc = strv_push(lines, n, line.data);
				kt_buf_reset(&line);
				continue;
			}
			/* A word wider than the line alone: cut it at characters. */
			size_t fit = 0;
			while (fit < line.len) {
				size_t c = char_len(line.data + fit);
				if (fit && width_of(p, font, size, line.data, fit + c) > width)
					break;
				fit += c;
			}
			char keep = line.data[fit];
			line.data[fit] = '\0';
			rc = strv_push(lines, n, line.data);
			line.data[fit] = keep;
			s += fit;
			kt_buf_reset(&line);
			continue;
		}
		s += word;
		s += strspn(s, " ");
	}
	if (!rc && (line.len || !*n))
		rc = strv_push(lines, n, line.len ? line.data : "");
	kt_buf_free(&line);
	return rc ? KT_ENOMEM : 0;
}

int pdf_wrap(struct pdf *p, int font, double size, double width, const char *s,
             char ***lines, size_t *n)
{
	char *copy = strdup(s), *part, *save = NULL;
	int rc = 0;

	*lines = NULL;
	*n = 0;
	if (!copy)
		return KT_ENOMEM;
	/* strtok_r would drop empty lines: step over the newlines by hand. */
	for (part = copy; !rc && part; part = save) {
		char *nl = strchr(part, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!*part)
			rc = strv_push(lines, n, "");
		else
			rc = wrap_line(p, font, size, width, part, lines, n);
	}
	free(copy);
	if (rc) {
		strv_free(*lines, *n);
		*lines = NULL;
		*n = 0;
	}
	return rc;
}

/* Draws line with its words spread to fill [x0, x1]. */
static void justify(struct pdf *p, double x0, double x1, double y, int font, double size,
                    const char *line)
{
	size_t gaps = 0;
	double words = 0;
	const char *s = line;

	while (*s) {
		size_t n = strcspn(s, " ");
		words += width_of(p, font, size, s, n);
		s += n;
		if (*s) {
			gaps++;
			s += strspn(s, " ");
		}
	}
	double gap = gaps ? (x1 - x0 - words) / (double)gaps : 0, x = x0;
	for (s = line; *s;) {
		size_t n = strcspn(s, " ");
		char word[1024];
		snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), s);
		text_at(p, page_text(p), x, y, font, size, word);
		x += width_of(p, font, size, s, n) + gap;
		s += n;
		s += strspn(s, " ");
	}
}

int pdf_para(struct pdf *p, double x0, double x1, int font, double size, int align,
             const char *s)
{
	char **lines;
	size_t n;
	double lead = size * 1.3;

	if (pdf_wrap(p, font, size, x1 - x0, s, &lines, &n))
		return KT_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (p->y - lead < PDF_BOTTOM)
			pdf_add_page(p);
		p->y -= lead;
		double y = p->y + (lead - size) / 2 + size * 0.2;
		/* The last line of the paragraph stays as it is. */
		if (align == PDF_ALIGN_JUSTIFY && i + 1 < n)
			justify(p, x0, x1, y, font, size, lines[i]);
		else
			pdf_text(p, x0, x1, y, font, size, align == PDF_ALIGN_JUSTIFY ? PDF_ALIGN_LEFT : align,
			         lines[i]);
	}
	strv_free(lines, n);
	return 0;
}

void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double w)
{
	HPDF_Page page = page_now(p);

	HPDF_Page_SetLineWidth(page, (HPDF_REAL)w);
	HPDF_Page_MoveTo(page, (HPDF_REAL)x0, (HPDF_REAL)y0);
	HPDF_Page_LineTo(page, (HPDF_REAL)x1, (HPDF_REAL)y1);
	HPDF_Page_Stroke(page);
}

void pdf_fill(struct pdf *p, double x, double y, double w, double h, double grey)
{
	HPDF_Page page = page_now(p);

	HPDF_Page_SetGrayFill(page, (HPDF_REAL)(grey > 0 && grey < 1 ? grey : 0));
	HPDF_Page_Rectangle(page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
	HPDF_Page_Fill(page);
	HPDF_Page_SetGrayFill(page, 0);
}

void pdf_text_colour(struct pdf *p, unsigned rgb)
{
	/* A colour may change inside a text object. */
	HPDF_Page_SetRGBFill(page_text(p), (HPDF_REAL)((rgb >> 16) & 0xff) / 255,
	                     (HPDF_REAL)((rgb >> 8) & 0xff) / 255, (HPDF_REAL)(rgb & 0xff) / 255);
}

void pdf_shape(struct pdf *p, const double *xy, size_t n, unsigned rgb, int fill, double w)
{
	HPDF_Page page = page_now(p);
	HPDF_REAL r = (HPDF_REAL)((rgb >> 16) & 0xff) / 255, g = (HPDF_REAL)((rgb >> 8) & 0xff) / 255,
	          b = (HPDF_REAL)(rgb & 0xff) / 255;

	if (n < 2)
		return;
	HPDF_Page_SetRGBFill(page, r, g, b);
	HPDF_Page_SetRGBStroke(page, r, g, b);
	HPDF_Page_SetLineWidth(page, (HPDF_REAL)w);
	HPDF_Page_MoveTo(page, (HPDF_REAL)xy[0], (HPDF_REAL)xy[1]);
	for (size_t i = 1; i < n; i++)
		HPDF_Page_LineTo(page, (HPDF_REAL)xy[2 * i], (HPDF_REAL)xy[2 * i + 1]);
	if (fill) {
		HPDF_Page_ClosePath(page);
		HPDF_Page_Fill(page);
	} else
		HPDF_Page_Stroke(page);
	HPDF_Page_SetRGBFill(page, 0, 0, 0);
	HPDF_Page_SetRGBStroke(page, 0, 0, 0);
}

int pdf_png(struct pdf *p, const char *path, double x, double y, double w, double h,
            struct kt_error *err)
{
	HPDF_Image img;

	if (access(path, R_OK))
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	HPDF_STATUS before = p->error;
	if (!(img = HPDF_LoadPngImageFromFile(p->doc, path))) {
		if (!before)
			p->error = 0;   /* a bad image is this error, not the PDF's */
		HPDF_ResetError(p->doc);
		return kt_error_set(err, KT_EINVAL, "%s: not a PNG image libharu can read", path);
	}
	double iw = HPDF_Image_GetWidth(img), ih = HPDF_Image_GetHeight(img);
	double scale = iw > 0 && ih > 0 ? (w / iw < h / ih ? w / iw : h / ih) : 0;
	HPDF_Page_DrawImage(page_now(p), img, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)(iw * scale),
	                    (HPDF_REAL)(ih * scale));
	return 0;
}

void pdf_footer(struct pdf *p, size_t page, const char *text)
{
	HPDF_Page pg = p->pages[page - 1];
	double size = 8, w = pdf_width(p, PDF_REGULAR, size, text);

	text_at(p, pg, PDF_RIGHT - w, PDF_BOTTOM - 25, PDF_REGULAR, size, text);
}

int pdf_save(struct pdf *p, const char *path, struct kt_error *err)
{
	struct kt_buf tmp = { 0 };
	int rc = 0;

	text_end(p);
	if (kt_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid()))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (p->error)
		rc = kt_error_set(err, KT_EIO, "%s: libharu error %#lx (detail %lu)", path,
		                  (unsigned long)p->error, (unsigned long)p->detail);
	else if (HPDF_SaveToFile(p->doc, tmp.data) != HPDF_OK || p->error)
		rc = kt_error_set(err, KT_EIO, "%s: cannot write it: %s", path, strerror(errno));
	else if (rename(tmp.data, path))
		rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (rc && tmp.data)
		unlink(tmp.data);
	kt_buf_free(&tmp);
	pdf_free(p);
	return rc;
}
