/* amount.c - quantities, line sums, VAT and the totals of a document
 * (kontora.h, the money section).  Amounts are int64 kopecks and
 * quantities thousandths; every rounding is half up (half away from zero
 * for a negative line), once per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money/money.h"

/* Parses a quantity.  See kontora.h. */
int kt_qty_parse(const char *s, int positive, int64_t *milli, struct kt_error *err)
{
	int64_t q;

	if (!s || kt_decimal_parse(s, 3, &q))
		return kt_error_set(err, KT_EINVAL, "quantity \"%s\" is not a number with up to three decimals",
		                    s ? s : "");
	if (positive && q <= 0)
		return kt_error_set(err, KT_EINVAL, "quantity \"%s\" must be more than zero", s);
	*milli = q;
	return 0;
}

/* Returns num / den rounded half away from zero; den > 0. */
static int64_t div_round(__int128 num, __int128 den)
{
	__int128 q = (num < 0 ? -num : num);

	q = (q * 2 + den) / (den * 2);
	return (int64_t)(num < 0 ? -q : q);
}

/* Returns qty × price in kopecks, rounded half up.  See kontora.h. */
int kt_line_sum(int64_t qty_milli, int64_t price, int64_t *sum)
{
	/* A line of up to 10^13 roubles, so that totals cannot overflow. */
	const __int128 limit = (__int128)1000000000000000LL * 1000;
	__int128 v = (__int128)qty_milli * price;

	if (v > limit || v < -limit)
		return KT_EINVAL;
	*sum = div_round(v, 1000);
	return 0;
}

/* Returns the VAT of a line.  See kontora.h. */
int64_t kt_vat_of(int64_t sum, int rate, int included)
{
	if (rate <= 0)
		return 0;
	return included ? div_round((__int128)sum * rate, 100 + rate)
	                : div_round((__int128)sum * rate, 100);
}

/* Parses a VAT rate.  See kontora.h. */
int kt_vat_parse(const char *s, int *rate)
{
	static const struct { const char *word; int rate; } rates[] = {
		{ "22", 22 }, { "10", 10 }, { "0", 0 }, { "none", KT_VAT_NONE },
		{ "22%", 22 }, { "10%", 10 }, { "0%", 0 }, { "без ндс", KT_VAT_NONE },
	};
	char *folded = s ? kt_fold(s) : NULL;
	int rc = KT_EINVAL;

	for (size_t i = 0; folded && i < sizeof rates / sizeof *rates; i++)
		if (!strcmp(folded, rates[i].word)) {
			*rate = rates[i].rate;
			rc = 0;
			break;
		}
	free(folded);
	return rc;
}

/* Returns a rate's stored form: "22", "10", "0" or "none" (static). */
const char *kt_vat_name(int rate)
{
	switch (rate) {
	case 22: return "22";
	case 10: return "10";
	case 0: return "0";
	default: return "none";
	}
}

/* Computes a document's sums.  See kontora.h. */
int kt_document_compute(struct kt_document *d, struct kt_error *err)
{
	static const int order[] = { 22, 10, 0, KT_VAT_NONE };
	struct kt_vat_total totals[4] = { { 0 } };
	int present[4] = { 0 };

	d->subtotal = d->vat_total = 0;
	for (size_t i = 0; i < d->nlines; i++) {
		struct kt_document_line *l = &d->lines[i];
		size_t k = 0;
		while (k < 4 && order[k] != l->vat_rate)
			k++;
		if (k == 4)
			return kt_error_set(err, KT_EINVAL, "line %zu: VAT rate %d is not 22, 10, 0 or none",
			                    i + 1, l->vat_rate);
		if (kt_line_sum(l->qty_milli, l->price, &l->sum))
			return kt_error_set(err, KT_EINVAL, "line %zu: the sum is too large", i + 1);
		l->vat = kt_vat_of(l->sum, l->vat_rate, d->vat_included);
		present[k] = 1;
		totals[k].rate = order[k];
		totals[k].base += l->sum;
		totals[k].vat += l->vat;
		d->subtotal += l->sum;
		d->vat_total += l->vat;
	}
	free(d->vats);
	d->vats = NULL;
	d->nvats = 0;
	if (!(d->vats = calloc(4, sizeof *d->vats)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t k = 0; k < 4; k++)
		if (present[k])
			d->vats[d->nvats++] = totals[k];
	d->total = d->subtotal + (d->vat_included ? 0 : d->vat_total);
	free(d->total_words);
	if (!(d->total_words = kt_amount_words(d->total)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}
