/*
 * intake.h - the wing of what comes in from outside: web form posts,
 * JSON, CSV and XLSX lead exports, the webhook's spool, and the importer
 * that turns them into leads through crm/.  Its public functions are in
 * kontora.h.
 */
#ifndef KT_INTAKE_H
#define KT_INTAKE_H

#include <libxml/xmlreader.h>
#include <stdint.h>
#include <zlib.h>

#include "crm/crm.h"

/* Reads the first worksheet of the XLSX workbook in data[0..len) into
 * *out as if it were CSV: the first row the header, every row padded to
 * its last cell, each row's line its row number in the sheet.  Numbers
 * come as written in the file, dates as YYYY-MM-DD when the cell's style
 * is a date.  Returns 0 and *out (free with kt_csv_free()), or KT_EINVAL
 * naming what is wrong with the file, or KT_ENOMEM. */
int xlsx_read_sheet(const char *data, size_t len, const char *name,
                    struct kt_csv **out, struct kt_error *err);

/* ------------------------------------------------------ charset.c */

/* The characters of bytes 0x80-0xFF in Windows-1251 and in CP866 (DOS):
 * code points, 0 for a byte that is none. */
extern const unsigned short intake_cp1251[128];
extern const unsigned short intake_cp866[128];

/* Recodes data[0..len) from the one-byte charset whose upper half is
 * high[] into UTF-8.  Returns 0 with *text NUL ended (caller frees), 1
 * when a byte is none of the charset's characters (*bad its offset, when
 * bad is not NULL), or KT_ENOMEM; *text is NULL unless 0. */
int intake_recode(const char *data, size_t len, const unsigned short high[128], char **text,
                  size_t *bad);

/* ---------------------------------------------------------- zip.c */

/* A ZIP archive in memory: data[0..len); xlsx when the caller takes it
 * for a workbook, as messages then say. */
struct zip {
	const unsigned char *data;
	size_t len;
	const unsigned char *cd;   /* the central directory */
	size_t cd_len;
	size_t entries;
	const char *name;          /* for messages */
	int xlsx;
	struct kt_error *err;
};

/* An entry of the central directory. */
struct zip_entry {
	char name[256];
	unsigned method;           /* 0 stored, 8 deflated */
	size_t start, csize, usize;
};

/* An entry being read. */
struct zip_stream {
	struct zip *z;
	struct zip_entry e;
	z_stream zs;
	int open, done;
};

/* Fails with "NAME: not an XLSX file (why)" or "... a ZIP archive ...".
 * Returns KT_EINVAL. */
int zip_bad(struct zip *z, const char *why);
/* Finds the central directory of z.  Returns 0 or KT_EINVAL naming why. */
int zip_open(struct zip *z);
/* Reads entry i.  Returns 0, KT_ENOTFOUND past the last, or an error. */
int zip_entry(struct zip *z, size_t i, struct zip_entry *e);
/* Reads the part called path into *out (NUL-terminated; caller frees) and
 * *outlen.  Returns 0, KT_ENOTFOUND when there is no such part, or an
 * error. */
int zip_read(struct zip *z, const char *path, char **out, size_t *outlen);
/* Streams entry e: open, read until 0 (or -1 for an error in z->err),
 * close.  open returns 0 or an error. */
int zip_stream_open(struct zip *z, const struct zip_entry *e, struct zip_stream *s);
long zip_stream_read(struct zip_stream *s, char *buf, size_t len);
void zip_stream_close(struct zip_stream *s);

/* ---------------------------------------------------------- cml.c */

/* What a CommerceML file holds, one item at a time, its values named as
 * the fields of kontora's types (product, client); "unit_code" is the
 * unit's OKEI code, "currency" an offer's price currency. */
enum cml_kind { CML_PRODUCT, CML_OFFER, CML_CLIENT, CML_CATALOGUE_END };
#define CML_MAXF 24
struct cml_item {
	enum cml_kind kind;
	long line;                 /* the XML line of its element */
	int deleted;               /* ПометкаУдаления */
	int partial;               /* CATALOGUE_END: СодержитТолькоИзменения */
	size_t n;                  /* the (names, values) given; values not empty */
	const char *names[CML_MAXF];
	char *values[CML_MAXF];
};

/* The passes over the files of one import: offer packages first, so that
 * a product added from the catalogue gets its price in the same record;
 * then catalogues, classifiers and counterparties. */
enum { CML_PASS_OFFERS, CML_PASS_REST };

/* The reader's state across the files of an import. */
struct cml {
	const char *file;          /* the file read, for messages */
	int pass;
	int rest;                  /* set by the offers pass: the file holds more than packages */
	const char *price_type;    /* the price type wanted (name or Ид), or NULL: the first */
	int (*fn)(void *arg, const struct cml_item *it, struct kt_error *err);
	void *arg;
	struct kt_error *err;
	/* inside */
	char price_id[128];        /* the chosen price type of the package */
	int partial;
	struct strmap group_ids;   /* a group's Ид -> its index in groups */
	char **groups;             /* paths: "Химия / Гели" */
	size_t ngroups;
	char xml_error[512];       /* libxml2's first error, its line, and */
	long xml_line;
	int xml_cut;               /* whether it says the file stops short */
};

/* Reads the CommerceML in r (made with XML_PARSE_BIG_LINES for true line
 * numbers), calling c->fn for each item of c->pass; the offers pass sets
 * c->rest when the file holds anything but offer packages, which the
 * other pass then reads (else it need not read the file).  Returns 0, the
 * error of c->fn, or KT_EINVAL with "FILE:LINE: what" in c->err. */
int cml_read(struct cml *c, xmlTextReaderPtr r);
/* Frees what c holds (not c). */
void cml_free(struct cml *c);
/* Returns the value of name in it, or NULL. */
const char *cml_get(const struct cml_item *it, const char *name);
/* Parses a decimal number as 1C writes it into units of 10^-scale,
 * rounded half away from zero.  Returns 0 or KT_EINVAL. */
int cml_decimal(const char *s, int scale, int64_t *out);

#endif
