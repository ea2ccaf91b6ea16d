/* draft.c - making proposals and invoices: a draft from lines typed as
 * PRODUCT:QTY[:PRICE] or from a proposal, and issuing (sending) one: the
 * requisites checked, the next number of the year, the date, the sums
 * written, and the workflow's move into the state that freezes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc/records.h"
#include "index/index.h"

/* The (name, value) pairs of one record being added. */
struct pairs {
	const struct kt_schema *s;
	char *names[24];
	char *values[24];
	size_t n;
	int oom;
};

/* Adds name=value when s has the field and value is given.  Copies
 * value. */
static void pair(struct pairs *p, const char *name, const char *value)
{
	if (!value || !kt_schema_field(p->s, name) || p->n == 24)
		return;
	p->names[p->n] = (char *)name;
	if (!(p->values[p->n++] = strdup(value)))
		p->oom = 1;
}

/* Adds a money field. */
static void pair_money(struct pairs *p, const char *name, int64_t kopecks)
{
	char buf[40];

	pair(p, name, kt_money_format(kopecks, 0, buf));
}

/* Frees the values of p. */
static void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->values[i]);
	p->n = 0;
}

/* Reads the setting key of kontora.conf into *value (caller frees; NULL
 * when unset).  Returns 0 or an error. */
static int setting(struct kt_books *b, const char *key, char **value, struct kt_error *err)
{
	int rc = kt_config_get(b, key, value, err);

	if (rc == KT_ENOTFOUND) {
		*value = NULL;
		return 0;
	}
	return rc;
}

/* Finds the VAT rate of new lines (given, else vat.rate, else 22) and
 * whether prices include it (vat.mode).  Returns 0 or an error naming
 * the value. */
static int vat_setup(struct kt_books *b, const char *given, int *rate, const char **mode,
                     struct kt_error *err)
{
	char *conf = NULL, *m = NULL;
	int rc = setting(b, "vat.rate", &conf, err);

	if (!rc && (rc = setting(b, "vat.mode", &m, err)) == 0) {
		const char *use = given ? given : conf ? conf : "22";
		if (kt_vat_parse(use, rate))
			rc = kt_error_set(err, KT_EINVAL, "%s \"%s\": not a VAT rate (22, 10, 0 or none)",
			                  given ? "--vat" : "vat.rate in kontora.conf", use);
		*mode = m && !strcasecmp(m, "on-top") ? "on-top" : "included";
		if (!rc && m && strcasecmp(m, "on-top") && strcasecmp(m, "included"))
			rc = kt_error_set(err, KT_EINVAL, "vat.mode in kontora.conf \"%s\": not included or on-top", m);
	}
	free(conf);
	free(m);
	return rc;
}

/* Checks price against the price field of doc_line.schema (its min=).
 * Returns 0, or an error in err naming the field. */
static int line_price_allowed(struct kt_books *b, const char *price, struct kt_error *err)
{
	const struct kt_schema *ls = kt_books_type(b, "doc_line");
	const struct kt_field *f = ls ? kt_schema_field(ls, "price") : NULL;
	char *norm = NULL;
	int rc = f ? kt_value_normalize(f, price, &norm, err) : 0;

	free(norm);
	return rc;
}

/* Parses one --line "PRODUCT:QTY[:PRICE]" (number at, 1-based) into l:
 * the product resolved and read for its name, unit and price.  Returns 0
 * or an error naming the line. */
static int parse_line(struct kt_books *b, const char *spec, size_t at, int rate,
                      struct kt_document_line *l, struct kt_error *err)
{
	const struct kt_schema *ps = doc_schema(b, "product", err);
	char *copy = strdup(spec), *qty, *price, *id = NULL;
	struct kt_record *r = NULL;
	struct kt_error e = { 0 };
	int rc = 0;

	if (!ps || !copy) {
		free(copy);
		return ps ? kt_error_set(err, KT_ENOMEM, "out of memory") : err->code;
	}
	l->vat_rate = rate;
	if (!(qty = strchr(copy, ':')) || !*copy) {
		rc = kt_error_set(err, KT_EINVAL, "--line %zu \"%s\": not PRODUCT:QTY[:PRICE]", at, spec);
		goto done;
	}
	*qty++ = '\0';
	if ((price = strchr(qty, ':')))
		*price++ = '\0';
	if ((rc = kt_resolve_id(b, "product", copy, &id, &ps, &e)) ||
	    (rc = kt_record_read(b, ps, id, &r, &e))) {
		rc = kt_error_set(err, rc, "--line %zu \"%s\": %s", at, spec, e.msg);
		goto done;
	}
	if ((rc = kt_qty_parse(qty, 1, &l->qty_milli, &e))) {
		rc = kt_error_set(err, rc, "--line %zu \"%s\": %s", at, spec, e.msg);
		goto done;
	}
	const char *use = price ? price : kt_record_get(r, "price");
	if (!use || !*use)
		rc = kt_error_set(err, KT_EINVAL, "--line %zu \"%s\": product %s has no price; "
		                  "give one as PRODUCT:QTY:PRICE", at, spec, id);
	else if (kt_money_parse(use, &l->price))
		rc = kt_error_set(err, KT_EINVAL, "--line %zu \"%s\": price \"%s\" is not an amount of money",
		                  at, spec, use);
	/* What a line's price may be is doc_line.schema's (min=0 there: a
	 * discount is a lower price, never a line below zero), said here with
	 * the line it is on. */
	else if ((rc = line_price_allowed(b, use, &e)))
		rc = kt_error_set(err, rc, "--line %zu \"%s\": %s", at, spec, e.msg);
	if (!rc && (!(l->product = strdup(id)) || !(l->name = strdup(kt_record_get(r, "name"))) ||
	            !(l->unit = strdup(kt_record_get(r, "unit") ? kt_record_get(r, "unit") : ""))))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
done:
	kt_record_free(r);
	free(id);
	free(copy);
	return rc;
}

/* Adds the lines of d as doc_line records of the document id.  Returns 0
 * or an error. */
static int add_lines(struct kt_change *c, const char *id, const struct kt_document *d,
                     struct kt_error *err)
{
	const struct kt_schema *ls = doc_schema(change_books(c), "doc_line", err);
	int rc = ls ? 0 : err->code;

	for (size_t i = 0; !rc && i < d->nlines; i++) {
		const struct kt_document_line *l = &d->lines[i];
		struct pairs p = { .s = ls };
		char pos[24], qty[32];
		const char *lid;

		snprintf(pos, sizeof pos, "%zu", i + 1);
		pair(&p, "document", id);
		pair(&p, "position", pos);
		pair(&p, "product", l->product);
		pair(&p, "name", l->name);
		pair(&p, "qty", kt_decimal_format(l->qty_milli, 0, qty));
		pair(&p, "unit", l->unit);
		pair_money(&p, "price", l->price);
		pair(&p, "vat_rate", kt_vat_name(l->vat_rate));
		pair_money(&p, "sum", l->sum);
		pair_money(&p, "vat", l->vat);
		rc = p.oom ? kt_error_set(err, KT_ENOMEM, "out of memory")
		           : kt_change_add(c, ls, p.names, p.values, p.n, &lid, err);
		pairs_free(&p);
	}
	return rc;
}

/* Fills d's lines from the --line specs.  Returns 0 or an error. */
static int typed_lines(struct kt_books *b, const struct kt_doc_spec *spec, int rate,
                       struct kt_document *d, struct kt_error *err)
{
	if (!spec->nlines)
		return kt_error_set(err, KT_EINVAL, "no lines: give --line PRODUCT:QTY[:PRICE]");
	if (!(d->lines = calloc(spec->nlines, sizeof *d->lines)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < spec->nlines; i++) {
		int rc = parse_line(b, spec->lines[i], i + 1, rate, &d->lines[i], err);
		d->nlines++;
		if (rc)
			return rc;
	}
	return 0;
}

/* Reads the proposal typed as from into *r, for an invoice made from it,
 * and its lines into d.  Returns 0 or an error. */
static int from_proposal(struct kt_books *b, const char *from, struct kt_record **r,
                         struct kt_document *d, struct kt_error *err)
{
	const struct kt_schema *s = doc_schema(b, "proposal", err);
	char *id = NULL;
	int rc = s ? kt_resolve_id(b, "proposal", from, &id, &s, err) : err->code;

	if (!rc && !(rc = access_record(b, s, id, ACCESS_READ, err)) &&
	    !(rc = kt_record_read(b, s, id, r, err)) && !(rc = doc_lines(b, id, 0, d, err)) &&
	    !d->nlines)
		rc = kt_error_set(err, KT_EINVAL, "proposal %s has no lines", id);
	free(id);
	return rc;
}

/* Adds the document record of the draft d to c: its client (the full id
 * cid, whose manager it gets) and the rest from spec or the proposal
 * prop, with d's sums.  Returns 0 and *id (owned by c), or an error. */
static int add_document(struct kt_change *c, const struct kt_schema *s, const struct kt_doc_spec *spec,
                        const struct kt_record *prop, const char *cid, const struct kt_record *client,
                        const char *mode, const struct kt_document *d, const char **id,
                        struct kt_error *err)
{
	const char *manager = kt_record_get(client, "manager");
	struct pairs p = { .s = s };
	int rc;

	pair(&p, "client", cid);
	pair(&p, "lead", prop ? kt_record_get(prop, "lead") : spec->lead);
	pair(&p, "proposal", prop ? kt_record_get(prop, "id") : NULL);
	pair(&p, "due", spec->due);
	pair(&p, "valid_until", spec->valid_until);
	pair(&p, "terms", spec->terms);
	pair(&p, "vat_mode", mode);
	pair_money(&p, "subtotal", d->subtotal);
	pair_money(&p, "vat", d->vat_total);
	pair_money(&p, "total", d->total);
	pair(&p, "manager", manager && *manager ? manager : NULL);
	rc = p.oom ? kt_error_set(err, KT_ENOMEM, "out of memory")
	           : kt_change_add(c, s, p.names, p.values, p.n, id, err);
	pairs_free(&p);
	return rc;
}

/* Makes a draft.  See kontora.h. */
int kt_doc_draft(struct kt_change *c, const char *type, const struct kt_doc_spec *spec,
                 const char **id, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_schema *s = doc_schema(b, type, err), *cs;
	struct kt_document *d = calloc(1, sizeof *d);
	struct kt_record *client = NULL, *prop = NULL;
	const char *mode = "included";
	char *cid = NULL;
	int rate = 22, rc = !s ? err->code : !d ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;

	if (!rc && spec->from) {
		if (!(rc = from_proposal(b, spec->from, &prop, d, err)) &&
		    kt_record_get(prop, "vat_mode") && *kt_record_get(prop, "vat_mode"))
			mode = kt_record_get(prop, "vat_mode");
	} else if (!rc && !spec->client) {
		rc = kt_error_set(err, KT_EINVAL, "no client: give --client ID");
	} else if (!rc && !(rc = vat_setup(b, spec->vat, &rate, &mode, err))) {
		rc = typed_lines(b, spec, rate, d, err);
	}
	if (!rc && !(rc = kt_resolve_id(b, "client", prop ? kt_record_get(prop, "client") : spec->client,
	                                &cid, &cs, err)))
		rc = kt_record_read(b, cs, cid, &client, err);
	if (!rc) {
		d->vat_included = strcmp(mode, "on-top") != 0;
		rc = kt_document_compute(d, err);
	}
	if (!rc && !(rc = add_document(c, s, spec, prop, cid, client, mode, d, id, err)))
		rc = add_lines(c, *id, d, err);
	kt_record_free(client);
	kt_record_free(prop);
	free(cid);
	kt_document_free(d);
	return rc;
}

/* Keeps the one value of a "select max(...)" row in the long at arg (left
 * as it is for NULL: none yet).  Returns 0. */
static int max_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *v)
{
	if (v && *v[0])
		*(long *)arg = strtol(v[0], NULL, 10);
	return 0;
}

/* Brings the sum and VAT of one line (a row: id, qty in thousandths,
 * price in kopecks, rate) up to its qty, price and rate, which an edit of
 * the draft may have changed; arg holds the change, the document and the
 * error.  Returns 0 or an error. */
static int line_sums(void *arg, size_t ncols, const struct kt_column *cols, char *const *v)
{
	void **a = arg;
	struct kt_change *c = a[0];
	const struct kt_document *d = a[1];
	struct kt_error *err = a[2];
	const struct kt_schema *ls = kt_books_type(change_books(c), "doc_line");
	struct kt_document_line l = { 0 };
	char sum[40], vat[40];
	char *names[] = { "sum", "vat" }, *values[] = { sum, vat };

	if (!v)
		return 0;
	l.qty_milli = strtoll(v[1], NULL, 10);   /* the index's thousandths */
	if (kt_vat_parse(v[3], &l.vat_rate) || kt_line_sum(l.qty_milli, strtoll(v[2], NULL, 10), &l.sum))
		return kt_error_set(err, KT_EINVAL, "doc_line %s: vat_rate \"%s\" is not 22, 10, 0 or none, or the sum is too large", v[0], v[3]);
	l.vat = kt_vat_of(l.sum, l.vat_rate, d->vat_included);
	kt_money_format(l.sum, 0, sum);
	kt_money_format(l.vat, 0, vat);
	return change_set(c, ls, v[0], names, values, 2, 0, err);
}

/* Gives the next number of type: today's local date into day, the
 * greatest seq of the year plus one into seq, and that number written by
 * TYPE.number-format into *number (caller frees).  Read under the
 * change's lock, so that writers one after another never share one.
 * Returns 0 or an error. */
static int next_number(struct kt_books *b, const char *type, char day[11], char seq[24],
                       char **number, struct kt_error *err)
{
	time_t now = kt_books_now(b);
	struct tm tm;
	char sql[128], key[64], year[5], *format = NULL;
	long last = 0;
	int rc;

	localtime_r(&now, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
	snprintf(year, sizeof year, "%.4s", day);
	snprintf(sql, sizeof sql, "select max(seq) from %s where substr(date, 1, 4) = :year", type);
	snprintf(key, sizeof key, "%s.number-format", type);
	const struct kt_param yp = { "year", year };
	if (!(rc = index_sql(b->index, sql, &yp, 1, max_row, &last, err)) &&
	    !(rc = setting(b, key, &format, err)))
		rc = kt_number_format(format, last + 1, tm.tm_year + 1900, number, err);
	snprintf(seq, 24, "%ld", last + 1);
	free(format);
	return rc;
}

/* Writes d's number, seq, date and sums into the document id of type s
 * and its lines' sums, in c.  Returns 0 or an error. */
static int write_sums(struct kt_change *c, const struct kt_schema *s, const char *id,
                      const struct kt_document *d, char *number, char *seq, char *day,
                      struct kt_error *err)
{
	char sub[40], vat[40], total[40];
	char *names[] = { "number", "seq", "date", "subtotal", "vat", "total" };
	char *values[] = { number, seq, day, kt_money_format(d->subtotal, 0, sub),
	                   kt_money_format(d->vat_total, 0, vat), kt_money_format(d->total, 0, total) };
	const struct kt_param dp = { "doc", id };
	void *arg[] = { c, (void *)d, err };
	int rc = change_set(c, s, id, names, values, 6, 0, err);

	return rc ? rc : index_sql(change_books(c)->index,
	                           "select id, qty, price, vat_rate from doc_line where document = :doc",
	                           &dp, 1, line_sums, arg, err);
}

/* Issues (sends) a document.  See kontora.h. */
int kt_doc_issue(struct kt_change *c, const char *type, const char *typed, const char *transition,
                 char **number, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_schema *s = doc_schema(b, type, err);
	struct kt_document *d = calloc(1, sizeof *d);
	struct kt_record *r = NULL;
	char *id = NULL, day[11], seq[24];
	int rc = !s ? err->code : !d ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;

	*number = NULL;
	if (!rc)
		rc = kt_resolve_id(b, type, typed, &id, &s, err);
	if (!rc)
		rc = kt_change_move(c, s, id, transition, NULL, NULL, NULL, NULL, 0, err);
	if (!rc && !(rc = kt_record_read(b, s, id, &r, err)))
		rc = doc_fill(b, s, r, d, err);
	if (!rc && !d->nlines)
		rc = kt_error_set(err, KT_EINVAL, "%s %s has no lines", type, id);
	if (!rc)
		rc = doc_requisites(d, !strcmp(type, "invoice"), err);
	if (!rc && !(rc = next_number(b, type, day, seq, number, err)))
		rc = write_sums(c, s, id, d, *number, seq, day, err);
	if (rc) {
		free(*number);
		*number = NULL;
	}
	kt_record_free(r);
	kt_document_free(d);
	free(id);
	return rc;
}
