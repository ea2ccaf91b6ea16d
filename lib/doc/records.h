/*
 * records.h - what lib/doc/'s records side shares between its files:
 * reading a document, its lines, its client and company.* out of the
 * books (load.c) for making and issuing documents (draft.c) and for
 * kontora check.  Private to lib/doc/.
 */
#ifndef KT_DOC_RECORDS_H
#define KT_DOC_RECORDS_H

#include "books/books.h"
#include "money/money.h"

/* Returns the schema of a document type the books have ("invoice",
 * "proposal") or NULL with err naming the missing schema file. */
const struct kt_schema *doc_schema(struct kt_books *b, const char *type, struct kt_error *err);

/* Fills d (zeroed by the caller) from the document record r of type s:
 * its fields, the supplier from company.* of kontora.conf, the buyer from
 * the client r names, the lines from the index, and the sums computed.
 * Returns 0 or an error; d is then freed with kt_document_free() by the
 * caller either way. */
int doc_fill(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
             struct kt_document *d, struct kt_error *err);

/* Reads the lines of the document id into d (appended to d->lines), in
 * the order of their positions, with their units' printed names when
 * labels, else the units' ids.  Returns 0 or an error. */
int doc_lines(struct kt_books *b, const char *id, int labels, struct kt_document *d,
              struct kt_error *err);

/* Checks the requisites of d's supplier (as company.KEY of kontora.conf)
 * and buyer (as client ID), requiring those an invoice needs when
 * issuing.  Returns 0, or KT_EINVAL with every problem in err. */
int doc_requisites(const struct kt_document *d, int issuing, struct kt_error *err);

#endif
