/*
 * qr.c - the payment QR code of an invoice: the text of ГОСТ Р
 * 56042-2014 ("ST00012|Name=...|PersonalAcc=...|...|Sum=kopecks") and
 * its drawing with libqrencode.
 *
 * The standard's header is "ST" "0001" (its version) and the character
 * set: 1 Windows-1251, 2 UTF-8, 3 KOI8-R; kontora writes UTF-8.  The
 * character after the header separates the fields: '|' as the standard
 * recommends, unless a value holds one; then the first of "#;^~" no value
 * holds (the standard lets the writer choose any character absent from
 * the values; a reader takes the ninth character).  Values are cut to the
 * standard's lengths (Name 160, BankName 45, Purpose 210 characters) at
 * a character, and line breaks become spaces.
 */
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"

/* One field of the payload. */
struct qr_field {
	const char *key;
	const char *value;
	size_t max;           /* characters; 0: no limit of ours */
	const char *setting;  /* the setting a missing required value comes from */
};

/* Returns 1 when any of the n values holds c. */
static int values_hold(const struct qr_field *f, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].value && strchr(f[i].value, c))
			return 1;
	return 0;
}

/* Appends value, at most max characters (0: all), line breaks as spaces.
 * Returns 0 or KT_ENOMEM. */
static int add_value(struct kt_buf *out, const char *value, size_t max)
{
	size_t chars = 0;

	for (const char *s = value; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) != 0x80 && max && ++chars > max)
			break;
		if (kt_buf_addc(out, c == '\n' || c == '\r' ? ' ' : (char)c))
			return KT_ENOMEM;
	}
	return 0;
}

int kt_document_qr_payload(const struct kt_document *d, struct kt_buf *out,
                           struct kt_error *err)
{
	const struct kt_party *s = &d->supplier;
	char sum[24];
	const struct qr_field fields[] = {
		{ "Name", s->legal_name && *s->legal_name ? s->legal_name : s->name, 160, "company.legal_name" },
		{ "PersonalAcc", s->account, 20, "company.account" },
		{ "BankName", s->bank, 45, "company.bank" },
		{ "BIC", s->bik, 9, "company.bik" },
		{ "CorrespAcc", s->corr_account, 20, "company.corr_account" },
		{ "PayeeINN", s->inn, 12, NULL },
		{ "KPP", s->kpp, 9, NULL },
		{ "Purpose", d->purpose, 210, NULL },
		{ "Sum", sum, 18, NULL },
	};
	const size_t n = sizeof fields / sizeof *fields;
	static const char seps[] = "|#;^~";
	char sep = 0;

	snprintf(sum, sizeof sum, "%lld", (long long)d->total);
	for (size_t i = 0; i < n; i++)
		if (fields[i].setting && !text_filled(fields[i].value))
			return kt_error_set(err, KT_EINVAL, "the payment QR code needs %s (%s in kontora.conf)",
			                    fields[i].key, fields[i].setting);
	for (const char *c = seps; *c && !sep; c++)
		if (!values_hold(fields, n, *c))
			sep = *c;
	if (!sep)
		return kt_error_set(err, KT_EINVAL, "the payment QR code: the values hold every "
		                    "separator of \"%s\"", seps);
	if (kt_buf_adds(out, "ST00012"))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!text_filled(fields[i].value))
			continue;
		if (kt_buf_addc(out, sep) || kt_buf_adds(out, fields[i].key) || kt_buf_addc(out, '=') ||
		    add_value(out, fields[i].value, fields[i].max))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

int pdf_qr(struct pdf *p, const char *text, double x, double y, double side,
           struct kt_error *err)
{
	/* Byte mode: the payload's UTF-8 as it is; level M, as bank apps read
	 * it from paper. */
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);

	if (!qr)
		return kt_error_set(err, KT_EINVAL, "the payment QR code: libqrencode cannot encode "
		                    "%zu bytes", strlen(text));
	int w = qr->width, quiet = 2;
	double cell = side / (w + 2 * quiet);
	for (int r = 0; r < w; r++)
		for (int c = 0; c < w; c++) {
			if (!(qr->data[r * w + c] & 1))
				continue;
			/* Runs of dark cells as one rectangle: fewer operators, no
			 * hairline gaps between cells in a viewer. */
			int run = 1;
			while (c + run < w && (qr->data[r * w + c + run] & 1))
				run++;
			pdf_fill(p, x + (quiet + c) * cell, y + side - (quiet + r + 1) * cell,
			         run * cell, cell, 0);
			c += run - 1;
		}
	QRcode_free(qr);
	return 0;
}
