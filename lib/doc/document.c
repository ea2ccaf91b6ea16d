/* document.c - a proposal or an invoice as it is printed (kontora.h). */
#include <stdlib.h>

#include "kontora.h"

/* Frees what a party holds, not the party itself. */
static void party_clear(struct kt_party *p)
{
	char **fields[] = {
		&p->id, &p->name, &p->legal_name, &p->inn, &p->kpp, &p->ogrn,
		&p->address, &p->bank, &p->bik, &p->corr_account, &p->account,
		&p->phone, &p->email, &p->director, &p->accountant,
		&p->stamp_png, &p->signature_png,
	};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

void kt_document_free(struct kt_document *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nlines; i++) {
		free(d->lines[i].product);
		free(d->lines[i].name);
		free(d->lines[i].unit);
	}
	free(d->lines);
	free(d->vats);
	party_clear(&d->supplier);
	party_clear(&d->buyer);
	free(d->id);
	free(d->type);
	free(d->status);
	free(d->number);
	free(d->date);
	free(d->due);
	free(d->valid_until);
	free(d->terms);
	free(d->purpose);
	free(d->lead);
	free(d->total_words);
	free(d);
}
