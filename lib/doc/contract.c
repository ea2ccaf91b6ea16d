/*
 * contract.c - a contract (договор) as a PDF, from a text template of the
 * books' templates/NAME.contract with its placeholders filled from the
 * contract record, the client's requisites, company.* of kontora.conf
 * and the template's own values.
 *
 * A template is text with a few directives at the start of a line
 * (kontora-contract(1) and docs/documents.md):
 *
 *   # comment                 .set KEY [DEFAULT]    a value of the template
 *   .title TEXT               .h TEXT               .center TEXT
 *   .lr LEFT | RIGHT          .b TEXT (bold)        .page
 *   .columns ... .next ... .end                     .footer TEXT
 *
 * Other lines are paragraphs: lines up to a blank one are joined and
 * justified.  The whole template is expanded and laid out even when no
 * file is asked for, so that kontora contract new refuses what kontora
 * contract pdf would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/doc.h"

#define BODY   10.0           /* the body's type */
#define BLANK  "____________" /* a known placeholder without a value */
#define MID    ((PDF_LEFT + PDF_RIGHT) / 2)

/* The keys of company.* that documents use (kontora-contract(1)), as
 * kontora.conf spells them; any other company.KEY of kontora.conf may be
 * used as well. */
static const char *const company_keys[] = {
	"name", "legal-name", "inn", "kpp", "ogrn", "address", "bank", "bik",
	"corr-account", "account", "director", "accountant", NULL,
};

/* A contract being laid out. */
struct contract {
	struct kt_books *b;
	char *const *names, *const *values;   /* the contract's fields */
	size_t n;
	struct kt_record *client;
	char *file;                  /* templates/NAME.contract, for messages */
	char **set_keys, **set_values; /* .set lines, then the contract's values */
	size_t nset;
	char date[3][40], until[3][40], amount[40];
	const char *amount_words;    /* the amount in words, kept in owned */
	char **owned;                /* values looked up, kept until the end */
	size_t nowned;
	char page[24], pages[24];
	char *footer;                /* .footer's text, unexpanded */
	char *heading;               /* a .h not drawn yet: it goes with what follows */
	long footer_line;
	struct pdf *pdf;
	struct kt_error *err;
};

/* Returns the contract's field name, "" when it has none. */
static const char *field(const struct contract *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->names[i], name))
			return c->values[i] ? c->values[i] : "";
	return "";
}

/* Returns value, or BLANK when it holds nothing. */
static const char *or_blank(const char *value)
{
	return text_filled(value) ? value : BLANK;
}

/* Returns the index of key in the template's values, or c->nset. */
static size_t set_find(const struct contract *c, const char *key, size_t len)
{
	size_t i = 0;

	while (i < c->nset && (strlen(c->set_keys[i]) != len || memcmp(c->set_keys[i], key, len)))
		i++;
	return i;
}

/* Returns s kept in c (freed at the end), or NULL when out of memory. */
static const char *keep(struct contract *c, char *s)
{
	if (!s)
		return NULL;
	char **owned = realloc(c->owned, (c->nowned + 1) * sizeof *owned);
	if (!owned) {
		free(s);
		return NULL;
	}
	c->owned = owned;
	c->owned[c->nowned++] = s;
	return s;
}

/* The doc_lookup_fn of a contract: see kontora-contract(1). */
static const char *lookup(void *arg, const char *key, size_t len)
{
	struct contract *c = arg;
	char name[256];
	const struct {
		const char *name;
		const char *value;
	} own[] = {
		{ "number", field(c, "number") }, { "amount", c->amount },
		{ "amount.words", c->amount_words },
		{ "date", c->date[0] }, { "date.long", c->date[1] }, { "date.quoted", c->date[2] },
		{ "until", c->until[0] }, { "until.long", c->until[1] }, { "until.quoted", c->until[2] },
		{ "page", c->page }, { "pages", c->pages },
	};

	if (len >= sizeof name)
		return NULL;
	memcpy(name, key, len);
	name[len] = '\0';
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcmp(own[i].name, name))
			return or_blank(own[i].value);
	size_t i = set_find(c, key, len);
	if (i < c->nset)
		return or_blank(c->set_values[i]);
	if (!strncmp(name, "client.", 7)) {
		const char *v = kt_record_get(c->client, name + 7);
		return v ? or_blank(v) : NULL;
	}
	if (!strncmp(name, "company.", 8)) {
		/* git-config allows no _ in a key: {company.legal_name} is
		 * company.legal-name of kontora.conf. */
		char *v = NULL, *u;
		struct kt_error ignored = { 0 };
		for (u = name + 8; (u = strchr(u, '_'));)
			*u = '-';
		if (!kt_config_get(c->b, name, &v, &ignored))
			return or_blank(keep(c, v));
		for (size_t k = 0; company_keys[k]; k++)
			if (!strcmp(company_keys[k], name + 8))
				return BLANK;
	}
	return NULL;
}

/* Adds the template value key (from a .set line, or the contract's)
 * with value.  Returns 0 or KT_ENOMEM. */
static int set_value(struct contract *c, const char *key, size_t len, const char *value)
{
	size_t i = set_find(c, key, len), nk = c->nset;
	char *k = strndup(key, len);
	int rc = 0;

	if (!k)
		return KT_ENOMEM;
	if (i < c->nset) {
		char *v = strdup(value);
		if (!v)
			rc = KT_ENOMEM;
		else {
			free(c->set_values[i]);
			c->set_values[i] = v;
		}
	} else if (strv_push(&c->set_keys, &nk, k) || strv_push(&c->set_values, &c->nset, value)) {
		rc = KT_ENOMEM;
	}
	free(k);
	return rc;
}

/* Reads the .set lines of the template text: each declares a value and
 * its default.  Returns 0 or an error naming the line. */
static int read_sets(struct contract *c, char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = lines[i];
		if (strncmp(s, ".set ", 5))
			continue;
		s += 5 + strspn(s + 5, " ");
		size_t klen = strcspn(s, " ");
		const char *def = s + klen + strspn(s + klen, " ");
		if (!klen)
			return kt_error_set(c->err, KT_EINVAL, "%s:%zu: .set without a name", c->file, i + 1);
		for (size_t k = 0; k < klen; k++)
			if (!(s[k] >= 'a' && s[k] <= 'z') && !(s[k] >= '0' && s[k] <= '9') && s[k] != '_')
				return kt_error_set(c->err, KT_EINVAL, "%s:%zu: .set %.*s: a name is "
				                    "a-z, 0-9 and _", c->file, i + 1, (int)klen, s);
		if (set_value(c, s, klen, def))
			return kt_error_set(c->err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Puts the contract's values ("KEY=VALUE" lines of its field values)
 * over the template's defaults; a key the template does not declare is
 * an error naming it.  Returns 0 or an error. */
static int read_values(struct contract *c, const char *template)
{
	const char *s = field(c, "values");

	while (*s) {
		size_t len = strcspn(s, "\n");
		const char *eq = memchr(s, '=', len);
		if (!eq || eq == s)
			return kt_error_set(c->err, KT_EINVAL, "contract values: \"%.*s\" is not KEY=VALUE",
			                    (int)len, s);
		if (set_find(c, s, (size_t)(eq - s)) == c->nset) {
			struct kt_buf known = { 0 };
			for (size_t i = 0; i < c->nset; i++)
				if (kt_buf_addf(&known, "%s%s", i ? ", " : "", c->set_keys[i]))
					break;
			int rc = kt_error_set(c->err, KT_EINVAL, "contract value %.*s: template %s has no "
			                      "such value (.set lines: %s)", (int)(eq - s), s, template,
			                      known.data ? known.data : "none");
			kt_buf_free(&known);
			return rc;
		}
		char *v = strndup(eq + 1, len - (size_t)(eq - s) - 1);
		int rc = v ? set_value(c, s, (size_t)(eq - s), v) : KT_ENOMEM;
		free(v);
		if (rc)
			return kt_error_set(c->err, KT_ENOMEM, "out of memory");
		s += len + (s[len] == '\n');
	}
	return 0;
}

/* Expands text of line lineno into out (reset first).  Returns 0 or an
 * error naming the template's line and the placeholder. */
static int expand(struct contract *c, const char *text, size_t lineno, struct kt_buf *out)
{
	char where[4200];

	kt_buf_reset(out);
	snprintf(where, sizeof where, "%s:%zu", c->file, lineno);
	return doc_expand(text, lookup, c, where, out, c->err);
}

/* A line of a column: its text and whether it is bold. */
struct col_line {
	char *text;
	int bold;
};

/* Two columns being gathered between .columns and .end. */
struct columns {
	struct col_line *lines[2];
	size_t n[2];
	int at;                      /* the column being filled; -1 outside */
};

/* Adds a line to the column being filled.  Returns 0 or KT_ENOMEM. */
static int column_add(struct columns *cols, const char *text, int bold)
{
	int k = cols->at;
	struct col_line *l = realloc(cols->lines[k], (cols->n[k] + 1) * sizeof *l);

	if (!l)
		return KT_ENOMEM;
	cols->lines[k] = l;
	l[cols->n[k]] = (struct col_line){ strdup(text), bold };
	return l[cols->n[k]++].text ? 0 : KT_ENOMEM;
}

/* Frees the columns' lines. */
static void columns_clear(struct columns *cols)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < cols->n[k]; i++)
			free(cols->lines[k][i].text);
		free(cols->lines[k]);
		cols->lines[k] = NULL;
		cols->n[k] = 0;
	}
	cols->at = -1;
}

/* Draws the heading waiting for what follows it, on a new page when the
 * heading and need points of what follows do not fit on this one.
 * Returns 0 or KT_ENOMEM. */
static int heading(struct contract *c, double need)
{
	int rc;

	if (!c->heading)
		return 0;
	if (pdf_y(c->pdf) - need - 3 * BODY < PDF_BOTTOM && need < PDF_TOP - PDF_BOTTOM)
		pdf_add_page(c->pdf);
	pdf_set_y(c->pdf, pdf_y(c->pdf) - 8);
	rc = pdf_para(c->pdf, PDF_LEFT, PDF_RIGHT, PDF_BOLD, BODY, PDF_ALIGN_CENTER, c->heading);
	pdf_set_y(c->pdf, pdf_y(c->pdf) - 3);
	free(c->heading);
	c->heading = NULL;
	return rc;
}

/* Draws the two columns side by side, on a new page when they do not fit
 * on this one.  Returns 0 or KT_ENOMEM. */
static int columns_draw(struct contract *c, struct columns *cols)
{
	const double x0[2] = { PDF_LEFT, MID + 10 }, x1[2] = { MID - 10, PDF_RIGHT };
	double height[2] = { 0, 0 }, lead = BODY * 1.3;

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < cols->n[k]; i++) {
			char **lines;
			size_t n;
			if (pdf_wrap(c->pdf, cols->lines[k][i].bold, BODY, x1[k] - x0[k],
			             cols->lines[k][i].text, &lines, &n))
				return KT_ENOMEM;
			height[k] += (double)n * lead;
			strv_free(lines, n);
		}
	double h = height[0] > height[1] ? height[0] : height[1];
	if (heading(c, h))
		return KT_ENOMEM;
	if (pdf_y(c->pdf) - h < PDF_BOTTOM && h < PDF_TOP - PDF_BOTTOM)
		pdf_add_page(c->pdf);
	double top = pdf_y(c->pdf), bottom = top;
	for (int k = 0; k < 2; k++) {
		pdf_set_y(c->pdf, top);
		for (size_t i = 0; i < cols->n[k]; i++)
			if (pdf_para(c->pdf, x0[k], x1[k], cols->lines[k][i].bold, BODY, PDF_ALIGN_LEFT,
			             cols->lines[k][i].text))
				return KT_ENOMEM;
		if (pdf_y(c->pdf) < bottom)
			bottom = pdf_y(c->pdf);
	}
	pdf_set_y(c->pdf, bottom);
	return 0;
}

/* Draws the paragraph gathered in para, justified, and empties it.
 * Returns 0 or KT_ENOMEM. */
static int flush(struct contract *c, struct kt_buf *para)
{
	int rc = 0;

	if (para->len && !(rc = heading(c, 2 * BODY * 1.3))) {
		rc = pdf_para(c->pdf, PDF_LEFT, PDF_RIGHT, PDF_REGULAR, BODY, PDF_ALIGN_JUSTIFY, para->data);
		pdf_set_y(c->pdf, pdf_y(c->pdf) - 4);
	}
	kt_buf_reset(para);
	return rc;
}

/* Returns 1 when line is the directive d followed by a space or its end,
 * and sets *arg to what follows. */
static int directive(const char *line, const char *d, const char **arg)
{
	size_t n = strlen(d);

	if (strncmp(line, d, n) || (line[n] && line[n] != ' '))
		return 0;
	*arg = line + n + strspn(line + n, " ");
	return 1;
}

/* Lays out one line of the template (already expanded into text when it
 * is no directive that takes none).  Returns 0 or an error. */
static int layout_line(struct contract *c, const char *raw, size_t lineno, struct kt_buf *text,
                       struct kt_buf *para, struct columns *cols)
{
	const char *arg;
	int rc;

	if (raw[0] == '#' || directive(raw, ".set", &arg))
		return 0;
	if (directive(raw, ".footer", &arg)) {
		free(c->footer);
		c->footer_line = (long)lineno;
		return (c->footer = strdup(arg)) ? expand(c, arg, lineno, text) : KT_ENOMEM;
	}
	if (raw[0] != '.') {
		if ((rc = expand(c, raw, lineno, text)))
			return rc;
		if (cols->at >= 0)
			return column_add(cols, text->data, PDF_REGULAR);
		if (!*raw)
			return flush(c, para);
		if ((para->len && kt_buf_addc(para, ' ')) || kt_buf_adds(para, text->data))
			return KT_ENOMEM;
		return 0;
	}
	if ((rc = flush(c, para)))
		return rc;
	if (directive(raw, ".columns", &arg) || directive(raw, ".next", &arg) ||
	    directive(raw, ".end", &arg)) {
		/* .columns outside them, .next in the first, .end in either. */
		int fits = raw[1] == 'c' ? cols->at == -1 : raw[1] == 'n' ? cols->at == 0 : cols->at >= 0;
		if (!fits)
			return kt_error_set(c->err, KT_EINVAL, "%s:%zu: %.*s out of place (.columns, "
			                    ".next, .end)", c->file, lineno, (int)strcspn(raw, " "), raw);
		if (raw[1] == 'c')
			cols->at = 0;
		else if (raw[1] == 'n')
			cols->at = 1;
		else {
			rc = columns_draw(c, cols);
			columns_clear(cols);
		}
		return rc;
	}
	if (directive(raw, ".h", &arg)) {
		free(c->heading);
		c->heading = NULL;
		if ((rc = expand(c, arg, lineno, text)))
			return rc;
		return (c->heading = strdup(text->data)) ? 0 : KT_ENOMEM;
	}
	if (cols->at < 0 && (rc = heading(c, 2 * BODY * 1.3)))
		return rc;
	if (directive(raw, ".page", &arg)) {
		pdf_add_page(c->pdf);
		return 0;
	}
	static const struct {
		const char *name;
		int font, align;
		double size, before, after;
	} blocks[] = {
		{ ".title", PDF_BOLD, PDF_ALIGN_CENTER, 12, 0, 6 },
		{ ".center", PDF_REGULAR, PDF_ALIGN_CENTER, BODY, 0, 2 },
		{ ".b", PDF_BOLD, PDF_ALIGN_LEFT, BODY, 0, 2 },
	};
	for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
		if (!directive(raw, blocks[i].name, &arg))
			continue;
		if ((rc = expand(c, arg, lineno, text)))
			return rc;
		if (cols->at >= 0 && !strcmp(blocks[i].name, ".b"))
			return column_add(cols, text->data, PDF_BOLD);
		pdf_set_y(c->pdf, pdf_y(c->pdf) - blocks[i].before);
		rc = pdf_para(c->pdf, PDF_LEFT, PDF_RIGHT, blocks[i].font, blocks[i].size, blocks[i].align,
		              text->data);
		pdf_set_y(c->pdf, pdf_y(c->pdf) - blocks[i].after);
		return rc;
	}
	if (directive(raw, ".lr", &arg)) {
		if ((rc = expand(c, arg, lineno, text)))
			return rc;
		char *bar = strchr(text->data, '|');
		if (!bar)
			return kt_error_set(c->err, KT_EINVAL, "%s:%zu: .lr LEFT | RIGHT: no |", c->file, lineno);
		char *left = text->data, *right = bar + 1 + strspn(bar + 1, " ");
		while (bar > left && bar[-1] == ' ')
			bar--;
		*bar = '\0';
		if (pdf_y(c->pdf) - 2 * BODY < PDF_BOTTOM)
			pdf_add_page(c->pdf);
		double y = pdf_y(c->pdf) - BODY * 1.3;
		pdf_text(c->pdf, PDF_LEFT, PDF_RIGHT, y + 3, PDF_REGULAR, BODY, PDF_ALIGN_LEFT, left);
		pdf_text(c->pdf, PDF_LEFT, PDF_RIGHT, y + 3, PDF_REGULAR, BODY, PDF_ALIGN_RIGHT, right);
		pdf_set_y(c->pdf, y - 6);
		return 0;
	}
	return kt_error_set(c->err, KT_EINVAL, "%s:%zu: unknown directive %.*s", c->file, lineno,
	                    (int)strcspn(raw, " "), raw);
}

/* Numbers the pages with the .footer's text.  Returns 0 or an error. */
static int number_pages(struct contract *c, struct kt_buf *text)
{
	size_t pages = pdf_pages(c->pdf);
	int rc = 0;

	snprintf(c->pages, sizeof c->pages, "%zu", pages);
	for (size_t i = 1; !rc && c->footer && i <= pages; i++) {
		snprintf(c->page, sizeof c->page, "%zu", i);
		if (!(rc = expand(c, c->footer, (size_t)c->footer_line, text)))
			pdf_footer(c->pdf, i, text->data);
	}
	return rc;
}

/* Splits text into lines (in place), CR before LF dropped.  Returns 0
 * and *lines (free() the array only), or KT_ENOMEM. */
static int split_lines(char *text, char ***lines, size_t *n)
{
	size_t cap = 1;

	for (const char *s = text; *s; s++)
		cap += *s == '\n';
	if (!(*lines = calloc(cap, sizeof **lines)))
		return KT_ENOMEM;
	*n = 0;
	for (char *s = text; s && *s;) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(s);
		while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = '\0';
		(*lines)[(*n)++] = s;
		s = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* Reads the contract's client and dates.  Returns 0 or an error. */
static int prepare(struct contract *c)
{
	const struct kt_schema *cs = kt_books_type(c->b, "client");
	const char *client = field(c, "client");
	int64_t amount;

	if (!cs)
		return kt_error_set(c->err, KT_ENOTFOUND, "the books have no client type");
	if (!*client)
		return kt_error_set(c->err, KT_EINVAL, "the contract has no client");
	int rc = kt_record_read(c->b, cs, client, &c->client, c->err);
	if (rc)
		return rc;
	for (int form = 0; form < 3; form++) {
		doc_date(field(c, "date"), form, c->date[form]);
		doc_date(field(c, "until"), form, c->until[form]);
	}
	if (*field(c, "amount") && !kt_money_parse(field(c, "amount"), &amount)) {
		doc_money(amount, c->amount);
		if (!(c->amount_words = keep(c, kt_amount_words(amount))))
			return kt_error_set(c->err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Returns 1 when name may name a template: a-z, 0-9, - and _. */
static int template_name_ok(const char *name)
{
	if (!*name)
		return 0;
	for (const char *s = name; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* Frees what c holds. */
static void contract_clear(struct contract *c)
{
	kt_record_free(c->client);
	strv_free(c->set_keys, c->nset);
	strv_free(c->set_values, c->nset);
	strv_free(c->owned, c->nowned);
	free(c->footer);
	free(c->heading);
	free(c->file);
}

int kt_contract_pdf(struct kt_books *b, char *const *names, char *const *values, size_t n,
                    const char *path, struct kt_error *err)
{
	struct contract c = { .b = b, .names = names, .values = values, .n = n, .err = err };
	struct kt_buf file = { 0 }, text = { 0 }, para = { 0 }, body = { 0 };
	struct columns cols = { .at = -1 };
	const char *template = field(&c, "template");
	char **lines = NULL;
	size_t nlines = 0;
	int rc;

	if (!template_name_ok(template))
		return kt_error_set(err, KT_EINVAL, "contract template \"%s\": a name is a-z, 0-9, - and _",
		                    template);
	if (kt_buf_addf(&file, "%s/templates/%s.contract", kt_books_root(b), template) ||
	    !(c.file = strdup(file.data + strlen(kt_books_root(b)) + 1))) {
		kt_buf_free(&file);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	rc = file_read(file.data, -1, NULL, &body, err);
	if (rc == KT_EIO && access(file.data, F_OK))
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: no such template (kontora contract "
		                  "templates lists them)", c.file);
	kt_buf_free(&file);
	if (!rc && body.len && !kt_utf8_valid(body.data, body.len, NULL))
		rc = kt_error_set(err, KT_EINVAL, "%s: not UTF-8", c.file);
	if (!rc && kt_buf_adds(&body, ""))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && split_lines(body.data, &lines, &nlines))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && !(rc = read_sets(&c, lines, nlines)) && !(rc = read_values(&c, template)) &&
	    !(rc = prepare(&c)))
		rc = pdf_new(NULL, &c.pdf, err);
	for (size_t i = 0; !rc && i < nlines; i++)
		rc = layout_line(&c, lines[i], i + 1, &text, &para, &cols);
	if (!rc && cols.at >= 0)
		rc = kt_error_set(err, KT_EINVAL, "%s: .columns without .end", c.file);
	if (!rc && !(rc = flush(&c, &para)) && !(rc = heading(&c, 0)))
		rc = number_pages(&c, &text);
	if (rc == KT_ENOMEM && (!err || !err->msg[0]))
		kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && path) {
		rc = pdf_save(c.pdf, path, err);
		c.pdf = NULL;
	}
	pdf_free(c.pdf);
	columns_clear(&cols);
	free(lines);
	kt_buf_free(&body);
	kt_buf_free(&text);
	kt_buf_free(&para);
	contract_clear(&c);
	return rc;
}
