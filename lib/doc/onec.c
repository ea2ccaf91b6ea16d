/*
 * onec.c - the invoices of a period read out of the books for 1C
 * (kontora export 1c, docs/onec-export.md): which ones go, with the ids
 * 1C knows their buyers and products by, and which buyers 1C does not
 * know yet.  export/cml.c writes them; this file only reads.
 *
 * Everything is read through kt_list() and kt_document_load(), so the
 * caller's access rules hold: a manager exports the invoices of their
 * own clients, the accountant all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc/doc.h"
#include "doc/records.h"
#include "util/util.h"

/* The states of an invoice that was issued and not cancelled. */
static const char *const exported_states[] = { "issued", "partly_paid", "paid" };

/* A record of a kt_list() query: its id and the fields kept. */
struct row {
	char *id;
	char *onec_id;        /* clients and products: "" when 1C does not know it */
	char *date, *time;    /* invoices: the date of issue, HH:MM:SS */
	long seq;             /* invoices: the number in the year */
};

/* The rows of one query, and what the query keeps. */
struct rows {
	struct row *v;
	size_t n;
	struct strmap by_id;  /* id -> index in v */
	const char *from, *to;  /* invoices: the period, either NULL */
	int invoices;         /* keep only exported invoices of the period */
	time_t now;           /* the books' clock, for reading times */
};

/* Returns a copy of the value of column name in a kt_list() row, "" when
 * the row lacks it, or NULL when out of memory. */
static char *column(size_t ncols, const struct kt_column *cols, char *const *v, const char *name)
{
	for (size_t i = 0; i < ncols; i++)
		if (!strcmp(cols[i].name, name))
			return strdup(v[i]);
	return strdup("");
}

/* Returns 1 if an invoice row with status and date is one to export. */
static int wanted(const struct rows *rs, const char *status, const char *date)
{
	if (!strv_has((char *const *)exported_states, sizeof exported_states / sizeof *exported_states,
	              status))
		return 0;
	return (!rs->from || strcmp(date, rs->from) >= 0) && (!rs->to || strcmp(date, rs->to) <= 0);
}

/* Returns the time of an invoice for 1C's Время, HH:MM:SS (caller
 * frees): the local time it was made (created, UTC) when that was on the
 * day of issue, as a draft issued at once is; else noon, since kontora
 * keeps the day of issue and not its hour, and 1C wants a time.  NULL
 * when out of memory. */
static char *issue_time(const char *date, const char *created, time_t now)
{
	char day[11], hms[9];
	time_t t;
	struct tm tm;

	if (kt_time_parse(created, now, &t) || !localtime_r(&t, &tm))
		return strdup("12:00:00");
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	return strdup(strcmp(day, date) ? "12:00:00" : hms);
}

/* A kt_row_fn keeping rows in a struct rows.  Returns 0 or KT_ENOMEM. */
static int keep_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *v)
{
	struct rows *rs = arg;
	struct row r = { 0 };
	int rc = 0;

	if (!v)
		return 0;
	r.id = column(ncols, cols, v, "id");
	r.onec_id = column(ncols, cols, v, "onec_id");
	r.date = column(ncols, cols, v, "date");
	char *status = column(ncols, cols, v, "status"), *created = column(ncols, cols, v, "created");
	char *seq = column(ncols, cols, v, "seq");
	if (!r.id || !r.onec_id || !r.date || !status || !created || !seq)
		rc = KT_ENOMEM;
	else if (rs->invoices && !wanted(rs, status, r.date))
		rc = -1;
	else if (rs->invoices && !(r.time = issue_time(r.date, created, rs->now)))
		rc = KT_ENOMEM;
	r.seq = seq ? strtol(seq, NULL, 10) : 0;
	free(status);
	free(created);
	free(seq);
	if (!rc && !(rs->n % 64)) {
		struct row *p = realloc(rs->v, (rs->n + 64) * sizeof *p);
		rc = p ? 0 : KT_ENOMEM;
		if (p)
			rs->v = p;
	}
	if (!rc && strmap_put(&rs->by_id, r.id, rs->n))
		rc = KT_ENOMEM;
	if (!rc) {
		rs->v[rs->n++] = r;
		return 0;
	}
	free(r.id);
	free(r.onec_id);
	free(r.date);
	free(r.time);
	return rc == -1 ? 0 : rc;
}

/* Frees what rs holds. */
static void rows_free(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].id);
		free(rs->v[i].onec_id);
		free(rs->v[i].date);
		free(rs->v[i].time);
	}
	free(rs->v);
	strmap_free(&rs->by_id);
}

/* Reads every record of type the caller may see into rs, archived ones
 * too.  Returns 0 or an error. */
static int read_rows(struct kt_books *b, const char *type, struct rows *rs, struct kt_error *err)
{
	const struct kt_schema *s = doc_schema(b, type, err);
	struct kt_query q = { .schema = s, .all_columns = 1, .all = 1 };
	int rc;

	if (!s)
		return err->code;
	rc = kt_list(b, &q, keep_row, rs, err);
	return rc == KT_ENOMEM ? kt_error_set(err, rc, "out of memory") : rc;
}

/* Orders invoices by date, then by their number in the year. */
static int by_issue(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = strcmp(a->date, b->date);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Returns the 1C id of the record id of rs (its onec_id, else id itself;
 * owned by rs or by the caller's id), or NULL for NULL. */
static const char *onec_id_of(const struct rows *rs, const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	return strmap_get(&rs->by_id, id, &i) && *rs->v[i].onec_id ? rs->v[i].onec_id : id;
}

/* What is read for the file: the invoices loaded, their orders, and the
 * buyers 1C does not know yet. */
struct batch {
	struct kt_document **docs;
	struct kt_cml_order *orders;
	const struct kt_party **clients;
	size_t n, nclients;
};

/* Frees what bt holds. */
static void batch_free(struct batch *bt)
{
	for (size_t i = 0; i < bt->n; i++) {
		free((void *)bt->orders[i].product_ids);
		kt_document_free(bt->docs[i]);
	}
	free(bt->docs);
	free(bt->orders);
	free(bt->clients);
}

/* Loads the invoice inv into the next order of bt with the ids of its
 * buyer and products, noting its buyer among the clients when 1C does
 * not know it and it is not noted yet.  Returns 0 or an error. */
static int add_order(struct kt_books *b, const struct row *inv, const struct rows *clients,
                     const struct rows *products, struct batch *bt, struct kt_error *err)
{
	struct kt_document *d;
	int rc = kt_document_load(b, inv->id, &d, err);

	if (rc)
		return rc;
	bt->docs[bt->n] = d;
	struct kt_cml_order *o = &bt->orders[bt->n++];
	const char **ids = calloc(d->nlines ? d->nlines : 1, sizeof *ids);
	if (!ids)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->nlines; i++)
		ids[i] = onec_id_of(products, d->lines[i].product);
	*o = (struct kt_cml_order){ d, inv->time, onec_id_of(clients, d->buyer.id), (char *const *)ids };
	if (strcmp(o->buyer_id, d->buyer.id))
		return 0;
	for (size_t i = 0; i < bt->nclients; i++)
		if (!strcmp(bt->clients[i]->id, d->buyer.id))
			return 0;
	bt->clients[bt->nclients++] = &d->buyer;
	return 0;
}

/* Exports the invoices of a period for 1C.  See kontora.h. */
int kt_export_1c(struct kt_books *b, const char *from, const char *to, struct kt_buf *out,
                 size_t *norders, size_t *nclients, struct kt_error *err)
{
	struct rows inv = { .from = from, .to = to, .invoices = 1, .now = kt_books_now(b) };
	struct rows cl = { 0 }, pr = { 0 };
	struct batch bt = { 0 };
	char stamp[20];
	int rc = 0;

	if ((from && !kt_date_valid(from)) || (to && !kt_date_valid(to)))
		return kt_error_set(err, KT_EINVAL, "not a date (YYYY-MM-DD): %s",
		                    from && !kt_date_valid(from) ? from : to);
	if ((rc = read_rows(b, "invoice", &inv, err)) || (rc = read_rows(b, "client", &cl, err)) ||
	    (rc = read_rows(b, "product", &pr, err)))
		goto done;
	if (inv.n)
		qsort(inv.v, inv.n, sizeof *inv.v, by_issue);
	bt.docs = calloc(inv.n + 1, sizeof *bt.docs);
	bt.orders = calloc(inv.n + 1, sizeof *bt.orders);
	bt.clients = calloc(inv.n + 1, sizeof *bt.clients);
	if (!bt.docs || !bt.orders || !bt.clients) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; !rc && i < inv.n; i++)
		rc = add_order(b, &inv.v[i], &cl, &pr, &bt, err);
	struct tm tm;
	localtime_r(&inv.now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rc)
		rc = kt_cml_orders(bt.orders, bt.n, bt.clients, bt.nclients, stamp, out, err);
	if (!rc && norders)
		*norders = bt.n;
	if (!rc && nclients)
		*nclients = bt.nclients;
done:
	batch_free(&bt);
	rows_free(&inv);
	rows_free(&cl);
	rows_free(&pr);
	return rc;
}
