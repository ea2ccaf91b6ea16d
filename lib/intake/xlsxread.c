/*
 * xlsxread.c - reading the first sheet of an XLSX workbook (the lead
 * exports of form services, or what an accountant saved from Excel) as
 * rows of text.  An XLSX file is a ZIP of XML parts: the central
 * directory and the parts are read by zip.c, the parts parsed with libxml2.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"

/* Parses an XML part into a document (caller frees with xmlFreeDoc).
 * Returns it, or NULL after filling z->err. */
static xmlDoc *zip_xml(struct zip *z, const char *path, int required)
{
	char *text;
	size_t len;
	int rc = zip_read(z, path, &text, &len);

	if (rc == KT_ENOTFOUND && required)
		zip_bad(z, "no xl/workbook.xml");
	if (rc)
		return NULL;
	xmlDoc *doc = xmlReadMemory(text, (int)len, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	                            XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	free(text);
	if (!doc)
		zip_bad(z, "a part is not well-formed XML");
	return doc;
}

/* Returns the first element called name under node, depth first, or NULL. */
static xmlNode *find_element(xmlNode *node, const char *name)
{
	for (xmlNode *n = node; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
			return n;
		xmlNode *found = find_element(n->children, name);
		if (found)
			return found;
	}
	return NULL;
}

/* Finds the path of the first sheet from the workbook and its
 * relationships, into path.  Returns 0 or an error. */
static int first_sheet_path(struct zip *z, char *path, size_t size)
{
	xmlDoc *wb = zip_xml(z, "xl/workbook.xml", 1), *rels;
	xmlNode *sheet;
	xmlChar *rid = NULL;

	if (!wb)
		return z->err->code;
	sheet = find_element(xmlDocGetRootElement(wb), "sheet");
	if (sheet)
		rid = xmlGetNsProp(sheet, (const xmlChar *)"id", (const xmlChar *)
		                   "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
	xmlFreeDoc(wb);
	snprintf(path, size, "xl/worksheets/sheet1.xml");
	if (!rid)
		return 0;
	rels = zip_xml(z, "xl/_rels/workbook.xml.rels", 0);
	for (xmlNode *n = rels ? find_element(xmlDocGetRootElement(rels), "Relationship") : NULL;
	     n; n = n->next) {
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"Id");
		xmlChar *target = xmlGetProp(n, (const xmlChar *)"Target");
		if (id && target && !xmlStrcmp(id, rid))
			snprintf(path, size, "%s%s", target[0] == '/' ? "" : "xl/",
			         (const char *)target + (target[0] == '/'));
		xmlFree(id);
		xmlFree(target);
	}
	xmlFree(rid);
	xmlFreeDoc(rels);
	return 0;
}

/* The shared strings and which styles are dates. */
struct book {
	char **strings;
	size_t nstrings;
	unsigned char *date_style;  /* by cellXfs index */
	size_t nstyles;
};

/* Appends the text of the <t> elements under node (not those of phonetic
 * runs) to b.  Returns 0 or KT_ENOMEM. */
static int add_text(struct kt_buf *b, xmlNode *node)
{
	for (xmlNode *n = node; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !strcmp((const char *)n->name, "rPh"))
			continue;
		if (!strcmp((const char *)n->name, "t")) {
			xmlChar *t = xmlNodeGetContent(n);
			int rc = t ? kt_buf_adds(b, (const char *)t) : 0;
			xmlFree(t);
			if (rc)
				return rc;
		} else if (add_text(b, n->children))
			return KT_ENOMEM;
	}
	return 0;
}

/* Reads xl/sharedStrings.xml (a workbook may have none).  Returns 0 or an
 * error. */
static int read_strings(struct zip *z, struct book *bk)
{
	xmlDoc *doc = zip_xml(z, "xl/sharedStrings.xml", 0);
	int rc = 0;

	if (!doc)
		return z->err->code;
	xmlNode *root = xmlDocGetRootElement(doc);
	for (xmlNode *si = root ? root->children : NULL; si && !rc; si = si->next) {
		if (si->type != XML_ELEMENT_NODE || strcmp((const char *)si->name, "si"))
			continue;
		struct kt_buf b = { 0 };
		char **v = realloc(bk->strings, (bk->nstrings + 1) * sizeof *v);
		if (!v || add_text(&b, si->children) || kt_buf_adds(&b, "")) {
			kt_buf_free(&b);
			if (v)
				bk->strings = v;
			rc = kt_error_set(z->err, KT_ENOMEM, "out of memory");
			break;
		}
		bk->strings = v;
		bk->strings[bk->nstrings++] = kt_buf_detach(&b);
	}
	xmlFreeDoc(doc);
	return rc;
}

/* Returns 1 if an Excel number format code shows a date: it has d, m or
 * y outside quotes and brackets. */
static int date_format(const char *code)
{
	int quoted = 0, bracket = 0;

	for (const char *p = code; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '[')
			bracket = 1;
		else if (!quoted && *p == ']')
			bracket = 0;
		else if (!quoted && !bracket && strchr("dmyDMY", *p))
			return 1;
	}
	return 0;
}

/* Reads which cell styles of xl/styles.xml are dates.  Returns 0 or an
 * error. */
static int read_styles(struct zip *z, struct book *bk)
{
	xmlDoc *doc = zip_xml(z, "xl/styles.xml", 0);
	long custom[64];
	size_t ncustom = 0;

	if (!doc)
		return z->err->code;
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *fmts = root ? find_element(root->children, "numFmts") : NULL;
	for (xmlNode *n = fmts ? fmts->children : NULL; n; n = n->next) {
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"numFmtId");
		xmlChar *code = xmlGetProp(n, (const xmlChar *)"formatCode");
		if (id && code && date_format((const char *)code) && ncustom < 64)
			custom[ncustom++] = atol((const char *)id);
		xmlFree(id);
		xmlFree(code);
	}
	xmlNode *xfs = root ? find_element(root->children, "cellXfs") : NULL;
	for (xmlNode *n = xfs ? xfs->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"numFmtId");
		long f = id ? atol((const char *)id) : 0;
		xmlFree(id);
		int is_date = (f >= 14 && f <= 22) || (f >= 45 && f <= 47);
		for (size_t i = 0; i < ncustom; i++)
			is_date |= custom[i] == f;
		unsigned char *v = realloc(bk->date_style, bk->nstyles + 1);
		if (!v) {
			xmlFreeDoc(doc);
			return kt_error_set(z->err, KT_ENOMEM, "out of memory");
		}
		bk->date_style = v;
		bk->date_style[bk->nstyles++] = (unsigned char)is_date;
	}
	xmlFreeDoc(doc);
	return 0;
}

/* Returns the 0-based column of a cell reference such as "AB12". */
static size_t ref_column(const char *ref)
{
	size_t col = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++)
		col = col * 26 + (size_t)(*ref - 'A' + 1);
	return col ? col - 1 : 0;
}

/* Writes a cell's number v as text into out: dates (serial days since
 * 1899-12-30) as YYYY-MM-DD (and THH:MM:SS when there is a time), whole
 * numbers without exponent or decimals (phones saved as numbers), others
 * as written. */
static void number_text(const char *v, int is_date, char *out, size_t size)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v) {
		snprintf(out, size, "%s", v);
		return;
	}
	if (is_date && d >= 1 && d < 2958466) {
		time_t t = (time_t)llround((d - 25569.0) * 86400.0);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(out, size, t % 86400 ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d", &tm);
	} else if (d == floor(d) && fabs(d) < 1e15)
		snprintf(out, size, "%.0f", d);
	else
		snprintf(out, size, "%s", v);
}

/* A sheet's rows as a kt_csv being built. */
struct rows {
	struct kt_csv *csv;
	size_t cap;
};

/* Stores a cell's text at column col of the row (padding with ""); the
 * first row of the sheet becomes the header.  Returns 0 or KT_ENOMEM. */
static int put_cell(struct kt_csv_row *row, size_t col, const char *text)
{
	if (col > 16383)
		return 0;
	if (col >= row->nfields) {
		char **v = realloc(row->fields, (col + 1) * sizeof *v);
		if (!v)
			return KT_ENOMEM;
		row->fields = v;
		for (size_t i = row->nfields; i <= col; i++)
			if (!(row->fields[i] = strdup(""))) {
				row->nfields = i;
				return KT_ENOMEM;
			}
		row->nfields = col + 1;
	}
	char *copy = strdup(text);
	if (!copy)
		return KT_ENOMEM;
	free(row->fields[col]);
	row->fields[col] = copy;
	return 0;
}

/* Reads the value of the <c> element the reader is on into *text (caller
 * frees): its <v> or inline <t>s, resolved by its type.  Returns 0 or
 * KT_ENOMEM. */
static int read_cell(xmlTextReaderPtr r, const struct book *bk, char **text)
{
	xmlChar *type = xmlTextReaderGetAttribute(r, (const xmlChar *)"t");
	xmlChar *style = xmlTextReaderGetAttribute(r, (const xmlChar *)"s");
	size_t s = style ? (size_t)atol((const char *)style) : 0;
	int depth = xmlTextReaderDepth(r), empty = xmlTextReaderIsEmptyElement(r);
	struct kt_buf v = { 0 };
	int rc = 0;

	while (!empty && xmlTextReaderRead(r) == 1 && xmlTextReaderDepth(r) > depth) {
		int kind = xmlTextReaderNodeType(r);
		if ((kind == XML_READER_TYPE_TEXT || kind == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
		    xmlTextReaderConstValue(r))
			rc |= kt_buf_adds(&v, (const char *)xmlTextReaderConstValue(r));
	}
	const char *t = type ? (const char *)type : "n", *raw = v.data ? v.data : "";
	char num[64];
	if (!strcmp(t, "s")) {
		size_t i = (size_t)atol(raw);
		*text = strdup(i < bk->nstrings && *raw ? bk->strings[i] : "");
	} else if (!strcmp(t, "b"))
		*text = strdup(!strcmp(raw, "1") ? "true" : "false");
	else if (!strcmp(t, "n")) {
		number_text(raw, s < bk->nstyles && bk->date_style[s], num, sizeof num);
		*text = strdup(num);
	} else
		*text = strdup(raw);
	xmlFree(type);
	xmlFree(style);
	kt_buf_free(&v);
	return rc || !*text ? KT_ENOMEM : 0;
}

/* Reads the sheet's rows with a streaming reader.  Returns 0 or an
 * error. */
static int read_rows(struct zip *z, const char *sheet_xml, size_t len,
                     const struct book *bk, struct rows *rows)
{
	xmlTextReaderPtr r = xmlReaderForMemory(sheet_xml, (int)len, "sheet.xml", NULL,
	                                        XML_PARSE_NONET | XML_PARSE_NOERROR |
	                                        XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	struct kt_csv_row *row = NULL;
	long next_row = 1;
	int rc = 0, more;

	if (!r)
		return kt_error_set(z->err, KT_ENOMEM, "out of memory");
	while (!rc && (more = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		const char *n = (const char *)xmlTextReaderConstLocalName(r);
		if (!strcmp(n, "row")) {
			xmlChar *num = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
			long line = num ? atol((const char *)num) : next_row;
			xmlFree(num);
			next_row = line + 1;
			if (rows->csv->nrows == rows->cap) {
				size_t cap = rows->cap ? rows->cap * 2 : 64;
				struct kt_csv_row *v = realloc(rows->csv->rows, cap * sizeof *v);
				if (!v) {
					rc = KT_ENOMEM;
					break;
				}
				rows->csv->rows = v;
				rows->cap = cap;
			}
			row = &rows->csv->rows[rows->csv->nrows++];
			*row = (struct kt_csv_row){ 0, NULL, line };
		} else if (!strcmp(n, "c") && row) {
			xmlChar *ref = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
			size_t col = ref ? ref_column((const char *)ref) : row->nfields;
			char *text = NULL;
			xmlFree(ref);
			rc = read_cell(r, bk, &text);
			if (!rc && *text)
				rc = put_cell(row, col, text);
			free(text);
		}
	}
	if (!rc && more < 0)
		rc = zip_bad(z, "the sheet is not well-formed XML: truncated?");
	else if (rc == KT_ENOMEM)
		kt_error_set(z->err, rc, "out of memory");
	xmlFreeTextReader(r);
	return rc;
}

/* Moves the first row of csv into its header. */
static void take_header(struct kt_csv *csv)
{
	if (!csv->nrows)
		return;
	csv->header = csv->rows[0].fields;
	csv->nheader = csv->rows[0].nfields;
	memmove(csv->rows, csv->rows + 1, (csv->nrows - 1) * sizeof *csv->rows);
	csv->nrows--;
}

/* Reads the first sheet.  See internal.h. */
int xlsx_read_sheet(const char *data, size_t len, const char *name,
                    struct kt_csv **out, struct kt_error *err)
{
	struct zip z = { .data = (const unsigned char *)data, .len = len, .name = name,
	                .xlsx = 1, .err = err };
	struct book bk = { 0 };
	struct rows rows = { 0 };
	char path[512], *sheet = NULL;
	size_t sheet_len = 0;
	int rc;

	*out = NULL;
	if (!(rows.csv = calloc(1, sizeof *rows.csv)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	rc = zip_open(&z);
	if (!rc)
		rc = first_sheet_path(&z, path, sizeof path);
	if (!rc)
		rc = read_strings(&z, &bk);
	if (!rc)
		rc = read_styles(&z, &bk);
	if (!rc && (rc = zip_read(&z, path, &sheet, &sheet_len)) == KT_ENOTFOUND)
		rc = zip_bad(&z, "the first sheet is missing");
	if (!rc)
		rc = read_rows(&z, sheet, sheet_len, &bk, &rows);
	free(sheet);
	for (size_t i = 0; i < bk.nstrings; i++)
		free(bk.strings[i]);
	free(bk.strings);
	free(bk.date_style);
	if (rc) {
		kt_csv_free(rows.csv);
		return rc;
	}
	take_header(rows.csv);
	*out = rows.csv;
	return 0;
}
