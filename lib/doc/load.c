/* load.c - a proposal or an invoice read out of the books into struct
 * kt_document (kontora.h), which the renderers draw; and the requisites
 * of clients and of company.* for kontora check. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "doc/records.h"
#include "index/index.h"
#include "util/util.h"

/* Returns the schema of type.  See records.h. */
const struct kt_schema *doc_schema(struct kt_books *b, const char *type, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type(b, type);

	if (!s)
		kt_error_set(err, KT_ENOTFOUND, "these books have no schemas/%s.schema "
		             "(copy it from a new kontora init)", type);
	return s;
}

/* Returns a copy of v, or NULL for NULL or "" (a field not filled).  Sets
 * *oom when out of memory. */
static char *dup_filled(const char *v, int *oom)
{
	char *c;

	if (!v || !*v)
		return NULL;
	if (!(c = strdup(v)))
		*oom = 1;
	return c;
}

/* The supplier's requisites as keys of kontora.conf (git-config names
 * take no underscore) and the members of struct kt_party they fill. */
static const struct {
	const char *key;
	size_t at;
} company_keys[] = {
	{ "company.name", offsetof(struct kt_party, name) },
	{ "company.legal-name", offsetof(struct kt_party, legal_name) },
	{ "company.inn", offsetof(struct kt_party, inn) },
	{ "company.kpp", offsetof(struct kt_party, kpp) },
	{ "company.ogrn", offsetof(struct kt_party, ogrn) },
	{ "company.address", offsetof(struct kt_party, address) },
	{ "company.bank", offsetof(struct kt_party, bank) },
	{ "company.bik", offsetof(struct kt_party, bik) },
	{ "company.corr-account", offsetof(struct kt_party, corr_account) },
	{ "company.account", offsetof(struct kt_party, account) },
	{ "company.phone", offsetof(struct kt_party, phone) },
	{ "company.email", offsetof(struct kt_party, email) },
	{ "company.director", offsetof(struct kt_party, director) },
	{ "company.accountant", offsetof(struct kt_party, accountant) },
	{ "company.stamp", offsetof(struct kt_party, stamp_png) },
	{ "company.signature", offsetof(struct kt_party, signature_png) },
};

/* Fills p from company.* of kontora.conf.  Returns 0 or an error. */
static int load_company(struct kt_books *b, struct kt_party *p, struct kt_error *err)
{
	for (size_t i = 0; i < sizeof company_keys / sizeof *company_keys; i++) {
		char *v = NULL;
		int rc = kt_config_get(b, company_keys[i].key, &v, err);
		if (rc && rc != KT_ENOTFOUND)
			return rc;
		if (v && !*v) {
			free(v);
			v = NULL;
		}
		*(char **)((char *)p + company_keys[i].at) = v;
	}
	return 0;
}

/* Frees what load_company() put into p. */
static void company_free(struct kt_party *p)
{
	for (size_t i = 0; i < sizeof company_keys / sizeof *company_keys; i++)
		free(*(char **)((char *)p + company_keys[i].at));
}

/* The client's fields that fill the buyer, by the members of struct
 * kt_party. */
static const struct {
	const char *field;
	size_t at;
} client_fields[] = {
	{ "id", offsetof(struct kt_party, id) },
	{ "name", offsetof(struct kt_party, name) },
	{ "legal_name", offsetof(struct kt_party, legal_name) },
	{ "inn", offsetof(struct kt_party, inn) },
	{ "kpp", offsetof(struct kt_party, kpp) },
	{ "ogrn", offsetof(struct kt_party, ogrn) },
	{ "address", offsetof(struct kt_party, address) },
	{ "bank", offsetof(struct kt_party, bank) },
	{ "bik", offsetof(struct kt_party, bik) },
	{ "corr_account", offsetof(struct kt_party, corr_account) },
	{ "account", offsetof(struct kt_party, account) },
	{ "phone", offsetof(struct kt_party, phone) },
	{ "email", offsetof(struct kt_party, email) },
};

/* Fills p from the client record r.  Returns 0 or KT_ENOMEM. */
static int party_from(const struct kt_record *r, struct kt_party *p, struct kt_error *err)
{
	int oom = 0;

	for (size_t i = 0; i < sizeof client_fields / sizeof *client_fields; i++)
		*(char **)((char *)p + client_fields[i].at) =
			dup_filled(kt_record_get(r, client_fields[i].field), &oom);
	return oom ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
}

/* Fills p from the client with id, who must exist.  Returns 0 or an
 * error. */
static int load_client(struct kt_books *b, const char *id, struct kt_party *p,
                       struct kt_error *err)
{
	const struct kt_schema *cs = doc_schema(b, "client", err);
	struct kt_record *r;
	int rc;

	if (!cs)
		return err->code;
	if ((rc = kt_record_read(b, cs, id, &r, err)))
		return rc == KT_ENOTFOUND ? kt_error_set(err, rc, "no client %s", id) : rc;
	rc = party_from(r, p, err);
	kt_record_free(r);
	return rc;
}

/* The lines being read: the document and how far it got. */
struct lines {
	struct kt_document *d;
	struct kt_books *b;
	int labels;           /* units by their printed names, else ids */
	struct kt_error *err;
};

/* Adds one row of the lines query (id, product, name, qty in
 * thousandths, unit, price in kopecks, vat_rate) to the document.  Returns 0 or an error. */
static int line_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *v)
{
	struct lines *ls = arg;
	struct kt_document *d = ls->d;
	struct kt_document_line *l;
	int oom = 0;

	if (!v)
		return 0;
	if (!(d->nlines % 16)) {
		void *p = realloc(d->lines, (d->nlines + 16) * sizeof *d->lines);
		if (!p)
			return kt_error_set(ls->err, KT_ENOMEM, "out of memory");
		d->lines = p;
	}
	l = &d->lines[d->nlines++];
	memset(l, 0, sizeof *l);
	l->product = dup_filled(v[1], &oom);
	l->name = dup_filled(v[2], &oom);
	l->unit = dup_filled(ls->labels && *v[4] ? kt_dict_label(ls->b, "unit", v[4]) : v[4], &oom);
	if (oom)
		return kt_error_set(ls->err, KT_ENOMEM, "out of memory");
	/* The index holds qty in thousandths and price in kopecks. */
	l->qty_milli = strtoll(v[3], NULL, 10);
	l->price = strtoll(v[5], NULL, 10);
	if (kt_vat_parse(v[6], &l->vat_rate))
		return kt_error_set(ls->err, KT_EINVAL, "doc_line %s: vat_rate \"%s\" is not 22, 10, 0 or none",
		                    v[0], v[6]);
	return 0;
}

/* Reads the lines of document id into d.  See records.h. */
int doc_lines(struct kt_books *b, const char *id, int labels, struct kt_document *d,
              struct kt_error *err)
{
	static const char sql[] =
		"select id, product, name, qty, unit, price, vat_rate from doc_line "
		"where document = :doc order by position, created, id";
	const struct kt_param p = { "doc", id };
	struct lines ls = { d, b, labels, err };

	if (!doc_schema(b, "doc_line", err))
		return err->code;
	return index_sql(b->index, sql, &p, 1, line_row, &ls, err);
}

/* Makes the payment purpose of an invoice: "Оплата по счету № N от
 * DD.MM.YYYY", then the VAT in it ("в т.ч. НДС 18,03 руб.") or "без
 * НДС", as banks' forms write it.  Returns 0 or
 * KT_ENOMEM. */
static int make_purpose(struct kt_document *d, struct kt_error *err)
{
	struct kt_buf b = { 0 };
	char day[40], money[40];
	int rc = kt_buf_addf(&b, "Оплата по счету%s%s от %s", d->number ? " № " : "",
	                     d->number ? d->number : "", doc_date(d->date, 0, day));

	if (d->vat_total)
		rc |= kt_buf_addf(&b, ", в т.ч. НДС %s руб.", doc_money(d->vat_total, money));
	else
		rc |= kt_buf_adds(&b, ", без НДС");
	if (rc) {
		kt_buf_free(&b);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	d->purpose = kt_buf_detach(&b);
	return 0;
}

/* Fills d from the record r.  See records.h. */
int doc_fill(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
             struct kt_document *d, struct kt_error *err)
{
	const char *created = kt_record_get(r, "created");
	const char *date = kt_record_get(r, "date");
	char day[11];
	int oom = 0, rc;

	snprintf(day, sizeof day, "%.10s", date && *date ? date : created ? created : "");
	d->id = dup_filled(kt_record_get(r, "id"), &oom);
	d->type = dup_filled(s->name, &oom);
	d->status = dup_filled(kt_record_get(r, "status"), &oom);
	d->number = dup_filled(kt_record_get(r, "number"), &oom);
	d->date = dup_filled(day, &oom);
	d->due = dup_filled(kt_record_get(r, "due"), &oom);
	d->valid_until = dup_filled(kt_record_get(r, "valid_until"), &oom);
	d->terms = dup_filled(kt_record_get(r, "terms"), &oom);
	d->lead = dup_filled(kt_record_get(r, "lead"), &oom);
	d->vat_included = !kt_record_get(r, "vat_mode") || strcmp(kt_record_get(r, "vat_mode"), "on-top");
	if (oom || !d->date)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if ((rc = load_company(b, &d->supplier, err)) ||
	    (rc = load_client(b, kt_record_get(r, "client"), &d->buyer, err)) ||
	    (rc = doc_lines(b, d->id, 1, d, err)) || (rc = kt_document_compute(d, err)))
		return rc;
	return strcmp(s->name, "invoice") ? 0 : make_purpose(d, err);
}

/* Loads a document.  See kontora.h. */
int kt_document_load(struct kt_books *b, const char *id, struct kt_document **out,
                     struct kt_error *err)
{
	const struct kt_schema *s;
	struct kt_record *r = NULL;
	struct kt_document *d;
	char *full = NULL;
	int rc = kt_resolve_id(b, NULL, id, &full, &s, err);

	if (rc)
		return rc;
	if (strcmp(s->name, "invoice") && strcmp(s->name, "proposal"))
		rc = kt_error_set(err, KT_EINVAL, "%s is a %s, not an invoice or a proposal", full, s->name);
	if (!rc && !(rc = access_record(b, s, full, ACCESS_READ, err)))
		rc = kt_record_read(b, s, full, &r, err);
	free(full);
	if (rc)
		return rc;
	if (!(d = calloc(1, sizeof *d))) {
		kt_record_free(r);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	rc = doc_fill(b, s, r, d, err);
	kt_record_free(r);
	if (rc) {
		kt_document_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* What the requisite problems of one party are gathered into. */
struct gather {
	struct kt_buf *msg;
	const char *who;      /* "company." or "client C7Q4M2ZX: " */
	int company;          /* fields are keys of kontora.conf */
};

/* Appends one problem to the message: "company.bik: not a BIK ...". */
static void gather_fn(void *arg, const char *field, const char *value, const char *msg)
{
	struct gather *g = arg;
	char key[64];

	snprintf(key, sizeof key, "%s", field);
	for (char *p = key; g->company && *p; p++)
		if (*p == '_')
			*p = '-';
	kt_buf_addf(g->msg, "%s%s%s: %s%s%s%s", g->msg->len ? "; " : "", g->who, key, msg,
	            *value ? " \"" : "", value, *value ? "\"" : "");
}

/* Checks d's requisites.  See records.h. */
int doc_requisites(const struct kt_document *d, int issuing, struct kt_error *err)
{
	struct kt_buf msg = { 0 };
	char who[128];
	struct gather sup = { &msg, "company.", 1 }, buy = { &msg, who, 0 };
	int n;

	snprintf(who, sizeof who, "client %s: ", d->buyer.id ? d->buyer.id : "");
	/* A company (a 10-digit INN) has a KPP; a sole trader has none. */
	int company = d->supplier.inn && strlen(d->supplier.inn) == 10;
	n = kt_party_check(&d->supplier, !issuing ? "name" : company
	                   ? "name,inn,kpp,address,bank,bik,corr_account,account"
	                   : "name,inn,address,bank,bik,corr_account,account", gather_fn, &sup);
	n += kt_party_check(&d->buyer, issuing ? "name,inn" : "name", gather_fn, &buy);
	if (n && !msg.data)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (n) {
		kt_error_set(err, KT_EINVAL, "%s %s: %s (company.* is in kontora.conf: kontora config company.KEY VALUE)",
		             d->type, d->id, msg.data);
		kt_buf_free(&msg);
		return KT_EINVAL;
	}
	return 0;
}

/* A problem of kontora check, as kt_doc_check() reports it. */
struct checking {
	struct kt_books *b;
	kt_problem_fn fn;
	void *arg;
	char *file;           /* the shard being checked, or NULL for kontora.conf */
	struct strmap lines;  /* the line of each id of that shard */
	const char *id;
	struct kt_error *err;
	int n;
};

/* Makes ck report the client rows of shard: reads HEAD's shard and notes
 * the line each row begins on, as kontora check names rows.  Returns 0
 * or an error. */
static int shard_lines(struct checking *ck, const char *shard, struct kt_error *err)
{
	struct store_file f = { 0 };
	struct kt_csv *csv = NULL;
	int rc;

	if (ck->file && !strcmp(ck->file, shard))
		return 0;
	free(ck->file);
	strmap_free(&ck->lines);
	if (!(ck->file = strdup(shard)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!(rc = store_read(ck->b->store, shard, &f, err)) &&
	    !(rc = kt_csv_parse(f.data, f.len, shard, &csv, err)))
		for (size_t i = 0; !rc && i < csv->nrows; i++)
			if (csv->rows[i].nfields && strmap_put(&ck->lines, csv->rows[i].fields[0],
			                                       (size_t)csv->rows[i].line))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	kt_csv_free(csv);
	store_file_free(&f);
	return rc;
}

/* Reports one requisite problem of a client (file:line: field: message)
 * or of company.* (kontora.conf: company.key: message). */
static void check_fn(void *arg, const char *field, const char *value, const char *msg)
{
	struct checking *ck = arg;
	char text[512], key[64];
	size_t line = 0;

	snprintf(key, sizeof key, "%s%s", ck->id ? "" : "company.", field);
	for (char *p = key; !ck->id && *p; p++)
		if (*p == '_')
			*p = '-';
	snprintf(text, sizeof text, "%s%s%s%s \"%s\"", ck->id ? "client " : "", ck->id ? ck->id : "",
	         ck->id ? ": " : "", msg, value);
	if (ck->id)
		strmap_get(&ck->lines, ck->id, &line);
	ck->fn(ck->arg, ck->id ? ck->file : "kontora.conf", (long)line, key, text);
	ck->n++;
}

/* The client fields kontora check looks at. */
static const char *const checked[] = { "inn", "kpp", "ogrn", "bik", "corr_account", "account" };

/* Checks one client row (id, _shard, then those of checked[] the schema
 * has).  Returns 0. */
static int client_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *v)
{
	struct checking *ck = arg;
	struct kt_party p = { 0 };
	char **const slots[] = { &p.inn, &p.kpp, &p.ogrn, &p.bik, &p.corr_account, &p.account };

	if (!v)
		return 0;
	for (size_t i = 2; i < ncols; i++)
		for (size_t k = 0; k < sizeof checked / sizeof *checked; k++)
			if (!strcmp(cols[i].name, checked[k]) && *v[i])
				*slots[k] = v[i];
	int rc = shard_lines(ck, v[1], ck->err);
	if (rc)
		return rc;
	ck->id = v[0];
	kt_party_check(&p, NULL, check_fn, ck);
	return 0;
}

/* Reports bad requisites of clients and company.*.  See kontora.h. */
int kt_doc_check(struct kt_books *b, kt_problem_fn fn, void *arg, struct kt_error *err)
{
	const struct kt_schema *cs = kt_books_type(b, "client");
	struct checking ck = { .b = b, .fn = fn, .arg = arg, .err = err };
	struct kt_party company = { 0 };
	struct kt_buf sql = { 0 };
	int rc = load_company(b, &company, err);

	if (!rc)
		kt_party_check(&company, NULL, check_fn, &ck);
	company_free(&company);
	if (rc || !cs)
		return rc ? rc : ck.n;
	rc = kt_buf_adds(&sql, "select id, _shard");
	for (size_t i = 0; !rc && i < sizeof checked / sizeof *checked; i++)
		if (kt_schema_field(cs, checked[i]))
			rc = kt_buf_addf(&sql, ", %s", checked[i]);
	if (!rc)
		rc = kt_buf_adds(&sql, " from client order by _shard, id");
	if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = index_sql(b->index, sql.data, NULL, 0, client_row, &ck, err);
	kt_buf_free(&sql);
	free(ck.file);
	strmap_free(&ck.lines);
	return rc ? rc : ck.n;
}
