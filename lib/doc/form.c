/*
 * form.c - what the PDF and XLSX writers of proposals and invoices share:
 * the wording of templates/invoice.tmpl and templates/proposal.tmpl, the
 * values of its placeholders, a party's requisites as one line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"

/* The keys of both wording files, then each one's own (docs/documents.md). */
#define COMMON_KEYS \
	"title", "title.draft", "supplier", "buyer", "inn", "kpp", "phone", \
	"col.n", "col.name", "col.qty", "col.unit", "col.price", "col.sum", \
	"total", "vat.included", "vat.added", "vat.none", "grand", "count", "words", \
	"footer", "sign.director", "sign.accountant", "page", "sheet", \
	"mail.subject", "mail.body", "mail.file"

static const char *const invoice_keys[] = {
	COMMON_KEYS, "notice", "bank.bank", "bank.bik", "bank.account", "bank.recipient", "due",
	NULL,
};
static const char *const proposal_keys[] = {
	COMMON_KEYS, "valid", "terms", NULL,
};

const char *doc_form_lookup(void *arg, const char *key, size_t len)
{
	struct doc_form *f = arg;
	const struct kt_document *d = f->d;
	const struct {
		const char *name;
		const char *value;
	} known[] = {
		{ "number", d->number ? d->number : "" },
		{ "date", f->date }, { "date.long", f->date_long },
		{ "due", f->due }, { "due.long", f->due_long },
		{ "valid_until", f->valid }, { "valid_until.long", f->valid_long },
		{ "count", f->count }, { "total", f->total },
		{ "words", d->total_words ? d->total_words : "" },
		{ "rate", f->rate }, { "page", f->page }, { "pages", f->pages },
		{ "supplier", d->supplier.name ? d->supplier.name : "" },
		{ "buyer", d->buyer.name ? d->buyer.name : "" },
	};

	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strlen(known[i].name) == len && !memcmp(known[i].name, key, len))
			return known[i].value;
	return NULL;
}

int doc_form_open(struct doc_form *f, const struct kt_document *d, const char *templates_dir,
                  struct kt_error *err)
{
	memset(f, 0, sizeof *f);
	f->d = d;
	if (!d->type || (strcmp(d->type, "invoice") && strcmp(d->type, "proposal")))
		return kt_error_set(err, KT_EINVAL, "%s: a document of type %s is neither an invoice "
		                    "nor a proposal", d->id ? d->id : "document", d->type ? d->type : "(none)");
	f->invoice = !strcmp(d->type, "invoice");
	doc_date(d->date, 0, f->date);
	doc_date(d->date, 1, f->date_long);
	doc_date(d->due, 0, f->due);
	doc_date(d->due, 1, f->due_long);
	doc_date(d->valid_until, 0, f->valid);
	doc_date(d->valid_until, 1, f->valid_long);
	doc_money(d->total, f->total);
	snprintf(f->count, sizeof f->count, "%zu", d->nlines);
	return doc_words_load(templates_dir, d->type, f->invoice ? invoice_keys : proposal_keys,
	                      doc_form_lookup, f, &f->w, err);
}

void doc_form_close(struct doc_form *f)
{
	doc_words_free(f->w);
	kt_buf_free(&f->text);
	kt_buf_free(&f->party);
	f->w = NULL;
}

const char *doc_form_text(struct doc_form *f, const char *key, struct kt_error *err)
{
	kt_buf_reset(&f->text);
	if (doc_words_expand(f->w, key, doc_form_lookup, f, &f->text, err))
		return NULL;
	return f->text.data ? f->text.data : "";
}

const char *doc_form_vat(struct doc_form *f, const struct kt_vat_total *v, struct kt_error *err)
{
	if (v->rate == KT_VAT_NONE)
		return doc_form_text(f, "vat.none", err);
	snprintf(f->rate, sizeof f->rate, "%d", v->rate);
	return doc_form_text(f, f->d->vat_included ? "vat.included" : "vat.added", err);
}

/* Appends ", " (unless b is empty), label and a space (when label is not
 * empty) and value, when value holds something.  Returns 0 or KT_ENOMEM. */
static int party_part(struct kt_buf *b, const char *label, const char *value)
{
	if (!text_filled(value))
		return 0;
	if ((b->len && kt_buf_adds(b, ", ")) ||
	    (label && *label && kt_buf_addf(b, "%s ", label)) || kt_buf_adds(b, value))
		return KT_ENOMEM;
	return 0;
}

const char *doc_form_party(struct doc_form *f, const struct kt_party *p)
{
	struct kt_buf *b = &f->party;

	kt_buf_reset(b);
	if (party_part(b, NULL, p->legal_name && *p->legal_name ? p->legal_name : p->name) ||
	    party_part(b, doc_words_get(f->w, "inn"), p->inn) ||
	    party_part(b, doc_words_get(f->w, "kpp"), p->kpp) ||
	    party_part(b, NULL, p->address) ||
	    party_part(b, doc_words_get(f->w, "phone"), p->phone) || kt_buf_adds(b, ""))
		return NULL;
	return b->data;
}

/* The wording of one key, filled.  See kontora.h. */
int kt_document_wording(const struct kt_document *d, const char *templates_dir,
                        const char *key, char **out, struct kt_error *err)
{
	struct doc_form f;
	int rc = doc_form_open(&f, d, templates_dir, err);

	*out = NULL;
	if (!rc && !doc_words_has(f.w, key))
		rc = kt_error_set(err, KT_EINVAL, "%s: no key %s", f.w->file, key);
	const char *text = rc ? NULL : doc_form_text(&f, key, err);
	if (!rc && !text)
		rc = err->code;
	if (!rc && !(*out = strdup(text)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	doc_form_close(&f);
	return rc;
}
